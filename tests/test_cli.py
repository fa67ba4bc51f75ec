"""The command line as a user runs it: real subprocesses, real files, exit codes and output."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
# A bad file must be refused within two seconds. The work is measured as the child's CPU
# time, which other load on the machine does not inflate; the wall-clock timeout turns a
# hang (an expansion bomb, say) into a failure rather than a stuck run.
LIMIT_SECONDS = 2.0


def timed_run(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = run(*args, timeout=LIMIT_SECONDS * 10)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, cpu


def run(
    *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "review.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
        env=env,
    )


def test_evaluate_prints_the_json_intake_md_specifies() -> None:
    done = run("evaluate", "examples/library-room-booking.yaml", "--as-of", "2026-11-27")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {
        "tier",
        "tcv",
        "required_signoffs",
        "disposition",
        "standards_version",
        "findings",
    } <= set(result)
    assert result["tier"] == 2
    assert result["tcv"] == 33400.0
    assert result["required_signoffs"][0] == "technology"
    assert result["disposition"] in ("blocked", "conditions", "clear")
    for finding in result["findings"]:
        assert {
            "rule_id",
            "domain",
            "severity",
            "title",
            "message",
            "citations",
            "remediation",
            "waivable",
        } <= set(finding)


def test_json_findings_come_in_stable_order() -> None:
    order = {"blocker": 0, "major": 1, "minor": 2, "info": 3}
    domains = [
        "general",
        "data",
        "security",
        "accessibility",
        "open_source",
        "privacy",
        "ai",
        "technology",
        "procurement",
    ]
    for example in EXAMPLES:
        done = run("evaluate", str(example), "--as-of", "2026-11-27")
        assert done.returncode == 0, done.stderr
        findings = json.loads(done.stdout)["findings"]
        keys = [
            (order[f["severity"]], domains.index(f["domain"]), f["rule_id"], f["subject"] or "")
            for f in findings
        ]
        assert keys == sorted(keys), example.name


def test_as_of_changes_date_dependent_findings(tmp_path: Path) -> None:
    record = yaml.safe_load((ROOT / "examples/library-room-booking.yaml").read_text())
    record["proposal"]["certifications"] = [{"type": "soc2_type2", "date": "2026-01-10"}]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(record))
    early = json.loads(run("evaluate", str(path), "--as-of", "2026-06-01").stdout)
    late = json.loads(run("evaluate", str(path), "--as-of", "2027-06-01").stdout)
    early_ids = {f["rule_id"] for f in early["findings"]}
    late_ids = {f["rule_id"] for f in late["findings"]}
    assert late_ids - early_ids, "a SOC 2 report 17 months old must produce a finding"


def test_table_format_is_readable_text() -> None:
    done = run(
        "evaluate",
        "examples/library-room-booking.yaml",
        "--format",
        "table",
        "--as-of",
        "2026-11-27",
    )
    assert done.returncode == 0, done.stderr
    assert "Disposition" in done.stdout and "Tier" in done.stdout
    assert "INFO" in done.stdout  # severity spelled out, not only coloured


def test_rules_list_and_standards_show() -> None:
    listed = run("rules", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rules = json.loads(listed.stdout)
    assert len(rules) > 50
    assert all(r["citations"] for r in rules)
    shown = run("standards", "show", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    standards = json.loads(shown.stdout)
    assert standards["security"]["incident_notification_max_hours"] == 72
    table = run("standards", "show")
    assert "SEC-4" in table.stdout


def test_rules_list_table_keeps_titles_readable_when_piped() -> None:
    """Piped output is 120 columns: every rule's id and whole title still fit, the title
    wrapped in a few lines rather than squeezed a word per line."""
    piped = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    done = run("rules", "list", "--domain", "security", env=piped)
    assert done.returncode == 0, done.stderr
    listed = json.loads(run("rules", "list", "--domain", "security", "--format", "json").stdout)
    text = " ".join(done.stdout.split())
    for rule in listed:
        assert rule["id"] in done.stdout
        assert rule["title"] in text, rule["title"]
    assert max(len(line) for line in done.stdout.splitlines()) <= 120
    assert f"{len(listed)} rules" in done.stdout


def test_rules_list_refuses_unknown_domain() -> None:
    done = run("rules", "list", "--domain", "weather")
    assert done.returncode == 2
    assert "weather" in done.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_every_example_evaluates(example: Path) -> None:
    done = run("evaluate", str(example), "--as-of", "2026-11-27")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["findings"]


BAD_CASES = {
    "invalid-enum": ("proposal:\n  acquisition_type: cloud\n", "proposal.acquisition_type"),
    "unknown-key": ("proposal:\n  vendor: {name: A, colour: red}\n", "proposal.vendor.colour"),
    "wrong-type": ("proposal:\n  users: {public_facing: maybe}\n", "proposal.users.public_facing"),
    "malformed-date": ("proposal:\n  pen_test_date: 2026-02-30\n", "proposal.pen_test_date"),
    "negative-money": ("proposal:\n  cost: {annual: -100}\n", "proposal.cost.annual"),
    "bad-email": ("proposal:\n  owner: {name: A, email: nobody}\n", "proposal.requester.email"),
    "duplicate-key": ("proposal:\n  title: A\n", "appears twice"),
    "not-a-mapping": ("- just\n- a list\n", "mapping"),
    "syntax": ("proposal: [unclosed\n", "not valid YAML"),
    "top-level-unknown": ("proposal: {}\nextra: 1\n", "extra"),
}

VALID_REST = """
  title: T
  department: Parks and Recreation
  requester: {name: A, email: a@city.gov}
  problem_statement: P
"""


def _bad_file(tmp_path: Path, name: str) -> tuple[Path, str]:
    text, expected = BAD_CASES[name]
    if text.startswith("proposal:\n  "):
        text = text + VALID_REST.lstrip("\n")
        if name == "bad-email":  # the requester block is the bad part here
            text = text.replace("  requester: {name: A, email: a@city.gov}\n", "").replace(
                "owner:", "requester:"
            )
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path, expected


def assert_refused(done: subprocess.CompletedProcess[str], expected: str, elapsed: float) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert expected in lines[0], lines[0]
    assert done.stdout == ""
    assert elapsed < LIMIT_SECONDS, f"took {elapsed:.2f}s"


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_input_gets_one_line_naming_the_field(tmp_path: Path, name: str) -> None:
    path, expected = _bad_file(tmp_path, name)
    done, cpu = timed_run("evaluate", str(path))
    assert_refused(done, expected, cpu)


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("proposal:\n  title: Caf\u00e9\n".encode("latin-1"))
    done, cpu = timed_run("evaluate", str(path))
    assert_refused(done, "not UTF-8", cpu)


def test_empty_file(tmp_path: Path) -> None:
    for content in (b"", b"   \n\n"):
        path = tmp_path / "empty.yaml"
        path.write_bytes(content)
        done, cpu = timed_run("evaluate", str(path))
        assert_refused(done, "empty", cpu)


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"proposal:\n  title: " + b"x" * 2_000_000 + b"\n")
    done, cpu = timed_run("evaluate", str(path))
    assert_refused(done, "limit", cpu)


def test_yaml_alias_bomb(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    lines.append("proposal: *j")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    done, cpu = timed_run("evaluate", str(path))
    assert_refused(done, "aliases", cpu)


def test_missing_file() -> None:
    done = run("evaluate", "no/such/file.yaml")
    assert done.returncode == 2
    assert "no such intake file" in done.stderr


def test_bad_as_of() -> None:
    done = run("evaluate", "examples/library-room-booking.yaml", "--as-of", "tomorrow")
    assert done.returncode == 2
    assert "--as-of" in done.stderr and "Traceback" not in done.stderr
