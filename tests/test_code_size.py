"""Code a reader can hold in their head: no file in review/ over 600 lines, no function over
80 (decorators and docstring included).

ALLOWED lists what exceeded the limits when the limits came in, each in code another change
is rewriting. The lead removes an entry when its rewrite lands; an entry that is no longer
needed fails this test, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
# Migrations are frozen history (each says what the schema was at its revision); they are
# never edited once released, so they are not held to the limits.
EXEMPT = ("review/store/migrations/versions/",)

ALLOWED: dict[str, str] = {
    # files over 600 lines
    # functions over 80 lines
}


def sizes() -> dict[str, int]:
    """Every file's and function's length in lines, by ``path`` and ``path::function``."""
    found: dict[str, int] = {}
    for path in sorted((ROOT / "review").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(EXEMPT):
            continue
        text = path.read_text()
        found[name] = len(text.splitlines())
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - start + 1
                key = f"{name}::{node.name}"
                found[key] = max(found.get(key, 0), length)
    return found


def too_long(sizes: dict[str, int]) -> dict[str, int]:
    return {
        key: lines
        for key, lines in sizes.items()
        if lines > (MAX_FUNCTION_LINES if "::" in key else MAX_FILE_LINES)
    }


def test_no_file_over_600_lines_and_no_function_over_80() -> None:
    over = {k: n for k, n in too_long(sizes()).items() if k not in ALLOWED}
    assert not over, f"over the limits (split along the seams): {over}"


def test_the_allow_list_only_holds_what_still_needs_it() -> None:
    over = too_long(sizes())
    stale = sorted(key for key in ALLOWED if key not in over)
    assert not stale, f"within the limits now: remove from ALLOWED in {__file__}: {stale}"
