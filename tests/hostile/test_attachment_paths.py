"""Attachment paths in an intake file stay inside the intake file's folder, and only regular
files are read: a FIFO is refused at once, without blocking (issue 12)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

import yaml

from review.core.loading import load_with_attachments

DATA = Path(__file__).resolve().parents[1] / "data"
ACR = next((DATA / "acr").rglob("*.docx"))


def intake(folder: Path, where: str) -> Path:
    record: dict[str, Any] = yaml.safe_load((DATA / "bases" / "saas.yaml").read_text())
    record["proposal"]["attachments"] = [{"kind": "acr", "path": where}]
    path = folder / "intake.yaml"
    path.write_text(yaml.safe_dump(record))
    return path


def report(folder: Path, where: str) -> tuple[str, str]:
    _, reports = load_with_attachments(intake(folder, where))
    (only,) = reports
    return only.status, only.message


def test_paths_outside_the_folder_are_refused(tmp_path: Path) -> None:
    inside = tmp_path / "request"
    inside.mkdir()
    shutil.copy(ACR, tmp_path / "outside.docx")
    (inside / "link.docx").symlink_to(tmp_path / "outside.docx")
    for where, why in (
        (str(tmp_path / "outside.docx"), "relative to the intake file"),
        ("../outside.docx", "'..' is not allowed"),
        ("sub/../../outside.docx", "'..' is not allowed"),
        ("~/outside.docx", "relative to the intake file"),
        ("link.docx", "outside the intake file's folder"),
        ("/dev/zero", "relative to the intake file"),
    ):
        status, message = report(inside, where)
        assert status == "failed" and why in message, (where, message)


def test_a_fifo_or_folder_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.docx")
    (tmp_path / "folder.docx").mkdir()
    results: list[tuple[str, str]] = []
    worker = threading.Thread(
        target=lambda: results.extend(report(tmp_path, w) for w in ("pipe.docx", "folder.docx")),
        daemon=True,  # before the fix it blocks forever opening the FIFO
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading the attachment blocked on the FIFO"
    assert [s for s, _ in results] == ["failed", "failed"]
    assert all("not a regular file" in m for _, m in results), results


def test_a_file_beside_the_intake_is_still_read(tmp_path: Path) -> None:
    shutil.copy(ACR, tmp_path / "vendor.docx")
    status, _ = report(tmp_path, "vendor.docx")
    assert status == "applied"
