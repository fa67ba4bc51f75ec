"""Re-evaluation when the standards change (GEN-7): every open proposal and active contract
is evaluated again against the current standards, and the new and cleared findings reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import lazyload

from ..core.policy import key_of
from ..errors import PermissionDenied
from ..store.models import Proposal, RecordVersion, ReviewTask, SignOff, StoredEvaluation
from . import evaluations
from .access import ref
from .context import Services, Tx
from .lifecycle import REEVALUATED

BATCH = 200


@dataclass(frozen=True)
class Impact:
    proposal: str
    title: str
    state: str
    standards_before: str | None
    standards_after: str
    new: list[str]
    cleared: list[str]
    disposition_before: str | None
    disposition_after: str
    invalidated_signoffs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.cleared or self.invalidated_signoffs)


def _keys(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key_of(f): f for f in findings}


def reevaluate_all(services: Services, by: str | None) -> list[Impact]:
    """Re-run every open proposal and active contract; one transaction per batch."""
    with services.transaction(by) as tx:
        if tx.actor is not None and not tx.actor.is_admin:
            raise PermissionDenied(f"{tx.actor.username} is not an admin; admins run re-evaluation")
        ids = list(
            tx.session.scalars(
                select(Proposal.id)
                .where(Proposal.state.in_([s.value for s in REEVALUATED]))
                .order_by(Proposal.id)
            )
        )
    impacts: list[Impact] = []
    for start in range(0, len(ids), BATCH):
        with services.transaction(by) as tx:
            impacts.extend(_batch(tx, ids[start : start + BATCH]))
    return impacts


@dataclass
class _Loaded:
    """What a batch needs, read in a handful of queries (not per record)."""

    proposals: list[Proposal]
    latest: dict[int, StoredEvaluation]  # each proposal's latest evaluation
    wanted: list[tuple[int, int]]  # (proposal id, the version to evaluate), as proposals
    versions: dict[tuple[int, int], RecordVersion]
    signoffs: dict[int, list[SignOff]]  # valid sign-offs by proposal
    tasks: dict[int, dict[str, ReviewTask]]  # review tasks by proposal and domain


def _load(tx: Tx, ids: list[int]) -> _Loaded:
    session = tx.session
    proposals = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(ids))
            .order_by(Proposal.id)
            .options(lazyload(Proposal.requester))
        )
    )
    latest_ids = (
        select(func.max(StoredEvaluation.id))
        .where(StoredEvaluation.proposal_id.in_(ids))
        .group_by(StoredEvaluation.proposal_id)
    )
    latest = {
        e.proposal_id: e
        for e in session.scalars(
            select(StoredEvaluation).where(StoredEvaluation.id.in_(latest_ids))
        )
    }
    wanted = [
        (p.id, latest[p.id].version_number if p.id in latest else p.current_version)
        for p in proposals
    ]
    versions = {
        (v.proposal_id, v.number): v
        for v in session.scalars(
            select(RecordVersion).where(
                tuple_(RecordVersion.proposal_id, RecordVersion.number).in_(wanted)
            )
        )
    }
    signoffs: dict[int, list[SignOff]] = {}
    for signoff in session.scalars(
        select(SignOff)
        .where(SignOff.proposal_id.in_(ids), SignOff.invalidated_at.is_(None))
        .options(lazyload(SignOff.reviewer))
    ):
        signoffs.setdefault(signoff.proposal_id, []).append(signoff)
    tasks: dict[int, dict[str, ReviewTask]] = {}
    for task in session.scalars(select(ReviewTask).where(ReviewTask.proposal_id.in_(ids))):
        tasks.setdefault(task.proposal_id, {})[task.domain] = task
    return _Loaded(proposals, latest, wanted, versions, signoffs, tasks)


def _batch(tx: Tx, ids: list[int]) -> list[Impact]:
    """Re-evaluate a batch: load it, evaluate each record, flush once, audit each."""
    session = tx.session
    loaded = _load(tx, ids)
    latest, signoffs, tasks = loaded.latest, loaded.signoffs, loaded.tasks
    done: list[tuple[Proposal, StoredEvaluation, Impact]] = []
    with session.no_autoflush:  # one flush for the whole batch, below
        for proposal, key in zip(loaded.proposals, loaded.wanted, strict=True):
            before = latest.get(proposal.id)
            own = signoffs.get(proposal.id, [])
            after, invalidated = evaluations.evaluate_version(
                tx, proposal, loaded.versions[key], trigger="reevaluate", signoffs=own, flush=False
            )
            old = _keys(before.findings if before else [])
            new = _keys(after.findings)
            impact = Impact(
                proposal=ref(proposal),
                title=proposal.title,
                state=proposal.state,
                standards_before=before.standards_version if before else None,
                standards_after=after.standards_version,
                new=sorted(k for k in new if k not in old),
                cleared=sorted(k for k in old if k not in new),
                disposition_before=before.disposition if before else None,
                disposition_after=after.disposition,
                invalidated_signoffs=invalidated,
            )
            evaluations.refresh(
                tx,
                proposal,
                evaluation=after,
                signoffs=own,
                tasks=tasks.setdefault(proposal.id, {}),
            )
            done.append((proposal, after, impact))
    session.flush()
    for proposal, after, impact in done:
        tx.audit(
            "proposal.reevaluate",
            "proposal",
            proposal.id,
            evaluation=after.id,
            standards=after.standards_version,
            new=impact.new,
            cleared=impact.cleared,
            invalidated=impact.invalidated_signoffs,
        )
    return [impact for _, _, impact in done]
