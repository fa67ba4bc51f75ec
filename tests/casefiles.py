"""Rule case files: a base record, patched by dotted paths, and the expected outcome."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
BASES = DATA / "bases"
CASES = DATA / "rules"
DEFAULT_AS_OF = dt.date(2026, 11, 27)


def _step(node: Any, key: str) -> Any:
    return node[int(key)] if isinstance(node, list) else node[key]


def set_path(record: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node: Any = record
    for key in parts[:-1]:
        if isinstance(node, list):
            node = node[int(key)]
        else:
            node = node.setdefault(key, {})
            if node is None:
                raise KeyError(dotted)
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def unset_path(record: dict[str, Any], dotted: str) -> None:
    parts = dotted.split(".")
    node: Any = record
    for key in parts[:-1]:
        node = _step(node, key)
    if isinstance(node, list):
        del node[int(parts[-1])]
    else:
        node.pop(parts[-1], None)


def load_base(name: str) -> dict[str, Any]:
    with (BASES / f"{name}.yaml").open() as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@dataclass
class Case:
    rule: str
    file: Path
    name: str
    expect: str
    record: dict[str, Any]
    as_of: dt.date
    count: int | None = None
    subjects: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.rule}: {self.name}"


def build_record(base: str, raw_case: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(load_base(raw_case.get("base", base)))
    for path in raw_case.get("unset", []):
        unset_path(record, path)
    for path, value in (raw_case.get("set") or {}).items():
        set_path(record, path, copy.deepcopy(value))
    return record


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CASES.glob("*.yaml")):
        with path.open() as handle:
            raw = yaml.safe_load(handle)
        base = raw.get("base", "saas")
        as_of = raw.get("as_of", DEFAULT_AS_OF)
        for item in raw["cases"]:
            cases.append(
                Case(
                    rule=raw["rule"],
                    file=path,
                    name=item["name"],
                    expect=item["expect"],
                    record=build_record(base, item),
                    as_of=item.get("as_of", as_of),
                    count=item.get("count"),
                    subjects=item.get("subjects"),
                )
            )
    return cases
