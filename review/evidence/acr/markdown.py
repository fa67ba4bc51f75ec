"""Markdown reports: pipe tables and headings."""

from __future__ import annotations

import html
import re

from ...errors import FileProblem
from .common import MAX_TABLE_CELLS, _Doc, _Table
from .html import _read_html

# --------------------------------------------------------------------------- Markdown

_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_TAG = re.compile(r"<[^>]{0,200}>")


def _md_inline(text: str) -> str:
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_TAG.sub("", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])", r"\1", text)
    text = text.replace("\\|", "|")
    return html.unescape(text)


def _read_markdown(text: str, filename: str) -> _Doc:
    lines = text.splitlines()
    blocks: list[str] = []
    tables: list[_Table] = []
    heading = ""
    title = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("|") and i + 1 < len(lines) and _MD_SEPARATOR.match(lines[i + 1]):
            rows: list[list[str]] = []
            j = i
            while j < len(lines) and lines[j].strip().startswith("|"):
                if j != i + 1:
                    body = lines[j].strip()
                    body = body[1:-1] if body.endswith("|") and len(body) > 1 else body[1:]
                    rows.append([_md_inline(c) for c in re.split(r"(?<!\\)\|", body)])
                j += 1
            tables.append(_Table(heading, rows))
            if sum(len(r) for r in rows) > MAX_TABLE_CELLS:
                raise FileProblem(f"{filename}: more than {MAX_TABLE_CELLS:,} table cells")
            i = j
            continue
        if stripped[:6].lower() == "<table":
            # an HTML table inside the Markdown (GitHub renders it): read it as HTML
            end = i
            while end < len(lines) and "</table>" not in lines[end].lower():
                end += 1
            chunk = _read_html("\n".join(lines[i : end + 1]), filename)
            tables.extend(_Table(heading, t.rows) for t in chunk.tables)
            if sum(len(r) for t in tables for r in t.rows) > MAX_TABLE_CELLS:
                raise FileProblem(f"{filename}: more than {MAX_TABLE_CELLS:,} table cells")
            i = end + 1
            continue
        if stripped.startswith("#"):
            heading = _md_inline(stripped.lstrip("#").strip())
            title = title or heading
            blocks.append(heading)
        elif stripped:
            blocks.append(_md_inline(re.sub(r"^(?:[-*+]|\d+\.)\s+", "", stripped)))
        i += 1
    return _Doc(blocks, tables, title)
