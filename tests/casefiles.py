"""Rule case files: a base record, patched by dotted paths, and the expected outcome."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class CaseSpec(BaseModel):
    """One case of a rule case file; a misspelt key (``sett``, ``expects``) is an error."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    expect: Literal["fires", "silent"]
    base: str | None = None
    set: dict[str, Any] | None = None
    unset: list[str] = Field(default_factory=list)
    as_of: dt.date | None = None
    count: int | None = Field(default=None, ge=1)
    subjects: list[str] | None = None


class CaseFile(BaseModel):
    """``tests/data/rules/<RULE-ID>.yaml``: the rule, its default base and its cases."""

    model_config = ConfigDict(extra="forbid")
    rule: str
    base: str = "saas"
    as_of: dt.date = DEFAULT_AS_OF
    cases: list[CaseSpec] = Field(min_length=1)


def read_case_file(path: Path) -> CaseFile:
    """The file checked against the schema; every problem names the file and the key."""
    with path.open() as handle:
        raw = yaml.safe_load(handle)
    try:
        return CaseFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: "
            + ("unknown key" if e["type"] == "extra_forbidden" else e["msg"])
            for e in exc.errors()
        )
        raise ValueError(f"{path}: {problems}") from None


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
        content = read_case_file(path)
        for item in content.cases:
            cases.append(
                Case(
                    rule=content.rule,
                    file=path,
                    name=item.name,
                    expect=item.expect,
                    record=build_record(content.base, item.model_dump(exclude_none=True)),
                    as_of=item.as_of or content.as_of,
                    count=item.count,
                    subjects=item.subjects,
                )
            )
    return cases
