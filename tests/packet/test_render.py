"""Rendering synthetic packets: every control character, markup, long text, many scripts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from docx import Document

from bench.packet_workloads import packet_data
from review.packet.compose import compose
from review.packet.content import PacketData, canonical_items, digest_of
from review.packet.keys import SigningKey
from review.packet.render import Integrity, render_packet
from review.packet.verify import Outcome, extract, verify_packet
from review.packet.xml_text import clean

from .reading import read

EVERY_CONTROL = (
    "".join(chr(c) for c in range(32)) + "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))
)
NASTY = (
    f" [{EVERY_CONTROL}] & < > \" ' ]]> <w:t>x</w:t> \ud800 \ufffe \uffff "
    "中文 العربية עברית Кириллица ελληνικά हिन्दी 🚒👩🏽‍🚒 \u200d\u202e "
)


KEY = SigningKey(Ed25519PrivateKey.generate(), Path("(test)"))
TRUSTED = {KEY.fingerprint: KEY.public}


def _render(data_: PacketData) -> tuple[bytes, str]:
    composition = compose(data_)
    digest = digest_of(canonical_items(composition.blocks))
    return render_packet(
        composition, Integrity(composition.packet_id, digest, KEY.fingerprint), KEY
    ).data, digest


def test_clean_keeps_meaning_and_is_xml_safe() -> None:
    assert clean("plain text") == "plain text"
    assert clean("a\x0bb\x0cc\r\nd\re\u2028f") == "a\nb\nc\nd\ne\nf"
    assert clean("nul\x00bell\x07") == "nul\u2400bell\u2407"
    assert clean("\ud800x\uffff") == "\ufffdx\ufffd"
    assert clean("tab\tstays") == "tab\tstays"
    assert clean("中文 🚒") == "中文 🚒"


def test_every_control_character_and_script_survives() -> None:
    data, digest = _render(packet_data(30, remark=NASTY))
    doc = read(data)  # python-docx parses it: the XML is well-formed
    expected = clean(NASTY)
    assert f"Justified 0.{expected}" in doc.text
    assert f"Vendor fixes item 1.{expected}" in doc.text or f"Vendor fixes item 7.{expected}" in (
        doc.text
    )
    for script in ("中文", "العربية", "Кириллица", "🚒👩🏽‍🚒", "& < >", "]]>", "<w:t>x</w:t>"):
        assert script in doc.text
    assert "\u2400" in doc.text and "\u241f" in doc.text  # NUL and US shown, not dropped
    found = extract(data)
    assert digest_of(found.items) == digest
    assert verify_packet(data, TRUSTED).outcome is Outcome.VALID


def test_very_long_remarks_are_not_truncated() -> None:
    remark = " " + ("0123456789 abcdefghij " * 20_000)  # 440,000 characters
    data, digest = _render(packet_data(3, remark=remark))
    doc = Document(io.BytesIO(data))
    longest = max((c.text for t in doc.tables for r in t.rows for c in r.cells), key=len)
    assert len(longest) >= len(remark)
    assert digest_of(extract(data).items) == digest
    assert verify_packet(data, TRUSTED).outcome is Outcome.VALID  # however repetitive


def test_same_content_same_bytes_and_zip_is_sound() -> None:
    first, _ = _render(packet_data(50))
    second, _ = _render(packet_data(50))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
        assert "docProps/custom.xml" in names and "_review/packet-seal.json" in names


def test_every_synthetic_finding_is_in_the_document() -> None:
    data_ = packet_data(120)
    doc = read(_render(data_)[0])
    rows = [r for _, table in doc.tables for r in table if len(r) == 7 and r[0].startswith("F-")]
    acted = [f for f in data_.view.findings if f["severity"] != "info"]
    assert len(rows) == len(acted) == 92  # 28 of the 120 are information findings
    assert {r[2].split(":")[0] for r in rows} == {f["rule_id"] for f in acted}
    info = doc.table("Information findings")
    assert {r[0] for r in info[1:]} == {
        f["rule_id"] for f in data_.view.findings if f["severity"] == "info"
    }
