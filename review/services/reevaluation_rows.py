"""What a re-evaluation batch reads and writes, as rows rather than ORM objects.

A batch of 200 requests holds about 800 review tasks and 600 sign-offs; building an object and
an attribute history for each cost more than evaluating the requests. They are read as plain
rows; only the sign-offs a re-evaluation invalidates are loaded as objects (their change is
audited by ``evaluations.invalidate_signoffs``), and the tasks' changes and the evaluations
are written with Core statements. The decisions themselves (which sign-off is stale, what
each task becomes) are ``evaluations``' functions, shared with the single-request path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sqlalchemy import (
    ColumnElement,
    Row,
    Table,
    Text,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.orm import defer, lazyload

from ..core.policy import finding_key, key_of
from ..store.copy import copy_rows
from ..store.models import (
    JsonType,
    Proposal,
    RecordVersion,
    ReviewTask,
    SignOff,
    StoredEvaluation,
)
from ..store.storable import refuse_surrogate_rows
from . import evaluations
from .context import Tx

AnyRow: TypeAlias = Row[*tuple[Any, ...]]  # a row of a select of several columns


@dataclass(frozen=True)
class Previous:
    """What a re-evaluation compares of a request's latest evaluation."""

    version_number: int
    standards_version: str
    disposition: str
    keys: list[str]  # its findings' keys (``policy.key_of``), in the findings' order


@dataclass
class Loaded:
    """What a batch needs, read in a handful of queries (not per record)."""

    proposals: list[Proposal]
    latest: dict[int, Previous]  # each proposal's latest evaluation (what is compared)
    wanted: list[tuple[int, int]]  # (proposal id, the version to evaluate), as proposals
    versions: dict[tuple[int, int], tuple[RecordVersion, str]]  # and the record's JSON text
    signoffs: dict[int, list[AnyRow]]  # valid sign-offs by proposal
    tasks: dict[int, dict[str, AnyRow]]  # review tasks by proposal and domain


def _previous(row: AnyRow, keys: list[str]) -> Previous:
    return Previous(row.version_number, row.standards_version, row.disposition, keys)


def _pg_keys(row: AnyRow) -> list[str] | None:
    """The keys from the findings' rule ids and subjects as PostgreSQL picked them out, or
    None where that does not answer for every finding (findings not a list, or a finding
    without a subject or rule id, which the path skips): those are read whole."""
    rule_ids, subjects = row.rule_ids, row.subjects
    if row.length is None or not len(rule_ids) == len(subjects) == row.length:
        return None
    return [finding_key(r, s) for r, s in zip(rule_ids, subjects, strict=True)]


_RULE_IDS: ColumnElement[Any] = literal_column(
    "'$[*].rule_id'::jsonpath"
)  # constants: no parameter to bind
_SUBJECTS: ColumnElement[Any] = literal_column("'$[*].subject'::jsonpath")


def _latest(tx: Tx, ids: list[int]) -> dict[int, Previous]:
    """What a re-evaluation compares of each proposal's latest evaluation.

    On PostgreSQL only the findings' rule ids and subjects are read (JSON path queries over
    the stored JSONB): writing out and decoding whole findings lists, 6.5 kB each, to take
    two fields of each finding was most of the read (docs/performance.md)."""
    latest_ids = (
        select(func.max(StoredEvaluation.id))
        .where(StoredEvaluation.proposal_id.in_(ids))
        .group_by(StoredEvaluation.proposal_id)
    )
    columns = (
        StoredEvaluation.proposal_id,
        StoredEvaluation.version_number,
        StoredEvaluation.standards_version,
        StoredEvaluation.disposition,
    )
    findings = StoredEvaluation.findings
    if tx.session.get_bind().dialect.name != "postgresql":
        query = select(*columns, findings).where(StoredEvaluation.id.in_(latest_ids))
        return {
            row.proposal_id: _previous(row, [key_of(f) for f in row.findings])
            for row in tx.session.execute(query)
        }
    picked = (
        func.jsonb_path_query_array(findings, _RULE_IDS, type_=JsonType).label("rule_ids"),
        func.jsonb_path_query_array(findings, _SUBJECTS, type_=JsonType).label("subjects"),
        case((func.jsonb_typeof(findings) == "array", func.jsonb_array_length(findings))).label(
            "length"
        ),
    )
    query = select(*columns, *picked).where(StoredEvaluation.id.in_(latest_ids))
    latest: dict[int, Previous] = {}
    whole: dict[int, AnyRow] = {}
    for row in tx.session.execute(query):
        keys = _pg_keys(row)
        if keys is None:
            whole[row.proposal_id] = row
        else:
            latest[row.proposal_id] = _previous(row, keys)
    if whole:
        query = select(StoredEvaluation.proposal_id, findings).where(
            StoredEvaluation.id.in_(latest_ids), StoredEvaluation.proposal_id.in_(list(whole))
        )
        for proposal_id, stored in tx.session.execute(query):
            row = whole[proposal_id]
            latest[proposal_id] = _previous(row, [key_of(f) for f in stored])
    return latest


def _versions(
    tx: Tx, wanted: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[RecordVersion, str]]:
    """The versions to evaluate, each with its record as the JSON text the database holds:
    pydantic validates that text directly, which costs less than decoding it into Python
    objects first and validating those (the decoded record is read only if a sign-off was
    given on another version, to name the fields that changed)."""
    query = (
        select(RecordVersion, cast(RecordVersion.record, Text))
        .where(tuple_(RecordVersion.proposal_id, RecordVersion.number).in_(wanted))
        .options(defer(RecordVersion.record))
    )
    return {(v.proposal_id, v.number): (v, text) for v, text in tx.session.execute(query)}


def load(tx: Tx, ids: list[int]) -> Loaded:
    session = tx.session
    proposals = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(ids))
            .order_by(Proposal.id)
            .options(lazyload(Proposal.requester))
        )
    )
    latest = _latest(tx, ids)
    wanted = [
        (p.id, latest[p.id].version_number if p.id in latest else p.current_version)
        for p in proposals
    ]
    signoffs: dict[int, list[AnyRow]] = {}
    signoff_columns = (SignOff.id, SignOff.proposal_id, SignOff.stage, SignOff.domain)
    hashes = (SignOff.record_hash, SignOff.findings_hash)
    for signoff in session.execute(
        select(*signoff_columns, *hashes).where(
            SignOff.proposal_id.in_(ids), SignOff.invalidated_at.is_(None)
        )
    ):
        signoffs.setdefault(signoff.proposal_id, []).append(signoff)
    tasks: dict[int, dict[str, AnyRow]] = {}
    task_columns = (ReviewTask.id, ReviewTask.proposal_id, ReviewTask.domain, ReviewTask.status)
    for task in session.execute(
        select(*task_columns, ReviewTask.severity_rank).where(ReviewTask.proposal_id.in_(ids))
    ):
        tasks.setdefault(task.proposal_id, {})[task.domain] = task
    return Loaded(proposals, latest, wanted, _versions(tx, wanted), signoffs, tasks)


@dataclass(frozen=True)
class Snapshot:
    """A new evaluation's row, read as sign-off validity and the review tasks read one."""

    row: dict[str, Any]

    @property
    def findings(self) -> list[Any]:
        findings: list[Any] = self.row["findings"]
        return findings

    @property
    def required_signoffs(self) -> list[Any]:
        required: list[Any] = self.row["required_signoffs"]
        return required

    @property
    def standards_version(self) -> str:
        return str(self.row["standards_version"])


def stale_signoffs(
    tx: Tx, loaded: Loaded, evaluated: list[tuple[Proposal, RecordVersion, Snapshot]]
) -> dict[int, list[SignOff]]:
    """The batch's sign-offs that no longer match, as objects (one query), by proposal, each
    proposal's in the order its sign-offs were read."""
    wanted: list[int] = []
    for proposal, record, after in evaluated:
        wanted.extend(
            s.id
            for s in loaded.signoffs.get(proposal.id, [])
            if s.stage == proposal.stage
            and evaluations.stale(s, record.record_hash, after.findings)
        )
    if not wanted:
        return {}
    query = select(SignOff).where(SignOff.id.in_(wanted)).options(lazyload(SignOff.reviewer))
    found = {s.id: s for s in tx.session.scalars(query)}
    return {
        proposal.id: [found[s.id] for s in loaded.signoffs.get(proposal.id, []) if s.id in found]
        for proposal, _, _ in evaluated
    }


def signed(rows: list[AnyRow], proposal: Proposal, invalidated: list[SignOff]) -> set[str]:
    """The domains still signed: the stage's valid sign-offs less those just invalidated."""
    gone = {s.id for s in invalidated if s.invalidated_at is not None}
    return {s.domain for s in rows if s.stage == proposal.stage and s.id not in gone}


def _table(model: Any) -> Table:
    return StoredEvaluation.metadata.tables[model.__tablename__]


# PostgreSQL: the batch's ids drawn from the table's own sequence, in one statement
_NEXT_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('evaluations', 'id')) FROM generate_series(1, :n)"
)


def insert_evaluations(tx: Tx, rows: list[dict[str, Any]]) -> list[int]:
    """Store a batch's evaluations with one Core insert; their ids, in the rows' order.

    On PostgreSQL the ids are drawn from the table's sequence first (ascending, in the rows'
    order, as the insert would have assigned them) and the rows inserted with them by the
    driver's executemany: ``INSERT ... RETURNING`` of 200 rows was one statement of 3,000
    parameters, which psycopg rewrote in Python and the server parsed, each time (about a
    third of the insert's time, bench/workflow.py)."""
    refuse_surrogate_rows(rows)
    table = _table(StoredEvaluation)
    if tx.session.get_bind().dialect.name == "postgresql":
        ids = sorted(int(i) for i in tx.session.execute(_NEXT_IDS, {"n": len(rows)}).scalars())
        with_ids = [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)]
        if not copy_rows(tx.session, table, with_ids):
            tx.session.execute(insert(table), with_ids)
        return ids
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(tx.session.execute(statement, rows).scalars())


@dataclass
class TaskWrites:
    """A batch's review-task changes, written with one statement of each kind."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    reopened: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        tx: Tx,
        proposal: Proposal,
        states: dict[str, tuple[str, int]],
        tasks: dict[str, AnyRow],
    ) -> None:
        """What ``evaluations.refresh`` does to the tasks, as rows: a task that is waiting
        again waits from now; one whose status and rank stay is not written."""
        for domain, (status, worst) in states.items():
            task = tasks.get(domain)
            if task is None:
                opened = proposal.submitted_at or tx.services.now()
                self.new.append(
                    {
                        "proposal_id": proposal.id,
                        "domain": domain,
                        "status": status,
                        "severity_rank": worst,
                        "opened_at": opened,
                    }
                )
            elif status == "open" and task.status != "open":
                now = tx.services.now()
                self.reopened.append({"task": task.id, "to": status, "rank": worst, "opened": now})
            elif (status, worst) != (task.status, task.severity_rank):
                self.changed.append({"task": task.id, "to": status, "rank": worst})

    def write(self, tx: Tx) -> None:
        table = _table(ReviewTask)
        if self.new:
            refuse_surrogate_rows(self.new)
            tx.session.execute(insert(table), self.new)
        by_id = update(table).where(table.c.id == bindparam("task"))
        values: dict[str, Any] = {"status": bindparam("to"), "severity_rank": bindparam("rank")}
        if self.changed:
            tx.session.execute(by_id.values(**values), self.changed)
        if self.reopened:
            reopen = by_id.values(**values, opened_at=bindparam("opened"))
            tx.session.execute(reopen, self.reopened)
