"""Text that every store accepts: PostgreSQL refuses the NUL character in text and JSON, so it
is shown as the visible symbol for it (U+2400) everywhere, on SQLite too, and nothing else
of what a user pasted is changed or lost."""

from __future__ import annotations

from typing import Any

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
