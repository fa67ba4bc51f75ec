"""Who may see and do what (GEN-4), enforced here for the CLI and the UI alike."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from ..errors import NotFound, PermissionDenied, StaleUpdate
from ..refs import proposal_ref
from ..store.models import Proposal, RecordVersion, User
from .context import Actor, Tx
from .roles import Role, waiver_title


def ref(proposal: Proposal | int) -> str:
    """``P-7``: how every message names a request (review/refs.py reads it back)."""
    return proposal_ref(proposal if isinstance(proposal, int) else proposal.id)


def sees_all(actor: Actor) -> bool:
    return (
        actor.is_admin
        or actor.is_approver
        or actor.is_reviewer
        or bool(actor.domains(Role.WAIVER_AUTHORITY))
    )


def can_view(actor: Actor, proposal: Proposal) -> bool:
    if sees_all(actor):
        return True
    return actor.is_requester and actor.department == proposal.department


def load(
    tx: Tx, proposal_id: int, *, expected_version: int | None = None, lock: bool = False
) -> Proposal:
    """The proposal, if the actor may see it, checked against the version the caller loaded.

    ``lock`` (every action that changes it) takes the row lock on PostgreSQL, so concurrent
    writers queue as they do on SQLite (BEGIN IMMEDIATE) instead of failing spuriously.
    """
    if lock:  # lock the proposal's row only
        query = select(Proposal).where(Proposal.id == proposal_id).options(*_REQUESTER)
        proposal = tx.session.scalars(query.with_for_update(of=Proposal)).unique().one_or_none()
    else:
        proposal = tx.session.get(Proposal, proposal_id, options=_REQUESTER)
    return _checked(tx, proposal_id, proposal, expected_version)


# The requester is joined in, but not their role grants: those were a query of their own on
# every load, and are loaded when read (an actor's grants come from the actor).
_REQUESTER = (joinedload(Proposal.requester).lazyload(User.roles),)


def load_current(
    tx: Tx, proposal_id: int, *, expected_version: int | None = None
) -> tuple[Proposal, RecordVersion | None]:
    """``load(lock=True)`` and the proposal's current record version in the same query (a
    submit reads both; None only if the version is missing, which the caller reports)."""
    query = (
        select(Proposal, RecordVersion)
        .outerjoin(
            RecordVersion,
            (RecordVersion.proposal_id == Proposal.id)
            & (RecordVersion.number == Proposal.current_version),
        )
        .where(Proposal.id == proposal_id)
        .options(*_REQUESTER)
        .with_for_update(of=Proposal)
    )
    row = tx.session.execute(query).unique().one_or_none()
    proposal = _checked(tx, proposal_id, row[0] if row else None, expected_version)
    return proposal, row[1] if row else None


def _checked(
    tx: Tx, proposal_id: int, proposal: Proposal | None, expected_version: int | None
) -> Proposal:
    # Someone who may not see a proposal is told it does not exist (no probing of ids).
    if proposal is None or (tx.actor is not None and not can_view(tx.actor, proposal)):
        raise NotFound(f"no proposal {ref(proposal_id)} that you can see")
    check_version(ref(proposal), proposal.row_version, expected_version)
    return proposal


def check_version(name: str, row_version: int, expected: int | None) -> None:
    """The optimistic lock of a row a person edits: refuse when it moved since they loaded it."""
    if expected is not None and row_version != expected:
        raise StaleUpdate(
            f"{name} changed since you loaded it (version {expected}, now {row_version}); "
            "reload it and try again"
        )


def touch(tx: Tx, proposal: Proposal) -> None:
    """Record that the proposal changed: always an UPDATE, so the optimistic lock (its row
    version) moves even when two actions fall in the same clock tick."""
    proposal.updated_at = tx.services.now()
    flag_modified(proposal, "updated_at")


def all_proposal_ids(tx: Tx) -> list[int]:
    return list(tx.session.scalars(select(Proposal.id).order_by(Proposal.id)))


def require_requester(actor: Actor, proposal: Proposal, what: str) -> None:
    if not actor.is_requester or actor.department != proposal.department:
        raise PermissionDenied(
            f"{actor.username} cannot {what} {ref(proposal)}: only requesters of the "
            f"{proposal.department} department can"
        )


def require_department(actor: Actor, department: str) -> None:
    if not actor.is_requester:
        raise PermissionDenied(f"{actor.username} is not a requester")
    if actor.department != department:
        raise PermissionDenied(
            f"{actor.username} belongs to {actor.department or 'no department'} and cannot "
            f"file requests for {department}"
        )


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def require_reviewer(actor: Actor, proposal: Proposal, domain: str, what: str) -> None:
    """``what`` is the action on the proposal, e.g. "sign off on it"."""
    if not actor.has(Role.REVIEWER, domain):
        held = ", ".join(actor.domains(Role.REVIEWER)) or "none"
        action = what.removesuffix(" on it").removesuffix(" it")
        raise PermissionDenied(
            f"{actor.username} cannot {action} for {domain}: not {_a(domain)} reviewer "
            f"(reviews: {held})"
        )
    require_not_requester(actor, proposal, what)


def require_any_reviewer(actor: Actor, proposal: Proposal, what: str) -> None:
    if not (actor.is_reviewer or actor.is_approver):
        raise PermissionDenied(f"{actor.username} cannot {what}: not a reviewer or approver")
    require_not_requester(actor, proposal, what)


def require_not_requester(actor: Actor, proposal: Proposal, what: str) -> None:
    """``what`` reads after "cannot", e.g. "approve it", "waive its findings"."""
    if actor.id == proposal.requester_id:
        raise PermissionDenied(
            f"{actor.username} requested {ref(proposal)} and so cannot {what} "
            "(separation of duties, GEN-4)"
        )


def require_waiver_authority(actor: Actor, proposal: Proposal, finding_domain: str) -> None:
    if not actor.has(Role.WAIVER_AUTHORITY, finding_domain):
        raise PermissionDenied(
            f"{actor.username} cannot waive a {finding_domain} finding: only the "
            f"{waiver_title(finding_domain)} can (GEN-5)"
        )
    require_not_requester(actor, proposal, "waive its findings")


def require_approver(actor: Actor, proposal: Proposal) -> None:
    if not actor.is_approver:
        raise PermissionDenied(f"{actor.username} is not a contract approver")
    require_not_requester(actor, proposal, "approve it")
