"""Audit events, new review tasks and a submit's evaluation are written with Core statements
(issues 10 and 16), not as ORM objects: the same workflow run with the former ORM writes and
with the Core ones leaves the same rows in every table it touches, the same audit events
(every column: the chain's hashes included) and a chain that verifies, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from review.core.evaluate import Evaluator
from review.core.records import Submission
from review.services import audit, evaluations, proposals, reevaluation
from review.services.audit import Chain
from review.services.context import Services, Tx
from review.store.database import Database
from review.store.models import (
    AuditEvent,
    Base,
    Proposal,
    RecordVersion,
    ReviewTask,
    RoleGrant,
    SignOff,
    StoredEvaluation,
    User,
)
from review.store.storable import clean_data

from .conftest import FAST_HASHER, USERS, Clock, _admin_sql, _with_database
from .support import approved, changed_standards, changes_requested, ready, saas, sign

TABLES = (Proposal, RecordVersion, StoredEvaluation, ReviewTask, SignOff, AuditEvent)


def orm_append(
    session: Any,
    chain: Chain,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """``audit.append`` as it was: an ORM object added to the session (the reference)."""
    seq, prev = chain.seq + 1, chain.hash
    moment = audit._utc(at or dt.datetime.now(dt.UTC))
    clean = clean_data(json.loads(audit.canonical(details or {})))
    event = AuditEvent(
        seq=seq,
        at=moment,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=clean,
        prev_hash=prev,
        hash=audit.keyed_hash(
            chain.key, seq, moment, actor, action, entity, str(entity_id), clean, prev
        ),
        key_id=chain.key.id,
    )
    session.add(event)
    chain.seq, chain.hash = seq, event.hash


def orm_open_tasks(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """``evaluations.open_tasks`` as it was: one ORM object per task."""
    for row in rows:
        tx.session.add(ReviewTask(**row))


def orm_evaluate_version(
    tx: Tx,
    proposal: Proposal,
    record: RecordVersion,
    trigger: str,
    *,
    signoffs: list[SignOff] | None = None,
) -> tuple[StoredEvaluation, list[str]]:
    """``evaluations.evaluate_version`` as it was: the snapshot an ORM object, flushed."""
    submission = Submission.model_validate(record.record)
    result = tx.services.evaluator.evaluate(submission, tx.services.today())
    evaluation = evaluations.stored(tx, result, proposal.id, record.number, trigger)
    tx.session.add(evaluation)
    proposal.tier = result.tier
    proposal.disposition = result.disposition
    tx.session.flush()
    invalidated = evaluations.invalidate_signoffs(tx, proposal, record, evaluation, signoffs)
    return evaluation, invalidated


@pytest.fixture
def twin(
    database: Database, tmp_path: Path, sqlite_template: Path, pg_template: str | None
) -> Iterator[Database]:
    """A second empty database of the same kind, sharing the test's audit key."""
    if database.is_sqlite:
        target = tmp_path / "twin.db"
        shutil.copyfile(sqlite_template, target)
        db = Database.connect(f"sqlite:///{target}")
        yield db
        db.engine.dispose()
        return
    name = f"review_t_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    db = Database.connect(_with_database(name))
    yield db
    db.engine.dispose()
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def new_standards(tmp_path_factory: pytest.TempPathFactory) -> Evaluator:
    return changed_standards(tmp_path_factory.mktemp("standards-change"))


def workflow(services: Services, new_standards: Evaluator) -> None:
    """People, then requests through drafts, submits, sign-offs, a change request, a
    resubmission, an approval, a withdrawal and a re-evaluation under changed standards."""
    secret = FAST_HASHER.hash("correct horse battery")
    with services.transaction() as tx:
        for username, (department, grants) in USERS.items():
            tx.session.add(
                User(
                    username=username,
                    display_name=username.title(),
                    email=f"{username}@city.example.gov",
                    department=department,
                    password_hash=secret,
                    roles=[RoleGrant(role=role.value, domain=domain) for role, domain in grants],
                )
            )
            tx.audit("user.create", "user", username, department=department)
    ready(services)
    approved(services)
    asked = changes_requested(services)
    proposals.resubmit(services, "dana", asked.id, response="Cut to 24 hours.")
    partly = proposals.submit_new(services, "dana", saas(title="Signage"))
    sign(services, partly.id, ["technology"])
    withdrawn = proposals.submit_new(services, "dana", saas(title="Kiosks"))
    proposals.withdraw(services, "dana", withdrawn.id, reason="Not this year.")
    services.evaluator_factory = lambda: new_standards
    reevaluation.reevaluate_all(services, "admin")


def leaves(database: Database, new_standards: Evaluator) -> dict[str, list[dict[str, Any]]]:
    services = Services(database, clock=Clock(), hasher=FAST_HASHER)
    workflow(services, new_standards)
    with database.session() as session:
        report = audit.verify(session)
    assert report.ok, report.problems
    tables: dict[str, list[dict[str, Any]]] = {}
    with database.engine.connect() as connection:
        for model in TABLES:
            table = Base.metadata.tables[model.__tablename__]
            rows = connection.execute(select(table).order_by(table.c.id)).mappings()
            tables[model.__tablename__] = [dict(row) for row in rows]
    return tables


def test_core_writes_leave_what_the_orm_writes_left(
    database: Database,
    twin: Database,
    new_standards: Evaluator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = leaves(database, new_standards)
    with monkeypatch.context() as patched:
        patched.setattr(audit, "append", orm_append)
        patched.setattr(evaluations, "open_tasks", orm_open_tasks)
        patched.setattr(evaluations, "evaluate_version", orm_evaluate_version)
        before = leaves(twin, new_standards)
    assert {name: len(rows) for name, rows in now.items()} == {
        name: len(rows) for name, rows in before.items()
    }
    for name in before:
        for a, b in zip(now[name], before[name], strict=True):
            assert a == b, (name, {k: (a[k], b[k]) for k in a if a[k] != b[k]})
    actions = {row["action"] for row in now["audit_events"]}
    assert {"proposal.submit", "proposal.resubmit", "proposal.reevaluate"} <= actions
    assert {"signoff.invalidated", "proposal.row", "proposal.state"} <= actions
    assert len(now["review_tasks"]) > 10


def test_events_are_written_before_the_transaction_reads(services: Services) -> None:
    """An event appended is seen by a query later in the same transaction (as the ORM's
    autoflush made it), and by no other transaction before the commit."""
    with services.transaction() as tx:
        tx.audit("test.one", "test", 1)
        tx.audit("test.two", "test", 2)
        seen = tx.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
        assert seen[-2:] == ["test.one", "test.two"]
        tx.audit("test.three", "test", 3)
    with services.transaction() as tx:
        last = tx.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert last[-3:] == ["test.one", "test.two", "test.three"]


def test_events_of_a_rolled_back_transaction_are_not_written(services: Services) -> None:
    class Undo(Exception):
        pass

    def count() -> int:
        with services.db.session() as session:
            return len(session.scalars(select(AuditEvent.id)).all())

    before = count()
    with pytest.raises(Undo), services.transaction() as tx:
        tx.audit("test.undone", "test", 1)
        raise Undo
    assert count() == before
