"""Refusals, not assertions: ``assert`` vanishes under ``python -O`` and, when it fires, ends a
command in ``internal error: AssertionError`` (exit 70) instead of a refusal naming the state.

Every check on the service and command-line paths raises from the review/errors.py hierarchy.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("review/services", "review/cli")


def asserts() -> list[str]:
    found = []
    for folder in PATHS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Assert)
            ]
    return found


def test_no_assert_guards_a_service_or_command_path() -> None:
    assert asserts() == [], "raise a refusal from review/errors.py instead"
