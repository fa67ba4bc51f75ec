"""``review evaluate FILE [--format F] [--as-of DAY] [--engine E]``, started without typer.

Importing typer and building the command's parameters (a pydantic adapter each) was about a
tenth of the command's start. A command line written plainly, as click would read it without
complaint, runs here with the same values, in the same order of work and with the same exit
(0, or 130 on an interrupt, as click's standalone mode does); anything else (help, an unknown
or repeated option, a value click or typer would refuse or read differently, an unreadable
file, shell completion) goes to the typer app, which answers it as it always has. The
evaluate command's options are checked against this module's in tests/test_cli_quick.py.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# option -> parameter of review.cli.evaluating.evaluate_file (each takes one value)
OPTIONS = {"--format": "format", "-f": "format", "--as-of": "as_of_day", "--engine": "engine"}
CHOICES = {"format": ("table", "json"), "engine": ("durable", "reference")}
DEFAULTS = {"format": "json", "as_of_day": None, "engine": "durable"}


def plain_evaluate(args: Sequence[str]) -> dict[str, str | None] | None:
    """The parameters of a plain ``evaluate`` command line, else None (typer decides)."""
    if not args or args[0] != "evaluate" or _completing():
        return None
    found: dict[str, str | None] = {}
    files: list[str] = []
    words = iter(args[1:])
    for word in words:
        if not word.startswith("-"):
            files.append(word)
            continue
        name, equals, value = word.partition("=")
        key = OPTIONS.get(name)
        if key is None or key in found or (equals and not name.startswith("--")):
            return None  # help, "--", an unknown or repeated option, "-f=x" (value "=x")
        if not equals:
            value = next(words, "-")  # a missing value: typer reports it
        if not value or value.startswith("-") or value not in CHOICES.get(key, (value,)):
            return None
        found[key] = value
    if len(files) != 1 or not _readable_or_absent(files[0]):
        return None
    return {**DEFAULTS, **found, "file": files[0]}


def _completing() -> bool:
    """A shell-completion request (``_REVIEW_COMPLETE``, named after the program)."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def _readable_or_absent(file: str) -> bool:
    """typer's check of a Path argument with its defaults: an existing path must be
    readable; a missing one is passed on (the loader reports it)."""
    if not file:
        return False
    try:
        os.stat(file)
    except OSError:
        return True
    return os.access(file, os.R_OK)


def quick_evaluate(args: Sequence[str], *, whole_process: bool = False) -> bool:
    """Run a plain ``review evaluate`` and exit as click would; False if it is not one.
    ``whole_process``: the command is all this process does (the console script)."""
    found = plain_evaluate(args)
    if found is None:
        return False
    from .. import logs
    from .evaluating import evaluate_file

    # Start-up (imports, model classes, the record's schema, the rule book) makes many
    # objects and little garbage, and the cyclic collector ran again and again over them:
    # in a process of its own, it is paused until the engine is ready, those objects are then
    # frozen (never scanned again) and the evaluation itself, however large, runs with the
    # collector on. A caller in a longer process (a test) keeps its collector as it was.
    paused = whole_process and gc.isenabled()
    if paused:
        gc.disable()
    try:
        logs.configure(default_level="WARNING")  # what the root command's callback does
        evaluate_file(
            Path(str(found["file"])),
            str(found["format"]),
            found["as_of_day"],
            str(found["engine"]),
            ready=_resume_collector if paused else None,
        )
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except EOFError:
        sys.stderr.write("\nAborted!\n")
        raise SystemExit(1) from None
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        _pacify_streams()
        raise SystemExit(1) from None
    finally:
        if paused:
            gc.enable()
    raise SystemExit(0)


def _resume_collector() -> None:
    gc.freeze()
    gc.enable()


def _pacify_streams() -> None:
    """A closed pipe on stdout: what click does, so the exit does not fail to flush."""
    from typer._click.utils import PacifyFlushWrapper

    sys.stdout = PacifyFlushWrapper(sys.stdout)
    sys.stderr = PacifyFlushWrapper(sys.stderr)
