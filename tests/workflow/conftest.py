"""Databases for workflow tests: SQLite always; PostgreSQL when REVIEW_TEST_DATABASE_URL is set.

Each test gets an empty, migrated database: a fresh SQLite file, or a fresh PostgreSQL database
(created, migrated, and dropped afterwards), so tests never see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from review.services.context import Services
from review.services.roles import Role
from review.store.database import Database
from review.store.models import RoleGrant, User

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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per run; each test gets a copy (migrating costs ~0.1 s)."""
    path = tmp_path_factory.mktemp("template") / "review.db"
    db = Database.connect(f"sqlite:///{path}")
    db.upgrade()
    db.engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name("review.db-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """One migrated PostgreSQL database per run, cloned per test with CREATE DATABASE ...
    TEMPLATE (a file copy, much faster than migrating a fresh schema)."""
    if PG_URL is None:
        yield None
        return
    name = f"review_tpl_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    db = Database.connect(_with_database(name))
    db.upgrade()
    db.engine.dispose()
    yield name
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_database(name: str) -> str:
    assert PG_URL is not None
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _admin_sql(statement: str) -> None:
    engine = create_engine(PG_URL or "", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    pg_template: str | None,
) -> Iterator[Database]:
    if request.param == "sqlite":
        target = tmp_path / "review.db"
        shutil.copyfile(sqlite_template, target)
        db = Database.connect(f"sqlite:///{target}")
        yield db
        db.engine.dispose()
        return
    name = f"review_t_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    db = Database.connect(_with_database(name))
    yield db
    db.engine.dispose()
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    """Every role. Created in one transaction with the same rows and audit events that
    accounts.create_user and accounts.grant write (those are tested on their own), because
    41 separate transactions per test made the suite several times slower."""
    secret = FAST_HASHER.hash(PASSWORD)
    with services.transaction() as tx:
        for username, (department, grants) in USERS.items():
            user = User(
                username=username,
                display_name=username.title(),
                email=f"{username}@city.example.gov",
                department=department,
                password_hash=secret,
                roles=[RoleGrant(role=role.value, domain=domain) for role, domain in grants],
            )
            tx.session.add(user)
            tx.audit("user.create", "user", username, department=department, email=user.email)
            for role, domain in grants:
                tx.audit("role.grant", "user", username, role=role.value, domain=domain)
    return {u: PASSWORD for u in USERS}


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def review(
    services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Any:
    """``review ARGS...`` through the real entry point, in process, on this test's database
    (the fast password hasher): returns the exit code and what it printed."""
    from review.cli import common as cli_common
    from review.cli.main import main

    monkeypatch.setenv("REVIEW_DATABASE_URL", services.db.engine.url.render_as_string(False))
    monkeypatch.delenv("REVIEW_USER", raising=False)
    monkeypatch.setattr(cli_common, "make_services", lambda db: Services(db, hasher=FAST_HASHER))

    def run(*args: str) -> CliResult:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
