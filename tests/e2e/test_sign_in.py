"""Signing in, in a real browser: repeated bad passwords pause the account with a message;
the session cookie is set by the server (HttpOnly: page script cannot read it) and survives a
reload; signing out after a reload signs out, and the old cookie no longer works anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, TIMEOUT_MS, Server
from .test_review_flow import open_app, sign_in, signed_in_as
from .waiting import act, keyed, session_cookie, settle, wait_for_cookie

pytestmark = pytest.mark.browser

PAUSED = "Too many failed sign-ins for this account"


def type_and_submit(page: Page, username: str, password: str) -> None:
    """As a person does it: type into the fields and press Enter."""
    page.get_by_label("Username", exact=True).fill("")
    page.get_by_label("Username", exact=True).press_sequentially(username)
    page.get_by_label("Password", exact=True).fill("")
    page.get_by_label("Password", exact=True).press_sequentially(password)
    act(page, lambda: page.get_by_label("Password", exact=True).press("Enter"))


def test_repeated_bad_passwords_pause_the_account(
    browser: Browser, server: Server, artifacts: Path
) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        open_app(page)
        for attempt in range(1, 5):
            type_and_submit(page, "olga", f"not her password {attempt}")
            expect(page.get_by_text("do not match an active account")).to_be_visible()
        type_and_submit(page, "olga", "not her password 5")
        expect(page.get_by_text(PAUSED)).to_be_visible()
        page.screenshot(path=str(artifacts / "sign-in-paused.png"), full_page=True)
        # while paused, even the right password is refused, with the same message
        type_and_submit(page, "olga", PASSWORD)
        expect(page.get_by_text(PAUSED)).to_be_visible()
        expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_have_count(0)
        assert session_cookie(page) is None
    finally:
        context.close()


def test_the_cookie_is_http_only_and_survives_a_reload(page: Page, artifacts: Path) -> None:
    open_app(page)
    sign_in(page, "sam")
    (cookie,) = [c for c in page.context.cookies() if c.get("name") == "review_session"]
    assert cookie.get("httpOnly") is True
    assert cookie.get("sameSite") == "Strict"
    assert "review_session" not in page.evaluate("document.cookie")
    page.reload()
    expect(signed_in_as(page, "sam")).to_be_visible(timeout=60_000)
    settle(page)
    assert "review_session" not in page.evaluate("document.cookie")
    page.screenshot(path=str(artifacts / "signed-in-after-reload.png"), full_page=True)


def test_sign_out_after_a_reload_ends_the_session(
    page: Page, browser: Browser, server: Server, artifacts: Path
) -> None:
    open_app(page)
    sign_in(page, "priya")
    old = session_cookie(page)
    assert old is not None
    page.reload()
    expect(signed_in_as(page, "priya")).to_be_visible(timeout=60_000)
    settle(page)
    act(page, lambda: keyed(page, "sign-out").get_by_role("button").click())
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    wait_for_cookie(page, present=False)
    page.reload()  # the browser holds no cookie: still signed out
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(artifacts / "signed-out-after-reload.png"), full_page=True)

    # someone who kept the old cookie gets nothing from it: the server ended that session
    other = browser.new_context(base_url=server.url)
    other.set_default_timeout(TIMEOUT_MS)
    host = server.url.split("//", 1)[1].split(":", 1)[0]
    other.add_cookies([{"name": "review_session", "value": old, "domain": host, "path": "/"}])
    replay = other.new_page()
    try:
        open_app(replay)
        expect(replay.get_by_role("button", name="Sign in")).to_be_visible()
        expect(replay.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_have_count(0)
    finally:
        other.close()
