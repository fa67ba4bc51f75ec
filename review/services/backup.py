"""Consistent online backups of the embedded SQLite database.

SQLite's backup API copies a live database page by page while other connections keep
working, and the copy is a consistent snapshot. The copy holds everything, password hashes
and every request included, so it is created readable and writable by its owner only (mode
0600, whatever the umask), and never over an existing file. PostgreSQL is backed up with its
own tools (docs/deploy.md).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
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
    if not target.parent.is_dir():  # a typo in the folder is not a reason to create one
        raise FileProblem(f"{target.parent}: no such folder; create it first")
    try:
        # created empty, owner-only and exclusively, before SQLite writes a byte into it
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise FileProblem(f"{target}: already exists; choose a new file") from None
    except OSError as exc:
        raise FileProblem(f"{target}: cannot create the copy ({exc.strerror})") from None
    os.chmod(target, 0o600)  # the umask may have taken bits away, never added: be exact
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
        with closing(sqlite3.connect(target)) as check:
            result = check.execute("PRAGMA integrity_check").fetchone()
        if not result or result[0] != "ok":
            raise FileProblem(f"{target}: the copy failed its integrity check ({result})")
    except BaseException:
        target.unlink(missing_ok=True)  # no half-written copy is left to be mistaken for one
        raise
    return target
