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
  after its kind (TAG), which every rule of the kind tests instead of ``kind``, so a fact
  meets its own kind's rules only (see _tagged).
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
END = "$end"  # the sentinel rule, and the kind and id of the sentinel fact ending each batch
TAG = "kind:"  # a fact of kind K is sent with the field "kind:K" (true) instead of its kind

MAX_PROPERTIES = 255
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
    own kind's rules (see _tagged). The bundled rules make one ruleset per phase.
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


@dataclass(frozen=True)
class _Kind:
    """How a ruleset sends the facts of one kind: only the fields its rules read."""

    kind: str
    fields: tuple[str, ...]  # what its rules read, plus the kind and the fact's identity
    drop: tuple[str, ...]  # the id, the kind and every field no rule of the chunk reads
    floats: tuple[str, ...]  # the float fields sent: the only values that can need care
    tag: str  # TAG + kind


@dataclass
class _Ruleset:
    name: str
    handle: int
    phase: int
    kinds: dict[str, _Kind]  # in the order of the rulesets' kinds
    rules: dict[str, str]  # its rule ids (and END), each to itself
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
            kinds = {chunk[0].kind: _kind_of(chunk) for chunk in chunks}
            definition = {rule.id: _tagged(rule) for chunk in chunks for rule in chunk}
            definition[END] = {"all": [{"m": {TAG + END: True}}]}
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
                    rules={rule_id: rule_id for rule_id in definition},
                )
            )
        _REGISTERED[book.digest] = rulesets
        return rulesets


def _tagged(rule: Rule) -> dict[str, Any]:
    """The rule's compiled condition with its kind test ``{"kind": K}`` written as a test of
    the fact's tag ``{"kind:K": true}``.

    durable_rules indexes a ruleset's tests by the name of the field they read: every rule's
    kind test sat under the one name ``kind``, and each fact was compared with all of them
    (measured: 14 us of the 113 us an evaluation's matching took). A tag named after the
    kind leads a fact straight to its own kind's rules; each fact is sent with its kind's
    tag (and without ``kind``), so the test holds exactly when the kind test did.
    """
    condition = rule.durable["all"][0]["m"]
    if rule.durable != {"all": [{"m": condition}]} or len(condition.get("$and", ())) != 2:
        raise EngineError(f"rule {rule.id}: unexpected compiled condition {rule.durable!r}")
    kind_test, rest = condition["$and"]
    if kind_test != {"kind": rule.kind}:
        raise EngineError(f"rule {rule.id}: its condition does not start with its kind")
    return {"all": [{"m": {"$and": [{TAG + rule.kind: True}, rest]}}]}


def _kind_of(chunk: list[Rule]) -> _Kind:
    """The fact fields a chunk's conditions read: only these are sent to the matcher.

    durable_rules parses and hashes every property of an asserted fact and copies the whole
    fact into each action message, so a fact cut to what the rules test costs less to encode,
    match and drain; the findings are still built from the whole fact.
    """
    kind = chunk[0].kind
    names = ["kind", "id"]
    for rule in chunk:
        for name in conditions.fields_of(rule.node):
            if name not in names:
                names.append(name)
    if len(names) + 1 > MAX_PROPERTIES:  # the session id is one more
        raise EngineError(
            f"rules of {kind} facts read {len(names)} fields; "
            f"durable_rules takes at most {MAX_PROPERTIES - 1} besides the session id"
        )
    types = FACT_KINDS[kind].field_types()
    return _Kind(
        kind=kind,
        fields=tuple(names),
        drop=("id", "kind", *(name for name in types if name not in names)),
        tag=TAG + kind,
        floats=tuple(name for name in names if types.get(name) is float),
    )


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
        first id), so the action messages name it without parsing (and any id the records
        hold is safe); ids are never reused in a session, so a fact left behind could never
        be mistaken for a later one. Any failure abandons the session, never touched again
        (deleting a session after error 303, or one holding no stored fact after a batch cut
        short, killed the process): the next batch opens a fresh one.
        """
        handle = ruleset.handle
        with _LOCK:
            if not ruleset.sid:
                ruleset.sid = str(next(_SESSIONS))
                ruleset.next_id = 0
            sid, first = ruleset.sid, ruleset.next_id
            ruleset.next_id = first + len(batch)
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
                while message:
                    messages.append(message)
                    message = _dre.complete_and_start_action(handle, state)
            except Exception as exc:
                # actions left untaken: deleting the session could kill the process
                raise EngineError(f"durable_rules failed in {ruleset.name}: {exc}") from None
            # 1: some fact matched no rule (the opening fact never does); 2: an id asserted twice
            if code == 2:
                raise EngineError(f"{ruleset.name}: a fact of {_ids(batch)} asserted twice")
            stored = _collect(ruleset, messages, batch, sid, first, fired)
            # retracting fires nothing in rules of one fact; an action it queued would name an
            # id the next batch does not have, which _collect refuses
            try:
                _dre.retract_facts(handle, _retraction(sid, stored))
            except Exception as exc:
                raise EngineError(f"durable_rules failed in {ruleset.name}: {exc}") from None
            ruleset.sid = sid


def _payload(batch: list[dict[str, Any]], plans: dict[str, _Kind], sid: str, first: int) -> str:
    """The batch as durable_rules' JSON array: the opening fact, the facts, the sentinel. Each
    fact is sent with its id and the session id last, so an action message names the fact at
    a fixed place."""
    parts = [_OPENING + sid.encode() + b'"}']
    for sent_id, fact in enumerate(batch, first):
        plan = plans[fact["kind"]]
        sent = fact.copy()
        for name in plan.drop:  # the kind goes (its tag stands for it), the id is put last
            sent.pop(name, None)
        if len(sent) > len(plan.fields) - 2:  # names no fact model has: keep what rules read
            sent = {name: fact[name] for name in plan.fields[2:] if name in fact}
        sent[plan.tag] = True
        sent["id"] = sent_id
        sent["sid"] = sid
        # the fields sent are at most what the rules read, checked at registration
        parts.append(_encode(sent, plan.floats) if plan.floats else _DUMPS(sent))
    parts.append(_SENTINEL + sid.encode() + b'"}')
    return (b"[" + b",".join(parts) + b"]").decode()


def _retraction(sid: str, stored: Iterable[int]) -> str:
    """The facts a batch left in the session, and its sentinel, by id (only the id and the
    session matter to a retraction). durable_rules stores a fact only when it completes a
    rule's conditions, which for rules of one fact is when the rule fires: the facts no rule
    fired for were never stored (tests/test_isolation.py checks the session is left empty).
    """
    tail = ',"sid":"' + sid + '"}'
    parts = [f'{{"id":{n}{tail}' for n in stored]
    parts.append('{"id":"' + END + '"' + tail)
    return "[" + ",".join(parts) + "]"


# A batch opens with a fact no rule reads: durable_rules reports the session's state only
# once a fact of the batch is parsed, and a batch whose first fact failed to parse returned an
# undefined state that crashed the process when its actions were asked for (measured).
_OPENING = b'{"id":"$opening","sid":"'
_SENTINEL = ('{"id":"' + END + '","' + TAG + END + '":true,"sid":"').encode()
_PREFIX = '":{"m":{'  # what follows the rule id in an action message


def _collect(
    ruleset: _Ruleset,
    messages: list[str],
    batch: list[dict[str, Any]],
    sid: str,
    first: int,
    fired: Fired,
) -> set[int]:
    """The (rule, fact) pairs of a session's action messages, in the order taken; returns
    the ids of the facts that fired.

    Each action message is ``{"<rule id>":{"m":{...,"id":<sent id>,"sid":"<sid>"}}}`` (the
    fact as sent); only the rule id and the fact's sent id are read, so the fact-sized JSON
    is not parsed: rule ids are plain ASCII (the loader enforces their pattern). The rule id
    is looked up among the ruleset's own, which also gives back the book's string for it.
    """
    ends = 0
    stored = set()
    rules = ruleset.rules
    tail = ',"sid":"' + sid + '"}}}'
    cut = len(tail)
    for message in messages:
        rule_end = message.find('"', 2)
        rule_id = rules.get(message[2:rule_end])
        if rule_id is None or not message.startswith(_PREFIX, rule_end):
            raise EngineError(f"unexpected action message from durable_rules: {message[:80]}")
        if rule_id == END:
            ends += 1
            continue
        # the sent id is the last value before the session id: digits after the last colon
        end = len(message) - cut
        text = message[message.rfind(":", 0, end) + 1 : end]
        sent_id = int(text) if text.isdecimal() and message.endswith(tail) else -1
        position = sent_id - first
        if not 0 <= position < len(batch):
            raise EngineError(f"unexpected action message from durable_rules: {message[:80]}")
        stored.add(sent_id)
        fired.append((rule_id, batch[position]["id"]))
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
