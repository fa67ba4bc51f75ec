"""What a proposal must answer before it is submitted for early consultation (GEN-6).

The list is data (``standards/intake.yaml``, ``intake.submission_requires``): GEN-1's problem
statement and what GEN-2 needs to decide the tier. Every other unanswered question is left to
the rules, which report it as a missing-answer finding at its own severity.
"""

from __future__ import annotations

from typing import Any

from ..core.standards import Requirement, Standards
from ..errors import FieldProblem


def _value(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def applies(requirement: Requirement, record: dict[str, Any]) -> bool:
    if requirement.when is None:
        return True
    value = _value(record, requirement.when.field)
    if requirement.when.equals is None:
        return answered(value)
    return bool(value == requirement.when.equals)


def needed(record: dict[str, Any], standards: Standards) -> frozenset[str]:
    """The field paths a submission of ``record`` needs (to mark them in the form)."""
    return frozenset(
        path
        for requirement in standards.intake.submission_requires
        if applies(requirement, record)
        for path in requirement.fields
    )


def gaps(record: dict[str, Any], standards: Standards) -> list[FieldProblem]:
    """The required answers still missing, each named by its (first) field path."""
    problems = []
    for requirement in standards.intake.submission_requires:
        if not applies(requirement, record):
            continue
        if any(answered(_value(record, path)) for path in requirement.fields):
            continue
        first, others = requirement.fields[0], requirement.fields[1:]
        alternative = f" (or {', '.join(others)})" if others else ""
        problems.append(
            FieldProblem(
                first,
                f"not answered{alternative}; a submission needs it "
                f"({', '.join(requirement.cites)})",
            )
        )
    return problems
