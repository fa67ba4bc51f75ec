"""The daily sweep (GEN-9) over a real database: time travel with ``as_of`` across each window
edge, idempotence, escalation, renewal reviews, a run that dies and is run again, and two
runners at once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import event, select, update

from review.core.loading import submission_from_data
from review.errors import NotFound, PermissionDenied, RecordInvalid
from review.services import runlock, sweep
from review.services.context import Services
from review.store.models import (
    AuditEvent,
    Proposal,
    RecordVersion,
    SweepRun,
    System,
    SystemReview,
)

from .inventory_support import (
    contract_approved,
    days,
    findings,
    marks,
    notices,
    outbox,
    system,
)
from .support import audit_actions, row_counts, without_triggers

pytestmark = pytest.mark.usefixtures("people")
SOC2_LAST_GOOD = dt.date(2027, 6, 30)  # SOC 2 Type II of 2026-06-30, 12 months (SEC-1)
PEN_TEST_LAST_GOOD = dt.date(2027, 5, 12)  # pen test of 2026-05-12 (SEC-6)
END = dt.date(2029, 12, 31)


def test_approval_enters_the_inventory_and_the_contract_brings_it_up_to_date(
    services: Services,
) -> None:
    found = contract_approved(
        services,
        proposal={"business_owner": {"name": "Lee Branch", "email": "lee.branch@city.gov"}},
        auto_renewal=True,
        cancellation_notice_days=45,
    )
    assert (found.status, found.origin, found.reviewed) == ("active", "review", True)
    assert (found.owner_name, found.owner_email) == ("Lee Branch", "lee.branch@city.gov")
    assert (found.contract_end, found.cancellation_notice_days, found.auto_renewal) == (
        END,
        45,
        True,
    )
    assert found.record_number == 2  # the approved proposal, then the approved contract
    with services.transaction() as tx:
        links = list(tx.session.scalars(select(SystemReview)))
    assert [link.kind for link in links] == ["initial"]
    assert "system.enter" in audit_actions(services.db)
    assert "system.update" in audit_actions(services.db)


def test_the_business_owner_defaults_to_the_requester(services: Services) -> None:
    found = contract_approved(services)
    assert (found.owner_name, found.owner_email) == (
        "Dana Whitfield",
        "dana.whitfield@library.city.gov",
    )


def test_evidence_finding_appears_the_day_after_it_ages_out_and_is_due_60_days_later(
    services: Services,
) -> None:
    sid = contract_approved(services).id
    for day in (days(PEN_TEST_LAST_GOOD, -1), PEN_TEST_LAST_GOOD):
        sweep.run(services, day)
        assert [f.rule_id for f in findings(services, sid)] == [], day
    sweep.run(services, days(PEN_TEST_LAST_GOOD, 1))
    (pen,) = findings(services, sid)
    assert (pen.rule_id, pen.status, pen.evidence) == ("SEC-006-pen-test", "open", True)
    assert pen.opened_on == days(PEN_TEST_LAST_GOOD, 1)
    assert pen.due_on == days(PEN_TEST_LAST_GOOD, 61)  # GEN-9: 60 days from that date
    # the approval stands: the system is active, the finding is a deadline of its own
    assert system(services, sid).status == "active"
    # the evidence notice went out 30 days before, on the day it was reached
    assert ("evidence_expiry|SEC-6|2027-05-12", "30") in marks(services, sid)


def test_overdue_evidence_finding_is_escalated_to_the_director(services: Services) -> None:
    sid = contract_approved(services).id
    sweep.run(services, days(PEN_TEST_LAST_GOOD, 1))
    due = findings(services, sid)[0].due_on
    assert due is not None
    for day in (days(due, -1), due):
        sweep.run(services, day)
        assert findings(services, sid)[0].escalated_on is None
    before = len(notices(services))
    sweep.run(services, days(due, 1))
    pen = next(f for f in findings(services, sid) if f.rule_id == "SEC-006-pen-test")
    assert pen.escalated_on == days(due, 1)
    told = {n.recipient for n in notices(services)[before:] if n.kind == "escalated"}
    assert "director@city.example.gov" in told  # the Director of Digital Service (GEN-5)
    assert "dana.whitfield@library.city.gov" in told  # the business owner
    assert "sam@city.example.gov" in told  # the security reviewer


def test_a_first_sweep_long_after_evidence_aged_out_opens_the_finding_escalated(
    services: Services,
) -> None:
    """A system first swept more than 60 days after its pen test aged out: the finding is
    due 60 days from the day it aged out, already past, so it is opened and escalated in the
    same run, and stays so."""
    sid = contract_approved(services).id
    day = days(PEN_TEST_LAST_GOOD, 90)
    sweep.run(services, day)
    pen = next(f for f in findings(services, sid) if f.rule_id == "SEC-006-pen-test")
    assert pen.due_on == days(PEN_TEST_LAST_GOOD, 61)
    assert (pen.opened_on, pen.escalated_on) == (day, day)
    sweep.run(services, days(day, 1))
    again = next(f for f in findings(services, sid) if f.rule_id == "SEC-006-pen-test")
    assert (again.id, again.escalated_on) == (pen.id, day)


def test_a_judgement_that_changes_a_system_moves_its_version_on(
    services: Services, clock: Any
) -> None:
    """The sweep writes a system's judged hash as the ORM would, moving its row version on:
    an edit begun before the sweep is refused as stale. New evidence judged at once returns
    the system as stored, usable after its transaction and current for the next edit."""
    from review.errors import StaleUpdate
    from review.services import inventory

    sid = contract_approved(services).id
    before = system(services, sid)
    day = days(PEN_TEST_LAST_GOOD, 1)
    sweep.run(services, day)
    after = system(services, sid)
    assert after.judged_hash != before.judged_hash
    assert after.row_version == before.row_version + 1
    with pytest.raises(StaleUpdate):
        inventory.retire(services, "dana", sid, reason="Old", expected_version=before.row_version)
    clock.now = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    found = inventory.record_evidence(
        services, "dana", sid, "pen_test", day, expected_version=after.row_version
    )
    stored = system(services, sid)
    assert stored.judged_hash != after.judged_hash  # the pen test's finding cleared
    assert (found.judged_hash, found.row_version) == (stored.judged_hash, stored.row_version)
    assert found.record_number == stored.record_number
    inventory.retire(services, "dana", sid, reason="Replaced", expected_version=found.row_version)
    assert system(services, sid).status == "retired"


def test_contract_end_notice_marks_across_each_edge(services: Services) -> None:
    sid = contract_approved(services).id
    key = f"contract_end||{END.isoformat()}"
    for mark in (120, 90, 60, 30):
        reached = days(END, -mark)
        sweep.run(services, days(reached, -1))
        assert (key, str(mark)) not in marks(services, sid, "contract_end"), reached
        sweep.run(services, reached)
        assert (key, str(mark)) in marks(services, sid, "contract_end"), reached
        count = len(marks(services, sid, "contract_end"))
        sweep.run(services, days(reached, 1))
        assert len(marks(services, sid, "contract_end")) == count


def test_renewal_review_opens_on_its_day_prefilled_from_the_current_record(
    services: Services,
) -> None:
    found = contract_approved(services)
    opens = days(END, -90)
    sweep.run(services, days(opens, -1))
    assert system(services, found.id).renewal_proposal_id is None
    report = sweep.run(services, opens)
    assert report.changes.renewals == 1
    renewal_id = system(services, found.id).renewal_proposal_id
    assert renewal_id is not None
    with services.transaction() as tx:
        renewal = tx.session.get(Proposal, renewal_id)
        assert renewal is not None
        version = tx.session.scalar(
            select(RecordVersion).where(RecordVersion.proposal_id == renewal_id)
        )
        assert version is not None
        link = tx.session.scalar(select(SystemReview).where(SystemReview.proposal_id == renewal_id))
        assert link is not None
        assert (renewal.state, renewal.department) == ("draft", "Library")
        assert renewal.requester_id == tx.session.get(Proposal, found.proposal_id).requester_id  # type: ignore[union-attr]
        record = version.record
        assert record["proposal"]["acquisition_type"] == "renewal"
        assert record["proposal"]["renewal_of"] == f"S-{found.id}"
        assert record["proposal"]["title"] == found.title
        assert "contract" not in record
        assert (link.kind, link.previous_proposal_id) == ("renewal", found.proposal_id)
    sweep.run(services, days(opens, 1))
    sweep.run(services, days(opens, 30))
    with services.transaction() as tx:
        assert tx.session.query(SystemReview).filter_by(kind="renewal").count() == 1


def test_a_renewal_without_a_requester_in_the_department_is_put_to_the_admins_once(
    services: Services,
) -> None:
    """The renewal review needs a requester of the system's department to own it: with none,
    the admins are told on the day the window opens, once, and no review is opened."""
    found = contract_approved(services)
    with services.db.session() as session:
        session.execute(update(System).where(System.id == found.id).values(department="Parks"))
    opens = days(END, -90)
    report = sweep.run(services, opens)
    assert report.changes.renewals == 0
    assert system(services, found.id).renewal_proposal_id is None
    assert [m for _, m in marks(services, found.id, "renewal_review")] == ["unowned"]
    told = [n for n in notices(services) if n.kind == "renewal"]
    assert told and all("No requester in Parks" in n.title for n in told)
    sweep.run(services, days(opens, 1))
    assert len([n for n in notices(services) if n.kind == "renewal"]) == len(told)


def test_second_sweep_of_the_same_day_changes_and_sends_nothing(services: Services) -> None:
    sid = contract_approved(services).id
    day = days(SOC2_LAST_GOOD, 1)
    first = sweep.run(services, day)
    assert first.changes.new == 2 and first.digests > 0  # pen test and SOC 2 aged out
    counts = row_counts(services.db)
    second = sweep.run(services, day)
    assert second.changes.counts() == {
        "new_findings": 0,
        "cleared_findings": 0,
        "escalated": 0,
        "marks": 0,
        "notices": 0,
        "renewals": 0,
        "errors": 0,
    }
    assert second.digests == 0
    after = row_counts(services.db)
    # only the run itself is recorded again: its row, its audit event and the audit
    # checkpoint the sweep writes every day (issue 12)
    assert {k: after[k] - counts[k] for k in after if after[k] != counts[k]} == {
        "sweep_runs": 1,
        "audit_events": 2,
    }
    assert second.jobs == {"audit.checkpoint": "ok"}
    assert len(findings(services, sid)) == 2


def test_a_sweep_over_a_broken_audit_chain_writes_no_checkpoint_and_says_so(
    services: Services,
) -> None:
    contract_approved(services)
    without_triggers(services.db)
    with services.db.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).limit(1)).one()
        event.details = {**(event.details or {}), "edited": True}
    report = sweep.run(services, days(SOC2_LAST_GOOD, 1))
    assert report.ran
    job = report.jobs["audit.checkpoint"]
    assert job.startswith("failed: Refused: the audit chain is broken (altered") and (
        "no checkpoint written" in job
    ), job


def test_waived_finding_reopens_when_the_waiver_lapses(services: Services) -> None:
    from review.services import waivers

    found = contract_approved(services)
    day = days(SOC2_LAST_GOOD, 1)
    sweep.run(services, day)
    soc2 = next(f for f in findings(services, found.id) if f.rule_id.startswith("SEC-001"))
    services.clock.now = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)  # type: ignore[attr-defined]
    waivers.grant(
        services,
        "iso",
        found.proposal_id or 0,
        soc2.rule_id,
        justification="Report in the auditor's hands",
        compensating_controls="Quarterly scans",
        expires_on=days(day, 40),
    )
    sweep.run(services, days(day, 1))
    assert next(f for f in findings(services, found.id) if f.id == soc2.id).status == "cleared"
    sweep.run(services, days(day, 40))  # the waiver's last day
    assert [f.status for f in findings(services, found.id) if f.rule_id == soc2.rule_id] == [
        "cleared"
    ]
    sweep.run(services, days(day, 41))
    reopened = [f for f in findings(services, found.id) if f.rule_id == soc2.rule_id]
    assert [f.status for f in reopened] == ["cleared", "open"]
    assert any(
        k.startswith("waiver_expiry|") and m == "overdue" for k, m in marks(services, found.id)
    )


def test_retired_system_leaves_the_sweep(services: Services) -> None:
    from review.services import inventory

    found = contract_approved(services)
    with pytest.raises(PermissionDenied, match="only admins and the Library department"):
        inventory.retire(services, "sam", found.id, reason="gone")
    with pytest.raises(NotFound, match=f"no system S-{found.id} that you can see"):
        inventory.retire(services, "pat", found.id, reason="gone")  # another department
    inventory.retire(services, "dana", found.id, reason="Replaced by the regional system")
    report = sweep.run(services, days(SOC2_LAST_GOOD, 1))
    assert report.systems == 0 and findings(services, found.id) == []
    (event,) = [e for e in _events(services) if e.action == "system.retire"]
    assert (event.actor, event.details["reason"]) == ("dana", "Replaced by the regional system")


def _events(services: Services) -> list[AuditEvent]:
    with services.transaction() as tx:
        return list(tx.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_a_sweep_that_dies_is_run_again_and_finishes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches commit one by one; a crash in the second leaves the first done and the run
    marked unfinished; the next run finishes the job with nothing doubled."""
    ids = [contract_approved(services).id for _ in range(3)]
    day = days(SOC2_LAST_GOOD, 1)
    real = sweep.sweep_batch
    calls = {"n": 0}

    def dying(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sweep, "sweep_batch", dying)
    with pytest.raises(RuntimeError, match="power cut"):
        sweep.run(services, day, batch=1)
    assert [len(findings(services, i)) for i in ids] == [2, 0, 0]
    monkeypatch.setattr(sweep, "sweep_batch", real)
    report = sweep.run(services, day, batch=1)
    assert report.resumed
    assert [len(findings(services, i)) for i in ids] == [2, 2, 2]
    with services.transaction() as tx:
        runs = list(tx.session.scalars(select(SweepRun).order_by(SweepRun.id)))
    assert [r.status for r in runs] == ["finished", "finished"]
    # every system's notices once, however the work was split
    mark_rows = [(i, m) for i in ids for m in marks(services, i)]
    assert len(mark_rows) == len(set(mark_rows))


def test_daily_jobs_run_after_the_sweep_and_a_failing_one_is_reported(
    services: Services,
) -> None:
    seen: list[dt.date] = []

    def checkpoint(svc: Services, day: dt.date) -> None:
        seen.append(day)

    def broken(svc: Services, day: dt.date) -> None:
        raise ValueError("no signing key")

    day = dt.date(2027, 3, 1)
    report = sweep.run(services, day, jobs=[("checkpoint", checkpoint), ("broken", broken)])
    assert seen == [day]
    assert report.jobs == {"checkpoint": "ok", "broken": "failed: ValueError: no signing key"}


def test_only_admins_or_the_scheduler_run_the_sweep(services: Services) -> None:
    with pytest.raises(PermissionDenied, match="admins run the sweep"):
        sweep.run(services, dt.date(2027, 3, 1), by="dana")
    assert sweep.run(services, dt.date(2027, 3, 1), by="admin").ran


def test_two_sweeps_at_once_one_works_the_other_says_so(services: Services) -> None:
    """The lock the scheduler's sweep holds keeps a second (another instance, an admin)
    from starting; it returns at once having done nothing."""
    contract_approved(services)
    day = days(SOC2_LAST_GOOD, 1)
    inside = threading.Event()
    release = threading.Event()
    outcome: dict[str, object] = {}

    def holder() -> None:
        with runlock.exclusive(services.db, sweep.LOCK) as mine:
            outcome["holder"] = mine
            inside.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=holder)
    thread.start()
    assert inside.wait(timeout=30)
    try:
        second = sweep.run(services, day)
    finally:
        release.set()
        thread.join(timeout=30)
    assert outcome["holder"] is True
    assert second.ran is False and second.systems == 0
    assert outbox(services) == [] and notices(services) == []
    assert sweep.run(services, day).ran  # released: the next one runs


def test_two_sweeps_racing_do_the_work_once(services: Services) -> None:
    """Two real sweeps started together: exactly one runs (or they run one after the other),
    and the findings, marks and notices exist once."""
    sid = contract_approved(services).id
    day = days(SOC2_LAST_GOOD, 1)
    barrier = threading.Barrier(2)
    reports: list[sweep.SweepReport] = []

    def go() -> None:
        barrier.wait(timeout=30)
        reports.append(sweep.run(services, day))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(reports) == 2
    assert sum(r.changes.new for r in reports) == 2
    assert len(findings(services, sid)) == 2
    keys = marks(services, sid)
    assert len(keys) == len(set(keys))


def test_a_review_in_progress_keeps_its_own_evaluation(services: Services) -> None:
    """While the system's contract is under review, the sweep opens its findings but does not
    replace the review's latest evaluation (sign-offs and the decision rest on it)."""
    from review.services import evaluations
    from review.store.models import StoredEvaluation

    from .support import in_contract_review

    view = in_contract_review(services)
    with services.transaction() as tx:
        before = tx.session.query(StoredEvaluation).filter_by(proposal_id=view.id).count()
    sweep.run(services, days(SOC2_LAST_GOOD, 1))
    with services.transaction() as tx:
        proposal = tx.session.get(Proposal, view.id)
        assert proposal is not None
        latest = evaluations.latest_evaluation(tx, proposal)
        assert latest is not None and not latest.trigger.startswith("sweep")
        assert tx.session.query(StoredEvaluation).filter_by(proposal_id=view.id).count() == before
    sid = system_of_proposal(services, view.id)
    assert {f.rule_id for f in findings(services, sid)} >= {"SEC-006-pen-test"}


def system_of_proposal(services: Services, proposal_id: int) -> int:
    from .inventory_support import system_of

    return system_of(services, proposal_id).id


def test_a_record_edited_in_the_database_is_reported_and_the_others_are_judged(
    services: Services,
) -> None:
    """The sweep reads each record's JSON text: one made invalid behind the application's
    back is reported naming the field and the problem, as an intake file's is, and the batch
    goes on."""
    broken = contract_approved(services).id
    sound = contract_approved(services).id
    with services.db.session() as session:
        row = session.get(System, broken)
        assert row is not None
        record = dict(row.record)
        record["contract"] = {**record["contract"], "value_usd": -5}
        row.record = record
    with pytest.raises(RecordInvalid) as refused:
        submission_from_data(record)
    assert "contract.value_usd" in str(refused.value)
    report = sweep.run(services, days(SOC2_LAST_GOOD, 1))
    assert report.changes.errors == [f"S-{broken}: {refused.value}"]
    assert len(findings(services, sound)) == 2 and findings(services, broken) == []
    (event,) = [e for e in _events(services) if e.action == "system.sweep_error"]
    assert event.entity_id == str(broken) and "value_usd" in str(event.details["problem"])


def test_a_system_the_engine_fails_on_is_reported_and_the_batch_goes_on(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch validates, then evaluates, then acts: a system whose evaluation fails between
    the others' is reported, keeps no finding, and the systems on either side are judged."""
    from review.core.evaluate import Evaluator
    from review.errors import EngineError

    first, failing, last = (contract_approved(services).id for _ in range(3))
    with services.db.session() as session:
        row = session.get(System, failing)
        assert row is not None
        row.record = {**row.record, "proposal": {**row.record["proposal"], "title": "Fails"}}
    evaluate = Evaluator.evaluate

    def failing_on_one(self: Evaluator, submission: Any, *args: Any) -> Any:
        if submission.proposal.title == "Fails":
            raise EngineError("the rule engine stopped: error 303")
        return evaluate(self, submission, *args)

    monkeypatch.setattr(Evaluator, "evaluate", failing_on_one)
    report = sweep.run(services, days(SOC2_LAST_GOOD, 1), batch=3)
    assert report.changes.errors == [f"S-{failing}: the rule engine stopped: error 303"]
    assert len(findings(services, first)) == len(findings(services, last)) == 2
    assert findings(services, failing) == [] and marks(services, failing) == []


def test_a_batch_judges_its_active_systems_only(services: Services) -> None:
    """Batches read their systems by id range: a retired system between two active ones, in
    the same batch, is not judged."""
    from review.services import inventory

    first, middle, last = (contract_approved(services).id for _ in range(3))
    inventory.retire(services, "dana", middle, reason="Replaced")
    report = sweep.run(services, days(SOC2_LAST_GOOD, 1), batch=3)
    assert report.systems == 2 and report.changes.new == 4
    assert findings(services, middle) == []
    assert len(findings(services, first)) == len(findings(services, last)) == 2
    one = sweep.run(services, days(SOC2_LAST_GOOD, 2), batch=1)
    assert one.systems == 2 and one.changes.errors == []


def test_a_sweep_that_changes_nothing_writes_no_system_row(services: Services) -> None:
    """Systems carry no mark of the day they were swept (migration 0012): a second run of the
    day, or a following day with nothing new, rewrites none of their rows; when the inventory
    was swept is the sweep runs' record."""
    for _ in range(2):
        contract_approved(services)
    day = days(SOC2_LAST_GOOD, 1)
    sweep.run(services, day)
    written: list[str] = []  # statements that changed the systems table

    def counted(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("UPDATE SYSTEMS", "INSERT INTO SYSTEMS")):
            written.append(statement)

    event.listen(services.db.engine, "after_cursor_execute", counted)
    try:
        again = sweep.run(services, day)
        later = sweep.run(services, days(SOC2_LAST_GOOD, 2))
    finally:
        event.remove(services.db.engine, "after_cursor_execute", counted)
    assert again.systems == later.systems == 2
    assert again.changes.counts()["marks"] == later.changes.counts()["new_findings"] == 0
    assert written == []
    with services.transaction() as tx:
        runs = tx.session.scalars(select(SweepRun.as_of).order_by(SweepRun.id)).all()
    assert runs == [day, day, days(SOC2_LAST_GOOD, 2)]
