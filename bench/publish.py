"""Benchmark publishing (GEN-10): `review publish` and the public register page.

    python bench/publish.py [--systems 20000] [--small 200] [--runs 5]

(a) --systems systems in the inventory (SQLite, inserted with SQLAlchemy core; records are the
    example intake files with varied titles and departments, a third surveillance or AI), then
    ``open_data.publish`` to a temporary directory (every register, the delays and the
    metrics, CSV, JSON, schemas, data.json) against reading the same systems from the database
    alone (the columns and records the registers read, fetched): target publish <= 3x.
(b) The public register page (AppTest, the approved-technology register, its first page of
    entries) over --systems systems and over --small systems, in the same process: median
    of --runs runs after a warm-up run each; target large <= 1.2x small.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from review.core.records import Submission  # noqa: E402
from review.core.safeyaml import load_file  # noqa: E402
from review.services import open_data  # noqa: E402
from review.services.context import Services  # noqa: E402
from review.services.record_versions import normalised  # noqa: E402
from review.store.database import Database  # noqa: E402
from review.store.models import System  # noqa: E402

APP = str(ROOT / "app.py")
PAGE = "review/ui/pages/register_approved.py"
DEPARTMENTS = ["Library", "Police", "Fire", "Parks and Recreation", "Finance", "Public Works"]
logging.getLogger("streamlit").setLevel(logging.ERROR)


def records() -> list[dict[str, Any]]:
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        data = load_file(path)
        out.append(normalised(Submission.model_validate({"proposal": data["proposal"]})))
    return out


def load(db: Database, count: int) -> None:
    base = records()
    entered = dt.date.today() - dt.timedelta(days=90)
    rows = []
    for n in range(count):
        record = copy.deepcopy(base[n % len(base)])
        proposal = record["proposal"]
        proposal["title"] = f"{proposal['title']} #{n}"
        proposal["department"] = DEPARTMENTS[n % len(DEPARTMENTS)]
        rows.append(
            {
                "origin": "import",
                "status": "active",
                "reviewed": True,
                "title": proposal["title"],
                "product": (proposal.get("vendor") or {}).get("product"),
                "vendor": (proposal.get("vendor") or {}).get("name"),
                "department": proposal["department"],
                "owner_name": proposal["requester"]["name"],
                "owner_email": proposal["requester"]["email"],
                "data_classes": proposal.get("data_classes", []),
                "record": record,
                "record_hash": f"{n:064d}",
                "entered_on": entered,
            }
        )
    with db.engine.begin() as connection:
        for start in range(0, len(rows), 2000):
            connection.execute(insert(System), rows[start : start + 2000])


def read_alone(db: Database) -> float:
    started = time.perf_counter()
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(
                System.id, System.record, System.vendor, System.tier, System.proposal_id,
                System.entered_on, System.owner_email, System.department, System.title,
            ).order_by(System.department, System.title, System.id)
        ).all()  # fmt: skip
    assert rows
    return time.perf_counter() - started


def bench_publish(db: Database, directory: Path) -> tuple[float, float]:
    services = Services(db)
    read = min(read_alone(db) for _ in range(3))
    times = []
    for n in range(3):
        started = time.perf_counter()
        open_data.publish(services, directory / f"out{n}", dt.date.today())
        times.append(time.perf_counter() - started)
    return read, min(times)


def page_ms(directory: Path, runs: int) -> float:
    os.environ["REVIEW_DATA_DIR"] = str(directory)
    os.environ["REVIEW_AUTO_MIGRATE"] = "1"
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
    assert at.table, "the register shows entries"
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    for name in ("REVIEW_DATABASE_URL", "REVIEW_DEMO"):
        os.environ.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        dirs = {}
        for label, count in (("large", args.systems), ("small", args.small)):
            directory = Path(tmp) / label
            directory.mkdir()
            db = Database.connect(f"sqlite:///{directory / 'review.db'}")
            db.upgrade()
            started = time.perf_counter()
            load(db, count)
            print(f"{label}: {count} systems inserted in {time.perf_counter() - started:.1f} s")
            dirs[label] = (directory, db)
        read, publish = bench_publish(dirs["large"][1], Path(tmp))
        print(
            f"(a) publish {args.systems} systems: {publish:.2f} s; reading them alone "
            f"{read:.2f} s; ratio {publish / read:.2f}x (target <= 3x)"
        )
        small = page_ms(dirs["small"][0], args.runs)
        large = page_ms(dirs["large"][0], args.runs)
        print(
            f"(b) register page: {args.small} systems {small:.0f} ms; {args.systems} systems "
            f"{large:.0f} ms; ratio {large / small:.2f}x (target <= 1.2x)"
        )
        for _, db in dirs.values():
            db.engine.dispose()


if __name__ == "__main__":
    main()
