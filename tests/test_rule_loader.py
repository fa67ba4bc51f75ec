"""The policy owner's experience: one broken rules or standards directory per refusal the
loader makes. Each message names the file and the rule by its id (never ``rules.0``), and a
directory with several problems lists every one of them, not only the first.

``review rules check DIR`` runs exactly these checks on a copy a policy owner is editing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from review.core.rules import load_rules
from review.core.standards import load_standards
from review.errors import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent
RULE = "SEC-004-incident-window"
HEAD = f"  - id: {RULE}\n    severity: major\n    citations: [SEC-4]\n"
WHEN = "        - {field: hosted, eq: true}\n        - {not: {field: restricted, eq: true}}\n"

# refusal -> (file, text to find in it, its replacement, what the message must say)
BREAKS: dict[str, tuple[str, str, str, str]] = {
    "bad id": ("rules/security.yaml", f"  - id: {RULE}\n", "  - id: SEC-4-incident\n",
               "rule SEC-4-incident: id must look like"),
    "unknown citation": ("rules/security.yaml", HEAD, HEAD.replace("[SEC-4]", "[SEC-4, SEC-99]"),
                         f"rule {RULE}: cites 'SEC-99'"),
    "unknown field": ("rules/security.yaml", WHEN, WHEN.replace("field: hosted", "field: hostd"),
                      f"rule {RULE}"),
    "wrong value type": ("rules/security.yaml", WHEN,
                         WHEN.replace("hosted, eq: true", "hosted, eq: 3"), f"rule {RULE}"),
    "bad placeholder": ("rules/security.yaml", "is {incident_notification_hours:g}; the limit is",
                        "is {incident_hours:g}; the limit is",
                        f"rule {RULE}: message names {{incident_hours}}"),
    "unknown standard": ("rules/security.yaml",
                         "{std.security.incident_notification_max_hours:,.0f} hours.\"\n    rem",
                         "{std.security.incident_max:,.0f} hours.\"\n    rem",
                         f"rule {RULE}: message refers to unknown standard"),
    "unknown key": ("rules/security.yaml", HEAD, HEAD + "    waiveable: true\n",
                    f"rule {RULE}: waiveable: unknown field"),
    "too many branches": ("rules/security.yaml", WHEN, WHEN + "".join(
        "        - any: [{not: {field: mfa, eq: true}}, {not: {field: hosted, eq: true}}]\n"
        for _ in range(6)), f"rule {RULE}: condition expands to"),
}  # fmt: skip


def broken(tmp_path: Path, *names: str) -> Path:
    """A copy of the bundled rules and standards with the named breaks applied."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "standards", tmp_path / "standards")
    for name in names:
        file, old, new, _ = BREAKS[name]
        path = tmp_path / file
        text = path.read_text()
        assert text.count(old) >= 1, (name, old)
        path.write_text(text.replace(old, new, 1))
    return tmp_path


def refusal(root: Path) -> str:
    with pytest.raises(ConfigurationError) as refused:
        load_rules(load_standards(root / "standards"), root / "rules")
    return str(refused.value)


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_refusal_names_the_file_and_the_rule_id(tmp_path: Path, name: str) -> None:
    message = refusal(broken(tmp_path, name))
    assert f"{tmp_path / BREAKS[name][0]}: " in message
    assert BREAKS[name][3] in message, message
    assert "rules.0" not in message and "rules." not in message.replace("rules/", "")


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    root = broken(tmp_path, "unknown key")  # a schema problem in security.yaml
    path = root / "rules" / "privacy.yaml"
    text = path.read_text()
    path.write_text(text.replace("citations: [PRIV-", "citations: [PRIV-99, PRIV-", 1))
    message = refusal(root)
    assert "2 problems" in message
    assert "waiveable: unknown field" in message and "cites 'PRIV-99'" in message


def test_a_broken_standards_file_lists_every_problem(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "standards", tmp_path / "standards")
    path = tmp_path / "standards" / "standards.yaml"
    text = path.read_text()
    text = text.replace("  max_term_years: 5\n", "  max_term_years: five\n")
    text = text.replace("  pen_test_max_age_months: 12\n", "  pen_test_max_age_mnths: 12\n")
    path.write_text(text)
    with pytest.raises(ConfigurationError) as refused:
        load_standards(tmp_path / "standards")
    message = str(refused.value)
    assert "max_term_years" in message and "pen_test_max_age_mnths" in message, message


def test_review_rules_check_runs_these_checks_on_a_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from review.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(["rules", "check", *args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    clean = broken(tmp_path / "clean")
    code, out, _ = run(str(clean))
    assert code == 0 and "check clean" in out and "rules version" in out
    dirty = broken(tmp_path / "dirty", "unknown key")
    (dirty / "rules" / "privacy.yaml").write_text(
        (dirty / "rules" / "privacy.yaml")
        .read_text()
        .replace("citations: [PRIV-", "citations: [PRIV-99, PRIV-", 1)
    )
    code, out, err = run(str(dirty))
    assert code == 2 and out == ""
    assert "2 problems" in err and "waiveable: unknown field" in err and "PRIV-99" in err
    code, _, err = run(str(tmp_path / "nowhere"))
    assert code == 2 and "no rules or standards folder" in err


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("rule: X\ncases:\n- {name: a, expect: fires, sett: {proposal.mfa: false}}\n", "sett"),
        ("rule: X\ncases:\n- {name: a, expects: fires}\n", "expects"),
        ("rule: X\ncases:\n- {name: a, expect: fired}\n", "expect"),
        ("rule: X\nbases: saas\ncases:\n- {name: a, expect: silent}\n", "bases"),
    ],
)
def test_a_rule_case_file_with_a_misspelt_key_is_an_error(
    tmp_path: Path, text: str, named: str
) -> None:
    """A misspelt ``set`` used to be ignored, so the case tested the base record unchanged."""
    from .casefiles import read_case_file

    path = tmp_path / "X.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"{path}: .*{named}"):
        read_case_file(path)
