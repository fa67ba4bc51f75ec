"""The reviewer queue: open items for my domains, oldest (or most severe) first."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, literal, select, tuple_
from sqlalchemy.orm import Session, lazyload

from ..core import policy as review_policy
from ..core.policy import key_of
from ..errors import PermissionDenied
from ..store.models import Proposal, ReviewTask, StoredEvaluation, Waiver
from .access import ref
from .context import Services
from .lifecycle import QUEUE_STATES
from .roles import Role, review_domain

SEVERITY = review_policy.current().severity_order  # most severe first (review.yaml)


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


@dataclass(frozen=True)
class WaivableItem:
    id: int
    ref: str
    title: str
    department: str
    domain: str  # the finding domain the actor may waive
    state: str
    tier: int | None
    worst_severity: str
    count: int
    waiting_since: dt.datetime


def waiver_queue(
    services: Services, by: str, *, limit: int = 25, offset: int = 0
) -> list[WaivableItem]:
    """Requests under review with open, waivable findings in the actor's waiver domains.

    Candidates come from the review tasks index (oldest first, see ``_candidates``); their
    latest findings and active waivers are read a chunk at a time, so the cost follows the
    page, not the queue.
    """
    with services.transaction(by) as tx:
        authority = set(tx.who.domains(Role.WAIVER_AUTHORITY))
        if not authority:
            raise PermissionDenied(f"{tx.who.username} holds no waiver authority")
        review_domains = sorted({review_domain(d) for d in authority})
        policy = services.evaluator.standards.review
        waivable_rank = max(policy.rank(s) for s in SEVERITY if policy.severity(s).waivable)
        candidates = _candidates(tx.session, review_domains, tx.who.id, waivable_rank)
        today = services.today()
        found: list[WaivableItem] = []
        while len(found) < offset + limit:
            rows = list(itertools.islice(candidates, _CHUNK))
            if not rows:
                break
            ids = [r[0] for r in rows]
            since = dict(rows)
            latest = select(func.max(StoredEvaluation.id)).where(
                StoredEvaluation.proposal_id.in_(ids)
            )
            latest = latest.group_by(StoredEvaluation.proposal_id)
            evaluations = {
                e.proposal_id: e
                for e in tx.session.scalars(
                    select(StoredEvaluation).where(StoredEvaluation.id.in_(latest))
                )
            }
            waived = {
                (w.proposal_id, w.finding_key)
                for w in tx.session.scalars(
                    select(Waiver).where(
                        Waiver.proposal_id.in_(ids),
                        Waiver.revoked_at.is_(None),
                        Waiver.expires_on >= today,
                    )
                )
            }
            proposals = {
                p.id: p
                for p in tx.session.scalars(
                    select(Proposal)
                    .where(Proposal.id.in_(ids))
                    .options(lazyload(Proposal.requester))
                )
            }
            for pid in ids:
                evaluation = evaluations.get(pid)
                if evaluation is None:
                    continue
                per_domain: dict[str, list[str]] = {}
                for f in evaluation.findings:
                    live = policy.waivable(f) and (pid, key_of(f)) not in waived
                    if live and f["domain"] in authority:
                        per_domain.setdefault(f["domain"], []).append(f["severity"])
                proposal = proposals[pid]
                for domain, severities in sorted(per_domain.items()):
                    found.append(
                        WaivableItem(
                            id=pid,
                            ref=ref(proposal),
                            title=proposal.title,
                            department=proposal.department,
                            domain=domain,
                            state=proposal.state,
                            tier=proposal.tier,
                            worst_severity=min(severities, key=policy.rank),
                            count=len(severities),
                            waiting_since=since[pid],
                        )
                    )
        return found[offset : offset + limit]


_CHUNK = 200
_WAIVABLE_TASK_STATUSES = ("open", "signed")


def _candidates(
    session: Session, domains: list[str], me: int, waivable_rank: int
) -> Iterator[tuple[int, dt.datetime]]:
    """Requests with a waivable-severity review task in ``domains``, each once, ordered by
    their oldest such task (then id): ``(proposal id, waiting since)``.

    One keyset-paged stream per (domain, status) walks ix_review_tasks_queue in order and
    the streams are merged here, so reading a page costs about the page whatever the number
    of stored requests; grouping every matching task first (as this did) grew with the
    whole table (issue 16: 80 ms at 10k, 208 ms at 100k on PostgreSQL).
    """
    streams = [
        _task_stream(session, domain, status, me, waivable_rank)
        for domain in domains
        for status in _WAIVABLE_TASK_STATUSES
    ]
    seen: set[int] = set()
    for opened_at, proposal_id, _ in heapq.merge(*streams):
        if proposal_id not in seen:
            seen.add(proposal_id)
            yield proposal_id, opened_at


def _task_stream(
    session: Session, domain: str, status: str, me: int, waivable_rank: int
) -> Iterator[tuple[dt.datetime, int, int]]:
    query = (
        select(ReviewTask.opened_at, ReviewTask.proposal_id, ReviewTask.id)
        .join(Proposal, Proposal.id == ReviewTask.proposal_id)
        .where(
            ReviewTask.domain == domain,
            ReviewTask.status == status,
            # "+ 0": not an index term, so SQLite walks ix_review_tasks_queue in the page's
            # order instead of ranging over the severity index and sorting every match
            (ReviewTask.severity_rank + 0) <= waivable_rank,
            Proposal.state.in_([s.value for s in QUEUE_STATES]),
            Proposal.requester_id != me,
        )
        .order_by(ReviewTask.opened_at, ReviewTask.proposal_id, ReviewTask.id)
        .limit(_CHUNK)
    )
    after: tuple[dt.datetime, int, int] | None = None
    while True:
        page = query
        if after is not None:
            columns = (ReviewTask.opened_at, ReviewTask.proposal_id, ReviewTask.id)
            bound = (literal(v, type_=c.type) for v, c in zip(after, columns, strict=True))
            page = query.where(tuple_(*columns) > tuple_(*bound))
        rows = [(r[0], r[1], r[2]) for r in session.execute(page)]
        yield from rows
        if len(rows) < _CHUNK:
            return
        after = rows[-1]
