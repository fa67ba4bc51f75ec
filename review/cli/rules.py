"""``review rules``: the rules that enforce the standards."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ..errors import InputError
from .common import Format

app = typer.Typer(help="The rules that enforce the standards.", no_args_is_help=True)


@app.command("list")
def rules_list(
    domain: Annotated[str | None, typer.Option(help="Only this domain.")] = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """List every active rule with its severity and citations."""
    from ..core.evaluate import evaluator
    from ..core.standards import DOMAINS

    if domain is not None and domain not in DOMAINS:
        raise InputError(
            f"--domain: {domain!r} is not a domain; expected one of {', '.join(DOMAINS)}"
        )
    book = evaluator().book
    rules = [r for r in book.rules if domain is None or r.domain == domain]
    if format is Format.json:
        payload = [
            {
                "id": r.id,
                "domain": r.domain,
                "severity": r.spec.severity.value,
                "waivable": r.spec.waivable,
                "citations": r.spec.citations,
                "title": r.spec.title,
                "fact": r.kind,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        from .output import console, rules_table

        rules_table(rules, console())
