"""The waiver authority's queue: each request once, oldest waiting first (ties by id), paged,
read through keyset-paged streams of the review task index (issue 16)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from review.services import queue
from review.services.context import Services
from review.services.lifecycle import QUEUE_STATES
from review.store.models import Proposal, ReviewTask

from .conftest import Clock
from .support import saas, submitted

pytestmark = pytest.mark.usefixtures("people")


def oracle(services: Services, domains: list[str]) -> list[int]:
    """The order the whole-table GROUP BY gave, computed the slow way."""
    with services.transaction("admin") as tx:
        since = func.min(ReviewTask.opened_at).label("since")
        query = (
            select(ReviewTask.proposal_id, since)
            .join(Proposal, Proposal.id == ReviewTask.proposal_id)
            .where(
                ReviewTask.domain.in_(domains),
                ReviewTask.status.in_(("open", "signed")),
                ReviewTask.severity_rank <= 2,
                Proposal.state.in_([s.value for s in QUEUE_STATES]),
            )
            .group_by(ReviewTask.proposal_id)
            .order_by(since, ReviewTask.proposal_id)
        )
        return [row[0] for row in tx.session.execute(query)]


def test_each_request_once_oldest_first_across_chunks(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "_CHUNK", 2)  # every stream pages several times
    for i in range(7):
        record = saas()
        record["proposal"]["authentication"]["mfa"] = False  # a waivable security blocker
        submitted(services, record, by=("dana", "lee")[i % 2])
        if i % 3:  # some requests wait since the very same moment: ties go by id
            clock.advance(minutes=5)
    items = queue.waiver_queue(services, "iso", limit=100)
    ids = [item.id for item in items]
    assert len(ids) == 7 == len(set(ids))
    assert ids == oracle(services, ["security"])
    assert all(item.domain == "security" and item.count >= 1 for item in items)
    page = queue.waiver_queue(services, "iso", limit=3, offset=2)
    assert [item.id for item in page] == ids[2:5]
    assert [item.waiting_since for item in items] == sorted(item.waiting_since for item in items)
