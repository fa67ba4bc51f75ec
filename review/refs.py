"""A request's reference as people write it: ``P-7`` (or just ``7``).

One parser for every place a person types a request id (the command line today; the
workspace's ``?id=`` link can share it), so ``P-7``, ``p-7`` and ``7`` mean the same request
everywhere and anything else is refused with the value that was given.
"""

from __future__ import annotations

from .errors import InputError

PREFIX = "P-"
# ids are the database's integer keys (32-bit on PostgreSQL): a larger number can name no
# request, and would reach the database as an overflow rather than as "not found"
MAX_ID = 2**31 - 1


def proposal_ref(proposal_id: int) -> str:
    return f"{PREFIX}{proposal_id}"


def parse_proposal_id(value: str, field: str = "proposal id") -> int:
    """``P-7``, ``p-7`` or ``7`` → 7; anything else is an InputError naming ``field``."""
    text = value.strip()
    digits = text[len(PREFIX) :] if text.upper().startswith(PREFIX) else text
    # ASCII digits only: str.isdigit() accepts '²', which int() then refuses
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 10:
        raise InputError(f"{field}: expected a number like 7 or P-7, got {value!r}")
    number = int(digits)
    if not 1 <= number <= MAX_ID:
        raise InputError(f"{field}: expected a number from 1 to {MAX_ID} (P-1 or 1), got {value!r}")
    return number


def read_proposal_id(value: object) -> int | None:
    """A link's or a form's request id (``?id=P-7``), or None when it names no request."""
    if value is None:
        return None
    try:
        return parse_proposal_id(str(value))
    except InputError:
        return None
