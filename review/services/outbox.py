"""The outbox: messages written with the change that caused them, delivered at least once.

A sender claims due messages with a lease (``lease_until``) in a short transaction, delivers
them, and records each outcome in its own transaction. A sender that dies mid-batch leaves
its claims to expire; the next sender delivers them again under the same ``message_id``, so
the receiver can tell a retry from a new message. Nothing is ever deleted; a message that
keeps failing is marked ``failed`` after the configured attempts and shown to admins, who may
retry it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..errors import NotFound, PermissionDenied, Refused
from ..store.models import OutboxMessage
from .context import Services

# Seconds to wait before attempt n+1 (then the last value again): a short blip is retried
# soon, a server that is down for hours is not hammered.
BACKOFF = (60, 300, 900, 3600, 4 * 3600, 12 * 3600)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])


def insert_new(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert messages, skipping any whose ``message_id`` is already queued (same notice)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(OutboxMessage).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        session.execute(sqlite.insert(OutboxMessage).on_conflict_do_nothing(), rows)
    else:  # pragma: no cover - the two supported databases are above
        session.execute(insert(OutboxMessage), rows)


def claim(services: Services, channel: str, limit: int, lease_seconds: int) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for ``lease_seconds``; others skip them meanwhile."""
    now = services.now()
    with services.transaction() as tx:
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if not services.db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        claimed = list(tx.session.scalars(query))
        until = now + dt.timedelta(seconds=lease_seconds)
        for message in claimed:
            message.lease_until = until
        return claimed


def _message(session: Session, message_id: int) -> OutboxMessage:
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"no outbox message {message_id}")
    return message


def mark_sent(services: Services, message_id: int) -> None:
    with services.transaction() as tx:
        message = _message(tx.session, message_id)
        message.status = "sent"
        message.sent_at = services.now()
        message.attempts += 1
        message.lease_until = None
        message.last_error = None


def mark_failed(services: Services, message_id: int, error: str, max_attempts: int) -> str:
    """Record a failed attempt; returns the new status (pending again, or failed)."""
    with services.transaction() as tx:
        message = _message(tx.session, message_id)
        message.attempts += 1
        message.last_error = error[:2000]
        message.lease_until = None
        if message.attempts >= max_attempts:
            message.status = "failed"
            tx.audit(
                "outbox.failed",
                "outbox",
                message.id,
                message_id=message.message_id,
                channel=message.channel,
                recipient=message.recipient,
                error=message.last_error,
            )
        else:
            message.next_attempt_at = services.now() + backoff(message.attempts)
        return message.status


@dataclass(frozen=True)
class Problem:
    """A message admins should see: failed for good, or retrying after errors."""

    id: int
    message_id: str
    channel: str
    recipient: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime
    created_at: dt.datetime


def problems(services: Services, by: str, limit: int = 200) -> list[Problem]:
    with services.transaction(by) as tx:
        if not tx.who.is_admin:
            raise PermissionDenied(f"{by} is not an admin; admins see delivery failures")
        rows = tx.session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == "failed",
                    (OutboxMessage.status == "pending") & OutboxMessage.last_error.is_not(None),
                )
            )
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        return [
            Problem(
                m.id,
                m.message_id,
                m.channel,
                m.recipient,
                m.subject,
                m.status,
                m.attempts,
                m.last_error,
                m.next_attempt_at,
                m.created_at,
            )
            for m in rows
        ]


def counts(services: Services) -> dict[str, int]:
    with services.transaction() as tx:
        return {
            str(status): int(n)
            for status, n in tx.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
        }


def retry(services: Services, by: str, outbox_id: int) -> None:
    """An admin sends a failed message again (same Message-ID), from now."""
    with services.transaction(by) as tx:
        if not tx.who.is_admin:
            raise PermissionDenied(f"{by} is not an admin; admins retry deliveries")
        message = tx.session.get(OutboxMessage, outbox_id)
        if message is None:
            raise NotFound(f"no outbox message {outbox_id}")
        if message.status != "failed":
            raise Refused(f"outbox message {outbox_id} is {message.status}, not failed")
        message.status = "pending"
        message.next_attempt_at = services.now()
        message.lease_until = None
        tx.audit("outbox.retry", "outbox", message.id, message_id=message.message_id)
