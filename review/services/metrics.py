"""Performance metrics for the dashboard: a read model over the system of record.

Every figure is an aggregate query (GROUP BY, a median by ordered offset, JSON array
expansion in the database), so the cost does not grow with a loop over proposals in Python.
Visibility follows GEN-4 as everywhere else: anyone who sees every request (reviewers,
waiver authorities, approvers, admins) gets City-wide numbers; a requester gets their own
department's numbers only. The scope is decided here from the actor, never by the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, select, text

from ..store.models import Decision, Proposal, RecordVersion, ReviewTask
from . import access
from .access import ref
from .context import Services, Tx
from .queue import SEVERITY

STAGES = ("proposal", "contract")
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class Scope:
    """Whose numbers these are: the whole City (None) or one department."""

    department: str | None

    @property
    def label(self) -> str:
        return "all departments" if self.department is None else f"{self.department} only"


@dataclass(frozen=True)
class StateCount:
    state: str
    count: int


@dataclass(frozen=True)
class DomainCount:
    """Open review items (required sign-offs not yet given) of one review domain."""

    domain: str
    open: int
    oldest_opened: dt.datetime | None


@dataclass(frozen=True)
class DecisionTime:
    """Submission of a stage to its decision, in days (median over every decision)."""

    stage: str
    decisions: int
    median_days: float | None


@dataclass(frozen=True)
class OpenItem:
    id: int
    ref: str
    title: str
    department: str
    domain: str
    state: str
    worst_severity: str
    opened_at: dt.datetime
    age_days: int


@dataclass(frozen=True)
class FindingCount:
    """Findings of one severity and domain in the evaluations of one month (YYYY-MM).

    Each proposal counts once per month, by its last evaluation of that month, so a
    resubmission or a re-evaluation in the same month does not count its findings twice.
    """

    month: str
    severity: str
    domain: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    as_of: dt.datetime
    states: list[StateCount]
    open_by_domain: list[DomainCount]
    decision_times: list[DecisionTime]
    oldest_open: list[OpenItem]
    findings: list[FindingCount]

    @property
    def proposals(self) -> int:
        return sum(s.count for s in self.states)

    @property
    def open_items(self) -> int:
        return sum(d.open for d in self.open_by_domain)


# --- public API: one transaction per call ---------------------------------------------------


def scope_of(services: Services, by: str) -> Scope:
    with services.transaction(by) as tx:
        return _scope(tx)


def proposals_by_state(services: Services, by: str) -> list[StateCount]:
    with services.transaction(by) as tx:
        return _states(tx, _scope(tx))


def open_items_by_domain(services: Services, by: str) -> list[DomainCount]:
    with services.transaction(by) as tx:
        return _open_by_domain(tx, _scope(tx))


def decision_times(services: Services, by: str) -> list[DecisionTime]:
    with services.transaction(by) as tx:
        return _decision_times(tx, _scope(tx))


def oldest_open_items(services: Services, by: str, *, limit: int = 10) -> list[OpenItem]:
    with services.transaction(by) as tx:
        return _oldest(tx, _scope(tx), limit)


def findings_over_time(services: Services, by: str, *, months: int = 24) -> list[FindingCount]:
    with services.transaction(by) as tx:
        return _findings(tx, _scope(tx), months)


def dashboard(services: Services, by: str, *, oldest: int = 10, months: int = 24) -> Dashboard:
    """Every dashboard figure, read in one transaction (one consistent snapshot)."""
    with services.transaction(by) as tx:
        scope = _scope(tx)
        return Dashboard(
            scope=scope,
            as_of=_aware(services.now()),
            states=_states(tx, scope),
            open_by_domain=_open_by_domain(tx, scope),
            decision_times=_decision_times(tx, scope),
            oldest_open=_oldest(tx, scope, oldest),
            findings=_findings(tx, scope, months),
        )


# --- the queries ----------------------------------------------------------------------------


def _scope(tx: Tx) -> Scope:
    actor = tx.who
    if access.sees_all(actor):
        return Scope(None)
    # A requester (or anyone without a City-wide role) sees their own department only; no
    # department means no requests at all, as in proposals.list_proposals.
    return Scope(actor.department or "")


def _in_scope(query: Select[*Ts], scope: Scope) -> Select[*Ts]:
    if scope.department is None:
        return query
    return query.where(Proposal.department == scope.department)


def _states(tx: Tx, scope: Scope) -> list[StateCount]:
    query = _in_scope(
        select(Proposal.state, func.count(Proposal.id)).group_by(Proposal.state), scope
    )
    rows = [StateCount(state, int(count)) for state, count in tx.session.execute(query)]
    return sorted(rows, key=lambda r: (-r.count, r.state))


def _open_tasks(query: Select[*Ts], scope: Scope) -> Select[*Ts]:
    return _in_scope(
        query.join(Proposal, Proposal.id == ReviewTask.proposal_id).where(
            ReviewTask.status == "open"
        ),
        scope,
    )


def _open_by_domain(tx: Tx, scope: Scope) -> list[DomainCount]:
    query = _open_tasks(
        select(ReviewTask.domain, func.count(ReviewTask.id), func.min(ReviewTask.opened_at))
        .select_from(ReviewTask)
        .group_by(ReviewTask.domain),
        scope,
    )
    rows = [
        DomainCount(domain, int(count), _aware(oldest) if oldest is not None else None)
        for domain, count, oldest in tx.session.execute(query)
    ]
    return sorted(rows, key=lambda r: (-r.open, r.domain))


def _oldest(tx: Tx, scope: Scope, limit: int) -> list[OpenItem]:
    now = _aware(tx.services.now())
    query = _open_tasks(
        select(ReviewTask, Proposal)
        .select_from(ReviewTask)
        .order_by(ReviewTask.opened_at, ReviewTask.id)
        .limit(limit),
        scope,
    )
    items = []
    for task, proposal in tx.session.execute(query):
        opened = _aware(task.opened_at)
        items.append(
            OpenItem(
                id=proposal.id,
                ref=ref(proposal),
                title=proposal.title,
                department=proposal.department,
                domain=task.domain,
                state=proposal.state,
                worst_severity=SEVERITY[task.severity_rank],
                opened_at=opened,
                age_days=max(0, (now - opened).days),
            )
        )
    return items


def _days_between(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400.0


def _decision_times(tx: Tx, scope: Scope) -> list[DecisionTime]:
    """Median days from a stage's first submission to its decision, per stage.

    A stage is submitted when its first submitted record version is stored (later
    resubmissions after a change request do not restart the clock). The median is read with
    an ordered LIMIT/OFFSET, so only one or two durations leave the database.
    """
    dialect = tx.session.get_bind().dialect.name
    first = (
        select(
            RecordVersion.proposal_id.label("proposal_id"),
            RecordVersion.stage.label("stage"),
            func.min(RecordVersion.created_at).label("submitted_at"),
        )
        .where(RecordVersion.submitted.is_(True))
        .group_by(RecordVersion.proposal_id, RecordVersion.stage)
        .subquery()
    )
    days = _days_between(dialect, first.c.submitted_at, Decision.created_at).label("days")
    durations = _in_scope(
        select(Decision.stage.label("stage"), days)
        .select_from(Decision)
        .join(
            first,
            (first.c.proposal_id == Decision.proposal_id) & (first.c.stage == Decision.stage),
        )
        .join(Proposal, Proposal.id == Decision.proposal_id),
        scope,
    ).subquery()
    counts = {
        stage: int(n)
        for stage, n in tx.session.execute(
            select(durations.c.stage, func.count()).group_by(durations.c.stage)
        )
    }
    result = []
    for stage in STAGES:
        n = counts.get(stage, 0)
        median: float | None = None
        if n:
            middle = list(
                tx.session.scalars(
                    select(durations.c.days)
                    .where(durations.c.stage == stage)
                    .order_by(durations.c.days)
                    .limit(1 if n % 2 else 2)
                    .offset((n - 1) // 2)
                )
            )
            median = round(sum(float(d) for d in middle) / len(middle), 1)
        result.append(DecisionTime(stage, n, median))
    return result


_FINDINGS_SQL = {
    "sqlite": """
        WITH ranked AS (
            SELECT e.id, e.findings, strftime('%Y-%m', e.as_of) AS month,
                   ROW_NUMBER() OVER (
                       PARTITION BY e.proposal_id, strftime('%Y-%m', e.as_of)
                       ORDER BY e.id DESC
                   ) AS position
            FROM evaluations e JOIN proposals p ON p.id = e.proposal_id
            WHERE e.as_of >= :since {scope}
        )
        SELECT r.month, json_extract(f.value, '$.severity') AS severity,
               json_extract(f.value, '$.domain') AS domain, COUNT(*) AS n
        FROM ranked r, json_each(r.findings) f
        WHERE r.position = 1
        GROUP BY r.month, severity, domain
    """,
    "postgresql": """
        WITH ranked AS (
            SELECT e.id, e.findings, to_char(e.as_of, 'YYYY-MM') AS month,
                   ROW_NUMBER() OVER (
                       PARTITION BY e.proposal_id, to_char(e.as_of, 'YYYY-MM')
                       ORDER BY e.id DESC
                   ) AS position
            FROM evaluations e JOIN proposals p ON p.id = e.proposal_id
            WHERE e.as_of >= :since {scope}
        )
        SELECT r.month, f.value ->> 'severity' AS severity, f.value ->> 'domain' AS domain,
               COUNT(*) AS n
        FROM ranked r CROSS JOIN LATERAL jsonb_array_elements(r.findings::jsonb) AS f(value)
        WHERE r.position = 1
        GROUP BY r.month, severity, domain
    """,
}


def _findings(tx: Tx, scope: Scope, months: int) -> list[FindingCount]:
    dialect = tx.session.get_bind().dialect.name
    sql = _FINDINGS_SQL["sqlite" if dialect == "sqlite" else "postgresql"]
    today = tx.services.today()
    start_month = today.year * 12 + today.month - 1 - max(0, months - 1)
    since = dt.date(start_month // 12, start_month % 12 + 1, 1)
    # SQLite keeps dates as ISO text (and its driver's date adapter is deprecated)
    params: dict[str, Any] = {"since": since.isoformat() if dialect == "sqlite" else since}
    where = ""
    if scope.department is not None:
        where = "AND p.department = :department"
        params["department"] = scope.department
    rows = [
        FindingCount(str(month), str(severity), str(domain), int(n))
        for month, severity, domain, n in tx.session.execute(text(sql.format(scope=where)), params)
    ]
    rank = {s: i for i, s in enumerate(SEVERITY)}
    return sorted(rows, key=lambda r: (r.month, rank.get(r.severity, 9), r.domain))


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive timestamps; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
