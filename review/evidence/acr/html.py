"""HTML reports, read with the standard library's parser (no entities beyond HTML's own)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from ...errors import FileProblem
from .common import _NOISE, MAX_SPAN, MAX_TABLE_CELLS, _Doc, _Table

# --------------------------------------------------------------------------- HTML


_SPACES = re.compile(r"\s+")


class _HtmlReader(HTMLParser):
    _BLOCK = frozenset(
        [
            "p",
            "div",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "br",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "caption",
            "dt",
            "dd",
            "blockquote",
            "pre",
            "hr",
            "main",
            "nav",
            "aside",
            "figure",
            "figcaption",
        ]
    )
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.tables: list[_Table] = []
        self.title = ""
        self._text: list[str] = []
        self._skip = 0
        self._heading = ""
        self._in_heading: list[str] | None = None
        self._in_title = False
        # per open table: rows of (text parts, colspan, rowspan); current row; current cell
        self._stack: list[dict[str, Any]] = []
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
        if self._skip:
            return
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and not self._stack:
            self._flush()
            self._in_heading = []
        if tag == "table":
            self._flush()
            self._stack.append({"rows": [], "row": None, "cell": None, "context": self._heading})
            return
        if self._stack:
            top = self._stack[-1]
            if tag == "tr":
                top["row"] = []
                top["rows"].append(top["row"])
            elif tag in {"td", "th"}:
                if top["row"] is None:
                    top["row"] = []
                    top["rows"].append(top["row"])
                a = dict(attrs)
                top["cell"] = [[], _span(a.get("colspan")), _span(a.get("rowspan"))]
                top["row"].append(top["cell"])
                self._cells += 1
                if self._cells > MAX_TABLE_CELLS:
                    raise FileProblem(f"more than {MAX_TABLE_CELLS:,} table cells")
            elif tag in self._BLOCK and top["cell"] is not None:
                top["cell"][0].append("\n")
        elif tag in self._BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
        if self._skip:
            return
        if tag == "table" and self._stack:
            top = self._stack.pop()
            self.tables.append(_Table(top["context"], _grid(top["rows"])))
            return
        if self._stack:
            top = self._stack[-1]
            if tag in {"td", "th"}:
                top["cell"] = None
            elif tag == "tr":
                top["row"] = None
            elif tag in self._BLOCK and top["cell"] is not None:
                top["cell"][0].append("\n")
            return
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._in_heading is not None:
            heading = " ".join("".join(self._in_heading).split())
            self._heading = _NOISE.sub("", heading).strip() or self._heading
            self._in_heading = None
            self._flush()
        elif tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.title:
            self.title = " ".join(data.split())
        if self._skip:
            return
        if self._stack:
            cell = self._stack[-1]["cell"]
            if cell is not None:
                cell[0].append(_SPACES.sub(" ", data))
            return
        if self._in_heading is not None:
            self._in_heading.append(data)
        self._text.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append(text)
        self._text = []

    def close(self) -> None:
        super().close()
        while self._stack:
            top = self._stack.pop()
            self.tables.append(_Table(top["context"], _grid(top["rows"])))
        self._flush()


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_SPAN))
    except ValueError:
        return 1


def _grid(rows: list[list[list[Any]]]) -> list[list[str]]:
    """Lay out HTML rows with colspan/rowspan; a spanned cell's text fills each position."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        out: list[str] = []
        c = 0
        for parts, colspan, rowspan in row:
            while (r, c) in pending:
                out.append(pending.pop((r, c)))
                c += 1
            text = "".join(parts)
            for _ in range(colspan):
                out.append(text)
                for k in range(1, rowspan):
                    if r + k < len(rows):
                        pending[(r + k, c)] = text
                c += 1
        while (r, c) in pending:
            out.append(pending.pop((r, c)))
            c += 1
        grid.append(out)
    return grid


def _read_html(text: str, filename: str) -> _Doc:
    reader = _HtmlReader()
    try:
        reader.feed(text)
        reader.close()
    except FileProblem as exc:
        raise FileProblem(f"{filename}: {exc}") from None
    return _Doc(reader.blocks, reader.tables, reader.title)
