"""Terminal escape sequences and control characters in stored text never reach a terminal
from ``review`` (issue 12): every value is cleaned in one place, review/cli/output.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from review.cli.terminal import clean
from review.core.safeyaml import load_file

from ..test_cli_workflow import LIBRARY, Review, data, ok, review, staffed

__all__ = ["review"]  # the fixture, used by name

HOSTILE = yaml.safe_load((Path(__file__).parent.parent / "data/hostile/terminal.yaml").read_text())
TITLES: dict[str, str] = HOSTILE["titles"]
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("name", sorted(TITLES))
def test_clean_strips_every_sequence(name: str) -> None:
    cleaned = clean(TITLES[name])
    assert not ACTING.search(cleaned), repr(cleaned)
    assert "evil" not in cleaned and "pwned" not in cleaned
    assert "Room" in cleaned


def test_clean_keeps_ordinary_text() -> None:
    text = "Café — 50 % of $10,000\n\ttabbed [bold]not markup[/bold] 漢字"
    assert clean(text) == text


def intake_with_title(tmp_path: Path, title: str) -> str:
    record: dict[str, Any] = load_file(Path(LIBRARY))
    record["proposal"]["title"] = title
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return str(path)


def test_no_stored_title_acts_on_the_terminal(review: Review, tmp_path: Path) -> None:
    ok(review, "db", "upgrade")
    staffed(review)
    for name, title in TITLES.items():
        created = data(review, "proposal", "create", intake_with_title(tmp_path, title), "--as",
                       "dana")  # fmt: skip
        pid = f"P-{created['id']}"
        for out in (
            ok(review, "proposal", "show", pid, "--as", "dana"),
            ok(review, "proposal", "list", "--as", "dana"),
            ok(review, "proposal", "history", pid, "--as", "dana"),
            ok(review, "proposal", "show", pid, "--as", "dana", "--format", "json"),
        ):
            assert not ACTING.search(out), (name, out)
            assert "Room" in out
        # stored as typed, and machines still get the exact title from JSON
        shown = json.loads(ok(review, "proposal", "show", pid, "--as", "dana", "-f", "json"))
        assert shown["title"] == title, name
    refusal = review("proposal", "show", "P-1", "--as", "\x1b[2Jnobody")
    assert refusal.code == 2 and not ACTING.search(refusal.err), refusal.err
