"""Office packages (.docx, .xlsx) checked before any XML parser sees them.

Every reader of an untrusted Office file (vendor ACRs, questionnaires, approval packets
brought back for verification) calls :func:`check_package` first, so a ZIP bomb, an entry
that cannot be read, an XML part with a DOCTYPE or ENTITY (entity expansion) or a package of
the wrong kind is refused with one message naming the file, whichever reader it reached.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import FileProblem
from .safexml import MAX_ELEMENTS, start_tags, too_many

WORD_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
SPREADSHEET_MAIN = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)


@dataclass(frozen=True)
class Limits:
    """What an honest document of this kind never exceeds."""

    entries: int = 5_000
    uncompressed: int = 150_000_000
    ratio: int = 100  # for entries over 1 MB: expanded size / compressed size
    elements: int = MAX_ELEMENTS  # XML elements in all parts together (review/safexml.py)


DEFAULT_LIMITS = Limits()


def check_package(
    data: bytes,
    filename: str,
    *,
    main_types: tuple[str, ...] = WORD_MAIN,
    kind: str = ".docx",
    document: str = "Word .docx",
    wrong_kind: str = "save it as .docx",
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """Raise :class:`FileProblem` unless ``data`` is a sane Office package of ``main_types``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(f"{filename}: not a readable {kind} (ZIP) file ({exc})") from None
    with archive:
        entries = archive.infolist()
        _check_sizes(entries, filename, kind, limits)
        if "[Content_Types].xml" not in {e.filename for e in entries}:
            raise FileProblem(f"{filename}: not an Office {kind} file (no [Content_Types].xml)")
        read = elements = 0
        for entry in entries:
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            part = _Part(filename, entry.filename, limits.elements - elements)
            for chunk in _chunks(archive, entry, filename, limits.uncompressed - read + 1):
                read += len(chunk)
                if read > limits.uncompressed:
                    raise FileProblem(
                        f"{filename}: the {kind} expands to more than {limits.uncompressed:,} "
                        "bytes (a ZIP bomb?)"
                    )
                part.feed(chunk)
            elements += part.elements
            if entry.filename == "[Content_Types].xml" and not any(
                t.encode() in part.kept for t in main_types
            ):
                raise FileProblem(
                    f"{filename}: a ZIP/Office file but not a {document} document; {wrong_kind}"
                )


CHUNK = 1 << 20
_CARRY = 64  # longer than any pattern searched for across a chunk boundary


class _Part:
    """One XML part checked a chunk at a time, so a huge part is never held whole and is
    refused as soon as it holds too many elements (review/safexml.py) or a DOCTYPE."""

    def __init__(self, filename: str, name: str, elements_left: int) -> None:
        self.where = f"{filename}: entry {name!r}"
        self.left = elements_left
        self.elements = 0
        self.tail = b""
        self.kept = b""  # the first chunk: [Content_Types].xml is small
        self.utf16 = False

    def feed(self, chunk: bytes) -> None:
        if not self.kept:
            self.kept = chunk
            self.utf16 = chunk[:2] in (b"\xff\xfe", b"\xfe\xff")
        if self.utf16:  # chunks are of even length, so each decodes on its own
            chunk = chunk.decode("utf-16-le" if self.kept[:2] == b"\xff\xfe" else "utf-16-be",
                                 "replace").encode("utf-8", "replace")  # fmt: skip
        window = self.tail + chunk
        # counts of windows that overlap by the tail: a tag split across chunks counts once
        self.elements += start_tags(window) - start_tags(self.tail)
        if self.elements > self.left:
            raise too_many(self.where, self.left)
        if _DOCTYPE.search(window):
            raise FileProblem(
                f"{self.where} declares a DOCTYPE/ENTITY, which Office documents never "
                "need; refused (XML entity expansion)"
            )
        self.tail = window[-_CARRY:]


def _check_sizes(entries: list[zipfile.ZipInfo], filename: str, kind: str, limits: Limits) -> None:
    if len(entries) > limits.entries:
        raise FileProblem(
            f"{filename}: the {kind} holds {len(entries):,} entries; the limit is "
            f"{limits.entries:,}"
        )
    total = sum(e.file_size for e in entries)
    if total > limits.uncompressed:
        raise FileProblem(
            f"{filename}: the {kind} expands to {total:,} bytes; the limit is "
            f"{limits.uncompressed:,} bytes (a ZIP bomb?)"
        )
    for e in entries:
        if e.file_size > 1_000_000 and e.file_size > limits.ratio * max(e.compress_size, 1):
            ratio = e.file_size // max(e.compress_size, 1)
            raise FileProblem(
                f"{filename}: entry {e.filename!r} expands {ratio:,} times "
                f"({e.compress_size:,} to {e.file_size:,} bytes); the limit is "
                f"{limits.ratio} times (a ZIP bomb?)"
            )


def _chunks(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, filename: str, at_most: int
) -> Iterator[bytes]:
    """The entry's bytes in chunks, at most ``at_most`` of them (one more says "too big")."""
    try:
        with archive.open(entry) as handle:
            while at_most > 0:
                chunk = handle.read(min(CHUNK, at_most))
                if not chunk:
                    return
                at_most -= len(chunk)
                yield chunk
    # RuntimeError covers zipfile's refusal of an unsupported compression method
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
        raise FileProblem(f"{filename}: entry {entry.filename!r} cannot be read ({exc})") from None
