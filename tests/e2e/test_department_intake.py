"""A department files a request the way a person does, in a real browser, at 1280 and 390 px.

The requester answers the early-consultation step and reads what it means (the likely tier,
the reviews, what to ask vendors, as a Word document), asks for a consultation meeting and
downloads its invitation, then fills every step of the full form from the keyboard alone,
the list answers (alternatives, integrations, data purposes, certifications, components,
documents) through their item sub-forms. Midway the tab is reloaded: the browser asks before
leaving (unsaved text), and the form comes back at the same step with everything saved.
Vendor documents (a real Word ACR and a real CycloneDX SBOM) fill answers without breaking
Save, the answers survive another reload, and the request is submitted.

What the page should say about the answers is worked out by the engine and the standards
themselves, so the test checks the UI against the policy data rather than copied figures.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import icalendar
import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from review.core.evaluate import evaluator
from review.store.database import Database
from review.store.models import Consultation, Proposal
from review.ui.components import DOMAIN_TITLE

from .conftest import PASSWORD, TIMEOUT_MS, Server
from .test_review_flow import Shots
from .waiting import RUN_COUNTER, act, keyed, settle, wait_for_cookie

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data"
ACR = DATA / "acr" / "drupal-10-16.docx"
SBOM = DATA / "sbom" / "cyclonedx" / "SBOM_cern-lhc-vdm-editor-e564943_bom.json"
WIDTHS = {"desktop": (1280, 900, "carl"), "phone": (390, 844, "felix")}


# --- the keyboard -------------------------------------------------------------------------


def focus_and(page: Page, target: Locator, *keys: str, rerun: bool = True) -> None:
    """Put the focus on a control (as Tab would) and press keys there."""
    target.scroll_into_view_if_needed()
    target.focus()
    expect(target).to_be_focused()
    for key in keys[:-1]:
        page.keyboard.press(key)
    if keys:
        last = keys[-1]
        if rerun:
            act(page, lambda: page.keyboard.press(last))
        else:
            page.keyboard.press(last)


def type_text(page: Page, key: str, text: str, *, textarea: bool = False) -> None:
    """Type into a text field and leave it with Tab (which confirms it)."""
    field = keyed(page, key).locator("textarea" if textarea else "input")
    field.scroll_into_view_if_needed()
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    act(page, lambda: page.keyboard.press("Tab"))
    expect(field).to_have_value(text if not re.fullmatch(r"\d+", text) else re.compile(text))


def type_to_filter(page: Page, widget: Locator, text: str) -> Locator:
    """Focus a combobox and type until its list shows ``text``; returns the combobox.

    A rerun of the previous answer still settling can remount the list and drop what was
    typed (the list closes), so the text is typed again, as a person would, until it holds.
    """
    box = widget.get_by_role("combobox").first
    option = page.get_by_role("option").filter(has_text=text).first
    for _attempt in range(4):
        settle(page)
        box.scroll_into_view_if_needed()
        box.focus()
        if box.input_value():  # a half-typed filter left by the dropped attempt
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
        page.keyboard.type(text)
        try:
            expect(option).to_be_visible(timeout=5_000)
            return box
        except AssertionError:
            page.keyboard.press("Escape")
    expect(option).to_be_visible()
    return box


def choose(page: Page, widget: Locator, text: str, *, rerun: bool = True) -> None:
    """A selectbox: focus it, type to filter, Enter picks the first match."""
    box = type_to_filter(page, widget, text)
    if rerun:
        act(page, lambda: page.keyboard.press("Enter"))
    else:
        page.keyboard.press("Enter")
    expect(box).to_have_value(re.compile(re.escape(text)))


def add_to_multi(page: Page, key: str, text: str) -> None:
    widget = keyed(page, key)
    type_to_filter(page, widget, text)
    act(page, lambda: page.keyboard.press("Enter"))
    page.keyboard.press("Escape")
    expect(widget).to_contain_text(text)


def set_radio(page: Page, widget: Locator, value: str, *, rerun: bool = True) -> None:
    """A radio group: arrow keys move the choice (each move is an answer)."""
    labels = [t.strip() for t in widget.get_by_test_id("stRadioOption").all_inner_texts()]
    choices = widget.get_by_role("radio")
    start = next(i for i in range(choices.count()) if choices.nth(i).is_checked())
    target = labels.index(value)
    choices.nth(start).focus()
    key = "ArrowRight" if target > start else "ArrowLeft"
    for _ in range(abs(target - start)):
        if rerun:
            act(page, lambda: page.keyboard.press(key))
        else:
            page.keyboard.press(key)
    expect(widget.get_by_role("radio", name=value, exact=True)).to_be_checked()


def go_to_step(page: Page, title: str) -> None:
    """The step picker is a radio group too: move with the arrow keys."""
    set_radio(page, keyed(page, "intake-step"), title)
    settle(page)


def add_item(page: Page, field: str, answers: list[tuple[str, str, str]], title: str) -> None:
    """Fill one item's sub-form from the keyboard: the first control is focused, Tab moves
    through the others (help buttons included), and Enter on the button adds the item."""
    form = keyed(page, f"{field}-form")
    for kind, label, value in answers:
        if kind == "text":
            box = form.get_by_role("textbox", name=label).first
            box.scroll_into_view_if_needed()
            box.focus()
            page.keyboard.type(value)
        elif kind == "select":
            widget = form.get_by_test_id("stSelectbox").filter(has_text=label)
            choose(page, widget, value, rerun=False)
        elif kind == "radio":
            group = form.get_by_test_id("stRadio").filter(has_text=label)
            set_radio(page, group, value, rerun=False)
        elif kind == "date":
            year = form.get_by_role("spinbutton", name=re.compile("^year")).first
            year.focus()
            page.keyboard.type(value.replace("-", ""))
    button = form.get_by_role("button", name=re.compile(r"^(Add|Save) "))
    focus_and(page, button, "Enter")
    item = keyed(page, field).get_by_role("button", name=title, exact=True)
    expect(item).to_be_visible()


def item_button(page: Page, field: str, name: str) -> Locator:
    return keyed(page, field).get_by_role("button", name=name, exact=True)


# --- the app ------------------------------------------------------------------------------


def sign_in_by_keyboard(page: Page, username: str) -> None:
    page.add_init_script(RUN_COUNTER)
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    settle(page)
    page.get_by_label("Username", exact=True).focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    act(page, lambda: page.keyboard.press("Enter"))
    wait_for_cookie(page, present=True)  # set by the server (HttpOnly)
    settle(page)


def open_page(page: Page, link: str, heading: str) -> None:
    nav = page.get_by_test_id("stSidebarNav")
    if not nav.is_visible():  # on a phone the menu is folded away
        act(page, page.get_by_test_id("stExpandSidebarButton").click)
    act(page, lambda: nav.get_by_role("link", name=link).click())
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    settle(page)
    collapse = page.get_by_test_id("stSidebarCollapseButton")
    if page.viewport_size and page.viewport_size["width"] < 600 and collapse.is_visible():
        act(page, collapse.locator("button").first.click)


class TallShots(Shots):
    """Screenshots of the whole page: Streamlit scrolls inside its main area, so the window is
    made as tall as the content for the picture, then put back."""

    def __call__(self, page: Page, name: str) -> None:
        size = page.viewport_size or {"width": 1280, "height": 900}
        height = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=stMain]');"
            " return m ? m.scrollHeight : document.body.scrollHeight; }"
        )
        page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 12_000)})
        page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollTo(0, 0)")
        try:
            settle(page)
            super().__call__(page, name)
        finally:
            page.set_viewport_size(size)


def saved_status(page: Page) -> Locator:
    return keyed(page, "intake-autosave").get_by_text(re.compile(r"^All changes saved to P-\d+"))


def download(page: Page, button: Locator) -> bytes:
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        focus_and(page, button, "Enter", rerun=False)
    path = info.value.path()
    return Path(path).read_bytes()


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml.replace("</w:p>", "\n"))


def stored(server: Server, query: Callable[[Any], Any]) -> Any:
    """Read the server's database directly (what a reviewer or auditor would find)."""
    db = Database.connect(f"sqlite:///{server.data_dir / 'review.db'}")
    try:
        with db.session() as session:
            return query(session)
    finally:
        db.engine.dispose()


# --- the walk -----------------------------------------------------------------------------


@dataclass
class Walk:
    """One person's walk through the form: their browser tab, what the browser asked them,
    and the screenshots taken on the way."""

    page: Page
    server: Server
    device: str
    title: str
    shot: Shots
    dialogs: list[str] = field(default_factory=list)

    def answer_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.type)
        dialog.accept()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_department_files_a_request_by_keyboard(
    page: Page, server: Server, artifacts: Path, device: str
) -> None:
    width, height, user = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    shot = TallShots(artifacts)
    shot.count = 100 if device == "phone" else 0
    walk = Walk(page, server, device, f"Permit counter kiosk ({device})", shot)
    page.on("dialog", walk.answer_dialog)
    sign_in_by_keyboard(page, user)
    open_page(page, "New request", "New request")
    blank_form(walk)
    early_consultation(walk)
    vendor_questions_document(walk)
    consultation_meeting(walk)
    full_form(walk)
    reload_mid_form(walk)
    vendor_documents(walk)
    submit_request(walk)


def blank_form(walk: Walk) -> None:
    page = walk.page
    # A blank form judges nothing: no blocker before the person has answered.
    side = keyed(page, "early-panel")
    expect(side.get_by_text(re.compile("^Answer the questions to see"))).to_be_visible()
    expect(page.get_by_text("BLOCKER")).to_have_count(0)
    walk.shot(page, f"{walk.device}-blank-form")


def early_consultation(walk: Walk) -> None:
    page, title = walk.page, walk.title
    # 1. Early consultation.
    type_text(page, "f-proposal-title", title)
    type_text(
        page,
        "f-proposal-problem_statement",
        "Residents queue for an hour at the permit counter to ask simple questions.",
        textarea=True,
    )
    choose(page, keyed(page, "f-proposal-acquisition_type"), "Software as a service")
    type_text(page, "f-proposal-cost-annual", "24000")
    type_text(page, "f-proposal-cost-term_years", "3")
    type_text(page, "f-proposal-users-staff_count", "12")
    set_radio(page, keyed(page, "f-proposal-users-public_facing"), "Yes")
    add_to_multi(page, "f-proposal-data_classes", "Confidential")
    add_to_multi(page, "f-proposal-data_types", "Personal information")
    set_radio(page, keyed(page, "f-proposal-ai-uses_ai"), "No")
    set_radio(page, keyed(page, "f-proposal-surveillance-is_surveillance_technology"), "No")

    standards = evaluator().standards
    tier = keyed(page, "early-tier")
    expect(tier).to_contain_text("Likely review: Tier 2")
    for domain in ("technology", "security", "accessibility", "privacy"):
        expect(tier).to_contain_text(DOMAIN_TITLE[domain])
    expect(tier).to_contain_text("You can submit now")
    asks = keyed(page, "early-asks")
    insurance = f"${standards.security.cyber_insurance_min_usd:,.0f}"
    expect(asks).to_contain_text(insurance)
    expect(asks).to_contain_text(f"{standards.accessibility.acr_max_age_months} months")
    expect(asks.get_by_role("link", name="SEC-1 Attestation")).to_be_visible()
    walk.shot(page, f"{walk.device}-early-consultation")


def vendor_questions_document(walk: Walk) -> None:
    page, title = walk.page, walk.title
    standards = evaluator().standards
    insurance = f"${standards.security.cyber_insurance_min_usd:,.0f}"
    word = download(page, keyed(page, "early-download").get_by_role("button"))
    text = docx_text(word)
    assert "What to ask vendors" in text and title in text
    assert insurance in text and "SEC-5 Cyber insurance" in text
    # the policy's own words are quoted for bidders
    assert standards.section_index["SEC-4"].text.split()[0] in text


def consultation_meeting(walk: Walk) -> None:
    page, title = walk.page, walk.title
    standards = evaluator().standards
    # An optional meeting with Digital Service, with its invitation.
    focus_and(page, keyed(page, "early-meeting").locator("summary"), "Enter", rerun=False)
    note = keyed(page, "early-note").locator("textarea")
    note.focus()
    page.keyboard.type("Which quotes do we need?")
    focus_and(page, keyed(page, "early-ask").get_by_role("button"), "Enter")
    expect(page.get_by_text(re.compile("^Consultation requested for"))).to_be_visible()
    ics = icalendar.Calendar.from_ical(
        download(page, page.get_by_role("button", name="Download the invitation (.ics)"))
    )
    event = ics.events[0]
    assert title in str(event["summary"])
    minutes = standards.intake.consultation.meeting_minutes
    assert event.duration == dt.timedelta(minutes=minutes)
    rows = stored(walk.server, lambda s: s.query(Consultation).count())
    assert rows >= 1


def full_form(walk: Walk) -> None:
    page = walk.page
    # 2. The full form opens with those answers in it.
    focus_and(page, keyed(page, "early-continue").get_by_role("button"), "Enter")
    expect(
        keyed(page, "intake-step").get_by_role("radio", name="About the request")
    ).to_be_checked()
    expect(saved_status(page)).to_be_visible()  # the step change saved the draft
    type_text(page, "f-proposal-vendor-name", "Kiosk Co")

    go_to_step(page, "Cost and procurement")
    choose(page, keyed(page, "f-proposal-procurement_method"), "Informal quotes")
    add_item(
        page,
        "f-proposal-alternatives_considered",
        [("text", "Name", "OpenKiosk"), ("radio", "Open source", "Yes")],
        "Edit alternative OpenKiosk (open source)",
    )
    add_item(
        page,
        "f-proposal-alternatives_considered",
        [("text", "Name", "Paper forms")],
        "Edit alternative Paper forms",
    )
    # an item can be removed, and put back
    field = "f-proposal-alternatives_considered"
    focus_and(page, item_button(page, field, "Remove alternative Paper forms"), "Enter")
    expect(item_button(page, field, "Edit alternative Paper forms")).to_have_count(0)
    focus_and(page, item_button(page, field, "Put back alternative Paper forms"), "Enter")
    expect(item_button(page, field, "Edit alternative Paper forms")).to_be_visible()
    walk.shot(page, f"{walk.device}-alternatives")

    go_to_step(page, "Users and hosting")
    choose(page, keyed(page, "f-proposal-hosting"), "Vendor cloud")
    add_item(
        page,
        "f-proposal-integrations",
        [("text", "System", "erp"), ("select", "Method", "API")],
        "Edit integration erp (API)",
    )
    add_item(
        page,
        "f-proposal-integrations",
        [("text", "System", "gis"), ("select", "Method", "SFTP")],
        "Edit integration gis (SFTP)",
    )
    walk.shot(page, f"{walk.device}-integrations")

    go_to_step(page, "Data")
    add_item(
        page,
        "f-proposal-data_purposes",
        [
            ("select", "Data type", "Personal information"),
            ("text", "Purpose", "To call residents back"),
        ],
        "Edit data purpose Personal information",
    )

    go_to_step(page, "Security")
    choose(page, keyed(page, "f-proposal-encryption-tls_min_version"), "TLS 1.2")
    add_item(
        page,
        "f-proposal-certifications",
        [("select", "Type", "SOC 2 Type II"), ("date", "Date", "2026-06-01")],
        "Edit certification SOC 2 Type II (2026-06-01)",
    )
    expect(saved_status(page)).to_be_visible()


def reload_mid_form(walk: Walk) -> None:
    page = walk.page
    # 3. Reload mid-form, with text typed but not confirmed: the browser asks first.
    go_to_step(page, "Open source")  # saves the draft
    expect(saved_status(page)).to_be_visible()
    draft_url = page.url
    assert re.search(r"[?&]draft=\d+", draft_url) and "step=7" in draft_url, draft_url
    keyed(page, "f-proposal-open_source-license").locator("input").focus()
    page.keyboard.type("Apache-2.0")
    page.reload()
    assert "beforeunload" in walk.dialogs, walk.dialogs
    expect(keyed(page, "intake-step").get_by_role("radio", name="Open source")).to_be_checked(
        timeout=60_000
    )
    settle(page)
    walk.shot(page, f"{walk.device}-after-reload")
    # everything confirmed before the reload is there
    go_to_step(page, "Security")
    expect(
        item_button(
            page,
            "f-proposal-certifications",
            "Edit certification SOC 2 Type II (2026-06-01)",
        )
    ).to_be_visible()
    go_to_step(page, "Open source")
    type_text(page, "f-proposal-open_source-license", "Apache-2.0")
    add_item(
        page,
        "f-proposal-open_source-components",
        [
            ("text", "Name", "leaflet"),
            ("text", "Version", "1.9.4"),
            ("text", "License (SPDX)", "BSD-2-Clause"),
        ],
        "Edit component leaflet (1.9.4, BSD-2-Clause)",
    )

    go_to_step(page, "AI, privacy and surveillance")
    set_radio(page, keyed(page, "f-proposal-privacy-impact_assessment"), "Yes")


def vendor_documents(walk: Walk) -> None:
    page = walk.page
    # 4. Vendor documents fill answers, and the form stays savable.
    go_to_step(page, "Attachments")
    for path, kind in ((ACR, "Accessibility conformance report"), (SBOM, "Software bill")):
        choose(page, keyed(page, "upload-kind"), kind, rerun=False)
        keyed(page, "upload-file").locator("input[type=file]").set_input_files(str(path))
        expect(
            keyed(page, "upload-file").get_by_role("button", name=f"Remove {path.name}")
        ).to_be_visible()
        focus_and(page, keyed(page, "upload-read").get_by_role("button"), "Enter")
        expect(page.get_by_text(f"Stored {path.name}")).to_be_visible()
        use = page.get_by_role("button", name=f"Use what {path.name} says in the form")
        focus_and(page, use, "Enter")
        expect(page.get_by_text(re.compile(r"^Filled: .*Saved\.$"))).to_be_visible()
    walk.shot(page, f"{walk.device}-documents")
    focus_and(page, keyed(page, "intake-save").get_by_role("button"), "Enter")
    expect(page.get_by_text(re.compile(r"^Saved P-\d+\.$"))).to_be_visible()
    expect(page.get_by_text("changed since you loaded it")).to_have_count(0)

    # what the documents said survives a reload (nothing unsaved now: no question asked)
    asked = len(walk.dialogs)
    page.reload()
    expect(keyed(page, "intake-step").get_by_role("radio", name="Attachments")).to_be_checked(
        timeout=60_000
    )
    settle(page)
    assert len(walk.dialogs) == asked, "the browser asked although everything was saved"
    go_to_step(page, "Accessibility")
    acr_date = keyed(page, "f-proposal-accessibility-acr_date")
    expect(acr_date.get_by_role("spinbutton", name=re.compile("^year"))).to_have_text("2023")
    go_to_step(page, "Open source")
    components = keyed(page, "f-proposal-open_source-components")
    expect(components.get_by_text(re.compile(r"^Components 1–25 of \d+"))).to_be_visible()
    walk.shot(page, f"{walk.device}-components-from-sbom")


def submit_request(walk: Walk) -> None:
    page, title = walk.page, walk.title
    # 5. Submit: the request page shows the evaluation.
    focus_and(page, keyed(page, "intake-submit").get_by_role("button"), "Enter")
    header = page.get_by_role("heading", name=re.compile(r"^P-\d+: " + re.escape(title)))
    expect(header).to_be_visible(timeout=TIMEOUT_MS * 2)
    settle(page)
    walk.shot(page, f"{walk.device}-submitted")
    ref = (header.text_content() or "").split(":")[0]
    record = stored(walk.server, lambda s: s.get(Proposal, int(ref[2:])).state)
    assert record == "submitted"


def test_an_empty_submit_names_what_is_missing_and_stores_nothing(
    page: Page, server: Server, artifacts: Path
) -> None:
    before = stored(server, lambda s: s.query(Proposal).count())
    sign_in_by_keyboard(page, "clara")
    open_page(page, "New request", "New request")
    focus_and(page, keyed(page, "intake-submit").get_by_role("button"), "Enter")
    refusal = page.get_by_text(re.compile("^Not submitted yet"))
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Title (Tell us about the problem)")
    expect(refusal).to_contain_text("Problem statement (Tell us about the problem)")
    expect(refusal).not_to_contain_text("proposal.")
    # and next to the field itself
    expect(keyed(page, "intake-problems-proposal-title")).to_contain_text("not answered")
    page.screenshot(path=str(artifacts / "empty-submit.png"), full_page=True)
    assert stored(server, lambda s: s.query(Proposal).count()) == before
