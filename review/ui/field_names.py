"""Field paths as a person reads them: "proposal.title" is "Title (Tell us about the problem)".

The engine, the rules and the command line name fields by their intake.md paths (tools depend
on them); every page a person reads shows the form's label and step instead. ``humanise``
rewrites the paths inside any text (a finding's message, remediation or evidence, a field
problem), leaving words that are not field paths alone. Pure Python: no Streamlit.
"""

from __future__ import annotations

import re

from .form_fields import Field
from .form_spec import FIELDS, STEP_OF

# a dotted path, optionally with list indexes: proposal.integrations[1].method, cost.annual,
# renewal_of; optionally in backticks. Not part of a longer word, a file name or an address.
_PATH = re.compile(
    r"(?<![\w.@/-])`?((?:[a-z][a-z0-9_]*)(?:\.[a-z][a-z0-9_]*|\[\d+\])*)`?(?![\w(@-])"
)
_INDEX = re.compile(r"\[(\d+)\]")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")


def short_label(spec: Field) -> str:
    """The label without its trailing note: "One-time cost", not "One-time cost (USD, ...)"."""
    return _TRAILING_NOTE.sub("", spec.label).rstrip(" *") or spec.label


def _resolve(path: str, parent: str | None) -> str | None:
    """The full field path a written path stands for, or None if it is no field."""
    bare = _INDEX.sub("", path)
    if bare.startswith(("proposal.", "contract.")):
        candidates = [bare]
    else:
        candidates = [f"proposal.{bare}", f"contract.{bare}"]
        if parent:
            candidates.append(f"{parent}.{bare}")
    for candidate in candidates:
        found = _longest_field(candidate)
        if found is not None:
            return found
    if "." not in bare:  # a field named alone: its name if no other field has that name
        same = [p for p in FIELDS if p.rsplit(".", 1)[-1] == bare]
        if len(same) == 1:
            return same[0]
    return None


def _longest_field(path: str) -> str | None:
    """The field itself, or the list field an item's column or a mapping's key belongs to."""
    if path in FIELDS:
        return path
    parts = path.split(".")
    for end in range(len(parts) - 1, 1, -1):
        prefix = ".".join(parts[:end])
        spec = FIELDS.get(prefix)
        if spec is not None and spec.kind in ("items", "lines"):
            return prefix
    return None


def field_name(path: str, *, parent: str | None = None) -> str | None:
    """ "Label (Step)" for a field path, with the item or line for list elements; None if the
    path is not a field of the form."""
    full = _resolve(path, parent)
    if full is None:
        return None
    spec = FIELDS[full]
    step = STEP_OF[full].title
    bare = _INDEX.sub("", path.removeprefix("proposal.").removeprefix("contract."))
    rest = bare.split(".")[len(full.split(".")) - 1 :]
    found = _INDEX.search(path)
    if found is not None and spec.kind == "items":
        number = int(found.group(1)) + 1
        column = next((c for c in spec.columns if rest and c.name == rest[-1]), None)
        what = f"{column.label} of {spec.item} {number}" if column else f"{spec.item} {number}"
        return f"{what.capitalize() if column is None else what} ({step})"
    if found is not None and spec.kind == "lines":
        return f"{short_label(spec)}, line {int(found.group(1)) + 1} ({step})"
    return f"{short_label(spec)} ({step})"


def humanise(text: str) -> str:
    """``text`` with every field path written as "Label (Step)"."""
    parent: list[str | None] = [None]

    def rewrite(match: re.Match[str]) -> str:
        written = match.group(1)
        if "." not in written and "_" not in written and "[" not in written:
            return match.group(0)  # a plain word ("hosting") is English, not a path
        name = field_name(written, parent=parent[0])
        if name is None:
            return match.group(0)
        full = _resolve(written, parent[0])
        parent[0] = full.rsplit(".", 1)[0] if full else None
        return name

    return _PATH.sub(rewrite, text)
