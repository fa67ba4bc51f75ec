"""GEN-5 waivers: what a waiver needs, what it changes, and that it lapses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from review.errors import InvalidTransition, NotFound, RecordInvalid, Refused
from review.services import approval_conditions, decisions, proposals, waivers
from review.services.context import Services
from review.services.views import ProposalView
from review.store.database import Database

from .conftest import Clock
from .support import ACC_MAJOR, audit_actions, saas, sign, submitted

pytestmark = pytest.mark.usefixtures("people")

MFA = "SEC-002-mfa"  # a waivable blocker
TODAY = dt.date(2026, 11, 27)  # the conftest clock


def no_mfa() -> dict[str, Any]:
    record = saas()
    record["proposal"]["authentication"]["mfa"] = False
    return record


def grant(services: Services, pid: int, **overrides: Any) -> ProposalView:
    arguments: dict[str, Any] = {
        "justification": "Reached only from the branch network.",
        "compensating_controls": "Network segmentation; quarterly access review.",
        "expires_on": dt.date(2027, 5, 31),
    }
    arguments.update(overrides)
    return waivers.grant(services, "iso", pid, MFA, **arguments)


def finding(view: ProposalView, rule_id: str) -> Any:
    (found,) = [f for f in view.findings if f["rule_id"] == rule_id]
    return found


def test_justification_and_compensating_controls_are_required(services: Services) -> None:
    view = submitted(services, no_mfa())
    for field, value in (
        ("justification", ""),
        ("justification", "   "),
        ("compensating_controls", ""),
    ):
        with pytest.raises(RecordInvalid) as caught:
            grant(services, view.id, **{field: value})
        assert [p.path for p in caught.value.problems] == [field]
    with pytest.raises(RecordInvalid) as caught:
        grant(services, view.id, justification="", compensating_controls=" ")
    assert [p.path for p in caught.value.problems] == ["justification", "compensating_controls"]
    assert proposals.get(services, "dana", view.id).waivers == []


def test_expiry_at_most_twelve_months_after_grant(services: Services) -> None:
    view = submitted(services, no_mfa())
    limit = waivers.latest_expiry(TODAY)
    assert limit == dt.date(2027, 11, 27)
    with pytest.raises(RecordInvalid, match="more than 12 months away; the latest allowed is"):
        grant(services, view.id, expires_on=limit + dt.timedelta(days=1))
    with pytest.raises(RecordInvalid, match="not in the future"):
        grant(services, view.id, expires_on=TODAY)
    assert proposals.get(services, "dana", view.id).waivers == []
    view = grant(services, view.id, expires_on=limit)
    assert view.waivers[0].expires_on == limit
    # twelve months from a month end is clamped to that month's last day
    assert waivers.latest_expiry(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_non_waivable_finding_is_refused(services: Services) -> None:
    record = saas()
    record["proposal"]["accessibility"]["does_not_support"] = ["1.4.10"]
    record["proposal"]["accessibility"]["partially_supports"] = []
    view = submitted(services, record)
    rule = "ACC-003-does-not-support-public"
    assert finding(view, rule)["waivable"] is False
    with pytest.raises(Refused, match="rests on law and cannot be waived, only resolved"):
        waivers.grant(
            services,
            "ada",
            view.id,
            rule,
            justification="j",
            compensating_controls="c",
            expires_on=dt.date(2027, 1, 31),
        )
    assert proposals.get(services, "dana", view.id).waivers == []


def test_waived_finding_stays_visible_and_changes_the_disposition(services: Services) -> None:
    view = submitted(services, no_mfa())
    assert finding(view, MFA).status == "open"
    assert view.disposition == "blocked"
    view = grant(services, view.id)
    waived = finding(view, MFA)
    assert waived.status == "waived"
    assert waived.waiver is not None
    assert waived.waiver.granted_by == "iso"
    assert waived.waiver.justification == "Reached only from the branch network."
    assert waived.waiver.compensating_controls.startswith("Network segmentation")
    assert waived.waiver.expires_on == dt.date(2027, 5, 31)
    # the blocker is waived; the major finding remains, so conditions are still needed
    assert view.disposition == "conditions"
    assert view.raw_disposition == "blocked"  # what the engine said is kept


def test_an_expired_waiver_reopens_its_finding(services: Services, clock: Clock) -> None:
    view = grant(services, submitted(services, no_mfa()).id, expires_on=dt.date(2026, 12, 31))
    clock.advance(days=34)  # 2026-12-31: the last day it covers
    view = proposals.get(services, "dana", view.id)
    assert finding(view, MFA).status == "waived"
    clock.advance(days=1)
    view = proposals.get(services, "dana", view.id)
    reopened = finding(view, MFA)
    assert reopened.status == "open"
    assert reopened.waiver is None
    assert view.waivers[0].expired and not view.waivers[0].active
    assert view.disposition == "blocked"


def test_expire_report_lists_a_lapsed_waiver_and_records_it_once(
    services: Services, clock: Clock, database: Database
) -> None:
    view = grant(services, submitted(services, no_mfa()).id, expires_on=dt.date(2026, 12, 31))
    assert waivers.expire_report(services) == []
    clock.advance(days=40)
    first = waivers.expire_report(services)
    assert [(e.proposal, e.waiver.rule_id, e.newly_reported) for e in first] == [
        (f"P-{view.id}", MFA, True)
    ]
    assert first[0].waiver.expired
    second = waivers.expire_report(services, "admin")
    assert [(e.proposal, e.newly_reported) for e in second] == [(f"P-{view.id}", False)]
    assert audit_actions(database).count("waiver.expired") == 1


def test_revoked_waiver_reopens_and_is_not_reported_as_expired(
    services: Services, clock: Clock
) -> None:
    view = grant(services, submitted(services, no_mfa()).id, expires_on=dt.date(2026, 12, 31))
    view = waivers.revoke(services, "iso", view.id, view.waivers[0].id, reason="MFA enabled")
    assert finding(view, MFA).status == "open"
    with pytest.raises(Refused, match="already revoked"):
        waivers.revoke(services, "iso", view.id, view.waivers[0].id, reason="again")
    clock.advance(days=60)
    assert waivers.expire_report(services) == []


def test_waived_blocker_no_longer_blocks_approval_until_it_expires(
    services: Services, clock: Clock
) -> None:
    view = submitted(services, no_mfa())
    view = sign(services, view.id, view.required_signoffs)
    with pytest.raises(Refused, match=r"1 open blocker finding \(SEC-002-mfa ×1\)"):
        decisions.decide(services, "cara", view.id, "approve_with_conditions")
    view = grant(services, view.id, expires_on=dt.date(2026, 12, 31))
    view = approval_conditions.add(
        services,
        "alex",
        view.id,
        ACC_MAJOR,
        text="Fix reflow.",
        owner="Roomly",
        due_date=dt.date(2027, 3, 1),
    )
    clock.advance(days=35)  # the waiver has lapsed
    with pytest.raises(Refused, match=re.escape(f"1 open blocker finding ({MFA} ×1)")):
        decisions.decide(services, "cara", view.id, "approve_with_conditions")
    view = grant(services, view.id, expires_on=dt.date(2027, 6, 30))  # renewed
    view = decisions.decide(services, "cara", view.id, "approve_with_conditions", reason="ok")
    assert view.state == "approved_with_conditions"


def test_nothing_to_waive_on_a_draft_or_unknown_finding(services: Services) -> None:
    draft = proposals.create_draft(services, "dana", no_mfa()).proposal
    with pytest.raises(InvalidTransition, match="draft; nothing to waive"):
        grant(services, draft.id)
    view = submitted(services)
    with pytest.raises(NotFound, match=f"has no current finding {MFA}"):
        grant(services, view.id)


def test_an_information_finding_cannot_be_waived(services: Services, database: Database) -> None:
    """review.yaml: information asks nothing, so there is nothing to waive (GEN-5)."""
    from review.services import accounts
    from review.services.roles import Role

    accounts.grant(services, "admin", "director", Role.WAIVER_AUTHORITY, "open_source")
    view = submitted(services, saas())
    info = finding(view, "OSS-004-sbom-requested")
    assert info["severity"] == "info" and info["waivable"]
    before = snapshot_waivers(database)
    with pytest.raises(Refused, match="information finding: it asks nothing"):
        waivers.grant(
            services,
            "director",
            view.id,
            "OSS-004-sbom-requested",
            justification="none",
            compensating_controls="none",
            expires_on=dt.date(2027, 1, 31),
        )
    assert snapshot_waivers(database) == before


def snapshot_waivers(database: Database) -> int:
    from sqlalchemy import func, select

    from review.store.models import Waiver

    with database.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Waiver)) or 0)
