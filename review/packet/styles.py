"""The named styles the packet builder uses, and the default template built from them.

An admin may replace the template (see docs/packets.md); any of these styles it lacks is
added with the default look below, so a minimal template still produces a complete packet.
Run ``python -m review.packet.styles`` to regenerate the shipped default template.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_TEMPLATE = TEMPLATES / "packet-template.docx"
TEMPLATE_ENV = "REVIEW_PACKET_TEMPLATE"

# logical name -> style name in the template (what an admin sees in Word's Styles pane)
PARAGRAPH_STYLES = {
    "title": "Packet Title",
    "subtitle": "Packet Subtitle",
    "heading1": "Packet Heading 1",
    "heading2": "Packet Heading 2",
    "summary_heading": "Packet Summary Heading",
    "body": "Packet Body",
    "note": "Packet Note",
    "draft": "Packet Draft Mark",
    "integrity_heading": "Packet Integrity Heading",
    "integrity": "Packet Integrity",
    "cell": "Packet Table Text",
    "cell_header": "Packet Table Header",
    "letterhead": "Packet Letterhead",
    "footer": "Packet Footer",
}
TABLE_STYLE = "Packet Table"

FONT = "Arial"  # Word has it; LibreOffice uses the metric-compatible Liberation Sans
# name: (based on, size pt, bold, colour hex or None, space before pt, space after pt)
_LOOK: dict[str, tuple[str, float, bool, str | None, float, float]] = {
    "Packet Title": ("Title", 24, True, "1F3864", 0, 6),
    "Packet Subtitle": ("Subtitle", 14, False, "404040", 0, 12),
    "Packet Heading 1": ("Heading 1", 14, True, "1F3864", 16, 6),
    "Packet Heading 2": ("Heading 2", 11.5, True, "2F5496", 10, 4),
    "Packet Summary Heading": ("Heading 3", 10, True, "2F5496", 6, 2),
    "Packet Body": ("Normal", 10, False, None, 0, 6),
    "Packet Note": ("Normal", 8.5, False, "595959", 0, 4),
    "Packet Draft Mark": ("Normal", 20, True, "C00000", 0, 6),
    "Packet Integrity Heading": ("Heading 1", 14, True, "1F3864", 16, 6),
    "Packet Integrity": ("Normal", 8.5, False, None, 0, 4),
    "Packet Table Text": ("Normal", 8, False, None, 0, 0),
    "Packet Table Header": ("Normal", 8, True, "FFFFFF", 0, 0),
    "Packet Letterhead": ("Header", 9, True, "1F3864", 0, 0),
    "Packet Footer": ("Footer", 7.5, False, "595959", 0, 0),
}


def _style_names(doc: DocumentObject) -> set[str]:
    return {s.name for s in doc.styles if s.name}


def ensure_styles(doc: DocumentObject) -> None:
    """Add every packet style the document lacks (an admin's template may omit some)."""
    present = _style_names(doc)
    for name, (base, size, bold, colour, before, after) in _LOOK.items():
        if name in present:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base in present:
            style.base_style = doc.styles[base]
        style.quick_style = True
        font = style.font
        font.name = FONT  # the table layout's widths are estimated for this font
        font.size = Pt(size)
        font.bold = bold
        if colour:
            font.color.rgb = RGBColor.from_string(colour)
        fmt = style.paragraph_format
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        if name == "Packet Draft Mark":
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if name in (
            "Packet Heading 1",
            "Packet Integrity Heading",
            "Packet Heading 2",
            "Packet Summary Heading",
        ):
            fmt.keep_with_next = True
    if TABLE_STYLE not in present:
        table = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        if "Table Grid" in present:
            table.base_style = doc.styles["Table Grid"]
        else:  # borders of our own
            _table_borders(table.element)


def _table_borders(style_element: object) -> None:
    tbl_pr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), "4")
        border.set(qn("w:space"), "0")
        border.set(qn("w:color"), "808080")
        borders.append(border)
    tbl_pr.append(borders)
    style_element.append(tbl_pr)  # type: ignore[attr-defined]


def _field(paragraph: object, instruction: str) -> None:
    """A PAGE / NUMPAGES field Word fills in when it lays out the pages."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    paragraph.add_run("1")  # type: ignore[attr-defined]  # the result until Word updates it
    end = paragraph.add_run()  # type: ignore[attr-defined]
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)


def make_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    """Build the default template: styles, A4/Letter margins, letterhead and footer."""
    doc = Document()
    ensure_styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # US Letter
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    section.header_distance, section.footer_distance = Cm(0.8), Cm(0.8)

    header = section.header
    first = header.paragraphs[0]
    first.text = "City of Springfield \u00b7 Department of Digital Service"
    first.style = doc.styles["Packet Letterhead"]
    header.add_paragraph(
        "Technology procurement review \u00b7 100 Main Street \u00b7 "
        "digital@springfield.example.gov",
        style="Packet Footer",
    )

    footer = section.footer
    par = footer.paragraphs[0]
    par.style = doc.styles["Packet Footer"]
    par.add_run("City technology review \u00b7 page ")
    _field(par, "PAGE")
    par.add_run(" of ")
    _field(par, "NUMPAGES")

    # The body of the template is replaced by the packet; leave one sample line for editors.
    doc.add_paragraph(
        "Packet content goes here. Edit the letterhead, the footer and the Packet styles; "
        "the body of this template is replaced when a packet is built.",
        style="Packet Note",
    )
    props = doc.core_properties
    props.author = "City of Springfield"
    props.title = "Technology approval packet template"
    props.last_modified_by = "review"
    props.comments = ""
    props.revision = 1
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    # python-docx's default package carries a thumbnail of its own sample page: drop it.
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_id]
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def template_path() -> Path:
    """REVIEW_PACKET_TEMPLATE, else the data directory's packet-template.docx, else ours."""
    from ..settings import settings
    from ..store.database import data_dir

    named = settings().packet_template
    if named:
        return named
    local = data_dir() / "packet-template.docx"
    return local if local.is_file() else DEFAULT_TEMPLATE


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TEMPLATE
    sys.stdout.write(f"wrote {make_default_template(target)}\n")
