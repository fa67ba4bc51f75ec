"""The building blocks of the intake form as data: a field, a column of a list's item, a step.

Pure Python (no Streamlit): the pages render these, and the tests read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from ..core.publication import N_
from ..labels import enum_label as value_label

Kind = Literal[
    "text", "textarea", "enum", "bool", "number", "int", "date", "multi", "lines", "items"
]


def as_is(message: str) -> str:
    return message


def _codes(enum: type[StrEnum] | None) -> tuple[str, ...]:
    return tuple(str(member.value) for member in enum) if enum is not None else ()


@dataclass(frozen=True)
class Column:
    """One answer of a list item (an integration's system, its method, ...)."""

    name: str
    label: str
    kind: Literal["text", "enum", "bool", "date"] = "text"
    enum: type[StrEnum] | None = None
    required: bool = False
    help: str = ""
    in_title: bool = True  # named on the item's buttons (long free text is not)

    @property
    def options(self) -> tuple[str, ...]:
        return _codes(self.enum)

    def show(self, value: Any, tr: Callable[[str], str] = as_is) -> str:
        """The answer as a person reads it (``tr`` puts the words through the catalogs)."""
        if self.kind == "bool":
            label = tr(self.label).lower()
            return label if value else tr(N_("not %(label)s")) % {"label": label}
        if self.enum is not None:
            return tr(value_label(self.enum, value))
        return str(value)


@dataclass(frozen=True)
class Field:
    path: str  # dotted path in the record, e.g. "proposal.cost.annual"
    label: str
    kind: Kind
    help: str
    enum: type[StrEnum] | None = None
    columns: tuple[Column, ...] = ()
    required: bool = False
    readonly: bool = False  # shown, not edited here (the department comes from the account)
    item: str = ""  # for lists: what one item is called ("integration")
    prefix: str = "f-"  # of its widgets' keys: the vendor's form ("vf-") never shares them

    @property
    def key(self) -> str:
        return self.prefix + self.path.replace(".", "-")

    @property
    def options(self) -> tuple[str, ...]:
        return _codes(self.enum)

    def show(self, value: Any, tr: Callable[[str], str] = as_is) -> str:
        """An option as a person reads it (``tr`` puts the label through the catalogs)."""
        return tr(value_label(self.enum, value)) if self.enum is not None else str(value)

    def item_title(self, item: dict[str, Any], tr: Callable[[str], str] = as_is) -> str:
        """How an item is named on its buttons: "erp (api)", "lodash (4.17.21, MIT)"."""
        shown = [
            _short(c.show(item[c.name], tr))
            for c in self.columns
            if c.in_title and item.get(c.name) not in (None, "")
        ]
        if not shown:
            return tr(N_("(empty)"))
        head, rest = shown[0], shown[1:]
        return f"{head} ({', '.join(rest)})" if rest else head


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Step:
    title: str
    intro: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
