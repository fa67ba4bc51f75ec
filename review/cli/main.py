"""The ``review`` command line. Exit codes: 0 ran (whatever it found), 2 bad input or
usage, 3 standards or rules data inconsistent, 4 engine failure, 70 internal error.

Library code raises; this module alone turns errors into one line on stderr and an exit
code. Set REVIEW_DEBUG=1 to see a traceback for an internal error.

Every command and command group is registered here, in ``_register``, and nowhere else.
Command modules import only what their options need (enums); the engine, the services and
the database load inside the command that uses them, so ``review --help`` stays quick.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from .. import logs
from ..errors import ConfigurationError, EngineError, ReviewError

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


def _register() -> None:
    """The one list of the ``review`` command's commands and groups, in the order of --help."""
    from . import (
        audit,
        backup,
        conditions,
        contract,
        db,
        demo,
        evaluate,
        inventory,
        packet,
        proposals,
        queue,
        reevaluate,
        review_steps,
        rules,
        standards,
        users,
        vendor,
        waivers,
    )

    app.command("evaluate")(evaluate.evaluate)
    app.command("import")(evaluate.import_evidence)
    app.command("comment")(review_steps.comment)
    app.command("start-review")(review_steps.start_review)
    app.command("request-changes")(review_steps.request_changes)
    app.command("signoff")(review_steps.signoff)
    app.command("waive")(waivers.waive)
    app.command("decide")(review_steps.decide)
    app.command("queue")(queue.queue)
    app.command("reevaluate")(reevaluate.reevaluate)
    app.command("backup")(backup.backup)
    app.add_typer(rules.app, name="rules")
    app.add_typer(standards.app, name="standards")
    app.add_typer(db.app, name="db")
    app.add_typer(demo.app, name="demo")
    app.add_typer(users.app, name="users")
    app.add_typer(proposals.app, name="proposal")
    app.add_typer(waivers.app, name="waivers")
    app.add_typer(conditions.app, name="condition")
    app.add_typer(contract.app, name="contract")
    app.add_typer(audit.app, name="audit")
    app.add_typer(packet.app, name="packet")
    app.add_typer(vendor.app, name="vendor")
    inventory.register(app)  # after approval (GEN-9): inventory, deadlines, sweep, notify


_register()


@app.callback()
def _before_every_command() -> None:
    # here rather than in main(): `review --help` (eager, before any callback) stays free
    # of the settings' import; every command, and `review GROUP --help`, configures the log
    logs.configure(default_level="WARNING")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every error becomes one line and an exit code."""
    from .output import cleaned_output

    args = sys.argv[1:] if argv is None else argv
    with cleaned_output():  # nothing typed by a person can act on the terminal
        _run(args)


def _run(args: list[str]) -> None:
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
            app(args=args)  # click itself prints usage errors and exits 2
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


def _command(args: list[str]) -> str:
    """The command's name (``users add``) without its arguments, which may name people."""
    node: Any = typer.main.get_command(app)
    words = []
    for word in args:
        commands = getattr(node, "commands", None)
        if not commands or word not in commands:
            break
        words.append(word)
        node = commands[word]
    return " ".join(words) or "(no command)"


def _exit(message: str, code: int) -> None:
    sys.stderr.write(f"review: {message}\n")
    raise SystemExit(code)


def _debug() -> bool:
    from ..settings import settings

    try:
        return settings().debug
    except ReviewError:
        return False


if __name__ == "__main__":  # pragma: no cover
    main()
