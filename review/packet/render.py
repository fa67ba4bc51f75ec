"""Blocks -> a Word document: template styles, letterhead and footer, deterministic bytes.

The body is written as WordprocessingML directly (lxml), which is what keeps a packet of a
thousand findings fast; styles, letterhead, footer and page setup come from the template.
The zip is then rewritten with a fixed entry order and timestamp, the core properties are
set from the packet's own date, and the packet's integrity values are added as custom
document properties, so the same content always gives the same bytes.
"""

from __future__ import annotations

import io
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
from .content import Block, Composition, Grid, Para
from .styles import PARAGRAPH_STYLES, TABLE_STYLE, ensure_styles, template_path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PART = "docProps/custom.xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PROPERTY_PREFIX = "ReviewPacket"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
HEADER_FILL = "1F3864"
KEY_FILL = "F2F2F2"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


@dataclass(frozen=True)
class Integrity:
    packet_id: str
    digest: str
    signature: str  # base64, or "" for an unsigned draft
    fingerprint: str  # "" for an unsigned draft

    def properties(self) -> dict[str, str]:
        return {
            f"{PROPERTY_PREFIX}Id": self.packet_id,
            f"{PROPERTY_PREFIX}Digest": self.digest,
            f"{PROPERTY_PREFIX}Signature": self.signature,
            f"{PROPERTY_PREFIX}KeyFingerprint": self.fingerprint,
            f"{PROPERTY_PREFIX}Format": "city-tech-review/packet/v1",
        }


INTEGRITY_HEADING = "Integrity"
INTEGRITY_LABELS = {
    "packet_id": "Packet id",
    "digest": "Content digest (SHA-256)",
    "signature": "Signature (Ed25519, base64)",
    "fingerprint": "Signing key fingerprint",
}


def integrity_blocks(integrity: Integrity) -> list[Block]:
    signed = bool(integrity.signature)
    return [
        Para("integrity_heading", INTEGRITY_HEADING),
        Para(
            "integrity",
            "The digest covers every word of this packet above this section: its paragraphs "
            "and every cell of its tables, in order (the letterhead, footer and formatting are "
            "not covered). The deployment's Ed25519 key signs the digest. Check a copy with "
            "`review packet verify FILE`: it reads the text back, recomputes the digest and "
            "checks the signature against the deployment's public keys.",
        ),
        Grid(
            rows=[
                [INTEGRITY_LABELS["packet_id"], integrity.packet_id],
                [INTEGRITY_LABELS["digest"], integrity.digest],
                [
                    INTEGRITY_LABELS["signature"],
                    integrity.signature if signed else "not signed (draft preview)",
                ],
                [
                    INTEGRITY_LABELS["fingerprint"],
                    integrity.fingerprint if signed else "not signed (draft preview)",
                ],
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


def _runs(out: list[str], text: str) -> None:
    """One run holding ``text``: newlines become line breaks, tabs become tab characters."""
    out.append("<w:r>")
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("<w:br/>")
        for index, piece in enumerate(line.split("\t")):
            if index:
                out.append("<w:tab/>")
            if piece:
                out.append(f'<w:t xml:space="preserve">{_esc(piece)}</w:t>')
    out.append("</w:r>")


def _paragraph(out: list[str], style_id: str, text: str) -> None:
    out.append(f'<w:p><w:pPr><w:pStyle w:val="{_esc(style_id)}"/></w:pPr>')
    if text:
        _runs(out, text)
    out.append("</w:p>")


def _table(out: list[str], grid: Grid, ids: dict[str, str], width: int) -> None:
    total = sum(grid.widths)
    cols = [max(200, width * part // total) for part in grid.widths]
    out.append(
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{_esc(ids["table"])}"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>'
    )
    out.extend(f'<w:gridCol w:w="{col}"/>' for col in cols)
    out.append("</w:tblGrid>")
    keyvalue = grid.kind == "keyvalue"
    cell_style, header_style = ids["cell"], ids["cell_header"]
    for r, row in enumerate(grid.rows):
        is_header = grid.header and r == 0
        out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if is_header else "<w:tr>")
        for c, text in enumerate(row):
            fill = (
                HEADER_FILL
                if is_header
                else grid.fills.get((r, c)) or (KEY_FILL if keyvalue and c == 0 else None)
            )
            shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{cols[min(c, len(cols) - 1)]}" w:type="dxa"/>'
                f"{shading}</w:tcPr>"
            )
            _paragraph(out, header_style if is_header else cell_style, text)
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")


def _fragment(out: list[str]) -> Any:
    return etree.fromstring(
        f'<w:body xmlns:w="{W_NS}">{"".join(out)}</w:body>'.encode(),
        parser=_PARSER,
    )


_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)


def _style_ids(doc: DocumentObject) -> dict[str, str]:
    ids = {logical: doc.styles[name].style_id for logical, name in PARAGRAPH_STYLES.items()}
    ids["table"] = doc.styles[TABLE_STYLE].style_id
    return ids


def _text_width(doc: DocumentObject) -> int:
    section = doc.sections[-1]
    sizes = (section.page_width, section.left_margin, section.right_margin)
    if any(size is None for size in sizes):
        return 9600
    page, left, right = (int(size or 0) for size in sizes)
    usable = page - left - right
    return max(2880, usable // 635)  # EMU -> twentieths of a point


BODY_MARKER = "@@review-packet-body@@"


def body_xml(doc: DocumentObject, blocks: Iterable[Block]) -> str:
    """The packet's body as WordprocessingML (``w:`` elements, no namespace declarations)."""
    ids = _style_ids(doc)
    width = _text_width(doc)
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            if block.text.strip():
                _paragraph(out, ids[block.style], block.text)
        else:
            _table(out, block, ids, width)
            # Word merges adjacent tables and needs a paragraph after a final one; an empty
            # paragraph is left out of the digest, so this never changes the content.
            _paragraph(out, ids["body"], "")
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
DRAFT_FOOTER = "DRAFT preview: not signed, not an approval. Final packet after the decision."


def mark_draft(doc: DocumentObject) -> None:
    """DRAFT in every header and footer of every section, so it is on every page."""
    ids = _style_ids(doc)
    for section in doc.sections:
        headers = [section.header]
        footers = [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if doc.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for parts, text in ((headers, DRAFT_HEADER), (footers, DRAFT_FOOTER)):
            for part in parts:
                out: list[str] = []
                _paragraph(out, ids["draft"], text)
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
        root = etree.fromstring(existing)
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
    types = etree.fromstring(entries["[Content_Types].xml"])
    part = f"/{CUSTOM_PART}"
    if not any(o.get("PartName") == part for o in types):
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", part)
        override.set("ContentType", CUSTOM_TYPE)
        entries["[Content_Types].xml"] = etree.tostring(
            types, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    rels = etree.fromstring(entries["_rels/.rels"])
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


def deterministic_zip(entries: dict[str, bytes]) -> bytes:
    """Fixed order ([Content_Types].xml first), fixed timestamps and attributes."""
    first = ["[Content_Types].xml", "_rels/.rels"]
    names = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(
                info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6
            )
    return out.getvalue()


def render(composition: Composition, integrity: Integrity, template: Path | None = None) -> bytes:
    doc = load_template(template)
    body = body_xml(doc, [*composition.blocks, *integrity_blocks(integrity)])
    clear_body(doc)
    if composition.draft:
        mark_draft(doc)
    _set_core(doc, composition)
    raw = io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    main = doc.part.partname.lstrip("/")
    entries[main] = splice_body(entries[main], body)
    _with_custom(entries, integrity.properties())
    return deterministic_zip(entries)
