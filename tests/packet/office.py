"""LibreOffice, headless, for what a reader of a packet sees: PDF pages and their text.

Tests that need it are skipped where it is not installed (CI installs Debian's
libreoffice-writer-nogui). Pages are counted and read with pypdf, never by searching the
PDF's bytes, so the checks do not depend on how a LibreOffice version writes its PDF.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

TIMEOUT_S = 300


def office() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice is not installed here (soffice/libreoffice not on PATH)")
    return found


def to_pdf(sources: list[Path], outdir: Path) -> list[Path]:
    """Convert every source in one LibreOffice run (starting it dominates the cost)."""
    profile = outdir / "lo-profile"
    done = subprocess.run(
        [
            office(),
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *(str(s) for s in sources),
        ],
        capture_output=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    pdfs = [outdir / f"{s.stem}.pdf" for s in sources]
    missing = [p.name for p in pdfs if not p.exists()]
    assert done.returncode == 0 and not missing, (missing, done.stderr.decode(errors="replace"))
    return pdfs


def pages(pdf: Path) -> list[str]:
    """The text of each page, in order."""
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]
