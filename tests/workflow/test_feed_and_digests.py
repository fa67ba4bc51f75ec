"""The calendar feed (a secret, rotatable token; a person's and a department's deadlines) and
per-person digests (daily or weekly; urgent notices at once; one digest a day)."""

from __future__ import annotations

import asyncio
import datetime as dt
import html

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import select
from starlette.applications import Starlette

from review.errors import NotFound, Refused
from review.notify import digest
from review.services import deadlines, feed, preferences, sweep
from review.services.context import Services
from review.store.models import Notice, NotificationPreference, User
from review.ui import feed_route

from .inventory_support import contract_approved, outbox
from .support import audit_actions

pytestmark = pytest.mark.usefixtures("people")
AGED = dt.date(2027, 5, 13)


def events(body: bytes) -> list[str]:
    calendar = Calendar.from_ical(body)
    return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


def test_person_feed_has_the_deadlines_gen9_tells_them_of(services: Services) -> None:
    found = contract_approved(services)
    token = feed.rotate(services, "sam")  # a security reviewer
    sam = events(feed.calendar(services, token))
    assert f"Penetration test ages out (S-{found.id})" in sam
    assert f"Contract with Roomly Inc. ends (S-{found.id})" not in sam  # procurement's
    paul = events(feed.calendar(services, feed.rotate(services, "paul")))
    assert f"Contract with Roomly Inc. ends (S-{found.id})" in paul
    calendar = Calendar.from_ical(feed.calendar(services, token))
    event = next(e for e in calendar.walk("VEVENT") if "Penetration" in str(e["SUMMARY"]))
    assert event.decoded("DTSTART") == dt.date(2027, 5, 12)
    assert f"/inventory?system=S-{found.id}" in str(event["URL"])
    assert "SEC-6" in str(event["DESCRIPTION"])


def test_department_feed_is_only_for_those_who_may_see_it(services: Services) -> None:
    contract_approved(services)
    dana = feed.rotate(services, "dana")  # Library requester
    assert events(feed.calendar(services, dana, department="Library"))
    pat = feed.rotate(services, "pat")  # Police requester
    with pytest.raises(NotFound):
        feed.calendar(services, pat, department="Library")
    assert events(feed.calendar(services, pat)) == []


def test_rotating_the_token_retires_the_old_address(services: Services) -> None:
    first = feed.rotate(services, "sam")
    second = feed.rotate(services, "sam")
    assert first != second and len(second) >= 40
    with pytest.raises(NotFound):
        feed.calendar(services, first)
    feed.calendar(services, second)
    with services.transaction() as tx:
        stored = tx.session.scalar(select(NotificationPreference.feed_token_hash))
    assert stored == feed.token_hash(second) and second not in str(stored)  # only the hash
    with pytest.raises(Refused, match="shown only when it is made"):
        feed.feed_url(services, "sam")
    assert feed.feed_url(services, "sam", new=True).endswith(".ics")
    assert audit_actions(services.db).count("feed.token") == 3


def test_feed_route_answers_ics_and_404(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract_approved(services)
    token = feed.rotate(services, "sam")
    monkeypatch.setattr(feed_route, "_services", lambda: services)
    app = Starlette(routes=feed_route.routes())

    def get(path: str) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://review") as c:
                return await c.get(path)

        return asyncio.run(call())

    ok = get(f"/feed/{token}.ics")
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/calendar")
    assert ok.headers["referrer-policy"] == "no-referrer"
    assert events(ok.content)
    assert get("/feed/not-a-token.ics").status_code == 404
    assert get(f"/feed/{token}.ics?department=Police").status_code == 200
    denied = get(f"/feed/{feed.rotate(services, 'pat')}.ics?department=Library")
    assert denied.status_code == 404


def test_deadlines_listing_filters_and_visibility(services: Services) -> None:
    contract_approved(services)
    day = dt.date(2027, 6, 1)
    every = deadlines.listing(services, "admin", day)
    assert {r.status for r in every} >= {"overdue", "due", "upcoming"}
    overdue = deadlines.listing(services, "admin", day, status="overdue")
    assert overdue and all(r.days_left < 0 for r in overdue)
    security = deadlines.listing(services, "admin", day, domain="security")
    assert security and {r.domain for r in security} == {"security"}
    assert deadlines.listing(services, "pat", day) == []  # another department's system
    assert deadlines.listing(services, "dana", day)  # the department's own


def _notice(
    recipient: str,
    day: dt.date,
    *,
    kind: str = "cleared",
    urgent: bool = False,
    title: str = "Resolved",
) -> Notice:
    """A notice to ``recipient`` dated ``day``, as the sweep writes one."""
    return Notice(
        recipient=recipient,
        system_id=None,
        kind=kind,
        urgent=urgent,
        title=title,
        detail="d",
        citations=["GEN-9"],
        created_on=day,
    )


def test_an_address_stored_with_capitals_keeps_its_name_and_digest_choice(
    services: Services,
) -> None:
    """Notices are addressed in lower case; a user whose address was stored with capitals is
    still greeted by name and gets the weekly digest they chose, not a daily one."""
    preferences.set_digest(services, "sam", "weekly", "fri")
    with services.transaction() as tx:
        sam = tx.session.scalar(select(User).where(User.username == "sam"))
        assert sam is not None
        sam.email, name = "Sam@City.Example.GOV", sam.display_name
    wednesday, friday = dt.date(2027, 5, 12), dt.date(2027, 5, 14)
    with services.transaction() as tx:
        tx.session.add(_notice("sam@city.example.gov", wednesday))
    assert digest.compose(services, wednesday) == 0  # weekly, on Fridays
    assert digest.compose(services, friday) == 1
    assert outbox(services)[-1].body_text.startswith(f"Hello {name},")


def test_weekly_digest_waits_for_its_day_unless_something_is_urgent(services: Services) -> None:
    preferences.set_digest(services, "sam", "weekly", "fri")
    day = dt.date(2027, 5, 12)  # a Wednesday
    with services.transaction() as tx:
        tx.session.add_all(
            [_notice("sam@city.example.gov", day), _notice("dana@city.example.gov", day)]
        )
    assert digest.compose(services, day) == 1  # dana is daily (the default); sam waits
    assert [m.recipient for m in outbox(services)] == ["dana@city.example.gov"]
    assert digest.compose(services, day) == 0  # one digest a day: nothing new for dana
    friday = dt.date(2027, 5, 14)
    assert digest.compose(services, friday) == 1
    assert outbox(services)[-1].recipient == "sam@city.example.gov"
    with services.transaction() as tx:
        tx.session.add(
            _notice(
                "sam@city.example.gov",
                friday + dt.timedelta(days=1),
                kind="due",
                urgent=True,
                title="Due in 7 days",
            )
        )
    assert digest.compose(services, friday + dt.timedelta(days=1)) == 1  # a mark: at once


def test_digest_escapes_what_it_quotes(services: Services) -> None:
    hostile = digest.Digest(
        "x@city.gov",
        "<b>Eve</b>",
        dt.date(2027, 1, 1),
        (digest.Item("finding", True, "<script>alert(1)</script>", "a & b", ("SEC-1",), None, 3),),
    )
    body = digest.render_html(hostile)
    assert "<script>" not in body and html.escape("<script>alert(1)</script>") in body
    assert "&lt;b&gt;Eve&lt;/b&gt;" in body and "a &amp; b" in body
    assert "Policy: SEC-1" in digest.render_text(hostile)


def test_sweep_digest_has_one_message_per_person(services: Services) -> None:
    contract_approved(services)
    sweep.run(services, AGED)
    recipients = [m.recipient for m in outbox(services) if m.channel == "email"]
    assert len(recipients) == len(set(recipients))
    assert digest.compose(services, AGED) == 0  # every notice is in a digest already


def test_digest_choice_is_checked(services: Services) -> None:
    from review.errors import RecordInvalid

    with pytest.raises(RecordInvalid, match="digest: 'hourly'; expected daily or weekly"):
        preferences.set_digest(services, "sam", "hourly")
    with pytest.raises(RecordInvalid, match="weekday: 'someday'"):
        preferences.set_digest(services, "sam", "weekly", "someday")
    assert preferences.get(services, "sam").digest == "daily"
