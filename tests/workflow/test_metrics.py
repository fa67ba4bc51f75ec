"""Dashboard metrics (review.services.metrics): the figures, the requester's department scope,
and a constant number of queries however many proposals there are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from review.errors import NotFound
from review.services import decisions, metrics, proposals, reevaluation, signoffs
from review.services.context import Services
from review.store.models import StoredEvaluation

from .conftest import Clock
from .support import condition_majors, ready, saas, submitted


def police() -> dict[str, Any]:
    return saas(department="Police", title="Body camera evidence storage")


def decide_after(services: Services, clock: Clock, days: float) -> None:
    """A request made ready now and approved ``days`` later."""
    view = ready(services)
    clock.advance(days=days)
    view = condition_majors(services, view)
    decisions.decide(services, "cara", view.id, "approve_with_conditions", reason="ok")


def states(services: Services, by: str) -> dict[str, int]:
    return {s.state: s.count for s in metrics.proposals_by_state(services, by)}


def test_proposals_by_state_and_department_scope(
    services: Services, people: dict[str, str]
) -> None:
    proposals.create_draft(services, "dana", saas())
    submitted(services)
    submitted(services, police(), by="pat")

    everyone = {"draft": 1, "submitted": 2}
    for user in ("admin", "tess", "cara", "iso", "lib-sec"):
        assert states(services, user) == everyone, user
        assert metrics.scope_of(services, user) == metrics.Scope(None)
    assert states(services, "dana") == {"draft": 1, "submitted": 1}
    assert states(services, "lee") == {"draft": 1, "submitted": 1}  # same department
    assert states(services, "pat") == {"submitted": 1}
    assert metrics.scope_of(services, "pat").label == "Police only"


def test_open_items_by_domain_follow_the_sign_offs(
    services: Services, people: dict[str, str]
) -> None:
    first = submitted(services)
    submitted(services, police(), by="pat")
    required = first.required_signoffs
    assert "technology" in required

    counts = {d.domain: d.open for d in metrics.open_items_by_domain(services, "admin")}
    assert counts == dict.fromkeys(required, 2)

    signoffs.sign_off(services, "tess", first.id, "technology", note="ok")
    counts = {d.domain: d.open for d in metrics.open_items_by_domain(services, "admin")}
    assert counts["technology"] == 1
    # the Library requester sees only their request's open items
    mine = {d.domain: d.open for d in metrics.open_items_by_domain(services, "dana")}
    assert mine == {d: 1 for d in required if d != "technology"}


def test_oldest_open_items_with_age_in_days(
    services: Services, people: dict[str, str], clock: Clock
) -> None:
    old = submitted(services)
    clock.advance(days=10, hours=5)
    new = submitted(services, police(), by="pat")

    items = metrics.oldest_open_items(services, "sam", limit=100)
    assert [i.id for i in items[: len(old.required_signoffs)]] == [old.id] * len(
        old.required_signoffs
    )
    assert {i.age_days for i in items if i.id == old.id} == {10}
    assert {i.age_days for i in items if i.id == new.id} == {0}
    assert all(i.worst_severity in ("blocker", "major", "minor", "info") for i in items)
    assert len(metrics.oldest_open_items(services, "sam", limit=2)) == 2
    # Police sees only its own request
    assert {i.ref for i in metrics.oldest_open_items(services, "pat")} == {new.ref}


def test_median_days_from_submission_to_decision(
    services: Services, people: dict[str, str], clock: Clock
) -> None:
    assert metrics.decision_times(services, "admin") == [
        metrics.DecisionTime("proposal", 0, None),
        metrics.DecisionTime("contract", 0, None),
    ]
    for days in (2, 9, 5):
        decide_after(services, clock, days)
    proposal, contract = metrics.decision_times(services, "cara")
    assert proposal == metrics.DecisionTime("proposal", 3, 5.0)
    assert contract == metrics.DecisionTime("contract", 0, None)

    decide_after(services, clock, 1.5)  # an even count: the mean of the middle two
    assert metrics.decision_times(services, "admin")[0] == metrics.DecisionTime("proposal", 4, 3.5)
    # the Police requester has no decisions of their own
    assert metrics.decision_times(services, "pat")[0] == metrics.DecisionTime("proposal", 0, None)


def _latest_counts(services: Services, proposal_id: int) -> Counter[tuple[str, str]]:
    with services.db.session() as session:
        evaluation = session.scalars(
            select(StoredEvaluation)
            .where(StoredEvaluation.proposal_id == proposal_id)
            .order_by(StoredEvaluation.id.desc())
        ).first()
        assert evaluation is not None
        return Counter((f["severity"], f["domain"]) for f in evaluation.findings)


def test_findings_by_month_count_each_proposal_once_a_month(
    services: Services, people: dict[str, str], clock: Clock
) -> None:
    november = submitted(services)
    clock.advance(days=35)  # into January
    january = submitted(services, police(), by="pat")
    reevaluation.reevaluate_all(services, "admin")  # a second evaluation of each, in January

    rows = metrics.findings_over_time(services, "admin")
    by_month: dict[str, Counter[tuple[str, str]]] = {}
    for row in rows:
        by_month.setdefault(row.month, Counter())[(row.severity, row.domain)] += row.count
    assert sorted(by_month) == ["2026-11", "2027-01"]
    assert by_month["2026-11"] == _latest_counts(services, november.id)
    expected = _latest_counts(services, november.id) + _latest_counts(services, january.id)
    assert by_month["2027-01"] == expected  # not doubled by the re-evaluation
    assert any(r.severity == "major" for r in rows)

    # the Police requester sees only their January request's findings
    police_rows = metrics.findings_over_time(services, "pat")
    assert {r.month for r in police_rows} == {"2027-01"}
    assert Counter({(r.severity, r.domain): r.count for r in police_rows}) == _latest_counts(
        services, january.id
    )

    # a window of one month leaves November out
    assert {r.month for r in metrics.findings_over_time(services, "admin", months=1)} == {"2027-01"}


def test_dashboard_is_one_snapshot_and_needs_a_known_user(
    services: Services, people: dict[str, str]
) -> None:
    submitted(services)
    board = metrics.dashboard(services, "dana")
    assert board.scope == metrics.Scope("Library")
    assert board.proposals == 1
    assert board.open_items == len(board.oldest_open)
    assert board.as_of.tzinfo is not None
    with pytest.raises(NotFound):
        metrics.dashboard(services, "nobody")


@contextmanager
def counting(services: Services) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(services.db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(services.db.engine, "before_cursor_execute", record)


def test_query_count_does_not_grow_with_proposals(
    services: Services, people: dict[str, str], clock: Clock
) -> None:
    decide_after(services, clock, 2)
    submitted(services)
    with counting(services) as few:
        metrics.dashboard(services, "admin")
    for _ in range(4):
        submitted(services, police(), by="pat")
        clock.advance(days=3)
    decide_after(services, clock, 4)
    with counting(services) as many:
        metrics.dashboard(services, "admin")
    assert len(many) == len(few)
    assert len(few) <= 20
