"""Reading the audit log: a proposal's history for anyone who may see it; the whole log and
its verification for admins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..errors import PermissionDenied
from ..store.models import AuditEvent
from . import access, audit
from .context import Services


@dataclass(frozen=True)
class EventView:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any]
    hash: str


def events(
    services: Services, by: str, *, proposal_id: int | None = None, limit: int = 50
) -> list[EventView]:
    """The latest ``limit`` events, oldest first (of one proposal, or all for admins)."""
    with services.transaction(by) as tx:
        query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
        if proposal_id is None:
            if not tx.who.is_admin:
                raise PermissionDenied(
                    f"{by} is not an admin; only admins read the whole audit log"
                )
        else:
            proposal = access.load(tx, proposal_id)
            query = query.where(
                AuditEvent.entity == "proposal", AuditEvent.entity_id == str(proposal.id)
            )
        rows = list(tx.session.scalars(query))
        return [
            EventView(e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, e.details, e.hash)
            for e in reversed(rows)
        ]


def verify_chain(services: Services, by: str | None) -> audit.ChainReport:
    """Recompute the hash chain (admins, or the system for scheduled checks)."""
    with services.transaction(by) as tx:
        if tx.actor is not None and not tx.actor.is_admin:
            raise PermissionDenied(f"{by} is not an admin; only admins verify the audit log")
        return audit.verify(tx.session)
