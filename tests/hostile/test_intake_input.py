"""Hostile intake files, values and arguments (issue 12): each is refused with exit 2 and a
message naming the field or the problem, never accepted by coercion and never exit 70."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from review.core.loading import submission_from_data
from review.core.safeyaml import load_file
from review.errors import RecordInvalid

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "hostile" / "intake-values.yaml").read_text())


def base() -> dict[str, Any]:
    record: dict[str, Any] = load_file(DATA / "bases" / "saas.yaml")
    return record


def with_value(path: str, value: Any) -> dict[str, Any]:
    record = base()
    *parents, last = path.split(".")
    node = record
    for key in parents:
        node = node[key]
    node[last] = value
    return record


def review(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "review.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape"},
    )


def refused(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    for needle in needles:
        assert needle in done.stderr, done.stderr


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['path']}={c['value']!r}")
def test_a_bad_value_is_refused_naming_its_field(case: dict[str, Any]) -> None:
    with pytest.raises(RecordInvalid) as caught:
        submission_from_data(with_value(case["path"], case["value"]))
    (problem,) = caught.value.problems
    assert problem.path == case["path"]
    assert case["problem"] in problem.problem, problem.problem


def test_versions_written_as_numbers_still_mean_their_text() -> None:
    record = with_value("proposal.encryption.tls_min_version", 1.2)
    record["proposal"]["accessibility"]["wcag_version"] = 2.2
    submission = submission_from_data(record)
    assert submission.proposal.encryption.tls_min_version == "1.2"
    assert submission.proposal.accessibility.wcag_version == "2.2"


def test_json_with_a_surrogate_escape_is_refused_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(base()).replace("Roomly Inc.", "Roomly \\ud800"))
    refused(review("evaluate", str(path)), "proposal.vendor.name", "lone surrogate")


def test_json_with_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    text = json.dumps(base())
    text = text.replace('"proposal": {', '"proposal": {"title": "First answer", ', 1)
    path = tmp_path / "intake.json"
    path.write_text(text)
    refused(review("evaluate", str(path)), "'title' appears twice")


def test_json_with_a_huge_integer_or_deep_nesting_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text(
        json.dumps(base()).replace('"proposal": {', '"x": ' + "9" * 5000 + ', "proposal": {')
    )
    refused(review("evaluate", str(huge)), "5,000 digits")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    refused(review("evaluate", str(deep)), "nesting is too deep")
    yaml_huge = tmp_path / "huge.yaml"
    yaml_huge.write_text("proposal:\n  x: " + "9" * 5000 + "\n")
    refused(review("evaluate", str(yaml_huge)), "too many digits")


def test_as_of_beyond_the_standards_range_is_refused() -> None:
    example = str(ROOT / "examples" / "library-room-booking.yaml")
    refused(review("evaluate", example, "--as-of", "9999-12-31"), "as of 9999-12-31", "range")
    refused(review("evaluate", example, "--as-of", "0001-01-01"), "range")


def test_an_argument_that_is_not_utf8_is_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "review.cli", "evaluate", os.fsencode("intake-\udcff.yaml")],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert b"argument 2 is not valid UTF-8" in done.stderr


def test_a_backup_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path / "data")}
    subprocess.run([sys.executable, "-m", "review.cli", "db", "upgrade"], env=env, check=True,
                   capture_output=True, cwd=ROOT, timeout=120)  # fmt: skip
    missing = tmp_path / "no-such-folder" / "copy.db"
    done = subprocess.run(
        [sys.executable, "-m", "review.cli", "backup", str(missing)],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    refused(done, "no such folder")
    assert not missing.parent.exists()
