"""What ``review evaluate`` does once its arguments are parsed, without typer.

Both ways into the command run this: the typer command (review/cli/evaluate.py) and the
quick path for a plainly written ``review evaluate FILE`` (review/cli/quick.py), which starts
without typer and its parameter machinery.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError


def as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--as-of: expected an ISO 8601 date like 2026-03-01, got {value!r}"
        ) from None


def evaluate_file(
    file: Path,
    format: str,
    as_of_day: str | None,
    engine: str,
    ready: Callable[[], None] | None = None,
) -> None:
    """Evaluate a proposal (and its contract, if any) and print the findings: JSON when
    ``format`` is ``json``, else tables; ``engine`` is ``durable`` or ``reference``.
    ``ready`` is called once the record is read and the engine loaded, before evaluating."""
    from ..core.loading import load_with_attachments

    day = as_of(as_of_day)
    # before the engine loads: bad input fails fast; a bad attachment is only reported
    submission, attachments = load_with_attachments(file)
    from ..core.evaluate import evaluator

    bound = evaluator("reference" if engine == "reference" else "durable")
    if ready is not None:
        ready()
    result = bound.evaluate(submission, day)
    if format == "json":
        payload = result.to_json_dict()
        if attachments:
            payload["attachments"] = [a.to_dict() for a in attachments]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        from .output import attachments_table, console, evaluation_table

        terminal = console()
        if attachments:
            attachments_table(attachments, terminal)
        evaluation_table(result, terminal)
