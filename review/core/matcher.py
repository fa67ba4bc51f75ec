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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import durable_rules_engine as _dre
import orjson

from ..errors import EngineError
from . import conditions
from .facts import FACT_KINDS, FactSet
from .rules import Rule, RuleBook

MAX_RULES = 24
MAX_BRANCHES = conditions.MAX_RULESET_BRANCHES
CATCH_ALL = "$catch-all"

MAX_PROPERTIES = 255
MAX_SESSION_FACTS = 500  # facts asserted into one session (docs/performance.md)
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode
Predicate = Callable[[Mapping[str, Any]], bool]
Fired = list[tuple[str, str]]  # (rule id, fact id), in firing order, each pair once


class Matcher(Protocol):
    """Decides which rules fire for which facts (durable_rules, or the plain reference)."""

    name: str

    def match(self, phase: int, facts: FactSet) -> Fired: ...


def partition(rules: Iterable[Rule]) -> list[list[Rule]]:
    """Pack rules into rulesets by phase and fact kind, split at the caps.

    A ruleset holds rules of one fact kind only: measured here, a security fact asserted into
    its own 28 rules cost 21 us, into the same rules plus 40 rules of other kinds 76 us (the
    matcher does not prune by the kind test), while an extra session costs about 3 us.
    """
    groups: dict[tuple[int, str], list[Rule]] = {}
    for rule in rules:
        groups.setdefault((rule.phase, rule.kind), []).append(rule)
    packed: list[list[Rule]] = []
    for key in sorted(groups):
        current: list[Rule] = []
        weight = 0
        for rule in groups[key]:
            branches = conditions.branch_count(rule.node)
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
    kind: str  # partition() keeps one fact kind per ruleset
    rule_ids: frozenset[str]
    fields: tuple[str, ...]  # what its rules read, plus the kind and the fact's identity


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
            fields = _read_fields(group)
            if len(fields) + 1 > MAX_PROPERTIES:  # the session id is one more
                raise EngineError(
                    f"ruleset of {group[0].kind} rules reads {len(fields)} fields; "
                    f"durable_rules takes at most {MAX_PROPERTIES - 1} besides the session id"
                )
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
                    kind=group[0].kind,
                    rule_ids=frozenset(rule.id for rule in group),
                    fields=fields,
                )
            )
        _REGISTERED[book.digest] = rulesets
        return rulesets


def _read_fields(group: list[Rule]) -> tuple[str, ...]:
    """The fact fields a ruleset's conditions read: only these are sent to the matcher.

    durable_rules parses and hashes every property of an asserted fact and copies the whole
    fact into each action message, so a fact cut to what the rules test costs less to encode,
    match and drain; the findings are still built from the whole fact.
    """
    names = ["kind", "id"]
    for rule in group:
        for name in conditions.fields_of(rule.node):
            if name not in names:
                names.append(name)
    return tuple(names)


class DurableMatcher:
    """Matches with durable_rules; safe to share between threads."""

    name = "durable_rules"

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self._rulesets = _register(book)
        self._by_phase: dict[int, list[_Ruleset]] = {}
        for ruleset in self._rulesets:
            self._by_phase.setdefault(ruleset.phase, []).append(ruleset)

    @property
    def ruleset_count(self) -> int:
        return len(self._rulesets)

    def match(self, phase: int, facts: FactSet) -> Fired:
        fired: Fired = []
        seen: set[tuple[str, str]] = set()
        by_kind = facts.by_kind
        for ruleset in self._by_phase.get(phase, ()):
            batch = by_kind.get(ruleset.kind) or []
            # every rule reads one fact, so facts may be split across sessions freely: a
            # session of bounded size keeps each assert's cost flat (durable_rules' per-assert
            # cost doubled past ~2,000 facts in one session: issue 16)
            for start in range(0, len(batch), MAX_SESSION_FACTS):
                self._run(ruleset, batch[start : start + MAX_SESSION_FACTS], fired, seen)
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
            opened = False  # the first assert creates the session; deleting none is error 309
            try:
                for fact in batch:
                    # One fact per call: assert_fact raises on every error code, whereas
                    # the batch call (assert_facts) was seen to drop a bad fact silently.
                    payload = encode_fact({k: fact[k] for k in ruleset.fields if k in fact}, sid)
                    try:
                        result = _dre.assert_fact(handle, payload)
                    except Exception as exc:
                        # The session may be corrupt: never touch it again (deleting a session
                        # after error 303 killed the process).
                        sid = ""
                        raise EngineError(
                            f"durable_rules could not evaluate {fact['kind']} fact "
                            f"{fact['id']!r} in {ruleset.name}: {exc}"
                        ) from None
                    opened = True
                    code, state = result[0], result[1]
                    if code == 1:
                        raise EngineError(f"{ruleset.name}: fact {fact['id']!r} was not handled")
                    if code == 2:
                        raise EngineError(f"{ruleset.name}: fact {fact['id']!r} asserted twice")
                    handled = self._collect(handle, state, fact["id"], fired, seen)
                    if handled != 1:
                        raise EngineError(
                            f"{ruleset.name}: fact {fact['id']!r} reached the catch-all rule "
                            f"{handled} times instead of once"
                        )
            finally:
                if sid and opened:
                    _dre.delete_state(handle, sid)

    @staticmethod
    def _collect(
        handle: int, state: int, fact_id: str, fired: Fired, seen: set[tuple[str, str]]
    ) -> int:
        """Drain the actions the last assert queued (all for that one fact); returns how many
        times the catch-all fired, which must be exactly once per fact.

        Each action message is ``{"<rule id>":{"m":{...}}}``; only the rule id is needed, so
        the (fact-sized) JSON is not parsed: rule ids are plain ASCII (the loader enforces
        their pattern), so the first key is the text up to the next quote.
        """
        catch_all = 0
        result = _dre.start_action_for_state(handle, state)
        message = result[1] if result else None
        while message:
            rule_end = message.find('"', 2)
            if not message.startswith('{"') or rule_end < 0:
                raise EngineError(f"unexpected action message from durable_rules: {message[:80]}")
            rule_id = message[2:rule_end]
            if rule_id == CATCH_ALL:
                catch_all += 1
            else:
                pair = (rule_id, fact_id)
                if pair not in seen:
                    seen.add(pair)
                    fired.append(pair)
            message = _dre.complete_and_start_action(handle, state)
        return catch_all


def encode_fact(fact: dict[str, Any], sid: str) -> str:
    """JSON for durable_rules, which refuses exponent notation (``1e-05``: error 204) and
    more than 255 properties (error 302, which the batch call turned into a crash).

    orjson writes a fact in a tenth of the standard encoder's time (0.6 against 6.3 us for
    the security fact, measured here): it was the largest single cost of matching.
    """
    if len(fact) + 1 > MAX_PROPERTIES:
        raise EngineError(
            f"fact {fact.get('id')!r} has {len(fact) + 1} properties; durable_rules takes at "
            f"most {MAX_PROPERTIES}"
        )
    for name in _FLOAT_FIELDS.get(fact["kind"], ()):
        v = fact.get(name)
        if v is not None and v != 0 and not 1e-4 <= abs(v) < 1e15:
            return _plain_numbers({**fact, "sid": sid})
    # the session id is digits: splice it in rather than copy the fact to add it
    return orjson.dumps(fact).decode()[:-1] + ',"sid":"' + sid + '"}'


# the float fields of each fact kind: the only values that can need positional notation
_FLOAT_FIELDS = {
    kind: tuple(name for name, kind_type in cls.field_types().items() if kind_type is float)
    for kind, cls in FACT_KINDS.items()
}


def _plain_numbers(fact: dict[str, Any]) -> str:
    """The rare path: write every float in positional notation."""
    parts = []
    for key, value in fact.items():
        if type(value) is float:
            if value != value or value in (float("inf"), float("-inf")):
                raise EngineError(f"fact {fact.get('id')!r}: {key} is {value}, not a number")
            text = format(Decimal(repr(value)), "f")
            parts.append(f"{json.dumps(key)}:{text}")
        else:
            parts.append(f"{json.dumps(key)}:{_ENCODE(value)}")
    return "{" + ",".join(parts) + "}"


class ReferenceMatcher:
    """The same rule data evaluated in plain Python: the differential oracle and baseline."""

    name = "reference"

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self._by_phase: dict[int, dict[str, list[tuple[str, Predicate]]]] = {}
        for rule in book.rules:
            compiled = conditions.compile_python(rule.node)
            self._by_phase.setdefault(rule.phase, {}).setdefault(rule.kind, []).append(
                (rule.id, compiled)
            )

    def match(self, phase: int, facts: FactSet) -> Fired:
        fired: Fired = []
        for kind, rules in self._by_phase.get(phase, {}).items():
            for fact in facts.by_kind.get(kind, ()):
                for rule_id, predicate in rules:
                    if predicate(fact):
                        fired.append((rule_id, fact["id"]))
        return fired
