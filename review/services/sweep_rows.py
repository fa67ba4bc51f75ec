"""What one batch of the daily sweep reads, as plain rows: its systems, their requests'
waivers and conditions, their open findings, the notice marks already reached and the renewals
opened. ORM objects cost about twice as much to read, and the sweep changes few of them
(review.services.sweep_judge writes those changes at the batch's end).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.deadlines import ConditionDue, WaiverDue
from ..store.models import (
    Condition,
    NoticeMark,
    RoleGrant,
    System,
    SystemFinding,
    SystemReview,
    User,
    Waiver,
)


def columns(model: type[Any]) -> Any:
    """A mapped class's table columns, for reading plain rows."""
    return model.__table__.c


class Span:
    """A batch's systems as an id range (active systems only) and the set of its ids."""

    def __init__(self, ids: list[int]) -> None:
        self.wanted = set(ids)
        self.lo, self.hi = min(ids), max(ids)
        self.active = (System.id.between(self.lo, self.hi), System.status == "active")

    def proposals(self) -> Any:
        """The batch's requests, as a sub-select (not a join: two systems may share one)."""
        return select(System.proposal_id).where(*self.active).scalar_subquery()


class Review(NamedTuple):
    """A request's active waivers and its open conditions as deadlines, and the findings its
    open or met conditions answer: read as plain rows (the sweep only reads them)."""

    waivers: tuple[WaiverDue, ...]
    conditions: tuple[ConditionDue, ...]
    conditioned: frozenset[str]


NO_REVIEW = Review((), (), frozenset())


def review_rows(session: Session, span: Span, proposal_ids: set[int]) -> dict[int, Review]:
    """The batch's active waivers and open or met conditions, by request."""
    w = columns(Waiver)
    waivers: dict[int, list[WaiverDue]] = {}
    for pid, *row in session.execute(
        select(w.proposal_id, w.id, w.finding_key, w.rule_id, w.domain, w.expires_on)
        .where(w.proposal_id.in_(span.proposals()), w.revoked_at.is_(None))
        .order_by(w.id)
    ):
        if pid in proposal_ids:
            waivers.setdefault(pid, []).append(WaiverDue(*row))
    c = columns(Condition)
    conditions: dict[int, list[ConditionDue]] = {}
    conditioned: dict[int, set[str]] = {}
    for pid, status, *row in session.execute(
        select(c.proposal_id, c.status, c.id, c.finding_key, c.domain, c.text, c.owner, c.due_date)
        .where(c.proposal_id.in_(span.proposals()), c.status.in_(("open", "met")))
        .order_by(c.id)
    ):
        if pid in proposal_ids:
            conditioned.setdefault(pid, set()).add(row[1])
            if status == "open":
                conditions.setdefault(pid, []).append(ConditionDue(*row))
    return {
        pid: Review(
            tuple(waivers.get(pid, ())),
            tuple(conditions.get(pid, ())),
            frozenset(conditioned.get(pid, ())),
        )
        for pid in waivers.keys() | conditioned.keys()
    }


@dataclass(slots=True)
class Open:
    """An open system finding as the sweep needs it. Read as a plain row; a change to one
    already stored is written with the batch's others by one statement (the ORM's objects
    cost about twice as much to load); one opened by this batch is its new row."""

    id: int | None
    finding_key: str
    rule_id: str
    domain: str
    title: str
    citations: list[str]
    due_on: dt.date | None
    new: SystemFinding | None = None


@dataclass(slots=True)
class Swept:
    """A system as the sweep reads it: the columns judging needs, as a plain row (an ORM
    object with all its columns cost twice as much to read). The two it may change, the
    judged hash and the open renewal, are written by ``Batch.write``."""

    id: int
    proposal_id: int | None
    title: str
    department: str
    tier: int | None
    reviewed: bool
    rereview_due: dt.date | None
    judged_hash: str | None
    record_number: int
    owner_email: str
    owner_name: str
    renewal_proposal_id: int | None


SWEPT = tuple(f.name for f in dataclass_fields(Swept))


def system_rows(
    session: Session, span: Span
) -> tuple[dict[int, dict[str, Open]], set[tuple[int, str, str]], dict[int, dt.date]]:
    """The batch's open system findings, notice marks reached, and latest renewal openings."""
    f = columns(SystemFinding)
    open_findings: dict[int, dict[str, Open]] = {}
    for system_id, *row in session.execute(
        select(
            f.system_id, f.id, f.finding_key, f.rule_id, f.domain, f.title, f.citations, f.due_on
        )
        .where(f.system_id.between(span.lo, span.hi), f.status == "open")
        .order_by(f.id)
    ):
        if system_id in span.wanted:
            open_findings.setdefault(system_id, {})[row[1]] = Open(*row)
    marks = {
        (int(s), str(k), str(m))
        for s, k, m in session.execute(
            select(NoticeMark.system_id, NoticeMark.deadline_key, NoticeMark.mark).where(
                NoticeMark.system_id.between(span.lo, span.hi)
            )
        )
        if s in span.wanted
    }
    renewals: dict[int, dt.date] = {}
    for system_id, opened in session.execute(
        select(SystemReview.system_id, SystemReview.opened_on).where(
            SystemReview.system_id.between(span.lo, span.hi), SystemReview.kind == "renewal"
        )
    ):
        if system_id in span.wanted:
            renewals[system_id] = max(opened, renewals.get(system_id, opened))
    return open_findings, marks, renewals


def requesters_by_department(session: Session) -> dict[str, list[int]]:
    """Active requesters by department, for a renewal review's requester."""
    requesters: dict[str, list[int]] = {}
    for user_id, department in session.execute(
        select(User.id, User.department)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.active.is_(True), RoleGrant.role == "requester")
        .order_by(User.username)
    ):
        requesters.setdefault(department or "", []).append(user_id)
    return requesters
