"""Where the database is, how to connect, and whether it is migrated.

SQLite (WAL mode, a file under the data directory) is the embedded default; PostgreSQL is
used when ``REVIEW_DATABASE_URL`` names it. Write transactions on SQLite begin IMMEDIATE, so
two writers queue at the start instead of failing half-way (the audit chain and optimistic
locks rely on writers being serialised); PostgreSQL serialises the audit chain with an
advisory lock (see :mod:`review.services.audit`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import DatabaseNotReady
from ..settings import settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def data_dir() -> Path:
    return settings().data_dir


def database_url() -> str:
    """``REVIEW_DATABASE_URL``, else a SQLite file in the data directory."""
    url = settings().database_url
    if url:
        return url
    return f"sqlite:///{(data_dir() / 'review.db').resolve()}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _json_text(value: Any) -> str:
    """JSON columns' text, written by orjson: findings and records are most of what a
    re-evaluation stores, and the standard library took several times as long. What orjson
    will not write (an integer beyond 64 bits, a lone surrogate the store refuses later with
    its own message) is written as before."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


# every ASCII digit as "0" (other bytes, UTF-8's multi-byte sequences included, unchanged), so
# a run of 19 digits is a plain substring search: a regular expression took several times as
# long as orjson's whole parse of a stored record
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else b for b in range(256))
_LONG_NUMBER = b"0" * 19


def _long_number(text: str | bytes) -> bool:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return _LONG_NUMBER in data.translate(_DIGITS_AS_ZERO)


def json_value(text: str | bytes) -> Any:
    """A JSON column's value, read by orjson; what it would refuse (``NaN``) or read inexactly
    (an integer of 19 or more digits, which it reads as a float) is read as before."""
    if not _long_number(text):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    parsed = make_url(url)
    json_options: dict[str, Any] = {
        "json_serializer": _json_text,
        "json_deserializer": json_value,
    }
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15}, **json_options)
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **json_options)


@dataclass
class Database:
    """An engine and its session factory; one per process (and per test)."""

    engine: Engine
    _sessions: sessionmaker[Session] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def connect(cls, url: str | None = None) -> Database:
        return cls(make_engine(url))

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def sessions(self) -> sessionmaker[Session]:
        """The session factory, made once: each factory is a new Session class, whose event
        listeners SQLAlchemy joins again for its first session (about 0.5 ms a transaction)."""
        return self._sessions

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions()() as session, session.begin():
            yield session

    # --- migrations -------------------------------------------------------------------

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["engine"] = self.engine
        return config

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(self._alembic_config()).get_current_head()
        assert head is not None
        return head

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except OperationalError as exc:
            raise DatabaseNotReady(f"cannot open the database at {self.url}: {exc.orig}") from None

    def upgrade(self) -> tuple[str | None, str]:
        """Apply every migration; returns (revision before, revision after)."""
        from alembic import command

        before = self.current_revision()
        command.upgrade(self._alembic_config(), "head")
        self.analyze()
        return before, self.head_revision()

    def analyze(self) -> None:
        """Refresh PostgreSQL's planner statistics of the application's tables.

        Right after a migration or a bulk load the planner has none: the reviewer queue took
        41-83 ms at its p95 before ANALYZE and 0.2 ms after (docs/performance.md). Only our
        own tables (other schemas of the same database are not ours to scan). SQLite plans
        well without statistics and is left alone."""
        if self.is_sqlite:
            return
        from sqlalchemy import text

        from .models import Base

        preparer = self.engine.dialect.identifier_preparer
        with self.engine.begin() as connection:
            present = set(inspect(connection).get_table_names())
            for table in Base.metadata.sorted_tables:
                if table.name in present:
                    connection.execute(text(f"ANALYZE {preparer.quote(table.name)}"))

    def require_migrated(self, *, migrate: bool = False) -> None:
        """Refuse to run on an unmigrated database, or migrate it when told to."""
        current = self.current_revision()
        head = self.head_revision()
        if current == head:
            return
        if migrate:
            self.upgrade()
            return
        where = "has no tables" if current is None else f"is at revision {current}"
        raise DatabaseNotReady(
            f"the database at {self.url} {where}; the application needs revision {head}. "
            "Run `review db upgrade` (or start with REVIEW_AUTO_MIGRATE=1)."
        )

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())
