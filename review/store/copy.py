"""Many rows into one PostgreSQL table with ``COPY ... FROM STDIN``.

A re-evaluation batch stores 200 evaluations of about 6.5 kB of findings each. Inserted by the
driver's executemany, each row was a statement of its own for the server (bound, planned,
executed) and each value went through psycopg's adaptation in Python; COPY sends the rows as
one stream of text, which the server parses as it would have parsed the parameters
(docs/performance.md). Every value is first made what the insert would have sent: each
column type's own bind processing (free text's NUL shown as its symbol), JSON written by the
engine's serialiser.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


def _processor(dialect: Dialect, column: Any) -> Any:
    """What the insert does to a column's value before the driver sees it, as text for COPY
    where the driver would otherwise wrap it (JSON)."""
    impl = column.type.dialect_impl(dialect)
    if isinstance(impl, JSON):
        engines: Callable[[Any], str] | None = getattr(dialect, "_json_serializer", None)
        serialise = engines or json.dumps  # the engine's serialiser, as the insert used it
        return lambda value: None if value is None else serialise(value)
    return impl.bind_processor(dialect)


def copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> bool:
    """COPY the rows into the table in the session's transaction; False (nothing written)
    when not on PostgreSQL or the rows do not all name the same columns, every one but
    perhaps the serial id (which the server numbers in the rows' order, as the insert's
    omitted id): a default the insert would fill in Python is left to the caller's insert."""
    if not rows or session.get_bind().dialect.name != "postgresql":
        return False
    names = [column.key for column in table.c if column.key in rows[0]]
    omitted = {column.key for column in table.c} - set(names)
    serial = table.autoincrement_column
    if omitted - ({serial.key} if serial is not None else set()) or len(names) < len(rows[0]):
        return False
    if any(row.keys() != rows[0].keys() for row in rows):
        return False
    connection = session.connection().connection.driver_connection
    if connection is None:  # not a live connection: let the caller insert
        return False
    dialect = session.get_bind().dialect
    processors = [_processor(dialect, table.c[name]) for name in names]
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    value if process is None else process(value)
                    for process, value in zip(processors, (row[n] for n in names), strict=True)
                ]
            )
    return True
