"""``review delay``: ask for, and decide, a delay of a register entry (GEN-10)."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common

app = typer.Typer(help="Delays of public register entries (GEN-10).", no_args_is_help=True)


@app.command("ask")
def ask(
    system: Annotated[str, typer.Argument(metavar="SYSTEM", help="System id: 12 or S-12.")],
    until: Annotated[str, typer.Option("--until", metavar="DATE", help="Publish on this day.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (published with the delay).")],
    user: common.As = None,
) -> None:
    """The department asks the Director to publish SYSTEM's entry later."""
    from ..services import publication_delays
    from ..services.inventory import parse_ref

    day = common.date(until, "--until")
    with common.services() as services:
        delay = publication_delays.request(
            services, common.who(user), parse_ref(system), until=day, reason=reason
        )
    common.line(f"D-{delay.id}: delay of S-{delay.system_id} until {delay.until} asked for")


@app.command("decide")
def decide(
    delay: Annotated[str, typer.Argument(metavar="DELAY", help="Delay id: 3 or D-3.")],
    outcome: Annotated[str, typer.Argument(metavar="OUTCOME", help="grant or refuse.")],
    note: Annotated[
        str | None, typer.Option("--note", help="The Director's reason (needed to refuse).")
    ] = None,
    user: common.As = None,
) -> None:
    """The Director grants or refuses a delay."""
    from ..errors import FieldProblem, RecordInvalid
    from ..services import publication_delays

    if outcome not in ("grant", "refuse"):
        raise RecordInvalid([FieldProblem("outcome", f"{outcome!r}; expected grant or refuse")])
    number = delay.strip().upper().removeprefix("D-")
    if not number.isdigit():
        raise RecordInvalid([FieldProblem("delay", f"{delay!r}; expected 3 or D-3")])
    with common.services() as services:
        decided = publication_delays.decide(
            services, common.who(user), int(number), grant=outcome == "grant", note=note
        )
    common.line(f"D-{decided.id}: {decided.status}")
