"""Waiting for Streamlit in a real browser: one rerun at a time, and the session cookie.

Every browser test acts, then waits for the rerun its action caused to finish, never for a
fixed time; these are the one copy of that."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import TIMEOUT_MS

# Counts every change of the app's script state away from "notRunning", so a step can wait
# for the rerun it caused to start and finish (not just for an idle app that has not yet
# noticed the click). Install with page.add_init_script before the first page load.
RUN_COUNTER = """
window.__stRuns = 0;
new MutationObserver((records) => {
  for (const record of records) {
    const state = record.target.getAttribute('data-test-script-state');
    if (state && state !== 'notRunning' && state !== record.oldValue) window.__stRuns += 1;
  }
}).observe(document, {
  subtree: true, attributes: true, attributeOldValue: true,
  attributeFilter: ['data-test-script-state'],
});
"""
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  return !status || status.getBoundingClientRect().height === 0;
}"""


def settle(page: Page) -> None:
    page.wait_for_function(IDLE, timeout=TIMEOUT_MS)


def act(page: Page, action: Callable[[], object]) -> None:
    """Do something that makes Streamlit rerun, and wait until that rerun has finished."""
    before = page.evaluate("window.__stRuns")
    action()
    # a rerun too quick to be seen is possible; the idle check below still applies
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("n => window.__stRuns > n", arg=before, timeout=5_000)
    settle(page)


def keyed(page: Page | Locator, key: str) -> Locator:
    """The element Streamlit renders for the widget or container with this key."""
    return page.locator(f".st-key-{key}").first


def session_cookie(page: Page) -> str | None:
    """The session cookie's value as the browser holds it (page script cannot read it)."""
    for cookie in page.context.cookies():
        if cookie.get("name") == "review_session" and cookie.get("value"):
            return str(cookie["value"])
    return None


def wait_for_cookie(page: Page, *, present: bool) -> None:
    """The server sets (and clears) the HttpOnly session cookie on the run after sign-in."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while (session_cookie(page) is not None) != present:
        if time.monotonic() > deadline:
            raise AssertionError(f"the session cookie is {'missing' if present else 'still set'}")
        page.wait_for_timeout(100)
