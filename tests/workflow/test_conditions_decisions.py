"""GEN-8: conditions of approval for major findings, and what the approver may decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from review.errors import RecordInvalid, Refused
from review.services import approval_conditions, decisions, proposals
from review.services.context import Services
from review.services.views import ProposalView

from .support import ACC_MAJOR, condition_majors, ready, saas

pytestmark = pytest.mark.usefixtures("people")

DUE = dt.date(2027, 3, 31)


def two_majors() -> dict[str, Any]:
    record = saas()
    record["proposal"]["accessibility"]["partially_supports"] = ["1.4.10", "1.4.11"]
    return record


def with_blocker() -> dict[str, Any]:
    record = saas()
    record["proposal"]["authentication"]["mfa"] = False
    return record


def add(services: Services, view: ProposalView, rule: str, **overrides: Any) -> ProposalView:
    arguments: dict[str, Any] = {
        "subject": "1.4.10" if rule == ACC_MAJOR else None,
        "text": "Vendor fixes reflow at 320 CSS pixels.",
        "owner": "Library IT",
        "due_date": DUE,
    }
    arguments.update(overrides)
    return approval_conditions.add(
        services, "alex" if rule == ACC_MAJOR else "cara", view.id, rule, **arguments
    )


def test_a_condition_needs_a_major_finding(services: Services) -> None:
    view = ready(services, with_blocker())
    with pytest.raises(RecordInvalid, match="GEN-002-tier-2 is info; conditions are for major"):
        add(services, view, "GEN-002-tier-2")
    with pytest.raises(RecordInvalid, match="SEC-002-mfa is blocker; conditions are for major"):
        add(services, view, "SEC-002-mfa")
    assert proposals.get(services, "dana", view.id).conditions == []


def test_a_condition_needs_an_owner_and_a_future_due_date(services: Services) -> None:
    view = ready(services)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"owner": ""}, "owner"),
        ({"owner": "  "}, "owner"),
        ({"text": ""}, "text"),
        ({"due_date": dt.date(2026, 11, 27)}, "due_date"),
        ({"due_date": dt.date(2026, 1, 1)}, "due_date"),
    ]
    for overrides, path in cases:
        with pytest.raises(RecordInvalid) as caught:
            add(services, view, ACC_MAJOR, **overrides)
        assert [p.path for p in caught.value.problems] == [path]
    assert proposals.get(services, "dana", view.id).conditions == []


def test_a_condition_marks_its_finding_conditioned(services: Services) -> None:
    view = add(services, ready(services), ACC_MAJOR)
    (finding,) = [f for f in view.findings if f["rule_id"] == ACC_MAJOR]
    assert finding.status == "conditioned"
    assert [(c.owner, c.due_date, c.status) for c in finding.conditions] == [
        ("Library IT", DUE, "open")
    ]
    assert view.disposition == "conditions"


def test_finding_with_several_subjects_must_be_named(services: Services) -> None:
    view = ready(services, two_majors())
    with pytest.raises(Refused, match=r"applies to several items .* name one"):
        add(services, view, ACC_MAJOR, subject=None)


def test_approve_with_conditions_needs_a_condition_for_every_open_major(
    services: Services,
) -> None:
    view = ready(services, two_majors())
    view = add(services, view, ACC_MAJOR, subject="1.4.10")
    with pytest.raises(Refused) as caught:
        decisions.decide(services, "cara", view.id, "approve_with_conditions")
    assert str(caught.value) == (
        f"P-{view.id} cannot be approved with conditions yet: 1 open major finding without a "
        f"condition of approval ({ACC_MAJOR} ×1 (1.4.11)); add conditions, then approve with "
        "conditions (GEN-8)"
    )
    assert proposals.get(services, "dana", view.id).state == "ready_for_approval"
    view = add(services, view, ACC_MAJOR, subject="1.4.11")
    view = decisions.decide(services, "cara", view.id, "approve_with_conditions", reason="ok")
    assert view.state == "approved_with_conditions"
    (decision,) = view.decisions
    assert (decision.approver, decision.outcome) == ("cara", "approved_with_conditions")


def test_a_cancelled_condition_no_longer_counts(services: Services) -> None:
    view = add(services, ready(services), ACC_MAJOR)
    view = approval_conditions.set_status(
        services, "alex", view.id, view.conditions[0].id, "cancelled"
    )
    with pytest.raises(Refused, match="1 open major finding without a condition of approval"):
        decisions.decide(services, "cara", view.id, "approve_with_conditions")


def test_plain_approval_is_refused_while_majors_are_open(services: Services) -> None:
    view = ready(services)
    with pytest.raises(Refused, match="open major finding without a condition of approval"):
        decisions.decide(services, "cara", view.id, "approve")
    view = condition_majors(services, view)
    with pytest.raises(Refused, match=r"conditioned major findings? \(.*\): approve with cond"):
        decisions.decide(services, "cara", view.id, "approve")
    assert proposals.get(services, "dana", view.id).state == "ready_for_approval"


def test_approve_with_conditions_needs_a_major_finding(services: Services) -> None:
    record = saas()
    record["proposal"]["accessibility"]["partially_supports"] = []
    view = ready(services, record)
    with pytest.raises(Refused, match="no open major findings: approve it outright"):
        decisions.decide(services, "cara", view.id, "approve_with_conditions")


def test_approval_is_refused_while_blockers_are_open(services: Services) -> None:
    view = condition_majors(services, ready(services, with_blocker()))
    for outcome in ("approve", "approve_with_conditions"):
        with pytest.raises(Refused, match=r"1 open blocker finding \(SEC-002-mfa ×1\) must be"):
            decisions.decide(services, "cara", view.id, outcome)
    assert proposals.get(services, "dana", view.id).state == "ready_for_approval"
    # a rejection is always possible, with a reason
    with pytest.raises(RecordInvalid, match="a rejection needs a reason"):
        decisions.decide(services, "cara", view.id, "reject")
    view = decisions.decide(services, "cara", view.id, "reject", reason="MFA is mandatory.")
    assert view.state == "rejected"


def test_unknown_outcome_and_condition_status(services: Services) -> None:
    view = ready(services)
    with pytest.raises(RecordInvalid, match="'maybe'; expected one of approve"):
        decisions.decide(services, "cara", view.id, "maybe")
    view = add(services, view, ACC_MAJOR)
    with pytest.raises(RecordInvalid, match="expected one of open, met, cancelled"):
        approval_conditions.set_status(services, "alex", view.id, view.conditions[0].id, "done")
