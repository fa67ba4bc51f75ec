"""From questionnaire answers to intake fields, by the table in standards/questionnaires.yaml."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ...core.safeyaml import load_file
from ...core.standards import DEFAULT_DIR
from .workbook import Answer, Layout, read_sheet

How = Literal["yes_no", "sso", "tls", "hours", "days", "countries", "certification", "text"]


class _Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    how: How
    section: str
    type: str | None = None
    questions: dict[Layout, list[str]]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    max_age_months: int
    oldest_versions: dict[Literal["caiq", "hecvat"], str]
    fields: list[_Mapping]


@lru_cache(maxsize=1)
def table() -> _Table:
    path = DEFAULT_DIR / "questionnaires.yaml"
    return _Table.model_validate(load_file(path, what="standards file"))


@dataclass(frozen=True)
class Filled:
    """One intake field the questionnaire filled, and where from."""

    field: str
    value: Any
    qid: str
    words: str
    section: str


@dataclass
class QuestionnaireResult:
    filename: str
    layout: Layout
    version: str | None
    date: str | None
    vendor: str | None
    product: str | None
    answers: list[Answer]
    filled: list[Filled] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)
    other_questions: list[str] = field(default_factory=list)  # ids the table maps nowhere
    findings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_proposal(self) -> dict[str, Any]:
        """The intake ``proposal`` answers filled, nested as the form nests them."""
        out: dict[str, Any] = {}
        for item in self.filled:
            if item.field == "certifications":
                out.setdefault("certifications", []).append(item.value)
                continue
            *parents, leaf = item.field.split(".")
            target = out
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = item.value
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": {
                "layout": self.layout,
                "version": self.version,
                "date": self.date,
                "vendor": self.vendor,
                "product": self.product,
                "questions": len(self.answers),
                "questions_without_a_mapping": len(self.other_questions),
            },
            "proposal": self.to_proposal(),
            "filled": [vars(f) for f in self.filled],
            "not_mapped": self.not_mapped,
            "findings": self.findings,
            "warnings": self.warnings,
        }


_NUMBERED = re.compile(r"^\s*(?:\(?[0-9a-z]{1,2}[).:]|[-*•])\s+", re.I)
_COUNTRIES = {
    "united states": "US", "usa": "US", "u.s.": "US", "us": "US", "canada": "CA", "ca": "CA",
    "united kingdom": "GB", "uk": "GB", "gb": "GB", "ireland": "IE", "ie": "IE",
    "germany": "DE", "de": "DE", "france": "FR", "fr": "FR", "netherlands": "NL", "nl": "NL",
    "india": "IN", "australia": "AU", "au": "AU", "japan": "JP", "jp": "JP", "mexico": "MX",
}  # fmt: skip


def yes_no(text: str) -> bool | None:
    t = _NUMBERED.sub("", text).strip().lower().rstrip(".")
    if t in {"yes", "y", "true"} or t.startswith("yes "):
        return True
    if t in {"no", "n", "false"} or t.startswith("no "):
        return False
    return None


def _value(mapping: _Mapping, a: Answer) -> tuple[Any, str | None]:
    """(value, None) or (None, why it could not be read)."""
    words = f"{a.answer} {a.notes}"
    said = yes_no(a.answer)
    if mapping.how == "yes_no":
        return (said, None) if said is not None else (None, f"answer {a.answer!r} is not Yes/No")
    if mapping.how == "sso":
        if said is False:
            return "none", None
        for pattern, value in ((r"\bSAML", "saml"), (r"\bOIDC\b|OpenID", "oidc")):
            if re.search(pattern, words, re.I):
                return value, None
        return None, "no SAML or OIDC named"
    if mapping.how == "tls":
        found = re.findall(r"TLS\s*v?(1\.[0-3])", words, re.I)
        return (min(found), None) if found else (None, "no TLS version stated")
    if mapping.how in {"hours", "days"}:
        return _number(mapping.how, words)
    if mapping.how == "countries":
        codes = _countries(words)
        return (codes, None) if codes else (None, "no country named")
    if mapping.how == "certification":
        if said is not True:
            return None, "not claimed (the answer is not Yes)"
        date = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", words)
        cert: dict[str, Any] = {"type": mapping.type}
        if date:
            cert["date"] = date.group(1)
        return cert, None
    return (a.answer or None), (None if a.answer else "no answer")


def _number(how: str, words: str) -> tuple[Any, str | None]:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|days?|months?|years?)", words, re.I)
    if not m:
        return None, f"no number of {how} stated"
    n, unit = float(m.group(1)), m.group(2).lower()
    factor = {"h": 1 / 24, "d": 1, "m": 30, "y": 365}[unit[0]]
    days = n * factor
    value = days * 24 if how == "hours" else days
    return round(value), None


def _countries(words: str) -> list[str]:
    """ISO codes for the countries named: full names in any case, codes only in capitals."""
    found: list[tuple[int, str]] = []
    for name, code in _COUNTRIES.items():
        if len(name) <= 3 and name != "u.s.":
            pattern, flags = rf"(?<![\w-]){re.escape(name.upper())}(?![\w-])", 0
        else:
            pattern, flags = rf"(?<!\w){re.escape(name)}(?!\w)", re.I
        if m := re.search(pattern, words, flags):
            found.append((m.start(), code))
    return list(dict.fromkeys(code for _, code in sorted(found)))


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def parse_questionnaire(
    data: bytes, *, filename: str, as_of: dt.date | None = None
) -> QuestionnaireResult:
    sheet = read_sheet(data, filename)
    answers = sheet.answers

    def said(qid: str) -> str | None:
        a = answers.get(qid)
        return (a.answer or a.question or None) if a else None

    result = QuestionnaireResult(
        filename=filename,
        layout=sheet.layout,
        version=sheet.version,
        date=sheet.date.isoformat() if sheet.date else None,
        vendor=said("GNRL-01"),
        product=said("GNRL-02"),
        answers=list(answers.values()),
    )
    if not answers:
        result.warnings.append("no question rows were found")
    for mapping in table().fields:
        for qid in mapping.questions.get(sheet.layout, []):
            a = answers.get(qid)
            if a is None:
                result.not_mapped.append(f"{qid} ({mapping.field}): question not in the file")
                continue
            value, why = _value(mapping, a)
            if why is not None:
                shown = a.answer or "(blank)"
                result.not_mapped.append(f"{qid} ({mapping.field}): {why}; answer {shown!r}")
                continue
            words = " / ".join(w for w in (a.answer, a.notes) if w)
            result.filled.append(Filled(mapping.field, value, qid, words, mapping.section))
    mapped = {q for m in table().fields for q in m.questions.get(sheet.layout, [])}
    general = {"DATE-01", "GNRL-01", "GNRL-02"}
    result.other_questions = [q for q in answers if q not in mapped and q not in general]
    _age_findings(result, sheet.date, as_of or dt.date.today())
    return result


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def _age_findings(result: QuestionnaireResult, date: dt.date | None, today: dt.date) -> None:
    rules = table()
    family: Literal["caiq", "hecvat"] = "caiq" if result.layout == "caiq" else "hecvat"
    oldest = rules.oldest_versions[family]
    if result.version and _version_key(result.version) < _version_key(oldest):
        result.findings.append(
            f"SEC-1: the {family.upper()} is version {result.version}; the standards accept "
            f"{oldest} or newer. Ask the vendor for a current {family.upper()}."
        )
    if date is not None and _months_between(date, today) > rules.max_age_months:
        result.findings.append(
            f"SEC-1: the questionnaire is dated {date.isoformat()}, "
            f"{_months_between(date, today)} months ago; the standards accept "
            f"{rules.max_age_months} months at most. Ask the vendor for a current one."
        )
    elif date is None and family == "hecvat":
        result.warnings.append("the HECVAT gives no date (DATE-01)")
