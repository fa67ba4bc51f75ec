"""What a reader of the printed packet sees, through LibreOffice's PDF export.

Page counts and page text come from pypdf, and the expectations are about the document (the
summary is page 1, the footer on every page names the digest, no word broken mid-word), not
about how many pages one LibreOffice version happens to lay out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.packet_workloads import packet_data
from review.packet import build_packet, issue_packet
from review.packet.compose import compose
from review.packet.content import Grid, PacketData, canonical_items, digest_of
from review.packet.keys import SigningKey
from review.packet.layout import LONGEST_WORD, word_twips, words
from review.packet.render import Integrity, render_packet
from review.services.views import ConditionView, SignOffView

from .conftest import Driven
from .office import pages, to_pdf

KEY = SigningKey(Ed25519PrivateKey.generate(), Path("(test)"))
DOMAINS = ("technology", "security", "accessibility", "privacy", "open_source", "ai")


def sealed(data: PacketData) -> tuple[bytes, str, list[Grid]]:
    composition = compose(data)
    digest = digest_of(canonical_items(composition.blocks))
    rendered = render_packet(composition, Integrity(data.packet_id, digest, KEY.fingerprint), KEY)
    grids = [b for b in composition.blocks if isinstance(b, Grid)]
    return rendered.data, digest, grids


def heavy() -> PacketData:
    """As much as page 1 ever holds: every domain's sign-off and one missing, conditions and
    waivers in many groups with long texts, a long reason, Council approval."""
    long = " Requires the vendor to deliver remediation evidence to the reviewer" * 4
    data = packet_data(120, remark=long, council=True, verify_at="https://review.example/verify")
    view = data.view
    moment = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
    signoffs = [
        SignOffView(i, d, f"reviewer{i}", f"Reviewer {i}", 1, moment, None, True, None, "proposal")
        for i, d in enumerate(DOMAINS)
    ]
    extra = [
        dataclasses.replace(c, id=100 + n, text=f"{c.text} ({n})")
        for n, c in enumerate(view.conditions)
    ]
    view = dataclasses.replace(
        view,
        signoffs=signoffs,
        missing_signoffs=["procurement"],
        conditions=[*view.conditions, *extra],
    )
    assert all(isinstance(c, ConditionView) for c in view.conditions)
    return dataclasses.replace(data, view=view)


def broken_words(grids: list[Grid], text: str, width: int = 9_600) -> list[str]:
    """Words of table cells that a reader cannot find whole in the PDF's text."""
    tokens = text.split()
    missing = []
    for grid in grids:
        for row in grid.rows:
            for cell in row:
                for word in words(cell):
                    core = word.strip(".,;:()\u2026")
                    if len(core) < 5 or word_twips(word, 8.0) > width * LONGEST_WORD:
                        continue  # too short to break, or too long for any column
                    if not any(core in token for token in tokens):
                        missing.append(core)
    return sorted(set(missing))


def test_the_workflow_packet_in_print(decided: Driven, tmp_path: Path) -> None:
    built = issue_packet(decided.services, "cara", decided.id)
    source = tmp_path / "packet.docx"
    source.write_bytes(built.data)
    text = pages(to_pdf([source], tmp_path)[0])
    assert len(text) >= 2
    first = text[0]
    assert "Technology approval packet" in first and "Signatures" in first
    assert "Conditions of approval" in first and "Sign-offs" in first
    assert "The request" not in first and "The request" in text[1]
    for page in text:  # the footer: the content digest on every page
        assert built.digest in "".join(page.split())
    assert build_packet(decided.services, "cara", decided.id) == built.data


def test_page_one_holds_the_heaviest_summary_and_no_word_breaks(tmp_path: Path) -> None:
    heavy_data, _, heavy_grids = sealed(heavy())
    many_data, _, many_grids = sealed(packet_data(200))
    (tmp_path / "heavy.docx").write_bytes(heavy_data)
    (tmp_path / "many.docx").write_bytes(many_data)
    heavy_pdf, many_pdf = to_pdf([tmp_path / "heavy.docx", tmp_path / "many.docx"], tmp_path)
    text = pages(heavy_pdf)
    assert "Resolution no." in text[0] and "City Clerk" in text[0]
    assert "City Council approval applies" in text[0]
    assert "The request" not in text[0] and "The request" in text[1]
    for pdf, grids in ((heavy_pdf, heavy_grids), (many_pdf, many_grids)):
        assert broken_words(grids, "\n".join(pages(pdf))) == []
