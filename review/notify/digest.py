"""Per-person digests: the notices not yet delivered, gathered into one email.

A person gets one digest when theirs is due (daily, or weekly on their weekday) and at once,
whatever their choice, when anything urgent is waiting: a GEN-9 notice mark reached that
day, an escalation, a new blocker, a renewal review opened. Each item cites its policy
section and links into the workspace. A person's digests keep a cursor, the last notice to
them that a digest has taken; composing a digest and moving the cursor past its notices
happen in one transaction, so a notice is in exactly one digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, func, select

from ..services import heap
from ..services.context import Services
from ..settings import settings
from ..store.database import json_value
from ..store.models import Notice
from . import digest_io, links
from .digest_io import Read, Written

_UNREAD = dt.date.min  # a marker: a due date not read yet
CHUNK_NOTICES = 2000  # notices read per chunk: memory stays flat however many people
SECTIONS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("overdue", "Overdue", frozenset({"overdue", "escalated"})),
    ("due", "Due in the notice window", frozenset({"due"})),
    ("new", "New", frozenset({"finding", "renewal"})),
    ("resolved", "Resolved", frozenset({"cleared"})),
)


class Item(NamedTuple):
    """One notice as a digest shows it. A tuple: composing builds one for each distinct notice
    (10,000 for 1,000 people told nothing in common), and a frozen dataclass took three times
    as long to build (0.55 us against 0.18 us)."""

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
        overdue_kinds, due_kinds = SECTIONS[0][2], SECTIONS[1][2]
        overdue = due = 0
        for item in self.items:
            if item.kind in overdue_kinds:
                overdue += 1
            elif item.kind in due_kinds:
                due += 1
        return f"Technology inventory: {overdue} overdue, {due} due soon ({self.as_of.isoformat()})"


def _link(item: Item, base: str) -> str:
    return links.system_link(item.system_id, base) if item.system_id else links.deadlines_link(base)


def _item_text(item: Item, base: str) -> str:
    due = f" (due {item.due_on})" if item.due_on else ""
    return (
        f"* {item.title}{due}\n  {item.detail}\n"
        f"  Policy: {', '.join(item.citations)}. {_link(item, base)}"
    )


def _item_html(item: Item, base: str) -> str:
    e = html.escape
    due = f" <strong>due {e(item.due_on.isoformat())}</strong>" if item.due_on else ""
    return (
        f"<li><a href='{e(_link(item, base), quote=True)}'>{e(item.title)}</a>{due}<br>"
        f"{e(item.detail)}<br><small>Policy: {e(', '.join(item.citations))}</small></li>"
    )


# the words every digest has, shared by the reference renderers below and ``_Bodies``
_HTML_START = "<!doctype html><html lang='en'><body style='font-family:sans-serif'>"
_INTRO = "Your technology inventory digest for {}."
_WHY = (
    "You get this because GEN-9 of the City's technology review policy names you for "
    "these deadlines"
)
_WHO = " (business owner, department, reviewer or waiver authority)."
_ALL = "All deadlines, your digest choice and your calendar feed"


def _html_end(base: str) -> str:
    link = html.escape(links.deadlines_link(base), quote=True)
    return f"<p><small>{_WHY}. <a href='{link}'>{_ALL}</a>.</small></p></body></html>"


def render_text(digest: Digest) -> str:
    """The plain-text body (composing assembles the same from shared parts: ``_Bodies``)."""
    base = digest.base_url or links.base_url()
    hello = f"Hello {digest.name}," if digest.name else "Hello,"
    lines = [hello, "", _INTRO.format(digest.as_of)]
    for _, heading, kinds in SECTIONS:
        items = digest.section(kinds)
        if not items:
            continue
        lines += ["", f"{heading} ({len(items)})", "-" * (len(heading) + 4)]
        for item in items:
            lines.append(_item_text(item, base))
    lines += ["", _WHY + _WHO, f"{_ALL}: {links.deadlines_link(base)}"]
    return "\n".join(lines) + "\n"


def render_html(digest: Digest) -> str:
    """The HTML body (as ``render_text``)."""
    e = html.escape
    base = digest.base_url or links.base_url()
    parts = [
        _HTML_START,
        f"<p>Hello {e(digest.name)},</p>" if digest.name else "<p>Hello,</p>",
        f"<p>{_INTRO.format(e(digest.as_of.isoformat()))}</p>",
    ]
    for _, heading, kinds in SECTIONS:
        items = digest.section(kinds)
        if not items:
            continue
        parts.append(f"<h2>{e(heading)} ({len(items)})</h2><ul>")
        for item in items:
            parts.append(_item_html(item, base))
        parts.append("</ul>")
    parts.append(_html_end(base))
    return "".join(parts)


def mail_domain() -> str:
    return parseaddr(settings().smtp_from)[1].rpartition("@")[2] or "review.invalid"


def message_id(recipient: str, as_of: dt.date, notice_ids: list[int], domain: str) -> str:
    """Stable: the same notices for the same person on the same day give the same id."""
    return _Stamp(as_of, domain).message_id(recipient, notice_ids)


class _Stamp:
    """``message_id`` for one day and domain, with what they contribute formatted once."""

    def __init__(self, as_of: dt.date, domain: str) -> None:
        self.day, self.prefix, self.domain = f"|{as_of}|", f"<digest.{as_of:%Y%m%d}.", domain

    def message_id(self, recipient: str, notice_ids: list[int]) -> str:
        digest = hashlib.sha256(f"{recipient}{self.day}{notice_ids}".encode()).hexdigest()[:20]
        return f"{self.prefix}{digest}@{self.domain}>"


def due(preference: tuple[str, int] | None, as_of: dt.date, items: Iterable[Item]) -> bool:
    """Whether the person's digest goes out on ``as_of`` (``items`` are looked at only for a
    weekly digest on another day: whether one is urgent)."""
    if preference is None or preference[0] == "daily":
        return True
    return as_of.weekday() == preference[1] or any(i.urgent for i in items)


def compose(services: Services, as_of: dt.date) -> int:
    """Write the digests due on ``as_of`` to the outbox; returns how many.

    Runs under the sweep's lock (review.services.sweep), which is also the only writer of
    notices: a cursor never passes a notice still to come. The notices considered are those up
    to the last one written when composing starts (a consistent cut: one written meanwhile
    waits for the next digest). People are taken in order of address, a group of them with
    about CHUNK_NOTICES notices waiting at a time, each group's digests and cursors written in a
    transaction of their own (``digest_io``: on PostgreSQL, while the next group is composed).
    The heap that existed before is left out of the collector's full collections meanwhile
    (review.services.heap): composing makes many small objects, and each full collection
    rescanned the process's whole heap."""
    with heap.left_alone():
        return _compose(services, as_of)


def _compose(services: Services, as_of: dt.date) -> int:
    n = cast(Table, Notice.__table__).c
    with services.transaction() as tx:
        connection = tx.session.connection()
        horizon = connection.scalar(select(func.max(n.id)))
        if horizon is None:
            return 0
        people = digest_io.waiting(connection, horizon)
    groups: list[list[digest_io.Person]] = [[]]
    count = 0
    for who, after, notices in people:
        groups[-1].append((who, after))
        count += notices
        if count >= CHUNK_NOTICES:
            groups.append([])
            count = 0
    groups = [chunk for chunk in groups if chunk]
    if not groups:
        return 0
    written = 0
    shared = Shared()
    with digest_io.chunks(services, groups, horizon, as_of) as chunks:
        for read, write in chunks:
            shared.start(links.base_url())
            digests = _compose_chunk(services, _pending(read.notices, shared), read, as_of, shared)
            if digests.rows:
                write(digests)
                written += len(digests.rows)
    return written


class Part:
    """One distinct notice of a composing run (``_pending`` makes one for all the notices
    that say the same): its Item, the index in SECTIONS of the section it goes in (None: in
    none), and its text (with the newline before it) and HTML once a digest has needed them.
    GEN-9 tells one event to several people (business owner, department, reviewers, waiver
    authority), so a day's notices say the same about 3.5 times (the sweep's own data,
    docs/performance.md): each is rendered once, not once per digest."""

    __slots__ = ("html", "item", "section", "text")

    def __init__(self, item: Item, section: int | None) -> None:
        self.item, self.section = item, section
        self.text = self.html = ""  # not rendered yet (a rendered text is never empty)


_SECTION_OF = {kind: at for at, (_, _, kinds) in enumerate(SECTIONS) for kind in kinds}


class Shared:
    """What a composing run keeps from one chunk to the next: the Part of each distinct
    notice (with its rendering), and the parsed citations and dates. People who share a
    notice are rarely neighbours in address order. Bounded (memory stays flat): when a new
    notice would take it past ITEMS_KEPT parts (about 1.6 kB each with their renderings), it
    starts afresh; the chunk being read keeps the parts it already took, so a run never holds
    more than ITEMS_KEPT parts and one chunk's. The renderings' links are made from the
    workspace address, read again for each chunk (``start``): a changed one starts afresh too."""

    ITEMS_KEPT = 4000

    def __init__(self) -> None:
        self.items: dict[tuple[object, ...], Part] = {}
        self.citations: dict[str, tuple[str, ...]] = {}
        self.days: dict[object, dt.date | None] = {None: None}
        self.base = ""

    def start(self, base: str) -> None:
        """Before each chunk, with the workspace address read for it."""
        if base != self.base:
            self.forget()
            self.base = base

    def forget(self) -> None:
        self.items.clear()  # in place: ``_pending`` holds the dict
        self.citations.clear()


@dataclass
class Pending:
    """One person's notices beyond their cursor, as far as ``as_of`` allows."""

    recipient: str
    ids: list[int]
    parts: list[Part]


@dataclass
class Chunk:
    people: list[Pending]  # those with notices to send


def _pending(rows: Sequence[Any], shared: Shared | None = None) -> Chunk:
    """The people of a chunk with notices beyond their cursor (``digest_io.read_chunk``): each
    one's notices in id order, up to the first dated after the day (a digest takes a run of
    notices from the cursor on, never one beyond a notice it leaves).

    Read as plain rows (a digest run may read hundreds of thousands), with no conversion per
    value: citations as their JSON text and (on SQLite) dates as their ISO text, each read once
    per distinct value; and notices that say the same (one event told to several people) share
    one Part (``Shared``)."""
    shared = shared or Shared()
    citations_of, day_of, parts, kept = (
        shared.citations,
        shared.days,
        shared.items,
        shared.ITEMS_KEPT,
    )
    people: list[Pending] = []
    current = Pending("", [], [])
    who, ids, taken = "", current.ids, current.parts
    stopped = False
    for row in rows:
        if row[0] != who:
            who = row[0]
            current, stopped = Pending(who, [], []), False
            ids, taken = current.ids, current.parts
            people.append(current)
        if stopped or row[2]:
            stopped = True
            continue
        key = row[3:]
        part = parts.get(key)
        if part is None:
            if len(parts) >= kept:
                shared.forget()
            kind, urgent, title, detail, cited, due_on, system_id = key
            citations = citations_of.get(cited)
            if citations is None:
                citations = citations_of[cited] = tuple(json_value(cited))
            day = day_of.get(due_on, _UNREAD)
            if day is _UNREAD:  # a str on SQLite, a date on PostgreSQL
                day = day_of[due_on] = (
                    dt.date.fromisoformat(due_on) if isinstance(due_on, str) else due_on
                )
            item = Item(kind, bool(urgent), title, detail, citations, day, system_id)
            part = parts[key] = Part(item, _SECTION_OF.get(kind))
        ids.append(row[1])
        taken.append(part)
    return Chunk([p for p in people if p.ids])


def _people(rows: Sequence[Any]) -> dict[str, tuple[str, tuple[str, int] | None]]:
    """Names and digest choices of the chunk's users, by address in lower case."""
    found: dict[str, tuple[str, tuple[str, int] | None]] = {}
    for email, name, choice, weekday in rows:
        found[email.lower()] = (name, (choice, weekday) if choice else None)
    return found


class _Bodies:
    """A digest's subject and bodies as composing writes them: byte for byte ``Digest.subject``,
    ``render_text`` and ``render_html`` of the same digest (tests/workflow/
    test_digest_shared.py), assembled in one pass over its parts, each part rendered once per
    run, with what every digest of a chunk has in common (the day, the address, the headings
    and the footers) formatted once."""

    def __init__(self, as_of: dt.date, base: str) -> None:
        e = html.escape
        self.base = base
        self.subject_end = f" due soon ({as_of.isoformat()})"
        self.text_start = "\n\n" + _INTRO.format(as_of)
        self.text_heads = [(f"\n\n{h} (", f")\n{'-' * (len(h) + 4)}") for _, h, _ in SECTIONS]
        self.text_end = f"\n\n{_WHY}{_WHO}\n{_ALL}: {links.deadlines_link(base)}\n"
        self.html_start = f"<p>{_INTRO.format(e(as_of.isoformat()))}</p>"
        self.html_heads = [f"<h2>{e(heading)} (" for _, heading, _ in SECTIONS]
        self.html_end = _html_end(base)

    def write(self, name: str, parts: list[Part]) -> tuple[str, str, str]:
        """The subject, text and HTML of the digest of ``parts`` to a person called ``name``."""
        sections: list[list[Part]] = [[] for _ in SECTIONS]
        for part in parts:
            if not part.text:
                part.text = "\n" + _item_text(part.item, self.base)
                part.html = _item_html(part.item, self.base)
            if part.section is not None:
                sections[part.section].append(part)
        text = [f"Hello {name}," if name else "Hello,", self.text_start]
        page = [
            _HTML_START,
            f"<p>Hello {html.escape(name)},</p>" if name else "<p>Hello,</p>",
            self.html_start,
        ]
        for at, section in enumerate(sections):
            if section:
                head, rule = self.text_heads[at]
                text.append(f"{head}{len(section)}{rule}")
                text += [part.text for part in section]
                page.append(f"{self.html_heads[at]}{len(section)})</h2><ul>")
                page += [part.html for part in section]
                page.append("</ul>")
        text.append(self.text_end)
        page.append(self.html_end)
        overdue, due_soon = len(sections[0]), len(sections[1])
        subject = f"Technology inventory: {overdue} overdue, {due_soon}{self.subject_end}"
        return subject, "".join(text), "".join(page)


def _compose_chunk(
    services: Services, chunk: Chunk, read: Read, as_of: dt.date, shared: Shared
) -> Written:
    """The chunk's digests, and the cursors they move: written together (``digest_io``),
    never a digest without its cursor, nor a cursor without its digest."""
    digests = Written([], [], services.now())
    if not chunk.people:
        return digests
    people = _people(read.people)
    bodies, stamp = _Bodies(as_of, shared.base), _Stamp(as_of, mail_domain())
    rows, cursors = digests.rows, digests.cursors
    for pending in chunk.people:
        recipient, parts = pending.recipient, pending.parts
        name, preference = people.get(recipient.lower(), ("", None))
        if not due(preference, as_of, (part.item for part in parts)):
            continue
        rows.append(
            (stamp.message_id(recipient, pending.ids), recipient, *bodies.write(name, parts))
        )
        cursors.append((recipient, pending.ids[-1]))
    return digests
