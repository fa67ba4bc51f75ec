"""The public register pages (GEN-10): open without signing in, in English and Spanish, with
dates and money per language, a language switch that keeps the page, and "translation
pending" where an entry has no Spanish text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from review.errors import ConfigurationError
from review.i18n import Language, translations
from review.services.context import Services
from review.store.database import Database
from tests.workflow.register_support import ai, put_system, surveillance

from .conftest import FAST, open_app

SURVEILLANCE = "review/ui/pages/register_surveillance.py"
AI = "review/ui/pages/register_ai.py"


@pytest.fixture
def published(app_env: Path) -> Path:
    db = Database.connect(f"sqlite:///{app_env / 'review.db'}")
    services = Services(db, hasher=FAST)
    long_ago = dt.date.today() - dt.timedelta(days=60)
    put_system(
        services,
        surveillance(publication={"purpose_en": "Finds stolen cars", "purpose_es": "Busca autos"}),
        entered_on=long_ago,
    )
    put_system(services, ai(publication={"purpose_en": "Answers questions"}), entered_on=long_ago)
    db.engine.dispose()
    return app_env


def _tables(at: object) -> list[str]:
    return [t.value.to_csv() for t in at.table]  # type: ignore[attr-defined]


def test_the_registers_open_without_signing_in_in_english(published: Path) -> None:
    at = open_app(None, page=SURVEILLANCE)
    assert not at.exception
    assert at.title[0].value == "Surveillance technology inventory"
    (table,) = _tables(at)[:1]
    assert "Finds stolen cars" in table and "October 6, 2026" in table  # the Council date


def test_spanish_words_dates_and_translation_pending(published: Path) -> None:
    at = open_app(None, page=AI, lang="es")
    assert not at.exception
    assert at.title[0].value == "Registro de sistemas de IA"
    table = _tables(at)[0]
    assert "traducción pendiente" in table and "Answers questions" not in table
    assert "Sí" in table  # human review, in Spanish
    at = open_app(None, page=SURVEILLANCE, lang="es")
    assert "Busca autos" in _tables(at)[0] and "6 de octubre de 2026" in _tables(at)[0]


def test_the_language_switch_keeps_the_page(published: Path) -> None:
    at = open_app(None, page=SURVEILLANCE)
    at.radio(key="public-lang").set_value("es").run()
    assert not at.exception
    assert at.query_params["lang"] == ["es"] or at.query_params["lang"] == "es"
    assert at.title[0].value == "Inventario de tecnología de vigilancia"


def test_formats_per_language_and_a_missing_catalog() -> None:
    en, es = Language("en"), Language("es")
    assert en.money(1234.5) == "$1,234.50" and en.date("2026-03-01") == "March 1, 2026"
    assert es.date("2026-03-01") == "1 de marzo de 2026"
    assert es("Approved technology") == "Tecnología aprobada"
    with pytest.raises(ConfigurationError, match=r"language 'fr' has no catalog .* en, es"):
        translations("fr")
