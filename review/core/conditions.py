"""The rule condition language: parsed once, compiled to durable_rules, evaluated in Python.

A condition is a tree of mappings, each with exactly one shape::

    {all: [cond, ...]}           every branch holds
    {any: [cond, ...]}           at least one branch holds
    {not: cond}                  the branch does not hold (an absent field makes a test false)
    {predicate: name}            a named condition from rules/predicates.yaml
    {field: f, eq: v}            also ne, lt, lte, gt, gte, in, not_in, missing, present

A value is a literal or ``{standard: dotted.name}``, resolved against the standards when the
rules are compiled, so thresholds stay in ``standards/``.

durable_rules has no ``$in`` and no negation, treats ``true == 1`` and makes ``$neq`` false on
an absent field. The compiler therefore expands ``in`` into equalities and pushes ``not`` down
to the leaves (De Morgan, with "or the field is absent" where a test on an absent field is
false), and the loader refuses a test whose value type does not match the fact field's type.
:func:`holds` is the plain-Python meaning of the same tree; the differential test checks that
both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from ..errors import RuleError

Scalar: TypeAlias = bool | int | float | str
Op = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "missing", "present"]
OPS: tuple[str, ...] = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "missing", "present")
ORDERING = ("lt", "lte", "gt", "gte")
# durable_rules expands every condition into its alternatives (DNF) and fires once per true
# alternative; a negated conjunction multiplies out quickly. The loader refuses a rule over
# MAX_RULE_BRANCHES, and the engine packs the rules of one fact kind into a ruleset to at
# most MAX_RULESET_BRANCHES alternatives: the C matcher's fixed 64-entry stack overflowed
# (error 303) when more than 64 alternatives of the asserted fact's kind held at once, and
# never for fewer, whatever other kinds' rules the ruleset held (measured, and pinned by
# tests/test_isolation.py); 56 keeps 8 entries spare.
MAX_RULE_BRANCHES = 32
MAX_RULESET_BRANCHES = 56


@dataclass(frozen=True)
class Test:
    field: str
    op: str
    value: Any  # Scalar, tuple of Scalar, or True for missing/present


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node: TypeAlias = Test | All | Any_ | Not

# field name -> python type (bool, int, float or str); int and float fields both accept numbers
FieldTypes = Mapping[str, type]
Resolver = Callable[[str], Any]


def parse(
    raw: Any,
    *,
    fields: FieldTypes,
    resolve: Resolver,
    predicates: Mapping[str, Any],
    where: str,
    _seen: tuple[str, ...] = (),
) -> Node:
    """Parse and type-check a condition; errors name ``where`` (the rule) and the field."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: a condition must be a mapping, got {raw!r}")
    keys = set(raw)
    if keys == {"all"} or keys == {"any"}:
        key = next(iter(keys))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise RuleError(f"{where}: '{key}' needs a non-empty list of conditions")
        parts = tuple(
            parse(
                i, fields=fields, resolve=resolve, predicates=predicates, where=where, _seen=_seen
            )
            for i in items
        )
        if len(parts) == 1:
            return parts[0]
        return All(parts) if key == "all" else Any_(parts)
    if keys == {"not"}:
        inner = parse(
            raw["not"],
            fields=fields,
            resolve=resolve,
            predicates=predicates,
            where=where,
            _seen=_seen,
        )
        return Not(inner)
    if keys == {"predicate"}:
        name = raw["predicate"]
        if name not in predicates:
            known = ", ".join(sorted(predicates)) or "none"
            raise RuleError(f"{where}: unknown predicate {name!r} (known: {known})")
        if name in _seen:
            raise RuleError(f"{where}: predicate {name!r} refers to itself")
        return parse(
            predicates[name],
            fields=fields,
            resolve=resolve,
            predicates=predicates,
            where=f"{where} (predicate {name})",
            _seen=(*_seen, name),
        )
    if "field" in keys:
        return _parse_test(raw, fields=fields, resolve=resolve, where=where)
    raise RuleError(
        f"{where}: condition {dict(raw)!r} must have one of all, any, not, predicate or field"
    )


def _parse_test(
    raw: Mapping[str, Any], *, fields: FieldTypes, resolve: Resolver, where: str
) -> Test:
    field = raw["field"]
    ops = [k for k in raw if k != "field"]
    if len(ops) != 1 or ops[0] not in OPS:
        raise RuleError(
            f"{where}: test on {field!r} needs exactly one operator out of {', '.join(OPS)}; "
            f"got {ops}"
        )
    op = ops[0]
    if field not in fields:
        raise RuleError(
            f"{where}: unknown field {field!r} (fields of this fact: {', '.join(sorted(fields))})"
        )
    kind = fields[field]
    value = raw[op]
    if isinstance(value, Mapping):
        if set(value) != {"standard"}:
            raise RuleError(f"{where}: value of {field!r} must be a literal or {{standard: name}}")
        try:
            value = resolve(str(value["standard"]))
        except KeyError:
            raise RuleError(f"{where}: unknown standard {value['standard']!r}") from None
    if op in ("missing", "present"):
        if value is not True:
            raise RuleError(f"{where}: '{op}' takes the value true")
        return Test(field, op, True)
    if op in ("in", "not_in"):
        if not isinstance(value, list | tuple) or not value:
            raise RuleError(f"{where}: '{op}' on {field!r} needs a non-empty list")
        values = tuple(_plain(v) for v in value)
        for v in values:
            _check_type(v, kind, field, where)
        return Test(field, op, values)
    value = _plain(value)
    _check_type(value, kind, field, where)
    if op in ORDERING and kind not in (int, float):
        raise RuleError(f"{where}: '{op}' needs a numeric field; {field!r} is {kind.__name__}")
    return Test(field, op, value)


def _plain(value: Any) -> Any:
    """Standards hold enums and dates; the engine sees their plain values."""
    enum_value = getattr(value, "value", None)
    return enum_value if enum_value is not None else value


def _check_type(value: Any, kind: type, field: str, where: str) -> None:
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind in (int, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise RuleError(
            f"{where}: {field!r} is a {kind.__name__} field, so it cannot be compared with "
            f"{value!r}"
        )


def branch_count(node: Node) -> int:
    """How many alternatives durable_rules expands a condition into (its DNF size)."""
    node = push_not(node)
    if isinstance(node, Test):
        return len(node.value) if node.op == "in" else 1
    if isinstance(node, Any_):
        return sum(branch_count(p) for p in node.parts)
    if isinstance(node, All):
        total = 1
        for part in node.parts:
            total *= branch_count(part)
        return total
    raise AssertionError("push_not leaves no Not")  # pragma: no cover


def fields_of(node: Node) -> list[str]:
    """Field names a condition reads, in first-use order (the finding's evidence)."""
    out: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Test):
            if n.field not in out:
                out.append(n.field)
        elif isinstance(n, Not):
            walk(n.part)
        else:
            for p in n.parts:
                walk(p)

    walk(node)
    return out


# --- plain-Python meaning -----------------------------------------------------------------


def holds(node: Node, fact: Mapping[str, Any]) -> bool:
    """Evaluate a condition over a fact (absent keys are absent answers)."""
    if isinstance(node, Test):
        if node.op == "missing":
            return node.field not in fact
        if node.op == "present":
            return node.field in fact
        if node.field not in fact:
            return False
        v = fact[node.field]
        op, ref = node.op, node.value
        if op == "eq":
            return bool(v == ref)
        if op == "ne":
            return bool(v != ref)
        if op == "lt":
            return bool(v < ref)
        if op == "lte":
            return bool(v <= ref)
        if op == "gt":
            return bool(v > ref)
        if op == "gte":
            return bool(v >= ref)
        if op == "in":
            return v in ref
        return v not in ref  # not_in
    if isinstance(node, All):
        return all(holds(p, fact) for p in node.parts)
    if isinstance(node, Any_):
        return any(holds(p, fact) for p in node.parts)
    return not holds(node.part, fact)


def compile_python(node: Node) -> Callable[[Mapping[str, Any]], bool]:
    """The same meaning as :func:`holds`, as nested closures (the fast reference path)."""
    if isinstance(node, All):
        parts = tuple(compile_python(p) for p in node.parts)
        return lambda fact: all(p(fact) for p in parts)
    if isinstance(node, Any_):
        parts = tuple(compile_python(p) for p in node.parts)
        return lambda fact: any(p(fact) for p in parts)
    if isinstance(node, Not):
        inner = compile_python(node.part)
        return lambda fact: not inner(fact)
    f, op, ref = node.field, node.op, node.value
    if op == "missing":
        return lambda fact: f not in fact
    if op == "present":
        return lambda fact: f in fact
    compare: Callable[[Any], bool] = {
        "eq": lambda v: v == ref,
        "ne": lambda v: v != ref,
        "lt": lambda v: v < ref,
        "lte": lambda v: v <= ref,
        "gt": lambda v: v > ref,
        "gte": lambda v: v >= ref,
        "in": lambda v: v in ref,
        "not_in": lambda v: v not in ref,
    }[op]
    return lambda fact: f in fact and compare(fact[f])


# --- compilation to durable_rules JSON ------------------------------------------------------

_NEGATED = {
    "eq": "ne",
    "ne": "eq",
    "lt": "gte",
    "lte": "gt",
    "gt": "lte",
    "gte": "lt",
    "in": "not_in",
    "not_in": "in",
}


def push_not(node: Node, negate: bool = False) -> Node:
    """Rewrite without Not: negations move to the leaves (absent fields made explicit)."""
    if isinstance(node, Not):
        return push_not(node.part, not negate)
    if isinstance(node, All | Any_):
        parts = tuple(push_not(p, negate) for p in node.parts)
        if negate:
            return Any_(parts) if isinstance(node, All) else All(parts)
        return type(node)(parts)
    if not negate:
        return node
    if node.op == "missing":
        return Test(node.field, "present", True)
    if node.op == "present":
        return Test(node.field, "missing", True)
    # "not (x < 5)" holds when x >= 5 or when x is absent
    return Any_(
        (Test(node.field, _NEGATED[node.op], node.value), Test(node.field, "missing", True))
    )


def to_durable(node: Node) -> dict[str, Any]:
    """Compile a Not-free tree to a durable_rules expression."""
    if isinstance(node, Not):
        return to_durable(push_not(node))
    if isinstance(node, All):
        return {"$and": [to_durable(p) for p in node.parts]}
    if isinstance(node, Any_):
        return {"$or": [to_durable(p) for p in node.parts]}
    f, op, v = node.field, node.op, node.value
    if op == "eq":
        return {f: v}
    if op == "ne":
        return {"$neq": {f: v}}
    if op in ORDERING:
        return {f"${op}": {f: v}}
    if op == "missing":
        return {"$nex": {f: 1}}
    if op == "present":
        return {"$ex": {f: 1}}
    if op == "in":
        return {f: v[0]} if len(v) == 1 else {"$or": [{f: x} for x in v]}
    # not_in: every inequality; like ne, false when the field is absent
    return {"$neq": {f: v[0]}} if len(v) == 1 else {"$and": [{"$neq": {f: x}} for x in v]}
