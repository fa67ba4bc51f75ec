"""``review reevaluate``: every open request and active contract against the standards
in force now."""

from __future__ import annotations

import dataclasses

from .. import logs
from . import common
from .common import As, Fmt, Format


def reevaluate(user: As = None, format: Fmt = Format.table) -> None:
    """Re-run every open request and active contract against the current standards (admins)."""
    from ..services.reevaluation import reevaluate_all

    by = common.who(user)
    with common.services() as services:
        impacts = reevaluate_all(services, by)
    changed = sum(1 for i in impacts if i.changed)
    logs.log.info("re-evaluation: %d records re-evaluated, %d changed", len(impacts), changed)
    if format is Format.json:
        common.emit_json([dataclasses.asdict(i) | {"changed": i.changed} for i in impacts])
        return
    rows = [
        (
            i.proposal,
            i.title,
            i.state,
            _standards(i.standards_before, i.standards_after),
            common.lines(i.new),
            common.lines(i.cleared),
            common.lines(i.invalidated_signoffs),
        )
        for i in impacts
    ]
    columns = ("ID", "Title", "State", "Standards", "New", "Cleared", "Sign-offs invalidated")
    common.table("Re-evaluation", columns, rows)
    common.line(f"{len(impacts)} records re-evaluated; {changed} changed")


def _standards(before: str | None, after: str) -> str:
    return after if before in (None, after) else f"{before} -> {after}"
