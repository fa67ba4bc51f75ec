"""OpenACR YAML reports (read with ``review.core.safeyaml``)."""

from __future__ import annotations

import re
from typing import Any, Literal

from ...core.safeyaml import parse as _parse_yaml
from ...errors import FileProblem
from .build import _build, _Meta
from .common import _CRIT_ID, AcrResult, _component_name, _components, _Row, _standard_of

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
