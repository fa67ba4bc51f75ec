"""The vendor page (issue 14): signed out, only a valid link token opens it, and it shows the
vendor-facing sections of that one request and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.services import proposals, vendor_answers, vendor_links
from review.services.context import Services
from review.services.vendor_links import REFUSED
from review.store.database import Database
from tests.workflow.support import saas

from .conftest import FAST, ROOT, open_app

VENDOR_PAGE = str(ROOT / "review" / "ui" / "pages" / "vendor.py")


@pytest.fixture
def invited(app_env: Path) -> tuple[str, int, int]:
    """(token, the invited draft's id, another draft's id), made through the services."""
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    svc = Services(db, hasher=FAST)
    try:
        mine = proposals.create_draft(
            svc,
            "dana",
            saas(incident_notification_hours=48, encryption={"tls_min_version": "1.0"}),
        )
        other = proposals.create_draft(svc, "dana", saas(incident_notification_hours=12))
        token = vendor_links.invite(svc, "dana", mine.proposal.id, "a@vendor.example.com").token
        return token, mine.proposal.id, other.proposal.id
    finally:
        db.engine.dispose()


def test_nobody_without_a_valid_token_sees_anything(invited: tuple[str, int, int]):
    token, _, other = invited
    for bad in ("", "made-up", token[:-2], f"{other}", token + "x"):
        at = open_app(None, page=VENDOR_PAGE, token=bad)
        assert not at.exception
        assert [e.value for e in at.error] == [REFUSED]
        # nothing of any request is shown: no question, no answer
        assert not (at.text_area or at.number_input or at.selectbox or at.radio)


def pending_changes(app_env: Path, proposal_id: int) -> list[tuple[str, object, object]]:
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    try:
        waiting = vendor_answers.pending(Services(db, hasher=FAST), "dana", proposal_id)
    finally:
        db.engine.dispose()
    return [(c.field, c.current, c.proposed) for p in waiting for c in p.changes]


def test_a_vendor_answers_their_sections_in_a_form_and_submits(
    invited: tuple[str, int, int], app_env: Path
):
    token, mine, _ = invited
    at = open_app(None, page=VENDOR_PAGE, token=token)
    assert not at.exception and not at.error
    texts = " ".join(t.value for t in at.text)
    assert "minimum TLS version or newer (SEC-3)" in texts  # the finding TLS 1.0 produces
    assert "Library" not in texts and "dana" not in texts.lower()  # nothing of the City's side
    keys = {w.key for w in [*at.number_input, *at.text_input, *at.text_area, *at.selectbox]}
    assert {"vf-proposal-title", "vf-proposal-department", "vf-proposal-cost-annual"}.isdisjoint(
        keys
    )  # only the vendor's sections are asked
    hours = at.number_input(key="vf-proposal-incident_notification_hours")
    assert hours.value == 48  # this request's answer, not the other request's 12
    assert hours.label == "Hours within which you notify the City of an incident"
    hours.set_value(24).run()
    tls = at.selectbox(key="vf-proposal-encryption-tls_min_version")
    tls.set_value("1.2").run()
    shown = " ".join(t.value for t in at.text)
    assert "minimum TLS version" not in shown and "SEC-3" in shown  # live: follows the form
    at.radio(key="vf-proposal-encryption-at_rest").set_value("Yes").run()
    assert "SEC-3" not in " ".join(t.value for t in at.text)
    at.button(key="vendor-send").click().run()
    assert not at.exception
    assert "Sent" in at.success[0].value
    assert sorted(pending_changes(app_env, mine)) == [
        ("encryption.at_rest", None, True),
        ("encryption.tls_min_version", "1.0", "1.2"),
        ("incident_notification_hours", 48, 24),
    ]


def test_a_bad_answer_is_named_next_to_its_question_and_nothing_typed_is_lost(
    invited: tuple[str, int, int], app_env: Path
):
    token, mine, _ = invited
    at = open_app(None, page=VENDOR_PAGE, token=token)
    at.number_input(key="vf-proposal-incident_notification_hours").set_value(24).run()
    at.text_area(key="vf-proposal-data_locations").set_value("US\nusa").run()
    at.button(key="vendor-send").click().run()
    assert not at.exception and not at.success
    errors = [e.value for e in at.error]
    assert any(e.startswith("Not sent: 1 answer(s) need a change") for e in errors)
    assert any("Countries where City data is stored" in e and "usa" in e for e in errors)
    # what the vendor typed stays in the form, and nothing was sent
    assert at.text_area(key="vf-proposal-data_locations").value == "US\nusa"
    assert at.number_input(key="vf-proposal-incident_notification_hours").value == 24
    assert pending_changes(app_env, mine) == []
    at.text_area(key="vf-proposal-data_locations").set_value("US").run()
    assert not at.error
    at.button(key="vendor-send").click().run()
    assert ("incident_notification_hours", 48, 24) in pending_changes(app_env, mine)


def test_the_requester_decides_field_by_field_side_by_side(
    invited: tuple[str, int, int], app_env: Path
):
    token, mine, _ = invited
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    svc = Services(db, hasher=FAST)
    try:
        vendor_answers.submit(
            svc,
            token,
            {"incident_notification_hours": 24, "encryption": {"tls_min_version": "1.2"}},
        )
    finally:
        db.engine.dispose()
    page = str(ROOT / "review" / "ui" / "pages" / "vendor_links.py")
    at = open_app("dana", page=page, id=str(mine))
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "Yours: 48" in texts and "Vendor: 24" in texts
    assert "Yours: 1.0" in texts and "Vendor: 1.2" in texts  # answers, not Python's '1.0'
    labels = [c.label for c in at.checkbox]
    assert "Accept Minimum TLS version (Security)" in labels  # each box names its field
    accept = next(c for c in at.checkbox if (c.key or "").endswith("incident_notification_hours"))
    accept.check().run()
    next(b for b in at.button if (b.key or "").startswith("v-decide-")).click().run()
    assert not at.exception
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    try:
        record = proposals.get(Services(db, hasher=FAST), "dana", mine).record["proposal"]
    finally:
        db.engine.dispose()
    assert record["incident_notification_hours"] == 24  # accepted
    assert record["encryption"]["tls_min_version"] == "1.0"  # rejected: the department's answer


def test_the_vendors_text_in_a_message_stays_text(invited: tuple[str, int, int]):
    token, _, _ = invited
    at = open_app(None, page=VENDOR_PAGE, token=token)
    at.text_area(key="vf-proposal-data_locations").set_value("[x](http://evil.example)").run()
    [message] = [e.value for e in at.error if "Countries where" in e.value]
    assert "\\[x\\](http\\://evil.example)" in message  # no link: Markdown's characters escaped


def test_a_link_revoked_while_the_page_is_open_stops_it(
    invited: tuple[str, int, int], app_env: Path
):
    token, mine, _ = invited
    at = open_app(None, page=VENDOR_PAGE, token=token)
    assert at.number_input(key="vf-proposal-incident_notification_hours").value == 48
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    try:
        svc = Services(db, hasher=FAST)
        [link] = [row for row in _links(svc) if row[1] == mine]
        vendor_links.revoke(svc, "dana", link[0])
    finally:
        db.engine.dispose()
    at.number_input(key="vf-proposal-incident_notification_hours").set_value(24).run()
    assert [e.value for e in at.error] == [REFUSED]
    assert not at.number_input  # the form is gone with the link


def _links(svc: Services) -> list[tuple[int, int]]:
    from review.store.models import VendorLink

    with svc.transaction() as tx:
        return [(link.id, link.proposal_id) for link in tx.session.query(VendorLink).all()]


def test_the_forms_reruns_are_not_uses_of_the_link(invited: tuple[str, int, int], app_env: Path):
    """A page load is one use of the hourly limit; answering 50 questions is not 50 uses."""
    from review.store.models import VendorLink

    token, _, _ = invited
    at = open_app(None, page=VENDOR_PAGE, token=token)
    for hours in (24, 12, 6, 36, 48, 72):
        at.number_input(key="vf-proposal-incident_notification_hours").set_value(hours).run()
    assert not at.error
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    try:
        with Services(db, hasher=FAST).transaction() as tx:
            link = (
                tx.session.query(VendorLink)
                .filter_by(token_hash=vendor_links.token_hash(token))
                .one()
            )
            assert link.window_uses == 1
    finally:
        db.engine.dispose()
