"""The intake form as data: every field of intake.md, grouped in steps, and the conversion
between the form's answers and the record. Pure Python (no Streamlit): the page renders it,
and the conversions are tested on their own.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from ..core.publication import N_
from .form_contract import CONTRACT_STEP
from .form_fields import Column, Field, Kind, Step, as_is
from .form_first import FIRST
from .form_steps import STEPS

__all__ = [
    "CONTRACT_STEP",
    "FIELDS",
    "FIRST",
    "STEPS",
    "STEP_OF",
    "Column",
    "Field",
    "Kind",
    "Step",
    "answered_anything",
    "get",
    "item_problems",
    "items_to_value",
    "lines_to_list",
    "preview_record",
    "prune",
    "put",
    "value_to_items",
]

FIELDS: dict[str, Field] = {f.path: f for step in (*STEPS, CONTRACT_STEP) for f in step.fields}
STEP_OF: dict[str, Step] = {f.path: s for s in (*STEPS, CONTRACT_STEP) for f in s.fields}


def get(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def put(record: dict[str, Any], path: str, value: Any) -> None:
    """Set a value; an empty answer removes the key, so the record holds only answers."""
    parts = path.split(".")
    node = record
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if value is None or value == "" or value == [] or value == {}:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def prune(record: dict[str, Any]) -> dict[str, Any]:
    """Drop empty sections left behind by removed answers."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            value = prune(value)
            if not value:
                continue
        out[key] = value
    return out


def lines_to_list(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- lists of items (integrations, components, ...) ------------------------------------------


def _mapping(spec: Field) -> bool:
    """data_purposes is a mapping (data type -> purpose) in the record, a list in the form."""
    return spec.path.endswith("data_purposes")


def value_to_items(spec: Field, value: Any) -> list[dict[str, Any]]:
    """The record's value of a list field as items, one dict per item, every column kept."""
    if _mapping(spec):
        if not isinstance(value, dict):
            return []
        key, text = spec.columns[0].name, spec.columns[1].name
        return [{key: k, text: v} for k, v in value.items()]
    return (
        [dict(item) for item in value if isinstance(item, dict)] if isinstance(value, list) else []
    )


def items_to_value(spec: Field, items: list[dict[str, Any]]) -> Any:
    """Items back into the record's shape; an item's empty answers are left out."""
    cleaned = []
    for item in items:
        kept = {c.name: _json(item.get(c.name)) for c in spec.columns}
        kept = {k: v for k, v in kept.items() if v is not None and v != ""}
        if kept:
            cleaned.append(kept)
    if _mapping(spec):
        key, text = spec.columns[0].name, spec.columns[1].name
        return {i[key]: i.get(text, "") for i in cleaned if key in i}
    return cleaned


def item_problems(
    spec: Field,
    item: dict[str, Any],
    items: list[dict[str, Any]],
    editing: int | None,
    tr: Callable[[str], str] = as_is,
) -> list[str]:
    """Why an item cannot be added as it is (named by the column's label), or nothing;
    ``tr`` puts the words through the catalogs."""
    problems = [
        tr(N_("%(column)s is required.")) % {"column": tr(c.label)}
        for c in spec.columns
        if c.required and item.get(c.name) in (None, "")
    ]
    if _mapping(spec) and not problems:
        key = spec.columns[0]
        for index, other in enumerate(items):
            if index != editing and other.get(key.name) == item.get(key.name):
                problems.append(
                    tr(N_("%(answer)s already has a %(item)s: edit that one instead."))
                    % {"answer": key.show(item[key.name], tr), "item": tr(spec.item)}
                )
    return problems


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


# --- the preview --------------------------------------------------------------------------


def answered_anything(record: dict[str, Any], start: dict[str, Any]) -> bool:
    """Whether the person has answered anything beyond what the form filled in for them."""
    return prune(record) != prune(start)


def preview_record(record: dict[str, Any]) -> dict[str, Any]:
    """A draft made evaluable for the live preview: required answers still missing get a
    placeholder (the preview says so); nothing else is invented."""
    data = copy.deepcopy(record)
    proposal = data.setdefault("proposal", {})
    proposal.setdefault("title", "(untitled)")
    proposal.setdefault("department", "(department)")
    proposal.setdefault("problem_statement", "(not yet written)")
    requester = proposal.setdefault("requester", {})
    requester.setdefault("name", "(requester)")
    requester.setdefault("email", "requester@example.gov")
    return data
