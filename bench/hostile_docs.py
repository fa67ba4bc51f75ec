"""Hostile documents built on demand (too large to keep in the repository): a real ACR
whose body is replaced by millions of empty paragraphs, each followed by one random
whitespace byte so that it compresses only about 30 times (under the ZIP ratio limit) and
fits the size limits, as the attack in issue 12 did."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

DRUPAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "acr" / "drupal-10-16.docx"
_WHITESPACE = bytes(b" \n\t\r"[i % 4] for i in range(256))
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body>"
)
TAIL = b"</w:body></w:document>"


def empty_paragraphs(count: int) -> bytes:
    body = bytearray(b"<w:p/>_" * count)
    body[6::7] = os.urandom(count).translate(_WHITESPACE)
    return HEAD + bytes(body) + TAIL


def paragraph_bomb(count: int = 20_000_000) -> bytes:
    """The Drupal ACR with ``word/document.xml`` replaced by ``count`` empty paragraphs."""
    out = io.BytesIO()
    with zipfile.ZipFile(DRUPAL) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for entry in source.infolist():
            if entry.filename == "word/document.xml":
                z.writestr(entry.filename, empty_paragraphs(count), compresslevel=1)
            else:
                z.writestr(entry, source.read(entry))
    return out.getvalue()
