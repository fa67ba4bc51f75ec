"""Benchmark the review workflow's database paths on SQLite and PostgreSQL.

    python bench/workflow.py [--proposals 100000] [--reevaluate 10000] [--skip-pg]
                             [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

(a) The reviewer queue as the UI runs it: ``reviewer_queue(services, "sam",
    domains=["security"], sort=..., limit=25)``, first page, over --proposals stored proposals
    (a realistic mix of states and departments, submissions spread over two years, one record
    version and one evaluation each, review tasks as ``evaluations.refresh`` leaves them).
    Median and p95 of --runs calls after warm-up, for sort="age" and sort="severity", and the
    query plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL) of the exact SQL
    the call sent, with whether ``ix_review_tasks_queue`` is used. SQLite is measured as the
    application leaves it (SQLite: no statistics; PostgreSQL: what autovacuum gathered) and
    again after ANALYZE (the severity sort is served by ix_review_tasks_queue_severity).
(b) ``reevaluate_all(services, None)`` end to end over --reevaluate stored proposals in the
    states re-evaluation covers, with real generated records (validated and stored
    normalised), an initial evaluation each (computed 35 days earlier, so some findings change
    and some sign-offs are invalidated), review tasks and sign-offs. The time is split into the
    evaluator, the database driver (statement execution) and the rest (ORM, validation,
    hashing, audit).

Every database lives in a temporary directory (SQLite) or a temporary schema (PostgreSQL)
that is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import Engine, create_engine, event, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.workloads import (  # noqa: E402
    DEPARTMENTS,
    random_submission,
    realistic_submission,
)
from review.core import policy  # noqa: E402
from review.core.evaluate import Evaluator, evaluator  # noqa: E402
from review.core.findings import Evaluation as Result  # noqa: E402
from review.core.records import Submission  # noqa: E402
from review.services import evaluations  # noqa: E402
from review.services.context import Services, Tx  # noqa: E402
from review.services.evaluations import (  # noqa: E402
    ENGINE_VERSION,
    all_findings_hash,
    domain_hash,
)
from review.services.lifecycle import QUEUE_STATES, REEVALUATED, State  # noqa: E402
from review.services.queue import reviewer_queue, waiver_queue  # noqa: E402
from review.services.record_versions import normalised, record_hash, validate_for_submit  # noqa: E402
from review.services.reevaluation import reevaluate_all  # noqa: E402
from review.services.roles import Role, review_domain  # noqa: E402
from review.store.database import Database  # noqa: E402
from review.store.models import (  # noqa: E402
    Proposal,
    RecordVersion,
    ReviewTask,
    RoleGrant,
    SignOff,
    StoredEvaluation,
    User,
)

LEAST = policy.current().least_rank  # a domain with no findings ranks least severe
RANK = policy.current().rank

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
AS_OF = NOW.date()
INITIAL_AS_OF = AS_OF - dt.timedelta(days=35)  # the initial evaluations of (b)
QUEUE_INDEX = "ix_review_tasks_queue"
TARGETS = {"queue_ms": 100.0, "reevaluate_s": 60.0, "reevaluate_ratio": 2.5}
CHUNK = 5_000  # proposals per insert transaction
POOL = 400  # distinct real records/evaluations behind the (a) data set
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

S = State
# (a): what a city's proposals look like after two years: most decided, some in flight.
STATE_MIX: dict[State, float] = {
    S.DRAFT: 4.0,
    S.SUBMITTED: 3.0,
    S.IN_REVIEW: 7.0,
    S.CHANGES_REQUESTED: 3.0,
    S.READY: 2.0,
    S.APPROVED: 12.0,
    S.APPROVED_WITH_CONDITIONS: 6.0,
    S.REJECTED: 5.0,
    S.CONTRACT_SUBMITTED: 1.5,
    S.CONTRACT_REVIEW: 3.0,
    S.CONTRACT_CHANGES_REQUESTED: 1.0,
    S.CONTRACT_READY: 1.0,
    S.CONTRACT_APPROVED: 40.0,
    S.CONTRACT_REJECTED: 2.0,
    S.WITHDRAWN: 9.5,
}
CONTRACT_STAGE = {
    S.CONTRACT_SUBMITTED,
    S.CONTRACT_REVIEW,
    S.CONTRACT_CHANGES_REQUESTED,
    S.CONTRACT_READY,
    S.CONTRACT_APPROVED,
    S.CONTRACT_REJECTED,
}
IN_FLIGHT = {s for s in State if s in QUEUE_STATES or s in REEVALUATED} - {
    S.APPROVED,
    S.APPROVED_WITH_CONDITIONS,
    S.CONTRACT_APPROVED,
}
DECIDED = {
    S.APPROVED,
    S.APPROVED_WITH_CONDITIONS,
    S.REJECTED,
    S.CONTRACT_APPROVED,
    S.CONTRACT_REJECTED,
}
ALL_SIGNED = {S.READY, S.CONTRACT_READY} | DECIDED - {S.REJECTED, S.CONTRACT_REJECTED}
NONE_SIGNED = {S.SUBMITTED, S.CONTRACT_SUBMITTED, S.DRAFT}


# --- users -------------------------------------------------------------------------------------

REVIEWERS = {
    "security": "sam",
    "technology": "tess",
    "accessibility": "alex",
    "privacy": "priya",
    "open_source": "olga",
    "ai": "aiden",
    "procurement": "paul",
}


@dataclass
class People:
    rows: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    requesters: dict[str, list[int]] = field(default_factory=dict)

    def add(self, username: str, department: str, grants: Sequence[tuple[Role, str]]) -> None:
        uid = len(self.rows) + 1
        self.ids[username] = uid
        self.rows.append(
            {
                "id": uid,
                "username": username,
                "display_name": username.title(),
                "email": f"{username}@city.example",
                "department": department,
                "password_hash": None,
                "active": True,
                "created_at": NOW - dt.timedelta(days=800),
            }
        )
        for role, domain in grants:
            self.grants.append(
                {
                    "id": len(self.grants) + 1,
                    "user_id": uid,
                    "role": role.value,
                    "domain": domain,
                    "granted_at": NOW - dt.timedelta(days=800),
                }
            )
        if any(role is Role.REQUESTER for role, _ in grants):
            self.requesters.setdefault(department, []).append(uid)


def people() -> People:
    p = People()
    p.add("admin", "Digital Service", [(Role.ADMIN, "")])
    for domain, name in REVIEWERS.items():
        p.add(name, "Digital Service", [(Role.REVIEWER, domain)])
    p.add("sue", "Digital Service", [(Role.REVIEWER, "security")])
    p.add("iso", "Digital Service", [(Role.WAIVER_AUTHORITY, "security")])
    p.add("cara", "City Manager", [(Role.APPROVER, "")])
    for i, department in enumerate(DEPARTMENTS):
        for j in range(2):
            p.add(f"req{i}_{j}", department, [(Role.REQUESTER, "")])
    return p


# --- records and evaluations -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One validated, normalised record and its evaluation, ready to be stored."""

    record: dict[str, Any]
    record_hash: str
    department: str
    title: str
    contract: bool
    tier: int
    tcv: float
    disposition: str
    required: list[str]
    findings: list[dict[str, Any]]
    findings_hash: str
    standards_version: str
    rules_version: str
    as_of: dt.date
    worst: dict[str, int]  # review domain -> severity rank, as refresh computes it


def make_entry(raw: dict[str, Any], ev: Evaluator, as_of: dt.date, *, small: bool) -> Entry:
    record = normalised(validate_for_submit(raw))
    result: Result = ev.evaluate(Submission.model_validate(record), as_of)
    findings = [f.to_dict() for f in result.findings]
    if small:  # the worst finding of each domain (they come worst first): refresh ranks the same
        first: dict[str, dict[str, Any]] = {}
        for finding in findings:
            first.setdefault(finding["domain"], finding)
        findings = list(first.values())
    worst: dict[str, int] = {}
    for f in findings:
        domain = review_domain(f["domain"])
        worst[domain] = min(worst.get(domain, LEAST), RANK(f["severity"]))
    return Entry(
        record=record,
        record_hash=record_hash(record),
        department=record["proposal"]["department"],
        title=record["proposal"]["title"],
        contract=record.get("contract") is not None,
        tier=result.tier,
        tcv=result.tcv,
        disposition=result.disposition,
        required=list(result.required_signoffs),
        findings=findings,
        findings_hash=all_findings_hash(findings),
        standards_version=result.standards_version,
        rules_version=result.rules_version,
        as_of=as_of,
        worst=worst,
    )


# --- rows as the services would have written them ----------------------------------------------


@dataclass
class Rows:
    proposals: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    signoffs: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> list[tuple[Any, list[dict[str, Any]]]]:
        return [
            (Proposal.__table__, self.proposals),
            (RecordVersion.__table__, self.versions),
            (StoredEvaluation.__table__, self.evaluations),
            (ReviewTask.__table__, self.tasks),
            (SignOff.__table__, self.signoffs),
        ]


def _days(value: float) -> dt.timedelta:
    return dt.timedelta(days=value)


def timeline(state: State, rng: random.Random) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(created, first submission = task opened_at, latest stage submission)."""
    contract = state in CONTRACT_STAGE
    if state in IN_FLIGHT or state is S.DRAFT:
        latest = NOW - _days(min(700.0, rng.expovariate(1 / (20 if contract else 40))) + 0.01)
        opened = latest - _days(rng.uniform(30, 180)) if contract else latest
    else:
        opened = NOW - _days(rng.uniform(30, 730))
        latest = min(opened + _days(rng.uniform(20, 120)), NOW - _days(1)) if contract else opened
    created = opened - _days(rng.uniform(1, 30))
    return created, opened, latest


def add_proposal(
    rows: Rows,
    pid: int,
    state: State,
    entry: Entry,
    requester: int,
    reviewers: dict[str, int],
    rng: random.Random,
    *,
    with_signoffs: bool,
) -> None:
    """One proposal with one record version, its evaluation, tasks (and sign-offs)."""
    created, opened, latest = timeline(state, rng)
    stage = "contract" if state in CONTRACT_STAGE else "proposal"
    draft = state is S.DRAFT
    updated = min(latest + _days(rng.uniform(0, 20)), NOW)
    rows.proposals.append(
        {
            "id": pid,
            "title": entry.title,
            "department": entry.department,
            "requester_id": requester,
            "state": state.value,
            "stage": stage,
            "current_version": 1,
            "tier": None if draft else entry.tier,
            "disposition": None if draft else entry.disposition,
            "created_at": created,
            "submitted_at": None if draft else latest,
            "updated_at": created if draft else updated,
            "decided_at": updated if state in DECIDED else None,
            "row_version": 1 if draft else rng.randint(3, 12),
        }
    )
    rows.versions.append(
        {
            "id": pid,
            "proposal_id": pid,
            "number": 1,
            "record": entry.record,
            "record_hash": entry.record_hash,
            "stage": stage,
            "submitted": not draft,
            "note": None,
            "created_by": requester,
            "created_at": created if draft else latest,
        }
    )
    if draft:  # never submitted: never evaluated, no tasks
        return
    rows.evaluations.append(
        {
            "id": pid,
            "proposal_id": pid,
            "version_number": 1,
            "trigger": "submit_contract" if stage == "contract" else "submit",
            "as_of": entry.as_of,
            "standards_version": entry.standards_version,
            "rules_version": entry.rules_version,
            "engine_version": ENGINE_VERSION,
            "tier": entry.tier,
            "tcv": entry.tcv,
            "disposition": entry.disposition,
            "required_signoffs": entry.required,
            "findings": entry.findings,
            "findings_hash": entry.findings_hash,
            "created_at": latest,
        }
    )
    required = entry.required
    if state in ALL_SIGNED:
        signed = set(required)
    elif state in NONE_SIGNED or state in (S.REJECTED, S.CONTRACT_REJECTED, S.WITHDRAWN):
        signed = set()
    else:  # under review: some domains signed, at least one still open
        signed = {d for d in required if rng.random() < 0.4}
        if required and signed >= set(required):
            signed.discard(rng.choice(required))
    in_queue = state in QUEUE_STATES
    for domain in required:
        status = "closed" if not in_queue else "signed" if domain in signed else "open"
        rows.tasks.append(
            {
                "proposal_id": pid,
                "domain": domain,
                "status": status,
                "severity_rank": entry.worst.get(domain, LEAST),
                "opened_at": opened,
            }
        )
        if with_signoffs and domain in signed:
            rows.signoffs.append(
                {
                    "proposal_id": pid,
                    "stage": stage,
                    "domain": domain,
                    "reviewer_id": reviewers[domain],
                    "version_number": 1,
                    "record_hash": entry.record_hash,
                    "findings_hash": domain_hash(entry.findings, domain),
                    "note": None,
                    "created_at": min(latest + _days(rng.uniform(0, 10)), NOW),
                    "invalidated_at": None,
                    "invalidated_reason": None,
                }
            )


# --- databases ---------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str  # "SQLite" | "PostgreSQL"
    open: Callable[[str], Database]  # label -> a fresh, migrated database
    close: Callable[[Database], None]


def sqlite_backend(directory: Path) -> Backend:
    def open_(label: str) -> Database:
        db = Database.connect(f"sqlite:///{directory / f'{label}.db'}")
        db.upgrade()
        return db

    def close(db: Database) -> None:
        path = db.engine.url.database
        db.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return Backend("SQLite", open_, close)


def pg_reachable(url: str) -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 5})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means "skip PostgreSQL", reported as such
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def pg_backend(url: str) -> Backend:
    schemas: dict[int, str] = {}

    def admin(statement: str) -> None:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def open_(label: str) -> Database:
        schema = f"bench_wf_{label}_{uuid.uuid4().hex[:8]}"
        admin(f'CREATE SCHEMA "{schema}"')
        engine = create_engine(url, pool_size=10, max_overflow=10)

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f'SET search_path TO "{schema}"')
            cursor.close()
            dbapi_connection.commit()

        db = Database(engine)
        schemas[id(db)] = schema
        db.upgrade()
        return db

    def close(db: Database) -> None:
        db.engine.dispose()
        schema = schemas.pop(id(db))
        admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return Backend("PostgreSQL", open_, close)


@contextmanager
def opened(backend: Backend, label: str) -> Iterator[Database]:
    db = backend.open(label)
    try:
        yield db
    finally:
        backend.close(db)


def insert_rows(db: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    with db.engine.begin() as connection:
        for start in range(0, len(rows), 1_000):
            connection.execute(insert(table), rows[start : start + 1_000])


def load(db: Database, who: People, chunks: Iterator[Rows]) -> None:
    insert_rows(db, User.__table__, who.rows)
    insert_rows(db, RoleGrant.__table__, who.grants)
    for rows in chunks:
        for table, data in rows.tables():
            insert_rows(db, table, data)
    if not db.is_sqlite:  # explicit ids: move the sequences past them
        with db.engine.begin() as connection:
            for table in (
                "users",
                "role_grants",
                "proposals",
                "record_versions",
                "evaluations",
                "review_tasks",
                "signoffs",
            ):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
                )


def analyze(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def services_for(db: Database, ev: Evaluator | None = None) -> Services:
    if ev is None:
        return Services(db, clock=lambda: NOW, hasher=CHEAP_HASHER)
    timed = ev
    return Services(db, evaluator_factory=lambda: timed, clock=lambda: NOW, hasher=CHEAP_HASHER)


# --- (a) the reviewer queue --------------------------------------------------------------------


def queue_chunks(n: int, who: People, seed: int, ev: Evaluator) -> Iterator[Rows]:
    rng = random.Random(seed)
    pool = [make_entry(random_submission(rng), ev, AS_OF, small=True) for _ in range(POOL)]
    with_contract = [e for e in pool if e.contract]
    without = [e for e in pool if not e.contract]
    states, weights = list(STATE_MIX), list(STATE_MIX.values())
    reviewers = {d: who.ids[u] for d, u in REVIEWERS.items()}
    fallback = [uid for ids in who.requesters.values() for uid in ids]
    for start in range(0, n, CHUNK):
        rows = Rows()
        for pid in range(start + 1, min(n, start + CHUNK) + 1):
            state = rng.choices(states, weights)[0]
            entry = rng.choice(with_contract if state in CONTRACT_STAGE else without)
            requester = rng.choice(who.requesters.get(entry.department) or fallback)
            add_proposal(rows, pid, state, entry, requester, reviewers, rng, with_signoffs=False)
        yield rows


@dataclass
class Captured:
    statement: str = ""
    parameters: Any = None


@contextmanager
def capture_queue_sql(engine: Engine) -> Iterator[Captured]:
    """The exact SQL and parameters the queue call sent (for EXPLAIN)."""
    captured = Captured()

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM review_tasks JOIN proposals" in statement:
            captured.statement, captured.parameters = statement, parameters

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", before)


def explain(db: Database, captured: Captured) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    with db.engine.connect() as connection:
        result = connection.exec_driver_sql(prefix + captured.statement, captured.parameters)
        if db.is_sqlite:
            return [f"{row[0]:>3} {row[1]:>3}  {row[3]}" for row in result]
        return [row[0] for row in result]


@dataclass
class QueueResult:
    median_ms: float
    p95_ms: float
    rows: int
    plan: list[str]

    @property
    def uses_index(self) -> bool:
        return any(QUEUE_INDEX in line for line in self.plan)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def time_queue(services: Services, sort: str, runs: int) -> QueueResult:
    def call() -> int:
        items = reviewer_queue(
            services,
            "sam",
            domains=["security"],
            sort="age" if sort == "age" else "severity",
            limit=25,
        )
        return len(items)

    for _ in range(5):  # warm-up: connection pool, statement caches, page cache
        call()
    times: list[float] = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        count = call()
        times.append((time.perf_counter() - start) * 1000)
    with capture_queue_sql(services.db.engine) as captured:
        call()
    return QueueResult(
        statistics.median(times), percentile(times, 95), count, explain(services.db, captured)
    )


def queue_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            "proposals": connection.execute(text("SELECT count(*) FROM proposals")).scalar_one(),
            "review_tasks": connection.execute(
                text("SELECT count(*) FROM review_tasks")
            ).scalar_one(),
            "open security tasks": connection.execute(
                text(
                    "SELECT count(*) FROM review_tasks WHERE domain = 'security' "
                    "AND status = 'open'"
                )
            ).scalar_one(),
        }


def bench_queue(backend: Backend, n: int, seed: int, runs: int, ev: Evaluator, out: Report) -> None:
    with opened(backend, "queue") as db:
        start = time.perf_counter()
        load(db, people(), queue_chunks(n, people(), seed, ev))
        out.note(f"{backend.name}: loaded {n} proposals in {time.perf_counter() - start:.1f} s")
        services = services_for(db)
        # "as loaded": SQLite has no statistics (the application never runs ANALYZE);
        # PostgreSQL has whatever autovacuum gathered meanwhile.
        for suffix, run_analyze in ((" (as loaded)", False), (" (after ANALYZE)", True)):
            if run_analyze:
                analyze(db)
            for sort in ("age", "severity"):
                result = time_queue(services, sort, runs)
                label = f"queue sort={sort}{suffix}"
                out.put(f"{label}: median ms", backend.name, result.median_ms, TARGETS["queue_ms"])
                out.put(f"{label}: p95 ms", backend.name, result.p95_ms, TARGETS["queue_ms"])
                out.put(f"{label}: uses {QUEUE_INDEX}", backend.name, result.uses_index, None)
                out.plans.append(
                    (f"{backend.name}, {label} ({result.rows} rows returned)", result.plan)
                )
            result = time_waiver_queue(services, runs)
            label = f"waiver-authority queue{suffix}"
            out.put(f"{label}: median ms", backend.name, result.median_ms, TARGETS["queue_ms"])
            out.put(f"{label}: p95 ms", backend.name, result.p95_ms, TARGETS["queue_ms"])
        out.note(f"{backend.name}: " + ", ".join(f"{k} {v}" for k, v in queue_counts(db).items()))


def time_waiver_queue(services: Services, runs: int) -> QueueResult:
    """The waiver authority's first page (issue 16: within 1.2x at 100k of its time at 10k)."""

    def call() -> int:
        return len(waiver_queue(services, "iso", limit=25))

    for _ in range(3):
        call()
    times: list[float] = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        count = call()
        times.append((time.perf_counter() - start) * 1000)
    return QueueResult(statistics.median(times), percentile(times, 95), count, [])


# --- (b) re-evaluation -------------------------------------------------------------------------

REEVALUATED_MIX: dict[State, float] = {
    S.SUBMITTED: 10.0,
    S.IN_REVIEW: 25.0,
    S.CHANGES_REQUESTED: 10.0,
    S.READY: 6.0,
    S.APPROVED: 30.0,
    S.APPROVED_WITH_CONDITIONS: 19.0,
}
REEVALUATED_CONTRACT_MIX: dict[State, float] = {
    S.CONTRACT_SUBMITTED: 10.0,
    S.CONTRACT_REVIEW: 25.0,
    S.CONTRACT_CHANGES_REQUESTED: 8.0,
    S.CONTRACT_READY: 7.0,
    S.CONTRACT_APPROVED: 50.0,
}


WORKLOADS = {"realistic": realistic_submission, "adversarial": random_submission}
WORKLOAD = "realistic"  # set from --workload


def reevaluation_rows(n: int, who: People, seed: int, ev: Evaluator) -> Rows:
    rng = random.Random(seed)
    make = WORKLOADS[WORKLOAD]
    reviewers = {d: who.ids[u] for d, u in REVIEWERS.items()}
    fallback = [uid for ids in who.requesters.values() for uid in ids]
    rows = Rows()
    for pid in range(1, n + 1):
        entry = make_entry(make(rng), ev, INITIAL_AS_OF, small=False)
        mix = REEVALUATED_CONTRACT_MIX if entry.contract else REEVALUATED_MIX
        state = rng.choices(list(mix), list(mix.values()))[0]
        requester = rng.choice(who.requesters.get(entry.department) or fallback)
        add_proposal(rows, pid, state, entry, requester, reviewers, rng, with_signoffs=True)
    return rows


@dataclass(frozen=True)
class TimedEvaluator(Evaluator):
    """The process's evaluator, with the time spent in evaluate() added up."""

    spent: list[float] = field(default_factory=lambda: [0.0])

    def evaluate(
        self, submission: Submission, as_of: dt.date | None = None, derived: Any = None
    ) -> Result:
        start = time.perf_counter()
        try:
            return super().evaluate(submission, as_of, derived)
        finally:
            self.spent[0] += time.perf_counter() - start


STEPS = (
    "latest_evaluation",
    "version",
    "evaluate_version",
    "invalidate_signoffs",
    "valid_signoffs",
    "refresh",
    "all_findings_hash",
)


@contextmanager
def step_timer() -> Iterator[dict[str, list[float]]]:
    """Inclusive seconds and calls per service step (module attributes wrapped, then restored)."""
    totals: dict[str, list[float]] = {name: [0.0, 0.0] for name in (*STEPS, "audit")}
    originals: dict[str, Any] = {name: getattr(evaluations, name) for name in STEPS}
    original_audit = Tx.audit

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[name][0] += time.perf_counter() - start
                totals[name][1] += 1

        return wrapper

    for name, function in originals.items():
        setattr(evaluations, name, timed(name, function))
    Tx.audit = timed("audit", original_audit)  # type: ignore[method-assign]
    try:
        yield totals
    finally:
        for name, function in originals.items():
            setattr(evaluations, name, function)
        Tx.audit = original_audit  # type: ignore[method-assign]


@contextmanager
def driver_timer(engine: Engine) -> Iterator[list[float]]:
    """[seconds in cursor.execute/executemany, statements]."""
    totals = [0.0, 0.0]

    def before(conn: Any, *_: Any) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def after(conn: Any, *_: Any) -> None:
        totals[0] += time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())
        totals[1] += 1

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield totals
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def evaluate_alone(db: Database, base: Evaluator) -> float:
    """Seconds to validate and evaluate, one after the other, the records re-evaluation just
    evaluated (each request's latest stored version), with no database work: the comparator
    of issue 16's "re-evaluating and storing costs at most 2.5x evaluating alone"."""
    with db.engine.connect() as connection:
        latest = (
            select(StoredEvaluation.proposal_id, func.max(StoredEvaluation.version_number))
            .group_by(StoredEvaluation.proposal_id)
            .subquery()
        )
        records = list(
            connection.scalars(
                select(RecordVersion.record).join(
                    latest,
                    (RecordVersion.proposal_id == latest.c.proposal_id)
                    & (RecordVersion.number == latest.c[1]),
                )
            )
        )
    start = time.perf_counter()
    for record in records:
        base.evaluate(Submission.model_validate(record), AS_OF)
    return time.perf_counter() - start


def bench_reevaluate(
    backend: Backend, rows: Rows, who: People, base: Evaluator, out: Report
) -> None:
    n = len(rows.proposals)
    with opened(backend, "reeval") as db:
        start = time.perf_counter()
        load(db, who, iter([rows]))
        analyze(db)
        out.note(
            f"{backend.name}: loaded {n} proposals for re-evaluation in "
            f"{time.perf_counter() - start:.1f} s"
        )
        timed = TimedEvaluator(base.book, base.matcher, base.check_facts)
        services = services_for(db, timed)
        with driver_timer(db.engine) as driver, step_timer() as steps:
            start = time.perf_counter()
            impacts = reevaluate_all(services, None)
            total = time.perf_counter() - start
        assert len(impacts) == n, f"re-evaluated {len(impacts)} of {n}"
        alone = evaluate_alone(db, base)
        engine_s, db_s = timed.spent[0], driver[0]
        name = backend.name
        out.put(f"re-evaluate {n}: total s", name, total, TARGETS["reevaluate_s"] * n / 10_000)
        out.put("  evaluating the same records alone s", name, alone, None)
        out.put("  re-evaluate / evaluate alone", name, total / alone, TARGETS["reevaluate_ratio"])
        out.put("  evaluator (rules engine) s", name, engine_s, None)
        out.put("  database driver s", name, db_s, None)
        out.put("  other (ORM, validation, audit) s", name, total - engine_s - db_s, None)
        out.put("  statements per proposal", name, driver[1] / n, None)
        out.put("  proposals with changed findings", name, sum(i.changed for i in impacts), None)
        out.put(
            "  sign-offs invalidated",
            name,
            sum(len(i.invalidated_signoffs) for i in impacts),
            None,
        )
        out.note(
            f"{name}: re-evaluation by service step, inclusive ms per proposal (nested: "
            "evaluate_version holds the evaluator and invalidate_signoffs): "
            + ", ".join(
                f"{step} {seconds / n * 1000:.2f} ({calls / n:.0f}x)"
                for step, (seconds, calls) in steps.items()
            )
            + f"; evaluator {engine_s / n * 1000:.2f}"
        )


# --- report ------------------------------------------------------------------------------------


@dataclass
class Report:
    backends: list[str]
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    targets: dict[str, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    plans: list[tuple[str, list[str]]] = field(default_factory=list)

    def put(self, metric: str, backend: str, value: Any, target: float | None) -> None:
        self.metrics.setdefault(metric, {})[backend] = value
        self.targets[metric] = target

    def note(self, line: str) -> None:
        self.notes.append(line)
        print(f"  .. {line}", flush=True)

    def render(self) -> str:
        width = max(len(m) for m in self.metrics) + 2 if self.metrics else 20
        head = f"{'metric':<{width}}" + "".join(f"{b:>12}" for b in self.backends)
        lines = [head + f"{'target':>10}  met?", "-" * (len(head) + 16)]
        for metric, values in self.metrics.items():
            target = self.targets.get(metric)
            cells = "".join(f"{_cell(values.get(b)):>12}" for b in self.backends)
            goal, met = "", ""
            if target is not None:
                goal = f"< {target:g}"
                missed = [b for b, v in values.items() if v >= target]
                met = "yes" if not missed else "NO (" + ", ".join(missed) + ")"
            lines.append(f"{metric:<{width}}{cells}{goal:>10}  {met}")
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    return str(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--proposals", type=int, default=100_000, help="stored for the queue")
    parser.add_argument("--reevaluate", type=int, default=10_000, help="proposals re-evaluated")
    parser.add_argument("--runs", type=int, default=50, help="timed queue calls per case")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--skip-pg", action="store_true", help="SQLite only")
    parser.add_argument(
        "--workload",
        choices=sorted(WORKLOADS),
        default="realistic",
        help="records re-evaluated: realistic (complete example records with a few answers "
        "changed) or adversarial (every answer random, about 30 findings each)",
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    global WORKLOAD
    WORKLOAD = args.workload
    print(f"re-evaluation workload: {WORKLOAD}")

    load_before = os.getloadavg()
    print(f"cpus: {os.cpu_count()}, load average at start: {load_before[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-workflow-") as tmp:
        backends = [sqlite_backend(Path(tmp))]
        if not args.skip_pg:
            why = pg_reachable(args.pg_url)
            if why is None:
                backends.append(pg_backend(args.pg_url))
            else:
                print(f"PostgreSQL at {make_url(args.pg_url)!r} not reachable ({why}); skipped")
        report = Report([b.name for b in backends] + (["PostgreSQL"] if len(backends) == 1 else []))
        base = evaluator()
        if args.proposals:
            for backend in backends:
                bench_queue(backend, args.proposals, args.seed, args.runs, base, report)
        if args.reevaluate:
            start = time.perf_counter()
            who = people()
            rows = reevaluation_rows(args.reevaluate, who, args.seed + 1, base)
            report.note(
                f"generated, validated and initially evaluated {args.reevaluate} records in "
                f"{time.perf_counter() - start:.1f} s (not counted)"
            )
            for backend in backends:
                bench_reevaluate(backend, rows, who, base, report)
    load_after = os.getloadavg()
    print()
    print(report.render())
    print()
    for title, plan in report.plans:
        print(f"plan: {title}")
        print("\n".join(f"    {line}" for line in plan))
    print()
    for line in report.notes:
        print(line)
    print(
        f"load average (1 min) at start {load_before[0]:.2f}, at end {load_after[0]:.2f} "
        f"on {os.cpu_count()} cpus (other processes share them)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
