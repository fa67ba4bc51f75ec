"""The append-only, keyed audit chain.

Each event's hash is an HMAC-SHA256, under a key kept outside the database
(:mod:`review.services.audit_keys`), of its content and the previous event's hash: someone
who can write to the database but lacks the key can neither alter, append nor re-link an
event without verification naming it. Signed checkpoints of the head, kept outside the
database (:mod:`review.services.audit_checkpoints`), make deleting the newest events or
emptying the table show too. Events written before the chain was keyed (revision 0005) keep
their plain SHA-256 links; the first keyed event's HMAC covers the last of them.

Writers are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory
lock), so the chain never forks. There is no update or delete path in the code, and the
database refuses UPDATE, DELETE and TRUNCATE (triggers). Verification lives in
:mod:`review.services.audit_verify`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import func, insert, select, text
from sqlalchemy.event import listens_for
from sqlalchemy.orm import ORMExecuteState, Session

from ..errors import ConfigurationError
from ..store.copy import copy_rows
from ..store.models import AuditChain, AuditEvent
from ..store.storable import clean_data, refuse_surrogate_rows
from . import audit_keys
from .audit_keys import ChainKey

GENESIS = "0" * 64
_LOCK_KEY = 7_301_954  # any constant; identifies the audit chain's advisory lock
_EVENT_PURPOSE = b"review audit event v2\n"
_EVENTS = AuditEvent.metadata.tables[AuditEvent.__tablename__]
_INSERT_EVENTS = insert(_EVENTS)
_HELD = "review.audit.chain"  # Session.info: the chain a session holds, with unwritten events
ROW_ACTION = "proposal.row"  # the state a transaction left a proposal row in
ROW_ENTITY = "proposal_row"  # not "proposal": a request's history shows what people did
KEYED_ACTION = "audit.keyed"  # the first keyed event of an upgraded database
# The proposal columns bound to the chain: what a person relies on when reading a request.
SEALED_COLUMNS = (
    "title",
    "department",
    "requester_id",
    "state",
    "stage",
    "current_version",
    "tier",
    "disposition",
    "created_at",
    "submitted_at",
    "decided_at",
)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


_ALIKE = frozenset({str, int, bool, type(None)})


def written_alike(value: Any) -> bool:
    """Whether orjson (keys sorted) writes ``value`` byte for byte as ``canonical`` does: it
    holds only strings, integers, booleans, None, lists, tuples, dicts keyed by strings and
    floats both write in decimal. orjson writes a float under 1e-4 without an exponent, NaN
    and infinity as null and an enum as its value; other types it writes natively or not at
    all, where ``canonical`` writes their ``str()`` (tests/workflow/test_canonical_bytes.py)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _ALIKE:
            continue
        if kind is dict:
            if any(type(key) is not str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif not (kind is float and (item == 0.0 or 1e-4 <= abs(item) < math.inf)):
            return False
    return True


def canonical_bytes(value: Any, *, alike: bool | None = None) -> bytes:
    """``canonical(value).encode()``, written by orjson (several times faster) where it writes
    the same bytes; ``alike`` is the caller's ``written_alike(value)`` when it knows it."""
    if written_alike(value) if alike is None else alike:
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # a lone surrogate, an integer beyond 64 bits
            pass
    return canonical(value).encode()


def _as_read(details: dict[str, Any]) -> Any:
    """``json.loads(canonical(details))``: the details as the database returns them (dates as
    ISO text); through orjson's bytes where they are the same, else exactly as before (a lone
    surrogate survives it, to be refused by name when the event is written)."""
    if written_alike(details):
        try:
            return json.loads(orjson.dumps(details, option=orjson.OPT_SORT_KEYS))
        except orjson.JSONEncodeError:
            pass
    return json.loads(canonical(details))


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for UTC values; PostgreSQL aware ones."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _body(
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    return canonical_bytes(
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
    """The unkeyed SHA-256 link of events written before the chain was keyed."""
    body = _body(seq, at, actor, action, entity, entity_id, details, prev_hash)
    return hashlib.sha256(body).hexdigest()


def keyed_hash(
    key: ChainKey,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    body = _body(seq, at, actor, action, entity, entity_id, details, prev_hash)
    return key.mac(_EVENT_PURPOSE, body)


def recompute(event: AuditEvent, key: ChainKey | None) -> str:
    """A stored event's hash recomputed: keyed with ``key``, else the old unkeyed link."""
    fields = (event.seq, event.at, event.actor, event.action, event.entity, event.entity_id)
    if key is None:
        return event_hash(*fields, event.details, event.prev_hash)
    return keyed_hash(key, *fields, event.details, event.prev_hash)


def row_snapshot(row: object) -> dict[str, Any]:
    """A proposal row's sealed columns as JSON values (times in UTC)."""
    out: dict[str, Any] = {}
    for column in SEALED_COLUMNS:
        value = getattr(row, column)
        out[column] = (
            _utc(value).isoformat(timespec="microseconds")
            if isinstance(value, dt.datetime)
            else value
        )
    return out


@dataclass(frozen=True)
class Legacy:
    """Where the keyed chain begins (revision 0005)."""

    seq: int
    head: str
    rows: int  # how many audit_chain rows exist: exactly one unless someone tampered


def legacy(session: Session) -> Legacy:
    rows = list(session.execute(select(AuditChain.legacy_seq, AuditChain.legacy_head)))
    if not rows:
        return Legacy(0, GENESIS, 0)
    seq, head = min(rows)
    return Legacy(int(seq), str(head), len(rows))


@dataclass
class Chain:
    """The chain as a transaction holds it: its last link, the key and where keying began."""

    seq: int
    hash: str
    key: ChainKey
    legacy_seq: int
    # events appended and not yet written (the columns of their rows), in the chain's order:
    # written with one Core statement (``write``) before the session reads, and at commit
    pending: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unsealed_legacy(self) -> bool:
        """An upgraded database whose first keyed event is still to be written."""
        return self.legacy_seq > 0 and self.seq == self.legacy_seq


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
# the last link and where keying began, in one round trip (every audited action asks); built
# once: building the statement and its cache key cost as much as running it
_HEAD = select(
    *(
        select(column).order_by(AuditEvent.seq.desc()).limit(1).scalar_subquery()
        for column in (AuditEvent.seq, AuditEvent.hash, AuditEvent.key_id)
    ),
    select(func.min(AuditChain.legacy_seq)).scalar_subquery(),
)


def take(session: Session) -> Chain:
    """Take the chain (serialise writers), read its last link and load the key.

    Refuses when this instance's key is not the one the chain is signed with: it would
    otherwise write events nobody can verify."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ADVISORY_LOCK, {"key": _LOCK_KEY})
    row = session.execute(_HEAD).one()
    last = row[:3] if row[0] is not None else None
    legacy_seq = int(row[3] or 0)  # the lowest, as legacy() reads it (verification reads all)
    signed_by = last[2] if last else None
    key = audit_keys.require() if signed_by else audit_keys.created()
    if signed_by and signed_by != key.id:
        raise ConfigurationError(
            f"the audit chain is signed with key {signed_by}, but this instance's key "
            f"{key.path} is {key.id}: give every instance the deployment's key "
            "(REVIEW_AUDIT_KEY_FILE) before it writes"
        )
    if last is None:
        chain = Chain(0, GENESIS, key, legacy_seq)
    else:
        chain = Chain(int(last[0]), str(last[1]), key, legacy_seq)
    session.info[_HELD] = chain
    return chain


def append(
    session: Session,
    chain: Chain,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Append the event that follows the chain's head; the caller holds the chain (``take``).

    The event's row is kept with the chain and written with the others a transaction appends
    in one Core statement (``write``): before the session next reads (as the ORM's autoflush
    wrote them when they were ORM objects) and at the latest when it commits. Building an
    ORM object, its identity and history for each event, and inserting them one by one to
    learn their ids that nothing reads, cost more than computing them (docs/performance.md)."""
    seq, prev = chain.seq + 1, chain.hash
    moment = _utc(at or dt.datetime.now(dt.UTC))
    # exactly what the database will return (JSON types; NUL as a symbol: review.store.storable)
    clean = clean_data(_as_read(details or {}))
    entity_id = str(entity_id)
    link = keyed_hash(chain.key, seq, moment, actor, action, entity, entity_id, clean, prev)
    chain.pending.append(
        {
            "seq": seq,
            "at": moment,
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "details": clean,
            "prev_hash": prev,
            "hash": link,
            "key_id": chain.key.id,
        }
    )
    chain.seq, chain.hash = seq, link


def write(session: Session, chain: Chain) -> None:
    """Insert the chain's pending events, in their order, with one statement; their text is
    checked for lone surrogates first, as the before-flush check checked the ORM's rows."""
    rows, chain.pending = chain.pending, []
    if rows:
        refuse_surrogate_rows(rows)
        if not copy_rows(session, _EVENTS, rows):  # PostgreSQL: one COPY stream
            session.execute(_INSERT_EVENTS, rows)


@listens_for(Session, "do_orm_execute")
def _write_before_reading(state: ORMExecuteState) -> None:
    """Anything the session reads sees the events appended before (the ORM's autoflush). A
    statement that writes (a Core insert of tasks, say) leaves them to be written together."""
    chain = state.session.info.get(_HELD)
    if (
        chain is not None
        and chain.pending
        and not (state.is_insert or state.is_update or state.is_delete)
    ):
        write(state.session, chain)


@listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    chain = session.info.get(_HELD)
    if chain is not None and chain.pending:
        write(session, chain)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Append one event in the caller's transaction (it commits or rolls back with it)."""
    chain = take(session)
    append(
        session,
        chain,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details,
        at=at,
    )
    session.flush()
    write(session, chain)


class BreakKind(StrEnum):
    """What kind of break verification found, in the words an auditor uses."""

    FORGED = "forged"  # an event the chain key did not sign (appended, or changed and re-hashed)
    ALTERED = "altered"  # an event whose content changed after it was written
    REWRITTEN = "rewritten"  # history a checkpoint vouched for was replaced
    REMOVED = "removed"  # events missing from the middle of the log
    DELETED_TAIL = "deleted tail"  # the newest events a checkpoint recorded are gone
    TRUNCATED = "truncated"  # the log is empty, but a checkpoint recorded events
    EDITED_ROW = "edited proposal row"  # a proposal row differs from its last recorded change
    FORGED_CHECKPOINT = "forged checkpoint"  # a checkpoint file the chain key did not sign


@dataclass(frozen=True)
class Break:
    kind: BreakKind
    seq: int | None  # the first event concerned (None: no event, e.g. a checkpoint file)
    message: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str
    breaks: list[Break] = field(default_factory=list)
    checkpoint: str | None = None  # the last checkpoint compared with, described
    notes: list[str] = field(default_factory=list)
    head_seq: int = 0

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def problems(self) -> list[str]:
        return [b.message for b in self.breaks]

    @property
    def first(self) -> Break | None:
        """The first broken link: the earliest event concerned."""
        return self.breaks[0] if self.breaks else None


def verify(session: Session, **options: Any) -> ChainReport:
    """Recompute the chain and compare it with the checkpoints (see ``audit_verify``)."""
    from .audit_verify import verify_chain

    return verify_chain(session, **options)
