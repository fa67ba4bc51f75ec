"""Early consultation meetings (GEN-6): asked for by the department, recorded and audited,
listed for the technology reviewers, with an invitation a calendar can read."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from review.errors import NotFound, PermissionDenied, RecordInvalid, Refused
from review.services import consultations, proposals
from review.services.context import Services
from review.store.models import AuditEvent

from .conftest import Clock
from .support import saas


def zone(services: Services) -> ZoneInfo:
    return ZoneInfo(services.evaluator.standards.intake.consultation.time_zone)


def draft_of(services: Services, by: str = "dana") -> Any:
    return proposals.create_draft(services, by, saas()).proposal


def test_a_meeting_is_recorded_audited_and_queued_for_intake_reviewers(
    services: Services, people: Any, clock: Clock
) -> None:
    draft = draft_of(services)
    day = (clock.now + dt.timedelta(days=3)).date()
    meeting = consultations.request(
        services, "dana", draft.id, day=day, start=dt.time(10, 30), note="Which quotes?"
    )
    assert meeting.starts_at == dt.datetime.combine(day, dt.time(10, 30), tzinfo=zone(services))
    assert meeting.minutes == services.evaluator.standards.intake.consultation.meeting_minutes
    # asking does not move the request's version: the draft being edited stays savable
    assert proposals.get(services, "dana", draft.id).row_version == draft.row_version
    with services.transaction() as tx:
        event = tx.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "consultation.request")
        ).one()
    assert event.actor == "dana" and event.details["consultation"] == meeting.id

    waiting = consultations.waiting(services, "tess")  # the technology (intake) reviewer
    assert [(m.ref, m.note) for m in waiting] == [(f"P-{draft.id}", "Which quotes?")]
    with pytest.raises(PermissionDenied, match="technology"):
        consultations.waiting(services, "sam")  # a security reviewer
    with pytest.raises(PermissionDenied):
        consultations.waiting(services, "dana")


def test_the_invitation_is_a_calendar_event_for_requester_and_reviewers(
    services: Services, people: Any, clock: Clock
) -> None:
    draft = draft_of(services)
    day = (clock.now + dt.timedelta(days=2)).date()
    meeting = consultations.request(services, "dana", draft.id, day=day, start=dt.time(9, 0))
    name, data = consultations.invitation(services, "tess", meeting.id)
    assert name == f"P-{draft.id}-consultation.ics"
    event = icalendar.Calendar.from_ical(data).events[0]
    assert event.start == meeting.starts_at  # the same instant, whatever zone it is written in
    assert event.duration == dt.timedelta(minutes=meeting.minutes)
    attendees = {str(a) for a in event.get("attendee")}
    assert {"mailto:dana@city.example.gov", "mailto:tess@city.example.gov"} <= attendees
    assert "mailto:rita@city.example.gov" in attendees  # rita reviews technology too
    # the requester downloads the same invitation
    assert consultations.invitation(services, "dana", meeting.id)[1] == data


def test_meetings_are_refused_when_they_cannot_happen(
    services: Services, people: Any, clock: Clock
) -> None:
    draft = draft_of(services)
    today = clock.now.astimezone(zone(services)).date()
    with pytest.raises(RecordInvalid, match="has passed"):
        consultations.request(
            services, "dana", draft.id, day=today - dt.timedelta(days=1), start=dt.time(10)
        )
    with pytest.raises(RecordInvalid, match="at most"):
        consultations.request(
            services,
            "dana",
            draft.id,
            day=today + dt.timedelta(days=1),
            start=dt.time(10),
            note="x" * (consultations.MAX_NOTE + 1),
        )
    with pytest.raises(NotFound):  # another department's request does not exist for them
        consultations.request(
            services, "pat", draft.id, day=today + dt.timedelta(days=1), start=dt.time(10)
        )
    consultations.request(
        services, "dana", draft.id, day=today + dt.timedelta(days=1), start=dt.time(10)
    )
    with pytest.raises(Refused, match="already has a consultation requested"):
        consultations.request(
            services, "lee", draft.id, day=today + dt.timedelta(days=2), start=dt.time(10)
        )
    assert len(consultations.for_proposal(services, "lee", draft.id)) == 1


def test_a_hostile_note_stays_inside_the_invitation(
    services: Services, people: Any, clock: Clock
) -> None:
    """A note trying to end the event and add another (iCalendar injection) is text."""
    draft = draft_of(services)
    note = "Agenda\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Free money\r\nATTENDEE:mailto:x@evil"
    day = (clock.now + dt.timedelta(days=2)).date()
    meeting = consultations.request(
        services, "dana", draft.id, day=day, start=dt.time(9, 0), note=note
    )
    _, data = consultations.invitation(services, "tess", meeting.id)
    calendar = icalendar.Calendar.from_ical(data)
    assert len(calendar.events) == 1
    event = calendar.events[0]
    assert "END:VEVENT" in str(event["description"])  # kept as words, not structure
    assert "mailto:x@evil" not in {str(a) for a in event.get("attendee")}
