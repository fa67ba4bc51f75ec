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
    """The same for every string (keys included) inside JSON-shaped data."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v) for v in value]
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


@event.listens_for(Session, "before_flush")
def refuse_surrogates(session: Session, _context: Any, _instances: Any) -> None:
    """Lone surrogates (``"\\ud800"``) are not Unicode text: PostgreSQL cannot store them and
    no page can show them. Every row about to be written is checked here, in one place for
    every service, and refused naming the field, on SQLite as on PostgreSQL.

    A new row's columns are read from its state; an updated row's only where an attribute was
    set since it was loaded (its committed state), so a batch that leaves most rows as they
    were does not build every row's attribute history."""
    problems = []
    for row in session.new:
        state = inspect(row)
        values = state.dict
        for attribute in state.mapper.column_attrs:
            if _surrogate(values.get(attribute.key)):
                problems.append(FieldProblem(attribute.key, SURROGATE))
    for row in session.dirty:
        state = inspect(row)
        changed = state.committed_state
        for attribute in state.mapper.column_attrs:
            if attribute.key not in changed:
                continue
            # only what changed (a swept system's record is not)
            history = get_history(row, attribute.key, passive=_UNLOADED_STAYS)
            if any(_surrogate(value) for value in history.added or ()):
                problems.append(FieldProblem(attribute.key, SURROGATE))
    if problems:
        raise RecordInvalid(problems)
