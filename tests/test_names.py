"""One name, one meaning: the names issue 11 found doing two jobs are each defined once in
review/ (a reader who greps ``def render`` finds the packet's renderer, not three)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASHED = ("render", "text", "records", "Evaluation")


def definitions() -> dict[str, list[str]]:
    """Where each clashed name is defined: a module, a top-level function or class."""
    found: dict[str, list[str]] = {name: [] for name in CLASHED}
    for path in sorted((ROOT / "review").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        if path.stem in found:
            found[path.stem].append(where)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in found:
                found[node.name].append(f"{where}::{node.name}")
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(target, ast.Name) and target.id in found:
                found[target.id].append(f"{where}::{target.id}")
    return found


def test_each_clashed_name_means_one_thing() -> None:
    twice = {name: places for name, places in definitions().items() if len(places) > 1}
    assert twice == {}
