"""The entry point: choose the reader by content, then by extension."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Literal

from ...core.safeyaml import decode as _decode_utf8
from ...errors import FileProblem
from .build import _build, _meta_from_blocks
from .common import MAX_BYTES, AcrResult
from .docx import _OLE, _read_docx
from .html import _read_html
from .markdown import _read_markdown
from .pdf import _read_pdf
from .tables import _rows_from_tables
from .yaml import _parse_openacr

# --------------------------------------------------------------------------- entry point


def _decode_text(data: bytes, filename: str, warnings: list[str]) -> str:
    try:
        return _decode_utf8(data, source=filename)
    except FileProblem:
        if b"\x00" in data[:4096]:
            raise
        warnings.append("the file is not UTF-8; read as Windows-1252")
        return data.decode("cp1252", "replace")


def parse_acr(data: bytes, *, filename: str) -> AcrResult:
    """Read an Accessibility Conformance Report; raise ``FileProblem`` when it cannot be read."""
    size = len(data)
    if size > MAX_BYTES:
        raise FileProblem(
            f"{filename}: the ACR is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (25 MB)"
        )
    if not data.strip():
        raise FileProblem(f"{filename}: file is empty")
    ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    warnings: list[str] = []
    binary = _parse_binary(data, filename, ext, warnings)
    if binary is not None:
        return binary
    if ext in {".yaml", ".yml", ".json"}:
        return _parse_openacr(_decode_utf8(data, source=filename), filename)
    text = _decode_text(data, filename, warnings)
    kind: Literal["html", "markdown"] | None = None
    if ext in {".html", ".htm", ".xhtml"}:
        kind = "html"
    elif ext in {".md", ".markdown", ".txt"}:
        kind = "markdown"
    elif "<html" in text[:4096].lower() or "<table" in text[:200_000].lower():
        kind = "html"
    elif re.search(r"^\s*\|.*\|\s*$", text, re.M):
        kind = "markdown"
    if kind is not None:
        doc = _read_html(text, filename) if kind == "html" else _read_markdown(text, filename)
        rows = _rows_from_tables(doc.tables, warnings)
        return _build(filename, kind, _meta_from_blocks(doc), rows, warnings)
    if re.search(r"^chapters\s*:", text, re.M):
        return _parse_openacr(text, filename)
    raise FileProblem(
        f"{filename}: not a format this reader knows; attach the ACR as .docx, PDF, HTML, "
        "Markdown or OpenACR YAML"
    )


def _parse_binary(data: bytes, filename: str, ext: str, warnings: list[str]) -> AcrResult | None:
    """Word and PDF reports (legacy .doc/.rtf refused); None for a text format."""
    if data.startswith(_OLE):
        raise FileProblem(
            f"{filename}: a legacy Word 97-2003 (.doc) file, which is not read; save the ACR as "
            ".docx or PDF and attach that"
        )
    if data.startswith(b"PK\x03\x04") or ext in {".docx", ".dotx"}:
        if not data.startswith(b"PK"):
            raise FileProblem(f"{filename}: named .docx but is not a Word .docx (ZIP) file")
        doc = _read_docx(data, filename)
        return _build(
            filename,
            "docx",
            _meta_from_blocks(doc),
            _rows_from_tables(doc.tables, warnings),
            warnings,
        )
    if data.lstrip()[:5] == b"%PDF-" or ext == ".pdf":
        if not data.lstrip().startswith(b"%PDF-"):
            raise FileProblem(f"{filename}: named .pdf but is not a PDF file")
        doc, rows = _read_pdf(data, filename, warnings)
        return _build(filename, "pdf", _meta_from_blocks(doc), rows, warnings)
    if ext in {".doc", ".rtf"} or data.startswith(b"{\\rtf"):
        raise FileProblem(
            f"{filename}: a legacy Word (.doc/.rtf) file, which is not read; save the ACR as "
            ".docx or PDF and attach that"
        )
    return None
