"""Passwords: at least 12 characters and not one attackers try first (the breached-password
list zxcvbn ships, and its estimate); the cases are data in tests/data/attacks/passwords.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from review.errors import Refused
from review.services import accounts, passwords
from review.services.context import Services

CASES: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "data" / "attacks" / "passwords.yaml").read_text()
)
KNOWN = ("dana", "Dana Reyes", "dana.reyes@city.example.gov")


@pytest.mark.parametrize("case", CASES["refused"], ids=[c["password"] for c in CASES["refused"]])
def test_weak_passwords_are_refused_with_the_reason(case: dict[str, str]) -> None:
    with pytest.raises(Refused) as refused:
        passwords.check(case["password"], known=KNOWN)
    assert case["why"] in str(refused.value)


@pytest.mark.parametrize("password", CASES["accepted"])
def test_strong_passwords_pass(password: str) -> None:
    passwords.check(password, known=KNOWN)


def test_a_megabyte_password_is_refused_quickly() -> None:
    with pytest.raises(Refused, match="at most 1024 characters"):
        passwords.check("x" * 1_000_000)


@pytest.mark.usefixtures("people")
def test_accounts_refuse_weak_passwords_and_keep_the_old_one(services: Services) -> None:
    with pytest.raises(Refused, match="at least 12 characters"):
        accounts.create_user(
            services, "admin", username="quinn", display_name="Q", email="q@x", password="short"
        )
    assert "quinn" not in {u.username for u in accounts.list_users(services, "admin")}
    with pytest.raises(Refused, match="data breaches"):
        accounts.set_password(services, "dana", "dana", "password1234")
    # the refused change left the old password in place
    assert accounts.authenticate(services, "dana", "correct horse battery") is not None
