"""The approver's decision (GEN-6, GEN-8), with separation of duties (GEN-4)."""

from __future__ import annotations

from ..errors import (
    FieldProblem,
    InvalidTransition,
    PermissionDenied,
    RecordInvalid,
    Refused,
    ReviewError,
)
from ..store.models import Decision
from . import access, evaluations, inventory, permissions
from .context import Services
from .views import ProposalView, proposal_view

OUTCOMES = permissions.OUTCOMES
ERRORS: dict[str, type[ReviewError]] = {
    "permission": PermissionDenied,
    "state": InvalidTransition,
    "findings": Refused,
}


def decide(
    services: Services,
    by: str,
    proposal_id: int,
    outcome: str,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> ProposalView:
    """Approve, approve with conditions, or reject a request that has every sign-off."""
    if outcome not in OUTCOMES:
        raise RecordInvalid(
            [FieldProblem("outcome", f"{outcome!r}; expected one of {', '.join(OUTCOMES)}")]
        )
    if outcome == "reject" and not (reason and reason.strip()):
        raise RecordInvalid([FieldProblem("reason", "a rejection needs a reason")])
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        actor = tx.who
        access.require_approver(actor, proposal)
        view = proposal_view(tx, proposal)
        refusal = permissions.decision_refusal(
            actor, view, outcome, services.evaluator.standards.review
        )
        if refusal is not None:
            raise ERRORS[refusal.kind](refusal.reason)
        evaluation = evaluations.current_evaluation(tx, proposal)
        evaluations.move(tx, proposal, outcome, reason=reason)
        proposal.decided_at = services.now()
        decision = Decision(
            proposal_id=proposal.id,
            stage=proposal.stage,
            approver_id=actor.id,
            outcome=proposal.state,
            reason=reason,
            evaluation_id=evaluation.id,
            created_at=services.now(),
        )
        tx.session.add(decision)
        tx.session.flush()
        tx.audit(
            "decision",
            "proposal",
            proposal.id,
            outcome=proposal.state,
            reason=reason,
            evaluation=evaluation.id,
        )
        evaluations.refresh(tx, proposal)
        if proposal.state in inventory.ENTERS_INVENTORY:  # GEN-9: a system in use
            inventory.on_approval(tx, proposal)
        return proposal_view(tx, proposal)
