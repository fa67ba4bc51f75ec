"""The review queue as a real table: headers a screen reader announces with every cell, a
link per row that names its request ("Open P-7"), and, below 640 px, one labelled card per
row (each cell preceded by its header), so a phone shows a readable list, not a squeezed grid.

Every value is escaped: titles and departments are people's text, shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from review.ui import words

REQUEST_URL = "request"  # the request page's address (st.Page infers it from request.py)

STYLE = """<style>
table.review-queue { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
table.review-queue caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
table.review-queue th, table.review-queue td {
  border-bottom: 1px solid rgba(128, 128, 128, 0.35); padding: 0.4rem 0.5rem;
  text-align: left; vertical-align: top; overflow-wrap: normal; word-break: normal; }
table.review-queue a.open { display: inline-block; padding: 0.25rem 0.6rem; white-space: nowrap;
  border: 1px solid currentColor; border-radius: 0.4rem; text-decoration: none; }
table.review-queue a.open:focus { outline: 3px solid #1c5fb4; outline-offset: 2px; }
@media (max-width: 640px) {
  table.review-queue thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  table.review-queue, table.review-queue caption, table.review-queue tbody,
  table.review-queue tr, table.review-queue td { display: block; width: 100%;
    box-sizing: border-box; }
  table.review-queue tr { border: 1px solid rgba(128, 128, 128, 0.5); border-radius: 0.5rem;
    margin: 0 0 0.75rem 0; padding: 0.25rem 0.5rem; }
  table.review-queue td { border: none; padding: 0.2rem 0; }
  table.review-queue td::before { content: attr(data-label) ": "; font-weight: 600; }
  table.review-queue td.open-cell::before { content: none; }
}
</style>"""


@dataclass(frozen=True)
class Row:
    id: int
    ref: str
    key: str  # what makes the row unique among the page's rows (its domain)
    cells: tuple[str, ...]  # in the order of the headers, already words


def html(caption: str, headers: tuple[str, ...], rows: list[Row]) -> str:
    """The table as HTML; each link's id is ``open-<ref>-<key>``. The caption, headers and
    cells come in the reader's words (the page translates them); the table's own words go
    through the catalogs here."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in (*headers, words.t("Open")))
    body = []
    for row in rows:
        cells = [
            f'<td data-label="{escape(h, quote=True)}">{escape(v)}</td>'
            for h, v in zip(headers, row.cells, strict=True)
        ]
        href = escape(f"{REQUEST_URL}?{urlencode({'id': row.id})}", quote=True)
        anchor = escape(f"open-{row.ref}-{row.key}", quote=True)
        link = escape(words.t("Open %(ref)s") % {"ref": row.ref})
        cells.append(
            f'<td class="open-cell"><a class="open" id="{anchor}" href="{href}" '
            f'target="_self">{link}</a></td>'
        )
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'{STYLE}<table class="review-queue"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def text_table(caption: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Any list of words as the same table (cards below 640 px), without links: a wide list
    stays readable on a phone, where a grid would scroll sideways out of a keyboard's reach."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{escape(h, quote=True)}">{escape(v)}</td>'
            for h, v in zip(headers, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'{STYLE}<table class="review-queue"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
