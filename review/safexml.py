"""How many elements an untrusted XML part may hold, counted before any parser builds them.

Bytes and compression ratio do not bound a parser's work: ``<w:p/>`` is six bytes, so a few
megabytes of ZIP can hold 20 million empty paragraphs, which python-docx (lxml) builds into
gigabytes of objects over minutes. Every Office package is checked with these, a chunk at a time, in
:func:`review.safezip.check_package`, before a parser sees it: start tags are counted with
byte searches (no parsing, no allocation per element) and a part over the limit is refused.
The count is an upper bound (a ``<`` inside a comment or CDATA counts too), never under.
"""

from __future__ import annotations

from .errors import FileProblem

MAX_ELEMENTS = 2_000_000  # a 500-page ACR has a few hundred thousand elements


def start_tags(raw: bytes) -> int:
    """Start (and empty-element) tags in UTF-8 XML: every ``<`` that does not open an end
    tag, a processing instruction or a declaration/comment/CDATA."""
    return raw.count(b"<") - raw.count(b"</") - raw.count(b"<?") - raw.count(b"<!")


def too_many(where: str, limit: int) -> FileProblem:
    return FileProblem(
        f"{where} holds more than {limit:,} XML elements; the limit is {limit:,} "
        "(an honest document never needs so many)"
    )


def check_elements(raw: bytes, where: str, *, limit: int = MAX_ELEMENTS) -> int:
    """The part's element count, or :class:`FileProblem` naming ``where`` when over ``limit``."""
    count = start_tags(raw)
    if count > limit:
        raise too_many(where, limit)
    return count
