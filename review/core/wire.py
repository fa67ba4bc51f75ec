"""What durable_rules sees of the rules and the facts: short names, and tests rewritten to them.

durable_rules parses every byte of every fact sent and writes each fired fact back into an
action message, and its matcher loops over a fact's properties at every rule node the fact
reaches. So each ruleset gets one- or two-letter names for its fields and kind tags, each
fact is sent with only the fields its kind's rules read, and a field whose value no rule
needs is sent as a mark: present (1) or absent. The rules are rewritten to the same names
and marks when they are registered (review/core/matcher.py); the findings are still built
from the whole fact, and the plain-Python reference reads the rules as written.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import EngineError
from . import conditions
from .facts import FACT_KINDS
from .rules import Rule

MAX_PROPERTIES = 255  # durable_rules refuses a fact with more (error 302)
MARK = "_"  # the sentinel fact's tag, the one field the sentinel rule tests (names are letters)


@dataclass(frozen=True)
class Plan:
    """How a ruleset sends the facts of one kind: only the fields its rules read, under the
    engine's short names for them."""

    kind: str
    tag: str  # the engine's name of the kind's tag field (see tagged)
    values: tuple[tuple[str, str], ...]  # (field, engine name): fields sent with their value
    marks: tuple[tuple[str, str], ...]  # fields the rules only test for presence: sent as 1
    # (field, value, engine name): a field the rules only compare with values for equality
    # is sent as one mark per value, present (1) when the field equals it (see _equalities)
    equals: tuple[tuple[str, Any, str], ...]
    floats: tuple[str, ...]  # engine names of the float fields sent: values that can need care


def short_name(index: int) -> str:
    """The index-th short name: a to Z, then two letters (never ``id``)."""
    if index < len(_LETTERS):
        return _LETTERS[index]
    first, second = divmod(index - len(_LETTERS), len(_LETTERS))
    if first >= len(_LETTERS):
        raise EngineError("more than 2,756 names in one ruleset")
    name = _LETTERS[first] + _LETTERS[second]
    return name if name != "id" else "I" + name


_LETTERS = string.ascii_letters


def short_names(
    chunks: list[list[Rule]], equalities: Mapping[str, Mapping[str, tuple[Any, ...]]]
) -> dict[str, str]:
    """The engine's name for each kind's tag, each field a ruleset's rules read and each
    (field, value) mark sent for an equality (keyed by ``equality_key``).

    durable_rules parses every property name of every fact and copies the fact into each
    action message; one- and two-letter names halve the bytes it reads and writes. A field
    read by several kinds keeps one name, as it kept one name before. Names are checked
    against the engine's 32-bit hash of them (FNV-1a): two names it could not tell apart,
    or one it would take for ``id`` or ``sid``, would refuse the ruleset.
    """
    names: dict[str, str] = {}
    for chunk in chunks:
        names[_TAG + chunk[0].kind] = short_name(len(names))
    for chunk in chunks:
        for rule in chunk:
            for field in conditions.fields_of(rule.node):
                if field not in names:
                    names[field] = short_name(len(names))
    for fields in equalities.values():
        for field, values in fields.items():
            for value in values:
                names.setdefault(equality_key(field, value), short_name(len(names)))
    hashes = {_fnv1a(name) for name in (*names.values(), "id", "sid", MARK)}
    if len(hashes) != len(names) + 3:
        raise EngineError("two engine names share a hash")
    return names


_TAG = "kind:"  # the key of a kind's tag among the names (never a field's name)


def equality_key(field: str, value: Any) -> str:
    """The key of a (field, value) mark among the names (never a field's name)."""
    return field + "=" + json.dumps(value)


def _fnv1a(name: str) -> int:
    value = 2166136261
    for byte in name.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def tagged(rule: Rule, names: Mapping[str, str], equals: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's compiled condition with its kind test ``{"kind": K}`` written as a test of
    the kind's tag (true), and every field under its short name.

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
    tag = names[_TAG + rule.kind]
    return {"all": [{"m": {"$and": [{tag: True}, _renamed(rest, names, equals, rule.id)]}}]}


def _renamed(
    expression: Any, names: Mapping[str, str], equals: Mapping[str, Any], rule_id: str
) -> Any:
    """A compiled expression (conditions.to_durable) with its fields' short names, and each
    equality test of a field sent as marks written as a test of its mark's presence."""
    if isinstance(expression, list):
        return [_renamed(part, names, equals, rule_id) for part in expression]
    field, value, shape = _equality_shape(expression)
    if field in equals:
        return {"$ex" if shape == "eq" else "$nex": {names[equality_key(field, value)]: 1}}
    out = {}
    for key, value in expression.items():
        if key in ("$and", "$or"):
            out[key] = _renamed(value, names, equals, rule_id)
        elif key.startswith("$") and isinstance(value, dict) and len(value) == 1:
            ((field, operand),) = value.items()
            out[key] = {names[field]: operand}
        elif key.startswith("$"):
            raise EngineError(f"rule {rule_id}: unexpected compiled test {expression!r}")
        else:
            out[names[key]] = value
    return out


def _equality_shape(expression: dict[str, Any]) -> tuple[str, Any, str]:
    """(f, v, "eq") for ``{f: v}``; (f, v, "not") for "f is not v" as compiled (f is
    something else, or absent: ``{"$or": [{"$neq": {f: v}}, {"$nex": {f: 1}}]}``); v a
    string, boolean or integer."""
    if len(expression) != 1:
        return "", None, ""
    ((key, value),) = expression.items()
    if not key.startswith("$"):
        return (key, value, "eq") if type(value) in _SCALARS else ("", None, "")
    if key != "$or" or not isinstance(value, list) or len(value) != 2:
        return "", None, ""
    differs, absent = value
    if not isinstance(differs, dict) or not isinstance(absent, dict):
        return "", None, ""
    test, gone = differs.get("$neq"), absent.get("$nex")
    if len(differs) == 1 and len(absent) == 1 and isinstance(test, dict) and len(test) == 1:
        ((field, operand),) = test.items()
        if type(operand) in _SCALARS and gone == {field: 1}:
            return field, operand, "not"
    return "", None, ""


_SCALARS = (str, bool, int)


def equalities(rules: list[Rule]) -> dict[str, tuple[Any, ...]]:
    """Fields the rules only compare for equality with values (``f == v``, or "f is not v",
    compiled as "f is something else, or absent": two alternatives), with those values.

    durable_rules needs to know only which of the values such a field equals, so it is sent
    as one mark per value, present (1) when the field equals it as the reference compares
    (``==``), and each test becomes a test of its mark's presence: "is not v" is then one
    alternative instead of two, and a value no rule names is not sent at all.
    """
    found: dict[str, dict[str, Any]] = {}
    other: set[str] = set()

    def walk(expression: Any) -> None:
        if isinstance(expression, list):
            for part in expression:
                walk(part)
            return
        field, value, _ = _equality_shape(expression)
        if field:
            found.setdefault(field, {})[json.dumps(value)] = value
            return
        for key, value in expression.items():
            if key in ("$and", "$or"):
                walk(value)
            elif key.startswith("$"):
                other.update(value)
            else:
                other.add(key)

    for rule in rules:
        walk(rule.durable["all"][0]["m"]["$and"][1])
    return {field: tuple(values.values()) for field, values in found.items() if field not in other}


def _presence_only(rules: list[Rule]) -> set[str]:
    """Fields the rules test only with present or missing: their values never matter."""
    tested: dict[str, set[bool]] = {}

    def walk(node: conditions.Node) -> None:
        if isinstance(node, conditions.Test):
            tested.setdefault(node.field, set()).add(node.op in ("missing", "present"))
        elif isinstance(node, conditions.Not):
            walk(node.part)
        else:
            for part in node.parts:
                walk(part)

    for rule in rules:
        walk(rule.node)
    return {field for field, presence in tested.items() if presence == {True}}


def plan_of(
    chunk: list[Rule], names: Mapping[str, str], equals: Mapping[str, tuple[Any, ...]]
) -> Plan:
    """The fact fields a chunk's conditions read: only these are sent to the matcher.

    durable_rules parses and hashes every property of an asserted fact and copies the whole
    fact into each action message, so a fact cut to what the rules test costs less to encode,
    match and drain; the findings are still built from the whole fact.
    """
    kind = chunk[0].kind
    read: list[str] = []
    for rule in chunk:
        for name in conditions.fields_of(rule.node):
            if name not in read:
                read.append(name)
    if len(read) + 3 > MAX_PROPERTIES:  # the tag, the id and the session id are three more
        raise EngineError(
            f"rules of {kind} facts read {len(read)} fields; "
            f"durable_rules takes at most {MAX_PROPERTIES - 3} besides the tag, id and session"
        )
    types = FACT_KINDS[kind].field_types()
    marks = _presence_only(chunk)
    return Plan(
        kind=kind,
        tag=names[_TAG + kind],
        values=tuple((n, names[n]) for n in read if n not in marks and n not in equals),
        marks=tuple((name, names[name]) for name in read if name in marks),
        equals=tuple(
            (name, value, names[equality_key(name, value)])
            for name in read
            for value in equals.get(name, ())
        ),
        floats=tuple(
            names[n] for n in read if types.get(n) is float and n not in marks and n not in equals
        ),
    )
