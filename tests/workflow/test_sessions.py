"""Server-side sessions: a claim code exchanged once for the cookie's token, checked on every
run, ended by sign-out, a password change or a deactivation, by idleness and by age."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from review.services import accounts, sessions
from review.services.context import Services
from review.services.roles import Role
from review.store.models import AuditEvent, UserSession

from .conftest import Clock

pytestmark = pytest.mark.usefixtures("people")


def signed_in(services: Services, user: str = "sam") -> tuple[int, str]:
    started = sessions.start(services, user, address="203.0.113.7")
    claimed = sessions.claim(services, started.claim)
    assert claimed is not None
    return started.session_id, claimed.token


def test_a_claim_gives_the_cookie_once(services: Services, clock: Clock) -> None:
    started = sessions.start(services, "sam")
    claimed = sessions.claim(services, started.claim)
    assert claimed is not None and len(claimed.token) >= 40
    assert claimed.max_age == 12 * 3600
    assert sessions.claim(services, started.claim) is None  # single use
    resumed = sessions.resume_cookie(services, claimed.token)
    assert resumed.actor is not None and resumed.actor.username == "sam"
    assert resumed.session_id == started.session_id
    # the table holds digests only: reading it does not let anyone sign in
    with services.transaction() as tx:
        row = tx.session.get(UserSession, started.session_id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(claimed.token.encode()).hexdigest()
        assert claimed.token not in (row.token_hash, row.claim_hash)


def test_a_claim_expires_in_two_minutes(services: Services, clock: Clock) -> None:
    started = sessions.start(services, "sam")
    clock.advance(minutes=2, seconds=1)
    assert sessions.claim(services, started.claim) is None
    assert sessions.claim(services, "made-up") is None


def test_sign_out_ends_the_session_everywhere(services: Services) -> None:
    session_id, token = signed_in(services)
    sessions.end(services, session_id)
    assert sessions.resume(services, session_id).actor is None
    gone = sessions.resume_cookie(services, token)
    assert gone.actor is None and gone.ended is None  # signed out: nothing to explain
    with services.transaction() as tx:
        actions = [e.action for e in tx.session.scalars(select(AuditEvent))]
    assert actions.count("user.sign_in") == 1 and actions.count("user.sign_out") == 1


def test_the_sign_out_route_ends_the_cookies_session(services: Services) -> None:
    session_id, token = signed_in(services)
    sessions.end_cookie(services, token)
    assert sessions.resume(services, session_id).actor is None


def test_a_password_change_ends_every_session(services: Services) -> None:
    first, token = signed_in(services)
    second, _ = signed_in(services)
    other, _ = signed_in(services, "tess")
    accounts.set_password(services, "sam", "sam", "a brand new passphrase")
    for session_id in (first, second):
        ended = sessions.resume(services, session_id)
        assert ended.actor is None
        assert ended.ended is not None and "password was changed" in ended.ended
    assert sessions.resume_cookie(services, token).actor is None
    assert sessions.resume(services, other).actor is not None  # someone else's stays


def test_deactivation_ends_the_session(services: Services) -> None:
    session_id, _ = signed_in(services)
    accounts.set_active(services, "admin", "sam", False)
    assert sessions.resume(services, session_id).actor is None


def test_idle_sessions_end_after_thirty_minutes(services: Services, clock: Clock) -> None:
    session_id, token = signed_in(services)
    for _ in range(5):  # in use: each run within the idle limit keeps it alive
        clock.advance(minutes=29)
        assert sessions.resume(services, session_id).actor is not None
    clock.advance(minutes=30)
    ended = sessions.resume(services, session_id)
    assert ended.actor is None
    assert ended.ended == (
        "You were signed out after 30 minutes without activity. Please sign in again."
    )
    assert sessions.resume_cookie(services, token).actor is None


def test_the_idle_limit_is_configurable(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_SESSION_IDLE_MINUTES", "5")
    session_id, _ = signed_in(services)
    clock.advance(minutes=4)
    assert sessions.resume(services, session_id).actor is not None
    clock.advance(minutes=5)
    assert sessions.resume(services, session_id).actor is None


def test_sessions_end_twelve_hours_after_sign_in(services: Services, clock: Clock) -> None:
    session_id, _ = signed_in(services)
    for _ in range(35):  # busy all day: a run every 20 minutes
        clock.advance(minutes=20)
        assert sessions.resume(services, session_id).actor is not None
    clock.advance(minutes=20)  # 12 hours, however active
    ended = sessions.resume(services, session_id)
    assert ended.actor is None and ended.ended is not None and "12 hours" in ended.ended


def test_roles_are_read_on_every_run(services: Services) -> None:
    session_id, _ = signed_in(services, "cara")
    first = sessions.resume(services, session_id).actor
    assert first is not None and first.is_approver
    accounts.revoke(services, "admin", "cara", Role.APPROVER)
    later = sessions.resume(services, session_id).actor
    assert later is not None and not later.is_approver
