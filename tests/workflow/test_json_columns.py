"""JSON columns are written and read by orjson (re-evaluation stores a findings list per
request), and still read what the standard library wrote: ``NaN``, integers beyond 64 bits."""

from __future__ import annotations

import math
from typing import Any

import pytest
from sqlalchemy import ColumnClause, cast, literal_column, select, text, type_coerce

from review.services.context import Services
from review.store.database import Database, _json_text, json_value
from review.store.models import JsonType, RecordVersion

from .support import saas

pytestmark = pytest.mark.usefixtures("people")


def read_json(db: Database, text: str) -> object:
    with db.engine.connect() as connection:
        quoted: ColumnClause[Any] = literal_column(f"'{text}'")
        # SQLite stores JSON as text (a CAST would make it a number); PostgreSQL as jsonb
        column = type_coerce(quoted, JsonType) if db.is_sqlite else cast(quoted, JsonType)
        return connection.scalar(select(column))


def test_a_stored_record_reads_back_as_it_was_written(
    services: Services, database: Database
) -> None:
    from review.services import proposals

    record = saas(title="Réservation — 会議室 \u2028 booking")
    record["proposal"]["cost"] = {"one_time": 12000.5, "annual": 250, "term_years": 3}
    draft = proposals.create_draft(services, "dana", record)
    with database.session() as session:
        stored = session.scalars(
            select(RecordVersion).where(RecordVersion.proposal_id == draft.proposal.id)
        ).one()
        assert stored.record["proposal"]["title"] == "Réservation — 会議室 \u2028 booking"
        assert stored.record["proposal"]["cost"]["one_time"] == 12000.5


def test_text_the_standard_library_wrote_still_reads(database: Database) -> None:
    for digits in ("9223372036854775808", "123456789012345678901234567890"):  # beyond 64 bits
        assert read_json(database, f'{{"n": {digits}}}') == {"n": int(digits)}
    if database.is_sqlite:  # PostgreSQL's json refuses NaN itself
        value = read_json(database, "[NaN, 1]")
        assert isinstance(value, list) and math.isnan(value[0]) and value[1] == 1


def test_long_integers_are_found_anywhere_in_the_text() -> None:
    """The 19-digit check is a byte translation now: the same answers as the pattern."""
    assert json_value('{"é": "x", "n": 12345678901234567890123}') == {
        "é": "x",
        "n": 12345678901234567890123,
    }
    assert json_value(b"[1234567890123456789012]") == [1234567890123456789012]
    assert json_value('[123456789012345678, "\u0661\u0662"]') == [123456789012345678, "١٢"]


def test_what_orjson_will_not_write_is_written_as_before() -> None:
    assert _json_text({"big": 2**70}) == '{"big": 1180591620717411303424}'
    assert _json_text(["\ud800"]) == '["\\ud800"]'
    assert _json_text({"a": [1, 2.5, None, "é"]}) == '{"a":[1,2.5,null,"é"]}'


def test_findings_are_compressed_with_lz4_on_postgresql(
    services: Services, database: Database
) -> None:
    """Migration 0010: pglz compression was most of a re-evaluation's insert on PostgreSQL."""
    if database.is_sqlite:
        pytest.skip("PostgreSQL's TOAST compression")
    with database.engine.connect() as connection:
        built_in = connection.scalar(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        )
        method = connection.scalar(
            text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'evaluations'::regclass AND attname = 'findings'"
            )
        )
    assert method == ("l" if built_in else "")
