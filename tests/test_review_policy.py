"""standards/review.yaml: each fact about how findings are treated has one home, as data."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from review.core.evaluate import evaluator
from review.core.policy import current, finding_key, load_review_policy
from review.core.records import Submission
from review.core.standards import DEFAULT_DIR, load_standards
from review.errors import StandardsError
from tests.workflow.support import saas

ROOT = Path(__file__).resolve().parents[1]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "standards"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def _edit(directory: Path, change: object) -> None:
    path = directory / "review.yaml"
    data = yaml.safe_load(path.read_text())
    change(data["review"])  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_bundled_policy_is_part_of_the_standards() -> None:
    standards = load_standards()
    assert standards.review == current()
    assert current().severity_order == ("blocker", "major", "minor", "info")
    assert current().waivers.max_months == 12
    assert current().waiver_title("security") == "Information Security Officer"
    assert current().review_domain("data") == "technology"
    assert not current().severity("info").waivable


def test_a_misspelt_key_and_a_missing_severity_are_refused_by_name(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, lambda r: r["severities"][0].update(waiveable=True))
    with pytest.raises(StandardsError, match=r"severities\.0\.waiveable: unknown field"):
        load_review_policy(directory / "review.yaml")
    with pytest.raises(StandardsError, match="waiveable"):
        load_standards(directory)
    directory = _copy(tmp_path / "two")
    _edit(directory, lambda r: r["severities"].pop())
    with pytest.raises(StandardsError, match="must list each of"):
        load_review_policy(directory / "review.yaml")


def test_the_order_and_the_disposition_follow_the_data(tmp_path: Path) -> None:
    """Reversing the severities in review.yaml reorders the findings; a major that needs no
    condition leaves the request clear: no code holds a copy of either."""
    record = Submission.model_validate(saas())
    day = dt.date(2026, 11, 27)
    bundled = evaluator().evaluate(record, day)
    assert bundled.findings[0].severity == "major"
    assert bundled.disposition == "conditions"

    directory = _copy(tmp_path)

    def change(review: dict) -> None:  # type: ignore[type-arg]
        review["severities"].reverse()
        for severity in review["severities"]:
            severity["needs_condition"] = False

    _edit(directory, change)
    changed = evaluator(standards_dir=directory).evaluate(record, day)
    assert changed.findings[0].severity == "info"
    assert changed.findings[-1].severity == "major"
    assert changed.disposition == "clear"


def test_a_finding_key_is_rule_and_subject() -> None:
    assert finding_key("ACC-003-x", "1.4.10") == "ACC-003-x|1.4.10"
    assert finding_key("GEN-002-tier-2", None) == "GEN-002-tier-2|"


COPIES = {
    # a literal list of severities (in any order of the four)
    "severity order": r"\(\s*\"blocker\",\s*\"major\",\s*\"minor\"",
    "severity rank": r"\"blocker\":\s*0",
    "finding key": r"\['rule_id'\]\}\|\{",
    "waivable": r"severity\"?\]?\s*!=\s*\"info\"",
    "disposition": r"return \"blocked\"",
    "waiver limit": r"MAX_WAIVER_MONTHS\s*=",
    "waiver authority": r"\"Information Security Officer\"",
    "domain titles": r"\"ai\":\s*\"AI\"",
}


@pytest.mark.parametrize("fact", sorted(COPIES))
def test_no_copy_of_a_policy_fact_in_code(fact: str) -> None:
    files = subprocess.run(
        ["git", "ls-files", "review", "bench"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    pattern = re.compile(COPIES[fact])
    found = [
        name
        for name in files
        if name.endswith(".py")
        and name != "review/core/policy.py"
        and pattern.search((ROOT / name).read_text())
    ]
    assert found == [], f"{fact} is defined again in {found}; use review.core.policy"
