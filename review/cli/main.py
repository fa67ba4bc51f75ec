"""The ``review`` command line. Exit codes: 0 ran (whatever it found), 2 bad input or
usage, 3 standards or rules data inconsistent, 4 engine failure, 70 internal error.

Library code raises; this module alone turns errors into one line on stderr and an exit
code. Set REVIEW_DEBUG=1 to see a traceback for an internal error.

Every command and command group is registered here, in ``COMMANDS``, and nowhere else. A
command's module is imported only when that command runs (review/cli/lazy.py); command modules
import only what their options need (enums); the engine, the services and the database load
inside the command that uses them, so ``review --help`` and ``review evaluate`` start quickly.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from .. import logs
from ..errors import ConfigurationError, EngineError, ReviewError
from .lazy import Entry, LazyGroup

EXIT_INPUT = 2
EXIT_CONFIG = 3
EXIT_ENGINE = 4
EXIT_INTERNAL = 70

# The one list of the ``review`` command's commands and groups, in the order of --help:
# (name, module in review.cli, function or typer.Typer there, the short help --help shows).
# Each module is imported only when its command runs (tests/test_cli_lazy.py checks the help).
COMMANDS = (
    Entry("evaluate", "evaluate", "evaluate",
          "Evaluate a proposal (and its contract, if any) and print the findings."),
    Entry("import", "evaluate", "import_evidence",
          "Read a vendor ACR, SBOM or security questionnaire (CAIQ v4, HECVAT 3 Full/Lite) "
          "and print the intake answers it fills in."),
    Entry("comment", "review_steps", "comment",
          "Comment on a request (anyone who can see it; requesters answer this way too)."),
    Entry("start-review", "review_steps", "start_review",
          "Take a submitted request into review (a first sign-off does this too)."),
    Entry("request-changes", "review_steps", "request_changes",
          "Send a request back to its department with what to change."),
    Entry("signoff", "review_steps", "signoff",
          "Sign off your domain on the current record version."),
    Entry("waive", "waivers", "waive",
          "Waive a finding (the domain's waiver authority; never a non-waivable finding)."),
    Entry("decide", "review_steps", "decide",
          "The approver's decision on a request (or contract) that has every sign-off."),
    Entry("queue", "queue", "queue",
          "Requests waiting for your sign-off, oldest (or most severe) first."),
    Entry("reevaluate", "reevaluate", "reevaluate",
          "Re-run every open request and active contract against the current standards "
          "(admins)."),
    Entry("backup", "backup", "backup",
          "Copy the live SQLite database to PATH (a consistent snapshot)."),
    Entry("sweep", "inventory", "sweep",
          "The daily sweep: judge every active system as of the day and queue its notices."),
    Entry("deadlines", "inventory", "deadlines_list",
          "Every deadline of the systems you may see (GEN-9), soonest first."),
    Entry("rules", "rules", "app", "The rules that enforce the standards."),
    Entry("standards", "standards", "app", "The City's standards in force."),
    Entry("db", "db", "app", "The database: migrate it and show its revision."),
    Entry("demo", "demo", "app", "Demonstration users and requests."),
    Entry("users", "users", "app", "Accounts and role grants (admins)."),
    Entry("proposal", "proposals", "app",
          "A department's requests: draft, submit, resubmit, withdraw, show, list, history."),
    Entry("waivers", "waivers", "app", "Waivers (exceptions, GEN-5): list, expire, revoke."),
    Entry("condition", "conditions", "app", "Conditions of approval (GEN-8)."),
    Entry("contract", "contract", "app", "The contract stage."),
    Entry("audit", "audit", "app", "The keyed, hash-chained audit log."),
    Entry("packet", "packet", "app",
          "Signed-off approval packets (Word documents) and their verification."),
    Entry("export", "exports", "export",
          "Download a list as a file: what the page of that list shows you, in full."),
    Entry("plan", "exports", "plan",
          "The technology improvement plan: approved and pending projects' costs by fiscal "
          "year, department and funding source (xlsx for the budget office, docx for the "
          "Council packet)."),
    Entry("publish", "publish", "publish",
          "Write each register and the review metrics as CSV and JSON, a Table Schema per file "
          "and a DCAT-US 1.1 data.json."),
    Entry("delay", "publication", "app", "Delays of public register entries (GEN-10)."),
    Entry("vendor", "vendor", "app",
          "Vendor links: invite a vendor to answer their part, check, revoke, list pending."),
    Entry("inventory", "inventory", "inventory_app",
          "The technology inventory: approved and imported systems (GEN-9)."),
    Entry("notify", "inventory", "notify_app",
          "Notifications: deliver the outbox, see failures, digest choice, calendar feed."),
)  # fmt: skip


class _Review(LazyGroup):
    entries = COMMANDS


app = typer.Typer(
    name="review",
    help="Technology procurement review: evaluate intake records against the City's standards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: `review --help` need not import rich
    cls=_Review,
)


@app.callback()
def _before_every_command() -> None:
    # here rather than in main(): `review --help` (eager, before any callback) stays free
    # of the settings' import; every command, and `review GROUP --help`, configures the log
    logs.configure(default_level="WARNING")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every error becomes one line and an exit code."""
    from .plugins import skip_empty_discovery
    from .terminal import cleaned_output

    skip_empty_discovery()  # before the first pydantic validator (review/cli/plugins.py)

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
        if not hasattr(node, "get_command"):
            break
        node = node.get_command(None, word)  # loads only the command that ran
        if node is None:
            break
        words.append(word)
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
