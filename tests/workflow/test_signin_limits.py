"""Sign-in limits: failures counted per account and per client address, a pause that grows,
the same answer for names that match no account, an admin's unlock, all audited."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select

from review.errors import PermissionDenied, SignInPaused
from review.services import accounts
from review.services.context import Services
from review.store.models import AuditEvent

from .conftest import PASSWORD, Clock

pytestmark = pytest.mark.usefixtures("people")
HOME = "198.51.100.4"
PAUSED = "Too many failed sign-ins for this account: sign-in is paused for about a minute."


def fail(services: Services, user: str, times: int, address: str = HOME) -> None:
    for n in range(times):
        assert accounts.authenticate(services, user, f"wrong guess {n}", address=address) is None


def actions(services: Services) -> list[str]:
    with services.transaction() as tx:
        return [e.action for e in tx.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_five_failures_pause_the_account(services: Services, clock: Clock) -> None:
    fail(services, "sam", 4)
    with pytest.raises(SignInPaused) as paused:
        accounts.authenticate(services, "sam", "wrong guess 5", address=HOME)
    assert str(paused.value).startswith(PAUSED)
    assert "An administrator can unlock it sooner" in str(paused.value)
    # while paused the right password is refused too, and from another address
    with pytest.raises(SignInPaused, match="for this account"):
        accounts.authenticate(services, "sam", PASSWORD, address="192.0.2.9")
    # other accounts are not affected
    assert accounts.authenticate(services, "tess", PASSWORD, address=HOME) is not None
    clock.advance(seconds=61)
    assert accounts.authenticate(services, "sam", PASSWORD, address=HOME) is not None
    assert actions(services).count("signin.pause") == 1


def test_the_pause_doubles_with_each_further_failure(services: Services, clock: Clock) -> None:
    fail(services, "sam", 4)
    waits = []
    for minutes in (1, 2, 4, 8):
        with pytest.raises(SignInPaused) as paused:
            accounts.authenticate(services, "sam", "still wrong", address=HOME)
        waits.append(str(paused.value))
        clock.advance(minutes=minutes, seconds=1)  # the pause is over; not yet forgotten
    assert "about a minute" in waits[0]
    assert "about 2 minutes" in waits[1]
    assert "about 4 minutes" in waits[2]
    assert "about 8 minutes" in waits[3]


def test_the_pause_stops_at_the_maximum(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_SIGNIN_LOCKOUT_MAX_SECONDS", "300")
    fail(services, "sam", 4)
    for _ in range(6):
        with pytest.raises(SignInPaused) as paused:
            accounts.authenticate(services, "sam", "still wrong", address=HOME)
        clock.advance(minutes=6)
    assert "about 5 minutes" in str(paused.value)


def test_failures_are_forgotten_after_a_quiet_window(services: Services, clock: Clock) -> None:
    fail(services, "sam", 4)
    clock.advance(minutes=16)
    fail(services, "sam", 4)  # counted afresh: no pause yet
    assert "signin.pause" not in actions(services)


def test_a_correct_password_clears_the_accounts_count(services: Services) -> None:
    fail(services, "sam", 4)
    assert accounts.authenticate(services, "sam", PASSWORD, address=HOME) is not None
    fail(services, "sam", 4)
    assert "signin.pause" not in actions(services)


def test_unknown_names_get_the_same_answers(services: Services) -> None:
    fail(services, "nobody-here", 4)
    with pytest.raises(SignInPaused) as paused:
        accounts.authenticate(services, "nobody-here", "guess", address=HOME)
    assert str(paused.value).startswith(PAUSED)


def test_spraying_from_one_address_pauses_that_address(services: Services) -> None:
    users = ["tess", "alex", "priya", "olga", "aiden", "paul", "iso"]
    for n in range(19):  # a few tries at many accounts: no account reaches its limit
        assert accounts.authenticate(services, users[n % 7], "Summer2026!", address=HOME) is None
    with pytest.raises(SignInPaused, match="from your network address"):
        accounts.authenticate(services, "ada", "Summer2026!", address=HOME)
    with pytest.raises(SignInPaused, match="from your network address"):
        accounts.authenticate(services, "ada", PASSWORD, address=HOME)
    # the people themselves, elsewhere, sign in as usual
    assert accounts.authenticate(services, "ada", PASSWORD, address="192.0.2.50") is not None


def test_an_admin_unlocks_and_it_is_audited(services: Services) -> None:
    fail(services, "sam", 4)
    with pytest.raises(SignInPaused):
        accounts.authenticate(services, "sam", "wrong", address=HOME)
    (view,) = [u for u in accounts.list_users(services, "admin") if u.username == "sam"]
    assert view.paused_until is not None
    with pytest.raises(PermissionDenied, match="only admins manage users"):
        accounts.unlock(services, "tess", username="sam")
    assert accounts.unlock(services, "admin", username="sam") == ["account sam"]
    assert accounts.authenticate(services, "sam", PASSWORD, address=HOME) is not None
    with services.transaction() as tx:
        unlock = tx.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "signin.unlock")
        ).one()
    assert (unlock.actor, unlock.entity, unlock.entity_id) == ("admin", "account", "sam")
    assert unlock.details["failures"] == 5
    assert accounts.unlock(services, "admin", username="sam") == []  # nothing left to lift


def test_an_admin_unlocks_an_address(services: Services) -> None:
    for n in range(20):
        with contextlib.suppress(SignInPaused):
            accounts.authenticate(services, f"guess{n}", "x", address=HOME)
    (pause,) = accounts.paused_addresses(services, "admin")
    assert pause.key == HOME and pause.failures == 20
    assert accounts.unlock(services, "admin", address=HOME) == [f"address {HOME}"]
    assert accounts.paused_addresses(services, "admin") == []
