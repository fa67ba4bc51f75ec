"""Publication delays in a real browser, at 1280 and 390 px, from the keyboard: a Library
requester asks for a delay of an entry that is already due on the register, the Director
grants it with a reason, and the public register lists the delay instead of the entry
(GEN-10). axe-core finds no WCAG 2.2 AA violation on the page, for the one who asks and for
the one who decides, in English and in Spanish."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.workflow.register_support import put_system, record

from .conftest import TIMEOUT_MS, Server, server_services
from .test_department_intake import TallShots, choose, focus_and, sign_in_by_keyboard
from .test_public_accessibility import AXE, TAGS
from .waiting import RUN_COUNTER, act, keyed, settle

pytestmark = pytest.mark.browser
WIDTHS = {1280: 900, 390: 844}


@contextmanager
def person(browser: Browser, server: Server, width: int) -> Iterator[Page]:
    """A browser of its own (its own session cookie) at ``width``."""
    context = browser.new_context(
        base_url=server.url, viewport={"width": width, "height": WIDTHS[width]}
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        opened = context.new_page()
        opened.add_init_script(RUN_COUNTER)
        yield opened
    finally:
        context.close()


def open_delays(page: Page) -> None:
    """Through the menu, as a person would: on a phone it is folded away, and the public
    registers' section sits behind "View N more"."""
    nav = page.get_by_test_id("stSidebarNav")
    if not nav.is_visible():
        act(page, page.get_by_test_id("stExpandSidebarButton").click)
    link = nav.get_by_role("link", name="Publication delays")
    if not link.is_visible():
        nav.get_by_role("button", name=re.compile(r"^View \d+ more")).click()
    act(page, link.click)
    expect(page.get_by_role("heading", name="Publication delays").first).to_be_visible()
    settle(page)
    collapse = page.get_by_test_id("stSidebarCollapseButton")
    if page.viewport_size and page.viewport_size["width"] < 600 and collapse.is_visible():
        act(page, collapse.locator("button").first.click)


def no_violations(page: Page, where: str) -> None:
    """axe-core on everything but the sidebar: Streamlit's sectioned menu (every signed-in
    page has one) puts section headings directly in its list, which axe reports as "list"
    and "listitem" violations that are Streamlit's markup, not this page's."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (scripts/setup does)")
    settle(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run({exclude: [['[data-testid=\"stSidebar\"]']]},"
        " {runOnly: {type: 'tag', values: tags}})",
        TAGS,
    )
    found = [
        {"id": v["id"], "nodes": [(n["target"], n["html"][:120]) for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert found == [], f"{where}: {json.dumps(found)}"


def ask_for(page: Page, sid: int, until: dt.date, reason: str) -> str:
    """Fill the ask form from the keyboard and send it: the new delay's number."""
    form = page.get_by_test_id("stForm").first
    choose(page, form.get_by_test_id("stSelectbox"), f"S-{sid} ", rerun=False)
    year = form.get_by_role("spinbutton", name=re.compile("^year")).first
    year.focus()
    page.keyboard.type(until.isoformat().replace("-", ""))
    field = form.locator("textarea")
    field.focus()
    page.keyboard.type(reason)
    focus_and(page, form.get_by_role("button", name="Ask for the delay"), "Enter")
    done = page.get_by_text(re.compile(rf"D-\d+ asked for: S-{sid} until"))
    expect(done).to_be_visible()
    expect(field).to_have_value("")  # done: the form is empty again
    found = re.search(r"D-(\d+)", done.inner_text())
    assert found is not None
    return found[1]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_ask_decide_and_the_delay_is_listed(
    browser: Browser, server: Server, artifacts: Path, width: int
) -> None:
    title = f"Meeting rooms {width}"
    with server_services(server.data_dir) as services:  # due on the register since long ago
        sid = put_system(
            services,
            record(title=title, department="Library"),
            entered_on=dt.date.today() - dt.timedelta(days=60),
        )
    until = dt.date.today() + dt.timedelta(days=60)
    reason = f"Contract negotiation is open ({width})"
    shot = TallShots(artifacts / f"delays-{width}")
    shot.directory.mkdir(parents=True, exist_ok=True)

    with person(browser, server, width) as page:  # the department asks
        sign_in_by_keyboard(page, "dana")
        open_delays(page)
        no_violations(page, f"requester, {width}px")
        shot(page, "requester-page")
        number = ask_for(page, sid, until, reason)
        shot(page, "asked")

    with person(browser, server, width) as page:  # the Director decides
        sign_in_by_keyboard(page, "director")
        open_delays(page)
        ask = keyed(page, f"delay-{number}")
        expect(ask).to_contain_text(reason)
        no_violations(page, f"director, {width}px")
        note = ask.locator("textarea")
        note.focus()
        page.keyboard.type("Published once the contract is signed")
        act(page, lambda: page.keyboard.press("Tab"))  # leaving the field keeps its text
        focus_and(page, ask.get_by_role("button", name="Grant"), "Enter")
        expect(page.get_by_text(f"D-{number} granted.")).to_be_visible()
        shot(page, "granted")

        page.goto("/publication-delays?lang=es")  # the same page in Spanish
        expect(page.get_by_role("heading", name="Aplazamientos de publicación")).to_be_visible()
        expect(page.get_by_text("Concedido").first).to_be_visible()
        no_violations(page, f"director, Spanish, {width}px")
        shot(page, "director-spanish")

        page.goto("/register-approved")  # the public register: the delay, not the entry
        expect(page.get_by_role("heading", name="Delayed entries")).to_be_visible()
        settle(page)
        delays = page.get_by_test_id("stTable").last
        expect(delays).to_contain_text(f"S-{sid}")
        expect(delays).to_contain_text(reason)
        expect(page.get_by_test_id("stMain")).not_to_contain_text(title)
        shot(page, "public-register")
