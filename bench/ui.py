"""Benchmark the review workspace's pages as Streamlit runs them (AppTest, no browser).

    python bench/ui.py [--proposals 10000] [--runs 7] [--changes 12] [--waiver-runs 2]
                       [--seed 7]

(a) The reviewer queue page for a security reviewer (sam) over --proposals stored proposals:
    a fresh SQLite database with the demo users and requests (review.services.demo, cheap
    password hashes), then --proposals proposals inserted with SQLAlchemy core, each with one
    record version, one evaluation and its review tasks as ``evaluations.refresh`` leaves
    them (records: the example intake files, evaluated by the real engine; states: mostly
    waiting for review). The time is the page's script run (``at.run()`` of app.py and the
    queue page, the rerun a click causes), median of --runs runs after a first, warm-up run;
    the service call alone (``reviewer_queue``) is shown beside it, and the first opening
    of the page after sign-in (switch_page, not counted). The same page for a
    waiver authority (iso) is timed too (--waiver-runs), as it reads far more.
(b) The live findings preview of the New request page: one change of the intake form (a text
    input or a selectbox, alternately) and ``at.run()``, median over --changes changes after a
    warm-up change; and the evaluation part alone, as the page reports it ("Checked in N ms").

(c) A submit (``proposals.submit`` of a saved draft, as the form's Submit does) against the
    same database, median of --submits submits, beside the evaluation it triggers alone
    (``Evaluator.evaluate`` of the same record) and the database write alone (the very rows
    that submit wrote, inserted again for another draft with SQLAlchemy core in one
    transaction: record version, evaluation, review tasks, audit events, the proposal's row).

(d) ``--vendor N``: only the Vendor answers page (issue 14) at N stored requests: one change
    of the vendor's form (the incident window, alternately 24 and 48 hours) and ``at.run()``,
    signed out with a link's token, median over --changes changes after a warm-up change; beside
    it, in the same process, the evaluation alone (``Evaluator.evaluate`` of the record with the
    vendor's answer) and the page's own render time (the same change with
    ``vendor_answers.live`` answering from memory: no link check, no record read, no
    evaluation).

Targets: queue page under 1 s; a form change under 200 ms; a submit at most 3x the evaluation
plus the write alone; a vendor form change at most 2x the evaluation plus the page's render.
The database lives in a temporary directory removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from review.core import policy  # noqa: E402
from review.core.evaluate import Evaluator, evaluator  # noqa: E402
from review.core.records import Submission  # noqa: E402
from review.core.safeyaml import load_file  # noqa: E402
from review.services import (  # noqa: E402
    demo,
    proposals,
)
from review.services.context import Services  # noqa: E402
from review.services.evaluations import (  # noqa: E402
    ENGINE_VERSION,
    all_findings_hash,
)
from review.services.lifecycle import QUEUE_STATES, State  # noqa: E402
from review.services.queue import reviewer_queue  # noqa: E402
from review.services.record_versions import normalised, record_hash, validate_for_submit  # noqa: E402
from review.services.roles import review_domain  # noqa: E402
from review.store.database import Database  # noqa: E402
from review.store.models import (  # noqa: E402
    Proposal,
    RecordVersion,
    ReviewTask,
    StoredEvaluation,
    User,
)

LEAST = policy.current().least_rank  # a domain with no findings ranks least severe
RANK = policy.current().rank

# AppTest's session state, set between runs, warns "missing ScriptRunContext": expected here
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True

APP = str(ROOT / "app.py")
QUEUE_PAGE = "review/ui/pages/queue.py"
REQUEST_PAGE = "review/ui/pages/request.py"
SCALE_TARGET = 1.2  # issue 10: the request page and the queue at 100,000 vs 1,000 requests
NEW_PAGE = "review/ui/pages/new_request.py"
REVIEWER = "sam"  # security
WAIVER_AUTHORITY = "iso"  # security findings
REQUESTER = "dana"  # Library
PASSWORD = "bench-password-1"
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
QUEUE_TARGET_MS = 1000.0
CHANGE_TARGET_MS = 200.0
CHUNK = 2_000
S = State
# Mostly waiting for review, as a busy queue would be; the rest decided, drafts or withdrawn.
STATE_MIX: dict[State, float] = {
    S.SUBMITTED: 0.25,
    S.IN_REVIEW: 0.30,
    S.READY: 0.05,
    S.CHANGES_REQUESTED: 0.08,
    S.APPROVED: 0.12,
    S.APPROVED_WITH_CONDITIONS: 0.08,
    S.REJECTED: 0.04,
    S.DRAFT: 0.05,
    S.WITHDRAWN: 0.03,
}


# --- the stored proposals ----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One example record, validated and normalised, and its evaluation."""

    record: dict[str, Any]
    record_hash: str
    department: str
    title: str
    result: dict[str, Any]  # the evaluations row's columns taken from the engine's result
    worst: dict[str, int]  # review domain -> severity rank, as refresh computes it


def example_entries(ev: Evaluator, as_of: dt.date) -> list[Entry]:
    entries = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        raw = load_file(path)
        if not isinstance(raw, dict) or "proposal" not in raw:
            continue
        record = normalised(validate_for_submit({"proposal": raw["proposal"]}))
        result = ev.evaluate(Submission.model_validate(record), as_of)
        findings = [f.to_dict() for f in result.findings]
        worst: dict[str, int] = {}
        for finding in findings:
            domain = review_domain(finding["domain"])
            worst[domain] = min(worst.get(domain, LEAST), RANK(finding["severity"]))
        entries.append(
            Entry(
                record=record,
                record_hash=record_hash(record),
                department=record["proposal"]["department"],
                title=record["proposal"]["title"],
                result={
                    "standards_version": result.standards_version,
                    "rules_version": result.rules_version,
                    "engine_version": ENGINE_VERSION,
                    "tier": result.tier,
                    "tcv": result.tcv,
                    "disposition": result.disposition,
                    "required_signoffs": list(result.required_signoffs),
                    "findings": findings,
                    "findings_hash": all_findings_hash(findings),
                },
                worst=worst,
            )
        )
    if not entries:
        raise SystemExit("no example intake files under examples/")
    return entries


def insert_proposals(db: Database, n: int, seed: int, ev: Evaluator) -> dict[str, int]:
    """``n`` proposals after the demo ones; returns how many rows each table got."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    entries = example_entries(ev, now.date())
    states, weights = list(STATE_MIX), list(STATE_MIX.values())
    with db.engine.begin() as connection:
        users = {
            row.username: (row.id, row.department)
            for row in connection.execute(select(User.username, User.id, User.department))
        }
        first = (connection.scalar(select(func.max(Proposal.id))) or 0) + 1
        next_version = (connection.scalar(select(func.max(RecordVersion.id))) or 0) + 1
        next_evaluation = (connection.scalar(select(func.max(StoredEvaluation.id))) or 0) + 1
    requesters = {dept: users[name][0] for dept, name in demo.REQUESTERS.items() if name in users}
    fallback = users[REQUESTER][0]
    counts = {"proposals": 0, "record_versions": 0, "evaluations": 0, "review_tasks": 0}
    for start in range(first, first + n, CHUNK):
        proposals: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        evaluations: list[dict[str, Any]] = []
        tasks: list[dict[str, Any]] = []
        for pid in range(start, min(first + n, start + CHUNK)):
            state = rng.choices(states, weights)[0]
            entry = rng.choice(entries)
            draft = state is S.DRAFT
            submitted = now - dt.timedelta(days=rng.uniform(0.1, 700))
            created = submitted - dt.timedelta(days=rng.uniform(1, 30))
            requester = requesters.get(entry.department, fallback)
            proposals.append(
                {
                    "id": pid,
                    "title": f"{entry.title} #{pid}",
                    "department": entry.department,
                    "requester_id": requester,
                    "state": state.value,
                    "stage": "proposal",
                    "current_version": 1,
                    "tier": None if draft else entry.result["tier"],
                    "disposition": None if draft else entry.result["disposition"],
                    "created_at": created,
                    "submitted_at": None if draft else submitted,
                    "updated_at": created if draft else submitted,
                    "decided_at": submitted if state in (S.APPROVED, S.REJECTED) else None,
                    "row_version": 1 if draft else rng.randint(3, 9),
                }
            )
            versions.append(
                {
                    "id": next_version,
                    "proposal_id": pid,
                    "number": 1,
                    "record": entry.record,
                    "record_hash": entry.record_hash,
                    "stage": "proposal",
                    "submitted": not draft,
                    "note": None,
                    "created_by": requester,
                    "created_at": created if draft else submitted,
                }
            )
            next_version += 1
            if draft:
                continue
            evaluations.append(
                {
                    "id": next_evaluation,
                    "proposal_id": pid,
                    "version_number": 1,
                    "trigger": "submit",
                    "as_of": submitted.date(),
                    "created_at": submitted,
                    **entry.result,
                }
            )
            next_evaluation += 1
            in_queue = state in QUEUE_STATES
            signed_all = state is S.READY
            for domain in entry.result["required_signoffs"]:
                signed = signed_all or (state is S.IN_REVIEW and rng.random() < 0.3)
                tasks.append(
                    {
                        "proposal_id": pid,
                        "domain": domain,
                        "status": "closed" if not in_queue else "signed" if signed else "open",
                        "severity_rank": entry.worst.get(domain, LEAST),
                        "opened_at": submitted,
                    }
                )
        with db.engine.begin() as connection:
            batches: list[tuple[Any, list[dict[str, Any]]]] = [
                (Proposal, proposals),
                (RecordVersion, versions),
                (StoredEvaluation, evaluations),
                (ReviewTask, tasks),
            ]
            for model, rows in batches:
                if rows:
                    connection.execute(insert(model), rows)
                    counts[model.__tablename__] += len(rows)
    return counts


# --- timing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    label: str
    values_ms: list[float]
    target_ms: float | None

    @property
    def median(self) -> float:
        return statistics.median(self.values_ms)

    @property
    def worst(self) -> float:
        return max(self.values_ms)

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "ok" if self.median < self.target_ms else "OVER"


def ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return 1000 * (time.perf_counter() - started)


def checked(at: AppTest) -> AppTest:
    if at.exception:
        raise SystemExit(f"the page raised: {[e.value for e in at.exception]}")
    return at


def signed_in(at: AppTest, user: str) -> AppTest:
    """A real session for ``user`` (the app checks the session table on every run)."""
    from review.services import sessions
    from review.ui import runtime

    db = Database.connect()
    started = sessions.start(Services(db, hasher=FAST), user)
    db.engine.dispose()
    at.session_state[runtime.SESSION_ID] = started.session_id
    at.session_state[runtime.SESSION_USER] = user
    return at


def open_app(user: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    signed_in(at, user)
    checked(at.run())
    at.switch_page(page)
    return checked(at.run())


def bench_queue(svc: Services, runs: int) -> list[Timing]:
    at = AppTest.from_file(APP, default_timeout=120)
    signed_in(at, REVIEWER)
    checked(at.run())  # the dashboard, as after signing in
    at.switch_page(QUEUE_PAGE)
    first = ms(lambda: checked(at.run()))
    shown = "".join(str(getattr(h, "value", "")) for h in at.get("html"))
    rows = re.findall(r'id="open-P-\d+-', shown)
    if not rows:
        raise SystemExit("the queue page shows no items")
    caption = next((c.value for c in at.caption if c.value.startswith("Items ")), "?")
    print(f"queue page for {REVIEWER}: {len(rows)} rows shown ({caption})")
    page_runs = [ms(lambda: checked(at.run())) for _ in range(runs)]
    at.radio(key="queue-sort").set_value("severity")
    checked(at.run())
    severity = [ms(lambda: checked(at.run())) for _ in range(runs)]

    def query(sort: Literal["age", "severity"]) -> Callable[[], object]:
        return lambda: reviewer_queue(svc, REVIEWER, domains=["security"], sort=sort, limit=26)

    query("age")()
    return [
        Timing(f"queue page ({REVIEWER}), first open (not counted)", [first], None),
        Timing(f"queue page ({REVIEWER}), oldest first", page_runs, QUEUE_TARGET_MS),
        Timing("  of which reviewer_queue() alone", [ms(query("age")) for _ in range(runs)], None),
        Timing(f"queue page ({REVIEWER}), most severe first", severity, QUEUE_TARGET_MS),
        Timing(
            "  of which reviewer_queue() alone", [ms(query("severity")) for _ in range(runs)], None
        ),
    ]


def bench_waiver_queue(runs: int) -> list[Timing]:
    """The same page for a waiver authority: its second section reads every request under
    review in full (``proposals.get`` for each), so it grows with the whole queue."""
    at = open_app(WAIVER_AUTHORITY, QUEUE_PAGE)
    caption = next((c.value for c in at.caption if "pair(s) in all" in c.value), "?")
    print(f"queue page for {WAIVER_AUTHORITY}: {caption}")
    values = [ms(lambda: checked(at.run())) for _ in range(runs)]
    return [Timing(f"queue page ({WAIVER_AUTHORITY}, waiver authority)", values, QUEUE_TARGET_MS)]


CHECKED = re.compile(r"^Checked in (\d+) ms")


def preview_ms(at: AppTest) -> float:
    for caption in at.caption:
        found = CHECKED.match(caption.value)
        if found:
            return float(found.group(1))
    warnings = [w.value for w in at.warning]
    raise SystemExit(f"no 'Checked in N ms' caption on the New request page; warnings: {warnings}")


def bench_intake(changes: int) -> list[Timing]:
    at = open_app(REQUESTER, NEW_PAGE)
    title = at.text_input(key="f-proposal-title")
    title.input("Digital signage for branch libraries")
    checked(at.run())
    acquisition = at.selectbox(key="f-proposal-acquisition_type")
    options = [o for o in acquisition.options if o != "— not answered —"]
    trips: list[float] = []
    evaluations: list[float] = []
    for index in range(changes + 1):
        if index % 2:
            widget: Any = at.selectbox(key="f-proposal-acquisition_type")
            widget.select(options[index % len(options)].replace(" ", "_"))
        else:
            at.text_input(key="f-proposal-title").input(f"Digital signage, revision {index}")
        trip = ms(lambda: checked(at.run()))
        if index:  # the first change warms up
            trips.append(trip)
            evaluations.append(preview_ms(at))
    return [
        Timing("New request: one change + at.run()", trips, CHANGE_TARGET_MS),
        Timing("  of which evaluation ('Checked in N ms')", evaluations, CHANGE_TARGET_MS),
    ]


SUBMIT_RATIO_TARGET = 3.0


def _submit_record(index: int) -> dict[str, Any]:
    """The Library example as the form sends it (not normalised), under a fresh title."""
    record: dict[str, Any] = load_file(ROOT / "examples" / "library-room-booking.yaml")
    record = {"proposal": record["proposal"]}
    record["proposal"]["title"] = f"Benchmark submit {index}"
    return record


def _rows_of(db: Database, proposal_id: int) -> dict[str, Any]:
    """What a submit wrote for one proposal, as plain column values (to write again)."""
    from review.store.models import AuditEvent

    def plain(model: Any, where: Any) -> list[dict[str, Any]]:
        with db.engine.connect() as connection:
            rows = connection.execute(select(model.__table__).where(where)).mappings().all()
        return [{k: v for k, v in row.items() if k != "id"} for row in rows]

    versions = plain(RecordVersion, RecordVersion.proposal_id == proposal_id)
    return {
        "versions": [v for v in versions if v["submitted"]],
        "evaluations": plain(StoredEvaluation, StoredEvaluation.proposal_id == proposal_id),
        "tasks": plain(ReviewTask, ReviewTask.proposal_id == proposal_id),
        "events": plain(AuditEvent, AuditEvent.entity_id == str(proposal_id)),
        "proposal": plain(Proposal, Proposal.id == proposal_id)[0],
    }


def _write_alone(db: Database, target: int, rows: dict[str, Any]) -> tuple[float, float]:
    """Insert the rows a submit wrote, for another draft, in one transaction; milliseconds of
    the clock and of this process's CPU."""
    from sqlalchemy import update

    from review.store.models import AuditEvent

    with db.engine.connect() as connection:
        seq = connection.scalar(select(func.max(AuditEvent.seq))) or 0
    events = [
        {**e, "entity_id": str(target), "seq": seq + n + 1} for n, e in enumerate(rows["events"])
    ]
    changes = {k: rows["proposal"][k] for k in ("state", "tier", "disposition", "submitted_at")}
    started, cpu = time.perf_counter(), time.process_time()
    with db.engine.begin() as connection:
        for model, batch in (
            (RecordVersion, [{**v, "proposal_id": target, "number": 2} for v in rows["versions"]]),
            (StoredEvaluation, [{**e, "proposal_id": target} for e in rows["evaluations"]]),
            (ReviewTask, [{**t, "proposal_id": target} for t in rows["tasks"]]),
            (AuditEvent, events),
        ):
            if batch:
                connection.execute(insert(model), batch)
        connection.execute(
            update(Proposal)
            .where(Proposal.id == target)
            .values(**changes, current_version=2, row_version=Proposal.row_version + 1)
        )
    return 1000 * (time.perf_counter() - started), 1000 * (time.process_time() - cpu)


def bench_submit(db: Database, svc: Services, submits: int) -> tuple[list[Timing], float, float]:
    """A submit beside the evaluation it triggers and the database write, each measured alone.

    The same ratio in CPU time is printed beside it: on a shared machine a submit (about ten
    times longer than the evaluation) is preempted far more often than the two short
    comparators, so the clock's ratio grows with the load while the CPU time's does not."""

    evaluate = svc.evaluator.evaluate
    submission = Submission.model_validate(normalised(validate_for_submit(_submit_record(0))))
    clock: dict[str, list[float]] = {"submit": [], "evaluation": [], "write": []}
    cpu: dict[str, list[float]] = {"submit": [], "evaluation": [], "write": []}
    for index in range(submits + 1):
        draft = proposals.create_draft(svc, REQUESTER, _submit_record(index)).proposal
        spare = proposals.create_draft(svc, REQUESTER, _submit_record(index)).proposal
        started, cpu_started = time.perf_counter(), time.process_time()
        proposals.submit(svc, REQUESTER, draft.id)
        total = 1000 * (time.perf_counter() - started)
        total_cpu = 1000 * (time.process_time() - cpu_started)
        started, cpu_started = time.perf_counter(), time.process_time()
        evaluate(submission, svc.today())
        alone = 1000 * (time.perf_counter() - started)
        alone_cpu = 1000 * (time.process_time() - cpu_started)
        write, write_cpu = _write_alone(db, spare.id, _rows_of(db, draft.id))
        if index:  # the first submit warms up
            for into, values in (
                (clock, (total, alone, write)),
                (cpu, (total_cpu, alone_cpu, write_cpu)),
            ):
                for name, value in zip(into, values, strict=True):
                    into[name].append(value)
    timings = [
        Timing("submit (proposals.submit)", clock["submit"], None),
        Timing("  the evaluation it triggers, alone", clock["evaluation"], None),
        Timing("  the database write, alone", clock["write"], None),
        Timing("submit, CPU time", cpu["submit"], None),
        Timing("  the evaluation, CPU time", cpu["evaluation"], None),
        Timing("  the database write, CPU time", cpu["write"], None),
    ]
    return timings, _ratio(clock), _ratio(cpu)


def _ratio(times: dict[str, list[float]]) -> float:
    """submit / (evaluation alone + write alone), medians."""
    median = {name: statistics.median(values) for name, values in times.items()}
    return median["submit"] / (median["evaluation"] + median["write"])


def table(timings: list[Timing]) -> str:
    lines = [
        f"{'measurement':<44} {'median ms':>10} {'max ms':>8} {'n':>3} {'target ms':>10}  ",
        "-" * 84,
    ]
    for t in timings:
        target = "" if t.target_ms is None else f"< {t.target_ms:.0f}"
        lines.append(
            f"{t.label:<44} {t.median:>10.1f} {t.worst:>8.1f} {len(t.values_ms):>3} "
            f"{target:>10}  {t.verdict}"
        )
    return "\n".join(lines)


def page_runs(user: str, page: str, runs: int, **query: str) -> list[float]:
    """Median-able times of ``page``'s script run for ``user``, after a warm-up run."""
    at = AppTest.from_file(APP, default_timeout=300)
    signed_in(at, user)
    for key, value in query.items():
        at.query_params[key] = value
    checked(at.run())
    at.switch_page(page)
    checked(at.run())
    return [ms(lambda: checked(at.run())) for _ in range(runs)]


def snapshot(directory: Path, into: Path) -> None:
    """A consistent copy of the data directory (SQLite's backup API for the database, whose
    write-ahead log a file copy could tear)."""
    shutil.copytree(directory, into, ignore=shutil.ignore_patterns("review.db*", "at-*"))
    with (
        contextlib.closing(sqlite3.connect(directory / "review.db")) as source,
        contextlib.closing(sqlite3.connect(into / "review.db")) as target,
    ):
        source.backup(target)


def bench_scaling(
    db: Database, directory: Path, sizes: list[int], runs: int, rounds: int, seed: int
) -> bool:
    """The request page (a reviewer on a demo request with findings, waivers and sign-offs)
    and the queue, at each number of stored requests.

    The store is grown in one database and copied at each size; the sizes are then timed in
    alternating rounds, so a change in the machine's load falls on every size alike rather
    than on whichever size happened to be timed during it."""
    ev = evaluator()
    stored = 0
    copies: dict[int, Path] = {}
    for size in sizes:
        started = time.perf_counter()
        insert_proposals(db, size - stored, seed + size, ev)
        stored = size
        copies[size] = directory / f"at-{size}"
        snapshot(directory, copies[size])
        print(f"{size:>9,} requests (+{time.perf_counter() - started:.0f} s to insert)")
    db.engine.dispose()
    times: dict[int, tuple[list[float], list[float]]] = {size: ([], []) for size in sizes}
    for _round in range(rounds):
        for size in sizes:
            os.environ["REVIEW_DATA_DIR"] = str(copies[size])
            st.cache_resource.clear()
            times[size][0].extend(page_runs(REVIEWER, REQUEST_PAGE, runs, id="6"))
            times[size][1].extend(page_runs(REVIEWER, QUEUE_PAGE, runs))
    rows = [
        (size, statistics.median(times[size][0]), statistics.median(times[size][1]))
        for size in sizes
    ]
    base = rows[0]
    ok = True
    print(
        f"\n{rounds} alternating rounds of {runs} runs per page and size "
        f"(load average {os.getloadavg()[0]:.1f}); medians:"
    )
    print(
        f"\n| stored requests | request page (ms) | x{base[0]:,} | queue page (ms) | x{base[0]:,} |"
    )
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size, request, queue in rows:
        r1, r2 = request / base[1], queue / base[2]
        ok = ok and r1 <= SCALE_TARGET and r2 <= SCALE_TARGET
        print(f"| {size:,} | {request:.0f} | {r1:.2f} | {queue:.0f} | {r2:.2f} |")
    print(f"target: at most {SCALE_TARGET}x at every size: {'ok' if ok else 'OVER'}")
    return ok


VENDOR_PAGE = "review/ui/pages/vendor.py"
VENDOR_RATIO_TARGET = 2.0
VENDOR_HOURS = "vf-proposal-incident_notification_hours"


def bench_vendor(svc: Services, changes: int) -> tuple[list[Timing], float]:
    """The vendor page's live findings: a form change beside the evaluation alone and the
    page's render alone (``vendor_answers.live`` answering from memory), in this process."""
    from review.core.loading import submission_from_data
    from review.services import vendor_answers, vendor_links

    record = _submit_record(0)
    draft = proposals.create_draft(svc, REQUESTER, record).proposal
    token = vendor_links.invite(svc, REQUESTER, draft.id, "bench@vendor.example.com").token
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["token"] = token
    checked(at.run())
    at.switch_page(VENDOR_PAGE)
    checked(at.run())
    if at.error:
        raise SystemExit(f"the vendor page refused: {[e.value for e in at.error]}")

    def change(index: int) -> float:
        at.number_input(key=VENDOR_HOURS).set_value(24.0 if index % 2 else 48.0)
        return ms(lambda: checked(at.run()))

    totals = [change(i) for i in range(changes + 1)][1:]  # the first change warms up
    if not any("SEC-" in t.value or "ACC-" in t.value for t in at.text):
        raise SystemExit("the vendor page shows no findings to time")
    submission = submission_from_data(record, source="bench")
    evaluate = svc.evaluator.evaluate
    evaluations = [ms(lambda: evaluate(submission, svc.today())) for _ in range(changes)]
    access = vendor_links.open_link(svc, token)
    known = vendor_answers.live(svc, access, vendor_answers.vendor_view(svc, token))
    real = vendor_answers.live
    vendor_answers.live = lambda *_args: known
    try:
        renders = [change(i) for i in range(changes + 1)][1:]
    finally:
        vendor_answers.live = real
    timings = [
        Timing("Vendor answers: one change + at.run()", totals, None),
        Timing("  the evaluation, alone", evaluations, None),
        Timing("  the page's render, alone", renders, None),
    ]
    ratio = statistics.median(totals) / (
        statistics.median(evaluations) + statistics.median(renders)
    )
    return timings, ratio


def vendor(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as directory:
        os.environ["REVIEW_DATA_DIR"] = directory
        db = Database.connect(f"sqlite:///{Path(directory) / 'review.db'}")
        db.upgrade()
        demo.seed(Services(db, hasher=FAST), password=PASSWORD)
        insert_proposals(db, args.vendor, args.seed, evaluator())
        os.environ["REVIEW_AUTO_MIGRATE"] = "1"
        for name in ("REVIEW_DATABASE_URL", "REVIEW_DEMO"):
            os.environ.pop(name, None)
        st.cache_resource.clear()
        timings, ratio = bench_vendor(Services(db), args.changes)
        db.engine.dispose()
    print(f"{args.vendor:,} stored requests\n")
    print(table(timings))
    verdict = "ok" if ratio <= VENDOR_RATIO_TARGET else "OVER"
    print(
        f"\nvendor change / (evaluation alone + render alone) = {ratio:.2f} "
        f"(target at most {VENDOR_RATIO_TARGET:g}): {verdict}"
    )
    return 0 if verdict == "ok" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7, help="timed queue page runs")
    parser.add_argument("--changes", type=int, default=12, help="timed form changes")
    parser.add_argument(
        "--waiver-runs", type=int, default=2, help="timed runs for the waiver authority (0: skip)"
    )
    parser.add_argument("--submits", type=int, default=9, help="timed submits")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scale",
        type=int,
        nargs="+",
        metavar="N",
        help="only time the request page and the queue at each N stored requests (ascending), "
        "e.g. --scale 1000 100000",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="with --scale: alternating rounds over the sizes, --runs timed runs each",
    )
    parser.add_argument(
        "--vendor",
        type=int,
        metavar="N",
        help="only time the Vendor answers page's live findings at N stored requests, "
        "e.g. --vendor 1000",
    )
    args = parser.parse_args(argv)
    if args.scale:
        return scaling(args)
    if args.vendor:
        return vendor(args)

    with tempfile.TemporaryDirectory(prefix="bench-ui-") as directory:
        os.environ["REVIEW_DATA_DIR"] = directory  # the app's and the seed's audit key
        db = Database.connect(f"sqlite:///{Path(directory) / 'review.db'}")
        db.upgrade()
        started = time.perf_counter()
        demo.seed(Services(db, hasher=FAST), password=PASSWORD)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        counts = insert_proposals(db, args.proposals, args.seed, evaluator())
        inserted = time.perf_counter() - started
        with db.engine.connect() as connection:
            open_security = connection.scalar(
                select(func.count())
                .select_from(ReviewTask)
                .where(ReviewTask.domain == "security", ReviewTask.status == "open")
            )
        print(
            f"demo seed {seeded:.1f} s; inserted {counts} in {inserted:.1f} s; "
            f"{open_security} open security review tasks"
        )
        os.environ["REVIEW_AUTO_MIGRATE"] = "1"
        for name in ("REVIEW_DATABASE_URL", "REVIEW_DEMO"):
            os.environ.pop(name, None)
        st.cache_resource.clear()
        svc = Services(db)
        timings = bench_queue(svc, args.runs)
        if args.waiver_runs:
            timings += bench_waiver_queue(args.waiver_runs)
        timings += bench_intake(args.changes)
        submit_timings, ratio, cpu_ratio = bench_submit(db, svc, args.submits)
        timings += submit_timings
        db.engine.dispose()
    print()
    print(table(timings))
    verdict = "ok" if ratio <= SUBMIT_RATIO_TARGET else "OVER"
    print(
        f"\nsubmit / (evaluation alone + write alone) = {ratio:.2f} "
        f"(target at most {SUBMIT_RATIO_TARGET:g}): {verdict}"
        f"\nthe same in CPU time = {cpu_ratio:.2f} (load average {os.getloadavg()[0]:.1f})"
    )
    return 0 if all(t.verdict != "OVER" for t in timings) and verdict == "ok" else 1


def scaling(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as directory:
        os.environ["REVIEW_DATA_DIR"] = directory
        db = Database.connect(f"sqlite:///{Path(directory) / 'review.db'}")
        db.upgrade()
        demo.seed(Services(db, hasher=FAST), password=PASSWORD)
        os.environ["REVIEW_AUTO_MIGRATE"] = "1"
        for name in ("REVIEW_DATABASE_URL", "REVIEW_DEMO"):
            os.environ.pop(name, None)
        st.cache_resource.clear()
        ok = bench_scaling(
            db, Path(directory), sorted(args.scale), args.runs, args.rounds, args.seed
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
