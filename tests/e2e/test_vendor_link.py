"""A vendor answers through their link, and nobody without one sees anything (issue 14).

In a real browser against ``streamlit run app.py``, signed out, at a desktop width and at
390 px: a made-up token, a token with one character changed and a request id without a token
each get the one plain refusal. Then the whole walk: the requester invites, the vendor (not
signed in) opens the e-mailed link, answers by keyboard, uploads an SBOM and sends; the
requester accepts some fields and rejects the others, and the new record version holds
exactly the accepted values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from review.services import proposals, vendor_answers, vendor_links
from review.services.record_versions import changed_fields
from review.services.vendor_links import REFUSED
from review.store.models import OutboxMessage
from tests.casefiles import DATA

from ..workflow.support import saas
from .conftest import Server, server_services
from .test_department_intake import choose, focus_and, type_text
from .test_inventory_flow import go_to, sign_in
from .waiting import RUN_COUNTER, keyed, settle

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
        expect(page.get_by_role("spinbutton")).to_have_count(0)
    page.screenshot(path=str(artifacts / f"vendor-{width}-0-refused.png"), full_page=True)


SBOM = DATA / "sbom_cases" / "groups-and-license-names.cdx.json"


def invited_token(server: Server, proposal_id: int) -> str:
    """The token of the newest invitation e-mail for the request, as the vendor receives it."""
    with server_services(server.data_dir) as svc, svc.transaction() as tx:
        mail = tx.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "vendor_invite")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert mail is not None and f"P-{proposal_id}" in mail.body_text
        found = re.search(r"/vendor\?token=(\S+)", mail.body_text)
        assert found is not None
        return found.group(1)


def requester_invites(page: Page, server: Server, width: int, pid: int) -> str:
    """The requester invites from the Vendor links page; returns the e-mailed token."""
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "dana")
    go_to(page, "Vendor links")
    type_text(page, "v-id", f"P-{pid}")
    type_text(page, "vendor-invite-email", "sales@vendor.example.com")
    focus_and(page, page.get_by_role("button", name="Send the invitation"), "Enter")
    expect(page.get_by_text("Invitation queued for sales@vendor.example.com")).to_be_visible()
    return invited_token(server, pid)


def vendor_answers_by_keyboard(vendor: Page, width: int, token: str, artifacts: Path) -> None:
    """Signed out, in their own browser: two answers typed, an SBOM uploaded, sent."""
    visit(vendor, width, f"/vendor?token={token}")
    hours = keyed(vendor, "vf-proposal-incident_notification_hours").locator("input")
    expect(hours).to_have_value(re.compile(r"^48(\.0+)?$"))
    expect(vendor.get_by_role("link", name="Vendor answers")).to_have_count(0)  # no menu
    vendor.screenshot(path=str(artifacts / f"vendor-{width}-1-top.png"))
    # a bad answer is named next to its question, and what was typed stays
    type_text(vendor, "vf-proposal-data_locations", "US\nusa", textarea=True)
    problem = keyed(vendor, "intake-problems-proposal-data_locations")
    expect(problem).to_contain_text("Countries where City data is stored")
    expect(problem).to_contain_text("'usa'")
    problem.scroll_into_view_if_needed()
    vendor.screenshot(path=str(artifacts / f"vendor-{width}-1-bad-value.png"))
    type_text(vendor, "vf-proposal-data_locations", "US", textarea=True)
    expect(problem).to_have_count(0)
    type_text(vendor, "vf-proposal-incident_notification_hours", "24")
    type_text(vendor, "vf-proposal-cyber_insurance_usd", "5000000")
    vendor.screenshot(path=str(artifacts / f"vendor-{width}-1-form.png"), full_page=True)
    choose(vendor, keyed(vendor, "vendor-upload-kind"), "Software bill", rerun=False)
    uploader = keyed(vendor, "vendor-upload-file")
    uploader.locator("input[type=file]").set_input_files(str(SBOM))
    expect(uploader.get_by_role("button", name=f"Remove {SBOM.name}")).to_be_visible()
    focus_and(vendor, keyed(vendor, "vendor-upload-read").get_by_role("button"), "Enter")
    expect(vendor.get_by_text(f"Added {SBOM.name}. Filled:")).to_be_visible()
    expect(
        vendor.get_by_text(re.compile(f"{re.escape(SBOM.name)} · Software bill"))
    ).to_be_visible()
    # the document's answer shows in the form (the department had said no SBOM)
    expect(
        keyed(vendor, "vf1-proposal-open_source-sbom_provided").get_by_role("radio", name="Yes")
    ).to_be_checked()
    vendor.screenshot(path=str(artifacts / f"vendor-{width}-2-uploaded.png"), full_page=True)
    send = vendor.get_by_role("button", name="Send my answers to the City")
    focus_and(vendor, send, "Enter")
    expect(vendor.get_by_text("Sent (answer")).to_be_visible()
    vendor.screenshot(path=str(artifacts / f"vendor-{width}-3-sent.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_invite_answer_by_keyboard_upload_and_decide_field_by_field(
    page: Page, browser: Browser, server: Server, width: int, artifacts: Path
) -> None:
    with server_services(server.data_dir) as svc:
        draft = proposals.create_draft(svc, "dana", saas(incident_notification_hours=48))
    pid = draft.proposal.id
    token = requester_invites(page, server, width, pid)
    vendor_context = browser.new_context(base_url=server.url)
    try:
        vendor_answers_by_keyboard(vendor_context.new_page(), width, token, artifacts)
    finally:
        vendor_context.close()

    # the requester accepts some fields and rejects the others, field by field
    with server_services(server.data_dir) as svc:
        before = proposals.get(svc, "dana", pid)
        [proposed] = vendor_answers.pending(svc, "dana", pid)
    changed = {c.field for c in proposed.changes}
    assert {"incident_notification_hours", "cyber_insurance_usd"} <= changed
    assert "open_source.sbom_provided" in changed and "open_source.components" in changed
    assert [d.filename for d in proposed.documents] == [SBOM.name]
    page.goto(f"/vendor_links?id={pid}")
    settle(page)
    expect(page.get_by_role("button", name=re.compile(f"Download .*{SBOM.name}"))).to_be_visible()
    for name in ("Incident notification", "SBOM provided"):
        box = page.get_by_role("checkbox", name=re.compile(f"^Accept {name}"))
        focus_and(page, box, "Space")
        expect(box).to_be_checked()
    page.screenshot(path=str(artifacts / f"vendor-{width}-4-decide.png"), full_page=True)
    focus_and(page, page.get_by_role("button", name="Save the decision"), "Enter")
    expect(page.get_by_text("No vendor answers are waiting for a decision.")).to_be_visible()

    with server_services(server.data_dir) as svc:
        after = proposals.get(svc, "dana", pid)
    assert after.current_version == before.current_version + 1
    assert changed_fields(before.record, after.record) == [
        "proposal.incident_notification_hours",
        "proposal.open_source.sbom_provided",
    ]  # exactly the accepted values; the insurance and the components stay the department's
    assert after.record["proposal"]["incident_notification_hours"] == 24
