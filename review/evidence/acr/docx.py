"""Word ``.docx`` reports, zip-checked by ``review.safezip`` before python-docx opens them."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from ...errors import FileProblem
from ...safezip import WORD_MAIN, Limits, check_package
from .common import (
    _NOISE,
    MAX_TABLE_CELLS,
    _Doc,
    _Table,
)

MAX_UNCOMPRESSED = 150_000_000
MAX_RATIO = 100
MAX_ZIP_ENTRIES = 5_000

# paragraphs that name the table below them: "Table 2", "Chapter 3", "Section 1194.22 ..."
_CONTEXT = r"^(?:table|chapter)\s+\d+\b|^(?:section\s+|§\s*)?1194\.\d"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_zip(data: bytes, filename: str) -> None:
    """Refuse zip bombs and XML with a DOCTYPE before python-docx sees the package."""
    check_package(
        data,
        filename,
        main_types=WORD_MAIN,
        wrong_kind="(a macro-enabled .docm, spreadsheet or presentation?); save the ACR as "
        ".docx or PDF",
        limits=Limits(MAX_ZIP_ENTRIES, MAX_UNCOMPRESSED, MAX_RATIO),
    )


def _read_docx(data: bytes, filename: str) -> _Doc:
    _check_zip(data, filename)
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise FileProblem(
            f"{filename}: not a readable Word document ({type(exc).__name__}: {exc})"
        ) from None

    body = document.element.body
    tag_p, tag_tbl = qn("w:p"), qn("w:tbl")
    blocks: list[str] = []
    tables: list[_Table] = []
    context = ""
    title = ""
    cells = 0

    def walk(element: Any) -> Iterator[Any]:
        for child in element.iterchildren():
            if child.tag in (tag_p, tag_tbl):
                yield child
            else:
                yield from walk(child)

    for element in walk(body):
        if element.tag == tag_p:
            paragraph = Paragraph(element, document._body)
            text = paragraph.text.strip()
            if not text:
                continue
            blocks.append(text)
            style = paragraph.style.name if paragraph.style is not None else ""
            is_heading = (style or "").lower().startswith(("heading", "title"))
            if is_heading and not title:
                title = text
            if is_heading or re.match(_CONTEXT, text, re.I):
                context = _NOISE.sub("", text).strip()
            continue
        table = Table(element, document._body)
        grid: list[list[str]] = []
        for row in table.rows:
            texts: list[str] = [""] * row.grid_cols_before
            previous: Any = None
            for c in row.cells:
                # a horizontally merged cell is repeated: keep the same str object so the
                # column logic can tell one merged cell from two equal cells
                texts.append(texts[-1] if c._tc is previous and texts else c.text)
                previous = c._tc
            cells += len(texts)
            if cells > MAX_TABLE_CELLS:
                raise FileProblem(f"{filename}: more than {MAX_TABLE_CELLS:,} table cells")
            grid.append(texts)
        tables.append(_Table(context, grid))
    return _Doc(blocks, tables, title)
