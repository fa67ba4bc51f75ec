"""No lost updates: two people acting on the same proposal at once, from real threads, each
with the version they loaded. Exactly one succeeds; the other is told to reload."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest

from review.errors import StaleUpdate
from review.services import audit, proposals, reviews, signoffs
from review.services.context import Services
from review.store.database import Database

from .conftest import Clock
from .support import submitted

pytestmark = pytest.mark.usefixtures("people")

Action = Callable[[int], Any]


def race(actions: list[Action], version: int) -> list[BaseException | None]:
    """Run every action at the same moment; returns each one's error (None: it succeeded)."""
    barrier = threading.Barrier(len(actions))
    outcome: list[BaseException | None] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            actions[index](version)
        except BaseException as exc:
            outcome[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a racing action hung"
    return outcome


def one_wins(outcome: list[BaseException | None]) -> None:
    errors = [e for e in outcome if e is not None]
    assert len(errors) == len(outcome) - 1, outcome
    for error in errors:
        assert isinstance(error, StaleUpdate), repr(error)
        assert "changed since you loaded it" in str(error)
        assert "reload it and try again" in str(error)


@pytest.fixture
def ticking(services: Services, clock: Clock) -> Services:
    """A clock that moves on, as a real one does, by a microsecond each time it is read."""
    lock = threading.Lock()

    def now() -> dt.datetime:
        with lock:
            clock.advance(microseconds=1)
            return clock.now

    services.clock = now
    return services


def chain_ok(services: Services) -> None:
    with services.transaction() as tx:
        report = audit.verify(tx.session)
    assert report.ok, report.problems


def test_two_reviewers_sign_off_at_once(ticking: Services) -> None:
    services = ticking
    view = reviews.start_review(services, "tess", submitted(services).id)
    outcome = race(
        [
            lambda v: signoffs.sign_off(services, "sam", view.id, "security", expected_version=v),
            lambda v: signoffs.sign_off(
                services, "alex", view.id, "accessibility", expected_version=v
            ),
        ],
        view.row_version,
    )
    one_wins(outcome)
    after = proposals.get(services, "dana", view.id)
    assert len(after.signoffs) == 1
    assert after.row_version == view.row_version + 1
    chain_ok(services)


def test_sign_off_and_request_changes_at_once(ticking: Services) -> None:
    services = ticking
    view = reviews.start_review(services, "tess", submitted(services).id)
    outcome = race(
        [
            lambda v: signoffs.sign_off(services, "sam", view.id, "security", expected_version=v),
            lambda v: reviews.request_changes(
                services,
                "alex",
                view.id,
                domain="accessibility",
                reason="Fix reflow first.",
                expected_version=v,
            ),
        ],
        view.row_version,
    )
    one_wins(outcome)
    after = proposals.get(services, "dana", view.id)
    if outcome[0] is None:
        assert (after.state, len(after.signoffs), after.comments) == ("in_review", 1, [])
    else:
        assert (after.state, after.signoffs) == ("changes_requested", [])
    chain_ok(services)


def test_the_same_reviewer_acting_twice_at_once(ticking: Services) -> None:
    """A double-submitted form: one comment is kept, not two."""
    services = ticking
    view = submitted(services)
    outcome = race(
        [
            lambda v: reviews.comment(services, "sam", view.id, "Looks fine.", expected_version=v),
            lambda v: reviews.comment(services, "sam", view.id, "Looks fine.", expected_version=v),
            lambda v: reviews.comment(services, "tess", view.id, "Agreed.", expected_version=v),
        ],
        view.row_version,
    )
    one_wins(outcome)
    assert len(proposals.get(services, "dana", view.id).comments) == 1
    chain_ok(services)


def test_without_a_version_concurrent_writers_queue_and_the_audit_chain_does_not_fork(
    ticking: Services, database: Database, request: pytest.FixtureRequest
) -> None:
    """Callers that pass no expected_version asked for no check: their writes queue (as
    SQLite's BEGIN IMMEDIATE makes them) instead of failing half-way."""
    services = ticking
    view = submitted(services)
    people = ["sam", "tess", "alex", "priya"]
    outcome = race(
        [
            (lambda who: lambda _v: reviews.comment(services, who, view.id, f"Note by {who}"))(p)
            for p in people
        ],
        0,
    )
    assert outcome == [None] * len(people)
    after = proposals.get(services, "dana", view.id)
    assert sorted(c.author for c in after.comments) == sorted(people)
    chain_ok(services)


def test_every_action_moves_the_optimistic_lock_even_within_one_clock_tick(
    services: Services, database: Database, request: pytest.FixtureRequest
) -> None:
    """The lock must not depend on the clock having moved (coarse clocks, NTP steps, or two
    requests in the same tick); here the clock stands still."""
    view = submitted(services)
    first = reviews.comment(services, "sam", view.id, "One.", expected_version=view.row_version)
    assert first.row_version == view.row_version + 1
    with pytest.raises(StaleUpdate):
        reviews.comment(services, "tess", view.id, "Two.", expected_version=view.row_version)
    outcome = race(
        [
            lambda v: signoffs.sign_off(services, "sam", view.id, "security", expected_version=v),
            lambda v: signoffs.sign_off(
                services, "alex", view.id, "accessibility", expected_version=v
            ),
        ],
        first.row_version,
    )
    one_wins(outcome)
