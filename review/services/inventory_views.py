"""Read models of the inventory: the list with its filters, and one system with its history.

A system's timeline puts in date order its reviews (each linked to the one before), the
versions of its record, its findings (opened, escalated, cleared), the waivers and
conditions of its reviews, its deadlines, and its retirement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..store.models import (
    Condition,
    Packet,
    Proposal,
    RecordVersion,
    System,
    SystemFinding,
    SystemRecord,
    SystemReview,
    Waiver,
)
from .access import ref as proposal_ref
from .context import Services
from .deadlines import DeadlineRow, row, system_deadlines, visible_systems
from .inventory import load, may_manage, ref
from .record_versions import changed_fields

STATUSES = ("active", "retired")


@dataclass(frozen=True)
class SystemRow:
    id: int
    ref: str
    title: str
    product: str | None
    vendor: str | None
    department: str
    owner: str
    owner_email: str
    status: str
    reviewed: bool
    data_classes: list[str]
    hosting: str | None
    tier: int | None
    contract_value: float | None
    contract_end: dt.date | None
    open_findings: int
    overdue_findings: int
    rereview_due: dt.date | None
    row_version: int


@dataclass(frozen=True)
class ReviewLink:
    proposal: str
    proposal_id: int
    kind: str
    state: str
    title: str
    previous: str | None
    opened_on: dt.date


@dataclass(frozen=True)
class FindingRow:
    key: str
    rule_id: str
    domain: str
    severity: str
    title: str
    message: str
    citations: list[str]
    status: str
    opened_on: dt.date
    due_on: dt.date | None
    cleared_on: dt.date | None
    escalated_on: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class Event:
    on: dt.date
    kind: str  # review | record | finding | waiver | condition | deadline | retired
    text: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class SystemDetail:
    system: SystemRow
    record: dict[str, Any]
    entered_on: dt.date
    origin: str
    retired_reason: str | None
    reviews: list[ReviewLink]
    findings: list[FindingRow]
    deadlines: list[DeadlineRow]
    timeline: list[Event]
    packet: tuple[str, str] | None  # (packet id, digest) of the latest approval packet
    renewal: str | None  # the open renewal review, P-N
    renewal_changes: list[str]  # fields the renewal changed from the approved record
    may_manage: bool


def _counts(session: Any, ids: list[int], today: dt.date) -> dict[int, tuple[int, int]]:
    found: dict[int, tuple[int, int]] = {}
    rows = session.execute(
        select(
            SystemFinding.system_id,
            func.count(),
            func.count(SystemFinding.due_on).filter(SystemFinding.due_on < today),
        )
        .where(SystemFinding.system_id.in_(ids), SystemFinding.status == "open")
        .group_by(SystemFinding.system_id)
    )
    for system_id, total, overdue in rows:
        found[int(system_id)] = (int(total), int(overdue))
    return found


def _row(system: System, counts: tuple[int, int]) -> SystemRow:
    return SystemRow(
        id=system.id,
        ref=ref(system),
        title=system.title,
        product=system.product,
        vendor=system.vendor,
        department=system.department,
        owner=system.owner_name,
        owner_email=system.owner_email,
        status=system.status,
        reviewed=system.reviewed,
        data_classes=list(system.data_classes),
        hosting=system.hosting,
        tier=system.tier,
        contract_value=system.contract_value,
        contract_end=system.contract_end,
        open_findings=counts[0],
        overdue_findings=counts[1],
        rereview_due=system.rereview_due,
        row_version=system.row_version,
    )


def list_systems(
    services: Services,
    by: str,
    *,
    department: str | None = None,
    vendor: str | None = None,
    status: str | None = "active",
    data_class: str | None = None,
) -> list[SystemRow]:
    """The systems the actor may see, filtered (status None: active and retired)."""
    with services.transaction(by) as tx:
        systems = [
            s
            for s in visible_systems(tx, tx.who, active_only=False)
            if (status is None or s.status == status)
            and (department is None or s.department == department)
            and (vendor is None or (s.vendor or "").casefold() == vendor.casefold())
            and (data_class is None or data_class in s.data_classes)
        ]
        counts = _counts(tx.session, [s.id for s in systems], services.today())
        return [_row(s, counts.get(s.id, (0, 0))) for s in systems]


def show(services: Services, by: str, system_id: int, as_of: dt.date | None = None) -> SystemDetail:
    day = as_of or services.today()
    with services.transaction(by) as tx:
        system = load(tx, system_id)
        session = tx.session
        counts = _counts(session, [system.id], day).get(system.id, (0, 0))
        reviews = _reviews(session, system)
        proposal_ids = [r.proposal_id for r in reviews]
        findings = [
            FindingRow(
                f.finding_key,
                f.rule_id,
                f.domain,
                f.severity,
                f.title,
                f.message,
                list(f.citations),
                f.status,
                f.opened_on,
                f.due_on,
                f.cleared_on,
                f.escalated_on,
                f.status == "open" and f.due_on is not None and f.due_on < day,
            )
            for f in session.scalars(
                select(SystemFinding)
                .where(SystemFinding.system_id == system.id)
                .order_by(SystemFinding.opened_on, SystemFinding.id)
            )
        ]
        deadline_rows = []
        if system.status == "active":
            deadline_rows = [row(system, d, day) for d in system_deadlines(tx, [system])[system.id]]
        packet = session.execute(
            select(Packet.packet_id, Packet.digest)
            .where(Packet.proposal_id.in_(proposal_ids))
            .order_by(Packet.id.desc())
            .limit(1)
        ).first()
        renewal_changes: list[str] = []
        if system.renewal_proposal_id is not None:
            renewal_changes = _renewal_changes(session, system)
        return SystemDetail(
            system=_row(system, counts),
            record=system.record,
            entered_on=system.entered_on,
            origin=system.origin,
            retired_reason=system.retired_reason,
            reviews=reviews,
            findings=findings,
            deadlines=deadline_rows,
            timeline=_timeline(session, system, reviews, findings, deadline_rows),
            packet=(str(packet[0]), str(packet[1])) if packet else None,
            renewal=proposal_ref(system.renewal_proposal_id)
            if system.renewal_proposal_id
            else None,
            renewal_changes=renewal_changes,
            may_manage=may_manage(tx.who, system) and system.status == "active",
        )


def _reviews(session: Any, system: System) -> list[ReviewLink]:
    rows = session.execute(
        select(SystemReview, Proposal.state, Proposal.title)
        .join(Proposal, Proposal.id == SystemReview.proposal_id)
        .where(SystemReview.system_id == system.id)
        .order_by(SystemReview.id)
    )
    return [
        ReviewLink(
            proposal=proposal_ref(link.proposal_id),
            proposal_id=link.proposal_id,
            kind=link.kind,
            state=state,
            title=title,
            previous=proposal_ref(link.previous_proposal_id) if link.previous_proposal_id else None,
            opened_on=link.opened_on,
        )
        for link, state, title in rows
    ]


def _renewal_changes(session: Any, system: System) -> list[str]:
    """What the department changed in the open renewal, against the approved record."""
    current = session.scalar(
        select(RecordVersion)
        .where(RecordVersion.proposal_id == system.renewal_proposal_id)
        .order_by(RecordVersion.number.desc())
        .limit(1)
    )
    if current is None:
        return []
    approved = {"proposal": system.record.get("proposal", {})}
    renewal = {"proposal": current.record.get("proposal", {})}
    ignored = {"proposal.acquisition_type", "proposal.renewal_of"}  # set by the sweep
    return [f for f in changed_fields(approved, renewal) if f not in ignored]


def _timeline(
    session: Any,
    system: System,
    reviews: list[ReviewLink],
    findings: list[FindingRow],
    deadlines: list[DeadlineRow],
) -> list[Event]:
    events = [Event(system.entered_on, "review", f"Entered the inventory ({system.origin})")]
    for link in reviews:
        after = f", after {link.previous}" if link.previous else ""
        events.append(
            Event(
                link.opened_on,
                "review",
                f"{link.kind.capitalize()} review {link.proposal}: {link.title} "
                f"({link.state.replace('_', ' ')}{after})",
            )
        )
    for version in session.scalars(
        select(SystemRecord).where(SystemRecord.system_id == system.id).order_by(SystemRecord.id)
    ):
        events.append(
            Event(
                version.created_at.date(),
                "record",
                f"Record version {version.number} ({version.source.replace('_', ' ')})"
                + (f": {version.note}" if version.note else ""),
            )
        )
    for f in findings:
        cites = tuple(f.citations)
        events.append(
            Event(f.opened_on, "finding", f"{f.severity.upper()} finding: {f.title}", cites)
        )
        if f.escalated_on:
            events.append(Event(f.escalated_on, "finding", f"Escalated: {f.title}", cites))
        if f.cleared_on:
            events.append(Event(f.cleared_on, "finding", f"Cleared: {f.title}", cites))
    proposal_ids = [r.proposal_id for r in reviews]
    for w in session.scalars(select(Waiver).where(Waiver.proposal_id.in_(proposal_ids))):
        events.append(
            Event(w.granted_at.date(), "waiver", f"Waiver of {w.rule_id} granted", ("GEN-5",))
        )
        if w.revoked_at:
            events.append(
                Event(w.revoked_at.date(), "waiver", f"Waiver of {w.rule_id} revoked", ("GEN-5",))
            )
    for c in session.scalars(select(Condition).where(Condition.proposal_id.in_(proposal_ids))):
        events.append(
            Event(c.created_at.date(), "condition", f"Condition ({c.status}): {c.text}", ("GEN-8",))
        )
    for d in deadlines:
        events.append(Event(d.due_on, "deadline", f"{d.title} ({d.status})", d.citations))
    if system.retired_at:
        events.append(
            Event(system.retired_at.date(), "retired", f"Retired: {system.retired_reason}")
        )
    return sorted(events, key=lambda e: e.on)
