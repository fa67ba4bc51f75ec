"""Composing's reads and writes: each chunk's notices and people read, and its digests and
cursors written.

SQLite does all its work in this process and has one write lock: a chunk is read and written
in one transaction (which takes the lock at its start), one chunk after another. PostgreSQL
does its work on the server: there a thread writes each composed chunk, in a transaction of
its own on a connection of its own, while the composing thread reads and renders the next.
Before, composing waited for the server about half its time (bench/sweep.py,
docs/performance.md). Chunks concern distinct people (runs of addresses) and only a run
holding the sweep's lock composes, so a chunk read before the one before it is written reads
the same cursors as it would have after. Both databases read each person's notices from their
cursor on, along the (recipient, id) index: what composing costs follows what waits, not
the history.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from sqlalchemy import Connection, Date, Select, Table, bindparam, func, select, text
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from ..services.context import Services
from ..store.models import NotificationPreference, OutboxMessage, User
from ..store.storable import clean_text

Row = tuple[str, str, str, str, str]  # message id, recipient, subject, text, HTML


@dataclass(frozen=True)
class Read:
    """One chunk as read: its notices beyond their people's cursors (``_NOTICES_*``) and the
    users whose addresses are in its range (``_people_query``), as the driver's rows."""

    notices: Sequence[Any]
    people: Sequence[Any]


@dataclass
class Written:
    """One chunk's digests: the outbox rows, each person's last notice, and the time."""

    rows: list[Row]
    cursors: list[tuple[str, int]]
    now: dt.datetime


Write = Callable[[Written], None]


Person = tuple[str, int]  # an address, and the last notice its digests took (0: none yet)


def waiting(connection: Connection, horizon: int) -> list[tuple[str, int, int]]:
    """Each person with notices beyond their cursor up to the ``horizon`` notice: their
    address, their cursor (0: none yet) and how many, in order of address.

    Read along the (recipient, id) index: the distinct addresses one index probe each (a
    recursive query, as PostgreSQL has no skip scan), and each person's count from their
    cursor on. A count over the table read every notice ever sent, and the table only grows
    (180,000 notices after the catch-up day of 20,000 systems, bench/sweep.py)."""
    return [row for row in _read(connection, "waiting", {"horizon": horizon}) if row[2]]


def read_chunk(connection: Connection, people: list[Person], horizon: int, as_of: dt.date) -> Read:
    """The notices to ``people`` (in order of address) beyond their cursors, up to the
    ``horizon`` notice, with whether each is dated after ``as_of``; and those people. Each
    person's notices are read from their cursor on along the (recipient, id) index, never
    their history (the people are handed over as one array: a list of names cost PostgreSQL
    more to bind and plan than to answer)."""
    stored = _DAY.bind_processor(connection.dialect)  # SQLite: the ISO text it holds
    notices: dict[str, Any] = {"horizon": horizon, "as_of": stored(as_of) if stored else as_of}
    if connection.dialect.name == "postgresql":
        notices |= {"who": [who for who, _ in people], "after": [after for _, after in people]}
    else:
        notices["people"] = json.dumps(people)
    names = {"first": people[0][0], "last": people[-1][0]}
    return Read(_read(connection, "notices", notices), _read(connection, "people", names))


@contextmanager
def chunks(
    services: Services, groups: list[list[Person]], horizon: int, as_of: dt.date
) -> Iterator[Iterator[tuple[Read, Write]]]:
    """Each group's chunk as read (its people's notices), with what writes its digests, in
    order. Leaving waits for every chunk handed to a writer, also when composing failed (those
    chunks are whole, and written as they would have been); the first write that fails stops
    the writing and is raised (the chunks before it stay written, none after it is)."""
    if services.db.is_sqlite:
        inline = _inline(services, groups, horizon, as_of)
        try:
            yield inline
        finally:
            inline.close()  # a transaction left open by a failure rolls back
        return
    with services.db.engine.connect() as connection:
        writer = _Writer(services)
        reads = (read_chunk(connection, people, horizon, as_of) for people in groups)
        try:
            yield ((read, writer.put) for read in reads)
        finally:
            writer.finish()
    writer.raise_failure()


def _inline(
    services: Services, groups: list[list[Person]], horizon: int, as_of: dt.date
) -> Generator[tuple[Read, Write]]:
    for people in groups:
        with services.transaction() as tx:
            connection = tx.session.connection()  # SQLite: BEGIN IMMEDIATE
            yield read_chunk(connection, people, horizon, as_of), partial(write, connection)


class _Writer:
    """The chunks written by a thread, each in its own transaction, in the order given. The
    first failure stops it: later chunks are not written, and the next ``put`` raises it (or,
    at the end, ``raise_failure``)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.chunks: queue.Queue[Written | None] = queue.Queue(maxsize=1)
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="digest-writer", daemon=True)
        self.thread.start()

    def put(self, chunk: Written) -> None:
        self.raise_failure()
        self.chunks.put(chunk)

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.failed is not None:
                continue  # stopped: taken off the queue only so that ``put`` never blocks
            try:
                with self.services.transaction() as tx:
                    write(tx.session.connection(), chunk)
            except BaseException as exc:  # raised in the composing thread
                self.failed = exc

    def finish(self) -> None:
        """Wait for the chunks handed over to be written (or, after a failure, dropped)."""
        self.chunks.put(None)
        self.thread.join()

    def raise_failure(self) -> None:
        if self.failed is not None:
            raise self.failed


# a notice's columns as ``digest._pending`` reads them, after its recipient
_NOTICE = (
    "n.id, n.created_on > :as_of, n.kind, n.urgent, n.title, n.detail, {citations}, "
    "n.due_on, n.system_id"
)
_WAITING = """
    WITH RECURSIVE r(recipient) AS (
        SELECT min(recipient) FROM notices
        UNION ALL
        SELECT (SELECT min(n.recipient) FROM notices n WHERE n.recipient > r.recipient)
        FROM r WHERE r.recipient IS NOT NULL
    )
    SELECT r.recipient, coalesce(c.last_notice_id, 0),
        (SELECT count(*) FROM notices n WHERE n.recipient = r.recipient
            AND n.id > coalesce(c.last_notice_id, 0) AND n.id <= :horizon)
    FROM r LEFT JOIN digest_cursors c ON c.recipient = r.recipient
    WHERE r.recipient IS NOT NULL
    ORDER BY r.recipient"""
# OFFSET 0: a subquery PostgreSQL keeps as it is, one index scan for each person from their
# cursor on (flattened into a join it was planned as a scan of every notice)
_NOTICES_POSTGRESQL = f"""
    SELECT p.recipient, {_NOTICE.format(citations="CAST(n.citations AS text)")}
    FROM unnest(CAST(:who AS text[]), CAST(:after AS integer[])) WITH ORDINALITY
        AS p(recipient, after, at)
    CROSS JOIN LATERAL (
        SELECT * FROM notices WHERE notices.recipient = p.recipient
            AND notices.id > p.after AND notices.id <= :horizon
        OFFSET 0
    ) AS n
    ORDER BY p.at, n.id"""
# CROSS JOIN: SQLite takes the people as the outer loop, each one's notices by the index
_NOTICES_SQLITE = f"""
    SELECT n.recipient, {_NOTICE.format(citations="n.citations")}
    FROM json_each(:people) AS p
    CROSS JOIN notices AS n ON n.recipient = json_extract(p.value, '$[0]')
        AND n.id > json_extract(p.value, '$[1]') AND n.id <= :horizon
    ORDER BY p.key, n.id"""


def _people_query() -> Select[Any]:
    u = cast(Table, User.__table__).c
    p = cast(Table, NotificationPreference.__table__)
    return (
        select(u.email, u.display_name, p.c.digest, p.c.weekday)
        .outerjoin(p, p.c.user_id == u.id)
        # notices are addressed in lower case (recipients.Directory): an address stored
        # with capitals is matched as that, or its owner lost their name and digest choice
        .where(func.lower(u.email).between(bindparam("first"), bindparam("last")))
    )


_DAY = Date()
# composing's reads, by name; "NAME-DIALECT" where a kind of database has its own
_QUERIES: dict[str, ClauseElement] = {
    "waiting": text(_WAITING),
    "notices-postgresql": text(_NOTICES_POSTGRESQL),
    "notices-sqlite": text(_NOTICES_SQLITE),
    "people": _people_query(),
}
_COMPILED: dict[tuple[str, str, str], tuple[str, tuple[str, ...] | None]] = {}


def _read(connection: Connection, query: str, values: dict[str, Any]) -> Sequence[Any]:
    """The rows of one of composing's reads (``_QUERIES``), as the driver's plain tuples.
    Each query is compiled once per process for each kind of database, and run on the
    driver's cursor: through SQLAlchemy each chunk's select was built, keyed and executed
    again, about a millisecond a chunk."""
    dialect = connection.dialect
    key = (dialect.name, dialect.paramstyle, query)
    found = _COMPILED.get(key)
    if found is None:
        own = f"{query}-{dialect.name}"
        clause = _QUERIES[own if own in _QUERIES else query]
        compiled = cast(SQLCompiler, clause.compile(dialect=dialect))
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        found = _COMPILED[key] = (str(compiled), order)
    sql, order = found
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, [values[name] for name in order] if order is not None else values)
        return cursor.fetchall()
    finally:
        cursor.close()


_OUTBOX = "message_id, recipient, subject, body_text, body_html"
_SAME = {  # what every digest in the outbox has in common
    "channel": "email",
    "kind": "digest",
    "status": "pending",
    "attempts": 0,
}


# COPY's binary types of the columns above, in order: the client sends values as they are,
# where the text format escaped every newline of 5 MB of bodies (a third of the client's time
# writing them)
_COPY_TYPES = [*["text"] * 5, "text", "text", "text", "int4", "timestamptz", "timestamptz"]


def write(connection: Connection, chunk: Written) -> None:
    """The digests into the outbox and the cursors moved (or started), in the connection's
    transaction. PostgreSQL: the outbox rows by binary COPY and the cursors by one statement
    over two arrays (through SQLAlchemy each row cost about as much as rendering it, and a
    statement per cursor a round of the server's work each). SQLite: executemany of the
    statement as written (sqlite3 binds in C, where SQLAlchemy's processing of each row's
    parameters cost more than the insert). Text is made storable as CleanText makes it
    (review.store.storable)."""
    rows, cursors, now = chunk.rows, chunk.cursors, chunk.now
    if connection.dialect.name == "postgresql":
        raw = cast(Any, connection.connection.driver_connection)
        with raw.cursor() as cursor:
            columns = f"{_OUTBOX}, {', '.join(_SAME)}, next_attempt_at, created_at"
            with cursor.copy(f"COPY outbox ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(_COPY_TYPES)
                when = now if now.tzinfo else now.replace(tzinfo=dt.UTC)  # the clock's is UTC
                same = (*_SAME.values(), when, when)
                for row in rows:
                    copy.write_row((*map(clean_text, row), *same))
            cursor.execute(
                "INSERT INTO digest_cursors (recipient, last_notice_id) "
                "SELECT * FROM unnest(%s::text[], %s::integer[]) "
                "ON CONFLICT (recipient) DO UPDATE SET last_notice_id = excluded.last_notice_id",
                ([who for who, _ in cursors], [last for _, last in cursors]),
            )
        return
    outbox = cast(Table, OutboxMessage.__table__)
    # the timestamp as digests have always been stored on SQLite, formatted once a chunk: the
    # type's bind_processor is None here, so sqlite3's default adapter wrote the datetime, as
    # its isoformat with a space, for both columns of every row
    stamp = outbox.c.created_at.type.bind_processor(connection.dialect)
    written: Any = stamp(now) if stamp else now.isoformat(" ")
    connection.exec_driver_sql(
        f"INSERT INTO outbox ({_OUTBOX}, {', '.join(_SAME)}, next_attempt_at, created_at) "
        f"VALUES (?, ?, ?, ?, ?, {', '.join('?' * len(_SAME))}, ?, ?)",
        [(*map(clean_text, row), *_SAME.values(), written, written) for row in rows],
    )
    connection.exec_driver_sql(
        "INSERT INTO digest_cursors (recipient, last_notice_id) VALUES (?, ?) "
        "ON CONFLICT (recipient) DO UPDATE SET last_notice_id = excluded.last_notice_id",
        cursors,
    )
