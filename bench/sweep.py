"""Benchmark the daily sweep and the digests (GEN-9) on SQLite and PostgreSQL.

    python bench/sweep.py [--systems 20000] [--recipients 1000] [--skip-pg] [--memory]
                          [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

(a) Sweep: --systems approved systems in the inventory, each with its review (a proposal in
    state contract_approved), some with conditions and waivers, and records made from the
    example and base records with their dates (certifications, pen test, ACR, contract end,
    platforms) spread so that on the sweep day some evidence has aged out, some contracts are
    in their notice windows and some renewal windows open. Three runs, each timed end to end
    (``sweep.run``): the first sweep of the day (findings opened, marks, notices, renewal
    reviews, digests), the same day again (nothing to do: idempotence), and the next day.
    The baseline, in the same process, is evaluating the same records alone
    (``Evaluator.evaluate`` over pre-validated submissions): target sweep <= 2x baseline.
(b) Digests: --recipients people with ten undelivered notices each; ``digest.compose`` (chunks
    of about 2,000 notices, one outbox row each) against rendering one digest (text and
    HTML) --recipients times: target <= 2x. The same ten notices to everyone (the issue's
    comparison), or (--told-to K) each ten to K people: 3 is about GEN-9's spread (3.5), and
    1 (nothing shared) is a stress figure, not a target (docs/performance.md).
    --digests-only skips (a), and the sweeps' records.
(c) --memory: tracemalloc peak of a sweep of a quarter of the systems and of all of them
    (flat: the sweep holds one batch at a time), and of digests for --recipients people and
    four times as many.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import gc
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from review.core.evaluate import evaluator  # noqa: E402
from review.core.records import Submission  # noqa: E402
from review.core.safeyaml import load_file  # noqa: E402
from review.notify import digest  # noqa: E402
from review.services import sweep  # noqa: E402
from review.services.context import Services  # noqa: E402
from review.services.record_versions import normalised, record_hash  # noqa: E402
from review.services.sweep_judge import judged_hash  # noqa: E402
from review.store.database import Database  # noqa: E402
from review.store.models import (  # noqa: E402
    Condition,
    Notice,
    Proposal,
    RoleGrant,
    System,
    User,
    Waiver,
)

DAY = dt.date(2027, 6, 15)
DEPARTMENTS = ["Library", "Police", "Finance", "Fire", "Public Works", "City Clerk", "Parks"]
DOMAINS = ["technology", "security", "accessibility", "privacy", "procurement"]
PLATFORMS = ["Windows Server 2019", "Ubuntu 22.04 LTS", "RHEL 8", "Windows 11 24H2", "macOS 15"]


def base_records() -> list[dict[str, Any]]:
    """Every example and base record that has a contract, normalised."""
    found = []
    for path in [
        *sorted((ROOT / "examples").glob("*.yaml")),
        *(ROOT / "tests/data/bases").glob("*.yaml"),
    ]:
        data = load_file(path)
        if isinstance(data, dict) and "contract" in data:
            found.append(normalised(Submission.model_validate(data)))
    return found


def vary(record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The record with its dates spread around DAY, and its department and vendor varied."""
    r = copy.deepcopy(record)
    p, c = r["proposal"], r["contract"]

    def around(days_back: int) -> str:
        return (DAY - dt.timedelta(days=rng.randint(0, days_back))).isoformat()

    p["department"] = rng.choice(DEPARTMENTS)
    p.setdefault("vendor", {})["name"] = f"Vendor {rng.randint(1, 400)}"
    for cert in p.get("certifications", []):
        cert["date"] = around(500)
    if "pen_test_date" in p:
        p["pen_test_date"] = around(500)
    if p.get("accessibility", {}).get("acr_date"):
        p["accessibility"]["acr_date"] = around(800)
    if rng.random() < 0.3:
        p.setdefault("lifecycle", {})["operating_systems"] = [rng.choice(PLATFORMS)]
    start = DAY - dt.timedelta(days=rng.randint(200, 1200))
    c["start_date"] = start.isoformat()
    c["end_date"] = (DAY + dt.timedelta(days=rng.randint(-30, 1400))).isoformat()
    c["auto_renewal"] = rng.random() < 0.4
    c["termination_for_convenience"] = True
    if c["auto_renewal"]:
        c["cancellation_notice_days"] = rng.choice([30, 60, 90])
    return r


def people(db: Database) -> dict[str, int]:
    rows: list[tuple[str, str | None, list[tuple[str, str]]]] = [("admin", None, [("admin", "")])]
    rows += [(f"req-{i}", d, [("requester", "")]) for i, d in enumerate(DEPARTMENTS)]
    rows += [(f"rev-{d}", None, [("reviewer", d)]) for d in DOMAINS]
    rows += [(f"wa-{d}", None, [("waiver_authority", d)]) for d in ["general", "security"]]
    ids: dict[str, int] = {}
    with db.session() as session:
        for username, department, grants in rows:
            user = User(
                username=username,
                display_name=username,
                email=f"{username}@city.gov",
                department=department,
                password_hash=None,
                roles=[RoleGrant(role=r, domain=d) for r, d in grants],
            )
            session.add(user)
            session.flush()
            ids[username] = user.id
    return ids


def load_systems(db: Database, records: list[dict[str, Any]], ids: dict[str, int]) -> None:
    """Proposals, systems, conditions and waivers in bulk (as months of use leave them)."""
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    ev = evaluator()
    with db.session() as session:
        first = (
            session.execute(text("SELECT COALESCE(MAX(id), 0) FROM proposals")).scalar() or 0
        ) + 1
    proposals, systems, conditions, waivers = [], [], [], []
    for n, record in enumerate(records):
        pid = first + n
        p = record["proposal"]
        requester = ids[f"req-{DEPARTMENTS.index(p['department'])}"]
        approved = ev.evaluate(Submission.model_validate(record), DAY - dt.timedelta(days=300))
        proposals.append(
            {
                "id": pid,
                "title": p["title"],
                "department": p["department"],
                "requester_id": requester,
                "state": "contract_approved",
                "stage": "contract",
                "current_version": 1,
                "tier": approved.tier,
                "created_at": now,
                "updated_at": now,
                "row_version": 1,
            }
        )
        c = record["contract"]
        systems.append(
            {
                "proposal_id": pid,
                "origin": "review",
                "status": "active",
                "reviewed": True,
                "title": p["title"],
                "product": p.get("vendor", {}).get("product"),
                "vendor": p["vendor"]["name"],
                "department": p["department"],
                "owner_name": p["requester"]["name"],
                "owner_email": p["requester"]["email"],
                "data_classes": p.get("data_classes", []),
                "hosting": p.get("hosting"),
                "tier": approved.tier,
                "contract_value": c.get("value_usd"),
                "contract_start": dt.date.fromisoformat(c["start_date"]),
                "contract_end": dt.date.fromisoformat(c["end_date"]),
                "auto_renewal": c.get("auto_renewal"),
                "cancellation_notice_days": c.get("cancellation_notice_days"),
                "record": record,
                "record_hash": record_hash(record),
                "record_number": 1,
                "entered_on": DAY - dt.timedelta(days=300),
                "judged_hash": judged_hash(approved.findings),
                "created_at": now,
                "updated_at": now,
                "row_version": 1,
            }
        )
        for finding in approved.findings:
            if finding.severity == "major" and rng.random() < 0.5:
                conditions.append(
                    {
                        "proposal_id": pid,
                        "finding_key": finding.key,
                        "rule_id": finding.rule_id,
                        "domain": finding.domain,
                        "text": "Fix it",
                        "owner": "IT",
                        "status": "open",
                        "due_date": DAY + dt.timedelta(days=rng.randint(-20, 120)),
                        "created_by": ids["admin"],
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            elif finding.severity == "blocker" and finding.waivable:
                waivers.append(
                    {
                        "proposal_id": pid,
                        "finding_key": finding.key,
                        "rule_id": finding.rule_id,
                        "domain": finding.domain,
                        "granted_by": ids["wa-general"],
                        "justification": "j",
                        "compensating_controls": "c",
                        "granted_at": now,
                        "expires_on": DAY + dt.timedelta(days=rng.randint(-10, 200)),
                    }
                )
    with db.session() as session:
        for table, rows in (
            (Proposal, proposals),
            (System, systems),
            (Condition, conditions),
            (Waiver, waivers),
        ):
            for start in range(0, len(rows), 2000):
                session.execute(insert(table), rows[start : start + 2000])
        if db.engine.dialect.name == "postgresql":  # ids given above: move the sequence on
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('proposals', 'id'), MAX(id)) "
                    "FROM proposals"
                )
            )


def baseline(records: list[dict[str, Any]]) -> Timing:
    ev = evaluator()
    submissions = [Submission.model_validate(r) for r in records]
    ev.evaluate(submissions[0], DAY)  # warm
    clock = Clock()
    for submission in submissions:
        ev.evaluate(submission, DAY)
    return clock.stop()


@dataclass(frozen=True)
class Timing:
    """Wall time, and this process's CPU time: on SQLite everything runs in this process, so
    its CPU time is what the work costs whatever else the shared machine runs."""

    wall: float
    cpu: float


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> Timing:
        return Timing(time.perf_counter() - self.wall, time.process_time() - self.cpu)


def timed_sweep(services: Services, day: dt.date) -> tuple[Timing, sweep.SweepReport]:
    settled(services.db, vacuum=True)  # a day has passed since the last sweep
    gc.collect()
    clock = Clock()
    report = sweep.run(services, day)
    return clock.stop(), report


@contextmanager
def database(kind: str, pg_url: str, directory: Path) -> Iterator[Database]:
    if kind == "sqlite":
        db = Database.connect(f"sqlite:///{directory / f'sweep-{uuid.uuid4().hex[:6]}.db'}")
        db.upgrade()
        try:
            yield db
        finally:
            db.engine.dispose()
        return
    name = f"bench_sweep_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database.connect(make_url(pg_url).set(database=name).render_as_string(False))
    db.upgrade()
    try:
        yield db
    finally:
        db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_sweep(
    kind: str, args: argparse.Namespace, records: list[dict[str, Any]], directory: Path
) -> None:
    """Each figure is the least of --repeat runs (the machine is shared: the least is the
    run least disturbed), the baseline interleaved with the sweeps it is compared with.
    The daily jobs the sweep runs after it (the audit checkpoint, whose cost follows the audit
    log's length, not the systems) are shown apart: the ratio is the sweep's own."""
    bases: list[Timing] = []
    with database(kind, args.pg_url, directory) as db:
        load_systems(db, records, people(db))
        services = Services(db)
        bases.append(baseline(records))
        first, report = timed_sweep(services, DAY)
        again: list[tuple[Timing, sweep.SweepReport]] = []
        later: list[tuple[Timing, sweep.SweepReport]] = []
        for n in range(args.repeat):  # each day's sweep, then the same day's again (a
            # second cron run): sweeping an earlier day after a later one is not a same day
            bases.append(baseline(records))
            day = DAY + dt.timedelta(days=n + 1)
            later.append(timed_sweep(services, day))
            again.append(timed_sweep(services, day))
    wall = min(b.wall for b in bases)
    cpu = min(b.cpu for b in bases)
    print(
        f"\n{kind}: sweep of {len(records):,} systems; evaluating them alone {wall:.2f} s wall "
        f"(least of {', '.join(f'{b.wall:.1f}' for b in bases)}), {cpu:.2f} s CPU"
    )

    def own(run: tuple[Timing, sweep.SweepReport]) -> float:
        return run[0].wall - run[1].jobs_seconds

    rows = [
        ("first sweep (catch-up day)", first, report),
        ("same day again", *min(again, key=own)),
        ("a following day", *min(later, key=own)),
    ]
    for label, timing, r in rows:
        counts = r.changes.counts()
        mine = timing.wall - r.jobs_seconds
        print(
            f"  {label:<27} {mine:7.2f} s  ratio {mine / wall:4.2f}  "
            f"(CPU {timing.cpu - r.jobs_cpu_seconds:.2f} s, ratio "
            f"{(timing.cpu - r.jobs_cpu_seconds) / cpu:4.2f}; daily jobs {r.jobs_seconds:.2f} s; "
            f"new {counts['new_findings']}, marks {counts['marks']}, notices "
            f"{counts['notices']}, renewals {counts['renewals']}, digests {r.digests})"
        )
    print(
        f"  all runs: same day {[round(own(run), 1) for run in again]}, "
        f"following days {[round(own(run), 1) for run in later]}"
    )


BENCH_ITEMS = tuple(
    digest.Item(
        "due",
        i % 3 == 0,
        f"Due in {i} days: Contract with Vendor {i} ends (S-{i})",
        f"System {i} (Library): contract ends on 2027-0{1 + i % 9}-15.",
        ("GEN-9", "PROC-3"),
        DAY + dt.timedelta(days=i),
        i,
    )
    for i in range(10)
)


def notice_rows(n: int, told_to: int) -> list[dict[str, Any]]:
    """Ten notices for each of ``n`` people: the same ten for all (``told_to`` 0), or each
    ten told to ``told_to`` people, spread over the addresses as GEN-9's owners, departments
    and reviewers are (person p in group p mod n/told_to)."""
    groups = max(1, n // told_to) if told_to else 1
    return [
        {
            "recipient": f"person{p:05d}@city.gov",
            "system_id": None,
            "kind": it.kind,
            "urgent": it.urgent,
            "title": it.title if groups == 1 else f"{it.title[:-1]}.{p % groups})",
            "detail": it.detail,
            "citations": list(it.citations),
            "due_on": it.due_on,
            "created_on": DAY,
        }
        for p in range(n)
        for it in BENCH_ITEMS
    ]


def settled(db: Database, *, vacuum: bool = False) -> None:
    """The database's log written out before a timed run, so that the run does not pay for
    checkpointing what the benchmark itself inserted: SQLite checkpoints its write-ahead log
    into the database file (with an fsync) at the first commit past 1,000 pages, and the
    10,000 notices loaded before composing filled most of that (measured: composing then took
    35-40 ms more of about 105, checkpointing the benchmark's rows). PostgreSQL: a CHECKPOINT
    of the same kind. ``vacuum``: on PostgreSQL also VACUUM ANALYZE, as autovacuum does in the
    day between two sweeps; here the next "day" starts seconds after a catch-up day that wrote
    hundreds of thousands of rows, and autovacuum then ran beside the timed sweep on the
    machine's other core."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        if db.engine.dialect.name == "sqlite":  # outside the BEGIN IMMEDIATE of every transaction
            busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0, "the checkpoint was blocked"
        else:
            if vacuum:
                raw.execute("VACUUM ANALYZE")
            raw.execute("CHECKPOINT")


def composed(db: Database, n: int, told_to: int, *, memory: bool = False) -> tuple[Timing, int]:
    """Digests composed for ``n`` people (``notice_rows``), after one composed to warm up, as
    the render is: in the sweep's process the mappers are configured and the statements
    compiled before digests are composed. With ``memory``, the tracemalloc peak instead."""
    rows = notice_rows(n, told_to)
    warm = {**rows[0], "recipient": "warm-up@city.gov", "created_on": DAY - dt.timedelta(1)}
    rows.append(warm)
    with db.session() as session:
        for s in range(0, len(rows), 5000):
            session.execute(insert(Notice), rows[s : s + 5000])
    services = Services(db)
    assert digest.compose(services, DAY - dt.timedelta(days=1)) == 1
    settled(db)
    if memory:
        gc.collect()
        tracemalloc.start()
    clock = Clock()
    written = digest.compose(services, DAY)
    timing = clock.stop()
    if memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return timing, peak
    assert written == n
    return timing, written


def bench_digests(kind: str, args: argparse.Namespace, directory: Path) -> None:
    """--repeat rounds, each rendering one digest --recipients times and then composing the
    digests of --recipients people on a database of their own: both sides are taken as the
    least (and the median) of their runs, measured alternately in the same minutes."""
    n = args.recipients
    one = digest.Digest("person@city.gov", "A Person", DAY, BENCH_ITEMS, "https://review.city.gov")
    renders: list[Timing] = []
    composes: list[Timing] = []
    for _ in range(args.repeat):
        clock = Clock()
        for _ in range(n):
            digest.render_text(one)
            digest.render_html(one)
        renders.append(clock.stop())
        with database(kind, args.pg_url, directory) as db:
            composes.append(composed(db, n, args.told_to)[0])
    shared = f"each ten told to {args.told_to}" if args.told_to else "the same ten for all"

    def figure(runs: list[Timing], part: str) -> tuple[float, float]:
        values = sorted(getattr(r, part) for r in runs)
        return values[0], values[len(values) // 2]

    (compose, compose_mid), (render, render_mid) = figure(composes, "wall"), figure(renders, "wall")
    compose_cpu, render_cpu = figure(composes, "cpu")[0], figure(renders, "cpu")[0]
    print(
        f"{kind}: digests for {n:,} people (10 notices each, {shared}) {compose:.3f} s; "
        f"rendering one digest {n:,} times {render:.3f} s; ratio {compose / render:.2f} "
        f"(target <= 2; median {compose_mid / render_mid:.2f}; least of {len(composes)} each; "
        f"CPU {compose_cpu * 1000:.0f} ms against {render_cpu * 1000:.0f} ms, "
        f"ratio {compose_cpu / render_cpu:.2f})"
    )
    print(f"  compose runs {[round(r.wall * 1000) for r in composes]} ms")
    if args.memory:
        for count in (n, 4 * n):
            with database(kind, args.pg_url, directory) as db:
                peak = composed(db, count, args.told_to, memory=True)[1]
            print(f"memory: digests for {count:,} people, tracemalloc peak {peak / 1e6:.1f} MB")


def bench_memory(records: list[dict[str, Any]], directory: Path) -> None:
    for count in (len(records) // 4, len(records)):
        with database("sqlite", "", directory) as db:
            load_systems(db, records[:count], people(db))
            services = Services(db)
            gc.collect()
            tracemalloc.start()
            sweep.run(services, DAY)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        print(f"memory: sweep of {count:,} systems, tracemalloc peak {peak / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", type=int, default=20_000)
    parser.add_argument("--recipients", type=int, default=1_000)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each steady figure.")
    parser.add_argument(
        "--told-to",
        type=int,
        default=0,
        help="Digests: each notice told to this many people (0: the same ten to everyone).",
    )
    parser.add_argument(
        "--digests-only",
        action="store_true",
        help="Skip the sweeps (and their records): only (b), in a process whose heap is small.",
    )
    args = parser.parse_args()
    rng = random.Random(20_000)
    bases = [] if args.digests_only else base_records()
    systems = 0 if args.digests_only else args.systems
    records = [vary(rng.choice(bases), rng) for _ in range(systems)]
    kinds = ["sqlite"] + ([] if args.skip_pg else ["postgresql"])
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for kind in kinds:
            if not args.digests_only:
                bench_sweep(kind, args, records, directory)
            bench_digests(kind, args, directory)
        if args.memory and not args.digests_only:
            bench_memory(records, directory)


if __name__ == "__main__":
    main()
