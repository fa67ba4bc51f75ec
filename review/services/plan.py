"""The technology improvement plan: approved and pending projects' costs by fiscal year, by
department and funding source (issue 15).

Which projects: every request the person may see (as on "My requests": their department's,
or all for staff who see all) that is pending (submitted, in review, changes requested,
ready for approval) or approved (approved, with conditions, and every contract state but
rejected). Drafts, rejected and withdrawn requests are not in the plan.

Costs come from the current record's ``proposal.cost`` (intake.md: one_time, annual,
term_years, annual_escalation_pct, funding_source). A project starts on its contract's
``start_date`` when the record has one, else on the day it was approved, else (pending) on
the plan's as-of date; the one-time cost falls in that fiscal year and the annual cost runs
``term_years`` service years from it (one year when the term is not given, as the TCV does).
The arithmetic is :func:`review.core.budget.spread`; the fiscal year is ``standards/budget.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..core.budget import FiscalCalendar, load_budget, spread
from ..store.models import Decision, Proposal, RecordVersion
from . import access
from .context import Services
from .lifecycle import State
from .table_files import Table

PENDING = (State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED, State.READY)
APPROVED = (
    State.APPROVED,
    State.APPROVED_WITH_CONDITIONS,
    State.CONTRACT_SUBMITTED,
    State.CONTRACT_REVIEW,
    State.CONTRACT_CHANGES_REQUESTED,
    State.CONTRACT_READY,
    State.CONTRACT_APPROVED,
)
UNSPECIFIED = "unspecified"
ZERO = Decimal(0)


@dataclass(frozen=True)
class PlanProject:
    ref: str
    title: str
    department: str
    funding_source: str
    status: str  # approved | pending
    stage: str  # the request's state
    start: dt.date
    start_basis: str  # contract start | approval | plan date
    one_time: float | None
    annual: float | None
    term_years: float | None
    escalation_pct: float | None
    by_year: dict[int, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), ZERO)


@dataclass(frozen=True)
class PlanGroup:
    department: str
    funding_source: str
    by_year: dict[int, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), ZERO)


@dataclass(frozen=True)
class Plan:
    as_of: dt.date
    years: list[int]  # the plan's fiscal years, in order
    labels: dict[int, str]  # fiscal year -> "FY2027"
    first_day: dt.date  # of the first plan year
    projects: list[PlanProject]
    groups: list[PlanGroup]  # by department and funding source

    def column(self, by_year: dict[int, Decimal], year: int | str) -> Decimal:
        """One plan year's amount, or "earlier"/"later" for what falls outside the plan."""
        if year == "earlier":
            return sum((v for y, v in by_year.items() if y < self.years[0]), ZERO)
        if year == "later":
            return sum((v for y, v in by_year.items() if y > self.years[-1]), ZERO)
        return by_year.get(int(year), ZERO)

    def totals(self) -> dict[int, Decimal]:
        out: dict[int, Decimal] = {}
        for project in self.projects:
            for year, value in project.by_year.items():
                out[year] = out.get(year, ZERO) + value
        return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _approved_on(session: Any, ids: list[int]) -> dict[int, dt.date]:
    found: dict[int, dt.date] = {}
    query = (
        select(Decision.proposal_id, Decision.created_at)
        .where(
            Decision.proposal_id.in_(ids),
            Decision.stage == "proposal",
            Decision.outcome.in_((State.APPROVED.value, State.APPROVED_WITH_CONDITIONS.value)),
        )
        .order_by(Decision.id)
    )
    for pid, at in session.execute(query):
        found[int(pid)] = at.date()
    return found


def _project(
    calendar: FiscalCalendar,
    proposal: Proposal,
    record: dict[str, Any],
    approved_on: dt.date | None,
    as_of: dt.date,
) -> PlanProject:
    cost = (record.get("proposal") or {}).get("cost") or {}
    contract_start = _date((record.get("contract") or {}).get("start_date"))
    if contract_start is not None:
        start, basis = contract_start, "contract start"
    elif approved_on is not None and proposal.state in {s.value for s in APPROVED}:
        start, basis = approved_on, "approval"
    else:
        start, basis = as_of, "plan date"
    one_time, annual = _number(cost.get("one_time")), _number(cost.get("annual"))
    term, escalation = _number(cost.get("term_years")), _number(cost.get("annual_escalation_pct"))
    return PlanProject(
        ref=access.ref(proposal),
        title=proposal.title,
        department=proposal.department,
        funding_source=str(cost.get("funding_source") or UNSPECIFIED),
        status="approved" if proposal.state in {s.value for s in APPROVED} else "pending",
        stage=proposal.state,
        start=start,
        start_basis=basis,
        one_time=one_time,
        annual=annual,
        term_years=term,
        escalation_pct=escalation,
        by_year=spread(
            calendar,
            start,
            one_time=one_time,
            annual=annual,
            term_years=term,
            escalation_pct=escalation,
        ),
    )


def _groups(projects: list[PlanProject]) -> list[PlanGroup]:
    grouped: dict[tuple[str, str], dict[int, Decimal]] = {}
    for p in projects:
        into = grouped.setdefault((p.department, p.funding_source), {})
        for year, value in p.by_year.items():
            into[year] = into.get(year, ZERO) + value
    return [PlanGroup(d, f, v) for (d, f), v in sorted(grouped.items())]


def build_plan(
    services: Services,
    by: str,
    *,
    as_of: dt.date | None = None,
    standards_dir: Path | None = None,
) -> Plan:
    """The plan as ``by`` may see it, from the fiscal year of ``as_of`` (default today)."""
    budget = load_budget(standards_dir)
    calendar = FiscalCalendar(budget.fiscal_year)
    day = as_of or services.today()
    first = calendar.year_of(day)
    years = list(range(first, first + budget.plan_years))
    states = [s.value for s in (*PENDING, *APPROVED)]
    with services.transaction(by) as tx:
        query = (
            select(Proposal, RecordVersion.record)
            .join(
                RecordVersion,
                (RecordVersion.proposal_id == Proposal.id)
                & (RecordVersion.number == Proposal.current_version),
            )
            .where(Proposal.state.in_(states))
            .order_by(Proposal.department, Proposal.id)
        )
        if not access.sees_all(tx.who):
            query = query.where(Proposal.department == (tx.who.department or ""))
        rows = list(tx.session.execute(query))
        approved = _approved_on(tx.session, [p.id for p, _ in rows])
        projects = [_project(calendar, p, r, approved.get(p.id), day) for p, r in rows]
    return Plan(
        as_of=day,
        years=years,
        labels={y: calendar.label(y) for y in years},
        first_day=calendar.start_of(years[0]),
        projects=projects,
        groups=_groups(projects),
    )


def _year_columns(plan: Plan) -> tuple[list[str], list[int | str]]:
    keys: list[int | str] = ["earlier", *plan.years, "later"]
    names = [f"Before {plan.labels[plan.years[0]]}", *(plan.labels[y] for y in plan.years)]
    names.append(f"After {plan.labels[plan.years[-1]]}")
    return names, keys


def plan_tables(plan: Plan) -> list[Table]:
    """The plan as two tables with totals: projects, and department by funding source."""
    names, keys = _year_columns(plan)
    money = (*names, "Total")
    head = ("Ref", "Title", "Department", "Funding source", "Status", "Stage", "Starts", "Basis")
    project_rows = [
        (
            p.ref,
            p.title,
            p.department,
            p.funding_source,
            p.status,
            p.stage,
            p.start,
            p.start_basis,
            *(plan.column(p.by_year, k) for k in keys),
            p.total,
        )
        for p in plan.projects
    ]
    everything = plan.totals()
    sums = (*(plan.column(everything, k) for k in keys), sum(everything.values(), ZERO))
    grand = ("Total", *("",) * (len(head) - 1), *sums)
    group_rows = [
        (g.department, g.funding_source, *(plan.column(g.by_year, k) for k in keys), g.total)
        for g in plan.groups
    ]
    group_total = ("Total", "", *sums)
    return [
        Table("Projects", (*head, *money), project_rows, [grand], money_columns=money),
        Table(
            "By department and funding",
            ("Department", "Funding source", *money),
            group_rows,
            [group_total],
            money_columns=money,
        ),
    ]
