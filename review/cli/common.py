"""What every workflow command shares: its options, the services it acts through, and how it
prints (one line for an acting command, a table for people, JSON for scripts).

Identity: acting commands take ``--as USER`` (or the ``REVIEW_USER`` environment variable)
and run with exactly that user's roles; the services check every permission, as they do for
the workspace. The command line trusts whoever can reach the database: ``--as`` decides
permissions and the audit trail, it is not a sign-in.

Database: ``REVIEW_DATABASE_URL``, else ``review.db`` in ``REVIEW_DATA_DIR`` (default
``./data``). Every command but ``review db upgrade`` and ``review db current`` refuses an
unmigrated database, or migrates it first when ``REVIEW_AUTO_MIGRATE=1``.

Optimistic locking: every command that changes a proposal takes ``--expect-version N`` (the
row version that ``review proposal show`` and every acting command print) and refuses if
someone else changed it since. Command modules only parse, call a service and print; errors
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

from ..errors import InputError
from ..refs import parse_proposal_id
from .terminal import clean, clean_json

if TYPE_CHECKING:  # the services and the database load on first use: `review --help` stays quick
    from rich.console import Console

    from ..services.context import Services
    from ..services.views import ProposalView
    from ..store.database import Database


class Format(StrEnum):
    table = "table"
    json = "json"


class DataFormat(StrEnum):
    json = "json"
    yaml = "yaml"
    table = "table"


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
RuleId = Annotated[str, typer.Argument(metavar="RULE_ID", help="The finding's rule id.")]
Subject = Annotated[
    str | None, typer.Option("--subject", help="The finding's item, when a rule has several.")
]
IntakeFile = Annotated[Path, typer.Argument(metavar="FILE", help="Intake record (YAML or JSON).")]


# --- database and identity ------------------------------------------------------------------


@contextmanager
def database() -> Iterator[Database]:
    from ..store.database import Database

    db = Database.connect()
    try:
        yield db
    finally:
        db.engine.dispose()


@contextmanager
def services() -> Iterator[Services]:
    """The services on a database that is migrated (or is migrated now, when allowed)."""
    from ..settings import settings

    with database() as db:
        db.require_migrated(migrate=settings().auto_migrate)
        yield make_services(db)


def make_services(db: Database) -> Services:
    """The one place a command's services are made (tests swap in a cheap password hasher)."""
    from ..services.context import Services

    return Services(db)


def who(user: str | None) -> str:
    if not user or not user.strip():
        raise InputError("who is acting? pass --as USER or set REVIEW_USER")
    return user.strip()


def pid(value: str, field: str = "proposal id") -> int:
    """Every command's request id goes through the one parser: ``P-7`` and ``7`` alike."""
    return parse_proposal_id(value, field)


def date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{option}: expected an ISO 8601 date like 2027-03-31, got {value!r}"
        ) from None


def record(path: Path) -> Any:
    from ..core.safeyaml import load_file

    return load_file(path, what="intake file")


# --- printing -------------------------------------------------------------------------------


def console() -> Console:
    from .output import safe_console  # rich loads only when a command prints a table

    return safe_console(width=None if sys.stdout.isatty() else 120, highlight=False)


def line(text: str) -> None:
    sys.stdout.write(clean(text) + "\n")


def emit_json(data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable)
    sys.stdout.write(clean_json(text) + "\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A rich table; every cell is plain text (never markup: users typed some of it)."""
    rows = list(rows)
    if not rows:
        line(f"{title}: none")
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column, no_wrap=column in _NO_WRAP, overflow="fold")
    for row in rows:
        grid.add_row(*(Text(str(cell)) for cell in row))
    console().print(grid)


_NO_WRAP = frozenset({"ID", "#", "Seq", "At", "Rule", "Severity", "Waiver", "Version", "Expires"})


def when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def opt(value: Any) -> str:
    return "" if value is None else str(value)


def lines(values: Sequence[str]) -> str:
    return "\n".join(values) or "-"


def grant(role: str, domain: str) -> str:
    return f"{role}:{domain}" if domain else role


def grants(held: Iterable[tuple[Any, str]]) -> str:
    return ", ".join(grant(str(role), domain) for role, domain in held)


def done(view: ProposalView, what: str, format: Format) -> None:
    """What an acting command prints: one line (table) or the whole proposal (json)."""
    if format is Format.json:
        emit_json(view_json(view))
        return
    waiting = f"; waiting for: {', '.join(view.missing_signoffs)}" if view.missing_signoffs else ""
    line(
        f"{view.ref} {what}: {view.state.replace('_', ' ')} (stage {view.stage}, "
        f"row version {view.row_version}){waiting}"
    )


def view_json(view: ProposalView) -> dict[str, Any]:
    """The proposal as data; each finding's fields with its status, waiver and conditions."""
    data = dataclasses.asdict(view)
    for name in ("findings", "resolved"):
        data[name] = [
            {**f.finding, "key": f.key, "status": f.status}
            | {"waiver": item["waiver"], "conditions": item["conditions"]}
            for f, item in zip(getattr(view, name), data[name], strict=True)
        ]
    return data
