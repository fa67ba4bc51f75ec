"""The "What to ask vendors" Word document: the asks of early consultation, ready to paste
into a solicitation.

Built with python-docx's default template and Word's built-in styles (headings, a table with
a repeated header row), so it opens anywhere and reads well with a screen reader; the policy
sections it cites are quoted at the end, so a bidder needs nothing else to understand them.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

from ..services.vendor_asks import Ask


@dataclass(frozen=True)
class VendorBrief:
    """What the document says: the request, its likely review, and the asks."""

    title: str
    department: str
    tier: int
    reviews: list[str]
    asks: list[Ask]
    sections: dict[str, tuple[str, str]]  # cited id -> (title, text)
    standards: str  # the standards set and version the asks come from
    prepared: dt.date


def _header_row(table: Table) -> None:
    """Mark the first row as the table's header: repeated on every page, and announced as
    column headers by screen readers."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def vendor_questions_docx(brief: VendorBrief) -> bytes:
    doc = Document()
    doc.core_properties.title = f"What to ask vendors: {brief.title}"
    doc.core_properties.subject = "Early consultation (GEN-6)"
    doc.core_properties.author = brief.department
    doc.styles["Normal"].font.size = Pt(10.5)

    doc.add_heading("What to ask vendors", level=0)
    doc.add_paragraph(f"{brief.title} — {brief.department}")
    doc.add_paragraph(
        f"Prepared {brief.prepared.isoformat()} from the City's technology standards "
        f"{brief.standards}. Ask every bidder for these documents and terms before choosing "
        "one: the technology review will ask for each of them, and each cites the section of "
        "the City's technology review policy it serves (quoted at the end)."
    )
    reviews = ", ".join(brief.reviews) or "technology"
    doc.add_paragraph(f"Likely review: Tier {brief.tier}; reviews by {reviews}.")

    doc.add_heading("Documents and commitments", level=1)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("What to ask for", "Details", "Policy"), strict=True
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _header_row(table)
    for ask in brief.asks:
        cells = table.add_row().cells
        cells[0].text = ask.topic
        cells[1].text = ask.text
        cells[2].text = ", ".join(ask.cites)

    cited = sorted({c for ask in brief.asks for c in ask.cites}, key=_section_order)
    doc.add_heading("The policy sections cited", level=1)
    for section_id in cited:
        title, text = brief.sections.get(section_id, ("", ""))
        doc.add_heading(f"{section_id} {title}", level=2)
        for paragraph in text.split("\n\n"):
            doc.add_paragraph(" ".join(line.strip() for line in paragraph.splitlines()))

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _section_order(section_id: str) -> tuple[str, int]:
    prefix, _, number = section_id.partition("-")
    return prefix, int(number) if number.isdigit() else 0
