"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint records the head's sequence number and hash and when it was taken, signed with
the chain key (HMAC-SHA256). One job writes them (``review audit verify --checkpoint``
nightly, or :func:`checkpoint` from a scheduled sweep), only after the chain verified, into
one directory every instance can read (``REVIEW_AUDIT_CHECKPOINT_DIR``). Files are created
read-only and never replaced; an append-only bucket with object lock is the stronger home
(docs/deploy.md). Verification compares the log with every checkpoint, so deleting the newest
events, emptying the table or rewriting history that a checkpoint saw is named.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PermissionDenied
from ..settings import settings
from .audit import Break, BreakKind, ChainReport, canonical, verify
from .audit_keys import ChainKey
from .context import Services

FORMAT = "review-audit-checkpoint/1"
_PURPOSE = b"review audit checkpoint v1\n"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    events: int
    legacy_seq: int
    at: dt.datetime
    name: str  # the file's name, to cite it

    def describe(self) -> str:
        return f"checkpoint {self.name} (event {self.seq}, {self.at:%Y-%m-%d %H:%M} UTC)"


def directory() -> Path:
    configured = settings().audit_checkpoint_dir
    if configured is not None:
        return configured
    from ..store.database import data_dir

    return data_dir() / "audit-checkpoints"


def _fields(seq: int, head: str, events: int, legacy_seq: int, at: dt.datetime) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "seq": seq,
        "hash": head,
        "events": events,
        "legacy_seq": legacy_seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }


def write(
    key: ChainKey, report: ChainReport, legacy_seq: int, at: dt.datetime, where: Path | None = None
) -> Checkpoint:
    """Write a checkpoint of a verified chain's head; never replaces an existing file."""
    folder = where or directory()
    folder.mkdir(parents=True, exist_ok=True)
    fields = _fields(report.head_seq, report.head, report.events, legacy_seq, at)
    fields["mac"] = key.mac(_PURPOSE, canonical(fields).encode())
    name = f"{at.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}-{fields['seq']:012d}.json"
    temp = folder / f".{name}.{os.getpid()}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (json.dumps(fields, indent=2) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.chmod(temp, 0o440)
        os.link(temp, folder / name)  # refuses to replace a file of the same name
    finally:
        temp.unlink(missing_ok=True)
    return _checkpoint(fields, name)


def _checkpoint(fields: dict[str, Any], name: str) -> Checkpoint:
    return Checkpoint(
        seq=int(fields["seq"]),
        hash=str(fields["hash"]),
        events=int(fields["events"]),
        legacy_seq=int(fields["legacy_seq"]),
        at=dt.datetime.fromisoformat(str(fields["at"])),
        name=name,
    )


def read_all(
    key: ChainKey | None, where: Path | None = None
) -> tuple[list[Checkpoint], list[Break]]:
    """Every checkpoint the key signed, oldest first, and a break for each one it did not."""
    folder = where or directory()
    found: list[Checkpoint] = []
    broken: list[Break] = []
    if not folder.is_dir():
        return found, broken
    for path in sorted(folder.glob("*.json")):
        problem = None
        try:
            fields = json.loads(path.read_text(encoding="utf-8"))
            mac = fields.pop("mac", None) if isinstance(fields, dict) else None
            if key is None or not isinstance(mac, str) or fields.get("format") != FORMAT:
                problem = "is not a checkpoint signed with the chain key"
            elif key.mac(_PURPOSE, canonical(fields).encode()) != mac:
                problem = "is not signed with the chain key: forged or altered"
            else:
                found.append(_checkpoint(fields, path.name))
        except (OSError, ValueError, KeyError, TypeError):
            problem = "cannot be read as a checkpoint"
        if problem is not None:
            broken.append(
                Break(BreakKind.FORGED_CHECKPOINT, None, f"checkpoint {path.name} {problem}")
            )
    found.sort(key=lambda c: (c.at, c.seq))
    return found, broken


@dataclass(frozen=True)
class Checkpointed:
    report: ChainReport
    checkpoint: Checkpoint | None  # None: the chain did not verify, so nothing was written


def checkpoint(services: Services, by: str | None = None) -> Checkpointed:
    """Verify the chain and, if it is intact, write a checkpoint of its head (the one job that
    writes checkpoints: the nightly verify or the daily sweep). Admins, or the system."""
    with services.transaction(by) as tx:
        if tx.actor is not None and not tx.actor.is_admin:
            raise PermissionDenied(f"{by} is not an admin; only admins checkpoint the audit log")
        chain = tx.chain()  # hold the chain: no event is appended while it is verified
        report = verify(tx.session, key=chain.key)
        if not report.ok:
            return Checkpointed(report, None)
        written = write(chain.key, report, chain.legacy_seq, services.now())
        tx.audit("audit.checkpoint", "audit", written.seq, hash=written.hash, file=written.name)
        return Checkpointed(report, written)
