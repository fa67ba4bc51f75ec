"""Reading a packet back: its visible content, its integrity values, and the verdict.

The verifier never trusts a stored digest: it reads every paragraph and table cell of the
body up to the integrity section, rebuilds the canonical form, and recomputes the digest.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from docx import Document
from lxml import etree  # type: ignore[import-untyped]

from ..errors import FileProblem
from .content import digest_of
from .keys import signature_valid, trusted_keys
from .render import (
    CUSTOM_NS,
    CUSTOM_PART,
    INTEGRITY_LABELS,
    PROPERTY_PREFIX,
    VT_NS,
    w,
)
from .styles import PARAGRAPH_STYLES

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _T, _TAB, _BR, _CR = (
    w(t) for t in ("p", "tbl", "tr", "tc", "t", "tab", "br", "cr")
)
_SDT, _SDT_CONTENT, _PPR, _PSTYLE, _VAL = (
    w("sdt"),
    w("sdtContent"),
    w("pPr"),
    w("pStyle"),
    w("val"),
)
_TEXT_TAGS = {_T, _TAB, _BR, _CR}


class Outcome(StrEnum):
    VALID = "valid"
    ALTERED = "altered"
    UNKNOWN_KEY = "unknown_key"
    DRAFT = "draft"  # an unsigned preview: nothing to verify


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    message: str
    packet_id: str
    digest: str  # the digest recomputed from the content
    embedded_digest: str
    fingerprint: str

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VALID


def paragraph_text(p: Any) -> str:
    """The visible text of a paragraph: text, tabs and line breaks, in order."""
    out: list[str] = []
    stack = [iter(p)]
    while stack:
        for child in stack[-1]:
            tag = child.tag
            if tag == _T:
                out.append(child.text or "")
            elif tag == _TAB:
                out.append("\t")
            elif tag == _BR:
                if child.get(w("type")) in (None, "textWrapping"):
                    out.append("\n")
            elif tag == _CR:
                out.append("\n")
            elif tag in (MC_FALLBACK, _P):  # duplicate content / nested text boxes
                continue
            elif len(child):
                stack.append(iter(child))
                break
        else:
            stack.pop()
    return "".join(out)


def _style(p: Any) -> str | None:
    ppr = p.find(_PPR)
    if ppr is None:
        return None
    style = ppr.find(_PSTYLE)
    return None if style is None else style.get(_VAL)


def _rows(tbl: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in tbl.iter(_TR):
        if tr.getparent() is not tbl and tr.getparent().tag != _SDT_CONTENT:
            continue  # a nested table's rows belong to its cell
        cells = []
        for tc in tr.iter(_TC):
            if tc.getparent() is not tr and tc.getparent().tag != _SDT_CONTENT:
                continue
            cells.append("\n".join(paragraph_text(p) for p in tc if p.tag == _P))
        rows.append(cells)
    return rows


def _body_items(body: Any) -> list[Any]:
    out: list[Any] = []
    for child in body:
        if child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                out.extend(_body_items(content))
        elif child.tag in (_P, _TBL):
            out.append(child)
    return out


@dataclass(frozen=True)
class Extracted:
    items: list[Any]  # canonical items before the integrity section
    integrity: dict[str, str]  # visible integrity values, by INTEGRITY_LABELS key
    properties: dict[str, str]  # custom document properties of the packet


def extract(data: bytes) -> Extracted:
    try:
        doc = Document(io.BytesIO(data))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            custom = archive.read(CUSTOM_PART) if CUSTOM_PART in archive.namelist() else None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem(f"not a Word document (.docx): {exc}") from None
    styles = {s.name: s.style_id for s in doc.styles if s.name}
    marker = styles.get(PARAGRAPH_STYLES["integrity_heading"])
    items: list[Any] = []
    integrity: dict[str, str] = {}
    in_integrity = False
    by_label = {v: k for k, v in INTEGRITY_LABELS.items()}
    for element in _body_items(doc.element.body):
        if element.tag == _P:
            if marker is not None and _style(element) == marker:
                in_integrity = True
                continue
            if in_integrity:
                continue
            text = paragraph_text(element)
            if text.strip():
                items.append(["p", text])
        else:
            rows = _rows(element)
            if in_integrity:
                for row in rows:
                    if len(row) >= 2 and row[0] in by_label:
                        integrity[by_label[row[0]]] = row[1].strip()
            else:
                items.append(["t", rows])
    properties: dict[str, str] = {}
    if custom:
        root = etree.fromstring(custom)
        for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
            name = str(prop.get("name", ""))
            if name.startswith(PROPERTY_PREFIX):
                value = prop.find(f"{{{VT_NS}}}lpwstr")
                properties[name[len(PROPERTY_PREFIX) :]] = (
                    (value.text or "") if value is not None else ""
                )
    return Extracted(items, integrity, properties)


def verify_packet(data: bytes, trusted: dict[str, Ed25519PublicKey] | None = None) -> Verification:
    """valid, altered, unknown_key (signed, but not by a key this deployment trusts) or draft."""
    found = extract(data)
    props = found.properties
    if not props and not found.integrity:
        raise FileProblem("not an approval packet: it has no integrity section or properties")
    digest = digest_of(found.items)
    packet_id = props.get("Id") or found.integrity.get("packet_id", "")
    embedded = props.get("Digest", "")
    signature = props.get("Signature", "")
    fingerprint = props.get("KeyFingerprint", "")

    def result(outcome: Outcome, message: str) -> Verification:
        return Verification(outcome, message, packet_id, digest, embedded, fingerprint)

    visible = found.integrity
    if not signature and not fingerprint:
        if embedded == digest and visible.get("digest") == embedded:
            return result(Outcome.DRAFT, "a DRAFT preview: unsigned, not an approval packet")
        return result(Outcome.ALTERED, "an unsigned draft whose content was changed")
    mismatched = [
        label
        for key, label, value in (
            ("packet_id", "packet id", packet_id),
            ("digest", "digest", embedded),
            ("signature", "signature", signature),
            ("fingerprint", "key fingerprint", fingerprint),
        )
        if visible.get(key) != value
    ]
    if mismatched:
        return result(
            Outcome.ALTERED,
            "the integrity section does not match the document properties "
            f"({', '.join(mismatched)})",
        )
    if digest != embedded:
        return result(
            Outcome.ALTERED,
            f"the content was changed after signing (digest now {digest}, signed {embedded})",
        )
    keys = trusted_keys() if trusted is None else trusted
    public = keys.get(fingerprint)
    if public is None:
        return result(
            Outcome.UNKNOWN_KEY,
            f"signed by key {fingerprint}, which this deployment does not know",
        )
    if not signature_valid(public, embedded, signature):
        return result(Outcome.ALTERED, "the signature does not match the digest")
    return result(Outcome.VALID, f"valid: signed by {fingerprint}")
