"""Re-evaluation reads and writes a batch as rows (review.services.reevaluation_rows): the
result must be what the per-object path (evaluate_version and refresh, as the batch ran them
before) leaves, row for row and audit event for audit event; and a stored record that was
edited into something invalid is still refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, insert, select, tuple_
from sqlalchemy.orm import lazyload

from review.core.evaluate import Evaluator
from review.core.policy import key_of
from review.core.records import Submission
from review.services import evaluations, reevaluation, reevaluation_rows
from review.services.context import Services, Tx
from review.services.lifecycle import REEVALUATED
from review.store.copy import copy_rows
from review.store.database import Database
from review.store.models import (
    AuditEvent,
    Proposal,
    RecordVersion,
    ReviewTask,
    SignOff,
    StoredEvaluation,
)

from .support import (
    approved,
    changed_standards,
    changes_requested,
    execute_raw,
    in_contract_review,
    ready,
    row_counts,
    sign,
    submitted,
)

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture(scope="module")
def new_standards(tmp_path_factory: pytest.TempPathFactory) -> Evaluator:
    return changed_standards(tmp_path_factory.mktemp("standards-change"))


def orm_evaluate_version(
    tx: Tx, proposal: Proposal, record: RecordVersion, signoffs: list[SignOff]
) -> tuple[StoredEvaluation, list[str]]:
    """``evaluations.evaluate_version`` as the per-object batch ran it: the snapshot an ORM
    object, flushed with the batch."""
    submission = Submission.model_validate(record.record)
    result = tx.services.evaluator.evaluate(submission, tx.services.today())
    row = evaluations.stored_row(tx, result, proposal.id, record.number, "reevaluate")
    evaluation = StoredEvaluation(**row)
    tx.session.add(evaluation)
    proposal.tier = result.tier
    proposal.disposition = result.disposition
    invalidated = evaluations.invalidate_signoffs(tx, proposal, record, evaluation, signoffs)
    return evaluation, invalidated


def per_object_batch(tx: Tx, ids: list[int]) -> None:
    """The batch as it was written with ORM objects (the reference)."""
    session = tx.session
    proposals = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(ids))
            .order_by(Proposal.id)
            .options(lazyload(Proposal.requester))
        )
    )
    latest_ids = select(func.max(StoredEvaluation.id)).group_by(StoredEvaluation.proposal_id)
    latest = {
        e.proposal_id: e
        for e in session.scalars(
            select(StoredEvaluation).where(StoredEvaluation.id.in_(latest_ids))
        )
    }
    wanted = [(p.id, latest[p.id].version_number) for p in proposals]
    versions = {
        (v.proposal_id, v.number): v
        for v in session.scalars(
            select(RecordVersion).where(
                tuple_(RecordVersion.proposal_id, RecordVersion.number).in_(wanted)
            )
        )
    }
    signoffs: dict[int, list[SignOff]] = {}
    for s in session.scalars(select(SignOff).where(SignOff.invalidated_at.is_(None))):
        signoffs.setdefault(s.proposal_id, []).append(s)
    tasks: dict[int, dict[str, ReviewTask]] = {}
    for t in session.scalars(select(ReviewTask)):
        tasks.setdefault(t.proposal_id, {})[t.domain] = t
    done = []
    with session.no_autoflush:
        for proposal, key in zip(proposals, wanted, strict=True):
            before = latest[proposal.id]
            own = signoffs.get(proposal.id, [])
            after, invalidated = orm_evaluate_version(tx, proposal, versions[key], own)
            evaluations.refresh(
                tx,
                proposal,
                evaluation=after,
                signoffs=own,
                tasks=tasks.setdefault(proposal.id, {}),
            )
            old = {f["rule_id"] + "|" + (f.get("subject") or "") for f in before.findings}
            new = {f["rule_id"] + "|" + (f.get("subject") or "") for f in after.findings}
            done.append((proposal, after, sorted(new - old), sorted(old - new), invalidated))
    session.flush()
    for proposal, after, added, cleared, invalidated in done:
        tx.audit(
            "proposal.reevaluate",
            "proposal",
            proposal.id,
            evaluation=after.id,
            standards=after.standards_version,
            new=added,
            cleared=cleared,
            invalidated=invalidated,
        )


def _ids(tx: Tx) -> list[int]:
    states = [s.value for s in REEVALUATED]
    query = select(Proposal.id).where(Proposal.state.in_(states)).order_by(Proposal.id)
    return list(tx.session.scalars(query))


class _Undo(Exception):
    """Rolls back the transaction once its result is read."""


def what_a_batch_leaves(services: Services, batch: Callable[[Tx, list[int]], Any]) -> Any:
    """The rows and audit events one batch over every request leaves, read in its
    transaction (sealed as at commit), then rolled back."""
    seen: dict[str, Any] = {}
    with pytest.raises(_Undo), services.transaction("admin") as tx:
        seq = tx.session.scalar(select(func.max(AuditEvent.seq))) or 0
        first = tx.session.scalar(select(func.max(StoredEvaluation.id))) or 0
        batch(tx, _ids(tx))
        tx._seal_proposals()
        seen.update(snapshot(tx, seq, first))
        raise _Undo
    return seen


def _columns(row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def snapshot(tx: Tx, seq: int, first: int) -> dict[str, Any]:
    session = tx.session
    session.expire_all()
    new = list(
        session.scalars(
            select(StoredEvaluation)
            .where(StoredEvaluation.id > first)
            .order_by(StoredEvaluation.id)
        )
    )
    ordinal = {e.id: n for n, e in enumerate(new)}  # PostgreSQL's sequences do not roll back
    events = []
    for e in session.scalars(
        select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)
    ):
        details = dict(e.details)
        if "evaluation" in details:
            details["evaluation"] = ordinal[details["evaluation"]]
        events.append((e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, details))
    tasks = session.scalars(select(ReviewTask))
    return {
        "evaluations": [_columns(e, ("id",)) for e in new],
        "proposals": [_columns(p) for p in session.scalars(select(Proposal).order_by(Proposal.id))],
        "signoffs": [_columns(s) for s in session.scalars(select(SignOff).order_by(SignOff.id))],
        "tasks": sorted(
            (t.proposal_id, t.domain, t.status, t.severity_rank, t.opened_at) for t in tasks
        ),
        "events": events,
    }


def in_order(events: list[tuple[Any, ...]]) -> tuple[list[Any], list[Any]]:
    """The events in their order, except the proposal rows' seals at the end: those follow the
    session's set of changed objects, whose order is not defined (by object address)."""
    sealed = [e[3] == "proposal.row" for e in events]
    first = sealed.index(True) if any(sealed) else len(events)
    assert all(sealed[first:]), "the seals come last"
    return [e for e in events[:first]], sorted((e[5], repr(e[6])) for e in events[first:])


def requests_in_every_state(services: Services, database: Database) -> None:
    ready(services)  # every sign-off in: loses security under the new standards
    view = submitted(services)
    sign(services, view.id, ["technology", "security"])
    approved(services)
    in_contract_review(services)
    changes_requested(services)
    edited = ready(services)
    # a sign-off given on a record that differs from the version evaluated: the reason names
    # the fields (the decoded record is read for it)
    execute_raw(
        database,
        "UPDATE signoffs SET record_hash = 'x' WHERE proposal_id = :p AND domain = 'privacy'",
        p=edited.id,
    )


@pytest.mark.parametrize("standards", ["new", "same"])
def test_a_batch_as_rows_leaves_what_the_per_object_batch_left(
    services: Services, database: Database, new_standards: Evaluator, standards: str
) -> None:
    requests_in_every_state(services, database)
    if standards == "new":
        services.evaluator_factory = lambda: new_standards
    services.clock = lambda: dt.datetime(2026, 12, 20, 9, 30, tzinfo=dt.UTC)
    reference = what_a_batch_leaves(services, per_object_batch)
    events = reference["events"]
    actions = {e[3] for e in events}
    rows = what_a_batch_leaves(services, reevaluation._batch)
    assert in_order(rows.pop("events")) == in_order(reference.pop("events"))
    assert rows == reference
    if standards == "new":
        assert {"signoff.invalidated", "proposal.state", "proposal.row"} <= actions
        assert any("changed after the privacy sign-off" in str(e[6]) for e in events)


def test_an_edited_stored_record_is_refused_as_before(
    services: Services, database: Database
) -> None:
    """The stored record is validated from its JSON text: a record edited in the database
    into something the model refuses stops the re-evaluation, and nothing is stored."""
    view = submitted(services)
    if database.is_sqlite:  # what the table owner can do: switch the append-only trigger off
        execute_raw(database, "DROP TRIGGER IF EXISTS record_versions_no_update")
    else:
        execute_raw(database, "ALTER TABLE record_versions DISABLE TRIGGER USER")
    value = ":r" if database.is_sqlite else "CAST(:r AS jsonb)"
    execute_raw(
        database,
        f"UPDATE record_versions SET record = {value} WHERE proposal_id = :p",
        r='{"proposal": {"title": 42}}',
        p=view.id,
    )
    before = row_counts(database)
    with pytest.raises(ValidationError):
        reevaluation.reevaluate_all(services, "admin")
    assert row_counts(database) == before


PREVIOUS_FINDINGS: list[list[dict[str, Any]]] = [
    [],
    [{"rule_id": "SEC-1", "subject": None}, {"rule_id": "SEC-1", "subject": ""}],
    [{"rule_id": "A", "subject": 'log4j "core" \\ 2.14 \t\n é \U0001f600'}, {"rule_id": "B"}],
    [{"rule_id": "A", "subject": "x"}, {"rule_id": "A", "subject": "x"}],  # repeated
]


def test_the_previous_findings_keys_are_what_the_whole_findings_give(
    services: Services, database: Database
) -> None:
    """On PostgreSQL only the previous findings' rule ids and subjects are read (JSON paths);
    the keys are those of the whole findings, in order, a finding without a subject (the
    path skips it) included."""
    ids = [submitted(services).id for _ in PREVIOUS_FINDINGS]
    with services.transaction("admin") as tx:
        stored = {
            e.proposal_id: e
            for e in tx.session.scalars(
                select(StoredEvaluation).where(StoredEvaluation.proposal_id.in_(ids))
            )
        }
        for proposal_id, findings in zip(ids, PREVIOUS_FINDINGS, strict=True):
            row = _columns(stored[proposal_id], ("id",))
            tx.session.add(StoredEvaluation(**{**row, "findings": findings}))
    with services.transaction("admin") as tx:
        latest = reevaluation_rows._latest(tx, ids)
    for proposal_id, findings in zip(ids, PREVIOUS_FINDINGS, strict=True):
        previous = latest[proposal_id]
        assert previous.keys == [key_of(f) for f in findings]
        assert previous.version_number == stored[proposal_id].version_number
        assert previous.standards_version == stored[proposal_id].standards_version
        assert previous.disposition == stored[proposal_id].disposition


def test_rows_copied_into_postgresql_are_what_the_insert_stores(
    services: Services, database: Database
) -> None:
    """``store.copy.copy_rows`` (a batch's evaluations on PostgreSQL) sends each value as the
    insert's own processing made it: free text's NUL as its symbol, JSON by the engine's
    serialiser, NULLs, time zones."""
    if database.is_sqlite:
        pytest.skip("COPY is PostgreSQL's")
    proposal = submitted(services)
    with services.transaction("admin") as tx:
        stored = evaluations.latest_evaluation(tx, tx.session.get_one(Proposal, proposal.id))
        row = _columns(stored, ("id",))
    odd = {
        **row,
        "standards_version": "2026\x00-12 \t tab \\ back \n line é",
        "findings": [{"rule_id": "A", "subject": 'q " \\ \t \n \r \u2028 é', "n": 1.5e-7}],
        "required_signoffs": [],
        "tcv": 0.1,
        "created_at": dt.datetime(
            2026, 12, 5, 21, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-5))
        ),
    }
    table = StoredEvaluation.metadata.tables[StoredEvaluation.__tablename__]
    with services.transaction("admin") as tx:
        tx.session.execute(insert(table), [{**odd, "id": 1_000}, {**row, "id": 1_001}])
        assert copy_rows(tx.session, table, [{**odd, "id": 2_000}, {**row, "id": 2_001}])
        no_time = {k: v for k, v in odd.items() if k != "created_at"}  # a Python default
        assert not copy_rows(tx.session, table, [{**no_time, "id": 3_000}])
        assert not copy_rows(tx.session, table, [{**odd, "id": 3_000, "extra": 1}])
        assert copy_rows(tx.session, table, [odd])  # the serial id: numbered by the server
    with services.transaction("admin") as tx:
        read = {e.id: _columns(e, ("id",)) for e in tx.session.scalars(select(StoredEvaluation))}
    assert read[2_000] == read[1_000]
    assert read[2_001] == read[1_001]
    assert list(read.values()).count(read[1_000]) == 3  # the serial id's row among them
    assert read[2_000]["standards_version"] == "2026\u2400-12 \t tab \\ back \n line é"
