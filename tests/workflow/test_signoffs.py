"""Sign-offs are bound to what was reviewed: the record version and the domain's findings."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from review.core.evaluate import Evaluator
from review.services import proposals, reevaluation, reviews, signoffs
from review.services.context import Services
from review.services.evaluations import domain_hash
from review.store.database import Database
from review.store.models import SignOff, StoredEvaluation

from .support import NEW_FINDING, audit_actions, changed_standards, ready, saas, submitted

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(scope="module")
def new_standards(tmp_path_factory: pytest.TempPathFactory) -> Evaluator:
    return changed_standards(tmp_path_factory.mktemp("standards-change"))


def test_signoff_records_the_version_and_the_findings_reviewed(
    services: Services, database: Database
) -> None:
    view = submitted(services)
    view = signoffs.sign_off(services, "sam", view.id, "security", note="Checked SOC 2.")
    (shown,) = view.signoffs
    assert (shown.domain, shown.reviewer, shown.valid, shown.note) == (
        "security",
        "sam",
        True,
        "Checked SOC 2.",
    )
    assert shown.version_number == view.current_version
    with database.session() as session:
        stored = session.scalars(select(SignOff)).one()
        evaluation = session.scalars(select(StoredEvaluation)).one()
        assert stored.record_hash == view.versions[-1].record_hash
        assert stored.findings_hash == domain_hash(evaluation.findings, "security")


def test_a_material_change_invalidates_every_signoff_naming_the_fields(
    services: Services, database: Database
) -> None:
    view = ready(services)
    signed_version = view.current_version
    view = reviews.request_changes(
        services, "sam", view.id, domain="security", reason="Shorten the incident window."
    )
    assert all(s.valid for s in view.signoffs)  # asking for changes alone changes nothing
    changed = saas(incident_notification_hours=24)
    changed["proposal"]["users"]["staff_count"] = 65
    proposals.save_draft(services, "dana", view.id, changed)
    proposals.resubmit(services, "dana", view.id)
    view = proposals.get(services, "dana", view.id)
    assert view.state == "in_review"
    assert view.missing_signoffs == view.required_signoffs
    assert [s.valid for s in view.signoffs] == [False] * 4
    for signoff in view.signoffs:
        reason = signoff.invalidated_reason or ""
        assert reason.startswith(f"the record changed after the {signoff.domain} sign-off")
        assert f"version {signed_version} to {view.current_version}" in reason
        assert "proposal.incident_notification_hours" in reason
        assert "proposal.users.staff_count" in reason
    assert audit_actions(database).count("signoff.invalidated") == 4
    # the reviewers sign the new version; the old sign-offs stay in the history
    view = signoffs.sign_off(services, "sam", view.id, "security")
    assert [s.valid for s in view.signoffs] == [False] * 4 + [True]


def test_resubmitting_the_same_record_keeps_the_signoffs(services: Services) -> None:
    view = ready(services)
    view = reviews.request_changes(services, "tess", view.id, domain="technology", reason="?")
    proposals.save_draft(services, "dana", view.id, saas())
    proposals.resubmit(services, "dana", view.id, response="No change needed.")
    view = proposals.get(services, "dana", view.id)
    assert all(s.valid for s in view.signoffs)
    assert view.state == "ready_for_approval"


def test_a_reevaluation_that_changes_a_domains_findings_invalidates_that_domain_only(
    services: Services, new_standards: Evaluator
) -> None:
    view = ready(services)
    services.evaluator_factory = lambda: new_standards
    (impact,) = reevaluation.reevaluate_all(services, "admin")
    assert impact.invalidated_signoffs == ["security"]
    view = proposals.get(services, "dana", view.id)
    assert view.state == "in_review"  # no longer ready: the security sign-off is gone
    assert view.missing_signoffs == ["security"]
    valid = {s.domain: s.valid for s in view.signoffs}
    assert valid == {
        "technology": True,
        "security": False,
        "accessibility": True,
        "privacy": True,
    }
    (lost,) = [s for s in view.signoffs if not s.valid]
    assert lost.invalidated_reason == (
        f"the security findings changed on re-evaluation against {view.standards_version}"
    )
    assert NEW_FINDING in {f["rule_id"] for f in view.findings}
    view = signoffs.sign_off(services, "sue", view.id, "security")
    assert view.state == "ready_for_approval"


def test_reevaluation_with_unchanged_standards_keeps_signoffs(services: Services) -> None:
    view = ready(services)
    (impact,) = reevaluation.reevaluate_all(services, "admin")
    assert not impact.changed
    assert proposals.get(services, "dana", view.id).state == "ready_for_approval"


def test_lost_signoff_takes_a_ready_proposal_back_to_review(
    services: Services, new_standards: Evaluator, database: Database
) -> None:
    view = ready(services)
    services.evaluator_factory = lambda: new_standards
    reevaluation.reevaluate_all(services, None)
    transitions = [a for a in audit_actions(database) if a == "proposal.state"]
    assert transitions  # all_signed, then signoff_lost
    view = proposals.get(services, "dana", view.id)
    assert view.state == "in_review"
    assert view.missing_signoffs, "the invalidated domain must sign off again"
    assert "all_signed" not in view.allowed_actions  # taken by the system, not offered
