"""The public pages' languages (GEN-10, ACC-4): gettext catalogs made with Babel.

Catalogs live in ``review/locale/<locale>/LC_MESSAGES/review.po``; ``scripts/setup`` compiles
them to ``.mo`` with ``pybabel compile``. A catalog whose ``.mo`` is missing or older than its
``.po`` is compiled in memory from the ``.po``, so a clean clone works before set-up too.
Dates, numbers and money are formatted per locale by Babel. A locale without a catalog is a
ConfigurationError naming it and the locales there are.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from .errors import ConfigurationError

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "review"
# the Babel locale each language's dates and money are written in (the City is in the US)
REGION = {"en": "en_US", "es": "es_US"}


def available() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@cache
def translations(locale: str) -> gettext.GNUTranslations:
    """The catalog of ``locale`` (compiled .mo, or the .po compiled in memory)."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        raise ConfigurationError(
            f"language {locale!r} has no catalog ({po}); available: {', '.join(available())}"
        )
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Language:
    """One language's words and formats, for one page run."""

    def __init__(self, locale: str) -> None:
        self.code = locale
        self._t = translations(locale)
        self.locale = Locale.parse(REGION.get(locale, locale))

    def __call__(self, message: str) -> str:
        return self._t.gettext(message)

    def date(self, value: dt.date | str | None) -> str:
        if value in (None, ""):
            return ""
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, format="long", locale=self.locale)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, value: float) -> str:
        return format_currency(value, "USD", locale=self.locale)
