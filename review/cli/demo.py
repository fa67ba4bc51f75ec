"""``review demo``: demonstration users and requests."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common

app = typer.Typer(help="Demonstration users and requests.", no_args_is_help=True)


@app.command("seed")
def demo_seed(
    password: Annotated[
        str | None, typer.Option(help="One password for every demo user (default: random).")
    ] = None,
) -> None:
    """Create a user for every role and example requests; prints each user's password."""
    from ..services import demo

    with common.services() as services:
        passwords = demo.seed(services, password=password)
    roles = {u.username: common.grants(u.grants) for u in demo.USERS}
    rows = [(user, secret, roles.get(user, "")) for user, secret in passwords.items()]
    common.table("Demo users", ("User", "Password", "Roles"), rows)
