"""Early consultation meetings (GEN-6): a department asks Digital Service to meet about a
request before it chooses a vendor. The request is recorded with an audit event, listed for
the technology (Digital Service intake) reviewers, and comes with a calendar invitation.

Asking changes nothing in the proposal itself (its row version stays), so a meeting can be
requested from the first step of the form without disturbing the draft being edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from sqlalchemy import select

from ..errors import (
    ConfigurationError,
    FieldProblem,
    NotFound,
    PermissionDenied,
    RecordInvalid,
    Refused,
)
from ..store.models import Consultation, Proposal, RoleGrant, User
from . import access
from .access import ref
from .context import Actor, Services, Tx
from .lifecycle import State
from .roles import Role

INTAKE_DOMAIN = "technology"  # the Digital Service intake review (GEN-2, GEN-3)
MAX_NOTE = 2_000
# A meeting is about a request that is not yet decided.
OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED)


@dataclass(frozen=True)
class ConsultationView:
    id: int
    proposal_id: int
    ref: str
    title: str
    department: str
    requester: str
    requester_email: str
    starts_at: dt.datetime  # in the City's time zone
    minutes: int
    note: str | None
    status: str
    requested_at: dt.datetime


def _zone(services: Services) -> ZoneInfo:
    name = services.evaluator.standards.intake.consultation.time_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"standards intake.consultation.time_zone: {name!r} is not a time zone"
        ) from None


def _view(row: Consultation, proposal: Proposal, user: User, zone: ZoneInfo) -> ConsultationView:
    return ConsultationView(
        id=row.id,
        proposal_id=proposal.id,
        ref=ref(proposal),
        title=proposal.title,
        department=proposal.department,
        requester=user.display_name,
        requester_email=user.email,
        starts_at=row.starts_at.astimezone(zone),
        minutes=row.minutes,
        note=row.note,
        status=row.status,
        requested_at=row.requested_at,
    )


def request(
    services: Services,
    by: str,
    proposal_id: int,
    *,
    day: dt.date,
    start: dt.time,
    note: str | None = None,
) -> ConsultationView:
    """Ask for a meeting at ``day`` ``start`` (the City's time zone) about a request."""
    zone = _zone(services)
    starts = dt.datetime.combine(day, start.replace(tzinfo=None), tzinfo=zone)
    if starts <= services.now():
        raise RecordInvalid(
            [FieldProblem("meeting", f"{starts:%Y-%m-%d %H:%M} has passed; choose a later time")]
        )
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise RecordInvalid(
            [FieldProblem("note", f"{len(text):,} characters; at most {MAX_NOTE:,}")]
        )
    minutes = services.evaluator.standards.intake.consultation.meeting_minutes
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        access.require_requester(tx.who, proposal, "ask for a consultation about")
        if State(proposal.state) not in OPEN_STATES:
            raise Refused(
                f"{ref(proposal)} is {proposal.state.replace('_', ' ')}; a consultation is for "
                "requests not yet decided"
            )
        pending = tx.session.scalar(
            select(Consultation).where(
                Consultation.proposal_id == proposal.id, Consultation.status == "requested"
            )
        )
        if pending is not None:
            raise Refused(
                f"{ref(proposal)} already has a consultation requested for "
                f"{pending.starts_at.astimezone(zone):%Y-%m-%d %H:%M}"
            )
        row = Consultation(
            proposal_id=proposal.id,
            requested_by=tx.who.id,
            requested_at=services.now(),
            starts_at=starts.astimezone(dt.UTC),
            minutes=minutes,
            note=text or None,
            status="requested",
        )
        tx.session.add(row)
        tx.session.flush()
        tx.audit(
            "consultation.request",
            "proposal",
            proposal.id,
            consultation=row.id,
            starts_at=row.starts_at.isoformat(),
            minutes=minutes,
        )
        return _view(row, proposal, _user(tx, tx.who.id), zone)


def _user(tx: Tx, user_id: int) -> User:
    user = tx.session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id} (the consultation's requester)")
    return user


def _require_intake_reviewer(actor: Actor) -> None:
    if not (actor.has(Role.REVIEWER, INTAKE_DOMAIN) or actor.is_admin):
        raise PermissionDenied(
            f"{actor.username} cannot list consultation requests: only technology (Digital "
            "Service intake) reviewers can"
        )


def waiting(services: Services, by: str) -> list[ConsultationView]:
    """Requested meetings, soonest first, for the intake reviewers' queue."""
    zone = _zone(services)
    with services.transaction(by) as tx:
        _require_intake_reviewer(tx.who)
        rows = tx.session.execute(
            select(Consultation, Proposal, User)
            .join(Proposal, Proposal.id == Consultation.proposal_id)
            .join(User, User.id == Consultation.requested_by)
            .where(Consultation.status == "requested")
            .order_by(Consultation.starts_at, Consultation.id)
        ).all()
        return [_view(c, p, u, zone) for c, p, u in rows]


def for_proposal(services: Services, by: str, proposal_id: int) -> list[ConsultationView]:
    """The meetings asked for about one request (anyone who may see it)."""
    zone = _zone(services)
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        rows = tx.session.execute(
            select(Consultation, User)
            .join(User, User.id == Consultation.requested_by)
            .where(Consultation.proposal_id == proposal.id)
            .order_by(Consultation.id)
        ).all()
        return [_view(c, proposal, u, zone) for c, u in rows]


def invitation(services: Services, by: str, consultation_id: int) -> tuple[str, bytes]:
    """The meeting as an iCalendar invitation (file name, .ics bytes), for anyone who may see
    the request: the requester and the technology reviewers are its attendees."""
    zone = _zone(services)
    with services.transaction(by) as tx:
        row = tx.session.get(Consultation, consultation_id)
        if row is None:
            raise Refused(f"no consultation request {consultation_id}")
        proposal = access.load(tx, row.proposal_id)
        view = _view(row, proposal, _user(tx, row.requested_by), zone)
        return f"{view.ref}-consultation.ics", _ics(view, _intake_reviewers(tx), services.now())


def _intake_reviewers(tx: Tx) -> list[User]:
    return list(
        tx.session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(
                RoleGrant.role == Role.REVIEWER.value,
                RoleGrant.domain == INTAKE_DOMAIN,
                User.active.is_(True),
            )
            .order_by(User.username)
        )
    )


def _address(email: str, name: str, role: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = icalendar.vText(name)
    address.params["ROLE"] = icalendar.vText(role)
    return address


def _ics(view: ConsultationView, reviewers: list[User], now: dt.datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//City technology review//Early consultation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"consultation-{view.id}-{view.ref}@technology-review")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", view.starts_at.astimezone(dt.UTC))
    event.add("duration", dt.timedelta(minutes=view.minutes))
    event.add("summary", f"Early consultation: {view.ref} {view.title}")
    event.add(
        "description",
        f"{view.department} asks Digital Service for an early consultation (GEN-6) about "
        f"{view.ref}, {view.title}. Requested by {view.requester} <{view.requester_email}> for "
        f"{view.starts_at:%A %d %B %Y, %H:%M} ({view.starts_at.tzname()})."
        + (f"\n\nNote: {view.note}" if view.note else ""),
    )
    event.add("status", "TENTATIVE")
    event.add("organizer", _address(view.requester_email, view.requester, "CHAIR"))
    event.add("attendee", _address(view.requester_email, view.requester, "REQ-PARTICIPANT"))
    for reviewer in reviewers:
        event.add("attendee", _address(reviewer.email, reviewer.display_name, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
