"""Failed sign-ins, counted per account name and per client address, with a growing pause.

After ``REVIEW_SIGNIN_ACCOUNT_FAILURES`` failures on one account name (5), or
``REVIEW_SIGNIN_ADDRESS_FAILURES`` from one client address (20: password spraying across
accounts), sign-in for it pauses for ``REVIEW_SIGNIN_LOCKOUT_SECONDS`` (60 s); each further
failure after a pause doubles it, up to ``REVIEW_SIGNIN_LOCKOUT_MAX_SECONDS`` (an hour).
Attempts during a pause are refused without checking the password and are not counted.
Failures are forgotten ``REVIEW_SIGNIN_WINDOW_MINUTES`` after the last failure or pause. Names
that match no account are counted the same way, so a pause says nothing about whether an
account exists. A correct password clears its account's count (not its address's); an admin
can lift a pause at once. Every pause and unlock is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..settings import settings
from ..store.models import SignInThrottle
from .context import Tx

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Pause:
    scope: str
    key: str
    failures: int
    until: dt.datetime

    def message(self, now: dt.datetime) -> str:
        minutes = max(1, math.ceil((self.until - now).total_seconds() / 60))
        wait = "about a minute" if minutes == 1 else f"about {minutes} minutes"
        if self.scope == ACCOUNT:
            return (
                f"Too many failed sign-ins for this account: sign-in is paused for {wait}. "
                "An administrator can unlock it sooner (Users and roles)."
            )
        return (
            f"Too many failed sign-ins from your network address: sign-in from it is paused "
            f"for {wait}."
        )


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _active(row: SignInThrottle | None, now: dt.datetime) -> Pause | None:
    if row is None or row.locked_until is None or _utc(row.locked_until) <= now:
        return None
    return Pause(row.scope, row.key, row.failures, _utc(row.locked_until))


def _get(tx: Tx, scope: str, key: str, *, lock: bool) -> SignInThrottle | None:
    query = select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
    return tx.session.scalar(query.with_for_update() if lock else query)


def _row(tx: Tx, scope: str, key: str, now: dt.datetime) -> SignInThrottle:
    """The counter for ``key``, created if needed and locked (concurrent failures add up)."""
    insert = pg_insert if tx.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    tx.session.execute(
        insert(SignInThrottle)
        .values(scope=scope, key=key, failures=0, last_failure_at=now)
        .on_conflict_do_nothing()
    )
    row = _get(tx, scope, key, lock=True)
    if row is None:  # inserted just above, in this transaction
        raise RuntimeError(f"sign-in counter {scope}:{key} vanished in its own transaction")
    return row


def paused(tx: Tx, username: str, address: str | None, now: dt.datetime) -> Pause | None:
    """The pause that refuses this attempt, if any (the account's first)."""
    found = _active(_get(tx, ACCOUNT, username, lock=False), now)
    if found is None and address:
        found = _active(_get(tx, ADDRESS, address, lock=False), now)
    return found


def _count(tx: Tx, scope: str, key: str, threshold: int, now: dt.datetime) -> Pause | None:
    limits = settings()
    row = _row(tx, scope, key, now)
    quiet_since = max(_utc(row.last_failure_at), _utc(row.locked_until or row.last_failure_at))
    if now - quiet_since > dt.timedelta(minutes=limits.signin_window_minutes):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    if row.failures < threshold:
        return None
    doublings = min(row.failures - threshold, 30)
    seconds = min(limits.signin_lockout_max_seconds, limits.signin_lockout_seconds * 2**doublings)
    row.locked_until = now + dt.timedelta(seconds=seconds)
    pause = Pause(scope, key, row.failures, row.locked_until)
    tx.audit(
        "signin.pause",
        scope,
        key,
        failures=row.failures,
        seconds=seconds,
        until=row.locked_until.isoformat(),
    )
    return pause


def record_failure(tx: Tx, username: str, address: str | None, now: dt.datetime) -> Pause | None:
    """Count a failed sign-in; the pause it starts, if it starts one."""
    limits = settings()
    pause = _count(tx, ACCOUNT, username, limits.signin_account_failures, now)
    if address:
        pause = _count(tx, ADDRESS, address, limits.signin_address_failures, now) or pause
    return pause


def record_success(tx: Tx, username: str) -> None:
    row = _get(tx, ACCOUNT, username, lock=True)
    if row is not None and row.failures:
        row.failures = 0
        row.locked_until = None


def unlock(tx: Tx, scope: str, key: str) -> bool:
    """Lift a pause and forget the failures; False when there was nothing to lift."""
    row = _get(tx, scope, key, lock=True)
    if row is None or (not row.failures and row.locked_until is None):
        return False
    was = row.failures
    row.failures = 0
    row.locked_until = None
    tx.audit("signin.unlock", scope, key, failures=was)
    return True


def pauses(tx: Tx, now: dt.datetime) -> list[Pause]:
    """Every pause in force, for the admins' page."""
    rows = tx.session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.locked_until.is_not(None))
        .order_by(SignInThrottle.scope, SignInThrottle.key)
    )
    return [p for p in (_active(r, now) for r in rows) if p is not None]
