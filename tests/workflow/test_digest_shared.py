"""Items that several people's digests share are rendered once per run (review.notify.digest,
``Rendered`` and ``Shared``): every digest must still read exactly as if rendered alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import insert

from review.notify import digest, links
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
    return dataclasses.replace(made, **changes)


def test_a_shared_rendering_reads_as_each_digest_alone() -> None:
    every_kind = [
        item(1, "overdue"),
        item(2, "escalated", system_id=None),
        item(3),
        item(4, "finding", due_on=None),
        item(5, "renewal"),
        item(6, "cleared"),
    ]
    ana = digest.Digest("ana@city.gov", "Ana <Ops>", WEDNESDAY, tuple(every_kind), BASE)
    ben = digest.Digest("ben@city.gov", "", WEDNESDAY, (*every_kind[2:], item(7)), BASE)
    rendered = digest.Rendered()
    for _ in range(2):  # the second time, every item comes from what was rendered
        for one in (ana, ben):
            assert digest.render_text(one, rendered) == digest.render_text(one)
            assert digest.render_html(one, rendered) == digest.render_html(one)
    assert "&lt;Contract&gt; &amp; Vendor 1" in digest.render_html(ana, rendered)


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


def test_a_run_keeps_no_more_items_than_it_may(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest.Shared, "ITEMS_KEPT", 4)
    shared = digest.Shared()
    for n in range(3):
        shared.items[(n,)] = item(n)
        shared.rendered.text(shared.items[(n,)], BASE)
    rendered = shared.rendered
    shared.make_room(1)  # 3 + 1 fit
    assert len(shared.items) == 3 and shared.rendered is rendered
    shared.make_room(2)  # 3 + 2 would not
    assert not shared.items and shared.rendered is not rendered
    shared.make_room(10)  # a chunk larger than the bound still gets read
    assert not shared.items


def test_a_shared_rendering_links_to_the_address_it_was_asked_for() -> None:
    """The workspace address is read for each chunk: a later chunk after the address changed
    must not reuse links made from the old one."""
    rendered, shared = digest.Rendered(), item(4)
    other = "https://tech-review.city.example.gov"
    assert BASE in rendered.text(shared, BASE) and BASE in rendered.html(shared, BASE)
    assert other in rendered.text(shared, other) and BASE not in rendered.text(shared, other)
    assert other in rendered.html(shared, other) and BASE not in rendered.html(shared, other)
