"""``review standards``: the City's standards in force."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
import yaml

from .common import DataFormat

app = typer.Typer(help="The City's standards in force.", no_args_is_help=True)


@app.command("show")
def standards_show(
    format: Annotated[DataFormat, typer.Option("--format", "-f")] = DataFormat.table,
) -> None:
    """Show the standards version, its sections and the rules enforcing each."""
    from ..core.evaluate import evaluator

    ev = evaluator()
    standards = ev.standards
    if format is DataFormat.table:
        from .output import console, standards_table

        standards_table(standards, ev.book.rules, console())
        return
    data: dict[str, Any] = standards.model_dump(mode="json")
    if format is DataFormat.json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
