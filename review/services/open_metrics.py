"""The review's performance metrics as open data (DA.4), as of a date, for `review publish`.

Four tables, each aggregated so that no request, person or finding text is identifiable:
requests by department, tier and disposition; days from submission to decision per stage
(median and 90th percentile); findings by the policy section they enforce, per quarter;
waivers granted and expired, per quarter and domain. Everything dated after ``as_of`` is left
out, so the same records give the same figures whenever they are published.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from ..store.models import Decision, Proposal, RecordVersion, StoredEvaluation, Waiver
from .context import Tx

STAGES = ("proposal", "contract")


def _end(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def requests(tx: Tx, as_of: dt.date) -> list[dict[str, Any]]:
    """Submitted requests by department, tier and disposition (their current values)."""
    query = (
        select(Proposal.department, Proposal.tier, Proposal.disposition, func.count(Proposal.id))
        .where(Proposal.submitted_at.is_not(None), Proposal.submitted_at < _end(as_of))
        .group_by(Proposal.department, Proposal.tier, Proposal.disposition)
    )
    rows = [
        {"department": d, "tier": t, "disposition": p, "requests": int(n)}
        for d, t, p, n in tx.session.execute(query)
    ]
    return sorted(rows, key=lambda r: (r["department"], r["tier"] or 0, r["disposition"] or ""))


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def stage_times(tx: Tx, as_of: dt.date) -> list[dict[str, Any]]:
    """Days from a stage's first submission to its decision: count, median, 90th percentile."""
    first = dict(
        ((p, s), _aware(t))
        for p, s, t in tx.session.execute(
            select(
                RecordVersion.proposal_id, RecordVersion.stage, func.min(RecordVersion.created_at)
            )
            .where(RecordVersion.submitted.is_(True))
            .group_by(RecordVersion.proposal_id, RecordVersion.stage)
        )
    )
    days: dict[str, list[float]] = {s: [] for s in STAGES}
    decided = select(Decision.proposal_id, Decision.stage, Decision.created_at).where(
        Decision.created_at < _end(as_of)
    )
    for proposal_id, stage, at in tx.session.execute(decided):
        start = first.get((proposal_id, stage))
        if start is not None and stage in days:
            days[stage].append((_aware(at) - start).total_seconds() / 86400)
    out = []
    for stage in STAGES:
        values = days[stage]
        out.append(
            {
                "stage": stage,
                "decisions": len(values),
                "median_days": round(statistics.median(values), 1) if values else None,
                "p90_days": round(percentile(values, 0.9), 1) if values else None,
            }
        )
    return out


def findings_by_section(tx: Tx, as_of: dt.date) -> list[dict[str, Any]]:
    """Findings by the section they enforce (their first citation), per quarter: each request
    counts once per quarter, by its last evaluation of that quarter."""
    last: dict[tuple[int, str], list[Any]] = {}
    query = (
        select(StoredEvaluation.proposal_id, StoredEvaluation.as_of, StoredEvaluation.findings)
        .where(StoredEvaluation.as_of <= as_of)
        .order_by(StoredEvaluation.id)
    )
    for proposal_id, day, findings in tx.session.execute(query):
        last[(proposal_id, quarter(day))] = findings
    counts: Counter[tuple[str, str]] = Counter()
    for (_, period), findings in last.items():
        for finding in findings:
            cited = finding.get("citations") or ["(none)"]
            counts[(period, str(cited[0]))] += 1
    return [{"quarter": q, "section": s, "findings": n} for (q, s), n in sorted(counts.items())]


def waivers(tx: Tx, as_of: dt.date) -> list[dict[str, Any]]:
    """Waivers granted, and waivers that expired (unrevoked), per quarter and domain."""
    counts: Counter[tuple[str, str, str]] = Counter()
    rows = tx.session.execute(
        select(Waiver.domain, Waiver.granted_at, Waiver.expires_on, Waiver.revoked_at)
    )
    for domain, granted_at, expires_on, revoked_at in rows:
        granted = _aware(granted_at).date()
        if granted <= as_of:
            counts[(quarter(granted), domain, "granted")] += 1
        revoked = _aware(revoked_at).date() if revoked_at is not None else None
        if expires_on < as_of and (revoked is None or revoked > expires_on):
            counts[(quarter(expires_on), domain, "expired")] += 1
    keys = sorted({(q, d) for q, d, _ in counts})
    return [
        {
            "quarter": q,
            "domain": d,
            "granted": counts[(q, d, "granted")],
            "expired": counts[(q, d, "expired")],
        }
        for q, d in keys
    ]
