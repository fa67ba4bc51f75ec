"""The approver downloads a packet and anyone verifies it on the "Verify a packet" page.

In a real browser against ``streamlit run app.py``, at a desktop width and at 390 px: the
approver prepares and downloads the packet of the demo's approved request, opens "Verify a
packet", chooses the file with the keyboard and reads that it is valid and who decided it;
an altered copy (a finding row hidden with w:vanish, which a text-only check used to pass)
is reported altered with the part that changed; a visitor who is not signed in can verify
too. The seal's verdict on the page is checked against the library's own verdict.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from review.packet import Outcome, verify_packet

from ..packet import tamper
from .conftest import PASSWORD, Server
from .test_review_flow import Shots, signed_in_as
from .waiting import RUN_COUNTER, act, keyed, settle, wait_for_cookie

pytestmark = pytest.mark.browser

APPROVER = "cara"
APPROVER_NAME = "Cara Jones (contract approver) (cara)"
DECIDED = "1"  # the demo's library room booking, approved with conditions
WIDTHS = {"desktop": 1280, "phone": 390}


def sidebar(page: Page) -> None:
    """Open the sidebar where it is collapsed (a phone) so its links can be used."""
    nav = page.get_by_test_id("stSidebarNav")
    if not nav.is_visible():
        act(page, page.get_by_test_id("stExpandSidebarButton").click)
    expect(nav).to_be_visible()


def close_sidebar(page: Page) -> None:
    """On a phone the open sidebar covers the page: close it, as a person would."""
    size = page.viewport_size
    if (
        size is not None
        and size["width"] < 640
        and page.get_by_test_id("stSidebarNav").is_visible()
    ):
        page.get_by_test_id("stSidebar").hover()  # the button shows while the pointer is there
        act(page, page.get_by_test_id("stSidebarCollapseButton").get_by_role("button").click)
        expect(page.get_by_test_id("stSidebarNav")).not_to_be_visible()


def go(page: Page, link: str, heading: str) -> None:
    sidebar(page)
    act(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click)
    close_sidebar(page)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    settle(page)


def start(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(RUN_COUNTER)
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    settle(page)


def sign_in(page: Page, username: str) -> None:
    """By keyboard: type, Tab to the password, Enter to submit."""
    page.get_by_label("Username", exact=True).fill(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    act(page, lambda: page.keyboard.press("Enter"))
    wait_for_cookie(page, present=True)  # set by the server (HttpOnly)
    sidebar(page)
    expect(signed_in_as(page, username)).to_be_visible()
    close_sidebar(page)
    settle(page)


def download_packet(page: Page, folder: Path) -> Path:
    go(page, "Approvals", "Approvals")
    decided = keyed(page, f"decided-{DECIDED}")
    expect(decided).to_be_visible()
    prepare = keyed(decided, f"packet-final-{DECIDED}").get_by_role("button")
    prepare.focus()
    act(page, lambda: page.keyboard.press("Enter"))
    download = keyed(decided, f"download-final-{DECIDED}").get_by_role("button")
    expect(download).to_be_visible()
    download.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def upload(page: Page, file: Path) -> None:
    """Choose a file as a keyboard user does: the upload button takes the focus, then the file
    is given to the file input (the operating system's dialog is not part of the page)."""
    widget = keyed(page, "verify-upload")
    earlier = widget.get_by_role("button", name=re.compile("^Remove "))
    if earlier.count():  # a person removes the file checked before choosing the next
        earlier.first.focus()
        act(page, lambda: page.keyboard.press("Enter"))
        expect(earlier).to_have_count(0)
    browse = widget.get_by_role("button", name=re.compile("Browse files|Upload"))
    browse.focus()
    expect(browse).to_be_focused()
    act(page, lambda: widget.locator("input[type=file]").set_input_files(str(file)))
    expect(widget.get_by_role("button", name=f"Remove {file.name}")).to_be_visible()
    settle(page)


def expect_verdict(page: Page, text: str) -> None:
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(text, exact=False).first).to_be_visible()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_download_and_verify_a_packet(
    page: Page,
    server: Server,
    artifacts: Path,
    tmp_path: Path,
    size: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shot = Shots(artifacts / f"verify-{size}")
    shot.directory.mkdir(parents=True, exist_ok=True)
    start(page, WIDTHS[size])
    sign_in(page, APPROVER)

    # 1. The approver downloads the packet of a decided request.
    packet = download_packet(page, tmp_path)
    assert packet.name == f"P-{DECIDED}-approval-packet.docx"
    monkeypatch.setenv("REVIEW_DATA_DIR", str(server.data_dir))  # the server's keys
    library = verify_packet(packet.read_bytes(), filename=packet.name)
    assert library.outcome is Outcome.VALID, library.message
    shot(page, "approvals-packet-downloaded")

    # 2. "Verify a packet": valid, decided by the approver, the digest the footer shows.
    go(page, "Verify a packet", "Verify a packet")
    shot(page, "verify-empty")
    upload(page, packet)
    expect_verdict(page, "Valid: this is exactly the packet that was sealed.")
    expect_verdict(page, f"Decided by: {APPROVER_NAME}")
    expect_verdict(page, "Decision: Approved with conditions")
    expect(page.get_by_test_id("stCode").filter(has_text=library.content_digest)).to_be_visible()
    shot(page, "verify-valid")

    # 3. An altered copy (one finding row hidden) is altered, naming what changed.
    altered = tmp_path / "P-1-approval-packet-hidden-row.docx"
    altered.write_bytes(tamper.vanished_row(packet.read_bytes()))
    upload(page, altered)
    expect_verdict(page, "Altered: this is not the packet that was issued.")
    expect_verdict(page, "part word/document.xml was changed")
    shot(page, "verify-altered")

    # 4. A file that is not a packet is refused with a reason, not a traceback.
    other = tmp_path / "notes.docx"
    other.write_bytes(b"Meeting notes, saved with the wrong extension.")
    upload(page, other)
    expect_verdict(page, "This file cannot be checked as a packet.")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shot(page, "verify-not-a-packet")

    # 5. Signed out, a visitor verifies the same packet.
    page.context.clear_cookies()
    page.goto("/verify")
    expect(page.get_by_role("heading", name="Verify a packet", exact=True)).to_be_visible(
        timeout=60_000
    )
    settle(page)
    upload(page, packet)
    expect_verdict(page, "Valid: this is exactly the packet that was sealed.")
    shot(page, "visitor-verify-valid")
