"""Verifying the audit chain: every link, every checkpoint, every proposal row.

What each kind of break means (``BreakKind``) and how it is told apart:

- a run of events whose hashes the key does not reproduce, with a good event after it: those
  events were *altered* after they were written;
- such a run at the end of the log: *forged* (appended, or changed and re-hashed, by someone
  without the key) -- or *rewritten* when a checkpoint had already vouched for those events;
- a jump in sequence numbers: events *removed*; a log that ends before the last checkpoint's
  head: a *deleted tail*; an empty log that a checkpoint saw with events: *truncated*;
- a good event that does not follow the one before it: the history before it was rewritten;
- a proposal row that differs from the last ``proposal.row`` event for it: an *edited row*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..refs import proposal_ref
from ..store.models import AuditEvent, Proposal
from . import audit_keys
from .audit import (
    GENESIS,
    ROW_ACTION,
    ROW_ENTITY,
    SEALED_COLUMNS,
    Break,
    BreakKind,
    ChainReport,
    Legacy,
    legacy,
    recompute,
    row_snapshot,
)
from .audit_checkpoints import Checkpoint, read_all
from .audit_keys import ChainKey


@dataclass(frozen=True)
class _Bad:
    seq: int
    action: str
    actor: str

    def named(self) -> str:
        return f"event {self.seq} ({self.action} by {self.actor})"


@dataclass
class _Scan:
    count: int = 0
    last_seq: int = 0
    head: str = GENESIS
    gaps: list[tuple[int, int]] = field(default_factory=list)  # (first missing, next present)
    bad: list[_Bad] = field(default_factory=list)
    unlinked: list[_Bad] = field(default_factory=list)
    rows: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    hashes: dict[int, str] = field(default_factory=dict)  # at the sequence numbers asked for


def _scan(session: Session, key: ChainKey | None, start: Legacy, wanted: set[int]) -> _Scan:
    scan = _Scan()
    query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    previous_bad = False
    for event in session.scalars(query):
        scan.count += 1
        expected = scan.last_seq + 1
        keyed = event.seq > start.seq
        good = (key is not None or not keyed) and event.hash == recompute(
            event, key if keyed else None
        )
        this = _Bad(event.seq, event.action, event.actor)
        if event.seq != expected:
            scan.gaps.append((expected, event.seq))
        elif good and not previous_bad and event.prev_hash != scan.head:
            scan.unlinked.append(this)
        if not good:
            scan.bad.append(this)
        if event.action == ROW_ACTION and event.entity == ROW_ENTITY:
            scan.rows[_int(event.entity_id)] = (event.seq, dict(event.details or {}))
        if event.seq in wanted:
            scan.hashes[event.seq] = event.hash
        previous_bad = not good
        scan.last_seq, scan.head = event.seq, event.hash
    return scan


def _int(text: str) -> int:
    return int(text) if text.isdigit() else -1


def _runs(bad: list[_Bad]) -> list[list[_Bad]]:
    """Consecutive bad events grouped together."""
    runs: list[list[_Bad]] = []
    for item in bad:
        if runs and runs[-1][-1].seq + 1 == item.seq:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _bad_breaks(scan: _Scan, last: Checkpoint | None) -> list[Break]:
    out: list[Break] = []
    for run in _runs(scan.bad):
        first, end = run[0], run[-1]
        span = first.named() if len(run) == 1 else f"events {first.seq} to {end.seq}"
        if end.seq < scan.last_seq:  # a good event follows: changed in place
            out.extend(Break(BreakKind.ALTERED, b.seq, f"{b.named()}: altered") for b in run)
        elif last is not None and first.seq <= last.seq:
            out.append(
                Break(
                    BreakKind.REWRITTEN,
                    first.seq,
                    f"{span}: rewritten, not signed with the chain key; {last.describe()} "
                    f"vouched for them",
                )
            )
        else:
            after = f" (after {last.describe()})" if last is not None else ""
            out.append(
                Break(
                    BreakKind.FORGED,
                    first.seq,
                    f"{span}: forged, not signed with the chain key{after}",
                )
            )
    return out


def _sequence_breaks(scan: _Scan) -> list[Break]:
    out: list[Break] = []
    for missing, present in scan.gaps:
        what = (
            f"event {missing}" if present == missing + 1 else f"events {missing} to {present - 1}"
        )
        out.append(
            Break(BreakKind.REMOVED, missing, f"{what} removed (sequence jumps to {present})")
        )
    out.extend(
        Break(
            BreakKind.REWRITTEN,
            b.seq,
            f"{b.named()}: does not follow the event before it (the history before it was "
            "rewritten)",
        )
        for b in scan.unlinked
    )
    return out


def _checkpoint_breaks(
    scan: _Scan, found: list[Checkpoint], start: Legacy, known: list[Break]
) -> list[Break]:
    out: list[Break] = []
    if start.rows > 1:
        out.append(
            Break(
                BreakKind.REWRITTEN,
                start.seq + 1,
                f"the audit_chain table has {start.rows} rows; the chain has one starting point",
            )
        )
    explained = {b.seq for b in known if b.seq is not None}
    for checkpoint in found:
        if checkpoint.legacy_seq != start.seq:
            out.append(
                Break(
                    BreakKind.REWRITTEN,
                    min(checkpoint.legacy_seq, start.seq) + 1,
                    f"the keyed chain's starting point moved from event {checkpoint.legacy_seq} "
                    f"to {start.seq} since {checkpoint.describe()}",
                )
            )
        if checkpoint.seq == 0 or checkpoint.seq > scan.last_seq:
            continue
        recorded = scan.hashes.get(checkpoint.seq)
        if recorded != checkpoint.hash and not any(s <= checkpoint.seq for s in explained):
            out.append(
                Break(
                    BreakKind.REWRITTEN,
                    checkpoint.seq,
                    f"event {checkpoint.seq}: rewritten; {checkpoint.describe()} recorded "
                    "another hash for it",
                )
            )
    if found and found[-1].seq > scan.last_seq:
        out.append(_lost_tail(scan, found[-1]))
    return out


def _lost_tail(scan: _Scan, last: Checkpoint) -> Break:
    if scan.count == 0:
        return Break(
            BreakKind.TRUNCATED,
            1,
            f"the audit log is empty (truncated), but {last.describe()} recorded "
            f"{last.events} events",
        )
    lost = (
        f"event {last.seq}"
        if last.seq == scan.last_seq + 1
        else f"events {scan.last_seq + 1} to {last.seq}"
    )
    return Break(
        BreakKind.DELETED_TAIL,
        scan.last_seq + 1,
        f"{lost} deleted: the log ends at event {scan.last_seq}, but {last.describe()} "
        f"recorded event {last.seq}",
    )


def _row_breaks(session: Session, scan: _Scan) -> list[Break]:
    out: list[Break] = []
    table = {p.id: row_snapshot(p) for p in session.scalars(select(Proposal))}
    for pid, row in sorted(table.items()):
        recorded = scan.rows.get(pid)
        if recorded is None:
            out.append(
                Break(
                    BreakKind.EDITED_ROW,
                    None,
                    f"proposal {proposal_ref(pid)}: no recorded change set this row (inserted "
                    "or edited outside the application)",
                )
            )
            continue
        seq, values = recorded
        changed = [c for c in SEALED_COLUMNS if values.get(c) != row[c]]
        if changed:
            detail = "; ".join(
                f"{c} is {row[c]!r} in the table, but event {seq} (its last recorded change) "
                f"set {values.get(c)!r}"
                for c in changed
            )
            out.append(Break(BreakKind.EDITED_ROW, seq, f"proposal {proposal_ref(pid)}: {detail}"))
    for pid, (seq, _values) in sorted(scan.rows.items()):
        if pid not in table:
            out.append(
                Break(
                    BreakKind.EDITED_ROW,
                    seq,
                    f"proposal {proposal_ref(pid)} is missing from the table (deleted outside the "
                    f"application; its last recorded change is event {seq})",
                )
            )
    return out


def _order(item: Break) -> tuple[int, int]:
    chain = item.kind not in (BreakKind.EDITED_ROW, BreakKind.FORGED_CHECKPOINT)
    return (0 if chain else 1, item.seq if item.seq is not None else 0)


def verify_chain(
    session: Session, *, key: ChainKey | None = None, checkpoints: Path | None = None
) -> ChainReport:
    """Recompute every link, compare the log with every checkpoint, and compare each proposal
    row with its last recorded change. Breaks are ordered: the first is the first broken link."""
    start = legacy(session)
    if key is None:
        key = audit_keys.load(create=False)
    if key is None and _has_keyed_events(session, start.seq):
        key = audit_keys.require()  # raises, naming the missing file
    found, breaks = read_all(key, checkpoints)
    wanted = {c.seq for c in found} | {start.seq}
    scan = _scan(session, key, start, wanted)
    last = found[-1] if found else None
    chain = _sequence_breaks(scan) + _bad_breaks(scan, last)
    chain += _checkpoint_breaks(scan, found, start, chain)
    if start.seq and scan.hashes.get(start.seq, start.head) != start.head:
        chain.append(
            Break(
                BreakKind.REWRITTEN,
                start.seq,
                f"event {start.seq}: rewritten; the upgrade recorded another hash for the last "
                "event written before the chain was keyed",
            )
        )
    notes: list[str] = []
    if start.seq and scan.last_seq <= start.seq:
        notes.append(
            f"events 1 to {start.seq} were written before the chain was keyed; they and the "
            "proposal rows are sealed by the next action or checkpoint"
        )
    else:
        breaks += _row_breaks(session, scan)
    if last is None:
        notes.append(
            "no checkpoint yet: deleting the newest events cannot be told from a shorter log; "
            "run `review audit verify --checkpoint` nightly"
        )
    return ChainReport(
        events=scan.count,
        head=scan.head,
        breaks=sorted(chain + breaks, key=_order),
        checkpoint=last.describe() if last is not None else None,
        notes=notes,
        head_seq=scan.last_seq,
    )


def _has_keyed_events(session: Session, legacy_seq: int) -> bool:
    count = session.scalar(select(func.count()).where(AuditEvent.seq > legacy_seq))
    return bool(count)
