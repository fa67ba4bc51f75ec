"""How ``review audit verify`` reports: the first broken link and its kind first, then every
problem, so the nightly job's mail says what happened in its first line."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..services.audit import ChainReport
    from ..services.audit_checkpoints import Checkpoint


def as_json(report: ChainReport, written: Checkpoint | None) -> dict[str, Any]:
    first = report.first
    return {
        "ok": report.ok,
        "events": report.events,
        "head": report.head,
        "head_seq": report.head_seq,
        "first": None
        if first is None
        else {"kind": first.kind.value, "seq": first.seq, "message": first.message},
        "breaks": [
            {"kind": b.kind.value, "seq": b.seq, "message": b.message} for b in report.breaks
        ],
        "problems": report.problems,
        "checkpoint": report.checkpoint,
        "written": None if written is None else written.name,
        "notes": report.notes,
    }


def print_report(report: ChainReport, written: Checkpoint | None, *, as_data: bool) -> int:
    """Print the verification; the exit code (1 when the chain is broken)."""
    out = sys.stdout
    if as_data:
        out.write(json.dumps(as_json(report, written), indent=2) + "\n")
    elif report.ok:
        out.write(f"audit log intact: {report.events} events, head {report.head}\n")
        if report.checkpoint:
            out.write(f"matches the last checkpoint: {report.checkpoint}\n")
        if written is not None:
            out.write(f"checkpoint written: {written.describe()}\n")
        for note in report.notes:
            out.write(f"note: {note}\n")
    elif (first := report.first) is not None:  # not ok: there is a first broken link
        where = f"event {first.seq}" if first.seq is not None else "outside the chain"
        out.write(f"first broken link: {where}: {first.kind.value}\n")
        for b in report.breaks:
            out.write(f"{b.kind.value}: {b.message}\n")
    if report.ok:
        return 0
    sys.stderr.write(
        f"review: audit log broken: {len(report.breaks)} problem(s), the first "
        f"{report.breaks[0].kind.value}; no checkpoint written\n"
    )
    return 1
