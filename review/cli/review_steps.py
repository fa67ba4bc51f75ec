"""The reviewers' and the approver's steps on a request: comment, start-review,
request-changes, signoff, decide."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from . import common
from .common import As, ExpectVersion, Fmt, Format, ProposalId


class Outcome(StrEnum):
    approve = "approve"
    approve_with_conditions = "approve-with-conditions"
    reject = "reject"


Domain = Annotated[str, typer.Argument(metavar="DOMAIN", help="Review domain, e.g. security.")]


def comment(
    proposal_id: ProposalId,
    text: Annotated[str, typer.Argument(metavar="TEXT")],
    domain: Annotated[str | None, typer.Option(help="The review domain it concerns.")] = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Comment on a request (anyone who can see it; requesters answer this way too)."""
    from ..services import reviews

    by = common.who(user)
    with common.services() as services:
        view = reviews.comment(
            services,
            by,
            common.pid(proposal_id),
            text,
            domain=domain,
            expected_version=expect_version,
        )
    common.done(view, "commented", format)


def start_review(
    proposal_id: ProposalId,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Take a submitted request into review (a first sign-off does this too)."""
    from ..services import reviews

    by = common.who(user)
    with common.services() as services:
        view = reviews.start_review(
            services, by, common.pid(proposal_id), expected_version=expect_version
        )
    common.done(view, "in review", format)


def request_changes(
    proposal_id: ProposalId,
    domain: Annotated[str, typer.Option("--domain", help="Your review domain.")],
    reason: Annotated[str, typer.Option("--reason", help="What the department must change.")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Send a request back to its department with what to change."""
    from ..services import reviews

    by = common.who(user)
    with common.services() as services:
        view = reviews.request_changes(
            services,
            by,
            common.pid(proposal_id),
            domain=domain,
            reason=reason,
            expected_version=expect_version,
        )
    common.done(view, "sent back for changes", format)


def signoff(
    proposal_id: ProposalId,
    domain: Domain,
    note: Annotated[str | None, typer.Option("--note")] = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Sign off your domain on the current record version."""
    from ..services import signoffs

    by = common.who(user)
    with common.services() as services:
        view = signoffs.sign_off(
            services,
            by,
            common.pid(proposal_id),
            domain,
            note=note,
            expected_version=expect_version,
        )
    common.done(view, f"signed off for {domain}", format)


def decide(
    proposal_id: ProposalId,
    outcome: Annotated[Outcome, typer.Argument(help="approve | approve-with-conditions | reject")],
    reason: Annotated[str | None, typer.Option("--reason", help="Required to reject.")] = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """The approver's decision on a request (or contract) that has every sign-off."""
    from ..services import decisions

    by = common.who(user)
    with common.services() as services:
        view = decisions.decide(
            services,
            by,
            common.pid(proposal_id),
            outcome.value.replace("-", "_"),
            reason=reason,
            expected_version=expect_version,
        )
    common.done(view, "decided", format)
