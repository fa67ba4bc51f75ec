"""Stored text on the inventory and account pages is shown as text (issue 12): a system's
title, department, owner and vendor (an inventory import takes them from a spreadsheet), a
record version's note, a person's name and department (typed by an admin) never reach
Streamlit's markdown unescaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from review.store.database import Database
from review.store.models import System, SystemRecord, User

from .conftest import ROOT, open_app

HOSTILE: list[str] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "hostile" / "markdown.yaml").read_text()
)
PAGES = ROOT / "review" / "ui" / "pages"


@pytest.fixture(scope="module")
def hostile_dir(demo_dir: Path) -> Path:
    """The demo database with hostile text in one system's and one person's fields."""
    db = Database.connect(f"sqlite:///{demo_dir / 'review.db'}")
    with db.session() as session:
        system = session.scalars(select(System).order_by(System.id)).first()
        assert system is not None, "the demo has an approved system"
        system.title, system.department, system.owner_name = HOSTILE[0], HOSTILE[1], HOSTILE[2]
        system.vendor, system.product = HOSTILE[3], HOSTILE[5]
        version = session.scalars(
            select(SystemRecord).where(SystemRecord.system_id == system.id)
        ).first()
        assert version is not None  # versions are append-only: a later one carries the note
        session.add(
            SystemRecord(
                system_id=system.id,
                number=version.number + 1,
                source=version.source,
                proposal_id=version.proposal_id,
                record=version.record,
                record_hash=version.record_hash,
                note=HOSTILE[6],
                created_by=version.created_by,
            )
        )
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        admin.display_name, admin.department = HOSTILE[6], HOSTILE[4]
    db.engine.dispose()
    return demo_dir


@pytest.fixture
def env(hostile_dir: Path, app_env: Path) -> Path:
    return app_env


def shown(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    parts = [*at.markdown, *at.caption, *at.header, *at.subheader, *at.info, *at.warning]
    return "\n".join(str(p.value) for p in parts)


def assert_escaped(page: str, texts: list[str]) -> None:
    for text in texts:
        raw = [m for m in re.finditer(re.escape(text), page) if page[m.start() - 1] != "\\"]
        assert not raw, f"{text!r} reached markdown unescaped"
    assert "](http://evil" not in page and "](data:" not in page


def test_a_systems_stored_text_is_shown_as_text(env: Path) -> None:
    at = open_app("admin", page=str(PAGES / "inventory.py"))
    system = at.selectbox(key="inv-open").value
    at.query_params["system"] = system
    page = shown(at.run())
    assert "Business owner" in page  # the system is open
    assert_escaped(page, [HOSTILE[i] for i in (0, 1, 2, 3, 5, 6)])
    assert "evil.example/x.png" in page  # shown, as characters


def test_a_persons_name_and_department_are_shown_as_text(env: Path) -> None:
    at = open_app("admin", page=str(PAGES / "admin_users.py"))
    at.selectbox(key="users-selected").set_value("admin")
    page = shown(at.run())
    assert "holds " in page  # the account is open
    assert_escaped(page, [HOSTILE[6], HOSTILE[4]])
