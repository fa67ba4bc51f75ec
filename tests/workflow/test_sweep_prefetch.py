"""The sweep's records read one batch ahead (review.services.sweep_prefetch): on PostgreSQL
only, and a record read ahead is used only while its system's row is still that version."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update

from review.services import sweep, sweep_prefetch
from review.services.context import Services
from review.store.models import System

from .inventory_support import contract_approved, days, system

pytestmark = pytest.mark.usefixtures("people")
SOC2_LAST_GOOD = dt.date(2027, 6, 30)  # as in test_sweep.py: SEC-1 ages out the day after


def _active(ids: list[int]) -> tuple[object, ...]:
    return (System.id.between(min(ids), max(ids)), System.status == "active")


def test_records_read_ahead_are_used_only_for_the_same_row_version(
    services: Services,
) -> None:
    ids = [contract_approved(services).id for _ in range(3)]
    fresh, changed, missing = ids
    with services.transaction() as tx:
        systems = list(tx.session.scalars(select(System).where(System.id.in_(ids))))
        versions = {s.id: s.row_version for s in systems}
        ahead = {
            fresh: (versions[fresh], '"read ahead"'),
            changed: (versions[changed] - 1, '"an older version"'),
        }
        records = sweep_prefetch.batch_records(tx.session, _active(ids), set(ids), systems, ahead)
    assert records[fresh] == '"read ahead"'
    assert json.loads(records[changed])["proposal"]["title"]  # read again: the current record
    assert json.loads(records[missing])["proposal"]["title"]
    assert set(records) == set(ids)


def test_without_records_read_ahead_the_batch_reads_its_own(services: Services) -> None:
    ids = [contract_approved(services).id for _ in range(2)]
    with services.transaction() as tx:
        systems = list(tx.session.scalars(select(System).where(System.id.in_(ids))))
        records = sweep_prefetch.batch_records(tx.session, _active(ids), {ids[0]}, systems, None)
    assert set(records) == {ids[0]}


def test_records_are_read_ahead_on_postgresql_only(services: Services) -> None:
    ids = [contract_approved(services).id for _ in range(3)]
    chunks = [ids[:2], ids[2:]]
    with sweep_prefetch.reader(services.db.engine, chunks) as ahead:
        if services.db.engine.dialect.name != "postgresql":
            assert ahead is None
            return
        assert ahead is not None
        first, second = ahead.take(0), ahead.take(1)
    assert set(first) == set(ids[:2]) and set(second) == set(ids[2:])
    for sid in ids:
        version, text = (first | second)[sid]
        assert version == system(services, sid).row_version
        assert json.loads(text)["proposal"]["title"]


def test_a_record_changed_after_it_was_read_ahead_is_judged_as_changed(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A system's row changed between the read ahead and its batch: the batch judges the
    row its own transaction reads (here: retired meanwhile, so not judged at all; and one
    whose record changed, judged from the new record)."""
    if services.db.engine.dialect.name != "postgresql":
        pytest.skip("records are read ahead on PostgreSQL only")
    ids = [contract_approved(services).id for _ in range(3)]
    retired, edited, sound = ids
    day = days(SOC2_LAST_GOOD, 1)
    taken = sweep_prefetch.Reader.take

    def take_then_change(self: sweep_prefetch.Reader, n: int) -> sweep_prefetch.Ahead:
        got = taken(self, n)
        if n == 0:  # after the read, before the batch's transaction
            with services.transaction() as tx:
                tx.session.execute(
                    update(System).where(System.id == retired).values(status="retired")
                )
                row = tx.session.get(System, edited)
                assert row is not None
                record = dict(row.record)
                record["contract"] = {**record["contract"], "value_usd": -5}
                row.record = record  # an invalid record: the sweep reports it
        return got

    monkeypatch.setattr(sweep_prefetch.Reader, "take", take_then_change)
    report = sweep.run(services, day, batch=3)
    assert system(services, retired).swept_on is None
    assert system(services, sound).swept_on == day
    assert report.systems == 3  # listed before the change: retired within its batch
    assert [e.split(":")[0] for e in report.changes.errors] == [f"S-{edited}"]
