"""Every rule's own cases: a record that triggers it and one that does not, on both engines."""

from __future__ import annotations

import pytest

from review.core.evaluate import Evaluator
from review.core.records import Submission

from .casefiles import Case, load_cases

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case: Case, durable: Evaluator, reference: Evaluator) -> None:
    submission = Submission.model_validate(case.record)
    result = durable.evaluate(submission, case.as_of)
    oracle = reference.evaluate(submission, case.as_of)
    assert result == oracle, "durable_rules and the reference evaluator disagree"

    mine = [f for f in result.findings if f.rule_id == case.rule]
    if case.expect == "fires":
        assert mine, f"{case.rule} did not fire; fired: {[f.rule_id for f in result.findings]}"
        if case.count is not None:
            assert len(mine) == case.count, [f.subject for f in mine]
        if case.subjects is not None:
            assert sorted(f.subject or "" for f in mine) == sorted(case.subjects)
        for finding in mine:
            assert "{" not in finding.message and "}" not in finding.message, finding.message
    else:
        assert case.expect == "silent", f"expect must be fires or silent, not {case.expect!r}"
        assert not mine, f"{case.rule} fired: {[f.message for f in mine]}"
