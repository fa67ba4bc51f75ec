"""Large records: facts of one kind are split across durable_rules sessions of bounded size,
with the same findings as the reference matcher (issue 16: per-assert cost grew past ~2,000
facts in one session)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from review.core import matcher
from review.core.evaluate import evaluator
from review.core.records import Submission

AS_OF = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LICENSES = ["MIT", "GPL-2.0-only", "AGPL-3.0-only", "LicenseRef-custom", None]


def large_record(n: int) -> Submission:
    from review.core.safeyaml import load_file

    data: dict[str, Any] = load_file(EXAMPLES / "library-room-booking.yaml")
    components = []
    for i in range(n):
        component: dict[str, Any] = {"name": f"c-{i}", "version": f"1.{i}"}
        if LICENSES[i % len(LICENSES)]:
            component["license"] = LICENSES[i % len(LICENSES)]
        components.append(component)
    data["proposal"].setdefault("open_source", {})["components"] = components
    return Submission.model_validate(data)


def test_sessions_stay_bounded_and_findings_match_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matcher, "MAX_SESSION_FACTS", 7)
    sizes: list[int] = []
    real = matcher.DurableMatcher._run

    def spy(self: Any, ruleset: Any, batch: list[dict[str, Any]], *rest: Any) -> None:
        sizes.append(len(batch))
        real(self, ruleset, batch, *rest)

    monkeypatch.setattr(matcher.DurableMatcher, "_run", spy)
    submission = large_record(40)
    durable = evaluator("durable").evaluate(submission, AS_OF)
    assert max(sizes) == 7 and sum(1 for s in sizes if s == 7) >= 5  # 40 components, split
    assert durable == evaluator("reference").evaluate(submission, AS_OF)
    assert sum(f.rule_id.startswith("OSS") for f in durable.findings) >= 24
