"""review backup: a consistent copy of the live SQLite database; refused elsewhere."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from review.errors import ConfigurationError, FileProblem
from review.services import audit, backup, reviews
from review.services.context import Services
from review.store.database import Database

from .support import row_counts, submitted

pytestmark = pytest.mark.usefixtures("people")


def sqlite_counts(path: Path, tables: list[str]) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return {t: connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def test_backup_copies_the_live_database_consistently(
    services: Services, database: Database, tmp_path: Path
) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite only; PostgreSQL refusal is tested below")
    view = submitted(services)
    committed = row_counts(database)
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()  # a missing folder is refused (tests/hostile/test_intake_input.py)
    # a writer is in the middle of a transaction while the copy is taken
    with database.engine.connect() as writer:
        writer.execute(
            text(
                "INSERT INTO comments (proposal_id, author_id, kind, body, version_number, "
                "created_at) VALUES (:p, 1, 'comment', 'uncommitted', 1, '2026-11-27')"
            ),
            {"p": view.id},
        )
        assert backup.backup(services, target) == target.resolve()
        writer.rollback()
    assert sqlite_counts(target, list(committed)) == committed
    assert committed["proposals"] == 1 and committed["audit_events"] > 0
    copy = Database.connect(f"sqlite:///{target}")
    try:
        copy.require_migrated()
        with copy.session() as session:
            assert audit.verify(session).ok
    finally:
        copy.engine.dispose()
    # the live database carries on
    reviews.comment(services, "sam", view.id, "After the backup.")
    assert row_counts(database)["comments"] == committed["comments"] + 1


def test_backup_refuses_an_existing_target(
    services: Services, database: Database, tmp_path: Path
) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    target = tmp_path / "copy.db"
    target.write_bytes(b"precious")
    with pytest.raises(FileProblem, match="already exists; choose a new file"):
        backup.backup(services, target)
    assert target.read_bytes() == b"precious"


def test_backup_refuses_postgresql(services: Services, database: Database, tmp_path: Path) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL only")
    with pytest.raises(ConfigurationError, match="for PostgreSQL use pg_dump"):
        backup.backup(services, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_backup_refuses_an_in_memory_database(tmp_path: Path) -> None:
    db = Database.connect("sqlite://")
    try:
        with pytest.raises(ConfigurationError, match="in-memory database cannot be backed up"):
            backup.backup(Services(db), tmp_path / "copy.db")
    finally:
        db.engine.dispose()


def test_the_copy_is_readable_by_its_owner_only(
    services: Services, database: Database, tmp_path: Path
) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    submitted(services)
    target = tmp_path / "copy.db"
    previous = os.umask(0)  # the most permissive umask: the copy is still 0600
    try:
        backup.backup(services, target)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("copy.db-*"))  # no journal left beside it


def test_the_documented_restore_gives_a_working_verified_database(
    services: Services, database: Database, tmp_path: Path
) -> None:
    """docs/deploy.md's SQLite restore: the copy put in place of review.db, then checked."""
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    view = submitted(services)
    copy = backup.backup(services, tmp_path / "review-2026-11-27.db")
    restored = tmp_path / "restored" / "review.db"
    restored.parent.mkdir()
    shutil.copy2(copy, restored)  # step 2: cp BACKUP data/review.db (the app is stopped)
    db = Database.connect(f"sqlite:///{restored}")
    try:
        db.require_migrated()  # step 3: review db current
        with db.session() as session:
            assert audit.verify(session).ok  # step 4: review audit verify (same audit key)
        assert reviews.comment(Services(db), "sam", view.id, "After the restore.").id == view.id
    finally:
        db.engine.dispose()
