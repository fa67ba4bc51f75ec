"""``review audit``: verify the hash-chained audit log and read its latest events."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated

import typer

from . import common, proposal_tables
from .common import As, Fmt, Format

app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
def audit_verify(user: As = None, format: Fmt = Format.table) -> None:
    """Recompute the hash chain (admins); exit 1 naming every altered or removed event."""
    from ..services import history

    by = common.who(user)
    with common.services() as services:
        report = history.verify_chain(services, by)
    if format is Format.json:
        common.emit_json(
            {"ok": report.ok, "events": report.events, "head": report.head}
            | {"problems": report.problems}
        )
    elif report.ok:
        common.line(f"audit log intact: {report.events} events, head {report.head}")
    else:
        for problem in report.problems:
            common.line(problem)
    if not report.ok:
        sys.stderr.write(f"review: audit log broken: {len(report.problems)} problem(s)\n")
        raise typer.Exit(1)


@app.command("log")
def audit_log(
    proposal: Annotated[
        str | None, typer.Option("--proposal", metavar="ID", help="Only this proposal.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="The latest N events.")] = 50,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """The latest audit events (admins; anyone who can see a proposal, with --proposal)."""
    from ..services import history

    by = common.who(user)
    with common.services() as services:
        pid = None if proposal is None else common.pid(proposal, "--proposal")
        events = [
            dataclasses.asdict(e)
            for e in history.events(services, by, proposal_id=pid, limit=limit)
        ]
    if format is Format.json:
        common.emit_json(events)
        return
    proposal_tables.events_table("Audit log", events)
