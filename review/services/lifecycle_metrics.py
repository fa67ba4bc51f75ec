"""The dashboard's after-approval figures (GEN-9): overdue and upcoming deadlines by
department and by domain, escalated findings, and the contracts ending in the next two
quarters with their values. Scoped like every read: requesters see their department's."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from ..store.models import SystemFinding
from .context import Services
from .deadlines import system_deadlines, visible_systems
from .inventory import ref


@dataclass(frozen=True)
class DueCount:
    group: str
    overdue: int
    due: int  # within its notice window (GEN-9), not yet overdue
    upcoming: int  # later


@dataclass(frozen=True)
class Renewal:
    system: str
    title: str
    department: str
    vendor: str | None
    contract_end: dt.date
    value: float | None
    quarter: str
    auto_renewal: bool


@dataclass(frozen=True)
class Board:
    as_of: dt.date
    systems: int
    overdue: int
    due: int
    escalated: int
    by_department: list[DueCount]
    by_domain: list[DueCount]
    renewals: list[Renewal]
    quarters: list[tuple[str, int, float]]  # (quarter, contracts ending, their value)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)


def two_quarters(as_of: dt.date) -> tuple[dt.date, list[str]]:
    """The current quarter and the next: the last day they cover, and their labels."""
    year, quarter = quarter_of(as_of)
    following = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarter_end(*following), [f"{year} Q{quarter}", f"{following[0]} Q{following[1]}"]


def board(services: Services, by: str, as_of: dt.date | None = None) -> Board:
    day = as_of or services.today()
    with services.transaction(by) as tx:
        systems = visible_systems(tx, tx.who)
        every = system_deadlines(tx, systems)
        counts: dict[str, Counter[tuple[str, str]]] = {
            "overdue": Counter(),
            "due": Counter(),
            "upcoming": Counter(),
        }
        for system in systems:
            for deadline in every[system.id]:
                counts[deadline.status(day)][(system.department, deadline.domain)] += 1
        escalated = int(
            tx.session.scalar(
                select(func.count()).where(
                    SystemFinding.status == "open",
                    SystemFinding.escalated_on.is_not(None),
                    SystemFinding.system_id.in_([s.id for s in systems]),
                )
            )
            or 0
        )
        last, labels = two_quarters(day)
        renewals = [
            Renewal(
                ref(s),
                s.title,
                s.department,
                s.vendor,
                s.contract_end,
                s.contract_value,
                "{} Q{}".format(*quarter_of(s.contract_end)),
                bool(s.auto_renewal),
            )
            for s in systems
            if s.contract_end is not None and day <= s.contract_end <= last
        ]
    renewals.sort(key=lambda r: r.contract_end)
    return Board(
        as_of=day,
        systems=len(systems),
        overdue=sum(counts["overdue"].values()),
        due=sum(counts["due"].values()),
        escalated=escalated,
        by_department=_grouped(counts, 0),
        by_domain=_grouped(counts, 1),
        renewals=renewals,
        quarters=[
            (
                label,
                sum(1 for r in renewals if r.quarter == label),
                sum(r.value or 0.0 for r in renewals if r.quarter == label),
            )
            for label in labels
        ],
    )


def _grouped(counts: dict[str, Counter[tuple[str, str]]], index: int) -> list[DueCount]:
    groups = sorted({k[index] for counter in counts.values() for k in counter})

    def total(status: str, group: str) -> int:
        return sum(n for k, n in counts[status].items() if k[index] == group)

    return [
        DueCount(group, total("overdue", group), total("due", group), total("upcoming", group))
        for group in groups
    ]
