"""Criteria rows from tables (Word, HTML, Markdown): header columns, component columns, rows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .common import (
    _COMPONENT_ALIASES,
    _CRIT_ID,
    _HEADING_ROW,
    _LEGACY_ITEM,
    _LEGACY_SECTION,
    _NOISE,
    _clean,
    _components,
    _norm,
    _Row,
    _split_components,
    _Table,
    normalise_term,
)

_HDR_CRITERION = re.compile(
    r"criteri|^section\b|^clause\b|^requirement|^provision|^guideline|^wcag\b|1194\.\d", re.I
)
_HDR_CONFORMANCE = re.compile(
    r"conformance|supporting features|level of support|support level|compliance|^status$"
    # forms other than ITI's that answer each criterion Yes / No / N/A
    r"|\byes\s*/\s*no\b|^meets\b|^compliant\b|^complies\b|^supported\b|^response$|^answer$",
    re.I,
)
_HDR_REMARKS = re.compile(r"remark|explanation|comment|^notes?\b", re.I)


def _component_header(text: str) -> str | None:
    key = " ".join(_norm(_NOISE.sub("", text)).replace("conformance level", "").split())
    key = key.replace("(", "").replace(")", "").strip()
    for alias, name in _COMPONENT_ALIASES.items():
        if alias and alias not in {"none", "docs", "documents"} and key == alias:
            return name
    return None


@dataclass
class _Columns:
    criterion: int
    conformance: int | None
    components: list[tuple[int, str]]
    remarks: list[int]
    legacy_section: str


def _columns(header: Sequence[str]) -> _Columns | None:
    texts = [_clean(h) for h in header]
    crit = next((i for i, t in enumerate(texts) if _HDR_CRITERION.search(t)), None)
    if crit is None:
        return None
    conformance: int | None = None
    components: list[tuple[int, str]] = []
    remarks: list[int] = []
    for i, t in enumerate(texts):
        if i == crit or (i > 0 and header[i] is header[i - 1] and texts[i] == texts[i - 1]):
            continue
        component = _component_header(t)
        if component is not None:
            components.append((i, component))
        elif _HDR_REMARKS.search(t):
            remarks.append(i)
        elif conformance is None and _HDR_CONFORMANCE.search(t):
            conformance = i
    if conformance is None and not components:
        return None
    legacy = _LEGACY_SECTION.search(texts[crit])
    return _Columns(crit, conformance, components, remarks, legacy.group(1) if legacy else "")


def _criterion_id(text: str, legacy_section: str) -> str | None:
    m = _CRIT_ID.match(text)
    if m:
        item = _LEGACY_ITEM.match(text[m.end() :]) if m.group(1).startswith("1194.") else None
        return f"{m.group(1)}({item.group(1)})" if item else m.group(1)
    if legacy_section:
        item = _LEGACY_ITEM.match(text)
        if item:
            return f"{legacy_section}({item.group(1)})"
    return None


def _rows_from_tables(tables: Iterable[_Table], warnings: list[str]) -> list[_Row]:
    rows: list[_Row] = []
    for table in tables:
        if not table.rows:
            continue
        cols: _Columns | None = None
        start = 0
        for i, row in enumerate(table.rows[:3]):
            cols = _columns(row)
            if cols is not None:
                start = i + 1
                break
        if cols is None:
            cols = _headerless_columns(table.rows)
            if cols is None:
                continue
        if not cols.legacy_section and (legacy := _LEGACY_SECTION.search(table.context)):
            # "Section 1194.22 Web-based Internet information" above the table, rows "(a) ..."
            cols.legacy_section = legacy.group(1)
        for row in table.rows[start:]:
            parsed = _table_row(row, cols, table.context, warnings)
            if parsed is not None:
                rows.append(parsed)
    return rows


def _headerless_columns(rows: list[list[str]]) -> _Columns | None:
    """A table without a recognisable header: criterion, conformance, remarks by position."""
    width = max(len(r) for r in rows)
    if width < 2:
        return None
    with_ids = [r for r in rows if _CRIT_ID.match(r[0])]
    if len(with_ids) < max(2, len(rows) // 2):
        return None
    if not any(len(r) > 1 and normalise_term(r[1]) for r in with_ids):
        return None
    return _Columns(0, 1, [], [2] if width > 2 else [], "")


def _table_row(row: list[str], cols: _Columns, context: str, warnings: list[str]) -> _Row | None:
    def cell(i: int | None) -> str:
        return row[i] if i is not None and i < len(row) else ""

    crit_text = _clean(cell(cols.criterion))
    cid = _criterion_id(crit_text, cols.legacy_section)
    if cid is None:
        return None
    conf_text = cell(cols.conformance)
    if _HEADING_ROW.search(crit_text) or _HEADING_ROW.search(conf_text):
        return None
    where = f"criterion {cid}"
    if cols.components:
        pairs = [(label, _clean(cell(i))) for i, label in cols.components]
        if cols.conformance is not None and _clean(conf_text):
            pairs = [*_split_components(_clean(conf_text)), *pairs]
        components = _components(pairs, where, warnings)
    else:
        components = _components(_split_components(_clean(conf_text)), where, warnings)
    seen: set[int] = set()
    remark_parts: list[str] = []
    conf_cell = cell(cols.conformance)
    for i in cols.remarks:
        text = cell(i)
        if not text or id(text) in seen or (text is conf_cell and cols.conformance is not None):
            continue
        seen.add(id(text))
        remark_parts.append(_clean(text))
    return _Row(cid, crit_text, components, "\n".join(p for p in remark_parts if p), context)
