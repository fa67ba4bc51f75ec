"""The Inventory and Deadlines pages and the dashboard's after-approval section, through
AppTest on the seeded demo database after a sweep (the demo's approved requests are the
inventory; a sweep as of a later day gives them findings, marks and digests)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from review.services import sweep
from review.services.context import Services
from review.store.database import Database

from .conftest import FAST, ROOT, open_app

PAGES = ROOT / "review" / "ui" / "pages"
INVENTORY = str(PAGES / "inventory.py")
DEADLINES = str(PAGES / "deadlines.py")
DASHBOARD = str(PAGES / "dashboard.py")


@pytest.fixture(scope="module")
def swept(demo_dir: Path) -> Path:
    db = Database.connect(f"sqlite:///{demo_dir / 'review.db'}")
    before = os.environ.get("REVIEW_DATA_DIR")
    os.environ["REVIEW_DATA_DIR"] = str(demo_dir)  # the audit key lives in the data directory
    try:
        sweep.run(Services(db, hasher=FAST), dt.date(2027, 9, 1))
    finally:
        db.engine.dispose()
        if before is None:
            os.environ.pop("REVIEW_DATA_DIR", None)
        else:
            os.environ["REVIEW_DATA_DIR"] = before
    return demo_dir


@pytest.fixture
def env(swept: Path, app_env: Path) -> Path:
    return app_env


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.warning] + [e.value for e in at.error]
    parts += [h.value for h in at.header] + [h.value for h in at.subheader]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))  # as a person reads it


# AppTest does not expose a dataframe's key: each table is found by its columns
TABLES = {
    "inventory-table": ({"Business owner", "Open findings"}, 0),
    "system-findings-table": ({"Escalated", "Opened"}, 0),
    "system-deadlines-table": ({"Days left", "Deadline"}, 0),
    "deadlines-table": ({"System", "Deadline", "Days left"}, 0),
    "sweep-runs-table": ({"Runner", "As of"}, 0),
    "dashboard-due-department-table": ({"Group", "Overdue", "Due soon"}, 0),
    "dashboard-due-domain-table": ({"Group", "Overdue", "Due soon"}, 1),
    "dashboard-renewal-quarters-table": ({"Quarter", "Contracts ending"}, 0),
}


def rows(at: AppTest, key: str) -> list[dict[str, object]]:
    columns, index = TABLES[key]
    frames = [f for f in at.dataframe if columns <= set(f.value.columns)]
    if key == "system-deadlines-table":
        frames = [f for f in frames if "System" not in set(f.value.columns)]
    assert len(frames) > index, f"no table {key} on the page"
    records: list[dict[str, object]] = frames[index].value.to_dict("records")
    return records


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_inventory_lists_systems_and_opens_a_timeline(env: Path) -> None:
    at = ok(open_app("tess", page=INVENTORY))
    listed = rows(at, "inventory-table")
    assert {r["System"] for r in listed} >= {"S-1", "S-2"}
    library = next(r for r in listed if r["Department"] == "Library")
    assert int(str(library["Open findings"])) >= 1
    page = texts(at)
    assert "S-1: Meeting room booking for branch libraries" in page
    assert "Entered the inventory (review)" in page
    assert "Initial review P-" in page
    assert "MAJOR finding" in page or "BLOCKER finding" in page
    assert "Escalated:" in page
    findings = rows(at, "system-findings-table")
    assert any(f["Policy"] == "SEC-6" and f["Escalated"] == "2027-09-01" for f in findings)
    deadline_kinds = {r["Deadline"] for r in rows(at, "system-deadlines-table")}
    assert any("Condition of approval due" in str(d) for d in deadline_kinds)
    assert not any(b.key == "retire-expander" for b in at.expander)  # a reviewer may not


def test_filters_narrow_the_list(env: Path) -> None:
    at = ok(open_app("tess", page=INVENTORY))
    at.selectbox(key="inv-department").select("City Clerk").run()
    ok(at)
    assert {r["Department"] for r in rows(at, "inventory-table")} == {"City Clerk"}
    at.selectbox(key="inv-department").select("").run()
    at.selectbox(key="inv-class").select("confidential").run()
    listed = rows(ok(at), "inventory-table")
    assert listed and all("confidential" in str(r["Data classes"]) for r in listed)
    at.selectbox(key="inv-status").select("retired").run()
    assert "No system matches these filters." in texts(ok(at))


def test_requesters_see_their_department_only(env: Path) -> None:
    at = ok(open_app("dana", page=INVENTORY))
    assert {r["Department"] for r in rows(at, "inventory-table")} == {"Library"}
    assert any(e.key == "retire-expander" for e in at.expander)  # the owner's department
    linked = ok(open_app("dana", page=INVENTORY, system="S-2"))  # the Clerk's system
    assert "no system S-2 that you can see" in texts(linked)


def test_query_parameter_opens_that_system(env: Path) -> None:
    at = ok(open_app("admin", page=INVENTORY, system="S-2"))
    assert "S-2: Public records request portal" in texts(at)
    assert "Marcus Bell" in texts(at)  # the business owner named on the request


def test_deadlines_page_filters_and_offers_the_feed(env: Path) -> None:
    at = ok(open_app("sam", page=DEADLINES))
    every = rows(at, "deadlines-table")
    assert every and all(str(r["Policy"]).startswith("GEN-9") for r in every)
    at.selectbox(key="dl-domain").select("security").run()
    assert {r["Domain"] for r in rows(ok(at), "deadlines-table")} == {"Security"}
    at.button(key="feed-rotate").click().run()
    code = [c.value for c in ok(at).code]
    assert code and "/feed/" in code[0] and code[0].endswith(".ics")
    labels = [getattr(b, "label", None) for b in at.get("download_button")]
    assert "Download my deadlines (.ics)" in labels


def test_digest_choice_is_saved(env: Path) -> None:
    at = ok(open_app("sam", page=DEADLINES))
    at.radio(key="digest-choice").set_value("weekly")
    at.selectbox(key="digest-weekday").select("fri")
    at.button(key="FormSubmitter:digest-form-Save").click().run()
    assert "Digest: weekly on Friday." in texts(ok(at))
    again = ok(open_app("sam", page=DEADLINES))
    assert again.radio(key="digest-choice").value == "weekly"


def test_admins_see_sweeps_and_delivery_problems(env: Path) -> None:
    at = ok(open_app("admin", page=DEADLINES))
    runs = rows(at, "sweep-runs-table")
    assert runs[0]["As of"] == "2027-09-01" and runs[0]["Status"] == "finished"
    assert "Deliveries that need attention" in texts(at)
    reviewer = ok(open_app("sam", page=DEADLINES))
    assert "Deliveries that need attention" not in texts(reviewer)


def test_dashboard_shows_overdue_by_department_and_renewals(env: Path) -> None:
    at = ok(open_app("admin", page=DASHBOARD))
    page = texts(at)
    assert "After approval: the inventory's deadlines" in page
    departments = rows(at, "dashboard-due-department-table")
    assert any(r["Group"] == "Library" for r in departments)  # the condition, the findings
    quarters = rows(at, "dashboard-renewal-quarters-table")
    assert len(quarters) == 2 and all(str(q["Quarter"])[:4].isdigit() for q in quarters)


def test_the_import_panel_is_for_admins(env: Path) -> None:
    """(The upload itself is walked in the browser test: AppTest cannot upload a file.)"""
    assert "Import systems already in use" in texts(ok(open_app("admin", page=INVENTORY)))
    assert "Import systems already in use" not in texts(ok(open_app("dana", page=INVENTORY)))


def test_retiring_from_the_page(env: Path) -> None:
    at = ok(open_app("dana", page=INVENTORY, system="S-1"))
    at.text_area(key="retire-reason").input("Replaced by the county system")
    at.button(key="FormSubmitter:retire-form-Retire").click().run()
    assert "Confirm that the system is no longer in use." in texts(ok(at))
    at.checkbox(key="retire-sure").check()
    at.button(key="FormSubmitter:retire-form-Retire").click().run()
    ok(at)
    at.selectbox(key="inv-status").select("retired").run()
    assert [r["System"] for r in rows(ok(at), "inventory-table")] == ["S-1"]
    assert "Retired: Replaced by the county system" in texts(at)
