"""List answers (integrations, components, certifications, ...) as "add an item" sub-forms.

A grid editor lost entries and columns and could not be used from the keyboard; here each
list is its items, each named on its own Edit and Remove buttons ("Remove integration erp
(api)"), and one small form with a labelled control per column to add or change an item.
Inside a form nothing reruns until the person presses its button (or Enter), so Tab moves
freely between the controls. A removed item can be put back until the next change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from . import words
from .focus import focus_later
from .form_fields import Column, Field
from .form_spec import get, item_problems, items_to_value, put, value_to_items
from .policy_text import literal

NOT_ANSWERED = words.N_("— not answered —")  # a value compared below: shown through t()
YES_NO = (words.N_("Yes"), words.N_("No"))
PER_PAGE = 25
_EDITING = "items-editing"  # field key -> index being edited
_ROUND = "items-round"  # field key -> counter that renews the form's widgets after a change
_UNDO = "items-undo"  # field key -> (index, item) removed last
FLASH = "items-flash"


def _state(name: str) -> dict[str, Any]:
    found: dict[str, Any] = st.session_state.setdefault(name, {})
    return found


def render_items(
    spec: Field, record: dict[str, Any], *, disabled: bool, help_text: str, marker: str = ""
) -> None:
    items = value_to_items(spec, get(record, spec.path))
    editing: int | None = _state(_EDITING).get(spec.key)
    if editing is not None and editing >= len(items):
        editing = None
    with st.container(key=spec.key):
        st.markdown(f"**{words.t(spec.label)}**{marker}")
        st.caption(help_text)
        flash = _state(FLASH).pop(spec.key, None)
        if flash:
            st.success(flash)
        _undo(spec, record, items, disabled)
        _listing(spec, record, items, editing, disabled)
        if not disabled:
            _item_form(spec, record, items, editing)


def _listing(
    spec: Field,
    record: dict[str, Any],
    items: list[dict[str, Any]],
    editing: int | None,
    disabled: bool,
) -> None:
    if not items:
        st.caption(words.t("No %(item)s listed yet.") % {"item": words.t(spec.item)})
        return
    start = 0
    if len(items) > PER_PAGE:
        pages = (len(items) + PER_PAGE - 1) // PER_PAGE
        page = st.pagination(pages, key=f"{spec.key}-page")
        start = (page - 1) * PER_PAGE
        st.caption(
            words.t("%(items)ss %(first)s–%(last)s of %(count)s")
            % {
                "items": words.t(spec.item).capitalize(),
                "first": start + 1,
                "last": min(start + PER_PAGE, len(items)),
                "count": len(items),
            }
        )
    for index in range(start, min(start + PER_PAGE, len(items))):
        item = items[index]
        title = spec.item_title(item, words.t)
        what = words.t(spec.item)
        with st.container(border=True, key=f"{spec.key}-item-{index}"):
            details = " · ".join(
                f"{words.t(c.label)}: **{literal(_answer(c, item[c.name]))}**"
                for c in spec.columns
                if item.get(c.name) not in (None, "")
            )
            mark = words.t(" (editing below)") if index == editing else ""
            st.markdown(f"{index + 1}. {details}{mark}")
            if disabled:
                continue
            with st.container(horizontal=True):
                st.button(
                    words.t("Edit %(item)s %(title)s") % {"item": what, "title": literal(title)},
                    key=f"{spec.key}-edit-{index}",
                    on_click=_start_edit,
                    args=(spec, index),
                )
                st.button(
                    words.t("Remove %(item)s %(title)s") % {"item": what, "title": literal(title)},
                    key=f"{spec.key}-remove-{index}",
                    on_click=_remove,
                    args=(spec, record, index),
                )


def _renew(spec: Field) -> None:
    rounds = _state(_ROUND)
    rounds[spec.key] = rounds.get(spec.key, 0) + 1


def _start_edit(spec: Field, index: int) -> None:
    _state(_EDITING)[spec.key] = index
    _renew(spec)
    focus_later(f".st-key-{spec.key}-form input, .st-key-{spec.key}-form textarea")


def _remove(spec: Field, record: dict[str, Any], index: int) -> None:
    items = value_to_items(spec, get(record, spec.path))
    if index >= len(items):
        return
    removed = items.pop(index)
    put(record, spec.path, items_to_value(spec, items))
    _state(_UNDO)[spec.key] = (index, removed)
    _state(_EDITING).pop(spec.key, None)
    _renew(spec)
    _state(FLASH)[spec.key] = words.t("Removed %(item)s %(title)s.") % {
        "item": words.t(spec.item),
        "title": literal(spec.item_title(removed, words.t)),
    }
    focus_later(f".st-key-{spec.key}-undo button")


def _undo(spec: Field, record: dict[str, Any], items: list[dict[str, Any]], disabled: bool) -> None:
    removed = _state(_UNDO).get(spec.key)
    if removed is None or disabled:
        return
    index, item = removed
    title = spec.item_title(item, words.t)
    what = words.t(spec.item)
    if st.button(
        words.t("Put back %(item)s %(title)s") % {"item": what, "title": literal(title)},
        key=f"{spec.key}-undo",
    ):
        items.insert(min(index, len(items)), item)
        put(record, spec.path, items_to_value(spec, items))
        _state(_UNDO).pop(spec.key, None)
        _state(FLASH)[spec.key] = words.t("Put back %(item)s %(title)s.") % {
            "item": what,
            "title": title,
        }
        st.rerun()


def _item_form(
    spec: Field, record: dict[str, Any], items: list[dict[str, Any]], editing: int | None
) -> None:
    current = items[editing] if editing is not None else {}
    round_ = _state(_ROUND).get(spec.key, 0)
    prefix = f"{spec.key}-{round_}"
    what = words.t(spec.item)
    if editing is not None:
        heading = words.t("Change %(item)s %(title)s") % {
            "item": what,
            "title": literal(spec.item_title(current, words.t)),
        }
    elif spec.item[:1] in "aeiou":
        heading = words.t("Add an %(item)s") % {"item": what}
    else:
        heading = words.t("Add a %(item)s") % {"item": what}
    with st.container(key=f"{spec.key}-form"), st.form(key=f"{spec.key}-itemform", border=True):
        st.markdown(f"**{heading}**")
        values = {
            c.name: _column_input(c, current.get(c.name), f"{prefix}-{c.name}")
            for c in spec.columns
        }
        with st.container(horizontal=True):
            saved = st.form_submit_button(
                (words.t("Save %(item)s") if editing is not None else words.t("Add %(item)s"))
                % {"item": what},
                type="primary",
                key=f"{spec.key}-submit",
            )
            cancelled = editing is not None and st.form_submit_button(
                words.t("Cancel the change"), key=f"{spec.key}-cancel"
            )
    if cancelled:
        _state(_EDITING).pop(spec.key, None)
        _renew(spec)
        st.rerun()
    if not saved:
        return
    problems = item_problems(spec, values, items, editing, words.t)
    if problems:
        for problem in problems:
            st.error(problem)
        return
    clean = {k: v for k, v in values.items() if v not in (None, "")}
    if editing is None:
        items.append(clean)
        done = words.t("Added %(item)s %(title)s.") % {
            "item": what,
            "title": literal(spec.item_title(clean, words.t)),
        }
    else:
        items[editing] = clean
        done = words.t("Saved %(item)s %(title)s.") % {
            "item": what,
            "title": literal(spec.item_title(clean, words.t)),
        }
    put(record, spec.path, items_to_value(spec, items))
    _state(_EDITING).pop(spec.key, None)
    _state(_UNDO).pop(spec.key, None)
    _renew(spec)
    _state(FLASH)[spec.key] = done
    focus_later(f".st-key-{spec.key}-form input, .st-key-{spec.key}-form textarea")
    st.rerun()


def _column_input(column: Column, current: Any, key: str) -> Any:
    label = words.t(column.label) + (" *" if column.required else "")
    helptext = words.t(column.help) if column.help else None
    if column.kind == "enum":
        options: list[str | None] = [None, *column.options]
        shown = str(current) if current is not None else None
        return st.selectbox(
            label,
            options,
            index=options.index(shown) if shown in options else 0,
            format_func=lambda v: words.t(NOT_ANSWERED) if v is None else column.show(v, words.t),
            key=key,
            help=helptext,
        )
    if column.kind == "bool":
        choices = [NOT_ANSWERED, *YES_NO]
        index = 0 if current is None else (1 if current else 2)
        picked = st.radio(
            label,
            choices,
            index=index,
            key=key,
            horizontal=True,
            help=helptext,
            format_func=words.t,
        )
        return None if picked == NOT_ANSWERED else picked == "Yes"
    if column.kind == "date":
        value = current if isinstance(current, dt.date) else _date(current)
        chosen = st.date_input(
            label,
            value=value,
            min_value=dt.date(1990, 1, 1),
            max_value=dt.date(2100, 12, 31),
            format="YYYY-MM-DD",
            key=key,
            help=helptext,
        )
        return chosen.isoformat() if isinstance(chosen, dt.date) else None
    text = st.text_input(label, value=str(current or ""), key=key, help=helptext)
    return text.strip() or None


def _answer(column: Column, value: Any) -> str:
    if column.kind == "bool":
        return words.t("yes") if value else words.t("no")
    return column.show(value, words.t)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
