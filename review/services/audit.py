"""The append-only, hash-chained audit log.

Each event's hash covers its content and the previous event's hash, so altering or removing
any event breaks the chain from that point on. Writers are serialised (SQLite: BEGIN
IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so the chain never forks.
There is no update or delete path in the code, and the database refuses both (triggers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..store.models import AuditEvent
from ..store.storable import clean_data

GENESIS = "0" * 64
_LOCK_KEY = 7_301_954  # any constant; identifies the audit chain's advisory lock


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for UTC values; PostgreSQL aware ones."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def event_hash(
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": _utc(at).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "details": details,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode()).hexdigest()


Head = tuple[int, str]  # (sequence number, hash) of the last event


def head(session: Session) -> Head:
    """Take the chain (serialise writers) and read its last link."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def append(
    session: Session,
    after: Head,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Add the event that follows ``after``; the caller holds the chain (see ``head``)."""
    seq, prev = after[0] + 1, after[1]
    moment = _utc(at or dt.datetime.now(dt.UTC))
    # exactly what the database will return (JSON types; NUL as a symbol: review.store.storable)
    clean = clean_data(json.loads(canonical(details or {})))
    event = AuditEvent(
        seq=seq,
        at=moment,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=clean,
        prev_hash=prev,
        hash=event_hash(seq, moment, actor, action, entity, str(entity_id), clean, prev),
    )
    session.add(event)
    return event


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with it)."""
    event = append(
        session,
        head(session),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details,
        at=at,
    )
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session) -> ChainReport:
    """Recompute the chain; name every altered, removed or re-linked event."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        count += 1
        if event.seq != expected_seq:
            missing = (
                f"event {expected_seq}"
                if event.seq == expected_seq + 1
                else f"events {expected_seq} to {event.seq - 1}"
            )
            problems.append(f"{missing} removed (sequence jumps to {event.seq})")
        if event.prev_hash != prev:
            problems.append(f"event {event.seq}: does not follow the event before it")
        recomputed = event_hash(
            event.seq,
            event.at,
            event.actor,
            event.action,
            event.entity,
            event.entity_id,
            event.details,
            event.prev_hash,
        )
        if recomputed != event.hash:
            problems.append(f"event {event.seq} ({event.action} by {event.actor}): altered")
        prev = event.hash
        expected_seq = event.seq + 1
    return ChainReport(events=count, head=prev, problems=problems)
