"""Repository invariants: the rule data is complete and consistent with the policy."""

from __future__ import annotations

from collections import defaultdict

import yaml

from review.core.evaluate import Evaluator
from review.core.rules import ID_PATTERN

from .casefiles import CASES, load_cases


def test_rule_ids_are_unique_and_well_formed(durable: Evaluator) -> None:
    ids = [rule.id for rule in durable.book.rules]
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(i) for i in ids)


def test_every_citation_is_a_policy_section(durable: Evaluator) -> None:
    sections = durable.standards.section_index
    for rule in durable.book.rules:
        for citation in rule.spec.citations:
            assert citation in sections, f"{rule.id} cites unknown {citation}"


def test_every_judgeable_section_has_a_rule(durable: Evaluator) -> None:
    cited = {c for rule in durable.book.rules for c in rule.spec.citations}
    judgeable = [s.id for s in durable.standards.sections if s.judgeable]
    missing = [s for s in judgeable if s not in cited]
    assert not missing, f"judgeable sections without a rule: {missing}"


def test_sections_not_judged_by_rules_say_what_enforces_them(durable: Evaluator) -> None:
    for section in durable.standards.sections:
        if not section.judgeable:
            assert section.enforced_by, f"{section.id} must say what enforces it"


def test_every_rule_has_a_firing_and_a_silent_case(durable: Evaluator) -> None:
    outcomes: dict[str, set[str]] = defaultdict(set)
    for case in load_cases():
        outcomes[case.rule].add(case.expect)
    for rule in durable.book.rules:
        assert outcomes[rule.id] >= {"fires", "silent"}, (
            f"{rule.id} needs at least one 'fires' and one 'silent' case in "
            f"tests/data/rules/{rule.id}.yaml"
        )


def test_every_case_file_names_an_active_rule(durable: Evaluator) -> None:
    ids = set(durable.book.by_id)
    for path in sorted(CASES.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text())
        assert raw["rule"] in ids, f"{path.name} tests unknown rule {raw['rule']}"
        assert path.stem == raw["rule"], f"{path.name} must be named {raw['rule']}.yaml"
