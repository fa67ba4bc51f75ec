"""Items that several people's digests share are rendered once per run (review.notify.digest,
``Rendered`` and ``Shared``): every digest must still read exactly as if rendered alone."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

import pytest
from sqlalchemy import insert

from review.notify import digest, digest_io, links
from review.services.context import Services
from review.store.models import Notice

from .inventory_support import outbox

WEDNESDAY = dt.date(2027, 5, 12)
BASE = "https://review.city.example.gov"


def item(n: int, kind: str = "due", **changes: Any) -> digest.Item:
    made = digest.Item(
        kind,
        n % 2 == 0,
        f"Due in {n} days: <Contract> & Vendor {n} (S-{n})",
        f'System {n} (Library): it\'s "due" on 2027-06-{10 + n}.',
        ("GEN-9", "PROC-3"),
        WEDNESDAY + dt.timedelta(days=n),
        n,
    )
    return made._replace(**changes)


def parts_of(items: list[digest.Item], shared: dict[digest.Item, digest.Part]) -> list[digest.Part]:
    """The run's Part of each item (one per distinct notice, as ``_pending`` makes them)."""
    return [shared.setdefault(it, digest.Part(it, digest._SECTION_OF.get(it.kind))) for it in items]


def test_a_shared_rendering_reads_as_each_digest_alone() -> None:
    every_kind = [
        item(1, "overdue"),
        item(2, "escalated", system_id=None),
        item(3),
        item(4, "finding", due_on=None),
        item(5, "renewal"),
        item(6, "cleared"),
    ]
    ana = digest.Digest("ana@city.gov", "Ana <Ops> & 'co'", WEDNESDAY, tuple(every_kind), BASE)
    ben = digest.Digest("ben@city.gov", "", WEDNESDAY, (*every_kind[2:], item(7)), BASE)
    cleared = digest.Digest("cy@city.gov", "Cy", WEDNESDAY, (item(8, "cleared"),), BASE)
    unknown = digest.Digest("di@city.gov", "Di", WEDNESDAY, (item(9, "other"), item(10)), BASE)
    bodies = digest._Bodies(WEDNESDAY, BASE)
    shared: dict[digest.Item, digest.Part] = {}
    for _ in range(2):  # the second time, every item comes from what was rendered
        for one in (ana, ben, cleared, unknown):
            subject, text, page = bodies.write(one.name, parts_of(list(one.items), shared))
            assert subject == one.subject
            assert text == digest.render_text(one)
            assert page == digest.render_html(one)
    assert (
        "&lt;Contract&gt; &amp; Vendor 1" in bodies.write(ana.name, parts_of([item(1)], shared))[2]
    )


def test_digests_of_any_items_read_as_each_rendered_alone() -> None:
    """Many digests of random items (every kind, with and without a due day or a system,
    names with and without characters HTML escapes), against rendering each alone."""
    rng = random.Random(13)
    kinds = [kind for _, _, section in digest.SECTIONS for kind in sorted(section)]
    pool = [
        item(
            n,
            rng.choice([*kinds, "unknown"]),
            due_on=rng.choice([None, WEDNESDAY + dt.timedelta(days=n)]),
            system_id=rng.choice([None, n]),
            citations=tuple(rng.sample(["GEN-9", "PROC-3", "SEC-1 <b>"], rng.randint(1, 3))),
        )
        for n in range(40)
    ]
    shared: dict[digest.Item, digest.Part] = {}
    for base in (BASE, "http://127.0.0.1:8501"):
        bodies = digest._Bodies(WEDNESDAY, base)
        shared.clear()
        for n in range(200):
            items = rng.sample(pool, rng.randint(1, 12))
            name = rng.choice(["", "Ana", "Ana <Ops> & 'co' \"quoted\""])
            one = digest.Digest(f"p{n}@city.gov", name, WEDNESDAY, tuple(items), base)
            assert bodies.write(name, parts_of(items, shared)) == (
                one.subject,
                digest.render_text(one),
                digest.render_html(one),
            )


def test_the_subject_counts_overdue_and_due() -> None:
    items = (item(1, "overdue"), item(2, "escalated"), item(3), item(4, "finding"))
    one = digest.Digest("ana@city.gov", "", WEDNESDAY, items, BASE)
    assert one.subject == "Technology inventory: 2 overdue, 1 due soon (2027-05-12)"


def told(services: Services, told_to: dict[str, list[digest.Item]]) -> None:
    rows = [
        {
            "recipient": who,
            "system_id": it.system_id,
            "kind": it.kind,
            "urgent": it.urgent,
            "title": it.title,
            "detail": it.detail,
            "citations": list(it.citations),
            "due_on": it.due_on,
            "created_on": WEDNESDAY,
        }
        for who, items in told_to.items()
        for it in items
    ]
    with services.transaction() as tx:
        tx.session.execute(insert(Notice), rows)


@pytest.mark.parametrize("kept", [1, 100])
def test_people_told_the_same_get_digests_as_if_composed_alone(
    services: Services, monkeypatch: pytest.MonkeyPatch, kept: int
) -> None:
    """Four people share some notices (one event told to several) across chunks of a few
    notices; with ``kept`` 1 the run's items and renderings are dropped after each chunk."""
    monkeypatch.setattr(digest, "CHUNK_NOTICES", 3)
    monkeypatch.setattr(digest.Shared, "ITEMS_KEPT", kept)
    free: dict[str, Any] = {"system_id": None}  # no systems in this store
    shared = [item(1, "overdue", **free), item(2, **free), item(3, "cleared", **free)]
    told_to = {
        "a@city.gov": shared,
        "b@city.gov": [item(4, **free), *shared[1:]],
        "c@city.gov": [shared[0], item(5, "finding", due_on=None, **free)],
        "d@city.gov": shared,
    }
    told(services, told_to)
    assert digest.compose(services, WEDNESDAY) == 4
    messages = {m.recipient: m for m in outbox(services) if m.kind == "digest"}
    base = links.base_url()
    for who, items in told_to.items():
        alone = digest.Digest(who, "", WEDNESDAY, tuple(items), base)
        message = messages[who]
        assert message.body_text == digest.render_text(alone)
        assert message.body_html == digest.render_html(alone)
        assert message.subject == alone.subject
        assert (message.status, message.attempts, message.channel) == ("pending", 0, "email")
        assert message.created_at == message.next_attempt_at
        assert abs((message.created_at - services.now()).total_seconds()) < 1


def test_a_run_keeps_no_more_items_than_it_may(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ITEMS_KEPT distinct notices the run starts afresh, as it reads a new notice; the
    chunk being read keeps the parts it took."""
    monkeypatch.setattr(digest.Shared, "ITEMS_KEPT", 4)
    free: dict[str, Any] = {"system_id": None}
    told(services, {"a@city.gov": [item(n, **free) for n in range(1, 7)]})
    shared = digest.Shared()
    with services.transaction() as tx:
        read = digest_io.read_chunk(tx.session.connection(), [("a@city.gov", 0)], 10**9, WEDNESDAY)
    chunk = digest._pending(read.notices, shared)
    (only,) = chunk.people
    assert [p.item.title for p in only.parts] == [item(n).title for n in range(1, 7)]
    assert len(shared.items) == 2  # four kept, then forgotten for the fifth
    assert list(shared.items.values()) == only.parts[4:]


def test_a_changed_address_starts_the_renderings_afresh() -> None:
    """The workspace address is read for each chunk: a later chunk after the address changed
    must not reuse links made from the old one."""
    shared = digest.Shared()
    shared.start(BASE)
    shared.items[("a",)] = digest.Part(item(4), 1)
    shared.start(BASE)
    assert shared.items and shared.base == BASE
    shared.start("https://tech-review.city.example.gov")
    assert not shared.items and shared.base == "https://tech-review.city.example.gov"
    bodies = digest._Bodies(WEDNESDAY, shared.base)
    assert BASE not in "".join(bodies.write("", [digest.Part(item(4), 1)]))


def test_a_digest_stores_its_times_as_it_always_has(services: Services) -> None:
    """On SQLite the outbox's times are text; a digest's are formatted once per chunk, and must
    read as sqlite3's default adaptation of the datetime wrote them before (the ISO form with
    a space, and the clock's UTC offset)."""
    told(services, {"a@city.gov": [item(1, system_id=None)]})
    assert digest.compose(services, WEDNESDAY) == 1
    with services.transaction() as tx:
        connection = tx.session.connection()
        if connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL stores timestamptz")
        stored = connection.exec_driver_sql(
            "SELECT created_at, next_attempt_at FROM outbox WHERE kind = 'digest'"
        ).one()
    assert stored[0] == stored[1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00", stored[0])
    written = dt.datetime.fromisoformat(stored[0])
    assert abs((written - services.now()).total_seconds()) < 5
