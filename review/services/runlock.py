"""One runner at a time for a daily job, across processes and machines.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection held for
the whole run; the server releases it if the process dies. SQLite: an exclusive ``flock`` on a
file beside the database, which the kernel releases if the process dies; SQLite itself
serialises the job's writes (each batch is a ``BEGIN IMMEDIATE`` transaction), so the file
lock only keeps a second runner from starting the same work. Whoever does not get the lock is
told so and does nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..store.database import Database


def _key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks take a bigint)."""
    return int.from_bytes(
        hashlib.sha256(f"review:{name}".encode()).digest()[:8], "big", signed=True
    )


def _lock_file(db: Database, name: str) -> Path:
    database = make_url(db.engine.url.render_as_string(hide_password=False)).database
    if not database or database == ":memory:":
        raise RuntimeError("a run lock needs a file-backed SQLite database")
    return Path(database).with_name(f"{Path(database).name}.{name}.lock")


@contextmanager
def exclusive(db: Database, name: str) -> Iterator[bool]:
    """Hold the lock ``name`` for the block; yields False (and holds nothing) if it is taken."""
    if db.is_sqlite:
        path = _lock_file(db, name)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        return
    key = _key(name)
    with db.engine.connect() as connection:
        got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        connection.commit()  # the lock is the session's; leave no transaction open
        try:
            yield got
        finally:
            if got:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
