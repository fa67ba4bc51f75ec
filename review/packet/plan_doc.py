"""The technology improvement plan as a Word document, in the packet's house style, for the
Council packet (issue 15).

It opens the packet's template (the admin's, if one is installed: docs/packets.md), so the
plan carries the same letterhead, fonts and named styles (``Packet Title``, ``Packet Heading
1``, ``Packet Table``, ...) as an approval packet. The page turns to landscape: a plan has a
column per fiscal year. It is not sealed: the plan is a working document of the budget, not a
decision record.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..services.plan import Plan
from .render import HEADER_FILL, load_template, w
from .styles import PARAGRAPH_STYLES, TABLE_STYLE
from .xml_text import clean

STATUS_TEXT = {"approved": "Approved", "pending": "Pending"}


def money(value: Decimal) -> str:
    return "–" if not value else f"{value:,.2f}"


def _empty(doc: DocumentObject) -> None:
    """The template's body emptied, its page setup (and so its letterhead) kept."""
    body = doc.element.body
    for child in list(body):
        if child.tag != w("sectPr"):
            body.remove(child)


def _landscape(doc: DocumentObject) -> None:
    for section in doc.sections:
        if section.orientation != WD_ORIENT.LANDSCAPE:
            width, height = section.page_width, section.page_height
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width


def _shade(cell: object, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _table(doc: DocumentObject, head: list[str], rows: list[list[str]], numeric_from: int) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = doc.styles[TABLE_STYLE]
    for c, text in enumerate(head):
        cell = table.rows[0].cells[c]
        cell.text = ""
        paragraph = cell.paragraphs[0]
        paragraph.style = doc.styles[PARAGRAPH_STYLES["cell_header"]]
        paragraph.add_run(clean(text))
        _shade(cell, HEADER_FILL)
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))  # repeat the header row on every page
    for row in rows:
        cells = table.add_row().cells
        for c, text in enumerate(row):
            paragraph = cells[c].paragraphs[0]
            paragraph.style = doc.styles[PARAGRAPH_STYLES["cell"]]
            paragraph.add_run(clean(text))
            if c >= numeric_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _paragraph(doc: DocumentObject, style: str, text: str) -> None:
    doc.add_paragraph(clean(text), style=doc.styles[PARAGRAPH_STYLES[style]])


def plan_document(plan: Plan, *, template: Path | None = None) -> bytes:
    """The plan as .docx bytes."""
    doc = load_template(template)
    _empty(doc)
    _landscape(doc)
    first, last = plan.labels[plan.years[0]], plan.labels[plan.years[-1]]
    keys: list[int | str] = ["earlier", *plan.years, "later"]
    years = [f"Before {first}", *(plan.labels[y] for y in plan.years), f"After {last}", "Total"]
    _paragraph(doc, "title", "Technology improvement plan")
    _paragraph(doc, "subtitle", f"{first} to {last}, as of {plan.as_of.isoformat()}")
    _paragraph(
        doc,
        "body",
        "Approved and pending technology requests, their one-time and annual costs spread "
        f"over the City's fiscal years ({first} begins {plan.first_day.isoformat()}), by "
        "department and funding source. Amounts in US dollars; annual costs escalate as each "
        "request states; a project starts on its contract's start date, else the day it was "
        "approved, else (pending) the plan's date.",
    )
    everything = plan.totals()
    total_row = [plan.column(everything, k) for k in keys] + [sum(everything.values(), Decimal(0))]
    _paragraph(doc, "heading1", "By department and funding source")
    group_rows = [
        [g.department, g.funding_source.replace("_", " ")]
        + [money(plan.column(g.by_year, k)) for k in keys]
        + [money(g.total)]
        for g in plan.groups
    ]
    group_rows.append(["Total", ""] + [money(v) for v in total_row])
    _table(doc, ["Department", "Funding source", *years], group_rows, numeric_from=2)
    _paragraph(doc, "heading1", "Projects")
    if not plan.projects:
        _paragraph(doc, "body", "No approved or pending projects.")
    project_rows = [
        [
            f"{p.ref} {p.title}",
            p.department,
            p.funding_source.replace("_", " "),
            f"{STATUS_TEXT[p.status]} ({p.stage.replace('_', ' ')})",
            p.start.isoformat(),
        ]
        + [money(plan.column(p.by_year, k)) for k in keys]
        + [money(p.total)]
        for p in plan.projects
    ]
    project_rows.append(["Total", "", "", "", ""] + [money(v) for v in total_row])
    heads = ["Project", "Department", "Funding", "Stage", "Starts", *years]
    _table(doc, heads, project_rows, numeric_from=5)
    doc.core_properties.title = "Technology improvement plan"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
