"""Checking a packet: is it exactly what this deployment sealed, and who decided it?

In order, each step refusing what the one before cannot vouch for:

1. the file is a sane Office package (:func:`review.safezip.check_package`: size, entries,
   ratio, no DOCTYPE/ENTITY) no larger than ``MAX_PACKET_BYTES``;
2. it carries a seal (without one, a file that looks like a packet is *altered*: a DRAFT is
   sealed too, so "unsigned" never means "draft");
3. the ZIP container is laid out exactly as the writer lays it out (no duplicate names,
   hidden data, comments or mismatched headers);
4. the seal lists every part of the package with its SHA-256, and every part matches: nothing
   added, removed or changed anywhere in the file;
5. the seal's statement digest is what the key signed, and the key is trusted here;
6. the words in the document are the content the seal's content digest names.

Only then is it *valid* (or a *draft*). The document's XML is parsed only in step 6, for a
file whose every byte this deployment signed.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from docx import Document
from lxml import etree  # type: ignore[import-untyped]

from ..errors import FileProblem
from ..labels import OUTCOME
from ..safezip import Limits, check_package
from .content import digest_of
from .keys import key_names, signature_valid, trusted_keys
from .package import layout_problems, read_entries
from .render import CUSTOM_PART, INTEGRITY_LABELS, PROPERTY_PREFIX, w
from .seal import SEAL_CONTEXT, SEAL_PART, Seal, parse_seal, part_digests, statement_digest
from .styles import PARAGRAPH_STYLES

MAX_PACKET_BYTES = 20_000_000  # a packet of a thousand findings is well under 1 MB
PACKET_LIMITS = Limits(entries=500, uncompressed=150_000_000, ratio=2_000)
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
_NO_BREAK_HYPHEN = w("noBreakHyphen")
_MARKERS = (PARAGRAPH_STYLES["integrity_heading"].encode(), PROPERTY_PREFIX.encode())


class Outcome(StrEnum):
    VALID = "valid"
    ALTERED = "altered"
    UNKNOWN_KEY = "unknown_key"
    DRAFT = "draft"  # a sealed DRAFT preview, unchanged: not an approval


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    message: str
    packet_id: str = ""
    proposal: str = ""
    title: str = ""
    decision: str | None = None
    approver: str | None = None
    decided_at: str | None = None
    content_digest: str = ""  # as the seal states it (the footer prints it)
    package_digest: str = ""
    fingerprint: str = ""
    key_name: str = ""  # which trusted key signed it, when it is trusted
    problems: list[str] = field(default_factory=list)  # what was changed, part by part

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VALID

    @property
    def digest(self) -> str:
        return self.content_digest

    def facts(self) -> list[tuple[str, str]]:
        """What the seal says, as a reader reads it (the command line and the page show these).
        Of an altered packet, only which packet it claims to be."""
        decided = _readable_time(self.decided_at)
        key = self.fingerprint + (f" ({self.key_name})" if self.key_name else "")
        if self.outcome is Outcome.ALTERED:  # only which packet it claims to be
            key = ""
            decided = ""
        found = [
            ("Packet", self.packet_id),
            ("Request", f"{self.proposal}: {self.title}" if self.proposal else ""),
            ("Decision", OUTCOME.get(self.decision or "", self.decision or "") if decided else ""),
            ("Decided by", f"{self.approver}, {decided}" if self.approver and decided else ""),
            ("Content digest (SHA-256, as in the footer)", self.content_digest),
            ("Sealed with key", key),
        ]
        return [(name, value) for name, value in found if value]


def verify_packet(
    data: bytes,
    trusted: dict[str, Ed25519PublicKey] | None = None,
    *,
    filename: str = "the packet",
) -> Verification:
    """valid, altered, unknown_key or draft; FileProblem for a file that is not a packet."""
    if len(data) > MAX_PACKET_BYTES:
        raise FileProblem(
            f"{filename} is {len(data):,} bytes; a packet is at most {MAX_PACKET_BYTES:,}"
        )
    check_package(data, filename, limits=PACKET_LIMITS)
    entries = read_entries(data)
    raw_seal = entries.get(SEAL_PART)
    if raw_seal is None:
        if not _looks_like_a_packet(entries):
            raise FileProblem(f"{filename} is not an approval packet: it has no seal")
        return Verification(
            Outcome.ALTERED,
            "altered: the packet's seal was removed (or it predates sealed packets); an unsealed "
            "copy proves nothing, and a DRAFT is sealed too",
            packet_id=_property(entries, "Id"),
        )
    try:
        seal = parse_seal(raw_seal)
    except FileProblem as exc:
        return Verification(Outcome.ALTERED, f"altered: {exc}")
    return _judge(seal, entries, data, trusted)


def _judge(
    seal: Seal,
    entries: dict[str, bytes],
    data: bytes,
    trusted: dict[str, Ed25519PublicKey] | None,
) -> Verification:
    st = seal.statement

    def result(outcome: Outcome, message: str, problems: list[str] | None = None) -> Verification:
        names = key_names() if trusted is None else {}
        return Verification(
            outcome,
            message,
            packet_id=st.packet_id,
            proposal=st.proposal,
            title=st.title,
            decision=st.decision,
            approver=st.approver,
            decided_at=st.decided_at,
            content_digest=st.content_digest,
            package_digest=seal.digest,
            fingerprint=st.key,
            key_name=names.get(st.key, "a trusted key" if trusted and st.key in trusted else ""),
            problems=problems or [],
        )

    problems = layout_problems(data) + list(_part_changes(st.parts, part_digests(entries)))
    if problems:
        return result(Outcome.ALTERED, "altered: " + "; ".join(problems[:5]), problems)
    if statement_digest(st) != seal.digest:
        return result(Outcome.ALTERED, "altered: the seal's digest does not match its statement")
    keys = trusted_keys() if trusted is None else trusted
    public = keys.get(st.key)
    if public is None:
        return result(
            Outcome.UNKNOWN_KEY,
            f"sealed by key {st.key}, which this deployment does not trust: nothing can be "
            "said of who made it or what it said when issued",
        )
    if not signature_valid(public, seal.digest, seal.signature, SEAL_CONTEXT):
        return result(Outcome.ALTERED, "altered: the signature does not match the seal")
    found = extract(data)
    words = digest_of(found.items)
    shown = (found.integrity.get("packet_id"), found.integrity.get("digest"))
    if words != st.content_digest or shown != (st.packet_id, st.content_digest):
        return result(
            Outcome.ALTERED,
            f"altered: the document's words give digest {words} and its integrity section "
            f"names {shown[1]}; the seal names {st.content_digest}",
        )
    if st.draft:
        return result(Outcome.DRAFT, "a DRAFT preview, unchanged: not an approval packet")
    return result(Outcome.VALID, "valid: exactly as sealed")


def _readable_time(moment: str | None) -> str:
    if not moment:
        return ""
    try:
        return dt.datetime.fromisoformat(moment).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return moment


def _part_changes(signed: list[tuple[str, str]], actual: list[tuple[str, str]]) -> Iterator[str]:
    want, have = dict(signed), dict(actual)
    for name in sorted(have.keys() - want.keys()):
        yield f"part {name} was added"
    for name in sorted(want.keys() - have.keys()):
        yield f"part {name} was removed"
    for name in sorted(want.keys() & have.keys()):
        if want[name] != have[name]:
            yield f"part {name} was changed"


def _looks_like_a_packet(entries: dict[str, bytes]) -> bool:
    places = (entries.get(CUSTOM_PART, b""), entries.get("word/styles.xml", b""))
    return any(marker in place for marker in _MARKERS for place in places)


def _property(entries: dict[str, bytes], name: str) -> str:
    raw = entries.get(CUSTOM_PART)
    if not raw or len(raw) > 100_000:  # an unsealed file's properties: read only a small part
        return ""
    try:
        root = etree.fromstring(
            raw, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return ""
    for prop in root:
        if prop.get("name") == PROPERTY_PREFIX + name:
            return "".join(prop.itertext())
    return ""


# --- the words of the document ----------------------------------------------------------------


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
            elif tag == _NO_BREAK_HYPHEN:
                out.append("-")
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


def extract(data: bytes) -> Extracted:
    """The words before the integrity section, as the content digest covers them."""
    try:
        doc = Document(io.BytesIO(data))
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
            text = paragraph_text(element)
            if not in_integrity and text.strip():
                items.append(["p", text])
        elif in_integrity:
            for row in _rows(element):
                if len(row) >= 2 and row[0] in by_label:
                    integrity[by_label[row[0]]] = row[1].strip()
        else:
            items.append(["t", _rows(element)])
    return Extracted(items, integrity)
