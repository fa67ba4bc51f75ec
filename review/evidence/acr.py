"""Accessibility Conformance Reports (ITI VPAT 2.x and older) read into ``accessibility``.

``parse_acr(data, filename=...)`` accepts the bytes of an attached ACR and returns an
``AcrResult``: product, version, report date, VPAT edition, WCAG version and levels covered,
draft/template flags, warnings and one ``CriterionEvidence`` row per criterion the report
lists (id, name, level, conformance, each component's term, remarks, "Also applies to").
``AcrResult.to_accessibility_section()`` is the ``accessibility`` mapping of the intake form
(docs: shared/spec/intake.md).

Formats (chosen by content first, then by extension)
    OpenACR YAML (``chapters:``; read with ``review.core.safeyaml``: no aliases, no duplicate keys),
    Word ``.docx`` (python-docx), HTML (the standard library's parser), Markdown tables and
    PDF (pypdf text extraction, read line by line: tables lose their columns there, so a
    warning asks the reviewer to check the rows). A legacy Word ``.doc`` (an OLE file) is
    refused with a message asking for ``.docx`` or PDF.

Tables
    A table is read when a header row names a criterion column ("Criteria", "Success
    Criterion", "1194.22 ...") and either a conformance column ("Conformance Level",
    "Supporting Features" of VPAT 1.x, "Level of Support") or component columns ("Web",
    "Authoring Tool", ...). Rows whose first cell starts with a criterion id are criteria;
    summary tables ("Conformance Level | Web | ...") and headings rows ("(heading)",
    "Heading cell - no response required") are skipped. Merged cells repeat their text in
    every grid position they cover. A conformance cell may hold one term or labelled
    component terms ("Web: Supports / Electronic Documents: Not Applicable", or each label on
    its own line); a blank component is ignored, and the criterion takes its worst
    component (does not support > partially supports > not evaluated > supports > not
    applicable).

Terms
    Normalised to ``supports``, ``partially_supports``, ``does_not_support``,
    ``not_applicable`` and ``not_evaluated``, including VPAT 1.x/2.0 wording ("Supports with
    Exceptions", "Partially", "Not Supported", "N/A") and near-misspellings ("Partially
    Support", "Does not supports", "Partialy Supports"). Unrecognised text is kept as the
    component's text, counts as blank and is reported in ``warnings``.

WCAG version and levels (decisions)
    ``wcag_version`` is the newest WCAG version whose new criteria the report answers (a
    conformance term, "Not Applicable" included). The version a report or its OpenACR
    catalog claims is used when no WCAG criterion is answered, and a disagreement is a
    warning: Drupal 9's report names WCAG 2.1 but leaves every 2.1 criterion blank, so it is
    read as 2.0. ``levels`` are the levels with at least one criterion answered other than
    "Not Evaluated". The ``does_not_support`` / ``partially_supports`` lists hold WCAG
    success criteria only (from the WCAG tables), in WCAG order.

OpenACR (decisions)
    Chapters marked ``disabled: true`` are not part of the report (the OpenACR renderer does
    not show them), nor are chapters outside the edition its ``catalog`` names (Drupal 10's
    WCAG-edition report carries leftover Section 508 chapters); both are noted in warnings.

Draft, template (warning flags)
    ``is_template``: criteria are listed but none has a conformance term, or the product or
    date still holds placeholder text ("Insert Product Name", "[Company Name]"). ``is_draft``:
    the word DRAFT, a statement that the product was not tested, or at least 90 % of the
    criteria blank or "Not Applicable".

Safety
    ``MAX_BYTES`` is checked before anything else. A ``.docx`` is checked before python-docx
    opens it: at most ``MAX_ZIP_ENTRIES`` entries, ``MAX_UNCOMPRESSED`` bytes in all, no
    entry over 1 MB that expands more than ``MAX_RATIO`` times, and no XML part with a
    DOCTYPE (OOXML never needs one; this refuses entity-expansion "billion laughs"; lxml in
    python-docx also runs with ``resolve_entities=False``). HTML is read by the standard
    library's parser, which expands no entities beyond HTML's own and fetches nothing.
    Spans (colspan/rowspan) and table sizes are bounded. Nothing in a document is executed
    or fetched. Every refusal is a ``FileProblem`` naming the file and the problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import html
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any, Literal

from ..core.safeyaml import decode as _decode_utf8
from ..core.safeyaml import parse as _parse_yaml
from ..core.standards import DEFAULT_DIR as _STANDARDS_DIR
from ..errors import FileProblem
from ..safezip import WORD_MAIN, Limits, check_package

Conformance = Literal[
    "supports", "partially_supports", "does_not_support", "not_applicable", "not_evaluated"
]
Standard = Literal["wcag", "508", "en_301_549", "other"]

MAX_BYTES = 25_000_000
MAX_UNCOMPRESSED = 150_000_000
MAX_RATIO = 100
MAX_ZIP_ENTRIES = 5_000
MAX_PDF_PAGES = 500
MAX_TABLE_CELLS = 200_000
MAX_SPAN = 50

TERMS: tuple[Conformance, ...] = (
    "supports",
    "partially_supports",
    "does_not_support",
    "not_applicable",
    "not_evaluated",
)
_SEVERITY: dict[Conformance, int] = {
    "not_applicable": 1,
    "supports": 2,
    "not_evaluated": 3,
    "partially_supports": 4,
    "does_not_support": 5,
}
_LEVEL_ORDER = {"A": 0, "AA": 1, "AAA": 2}
_VERSIONS = ("2.0", "2.1", "2.2")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ComponentTerm:
    """One component's answer in a criterion row (``name`` is "" when the row has one term)."""

    name: str
    conformance: Conformance | None
    text: str


@dataclass(frozen=True)
class CriterionEvidence:
    """One criterion as the report states it."""

    id: str
    standard: Standard
    name: str
    level: str | None
    section: str
    conformance: Conformance | None
    components: tuple[ComponentTerm, ...]
    remarks: str = ""
    also_applies_to: str = ""


@dataclass(frozen=True)
class AcrResult:
    filename: str
    source_format: Literal["openacr", "docx", "html", "markdown", "pdf"]
    product: str | None
    version: str | None
    report_date: str | None
    vpat_edition: Literal["wcag", "508", "eu", "int"] | None
    vpat_version: str | None
    wcag_version: Literal["2.0", "2.1", "2.2"] | None
    levels: tuple[str, ...]
    is_draft: bool
    is_template: bool
    criteria: tuple[CriterionEvidence, ...]
    warnings: tuple[str, ...] = field(default=())

    def wcag(self) -> tuple[CriterionEvidence, ...]:
        """The WCAG success criteria rows, in WCAG order."""
        rows = [c for c in self.criteria if c.standard == "wcag"]
        return tuple(sorted(rows, key=lambda c: _id_key(c.id)))

    def ids_with(self, term: Conformance, *, standard: Standard | None = "wcag") -> list[str]:
        rows = (
            self.criteria
            if standard is None
            else tuple(c for c in self.criteria if c.standard == standard)
        )
        return sorted({c.id for c in rows if c.conformance == term}, key=_id_key)

    def counts(self, *, standard: Standard | None = "wcag") -> dict[str, int]:
        """Criteria per conformance term (the worst component), plus ``blank``."""
        tally = {term: 0 for term in TERMS} | {"blank": 0}
        for c in self.criteria:
            if standard is None or c.standard == standard:
                tally[c.conformance or "blank"] += 1
        return tally

    def to_accessibility_section(self) -> dict[str, Any]:
        """The intake's ``accessibility`` answers this report supports (None values omitted)."""
        section: dict[str, Any] = {
            "acr_provided": True,
            "acr_date": self.report_date,
            "vpat_edition": self.vpat_edition,
            "wcag_version": self.wcag_version,
            "does_not_support": self.ids_with("does_not_support"),
            "partially_supports": self.ids_with("partially_supports"),
        }
        return {key: value for key, value in section.items() if value is not None}


# --------------------------------------------------------------------------- WCAG data


@dataclass(frozen=True)
class _Wcag:
    name: str
    level: str
    since: str


@functools.lru_cache(maxsize=1)
def _wcag() -> dict[str, _Wcag]:
    path = _STANDARDS_DIR / "wcag.yaml"
    data = _parse_yaml(_decode_utf8(path.read_bytes(), source=str(path)), source=str(path))
    return {
        str(c["id"]): _Wcag(str(c["name"]), str(c["level"]), str(c["since"]))
        for c in data["criteria"]
    }


def _id_key(cid: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.()]+", cid) if p)


def _standard_of(cid: str) -> Standard:
    if cid in _wcag():
        return "wcag"
    first = cid.split(".", 1)[0].split("(", 1)[0]
    if first == "1194" or (len(first) == 3 and first[0] in "34567"):
        return "508"
    if first.isdigit() and 4 <= int(first) <= 14:
        return "en_301_549"
    return "other"


# --------------------------------------------------------------------------- terms

_NORM_DROP = re.compile(r"[^a-z0-9/' ]+")
_TERM_PATTERNS: tuple[tuple[str, Conformance], ...] = (
    (r"^(?:n/a|n / a|na|n\.a)(?:\b|$)", "not_applicable"),
    (r"^not applicable\b|^not relevant\b|^does not apply\b", "not_applicable"),
    (r"^not (?:yet )?(?:evaluated|tested|assessed|reviewed)\b", "not_evaluated"),
    (r"^(?:does ?n[o']?t|doesn't|do not|doesnt) (?:fully )?supports?\b", "does_not_support"),
    (
        r"^(?:not supported|unsupported|does not (?:meet|conform)|fails?\b|no$)",
        "does_not_support",
    ),
    (r"^supports? with (?:minor |some )?exceptions?\b", "partially_supports"),
    (r"^partial(?:ly)?\b", "partially_supports"),
    (r"^(?:fully )?supports?\b|^supported\b|^meets\b|^yes$|^conforms?\b", "supports"),
)
_TERM_RULES = tuple((re.compile(pattern), term) for pattern, term in _TERM_PATTERNS)
_FUZZY_PHRASES: tuple[tuple[str, Conformance], ...] = (
    ("supports with exceptions", "partially_supports"),
    ("partially supports", "partially_supports"),
    ("does not support", "does_not_support"),
    ("not applicable", "not_applicable"),
    ("not evaluated", "not_evaluated"),
    ("supports", "supports"),
)
_BLANK_TEXT = re.compile(r"^[\s\-–—_.:/|•*]*$")


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("-", " ").replace("_", " ")
    return " ".join(_NORM_DROP.sub(" ", text).split())


@functools.lru_cache(maxsize=4096)
def normalise_term(text: str) -> Conformance | None:
    """The conformance term ``text`` starts with, or None (blank or unrecognised)."""
    s = _norm(text)
    if not s:
        return None
    for pattern, term in _TERM_RULES:
        if pattern.search(s):
            return term
    for phrase, term in _FUZZY_PHRASES:
        head = " ".join(s.split()[: len(phrase.split())])
        if difflib.SequenceMatcher(None, phrase, head).ratio() >= 0.85:
            return term
    return None


def _worst(terms: Iterable[Conformance | None]) -> Conformance | None:
    worst: Conformance | None = None
    for term in terms:
        if term is not None and (worst is None or _SEVERITY[term] > _SEVERITY[worst]):
            worst = term
    return worst


# --------------------------------------------------------------------------- component cells

_COMPONENT_ALIASES = {
    "web": "web",
    "electronic documents": "electronic_documents",
    "electronic docs": "electronic_documents",
    "electronic doc": "electronic_documents",
    "documents": "electronic_documents",
    "docs": "electronic_documents",
    "software": "software",
    "authoring tool": "authoring_tool",
    "authoring tools": "authoring_tool",
    "authoring": "authoring_tool",
    "hardware": "hardware",
    "support docs": "support_documentation",
    "support documentation": "support_documentation",
    "mobile": "mobile",
    "none": "",
    "": "",
}
# a label ends with a colon and starts a line or follows a separator
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\n/;|•]))[ \t]*([A-Za-z][A-Za-z0-9 .&()'\-]{0,48}?)[ \t]*:", re.M
)
_SEPARATORS = " \t\n/;|•–—-,"


def _component_name(label: str) -> str:
    key = " ".join(label.lower().replace("-", " ").split())
    return _COMPONENT_ALIASES.get(key, key.replace(" ", "_"))


def _split_components(text: str) -> list[tuple[str, str]]:
    """``[(component label, text)]`` for a conformance cell; one unlabelled pair if no labels."""
    found = [m for m in _LABEL_RE.finditer(text) if normalise_term(m.group(1)) is None]
    labels: list[re.Match[str]] = []
    for i, m in enumerate(found):
        # a label names a component when it is a known one or is followed by a term or nothing
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        value = text[m.end() : end].strip(_SEPARATORS)
        known = " ".join(m.group(1).lower().replace("-", " ").split()) in _COMPONENT_ALIASES
        if known or not value or normalise_term(value) is not None:
            labels.append(m)
    if not labels:
        return [("", text.strip(_SEPARATORS))]
    pairs: list[tuple[str, str]] = []
    head = text[: labels[0].start()].strip(_SEPARATORS)
    if head:
        pairs.append(("", head))
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        pairs.append((m.group(1).strip(), text[m.end() : end].strip(_SEPARATORS)))
    return pairs


def _components(
    pairs: Sequence[tuple[str, str]], where: str, warnings: list[str]
) -> tuple[ComponentTerm, ...]:
    out: list[ComponentTerm] = []
    for label, value in pairs:
        value = " ".join(value.split())
        if _BLANK_TEXT.match(value):
            out.append(ComponentTerm(_component_name(label), None, ""))
            continue
        term = normalise_term(value)
        if term is None:
            shown = value if len(value) <= 60 else value[:57] + "..."
            warnings.append(f"{where}: conformance {shown!r} is not a known term; read as blank")
        out.append(ComponentTerm(_component_name(label), term, value))
    return tuple(out)


# --------------------------------------------------------------------------- raw rows

_CRIT_ID = re.compile(r"^\s*(?:\[|\*\*|\*|_)*\s*(\d{1,4}(?:\.\d{1,3}){1,6})(?=[\s*_\]:)(–—-]|$)")
_LEGACY_ITEM = re.compile(r"^\s*\(([a-z]{1,2}|\d{1,2})\)")
_LEGACY_SECTION = re.compile(r"\b(1194\.\d{1,2})\b")
_NOISE = re.compile(r"\(?opens in a new (?:window|tab)(?: or tab)?\)?|\bAnchor link\b", re.I)
_LEVEL_IN_TEXT = re.compile(r"\(\s*Level\s+(AAA|AA|A)\s*\)", re.I)
_ALSO = re.compile(r"\balso applies to\b\s*:?", re.I)
_HEADING_ROW = re.compile(r"\(heading\)|heading cell|no response required", re.I)


@dataclass
class _Row:
    cid: str
    criterion_text: str
    components: tuple[ComponentTerm, ...]
    remarks: str
    section: str


def _clean(text: str) -> str:
    text = _NOISE.sub("", text)
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line)


@dataclass
class _Table:
    context: str
    rows: list[list[str]]


@dataclass
class _Doc:
    blocks: list[str]
    tables: list[_Table]
    title: str = ""


_HDR_CRITERION = re.compile(
    r"criteri|^section\b|^clause\b|^requirement|^provision|^guideline|^wcag\b|1194\.\d", re.I
)
_HDR_CONFORMANCE = re.compile(
    r"conformance|supporting features|level of support|support level|compliance|^status$", re.I
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
        return m.group(1)
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


# --------------------------------------------------------------------------- building results


def _criterion(row: _Row, warnings: list[str]) -> CriterionEvidence:
    text = row.criterion_text
    also = ""
    m = _ALSO.search(text)
    if m:
        also = " ".join(text[m.end() :].split())
        text = text[: m.start()]
    level_m = _LEVEL_IN_TEXT.search(text)
    first = text.split("\n", 1)[0]
    id_m = _CRIT_ID.match(first) or _LEGACY_ITEM.match(first)
    name = first[id_m.end() :] if id_m else first
    name = _LEVEL_IN_TEXT.sub("", name).strip(" *_[]:–—-")
    standard = _standard_of(row.cid)
    level = level_m.group(1).upper() if level_m else None
    if standard == "wcag":
        known = _wcag()[row.cid]
        if (
            name
            and _norm(name) != _norm(known.name)
            and not (_norm(name) in _norm(known.name) or _norm(known.name) in _norm(name))
        ):
            warnings.append(
                f"criterion {row.cid} is labelled {name!r} but WCAG {row.cid} is "
                f"{known.name!r}; read by its number"
            )
        name = name or known.name
        level = known.level
    return CriterionEvidence(
        id=row.cid,
        standard=standard,
        name=name,
        level=level,
        section=row.section,
        conformance=_worst(c.conformance for c in row.components),
        components=row.components,
        remarks=row.remarks,
        also_applies_to=also,
    )


def _merge_duplicates(
    rows: list[CriterionEvidence], warnings: list[str]
) -> list[CriterionEvidence]:
    out: dict[str, CriterionEvidence] = {}
    for row in rows:
        before = out.get(row.id)
        if before is None:
            out[row.id] = row
            continue
        warnings.append(f"criterion {row.id} is listed more than once; its worst answer is kept")
        components = before.components + row.components
        out[row.id] = CriterionEvidence(
            id=row.id,
            standard=row.standard,
            name=before.name or row.name,
            level=before.level or row.level,
            section=before.section,
            conformance=_worst(c.conformance for c in components),
            components=components,
            remarks="\n".join(r for r in (before.remarks, row.remarks) if r),
            also_applies_to=before.also_applies_to or row.also_applies_to,
        )
    return list(out.values())


_PRODUCT_LABEL = re.compile(
    r"^(?:name of (?:the )?product(?:\s*/\s*version| and version)?|product name(?:\s*/\s*version)?"
    r"|product\s*/\s*version|product and version)\b\s*:?\s*(.*)$",
    re.I,
)
_DATE_LABEL = re.compile(
    r"^(?:(?:report date|date of report|vpat date)\b\s*:?|date\s*:)\s*(.*)$", re.I
)
_VERSION_SPLIT = re.compile(
    r"^(?P<name>.*?\S)[\s,/–—-]+(?:version\s*|ver\.?\s*)?(?P<ver>v?\d[\w.\-]*(?:\s*\([^)]*\))?)$",
    re.I,
)
_PLACEHOLDER = re.compile(
    r"\[(?:insert|enter|add|company|product|vendor|date|name|version)[^\]]{0,60}\]"
    r"|<\s*(?:product|company|vendor|insert|date)[^>]{0,40}>"
    r"|\b(?:insert|enter)\s+(?:the\s+|your\s+)?(?:product|company|vendor|date|report|name|"
    r"version|description|contact|notes|evaluation)",
    re.I,
)
_DRAFT_WORD = re.compile(r"\bDRAFT\b")
_NOT_TESTED = re.compile(
    r"\bnot\s+(?:yet\s+)?(?:been\s+)?tested\b|\buntested\b|\bwithout\s+(?:any\s+)?testing\b"
    r"|\bno\s+(?:[\w-]+\s+){0,3}testing\b[^.]{0,80}\b(?:was|were|has been|have been)\s+"
    r"(?:performed|done|conducted|carried out)",
    re.I,
)
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}


def _date_parts(text: str) -> tuple[int, int, int, bool] | None:
    if m := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})\b", text):
        return int(m[1]), int(m[2]), int(m[3]), False
    if m := re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})\b", text):  # US month/day/year
        return int(m[3]), int(m[1]), int(m[2]), False
    m = re.match(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", text)
    if m and m[1].lower() in _MONTHS:
        return int(m[3]), _MONTHS[m[1].lower()], int(m[2]), False
    m = re.match(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", text)
    if m and m[2].lower() in _MONTHS:
        return int(m[3]), _MONTHS[m[2].lower()], int(m[1]), False
    m = re.match(r"([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", text)
    if m and m[1].lower() in _MONTHS:
        return int(m[2]), _MONTHS[m[1].lower()], 1, True
    return None


def parse_report_date(text: str) -> tuple[str | None, bool]:
    """``(ISO date, day_missing)`` for the date ``text`` starts with; (None, False) if none."""
    parts = _date_parts(text.strip())
    if parts is None:
        return None, False
    year, month, day, partial = parts
    try:
        return dt.date(year, month, day).isoformat(), partial
    except ValueError:
        return None, False


def _split_product(text: str) -> tuple[str | None, str | None]:
    text = " ".join(text.split()).strip(" :")
    if not text:
        return None, None
    m = _VERSION_SPLIT.match(text)
    if m:
        return m["name"].strip(" ,/–—-"), m["ver"]
    return text, None


def _labelled(blocks: Sequence[str], label: re.Pattern[str]) -> str | None:
    for i, block in enumerate(blocks):
        first = block.split("\n", 1)[0]
        m = label.match(first)
        if not m:
            continue
        value = m.group(1).strip()
        if value:
            return value
        for nxt in blocks[i + 1 : i + 3]:
            if nxt.strip():
                return nxt.split("\n", 1)[0].strip()
        return None
    return None


_EDITION_TEXT: tuple[tuple[re.Pattern[str], Literal["wcag", "508", "eu", "int"]], ...] = (
    (re.compile(r"\bInternational Edition\b|\bINT Edition\b", re.I), "int"),
    (re.compile(r"\bEU Edition\b|\bEN 301 549 Edition\b", re.I), "eu"),
    (re.compile(r"\b508 Edition\b", re.I), "508"),
    (re.compile(r"\bWCAG Edition\b", re.I), "wcag"),
)
_VPAT_VERSION = re.compile(r"VPAT\W{0,3}(?:Version\s*)?(\d\.\d{1,2})(\s*Rev)?", re.I)
_WCAG_CLAIM = re.compile(
    r"\bWCAG\s*(2\.[0-2])\s+Report\b|\bWeb Content Accessibility Guidelines\s*(2\.[0-2])\b", re.I
)


@dataclass
class _Meta:
    product: str | None = None
    version: str | None = None
    date_text: str | None = None
    edition: Literal["wcag", "508", "eu", "int"] | None = None
    vpat_version: str | None = None
    wcag_claim: str | None = None
    text: str = ""
    title: str = ""


def _meta_from_blocks(doc: _Doc) -> _Meta:
    blocks = [_clean(b) for b in doc.blocks]
    blocks = [b for b in blocks if b]
    text = "\n".join(blocks)
    meta = _Meta(text=text, title=doc.title or (blocks[0] if blocks else ""))
    product_text = _labelled(blocks, _PRODUCT_LABEL)
    if product_text:
        meta.product, meta.version = _split_product(product_text)
    elif meta.title:
        name = re.sub(
            r"accessibility conformance report.*$|\bvpat\b.*$", "", meta.title, flags=re.I
        )
        meta.product = name.strip(" -–—:") or None
    meta.date_text = _labelled(blocks, _DATE_LABEL)
    for pattern, edition in _EDITION_TEXT:
        if pattern.search(text):
            meta.edition = edition
            break
    if m := _VPAT_VERSION.search(text):
        meta.vpat_version = m.group(1) + ("Rev" if m.group(2) else "")
    claims = [a or b for a, b in _WCAG_CLAIM.findall(text)]
    meta.wcag_claim = max(claims) if claims else None
    return meta


def _build(
    filename: str,
    source_format: Literal["openacr", "docx", "html", "markdown", "pdf"],
    meta: _Meta,
    rows: list[_Row],
    warnings: list[str],
) -> AcrResult:
    criteria = _merge_duplicates([_criterion(r, warnings) for r in rows], warnings)
    criteria.sort(
        key=lambda c: (
            {"wcag": 0, "508": 1, "en_301_549": 2, "other": 3}[c.standard],
            _id_key(c.id),
        )
    )
    wcag_rows = [c for c in criteria if c.standard == "wcag"]
    answered = [c for c in wcag_rows if c.conformance is not None]

    implied = max((_wcag()[c.id].since for c in answered), default=None)
    listed = max((_wcag()[c.id].since for c in wcag_rows), default=None)
    wcag_version = implied or meta.wcag_claim or listed
    if implied and meta.wcag_claim and implied != meta.wcag_claim:
        newer = [c.id for c in wcag_rows if _wcag()[c.id].since > implied]
        detail = (
            f"; the WCAG {meta.wcag_claim} criteria ({', '.join(newer[:6])}"
            f"{', ...' if len(newer) > 6 else ''}) have no conformance"
            if newer
            else ""
        )
        warnings.append(
            f"the report names WCAG {meta.wcag_claim} but answers criteria up to WCAG "
            f"{implied}{detail}; read as WCAG {implied}"
        )
    levels = tuple(
        sorted(
            {c.level for c in answered if c.level and c.conformance != "not_evaluated"},
            key=_LEVEL_ORDER.__getitem__,
        )
    )

    edition = meta.edition
    if edition is None and criteria:
        has508 = any(c.standard == "508" for c in criteria)
        has_en = any(c.standard == "en_301_549" for c in criteria)
        edition = "int" if has508 and has_en else "508" if has508 else "eu" if has_en else "wcag"

    report_date: str | None = None
    if meta.date_text:
        report_date, partial = parse_report_date(meta.date_text)
        if report_date is None:
            if not _PLACEHOLDER.search(meta.date_text):
                warnings.append(f"report date {meta.date_text!r} is not a date this reader knows")
        elif partial:
            warnings.append(
                f"report date {meta.date_text!r} has no day; read as {report_date} (the first "
                "of the month, which never makes the report look newer than it is)"
            )
    else:
        warnings.append("the report gives no report date")

    filled = [c for c in criteria if c.conformance is not None]
    placeholders = [
        v for v in (meta.product, meta.version, meta.date_text) if v and _PLACEHOLDER.search(v)
    ]
    is_template = (bool(criteria) and not filled) or bool(placeholders)
    product, version = meta.product, meta.version
    if product and _PLACEHOLDER.search(product):
        product = version = None
    if not criteria:
        warnings.append("no criteria table was found in the report")
    if is_template:
        why = (
            "no criterion has a conformance term"
            if criteria and not filled
            else f"placeholder text {placeholders[0]!r}"
        )
        warnings.append(f"the report looks like an unfilled VPAT template: {why}")

    reasons: list[str] = []
    if _DRAFT_WORD.search(meta.text) or re.search(r"\bdraft\b", meta.title, re.I):
        reasons.append("it is marked DRAFT")
    if m := _NOT_TESTED.search(meta.text):
        reasons.append(f"it says {' '.join(m.group(0).split())!r}")
    empty = [c for c in criteria if c.conformance in (None, "not_applicable")]
    if filled and len(criteria) >= 10 and len(empty) >= 0.9 * len(criteria):
        reasons.append(f"{len(empty)} of {len(criteria)} criteria are blank or Not Applicable")
    if reasons:
        warnings.append("the report looks like a draft: " + "; ".join(reasons))
    if source_format == "pdf" and criteria:
        warnings.append(
            "criteria were read from the PDF's text, where table columns are lost; check the "
            "evidence table against the document"
        )

    return AcrResult(
        filename=filename,
        source_format=source_format,
        product=product,
        version=version,
        report_date=report_date,
        vpat_edition=edition,
        vpat_version=meta.vpat_version,
        wcag_version=wcag_version if wcag_version in _VERSIONS else None,  # type: ignore[arg-type]
        levels=levels,
        is_draft=bool(reasons),
        is_template=is_template,
        criteria=tuple(criteria),
        warnings=tuple(dict.fromkeys(warnings)),
    )


# --------------------------------------------------------------------------- OpenACR YAML

_CHAPTER_EDITIONS = {
    "wcag": ("success_criteria_level_",),
    "508": (
        "success_criteria_level_",
        "functional_performance_criteria",
        "hardware",
        "software",
        "support_documentation_and_services",
    ),
    "eu": ("success_criteria_level_", "en_301_549"),
}


def _catalog_edition(catalog: str) -> Literal["wcag", "508", "eu", "int"] | None:
    m = re.search(r"edition-(.*)$", catalog)
    if not m:
        return None
    parts = m.group(1).split("-")
    has508, has_eu = "508" in parts, "eu" in parts
    return "int" if has508 and has_eu else "508" if has508 else "eu" if has_eu else "wcag"


def _parse_openacr(text: str, filename: str) -> AcrResult:
    data = _parse_yaml(text, source=filename)
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), dict):
        raise FileProblem(f"{filename}: not an OpenACR report (no 'chapters' mapping)")
    warnings: list[str] = []

    def s(value: Any) -> str:
        return "" if value is None else str(value).strip()

    raw_product = data.get("product")
    product: dict[str, Any] = raw_product if isinstance(raw_product, dict) else {}
    catalog = s(data.get("catalog"))
    meta = _Meta(
        product=s(product.get("name")) or s(data.get("title")) or None,
        version=s(product.get("version")) or None,
        date_text=s(data.get("report_date")) or None,
        title=s(data.get("title")),
        text="\n".join(
            s(data.get(k)) for k in ("title", "notes", "evaluation_methods_used") if data.get(k)
        ),
    )
    meta.text += "\n" + s(product.get("description"))
    edition = _catalog_edition(catalog)
    if m := re.match(r"(\d\.\d+)", catalog):
        meta.vpat_version = m.group(1)
    if m := re.search(r"wcag-(2\.[0-2])", catalog):
        meta.wcag_claim = m.group(1)

    rows: list[_Row] = []
    for key, chapter in data["chapters"].items():
        if not isinstance(chapter, dict):
            continue
        if chapter.get("disabled") is True:
            warnings.append(f"chapter {key!r} is disabled in the report; not read")
            continue
        if edition in _CHAPTER_EDITIONS and not str(key).startswith(_CHAPTER_EDITIONS[edition]):
            if chapter.get("criteria"):
                warnings.append(
                    f"chapter {key!r} is not part of the {edition} edition the catalog "
                    f"{catalog!r} names; not read"
                )
            continue
        criteria = chapter.get("criteria") or []
        if not isinstance(criteria, list):
            raise FileProblem(f"{filename}: chapters.{key}.criteria is not a list")
        for n, entry in enumerate(criteria):
            if not isinstance(entry, dict) or not s(entry.get("num")):
                warnings.append(f"chapters.{key}.criteria[{n}] has no 'num'; skipped")
                continue
            cid = s(entry["num"])
            pairs: list[tuple[str, str]] = []
            notes: list[str] = []
            for comp in entry.get("components") or []:
                if not isinstance(comp, dict):
                    continue
                raw = comp.get("adherence")
                adherence: dict[str, Any] = raw if isinstance(raw, dict) else {}
                label = s(comp.get("name"))
                pairs.append((label, s(adherence.get("level"))))
                if s(adherence.get("notes")):
                    title = _component_name(label).replace("_", " ").title()
                    notes.append(
                        f"{title}: {s(adherence['notes'])}" if title else s(adherence["notes"])
                    )
            if not _CRIT_ID.match(cid):
                warnings.append(
                    f"chapters.{key}: criterion {cid!r} is not a criterion number; skipped"
                )
                continue
            components = _components(pairs, f"criterion {cid}", warnings)
            rows.append(_Row(cid, cid, components, "\n".join(notes), str(key)))
    if edition is None and rows:
        has508 = any(_standard_of(r.cid) == "508" for r in rows)
        has_en = any(_standard_of(r.cid) == "en_301_549" for r in rows)
        edition = "int" if has508 and has_en else "508" if has508 else "eu" if has_en else "wcag"
    meta.edition = edition
    return _build(filename, "openacr", meta, rows, warnings)


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
        if stripped.startswith("#"):
            heading = _md_inline(stripped.lstrip("#").strip())
            title = title or heading
            blocks.append(heading)
        elif stripped:
            blocks.append(_md_inline(re.sub(r"^(?:[-*+]|\d+\.)\s+", "", stripped)))
        i += 1
    return _Doc(blocks, tables, title)


# --------------------------------------------------------------------------- DOCX

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_zip(data: bytes, filename: str) -> None:
    """Refuse zip bombs and XML with a DOCTYPE before python-docx sees the package."""
    check_package(
        data,
        filename,
        main_types=WORD_MAIN,
        wrong_kind="(a macro-enabled .docm, spreadsheet or presentation?); save the ACR as "
        ".docx or PDF",
        limits=Limits(MAX_ZIP_ENTRIES, MAX_UNCOMPRESSED, MAX_RATIO),
    )


def _read_docx(data: bytes, filename: str) -> _Doc:
    _check_zip(data, filename)
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise FileProblem(
            f"{filename}: not a readable Word document ({type(exc).__name__}: {exc})"
        ) from None

    body = document.element.body
    tag_p, tag_tbl = qn("w:p"), qn("w:tbl")
    blocks: list[str] = []
    tables: list[_Table] = []
    context = ""
    title = ""
    cells = 0

    def walk(element: Any) -> Iterator[Any]:
        for child in element.iterchildren():
            if child.tag in (tag_p, tag_tbl):
                yield child
            else:
                yield from walk(child)

    for element in walk(body):
        if element.tag == tag_p:
            paragraph = Paragraph(element, document._body)
            text = paragraph.text.strip()
            if not text:
                continue
            blocks.append(text)
            style = paragraph.style.name if paragraph.style is not None else ""
            is_heading = (style or "").lower().startswith(("heading", "title"))
            if is_heading and not title:
                title = text
            if is_heading or re.match(r"^(?:table|chapter)\s+\d+\b", text, re.I):
                context = _NOISE.sub("", text).strip()
            continue
        table = Table(element, document._body)
        grid: list[list[str]] = []
        for row in table.rows:
            texts: list[str] = [""] * row.grid_cols_before
            previous: Any = None
            for c in row.cells:
                # a horizontally merged cell is repeated: keep the same str object so the
                # column logic can tell one merged cell from two equal cells
                texts.append(texts[-1] if c._tc is previous and texts else c.text)
                previous = c._tc
            cells += len(texts)
            if cells > MAX_TABLE_CELLS:
                raise FileProblem(f"{filename}: more than {MAX_TABLE_CELLS:,} table cells")
            grid.append(texts)
        tables.append(_Table(context, grid))
    return _Doc(blocks, tables, title)


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
    lines = [" ".join(line.split()) for text in texts for line in text.splitlines()]
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
    return _Doc(blocks, [], blocks[0] if blocks else ""), rows


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


__all__ = [
    "MAX_BYTES",
    "TERMS",
    "AcrResult",
    "ComponentTerm",
    "Conformance",
    "CriterionEvidence",
    "normalise_term",
    "parse_acr",
    "parse_report_date",
]
