"""OSS-3 license classification of SPDX expressions.

Parsing and id normalisation (deprecated ids, case) come from the license-expression
library's SPDX index; the classes and their ranks come from the standards. An expression
with OR is judged by its best choice, with AND by its worst part; a WITH exception takes the
class of its license. Missing licenses, NOASSERTION, unknown ids and unparseable text are
kept and classed ``unknown`` with the reason, never dropped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .standards import Licenses

_NOT_ASSERTED = {"noassertion", "none", ""}
_lock = threading.Lock()
_licensing: Any = None


def _spdx() -> Any:
    """The SPDX licensing index is large; build it once, on first use, thread-safely.

    The library builds its tokenizer lazily on the first ``parse`` and publishes it before it
    is complete, so a second thread could tokenize with half an automaton and class a known
    license ``unknown``: the tokenizer is built here, under the lock, before the index is
    handed out."""
    global _licensing
    with _lock:
        if _licensing is None:
            from license_expression import get_spdx_licensing

            licensing = get_spdx_licensing()
            licensing.get_advanced_tokenizer()  # complete before any thread may parse
            _licensing = licensing
        return _licensing


@dataclass(frozen=True)
class LicenseVerdict:
    license_class: str
    rank: int
    strong_copyleft: bool = False
    network_copyleft: bool = False
    problem: str | None = None
    normalized: str | None = None


def classify(expression: str | None, licenses: Licenses) -> LicenseVerdict:
    """Classify one expression against the standards' license classes."""
    return _classify(expression, _table(licenses))


@dataclass(frozen=True)
class _Table:
    by_id: dict[str, str]
    rank: dict[str, int]
    aliases: dict[str, str]


_tables: list[tuple[Licenses, _Table]] = []  # a few standards versions per process at most
_tables_lock = threading.Lock()


def _table(licenses: Licenses) -> _Table:
    """Lookup tables for a standards version's license classes, built once per version."""
    with _tables_lock:
        for known, table in _tables:
            if known is licenses:
                return table
        table = _Table(
            by_id={i.lower(): klass for klass, ids in licenses.classes.items() for i in ids},
            rank={str(klass): rank for klass, rank in licenses.rank.items()},
            aliases={k.lower(): v for k, v in licenses.aliases.items()},
        )
        _tables.append((licenses, table))
        return table


@lru_cache(maxsize=4096)
def _parse(expression: str) -> Any:
    return _spdx().parse(expression, validate=False)


@lru_cache(maxsize=1)
def _known_keys() -> frozenset[str]:
    licensing = _spdx()
    keys = set()
    for symbol in licensing.known_symbols.values():
        keys.add(symbol.key.lower())
        keys.update(alias.lower() for alias in getattr(symbol, "aliases", ()))
    return frozenset(keys)


def _classify(expression: str | None, table: _Table) -> LicenseVerdict:
    unknown = table.rank["unknown"]
    if expression is None or expression.strip().lower() in _NOT_ASSERTED:
        why = (
            "no license given"
            if not expression or not expression.strip()
            else (f"license is {expression.strip()} (not asserted)")
        )
        return LicenseVerdict("unknown", unknown, problem=why)
    text = expression.strip()
    try:
        parsed = _parse(text)
    except Exception as exc:  # the library raises several error types
        return LicenseVerdict("unknown", unknown, problem=f"not a valid SPDX expression ({exc})")
    if parsed is None:
        return LicenseVerdict("unknown", unknown, problem="no license given")
    verdict = _judge(parsed, table)
    return LicenseVerdict(
        verdict.license_class,
        verdict.rank,
        verdict.strong_copyleft,
        verdict.network_copyleft,
        verdict.problem,
        str(parsed),
    )


def _judge(node: Any, table: _Table) -> LicenseVerdict:
    name = type(node).__name__
    if name == "LicenseWithExceptionSymbol":
        return _judge(node.license_symbol, table)
    if name in ("AND", "OR"):
        parts = [_judge(arg, table) for arg in node.args]
        if name == "OR":
            return min(parts, key=lambda v: v.rank)
        worst = max(parts, key=lambda v: v.rank)
        return LicenseVerdict(
            worst.license_class,
            worst.rank,
            any(p.strong_copyleft for p in parts),
            any(p.network_copyleft for p in parts),
            next((p.problem for p in parts if p.problem), None),
        )
    key = str(node.key)
    lowered = table.aliases.get(key.lower(), key).lower()
    klass = table.by_id.get(lowered)
    if klass is None:
        if key.lower() in _NOT_ASSERTED:
            return LicenseVerdict(
                "unknown", table.rank["unknown"], problem=f"license is {key} (not asserted)"
            )
        if lowered in _known_keys() and not key.startswith("LicenseRef-"):
            return LicenseVerdict("unclassified", table.rank["unclassified"])
        problem = (
            f"{key} is a local reference, not an SPDX license id"
            if key.startswith(("LicenseRef-", "DocumentRef-"))
            else f"{key} is not an SPDX license id"
        )
        return LicenseVerdict("unknown", table.rank["unknown"], problem=problem)
    return LicenseVerdict(
        klass,
        table.rank[klass],
        strong_copyleft=klass == "strong_copyleft",
        network_copyleft=klass == "network_copyleft",
    )
