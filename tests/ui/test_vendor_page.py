"""The vendor page (issue 14): signed out, only a valid link token opens it, and it shows the
vendor-facing sections of that one request and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

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
        assert not at.text_area  # nothing of any request is shown


def test_a_vendor_sees_only_their_requests_vendor_sections_and_submits(
    invited: tuple[str, int, int], app_env: Path
):
    token, mine, _ = invited
    at = open_app(None, page=VENDOR_PAGE, token=token)
    assert not at.exception and not at.error
    texts = " ".join(t.value for t in at.text)
    assert "SEC-3" in texts  # the finding TLS 1.0 produces, policy-cited
    assert "Library" not in texts and "dana" not in texts.lower()  # nothing of the City's side
    shown = yaml.safe_load(at.text_area[0].value or "")
    assert set(shown) <= set(vendor_links.rules().sections)
    assert shown["incident_notification_hours"] == 48
    assert "title" not in shown and "department" not in shown  # this request's answer, not pat's 12
    shown["incident_notification_hours"] = 24
    at.text_area[0].set_value(yaml.safe_dump(shown))
    at.button[0].click().run()
    assert not at.exception
    assert "Sent" in at.success[0].value
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    try:
        [proposed] = vendor_answers.pending(Services(db, hasher=FAST), "dana", mine)
    finally:
        db.engine.dispose()
    assert [(c.field, c.current, c.proposed) for c in proposed.changes] == [
        ("incident_notification_hours", 48, 24)
    ]


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
