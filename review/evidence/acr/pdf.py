"""PDF reports, read line by line from pypdf's text extraction (table columns are lost)."""

from __future__ import annotations

import io
import re

from ...errors import FileProblem
from .common import (
    _ALSO,
    _CRIT_ID,
    _HEADING_ROW,
    _SEPARATORS,
    MAX_PDF_PAGES,
    ComponentTerm,
    _component_name,
    _components,
    _Doc,
    _Row,
    _wcag,
    nfkc,
)

# --------------------------------------------------------------------------- PDF

_TERM_ALTERNATION = (
    r"supports?\s+with\s+(?:minor\s+|some\s+)?exceptions?|partial(?:ly)?(?:\s+support(?:s|ed)?)?"
    r"|does\s*n[o']?t\s+supports?|doesn't\s+supports?|not\s+supported|not\s+applicable|n/a"
    r"|not\s+evaluated|supports|supported"
)
_KNOWN_LABELS = (
    r"web|electronic\s+doc(?:ument)?s?|software|authoring\s+tools?|hardware|support\s+docs?"
    r"|support\s+documentation|mobile"
)
_PDF_TERM = re.compile(
    rf"(?:(?P<label>{_KNOWN_LABELS})\s*:\s*)?(?P<term>{_TERM_ALTERNATION})\b", re.I
)
_PDF_BREAK = re.compile(r"^(?:table|chapter)\s+\d+\b", re.I)
_PDF_BULLETS = str.maketrans(dict.fromkeys("\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u25aa\u25cf\u2023", "•"))


def _read_pdf(data: bytes, filename: str, warnings: list[str]) -> tuple[_Doc, list[_Row]]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileProblem(f"{filename}: the PDF is encrypted; attach an unprotected copy")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise FileProblem(
                f"{filename}: the PDF has {len(pages):,} pages; the limit is {MAX_PDF_PAGES}"
            )
        texts = [page.extract_text() or "" for page in pages]
    except FileProblem:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise FileProblem(f"{filename}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    # Word's list bullets come out of a PDF as Symbol-font private-use glyphs (U+F0B7 and
    # kin): read them as the bullet they are, so they separate component terms
    texts = [text.translate(_PDF_BULLETS) for text in texts]
    lines = [" ".join(nfkc(line).split()) for text in texts for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise FileProblem(f"{filename}: the PDF has no extractable text (a scanned image?)")

    rows: list[_Row] = []
    chunk: list[str] = []
    section = ""
    blocks: list[str] = []

    def finish() -> None:
        if chunk:
            row = _pdf_row(chunk, section, warnings)
            if row is not None:
                rows.append(row)
            chunk.clear()

    for line in lines:
        if _CRIT_ID.match(line) and not re.match(r"^\d+\.\d+\s*$", line):
            finish()
            chunk.append(line)
        elif _PDF_BREAK.match(line):
            finish()
            section = line
            blocks.append(line)
        elif chunk:
            chunk.append(line)
        else:
            blocks.append(line)
    finish()
    blocks = _unwrap_header(blocks)
    return _Doc(blocks, [], blocks[0] if blocks else ""), rows


_LABEL = r"(?:name\s+of\s+(?:the\s+)?product(?:\s*/\s*version)?|product\s+name|report\s+date|date)"
_LABELS_ONLY = re.compile(rf"^(?:{_LABEL}\s*:\s*){{2,}}$", re.I)
_DATE_AT_END = re.compile(
    r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?"
    r"\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?,?\s+\d{4})\s*$"
)
_VERSION_END = re.compile(r"\bv?\d+(?:\.\d+)+\w*\s*$")


def _unwrap_header(blocks: list[str]) -> list[str]:
    """Header lines as one label and its value, however the PDF's layout wrapped them.

    * "Name of Product/" + "Version: Acme 4.2": a label broken across lines is joined.
    * "Name of Product/Version: Report Date:" + "Acme Portal 4.2 March 3, 2025": a header
      table's labels on one line and its values on the next are paired (the date is the value
      that ends the line).
    * "Name of Product/Version: Acme Enterprise Content" + "Management Platform 4.2": a
      product name without a version continues on the next line when that line ends with one.
    """
    blocks = list(blocks)
    out: list[str] = []
    i = 0
    while i < len(blocks):
        line, nxt = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else ""
        if nxt and (line.endswith("/") or re.fullmatch(r"name of(?: the)?", line, re.I)):
            blocks[i + 1] = f"{line}{'' if line.endswith('/') else ' '}{nxt}"
            i += 1  # the joined label is read again: its value may wrap too
            continue
        if nxt and _LABELS_ONLY.match(line) and ":" not in nxt:
            date = _DATE_AT_END.search(nxt)
            labels = [m.strip() for m in re.findall(rf"{_LABEL}", line, re.I)]
            product = nxt[: date.start()].strip() if date else nxt
            for label in labels:
                is_date = "date" in label.lower()
                value = (date.group(1) if date else "") if is_date else product
                out.append(f"{label}: {value}")
            i += 2
            continue
        m = re.match(rf"^{_LABEL}\s*:\s*(.+)$", line, re.I)
        if (
            m
            and nxt
            and "date" not in line.lower().split(":")[0]
            and not _VERSION_END.search(m.group(1))
            and ":" not in nxt
            and _VERSION_END.search(nxt)
            and len(nxt) <= 80
        ):
            out.append(f"{line} {nxt}")
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def _pdf_row(lines: list[str], section: str, warnings: list[str]) -> _Row | None:
    """One criterion from its text lines: the id line, then continuation lines.

    Extraction puts each table line's columns left to right, so a labelled component term
    that starts a continuation line ("Software: Supports") belongs to the conformance column.
    """
    extra: list[re.Match[str]] = []
    rest: list[str] = [lines[0]]
    for line in lines[1:]:
        tm = _PDF_TERM.match(line)
        if tm and tm.group("label"):
            extra.append(tm)
            if line[tm.end() :].strip():
                rest.append(line[tm.end() :].strip())
        else:
            rest.append(line)
    text = " ".join(rest)
    m = _CRIT_ID.match(text)
    if m is None or _HEADING_ROW.search(text):
        return None
    cid = m.group(1)
    body = text[m.end() :]
    start = 0
    if cid in _wcag():
        name = _wcag()[cid].name
        k = body.lower().find(name.lower())
        if 0 <= k < 10:
            start = k + len(name)
    matches: list[re.Match[str]] = []
    for tm in _PDF_TERM.finditer(body, start):
        if matches:
            gap = body[matches[-1].end() : tm.start()]
            if gap.strip(_SEPARATORS) or not tm.group("label"):
                break
        matches.append(tm)
        if not tm.group("label"):
            break
    components: tuple[ComponentTerm, ...]
    if not matches:
        name_text, components, remarks = body, (ComponentTerm("", None, ""),), ""
    else:
        name_text = body[: matches[0].start()]
        pairs = [(tm.group("label") or "", tm.group("term")) for tm in matches]
        if pairs[0][0]:
            seen = {_component_name(label) for label, _ in pairs}
            for tm in extra:
                if _component_name(tm.group("label")) not in seen:
                    seen.add(_component_name(tm.group("label")))
                    pairs.append((tm.group("label"), tm.group("term")))
        components = _components(pairs, f"criterion {cid}", warnings)
        remarks = body[matches[-1].end() :].strip()
    also = _ALSO.search(name_text)
    crit_text = f"{cid} {name_text[: also.start()] if also else name_text}".strip()
    if also:
        crit_text += "\nAlso applies to: " + name_text[also.end() :].strip()
    return _Row(cid, crit_text, components, remarks, section)
