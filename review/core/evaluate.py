"""Evaluate a submission: derive facts, let the engine decide, assemble the findings.

Each call is independent: nothing is cached between evaluations except the compiled rule
book and the registered rulesets, which are immutable. Safe to call from several threads.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from .bookcache import default_dir, load_book
from .derived import Derived, derive
from .domains import SIGNOFF_ORDER
from .facts import FactSet, build_facts
from .findings import (
    Evaluation,
    Finding,
    disposition_of,
    make_finding,
    message_values,
    sort_key,
)
from .matcher import DurableMatcher, Fired, Matcher, ReferenceMatcher
from .records import Submission
from .rules import RuleBook
from .standards import Standards

EngineName = Literal["durable", "reference"]


@dataclass(frozen=True)
class Evaluator:
    """A rule book bound to a matcher; build once, evaluate many times."""

    book: RuleBook
    matcher: Matcher
    check_facts: bool = False

    @property
    def standards(self) -> Standards:
        return self.book.standards

    def evaluate(
        self, submission: Submission, as_of: dt.date | None = None, derived: Derived | None = None
    ) -> Evaluation:
        """``derived``: the caller's own ``derive(submission, standards, as_of)`` when it needs
        it too (the sweep computes deadlines from it), so it is not derived twice."""
        as_of = as_of or dt.date.today()
        standards = self.book.standards
        _check_as_of(as_of, standards)
        if derived is None:
            derived = derive(submission, standards, as_of)
        facts = build_facts(submission, derived, standards, check=self.check_facts)
        tier_fired = self.matcher.match(1, facts)
        tier = _tier(self.book, tier_fired)
        staged = facts.with_tier(tier)
        fired = tier_fired + self.matcher.match(2, staged)
        findings = self._findings(fired, staged)
        signoffs = _signoffs(self.book, fired)
        return Evaluation.model_construct(  # every value computed here, from checked data
            tier=tier,
            tcv=derived.tcv,
            required_signoffs=signoffs,
            disposition=disposition_of(findings, standards.review),
            standards_version=standards.label,
            rules_version=self.book.version,
            stage=submission.stage,
            as_of=as_of,
            findings=findings,
        )

    def _findings(self, fired: Fired, facts: FactSet) -> list[Finding]:
        """Findings in the stable order; ties (same rule and subject) keep fact order."""
        by_id = {fact["id"]: (position, fact) for position, fact in enumerate(facts)}
        rules = self.book.by_id
        ordered = sorted(fired, key=lambda pair: (by_id[pair[1]][0], pair[0]))
        standards = self.book.standards
        shown: dict[str, dict[str, Any]] = {}  # message values, built once per fact
        findings = []
        for rule_id, fact_id in ordered:
            fact = by_id[fact_id][1]
            values = shown.get(fact_id)
            if values is None:
                values = shown[fact_id] = message_values(fact, standards)
            findings.append(make_finding(rules[rule_id], fact, standards, values))
        findings.sort(key=sort_key(standards.review))
        return findings


def _tier(book: RuleBook, fired: Fired) -> int:
    tiers = {
        effect.tier
        for rule_id, _ in fired
        if (effect := book.by_id[rule_id].spec.effect) is not None and effect.tier
    }
    if 3 in tiers:
        return 3
    if 1 in tiers:
        return 1
    return 2


def _signoffs(book: RuleBook, fired: Fired) -> list[str]:
    wanted = {
        effect.signoff
        for rule_id, _ in fired
        if (effect := book.by_id[rule_id].spec.effect) is not None and effect.signoff
    }
    return [d for d in SIGNOFF_ORDER if d in wanted]


_cache: dict[tuple[str, str, str, str], Evaluator] = {}
_cache_lock = threading.Lock()


def evaluator(
    engine: EngineName = "durable",
    *,
    standards_dir: Path | None = None,
    rules_dir: Path | None = None,
    check_facts: bool = False,
) -> Evaluator:
    """The evaluator for a standards and rules directory, built once per process.

    ``check_facts`` validates every fact against its model (slower; the tests use it).
    """
    key = (engine, str(standards_dir or ""), str(rules_dir or ""), str(check_facts))
    with _cache_lock:
        found = _cache.get(key)
        if found is None:
            book = load_book(standards_dir, rules_dir, _cache_dir())
            matcher: Matcher = (
                DurableMatcher(book) if engine == "durable" else ReferenceMatcher(book)
            )
            found = _cache[key] = Evaluator(book, matcher, check_facts)
        return found


AS_OF_YEARS = 100  # a day further from the standards than this is a typo, not a question


def _check_as_of(as_of: dt.date, standards: Standards) -> None:
    """Judge dates only as of a day these standards can speak to: within a century of their
    effective date and not after they end (dates far out overflow the calendar)."""
    start = standards.effective_from
    earliest = start.replace(year=max(1, start.year - AS_OF_YEARS))
    latest = standards.effective_until or start.replace(year=start.year + AS_OF_YEARS)
    if not earliest <= as_of <= latest:
        raise InputError(
            f"as of {as_of}: outside the range of standards {standards.label} "
            f"({earliest} to {latest})"
        )


def _cache_dir() -> Path:
    """REVIEW_CACHE_DIR, else the user's cache directory (review/core/bookcache.py)."""
    from ..settings import settings  # not at import: a bad variable is reported on use

    return settings().cache_dir or default_dir()


def evaluate(
    submission: Submission,
    as_of: dt.date | None = None,
    *,
    engine: EngineName = "durable",
) -> Evaluation:
    """Evaluate with the bundled standards and rules."""
    return evaluator(engine).evaluate(submission, as_of)
