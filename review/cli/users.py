"""``review users``: accounts and role grants."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from ..services.roles import Role  # light: enums only, needed to build the options
from . import common
from .common import As, Fmt, Format, Password

app = typer.Typer(help="Accounts and role grants (admins).", no_args_is_help=True)


@app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Letters, digits, '.' and '-'.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    email: Annotated[str, typer.Option("--email")],
    department: Annotated[str | None, typer.Option(help="Needed for requesters.")] = None,
    password: Password = None,
    user: As = None,
) -> None:
    """Create an account (admins).

    On an empty database the first account needs no --as and is made an admin (bootstrap).
    """
    from ..services import accounts

    with common.services() as services:
        bootstrap = not user and accounts.user_count(services) == 0
        by = None if bootstrap else common.who(user)
        secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)

        view = accounts.create_user(
            services,
            by,
            username=username,
            display_name=name,
            email=email,
            department=department,
            password=secret,
        )
        if bootstrap:
            accounts.grant(services, None, username, Role.ADMIN)
    common.line(f"created user {view.username}" + (" as the first admin" if bootstrap else ""))


@app.command("list")
def users_list(user: As = None, format: Fmt = Format.table) -> None:
    """Every account with its roles."""
    from ..services import accounts

    by = common.who(user)
    with common.services() as services:
        views = accounts.list_users(services, by)
    if format is Format.json:
        common.emit_json([dataclasses.asdict(v) for v in views])
        return
    rows = [
        (
            v.username,
            v.display_name,
            v.email,
            v.department or "",
            "yes" if v.active else "no",
            common.grants(v.grants),
        )
        for v in views
    ]
    common.table("Users", ("User", "Name", "Email", "Department", "Active", "Roles"), rows)


RoleArg = Annotated[Role, typer.Argument(help="The role.")]
DomainOpt = Annotated[
    str, typer.Option("--domain", help="Reviewer and waiver_authority roles: the domain.")
]


@app.command("grant")
def users_grant(username: str, role: RoleArg, domain: DomainOpt = "", user: As = None) -> None:
    """Grant a role (reviewer and waiver_authority need --domain)."""
    from ..services import accounts

    by = common.who(user)
    with common.services() as services:
        accounts.grant(services, by, username, role, domain)
    common.line(f"{username} holds {common.grant(role.value, domain)}")


@app.command("revoke")
def users_revoke(username: str, role: RoleArg, domain: DomainOpt = "", user: As = None) -> None:
    """Take a role away."""
    from ..services import accounts

    by = common.who(user)
    with common.services() as services:
        accounts.revoke(services, by, username, role, domain)
    common.line(f"{username} no longer holds {common.grant(role.value, domain)}")


@app.command("deactivate")
def users_deactivate(username: str, user: As = None) -> None:
    """Stop an account from acting (its history stays)."""
    _set_active(username, False, user)


@app.command("activate")
def users_activate(username: str, user: As = None) -> None:
    """Let a deactivated account act again."""
    _set_active(username, True, user)


def _set_active(username: str, active: bool, user: str | None) -> None:
    from ..services import accounts

    by = common.who(user)
    with common.services() as services:
        accounts.set_active(services, by, username, active)
    common.line(f"{username} is {'active' if active else 'deactivated'}")


@app.command("password")
def users_password(username: str, password: Password = None, user: As = None) -> None:
    """Set a password (your own, or anyone's as an admin)."""
    from ..services import accounts

    by = common.who(user)
    secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with common.services() as services:
        accounts.set_password(services, by, username, secret)
    common.line(f"password of {username} set")


@app.command("unlock")
def users_unlock(
    username: Annotated[str | None, typer.Argument(help="The account to unlock.")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="A client address to unlock.")
    ] = None,
    user: As = None,
) -> None:
    """Lift a sign-in pause after failed attempts (admins); audited."""
    from ..services import accounts

    by = common.who(user)
    with common.services() as services:
        done = accounts.unlock(services, by, username=username, address=address)
    common.line(f"unlocked {', '.join(done)}" if done else "nothing was paused")


@app.command("link")
def users_link(username: str, user: As = None) -> None:
    """Let the next identity-provider sign-in with USERNAME link to this local account
    (admins). Without it a provider sign-in never takes over a local account of that name."""
    from ..services import accounts

    by = common.who(user)
    with common.services() as services:
        accounts.allow_identity_link(services, by, username)
    common.line(f"the next identity-provider sign-in as {username} will be linked to this account")
