"""After approval on the command line: the inventory, its deadlines, the daily sweep, and
notifications (GEN-9). Parses, calls a service, prints; review.cli.main turns errors into
one line and an exit code.

``review sweep`` is the job a scheduler runs daily (docs/lifecycle.md): without ``--as`` it
acts as the system; a second sweep started while one runs says so and exits 0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .common import As, Fmt, Format, who
from .common import date as parse_date
from .common import emit_json as _json
from .common import line as _line
from .common import services as _services
from .common import table as _table


class Status(StrEnum):
    active = "active"
    retired = "retired"
    all = "all"


class DeadlineStatus(StrEnum):
    overdue = "overdue"
    due = "due"
    upcoming = "upcoming"


class DigestChoice(StrEnum):
    daily = "daily"
    weekly = "weekly"


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Judge as of this day (default today)."),
]
SystemId = Annotated[str, typer.Argument(metavar="SYSTEM", help="System id: 12 or S-12.")]

inventory_app = typer.Typer(
    help="The technology inventory: approved and imported systems (GEN-9).", no_args_is_help=True
)
notify_app = typer.Typer(
    help="Notifications: deliver the outbox, see failures, digest choice, calendar feed.",
    no_args_is_help=True,
)


def _who(user: str | None) -> str:
    return who(user)


def _date(value: str | None, option: str) -> dt.date | None:
    return None if value is None else parse_date(value.strip(), option)


# --- inventory ------------------------------------------------------------------------------


@inventory_app.command("list")
def inventory_list(
    department: Annotated[str | None, typer.Option(help="Only this department.")] = None,
    vendor: Annotated[str | None, typer.Option(help="Only this vendor.")] = None,
    status: Annotated[Status, typer.Option(help="active, retired or all.")] = Status.active,
    data_class: Annotated[str | None, typer.Option(help="Holding this data class.")] = None,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """The systems you may see, with open and overdue findings."""
    from ..services import inventory_views

    by = _who(user)
    with _services() as services:
        rows = inventory_views.list_systems(
            services,
            by,
            department=department,
            vendor=vendor,
            status=None if status is Status.all else status.value,
            data_class=data_class,
        )
    if format is Format.json:
        _json([dataclasses.asdict(r) for r in rows])
        return
    _table(
        f"Inventory ({len(rows)} systems)",
        (
            "System",
            "Title",
            "Vendor",
            "Department",
            "Owner",
            "Status",
            "Contract end",
            "Open findings",
            "Overdue",
        ),
        [
            (
                r.ref,
                r.title,
                r.vendor,
                r.department,
                r.owner,
                r.status + ("" if r.reviewed else ", not yet reviewed"),
                r.contract_end,
                r.open_findings,
                r.overdue_findings,
            )
            for r in rows
        ],
    )


@inventory_app.command("show")
def inventory_show(
    system: SystemId, as_of: AsOf = None, user: As = None, format: Fmt = Format.table
) -> None:
    """One system: its reviews, findings, deadlines and timeline."""
    from ..services import inventory, inventory_views

    by = _who(user)
    with _services() as services:
        detail = inventory_views.show(
            services, by, inventory.parse_ref(system), _date(as_of, "--as-of")
        )
    if format is Format.json:
        _json(dataclasses.asdict(detail))
        return
    s = detail.system
    _line(f"{s.ref}: {s.title} ({s.status}{'' if s.reviewed else ', not yet reviewed'})")
    _line(f"  {s.department} · owner {s.owner} <{s.owner_email}> · vendor {s.vendor or '—'}")
    _line(
        f"  contract ends {s.contract_end or '—'} · value "
        f"{'—' if s.contract_value is None else f'${s.contract_value:,.2f}'}"
        f" · version {s.row_version}"
    )
    if detail.packet:
        _line(f"  approval packet {detail.packet[0]} (SHA-256 {detail.packet[1]})")
    if detail.renewal:
        changed = ", ".join(detail.renewal_changes) or "nothing yet"
        _line(
            f"  renewal review {detail.renewal} open; changed from the approved record: {changed}"
        )
    _table(
        "Reviews",
        ("Review", "Kind", "State", "After", "Opened"),
        [(r.proposal, r.kind, r.state, r.previous, r.opened_on) for r in detail.reviews],
    )
    _table(
        "Findings since approval",
        ("Severity", "Finding", "Cites", "Status", "Opened", "Due"),
        [
            (
                f.severity.upper(),
                f.title,
                ", ".join(f.citations),
                f.status + (" (overdue)" if f.overdue else ""),
                f.opened_on,
                f.due_on,
            )
            for f in detail.findings
        ],
    )
    _table(
        "Deadlines",
        ("Due", "Status", "Deadline", "Domain", "Cites"),
        [(d.due_on, d.status, d.title, d.domain, ", ".join(d.citations)) for d in detail.deadlines],
    )


@inventory_app.command("retire")
def inventory_retire(
    system: SystemId,
    reason: Annotated[str, typer.Option("--reason", help="Why it is no longer in use.")],
    expect_version: Annotated[int | None, typer.Option("--expect-version", metavar="N")] = None,
    user: As = None,
) -> None:
    """Retire a system: out of the sweep and the registers (admins, its department)."""
    from ..services import inventory

    by = _who(user)
    with _services() as services:
        found = inventory.retire(
            services,
            by,
            inventory.parse_ref(system),
            reason=reason,
            expected_version=expect_version,
        )
    _line(f"{inventory.ref(found)} retired")


@inventory_app.command("evidence")
def inventory_evidence(
    system: SystemId,
    kind: Annotated[str, typer.Argument(help="soc2_type2, iso27001, ..., pen_test or acr.")],
    date: Annotated[str, typer.Argument(help="The evidence's date (ISO 8601).")],
    note: Annotated[str | None, typer.Option(help="A note kept with the record version.")] = None,
    user: As = None,
) -> None:
    """Record new evidence on file (a new SOC 2 report, pen test, ACR) for a system."""
    from ..services import inventory

    by = _who(user)
    day = parse_date(date.strip(), "DATE")
    with _services() as services:
        found = inventory.record_evidence(
            services, by, inventory.parse_ref(system), kind, day, note=note
        )
    _line(
        f"{inventory.ref(found)}: {kind} dated {day} on file (record version {found.record_number})"
    )


@inventory_app.command("import")
def inventory_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV or XLSX (docs/lifecycle.md).")],
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Import the good rows of a file with errors.")
    ] = False,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """Import systems already in use (admins); every bad row is reported by line and field."""
    from ..services import inventory_import

    by = _who(user)
    with _services() as services:
        report = inventory_import.import_file(services, by, file, skip_bad_rows=skip_bad_rows)
    if format is Format.json:
        _json(dataclasses.asdict(report))
    else:
        for problem in report.problems:
            sys.stderr.write(f"{file.name}: {problem}\n")
        _line(report.summary)
    if report.problems and not skip_bad_rows:
        raise typer.Exit(2)


# --- deadlines and the sweep ----------------------------------------------------------------


def deadlines_list(
    department: Annotated[str | None, typer.Option(help="Only this department.")] = None,
    domain: Annotated[str | None, typer.Option(help="Only this domain.")] = None,
    status: Annotated[DeadlineStatus | None, typer.Option(help="overdue, due or upcoming.")] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only those GEN-9 tells you of.")] = False,
    as_of: AsOf = None,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """Every deadline of the systems you may see (GEN-9), soonest first."""
    from ..services import deadlines

    by = _who(user)
    with _services() as services:
        rows = deadlines.listing(
            services,
            by,
            _date(as_of, "--as-of"),
            department=department,
            domain=domain,
            status=status.value if status else None,
            mine=mine,
        )
    if format is Format.json:
        _json([dataclasses.asdict(r) for r in rows])
        return
    _table(
        f"Deadlines ({len(rows)})",
        ("Due", "Days", "Status", "System", "Deadline", "Department", "Domain", "Cites"),
        [
            (
                r.due_on,
                r.days_left,
                r.status,
                r.system,
                r.title,
                r.department,
                r.domain,
                ", ".join(r.citations),
            )
            for r in rows
        ],
    )


def sweep(
    as_of: AsOf = None,
    user: Annotated[
        str | None, typer.Option("--as", metavar="USER", help="An admin (default: the scheduler).")
    ] = None,
    format: Fmt = Format.table,
    last: Annotated[
        int | None,
        typer.Option(
            "--last",
            min=1,
            max=100,
            metavar="N",
            help="List the last N runs (admins) instead of sweeping.",
        ),
    ] = None,
) -> None:
    """The daily sweep: judge every active system as of the day and queue its notices."""
    from ..services import sweep as sweeping

    if last is not None:
        _runs(last, user, format)
        return
    with _services() as services:
        report = sweeping.run(services, _date(as_of, "--as-of"), by=user)
    if format is Format.json:
        _json(dataclasses.asdict(report))
        return
    if not report.ran:
        _line(f"another sweep is running; this one did nothing (as of {report.as_of})")
        return
    counts = report.changes.counts()
    _line(
        f"swept {report.systems} systems as of {report.as_of}"
        + (" (finished an interrupted run)" if report.resumed else "")
        + ": "
        + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
        + f", {report.digests} digests queued"
    )
    for problem in report.changes.errors:
        sys.stderr.write(f"review: sweep: {problem}\n")
    for name, outcome in report.jobs.items():
        _line(f"daily job {name}: {outcome}")


def _runs(last: int, user: str | None, format: Format) -> None:
    """When the inventory was swept, and what each run did (the Deadlines page's last sweeps)."""
    from ..services import sweep as sweeping

    with _services() as services:
        runs = sweeping.last_runs(services, who(user), limit=last)
    rows: list[dict[str, Any]] = [
        {
            "as_of": r.as_of.isoformat(),
            "status": r.status,
            "started_at": r.started_at.isoformat(timespec="seconds"),
            "finished_at": r.finished_at.isoformat(timespec="seconds") if r.finished_at else None,
            "runner": r.runner,
            "counts": r.counts,
        }
        for r in runs
    ]
    if format is Format.json:
        _json(rows)
        return
    _table(
        f"Last sweeps ({len(rows)})",
        ("As of", "Status", "Finished", "Runner", "Systems", "New", "Cleared", "Notices"),
        [
            (
                r["as_of"],
                r["status"],
                r["finished_at"] or "",
                r["runner"],
                *(r["counts"].get(k, "") for k in COUNTED),
            )
            for r in rows
        ],
    )


COUNTED = ("systems", "new_findings", "cleared_findings", "notices")


# --- notifications --------------------------------------------------------------------------


@notify_app.command("send")
def notify_send(batch: Annotated[int, typer.Option(min=1, max=1000)] = 100) -> None:
    """Deliver the outbox (email, webhook) at least once; failures retry with backoff."""
    from ..notify import sender

    with _services() as services:
        report = sender.deliver(services, batch=batch)
    _line(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
    for name in report.not_configured:
        _line(f"not configured: {name}")
    for error in report.errors[:20]:
        sys.stderr.write(f"review: notify: {error}\n")


@notify_app.command("failures")
def notify_failures(user: As = None, format: Fmt = Format.table) -> None:
    """Messages that failed for good or are retrying after errors (admins)."""
    from ..services import outbox

    by = _who(user)
    with _services() as services:
        rows = outbox.problems(services, by)
    if format is Format.json:
        _json([dataclasses.asdict(r) for r in rows])
        return
    _table(
        "Delivery problems",
        ("Id", "Channel", "To", "Status", "Attempts", "Next try", "Error"),
        [
            (r.id, r.channel, r.recipient, r.status, r.attempts, r.next_attempt_at, r.last_error)
            for r in rows
        ],
    )


@notify_app.command("retry")
def notify_retry(outbox_id: Annotated[int, typer.Argument(metavar="ID")], user: As = None) -> None:
    """Send a failed message again, under the same Message-ID (admins)."""
    from ..services import outbox

    with _services() as services:
        outbox.retry(services, _who(user), outbox_id)
    _line(f"outbox message {outbox_id} queued again")


@notify_app.command("digest")
def notify_digest(
    choice: Annotated[DigestChoice, typer.Argument(help="daily or weekly.")],
    weekday: Annotated[str, typer.Option(help="Weekly: the day it comes (mon..sun).")] = "mon",
    user: As = None,
) -> None:
    """Choose your digest: daily, or weekly on a weekday (urgent notices come at once)."""
    from ..services import preferences

    with _services() as services:
        preferences.set_digest(services, _who(user), choice.value, weekday)
    _line(f"digest: {choice.value}" + (f" on {weekday}" if choice is DigestChoice.weekly else ""))


@notify_app.command("feed")
def notify_feed(
    rotate: Annotated[bool, typer.Option("--rotate", help="Replace the secret token.")] = False,
    department: Annotated[str | None, typer.Option(help="The department feed instead.")] = None,
    user: As = None,
) -> None:
    """Your calendar feed's secret address (a new token on first use or with --rotate)."""
    from ..services import feed

    with _services() as services:
        url = feed.feed_url(services, _who(user), new=rotate, department=department)
    _line(url)
