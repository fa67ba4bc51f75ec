"""The New request page as Streamlit runs it: item sub-forms, drafts that save themselves and
come back, messages that name fields by label, early consultation, and the Policy page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from review.services import consultations, proposals
from review.services.context import Services
from review.store.database import Database
from review.store.models import Proposal
from review.ui import drafts

from .conftest import open_app

NEW = "review/ui/pages/new_request.py"
MINE = "review/ui/pages/my_requests.py"
POLICY = "review/ui/pages/policy.py"
QUEUE = "review/ui/pages/queue.py"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def services(directory: Path) -> Services:
    return Services(Database.connect(f"sqlite:///{directory / 'review.db'}"))


def proposal_count(directory: Path) -> int:
    svc = services(directory)
    try:
        with svc.transaction() as tx:
            return tx.session.scalar(select(func.count()).select_from(Proposal)) or 0
    finally:
        svc.db.engine.dispose()


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [e.value for e in at.error] + [i.value for i in at.info] + [s.value for s in at.success]
    )
    return "\n".join(str(p) for p in parts)


def label(element: Any) -> str:
    """A download button's label (AppTest has no typed accessor for download buttons)."""
    return str(getattr(element, "label", "") or element.proto.label)


def step(at: AppTest, title: str) -> AppTest:
    at.radio(key=drafts.STEP).set_value(title)
    return ok(at.run())


def draft_of(at: AppTest) -> dict[str, Any]:
    found: dict[str, Any] = at.session_state[drafts.DRAFT]
    return found


def answer_first_step(at: AppTest, title: str) -> AppTest:
    at.text_input(key="f-proposal-title").input(title)
    at.text_area(key="f-proposal-problem_statement").input("Paper notices go stale.")
    at.number_input(key="f-proposal-cost-annual").set_value(12_000.0)
    at.number_input(key="f-proposal-cost-term_years").set_value(3.0)
    at.radio(key="f-proposal-users-public_facing").set_value("No")
    at.multiselect(key="f-proposal-data_classes").set_value(["internal"])
    at.radio(key="f-proposal-ai-uses_ai").set_value("No")
    at.radio(key="f-proposal-surveillance-is_surveillance_technology").set_value("No")
    return ok(at.run())


def test_a_blank_form_shows_no_blocker(app_env: Path) -> None:
    at = ok(open_app("parker", page=NEW))
    shown = texts(at)
    assert "Answer the questions to see the likely review tier" in shown
    assert "BLOCKER" not in shown and "Tier " not in shown
    step(at, "Security")
    shown = texts(at)
    assert "Nothing answered yet" in shown and "BLOCKER" not in shown


def test_the_first_step_says_the_tier_reviews_and_vendor_asks(app_env: Path) -> None:
    at = answer_first_step(ok(open_app("fiona", page=NEW)), "Utility payments kiosk")
    shown = texts(at)
    assert "Likely review: Tier 2" in shown
    assert "**Reviews:** Technology" in shown
    assert "Security attestation" in shown and "[SEC-1 Attestation](/policy?section=SEC-1)" in shown
    assert "You can submit now" in shown
    assert any(
        label(b).startswith("Download “What to ask vendors”") for b in at.get("download_button")
    )


def test_item_sub_forms_add_edit_remove_and_save_every_column(app_env: Path) -> None:
    at = answer_first_step(ok(open_app("clara", page=NEW)), "Records portal")
    step(at, "Users and hosting")
    field = "f-proposal-integrations"

    def add(system: str, method: str) -> None:
        round_ = (
            at.session_state["items-round"].get(field, 0)
            if "items-round" in at.session_state
            else 0
        )
        at.text_input(key=f"{field}-{round_}-system").input(system)
        at.selectbox(key=f"{field}-{round_}-method").set_value(method)
        at.button(key=f"{field}-submit").click()
        ok(at.run())

    add("erp", "api")
    add("gis", "sftp")
    labels = [b.label for b in at.button]
    assert "Remove integration erp (API)" in labels and "Edit integration gis (SFTP)" in labels
    # edit the second: the form opens with its answers
    at.button(key=f"{field}-edit-1").click()
    ok(at.run())
    round_ = at.session_state["items-round"][field]
    assert at.text_input(key=f"{field}-{round_}-system").value == "gis"
    at.selectbox(key=f"{field}-{round_}-method").set_value("database")
    at.button(key=f"{field}-submit").click()
    ok(at.run())
    # remove the first, and put it back
    at.button(key=f"{field}-remove-0").click()
    ok(at.run())
    assert "Remove integration erp (API)" not in [b.label for b in at.button]
    at.button(key=f"{field}-undo").click()
    ok(at.run())
    # an item without its required answer is refused, by label
    add("", "api")
    assert "System is required." in texts(at)
    at.button(key="intake-save").click()
    ok(at.run())
    stored = proposals.get(services(app_env), "clara", draft_of(at)["id"])
    assert stored.record["proposal"]["integrations"] == [  # put back where it was
        {"system": "erp", "method": "api"},
        {"system": "gis", "method": "database"},
    ]


def test_a_step_change_saves_the_draft_and_the_address_brings_it_back(app_env: Path) -> None:
    at = ok(open_app("hana", page=NEW))
    at.text_input(key="f-proposal-title").input("Onboarding checklist")
    ok(at.run())
    assert draft_of(at)["id"] is None, "nothing is stored before the person moves on"
    step(at, "Security")
    saved = draft_of(at)
    assert saved["id"] is not None and not drafts.dirty(saved)
    assert at.query_params["draft"] == [str(saved["id"])] or at.query_params["draft"] == str(
        saved["id"]
    )
    # a reload is a new session opening the same address
    again = ok(open_app("hana", page=NEW, draft=str(saved["id"]), step="5"))
    assert again.radio(key=drafts.STEP).value == "Security"
    step(again, "Tell us about the problem")
    assert again.text_input(key="f-proposal-title").value == "Onboarding checklist"


def test_continue_your_draft_on_new_request_and_my_requests(app_env: Path) -> None:
    svc = services(app_env)
    stored = proposals.create_draft(
        svc,
        "parker",
        {
            "proposal": {
                "title": "Crew task board",
                "department": "Parks and Recreation",
                "requester": {"name": "Parker", "email": "parker@city.example.gov"},
            }
        },
    ).proposal
    at = ok(open_app("parker", page=NEW))
    button = at.button(key=f"continue-{stored.id}")
    assert button.label == f"Continue P-{stored.id}: Crew task board"
    button.click()
    ok(at.run())
    assert draft_of(at)["id"] == stored.id
    assert at.text_input(key="f-proposal-title").value == "Crew task board"
    mine = ok(open_app("parker", page=MINE))
    assert f"Continue P-{stored.id}: Crew task board" in [b.label for b in mine.button]


def test_an_empty_submit_names_fields_by_label_and_stores_nothing(app_env: Path) -> None:
    before = proposal_count(app_env)
    at = ok(open_app("carl", page=NEW))
    at.button(key="intake-submit").click()
    ok(at.run())
    shown = texts(at)
    assert "Not submitted yet" in shown
    assert "Title (Tell us about the problem): not answered" in shown
    assert "proposal." not in shown
    assert proposal_count(app_env) == before


def test_a_conflicting_save_keeps_the_answers_until_the_person_chooses(app_env: Path) -> None:
    at = answer_first_step(ok(open_app("dana", page=NEW)), "Study room sensors")
    step(at, "About the request")  # saved
    draft = draft_of(at)
    # another tab saves the same draft meanwhile
    proposals.save_draft(
        services(app_env), "dana", draft["id"], draft["record"], expected_version=draft["version"]
    )
    at.text_input(key="f-proposal-vendor-name").input("Sensor Co")
    ok(at.run())
    at.button(key="intake-save").click()
    ok(at.run())
    assert "changed since you loaded it" in texts(at)
    assert draft_of(at)["record"]["proposal"]["vendor"]["name"] == "Sensor Co"
    at.button(key="conflict-keep").click()
    ok(at.run())
    stored = proposals.get(services(app_env), "dana", draft["id"])
    assert stored.record["proposal"]["vendor"]["name"] == "Sensor Co"


def test_a_consultation_request_reaches_the_intake_reviewers(app_env: Path) -> None:
    at = answer_first_step(ok(open_app("pat", page=NEW)), "Evidence locker tracking")
    at.date_input(key="early-day").set_value(dt.date.today() + dt.timedelta(days=7))
    at.text_area(key="early-note").input("Which quotes do we need?")
    at.button(key="early-ask").click()
    ok(at.run())
    assert "Consultation requested for" in texts(at)
    draft = draft_of(at)
    assert draft["id"] is not None  # the meeting is about the saved draft
    mine = consultations.for_proposal(services(app_env), "pat", draft["id"])
    assert [m.note for m in mine] == ["Which quotes do we need?"]
    queue = ok(open_app("tess", page=QUEUE))
    assert f"Invitation for P-{draft['id']} (.ics)" in [
        label(b) for b in queue.get("download_button")
    ]
    security = ok(open_app("sam", page=QUEUE))
    assert "Consultation meetings asked for" not in texts(security)


def test_the_policy_page_shows_a_cited_section(app_env: Path) -> None:
    at = ok(open_app("dana", page=POLICY, section="ACC-2"))
    shown = " ".join(texts(at).split())
    assert "Accessibility Conformance Report on the ITI VPAT 2.x template" in shown
    assert "ACC-2 Conformance report" in [s.value for s in at.subheader]
