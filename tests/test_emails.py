"""A plain address is accepted without email_validator (review/core/emails.py): it must be
exactly what email_validator would have said, for every address, plain or not."""

from __future__ import annotations

import email_validator
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from review.core import emails

LOCAL = st.text(alphabet="abcXYZ019._%+-'!#~", min_size=1, max_size=70)
LABEL = st.text(alphabet="abcz019-_Aé", min_size=1, max_size=65)
DOMAIN = st.lists(LABEL, min_size=1, max_size=4).map(".".join)
TLD = st.sampled_from(["gov", "com", "c", "io", "test", "local", "arpa", "x1", "123", "Gov", ""])
ADDRESS = st.builds(lambda local, domain, tld: f"{local}@{domain}.{tld}", LOCAL, DOMAIN, TLD)


def verdict(check: object, value: str) -> tuple[str, str]:
    try:
        return ("ok", check(value))  # type: ignore[operator]
    except PydanticCustomError as exc:
        return ("refused", str(exc))


def through_email_validator(value: str) -> str:
    """What check_email said before it had a fast path: email_validator for every address."""
    if len(value) > emails.MAX_EMAIL_LENGTH or "\r" in value or "\n" in value:
        return emails.check_email(value)  # checked before either path
    pretty = emails._PRETTY.fullmatch(value)
    if pretty:
        value = pretty.group(3)
    try:
        parts = email_validator.validate_email(value.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise emails._invalid(str(exc.args[0])) from exc
    return str(parts.normalized)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(ADDRESS, st.text(max_size=40)))
@example("dana.whitfield@library.city.gov")
@example(" dana@city.gov ")
@example("x@foo.local")
@example("a..b@x.com")
@example("a@x-.com")
@example("a@xn--bcher-kva.example")
@example("a@x.123")
@example("Dana <dana@city.gov>")
@example("a" * 65 + "@x.gov")
@example("a@" + "b" * 64 + ".gov")
@example("a@" + ("b" * 60 + ".") * 5 + "gov")
def test_the_fast_path_agrees_with_email_validator(address: str) -> None:
    assert verdict(emails.check_email, address) == verdict(through_email_validator, address)


@pytest.mark.parametrize("address", ["dana.whitfield@library.city.gov", "it+ops@vendor.io"])
def test_plain_addresses_take_the_fast_path(address: str) -> None:
    assert emails._plain(address)


@pytest.mark.parametrize(
    "address", ["x@foo.local", "Dana <d@x.gov>", "a@B.gov", "a@xn--bcher-kva.example", "é@x.gov"]
)
def test_anything_else_goes_to_email_validator(address: str) -> None:
    assert not emails._plain(address)
