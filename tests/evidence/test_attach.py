"""Attachments named in an intake file fill in the form; a bad one never loses the proposal."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from review.core.loading import load_with_attachments

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _intake(tmp_path: Path, attachments: list[dict[str, str]], **accessibility: Any) -> Path:
    record = yaml.safe_load((DATA / "bases" / "saas.yaml").read_text())
    acc = record["proposal"]["accessibility"]
    for key in ("acr_provided", "acr_date", "vpat_edition", "wcag_version"):
        acc.pop(key, None)
    acc["does_not_support"] = []
    acc["partially_supports"] = []
    acc.update(accessibility)
    record["proposal"]["attachments"] = attachments
    path = tmp_path / "intake.yaml"
    path.write_text(yaml.safe_dump(record))
    return path


def test_acr_and_sbom_fill_the_form(tmp_path: Path) -> None:
    shutil.copy(DATA / "acr" / "drupal-10-16.docx", tmp_path / "acr.docx")
    shutil.copy(
        DATA / "sbom" / "cyclonedx" / "SBOM_dropwizard-1.3.15_bom.json", tmp_path / "bom.json"
    )
    path = _intake(
        tmp_path, [{"kind": "acr", "path": "acr.docx"}, {"kind": "sbom", "path": "bom.json"}]
    )
    submission, reports = load_with_attachments(path)
    assert [r.status for r in reports] == ["applied", "applied"]
    acc = submission.proposal.accessibility
    assert acc.acr_provided is True
    assert acc.wcag_version is not None and acc.wcag_version.value == "2.1"
    assert acc.does_not_support == ["1.2.5"]  # read from the Drupal 10 report's own summary
    assert "1.4.3" in acc.partially_supports
    oss = submission.proposal.open_source
    assert oss.sbom_provided is True
    assert len(oss.components) > 100
    assert any(c.license and "Classpath-exception" in c.license for c in oss.components)


def test_the_forms_own_answers_win_and_are_reported(tmp_path: Path) -> None:
    shutil.copy(DATA / "acr" / "drupal-10-16.docx", tmp_path / "acr.docx")
    path = _intake(tmp_path, [{"kind": "acr", "path": "acr.docx"}], wcag_version="2.2")
    submission, reports = load_with_attachments(path)
    assert submission.proposal.accessibility.wcag_version is not None
    assert submission.proposal.accessibility.wcag_version.value == "2.2"
    assert reports[0].kept == ["wcag_version"]
    assert "kept the form's answers for wcag_version" in reports[0].message


def test_bad_attachments_are_reported_and_the_proposal_still_evaluates(tmp_path: Path) -> None:
    (tmp_path / "huge.json").write_bytes(b" " * 25_000_001)
    (tmp_path / "broken.json").write_text("{not json")
    path = _intake(
        tmp_path,
        [
            {"kind": "sbom", "path": "missing.json"},
            {"kind": "sbom", "path": "huge.json"},
            {"kind": "sbom", "path": "broken.json"},
            {"kind": "acr", "path": "broken.json"},
            {"kind": "soc2_report", "path": "soc2.pdf"},
        ],
    )
    done = subprocess.run(
        [sys.executable, "-m", "review.cli", "evaluate", str(path), "--as-of", "2026-11-27"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    statuses = [(a["path"], a["status"]) for a in result["attachments"]]
    assert statuses == [
        ("missing.json", "failed"),
        ("huge.json", "failed"),
        ("broken.json", "failed"),
        ("broken.json", "failed"),
        ("soc2.pdf", "listed"),
    ]
    assert "no such attachment" in result["attachments"][0]["message"]
    assert "limit" in result["attachments"][1]["message"]
    assert result["findings"], "the proposal was still evaluated"


def test_import_commands_print_the_section(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "review.cli",
            "import",
            "sbom",
            str(DATA / "sbom" / "cyclonedx" / "SBOM_laravel-7.12.0_bom.1.4.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    section = yaml.safe_load(done.stdout)["open_source"]
    assert section["sbom_provided"] is True
    assert len(section["components"]) == 62  # the corpus README: Laravel has 62 components
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "review.cli",
            "import",
            "acr",
            str(DATA / "acr" / "drupal-10-16.html"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["accessibility"]["does_not_support"] == ["1.2.5"]
    bad = subprocess.run(
        [sys.executable, "-m", "review.cli", "import", "acr", str(tmp_path / "nope.docx")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "no such attachment" in bad.stderr
    assert "Traceback" not in bad.stderr
