"""Dashboard: how the review is performing. Every chart has its numbers beside it as a table
(the charts only repeat them), and severity is always written as a word.

The figures come from review.services.metrics, which decides the scope from the signed-in
user: requesters see their own department's numbers only.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from review.errors import ReviewError
from review.services import metrics
from review.services.queue import SEVERITY
from review.ui import runtime
from review.ui.components import DOMAIN_TITLE, state_text, when
from review.ui.policy_text import literal

ALL = "all"

svc = runtime.services()
actor = runtime.actor(svc)
st.title("Dashboard")
if actor is None:
    st.error("Sign in to see the dashboard.")
    st.stop()
assert actor is not None

try:
    board = metrics.dashboard(svc, actor.username)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

if board.scope.department is None:
    st.caption(f"Numbers for all departments, as of {when(board.as_of)}.")
else:
    st.info(
        f"Numbers for the **{literal(board.scope.department or 'no')}** department only, "
        f"as of {when(board.as_of)}."
    )

proposal_time = next((t for t in board.decision_times if t.stage == "proposal"), None)
cols = st.columns(4)
cols[0].metric("Requests", board.proposals)
cols[1].metric("Open review items", board.open_items)
cols[2].metric("Decisions (proposal stage)", proposal_time.decisions if proposal_time else 0)
cols[3].metric(
    "Median days, submission to decision",
    "—"
    if proposal_time is None or proposal_time.median_days is None
    else proposal_time.median_days,
    help="Proposal stage: from the first submission to the approval or rejection.",
)


def chart_and_table(
    rows: list[dict[str, Any]], x: str, y: str, *, key: str, horizontal: bool = False
) -> None:
    """A bar chart and, beside it, the same numbers as a table."""
    if not rows:
        st.caption("Nothing to show yet.")
        return
    chart_col, table_col = st.columns([3, 2])
    with chart_col:
        st.bar_chart(
            {x: [r[x] for r in rows], y: [r[y] for r in rows]},
            x=x,
            y=y,
            horizontal=horizontal,
            sort=False,
        )
    with table_col:
        st.dataframe(rows, hide_index=True, key=f"{key}-table")


# --- proposals by state ---------------------------------------------------------------------
st.subheader("Requests by state")
chart_and_table(
    [{"State": state_text(s.state), "Requests": s.count} for s in board.states],
    "State",
    "Requests",
    key="dashboard-states",
    horizontal=True,
)

# --- open items by review domain ------------------------------------------------------------
st.subheader("Open review items by domain")
st.caption("Required sign-offs not yet given, for requests waiting on reviewers.")
chart_and_table(
    [
        {
            "Domain": DOMAIN_TITLE.get(d.domain, d.domain),
            "Open items": d.open,
            "Waiting since": when(d.oldest_opened),
        }
        for d in board.open_by_domain
    ],
    "Domain",
    "Open items",
    key="dashboard-domains",
)

# --- time to decision -----------------------------------------------------------------------
st.subheader("Time from submission to decision")
st.dataframe(
    [
        {
            "Stage": t.stage.capitalize(),
            "Decisions": t.decisions,
            "Median days": t.median_days,
        }
        for t in board.decision_times
    ],
    hide_index=True,
    key="dashboard-decision-times-table",
)

# --- oldest open items ----------------------------------------------------------------------
st.subheader("Oldest open items")
if not board.oldest_open:
    st.caption("No review item is open.")
else:
    st.dataframe(
        [
            {
                "Request": item.ref,
                "Title": item.title,
                "Department": item.department,
                "Domain": DOMAIN_TITLE.get(item.domain, item.domain),
                "State": state_text(item.state),
                "Worst severity": item.worst_severity.upper(),
                "Waiting since": when(item.opened_at),
                "Age (days)": item.age_days,
            }
            for item in board.oldest_open
        ],
        hide_index=True,
        key="dashboard-oldest-table",
    )

# --- findings over time ---------------------------------------------------------------------
st.subheader("Findings over time")
st.caption(
    "Findings of stored evaluations by month of evaluation; each request counts once a month, "
    "by its last evaluation that month."
)
order = list(DOMAIN_TITLE)
domains = sorted(
    {f.domain for f in board.findings},
    key=lambda d: order.index(d) if d in order else len(order),
)
domain = st.selectbox(
    "Finding domain",
    [ALL, *domains],
    format_func=lambda d: "All domains" if d == ALL else DOMAIN_TITLE.get(d, d),
    key="dashboard-findings-domain",
)
selected = [f for f in board.findings if domain in (ALL, f.domain)]
if not selected:
    st.caption("No findings stored yet.")
else:
    months = sorted({f.month for f in selected})
    present = [s for s in SEVERITY if any(f.severity == s for f in selected)]
    totals: dict[tuple[str, str], int] = {}
    for f in selected:
        totals[(f.month, f.severity)] = totals.get((f.month, f.severity), 0) + f.count
    series: dict[str, list[Any]] = {"Month": months}
    for severity in present:
        series[severity.upper()] = [totals.get((m, severity), 0) for m in months]
    st.line_chart(series, x="Month", y=[s.upper() for s in present])
    st.dataframe(
        [{"Month": m, **{s.upper(): totals.get((m, s), 0) for s in present}} for m in months],
        hide_index=True,
        key="dashboard-findings-table",
    )
    with st.expander("By domain and severity", key="dashboard-findings-detail"):
        st.dataframe(
            [
                {
                    "Month": f.month,
                    "Domain": DOMAIN_TITLE.get(f.domain, f.domain),
                    "Severity": f.severity.upper(),
                    "Findings": f.count,
                }
                for f in selected
            ],
            hide_index=True,
            key="dashboard-findings-detail-table",
        )


# --- after approval (GEN-9) -----------------------------------------------------------------
def after_approval_section() -> None:
    """Overdue and upcoming deadlines by department and domain, and the renewals of the next
    two quarters with their contract values (review.services.lifecycle_metrics)."""
    from review.services import lifecycle_metrics

    assert actor is not None
    try:
        lifecycle = lifecycle_metrics.board(svc, actor.username)
    except ReviewError as exc:
        st.error(str(exc))
        return
    st.subheader("After approval: the inventory's deadlines")
    cols = st.columns(4)
    cols[0].metric("Systems in use", lifecycle.systems)
    cols[1].metric("Overdue deadlines", lifecycle.overdue)
    cols[2].metric("Due within their notice window", lifecycle.due)
    cols[3].metric("Escalated to the Director", lifecycle.escalated)
    for title, groups, key in (
        ("By department", lifecycle.by_department, "dashboard-due-department"),
        ("By domain", lifecycle.by_domain, "dashboard-due-domain"),
    ):
        st.markdown(f"**{title}**")
        chart_and_table(
            [
                {
                    "Group": DOMAIN_TITLE.get(g.group, g.group),
                    "Overdue": g.overdue,
                    "Due soon": g.due,
                    "Upcoming": g.upcoming,
                }
                for g in groups
            ],
            "Group",
            "Due soon",
            key=key,
            horizontal=True,
        )
    st.markdown("**Contracts ending in the next two quarters**")
    st.dataframe(
        [
            {"Quarter": q, "Contracts ending": n, "Contract value": f"${v:,.0f}"}
            for q, n, v in lifecycle.quarters
        ],
        hide_index=True,
        key="dashboard-renewal-quarters-table",
    )
    if lifecycle.renewals:
        st.dataframe(
            [
                {
                    "System": r.system,
                    "Title": r.title,
                    "Department": r.department,
                    "Vendor": r.vendor or "—",
                    "Ends": r.contract_end.isoformat(),
                    "Quarter": r.quarter,
                    "Value": "—" if r.value is None else f"${r.value:,.0f}",
                    "Renews automatically": "yes" if r.auto_renewal else "no",
                }
                for r in lifecycle.renewals
            ],
            hide_index=True,
            key="dashboard-renewals-table",
        )


after_approval_section()
