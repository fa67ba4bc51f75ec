"""Issue 12, smaller items: one active waiver per finding, and GEN-4 counts every sign-off
ever given (an invalidated one too)."""

from __future__ import annotations

import datetime as dt

import pytest

from review.errors import PermissionDenied, Refused
from review.services import decisions, proposals, reviews, signoffs, waivers
from review.services.context import Services

from .conftest import Clock
from .support import saas, sign, submitted
from .test_waivers import MFA, grant, no_mfa

pytestmark = pytest.mark.usefixtures("people")


def test_a_second_active_waiver_on_one_finding_is_refused(services: Services) -> None:
    view = submitted(services, no_mfa())
    view = grant(services, view.id)
    (first,) = view.waivers
    with pytest.raises(Refused, match=rf"already waived by waiver {first.id} .* revoke it first"):
        grant(services, view.id, expires_on=dt.date(2027, 6, 30))
    view = proposals.get(services, "iso", view.id)
    assert [w.id for w in view.waivers] == [first.id]
    # revoking the one waiver opens the finding again: no second waiver hides behind it
    view = waivers.revoke(services, "iso", view.id, first.id, reason="controls removed")
    (mfa,) = [f for f in view.findings if f["rule_id"] == MFA]
    assert mfa.status == "open"
    # once revoked, a new waiver may be granted
    view = grant(services, view.id, expires_on=dt.date(2027, 6, 30))
    (mfa,) = [f for f in view.findings if f["rule_id"] == MFA]
    assert mfa.status == "waived"


def test_an_expired_waiver_does_not_block_a_new_one(services: Services, clock: Clock) -> None:
    view = submitted(services, no_mfa())
    grant(services, view.id, expires_on=dt.date(2026, 12, 1))
    clock.advance(days=10)
    view = grant(services, view.id, expires_on=dt.date(2027, 6, 1))
    assert len(view.waivers) == 2


def test_an_approver_whose_signoff_was_invalidated_still_cannot_approve(
    services: Services,
) -> None:
    view = submitted(services)
    signoffs.sign_off(services, "rita", view.id, "technology")
    view = reviews.request_changes(
        services, "sam", view.id, domain="security", reason="Shorten the incident window."
    )
    proposals.save_draft(services, "dana", view.id, saas(incident_notification_hours=24))
    proposals.resubmit(services, "dana", view.id)
    view = proposals.get(services, "dana", view.id)
    (rita,) = [s for s in view.signoffs if s.domain == "technology"]
    assert not rita.valid  # the change invalidated rita's sign-off
    view = sign(services, view.id, view.required_signoffs)  # tess signs technology now
    assert view.state == "ready_for_approval"
    with pytest.raises(PermissionDenied, match=r"rita signed off technology .* GEN-4"):
        decisions.decide(services, "rita", view.id, "approve_with_conditions", reason="ok")
    assert proposals.get(services, "cara", view.id).state == "ready_for_approval"
