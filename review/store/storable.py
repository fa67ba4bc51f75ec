"""Text that every store accepts: PostgreSQL refuses the NUL character in text and JSON, so it
is shown as the visible symbol for it (U+2400) everywhere, on SQLite too, and nothing else
of what a user pasted is changed or lost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import event, inspect
from sqlalchemy.orm import PassiveFlag, Session
from sqlalchemy.orm.attributes import get_history

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


_UNLOADED_STAYS = PassiveFlag.PASSIVE_NO_INITIALIZE  # history without loading anything
SURROGATE = "contains a lone surrogate; it is not valid Unicode text"


def surrogate_problems(row: Mapping[str, Any]) -> list[FieldProblem]:
    """The columns of a row about to be written that hold a lone surrogate: rows written with
    a Core insert (a re-evaluation's batch) do not pass the before-flush check below."""
    return [FieldProblem(key, SURROGATE) for key, value in row.items() if _surrogate(value)]


def _no_text(_value: Any) -> None:
    return None


def refuse_surrogate_rows(rows: list[dict[str, Any]]) -> None:
    """Refuse rows about to be written with a Core statement if any column holds a lone
    surrogate, naming the columns as the before-flush check names them. All rows are checked
    at once (in C) and row by row only when something is wrong."""
    try:  # a type orjson does not know (a Decimal) holds no text: written as null
        orjson.dumps(rows, default=_no_text, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # a surrogate, or a number orjson will not write: look
        problems = [problem for row in rows for problem in surrogate_problems(row)]
        if problems:
            raise RecordInvalid(problems) from None


@event.listens_for(Session, "before_flush")
def refuse_surrogates(session: Session, _context: Any, _instances: Any) -> None:
    """Lone surrogates (``"\\ud800"``) are not Unicode text: PostgreSQL cannot store them and
    no page can show them. Every row about to be written is checked here, in one place for
    every service, and refused naming the field, on SQLite as on PostgreSQL.

    A new row's columns are read from its state; an updated row's only where an attribute was
    set since it was loaded (its committed state), so a batch that leaves most rows as they
    were does not build every row's attribute history. The whole row is checked at once (in
    C, for JSON types); column by column only to name what is wrong."""
    problems: list[FieldProblem] = []
    for row, new in (*((r, True) for r in session.new), *((r, False) for r in session.dirty)):
        state = inspect(row)
        columns: list[tuple[str, Any]] = []
        if new:
            values = state.dict
            for attribute in state.mapper.column_attrs:
                columns.append((attribute.key, [values.get(attribute.key)]))
        else:
            changed = state.committed_state
            for attribute in state.mapper.column_attrs:
                if attribute.key in changed:  # only what changed (a swept system's record is not)
                    history = get_history(row, attribute.key, passive=_UNLOADED_STAYS)
                    columns.append((attribute.key, list(history.added or ())))
        if not _surrogate([value for _, values in columns for value in values]):
            continue
        problems.extend(
            FieldProblem(key, SURROGATE)
            for key, values in columns
            if any(_surrogate(value) for value in values)
        )
    if problems:
        raise RecordInvalid(problems)
