"""Domain sign-offs, bound to the record version and the findings that were reviewed."""

from __future__ import annotations

from ..errors import InvalidTransition, Refused
from ..store.models import SignOff
from . import access, evaluations
from .access import ref
from .context import Services
from .lifecycle import State
from .reviews import start_review_if_new
from .views import ProposalView, proposal_view

SIGNABLE = (State.SUBMITTED, State.IN_REVIEW, State.CONTRACT_SUBMITTED, State.CONTRACT_REVIEW)


def sign_off(
    services: Services,
    by: str,
    proposal_id: int,
    domain: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> ProposalView:
    """Sign off one domain of the current version; complete sign-offs make it ready."""
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        access.require_reviewer(tx.who, proposal, domain, "sign off on it")
        if State(proposal.state) not in SIGNABLE:
            raise InvalidTransition(
                f"cannot sign off {ref(proposal)}: it is {proposal.state.replace('_', ' ')}; "
                "sign-offs are given while it is submitted or in review"
            )
        evaluation = evaluations.current_evaluation(tx, proposal)
        if domain not in evaluation.required_signoffs:
            raise Refused(
                f"{ref(proposal)} does not need a {domain} sign-off; it needs: "
                f"{', '.join(evaluation.required_signoffs)}"
            )
        if any(s.domain == domain for s in evaluations.valid_signoffs(tx, proposal)):
            raise Refused(f"{ref(proposal)} already has a valid {domain} sign-off")
        start_review_if_new(tx, proposal)
        record = evaluations.version(tx, proposal, evaluation.version_number)
        signoff = SignOff(
            proposal_id=proposal.id,
            stage=proposal.stage,
            domain=domain,
            reviewer_id=tx.who.id,
            version_number=record.number,
            record_hash=record.record_hash,
            findings_hash=evaluations.domain_hash(evaluation.findings, domain),
            note=note,
            created_at=services.now(),
        )
        tx.session.add(signoff)
        access.touch(tx, proposal)
        tx.session.flush()
        tx.audit(
            "signoff.add",
            "proposal",
            proposal.id,
            domain=domain,
            version=record.number,
            record_hash=record.record_hash,
            findings_hash=signoff.findings_hash,
        )
        evaluations.refresh(tx, proposal)
        return proposal_view(tx, proposal)
