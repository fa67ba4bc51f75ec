"""The reviewer queue: open items for my domains, oldest (or most severe) first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ..errors import PermissionDenied
from ..store.models import Proposal, ReviewTask
from .access import ref
from .context import Services
from .lifecycle import QUEUE_STATES
from .roles import Role

SEVERITY = ("blocker", "major", "minor", "info")


@dataclass(frozen=True)
class QueueItem:
    id: int
    ref: str
    title: str
    department: str
    domain: str
    state: str
    tier: int | None
    worst_severity: str
    waiting_since: dt.datetime
    row_version: int


def reviewer_queue(
    services: Services,
    by: str,
    *,
    domains: list[str] | None = None,
    sort: Literal["age", "severity"] = "age",
    state: str | None = None,
    limit: int = 25,
    offset: int = 0,
) -> list[QueueItem]:
    """Items waiting for a sign-off in the given domains (default: all of mine)."""
    with services.transaction(by) as tx:
        mine = tx.who.domains(Role.REVIEWER)
        wanted = domains or mine
        outside = [d for d in wanted if d not in mine]
        if outside:
            raise PermissionDenied(
                f"{tx.who.username} does not review {', '.join(outside)} (reviews: "
                f"{', '.join(mine) or 'nothing'})"
            )
        if not wanted:
            return []
        states = [state] if state else [s.value for s in QUEUE_STATES]
        order = (
            (ReviewTask.opened_at, ReviewTask.id)
            if sort == "age"
            else (ReviewTask.severity_rank, ReviewTask.opened_at, ReviewTask.id)
        )
        query = (
            select(ReviewTask, Proposal)
            .join(Proposal, Proposal.id == ReviewTask.proposal_id)
            .where(
                ReviewTask.domain.in_(wanted),
                ReviewTask.status == "open",
                Proposal.state.in_(states),
                Proposal.requester_id != tx.who.id,
            )
            .order_by(*order)
            .limit(limit)
            .offset(offset)
            .options(lazyload(Proposal.requester))  # the queue never shows the requester
        )
        return [
            QueueItem(
                id=proposal.id,
                ref=ref(proposal),
                title=proposal.title,
                department=proposal.department,
                domain=task.domain,
                state=proposal.state,
                tier=proposal.tier,
                worst_severity=SEVERITY[task.severity_rank],
                waiting_since=task.opened_at,
                row_version=proposal.row_version,
            )
            for task, proposal in tx.session.execute(query)
        ]
