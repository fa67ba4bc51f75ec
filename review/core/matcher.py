"""The thin adapter between compiled rules and durable_rules.

durable_rules decides which rules match; this module only feeds it facts and collects what
fired. It talks to the C matcher (``durable_rules_engine``) directly rather than through
``durable.engine.Host``, and designs around every sharp edge measured on this machine
(../shared/guide/durable-rules.md, docs/performance.md):

* Host's background timer threads may run actions for any session and segfaulted under
  threads: there is no Host here, so no timer threads; one process-wide lock serialises
  matcher calls (the GIL serialises them anyway, so the lock costs no throughput).
* A ruleset matching many rules at once overflowed a fixed stack (error 303) and the cleanup
  killed the process. Measured here, the stack a fact uses depends only on the rules of its
  own kind (every rule tests the kind first): more than 64 alternatives of that kind holding
  at once overflow it, whatever else the ruleset holds. Rules are cut into chunks of one
  kind (at most MAX_RULES rules and MAX_BRANCHES OR branches), a ruleset holds at most one
  chunk of each kind, and an error code is raised as EngineError without touching the
  session again.
* An OR fires its rule once per true branch: firings are de-duplicated per (rule, fact).
* Actions' exceptions are swallowed by durable's Python layer: there are no Python actions
  here; what fired is read from the matcher's own result messages.
* A ruleset name can be registered once per process: rulesets are registered once per rule
  book digest and reused (a Streamlit rerun finds them already there).
* Sessions are capped at 1,024 per ruleset, and creating and deleting one cost more than
  matching a batch: each ruleset keeps one session, and every batch retracts the facts it
  left there before the next (durable_rules stores a fact only when it fires a rule). Fact
  ids are never reused within a session, so a fact left behind could never stand for a later
  one; any failure abandons the session (deleting a session whose actions were not all taken
  freed an invalid pointer and killed the process).
* Facts, not events: a fact fires every rule it matches. Rules read one fact each, so a
  fact's findings never depend on the other facts in the session.
* The batch call (``assert_facts``) stops silently at the first fact it cannot parse: every
  batch ends with a sentinel fact that its own rule (END) must report exactly once, so a
  batch cut short is an EngineError, never fewer findings.
* durable_rules indexes tests by the field they read: a fact is sent with a tag field named
  after its kind, which every rule of the kind tests instead of ``kind``, so a fact meets its
  own kind's rules only (see wire.tagged).
* durable_rules parses every byte sent and writes each fired fact back into an action
  message: the engine sees short names for fields, tags and rules (one or two letters, given
  per ruleset at registration), a field its rules test only for presence is sent as 1, and
  one they test only for being true is sent only when true (review/core/wire.py).
"""

from __future__ import annotations

import itertools
import json
import re
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
from .wire import (
    MARK,
    MAX_PROPERTIES,
    Plan,
    equalities,
    plan_of,
    short_name,
    short_names,
    tagged,
)

MAX_RULES = 24
MAX_BRANCHES = conditions.MAX_RULESET_BRANCHES
END = "$end"  # the sentinel rule, which the sentinel fact ending each batch fires

MAX_SESSION_FACTS = 500  # facts asserted into one session (docs/performance.md)
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode
_DUMPS = orjson.dumps
Predicate = Callable[[Mapping[str, Any]], bool]
Fired = list[tuple[str, str]]  # (rule id, fact id), each pair once


class Matcher(Protocol):
    """Decides which rules fire for which facts (durable_rules, or the plain reference)."""

    name: str

    def match(self, phase: int, facts: FactSet) -> Fired: ...


def partition(rules: Iterable[Rule]) -> list[list[Rule]]:
    """Cut rules into chunks by phase and fact kind, split at the caps.

    A chunk holds rules of one fact kind only, at most MAX_RULES rules and MAX_BRANCHES
    branches: the matcher's fixed stack is what a fact's own kind's rules use (measured: more
    than 64 alternatives of one kind holding at once overflow it, alone or beside 60 of
    another kind; tests/test_isolation.py).
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


def pack(chunks: list[list[Rule]]) -> list[list[list[Rule]]]:
    """Rulesets of one phase each, every ruleset holding at most one chunk of each kind.

    Fewer rulesets mean fewer engine calls per evaluation (one batch per ruleset), while
    rules of other kinds in the same ruleset cost a fact little: each fact meets only its
    own kind's rules (see wire.tagged). The bundled rules make one ruleset per phase.
    """
    packed: list[list[list[Rule]]] = []
    for phase in sorted({chunk[0].phase for chunk in chunks}):
        rulesets: list[list[list[Rule]]] = []
        for chunk in (c for c in chunks if c[0].phase == phase):
            kind = chunk[0].kind
            for ruleset in rulesets:
                if all(other[0].kind != kind for other in ruleset):
                    ruleset.append(chunk)
                    break
            else:
                rulesets.append([chunk])
        packed.extend(rulesets)
    return packed


@dataclass
class _Ruleset:
    name: str
    handle: int
    phase: int
    kinds: dict[str, Plan]  # in the order of the rulesets' kinds
    rules: dict[str, str]  # the engine's name of each rule -> the rule's id (END not included)
    sid: str = ""  # the live session, reused by every batch ("": open a new one)
    next_id: int = 0  # the first id the next batch's facts take in that session


_LOCK = threading.RLock()
_REGISTERED: dict[str, list[_Ruleset]] = {}
_SESSIONS = itertools.count(1)


def _register(book: RuleBook) -> list[_Ruleset]:
    with _LOCK:
        cached = _REGISTERED.get(book.digest)
        if cached is not None:
            return cached
        rulesets: list[_Ruleset] = []
        for index, chunks in enumerate(pack(partition(book.rules))):
            equals = {chunk[0].kind: equalities(chunk) for chunk in chunks}
            names = short_names(chunks, equals)
            kinds = {c[0].kind: plan_of(c, names, equals[c[0].kind]) for c in chunks}
            rules = [rule for chunk in chunks for rule in chunk]
            definition = {
                short_name(n): tagged(rule, names, equals[rule.kind])
                for n, rule in enumerate(rules)
            }
            definition[END] = {"all": [{"m": {MARK: True}}]}
            name = f"review-{book.digest[:16]}-{index}"
            try:
                handle = _dre.create_ruleset(name, json.dumps(definition))
            except Exception as exc:
                raise EngineError(f"durable_rules refused ruleset {name}: {exc}") from None
            rulesets.append(
                _Ruleset(
                    name=name,
                    handle=handle,
                    phase=chunks[0][0].phase,
                    kinds=kinds,
                    rules={short_name(n): rule.id for n, rule in enumerate(rules)},
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
        self._by_phase: dict[int, list[_Ruleset]] = {}
        for ruleset in self._rulesets:
            self._by_phase.setdefault(ruleset.phase, []).append(ruleset)

    @property
    def ruleset_count(self) -> int:
        return len(self._rulesets)

    def match(self, phase: int, facts: FactSet) -> Fired:
        fired: Fired = []
        by_kind = facts.by_kind
        for ruleset in self._by_phase.get(phase, ()):
            batch: list[dict[str, Any]] = []
            for kind in ruleset.kinds:
                found = by_kind.get(kind)
                if found:
                    batch += found
            # every rule reads one fact, so facts may be split across sessions freely: a
            # session of bounded size keeps each assert's cost flat (durable_rules' per-assert
            # cost doubled past ~2,000 facts in one session: issue 16)
            if len(batch) <= MAX_SESSION_FACTS:
                if batch:
                    self._run(ruleset, batch, fired)
            else:
                for start in range(0, len(batch), MAX_SESSION_FACTS):
                    self._run(ruleset, batch[start : start + MAX_SESSION_FACTS], fired)
        # an OR fires its rule once per true branch: keep each (rule, fact) once
        return list(dict.fromkeys(fired)) if len(fired) > 1 else fired

    def _run(self, ruleset: _Ruleset, batch: list[dict[str, Any]], fired: Fired) -> None:
        """One batch in the ruleset's session: asserted in one call, every action taken,
        every fact retracted again, so the session is empty for the next batch.

        A fact is sent under an id of its own in the session (its position plus the batch's
        first id; the sentinel takes the next), so the action messages name it without
        parsing (and any id the records hold is safe); ids are never reused in a session, so
        a fact left behind could never be mistaken for a later one. Any failure abandons the
        session, never touched again (deleting a session after error 303, or one holding no
        stored fact after a batch cut short, killed the process): the next batch opens a
        fresh one.
        """
        handle = ruleset.handle
        with _LOCK:
            if not ruleset.sid:
                ruleset.sid = str(next(_SESSIONS))
                ruleset.next_id = 0
            sid, first = ruleset.sid, ruleset.next_id
            ruleset.next_id = first + len(batch) + 1
            payload = _payload(batch, ruleset.kinds, sid, first)
            ruleset.sid = ""  # set again below once the batch has left the session clean
            try:
                code, state = _dre.assert_facts(handle, payload)
            except Exception as exc:
                # The session may be corrupt: never touch it again (deleting a session
                # after error 303 killed the process).
                raise EngineError(
                    f"durable_rules could not evaluate the facts {_ids(batch)} in "
                    f"{ruleset.name}: {exc}"
                ) from None
            messages = []
            try:
                result = _dre.start_action_for_state(handle, state)
                message = result[1] if result else None
                take = _dre.complete_and_start_action
                while message:
                    messages.append(message)
                    message = take(handle, state)
            except Exception as exc:
                # actions left untaken: deleting the session could kill the process
                raise EngineError(f"durable_rules failed in {ruleset.name}: {exc}") from None
            # 1: some fact matched no rule (the opening fact never does); 2: an id asserted twice
            if code == 2:
                raise EngineError(f"{ruleset.name}: a fact of {_ids(batch)} asserted twice")
            stored = _collect(ruleset, messages, batch, first, fired)
            # retracting fires nothing in rules of one fact; an action it queued would name an
            # id the next batch does not have, which _collect refuses
            try:
                _dre.retract_facts(handle, _retraction(sid, stored))
            except Exception as exc:
                raise EngineError(f"durable_rules failed in {ruleset.name}: {exc}") from None
            ruleset.sid = sid


def _payload(batch: list[dict[str, Any]], plans: dict[str, Plan], sid: str, first: int) -> str:
    """The batch as durable_rules' JSON array: the opening fact, the facts, the sentinel.

    Each fact is sent with its id first, so an action message names it at a fixed place,
    then its session, its kind's tag and the fields its kind's rules read, under the short
    names the ruleset was registered with (the findings are still built from the whole
    fact). The whole array is written by one orjson call unless a float needs care.
    """
    sent_facts: list[dict[str, Any]] = [{"id": _OPENING, "sid": sid}]
    careful = False
    for sent_id, fact in enumerate(batch, first):
        plan = plans[fact["kind"]]
        sent: dict[str, Any] = {"id": sent_id, "sid": sid, plan.tag: True}
        for name, short in plan.values:
            if name in fact:
                sent[short] = fact[name]
        for name, short in plan.marks:
            if name in fact:
                sent[short] = 1
        for name, value, short in plan.equals:
            if fact.get(name) == value:  # as the reference compares: 1 == True, 0 == 0.0
                sent[short] = 1
        for short in plan.floats:  # orjson writes 1e-05: durable_rules refuses it (error 204)
            v = sent.get(short)
            if v and not 1e-4 <= abs(v) < 1e15:  # NaN too: _plain_numbers refuses it
                careful = True
        sent_facts.append(sent)
    sent_facts.append({"id": first + len(batch), "sid": sid, MARK: True})
    if careful:
        return "[" + ",".join(_plain_numbers(sent) for sent in sent_facts) + "]"
    return _DUMPS(sent_facts).decode()


def _retraction(sid: str, stored: Iterable[str]) -> str:
    """The facts a batch left in the session, its sentinel among them, by id (only the id
    and the session matter to a retraction). durable_rules stores a fact only when it
    completes a rule's conditions, which for rules of one fact is when the rule fires: the
    facts no rule fired for were never stored (tests/test_isolation.py checks the session is
    left empty).
    """
    tail = ',"sid":"' + sid + '"}'
    return "[" + ",".join(['{"id":' + sent_id + tail for sent_id in stored]) + "]"


# A batch opens with a fact no rule reads: durable_rules reports the session's state only
# once a fact of the batch is parsed, and a batch whose first fact failed to parse returned an
# undefined state that crashed the process when its actions were asked for (measured).
_OPENING = "$opening"
# An action message: {"<rule>":{"m":{"id":<sent id>,...}}} (the fact as sent, id first). The
# facts are flat, and inside a JSON string a quote is escaped, so a message holds the shape
# once, at its start (a search anchored at line starts cost more than twice as much).
_MESSAGE = re.compile(r'\{"([^"]+)":\{"m":\{"id":(\d+),')


def _collect(
    ruleset: _Ruleset,
    messages: list[str],
    batch: list[dict[str, Any]],
    first: int,
    fired: Fired,
) -> dict[str, None]:
    """The (rule, fact) pairs of a session's action messages, in the order taken; returns
    the sent ids of the facts that fired (the sentinel's among them).

    Only each message's rule name and the fact's sent id are read, by one regular
    expression over all of them, so the fact-sized JSON is not parsed; every message must
    have that shape, name one of the ruleset's rules and a fact of the batch, and the
    sentinel must fire its rule exactly once.
    """
    found = _MESSAGE.findall("\n".join(messages))
    if len(found) != len(messages):
        shapes = [m for m in messages if not _MESSAGE.match(m)] or messages
        raise EngineError(f"unexpected action message from durable_rules: {shapes[0][:80]}")
    ends = 0
    rules = ruleset.rules
    last = len(batch)
    stored: dict[str, None] = {}
    for rule, sent_id in found:
        rule_id = rules.get(rule)
        position = int(sent_id) - first
        if rule_id is not None and 0 <= position < last:
            fired.append((rule_id, batch[position]["id"]))
        elif rule == END and position == last:
            ends += 1
        else:
            raise EngineError(f"unexpected action from durable_rules: {rule} on {sent_id}")
        stored[sent_id] = None
    if ends != 1:
        raise EngineError(
            f"{ruleset.name}: the sentinel fact ending a batch of {len(batch)} was reported "
            f"{ends} times instead of once (a fact was dropped or asserted twice)"
        )
    return stored


def _ids(batch: list[dict[str, Any]]) -> str:
    shown = ", ".join(repr(fact.get("id")) for fact in batch[:5])
    return f"[{shown}{', ...' if len(batch) > 5 else ''}]"


def _encode(fact: dict[str, Any], floats: tuple[str, ...]) -> bytes:
    """JSON for durable_rules, which refuses exponent notation (``1e-05``: error 204) and
    more than 255 properties (error 302, which the batch call turned into a crash).

    orjson writes a fact in a tenth of the standard encoder's time (0.6 against 6.3 us for
    the security fact, measured here): it was the largest single cost of matching.
    """
    if len(fact) > MAX_PROPERTIES:
        raise EngineError(
            f"fact {fact.get('id')!r} has {len(fact)} properties; durable_rules takes at "
            f"most {MAX_PROPERTIES}"
        )
    for name in floats:
        v = fact.get(name)
        if v is not None and v != 0 and not 1e-4 <= abs(v) < 1e15:
            return _plain_numbers(fact).encode()
    return _DUMPS(fact)


def encode_fact(fact: dict[str, Any], sid: str) -> str:
    """A whole fact as durable_rules' JSON, under session ``sid`` (every float checked)."""
    kind = FACT_KINDS.get(fact.get("kind", ""))
    floats = tuple(n for n, t in kind.field_types().items() if t is float) if kind else ()
    return _encode({**fact, "sid": sid}, floats).decode()


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
