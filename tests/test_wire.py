"""What durable_rules is sent (review/core/wire.py): short names, marks and truths must leave
every rule's answer as the rules as written give it."""

from __future__ import annotations

import json
import random
from typing import Any

from bench.workloads import random_submission
from review.core import conditions
from review.core.derived import derive
from review.core.evaluate import Evaluator
from review.core.facts import build_facts
from review.core.matcher import DurableMatcher, _payload, _register
from review.core.records import Submission
from review.core.wire import short_name

from .conftest import AS_OF


def test_short_names_are_distinct_and_never_the_fact_id() -> None:
    names = [short_name(i) for i in range(2_000)]
    assert len(set(names)) == len(names)
    assert "id" not in names and "sid" not in names
    assert all(name.isascii() and name.isalpha() for name in names)


def test_a_truth_field_false_or_absent_gives_every_rule_the_same_answer(
    durable: Evaluator,
) -> None:
    """A field sent only when true must be one whose false and absent values no rule tells
    apart (checked with the plain-Python meaning of every rule of its kind, on facts of
    generated records); and the bundled rules must have such fields, or the test is empty."""
    assert isinstance(durable.matcher, DurableMatcher)
    rng = random.Random(5)
    facts: list[dict[str, Any]] = []
    for _ in range(60):
        submission = Submission.model_validate(random_submission(rng))
        derived = derive(submission, durable.book.standards, AS_OF)
        facts.extend(build_facts(submission, derived, durable.book.standards).with_tier(2))
    checked = 0
    for ruleset in _register(durable.book):
        for kind, plan in ruleset.kinds.items():
            rules = [r for r in durable.book.rules if r.kind == kind and r.phase == ruleset.phase]
            for field, _ in plan.truths:
                for fact in (f for f in facts if f["kind"] == kind):
                    absent = {k: v for k, v in fact.items() if k != field}
                    false = {**absent, field: False}
                    for rule in rules:
                        assert conditions.holds(rule.node, absent) == conditions.holds(
                            rule.node, false
                        ), (rule.id, field)
                        checked += 1
    assert checked > 1_000


def test_marks_and_truths_are_sent_without_their_values(durable: Evaluator) -> None:
    """A presence-only field goes as 1, a truth field only when true (as 1), the rest as is."""
    ruleset = _register(durable.book)[-1]
    plan = next(p for p in ruleset.kinds.values() if p.truths and p.marks and p.values)
    (true_name, true_short), (false_name, _) = plan.truths[:2]
    mark_name, mark_short = plan.marks[0]
    value_name, value_short = plan.values[0]
    fact = {
        "kind": plan.kind,
        "id": "x",
        true_name: True,
        false_name: False,
        mark_name: "any text",
        value_name: 7,
    }
    opening, sent, sentinel = json.loads(_payload([fact], ruleset.kinds, "9", 40))
    assert sent == {
        "id": 40,
        "sid": "9",
        plan.tag: True,
        true_short: 1,
        mark_short: 1,
        value_short: 7,
    }
    assert opening["sid"] == sentinel["sid"] == "9" and sentinel["id"] == 41
