"""The approver's decision (GEN-6, GEN-8), with separation of duties (GEN-4)."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import FieldProblem, PermissionDenied, RecordInvalid, Refused
from ..store.models import Decision, SignOff
from . import access, evaluations, inventory
from .access import ref
from .context import Services
from .lifecycle import State, next_state
from .views import ProposalView, proposal_view

OUTCOMES = ("approve", "approve_with_conditions", "reject")


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
        # the state first: a draft has no evaluation, and the refusal names where it stands
        contract = State(proposal.state) is State.CONTRACT_READY
        if outcome == "approve_with_conditions" and contract:
            raise Refused(
                "a contract is approved (its conditions stay attached) or rejected; approve it"
            )
        next_state(State(proposal.state), outcome, label=f"proposal {ref(proposal)}")
        # GEN-4: the packet holds every stage's sign-offs, so any of them disqualifies; one
        # later invalidated by a change still counts (the approver reviewed the request)
        signed = list(
            tx.session.scalars(
                select(SignOff).where(
                    SignOff.proposal_id == proposal.id,
                    SignOff.reviewer_id == actor.id,
                )
            )
        )
        if signed:
            domains = ", ".join(dict.fromkeys(s.domain for s in signed))
            raise PermissionDenied(
                f"{actor.username} signed off {domains} on "
                f"{ref(proposal)} and so cannot approve it (separation of duties, GEN-4)"
            )
        view = proposal_view(tx, proposal)
        open_findings = [f for f in view.findings if f.status in ("open", "conditioned")]
        blockers = [f.key for f in open_findings if f["severity"] == "blocker"]
        if outcome != "reject" and blockers:
            raise Refused(
                f"{ref(proposal)} has open blocker findings ({', '.join(blockers)}): resolve "
                "them or, where waivable, waive them before approval (GEN-8)"
            )
        majors = [f for f in open_findings if f["severity"] == "major"]
        bare = [f.key for f in majors if not f.conditions]
        if outcome == "approve" and bare:
            raise Refused(
                f"{ref(proposal)} has open major findings without a condition of approval "
                f"({', '.join(bare)}): add conditions"
                + ("" if contract else " and approve with conditions")
                + " (GEN-8)"
            )
        if outcome == "approve" and majors and not contract:
            raise Refused(
                f"{ref(proposal)} has conditioned major findings: approve with conditions (GEN-8)"
            )
        if outcome == "approve_with_conditions":
            if bare:
                raise Refused(
                    f"every open major finding needs a condition with an owner and due date "
                    f"first; missing for: {', '.join(bare)}"
                )
            if not majors:
                raise Refused(f"{ref(proposal)} has no open major findings: approve it outright")
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
