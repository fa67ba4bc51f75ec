"""Reading a packet back with python-docx, the way any other program would."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


@dataclass
class Read:
    paragraphs: list[tuple[str, str]]  # (style name, text)
    tables: list[tuple[str, list[list[str]]]]  # (the heading before it, rows)
    headers: list[str]
    footers: list[str]
    properties: dict[str, str]

    @property
    def text(self) -> str:
        parts = [t for _, t in self.paragraphs]
        for _, rows in self.tables:
            parts.extend(cell for row in rows for cell in row)
        return "\n".join(parts)

    def table(self, heading: str) -> list[list[str]]:
        """Rows of every table under headings that start with ``heading``."""
        rows: list[list[str]] = []
        for title, table in self.tables:
            if title.startswith(heading):
                rows.extend(table)
        return rows


def read(data: bytes) -> Read:
    doc = Document(io.BytesIO(data))
    paragraphs: list[tuple[str, str]] = []
    tables: list[tuple[str, list[list[str]]]] = []
    heading = ""
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, doc)
            style = paragraph.style.name if paragraph.style is not None else ""
            paragraphs.append((style or "", paragraph.text))
            if "Heading" in (style or ""):
                heading = paragraph.text
        elif tag == "tbl":
            table = Table(element, doc)
            tables.append((heading, [[cell.text for cell in row.cells] for row in table.rows]))
    headers = [p.text for s in doc.sections for p in s.header.paragraphs]
    footers = [p.text for s in doc.sections for p in s.footer.paragraphs]
    properties: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "docProps/custom.xml" in archive.namelist():
            from lxml import etree  # type: ignore[import-untyped]

            root = etree.fromstring(archive.read("docProps/custom.xml"))
            for prop in root:
                properties[str(prop.get("name"))] = "".join(prop.itertext())
    return Read(paragraphs, tables, headers, footers, properties)
