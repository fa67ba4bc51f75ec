"""Rendering the intake form from its spec (review/ui/form_spec.py) and reading it back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from .form_spec import Field, Step, get, lines_to_list, put, rows_to_value, value_to_rows

NOT_ANSWERED = "— not answered —"


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def render_step(step: Step, record: dict[str, Any], *, disabled: bool = False) -> None:
    """Render one step's widgets, writing every answer back into ``record``."""
    st.caption(step.intro)
    for spec in step.fields:
        put(record, spec.path, render_field(spec, get(record, spec.path), disabled=disabled))


def render_field(spec: Field, current: Any, *, disabled: bool = False) -> Any:
    label = spec.label + (" *" if spec.required else "")
    key, help_text = spec.key, spec.help
    if spec.kind == "text":
        text = st.text_input(label, value=current or "", key=key, help=help_text, disabled=disabled)
        return text.strip() or None
    if spec.kind == "textarea":
        text = st.text_area(label, value=current or "", key=key, help=help_text, disabled=disabled)
        return text.strip() or None
    if spec.kind == "enum":
        options: list[str | None] = [None, *spec.options]
        shown = str(current) if current is not None else None
        index = options.index(shown) if shown in options else 0
        return st.selectbox(
            label,
            options,
            index=index,
            key=key,
            help=help_text,
            format_func=lambda v: NOT_ANSWERED if v is None else str(v).replace("_", " "),
            disabled=disabled,
        )
    if spec.kind == "bool":
        choices = [NOT_ANSWERED, "Yes", "No"]
        index = 0 if current is None else (1 if current else 2)
        picked = st.radio(
            label, choices, index=index, key=key, help=help_text, horizontal=True, disabled=disabled
        )
        return None if picked == NOT_ANSWERED else picked == "Yes"
    if spec.kind in ("number", "int"):
        integer = spec.kind == "int"
        value = st.number_input(
            label,
            value=(int(current) if integer else float(current)) if current is not None else None,
            min_value=0 if integer else 0.0,
            step=1 if integer else 1.0,
            key=key,
            help=help_text,
            disabled=disabled,
        )
        if value is None:
            return None
        return int(value) if integer else float(value)
    if spec.kind == "date":
        chosen = st.date_input(
            label,
            value=_date(current),
            key=key,
            help=help_text,
            min_value=dt.date(1990, 1, 1),
            max_value=dt.date(2100, 12, 31),
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
            format_func=lambda v: str(v).replace("_", " "),
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
    return _table(spec, current, disabled=disabled)


def _table(spec: Field, current: Any, *, disabled: bool) -> Any:
    columns = [c.name for c in spec.columns]
    rows = value_to_rows(spec, current)
    frame = pd.DataFrame(rows, columns=columns)
    config: dict[str, Any] = {}
    for column in spec.columns:
        if column.kind == "enum":
            config[column.name] = st.column_config.SelectboxColumn(
                column.label, options=list(column.options)
            )
        elif column.kind == "bool":
            config[column.name] = st.column_config.CheckboxColumn(column.label)
            frame[column.name] = frame[column.name].astype("boolean")
        elif column.kind == "date":
            config[column.name] = st.column_config.DateColumn(column.label, format="YYYY-MM-DD")
            frame[column.name] = pd.to_datetime(frame[column.name], errors="coerce").dt.date
        else:
            config[column.name] = st.column_config.TextColumn(column.label)
            frame[column.name] = frame[column.name].astype("string")
    st.markdown(f"**{spec.label}**")
    st.caption(spec.help)
    edited = st.data_editor(
        frame,
        key=spec.key,
        num_rows="dynamic",
        column_config=config,
        hide_index=True,
        width="stretch",
        disabled=disabled,
    )
    records = edited.to_dict("records") if isinstance(edited, pd.DataFrame) else []
    clean = [{k: _plain(v) for k, v in row.items()} for row in records]
    return rows_to_value(spec, clean)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value
