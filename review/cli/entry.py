"""The ``review`` console script. Exit codes: 0 ran (whatever it found), 2 bad input or
usage, 3 standards or rules data inconsistent, 4 engine failure, 70 internal error.

Library code raises; this module alone turns errors into one line on stderr and an exit
code. Set REVIEW_DEBUG=1 to see a traceback for an internal error.

It imports no typer: a plainly written ``review evaluate FILE`` runs without it
(review/cli/quick.py); every other command line goes to the typer app in review/cli/main.py.
"""

from __future__ import annotations

import sys

from .. import logs
from ..errors import ConfigurationError, EngineError, ReviewError

EXIT_INPUT = 2
EXIT_CONFIG = 3
EXIT_ENGINE = 4
EXIT_INTERNAL = 70


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every error becomes one line and an exit code."""
    from .plugins import skip_empty_discovery
    from .terminal import cleaned_output

    skip_empty_discovery()  # before the first pydantic validator (review/cli/plugins.py)
    args = sys.argv[1:] if argv is None else argv
    with cleaned_output():  # nothing typed by a person can act on the terminal
        _run(args, whole_process=argv is None)


def _run(args: list[str], *, whole_process: bool = False) -> None:
    from ..services.origin import acting_from, command_line_origin

    for number, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:  # invalid UTF-8 bytes arrive as lone surrogates
            _exit(
                f"argument {number} is not valid UTF-8 text (at character {exc.start + 1})",
                EXIT_INPUT,
            )
    try:
        # every audit event a command writes names the operating-system user who ran it
        with acting_from(command_line_origin()):
            _dispatch(args, whole_process)  # click itself prints usage errors and exits 2
    except ReviewError as exc:
        logs.refusal(exc, f"review {_command(args)}")
        if isinstance(exc, ConfigurationError):  # standards, rules or database: it says which
            _exit(str(exc), EXIT_CONFIG)
        if isinstance(exc, EngineError):
            _exit(f"rules engine failed: {exc}", EXIT_ENGINE)
        _exit(str(exc), EXIT_INPUT)  # InputError and the workflow's refusals
    except KeyboardInterrupt:
        _exit("interrupted", 130)
    except Exception as exc:
        logs.log.error("internal error in review %s: %s", _command(args), type(exc).__name__)
        if _debug():
            raise
        _exit(
            f"internal error: {type(exc).__name__}: {exc} (set REVIEW_DEBUG=1 for details)",
            EXIT_INTERNAL,
        )


def _dispatch(args: list[str], whole_process: bool) -> None:
    from .quick import quick_evaluate

    if not quick_evaluate(args, whole_process=whole_process):
        from .main import app

        app(args=args)


def _command(args: list[str]) -> str:
    """The command's name (``users add``) without its arguments, which may name people."""
    from .main import command_name

    return command_name(args)


def _exit(message: str, code: int) -> None:
    sys.stderr.write(f"review: {message}\n")
    raise SystemExit(code)


def _debug() -> bool:
    from ..settings import settings

    try:
        return settings().debug
    except ReviewError:
        return False
