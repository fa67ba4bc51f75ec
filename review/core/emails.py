"""Email addresses in records, checked as pydantic's ``EmailStr`` checks them.

``EmailStr`` imports ``pydantic.networks`` (and with it the standard library's ``email``
package and ``importlib.metadata``) when the records module loads; this check loads
``email_validator`` only when an address is validated, so a command that never reads a record
starts without either. Same rules and messages: at most 2,048 characters, no line breaks,
``Name <address>`` accepted as the address, the address normalised by email_validator
(no deliverability check).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

MAX_EMAIL_LENGTH = 2048
_NAME_CHARS = r"[\w.!#$%&\'*+\-/=?^_`{|}~]"
_PRETTY = re.compile(
    rf'\s*(?:((?:{_NAME_CHARS}+\s+)*{_NAME_CHARS}+)|"((?:[^"]|\")+)")?\s*<(.+)>\s*'
)


def _invalid(reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "value_error", "value is not a valid email address: {reason}", {"reason": reason}
    )


def check_email(value: str) -> str:
    """The normalised address, or a value_error naming why it is not one."""
    import email_validator  # on first use: its tables take a while to compile

    if len(value) > MAX_EMAIL_LENGTH:
        raise _invalid(f"Length must not exceed {MAX_EMAIL_LENGTH} characters")
    if "\r" in value or "\n" in value:
        raise _invalid("Carriage return and line feed characters are not allowed")
    pretty = _PRETTY.fullmatch(value)
    if pretty:
        value = pretty.group(3)
    try:
        parts = email_validator.validate_email(value.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise _invalid(str(exc.args[0])) from exc
    return str(parts.normalized)


Email = Annotated[str, AfterValidator(check_email)]
