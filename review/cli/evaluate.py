"""``review evaluate`` and ``review import``: the engine on files, no database involved."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml

from .common import DataFormat, Format
from .evaluating import evaluate_file


class Engine(StrEnum):
    durable = "durable"
    reference = "reference"


class EvidenceKind(StrEnum):
    acr = "acr"
    sbom = "sbom"
    questionnaire = "questionnaire"


def evaluate(
    file: Annotated[Path, typer.Argument(help="Intake file (YAML or JSON) with proposal:.")],
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.json,
    as_of_day: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge dates as of this day (default today)."),
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Matcher (reference is for checking).")] = (
        Engine.durable
    ),
) -> None:
    """Evaluate a proposal (and its contract, if any) and print the findings."""
    evaluate_file(file, format.value, as_of_day, engine.value)


def import_evidence(
    kind: Annotated[EvidenceKind, typer.Argument(help="acr or sbom")],
    file: Annotated[Path, typer.Argument(help="The vendor document.")],
    format: Annotated[DataFormat, typer.Option("--format", "-f")] = DataFormat.yaml,
) -> None:
    """Read a vendor ACR, SBOM or security questionnaire (CAIQ v4, HECVAT 3 Full/Lite) and
    print the intake answers it fills in."""
    from ..evidence.attach import READ_KINDS, extract, read_file

    if kind is EvidenceKind.questionnaire:
        _import_questionnaire(file, format)
        return

    section, warnings = extract(kind.value, read_file(kind.value, file), file.name)
    payload = {READ_KINDS[kind.value]: section}
    if format is DataFormat.json:
        sys.stdout.write(json.dumps({**payload, "warnings": warnings}, indent=2) + "\n")
        return
    for warning in warnings:
        sys.stdout.write(f"# warning: {warning}\n")
    sys.stdout.write(yaml.safe_dump(payload, sort_keys=False, allow_unicode=True))


def _import_questionnaire(file: Path, format: DataFormat) -> None:
    from ..core.safeyaml import read_limited
    from ..evidence.questionnaire import MAX_BYTES, parse_questionnaire

    data = read_limited(file, max_bytes=MAX_BYTES, what="questionnaire")
    result = parse_questionnaire(data, filename=file.name).to_dict()
    if format is DataFormat.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    meta = result["questionnaire"]
    sys.stdout.write(
        f"# {meta['layout']} {meta['version'] or ''} dated {meta['date'] or 'nowhere'}: "
        f"{meta['questions']} questions\n"
    )
    for finding in result["findings"]:
        sys.stdout.write(f"# finding: {finding}\n")
    for warning in result["warnings"]:
        sys.stdout.write(f"# warning: {warning}\n")
    for item in result["filled"]:
        sys.stdout.write(
            f"# {item['field']} = {item['value']!r} from {item['qid']} ({item['section']}): "
            f"{item['words']!r}\n"
        )
    for item in result["not_mapped"]:
        sys.stdout.write(f"# not mapped: {item}\n")
    sys.stdout.write(yaml.safe_dump({"proposal": result["proposal"]}, sort_keys=False))
