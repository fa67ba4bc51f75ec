"""Reviewers' conversation with the department: comments and change requests."""

from __future__ import annotations

from ..errors import FieldProblem, InvalidTransition, RecordInvalid
from ..store.models import Comment, Proposal
from . import access, evaluations
from .access import ref
from .context import Services, Tx
from .lifecycle import UNDER_REVIEW, State
from .views import ProposalView, proposal_view

MAX_TEXT = 20_000


def _text(value: str, field: str) -> str:
    if not value or not value.strip():
        raise RecordInvalid([FieldProblem(field, "must not be empty")])
    if len(value) > MAX_TEXT:
        raise RecordInvalid(
            [FieldProblem(field, f"is {len(value):,} characters; at most {MAX_TEXT:,}")]
        )
    return value.strip()


def add_comment(tx: Tx, proposal: Proposal, body: str, *, kind: str, domain: str | None) -> Comment:
    comment = Comment(
        proposal_id=proposal.id,
        author_id=tx.who.id,
        kind=kind,
        domain=domain,
        body=_text(body, "comment"),
        version_number=proposal.current_version,
        created_at=tx.services.now(),
    )
    tx.session.add(comment)
    access.touch(tx, proposal)
    tx.audit(f"comment.{kind}", "proposal", proposal.id, domain=domain, length=len(comment.body))
    return comment


def start_review_if_new(tx: Tx, proposal: Proposal) -> None:
    """The first reviewer action takes a submitted request into review."""
    if State(proposal.state) in (State.SUBMITTED, State.CONTRACT_SUBMITTED):
        evaluations.move(tx, proposal, "start_review")


def comment(
    services: Services,
    by: str,
    proposal_id: int,
    body: str,
    *,
    domain: str | None = None,
    expected_version: int | None = None,
) -> ProposalView:
    """Anyone who can see a proposal may comment on it; the requester answers this way too."""
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        add_comment(tx, proposal, body, kind="comment", domain=domain)
        return proposal_view(tx, proposal)


def request_changes(
    services: Services,
    by: str,
    proposal_id: int,
    *,
    domain: str,
    reason: str,
    expected_version: int | None = None,
) -> ProposalView:
    """A reviewer sends the request back to the department with what to change."""
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        access.require_reviewer(tx.who, proposal, domain, "request changes on it")
        if State(proposal.state) not in UNDER_REVIEW:
            raise InvalidTransition(f"{ref(proposal)} is {proposal.state}, not under review")
        add_comment(tx, proposal, reason, kind="change_request", domain=domain)
        evaluations.move(tx, proposal, "request_changes", domain=domain)
        evaluations.refresh(tx, proposal)
        return proposal_view(tx, proposal)


def start_review(
    services: Services, by: str, proposal_id: int, *, expected_version: int | None = None
) -> ProposalView:
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        access.require_any_reviewer(tx.who, proposal, "review it")
        evaluations.move(tx, proposal, "start_review")
        evaluations.refresh(tx, proposal)
        return proposal_view(tx, proposal)
