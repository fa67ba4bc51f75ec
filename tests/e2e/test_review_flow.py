"""One request through the whole review, in a real browser against ``streamlit run app.py``.

A Library requester fills in the New request form and submits it; the request page shows its
findings. The Information Security Officer opens another request from the queue's table ("Open
P-n") and waives a rule's two findings in one decision. Each required domain's reviewer puts a
condition on the major findings of their domain and signs off (confirming open blockers when
warned); the approver approves with conditions and downloads the approval packet. The whole
path runs at 1280 px and at 390 px (screenshots under artifacts/e2e/review-<width>/).
A reload while signed in keeps the user signed in (the session cookie).

What the page should show is worked out by the engine itself from the same answers, so the
test checks the UI against the rules rather than against numbers copied into it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from review.core.evaluate import evaluator
from review.core.loading import submission_from_data
from review.services import demo
from review.services.roles import Role, review_domain
from review.ui.components import DISPOSITION_TEXT, DOMAIN_TITLE

from .conftest import PASSWORD, Server, safe_name
from .waiting import RUN_COUNTER, act, keyed, settle, wait_for_cookie

pytestmark = pytest.mark.browser

REQUESTER = "dana"  # Library
APPROVER = "cara"
TITLE = "Digital signage for branch libraries"
PROBLEM = "Paper notices in the eleven branches go out of date within days."
REVIEWER_OF = {d: u.username for u in demo.USERS for r, d in u.grants if r is Role.REVIEWER}

# The answers the requester gives, by step: (step, field key, kind, value shown in the UI).
ANSWERS: list[tuple[str, str, str, str]] = [
    ("Tell us about the problem", "f-proposal-title", "text", TITLE),
    ("Tell us about the problem", "f-proposal-problem_statement", "textarea", PROBLEM),
    (
        "Tell us about the problem",
        "f-proposal-acquisition_type",
        "select",
        "Professional services",
    ),
    ("Tell us about the problem", "f-proposal-cost-one_time", "number", "15000"),
    ("Tell us about the problem", "f-proposal-users-public_facing", "radio", "No"),
    ("Tell us about the problem", "f-proposal-data_classes", "multi", "Public"),
    ("Tell us about the problem", "f-proposal-ai-uses_ai", "radio", "No"),
    (
        "Tell us about the problem",
        "f-proposal-surveillance-is_surveillance_technology",
        "radio",
        "No",
    ),
    ("Cost and procurement", "f-proposal-procurement_method", "select", "Informal quotes"),
    ("Users and hosting", "f-proposal-has_user_interface", "radio", "Yes"),
    ("Users and hosting", "f-proposal-hosting", "select", "Nothing hosted"),
    ("Security", "f-proposal-authentication-sso", "select", "SAML"),
    ("Security", "f-proposal-lifecycle-browser_plugins_required", "radio", "No"),
]
# The same answers as the record the form builds (the engine's expectation is taken from it).
RECORD: dict[str, Any] = {
    "proposal": {
        "title": TITLE,
        "department": "Library",
        "requester": {"name": "Dana (Library)", "email": "dana@city.example.gov"},
        "problem_statement": PROBLEM,
        "acquisition_type": "professional_services",
        "cost": {"one_time": 15000.0},
        "users": {"public_facing": False},
        "procurement_method": "informal_quotes",
        "has_user_interface": True,
        "hosting": "none",
        "data_classes": ["public"],
        "ai": {"uses_ai": False},
        "surveillance": {"is_surveillance_technology": False},
        "authentication": {"sso": "saml"},
        "lifecycle": {"browser_plugins_required": False},
    }
}


@dataclass(frozen=True)
class Expected:
    """What the engine says about RECORD: the UI must show the same."""

    tier: int
    disposition: str
    required: list[str]
    domains: dict[str, str]  # finding domain -> expander label, as the findings view shows it
    majors: list[tuple[str, str, str]]  # (finding domain, rule id, title)


def expected() -> Expected:
    result = evaluator().evaluate(submission_from_data(RECORD, source="e2e"), dt.date.today())
    findings = [f.to_dict() for f in result.findings if f.severity != "info"]
    counts: dict[str, dict[str, int]] = {}
    for f in findings:
        per = counts.setdefault(f["domain"], {})
        per[f["severity"]] = per.get(f["severity"], 0) + 1
    labels = {
        d: f"{DOMAIN_TITLE[d]} — " + ", ".join(f"{n} {s}" for s, n in per.items())
        for d, per in counts.items()
    }
    majors = [(f["domain"], f["rule_id"], f["title"]) for f in findings if f["severity"] == "major"]
    return Expected(result.tier, result.disposition, list(result.required_signoffs), labels, majors)


class Shots:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0
        self.taken: list[Path] = []

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{safe_name(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)


# --- steps ----------------------------------------------------------------------------------


def open_app(page: Page) -> None:
    page.add_init_script(RUN_COUNTER)
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    settle(page)


def sign_in(page: Page, username: str) -> None:
    if narrow(page):
        sidebar(page, shown=False)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    act(page, lambda: page.get_by_role("button", name="Sign in").click())
    sidebar(page, shown=True)
    expect(signed_in_as(page, username)).to_be_visible()
    settle(page)
    if narrow(page):
        sidebar(page, shown=False)
    # the server sets the (HttpOnly) session cookie on the run after sign-in
    wait_for_cookie(page, present=True)


def signed_in_as(page: Page, username: str) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_text(
        re.compile(rf"Signed in as .*\b{username}\b")
    )


def sign_out(page: Page) -> None:
    sidebar(page, shown=True)
    act(page, lambda: keyed(page, "sign-out").get_by_role("button").click())
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    wait_for_cookie(page, present=False)
    settle(page)


def narrow(page: Page) -> bool:
    size = page.viewport_size
    return bool(size and size["width"] < 640)


def sidebar(page: Page, *, shown: bool) -> None:
    """Open or close the sidebar: on a phone it lies over the page while it is open."""
    bar = page.get_by_test_id("stSidebar")
    if (bar.get_attribute("data-collapsed") == "false") == shown:
        return
    if shown:
        page.get_by_test_id("stExpandSidebarButton").click()
    else:
        bar.get_by_test_id("stSidebarCollapseButton").locator("button").click(force=True)
    expect(bar).to_have_attribute("data-collapsed", "false" if shown else "true")
    page.wait_for_timeout(400)  # the sidebar slides: let it finish before a screenshot


def go_to(page: Page, link: str, heading: str) -> None:
    nav = page.get_by_test_id("stSidebarNav")
    sidebar(page, shown=True)
    act(page, lambda: nav.get_by_role("link", name=link).click())
    if narrow(page):
        sidebar(page, shown=False)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    settle(page)


def answer(page: Page, key: str, kind: str, value: str) -> None:
    """Answer one question of the intake form and wait for the rerun it causes."""
    widget = keyed(page, key)
    expect(widget).to_be_visible()
    if kind in ("text", "number", "textarea"):
        field = widget.locator("textarea" if kind == "textarea" else "input")
        field.fill(value)
        act(page, lambda: field.press("Control+Enter" if kind == "textarea" else "Enter"))
        # "Press Enter to apply" is shown until the value reached the app
        expect(widget.get_by_test_id("InputInstructions")).not_to_contain_text("apply")
    elif kind in ("select", "multi"):
        pick(page, widget, value)
        if kind == "multi":
            page.keyboard.press("Escape")
            expect(widget).to_contain_text(value)
        else:
            expect(widget.get_by_role("combobox")).to_have_value(value)
    elif kind == "radio":
        act(page, lambda: widget.get_by_text(value, exact=True).click())
        expect(widget.get_by_role("radio", name=value, exact=True)).to_be_checked()
    else:  # pragma: no cover - a typo in ANSWERS
        raise AssertionError(f"unknown kind {kind}")


def pick(page: Page, widget: Locator, value: str) -> None:
    """Choose ``value`` in a selectbox or multiselect, as a person would: when the list closes
    under the pointer (a rerun of the previous answer redrew the field), open it again."""
    for attempt in range(3):
        option = open_options(page, widget).filter(has_text=re.compile(rf"^{re.escape(value)}$"))
        try:
            act(page, partial(option.click, timeout=5_000))
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def open_options(page: Page, widget: Locator) -> Locator:
    """Open a selectbox's or multiselect's list and return its options.

    The first click on a combobox sometimes only takes the focus (the list opens and closes
    again while the previous field's rerun settles), so open it until the list stays up.
    """
    listbox = page.get_by_role("listbox")
    for _attempt in range(5):
        widget.get_by_role("button", name="Open").click()
        try:
            expect(listbox).to_be_visible(timeout=2_000)
            break
        except AssertionError:
            continue
    expect(listbox).to_be_visible()
    return listbox.get_by_role("option")


def choose_option(page: Page, widget: Locator, text: str) -> None:
    """Pick the option containing ``text`` in a selectbox inside a form (no rerun)."""
    open_options(page, widget).filter(has_text=text).first.click()
    expect(widget.get_by_role("combobox")).to_have_value(re.compile(re.escape(text)))


def actions_tab(page: Page) -> Locator:
    return page.get_by_role("tabpanel", name="Actions")


def open_from_queue(page: Page, ref: str, domain: str) -> None:
    """The queue is a table whose links name their request; a link loads the request page."""
    go_to(page, "Review queue", "Review queue")
    link = page.locator(f"a#open-{ref}-{domain}")
    expect(link).to_have_text(f"Open {ref}")
    link.click()
    expect(page.get_by_role("heading", name=re.compile(rf"^{ref}: "))).to_be_visible(timeout=60_000)
    settle(page)


def choose_outside_form(page: Page, widget: Locator, text: str) -> None:
    """Pick an option of a selectbox outside a form (the page reruns with it)."""
    combobox = widget.get_by_role("combobox")
    if re.search(re.escape(text), combobox.input_value() or ""):
        return
    act(page, open_options(page, widget).filter(has_text=text).first.click)
    expect(combobox).to_have_value(re.compile(re.escape(text)))


def filed_behind_the_page(server: Server, requester: str, example: str) -> str:
    """A request filed and submitted through the services on the server's database."""
    from review.core.safeyaml import load_file
    from review.services import proposals
    from review.services.context import Services
    from review.store.database import Database

    from .conftest import FAST

    db = Database.connect(f"sqlite:///{server.data_dir / 'review.db'}")
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("REVIEW_DATA_DIR", str(server.data_dir))
            svc = Services(db, hasher=FAST)
            record = load_file(demo.EXAMPLES / example)
            draft = proposals.create_draft(svc, requester, {"proposal": record["proposal"]})
            return proposals.submit(svc, requester, draft.proposal.id).ref
    finally:
        db.engine.dispose()


def waive_group(page: Page, ref: str, rule: str, count: int) -> None:
    """The Information Security Officer waives every finding of one rule in one decision."""
    open_from_queue(page, ref, "security")
    panel = actions_tab(page)
    choose_outside_form(page, keyed(panel, "waive-rule"), rule)
    # every finding of the rule is chosen unless the authority removes some
    expect(panel.get_by_text(f"Findings of {rule} ({count}; every one")).to_be_visible()
    keyed(panel, "waive-justification").locator("textarea").fill(
        "Replacement servers are ordered for March."
    )
    keyed(panel, "waive-controls").locator("textarea").fill("Isolated network; weekly review.")
    act(page, keyed(panel, "waive-submit").get_by_role("button").click)
    flash(page, f"Waiver of {rule} granted for {count} findings.")


def flash(page: Page, text: str) -> None:
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text=text).first).to_be_visible()
    settle(page)  # the rerun that shows it also records the version the next action is on


# --- the flow -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
def test_request_goes_from_intake_to_approval_packet(
    page: Page, server: Server, artifacts: Path, tmp_path: Path, width: int
) -> None:
    want = expected()
    assert want.disposition == "conditions", "the test record should need conditions"
    uncovered = [m for m in want.majors if review_domain(m[0]) not in want.required]
    assert not uncovered, f"majors outside the required sign-offs: {uncovered}"
    page.set_viewport_size({"width": width, "height": 900})
    shot = Shots(artifacts / f"review-{width}")
    shot.directory.mkdir(parents=True, exist_ok=True)
    for old in shot.directory.glob("*.png"):
        old.unlink()

    # 1. The requester signs in.
    open_app(page)
    shot(page, "sign-in")
    sign_in(page, REQUESTER)

    # 2. New request: answer the form step by step; the live preview follows.
    go_to(page, "New request", "New request")
    step_now = "Tell us about the problem"
    for step, key, kind, value in ANSWERS:
        if step != step_now:
            radio = keyed(page, "intake-step")
            act(page, radio.get_by_text(step, exact=True).click)
            expect(radio.get_by_role("radio", name=step, exact=True)).to_be_checked()
            step_now = step
        answer(page, key, kind, value)
    preview = page.get_by_text(re.compile(r"^Checked in \d+ ms against "))
    expect(preview).to_be_visible()
    signoffs_text = "Sign-offs needed: " + ", ".join(DOMAIN_TITLE[d] for d in want.required)
    expect(page.get_by_text(signoffs_text)).to_be_visible()
    expect(page.get_by_text(f"Tier {want.tier}", exact=False).first).to_be_visible()
    shot(page, "new-request-filled")

    # 3. Submit: the request page shows the findings the engine found.
    act(page, lambda: keyed(page, "intake-submit").get_by_role("button").click())
    header = page.get_by_role("heading", name=re.compile(r"^P-\d+: " + re.escape(TITLE)))
    expect(header).to_be_visible()
    settle(page)
    ref = (header.text_content() or "").split(":")[0].strip()
    assert re.fullmatch(r"P-\d+", ref), ref
    disposition = DISPOSITION_TEXT[want.disposition][0]
    expect(page.get_by_text(disposition, exact=False).first).to_be_visible()
    page.get_by_role("tab", name="Findings").click()
    findings = page.get_by_role("tabpanel", name="Findings")
    for label in want.domains.values():
        expect(findings.get_by_text(label, exact=True)).to_be_visible()
    for domain, _rule, title in want.majors:
        if domain != "general":  # the general domain's expander starts closed
            expect(findings.get_by_text(title, exact=True).first).to_be_visible()
    shot(page, "request-findings")
    sign_out(page)

    # 3b. A waiver authority waives a group: two end-of-support platforms under one rule of
    # another department's request are one decision, recorded as a waiver each.
    fire = filed_behind_the_page(server, "felix", "fire-records-renewal.yaml")
    sign_in(page, "iso")
    go_to(page, "Review queue", "Review queue")
    shot(page, "queue")
    waive_group(page, fire, "SEC-007-end-of-support", 2)
    shot(page, "group-waived")
    sign_out(page)

    # 4. Each required domain's reviewer adds conditions to their majors and signs off.
    for domain in want.required:
        reviewer = REVIEWER_OF[domain]
        sign_in(page, reviewer)
        open_from_queue(page, ref, domain)
        panel = actions_tab(page)
        for major_domain, rule, _title in want.majors:
            if review_domain(major_domain) != domain:
                continue
            choose_outside_form(page, keyed(panel, "condition-rule"), rule)
            keyed(panel, "condition-text").locator("textarea").fill(
                f"Resolve {rule} before go-live; evidence to the {domain} reviewer."
            )
            keyed(panel, "condition-owner").locator("input").fill("Library IT")
            act(page, keyed(panel, "condition-submit").get_by_role("button").click)
            flash(page, f"Condition added to {rule}.")
        choose_outside_form(page, keyed(panel, "signoff-domain"), DOMAIN_TITLE[domain])
        confirm = keyed(panel, "signoff-confirm")
        if confirm.count():  # open blockers of the domain: warned, and must confirm
            confirm.get_by_role("checkbox").check()
        keyed(panel, "signoff-note").locator("textarea").fill("Reviewed end to end.")
        act(page, keyed(panel, "signoff-submit").get_by_role("button").click)
        flash(page, f"{DOMAIN_TITLE[domain]} signed off on {ref}.")
        shot(page, f"{domain}-signed-off")
        sign_out(page)

    # 5. The approver approves with conditions and downloads the packet.
    sign_in(page, APPROVER)
    go_to(page, "Approvals", "Approvals")
    pid = ref.removeprefix("P-")
    ready = keyed(page, f"ready-{pid}")
    expect(ready).to_be_visible()
    outcome = keyed(ready, f"decide-outcome-{pid}")
    outcome.get_by_text("Approve with conditions", exact=True).click()
    expect(outcome.get_by_role("radio", name="Approve with conditions")).to_be_checked()
    keyed(ready, f"decide-reason-{pid}").locator("textarea").fill("Conditions set by reviewers.")
    shot(page, "approver-ready")
    act(page, lambda: keyed(ready, f"decide-submit-{pid}").get_by_role("button").click())
    flash(page, f"{ref}: approve with conditions recorded.")
    decided = keyed(page, f"decided-{pid}")
    expect(decided).to_contain_text("Approved with conditions")
    act(page, lambda: keyed(decided, f"packet-final-{pid}").get_by_role("button").click())
    download_button = keyed(decided, f"download-final-{pid}").get_by_role("button")
    expect(download_button).to_be_visible()
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename == f"{ref}-approval-packet.docx"
    packet = artifacts / download.suggested_filename
    download.save_as(packet)
    with zipfile.ZipFile(packet) as docx:
        names = docx.namelist()
        assert "word/document.xml" in names, names
        body = docx.read("word/document.xml").decode("utf-8")
    assert TITLE in body
    shot(page, "approved-packet-downloaded")

    # 6. A reload keeps the approver signed in (the server-set, HttpOnly session cookie), on
    # the same page; signing out after a reload is tested below and in test_sign_in.py.
    page.reload()
    expect(page.get_by_role("heading", name="Approvals", exact=True)).to_be_visible(timeout=60_000)
    sidebar(page, shown=True)
    expect(signed_in_as(page, APPROVER)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Approvals", exact=True)).to_be_visible()
    settle(page)
    shot(page, "approver-after-reload")


def test_sign_out_after_a_reload_signs_out(page: Page, artifacts: Path) -> None:
    open_app(page)
    sign_in(page, REQUESTER)
    page.reload()
    expect(signed_in_as(page, REQUESTER)).to_be_visible(timeout=60_000)
    settle(page)
    act(page, lambda: keyed(page, "sign-out").get_by_role("button").click())
    try:
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=5_000)
    finally:
        page.screenshot(path=str(artifacts / "sign-out-after-reload.png"), full_page=True)
