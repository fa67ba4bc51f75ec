"""Benchmark the audit trail: what keying the chain and binding request rows cost.

    python bench/audit.py [--proposals 300] [--runs 5]

Builds a SQLite database with the demonstration users and --proposals requests submitted,
signed off and decided through the service layer (a real keyed chain with a ``proposal.row``
event after every change of a request), then measures, in this process:

(a) ``review audit verify`` end to end (every link, every request row, the checkpoints),
    against a baseline that only recomputes the old unkeyed SHA-256 links of the same events:
    the ratio is what the key, the row check and the checkpoint comparison add;
(b) the share of the chain that ``proposal.row`` events make up, and the time of one
    submission (a transaction that changes a row) against one comment (a transaction that
    does not), medians over the requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import func, select

from review.services import audit, audit_checkpoints, demo, proposals, reviews
from review.services.context import Services
from review.store.database import Database
from review.store.models import AuditEvent

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "library-room-booking.yaml"


def build(svc: Services, count: int) -> tuple[list[float], list[float]]:
    from review.core.safeyaml import load_file

    record = load_file(EXAMPLE)
    submits: list[float] = []
    comments: list[float] = []
    for _ in range(count):
        draft = proposals.create_draft(svc, "dana", record)
        started = time.perf_counter()
        proposals.submit(svc, "dana", draft.proposal.id)
        submits.append(time.perf_counter() - started)
        started = time.perf_counter()
        reviews.comment(svc, "priya", draft.proposal.id, "Retention period?")
        comments.append(time.perf_counter() - started)
    return submits, comments


def unkeyed_baseline(svc: Services) -> float:
    """Recompute every event's plain SHA-256 link: the old verification's core."""
    started = time.perf_counter()
    with svc.transaction() as tx:
        for event in tx.session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
        ):
            audit.stored_hashes(event, None)
    return time.perf_counter() - started


def keyed_verify(svc: Services) -> float:
    started = time.perf_counter()
    with svc.transaction() as tx:
        report = audit.verify(tx.session)
    elapsed = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"the chain does not verify: {report.problems[:3]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--proposals", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as directory:
        os.environ["REVIEW_DATA_DIR"] = directory
        db = Database.connect(f"sqlite:///{Path(directory) / 'review.db'}")
        db.upgrade()
        svc = Services(db, hasher=FAST)
        demo.seed(svc, password="bench passphrase 1")
        submits, comments = build(svc, args.proposals)
        audit_checkpoints.checkpoint(svc)
        with svc.transaction() as tx:
            events = int(tx.session.scalar(select(func.count(AuditEvent.id))) or 0)
            rows = int(
                tx.session.scalar(
                    select(func.count(AuditEvent.id)).where(AuditEvent.action == audit.ROW_ACTION)
                )
                or 0
            )
        base = statistics.median(unkeyed_baseline(svc) for _ in range(args.runs))
        keyed = statistics.median(keyed_verify(svc) for _ in range(args.runs))
        db.engine.dispose()
    print(f"{events} events, {rows} of them proposal.row ({rows / events:.0%})")
    print(
        f"verify: {keyed * 1000:.0f} ms ({events / keyed:,.0f} events/s); unkeyed links only: "
        f"{base * 1000:.0f} ms; ratio {keyed / base:.2f}"
    )
    print(
        f"submit (changes the row): median {statistics.median(submits) * 1000:.1f} ms; "
        f"comment (does not): {statistics.median(comments) * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
