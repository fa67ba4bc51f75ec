"""``review export KIND`` (every list a person sees, as CSV, xlsx or JSON) and ``review plan``
(the technology improvement plan, as xlsx or Word). Both act as ``--as USER`` and show only
what that user's pages show."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import common
from .common import As


class Kind(StrEnum):
    queue = "queue"
    requests = "requests"
    inventory = "inventory"
    findings = "findings"
    waivers = "waivers"
    audit = "audit"


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


class PlanFormat(StrEnum):
    xlsx = "xlsx"
    docx = "docx"


Out = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", metavar="FILE", help="Write here (whole or not at all); default stdout."
    ),
]


def export(
    kind: Annotated[Kind, typer.Argument(help="Which list.")],
    format: Annotated[FileFormat, typer.Option("--format", "-f")] = FileFormat.csv,
    out: Out = None,
    proposal: Annotated[
        str | None,
        typer.Option(
            "--proposal", metavar="ID", help="findings (required), waivers, audit: one request."
        ),
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help="requests: only those I filed.")] = False,
    status: Annotated[
        str, typer.Option("--status", help="inventory: active, retired or all.")
    ] = "active",
    department: Annotated[
        str | None, typer.Option("--department", help="requests, inventory: one department.")
    ] = None,
    user: As = None,
) -> None:
    """Download a list as a file: what the page of that list shows you, in full.

    Text cells that a spreadsheet would run as a formula (=, +, -, @) begin with an
    apostrophe in CSV and xlsx."""
    from ..errors import InputError
    from ..services import exports, table_files

    by = common.who(user)
    if status not in ("active", "retired", "all"):
        raise InputError(f"--status: {status!r} is not one of active, retired, all")
    if format is FileFormat.xlsx and out is None and sys.stdout.isatty():
        raise InputError("--out: xlsx is a binary file; name a file to write it to")
    options = exports.Options(
        proposal_id=None if proposal is None else common.pid(proposal, "--proposal"),
        mine=mine,
        status=None if status == "all" else status,
        department=department,
    )
    with common.services() as services:
        table = exports.build(services, by, kind.value, options)
    data = table_files.encode(table, format.value)
    _deliver(data, out, f"{len(table.rows)} row(s) of {kind.value}")


def plan(
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="Where to write.")],
    format: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.xlsx,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="The plan starts at this day's fiscal year."),
    ] = None,
    user: As = None,
) -> None:
    """The technology improvement plan: approved and pending projects' costs by fiscal year,
    department and funding source (xlsx for the budget office, docx for the Council packet)."""
    from ..services import plan as plan_service
    from ..services import table_files

    by = common.who(user)
    day = None if as_of is None else common.date(as_of, "--as-of")
    with common.services() as services:
        built = plan_service.build_plan(services, by, as_of=day)
    if format is PlanFormat.docx:
        from ..packet.plan_doc import plan_document

        data = plan_document(built)
    else:
        data = table_files.to_workbook(plan_service.plan_tables(built))
    _deliver(data, out, f"plan of {len(built.projects)} project(s)")


def _deliver(data: bytes, out: Path | None, what: str) -> None:
    from ..services import table_files
    from .terminal import raw

    if out is None:  # a file's bytes, as they are: past the terminal's text cleaning
        stdout = raw(sys.stdout)
        stdout.flush()
        stdout.buffer.write(data)
        stdout.buffer.flush()
        return
    table_files.write_atomic(out, data)
    sys.stderr.write(f"wrote {what} to {out}\n")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("plan")(plan)
