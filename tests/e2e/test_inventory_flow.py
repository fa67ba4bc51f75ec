"""After approval in a real browser, against ``streamlit run app.py`` (the workspace and
its routes, the calendar feed among them): an admin imports a City spreadsheet with errors
(nothing imported), then with the bad rows skipped; opens a system's timeline; makes a
calendar address and the feed answers it; a Library requester on a 390 px phone sees only
the Library's systems and their deadlines, and a reload keeps them signed in and on the page.

The data is the demo database swept as of 2027-09-01, so the demo's approved requests have
findings that appeared after approval, escalations and notice marks.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from review.services import sweep

from .conftest import (
    PASSWORD,
    ROOT,
    TIMEOUT_MS,
    Server,
    running_app,
    safe_name,
    seed_database,
    server_services,
)
from .waiting import RUN_COUNTER, act, keyed, settle, wait_for_cookie

pytestmark = pytest.mark.browser
DATA = ROOT / "tests" / "data" / "inventory"
SWEPT_AS_OF = dt.date(2027, 9, 1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``streamlit run app.py`` over the demo data, swept as of SWEPT_AS_OF."""
    directory = tmp_path_factory.mktemp("e2e-inventory")
    seed_database(directory)
    with server_services(directory) as services:
        sweep.run(services, SWEPT_AS_OF)
    with running_app(directory, public_url=True) as found:
        yield found


def shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"inventory-{safe_name(name)}.png"), full_page=True)


def sign_in(page: Page, username: str) -> None:
    page.add_init_script(RUN_COUNTER)
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    settle(page)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")  # the keyboard submits the form
    expect(
        page.get_by_test_id("stSidebar").get_by_text(re.compile(rf"Signed in as .*\b{username}\b"))
    ).to_be_visible()
    settle(page)
    wait_for_cookie(page, present=True)  # set by the server (HttpOnly)


def go_to(page: Page, link: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    if not sidebar.is_visible():  # on a phone the sidebar starts collapsed
        page.get_by_test_id("stExpandSidebarButton").click()
    act(page, lambda: page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click())
    expect(page.get_by_role("heading", name=link, exact=True).first).to_be_visible()
    settle(page)
    if page.viewport_size and page.viewport_size["width"] < 640 and sidebar.is_visible():
        page.get_by_test_id("stSidebarCollapseButton").get_by_role("button").click()
        expect(sidebar).not_to_be_in_viewport()


def test_admin_imports_opens_a_timeline_and_subscribes(
    page: Page, server: Server, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "admin")
    go_to(page, "Inventory")
    expect(
        page.get_by_role("heading", name=re.compile(r"^S-1: Meeting room booking"))
    ).to_be_visible()
    expect(page.get_by_text("Entered the inventory (review)").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"Escalated: ")).first).to_be_visible()
    shot(page, artifacts, "1280-timeline")
    page.get_by_role("tab", name="Findings").click()
    findings = page.get_by_role("tabpanel", name="Findings")
    expect(findings.get_by_test_id("stDataFrame")).to_be_visible()
    findings.scroll_into_view_if_needed()
    shot(page, artifacts, "1280-findings")

    # a spreadsheet with bad rows: each named by line and column, nothing imported
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.set_input_files(str(DATA / "bad-rows.csv"))
    expect(page.get_by_text("bad-rows.csv")).to_be_visible()
    settle(page)
    act(page, lambda: keyed(page, "inv-import").get_by_role("button").click())
    expect(
        page.get_by_text(re.compile(r"6 problems in 5 of 7 rows: nothing imported"))
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"line 3: contract_end: expected a date"))).to_be_visible()
    shot(page, artifacts, "1280-import-errors")
    act(page, lambda: keyed(page, "inv-skip").get_by_text("Skip bad rows").click())
    act(page, lambda: keyed(page, "inv-import").get_by_role("button").click())
    expect(page.get_by_text("imported 2 of 7 rows, skipped 5 bad rows")).to_be_visible()

    # the calendar: a secret address, served by the same server
    go_to(page, "Deadlines")
    act(page, lambda: keyed(page, "feed-rotate").get_by_role("button").click())
    code = page.get_by_test_id("stCode").first
    expect(code).to_contain_text("/feed/")
    address = (code.text_content() or "").strip()
    assert address.startswith(server.url + "/feed/") and address.endswith(".ics"), address
    with urllib.request.urlopen(address, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VCALENDAR" in response.read()
    shot(page, artifacts, "1280-deadlines")


def test_requester_on_a_phone_sees_their_department(
    browser: Browser, server: Server, artifacts: Path
) -> None:
    context = browser.new_context(
        base_url=server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, "dana")
        go_to(page, "Inventory")
        table = page.get_by_test_id("stDataFrame").first
        expect(table).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile(r"^S-1: "))).to_be_visible()
        expect(page.get_by_text("Public records request portal")).to_have_count(0)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px at 390px"
        shot(page, artifacts, "390-inventory")
        page.reload()  # still signed in, still on the system
        settle(page)
        expect(page.get_by_role("heading", name=re.compile(r"^S-1: "))).to_be_visible()
        go_to(page, "Deadlines")
        expect(page.get_by_text("Calendar feed")).to_be_visible()
        shot(page, artifacts, "390-deadlines")
    finally:
        context.close()
