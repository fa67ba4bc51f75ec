"""The ``review`` command line's typer app. The console script, its exit codes and its error
lines are review/cli/entry.py (``main`` is re-exported here).

Every command and command group is registered here, in ``COMMANDS``, and nowhere else. A
command's module is imported only when that command runs (review/cli/lazy.py); command modules
import only what their options need (enums); the engine, the services and the database load
inside the command that uses them, so ``review --help`` and ``review evaluate`` start quickly.
"""

from __future__ import annotations

from typing import Any

import typer

from .. import logs
from .entry import EXIT_CONFIG, EXIT_ENGINE, EXIT_INPUT, EXIT_INTERNAL, main
from .lazy import Entry, LazyGroup

__all__ = ["COMMANDS", "EXIT_CONFIG", "EXIT_ENGINE", "EXIT_INPUT", "EXIT_INTERNAL", "app", "main"]

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


def command_name(args: list[str]) -> str:
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


if __name__ == "__main__":  # pragma: no cover
    main()
