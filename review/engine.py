"""The thin adapter between compiled rules and durable_rules.

durable_rules decides which rules match; this module only feeds it facts and collects what
fired. It talks to the C matcher (``durable_rules_engine``) directly rather than through
``durable.engine.Host``, and designs around every sharp edge measured on this machine
(../shared/guide/durable-rules.md):

* Host's background timer threads may run actions for any session and segfaulted under
  threads: there is no Host here, so no timer threads; one process-wide lock serialises
  matcher calls (the GIL serialises them anyway, so the lock costs no throughput).
* A fact no rule matches raises "not handled", and deleting that session segfaulted: every
  ruleset carries a catch-all rule, so every fact is handled.
* A ruleset matching many rules at once overflowed a fixed stack (error 303) and the cleanup
  killed the process: rulesets are small (at most MAX_RULES rules and MAX_BRANCHES OR
  branches), and an error code is raised as EngineError without touching the session again.
* An OR fires its rule once per true branch: firings are de-duplicated per (rule, fact).
* Actions' exceptions are swallowed by durable's Python layer: there are no Python actions
  here; what fired is read from the matcher's own result messages.
* A ruleset name can be registered once per process: rulesets are registered once per rule
  book digest and reused (a Streamlit rerun finds them already there).
* Sessions are capped at 1,024 per ruleset: each evaluation uses one fresh session per
  ruleset and deletes it before returning, also when an error interrupts it.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import durable_rules_engine as _dre

from . import conditions
from .errors import EngineError
from .facts import FactSet
from .rules import Rule, RuleBook

MAX_RULES = 24
MAX_BRANCHES = 48
CATCH_ALL = "$catch-all"

Fired = list[tuple[str, str]]  # (rule id, fact id), in firing order, each pair once


class Matcher(Protocol):
    """Decides which rules fire for which facts (durable_rules, or the plain reference)."""

    name: str

    def match(self, phase: int, facts: FactSet) -> Fired: ...


def branch_count(node: conditions.Node) -> int:
    """How many alternatives durable_rules expands a condition into (its DNF size)."""
    node = conditions.push_not(node)
    if isinstance(node, conditions.Test):
        return len(node.value) if node.op == "in" else 1
    if isinstance(node, conditions.Any_):
        return sum(branch_count(p) for p in node.parts)
    if isinstance(node, conditions.All):
        total = 1
        for part in node.parts:
            total *= branch_count(part)
        return total
    raise AssertionError("push_not leaves no Not")  # pragma: no cover


def partition(rules: Iterable[Rule]) -> list[list[Rule]]:
    """Pack rules, by phase and domain, into rulesets small enough for the C matcher."""
    groups: dict[tuple[int, str], list[Rule]] = {}
    for rule in rules:
        groups.setdefault((rule.phase, rule.domain), []).append(rule)
    packed: list[list[Rule]] = []
    for key in sorted(groups):
        current: list[Rule] = []
        weight = 0
        for rule in groups[key]:
            branches = branch_count(rule.node)
            if current and (len(current) >= MAX_RULES or weight + branches > MAX_BRANCHES):
                packed.append(current)
                current, weight = [], 0
            current.append(rule)
            weight += branches
        if current:
            packed.append(current)
    return packed


@dataclass
class _Ruleset:
    name: str
    handle: int
    phase: int
    kinds: frozenset[str]
    rule_ids: frozenset[str]


_LOCK = threading.RLock()
_REGISTERED: dict[str, list[_Ruleset]] = {}
_SESSIONS = itertools.count(1)


def _register(book: RuleBook) -> list[_Ruleset]:
    with _LOCK:
        cached = _REGISTERED.get(book.digest)
        if cached is not None:
            return cached
        rulesets: list[_Ruleset] = []
        for index, group in enumerate(partition(book.rules)):
            definition: dict[str, Any] = {rule.id: dict(rule.durable) for rule in group}
            definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"kind": 1}}}]}
            name = f"review-{book.digest[:16]}-{index}"
            try:
                handle = _dre.create_ruleset(name, json.dumps(definition))
            except Exception as exc:
                raise EngineError(f"durable_rules refused ruleset {name}: {exc}") from None
            rulesets.append(
                _Ruleset(
                    name=name,
                    handle=handle,
                    phase=group[0].phase,
                    kinds=frozenset(rule.kind for rule in group),
                    rule_ids=frozenset(rule.id for rule in group),
                )
            )
        _REGISTERED[book.digest] = rulesets
        return rulesets


class DurableMatcher:
    """Matches with durable_rules; safe to share between threads."""

    name = "durable_rules"

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self._rulesets = _register(book)

    @property
    def ruleset_count(self) -> int:
        return len(self._rulesets)

    def match(self, phase: int, facts: FactSet) -> Fired:
        fired: Fired = []
        seen: set[tuple[str, str]] = set()
        for ruleset in self._rulesets:
            if ruleset.phase != phase:
                continue
            batch = [f for kind in ruleset.kinds for f in facts.by_kind.get(kind, ())]
            if batch:
                self._run(ruleset, batch, fired, seen)
        return fired

    def _run(
        self,
        ruleset: _Ruleset,
        batch: list[dict[str, Any]],
        fired: Fired,
        seen: set[tuple[str, str]],
    ) -> None:
        with _LOCK:
            sid = str(next(_SESSIONS))
            handle = ruleset.handle
            try:
                for fact in batch:
                    try:
                        result = _dre.assert_fact(handle, json.dumps({**fact, "sid": sid}))
                    except Exception as exc:
                        # The session may be corrupt: never touch it again (deleting a session
                        # after error 303 killed the process), and leave it to the cap check.
                        sid = ""
                        raise EngineError(
                            f"durable_rules could not evaluate {fact['kind']} fact "
                            f"{fact['id']!r} in {ruleset.name}: {exc}"
                        ) from None
                    code, state = result[0], result[1]
                    if code == 1:
                        raise EngineError(f"{ruleset.name}: fact {fact['id']!r} was not handled")
                    if code == 2:
                        raise EngineError(f"{ruleset.name}: fact {fact['id']!r} asserted twice")
                    self._collect(handle, state, fired, seen)
            finally:
                if sid:
                    _dre.delete_state(handle, sid)

    @staticmethod
    def _collect(handle: int, state: int, fired: Fired, seen: set[tuple[str, str]]) -> None:
        result = _dre.start_action_for_state(handle, state)
        message = result[1] if result else None
        while message:
            for rule_id, matched in json.loads(message).items():
                if rule_id != CATCH_ALL:
                    fact = matched.get("m", matched)
                    pair = (rule_id, fact["id"])
                    if pair not in seen:
                        seen.add(pair)
                        fired.append(pair)
            message = _dre.complete_and_start_action(handle, state)


class ReferenceMatcher:
    """The same rule data evaluated in plain Python: the differential oracle and baseline."""

    name = "reference"

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self._by_phase: dict[int, dict[str, list[Rule]]] = {}
        for rule in book.rules:
            self._by_phase.setdefault(rule.phase, {}).setdefault(rule.kind, []).append(rule)

    def match(self, phase: int, facts: FactSet) -> Fired:
        fired: Fired = []
        for kind, rules in self._by_phase.get(phase, {}).items():
            for fact in facts.by_kind.get(kind, ()):
                for rule in rules:
                    if conditions.holds(rule.node, fact):
                        fired.append((rule.id, fact["id"]))
        return fired
