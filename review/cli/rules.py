"""``review rules``: the rules that enforce the standards."""

from __future__ import annotations

import json
import sys
from pathlib import Path
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


@app.command("check")
def rules_check(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="A folder holding a copy of rules/ and standards/ (the one you are editing).",
        ),
    ],
) -> None:
    """Check edited rules and standards with the loader's own checks; list every problem."""
    from ..core.rules import load_rules
    from ..core.standards import load_standards
    from ..errors import ConfigurationError

    missing = [name for name in ("rules", "standards") if not (directory / name).is_dir()]
    if missing:
        raise InputError(f"DIR: {directory} has no {' or '.join(missing)} folder")
    try:
        standards = load_standards(directory / "standards")
        book = load_rules(standards, directory / "rules")
    except ConfigurationError as exc:
        sys.stderr.write(f"review: {exc}\n")
        raise typer.Exit(2) from None
    sys.stdout.write(
        f"{directory}: {len(book.rules)} active rules check clean against {standards.label}; "
        f"rules version {book.version}\n"
    )
