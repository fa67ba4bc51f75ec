"""Column widths that never break a word in the middle.

Word and LibreOffice break a word inside a table cell only when the word is wider than the
cell. So each column is made at least as wide as its widest word (at the cell text's size,
plus the cell's margins), and whatever width is left is shared by the columns' relative
weights. Widths are estimated from Arial's metrics (the packet styles use Arial, which
LibreOffice replaces with the metric-compatible Liberation Sans), with a margin for fonts a
little wider. A word wider than ``LONGEST_WORD`` of the table (a long URL, a digest) would
break anyway and is not allowed to squeeze the other columns.

Line-break opportunities are those both programs use: spaces (and zero-width spaces), and
after a hyphen that is not followed by a digit (``SEC-007-end-of-support`` may break after
``SEC-007-``); the renderer writes a hyphen before a digit as Word's non-breaking hyphen, so
``2027-03-31`` and ``F-12`` stay whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Helvetica/Arial advance widths in 1/1000 em, for the printable ASCII characters.
_ASCII_WIDTHS = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 "  # space to /
    "556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 "  # 0-9 : ; < = > ?
    "1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "  # @ A-O
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 "  # P-Z [ \\ ] ^ _
    "333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 "  # ` a-o
    "556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"  # p-z { | } ~
)
WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII_WIDTHS.split())}
WIDE = 1000  # CJK ideographs, emoji
OTHER = 600  # any other character: a little wider than Arial's average letter
BOLD = 1.1
SAFETY = 1.15  # fonts a little wider than Arial (DejaVu Sans where Liberation is missing)
CELL_MARGINS = 2 * 108 + 40  # twips: Word's default left and right cell margins, and borders
LONGEST_WORD = 0.45  # of the table's width
_BREAKS = re.compile("[\\s\u200b]+|(?<=-)(?=\\D)")


def char_width(char: str) -> int:
    known = WIDTHS.get(char)
    if known is not None:
        return known
    code = ord(char)
    if 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or code >= 0x1F000:
        return WIDE
    return OTHER


@lru_cache(maxsize=65_536)
def word_twips(word: str, size_pt: float, bold: bool = False) -> int:
    """The width of one unbreakable word, in twentieths of a point."""
    em = sum(char_width(c) for c in word)
    return int(em / 1000 * size_pt * 20 * (BOLD if bold else 1.0) * SAFETY) + 1


def words(text: str) -> list[str]:
    return [w for w in _BREAKS.split(text) if w]


def widest_word(text: str, size_pt: float, bold: bool = False) -> int:
    return max((word_twips(w, size_pt, bold) for w in words(text)), default=0)


def column_widths(
    rows: list[list[str]],
    weights: tuple[int, ...],
    total: int,
    *,
    size_pt: float,
    header: bool,
) -> list[int]:
    """Twips per column: the weights' share of ``total``, widened where a word needs it."""
    count = len(weights)
    cap = int(total * LONGEST_WORD)
    need = [0] * count
    for r, row in enumerate(rows):
        bold = header and r == 0
        for c, text in enumerate(row[:count]):
            need[c] = max(need[c], min(cap, widest_word(text, size_pt, bold) + CELL_MARGINS))
    if sum(need) >= total:  # cannot honour every word: share in proportion to need
        return _scaled(need, total)
    fixed: dict[int, int] = {}
    while True:
        free = total - sum(fixed.values())
        weight = sum(weights[c] for c in range(count) if c not in fixed)
        share = {c: free * weights[c] // weight for c in range(count) if c not in fixed}
        short = {c: need[c] for c, width in share.items() if width < need[c]}
        if not short:
            widths = [fixed.get(c, share.get(c, 0)) for c in range(count)]
            widths[-1] += total - sum(widths)  # rounding
            return widths
        fixed.update(short)


def _scaled(need: list[int], total: int) -> list[int]:
    whole = sum(need) or 1
    widths = [max(200, n * total // whole) for n in need]
    widths[-1] += total - sum(widths)
    return widths
