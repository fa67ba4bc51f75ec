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


def test_an_equality_field_no_rule_names_the_value_of_is_as_if_absent(
    durable: Evaluator,
) -> None:
    """A field sent as marks (one per value its kind's rules compare it with) must be one
    whose other values no rule tells apart from its absence: checked with the plain-Python
    meaning of every rule of its kind on facts of generated records, both as generated and
    with each such field set to a value no rule names (False for booleans, which is how most
    such booleans are answered). The bundled rules must have such fields, or the test is
    empty."""
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
            named: dict[str, list[Any]] = {}
            for field, value, _ in plan.equals:
                named.setdefault(field, []).append(value)
            for field, values in named.items():
                unnamed = next(v for v in (False, "unnamed", -12345) if v not in values)
                for fact in (f for f in facts if f["kind"] == kind):
                    absent = {k: v for k, v in fact.items() if k != field}
                    others = [fact] if fact.get(field) not in values else []
                    for other in [*others, {**absent, field: unnamed}]:
                        for rule in rules:
                            assert conditions.holds(rule.node, absent) == conditions.holds(
                                rule.node, other
                            ), (rule.id, field, other.get(field))
                            checked += 1
    assert checked > 1_000


def test_marks_and_equalities_are_sent_without_their_values(durable: Evaluator) -> None:
    """A presence-only field goes as 1; an equality field as the mark of the value it equals
    (1), and as nothing when it equals none of them; the rest as is."""
    ruleset = _register(durable.book)[-1]
    plan = next(p for p in ruleset.kinds.values() if len(p.equals) > 1 and p.marks and p.values)
    (equal_name, equal_value, equal_short), (other_name, other_value, _) = plan.equals[:2]
    assert other_name != equal_name or other_value != equal_value
    mark_name, mark_short = plan.marks[0]
    value_name, value_short = plan.values[0]
    fact = {"kind": plan.kind, "id": "x", mark_name: "any text", value_name: 7}
    if other_name != equal_name:
        fact[other_name] = "a value no rule names"
    fact[equal_name] = equal_value
    opening, sent, sentinel = json.loads(_payload([fact], ruleset.kinds, "9", 40))
    assert sent == {
        "id": 40,
        "sid": "9",
        plan.tag: True,
        equal_short: 1,
        mark_short: 1,
        value_short: 7,
    }
    assert opening["sid"] == sentinel["sid"] == "9" and sentinel["id"] == 41
