"""Helpers for the after-approval tests: a system in the inventory with a contract whose
dates a test chooses, and reading back what the sweep recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from review.services import decisions, proposals, reviews
from review.services.context import Services
from review.store.models import Notice, NoticeMark, OutboxMessage, System, SystemFinding

from .support import approved, contract_record, sign


def contract_approved(
    services: Services, *, proposal: dict[str, Any] | None = None, **contract: Any
) -> System:
    """The SaaS base approved with conditions, then its contract (with ``contract`` fields
    replaced) approved: a system with a contract in the inventory."""
    view = approved(services)
    record = contract_record()
    record["contract"].update({k: v for k, v in contract.items()})
    record["proposal"].update(proposal or {})
    proposals.submit_contract(services, "dana", view.id, record)
    view = reviews.start_review(services, "paul", view.id)
    view = sign(services, view.id, view.required_signoffs)
    assert view.state == "contract_ready", view.state
    view = decisions.decide(services, "cara", view.id, "approve")
    assert view.state == "contract_approved"
    return system_of(services, view.id)


def system_of(services: Services, proposal_id: int) -> System:
    with services.transaction() as tx:
        found = tx.session.scalar(select(System).where(System.proposal_id == proposal_id))
        assert found is not None, f"P-{proposal_id} is not in the inventory"
        return found


def system(services: Services, system_id: int) -> System:
    with services.transaction() as tx:
        found = tx.session.get(System, system_id)
        assert found is not None
        return found


def marks(services: Services, system_id: int, kind: str | None = None) -> list[tuple[str, str]]:
    """(deadline key, mark) recorded for the system, oldest first."""
    with services.transaction() as tx:
        rows = tx.session.execute(
            select(NoticeMark.deadline_key, NoticeMark.mark)
            .where(NoticeMark.system_id == system_id)
            .order_by(NoticeMark.id)
        )
        return [(k, m) for k, m in rows if kind is None or k.startswith(kind + "|")]


def findings(services: Services, system_id: int) -> list[SystemFinding]:
    with services.transaction() as tx:
        return list(
            tx.session.scalars(
                select(SystemFinding)
                .where(SystemFinding.system_id == system_id)
                .order_by(SystemFinding.id)
            )
        )


def notices(services: Services) -> list[Notice]:
    with services.transaction() as tx:
        return list(tx.session.scalars(select(Notice).order_by(Notice.id)))


def outbox(services: Services) -> list[OutboxMessage]:
    with services.transaction() as tx:
        return list(tx.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)
