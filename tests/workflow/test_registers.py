"""The public registers (GEN-10): who is listed when, delays, what an entry says."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from review.core.publication import rules
from review.errors import NotFound, PermissionDenied, RecordInvalid, Refused
from review.packet.service import build_packet
from review.services import inventory, publication_delays, registers
from review.services.context import Services
from review.store.models import AuditEvent

from .conftest import Clock
from .register_support import ai, put_system, record, surveillance
from .support import approved

TODAY = dt.date(2026, 11, 27)  # the test clock's day
HOLD = dt.timedelta(days=rules().hold_days)
WITHIN = dt.timedelta(days=rules().within_days)


def refs(services: Services, register: str, as_of: dt.date) -> list[str]:
    return [e.values["ref"] for e in registers.page(services, register, as_of).entries]


def test_an_entry_appears_after_the_hold_and_within_gen10s_days(
    services: Services, people: dict[str, str]
) -> None:
    assert rules().hold_days <= rules().within_days == 30
    sid = put_system(services, record())
    assert refs(services, "approved", TODAY + HOLD - dt.timedelta(days=1)) == []
    assert refs(services, "approved", TODAY + HOLD) == [f"S-{sid}"]
    assert refs(services, "surveillance", TODAY + HOLD) == []
    assert refs(services, "ai", TODAY + HOLD) == []


def test_the_registers_list_what_each_is_for(services: Services, people: dict[str, str]) -> None:
    plain = put_system(services, record())
    cams = put_system(services, surveillance())
    bot = put_system(services, ai())
    day = TODAY + HOLD
    assert sorted(refs(services, "approved", day)) == sorted(f"S-{i}" for i in (plain, cams, bot))
    assert refs(services, "surveillance", day) == [f"S-{cams}"]
    assert refs(services, "ai", day) == [f"S-{bot}"]
    (entry,) = registers.page(services, "surveillance", day).entries
    assert entry.values["surveillance_categories"] == "alpr"
    assert entry.values["use_policy"] is True
    assert entry.values["council_approval_date"] == "2026-10-06"
    assert entry.values["annual_report_due"] == "2027-10-06"
    (bot_entry,) = registers.page(services, "ai", day).entries
    assert bot_entry.values["model_type"] == "large language model"
    assert bot_entry.values["data_used"] == "Library catalogue pages"
    assert bot_entry.values["decision_impact"] == "advisory"


def test_the_contact_is_a_role_mailbox_never_a_person(
    services: Services, people: dict[str, str]
) -> None:
    data = record()
    person = data["proposal"]["requester"]["email"]
    mine = put_system(services, record(publication={"contact": person}))
    team = put_system(services, record(publication={"contact": "library-it@city.example.gov"}))
    page = registers.page(services, "approved", TODAY + HOLD)
    contact = {e.values["ref"]: e.values["contact"] for e in page.entries}
    assert contact[f"S-{mine}"] == str(rules().default_contact)
    assert contact[f"S-{team}"] == "library-it@city.example.gov"
    assert "owner_name" not in page.fields and "requester_email" not in page.fields


def test_a_delay_holds_the_entry_is_listed_and_ends(
    services: Services, people: dict[str, str], clock: Clock
) -> None:
    sid = put_system(services, record(department="Library"))
    until = TODAY + dt.timedelta(days=90)
    delay = publication_delays.request(
        services, "dana", sid, until=until, reason="Procurement of phase 2 is still open"
    )
    # asked, not decided: held, but never past GEN-10's 30 days
    assert refs(services, "approved", TODAY + HOLD) == []
    assert refs(services, "approved", TODAY + WITHIN) == [f"S-{sid}"]
    clock.advance(days=2)
    publication_delays.decide(services, "director", delay.id, grant=True, note="agreed")
    day = TODAY + dt.timedelta(days=40)
    page = registers.page(services, "approved", day)
    assert page.entries == []
    (listed,) = page.delays
    assert (listed.ref, listed.until, listed.reason) == (
        f"S-{sid}",
        until,
        "Procurement of phase 2 is still open",
    )
    assert refs(services, "approved", until - dt.timedelta(days=1)) == []
    end = registers.page(services, "approved", until)
    assert [e.values["ref"] for e in end.entries] == [f"S-{sid}"] and end.delays == []
    with services.transaction() as tx:
        actions = list(
            tx.session.scalars(
                select(AuditEvent.action).where(AuditEvent.action.like("publication.%"))
            )
        )
    assert actions == ["publication.delay_request", "publication.delay_grant"]


def test_a_refused_delay_publishes_at_once(
    services: Services, people: dict[str, str], clock: Clock
) -> None:
    sid = put_system(services, record(department="Library"))
    delay = publication_delays.request(
        services, "dana", sid, until=TODAY + dt.timedelta(days=60), reason="not ready"
    )
    clock.advance(days=HOLD.days + 3)
    assert refs(services, "approved", services.today()) == []
    with pytest.raises(RecordInvalid, match="note: a refusal needs a reason"):
        publication_delays.decide(services, "director", delay.id, grant=False, note=" ")
    assert refs(services, "approved", services.today()) == []  # still asked for, still held
    publication_delays.decide(services, "director", delay.id, grant=False, note="not a reason")
    assert refs(services, "approved", services.today()) == [f"S-{sid}"]


def test_delays_are_refused_clearly(services: Services, people: dict[str, str]) -> None:
    sid = put_system(services, record(department="Library"))
    limit = publication_delays.latest_until(TODAY)
    assert limit == dt.date(2027, 11, 27)  # 12 months, from the data
    with pytest.raises(RecordInvalid, match=r"until: 2027-11-28 is more than 12 months"):
        publication_delays.request(
            services, "dana", sid, until=limit + dt.timedelta(days=1), reason="r"
        )
    with pytest.raises(RecordInvalid, match="reason: a delay needs a stated reason"):
        publication_delays.request(services, "dana", sid, until=limit, reason="  ")
    with pytest.raises(NotFound, match="no system S-"):  # another department's system
        publication_delays.request(services, "pat", sid, until=limit, reason="r")
    with pytest.raises(PermissionDenied, match="only admins and the Library department"):
        publication_delays.request(services, "tess", sid, until=limit, reason="r")
    delay = publication_delays.request(services, "dana", sid, until=limit, reason="r")
    with pytest.raises(Refused, match="already has a delay"):
        publication_delays.request(services, "dana", sid, until=limit, reason="again")
    with pytest.raises(PermissionDenied, match="only the Director of Digital Service"):
        publication_delays.decide(services, "cara", delay.id, grant=True)
    publication_delays.decide(services, "director", delay.id, grant=True)
    with pytest.raises(Refused, match="already granted"):
        publication_delays.decide(services, "director", delay.id, grant=False)


def test_a_retired_system_leaves_the_registers(
    services: Services, people: dict[str, str], clock: Clock
) -> None:
    sid = put_system(services, record())
    clock.advance(days=HOLD.days)
    assert refs(services, "approved", services.today()) == [f"S-{sid}"]
    clock.advance(days=1)
    inventory.retire(services, "admin", sid, reason="replaced")
    assert refs(services, "approved", services.today()) == []
    assert refs(services, "approved", services.today() - dt.timedelta(days=1)) == [f"S-{sid}"]


def test_an_approved_request_shows_its_decision_and_packet(
    services: Services, people: dict[str, str], tmp_path: object
) -> None:
    view = approved(services)
    build_packet(services, "cara", view.id)
    page = registers.page(services, "approved", TODAY + HOLD)
    (entry,) = page.entries
    assert entry.values["decision"] == "approved_with_conditions"
    assert entry.values["decision_date"] == TODAY.isoformat()
    assert entry.values["packet_id"] and len(entry.values["packet_digest"]) == 64


def test_paging_and_departments(services: Services, people: dict[str, str]) -> None:
    for n in range(5):
        put_system(services, record(title=f"System {n}", department="Library" if n % 2 else "Fire"))
    first = registers.page(services, "approved", TODAY + HOLD, offset=0, limit=2)
    assert first.total == 5 and len(first.entries) == 2
    assert first.departments == ["Fire", "Library"]
    last = registers.page(services, "approved", TODAY + HOLD, offset=4, limit=2)
    assert len(last.entries) == 1
    lib = registers.page(services, "approved", TODAY + HOLD, department="Library")
    assert lib.total == 2 and {e.values["department"] for e in lib.entries} == {"Library"}


def test_the_delays_page_sees_what_each_person_may_act_on(
    services: Services, people: dict[str, str]
) -> None:
    library = put_system(services, record(title="Catalogue", department="Library"))
    police = put_system(services, surveillance())
    publication_delays.request(
        services, "dana", library, until=TODAY + dt.timedelta(days=90), reason="RFP open"
    )
    mine = publication_delays.overview(services, "dana")
    assert [(c.ref, c.state, c.open_delay) for c in mine.candidates] == [
        (f"S-{library}", "asked", "D-1")
    ]
    assert mine.candidates[0].latest_until == publication_delays.latest_until(TODAY)
    assert [d.title for d in mine.delays] == ["Catalogue"] and not mine.may_decide
    theirs = publication_delays.overview(services, "pat")  # Police sees neither
    assert [c.ref for c in theirs.candidates] == [f"S-{police}"] and theirs.delays == []
    director = publication_delays.overview(services, "director")
    assert director.may_decide and director.candidates == [] and len(director.delays) == 1
    with pytest.raises(PermissionDenied, match="cara cannot see publication delays"):
        publication_delays.overview(services, "cara")
