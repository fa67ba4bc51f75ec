"""``review db``: migrate the database and show its revision."""

from __future__ import annotations

import typer

from . import common

app = typer.Typer(help="The database: migrate it and show its revision.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply every database migration (safe to repeat)."""
    with common.database() as db:
        before, after = db.upgrade()
    if before == after:
        common.line(f"database at {db.url} is already at revision {after}")
    else:
        common.line(f"database at {db.url} upgraded from {before or 'empty'} to revision {after}")


@app.command("current")
def db_current() -> None:
    """Show the database's revision; exit 1 when it needs `review db upgrade`."""
    with common.database() as db:
        current, head = db.current_revision(), db.head_revision()
    if current == head:
        common.line(f"database at {db.url} is at revision {current} (up to date)")
        return
    common.line(f"database at {db.url} is at {current or 'no revision (empty)'}; needs {head}")
    common.line("run `review db upgrade`")
    raise typer.Exit(1)
