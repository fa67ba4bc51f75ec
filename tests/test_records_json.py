"""Records read from JSON text (the sweep's and re-evaluation's stored records) accept exactly
what records read from Python data accept: text and number fields are checked natively in
JSON mode (review.core.records._FromJson), without the Python validators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from review.core.records import Money, Percent, ShortText, Submission, Text
from review.core.safeyaml import load_file
from review.services.record_versions import normalised

ROOT = Path(__file__).resolve().parent.parent


class _Fields(BaseModel):
    money: Money | None = None
    percent: Percent | None = None
    short: ShortText | None = None
    text: Text | None = None


def _both(field: str, raw: str) -> tuple[Any, Any]:
    """The field's value (or "refused") read from JSON text and from the parsed data."""
    document = f'{{"{field}": {raw}}}'
    try:
        from_json = getattr(_Fields.model_validate_json(document), field)
    except ValidationError:
        from_json = "refused"
    try:
        from_data = getattr(_Fields.model_validate(json.loads(document)), field)
    except (ValidationError, ValueError):
        from_data = "refused"
    return from_json, from_data


@pytest.mark.parametrize(
    "raw",
    [
        "0", "-0.0", "1", "0.5", "-1", "-0.001", "1e12", "1000000000000", "1000000000001",
        "1.0000000000000002e12", "1e13", "1e400", "123456789012345678901234567890",
        "true", "false", '"5"', '"1e3"', "NaN", "Infinity", "-Infinity", "null", "[1]", "{}",
    ],
)  # fmt: skip
def test_money_from_json_is_money_from_data(raw: str) -> None:
    from_json, from_data = _both("money", raw)
    assert repr(from_json) == repr(from_data)
    if from_json != "refused" and from_json is not None:
        assert type(from_json) is float


@pytest.mark.parametrize("raw", ["1000", "1000.0001", "999.5", "0"])
def test_percent_limit_from_json(raw: str) -> None:
    from_json, from_data = _both("percent", raw)
    assert repr(from_json) == repr(from_data)


@pytest.mark.parametrize(
    "value",
    ["", "x", " ", "a" * 500, "a" * 501, "é" * 500, "😀" * 500, "😀" * 501, "\u0000", "\ufffd"],
)
def test_short_text_from_json_is_short_text_from_data(value: str) -> None:
    from_json, from_data = _both("short", json.dumps(value))
    assert from_json == from_data


@pytest.mark.parametrize("raw", ["5", "true", "null", '["a"]'])
def test_non_text_from_json(raw: str) -> None:
    from_json, from_data = _both("text", raw)
    assert from_json == from_data


@pytest.mark.parametrize(
    "document",
    [
        '{"text": "a\\ud800b"}',  # escaped lone high surrogate
        '{"text": "a\\udc00"}',  # escaped lone low surrogate
        '{"text": "\\udc00\\ud800"}',  # a pair in the wrong order
        '{"text": "a\ud800b"}',  # the character itself in the Python text
    ],
)
def test_json_reader_refuses_lone_surrogates(document: str) -> None:
    """Why JSON mode may skip _real_text: pydantic's JSON reader refuses them itself."""
    with pytest.raises(ValidationError):
        _Fields.model_validate_json(document)


def test_json_reader_refuses_surrogate_bytes() -> None:
    with pytest.raises(ValidationError):
        _Fields.model_validate_json(b'{"text": "a\xed\xa0\x80b"}')


def test_surrogate_pair_escapes_are_text() -> None:
    assert _Fields.model_validate_json('{"text": "\\ud83d\\ude00"}').text == "😀"


def test_python_mode_still_refuses_the_surrogate() -> None:
    with pytest.raises(ValidationError, match="text"):
        _Fields.model_validate({"text": "a\ud800b"})


def test_python_mode_messages_unchanged() -> None:
    with pytest.raises(ValidationError, match="expected a number, got '5'"):
        _Fields.model_validate({"money": "5"})
    with pytest.raises(ValidationError, match="larger than any plausible percentage"):
        _Fields.model_validate({"percent": 1000.5})


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_reads_the_same_from_json_and_data(path: Path) -> None:
    data = normalised(Submission.model_validate(load_file(path)))
    from_json = Submission.model_validate_json(json.dumps(data))
    assert from_json == Submission.model_validate(data)
