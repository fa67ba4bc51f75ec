"""GEN-6: every lifecycle transition a user can take, and the refusals of the others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from review.errors import InvalidTransition, RecordInvalid, Refused
from review.services import decisions, proposals, reviews, signoffs
from review.services.context import Services
from review.services.lifecycle import TRANSITIONS
from review.services.views import ProposalView
from review.store.database import Database
from review.store.models import RecordVersion, StoredEvaluation

from .support import (
    ACC_MAJOR,
    approved,
    changes_requested,
    contract_record,
    in_contract_review,
    ready,
    saas,
    sign,
    submitted,
)

pytestmark = pytest.mark.usefixtures("people")


def clear_saas() -> dict[str, Any]:
    """The SaaS base without its one major finding: disposition clear."""
    record = saas()
    record["proposal"]["accessibility"]["partially_supports"] = []
    return record


def clear_contract() -> dict[str, Any]:
    record = contract_record()
    record["proposal"]["accessibility"]["partially_supports"] = []
    return record


# --- draft and submission ---------------------------------------------------------------


def test_draft_may_be_incomplete_but_submission_needs_a_complete_record(
    services: Services,
) -> None:
    record = saas()
    del record["proposal"]["problem_statement"]
    saved = proposals.create_draft(services, "dana", record)
    assert saved.proposal.state == "draft"
    assert [p.path for p in saved.missing] == ["proposal.problem_statement"]
    with pytest.raises(RecordInvalid, match="problem_statement"):
        proposals.submit(services, "dana", saved.proposal.id)
    assert proposals.get(services, "dana", saved.proposal.id).state == "draft"


def test_a_draft_refuses_a_wrong_value(services: Services) -> None:
    record = saas()
    record["proposal"]["hosting"] = "the moon"
    with pytest.raises(RecordInvalid, match=r"proposal.hosting"):
        proposals.create_draft(services, "dana", record)


def test_submitting_evaluates_and_stores_the_findings(
    services: Services, database: Database
) -> None:
    draft = proposals.create_draft(services, "dana", saas())
    assert draft.proposal.findings == [] and draft.proposal.tier is None
    submitted = proposals.submit(services, "dana", draft.proposal.id)
    view = proposals.get(services, "dana", submitted.id)
    assert view.state == submitted.state == "submitted"
    assert view.tier == submitted.tier == 2
    assert view.required_signoffs == ["technology", "security", "accessibility", "privacy"]
    assert view.disposition == "conditions"
    assert ACC_MAJOR in {f["rule_id"] for f in view.findings}
    with database.session() as session:
        stored = list(session.scalars(select(StoredEvaluation)))
        assert len(stored) == 1
        assert stored[0].trigger == "submit"
        assert stored[0].version_number == view.current_version
        # the receipt names the evaluation stored and the row as committed
        assert submitted.evaluation_id == stored[0].id
        assert (submitted.ref, submitted.stage) == (view.ref, view.stage)
        assert submitted.row_version == view.row_version
        assert submitted.current_version == view.current_version
        assert {f["rule_id"] for f in stored[0].findings} == {f["rule_id"] for f in view.findings}
        submitted_version = session.scalar(
            select(RecordVersion).where(RecordVersion.number == view.current_version)
        )
        assert submitted_version is not None and submitted_version.submitted


# --- review -----------------------------------------------------------------------------


def test_start_review_moves_submitted_to_in_review(services: Services) -> None:
    view = submitted(services)
    view = reviews.start_review(services, "tess", view.id)
    assert view.state == "in_review"


def test_the_first_signoff_takes_a_submitted_request_into_review(services: Services) -> None:
    view = submitted(services)
    view = signoffs.sign_off(services, "tess", view.id, "technology")
    assert view.state == "in_review"


def test_ready_for_approval_only_when_every_required_signoff_is_in(services: Services) -> None:
    view = submitted(services)
    required = view.required_signoffs
    for domain in required[:-1]:
        view = sign(services, view.id, [domain])
        assert view.state == "in_review"
        assert domain not in view.missing_signoffs
    assert view.missing_signoffs == [required[-1]]
    view = sign(services, view.id, [required[-1]])
    assert view.state == "ready_for_approval"
    assert view.missing_signoffs == []


def test_request_changes_then_resubmit_returns_to_review(services: Services) -> None:
    for start in ("submitted", "in_review", "ready_for_approval"):
        view = submitted(services)
        if start == "in_review":
            view = reviews.start_review(services, "tess", view.id)
        elif start == "ready_for_approval":
            view = sign(services, view.id, view.required_signoffs)
        assert view.state == start
        view = reviews.request_changes(
            services, "sam", view.id, domain="security", reason="Shorten the incident window."
        )
        assert view.state == "changes_requested"
        record = saas(incident_notification_hours=24)
        proposals.save_draft(services, "dana", view.id, record)
        proposals.resubmit(services, "dana", view.id, response="Now 24 hours.")
        view = proposals.get(services, "dana", view.id)
        assert view.state == "in_review"
        assert [(c.kind, c.author) for c in view.comments] == [
            ("change_request", "sam"),
            ("response", "dana"),
        ]
        assert view.record["proposal"]["incident_notification_hours"] == 24


def test_approve_a_clear_request(services: Services) -> None:
    view = ready(services, clear_saas())
    assert view.disposition == "clear"
    view = decisions.decide(services, "cara", view.id, "approve")
    assert view.state == "approved"
    assert [(d.outcome, d.approver) for d in view.decisions] == [("approved", "cara")]
    assert view.allowed_actions == ["submit_contract"]


def test_approve_with_conditions(services: Services) -> None:
    view = approved(services)
    assert view.state == "approved_with_conditions"
    assert [d.outcome for d in view.decisions] == ["approved_with_conditions"]


def test_reject(services: Services) -> None:
    view = ready(services)
    view = decisions.decide(services, "cara", view.id, "reject", reason="Out of budget.")
    assert view.state == "rejected"
    assert view.decisions[0].reason == "Out of budget."
    assert view.allowed_actions == []


# --- contract stage ---------------------------------------------------------------------


def _contract_ready(services: Services) -> ProposalView:
    view = ready(services, clear_saas())
    view = decisions.decide(services, "cara", view.id, "approve")
    proposals.submit_contract(services, "dana", view.id, clear_contract())
    view = proposals.get(services, "dana", view.id)
    assert view.state == "contract_submitted"
    assert view.stage == "contract"
    assert "procurement" in view.required_signoffs
    # proposal-stage sign-offs do not count for the contract stage
    assert view.missing_signoffs == view.required_signoffs
    view = reviews.start_review(services, "paul", view.id)
    assert view.state == "contract_review"
    view = reviews.request_changes(
        services, "paul", view.id, domain="procurement", reason="Add a data return clause."
    )
    assert view.state == "contract_changes_requested"
    record = clear_contract()
    record["contract"]["clauses"]["data_return_days"] = 15
    proposals.save_draft(services, "dana", view.id, record)
    proposals.resubmit(services, "dana", view.id)
    view = proposals.get(services, "dana", view.id)
    assert view.state == "contract_review"
    assert view.stage == "contract"
    view = sign(services, view.id, view.required_signoffs)
    assert view.state == "contract_ready"
    return view


def test_contract_stage_through_to_contract_approved(services: Services) -> None:
    view = _contract_ready(services)
    view = decisions.decide(services, "cara", view.id, "approve")
    assert view.state == "contract_approved"
    assert [(d.stage, d.outcome) for d in view.decisions] == [
        ("proposal", "approved"),
        ("contract", "contract_approved"),
    ]
    assert view.allowed_actions == []


def test_contract_rejected(services: Services) -> None:
    view = _contract_ready(services)
    view = decisions.decide(services, "cara", view.id, "reject", reason="Terms unacceptable.")
    assert view.state == "contract_rejected"


def test_contract_of_a_request_approved_with_conditions_can_be_approved(
    services: Services,
) -> None:
    view = in_contract_review(services)
    view = sign(services, view.id, view.required_signoffs)
    assert view.state == "contract_ready"
    # the major finding still carries its condition of approval from the proposal stage
    assert [f.status for f in view.findings if f["rule_id"] == ACC_MAJOR] == ["conditioned"]
    with pytest.raises(Refused, match=r"a contract is approved .* or rejected"):
        decisions.decide(services, "cara", view.id, "approve_with_conditions")
    view = decisions.decide(services, "cara", view.id, "approve")
    assert view.state == "contract_approved"


def test_contract_record_must_carry_a_contract(services: Services) -> None:
    view = approved(services)
    with pytest.raises(RecordInvalid, match="contract"):
        proposals.submit_contract(services, "dana", view.id, saas())
    assert proposals.get(services, "dana", view.id).state == "approved_with_conditions"


def test_a_proposal_cannot_be_submitted_with_its_contract(services: Services) -> None:
    draft = proposals.create_draft(services, "dana", contract_record())
    with pytest.raises(RecordInvalid, match="after the proposal is approved"):
        proposals.submit(services, "dana", draft.proposal.id)


# --- withdrawal -------------------------------------------------------------------------


def _draft(services: Services) -> ProposalView:
    return proposals.create_draft(services, "dana", saas()).proposal


def _in_review(services: Services) -> ProposalView:
    return reviews.start_review(services, "tess", submitted(services).id)


def _contract_submitted(services: Services) -> ProposalView:
    view = approved(services)
    proposals.submit_contract(services, "dana", view.id, contract_record())
    return proposals.get(services, "dana", view.id)


def _contract_changes(services: Services) -> ProposalView:
    view = in_contract_review(services)
    return reviews.request_changes(services, "paul", view.id, domain="procurement", reason="x")


def _contract_ready_state(services: Services) -> ProposalView:
    view = in_contract_review(services)
    return sign(services, view.id, view.required_signoffs)


REACH: dict[str, Callable[[Services], ProposalView]] = {
    "draft": _draft,
    "submitted": submitted,
    "in_review": _in_review,
    "changes_requested": changes_requested,
    "ready_for_approval": ready,
    "contract_submitted": _contract_submitted,
    "contract_review": in_contract_review,
    "contract_changes_requested": _contract_changes,
    "contract_ready": _contract_ready_state,
}


def test_every_withdrawable_state_is_covered() -> None:
    assert {s.value for s in TRANSITIONS["withdraw"]} == set(REACH)


def test_withdraw_before_a_decision_keeps_everything(services: Services) -> None:
    for state, reach in sorted(REACH.items()):
        view = reach(services)
        assert view.state == state
        reviews.comment(services, "lee", view.id, "Still needed?")
        before = proposals.get(services, "dana", view.id)
        after = proposals.withdraw(services, "dana", view.id, reason="The branch closed.")
        assert after.state == "withdrawn", state
        assert after.allowed_actions == []
        # nothing is deleted: versions, evaluations (findings), sign-offs, comments remain
        assert after.versions == before.versions
        assert after.findings == before.findings
        assert after.evaluated_at == before.evaluated_at
        assert after.signoffs == before.signoffs
        assert after.comments == before.comments
        assert after.record == before.record


def test_withdrawal_needs_a_reason(services: Services) -> None:
    view = submitted(services)
    with pytest.raises(RecordInvalid, match="reason"):
        proposals.withdraw(services, "dana", view.id, reason="  ")


def test_no_withdrawal_after_the_decision(services: Services) -> None:
    for outcome, shown in (
        ("approve", "it is approved; allowed there: submit contract"),
        ("reject", "it is rejected; allowed there: nothing"),
    ):
        view = ready(services, clear_saas())
        view = decisions.decide(services, "cara", view.id, outcome, reason="r")
        with pytest.raises(InvalidTransition) as caught:
            proposals.withdraw(services, "dana", view.id, reason="too late")
        assert shown in str(caught.value)


def test_withdrawn_is_final(services: Services) -> None:
    view = submitted(services)
    proposals.withdraw(services, "dana", view.id, reason="No longer needed.")
    with pytest.raises(InvalidTransition, match="it is withdrawn; allowed there: nothing"):
        proposals.resubmit(services, "dana", view.id)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        reviews.request_changes(services, "sam", view.id, domain="security", reason="x")


# --- invalid transitions name the state and what is allowed ------------------------------


def test_invalid_actions_name_the_state_and_what_is_allowed(services: Services) -> None:
    view = submitted(services)
    with pytest.raises(InvalidTransition) as caught:
        proposals.submit(services, "dana", view.id)
    assert str(caught.value) == (
        f"cannot submit proposal P-{view.id}: it is submitted; "
        "allowed there: start review, request changes, withdraw"
    )
    view = reviews.start_review(services, "tess", view.id)
    with pytest.raises(InvalidTransition, match=r"cannot start review .*: it is in review"):
        reviews.start_review(services, "tess", view.id)
    with pytest.raises(InvalidTransition) as caught:
        decisions.decide(services, "cara", view.id, "reject", reason="no")
    message = str(caught.value)
    assert message.startswith(f"cannot reject proposal P-{view.id}: it is in review; allowed")
    assert "request changes" in message and "withdraw" in message
    with pytest.raises(InvalidTransition, match=r"cannot resubmit .*: it is in review"):
        proposals.resubmit(services, "dana", view.id)
    assert proposals.get(services, "dana", view.id).state == "in_review"


def test_contract_before_approval(services: Services) -> None:
    view = ready(services)
    with pytest.raises(InvalidTransition) as caught:
        proposals.submit_contract(services, "dana", view.id, contract_record())
    assert "it is ready for approval" in str(caught.value)
    assert "approve with conditions" in str(caught.value)


def test_edit_only_while_editable(services: Services) -> None:
    view = submitted(services)
    with pytest.raises(InvalidTransition, match="can be edited only as a draft"):
        proposals.save_draft(services, "dana", view.id, saas(title="Renamed"))


def test_signoff_only_while_under_review(services: Services) -> None:
    draft = _draft(services)
    with pytest.raises(InvalidTransition, match="it is draft"):
        signoffs.sign_off(services, "tess", draft.id, "technology")
    view = ready(services)
    with pytest.raises(InvalidTransition, match="it is ready for approval"):
        signoffs.sign_off(services, "sue", view.id, "security")
