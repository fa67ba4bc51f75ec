"""AppTest harness: a fresh demo database per test module, and an app signed in as anyone.

The database is seeded through the service layer with cheap password hashes (argon2
verifies with the parameters stored in each hash, so the app signs these users in as
usual). Each test gets the app's own ``Services`` pointed at that database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from review.services import demo
from review.services.context import Services
from review.store.database import Database

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PASSWORD = "demo-password-1"
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding a migrated, seeded demo database."""
    directory = tmp_path_factory.mktemp("ui-data")
    db = Database.connect(f"sqlite:///{directory / 'review.db'}")
    db.upgrade()
    with pytest.MonkeyPatch.context() as env:  # the app's data directory: its audit key
        env.setenv("REVIEW_DATA_DIR", str(directory))
        demo.seed(Services(db, hasher=FAST), password=PASSWORD)
    db.engine.dispose()
    yield directory


@pytest.fixture
def app_env(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVIEW_DATA_DIR", str(demo_dir))
    monkeypatch.delenv("REVIEW_DATABASE_URL", raising=False)
    monkeypatch.delenv("REVIEW_DEMO", raising=False)
    monkeypatch.setenv("REVIEW_AUTO_MIGRATE", "1")
    st.cache_resource.clear()  # the app's services are per process; point them here
    return demo_dir


def signed_in(at: AppTest, user: str) -> AppTest:
    """``at`` with a real session for ``user``, as the sign-in page leaves it (the session
    table is checked on every run, so naming a user in the page's state is not enough)."""
    from review.services import sessions
    from review.settings import settings
    from review.ui import runtime

    db = Database.connect(f"sqlite:///{settings().data_dir / 'review.db'}")
    try:
        started = sessions.start(Services(db, hasher=FAST), user)
    finally:
        db.engine.dispose()
    at.session_state[runtime.SESSION_ID] = started.session_id
    at.session_state[runtime.SESSION_USER] = user
    return at


def open_app(user: str | None = None, *, page: str | None = None, **query: str) -> AppTest:
    """The app as ``user`` sees it (None: signed out), optionally on another page."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        signed_in(at, user)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture
def app(app_env: Path) -> type[AppTest]:
    """Use ``open_app(...)``; this fixture only sets the environment."""
    os.environ["REVIEW_DATA_DIR"] = str(app_env)
    return AppTest
