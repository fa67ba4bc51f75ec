"""The audit log: one event per operation in the same transaction, a hash chain that names
altered and removed events, and a database that refuses to change history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import exc, select, text

from review.services import (
    accounts,
    approval_conditions,
    audit,
    decisions,
    proposals,
    reevaluation,
    reviews,
    signoffs,
    waivers,
)
from review.services.context import Services
from review.services.roles import Role
from review.store.database import Database
from review.store.models import AuditEvent, Proposal

from .support import (
    ACC_MAJOR,
    approved,
    events_after,
    execute_raw,
    last_seq,
    saas,
    sign,
    submitted,
)

pytestmark = pytest.mark.usefixtures("people")


def verify(services: Services) -> audit.ChainReport:
    with services.transaction() as tx:
        return audit.verify(tx.session)


def history(services: Services) -> int:
    """A real history: a proposal from draft to approval, with every kind of action."""
    record = saas()
    record["proposal"]["authentication"]["mfa"] = False
    view = submitted(services, record)
    reviews.comment(services, "priya", view.id, "Retention period?")
    waivers.grant(
        services,
        "iso",
        view.id,
        "SEC-002-mfa",
        justification="Branch network only.",
        compensating_controls="Segmentation.",
        expires_on=dt.date(2027, 6, 30),
    )
    view = sign(services, view.id, view.required_signoffs)
    approval_conditions.add(
        services,
        "alex",
        view.id,
        ACC_MAJOR,
        text="Fix reflow.",
        owner="Roomly",
        due_date=dt.date(2027, 3, 1),
    )
    decisions.decide(services, "cara", view.id, "approve_with_conditions", reason="ok")
    return view.id


def test_every_operation_writes_its_event(services: Services, database: Database) -> None:
    record = saas()
    record["proposal"]["authentication"]["mfa"] = False
    ids: dict[str, int] = {}

    def create() -> None:
        ids["p"] = proposals.create_draft(services, "dana", record).proposal.id

    def p() -> int:
        return ids["p"]

    steps: list[tuple[Callable[[], Any], str, list[str]]] = [
        (create, "dana", ["proposal.create"]),
        (lambda: proposals.save_draft(services, "dana", p(), record), "dana", ["proposal.save"]),
        (
            lambda: proposals.submit(services, "dana", p()),
            "dana",
            ["proposal.state", "proposal.submit"],
        ),
        (
            lambda: reviews.comment(services, "priya", p(), "Retention?"),
            "priya",
            ["comment.comment"],
        ),
        (lambda: reviews.start_review(services, "tess", p()), "tess", ["proposal.state"]),
        (
            lambda: reviews.request_changes(services, "sam", p(), domain="security", reason="MFA"),
            "sam",
            ["comment.change_request", "proposal.state"],
        ),
        (
            lambda: proposals.resubmit(services, "dana", p(), response="We accept a waiver."),
            "dana",
            ["comment.response", "proposal.state", "proposal.resubmit"],
        ),
        (
            lambda: waivers.grant(
                services,
                "iso",
                p(),
                "SEC-002-mfa",
                justification="j",
                compensating_controls="c",
                expires_on=dt.date(2027, 6, 30),
            ),
            "iso",
            ["waiver.grant"],
        ),
        (lambda: signoffs.sign_off(services, "sam", p(), "security"), "sam", ["signoff.add"]),
        (
            lambda: approval_conditions.add(
                services,
                "alex",
                p(),
                ACC_MAJOR,
                text="Fix reflow.",
                owner="Roomly",
                due_date=dt.date(2027, 3, 1),
            ),
            "alex",
            ["condition.add"],
        ),
        (
            lambda: approval_conditions.set_status(services, "alex", p(), 1, "met"),
            "alex",
            ["condition.status"],
        ),
        (
            lambda: reevaluation.reevaluate_all(services, "admin"),
            "admin",
            ["proposal.reevaluate"],
        ),
        (
            lambda: waivers.revoke(services, "iso", p(), 1, reason="MFA on"),
            "iso",
            ["waiver.revoke"],
        ),
        (
            lambda: proposals.withdraw(services, "dana", p(), reason="Replaced."),
            "dana",
            ["proposal.state"],
        ),
        (
            lambda: accounts.grant(services, "admin", "sue", Role.REVIEWER, "privacy"),
            "admin",
            ["role.grant"],
        ),
        (
            lambda: accounts.revoke(services, "admin", "sue", Role.REVIEWER, "privacy"),
            "admin",
            ["role.revoke"],
        ),
        (
            lambda: accounts.set_active(services, "admin", "sue", False),
            "admin",
            ["user.deactivate"],
        ),
        (
            lambda: accounts.set_password(services, "tess", "tess", "a new passphrase"),
            "tess",
            ["user.password"],
        ),
        (
            lambda: accounts.authenticate(services, "tess", "wrong password!"),
            "system",
            ["user.sign_in_failed"],
        ),
    ]

    for run, actor, expected in steps:
        before = last_seq(database)
        run()
        events = events_after(database, before)
        people = [e for e in events if e.action != audit.ROW_ACTION]
        assert [e.action for e in people] == expected, expected
        assert {e.actor for e in events} == {actor}
        # a step that changed the request's row ends with the row as it now stands
        rows = [e for e in events if e.action == audit.ROW_ACTION]
        if rows:
            assert events[-1].action == audit.ROW_ACTION
            assert rows[-1].details == row_now(database, ids["p"])
    report = verify(services)
    assert report.ok, report.problems


def row_now(database: Database, proposal_id: int) -> dict[str, Any]:
    with database.session() as session:
        proposal = session.get(Proposal, proposal_id)
        assert proposal is not None
        return audit.row_snapshot(proposal)


def test_state_events_say_where_from_and_where_to(services: Services, database: Database) -> None:
    before = last_seq(database)
    view = submitted(services)
    (state,) = [e for e in events_after(database, before) if e.action == "proposal.state"]
    assert state.entity == "proposal" and state.entity_id == str(view.id)
    assert state.details == {"transition": "submit", "before": "draft", "after": "submitted"}


def test_verify_is_ok_on_a_real_history(services: Services) -> None:
    history(services)
    report = verify(services)
    assert report.ok, report.problems
    assert report.events > 50
    assert report.head == events_after_head(services)


def events_after_head(services: Services) -> str:
    with services.transaction() as tx:
        head = tx.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    assert head is not None
    return head


@pytest.fixture
def unprotected(database: Database) -> Iterator[Database]:
    """The audit table without its append-only triggers, as an attacker with DBA rights."""
    if database.is_sqlite:
        execute_raw(database, "DROP TRIGGER audit_events_no_update")
        execute_raw(database, "DROP TRIGGER audit_events_no_delete")
    else:
        execute_raw(database, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    yield database


def test_every_proposal_change_is_bound_to_an_event(services: Services, database: Database) -> None:
    view = approved(services)
    with services.transaction() as tx:
        rows = [
            e
            for e in tx.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
            if e.action == audit.ROW_ACTION and e.entity_id == str(view.id)
        ]
    states = [r.details["state"] for r in rows]
    assert states[0] == "draft" and states[-1] == "approved_with_conditions"
    assert "submitted" in states and "ready_for_approval" in states
    assert rows[-1].details == row_now(database, view.id)
    # a transaction that leaves the row as it was writes no row event
    before = last_seq(database)
    reviews.comment(services, "priya", view.id, "Noted.")
    assert audit.ROW_ACTION not in [e.action for e in events_after(database, before)]


def test_verify_names_an_altered_event(services: Services, unprotected: Database) -> None:
    history(services)
    with services.transaction() as tx:
        target = tx.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "waiver.grant")
        ).one()
    seq, actor = target.seq, target.actor
    execute_raw(unprotected, "UPDATE audit_events SET actor = 'director' WHERE seq = :s", s=seq)
    report = verify(services)
    assert not report.ok
    assert report.problems == [f"event {seq} (waiver.grant by director): altered"]
    assert actor == "iso"


def test_verify_names_altered_details(services: Services, unprotected: Database) -> None:
    history(services)
    with services.transaction() as tx:
        seq = tx.session.scalars(
            select(AuditEvent.seq).where(AuditEvent.action == "decision")
        ).one()
    value = '{"outcome": "rejected"}'
    cast = ":v" if unprotected.is_sqlite else "CAST(:v AS jsonb)"
    execute_raw(
        unprotected, f"UPDATE audit_events SET details = {cast} WHERE seq = :s", v=value, s=seq
    )
    assert verify(services).problems == [f"event {seq} (decision by cara): altered"]


def test_verify_detects_a_removed_event(services: Services, unprotected: Database) -> None:
    history(services)
    total = verify(services).events
    middle = total // 2
    execute_raw(unprotected, "DELETE FROM audit_events WHERE seq = :s", s=middle)
    report = verify(services)
    assert not report.ok
    assert report.events == total - 1
    assert report.problems == [f"event {middle} removed (sequence jumps to {middle + 1})"]
    assert report.first is not None and report.first.kind is audit.BreakKind.REMOVED


def test_verify_detects_several_removed_events(services: Services, unprotected: Database) -> None:
    history(services)
    execute_raw(unprotected, "DELETE FROM audit_events WHERE seq IN (10, 11, 12)")
    assert "events 10 to 12 removed (sequence jumps to 13)" in verify(services).problems


APPEND_ONLY = {
    "audit_events": "actor",
    "record_versions": "note",
    "evaluations": "trigger",
    "packets": "digest",
    "comments": "body",
    "decisions": "reason",
    "audit_chain": "legacy_head",
}


@pytest.mark.parametrize("table", list(APPEND_ONLY))
def test_the_database_refuses_to_change_history(
    services: Services, database: Database, table: str
) -> None:
    view = approved(services)
    reviews.comment(services, "priya", view.id, "Retention period?")
    if table == "packets":
        from review.packet import issue_packet

        issue_packet(services, "cara", view.id)
    column = APPEND_ONLY[table]
    with database.engine.connect() as connection:
        before = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    assert before > 0
    refused = [f"UPDATE {table} SET {column} = 'x'", f"DELETE FROM {table}"]
    if not database.is_sqlite:  # SQLite has no TRUNCATE; its DELETE FROM is refused above
        refused.append(f"TRUNCATE {table} CASCADE")
    for sql in refused:
        with pytest.raises(exc.DBAPIError, match=f"{table} is append-only"):
            execute_raw(database, sql)
    with database.engine.connect() as connection:
        assert connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == before
    assert verify(services).ok
