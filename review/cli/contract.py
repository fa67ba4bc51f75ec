"""``review contract``: the contract stage of an approved request."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common
from .common import As, ExpectVersion, Fmt, Format, ProposalId

app = typer.Typer(help="The contract stage.", no_args_is_help=True)


@app.command("submit")
def contract_submit(
    proposal_id: ProposalId,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The record with its contract:.")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Submit the contract of an approved request for contract review."""
    from ..services import proposals

    by = common.who(user)
    record = common.record(file)
    with common.services() as services:
        submitted = proposals.submit_contract(
            services, by, common.pid(proposal_id), record, expected_version=expect_version
        )
        view = proposals.get(services, by, submitted.id)
    common.done(view, "contract submitted", format)
