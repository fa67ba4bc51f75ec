"""The daily sweep (GEN-9): every active system judged as of a day, and what changed acted on.

For each active system the sweep evaluates its record as of the day with the same rule engine
as a review, so findings that appear with time alone (aged evidence, a lapsed waiver, end of
support) appear on that day; opens or clears the system's findings (aged evidence is due 60
days later, then escalated to the Director); records each GEN-9 notice mark reached; opens
the renewal review when the contract's end enters its window; and writes the notices of all
this in the same transaction, batch by batch. Digests are then composed from the notices not
yet delivered.

Idempotent: what it does is remembered in the data (open findings, notice marks, renewal
links, digest cursors), so a second run of the same day changes and sends nothing, and a
run that died is simply run again. One runner at a time (review.services.runlock).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, update

from ..errors import PermissionDenied, Refused
from ..notify.recipients import Directory
from ..store.models import SweepRun, System
from . import heap, runlock
from .context import Services, Tx
from .sweep_judge import Batch, Changes

BATCH = 500
LOCK = "daily-sweep"

# Jobs that run once a day after the sweep, under its lock, each in its own transaction
# (for example the signed audit checkpoint): add them here. A failing job is reported in the
# run's counts and does not undo the sweep.
DailyJob = Callable[[Services, dt.date], object]


def _audit_checkpoint(services: Services, day: dt.date) -> object:
    """The one job that writes the audit chain's signed checkpoint (issue 12, GEN-6)."""
    from . import audit_checkpoints

    done = audit_checkpoints.checkpoint(services)
    if done.checkpoint is None:  # a broken chain is vouched for by no checkpoint: say so
        first = done.report.breaks[0]
        raise Refused(
            f"the audit chain is broken ({first.kind.value}: {first.message}); "
            "no checkpoint written; run `review audit verify`"
        )
    return done


DAILY_JOBS: list[tuple[str, DailyJob]] = [("audit.checkpoint", _audit_checkpoint)]


@dataclass
class SweepReport:
    as_of: dt.date
    ran: bool  # False: another runner holds the lock
    systems: int = 0
    changes: Changes = field(default_factory=Changes)
    digests: int = 0
    resumed: bool = False  # an earlier run of this day had died; this one finished it
    jobs: dict[str, str] = field(default_factory=dict)
    jobs_seconds: float = 0.0  # the daily jobs' wall and CPU time, for operators and bench/
    jobs_cpu_seconds: float = 0.0


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run(
    services: Services,
    as_of: dt.date | None = None,
    *,
    by: str | None = None,
    batch: int = BATCH,
    jobs: list[tuple[str, DailyJob]] | None = None,
) -> SweepReport:
    """Sweep every active system as of ``as_of`` (default today). ``by``: an admin, or None
    for the scheduler (cron, systemd, Kubernetes)."""
    day = as_of or services.today()
    if by is not None:
        with services.transaction(by) as tx:
            if not tx.who.is_admin:
                raise PermissionDenied(f"{by} is not an admin; admins run the sweep")
    with runlock.exclusive(services.db, LOCK) as mine, heap.left_alone():
        if not mine:
            return SweepReport(as_of=day, ran=False)
        return _run_locked(services, day, by, batch, DAILY_JOBS if jobs is None else jobs)


def _run_locked(
    services: Services,
    day: dt.date,
    by: str | None,
    size: int,
    jobs: list[tuple[str, DailyJob]],
) -> SweepReport:
    from ..notify import digest

    report = SweepReport(as_of=day, ran=True)
    with services.transaction(by) as tx:
        unfinished = tx.session.scalar(
            select(SweepRun.id).where(SweepRun.as_of == day, SweepRun.status == "running")
        )
        report.resumed = unfinished is not None
        run_row = SweepRun(
            as_of=day,
            started_at=services.now(),
            status="running",
            runner=runner_name(),
            counts={},
        )
        tx.session.add(run_row)
        tx.session.flush()
        run_id = run_row.id
        ids = list(
            tx.session.scalars(
                select(System.id).where(System.status == "active").order_by(System.id)
            )
        )
        directory = Directory.load(tx.session)
    report.systems = len(ids)
    for start in range(0, len(ids), size):
        with heap.collected_after(), services.transaction(by) as tx:
            changes = sweep_batch(tx, ids[start : start + size], day, directory)
            report.changes.add(changes)
    report.digests = digest.compose(services, day)
    wall, cpu = time.perf_counter(), time.process_time()
    for name, job in jobs:
        try:
            job(services, day)
            report.jobs[name] = "ok"
        except Exception as exc:  # reported, never undoes the sweep
            report.jobs[name] = f"failed: {type(exc).__name__}: {exc}"
    report.jobs_seconds = time.perf_counter() - wall
    report.jobs_cpu_seconds = time.process_time() - cpu
    with services.transaction(by) as tx:
        counts = {**report.changes.counts(), "systems": report.systems, "digests": report.digests}
        tx.session.execute(
            update(SweepRun)
            .where(SweepRun.as_of == day, SweepRun.status == "running")
            .values(status="finished", finished_at=services.now())
        )
        tx.session.execute(update(SweepRun).where(SweepRun.id == run_id).values(counts=counts))
        tx.audit(
            "sweep.run",
            "sweep",
            day.isoformat(),
            resumed=report.resumed,
            jobs=report.jobs,
            **counts,
        )
    return report


def sweep_batch(tx: Tx, ids: list[int], day: dt.date, directory: Directory) -> Changes:
    """Judge the systems ``ids`` as of ``day`` in the caller's transaction."""
    batch = Batch.load(tx, ids, day, directory)
    batch.judge_all()
    batch.write()
    return batch.changes


def judge_one(tx: Tx, system: System, day: dt.date) -> Changes:
    """Judge one system now (after new evidence), in the caller's transaction."""
    return sweep_batch(tx, [system.id], day, Directory.load(tx.session))


def last_runs(services: Services, by: str, limit: int = 10) -> list[SweepRun]:
    with services.transaction(by) as tx:
        if not tx.who.is_admin:
            raise PermissionDenied(f"{by} is not an admin")
        return list(tx.session.scalars(select(SweepRun).order_by(SweepRun.id.desc()).limit(limit)))
