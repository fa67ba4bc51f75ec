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
from review.ui import runtime, words
from review.ui.components import DOMAIN_TITLE, state_text, when
from review.ui.policy_text import literal

ALL = "all"

lang = words.language()
svc = runtime.services()
actor = runtime.actor(svc)
st.title(lang("Dashboard"))
if actor is None:
    st.error(lang("Sign in to see the dashboard."))
    st.stop()
assert actor is not None

try:
    board = metrics.dashboard(svc, actor.username)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

if board.scope.department is None:
    st.caption(lang("Numbers for all departments, as of %(when)s.") % {"when": when(board.as_of)})
else:
    st.info(
        lang("Numbers for the **%(department)s** department only, as of %(when)s.")
        % {
            "department": literal(board.scope.department) if board.scope.department else lang("no"),
            "when": when(board.as_of),
        }
    )

proposal_time = next((t for t in board.decision_times if t.stage == "proposal"), None)
cols = st.columns(4)
cols[0].metric(lang("Requests"), board.proposals)
cols[1].metric(lang("Open review items"), board.open_items)
cols[2].metric(lang("Decisions (proposal stage)"), proposal_time.decisions if proposal_time else 0)
cols[3].metric(
    lang("Median days, submission to decision"),
    "—"
    if proposal_time is None or proposal_time.median_days is None
    else proposal_time.median_days,
    help=lang("Proposal stage: from the first submission to the approval or rejection."),
)


def chart_and_table(
    rows: list[dict[str, Any]], x: str, y: str, *, key: str, horizontal: bool = False
) -> None:
    """A bar chart and, beside it, the same numbers as a table."""
    if not rows:
        st.caption(lang("Nothing to show yet."))
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
st.subheader(lang("Requests by state"))
chart_and_table(
    [{lang("State"): state_text(s.state), lang("Requests"): s.count} for s in board.states],
    lang("State"),
    lang("Requests"),
    key="dashboard-states",
    horizontal=True,
)

# --- open items by review domain ------------------------------------------------------------
st.subheader(lang("Open review items by domain"))
st.caption(lang("Required sign-offs not yet given, for requests waiting on reviewers."))
chart_and_table(
    [
        {
            lang("Domain"): DOMAIN_TITLE.get(d.domain, d.domain),
            lang("Open items"): d.open,
            lang("Waiting since"): when(d.oldest_opened),
        }
        for d in board.open_by_domain
    ],
    lang("Domain"),
    lang("Open items"),
    key="dashboard-domains",
)

# --- time to decision -----------------------------------------------------------------------
st.subheader(lang("Time from submission to decision"))
st.dataframe(
    [
        {
            lang("Stage"): t.stage.capitalize(),
            lang("Decisions"): t.decisions,
            lang("Median days"): t.median_days,
        }
        for t in board.decision_times
    ],
    hide_index=True,
    key="dashboard-decision-times-table",
)

# --- oldest open items ----------------------------------------------------------------------
st.subheader(lang("Oldest open items"))
if not board.oldest_open:
    st.caption(lang("No review item is open."))
else:
    st.dataframe(
        [
            {
                lang("Request"): item.ref,
                lang("Title"): item.title,
                lang("Department"): item.department,
                lang("Domain"): DOMAIN_TITLE.get(item.domain, item.domain),
                lang("State"): state_text(item.state),
                lang("Worst severity"): item.worst_severity.upper(),
                lang("Waiting since"): when(item.opened_at),
                lang("Age (days)"): item.age_days,
            }
            for item in board.oldest_open
        ],
        hide_index=True,
        key="dashboard-oldest-table",
    )

# --- findings over time ---------------------------------------------------------------------
st.subheader(lang("Findings over time"))
st.caption(
    lang(
        "Findings of stored evaluations by month of evaluation; each request counts once a "
        "month, by its last evaluation that month."
    )
)
order = list(DOMAIN_TITLE)
domains = sorted(
    {f.domain for f in board.findings},
    key=lambda d: order.index(d) if d in order else len(order),
)
domain = st.selectbox(
    lang("Finding domain"),
    [ALL, *domains],
    format_func=lambda d: lang("All domains") if d == ALL else DOMAIN_TITLE.get(d, d),
    key="dashboard-findings-domain",
)
selected = [f for f in board.findings if domain in (ALL, f.domain)]
if not selected:
    st.caption(lang("No findings stored yet."))
else:
    months = sorted({f.month for f in selected})
    present = [s for s in SEVERITY if any(f.severity == s for f in selected)]
    totals: dict[tuple[str, str], int] = {}
    for f in selected:
        totals[(f.month, f.severity)] = totals.get((f.month, f.severity), 0) + f.count
    month = lang("Month")
    series: dict[str, list[Any]] = {month: months}
    for severity in present:
        series[severity.upper()] = [totals.get((m, severity), 0) for m in months]
    st.line_chart(series, x=month, y=[s.upper() for s in present])
    st.dataframe(
        [{month: m, **{s.upper(): totals.get((m, s), 0) for s in present}} for m in months],
        hide_index=True,
        key="dashboard-findings-table",
    )
    with st.expander(lang("By domain and severity"), key="dashboard-findings-detail"):
        st.dataframe(
            [
                {
                    month: f.month,
                    lang("Domain"): DOMAIN_TITLE.get(f.domain, f.domain),
                    lang("Severity"): f.severity.upper(),
                    lang("Findings"): f.count,
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
    st.subheader(lang("After approval: the inventory's deadlines"))
    cols = st.columns(4)
    cols[0].metric(lang("Systems in use"), lifecycle.systems)
    cols[1].metric(lang("Overdue deadlines"), lifecycle.overdue)
    cols[2].metric(lang("Due within their notice window"), lifecycle.due)
    cols[3].metric(lang("Escalated to the Director"), lifecycle.escalated)
    for title, groups, key in (
        (lang("By department"), lifecycle.by_department, "dashboard-due-department"),
        (lang("By domain"), lifecycle.by_domain, "dashboard-due-domain"),
    ):
        st.markdown(f"**{title}**")
        chart_and_table(
            [
                {
                    lang("Group"): DOMAIN_TITLE.get(g.group, g.group),
                    lang("Overdue"): g.overdue,
                    lang("Due soon"): g.due,
                    lang("Upcoming"): g.upcoming,
                }
                for g in groups
            ],
            lang("Group"),
            lang("Due soon"),
            key=key,
            horizontal=True,
        )
    st.markdown(lang("**Contracts ending in the next two quarters**"))
    st.dataframe(
        [
            {lang("Quarter"): q, lang("Contracts ending"): n, lang("Contract value"): f"${v:,.0f}"}
            for q, n, v in lifecycle.quarters
        ],
        hide_index=True,
        key="dashboard-renewal-quarters-table",
    )
    if lifecycle.renewals:
        st.dataframe(
            [
                {
                    lang("System"): r.system,
                    lang("Title"): r.title,
                    lang("Department"): r.department,
                    lang("Vendor"): r.vendor or "—",
                    lang("Ends"): r.contract_end.isoformat(),
                    lang("Quarter"): r.quarter,
                    lang("Value"): "—" if r.value is None else f"${r.value:,.0f}",
                    lang("Renews automatically"): lang("yes") if r.auto_renewal else lang("no"),
                }
                for r in lifecycle.renewals
            ],
            hide_index=True,
            key="dashboard-renewals-table",
        )


after_approval_section()
