"""Vendor links (issue 14): a vendor contact answers one request without a City account.

``invite`` creates a random token (``secrets.token_urlsafe``), stores only its SHA-256, binds
it to one request and to the contact's e-mail, and queues the invitation e-mail in the
outbox. ``open`` is the only way in: an unknown, tampered, expired, revoked or over-used
token, or one used for another request, gets the same ``LinkRefused`` with one plain message
that reveals nothing. ``revoke`` ends a link at once. Expiry and the hourly use limit are data
in ``standards/vendor_links.yaml``. Every vendor action is audited under the vendor's e-mail
and the link's id (``actor = "vendor:<email>"``, ``details.link``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, TypeAdapter, ValidationError
from sqlalchemy import select

from ..core.safeyaml import load_file
from ..core.standards import DEFAULT_DIR
from ..errors import FieldProblem, NotFound, PermissionDenied, RecordInvalid
from ..store.models import Proposal, VendorLink
from . import access, audit, outbox
from .access import ref
from .context import Services, Tx
from .evaluations import latest_evaluation
from .permissions import vendor_invite

REFUSED = "This link is not valid. It may have expired or been withdrawn; ask the person who sent it for a new one."  # noqa: E501


class LinkRefused(NotFound):
    """Every refusal of a link: one message, whatever the reason."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    expiry_days: int
    max_uses_per_hour: int
    sections: list[str]


@lru_cache(maxsize=1)
def rules() -> _Rules:
    return _Rules.model_validate(
        load_file(DEFAULT_DIR / "vendor_links.yaml", what="standards file")
    )


@dataclass(frozen=True)
class Invitation:
    link_id: int
    proposal_id: int
    email: str
    expires_at: dt.datetime
    token: str  # shown once, to be sent; never stored


@dataclass(frozen=True)
class VendorAccess:
    link_id: int
    proposal_id: int
    email: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _email(value: str) -> str:
    try:
        return str(TypeAdapter(EmailStr).validate_python(value.strip())).lower()
    except ValidationError:
        raise RecordInvalid(
            [FieldProblem("email", f"{value!r} is not an e-mail address")]
        ) from None


def invite(
    services: Services, by: str, proposal_id: int, email: str, *, base_url: str = ""
) -> Invitation:
    """Invite a vendor contact to answer ``proposal_id`` (who may: permissions.vendor_invite)."""
    address = _email(email)
    token = secrets.token_urlsafe(32)
    with services.transaction(by) as tx:
        proposal = tx.session.get(Proposal, proposal_id)
        who = tx.who
        if proposal is None or not access.can_view(who, proposal):
            raise NotFound(f"no proposal {ref(proposal_id)} that you can see")
        evaluation = latest_evaluation(tx, proposal)
        required = list(evaluation.required_signoffs) if evaluation is not None else []
        allowed = vendor_invite(who, proposal.department, proposal.state, required, ref(proposal))
        if not allowed.ok:
            raise PermissionDenied(allowed.reason)
        now = services.now()
        link = VendorLink(
            proposal_id=proposal.id,
            email=address,
            token_hash=token_hash(token),
            created_by=who.username,
            created_at=now,
            expires_at=now + dt.timedelta(days=rules().expiry_days),
            window_uses=0,
        )
        tx.session.add(link)
        tx.session.flush()
        tx.audit("vendor.invite", "proposal", proposal.id, link=link.id, email=address)
        _queue_email(tx, link, proposal, token, base_url)
        return Invitation(link.id, proposal.id, address, link.expires_at, token)


def _queue_email(tx: Tx, link: VendorLink, proposal: Proposal, token: str, base_url: str) -> None:
    url = f"{base_url.rstrip('/')}/vendor?token={token}"
    text = (
        f"The City asks you to answer the vendor questions for {proposal.title!r} "
        f"({ref(proposal)}). Open this link (it works until "
        f"{link.expires_at:%Y-%m-%d}; no account is needed):\n{url}\n"
    )
    now = tx.services.now()
    row: dict[str, Any] = {
        "message_id": f"vendor-invite-{link.id}",
        "channel": "email",
        "recipient": link.email,
        "subject": f"Vendor questions for {proposal.title}",
        "body_text": text,
        "body_html": None,
        "payload": None,
        "kind": "vendor_invite",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    outbox.insert_new(tx.session, [row])


def open_link(services: Services, token: str, proposal_id: int | None = None) -> VendorAccess:
    """The access a token grants, counted against the hourly limit; ``LinkRefused`` else."""
    if not token or len(token) > 200:
        raise LinkRefused()
    with services.transaction() as tx:
        link = tx.session.scalar(
            select(VendorLink).where(VendorLink.token_hash == token_hash(token))
        )
        now = services.now()
        if (
            link is None
            or link.revoked_at is not None
            or _utc(link.expires_at) <= now
            or (proposal_id is not None and proposal_id != link.proposal_id)
        ):
            raise LinkRefused()
        start = link.window_start
        if start is None or now - _utc(start) >= dt.timedelta(hours=1):
            link.window_start, link.window_uses = now, 0
        if link.window_uses >= rules().max_uses_per_hour:
            raise LinkRefused()
        link.window_uses += 1
        vendor_audit(tx, link, "vendor.open")
        return VendorAccess(link.id, link.proposal_id, link.email)


def still_open(services: Services, access: VendorAccess) -> None:
    """``LinkRefused`` once a link opened earlier is revoked or expired. Not counted as a use:
    the vendor page asks it on each rerun of a page load already counted."""
    with services.transaction() as tx:
        link = tx.session.get(VendorLink, access.link_id)
        if link is None or link.revoked_at is not None or _utc(link.expires_at) <= services.now():
            raise LinkRefused()


def vendor_audit(tx: Tx, link: VendorLink, action: str, **details: Any) -> None:
    """An event under the vendor's e-mail and the link's id."""
    audit.append(
        tx.session,
        tx.chain(),
        actor=f"vendor:{link.email}",
        action=action,
        entity="proposal",
        entity_id=link.proposal_id,
        details={"link": link.id, **details},
        at=tx.services.now(),
    )


def revoke(services: Services, by: str, link_id: int) -> None:
    with services.transaction(by) as tx:
        link = tx.session.get(VendorLink, link_id)
        proposal = tx.session.get(Proposal, link.proposal_id) if link else None
        who = tx.who
        if (
            link is None
            or proposal is None
            or not (
                (who.is_requester and who.department == proposal.department)
                or who.username == link.created_by  # a reviewer ends the links they sent
            )
        ):
            raise NotFound(f"no vendor link {link_id} that you can see")
        if link.revoked_at is None:
            link.revoked_at = services.now()
            tx.audit("vendor.revoke", "proposal", proposal.id, link=link.id, email=link.email)
