"""Ways to tamper with a packet, each as a reader of the forged copy would see it.

Each technique takes a sealed packet's bytes and returns a forged copy. Those marked
"invisible" kept the words a text-only check reads (the checks packets had before the seal)
while changing what a reader sees; every one of them must verify as altered (or, re-sealed
by a key this deployment does not know, as unknown_key). ``make_corpus.py`` writes one file
per technique to tests/data/packets/, and the tests run both the committed files and fresh
forgeries of a packet built now.
"""

from __future__ import annotations

import base64
import io
import json
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from docx import Document

from review.packet.keys import SigningKey
from review.packet.package import deterministic_zip, read_entries
from review.packet.seal import (
    SEAL_CONTEXT,
    SEAL_PART,
    SEAL_REL,
    SEAL_TYPE,
    Seal,
    parse_seal,
    part_digests,
    seal_bytes,
    statement_digest,
)

DOCUMENT = "word/document.xml"
FORGED = "Approved unconditionally by resolution 2026-777."
MARK = "2026-777"  # in every forged text: a reader of the PDF sees it


@dataclass(frozen=True)
class Technique:
    name: str
    expected: str  # the outcome verify must give: altered | unknown_key | valid | draft
    what: str
    forge: Callable[[bytes], bytes]


def _edit(data: bytes, part: str, change: Callable[[str], str]) -> bytes:
    entries = read_entries(data)
    before = entries[part].decode("utf-8")
    after = change(before)
    assert after != before, f"the technique changed nothing in {part}"
    entries[part] = after.encode("utf-8")
    return deterministic_zip(entries)


def _run(text: str, props: str = "") -> str:
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _before_sect(xml: str, insert: str) -> str:
    at = xml.rindex("<w:sectPr")
    return xml[:at] + insert + xml[at:]


def appended_paragraph(data: bytes) -> bytes:
    """A paragraph after the integrity section (the old verifier stopped reading there)."""
    return _edit(data, DOCUMENT, lambda x: _before_sect(x, f"<w:p>{_run(FORGED)}</w:p>"))


def _number_at(xml: str, number: str) -> int:
    """Where a number such as F-1 is written (its hyphen may be a non-breaking one)."""
    letters, digits = number.split("-")
    kept = f'>{letters}</w:t><w:noBreakHyphen/><w:t xml:space="preserve">{digits}<'
    found = [at for at in (xml.find(f">{number}<"), xml.find(kept)) if at >= 0]
    return min(found)


def _first_cell(xml: str, text: str) -> int:
    """Where the cell holding ``text`` ends (its closing tag)."""
    at = xml.index(f">{text}</w:t>")
    return xml.index("</w:tc>", at)


def nested_table(data: bytes) -> bytes:
    """A table inside a cell of the conditions summary (the old reader skipped nested rows)."""
    nested = (
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="2000" '
        f'w:type="dxa"/></w:tcPr><w:p>{_run("Condition withdrawn by resolution 2026-777.")}'
        "</w:p></w:tc></w:tr>"
        "</w:tbl><w:p/>"
    )

    def change(xml: str) -> str:
        at = _first_cell(xml, "Owner")
        return xml[:at] + nested + xml[at:]

    return _edit(data, DOCUMENT, change)


def vml_text_box(data: bytes) -> bytes:
    """A VML text box over page 1 saying what the approver did not say."""
    box = (
        '<w:p><w:r><w:pict><v:shape id="forged" style="position:absolute;margin-left:0;'
        'margin-top:0;width:300pt;height:40pt;z-index:10" fillcolor="white">'
        f"<v:textbox><w:txbxContent><w:p>{_run(FORGED)}</w:p></w:txbxContent></v:textbox>"
        "</v:shape></w:pict></w:r></w:p>"
    )
    return _edit(data, DOCUMENT, lambda x: x.replace("<w:body>", "<w:body>" + box, 1))


def drawingml_text_box(data: bytes) -> bytes:
    """A DrawingML (Word 2010 shape) text box, with its VML fallback."""
    box = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="10" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="page"><wp:posOffset>900000</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="page"><wp:posOffset>1800000</wp:posOffset></wp:positionV>'
        '<wp:extent cx="3600000" cy="500000"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapNone/><wp:docPr id="901" name="Forged"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="3600000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        '</a:prstGeom><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></wps:spPr>'
        f"<wps:txbx><w:txbxContent><w:p>{_run(FORGED)}</w:p></w:txbxContent></wps:txbx>"
        "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        "</mc:Choice><mc:Fallback/></mc:AlternateContent></w:r></w:p>"
    )
    return _edit(data, DOCUMENT, lambda x: x.replace("<w:body>", "<w:body>" + box, 1))


def vanished_row(data: bytes) -> bytes:
    """Every run of the first finding row hidden (its words are still in the file)."""

    def change(xml: str) -> str:
        at = _number_at(xml, "F-1")
        start = xml.rindex("<w:tr>", 0, at)
        end = xml.index("</w:tr>", at)
        row = xml[start:end].replace("<w:r>", "<w:r><w:rPr><w:vanish/></w:rPr>")
        return xml[:start] + row + xml[end:]

    return _edit(data, DOCUMENT, change)


def white_text(data: bytes) -> bytes:
    """The decision's reason in white, one-point text: there, and unreadable."""

    def change(xml: str) -> str:
        at = xml.index(">Reason<")
        at = xml.index("<w:r>", xml.index("</w:tc>", at))
        props = '<w:rPr><w:color w:val="FFFFFF"/><w:sz w:val="2"/></w:rPr>'
        return xml[:at] + "<w:r>" + props + xml[at + len("<w:r>") :]

    return _edit(data, DOCUMENT, change)


def changed_cell(data: bytes) -> bytes:
    """The first blocker becomes a minor finding."""
    return _edit(data, DOCUMENT, lambda x: x.replace(">Blocker<", ">Minor<", 1))


def deleted_row(data: bytes) -> bytes:
    """The first finding row removed."""

    def change(xml: str) -> str:
        at = _number_at(xml, "F-1")
        start = xml.rindex("<w:tr>", 0, at)
        end = xml.index("</w:tr>", at) + len("</w:tr>")
        return xml[:start] + xml[end:]

    return _edit(data, DOCUMENT, change)


def extra_part(data: bytes) -> bytes:
    """A part the seal does not list (and nothing refers to)."""
    entries = read_entries(data)
    entries["word/forged.xml"] = f"<forged>{FORGED}</forged>".encode()
    return deterministic_zip(entries)


def _part_named(data: bytes, prefix: str) -> str:
    return next(n for n in read_entries(data) if n.startswith(prefix) and n.endswith(".xml"))


def changed_header(data: bytes) -> bytes:
    """The letterhead names another department."""
    part = _part_named(data, "word/header")
    return _edit(
        data,
        part,
        lambda x: x.replace("Department of Digital Service", f"Council resolution {MARK}"),
    )


def changed_footer(data: bytes) -> bytes:
    """The footer's where-to-verify line points elsewhere."""
    part = _part_named(data, "word/footer")
    return _edit(data, part, lambda x: x.replace("verify:", "verify at https://forged.example:"))


def added_comment(data: bytes) -> bytes:
    """A Word comment on the decision ("Council overruled this")."""
    entries = read_entries(data)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    entries["word/comments.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{w}">'
        '<w:comment w:id="0" w:author="Council" w:date="2026-12-01T00:00:00Z" w:initials="CC">'
        f"<w:p>{_run(FORGED)}</w:p></w:comment></w:comments>"
    ).encode()
    types = entries["[Content_Types].xml"].decode()
    entries["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.comments+xml"/></Types>',
    ).encode()
    rels = entries["word/_rels/document.xml.rels"].decode()
    entries["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdForged" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/comments" Target="comments.xml"/></Relationships>',
    ).encode()
    document = entries[DOCUMENT].decode()
    at = document.index("<w:r>")
    entries[DOCUMENT] = (
        document[:at]
        + '<w:commentRangeStart w:id="0"/>'
        + document[at:].replace(
            "</w:p>",
            '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>',
            1,
        )
    ).encode()
    return deterministic_zip(entries)


def _without_seal(entries: dict[str, bytes]) -> None:
    del entries[SEAL_PART]
    types = entries["[Content_Types].xml"].decode()
    entries["[Content_Types].xml"] = re.sub(
        rf'<Override PartName="/{re.escape(SEAL_PART)}" ContentType="{re.escape(SEAL_TYPE)}"/>',
        "",
        types,
    ).encode()
    rels = entries["_rels/.rels"].decode()
    entries["_rels/.rels"] = re.sub(
        rf'<Relationship Id="[^"]+" Type="{re.escape(SEAL_REL)}" Target="[^"]+"/>', "", rels
    ).encode()


def stripped_seal(data: bytes) -> bytes:
    """The seal removed, nothing else changed."""
    entries = read_entries(data)
    _without_seal(entries)
    return deterministic_zip(entries)


def stripped_seal_changed(data: bytes) -> bytes:
    """The seal removed and a blocker turned minor (it must not pass as a draft)."""
    entries = read_entries(changed_cell(data))
    _without_seal(entries)
    return deterministic_zip(entries)


def _reseal(entries: dict[str, bytes], key: SigningKey, **changes: object) -> bytes:
    seal = parse_seal(entries[SEAL_PART])
    statement = seal.statement.model_copy(
        update={"parts": part_digests(entries), "key": key.fingerprint, **changes}
    )
    digest = statement_digest(statement)
    entries[SEAL_PART] = seal_bytes(
        Seal(statement=statement, digest=digest, signature=key.sign(digest, SEAL_CONTEXT))
    )
    return deterministic_zip(entries)


def resealed_by(data: bytes, key: SigningKey, *, change: bool = True) -> bytes:
    """A blocker turned minor (unless not ``change``), and the packet sealed again by ``key``
    (the seal's content digest, the integrity section and the footer left as they were)."""
    return _reseal(read_entries(changed_cell(data) if change else data), key)


def resealed_by_another_key(data: bytes) -> bytes:
    """Content changed and sealed again, correctly, by a key this deployment never had."""
    return resealed_by(data, SigningKey(Ed25519PrivateKey.generate(), Path("(elsewhere)")))


def _rewrite_seal(data: bytes, change: Callable[[Seal], Seal]) -> bytes:
    entries = read_entries(data)
    entries[SEAL_PART] = seal_bytes(change(parse_seal(entries[SEAL_PART])))
    return deterministic_zip(entries)


def forged_signature(data: bytes) -> bytes:
    """The seal's signature replaced by 64 zero bytes."""
    zero = base64.b64encode(bytes(64)).decode()
    return _rewrite_seal(data, lambda s: s.model_copy(update={"signature": zero}))


def edited_statement(data: bytes) -> bytes:
    """The seal's statement names another approver (its digest left as it was)."""
    return _rewrite_seal(
        data,
        lambda s: s.model_copy(
            update={"statement": s.statement.model_copy(update={"approver": "City Council"})}
        ),
    )


def edited_statement_redigested(data: bytes) -> bytes:
    """Another approver, with the statement's digest recomputed (but no key to sign it)."""

    def change(s: Seal) -> Seal:
        statement = s.statement.model_copy(update={"approver": "City Council"})
        return s.model_copy(update={"statement": statement, "digest": statement_digest(statement)})

    return _rewrite_seal(data, change)


def changed_parts_and_list(data: bytes) -> bytes:
    """A blocker turned minor and the seal's list of parts updated to match (not re-signed)."""
    entries = read_entries(changed_cell(data))
    seal = parse_seal(entries[SEAL_PART])
    statement = seal.statement.model_copy(update={"parts": part_digests(entries)})
    entries[SEAL_PART] = seal_bytes(seal.model_copy(update={"statement": statement}))
    return deterministic_zip(entries)


def non_canonical_seal(data: bytes) -> bytes:
    """The seal's JSON pretty-printed (same values): a seal is exactly its canonical form."""
    entries = read_entries(data)
    value = json.loads(entries[SEAL_PART])
    entries[SEAL_PART] = json.dumps(value, indent=2).encode()
    return deterministic_zip(entries)


def duplicate_entry(data: bytes) -> bytes:
    """A second word/document.xml in the ZIP: one reader shows the first, another the last."""
    forged = read_entries(changed_cell(data))[DOCUMENT]
    out = io.BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr(zipfile.ZipInfo(DOCUMENT, (1980, 1, 1, 0, 0, 0)), forged)
    return out.getvalue()


def prepended_data(data: bytes) -> bytes:
    """Bytes before the first entry (a polyglot file), every part unchanged."""
    return b"%PDF-1.7 forged preface\n" * 4 + data


def zip_comment(data: bytes) -> bytes:
    """A ZIP archive comment, every part unchanged."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.comment = FORGED.encode()
    return out.getvalue()


def resaved(data: bytes) -> bytes:
    """Opened and saved again, unchanged, by another program (python-docx): not as sealed."""
    out = io.BytesIO()
    Document(io.BytesIO(data)).save(out)
    return out.getvalue()


def draft_as_final(data: bytes) -> bytes:
    """A DRAFT whose seal claims it is final (for the draft packet; not re-signed)."""
    return _rewrite_seal(
        data,
        lambda s: s.model_copy(
            update={"statement": s.statement.model_copy(update={"draft": False})}
        ),
    )


TECHNIQUES = (
    Technique(
        "appended-paragraph",
        "altered",
        "a paragraph after the integrity section",
        appended_paragraph,
    ),
    Technique("nested-table", "altered", "a table nested in a cell", nested_table),
    Technique("vml-text-box", "altered", "a VML text box", vml_text_box),
    Technique("drawingml-text-box", "altered", "a DrawingML text box", drawingml_text_box),
    Technique("vanished-row", "altered", "a finding row hidden with w:vanish", vanished_row),
    Technique("white-text", "altered", "the reason in white 1-point text", white_text),
    Technique("extra-part", "altered", "an extra part in the package", extra_part),
    Technique("changed-header", "altered", "the letterhead changed", changed_header),
    Technique("changed-footer", "altered", "the footer changed", changed_footer),
    Technique("added-comment", "altered", "a comment added", added_comment),
    Technique("changed-cell", "altered", "a cell's text changed", changed_cell),
    Technique("deleted-row", "altered", "a finding row deleted", deleted_row),
    Technique("stripped-seal", "altered", "the seal removed", stripped_seal),
    Technique(
        "stripped-seal-changed",
        "altered",
        "the seal removed, a cell changed",
        stripped_seal_changed,
    ),
    Technique(
        "resealed-other-key",
        "unknown_key",
        "changed and sealed by another key",
        resealed_by_another_key,
    ),
    Technique("forged-signature", "altered", "the signature replaced", forged_signature),
    Technique("edited-statement", "altered", "the seal names another approver", edited_statement),
    Technique(
        "edited-statement-redigested",
        "altered",
        "another approver, the seal's digest recomputed",
        edited_statement_redigested,
    ),
    Technique(
        "changed-parts-and-list",
        "altered",
        "a cell changed, the parts list updated",
        changed_parts_and_list,
    ),
    Technique("non-canonical-seal", "altered", "the seal re-serialised", non_canonical_seal),
    Technique("duplicate-entry", "altered", "a second document.xml in the ZIP", duplicate_entry),
    Technique("prepended-data", "altered", "bytes before the first ZIP entry", prepended_data),
    Technique("zip-comment", "altered", "a ZIP comment", zip_comment),
    Technique("resaved", "altered", "re-saved unchanged by another program", resaved),
)
DRAFT_TECHNIQUES = (
    Technique("draft-as-final", "altered", "a DRAFT's seal claims it is final", draft_as_final),
)
