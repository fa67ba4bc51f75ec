"""``review backup``: a consistent copy of the live SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common


def backup(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="A new file for the copy.")],
) -> None:
    """Copy the live SQLite database to PATH (a consistent snapshot)."""
    from ..services.backup import backup as run_backup

    with common.services() as services:
        target = run_backup(services, path)
    common.line(f"backed up {services.db.url} to {target}")
