"""A fresh database is reported as not migrated; upgrade (or require_migrated(migrate=True))
brings it to the head revision."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from review.errors import DatabaseNotReady
from review.store.database import Database
from review.store.models import Base

from .conftest import BACKENDS, _admin_sql, _with_database

TABLES = {"alembic_version"} | set(Base.metadata.tables)


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database: never migrated."""
    if request.param == "sqlite":
        db = Database.connect(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield db
        db.engine.dispose()
        return
    name = f"review_fresh_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    db = Database.connect(_with_database(name))
    yield db
    db.engine.dispose()
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_fresh_database_is_not_migrated(fresh: Database) -> None:
    assert fresh.current_revision() is None
    with pytest.raises(DatabaseNotReady) as caught:
        fresh.require_migrated()
    message = str(caught.value)
    assert "has no tables" in message
    assert f"the application needs revision {fresh.head_revision()}" in message
    assert "review db upgrade" in message and "REVIEW_AUTO_MIGRATE=1" in message
    assert fresh.table_names() == []


def test_upgrade_brings_it_to_head(fresh: Database) -> None:
    before, after = fresh.upgrade()
    assert (before, after) == (None, fresh.head_revision())
    assert fresh.current_revision() == fresh.head_revision()
    assert set(fresh.table_names()) >= TABLES
    fresh.require_migrated()  # no error
    assert fresh.upgrade() == (fresh.head_revision(), fresh.head_revision())  # idempotent


def test_require_migrated_can_migrate(fresh: Database) -> None:
    fresh.require_migrated(migrate=True)
    assert fresh.current_revision() == fresh.head_revision()
    assert set(fresh.table_names()) >= TABLES


def test_unreachable_database_is_reported_clearly() -> None:
    db = Database.connect("postgresql+psycopg://nobody@127.0.0.1:9/none")
    try:
        with pytest.raises(DatabaseNotReady, match="cannot open the database at postgresql"):
            db.require_migrated()
    finally:
        db.engine.dispose()
