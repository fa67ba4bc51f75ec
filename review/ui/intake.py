"""Rendering the intake form from its spec (review/ui/form_spec.py) and reading it back.

Every control has a real label, its help says what the policy section behind it asks and
links to the section's text, and a problem with an answer is shown right under it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from . import words
from .field_names import short_label
from .form_spec import Field, Step, get, lines_to_list, put
from .items import render_items
from .policy_text import plain, with_links

NOT_ANSWERED = words.N_("— not answered —")  # a value compared below: shown through t()
YES_NO = (words.N_("Yes"), words.N_("No"))
NEEDED = " *"  # marks what a submission needs


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def problem_for(spec: Field, problems: dict[str, str]) -> list[str]:
    """The problems reported for a field or any item or line of it."""
    return [
        text
        for path, text in problems.items()
        if path == spec.path or path.startswith((spec.path + ".", spec.path + "["))
    ]


def render_step(
    step: Step,
    record: dict[str, Any],
    *,
    disabled: bool = False,
    needed: frozenset[str] = frozenset(),
    titles: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Render one step's widgets, writing every answer back into ``record``; returns a place
    under each field for its problems (filled by ``show_problems`` once they are known)."""
    st.caption(plain(words.t(step.intro)))
    slots: dict[str, Any] = {}
    for spec in step.fields:
        marker = NEEDED if spec.required or spec.path in needed else ""
        help_text = with_links(words.t(spec.help), titles or {})
        if spec.kind == "items":
            render_items(spec, record, disabled=disabled, help_text=help_text, marker=marker)
        else:
            value = render_field(
                spec,
                get(record, spec.path),
                disabled=disabled or spec.readonly,
                label=words.t(spec.label) + marker,
                help_text=help_text,
            )
            if not spec.readonly:
                put(record, spec.path, value)
        slots[spec.path] = st.container(key="intake-problems-" + spec.path.replace(".", "-"))
    return slots


def show_problems(step: Step, slots: dict[str, Any], problems: dict[str, str]) -> None:
    """Each field's problems right under it."""
    for spec in step.fields:
        found = problem_for(spec, problems)
        if found and spec.path in slots:
            slots[spec.path].error(
                words.t("%(field)s: %(problems)s")
                % {
                    "field": short_label(spec, words.t),
                    "problems": "\n\n".join(plain(t) for t in found),
                },
                icon=":material/warning:",
            )


def render_field(
    spec: Field,
    current: Any,
    *,
    disabled: bool = False,
    label: str | None = None,
    help_text: str | None = None,
) -> Any:
    label = label or words.t(spec.label)
    key = spec.key
    help_text = help_text if help_text is not None else words.t(spec.help)
    if spec.kind in ("text", "textarea"):
        widget = st.text_input if spec.kind == "text" else st.text_area
        text = widget(label, value=current or "", key=key, help=help_text, disabled=disabled)
        return text.strip() or None
    if spec.kind == "enum":
        options: list[str | None] = [None, *spec.options]
        shown = str(current) if current is not None else None
        return st.selectbox(
            label,
            options,
            index=options.index(shown) if shown in options else 0,
            key=key,
            help=help_text,
            format_func=lambda v: words.t(NOT_ANSWERED) if v is None else spec.show(v, words.t),
            disabled=disabled,
        )
    if spec.kind == "bool":
        choices = [NOT_ANSWERED, *YES_NO]
        index = 0 if current is None else (1 if current else 2)
        picked = st.radio(
            label,
            choices,
            index=index,
            key=key,
            help=help_text,
            horizontal=True,
            disabled=disabled,
            format_func=words.t,
        )
        return None if picked == NOT_ANSWERED else picked == "Yes"
    if spec.kind in ("number", "int"):
        return _number(spec, current, label, help_text, disabled)
    if spec.kind == "date":
        chosen = st.date_input(
            label,
            value=_date(current),
            key=key,
            help=help_text,
            min_value=dt.date(1990, 1, 1),
            max_value=dt.date(2100, 12, 31),
            format="YYYY-MM-DD",
            disabled=disabled,
        )
        return chosen.isoformat() if isinstance(chosen, dt.date) else None
    if spec.kind == "multi":
        selected = [v for v in (current or []) if v in spec.options]
        return st.multiselect(
            label,
            list(spec.options),
            default=selected,
            key=key,
            help=help_text,
            format_func=lambda v: spec.show(v, words.t),
            disabled=disabled,
        )
    if spec.kind == "lines":
        text = st.text_area(
            label,
            value="\n".join(str(v) for v in current or []),
            key=key,
            help=help_text,
            height=90,
            disabled=disabled,
        )
        return lines_to_list(text)
    raise ValueError(f"{spec.path}: kind {spec.kind!r} is rendered by render_step")


def _number(spec: Field, current: Any, label: str, help_text: str, disabled: bool) -> Any:
    integer = spec.kind == "int"
    shown = None
    if isinstance(current, int | float) and not isinstance(current, bool):
        shown = int(current) if integer else float(current)
    value = st.number_input(
        label,
        value=shown,
        min_value=0 if integer else 0.0,
        step=1 if integer else 1.0,
        key=spec.key,
        help=help_text,
        disabled=disabled,
    )
    if value is None:
        return None
    return int(value) if integer else float(value)
