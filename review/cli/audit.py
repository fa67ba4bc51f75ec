"""``review audit``: verify the keyed audit chain (and checkpoint it), read its latest events."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from . import common, proposal_tables
from .common import As, Fmt, Format

app = typer.Typer(help="The keyed, hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
def audit_verify(
    user: As = None,
    format: Fmt = Format.table,
    checkpoint: Annotated[
        bool,
        typer.Option(
            "--checkpoint",
            help="If the chain is intact, write a signed checkpoint of its head (the nightly "
            "job; --as is optional for it).",
        ),
    ] = False,
) -> None:
    """Verify the audit chain (admins): every link, every checkpoint, every proposal row.

    Exit 1 naming the first broken link and its kind (forged, altered, rewritten, removed,
    deleted tail, truncated, edited proposal row, forged checkpoint)."""
    from ..services import audit_checkpoints, history
    from .audit_report import print_report

    by = (
        (user.strip() or None)
        if (checkpoint and user)
        else (None if checkpoint else common.who(user))
    )
    with common.services() as services:
        if checkpoint:
            done = audit_checkpoints.checkpoint(services, by)
            report, written = done.report, done.checkpoint
        else:
            report, written = history.verify_chain(services, by), None
    code = print_report(report, written, as_data=format is Format.json)
    if code:
        raise typer.Exit(code)


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
