"""Tables of delivery (GEN-9): the outbox, how far each person's digests have gone, and how
each person wants them. Imported at the end of models.py, so the metadata (and Alembic) see
them, and re-exported there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, CleanString, CleanText, JsonType, Timestamp, utcnow


class DigestCursor(Base):
    """How far one person's digests have gone: every notice to ``recipient`` whose id is at
    most ``last_notice_id`` is in a digest already. Notice ids only grow, and notices are
    written only by the sweep under its lock, which also composes the digests, so no notice at
    or below a cursor can appear later (review.notify.digest)."""

    __tablename__ = "digest_cursors"
    recipient: Mapped[str] = mapped_column(CleanString(320), primary_key=True)
    last_notice_id: Mapped[int] = mapped_column(Integer)


class OutboxMessage(Base):
    """A message to deliver, written in the transaction of the change that caused it.

    Delivered at least once: a sender claims a batch with a lease, sends, and marks each sent;
    a sender that dies leaves its lease to expire and the next one sends again under the same
    ``message_id`` (the email Message-ID, the webhook idempotency key)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("message_id", name="uq_outbox_message_id"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(CleanString(200))
    channel: Mapped[str] = mapped_column(CleanString(16))  # email | webhook
    recipient: Mapped[str] = mapped_column(CleanString(500))
    subject: Mapped[str] = mapped_column(CleanText)
    body_text: Mapped[str] = mapped_column(CleanText)
    body_html: Mapped[str | None] = mapped_column(CleanText)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    kind: Mapped[str] = mapped_column(CleanString(32))
    status: Mapped[str] = mapped_column(CleanString(16), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    last_error: Mapped[str | None] = mapped_column(CleanText)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class NotificationPreference(Base):
    """How a person wants their digest, and the hash of their calendar feed token."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    digest: Mapped[str] = mapped_column(CleanString(16), default="daily")  # daily | weekly
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # weekly: 0 Monday .. 6 Sunday
    feed_token_hash: Mapped[str | None] = mapped_column(CleanString(64), unique=True)
    feed_token_set_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
