"""PostgreSQL's planner gets statistics after a migration and after a bulk import (issue 16:
the reviewer queue's p95 was 41-83 ms right after a bulk load and 0.2 ms after ANALYZE)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from review.services import inventory_import
from review.services.context import Services
from review.store.database import Database

from .conftest import PG_URL, _admin_sql, _with_database

DATA = Path(__file__).resolve().parent.parent / "data" / "inventory"


def reltuples(db: Database, table: str) -> float:
    with db.engine.connect() as connection:
        return float(
            connection.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = :t AND relkind = 'r'"),
                {"t": table},
            ).scalar_one()
        )


@pytest.mark.usefixtures("people")
def test_a_bulk_import_refreshes_the_statistics(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed: list[int] = []
    real = Database.analyze

    def spy(self: Database) -> None:
        analysed.append(1)
        real(self)

    monkeypatch.setattr(Database, "analyze", spy)
    report = inventory_import.import_file(services, "admin", DATA / "city-inventory.csv")
    assert report.imported == ["S-1", "S-2", "S-3"] and analysed == [1]
    if not services.db.is_sqlite:
        assert reltuples(services.db, "systems") == 3  # the planner knows the new rows


@pytest.mark.skipif(PG_URL is None, reason="needs REVIEW_TEST_DATABASE_URL (PostgreSQL)")
def test_migrating_a_postgresql_database_analyses_its_tables() -> None:
    name = f"review_an_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    db = Database.connect(_with_database(name))
    try:
        db.upgrade()
        assert reltuples(db, "systems") == 0  # -1 would mean never analysed
    finally:
        db.engine.dispose()
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
