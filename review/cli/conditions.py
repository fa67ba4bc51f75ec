"""``review condition``: conditions of approval (GEN-8) on major findings."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from . import common
from .common import As, ExpectVersion, Fmt, Format, ProposalId, RuleId, Subject

app = typer.Typer(help="Conditions of approval (GEN-8).", no_args_is_help=True)


class ConditionStatus(StrEnum):
    open = "open"
    met = "met"
    cancelled = "cancelled"


@app.command("add")
def condition_add(
    proposal_id: ProposalId,
    rule_id: RuleId,
    text: Annotated[str, typer.Option("--text", help="What must be done.")],
    owner: Annotated[str, typer.Option("--owner", help="Who is responsible.")],
    due: Annotated[str, typer.Option("--due", metavar="DATE", help="By when (ISO date).")],
    subject: Subject = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Attach a condition of approval to a major finding."""
    from ..services import approval_conditions as conditions

    by = common.who(user)
    due_date = common.date(due, "--due")
    with common.services() as services:
        view = conditions.add(
            services,
            by,
            common.pid(proposal_id),
            rule_id,
            text=text,
            owner=owner,
            due_date=due_date,
            subject=subject,
            expected_version=expect_version,
        )
    common.done(view, f"condition on {rule_id} added", format)


@app.command("set")
def condition_set(
    proposal_id: ProposalId,
    condition_id: Annotated[int, typer.Argument(metavar="CONDITION_ID")],
    status: Annotated[ConditionStatus, typer.Argument(metavar="STATUS", help="open|met|cancelled")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Mark a condition met, cancelled, or open again."""
    from ..services import approval_conditions as conditions

    by = common.who(user)
    with common.services() as services:
        view = conditions.set_status(
            services,
            by,
            common.pid(proposal_id),
            condition_id,
            status.value,
            expected_version=expect_version,
        )
    common.done(view, f"condition #{condition_id} is {status.value}", format)
