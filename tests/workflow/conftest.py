"""Databases for workflow tests: SQLite always; PostgreSQL when REVIEW_TEST_DATABASE_URL is set.

Each test gets an empty, migrated database: a fresh SQLite file, or a fresh PostgreSQL schema
(created, migrated, and dropped afterwards), so tests never see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, text

from review.services import accounts
from review.services.context import Services
from review.services.roles import Role
from review.store.database import Database

PG_URL = os.environ.get("REVIEW_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery"


@dataclass
class Clock:
    """A settable clock so waiver expiry and ages can be tested without waiting."""

    now: dt.datetime = field(
        default_factory=lambda: dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
    )

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: Any) -> None:
        self.now = self.now + dt.timedelta(**delta)


def _postgres(schema: str) -> Database:
    assert PG_URL is not None
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = create_engine(PG_URL, pool_size=10, max_overflow=10)

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    return Database(engine)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database.connect(f"sqlite:///{tmp_path / 'review.db'}")
        db.upgrade()
        yield db
        db.engine.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    db = _postgres(schema)
    db.upgrade()
    yield db
    db.engine.dispose()
    assert PG_URL is not None
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


# argon2 is deliberately slow; the tests use the cheapest parameters it accepts.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def services(database: Database, clock: Clock) -> Services:
    return Services(database, clock=clock, hasher=FAST_HASHER)


USERS: dict[str, tuple[str | None, list[tuple[Role, str]]]] = {
    "admin": ("Digital Service", [(Role.ADMIN, "")]),
    "dana": ("Library", [(Role.REQUESTER, "")]),
    "lee": ("Library", [(Role.REQUESTER, "")]),
    "pat": ("Police", [(Role.REQUESTER, "")]),
    "tess": ("Digital Service", [(Role.REVIEWER, "technology")]),
    "sam": ("Digital Service", [(Role.REVIEWER, "security")]),
    "sue": ("Digital Service", [(Role.REVIEWER, "security")]),
    "alex": ("Digital Service", [(Role.REVIEWER, "accessibility")]),
    "priya": ("City Attorney", [(Role.REVIEWER, "privacy")]),
    "olga": ("Digital Service", [(Role.REVIEWER, "open_source")]),
    "aiden": ("Digital Service", [(Role.REVIEWER, "ai")]),
    "paul": ("Finance", [(Role.REVIEWER, "procurement")]),
    "iso": ("Digital Service", [(Role.WAIVER_AUTHORITY, "security")]),
    "ada": ("City Manager", [(Role.WAIVER_AUTHORITY, "accessibility")]),
    "counsel": ("City Attorney", [(Role.WAIVER_AUTHORITY, "privacy")]),
    "director": (
        "Digital Service",
        [(Role.WAIVER_AUTHORITY, d) for d in ("general", "data", "technology", "procurement")],
    ),
    "cara": ("City Manager", [(Role.APPROVER, "")]),
    # a reviewer who also approves: separation of duties applies to them
    "rita": ("Digital Service", [(Role.REVIEWER, "technology"), (Role.APPROVER, "")]),
    # a requester who also reviews security: may not sign off their own request
    "lib-sec": ("Library", [(Role.REQUESTER, ""), (Role.REVIEWER, "security")]),
}


@pytest.fixture
def people(services: Services) -> dict[str, str]:
    """Every role, created through the service layer (bootstrap path, then grants)."""
    for username, (department, grants) in USERS.items():
        accounts.create_user(
            services,
            None,
            username=username,
            display_name=username.title(),
            email=f"{username}@city.example.gov",
            department=department,
            password=PASSWORD,
        )
        for role, domain in grants:
            accounts.grant(services, None, username, role, domain)
    return {u: PASSWORD for u in USERS}
