"""GEN-7: a change of standards re-evaluates every open proposal and active contract and
reports what is new and what cleared; every stored evaluation says what produced it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from review.core.evaluate import Evaluator, evaluator
from review.services import audit, decisions, proposals, reevaluation, signoffs
from review.services.context import Services
from review.services.evaluations import ENGINE_VERSION
from review.store.database import Database
from review.store.models import AuditEvent, StoredEvaluation

from .conftest import Clock
from .support import NEW_FINDING, approved, changed_standards, ready, saas, submitted

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(scope="module")
def new_standards(tmp_path_factory: pytest.TempPathFactory) -> Evaluator:
    return changed_standards(tmp_path_factory.mktemp("standards-change"))


def test_reevaluate_all_reports_new_and_cleared_findings_per_record(
    services: Services, new_standards: Evaluator, database: Database
) -> None:
    in_review = submitted(services)
    signoffs.sign_off(services, "sam", in_review.id, "security")
    signoffs.sign_off(services, "tess", in_review.id, "technology")
    active = approved(services)
    already_fine = submitted(services, saas(incident_notification_hours=12))
    draft = proposals.create_draft(services, "dana", saas()).proposal
    withdrawn = submitted(services)
    proposals.withdraw(services, "dana", withdrawn.id, reason="Duplicate.")
    rejected = ready(services)
    decisions.decide(services, "cara", rejected.id, "reject", reason="No budget.")

    services.evaluator_factory = lambda: new_standards
    impacts = {i.proposal: i for i in reevaluation_run(services)}
    # open proposals and active contracts only: not drafts, withdrawn or rejected requests
    assert set(impacts) == {f"P-{in_review.id}", f"P-{active.id}", f"P-{already_fine.id}"}
    assert f"P-{draft.id}" not in impacts

    first = impacts[f"P-{in_review.id}"]
    assert first.new == [f"{NEW_FINDING}|"]
    assert first.cleared == []
    assert first.invalidated_signoffs == ["security"]
    assert first.standards_before != first.standards_after
    assert "2026.12" in first.standards_after
    assert first.changed

    second = impacts[f"P-{active.id}"]
    assert second.new == [f"{NEW_FINDING}|"]
    assert second.state == "approved_with_conditions"
    assert second.invalidated_signoffs == ["security"]

    quiet = impacts[f"P-{already_fine.id}"]
    assert (quiet.new, quiet.cleared, quiet.invalidated_signoffs) == ([], [], [])
    assert not quiet.changed

    # back to the bundled standards: the finding clears
    services.evaluator_factory = lambda: evaluator()
    impacts = {i.proposal: i for i in reevaluation_run(services)}
    assert impacts[f"P-{in_review.id}"].cleared == [f"{NEW_FINDING}|"]
    assert impacts[f"P-{in_review.id}"].new == []
    view = proposals.get(services, "dana", in_review.id)
    assert NEW_FINDING in {f["rule_id"] for f in view.resolved}
    with database.session() as session:
        triggers = list(
            session.scalars(
                select(StoredEvaluation.trigger)
                .where(StoredEvaluation.proposal_id == in_review.id)
                .order_by(StoredEvaluation.id)
            )
        )
    assert triggers == ["submit", "reevaluate", "reevaluate"]


def reevaluation_run(services: Services) -> list[reevaluation.Impact]:
    return reevaluation.reevaluate_all(services, "admin")


def test_stored_evaluations_record_what_produced_them(
    services: Services, new_standards: Evaluator, database: Database, clock: Clock
) -> None:
    view = submitted(services)
    clock.advance(days=3)
    services.evaluator_factory = lambda: new_standards
    reevaluation.reevaluate_all(services, "admin")
    with database.session() as session:
        first, second = session.scalars(
            select(StoredEvaluation)
            .where(StoredEvaluation.proposal_id == view.id)
            .order_by(StoredEvaluation.id)
        )
        assert first.as_of == dt.date(2026, 11, 27)
        assert second.as_of == dt.date(2026, 11, 30)
        assert first.engine_version == second.engine_version == ENGINE_VERSION
        assert first.standards_version == evaluator().book.standards.label
        assert second.standards_version == new_standards.book.standards.label
        assert first.standards_version != second.standards_version
        assert first.rules_version == evaluator().book.version
        assert second.rules_version == new_standards.book.version
        assert first.rules_version != second.rules_version
        assert first.version_number == second.version_number == view.current_version
        assert (first.trigger, second.trigger) == ("submit", "reevaluate")
    shown = proposals.get(services, "dana", view.id)
    assert shown.standards_version == second.standards_version
    assert shown.evaluated_as_of == dt.date(2026, 11, 30)


def test_reevaluation_is_audited(services: Services, new_standards: Evaluator) -> None:
    view = submitted(services)
    services.evaluator_factory = lambda: new_standards
    reevaluation.reevaluate_all(services, "admin")

    with services.transaction() as tx:
        report = audit.verify(tx.session)
        events = [
            e
            for e in tx.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
            if e.action == "proposal.reevaluate"
        ]
    assert report.ok
    (event,) = events
    assert event.actor == "admin"
    assert event.entity_id == str(view.id)
    assert event.details["new"] == [f"{NEW_FINDING}|"]
    assert event.details["standards"] == new_standards.book.standards.label
