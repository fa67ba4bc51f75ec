"""``review vendor``: invite a vendor contact to answer a request, check or revoke the link."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common
from .common import As, ProposalId

app = typer.Typer(
    help="Vendor links: invite a vendor to answer their part, check, revoke, list pending.",
    no_args_is_help=True,
)


@app.command("invite")
def vendor_invite(
    proposal_id: ProposalId,
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The vendor contact.")],
    user: As = None,
) -> None:
    """E-mail a vendor contact a link to answer this request (sent through the outbox)."""
    from ..services import vendor_links
    from ..settings import settings

    by = common.who(user)
    with common.services() as services:
        invitation = vendor_links.invite(
            services, by, common.pid(proposal_id), email, base_url=settings().public_url or ""
        )
    common.line(
        f"vendor link {invitation.link_id} for {invitation.email} on P-{invitation.proposal_id}, "
        f"until {invitation.expires_at:%Y-%m-%d}; the e-mail is queued in the outbox"
    )


@app.command("check")
def vendor_check(
    token: Annotated[str, typer.Argument(metavar="TOKEN", help="The token from the link.")],
) -> None:
    """Whether a link's token is valid, and for which request (counts as a use)."""
    from ..services import vendor_links

    with common.services() as services:
        access = vendor_links.open_link(services, token)
    common.line(f"valid: link {access.link_id} for {access.email} on P-{access.proposal_id}")


@app.command("revoke")
def vendor_revoke(
    link_id: Annotated[int, typer.Argument(metavar="LINK_ID")],
    user: As = None,
) -> None:
    """End a vendor link at once."""
    from ..services import vendor_links

    by = common.who(user)
    with common.services() as services:
        vendor_links.revoke(services, by, link_id)
    common.line(f"vendor link {link_id} revoked")


@app.command("pending")
def vendor_pending(proposal_id: ProposalId, user: As = None) -> None:
    """Vendor answers waiting for a decision: each changed field, yours beside the vendor's,
    and the documents the vendor sent with it."""
    from ..services import vendor_answers

    by = common.who(user)
    with common.services() as services:
        waiting = vendor_answers.pending(services, by, common.pid(proposal_id))
    if not waiting:
        common.line("no vendor answers are waiting")
    for proposed in waiting:
        common.table(
            f"vendor answer {proposed.answer_id} from {proposed.email}",
            ["field", "your answer", "vendor's answer"],
            [(c.field, common.opt(c.current), common.opt(c.proposed)) for c in proposed.changes],
        )
        for document in proposed.documents:  # sent with the answer; on the Vendor links page
            common.line(
                f"document {document.id}: {document.kind_label}, {document.filename} "
                f"({document.size:,} bytes)"
            )


@app.command("decide")
def vendor_decide(
    answer_id: Annotated[int, typer.Argument(metavar="ANSWER_ID")],
    accept: Annotated[
        list[str] | None,
        typer.Option("--accept", help="A field to accept (repeat); the others are rejected."),
    ] = None,
    user: As = None,
) -> None:
    """Accept some fields of a vendor answer (a new record version) and reject the rest."""
    from ..services import vendor_answers

    by = common.who(user)
    with common.services() as services:
        saved = vendor_answers.decide(services, by, answer_id, list(accept or []))
    if saved is None:
        common.line(f"vendor answer {answer_id}: every field rejected")
    else:
        common.line(
            f"vendor answer {answer_id}: accepted {', '.join(sorted(accept or []))}; "
            f"record version {saved.proposal.current_version}"
        )
