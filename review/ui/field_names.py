"""Field paths as a person reads them: "proposal.title" is "Title (Tell us about the problem)".

The engine, the rules and the command line name fields by their intake.md paths (tools depend
on them); every page a person reads shows the form's label and step instead. ``humanise``
rewrites the paths inside any text (a finding's message, remediation or evidence, a field
problem), leaving words that are not field paths alone. Pure Python: no Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..core.publication import N_
from .form_fields import Field, as_is
from .form_spec import FIELDS, STEP_OF

# a dotted path, optionally with list indexes: proposal.integrations[1].method, cost.annual,
# renewal_of; optionally in backticks. Not part of a longer word, a file name or an address.
_PATH = re.compile(
    r"(?<![\w.@/-])`?((?:[a-z][a-z0-9_]*)(?:\.[a-z][a-z0-9_]*|\[\d+\])*)`?(?![\w(@-])"
)
_INDEX = re.compile(r"\[(\d+)\]")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")


def short_label(spec: Field, tr: Callable[[str], str] = as_is) -> str:
    """The label without its trailing note: "One-time cost", not "One-time cost (USD, ...)"
    (``tr`` puts it through the catalogs)."""
    label = tr(spec.label)
    return _TRAILING_NOTE.sub("", label).rstrip(" *") or label


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


def field_name(
    path: str, *, parent: str | None = None, tr: Callable[[str], str] = as_is
) -> str | None:
    """ "Label (Step)" for a field path, with the item or line for list elements; None if the
    path is not a field of the form. ``tr`` puts the words through the catalogs."""
    full = _resolve(path, parent)
    if full is None:
        return None
    spec = FIELDS[full]
    step = tr(STEP_OF[full].title)
    bare = _INDEX.sub("", path.removeprefix("proposal.").removeprefix("contract."))
    rest = bare.split(".")[len(full.split(".")) - 1 :]
    found = _INDEX.search(path)
    if found is not None and spec.kind == "items":
        number = int(found.group(1)) + 1
        column = next((c for c in spec.columns if rest and c.name == rest[-1]), None)
        item = tr(spec.item)
        if column is None:
            what = (tr(N_("%(item)s %(number)s")) % {"item": item, "number": number}).capitalize()
        else:
            what = tr(N_("%(column)s of %(item)s %(number)s")) % {
                "column": tr(column.label),
                "item": item,
                "number": number,
            }
        return tr(N_("%(field)s (%(step)s)")) % {"field": what, "step": step}
    if found is not None and spec.kind == "lines":
        line = tr(N_("%(field)s, line %(number)s")) % {
            "field": short_label(spec, tr),
            "number": int(found.group(1)) + 1,
        }
        return tr(N_("%(field)s (%(step)s)")) % {"field": line, "step": step}
    return tr(N_("%(field)s (%(step)s)")) % {"field": short_label(spec, tr), "step": step}


def humanise(text: str, tr: Callable[[str], str] = as_is) -> str:
    """``text`` with every field path written as "Label (Step)" (``tr``: in the catalogs'
    words; the text around them is left as it is)."""
    parent: list[str | None] = [None]

    def rewrite(match: re.Match[str]) -> str:
        written = match.group(1)
        if "." not in written and "_" not in written and "[" not in written:
            return match.group(0)  # a plain word ("hosting") is English, not a path
        name = field_name(written, parent=parent[0], tr=tr)
        if name is None:
            return match.group(0)
        full = _resolve(written, parent[0])
        parent[0] = full.rsplit(".", 1)[0] if full else None
        return name

    return _PATH.sub(rewrite, text)
