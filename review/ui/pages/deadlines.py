"""Deadlines: everything due on the systems you may see, soonest first (GEN-9), your digest
choice, your calendar feed, and for admins the deliveries that failed and the last sweeps."""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import deadlines, feed, outbox, preferences, sweep
from review.ui import runtime
from review.ui.components import DOMAIN_TITLE
from review.ui.policy_text import literal

INVENTORY_PAGE = "review/ui/pages/inventory.py"
STATUS_TEXT = {"": "Any status", "overdue": "Overdue", "due": "Due soon", "upcoming": "Upcoming"}
WEEKDAY_TEXT = dict(
    zip(
        preferences.WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)

svc = runtime.services()
actor = runtime.require_actor(svc)
st.title("Deadlines")
st.caption(f"As of {svc.today().isoformat()}. {deadlines.notice_summary(svc)}")

cols = st.columns([2, 2, 2, 1])
status = cols[0].selectbox(
    "Status", list(STATUS_TEXT), format_func=STATUS_TEXT.__getitem__, key="dl-status"
)
domain = cols[1].selectbox(
    "Domain",
    ["", *DOMAIN_TITLE],
    key="dl-domain",
    format_func=lambda d: DOMAIN_TITLE.get(d, "Every domain"),
)
department = cols[2].text_input("Department", key="dl-department", placeholder="Every department")
mine = cols[3].toggle("Only mine", key="dl-mine", help="Deadlines GEN-9 tells you of.")
try:
    rows = deadlines.listing(
        svc,
        actor.username,
        status=status or None,
        domain=domain or None,
        department=department.strip() or None,
        mine=mine,
    )
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

metrics = st.columns(3)
metrics[0].metric("Overdue", sum(1 for r in rows if r.status == "overdue"))
metrics[1].metric("Due soon", sum(1 for r in rows if r.status == "due"))
metrics[2].metric("Upcoming", sum(1 for r in rows if r.status == "upcoming"))
if not rows:
    st.info("No deadline matches these filters.")
else:
    st.dataframe(
        [
            {
                "Due": r.due_on.isoformat(),
                "Days left": r.days_left,
                "Status": r.status.upper() if r.status == "overdue" else STATUS_TEXT[r.status],
                "System": r.system,
                "Deadline": r.title,
                "Title": r.system_title,
                "Department": r.department,
                "Domain": DOMAIN_TITLE.get(r.domain, r.domain),
                "Policy": ", ".join(r.citations),
            }
            for r in rows
        ],
        hide_index=True,
        key="deadlines-table",
    )
    systems = sorted({r.system for r in rows}, key=lambda ref: int(ref[2:]))
    pick = st.columns([3, 1])
    target = pick[0].selectbox("System", systems, key="dl-system")
    if pick[1].button("Open in the inventory", key="dl-open"):
        st.switch_page(INVENTORY_PAGE, query_params={"system": target})

st.subheader("Your notifications")
current = preferences.get(svc, actor.username)
with st.form("digest-form"):
    choice = st.radio(
        "Digest",
        ["daily", "weekly"],
        horizontal=True,
        key="digest-choice",
        index=0 if current.digest == "daily" else 1,
        format_func=lambda c: c.capitalize(),
    )
    weekday = st.selectbox(
        "Weekly digest comes on",
        list(WEEKDAY_TEXT),
        index=list(WEEKDAY_TEXT).index(current.weekday),
        format_func=WEEKDAY_TEXT.__getitem__,
        key="digest-weekday",
    )
    st.caption(
        "Whatever you choose, a notice mark reached, a new blocker or an escalation "
        "comes the same day."
    )
    if st.form_submit_button("Save"):
        try:
            preferences.set_digest(svc, actor.username, choice, weekday)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            st.success(
                f"Digest: {choice}"
                + (f" on {WEEKDAY_TEXT[weekday]}" if choice == "weekly" else "")
                + "."
            )

st.subheader("Calendar feed")
st.caption(
    "Subscribe to your deadlines in Outlook or any calendar. The address is secret and shown "
    "once; making a new one stops the old address at once."
)
feed_cols = st.columns(2)
if feed_cols[0].button(
    "Make a new secret address" if current.has_feed else "Make my calendar address",
    key="feed-rotate",
):
    try:
        st.session_state["feed-url"] = feed.url(feed.rotate(svc, actor.username))
    except ReviewError as exc:
        st.error(str(exc))
if "feed-url" in st.session_state:
    st.code(st.session_state["feed-url"], language=None)
try:
    ics = feed.calendar_for(svc, actor.username)
except ReviewError as exc:
    st.error(str(exc))
else:
    feed_cols[1].download_button(
        "Download my deadlines (.ics)",
        ics,
        file_name="deadlines.ics",
        mime="text/calendar",
        key="feed-download",
    )

if actor.is_admin:
    st.subheader("Deliveries that need attention")
    problems = outbox.problems(svc, actor.username)
    if not problems:
        st.success("Every notification was delivered or is waiting its turn.")
    for problem in problems:
        with st.container(border=True, key=f"outbox-{problem.id}"):
            st.markdown(
                f"**{problem.status.upper()}** · {problem.channel} to "
                f"{literal(problem.recipient)} · {problem.attempts} attempts · "
                f"{literal(problem.subject)}"
            )
            st.caption(f"Last error: {literal(problem.last_error or 'none recorded')}")
            if problem.status == "failed" and st.button("Send again", key=f"retry-{problem.id}"):
                try:
                    outbox.retry(svc, actor.username, problem.id)
                except ReviewError as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
    runs = sweep.last_runs(svc, actor.username, limit=5)
    st.subheader("Last sweeps")
    if not runs:
        st.caption(
            "The daily sweep has not run yet (docs/lifecycle.md: cron, systemd, Kubernetes)."
        )
    else:
        st.dataframe(
            [
                {
                    "As of": r.as_of.isoformat(),
                    "Status": r.status,
                    "Runner": r.runner,
                    **{k.replace("_", " ").capitalize(): v for k, v in r.counts.items()},
                }
                for r in runs
            ],
            hide_index=True,
            key="sweep-runs-table",
        )
