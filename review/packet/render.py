"""Blocks -> a sealed Word document: template styles, letterhead and footer, same bytes always.

The body is written as WordprocessingML directly (lxml), which is what keeps a packet of a
thousand findings fast; styles, letterhead, footer and page setup come from the template.
Every footer gets a line with the packet id, its content digest and where to verify it.
The zip is then rewritten with a fixed entry order and timestamp, the core properties are
set from the packet's own date, and the seal (:mod:`.seal`) is computed over every part and
signed, so the same content, template and key always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from lxml import etree  # type: ignore[import-untyped]

from ..errors import ConfigurationError
from .content import Block, Composition, Grid, PageBreak, Para, utc
from .keys import SigningKey
from .layout import column_widths
from .package import deterministic_zip
from .seal import (
    SEAL_CONTEXT,
    SEAL_FORMAT,
    SEAL_PART,
    Seal,
    Statement,
    add_references,
    part_digests,
    seal_bytes,
    statement_digest,
)
from .styles import PARAGRAPH_STYLES, TABLE_STYLE, ensure_styles, template_path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PART = "docProps/custom.xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PROPERTY_PREFIX = "ReviewPacket"
HEADER_FILL = "1F3864"
KEY_FILL = "F2F2F2"
CELL_TEXT_PT = 8.0  # when the template's table text style has no size of its own
VERIFY_PAGE = "Verify a packet"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


@dataclass(frozen=True)
class Integrity:
    """What the integrity section and the footer print (all known before signing)."""

    packet_id: str
    digest: str  # the content digest
    fingerprint: str  # the signing key's

    def properties(self) -> dict[str, str]:
        return {
            f"{PROPERTY_PREFIX}Id": self.packet_id,
            f"{PROPERTY_PREFIX}Digest": self.digest,
            f"{PROPERTY_PREFIX}KeyFingerprint": self.fingerprint,
            f"{PROPERTY_PREFIX}Format": SEAL_FORMAT,
        }


@dataclass(frozen=True)
class Rendered:
    data: bytes
    signature: str
    package_digest: str


INTEGRITY_HEADING = "Integrity"
INTEGRITY_LABELS = {
    "packet_id": "Packet id",
    "digest": "Content digest (SHA-256)",
    "fingerprint": "Signing key fingerprint",
    "verify": "Where to verify",
}


def where_to_verify(verify_at: str) -> str:
    place = f"{VERIFY_PAGE} at {verify_at}" if verify_at else f"{VERIFY_PAGE} in the workspace"
    return f"{place}, or `review packet verify FILE`"


def integrity_blocks(integrity: Integrity, verify_at: str, draft: bool) -> list[Block]:
    kind = (
        "This DRAFT preview is sealed too: it verifies as a draft, never as valid. "
        if draft
        else ""
    )
    return [
        Para("integrity_heading", INTEGRITY_HEADING),
        Para(
            "integrity",
            "The content digest is SHA-256 over every word above this section: its paragraphs "
            "and every cell of its tables, in order. The deployment's Ed25519 key signs a seal, "
            "kept inside this file, that lists the content digest and the exact bytes of every "
            "part of the file: the text, the letterhead, headers and footers, formatting and "
            "properties. Any change, even re-saving the file in Word, makes it altered; the "
            f"system of record rebuilds an identical copy at any time. {kind}"
            f"Check a copy on the {where_to_verify(verify_at)}.",
        ),
        Grid(
            rows=[
                [INTEGRITY_LABELS["packet_id"], integrity.packet_id],
                [INTEGRITY_LABELS["digest"], integrity.digest],
                [INTEGRITY_LABELS["fingerprint"], integrity.fingerprint],
                [INTEGRITY_LABELS["verify"], where_to_verify(verify_at)],
            ],
            widths=(3, 7),
            header=False,
            kind="keyvalue",
        ),
    ]


# --- template -----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _template_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    return Path(path).read_bytes()


def load_template(path: Path | None = None) -> DocumentObject:
    chosen = path or template_path()
    try:
        stat = chosen.stat()
        data = _template_bytes(str(chosen), stat.st_mtime_ns, stat.st_size)
        doc = Document(io.BytesIO(data))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ConfigurationError(
            f"cannot use the packet template {chosen}: {exc} (save it from Word as a .docx)"
        ) from None
    ensure_styles(doc)
    return doc


# --- writing the body ---------------------------------------------------------------------


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_KEEP_HYPHEN = re.compile(r"-(?=\d)")
_NO_BREAK = '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">'


def _runs(out: list[str], text: str) -> None:
    """One run holding ``text``: newlines become line breaks, tabs become tab characters, and
    a hyphen before a digit (2027-03-31, PKT-1-1, F-12) never ends a line."""
    out.append("<w:r>")
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("<w:br/>")
        for index, piece in enumerate(line.split("\t")):
            if index:
                out.append("<w:tab/>")
            if piece:
                kept = _KEEP_HYPHEN.sub(_NO_BREAK, _esc(piece))
                out.append(f'<w:t xml:space="preserve">{kept}</w:t>')
    out.append("</w:r>")


def _paragraph(out: list[str], style_id: str, text: str, *, new_page: bool = False) -> None:
    brk = "<w:pageBreakBefore/>" if new_page else ""
    out.append(f'<w:p><w:pPr><w:pStyle w:val="{_esc(style_id)}"/>{brk}</w:pPr>')
    if text:
        _runs(out, text)
    out.append("</w:p>")


@dataclass(frozen=True)
class Look:
    ids: dict[str, str]  # logical style name -> style id in this template
    width: int  # text width in twips
    cell_pt: float  # size of table text


_NO_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{edge} w:val="nil"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)
_LINE = (
    '<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tcBorders>'
)


def _fill(grid: Grid, r: int, c: int, is_header: bool) -> str | None:
    if is_header:
        return HEADER_FILL
    if (grid.kind == "keyvalue" and c == 0) or (grid.kind == "facts" and c in (0, 2)):
        return KEY_FILL
    return grid.fills.get((r, c))


def _table(out: list[str], grid: Grid, look: Look) -> None:
    cols = column_widths(
        grid.rows, grid.widths, look.width, size_pt=look.cell_pt, header=grid.header
    )
    signature = grid.kind == "signature"
    out.append(
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{_esc(look.ids["table"])}"/>'
        f'<w:tblW w:w="{look.width}" w:type="dxa"/>'
        + (_NO_BORDERS if signature else "")
        + '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>'
    )
    out.extend(f'<w:gridCol w:w="{col}"/>' for col in cols)
    out.append("</w:tblGrid>")
    for r, row in enumerate(grid.rows):
        is_header = grid.header and r == 0
        if is_header:
            out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>")
        elif signature:
            out.append('<w:tr><w:trPr><w:trHeight w:val="500" w:hRule="atLeast"/></w:trPr>')
        else:
            out.append("<w:tr>")
        for c, text in enumerate(row):
            fill = _fill(grid, r, c, is_header)
            shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
            line = _LINE if signature and c % 2 == 1 else ""
            valign = '<w:vAlign w:val="bottom"/>' if signature else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{cols[min(c, len(cols) - 1)]}" w:type="dxa"/>'
                f"{line}{shading}{valign}</w:tcPr>"
            )
            _paragraph(out, look.ids["cell_header" if is_header else "cell"], text)
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")


_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)


def _fragment(out: list[str]) -> Any:
    return etree.fromstring(
        f'<w:body xmlns:w="{W_NS}">{"".join(out)}</w:body>'.encode(),
        parser=_PARSER,
    )


def _look(doc: DocumentObject) -> Look:
    ids = {logical: doc.styles[name].style_id for logical, name in PARAGRAPH_STYLES.items()}
    ids["table"] = doc.styles[TABLE_STYLE].style_id
    size = doc.styles[PARAGRAPH_STYLES["cell"]].font.size
    return Look(ids, _text_width(doc), size.pt if size is not None else CELL_TEXT_PT)


def _text_width(doc: DocumentObject) -> int:
    section = doc.sections[-1]
    sizes = (section.page_width, section.left_margin, section.right_margin)
    if any(size is None for size in sizes):
        return 9600
    page, left, right = (int(size or 0) for size in sizes)
    usable = page - left - right
    return max(2880, usable // 635)  # EMU -> twentieths of a point


BODY_MARKER = "@@review-packet-body@@"
PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def body_xml(doc: DocumentObject, blocks: Iterable[Block]) -> str:
    """The packet's body as WordprocessingML (``w:`` elements, no namespace declarations)."""
    look = _look(doc)
    shown = [b for b in blocks if not isinstance(b, Para) or b.text.strip()]
    out: list[str] = []
    new_page = False
    for index, block in enumerate(shown):
        following = shown[index + 1] if index + 1 < len(shown) else None
        if isinstance(block, PageBreak):
            new_page = True
            continue
        if isinstance(block, Para):
            _paragraph(out, look.ids[block.style], block.text, new_page=new_page)
        else:
            if new_page:
                out.append(PAGE_BREAK)
            _table(out, block, look)
            # Word merges adjacent tables and needs a paragraph after a final one; an empty
            # paragraph is left out of the content digest.
            if not isinstance(following, Para):
                _paragraph(out, look.ids["note"], "")
        new_page = False
    _fragment(out)  # well-formed, or fail here rather than in Word
    return "".join(out)


def clear_body(doc: DocumentObject) -> None:
    """Empty the template's body (keeping its page setup) and leave a marker paragraph where
    the packet's body is spliced into the serialised part (moving a large lxml subtree into
    python-docx's tree costs more than building it)."""
    body = doc.element.body
    sect = body.find(w("sectPr"))
    for child in list(body):
        body.remove(child)
    marker: list[str] = []
    _paragraph(marker, "Normal", BODY_MARKER)
    for child in list(_fragment(marker)):
        body.append(child)
    if sect is not None:
        body.append(sect)


def splice_body(document_xml: bytes, body: str) -> bytes:
    text = document_xml.decode("utf-8")
    at = text.index(BODY_MARKER)
    start = max(text.rfind("<w:p>", 0, at), text.rfind("<w:p ", 0, at))
    end = text.index("</w:p>", at) + len("</w:p>")
    return (text[:start] + body + text[end:]).encode("utf-8")


DRAFT_HEADER = "DRAFT \u2014 NOT AN ISSUED APPROVAL PACKET \u2014 DRAFT"
DRAFT_FOOTER = "DRAFT preview: not an approval. Final packet after the decision."


def footer_line(composition: Composition, integrity: Integrity) -> str:
    return (
        f"{composition.packet_id} \u00b7 content digest (SHA-256) {integrity.digest} \u00b7 "
        f"verify: {where_to_verify(composition.verify_at)}"
    )


def _headers_and_footers(doc: DocumentObject) -> tuple[list[Any], list[Any]]:
    """Every header and footer of every section that a page can show."""
    headers: list[Any] = []
    footers: list[Any] = []
    for section in doc.sections:
        headers.append(section.header)
        footers.append(section.footer)
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if doc.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
    return headers, footers


def mark_pages(doc: DocumentObject, composition: Composition, integrity: Integrity) -> None:
    """The digest and where to verify in every footer; DRAFT in every header and footer of a
    preview, so both are on every page."""
    look = _look(doc)
    headers, footers = _headers_and_footers(doc)
    lines: list[tuple[list[Any], str, str]] = [
        (footers, look.ids["footer"], footer_line(composition, integrity))
    ]
    if composition.draft:
        lines += [
            (headers, look.ids["draft"], DRAFT_HEADER),
            (footers, look.ids["draft"], DRAFT_FOOTER),
        ]
    for parts, style, text in lines:
        for part in parts:
            out: list[str] = []
            _paragraph(out, style, text)
            for child in list(_fragment(out)):
                part._element.append(child)


# --- package ------------------------------------------------------------------------------


def _set_core(doc: DocumentObject, composition: Composition) -> None:
    props = doc.core_properties
    moment = composition.dated.replace(microsecond=0)
    props.title = composition.title[:250]
    props.subject = composition.subject[:250]
    props.identifier = composition.packet_id
    props.category = "DRAFT approval packet" if composition.draft else "Approval packet"
    props.keywords = "technology review; approval packet"
    props.last_modified_by = "review"
    props.revision = 1
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.content_status = "Draft" if composition.draft else "Final"


def _custom_xml(existing: bytes | None, values: dict[str, str]) -> bytes:
    if existing:
        root = etree.fromstring(existing, parser=_PARSER)
        for prop in list(root):
            if str(prop.get("name", "")).startswith(PROPERTY_PREFIX):
                root.remove(prop)
    else:
        root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    pid = max([int(p.get("pid", "1")) for p in root] + [1])
    for name, value in values.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property")
        prop.set("fmtid", FMTID)
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_custom(entries: dict[str, bytes], values: dict[str, str]) -> None:
    entries[CUSTOM_PART] = _custom_xml(entries.get(CUSTOM_PART), values)
    types = etree.fromstring(entries["[Content_Types].xml"], parser=_PARSER)
    part = f"/{CUSTOM_PART}"
    if not any(o.get("PartName") == part for o in types):
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", part)
        override.set("ContentType", CUSTOM_TYPE)
        entries["[Content_Types].xml"] = etree.tostring(
            types, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    rels = etree.fromstring(entries["_rels/.rels"], parser=_PARSER)
    if not any(r.get("Type") == CUSTOM_REL for r in rels):
        taken = {r.get("Id") for r in rels}
        number = 1
        while f"rId{number}" in taken:
            number += 1
        rel = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
        rel.set("Id", f"rId{number}")
        rel.set("Type", CUSTOM_REL)
        rel.set("Target", CUSTOM_PART)
        entries["_rels/.rels"] = etree.tostring(
            rels, xml_declaration=True, encoding="UTF-8", standalone=True
        )


def _iso(moment: dt.datetime) -> str:
    return utc(moment).replace(microsecond=0).isoformat()


def _seal(
    entries: dict[str, bytes], composition: Composition, integrity: Integrity, key: SigningKey
) -> Rendered:
    add_references(entries)
    statement = Statement(
        format=SEAL_FORMAT,
        packet_id=composition.packet_id,
        proposal=composition.proposal,
        title=composition.request_title,
        draft=composition.draft,
        decision=composition.decision,
        approver=composition.approver,
        decided_at=None if composition.decided_at is None else _iso(composition.decided_at),
        dated=_iso(composition.dated),
        content_digest=integrity.digest,
        key=key.fingerprint,
        verify_at=composition.verify_at,
        parts=part_digests(entries),
    )
    digest = statement_digest(statement)
    signature = key.sign(digest, SEAL_CONTEXT)
    entries[SEAL_PART] = seal_bytes(Seal(statement=statement, digest=digest, signature=signature))
    return Rendered(deterministic_zip(entries), signature, digest)


def render_packet(
    composition: Composition,
    integrity: Integrity,
    key: SigningKey,
    template: Path | None = None,
) -> Rendered:
    if integrity.fingerprint != key.fingerprint:
        raise ValueError("the integrity section must name the key that seals the packet")
    doc = load_template(template)
    body = body_xml(
        doc,
        [
            *composition.blocks,
            *integrity_blocks(integrity, composition.verify_at, composition.draft),
        ],
    )
    clear_body(doc)
    mark_pages(doc, composition, integrity)
    _set_core(doc, composition)
    raw = io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    main = doc.part.partname.lstrip("/")
    entries[main] = splice_body(entries[main], body)
    _with_custom(entries, integrity.properties())
    return _seal(entries, composition, integrity, key)
