"""The sweep's records read one batch ahead, on PostgreSQL.

Reading a batch's 500 records (``CAST(record AS TEXT)``: the server writes each jsonb value
out as text) kept the sweep waiting on the server for about a twentieth of its time. On
PostgreSQL the next batch's records are therefore read on a second connection, in a worker
thread, while this batch is judged: the server's work overlaps the judging. SQLite has no
server to overlap (its reads are this process's own work, and a test database may be one
in-memory connection), so there each batch reads its records itself, as before.

A record read ahead is used only if its system's row is the one the batch's own transaction
reads (same ``row_version``, which every change through the application moves, a new record
included); any other is read again in the batch's transaction. So the sweep judges exactly
what it judged when each batch read its own records.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Text, cast, select
from sqlalchemy.orm import Session

from ..store.models import System

# system id -> (row_version, the record as JSON text)
Ahead = dict[int, tuple[int, str]]


def read(engine: Engine, lo: int, hi: int) -> Ahead:
    """The active systems' records with ids ``lo`` to ``hi``, in a transaction of their own."""
    with engine.connect() as connection:
        return {
            sid: (version, text)
            for sid, version, text in connection.execute(
                select(System.id, System.row_version, cast(System.record, Text)).where(
                    System.id.between(lo, hi), System.status == "active"
                )
            )
        }


class Reader:
    """Each batch's records, read one batch ahead on a worker thread."""

    def __init__(self, engine: Engine, pool: ThreadPoolExecutor, chunks: list[list[int]]):
        self.engine, self.pool, self.chunks = engine, pool, chunks
        self.pending: dict[int, Future[Ahead]] = {}
        self._start(0)

    def _start(self, n: int) -> None:
        if n < len(self.chunks) and n not in self.pending:
            chunk = self.chunks[n]
            self.pending[n] = self.pool.submit(read, self.engine, min(chunk), max(chunk))

    def take(self, n: int) -> Ahead:
        """Chunk ``n``'s records (waiting for them if need be); the next chunk's start."""
        self._start(n)
        future = self.pending.pop(n)
        self._start(n + 1)
        return future.result()


@contextmanager
def reader(engine: Engine, chunks: list[list[int]]) -> Iterator[Reader | None]:
    """A reader on PostgreSQL, None on SQLite. On leaving, a read still running is waited
    for (its connection goes back to the pool) and its result dropped."""
    if engine.dialect.name != "postgresql" or not chunks:
        yield None
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sweep-read") as pool:
        yield Reader(engine, pool, chunks)


def batch_records(
    session: Session,
    active: tuple[Any, ...],
    wanted: set[int],
    systems: list[System],
    ahead: Ahead | None,
) -> dict[int, str]:
    """Each system's record as the database holds it (JSON text): read in the batch's
    transaction (``active``: its where-clause), or taken from ``ahead`` where the system's row
    is the version this transaction reads, and read again here where it is not."""
    if ahead is None:
        return {
            sid: text
            for sid, text in session.execute(
                select(System.id, cast(System.record, Text)).where(*active)
            )
            if sid in wanted
        }
    records: dict[int, str] = {}
    stale: list[int] = []
    for system in systems:
        got = ahead.get(system.id)
        if got is not None and got[0] == system.row_version:
            records[system.id] = got[1]
        else:
            stale.append(system.id)
    if stale:  # changed since it was read ahead (rare): this transaction's version
        again = select(System.id, cast(System.record, Text)).where(System.id.in_(stale))
        records.update({sid: text for sid, text in session.execute(again)})
    return records
