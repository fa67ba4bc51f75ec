"""Digests record delivery as a per-person cursor (issue 13): what a cursor must never do is
skip a notice or send one twice, whatever happens while or between digests are composed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, select, text

from review.notify import digest, digest_io
from review.services import preferences
from review.services.context import Services
from review.store.database import Database
from review.store.models import DigestCursor, Notice, OutboxMessage

from .conftest import BACKENDS, _admin_sql, _with_database
from .inventory_support import outbox

WEDNESDAY = dt.date(2027, 5, 12)
DANA, SAM = "dana@city.example.gov", "sam@city.example.gov"


def tell(services: Services, who: str, title: str, on: dt.date, *, urgent: bool = False) -> int:
    with services.transaction() as tx:
        notice = Notice(
            recipient=who,
            system_id=None,
            kind="due",
            urgent=urgent,
            title=title,
            detail="d",
            citations=["GEN-9"],
            created_on=on,
        )
        tx.session.add(notice)
        tx.session.flush()
        return notice.id


def sent(services: Services, who: str) -> list[list[str]]:
    """The titles in each digest sent to ``who``, oldest first."""
    return [
        [line[2:].split(" (due")[0] for line in m.body_text.splitlines() if line.startswith("* ")]
        for m in outbox(services)
        if m.recipient == who and m.kind == "digest" and m.message_id != "<old@x>"
    ]


def cursor_of(services: Services, who: str) -> int | None:
    with services.transaction() as tx:
        return tx.session.scalar(
            select(DigestCursor.last_notice_id).where(DigestCursor.recipient == who)
        )


@pytest.mark.usefixtures("people")
def test_a_notice_written_while_composing_waits_for_the_next_digest(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    tell(services, DANA, "Before", WEDNESDAY)
    original = digest_io.chunks
    late: list[int] = []

    def chunks(*args: Any) -> Any:  # after the cut is taken, before dana's notices are read
        late.append(tell(services, DANA, "While", WEDNESDAY))
        return original(*args)

    monkeypatch.setattr(digest_io, "chunks", chunks)
    assert digest.compose(services, WEDNESDAY) == 1
    assert sent(services, DANA) == [["Before"]]
    assert cursor_of(services, DANA) == late[0] - 1
    monkeypatch.setattr(digest_io, "chunks", original)
    assert digest.compose(services, WEDNESDAY) == 1  # not skipped: in the next one
    assert sent(services, DANA) == [["Before"], ["While"]]
    assert digest.compose(services, WEDNESDAY) == 0


@pytest.mark.usefixtures("people")
def test_a_changed_choice_sends_everything_waiting(services: Services) -> None:
    preferences.set_digest(services, "sam", "weekly", "fri")
    tell(services, SAM, "Wednesday's", WEDNESDAY)
    assert digest.compose(services, WEDNESDAY) == 0  # sam waits for Friday
    thursday = WEDNESDAY + dt.timedelta(days=1)
    tell(services, SAM, "Thursday's", thursday)
    preferences.set_digest(services, "sam", "daily")
    assert digest.compose(services, thursday) == 1
    assert sent(services, SAM) == [["Wednesday's", "Thursday's"]]
    friday = thursday + dt.timedelta(days=1)
    assert digest.compose(services, friday) == 0  # nothing sent twice


@pytest.mark.usefixtures("people")
def test_a_notice_dated_later_holds_back_the_ones_after_it(services: Services) -> None:
    """A digest takes a run of notices from the cursor: a notice for a later day (a sweep run
    for days out of order) is never passed over, and those after it wait with it."""
    thursday = WEDNESDAY + dt.timedelta(days=1)
    tell(services, DANA, "First", WEDNESDAY)
    tell(services, DANA, "Tomorrow's", thursday)
    tell(services, DANA, "Third", WEDNESDAY)
    assert digest.compose(services, WEDNESDAY) == 1
    assert digest.compose(services, thursday) == 1
    assert sent(services, DANA) == [["First"], ["Tomorrow's", "Third"]]


@pytest.mark.usefixtures("people")
def test_chunks_never_split_a_person(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "CHUNK_NOTICES", 3)
    counts = {f"p{n}@city.gov": n for n in (1, 2, 5, 1, 3, 4)}
    for who, count in counts.items():
        for k in range(count):
            tell(services, who, f"{who} {k}", WEDNESDAY)
    assert digest.compose(services, WEDNESDAY) == len(counts)
    for who, count in counts.items():
        assert sent(services, who) == [[f"{who} {k}" for k in range(count)]]
    assert digest.compose(services, WEDNESDAY) == 0


@pytest.mark.usefixtures("people")
def test_a_run_that_dies_is_run_again_and_finishes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk's digests and cursors commit together: a run that dies after the first chunk
    leaves those people done and the rest untouched, and the next run sends the rest once."""
    monkeypatch.setattr(digest, "CHUNK_NOTICES", 2)
    people = [f"p{n}@city.gov" for n in range(4)]
    for who in people:
        tell(services, who, who, WEDNESDAY)
        tell(services, who, who + " again", WEDNESDAY)
    original = digest_io.write
    calls: list[int] = []

    def dies(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the process died")
        original(*args)

    monkeypatch.setattr(digest_io, "write", dies)
    with pytest.raises(RuntimeError):
        digest.compose(services, WEDNESDAY)
    assert [m.recipient for m in outbox(services)] == people[:1]
    monkeypatch.setattr(digest_io, "write", original)
    assert digest.compose(services, WEDNESDAY) == 3
    for who in people:
        assert sent(services, who) == [[who, who + " again"]]
    ids = [m.message_id for m in outbox(services)]
    assert len(set(ids)) == len(ids)


@pytest.mark.usefixtures("people")
def test_a_run_that_fails_composing_keeps_the_chunks_handed_over(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a thread writes each chunk while the next is composed: when composing
    fails, the chunks already handed over are written whole, as they are on SQLite (each in the
    transaction that read it), and the next run sends the rest once."""
    monkeypatch.setattr(digest, "CHUNK_NOTICES", 1)
    people = [f"p{n}@city.gov" for n in range(4)]
    for who in people:
        tell(services, who, who, WEDNESDAY)
    original = digest._compose_chunk
    calls: list[int] = []

    def fails(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("composing failed")
        return original(*args)

    monkeypatch.setattr(digest, "_compose_chunk", fails)
    with pytest.raises(RuntimeError, match="composing failed"):
        digest.compose(services, WEDNESDAY)
    assert sorted(m.recipient for m in outbox(services)) == people[:2]
    monkeypatch.setattr(digest, "_compose_chunk", original)
    assert digest.compose(services, WEDNESDAY) == 2
    for who in people:
        assert sent(services, who) == [[who]]


@pytest.mark.usefixtures("people")
def test_what_waits_is_read_from_each_cursor_on(services: Services) -> None:
    """Composing counts and reads each person's notices from their cursor on (along the
    recipient's index, never their history); a person without a cursor has all theirs."""
    for k in range(5):
        tell(services, DANA, f"old {k}", WEDNESDAY)
    assert digest.compose(services, WEDNESDAY) == 1
    thursday = WEDNESDAY + dt.timedelta(days=1)
    new = tell(services, DANA, "new", thursday)
    tell(services, SAM, "first", thursday)
    dana = cursor_of(services, DANA)
    assert dana is not None
    with services.transaction() as tx:
        connection = tx.session.connection()
        waiting = digest_io.waiting(connection, new + 1)
        read = digest_io.read_chunk(connection, [(DANA, dana)], new + 1, thursday)
    assert waiting == [(DANA, dana, 1), (SAM, 0, 1)]
    assert [row[1] for row in read.notices] == [new]
    assert digest.compose(services, thursday) == 2
    assert sent(services, DANA) == [[f"old {k}" for k in range(5)], ["new"]]


# --- migration 0011: the cursors backfilled from the notices marked delivered ---------------


@pytest.fixture(params=BACKENDS)
def at_0010(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database.connect(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        name = f"review_old_{tmp_path.name[-10:].replace('-', '_')}"
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin_sql(f'CREATE DATABASE "{name}"')
        db = Database.connect(_with_database(name))
    command.upgrade(db._alembic_config(), "0010")
    yield db
    db.engine.dispose()
    if request.param != "sqlite":
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migration_backfills_the_cursors(at_0010: Database) -> None:
    db = at_0010
    now = dt.datetime(2027, 5, 12, 6, tzinfo=dt.UTC)
    with db.engine.begin() as connection:
        digest_id = connection.execute(
            insert(OutboxMessage).returning(OutboxMessage.id),
            {
                "message_id": "<old@x>",
                "channel": "email",
                "recipient": DANA,
                "subject": "s",
                "body_text": "b",
                "kind": "digest",
                "status": "sent",
                "attempts": 1,
                "next_attempt_at": now,
                "created_at": now,
            },
        ).scalar_one()
        rows = [  # (recipient, title, day, delivered)
            (DANA, "delivered", WEDNESDAY, True),
            (DANA, "stranded", WEDNESDAY + dt.timedelta(days=1), False),
            (DANA, "delivered too", WEDNESDAY, True),
            (DANA, "pending", WEDNESDAY, False),
            (SAM, "never digested", WEDNESDAY, False),
        ]
        for who, title, day, delivered in rows:
            connection.execute(
                text(
                    "INSERT INTO notices (recipient, kind, urgent, title, detail, citations, "
                    "created_on, digest_id) VALUES (:who, 'due', false, :title, 'd', "
                    """'["GEN-9"]', :day, :digest)"""
                ),
                {
                    "who": who,
                    "title": title,
                    "day": day,
                    "digest": digest_id if delivered else None,
                },
            )
    db.upgrade()
    assert "digest_id" not in {c["name"] for c in _columns(db, "notices")}
    services = Services(db)
    assert cursor_of(services, DANA) == 3 and cursor_of(services, SAM) is None
    with db.engine.connect() as connection:
        titles: dict[str, int] = {
            title: nid for title, nid in connection.execute(text("SELECT title, id FROM notices"))
        }
    assert titles["stranded"] > 3 and len(titles) == 5  # written again after the cursor
    thursday = WEDNESDAY + dt.timedelta(days=1)
    assert digest.compose(services, thursday) == 2
    assert sent(services, DANA) == [["pending", "stranded"]]  # nothing again, nothing lost
    assert sent(services, SAM) == [["never digested"]]
    command.downgrade(db._alembic_config(), "0010")
    with db.engine.connect() as connection:
        pending = connection.execute(
            text("SELECT title FROM notices WHERE digest_id IS NULL ORDER BY id")
        ).scalars()
        assert list(pending) == []  # every notice is in a digest, as it was delivered
    db.upgrade()  # and back again
    assert cursor_of(services, DANA) == max(titles.values())


def _columns(db: Database, table: str) -> list[dict[str, Any]]:
    from sqlalchemy import inspect

    return [dict(column) for column in inspect(db.engine).get_columns(table)]
