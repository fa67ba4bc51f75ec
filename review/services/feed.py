"""The iCalendar feed of deadlines (RFC 5545, the ``icalendar`` library), per person and per
department, behind a per-user secret token in the URL.

Only the token's SHA-256 is stored, so the address is shown once, when it is made; rotating
makes a new one and the old address stops working at once. The token carries the person's
own visibility: a department feed is served only to someone who may see that department.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from urllib.parse import quote

from icalendar import Calendar, Event
from sqlalchemy import select

from ..errors import NotFound, Refused
from ..notify import links
from ..store.models import NotificationPreference, User
from . import deadlines
from .access import sees_all
from .context import Services
from .preferences import row


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rotate(services: Services, by: str) -> str:
    """A new secret token for ``by`` (the previous one stops working); returned once."""
    token = secrets.token_urlsafe(32)
    with services.transaction(by) as tx:
        found = row(tx, tx.who.id)
        replaced = found.feed_token_hash is not None
        found.feed_token_hash = token_hash(token)
        found.feed_token_set_at = services.now()
        tx.audit("feed.token", "user", tx.who.username, rotated=replaced)
    return token


def url(token: str, department: str | None = None) -> str:
    address = f"{links.base_url()}/feed/{token}.ics"
    return address + (f"?department={quote(department)}" if department else "")


def feed_url(
    services: Services, by: str, *, new: bool = False, department: str | None = None
) -> str:
    """The feed's address: made on first use, or anew with ``rotate``."""
    with services.transaction(by) as tx:
        found = tx.session.get(NotificationPreference, tx.who.id)
        exists = found is not None and found.feed_token_hash is not None
    if exists and not new:
        raise Refused(
            "your calendar feed exists; its secret address is shown only when it is made. "
            "Rotate it (--rotate) for a new address; the old one then stops working"
        )
    return url(rotate(services, by), department)


def owner(services: Services, token: str) -> str:
    """The username a token belongs to; an unknown or rotated token is NotFound."""
    if not token or len(token) > 200:
        raise NotFound("no such calendar feed")
    with services.transaction() as tx:
        user = tx.session.scalar(
            select(User)
            .join(NotificationPreference, NotificationPreference.user_id == User.id)
            .where(NotificationPreference.feed_token_hash == token_hash(token))
        )
        if user is None or not user.active:
            raise NotFound("no such calendar feed")
        return user.username


def calendar(
    services: Services, token: str, *, department: str | None = None, as_of: dt.date | None = None
) -> bytes:
    """The feed as iCalendar bytes: the person's deadlines, or a department's."""
    return calendar_for(services, owner(services, token), department=department, as_of=as_of)


def calendar_for(
    services: Services, by: str, *, department: str | None = None, as_of: dt.date | None = None
) -> bytes:
    """The signed-in person's feed (the workspace offers it as a download too)."""
    username = by
    with services.transaction(username) as tx:
        actor = tx.who
        if department is not None and not (sees_all(actor) or actor.department == department):
            raise NotFound("no such calendar feed")
    rows = deadlines.listing(
        services, username, as_of, department=department, mine=department is None
    )
    cal = Calendar()
    cal.add("prodid", "-//City technology review//GEN-9 deadlines//EN")
    cal.add("version", "2.0")
    name = (
        f"Technology deadlines: {department}" if department else f"Technology deadlines: {username}"
    )
    cal.add("x-wr-calname", name)
    stamp = services.now()
    base = links.base_url()
    for item in rows:
        event = Event()
        event.add(
            "uid", f"{hashlib.sha256(item.key.encode()).hexdigest()[:24]}-{item.system_id}@review"
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + dt.timedelta(days=1))
        event.add("summary", f"{item.title} ({item.system})")
        event.add(
            "description",
            f"{item.system_title} ({item.department}). Status: {item.status}. "
            f"Policy: {', '.join(item.citations)}.",
        )
        event.add("url", links.system_link(item.system_id, base))
        event.add("categories", [item.kind.replace("_", " ")])
        cal.add_component(event)
    return bytes(cal.to_ical())
