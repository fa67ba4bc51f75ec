"""Per-person digests: the notices not yet delivered, gathered into one email.

A person gets one digest when theirs is due (daily, or weekly on their weekday) and at once,
whatever their choice, when anything urgent is waiting: a GEN-9 notice mark reached that
day, an escalation, a new blocker, a renewal review opened. Each item cites its policy
section and links into the workspace. Composing a digest and marking its notices delivered
to it happen in one transaction, so a notice is in exactly one digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parseaddr
from typing import cast

from sqlalchemy import Table, bindparam, select

from ..services.context import Services, Tx
from ..settings import settings
from ..store.models import Notice, NotificationPreference, OutboxMessage, User
from . import links

CHUNK = 200  # recipients per transaction: memory stays flat however many there are
SECTIONS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("overdue", "Overdue", frozenset({"overdue", "escalated"})),
    ("due", "Due in the notice window", frozenset({"due"})),
    ("new", "New", frozenset({"finding", "renewal"})),
    ("resolved", "Resolved", frozenset({"cleared"})),
)


@dataclass(frozen=True)
class Item:
    kind: str
    urgent: bool
    title: str
    detail: str
    citations: tuple[str, ...]
    due_on: dt.date | None
    system_id: int | None


@dataclass(frozen=True)
class Digest:
    recipient: str
    name: str
    as_of: dt.date
    items: tuple[Item, ...]
    base_url: str = ""  # the workspace's address for links (settings, read once per batch)

    def section(self, kinds: frozenset[str]) -> list[Item]:
        return [i for i in self.items if i.kind in kinds]

    @property
    def subject(self) -> str:
        overdue = len(self.section(SECTIONS[0][2]))
        due = len(self.section(SECTIONS[1][2]))
        return f"Technology inventory: {overdue} overdue, {due} due soon ({self.as_of.isoformat()})"


def _link(item: Item, base: str) -> str:
    return links.system_link(item.system_id, base) if item.system_id else links.deadlines_link(base)


def render_text(digest: Digest) -> str:
    base = digest.base_url or links.base_url()
    hello = f"Hello {digest.name}," if digest.name else "Hello,"
    lines = [hello, "", f"Your technology inventory digest for {digest.as_of}."]
    for _, heading, kinds in SECTIONS:
        items = digest.section(kinds)
        if not items:
            continue
        lines += ["", f"{heading} ({len(items)})", "-" * (len(heading) + 4)]
        for item in items:
            due = f" (due {item.due_on})" if item.due_on else ""
            lines.append(f"* {item.title}{due}")
            lines.append(f"  {item.detail}")
            lines.append(f"  Policy: {', '.join(item.citations)}. {_link(item, base)}")
    lines += [
        "",
        "You get this because GEN-9 of the City's technology review policy names you for "
        "these deadlines (business owner, department, reviewer or waiver authority).",
        f"All deadlines, your digest choice and your calendar feed: {links.deadlines_link(base)}",
    ]
    return "\n".join(lines) + "\n"


def render_html(digest: Digest) -> str:
    e = html.escape
    base = digest.base_url or links.base_url()
    parts = [
        "<!doctype html><html lang='en'><body style='font-family:sans-serif'>",
        f"<p>Hello {e(digest.name)},</p>" if digest.name else "<p>Hello,</p>",
        f"<p>Your technology inventory digest for {e(digest.as_of.isoformat())}.</p>",
    ]
    for _, heading, kinds in SECTIONS:
        items = digest.section(kinds)
        if not items:
            continue
        parts.append(f"<h2>{e(heading)} ({len(items)})</h2><ul>")
        for item in items:
            due = f" <strong>due {e(item.due_on.isoformat())}</strong>" if item.due_on else ""
            parts.append(
                f"<li><a href='{e(_link(item, base), quote=True)}'>{e(item.title)}</a>{due}<br>"
                f"{e(item.detail)}<br><small>Policy: {e(', '.join(item.citations))}</small></li>"
            )
        parts.append("</ul>")
    parts.append(
        "<p><small>You get this because GEN-9 of the City's technology review policy names you "
        "for these deadlines. <a href='"
        + e(links.deadlines_link(base), quote=True)
        + "'>All deadlines, your digest choice and your calendar feed</a>.</small></p>"
        "</body></html>"
    )
    return "".join(parts)


def mail_domain() -> str:
    return parseaddr(settings().smtp_from)[1].rpartition("@")[2] or "review.invalid"


def message_id(recipient: str, as_of: dt.date, notice_ids: list[int], domain: str) -> str:
    """Stable: the same notices for the same person on the same day give the same id."""
    digest = hashlib.sha256(f"{recipient}|{as_of}|{notice_ids}".encode()).hexdigest()[:20]
    return f"<digest.{as_of:%Y%m%d}.{digest}@{domain}>"


def due(preference: tuple[str, int] | None, as_of: dt.date, items: list[Item]) -> bool:
    """Whether the person's digest goes out on ``as_of``."""
    if any(i.urgent for i in items):
        return True
    if preference is None or preference[0] == "daily":
        return True
    return as_of.weekday() == preference[1]


def compose(services: Services, as_of: dt.date) -> int:
    """Write the digests due on ``as_of`` to the outbox; returns how many."""
    with services.transaction() as tx:
        recipients = list(
            tx.session.scalars(
                select(Notice.recipient)
                .where(Notice.digest_id.is_(None), Notice.created_on <= as_of)
                .group_by(Notice.recipient)
                .order_by(Notice.recipient)
            )
        )
    written = 0
    for start in range(0, len(recipients), CHUNK):
        with services.transaction() as tx:
            written += _compose_chunk(tx, recipients[start : start + CHUNK], as_of)
    return written


def _people(tx: Tx, emails: list[str]) -> dict[str, tuple[str, tuple[str, int] | None]]:
    rows = tx.session.execute(
        select(
            User.email,
            User.display_name,
            NotificationPreference.digest,
            NotificationPreference.weekday,
        )
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.email.in_(emails))
    )
    found: dict[str, tuple[str, tuple[str, int] | None]] = {}
    for email, name, choice, weekday in rows:
        found[email.lower()] = (name, (choice, weekday) if choice else None)
    return found


Pending = tuple[int, Item]  # (notice id, what it says)


def _pending(tx: Tx, emails: list[str], as_of: dt.date) -> Iterator[tuple[str, list[Pending]]]:
    """Each person's undelivered notices, as plain rows (no ORM objects: a digest run may
    read hundreds of thousands)."""
    n = Notice.__table__.c
    rows = tx.session.execute(
        select(
            n.id,
            n.recipient,
            n.kind,
            n.urgent,
            n.title,
            n.detail,
            n.citations,
            n.due_on,
            n.system_id,
        )
        .where(n.recipient.in_(emails), n.digest_id.is_(None), n.created_on <= as_of)
        .order_by(n.recipient, n.id)
    ).all()  # one fetch for the chunk (bounded by CHUNK people), not a call per row
    recipient: str | None = None
    current: list[Pending] = []
    for nid, who, kind, urgent, title, detail, citations, due_on, system_id in rows:
        if current and who != recipient:
            yield str(recipient), current
            current = []
        recipient = who
        current.append(
            (nid, Item(kind, urgent, title, detail, tuple(citations), due_on, system_id))
        )
    if current:
        yield str(recipient), current


def _compose_chunk(tx: Tx, emails: list[str], as_of: dt.date) -> int:
    people = _people(tx, emails)
    now = tx.services.now()
    base, domain = links.base_url(), mail_domain()
    rows: list[dict[str, object]] = []
    delivered: list[tuple[str, list[int]]] = []
    for recipient, pending in _pending(tx, emails, as_of):
        items = [item for _, item in pending]
        name, preference = people.get(recipient.lower(), ("", None))
        if not due(preference, as_of, items):
            continue
        digest = Digest(recipient, name, as_of, tuple(items), base)
        ids = [nid for nid, _ in pending]
        key = message_id(recipient, as_of, ids, domain)
        rows.append(
            {
                "message_id": key,
                "channel": "email",
                "recipient": recipient,
                "subject": digest.subject,
                "body_text": render_text(digest),
                "body_html": render_html(digest),
                "payload": None,
                "kind": "digest",
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
        delivered.append((key, ids))
    if not rows:
        return 0
    outbox = cast(Table, OutboxMessage.__table__)
    notices = cast(Table, Notice.__table__)
    connection = tx.session.connection()
    inserted = connection.execute(outbox.insert().returning(outbox.c.id, outbox.c.message_id), rows)
    ids_of = {key: oid for oid, key in inserted}
    # one statement per digest (executemany): its notices are marked delivered to it
    connection.execute(
        notices.update()
        .where(
            notices.c.id.between(bindparam("first"), bindparam("last")),
            notices.c.recipient == bindparam("who"),
            notices.c.digest_id.is_(None),
            notices.c.created_on <= as_of,
        )
        .values(digest_id=bindparam("digest")),
        [
            {"first": min(ids), "last": max(ids), "who": who, "digest": ids_of[key]}
            for (key, ids), who in zip(delivered, (r["recipient"] for r in rows), strict=True)
        ],
    )
    return len(rows)
