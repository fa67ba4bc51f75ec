"""The translation catalogs hold every string the code puts through them (scripts/catalogs):
a string added to a page without running it would show in English on every language."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "review" / "locale"


def ids(po: bytes) -> set[str]:
    return {str(m.id) for m in read_po(io.BytesIO(po)) if m.id}


def test_the_template_holds_exactly_the_strings_the_code_marks(tmp_path: Path) -> None:
    extracted = tmp_path / "review.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "--no-location",
            "--omit-header", "-k", "lang", "-k", "N_", "-k", "t", "--sort-output",
            "-o", str(extracted), "review/ui", "review/core/publication.py", "review/labels.py",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    template = ids((LOCALE / "review.pot").read_bytes())
    assert ids(extracted.read_bytes()) == template, "run scripts/catalogs"


def test_every_language_has_every_string_of_the_template() -> None:
    template = ids((LOCALE / "review.pot").read_bytes())
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/review.po")):
        missing = template - ids(po.read_bytes())
        assert not missing, f"{po}: run scripts/catalogs ({len(missing)} missing)"
