"""From raw rows and document text to an ``AcrResult``: criteria, metadata, dates, draft and
template flags."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .common import (
    _ALSO,
    _CRIT_ID,
    _LEGACY_ITEM,
    _LEVEL_IN_TEXT,
    _LEVEL_ORDER,
    _VERSIONS,
    AcrResult,
    CriterionEvidence,
    _clean,
    _Doc,
    _id_key,
    _norm,
    _Row,
    _standard_of,
    _wcag,
    _worst,
)

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
    r"^(?:name of (?:the )?product(?:\s*/\s*version| and version)?|product (?:name )?and version"
    r"|product name(?:\s*/\s*version)?|product\s*/\s*version)\b\s*:?\s*(.*)$",
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
_TITLE_508 = re.compile(r"\b508\b")
_TITLE_EN = re.compile(r"\bEN\s*301\s*549\b", re.I)
_TITLE_WCAG = re.compile(r"\bWCAG\b|Web Content Accessibility Guidelines", re.I)
# the pre-2017 Section 508 standards: "36 CFR 1194", "1194.22 Web-based internet information"
_LEGACY_508 = re.compile(r"\b36\s*CFR\s*(?:Part\s*)?1194\b|\b1194\.(?:2[1-6]|31|41)\b", re.I)


def _edition_from_title(title: str) -> Literal["wcag", "508", "eu", "int"] | None:
    """The edition the title names by its standards: WCAG + 508 + EN 301 549 is INT."""
    has508, has_en = bool(_TITLE_508.search(title)), bool(_TITLE_EN.search(title))
    if has508 and has_en:
        return "int"
    if has_en:
        return "eu"
    if has508:
        return "508"
    return "wcag" if _TITLE_WCAG.search(title) else None


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
    legacy_508: bool = False


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
    else:
        meta.edition = _edition_from_title(meta.title)
    meta.legacy_508 = bool(_LEGACY_508.search(text))
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
    wcag_version, levels = _wcag_version(criteria, meta, warnings)
    report_date = _report_date(meta, warnings)
    is_template, product, version = _template(criteria, meta, warnings)
    legacy = _legacy_508(criteria, meta, warnings)
    reasons = _draft_reasons(criteria, meta)
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
        vpat_edition=None if legacy else _edition(meta, criteria),
        vpat_version=meta.vpat_version,
        wcag_version=wcag_version if wcag_version in _VERSIONS else None,  # type: ignore[arg-type]
        levels=levels,
        is_draft=bool(reasons),
        is_template=is_template,
        criteria=tuple(criteria),
        warnings=tuple(dict.fromkeys(warnings)),
        legacy_508=legacy,
    )


def _legacy_508(criteria: list[CriterionEvidence], meta: _Meta, warnings: list[str]) -> bool:
    """A report against the pre-2017 Section 508 standards (36 CFR 1194): named as such.

    Its criteria are 1194.xx(y) provisions and it answers no WCAG success criterion, so it
    makes no WCAG claim whatever it says about "accessibility"."""
    if any(c.standard == "wcag" for c in criteria):
        return False
    legacy_rows = [c for c in criteria if c.id.startswith("1194.")]
    if not (legacy_rows or (meta.legacy_508 and not criteria)):
        return False
    if "no criteria table was found in the report" in warnings:
        warnings.remove("no criteria table was found in the report")
    read = f"{len(legacy_rows)} provisions read" if legacy_rows else "no provision table read"
    warnings.insert(
        0,
        "a legacy Section 508 report (36 CFR 1194, the standards replaced in January 2017; "
        f"{read}): it makes no WCAG claim; ask the vendor for a current ITI VPAT 2.x report",
    )
    return True


def _wcag_version(
    criteria: list[CriterionEvidence], meta: _Meta, warnings: list[str]
) -> tuple[str | None, tuple[str, ...]]:
    """The WCAG version the answered criteria imply (or the report claims) and the levels."""
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
    return wcag_version, levels


def _edition(
    meta: _Meta, criteria: list[CriterionEvidence]
) -> Literal["wcag", "508", "eu", "int"] | None:
    if meta.edition is not None or not criteria:
        return meta.edition
    has508 = any(c.standard == "508" for c in criteria)
    has_en = any(c.standard == "en_301_549" for c in criteria)
    return "int" if has508 and has_en else "508" if has508 else "eu" if has_en else "wcag"


def _report_date(meta: _Meta, warnings: list[str]) -> str | None:
    if not meta.date_text:
        warnings.append("the report gives no report date")
        return None
    report_date, partial = parse_report_date(meta.date_text)
    if report_date is None:
        if not _PLACEHOLDER.search(meta.date_text):
            warnings.append(f"report date {meta.date_text!r} is not a date this reader knows")
    elif partial:
        warnings.append(
            f"report date {meta.date_text!r} has no day; read as {report_date} (the first "
            "of the month, which never makes the report look newer than it is)"
        )
    return report_date


def _template(
    criteria: list[CriterionEvidence], meta: _Meta, warnings: list[str]
) -> tuple[bool, str | None, str | None]:
    """(is an unfilled template, product, version): placeholder product text is dropped."""
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
    return is_template, product, version


def _draft_reasons(criteria: list[CriterionEvidence], meta: _Meta) -> list[str]:
    reasons: list[str] = []
    if _DRAFT_WORD.search(meta.text) or re.search(r"\bdraft\b", meta.title, re.I):
        reasons.append("it is marked DRAFT")
    if m := _NOT_TESTED.search(meta.text):
        reasons.append(f"it says {' '.join(m.group(0).split())!r}")
    filled = [c for c in criteria if c.conformance is not None]
    empty = [c for c in criteria if c.conformance in (None, "not_applicable")]
    if filled and len(criteria) >= 10 and len(empty) >= 0.9 * len(criteria):
        reasons.append(f"{len(empty)} of {len(criteria)} criteria are blank or Not Applicable")
    return reasons
