"""A vendor answers through their link, and nobody without one sees anything (issue 14).

In a real browser against ``streamlit run app.py``, signed out, at a desktop width and at
390 px: a made-up token, a token with one character changed and a request id without a token
each get the one plain refusal; the valid token opens the vendor page, the vendor edits the
answers and submits by keyboard, and the answer waits for the requester's decision.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from review.services import proposals, vendor_answers, vendor_links
from review.services.vendor_links import REFUSED

from ..workflow.support import saas
from .conftest import Server, server_services
from .waiting import RUN_COUNTER, settle

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def invitation(server: Server) -> Iterator[tuple[str, int]]:
    with server_services(server.data_dir) as svc:
        draft = proposals.create_draft(svc, "dana", saas(incident_notification_hours=48))
        link = vendor_links.invite(svc, "dana", draft.proposal.id, "a@vendor.example.com")
    yield link.token, draft.proposal.id


def visit(page: Page, width: int, path: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(RUN_COUNTER)
    page.goto(path)
    settle(page)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_bad_tokens_and_bare_ids_get_one_plain_refusal(
    page: Page, server: Server, invitation: tuple[str, int], width: int, artifacts: Path
) -> None:
    token, proposal_id = invitation
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in ("/vendor?token=made-up", f"/vendor?token={changed}", f"/vendor?id={proposal_id}"):
        visit(page, width, path)
        expect(page.get_by_text(REFUSED)).to_be_visible(timeout=60_000)
        expect(page.get_by_role("textbox")).to_have_count(0)
    page.screenshot(path=str(artifacts / f"vendor-{width}-0-refused.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_vendor_answers_by_keyboard(
    page: Page, server: Server, invitation: tuple[str, int], width: int, artifacts: Path
) -> None:
    token, proposal_id = invitation
    visit(page, width, f"/vendor?token={token}")
    editor = page.get_by_label("Your answers (YAML)")
    expect(editor).to_be_visible(timeout=60_000)
    text = editor.input_value()
    assert "incident_notification_hours: 48" in text
    page.screenshot(path=str(artifacts / f"vendor-{width}-1-page.png"), full_page=True)
    # the page is reached by the invitation's link only: no menu offers it
    expect(page.get_by_role("link", name="Vendor answers")).to_have_count(0)
    editor.fill(text.replace("incident_notification_hours: 48", "incident_notification_hours: 24"))
    page.keyboard.press("Tab")  # to the submit button
    page.keyboard.press("Enter")
    expect(page.get_by_text("Sent (answer")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts / f"vendor-{width}-2-sent.png"), full_page=True)
    with server_services(server.data_dir) as svc:
        waiting = vendor_answers.pending(svc, "dana", proposal_id)  # reads only
    assert any(
        c.field == "incident_notification_hours" and c.proposed == 24
        for p in waiting
        for c in p.changes
    )
