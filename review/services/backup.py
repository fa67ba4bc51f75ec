"""Consistent online backups of the embedded SQLite database.

SQLite's backup API copies a live database page by page while other connections keep
working, and the copy is a consistent snapshot. PostgreSQL is backed up with its own tools
(docs/deploy.md).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import ConfigurationError, FileProblem
from .context import Services


def backup(services: Services, target: Path) -> Path:
    db = services.db
    if not db.is_sqlite:
        raise ConfigurationError(
            "review backup copies the embedded SQLite database; for PostgreSQL use pg_dump "
            "or continuous archiving (docs/deploy.md)"
        )
    source = db.engine.url.database
    if not source or source == ":memory:":
        raise ConfigurationError("an in-memory database cannot be backed up")
    target = target.resolve()
    if target.exists():
        raise FileProblem(f"{target}: already exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    with sqlite3.connect(target) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise FileProblem(f"{target}: the copy failed its integrity check ({result})")
    return target
