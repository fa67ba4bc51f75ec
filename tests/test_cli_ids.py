"""Every command that takes a request id accepts ``P-7``, ``p-7`` and ``7`` alike (README
writes ``review packet build P-1``), through one parser, and refuses anything else by name.

The list of such commands is read from the ``review`` application itself, so a new command
that takes a request id fails here until it is listed (and so tested) below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import typer
from argon2 import PasswordHasher

from review.cli import common
from review.cli.main import app, main
from review.errors import InputError
from review.refs import MAX_ID, parse_proposal_id, proposal_ref, read_proposal_id
from review.services.context import Services

ROOT = Path(__file__).resolve().parent.parent
RECORD = str(ROOT / "examples" / "library-room-booking.yaml")
CONTRACT = str(ROOT / "tests" / "data" / "bases" / "contract.yaml")
LATER = (dt.date.today() + dt.timedelta(days=90)).isoformat()
ABSENT = 424242  # no such request

# command path -> its arguments, "{id}" standing for the request id
COMMANDS: dict[tuple[str, ...], list[str]] = {
    ("proposal", "save"): ["{id}", RECORD],
    ("proposal", "submit"): ["{id}"],
    ("proposal", "resubmit"): ["{id}"],
    ("proposal", "withdraw"): ["{id}", "--reason", "not needed"],
    ("proposal", "show"): ["{id}"],
    ("proposal", "history"): ["{id}"],
    ("comment",): ["{id}", "a question"],
    ("start-review",): ["{id}"],
    ("request-changes",): ["{id}", "--domain", "security", "--reason", "add MFA"],
    ("signoff",): ["{id}", "security"],
    ("waive",): ["{id}", "SEC-001", "--justification", "j", "--controls", "c", "--expires", LATER],
    ("decide",): ["{id}", "approve"],
    ("waivers", "list"): ["{id}"],
    ("waivers", "revoke"): ["{id}", "1", "--reason", "no longer needed"],
    ("condition", "add"): ["{id}", "ACC-003", "--text", "t", "--owner", "o", "--due", LATER],
    ("condition", "set"): ["{id}", "1", "met"],
    ("contract", "submit"): ["{id}", CONTRACT],
    ("audit", "log"): ["--proposal", "{id}"],
    ("packet", "build"): ["{id}", "--output", "{tmp}/p.docx"],
    ("packet", "preview"): ["{id}", "--output", "{tmp}/p.docx"],
    ("vendor", "invite"): ["{id}", "it@vendor.example"],
    ("vendor", "pending"): ["{id}"],
    ("export",): ["findings", "--proposal", "{id}"],
}
ID_PARAMETERS = {"proposal_id", "proposal"}


def commands_taking_an_id() -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if hasattr(command, "commands"):  # a group (typer bundles its own click)
            for name, sub in command.commands.items():
                walk(sub, (*path, name))
        elif any(p.name in ID_PARAMETERS for p in command.params):
            found.add(path)

    walk(typer.main.get_command(app), ())
    return found


def test_every_command_taking_a_request_id_is_listed_here() -> None:
    assert commands_taking_an_id() == set(COMMANDS)


@pytest.mark.parametrize(
    ("text", "number"),
    [("P-7", 7), ("p-7", 7), ("7", 7), (" P-12 ", 12), ("1", 1), (f"P-{MAX_ID}", MAX_ID)],
)
def test_the_parser_reads_both_forms(text: str, number: int) -> None:
    assert parse_proposal_id(text) == number
    assert parse_proposal_id(proposal_ref(number)) == number


@pytest.mark.parametrize(
    "text",
    ["", "P-", "P-x", "PP-7", "P 7", "P-7.0", "7a", "-7", "0", "P-0", "²", "P-٣", "+7",
     str(MAX_ID + 1), "9" * 5000],
)  # fmt: skip
def test_the_parser_refuses_anything_else_naming_the_value(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_proposal_id(text, "--proposal")
    message = str(refused.value)
    assert message.startswith("--proposal: expected a number")
    assert repr(text)[:40] in message


@pytest.fixture
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Any:
    """``review ARGS...`` in this process, on a fresh database with an admin and a requester."""
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REVIEW_AUTO_MIGRATE", "1")
    for name in ("REVIEW_DATABASE_URL", "REVIEW_USER", "REVIEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(common, "make_services", lambda db: Services(db, hasher=cheap))

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main([a.replace("{tmp}", str(tmp_path)) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    secret = ["--password", "correct horse battery"]
    admin = ["admin", "--name", "Avery", "--email", "a@city.gov"]
    dana = ["dana", "--name", "Dana", "--email", "d@city.gov", "--department", "Library"]
    assert run("users", "add", *admin, *secret)[0] == 0
    assert run("users", "add", *dana, *secret, "--as", "admin")[0] == 0
    assert run("users", "grant", "dana", "requester", "--as", "admin")[0] == 0
    return run


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_each_command_reads_both_forms(review: Any, path: tuple[str, ...]) -> None:
    """Both forms reach the service as the same number: its refusal names P-424242."""
    for form in (f"P-{ABSENT}", f"p-{ABSENT}", str(ABSENT)):
        args = [a.replace("{id}", form) for a in COMMANDS[path]]
        code, _, err = review(*path, *args, "--as", "admin")
        assert code == 2, err
        assert err == f"review: no proposal P-{ABSENT} that you can see\n", (path, form)

    bad = [a.replace("{id}", "P-seven") for a in COMMANDS[path]]
    code, _, err = review(*path, *bad, "--as", "admin")
    assert code == 2
    assert "expected a number like 7 or P-7, got 'P-seven'" in err, err


def test_an_existing_request_is_the_same_request_either_way(review: Any) -> None:
    code, out, err = review("proposal", "create", RECORD, "--as", "dana")
    assert code == 0, err
    assert out.startswith("created P-1 ")
    shown = {form: review("proposal", "show", form, "--as", "dana", "-f", "json") for form in
             ("P-1", "p-1", "1")}  # fmt: skip
    assert {code for code, _, _ in shown.values()} == {0}
    assert len({out for _, out, _ in shown.values()}) == 1
    assert '"ref": "P-1"' in shown["1"][1]


@pytest.mark.parametrize(
    ("value", "number"),
    [("P-7", 7), ("7", 7), (7, 7), ("²", None), ("P-x", None), (None, None), ("0", None)],
)
def test_the_workspace_link_reads_ids_with_the_same_parser(value: object, number: int) -> None:
    """The request page's ``?id=`` went through its own parser, which crashed on ``?id=²``
    (``'²'.isdigit()`` but ``int('²')`` fails); now it is this one (its ``parse_id``)."""
    assert read_proposal_id(value) == number
    page = (ROOT / "review" / "ui" / "pages" / "request.py").read_text()
    assert "return read_proposal_id(value)" in page
