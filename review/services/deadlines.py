"""The deadlines read model: every deadline of the systems a person may see, as of a day.

The Deadlines page, the dashboard's counts, the calendar feed and ``review inventory show``
all read this; the computation itself is review.core.deadlines. Visibility follows GEN-4 as
everywhere: reviewers, waiver authorities, approvers and admins see every system; requesters
see their department's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..core.deadlines import (
    ConditionDue,
    Deadline,
    FindingDue,
    SystemFacts,
    WaiverDue,
    deadlines,
    finding_deadlines,
)
from ..core.records import Submission
from ..notify.recipients import Directory
from ..store.models import Condition, System, SystemFinding, Waiver
from .access import sees_all
from .context import Actor, Services, Tx
from .inventory import ref


@dataclass(frozen=True)
class DeadlineRow:
    system_id: int
    system: str  # S-N
    system_title: str
    department: str
    vendor: str | None
    domain: str
    kind: str
    title: str
    due_on: dt.date
    days_left: int
    status: str  # overdue | due | upcoming
    citations: tuple[str, ...]
    key: str


def visible_systems(tx: Tx, actor: Actor, *, active_only: bool = True) -> list[System]:
    query = select(System).order_by(System.id)
    if active_only:
        query = query.where(System.status == "active")
    if not sees_all(actor):
        query = query.where(System.department == (actor.department or ""))
    return list(tx.session.scalars(query))


def system_deadlines(tx: Tx, systems: list[System]) -> dict[int, list[Deadline]]:
    """Every deadline of ``systems``, loading waivers, conditions and findings in bulk."""
    standards = tx.services.evaluator.standards
    proposal_ids = [s.proposal_id for s in systems if s.proposal_id is not None]
    ids = [s.id for s in systems]
    waivers: dict[int, list[WaiverDue]] = {}
    for w in tx.session.scalars(
        select(Waiver).where(Waiver.proposal_id.in_(proposal_ids), Waiver.revoked_at.is_(None))
    ):
        waivers.setdefault(w.proposal_id, []).append(
            WaiverDue(w.id, w.finding_key, w.rule_id, w.domain, w.expires_on)
        )
    conditions: dict[int, list[ConditionDue]] = {}
    for c in tx.session.scalars(
        select(Condition).where(Condition.proposal_id.in_(proposal_ids), Condition.status == "open")
    ):
        conditions.setdefault(c.proposal_id, []).append(
            ConditionDue(c.id, c.finding_key, c.domain, c.text, c.owner, c.due_date)
        )
    findings: dict[int, list[FindingDue]] = {}
    for f in tx.session.scalars(
        select(SystemFinding).where(
            SystemFinding.system_id.in_(ids),
            SystemFinding.status == "open",
            SystemFinding.due_on.is_not(None),
        )
    ):
        if f.due_on is not None:  # the query keeps only these; the check narrows the type
            findings.setdefault(f.system_id, []).append(
                FindingDue(
                    f.finding_key, f.rule_id, f.domain, f.title, tuple(f.citations), f.due_on
                )
            )
    out: dict[int, list[Deadline]] = {}
    for system in systems:
        facts = SystemFacts(
            system.id,
            Submission.model_validate(system.record),
            tier=system.tier,
            rereview_due=None if system.reviewed else system.rereview_due,
            waivers=tuple(waivers.get(system.proposal_id or 0, ())),
            conditions=tuple(conditions.get(system.proposal_id or 0, ())),
        )
        found = deadlines(facts, standards)
        found += finding_deadlines(system.id, findings.get(system.id, []), standards)
        out[system.id] = sorted(found, key=lambda d: d.due_on)
    return out


def row(system: System, deadline: Deadline, as_of: dt.date) -> DeadlineRow:
    return DeadlineRow(
        system_id=system.id,
        system=ref(system),
        system_title=system.title,
        department=system.department,
        vendor=system.vendor,
        domain=deadline.domain,
        kind=deadline.kind,
        title=deadline.title,
        due_on=deadline.due_on,
        days_left=deadline.days_left(as_of),
        status=deadline.status(as_of),
        citations=deadline.citations,
        key=deadline.key,
    )


def listing(
    services: Services,
    by: str,
    as_of: dt.date | None = None,
    *,
    department: str | None = None,
    domain: str | None = None,
    status: str | None = None,
    mine: bool = False,
) -> list[DeadlineRow]:
    """Deadlines of the visible active systems, filtered; ``mine``: those GEN-9 tells me of."""
    day = as_of or services.today()
    with services.transaction(by) as tx:
        actor = tx.who
        systems = [
            s
            for s in visible_systems(tx, actor)
            if department is None or s.department == department
        ]
        directory = Directory.load(tx.session) if mine else None
        email = _email(tx, actor) if mine else ""
        rows: list[DeadlineRow] = []
        every = system_deadlines(tx, systems)
        for system in systems:
            for deadline in every[system.id]:
                if domain is not None and deadline.domain != domain:
                    continue
                found = row(system, deadline, day)
                if status is not None and found.status != status:
                    continue
                if directory is not None and email not in {
                    p.email for p in directory.for_system(system, deadline.domain)
                }:
                    continue
                rows.append(found)
        return sorted(rows, key=lambda r: (r.due_on, r.system_id, r.kind))


KIND_TEXT = {
    "contract_end": "a contract ends",
    "cancellation_deadline": "an auto-renewal's cancellation deadline",
    "waiver_expiry": "a waiver expires",
    "condition_due": "a condition is due",
    "evidence_expiry": "evidence ages out",
    "finding_due": "a finding is due",
    "end_of_support": "a platform's end of support",
    "vendor_support_end": "the vendor's support ends",
    "rereview_due": "an imported system's re-review",
}


def notice_summary(services: Services) -> str:
    """When notices go out, in words, from the standards (GEN-9): never numbers in code."""
    notices = services.evaluator.standards.after_approval.notices
    parts = []
    for kind, text in KIND_TEXT.items():
        notice = notices[kind]  # type: ignore[index]
        days = ", ".join(str(d) for d in sorted(notice.days_before, reverse=True))
        if days:
            overdue = " and when overdue" if notice.overdue else ""
            parts.append(f"{days} days before {text}{overdue}")
    return "Notices go out " + "; ".join(parts) + " (GEN-9)."


def _email(tx: Tx, actor: Actor) -> str:
    from ..store.models import User

    user = tx.session.get(User, actor.id)
    return (user.email if user else "").lower()
