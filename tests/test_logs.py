"""The log: configured once per entry point, and never a person's name, e-mail or username.

Refusals, failed sign-ins and sweeps are logged by kind; the person's details stay in the
audit log, whose readers the access rules govern.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from review import logs
from review.cli import common
from review.cli.main import main
from review.services.context import Services
from review.ui import runtime

PASSWORD = "correct horse battery"
PERSON = {"username": "robertus", "name": "Robertina Quillfeather", "email": "rq.private@city.gov"}
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
Review = Callable[..., tuple[int, str, str]]


@pytest.fixture
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Review:
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REVIEW_AUTO_MIGRATE", "1")
    monkeypatch.setenv("REVIEW_LOG_LEVEL", "INFO")
    for name in ("REVIEW_DATABASE_URL", "REVIEW_USER", "REVIEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(common, "make_services", lambda db: Services(db, hasher=CHEAP))

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    add = ["users", "add", "admin", "--name", "Avery", "--email", "a@city.gov"]
    assert run(*add, "--password", PASSWORD)[0] == 0
    return run


def log_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if " review: " in line and "INFO" in line]


def add_person(review: Review) -> tuple[int, str, str]:
    return review(
        "users", "add", PERSON["username"], "--name", PERSON["name"], "--email", PERSON["email"],
        "--department", "Library", "--password", PASSWORD, "--as", "admin",
    )  # fmt: skip


def test_a_refusal_is_logged_by_kind_without_the_person(review: Review) -> None:
    assert add_person(review)[0] == 0
    code, _, err = add_person(review)  # the username is taken
    assert code == 2
    shown = [line for line in err.splitlines() if line.startswith("review: ")]
    assert shown == [f"review: username {PERSON['username']!r} is taken"]  # the person sees it
    logged = log_lines(err)
    assert len(logged) == 1 and logged[0].endswith("refused: Refused in review users add")
    for detail in PERSON.values():
        assert detail not in logged[0]

    code, _, err = review("users", "grant", "admin", "approver", "--as", PERSON["username"])
    assert code == 2 and f"{PERSON['username']} is not an admin" in err
    logged = log_lines(err)
    assert logged and logged[0].endswith("refused: PermissionDenied in review users grant")
    assert all(detail not in logged[0] for detail in PERSON.values())


def test_refusals_are_not_logged_on_the_terminal_by_default(
    review: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVIEW_LOG_LEVEL")
    code, _, err = review("proposal", "show", "P-9", "--as", "admin")
    assert code == 2
    assert err == "review: no proposal P-9 that you can see\n"  # one line, as before


def test_sweeps_are_logged_with_counts(review: Review) -> None:
    code, _, err = review("waivers", "expire")
    assert code == 0
    assert any(line.endswith("waiver sweep: 0 lapsed, 0 newly reported") for line in log_lines(err))
    code, _, err = review("reevaluate", "--as", "admin")
    assert code == 0
    assert any(line.endswith("re-evaluation: 0 records re-evaluated, 0 changed") for line in
               log_lines(err))  # fmt: skip


def test_a_failed_sign_in_is_logged_without_who_tried(
    review: Review, caplog: pytest.LogCaptureFixture
) -> None:
    assert add_person(review)[0] == 0
    with common.database() as db, caplog.at_level(logging.INFO, logger=logs.LOGGER):
        services = Services(db, hasher=CHEAP)
        assert runtime.sign_in(services, PERSON["username"], "wrong password!") is None
        assert runtime.sign_in(services, "nobody-at-all", "wrong password!") is None
    failed = [r for r in caplog.records if r.name == logs.LOGGER]
    assert [r.getMessage() for r in failed] == ["sign-in failed (local account)"] * 2
    assert all(r.levelno == logging.WARNING for r in failed)
    assert not any(PERSON["username"] in r.getMessage() for r in caplog.records)


def test_configured_once_however_often_an_entry_point_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REVIEW_LOG_LEVEL", raising=False)
    logger = logging.getLogger(logs.LOGGER)
    for _ in range(3):
        logs.configure(default_level="INFO")
    assert len(logger.handlers) == 1 and logger.level == logging.INFO
    monkeypatch.setenv("REVIEW_LOG_LEVEL", "ERROR")
    logs.configure(default_level="INFO")
    assert len(logger.handlers) == 1 and logger.level == logging.ERROR


def test_a_bad_log_level_is_refused_naming_the_variable(
    review: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_LOG_LEVEL", "LOUD")
    code, _, err = review("rules", "list")
    assert code == 3
    assert err.splitlines()[-1].startswith("review: bad setting: REVIEW_LOG_LEVEL: Input should be")
