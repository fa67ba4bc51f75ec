"""Benchmark the audit trail: what keying the chain and binding request rows cost.

    python bench/audit.py [--proposals 200] [--runs 5]

Builds a SQLite database with the demonstration users and --proposals requests, each drafted,
saved again, submitted and commented on through the service layer (a real keyed chain with a
``proposal.row`` event after every change of a request), then measures, in this process:

(a) the workload itself, against the same workload on a fresh database with the row binding
    switched off (``Tx._seal_proposals`` a no-op): the ratio is what binding rows costs;
(b) ``review audit verify`` end to end (every link, every request row, the checkpoint),
    against a baseline that only recomputes the old unkeyed SHA-256 links of the same events:
    the ratio is what the key, the row check and the checkpoint comparison add.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select

from review.core.safeyaml import load_file
from review.services import audit, audit_checkpoints, demo, proposals, reviews
from review.services.context import Services, Tx
from review.store.database import Database
from review.store.models import AuditEvent

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "library-room-booking.yaml"


def workload(svc: Services, count: int) -> float:
    """Seconds for ``count`` requests drafted, saved, submitted and commented on."""
    record: Any = load_file(EXAMPLE)
    started = time.perf_counter()
    for _ in range(count):
        draft = proposals.create_draft(svc, "dana", record)
        proposals.save_draft(svc, "dana", draft.proposal.id, record)
        proposals.submit(svc, "dana", draft.proposal.id)
        reviews.comment(svc, "priya", draft.proposal.id, "Retention period?")
    return time.perf_counter() - started


def fresh(directory: Path, name: str) -> Services:
    db = Database.connect(f"sqlite:///{directory / name}")
    db.upgrade()
    svc = Services(db, hasher=FAST)
    demo.seed(svc, password="bench passphrase 1")
    return svc


def unkeyed_baseline(svc: Services) -> float:
    """Recompute every event's plain SHA-256 link: the old verification's core."""
    started = time.perf_counter()
    with svc.transaction() as tx:
        for event in tx.session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
        ):
            audit.recompute(event, None)
    return time.perf_counter() - started


def keyed_verify(svc: Services) -> float:
    started = time.perf_counter()
    with svc.transaction() as tx:
        report = audit.verify(tx.session)
    elapsed = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"the chain does not verify: {report.problems[:3]}")
    return elapsed


def counts(svc: Services) -> tuple[int, int]:
    with svc.transaction() as tx:
        events = int(tx.session.scalar(select(func.count(AuditEvent.id))) or 0)
        rows = tx.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == audit.ROW_ACTION)
        )
    return events, int(rows or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as name:
        directory = Path(name)
        os.environ["REVIEW_DATA_DIR"] = name
        unbound = fresh(directory, "unbound.db")
        sealing = Tx._seal_proposals
        Tx._seal_proposals = lambda self: None  # type: ignore[method-assign]
        try:
            baseline = workload(unbound, args.proposals)
        finally:
            Tx._seal_proposals = sealing  # type: ignore[method-assign]
        svc = fresh(directory, "review.db")
        bound = workload(svc, args.proposals)
        audit_checkpoints.checkpoint(svc)
        events, rows = counts(svc)
        base = statistics.median(unkeyed_baseline(svc) for _ in range(args.runs))
        keyed = statistics.median(keyed_verify(svc) for _ in range(args.runs))
        svc.db.engine.dispose()
        unbound.db.engine.dispose()
    print(f"{events} events, {rows} of them proposal.row ({rows / events:.0%})")
    print(
        f"workload ({args.proposals} requests x draft, save, submit, comment): "
        f"{bound:.2f} s with rows bound, {baseline:.2f} s without; ratio {bound / baseline:.2f}"
    )
    print(
        f"verify: {keyed * 1000:.0f} ms ({events / keyed:,.0f} events/s); unkeyed links only: "
        f"{base * 1000:.0f} ms; ratio {keyed / base:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
