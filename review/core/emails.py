"""Email addresses in records, checked as pydantic's ``EmailStr`` checks them.

``EmailStr`` imports ``pydantic.networks`` (and with it the standard library's ``email``
package and ``importlib.metadata``) when the records module loads; this check loads
``email_validator`` only when an address is validated, so a command that never reads a record
starts without either. Same rules and messages: at most 2,048 characters, no line breaks,
``Name <address>`` accepted as the address, the address normalised by email_validator
(no deliverability check).

Compiling email_validator's tables took about 20 ms of every command that read a record, so a
plain address (the common case: ASCII letters, digits and ``._%+-`` before the ``@``, a
lower-case ASCII domain) is accepted here as it is, which is what email_validator returns for
it; anything else goes to email_validator. tests/test_emails.py checks the two agree.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

MAX_EMAIL_LENGTH = 2048
# What email_validator surely accepts unchanged: a dot-atom of common characters, at most 64
# long, and a lower-case ASCII domain of labels that neither start nor end with "-" and hold no
# "--" (IDNA), under a letters-only top-level label that is not a special-use name.
_PLAIN = re.compile(
    r"(?=[^@]{1,64}@)[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:(?!-)(?!.*--)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{1,63}"
)
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")
_NAME_CHARS = r"[\w.!#$%&\'*+\-/=?^_`{|}~]"
_PRETTY = re.compile(
    rf'\s*(?:((?:{_NAME_CHARS}+\s+)*{_NAME_CHARS}+)|"((?:[^"]|\")+)")?\s*<(.+)>\s*'
)


def _invalid(reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "value_error", "value is not a valid email address: {reason}", {"reason": reason}
    )


def _plain(address: str) -> bool:
    return (
        len(address) <= 254
        and _PLAIN.fullmatch(address) is not None
        and address.rsplit(".", 1)[1] not in _SPECIAL_USE
    )


def check_email(value: str) -> str:
    """The normalised address, or a value_error naming why it is not one."""
    if len(value) > MAX_EMAIL_LENGTH:
        raise _invalid(f"Length must not exceed {MAX_EMAIL_LENGTH} characters")
    if "\r" in value or "\n" in value:
        raise _invalid("Carriage return and line feed characters are not allowed")
    if _plain(value.strip()):
        return value.strip()
    import email_validator  # on first use: its tables take a while to compile

    pretty = _PRETTY.fullmatch(value)
    if pretty:
        value = pretty.group(3)
    try:
        parts = email_validator.validate_email(value.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise _invalid(str(exc.args[0])) from exc
    return str(parts.normalized)


Email = Annotated[str, AfterValidator(check_email)]
