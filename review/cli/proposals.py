"""``review proposal``: a department's requests, from draft to submission, and what
anyone who may see one can read about it."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..services.lifecycle import State  # light: enums only, needed to build the options
from . import common, proposal_tables
from .common import As, ExpectVersion, Fmt, Format, IntakeFile, ProposalId

if TYPE_CHECKING:
    from ..services.views import ProposalView

app = typer.Typer(
    help="A department's requests: draft, submit, resubmit, withdraw, show, list, history.",
    no_args_is_help=True,
)

Note = Annotated[str | None, typer.Option("--note", help="A note kept with this version.")]


@app.command("create")
def proposal_create(
    file: IntakeFile, note: Note = None, user: As = None, format: Fmt = Format.table
) -> None:
    """Start a draft from an intake file; prints its id and the answers still missing."""
    from ..services import proposals

    by = common.who(user)
    record = common.record(file)
    with common.services() as services:
        saved = proposals.create_draft(services, by, record, note=note)
    _saved(saved, "created", format)


@app.command("save")
def proposal_save(
    proposal_id: ProposalId,
    file: IntakeFile,
    note: Note = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Save a new version of a draft (or of a request sent back for changes)."""
    from ..services import proposals

    by = common.who(user)
    record = common.record(file)
    with common.services() as services:
        saved = proposals.save_draft(
            services,
            by,
            common.pid(proposal_id),
            record,
            expected_version=expect_version,
            note=note,
        )
    _saved(saved, "saved", format)


@app.command("submit")
def proposal_submit(
    proposal_id: ProposalId,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Submit a complete draft; it is evaluated and goes to the reviewers."""
    from ..services import proposals

    by = common.who(user)
    with common.services() as services:
        submitted = proposals.submit(
            services, by, common.pid(proposal_id), expected_version=expect_version
        )
        view = proposals.get(services, by, submitted.id)
    common.done(view, "submitted", format)


@app.command("resubmit")
def proposal_resubmit(
    proposal_id: ProposalId,
    response: Annotated[
        str | None, typer.Option("--response", help="Your answer to the change request.")
    ] = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Send the latest saved version back to review after a change request."""
    from ..services import proposals

    by = common.who(user)
    with common.services() as services:
        submitted = proposals.resubmit(
            services,
            by,
            common.pid(proposal_id),
            expected_version=expect_version,
            response=response,
        )
        view = proposals.get(services, by, submitted.id)
    common.done(view, "resubmitted", format)


@app.command("withdraw")
def proposal_withdraw(
    proposal_id: ProposalId,
    reason: Annotated[str, typer.Option("--reason", help="Why the request is withdrawn.")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Withdraw a request before its decision."""
    from ..services import proposals

    by = common.who(user)
    with common.services() as services:
        view = proposals.withdraw(
            services, by, common.pid(proposal_id), reason=reason, expected_version=expect_version
        )
    common.done(view, "withdrawn", format)


@app.command("show")
def proposal_show(proposal_id: ProposalId, user: As = None, format: Fmt = Format.table) -> None:
    """Everything about a request, with its row version and allowed actions.

    Findings with their status, waiver and conditions; sign-offs (invalidated ones with the
    reason); waivers, conditions, comments and decisions.
    """
    from ..services import proposals

    by = common.who(user)
    with common.services() as services:
        view = proposals.get(services, by, common.pid(proposal_id))
    if format is Format.json:
        common.emit_json(common.view_json(view))
    else:
        proposal_tables.show(view)


@app.command("list")
def proposal_list(
    state: Annotated[State | None, typer.Option("--state", help="Only this state.")] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only requests I filed.")] = False,
    department: Annotated[str | None, typer.Option(help="Only this department.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 200,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """Requests you can see, most recently active first."""
    from ..services import proposals

    by = common.who(user)
    with common.services() as services:
        rows = proposals.list_proposals(
            services,
            by,
            state=state.value if state else None,
            department=department,
            mine=mine,
            limit=limit,
        )
    if format is Format.json:
        common.emit_json([dataclasses.asdict(r) for r in rows])
        return
    columns = ("ID", "Title", "Department", "Requester", "State", "Tier", "Disposition", "Updated")
    common.table(
        "Proposals",
        columns,
        [
            (
                r.ref,
                r.title,
                r.department,
                r.requester,
                r.state,
                common.opt(r.tier),
                common.opt(r.disposition),
                common.when(r.updated_at),
            )
            for r in rows
        ],
    )


@app.command("history")
def proposal_history(
    proposal_id: ProposalId,
    limit: Annotated[int, typer.Option(min=1, help="At most this many latest events.")] = 200,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """A request's record versions and its audit events."""
    from ..services import history, proposals

    by = common.who(user)
    with common.services() as services:
        view = proposals.get(services, by, common.pid(proposal_id))  # may the actor see it?
        events = [
            dataclasses.asdict(e)
            for e in history.events(services, by, proposal_id=view.id, limit=limit)
        ]
    if format is Format.json:
        versions = [dataclasses.asdict(v) for v in view.versions]
        common.emit_json({"proposal": view.ref, "versions": versions, "events": events})
        return
    common.line(f"{view.ref} {view.title}")
    proposal_tables.versions_table(view)
    proposal_tables.events_table(f"Audit events of {view.ref}", events)


def _saved(saved: Any, what: str, format: Format) -> None:
    view: ProposalView = saved.proposal
    missing = [str(p) for p in saved.missing]
    if format is Format.json:
        common.emit_json(
            {
                "id": view.id,
                "ref": view.ref,
                "state": view.state,
                "row_version": view.row_version,
                "record_version": view.current_version,
                "missing": missing,
            }
        )
        return
    common.line(
        f"{what} {view.ref} ({view.state}, record version {view.current_version}, "
        f"row version {view.row_version})"
    )
    if missing:
        common.line(f"still missing before it can be submitted ({len(missing)}):")
        for problem in missing:
            common.line(f"  {problem}")
    else:
        common.line("complete: ready to submit")
