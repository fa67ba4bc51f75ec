"""What every ACR reader shares: limits, results, WCAG data, conformance terms, component cells
and the raw rows and tables the format readers produce."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ...core.safeyaml import decode as _decode_utf8
from ...core.safeyaml import parse as _parse_yaml
from ...core.standards import DEFAULT_DIR as _STANDARDS_DIR

Conformance = Literal[
    "supports", "partially_supports", "does_not_support", "not_applicable", "not_evaluated"
]
Standard = Literal["wcag", "508", "en_301_549", "other"]

MAX_BYTES = 25_000_000
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
    legacy_508: bool = False

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
    (r"^yes\b.{0,40}\bexceptions?\b|^yes partial", "partially_supports"),
    (r"^yes\b(?! ?/ ?no)", "supports"),
    (r"^no\b(?! ?/ ?(?:yes|n ?/ ?a))", "does_not_support"),
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


def nfkc(text: str) -> str:
    """Compatibility characters folded (ligatures such as "ﬂ", full-width letters, no-break
    spaces), so criterion names and terms match however the document's font encoded them."""
    return unicodedata.normalize("NFKC", text) if not text.isascii() else text


def _norm(text: str) -> str:
    text = nfkc(text).lower().replace("’", "'").replace("-", " ").replace("_", " ")
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
    text = _NOISE.sub("", nfkc(text))
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
