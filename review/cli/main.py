"""The ``review`` command line. Exit codes: 0 ran (whatever it found), 2 bad input or
usage, 3 standards or rules data inconsistent, 4 engine failure, 70 internal error.

Library code raises; this module alone turns errors into one line on stderr and an exit
code. Set REVIEW_DEBUG=1 to see a traceback for an internal error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console

from ..errors import (
    ConfigurationError,
    EngineError,
    InputError,
    ReviewError,
)

EXIT_INPUT = 2
EXIT_CONFIG = 3
EXIT_ENGINE = 4
EXIT_INTERNAL = 70

app = typer.Typer(
    name="review",
    help="Technology procurement review: evaluate intake records against the City's standards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="The rules that enforce the standards.", no_args_is_help=True)
standards_app = typer.Typer(help="The City's standards in force.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(standards_app, name="standards")


def _register_commands() -> None:
    """The workflow's commands live in their own module, registered in this one place."""
    from . import inventory, packet, workflow

    workflow.register(app)
    packet.register(app)
    inventory.register(app)  # after approval: inventory, deadlines, sweep, notify (GEN-9)


_register_commands()


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


class DataFormat(StrEnum):
    json = "json"
    yaml = "yaml"
    table = "table"


class Engine(StrEnum):
    durable = "durable"
    reference = "reference"


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"review: {message}\n")
    raise typer.Exit(code)


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"--as-of: expected an ISO 8601 date like 2026-03-01, got {value!r}", EXIT_INPUT)
    return None  # unreachable


def _console() -> Console:
    # piped output is 120 columns wide unless COLUMNS says otherwise
    wide = sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit()
    return Console(soft_wrap=False, width=None if wide else 120)


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="Intake file (YAML or JSON) with proposal:.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.json,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge dates as of this day (default today).")
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Matcher (reference is for checking).")] = (
        Engine.durable
    ),
) -> None:
    """Evaluate a proposal (and its contract, if any) and print the findings."""
    from ..core.loading import load_with_attachments

    day = _as_of(as_of)
    # before the engine loads: bad input fails fast; a bad attachment is only reported
    submission, attachments = load_with_attachments(file)
    from ..core.evaluate import evaluator

    result = evaluator(engine.value).evaluate(submission, day)
    if format is OutputFormat.json:
        payload = result.to_json_dict()
        if attachments:
            payload["attachments"] = [a.to_dict() for a in attachments]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        from .output import attachments_table, evaluation_table

        console = _console()
        if attachments:
            attachments_table(attachments, console)
        evaluation_table(result, console)


class EvidenceKind(StrEnum):
    acr = "acr"
    sbom = "sbom"


@app.command("import")
def import_evidence(
    kind: Annotated[EvidenceKind, typer.Argument(help="acr or sbom")],
    file: Annotated[Path, typer.Argument(help="The vendor document.")],
    format: Annotated[DataFormat, typer.Option("--format", "-f")] = DataFormat.yaml,
) -> None:
    """Read a vendor ACR or SBOM and print the intake section it fills in."""
    from ..evidence.attach import READ_KINDS, extract, read_file

    section, warnings = extract(kind.value, read_file(kind.value, file), file.name)
    payload = {READ_KINDS[kind.value]: section}
    if format is DataFormat.json:
        sys.stdout.write(json.dumps({**payload, "warnings": warnings}, indent=2) + "\n")
        return
    for warning in warnings:
        sys.stdout.write(f"# warning: {warning}\n")
    sys.stdout.write(yaml.safe_dump(payload, sort_keys=False, allow_unicode=True))


@rules_app.command("list")
def rules_list(
    domain: Annotated[str | None, typer.Option(help="Only this domain.")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table,
) -> None:
    """List every active rule with its severity and citations."""
    from ..core.evaluate import evaluator
    from ..core.standards import DOMAINS

    if domain is not None and domain not in DOMAINS:
        _fail(f"--domain: {domain!r} is not a domain; expected one of {', '.join(DOMAINS)}", 2)
    book = evaluator().book
    rules = [r for r in book.rules if domain is None or r.domain == domain]
    if format is OutputFormat.json:
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
        from .output import rules_table

        rules_table(rules, _console())


@standards_app.command("show")
def standards_show(
    format: Annotated[DataFormat, typer.Option("--format", "-f")] = DataFormat.table,
) -> None:
    """Show the standards version, its sections and the rules enforcing each."""
    from ..core.evaluate import evaluator

    ev = evaluator()
    standards = ev.standards
    if format is DataFormat.table:
        from .output import standards_table

        standards_table(standards, ev.book.rules, _console())
        return
    data: dict[str, Any] = standards.model_dump(mode="json")
    if format is DataFormat.json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every error becomes one line and an exit code."""
    try:
        app(args=argv)  # click itself prints usage errors and exits 2
    except InputError as exc:
        _exit(str(exc), EXIT_INPUT)
    except ConfigurationError as exc:  # standards, rules or database: the message says which
        _exit(str(exc), EXIT_CONFIG)
    except EngineError as exc:
        _exit(f"rules engine failed: {exc}", EXIT_ENGINE)
    except ReviewError as exc:
        _exit(str(exc), EXIT_INPUT)
    except KeyboardInterrupt:
        _exit("interrupted", 130)
    except Exception as exc:
        if _debug():
            raise
        _exit(f"internal error: {type(exc).__name__}: {exc} (set REVIEW_DEBUG=1 for details)", 70)


def _exit(message: str, code: int) -> None:
    sys.stderr.write(f"review: {message}\n")
    raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    main()


def _debug() -> bool:
    from ..settings import settings

    try:
        return settings().debug
    except ReviewError:
        return False
