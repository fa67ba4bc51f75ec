"""A system's judged hash decides whether the sweep stores a new evaluation: written faster,
it must stay the same bytes, or every system would look changed after an upgrade."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from review.services.audit import canonical
from review.services.sweep_judge import judged_hash


def _as_before(keys: list[tuple[str, str, str]]) -> str:
    return hashlib.sha256(canonical(sorted(keys)).encode()).hexdigest()


@pytest.mark.parametrize(
    "subject",
    [
        "",
        "log4j-core 2.14.1",
        "Ñandú café \u2028 \u00a0 \u200b",
        'quote " backslash \\ tab \t newline \n nul \x00 unit \x1f del \x7f',
        "emoji \U0001f600 and CJK \u4e2d\u6587",
    ],
)
def test_the_hash_is_the_canonical_json_of_the_sorted_keys(subject: str) -> None:
    findings: list[dict[str, Any]] = [
        {"rule_id": "SEC-4.1", "subject": subject, "severity": "blocker"},
        {"rule_id": "ACC-2", "subject": None, "severity": "info"},
    ]
    keys = [("SEC-4.1", subject, "blocker"), ("ACC-2", "", "info")]
    assert judged_hash(findings) == _as_before(keys)


def test_a_lone_surrogate_is_refused_as_before() -> None:
    findings = [{"rule_id": "SEC-4.1", "subject": "\ud800", "severity": "blocker"}]
    with pytest.raises(UnicodeEncodeError):
        judged_hash(findings)
