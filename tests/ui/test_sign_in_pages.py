"""The sign-in page and the admins' sign-in controls, as a person sees them: a pause after
repeated failures with its message, the admin's unlock and identity-link buttons, the reason a
session ended, and how to create the first admin on an empty database."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from review.errors import SignInPaused
from review.services import accounts, sessions
from review.services.context import Services
from review.store.database import Database
from review.store.models import AuditEvent
from review.ui import runtime

from .conftest import APP, FAST, PASSWORD, open_app
from .test_admin_pages import demo_services, page

pytestmark = pytest.mark.usefixtures("app_env")


def sign_in_form(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input(key="sign-in-username").input(user)
    at.text_input(key="sign-in-password").input(password)
    return at.button[0].click().run()


def pause(app_env: Path, user: str) -> None:
    svc = demo_services(app_env)
    for n in range(4):
        accounts.authenticate(svc, user, f"wrong {n}")
    with pytest.raises(SignInPaused):
        accounts.authenticate(svc, user, "wrong 5")
    svc.db.engine.dispose()


def test_the_sign_in_page_shows_the_pause(app_env: Path) -> None:
    at = open_app()
    for n in range(4):
        sign_in_form(at, "paul", f"not it {n}")
        assert "do not match" in at.error[0].value
    sign_in_form(at, "paul", "not it 5")
    assert not at.exception
    assert at.error[0].value.startswith("Too many failed sign-ins for this account")
    sign_in_form(at, "paul", PASSWORD)
    assert at.error[0].value.startswith("Too many failed sign-ins for this account")
    assert runtime.SESSION_ID not in at.session_state


def test_an_admin_unlocks_on_the_users_page(app_env: Path) -> None:
    pause(app_env, "olga")
    at = open_app("admin", page=page("admin_users.py"))
    at.selectbox(key="users-selected").set_value("olga").run()
    assert "sign-in paused until" in " ".join(m.value for m in at.markdown)
    at.button(key="users-unlock-submit").click().run()
    assert not at.exception
    assert "Sign-in for olga unlocked" in at.success[0].value
    svc = demo_services(app_env)
    assert accounts.authenticate(svc, "olga", PASSWORD) is not None
    with svc.transaction() as tx:
        unlock = tx.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "signin.unlock")
        ).all()[-1]
    assert (unlock.actor, unlock.entity_id) == ("admin", "olga")
    svc.db.engine.dispose()


def test_an_admin_allows_an_identity_link(app_env: Path) -> None:
    at = open_app("admin", page=page("admin_users.py"))
    at.selectbox(key="users-selected").set_value("aiden").run()
    at.button(key="users-link-submit").click().run()
    assert not at.exception
    assert "next City sign-in as aiden will be linked" in at.success[0].value
    svc = demo_services(app_env)
    (view,) = [u for u in accounts.list_users(svc, "admin") if u.username == "aiden"]
    assert view.identity_link_allowed
    svc.db.engine.dispose()


def test_a_signed_out_session_signs_the_page_out(app_env: Path) -> None:
    at = open_app("tess")
    assert "Signed in as" in " ".join(m.value for m in at.sidebar.markdown)
    svc = demo_services(app_env)
    sessions.end(svc, int(at.session_state[runtime.SESSION_ID]))
    svc.db.engine.dispose()
    at.run()
    assert not at.exception
    assert at.button[0].label == "Sign in"  # the page's state alone signs no one in
    assert runtime.SESSION_ID not in at.session_state


def test_a_password_change_elsewhere_says_why(app_env: Path) -> None:
    at = open_app("alex")
    svc = demo_services(app_env)
    accounts.set_password(svc, "admin", "alex", "a fresh passphrase 7")
    svc.db.engine.dispose()
    at.run()
    assert "Your password was changed" in at.info[0].value


def test_an_empty_database_says_how_to_create_the_first_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 'review.db'}")
    db.upgrade()
    db.engine.dispose()
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("REVIEW_DEMO", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.warning[0].value == "No accounts exist yet."
    assert "review users add NAME" in at.code[0].value
    printed = capsys.readouterr().err  # the start-up's message, for the operator's console
    assert "No accounts exist yet and demonstration data was not asked for" in printed
    assert "review users add NAME --name 'Full Name' --email name@city.gov" in printed
    assert (
        accounts.user_count(
            Services(Database.connect(f"sqlite:///{tmp_path / 'review.db'}"), hasher=FAST)
        )
        == 0
    )
