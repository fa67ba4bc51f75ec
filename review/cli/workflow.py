"""The review workflow on the command line: every step the workspace offers, scriptable.

Identity: acting commands take ``--as USER`` (or the ``REVIEW_USER`` environment variable)
and run with exactly that user's roles; the services check every permission, as they do for
the workspace. The command line trusts whoever can reach the database: ``--as`` decides
permissions and the audit trail, it is not a sign-in.

Database: ``REVIEW_DATABASE_URL``, else ``review.db`` in ``REVIEW_DATA_DIR`` (default
``./data``). Every command but ``review db upgrade`` and ``review db current`` refuses an
unmigrated database, or migrates it first when ``REVIEW_AUTO_MIGRATE=1``.

Optimistic locking: every command that changes a proposal takes ``--expect-version N`` (the
row version that ``review proposal show`` and every acting command print) and refuses if
someone else changed it since. This module only parses, calls a service and prints; errors
propagate to ``review.cli.main``, which prints one line and exits non-zero.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from ..services.lifecycle import State  # light: enums only, needed to build the options
from ..services.roles import Role
from ..settings import settings

if TYPE_CHECKING:  # the services and the database load on first use: `review --help` stays quick
    from ..services.context import Services
    from ..services.views import ProposalView, WaiverView
    from ..store.database import Database


class Format(StrEnum):
    table = "table"
    json = "json"


class Outcome(StrEnum):
    approve = "approve"
    approve_with_conditions = "approve-with-conditions"
    reject = "reject"


class ConditionStatus(StrEnum):
    open = "open"
    met = "met"
    cancelled = "cancelled"


class QueueSort(StrEnum):
    age = "age"
    severity = "severity"


# --- shared options -------------------------------------------------------------------------

As = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="REVIEW_USER",
        show_envvar=True,
        metavar="USER",
        help="Act as this user (default: the REVIEW_USER environment variable).",
    ),
]
ExpectVersion = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        metavar="N",
        help="Refuse unless the proposal is still at row version N (optimistic locking).",
    ),
]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table for people, json for scripts.")]
ProposalId = Annotated[str, typer.Argument(metavar="ID", help="Proposal id: 7 or P-7.")]
Password = Annotated[
    str | None,
    typer.Option(
        "--password",
        envvar="REVIEW_PASSWORD",
        help="At least 12 characters, not a common one (default: REVIEW_PASSWORD, else asked for).",
    ),
]

db_app = typer.Typer(help="The database: migrate it and show its revision.", no_args_is_help=True)
demo_app = typer.Typer(help="Demonstration users and requests.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts and role grants (admins).", no_args_is_help=True)
proposal_app = typer.Typer(
    help="A department's requests: draft, submit, resubmit, withdraw, show, list, history.",
    no_args_is_help=True,
)
waivers_app = typer.Typer(
    help="Waivers (exceptions, GEN-5): list, expire, revoke.", no_args_is_help=True
)
condition_app = typer.Typer(help="Conditions of approval (GEN-8).", no_args_is_help=True)
contract_app = typer.Typer(help="The contract stage.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the workflow's commands and groups to the ``review`` application."""
    for group, name in (
        (db_app, "db"),
        (demo_app, "demo"),
        (users_app, "users"),
        (proposal_app, "proposal"),
        (waivers_app, "waivers"),
        (condition_app, "condition"),
        (contract_app, "contract"),
        (audit_app, "audit"),
    ):
        app.add_typer(group, name=name)
    app.command("comment")(comment)
    app.command("start-review")(start_review)
    app.command("request-changes")(request_changes)
    app.command("signoff")(signoff)
    app.command("waive")(waive)
    app.command("decide")(decide)
    app.command("queue")(queue)
    app.command("reevaluate")(reevaluate)
    app.command("backup")(backup)


# --- database and identity ------------------------------------------------------------------


@contextmanager
def _database() -> Iterator[Database]:
    from ..store.database import Database

    db = Database.connect()
    try:
        yield db
    finally:
        db.engine.dispose()


@contextmanager
def _services() -> Iterator[Services]:
    """The services on a database that is migrated (or is migrated now, when allowed)."""
    with _database() as db:
        db.require_migrated(migrate=settings().auto_migrate)
        yield _make_services(db)


def _make_services(db: Database) -> Services:
    from ..services.context import Services

    return Services(db)


def _who(user: str | None) -> str:
    if not user or not user.strip():
        raise InputError("who is acting? pass --as USER or set REVIEW_USER")
    return user.strip()


def _pid(value: str) -> int:
    text = value.strip()
    digits = text[2:] if text.upper().startswith("P-") else text
    if not digits.isdigit():
        raise InputError(f"proposal id: expected a number like 7 or P-7, got {value!r}")
    return int(digits)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{option}: expected an ISO 8601 date like 2027-03-31, got {value!r}"
        ) from None


def _record(path: Path) -> Any:
    from ..core.safeyaml import load_file

    return load_file(path, what="intake file")


# --- db -------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every database migration (safe to repeat)."""
    with _database() as db:
        before, after = db.upgrade()
    if before == after:
        _line(f"database at {db.url} is already at revision {after}")
    else:
        _line(f"database at {db.url} upgraded from {before or 'empty'} to revision {after}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision; exit 1 when it needs `review db upgrade`."""
    with _database() as db:
        current, head = db.current_revision(), db.head_revision()
    if current == head:
        _line(f"database at {db.url} is at revision {current} (up to date)")
        return
    _line(f"database at {db.url} is at {current or 'no revision (empty)'}; needs {head}")
    _line("run `review db upgrade`")
    raise typer.Exit(1)


# --- demo -----------------------------------------------------------------------------------


@demo_app.command("seed")
def demo_seed(
    password: Annotated[
        str | None, typer.Option(help="One password for every demo user (default: random).")
    ] = None,
) -> None:
    """Create a user for every role and example requests; prints each user's password."""
    from ..services import demo

    with _services() as services:
        passwords = demo.seed(services, password=password)
    roles = {u.username: _grants(u.grants) for u in demo.USERS}
    rows = [(user, secret, roles.get(user, "")) for user, secret in passwords.items()]
    _table("Demo users", ("User", "Password", "Roles"), rows)


# --- users ----------------------------------------------------------------------------------


@users_app.command("add")
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

    with _services() as services:
        bootstrap = not user and accounts.user_count(services) == 0
        by = None if bootstrap else _who(user)
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
    _line(f"created user {view.username}" + (" as the first admin" if bootstrap else ""))


@users_app.command("list")
def users_list(user: As = None, format: Fmt = Format.table) -> None:
    """Every account with its roles."""
    from ..services import accounts

    by = _who(user)
    with _services() as services:
        views = accounts.list_users(services, by)
    if format is Format.json:
        _json([dataclasses.asdict(v) for v in views])
        return
    rows = [
        (
            v.username,
            v.display_name,
            v.email,
            v.department or "",
            "yes" if v.active else "no",
            _grants(v.grants),
        )
        for v in views
    ]
    _table("Users", ("User", "Name", "Email", "Department", "Active", "Roles"), rows)


RoleArg = Annotated[Role, typer.Argument(help="The role.")]
DomainOpt = Annotated[
    str, typer.Option("--domain", help="Reviewer and waiver_authority roles: the domain.")
]


@users_app.command("grant")
def users_grant(username: str, role: RoleArg, domain: DomainOpt = "", user: As = None) -> None:
    """Grant a role (reviewer and waiver_authority need --domain)."""
    from ..services import accounts

    by = _who(user)
    with _services() as services:
        accounts.grant(services, by, username, role, domain)
    _line(f"{username} holds {_grant(role.value, domain)}")


@users_app.command("revoke")
def users_revoke(username: str, role: RoleArg, domain: DomainOpt = "", user: As = None) -> None:
    """Take a role away."""
    from ..services import accounts

    by = _who(user)
    with _services() as services:
        accounts.revoke(services, by, username, role, domain)
    _line(f"{username} no longer holds {_grant(role.value, domain)}")


@users_app.command("deactivate")
def users_deactivate(username: str, user: As = None) -> None:
    """Stop an account from acting (its history stays)."""
    _set_active(username, False, user)


@users_app.command("activate")
def users_activate(username: str, user: As = None) -> None:
    """Let a deactivated account act again."""
    _set_active(username, True, user)


def _set_active(username: str, active: bool, user: str | None) -> None:
    from ..services import accounts

    by = _who(user)
    with _services() as services:
        accounts.set_active(services, by, username, active)
    _line(f"{username} is {'active' if active else 'deactivated'}")


@users_app.command("password")
def users_password(username: str, password: Password = None, user: As = None) -> None:
    """Set a password (your own, or anyone's as an admin)."""
    from ..services import accounts

    by = _who(user)
    secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _services() as services:
        accounts.set_password(services, by, username, secret)
    _line(f"password of {username} set")


@users_app.command("unlock")
def users_unlock(
    username: Annotated[str | None, typer.Argument(help="The account to unlock.")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="A client address to unlock.")
    ] = None,
    user: As = None,
) -> None:
    """Lift a sign-in pause after failed attempts (admins); audited."""
    from ..services import accounts

    by = _who(user)
    with _services() as services:
        done = accounts.unlock(services, by, username=username, address=address)
    _line(f"unlocked {', '.join(done)}" if done else "nothing was paused")


@users_app.command("link")
def users_link(username: str, user: As = None) -> None:
    """Let the next identity-provider sign-in with USERNAME link to this local account
    (admins). Without it a provider sign-in never takes over a local account of that name."""
    from ..services import accounts

    by = _who(user)
    with _services() as services:
        accounts.allow_identity_link(services, by, username)
    _line(f"the next identity-provider sign-in as {username} will be linked to this account")


# --- proposals ------------------------------------------------------------------------------

IntakeFile = Annotated[Path, typer.Argument(metavar="FILE", help="Intake record (YAML or JSON).")]
Note = Annotated[str | None, typer.Option("--note", help="A note kept with this version.")]


@proposal_app.command("create")
def proposal_create(
    file: IntakeFile, note: Note = None, user: As = None, format: Fmt = Format.table
) -> None:
    """Start a draft from an intake file; prints its id and the answers still missing."""
    from ..services import proposals

    by = _who(user)
    record = _record(file)
    with _services() as services:
        saved = proposals.create_draft(services, by, record, note=note)
    _saved(saved, "created", format)


@proposal_app.command("save")
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

    by = _who(user)
    record = _record(file)
    with _services() as services:
        saved = proposals.save_draft(
            services, by, _pid(proposal_id), record, expected_version=expect_version, note=note
        )
    _saved(saved, "saved", format)


@proposal_app.command("submit")
def proposal_submit(
    proposal_id: ProposalId,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Submit a complete draft; it is evaluated and goes to the reviewers."""
    from ..services import proposals

    by = _who(user)
    with _services() as services:
        view = proposals.submit(services, by, _pid(proposal_id), expected_version=expect_version)
    _done(view, "submitted", format)


@proposal_app.command("resubmit")
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

    by = _who(user)
    with _services() as services:
        view = proposals.resubmit(
            services, by, _pid(proposal_id), expected_version=expect_version, response=response
        )
    _done(view, "resubmitted", format)


@proposal_app.command("withdraw")
def proposal_withdraw(
    proposal_id: ProposalId,
    reason: Annotated[str, typer.Option("--reason", help="Why the request is withdrawn.")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Withdraw a request before its decision."""
    from ..services import proposals

    by = _who(user)
    with _services() as services:
        view = proposals.withdraw(
            services, by, _pid(proposal_id), reason=reason, expected_version=expect_version
        )
    _done(view, "withdrawn", format)


@proposal_app.command("show")
def proposal_show(proposal_id: ProposalId, user: As = None, format: Fmt = Format.table) -> None:
    """Everything about a request, with its row version and allowed actions.

    Findings with their status, waiver and conditions; sign-offs (invalidated ones with the
    reason); waivers, conditions, comments and decisions.
    """
    from ..services import proposals

    by = _who(user)
    with _services() as services:
        view = proposals.get(services, by, _pid(proposal_id))
    if format is Format.json:
        _json(_view_json(view))
    else:
        _show(view)


@proposal_app.command("list")
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

    by = _who(user)
    with _services() as services:
        rows = proposals.list_proposals(
            services,
            by,
            state=state.value if state else None,
            department=department,
            mine=mine,
            limit=limit,
        )
    if format is Format.json:
        _json([dataclasses.asdict(r) for r in rows])
        return
    columns = ("ID", "Title", "Department", "Requester", "State", "Tier", "Disposition", "Updated")
    _table(
        "Proposals",
        columns,
        [
            (
                r.ref,
                r.title,
                r.department,
                r.requester,
                r.state,
                _opt(r.tier),
                _opt(r.disposition),
                _when(r.updated_at),
            )
            for r in rows
        ],
    )


@proposal_app.command("history")
def proposal_history(
    proposal_id: ProposalId,
    limit: Annotated[int, typer.Option(min=1, help="At most this many latest events.")] = 200,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """A request's record versions and its audit events."""
    from ..services import history, proposals

    by = _who(user)
    with _services() as services:
        view = proposals.get(services, by, _pid(proposal_id))  # may the actor see it?
        events = [
            dataclasses.asdict(e)
            for e in history.events(services, by, proposal_id=view.id, limit=limit)
        ]
    if format is Format.json:
        versions = [dataclasses.asdict(v) for v in view.versions]
        _json({"proposal": view.ref, "versions": versions, "events": events})
        return
    _line(f"{view.ref} {view.title}")
    _versions_table(view)
    _events_table(f"Audit events of {view.ref}", events)


# --- reviewers ------------------------------------------------------------------------------


Domain = Annotated[str, typer.Argument(metavar="DOMAIN", help="Review domain, e.g. security.")]


def comment(
    proposal_id: ProposalId,
    text: Annotated[str, typer.Argument(metavar="TEXT")],
    domain: Annotated[str | None, typer.Option(help="The review domain it concerns.")] = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Comment on a request (anyone who can see it; requesters answer this way too)."""
    from ..services import reviews

    by = _who(user)
    with _services() as services:
        view = reviews.comment(
            services, by, _pid(proposal_id), text, domain=domain, expected_version=expect_version
        )
    _done(view, "commented", format)


def start_review(
    proposal_id: ProposalId,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Take a submitted request into review (a first sign-off does this too)."""
    from ..services import reviews

    by = _who(user)
    with _services() as services:
        view = reviews.start_review(
            services, by, _pid(proposal_id), expected_version=expect_version
        )
    _done(view, "in review", format)


def request_changes(
    proposal_id: ProposalId,
    domain: Annotated[str, typer.Option("--domain", help="Your review domain.")],
    reason: Annotated[str, typer.Option("--reason", help="What the department must change.")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Send a request back to its department with what to change."""
    from ..services import reviews

    by = _who(user)
    with _services() as services:
        view = reviews.request_changes(
            services,
            by,
            _pid(proposal_id),
            domain=domain,
            reason=reason,
            expected_version=expect_version,
        )
    _done(view, "sent back for changes", format)


def signoff(
    proposal_id: ProposalId,
    domain: Domain,
    note: Annotated[str | None, typer.Option("--note")] = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Sign off your domain on the current record version."""
    from ..services import signoffs

    by = _who(user)
    with _services() as services:
        view = signoffs.sign_off(
            services, by, _pid(proposal_id), domain, note=note, expected_version=expect_version
        )
    _done(view, f"signed off for {domain}", format)


RuleId = Annotated[str, typer.Argument(metavar="RULE_ID", help="The finding's rule id.")]
Subject = Annotated[
    str | None, typer.Option("--subject", help="The finding's item, when a rule has several.")
]


def waive(
    proposal_id: ProposalId,
    rule_id: RuleId,
    justification: Annotated[str, typer.Option("--justification")],
    controls: Annotated[str, typer.Option("--controls", help="Compensating controls.")],
    expires: Annotated[str, typer.Option("--expires", metavar="DATE", help="At most 12 months.")],
    subject: Subject = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Waive a finding (the domain's waiver authority; never a non-waivable finding)."""
    from ..services import waivers

    by = _who(user)
    expires_on = _date(expires, "--expires")
    with _services() as services:
        view = waivers.grant(
            services,
            by,
            _pid(proposal_id),
            rule_id,
            subject=subject,
            justification=justification,
            compensating_controls=controls,
            expires_on=expires_on,
            expected_version=expect_version,
        )
    _done(view, f"waived {rule_id}", format)


@waivers_app.command("list")
def waivers_list(
    proposal_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only this proposal.")
    ] = None,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """Waivers on one request, or on every request you can see."""
    from ..services import proposals

    by = _who(user)
    found: list[tuple[str, WaiverView]] = []
    with _services() as services:
        if proposal_id is not None:
            ids = [_pid(proposal_id)]
        else:
            ids = [s.id for s in proposals.list_proposals(services, by, limit=100_000)]
        for pid in sorted(ids):
            view = proposals.get(services, by, pid)
            found.extend((view.ref, w) for w in view.waivers)
    if format is Format.json:
        _json([{"proposal": ref, **dataclasses.asdict(w)} for ref, w in found])
        return
    _waivers_table("Waivers", found)


@waivers_app.command("expire")
def waivers_expire(user: As = None, format: Fmt = Format.table) -> None:
    """Report waivers that have lapsed: their findings are open again.

    Each lapse is recorded in the audit log once. --as is optional: without it a scheduled
    job acts as "system".
    """
    from ..services import waivers

    with _services() as services:
        lapsed = waivers.expire_report(services, user.strip() if user else None)
    if format is Format.json:
        _json(
            [
                {"proposal": e.proposal, "newly_reported": e.newly_reported}
                | dataclasses.asdict(e.waiver)
                for e in lapsed
            ]
        )
        return
    if not lapsed:
        _line("no waiver has lapsed")
        return
    rows = [
        (
            e.proposal,
            f"#{e.waiver.id}",
            e.waiver.finding_key,
            str(e.waiver.expires_on),
            "new" if e.newly_reported else "reported before",
        )
        for e in lapsed
    ]
    _table(
        "Lapsed waivers: their findings are open again",
        ("Proposal", "Waiver", "Finding", "Expired", "Report"),
        rows,
    )


@waivers_app.command("revoke")
def waivers_revoke(
    proposal_id: ProposalId,
    waiver_id: Annotated[int, typer.Argument(metavar="WAIVER_ID")],
    reason: Annotated[str, typer.Option("--reason")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Revoke a waiver; its finding is open again."""
    from ..services import waivers

    by = _who(user)
    with _services() as services:
        view = waivers.revoke(
            services,
            by,
            _pid(proposal_id),
            waiver_id,
            reason=reason,
            expected_version=expect_version,
        )
    _done(view, f"revoked waiver #{waiver_id}", format)


@condition_app.command("add")
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

    by = _who(user)
    due_date = _date(due, "--due")
    with _services() as services:
        view = conditions.add(
            services,
            by,
            _pid(proposal_id),
            rule_id,
            text=text,
            owner=owner,
            due_date=due_date,
            subject=subject,
            expected_version=expect_version,
        )
    _done(view, f"condition on {rule_id} added", format)


@condition_app.command("set")
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

    by = _who(user)
    with _services() as services:
        view = conditions.set_status(
            services,
            by,
            _pid(proposal_id),
            condition_id,
            status.value,
            expected_version=expect_version,
        )
    _done(view, f"condition #{condition_id} is {status.value}", format)


def decide(
    proposal_id: ProposalId,
    outcome: Annotated[Outcome, typer.Argument(help="approve | approve-with-conditions | reject")],
    reason: Annotated[str | None, typer.Option("--reason", help="Required to reject.")] = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """The approver's decision on a request (or contract) that has every sign-off."""
    from ..services import decisions

    by = _who(user)
    with _services() as services:
        view = decisions.decide(
            services,
            by,
            _pid(proposal_id),
            outcome.value.replace("-", "_"),
            reason=reason,
            expected_version=expect_version,
        )
    _done(view, "decided", format)


@contract_app.command("submit")
def contract_submit(
    proposal_id: ProposalId,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The record with its contract:.")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Submit the contract of an approved request for contract review."""
    from ..services import proposals

    by = _who(user)
    record = _record(file)
    with _services() as services:
        view = proposals.submit_contract(
            services, by, _pid(proposal_id), record, expected_version=expect_version
        )
    _done(view, "contract submitted", format)


def queue(
    domain: Annotated[
        list[str] | None, typer.Option("--domain", help="Repeatable; default: all of yours.")
    ] = None,
    sort: Annotated[QueueSort, typer.Option("--sort")] = QueueSort.age,
    limit: Annotated[int, typer.Option(min=1)] = 25,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """Requests waiting for your sign-off, oldest (or most severe) first."""
    from ..services.queue import reviewer_queue

    by = _who(user)
    with _services() as services:
        items = reviewer_queue(
            services,
            by,
            domains=domain or None,
            sort="severity" if sort is QueueSort.severity else "age",
            limit=limit,
        )
    if format is Format.json:
        _json([dataclasses.asdict(i) for i in items])
        return
    columns = ("ID", "Title", "Department", "Domain", "State", "Tier", "Worst", "Waiting since")
    rows = [
        (
            i.ref,
            i.title,
            i.department,
            i.domain,
            i.state,
            _opt(i.tier),
            i.worst_severity,
            _when(i.waiting_since),
        )
        for i in items
    ]
    _table(f"Review queue of {by}", columns, rows)


def reevaluate(user: As = None, format: Fmt = Format.table) -> None:
    """Re-run every open request and active contract against the current standards (admins)."""
    from ..services.reevaluation import reevaluate_all

    by = _who(user)
    with _services() as services:
        impacts = reevaluate_all(services, by)
    if format is Format.json:
        _json([dataclasses.asdict(i) | {"changed": i.changed} for i in impacts])
        return
    rows = [
        (
            i.proposal,
            i.title,
            i.state,
            _standards(i.standards_before, i.standards_after),
            _lines(i.new),
            _lines(i.cleared),
            _lines(i.invalidated_signoffs),
        )
        for i in impacts
    ]
    columns = ("ID", "Title", "State", "Standards", "New", "Cleared", "Sign-offs invalidated")
    _table("Re-evaluation", columns, rows)
    changed = sum(1 for i in impacts if i.changed)
    _line(f"{len(impacts)} records re-evaluated; {changed} changed")


def _standards(before: str | None, after: str) -> str:
    return after if before in (None, after) else f"{before} -> {after}"


@audit_app.command("verify")
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

    by = user.strip() if (checkpoint and user) else (None if checkpoint else _who(user))
    with _services() as services:
        if checkpoint:
            done = audit_checkpoints.checkpoint(services, by)
            report, written = done.report, done.checkpoint
        else:
            report, written = history.verify_chain(services, by), None
    code = print_report(report, written, as_data=format is Format.json)
    if code:
        raise typer.Exit(code)


@audit_app.command("log")
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

    by = _who(user)
    with _services() as services:
        pid = None if proposal is None else _pid(proposal)
        events = [
            dataclasses.asdict(e)
            for e in history.events(services, by, proposal_id=pid, limit=limit)
        ]
    if format is Format.json:
        _json(events)
        return
    _events_table("Audit log", events)


def backup(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="A new file for the copy.")],
) -> None:
    """Copy the live SQLite database to PATH (a consistent snapshot)."""
    from ..services.backup import backup as run_backup

    with _services() as services:
        target = run_backup(services, path)
    _line(f"backed up {services.db.url} to {target}")


# --- printing -------------------------------------------------------------------------------


def _console() -> Console:
    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 120, highlight=False)


def _line(text: str) -> None:
    sys.stdout.write(text + "\n")


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A rich table; every cell is plain text (never markup: users typed some of it)."""
    rows = list(rows)
    if not rows:
        _line(f"{title}: none")
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, no_wrap=column in _NO_WRAP, overflow="fold")
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))
    _console().print(table)


_NO_WRAP = frozenset({"ID", "#", "Seq", "At", "Rule", "Severity", "Waiver", "Version", "Expires"})
_AUTOMATIC = frozenset({"all_signed", "signoff_lost"})  # the system's moves, not a person's


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _opt(value: Any) -> str:
    return "" if value is None else str(value)


def _lines(values: Sequence[str]) -> str:
    return "\n".join(values) or "-"


def _grant(role: str, domain: str) -> str:
    return f"{role}:{domain}" if domain else role


def _grants(grants: Iterable[tuple[Any, str]]) -> str:
    return ", ".join(_grant(str(role), domain) for role, domain in grants)


def _saved(saved: Any, what: str, format: Format) -> None:
    view: ProposalView = saved.proposal
    missing = [str(p) for p in saved.missing]
    if format is Format.json:
        _json(
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
    _line(
        f"{what} {view.ref} ({view.state}, record version {view.current_version}, "
        f"row version {view.row_version})"
    )
    if missing:
        _line(f"still missing before it can be submitted ({len(missing)}):")
        for problem in missing:
            _line(f"  {problem}")
    else:
        _line("complete: ready to submit")


def _done(view: ProposalView, what: str, format: Format) -> None:
    """What an acting command prints: one line (table) or the whole proposal (json)."""
    if format is Format.json:
        _json(_view_json(view))
        return
    waiting = f"; waiting for: {', '.join(view.missing_signoffs)}" if view.missing_signoffs else ""
    _line(
        f"{view.ref} {what}: {view.state.replace('_', ' ')} (stage {view.stage}, "
        f"row version {view.row_version}){waiting}"
    )


def _view_json(view: ProposalView) -> dict[str, Any]:
    """The proposal as data; each finding's fields with its status, waiver and conditions."""
    data = dataclasses.asdict(view)
    for name in ("findings", "resolved"):
        data[name] = [
            {**f.finding, "key": f.key, "status": f.status}
            | {"waiver": item["waiver"], "conditions": item["conditions"]}
            for f, item in zip(getattr(view, name), data[name], strict=True)
        ]
    return data


def _show(view: ProposalView) -> None:
    console = _console()
    head = Table.grid(padding=(0, 2))
    for label, value in _summary(view):
        head.add_row(label, Text(value))
    console.print(head)
    _findings_table(view)
    _signoffs_table(view)
    _waivers_table("Waivers", [(view.ref, w) for w in view.waivers])
    _conditions_table(view)
    _comments_table(view)
    _decisions_table(view)


def _summary(view: ProposalView) -> list[tuple[str, str]]:
    tcv = f"${view.tcv:,.2f}" if view.tcv is not None else "not evaluated"
    disposition = _opt(view.disposition).upper() or "not evaluated"
    if view.raw_disposition and view.raw_disposition != view.disposition:
        disposition += f" (as evaluated: {view.raw_disposition})"
    return [
        ("Proposal", f"{view.ref} {view.title}"),
        ("Department", f"{view.department}, requested by {view.requester_name} ({view.requester})"),
        ("State", f"{view.state} (stage {view.stage})"),
        ("Version", f"record version {view.current_version}, row version {view.row_version}"),
        ("Tier / TCV", f"{_opt(view.tier) or '-'} / {tcv}"),
        ("Disposition", disposition),
        ("Standards", _evaluated(view)),
        ("Sign-offs required", ", ".join(view.required_signoffs) or "none"),
        ("Sign-offs missing", ", ".join(view.missing_signoffs) or "none"),
        ("Allowed actions", ", ".join(_actions(view.allowed_actions)) or "none"),
    ]


def _evaluated(view: ProposalView) -> str:
    if view.standards_version is None:
        return "not evaluated (a draft is evaluated when submitted)"
    return f"{view.standards_version}, dates judged as of {view.evaluated_as_of}"


def _actions(actions: Iterable[str]) -> list[str]:
    return [a.replace("_", "-") for a in actions if a not in _AUTOMATIC]


def _findings_table(view: ProposalView) -> None:
    rows = []
    for f in [*view.findings, *view.resolved]:
        waiver = f"#{f.waiver.id} until {f.waiver.expires_on}" if f.waiver else ""
        conds = "\n".join(f"#{c.id} {c.status}: {c.owner}, due {c.due_date}" for c in f.conditions)
        rows.append(
            (
                f["severity"],
                f["domain"],
                f["rule_id"],
                _opt(f.finding.get("subject")),
                f.status,
                waiver,
                conds,
                f["title"],
            )
        )
    columns = ("Severity", "Domain", "Rule", "Subject", "Status", "Waiver", "Conditions", "Title")
    _table("Findings", columns, rows)


def _signoffs_table(view: ProposalView) -> None:
    rows = [
        (
            f"#{s.id}",
            s.domain,
            s.stage,
            s.reviewer,
            str(s.version_number),
            _when(s.at),
            "valid" if s.valid else f"invalidated: {s.invalidated_reason}",
            _opt(s.note),
        )
        for s in view.signoffs
    ]
    columns = ("#", "Domain", "Stage", "Reviewer", "Version", "At", "Status", "Note")
    _table("Sign-offs", columns, rows)


def _waivers_table(title: str, waivers: list[tuple[str, WaiverView]]) -> None:
    rows = [
        (
            ref,
            f"#{w.id}",
            w.finding_key,
            w.granted_by,
            str(w.expires_on),
            "revoked" if w.revoked else "expired" if w.expired else "active",
            f"{w.justification}\nControls: {w.compensating_controls}",
        )
        for ref, w in waivers
    ]
    columns = ("Proposal", "Waiver", "Finding", "Granted by", "Expires", "Status", "Why")
    _table(title, columns, rows)


def _conditions_table(view: ProposalView) -> None:
    rows = [
        (f"#{c.id}", c.finding_key, c.owner, str(c.due_date), c.status, c.text)
        for c in view.conditions
    ]
    _table("Conditions", ("#", "Finding", "Owner", "Due", "Status", "Text"), rows)


def _comments_table(view: ProposalView) -> None:
    rows = [
        (_when(c.at), c.author, c.kind, _opt(c.domain), str(c.version_number), c.body)
        for c in view.comments
    ]
    _table("Comments", ("At", "Author", "Kind", "Domain", "Version", "Text"), rows)


def _decisions_table(view: ProposalView) -> None:
    rows = [(_when(d.at), d.stage, d.approver, d.outcome, _opt(d.reason)) for d in view.decisions]
    _table("Decisions", ("At", "Stage", "Approver", "Outcome", "Reason"), rows)


def _versions_table(view: ProposalView) -> None:
    rows = [
        (
            str(v.number),
            v.stage,
            "yes" if v.submitted else "no",
            _when(v.at),
            _opt(v.note),
            v.record_hash[:12],
        )
        for v in view.versions
    ]
    _table("Record versions", ("Version", "Stage", "Submitted", "At", "Note", "Hash"), rows)


def _events_table(title: str, events: list[dict[str, Any]]) -> None:
    rows = [
        (
            str(e["seq"]),
            _when(e["at"]),
            e["actor"],
            e["action"],
            f"{e['entity']} {e['entity_id']}",
            json.dumps(e["details"], ensure_ascii=False, default=str),
        )
        for e in events
    ]
    _table(title, ("Seq", "At", "Actor", "Action", "Entity", "Details"), rows)
