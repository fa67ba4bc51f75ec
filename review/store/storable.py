"""Text that every store accepts: PostgreSQL refuses the NUL character in text and JSON, so it
is shown as the visible symbol for it (U+2400) everywhere, on SQLite too, and nothing else
of what a user pasted is changed or lost."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..errors import FieldProblem, RecordInvalid

NUL = "\x00"
NUL_SYMBOL = "\u2400"


def clean_text(text: str) -> str:
    return text.replace(NUL, NUL_SYMBOL) if NUL in text else text


def clean_data(value: Any) -> Any:
    """The same for every string (keys included) inside JSON-shaped data.

    Data without a NUL anywhere comes back as it is (orjson writes it in C, NUL as
    ``\\u0000``); only data that holds one, or that orjson will not write, is walked."""
    if isinstance(value, dict | list):
        try:
            written = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            written = b"\\u0000"
        if b"\\u0000" not in written:
            return value
    return _clean(value)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _surrogate(value: Any) -> bool:
    """Whether text (or any string inside JSON-shaped data) holds a lone surrogate.

    JSON-shaped data (a record, a findings list) is first given to orjson, which refuses any
    string that is not valid UTF-8 and checks a whole record in C; only what it will not
    write for another reason (an integer beyond 64 bits, say) is walked here."""
    if isinstance(value, dict | list):
        try:
            orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            pass
        else:
            return False
    return _walk(value)


def _walk(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_walk(k) or _walk(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_walk(v) for v in value)
    return False


@event.listens_for(Session, "before_flush")
def refuse_surrogates(session: Session, _context: Any, _instances: Any) -> None:
    """Lone surrogates (``"\\ud800"``) are not Unicode text: PostgreSQL cannot store them and
    no page can show them. Every row about to be written is checked here, in one place for
    every service, and refused naming the field, on SQLite as on PostgreSQL."""
    problems: list[FieldProblem] = []
    for row, new in (*((r, True) for r in session.new), *((r, False) for r in session.dirty)):
        state = inspect(row)
        columns: list[tuple[str, Any]] = []
        for attribute in state.mapper.column_attrs:
            if new:
                values: Any = [getattr(row, attribute.key, None)]
            else:  # an updated row: only what changed (a swept system's record is not)
                values = state.attrs[attribute.key].history.added or ()
            columns.append((attribute.key, values))
        # the whole row checked at once (in C, for JSON types); column by column only to
        # name what is wrong
        if not _surrogate([value for _, values in columns for value in values]):
            continue
        problems.extend(
            FieldProblem(key, "contains a lone surrogate; it is not valid Unicode text")
            for key, values in columns
            if any(_surrogate(value) for value in values)
        )
    if problems:
        raise RecordInvalid(problems)
