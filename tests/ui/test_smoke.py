from __future__ import annotations

from pathlib import Path

from .conftest import PASSWORD, open_app


def test_sign_in_page_then_dashboard(app_env: Path) -> None:
    at = open_app()
    assert not at.exception
    at.text_input(key="sign-in-username").input("dana")
    at.text_input(key="sign-in-password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["signed_in_user"] == "dana"


def test_wrong_password(app_env: Path) -> None:
    at = open_app()
    at.text_input(key="sign-in-username").input("dana")
    at.text_input(key="sign-in-password").input("wrong password")
    at.button[0].click().run()
    assert not at.exception
    assert "do not match" in at.error[0].value
