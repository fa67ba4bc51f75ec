"""``review vendor``: invite a vendor contact to answer a request, check or revoke the link."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common
from .common import As, ProposalId

app = typer.Typer(help="Vendor links (issue 14).", no_args_is_help=True)


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
