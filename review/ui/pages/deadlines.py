"""Deadlines: everything due on the systems you may see, soonest first (GEN-9), your digest
choice, your calendar feed, and for admins the deliveries that failed and the last sweeps."""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import deadlines, feed, outbox, preferences, sweep
from review.ui import runtime, words
from review.ui.components import DOMAIN_TITLE
from review.ui.policy_text import literal

INVENTORY_PAGE = "review/ui/pages/inventory.py"
STATUS_TEXT = {
    "": words.N_("Any status"),
    "overdue": words.N_("Overdue"),
    "due": words.N_("Due soon"),
    "upcoming": words.N_("Upcoming"),
}
WEEKDAY_TEXT = dict(
    zip(
        preferences.WEEKDAYS,
        (
            words.N_("Monday"),
            words.N_("Tuesday"),
            words.N_("Wednesday"),
            words.N_("Thursday"),
            words.N_("Friday"),
            words.N_("Saturday"),
            words.N_("Sunday"),
        ),
        strict=True,
    )
)
DIGEST_TEXT = {"daily": words.N_("Daily"), "weekly": words.N_("Weekly")}

lang = words.language()
svc = runtime.services()
actor = runtime.require_actor(svc)
st.title(lang("Deadlines"))
st.caption(
    lang("As of %(date)s. %(notices)s")
    % {"date": svc.today().isoformat(), "notices": deadlines.notice_summary(svc)}
)

cols = st.columns([2, 2, 2, 1])
status = cols[0].selectbox(
    lang("Status"), list(STATUS_TEXT), format_func=lambda s: lang(STATUS_TEXT[s]), key="dl-status"
)
domain = cols[1].selectbox(
    lang("Domain"),
    ["", *DOMAIN_TITLE],
    key="dl-domain",
    format_func=lambda d: DOMAIN_TITLE.get(d) or lang("Every domain"),
)
department = cols[2].text_input(
    lang("Department"), key="dl-department", placeholder=lang("Every department")
)
mine = cols[3].toggle(lang("Only mine"), key="dl-mine", help=lang("Deadlines GEN-9 tells you of."))
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
metrics[0].metric(lang("Overdue"), sum(1 for r in rows if r.status == "overdue"))
metrics[1].metric(lang("Due soon"), sum(1 for r in rows if r.status == "due"))
metrics[2].metric(lang("Upcoming"), sum(1 for r in rows if r.status == "upcoming"))
if not rows:
    st.info(lang("No deadline matches these filters."))
else:
    st.dataframe(
        [
            {
                lang("Due"): r.due_on.isoformat(),
                lang("Days left"): r.days_left,
                lang("Status"): (
                    r.status.upper() if r.status == "overdue" else lang(STATUS_TEXT[r.status])
                ),
                lang("System"): r.system,
                lang("Deadline"): r.title,
                lang("Title"): r.system_title,
                lang("Department"): r.department,
                lang("Domain"): DOMAIN_TITLE.get(r.domain, r.domain),
                lang("Policy"): ", ".join(r.citations),
            }
            for r in rows
        ],
        hide_index=True,
        key="deadlines-table",
    )
    systems = sorted({r.system for r in rows}, key=lambda ref: int(ref[2:]))
    pick = st.columns([3, 1])
    target = pick[0].selectbox(lang("System"), systems, key="dl-system")
    if pick[1].button(lang("Open in the inventory"), key="dl-open"):
        st.switch_page(INVENTORY_PAGE, query_params={"system": target})

st.subheader(lang("Your notifications"))
current = preferences.get(svc, actor.username)
with st.form("digest-form"):
    choice = st.radio(
        lang("Digest"),
        ["daily", "weekly"],
        horizontal=True,
        key="digest-choice",
        index=0 if current.digest == "daily" else 1,
        format_func=lambda c: lang(DIGEST_TEXT[c]),
    )
    weekday = st.selectbox(
        lang("Weekly digest comes on"),
        list(WEEKDAY_TEXT),
        index=list(WEEKDAY_TEXT).index(current.weekday),
        format_func=lambda d: lang(WEEKDAY_TEXT[d]),
        key="digest-weekday",
    )
    st.caption(
        lang(
            "Whatever you choose, a notice mark reached, a new blocker or an escalation "
            "comes the same day."
        )
    )
    if st.form_submit_button(lang("Save")):
        try:
            preferences.set_digest(svc, actor.username, choice, weekday)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            st.success(
                lang("Digest: %(choice)s on %(day)s.")
                % {"choice": choice, "day": lang(WEEKDAY_TEXT[weekday])}
                if choice == "weekly"
                else lang("Digest: %(choice)s.") % {"choice": choice}
            )

st.subheader(lang("Calendar feed"))
st.caption(
    lang(
        "Subscribe to your deadlines in Outlook or any calendar. The address is secret and shown "
        "once; making a new one stops the old address at once."
    )
)
feed_cols = st.columns(2)
if feed_cols[0].button(
    lang("Make a new secret address") if current.has_feed else lang("Make my calendar address"),
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
        lang("Download my deadlines (.ics)"),
        ics,
        file_name="deadlines.ics",
        mime="text/calendar",
        key="feed-download",
    )

if actor.is_admin:
    st.subheader(lang("Deliveries that need attention"))
    problems = outbox.problems(svc, actor.username)
    if not problems:
        st.success(lang("Every notification was delivered or is waiting its turn."))
    for problem in problems:
        with st.container(border=True, key=f"outbox-{problem.id}"):
            st.markdown(
                lang(
                    "**%(status)s** · %(channel)s to %(recipient)s · %(attempts)s attempts · "
                    "%(subject)s"
                )
                % {
                    "status": problem.status.upper(),
                    "channel": problem.channel,
                    "recipient": literal(problem.recipient),
                    "attempts": problem.attempts,
                    "subject": literal(problem.subject),
                }
            )
            error = literal(problem.last_error) if problem.last_error else lang("none recorded")
            st.caption(lang("Last error: %(error)s") % {"error": error})
            if problem.status == "failed" and st.button(
                lang("Send again"), key=f"retry-{problem.id}"
            ):
                try:
                    outbox.retry(svc, actor.username, problem.id)
                except ReviewError as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
    runs = sweep.last_runs(svc, actor.username, limit=5)
    st.subheader(lang("Last sweeps"))
    if not runs:
        st.caption(
            lang("The daily sweep has not run yet (docs/lifecycle.md: cron, systemd, Kubernetes).")
        )
    else:
        st.dataframe(
            [
                {
                    lang("As of"): r.as_of.isoformat(),
                    lang("Status"): r.status,
                    lang("Runner"): r.runner,
                    **{k.replace("_", " ").capitalize(): v for k, v in r.counts.items()},
                }
                for r in runs
            ],
            hide_index=True,
            key="sweep-runs-table",
        )
