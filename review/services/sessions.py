"""Signed-in sessions, kept in the database and checked on every page run.

A local sign-in creates a ``user_sessions`` row. The browser gets its cookie from the server
(an HTTP response, so the cookie is ``HttpOnly`` and page script never sees it): the page
loads ``/review-session/claim`` with a single-use claim code that expires in two minutes, and
that response sets the cookie to a fresh random token. Only the SHA-256 of the claim code and
of the token are stored, so reading the table does not let anyone sign in.

Every page run checks the session: it ends when revoked (sign-out, password change,
deactivation), after ``REVIEW_SESSION_IDLE_MINUTES`` without use (30) and
``REVIEW_SESSION_HOURS`` after sign-in (12), whatever the cookie says. Roles and the active
flag are read again on every run, so a revoked role takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from ..errors import NotFound
from ..settings import settings
from ..store.models import User, UserSession
from .context import Actor, Services, Tx, actor_from

COOKIE = "review_session"
CLAIM_LIFETIME = dt.timedelta(minutes=2)
TOUCH_EVERY = dt.timedelta(seconds=60)  # how stale last_seen_at may be (one write a minute)

ENDED = {
    "idle": "You were signed out after {idle} minutes without activity. Please sign in again.",
    "expired": "Your session ended {hours} hours after you signed in. Please sign in again.",
    "password": "Your password was changed, which signs out every session. Please sign in again.",
    "deactivated": "This account has been deactivated.",
}


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings().session_idle_minutes)


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings().session_hours)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _message(reason: str | None) -> str | None:
    template = ENDED.get(reason or "")
    if template is None:
        return None
    limits = settings()
    return template.format(idle=limits.session_idle_minutes, hours=limits.session_hours)


@dataclass(frozen=True)
class Started:
    session_id: int
    claim: str  # single use, for the server to exchange for the cookie


def start(services: Services, username: str, *, address: str | None = None) -> Started:
    """A new session for a user who just proved who they are."""
    with services.transaction() as tx:
        user = tx.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"no user {username!r}")
        now = services.now()
        claim = secrets.token_urlsafe(32)
        row = UserSession(
            user_id=user.id,
            claim_hash=digest(claim),
            claim_expires_at=now + CLAIM_LIFETIME,
            address=address,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime(),
        )
        tx.session.add(row)
        tx.session.flush()
        tx.audit("user.sign_in", "user", username, session=row.id, address=address)
        return Started(row.id, claim)


@dataclass(frozen=True)
class Claimed:
    token: str
    max_age: int  # seconds until the session's absolute end


def claim(services: Services, code: str) -> Claimed | None:
    """Exchange a claim code (once, within two minutes) for the cookie's token."""
    with services.transaction() as tx:
        row = tx.session.scalar(
            select(UserSession).where(UserSession.claim_hash == digest(code)).with_for_update()
        )
        now = services.now()
        if row is None or row.revoked_at is not None or row.claim_expires_at is None:
            return None
        if _utc(row.claim_expires_at) < now:
            return None
        token = secrets.token_urlsafe(32)
        row.token_hash, row.claim_hash, row.claim_expires_at = digest(token), None, None
        return Claimed(token, max(0, int((_utc(row.expires_at) - now).total_seconds())))


@dataclass(frozen=True)
class Resumed:
    session_id: int | None
    actor: Actor | None
    ended: str | None = None  # why the session ended, for the person (None: no message)


def _resume(tx: Tx, row: UserSession | None, now: dt.datetime) -> Resumed:
    if row is None:
        return Resumed(None, None)
    if row.revoked_at is not None:
        return Resumed(None, None, _message(row.revoked_reason))
    reason = None
    if now >= _utc(row.expires_at):
        reason = "expired"
    elif now - _utc(row.last_seen_at) >= idle_limit():
        reason = "idle"
    user = tx.session.get(User, row.user_id)
    if reason is None and (user is None or not user.active):
        reason = "deactivated"
    if reason is not None or user is None:
        row.revoked_at, row.revoked_reason = now, reason or "deactivated"
        return Resumed(None, None, _message(row.revoked_reason))
    if now - _utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    return Resumed(row.id, actor_from(user))


def resume(services: Services, session_id: int) -> Resumed:
    """The session's user, if the session still stands; checked on every page run."""
    with services.transaction() as tx:
        row = tx.session.get(UserSession, session_id, with_for_update=True)
        return _resume(tx, row, services.now())


def resume_cookie(services: Services, token: str) -> Resumed:
    """The session a cookie's token names, after a page reload."""
    with services.transaction() as tx:
        row = tx.session.scalar(
            select(UserSession).where(UserSession.token_hash == digest(token)).with_for_update()
        )
        return _resume(tx, row, services.now())


def _end(tx: Tx, row: UserSession | None, reason: str) -> None:
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at, row.revoked_reason = tx.services.now(), reason
    user = tx.session.get(User, row.user_id)
    tx.audit("user.sign_out", "user", user.username if user else row.user_id, session=row.id)


def end(services: Services, session_id: int, reason: str = "sign-out") -> None:
    with services.transaction() as tx:
        _end(tx, tx.session.get(UserSession, session_id, with_for_update=True), reason)


def end_cookie(services: Services, token: str) -> None:
    """Sign out the session a cookie names (the server's sign-out route)."""
    with services.transaction() as tx:
        row = tx.session.scalar(select(UserSession).where(UserSession.token_hash == digest(token)))
        _end(tx, row, "sign-out")


def revoke_all(tx: Tx, user_id: int, reason: str) -> int:
    """End every session of a user (a password change, a deactivation); how many ended."""
    result = tx.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=tx.services.now(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
