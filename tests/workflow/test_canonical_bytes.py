"""The findings' hash, the sign-offs' domain hashes and canonical JSON are written by orjson
where it writes the standard library's bytes (``audit.canonical_bytes``): an evaluation's
findings hash, a sign-off's validity and every audit event's HMAC depend on those bytes, so
they must not change for any value, and anything orjson writes otherwise must go the old way."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import math
import random
import struct
import uuid
from typing import Any

import pytest
from hypothesis import given, settings

from review.core.evaluate import Evaluator
from review.core.findings import Evidence, Finding
from review.core.records import Submission
from review.services import audit, evaluations
from review.services.audit import canonical, canonical_bytes, written_alike
from tests.generators import submissions

AS_OF = dt.date(2026, 11, 27)


class Colour(enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    LARGE = 3


class Kind(enum.StrEnum):
    SAAS = "saas"


class Text(str):
    pass


ODD = [
    0.0,
    -0.0,
    1e-4,
    9.9e-5,
    1e-5,
    -1.5e-7,
    5e-324,
    1e15,
    1e16,
    -1.5e16,
    1e21,
    1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
    2**63 - 1,
    2**64,
    -(2**70),
    True,
    None,
    "",
    'quote " backslash \\ \b \f \n \r \t \x00 \x1f \x7f \u2028 \u00e9 \U0001f600',
    Colour.RED,
    Size.LARGE,
    Kind.SAAS,
    Text("sub"),
    dt.date(2026, 12, 5),
    dt.datetime(2026, 12, 5, 20, 15, tzinfo=dt.UTC),
    dt.time(20, 15),
    uuid.UUID(int=7),
    decimal.Decimal("1.10"),
    (1, "a"),
    {"b": 1, "a": [2.5, {"é": None, "Z": ()}]},
    {1: "integer key"},
    {"": "empty key"},
]


@pytest.mark.parametrize("value", ODD, ids=repr)
def test_every_kind_of_value_is_written_as_the_standard_library_writes_it(value: Any) -> None:
    for shape in (value, [value], {"value": value, "evidence": [{"value": value}]}):
        assert canonical_bytes(shape) == canonical(shape).encode()


def test_floats_of_every_magnitude() -> None:
    rng = random.Random(20261205)
    values = [
        struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(20_000)
    ]
    values += [rng.uniform(-1, 1) * 10 ** rng.uniform(-8, 20) for _ in range(20_000)]
    values += [round(rng.uniform(0, 1e6), rng.randint(0, 6)) for _ in range(5_000)]
    assert canonical_bytes(values) == canonical(values).encode()
    for value in values[::50]:
        assert canonical_bytes(value) == canonical(value).encode()


def test_a_lone_surrogate_is_refused_as_before() -> None:
    with pytest.raises(UnicodeEncodeError):
        canonical_bytes(["\ud800"])
    with pytest.raises(UnicodeEncodeError):
        canonical(["\ud800"]).encode()


def _finding(subject: Any, value: Any) -> Finding:
    evidence = Evidence(field="hosting", source="proposal.hosting", value=value)
    return Finding("SEC-1", "security", "high", "t", "m", ("c",), "r", True, subject, (evidence,))


def _hashes(findings: list[Finding]) -> tuple[str, str]:
    rows = [f.to_dict() for f in findings]
    before = hashlib.sha256(canonical(rows).encode()).hexdigest()
    return evaluations.all_findings_hash(rows, alike=evaluations._made_alike(findings)), before


@pytest.mark.parametrize("value", ODD, ids=repr)
def test_an_evaluations_findings_hash_is_the_canonical_jsons(value: Any) -> None:
    """Only the subject and the evidence's values come from the record; whatever they hold,
    the hash is the standard library's."""
    now, before = _hashes([_finding("log4j", value), _finding(None, "plain")])
    assert now == before
    if isinstance(value, str | type(None)):
        now, before = _hashes([_finding(value, 1)])
        assert now == before


def _checked(durable: Evaluator, record: dict[str, Any]) -> None:
    result = durable.evaluate(Submission.model_validate(record), AS_OF)
    rows = [f.to_dict() for f in result.findings]
    # the shortcut judges as the whole walk does, and the hashes are the canonical JSON's
    assert evaluations._made_alike(result.findings) == written_alike(rows)
    _, before = _hashes(list(result.findings))
    assert evaluations.all_findings_hash(rows) == before
    for domain in ("security", "privacy", "technology", "accessibility", "procurement"):
        keys = sorted(
            (f["rule_id"], f.get("subject") or "", f["severity"])
            for f in evaluations.domain_findings(rows, domain)
        )
        expected = hashlib.sha256(canonical(keys).encode()).hexdigest()
        assert evaluations.domain_hash(rows, domain) == expected


@settings(max_examples=60, deadline=None)
@given(record=submissions())
def test_generated_records_findings_hash_as_before(
    durable: Evaluator, record: dict[str, Any]
) -> None:
    _checked(durable, record)


@pytest.mark.parametrize("value", [*ODD, "\ud800 lone"], ids=repr)
def test_an_audit_events_details_are_read_as_before(value: Any) -> None:
    """An event's details as the database returns them (what its HMAC covers)."""
    details = {"value": value, "list": [value], "n": 1}
    before = json.loads(canonical(details))
    now = audit._as_read(details)
    assert repr(now) == repr(before)  # NaN is not equal to itself; its repr is
