"""Re-evaluation (admins, GEN-7): run every open proposal and active contract against the
standards in force and report, per record, what changed."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from review.errors import ReviewError
from review.services.reevaluation import Impact, reevaluate_all
from review.ui import runtime
from review.ui.components import state_text, when

REPORT = "admin-reevaluate-report"


def last_report() -> tuple[dt.datetime, str, list[Impact]] | None:
    """The last run, kept in the session so it stays on screen across reruns (a plain tuple:
    a class defined in this page would be a new class on every run)."""
    stored = st.session_state.get(REPORT)
    if not isinstance(stored, tuple) or len(stored) != 3:
        return None
    at, by, impacts = stored
    if not isinstance(at, dt.datetime) or not isinstance(by, str) or not isinstance(impacts, list):
        return None
    return at, by, [i for i in impacts if isinstance(i, Impact)]


def listed(items: list[str]) -> str:
    return ", ".join(items) if items else "—"


svc = runtime.services()
actor = runtime.actor(svc)
st.title("Re-evaluation")
if actor is None or not actor.is_admin:
    st.error("Only admins run re-evaluation.")
    st.stop()
assert actor is not None

try:
    standards = svc.evaluator.standards
    rules_version = svc.evaluator.book.version
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

st.markdown(
    "**GEN-7 (re-review):** when the City changes its standards, every open proposal and "
    "every active contract is evaluated again against the standards now in force. Each gets "
    "a new stored evaluation (the earlier ones are kept). A reviewer's sign-off whose domain "
    "findings changed is invalidated, with the reason, and that domain must sign off again; "
    "a request that was ready for approval goes back to review."
)
st.markdown(
    f"Standards in force: **{standards.label}**, rules version `{rules_version}`. "
    "Drafts, withdrawn, rejected and decided-and-closed records are not re-evaluated."
)

if st.button("Re-evaluate all open records", key="reevaluate-run", type="primary"):
    try:
        with st.spinner("Re-evaluating…"):
            impacts = reevaluate_all(svc, actor.username)
    except ReviewError as exc:
        st.error(str(exc))
    else:
        st.session_state[REPORT] = (svc.now(), actor.username, impacts)

report = last_report()
if report is None:
    st.info("No re-evaluation has been run in this session yet.")
    st.stop()
assert report is not None
ran_at, ran_by, impacts = report

st.subheader("Impact report")
changed = [i for i in impacts if i.changed]
new_total = sum(len(i.new) for i in impacts)
cleared_total = sum(len(i.cleared) for i in impacts)
invalidated_total = sum(len(i.invalidated_signoffs) for i in impacts)
st.caption(f"Run by {ran_by} at {when(ran_at)}.")
cols = st.columns(5)
cols[0].metric("Records re-evaluated", len(impacts))
cols[1].metric("Records changed", len(changed))
cols[2].metric("New findings", new_total)
cols[3].metric("Cleared findings", cleared_total)
cols[4].metric("Sign-offs invalidated", invalidated_total)
st.markdown(
    f"{len(impacts)} records re-evaluated; {len(changed)} changed: {new_total} new findings, "
    f"{cleared_total} cleared findings, {invalidated_total} sign-offs invalidated."
)

if not impacts:
    st.info("There were no open proposals or active contracts to re-evaluate.")
    st.stop()

only_changed = st.checkbox("Show only records that changed", key="reevaluate-only-changed")
rows = changed if only_changed else impacts
st.dataframe(
    [
        {
            "Request": i.proposal,
            "Title": i.title,
            "State": state_text(i.state),
            "Standards before": i.standards_before or "—",
            "Standards after": i.standards_after,
            "Disposition before": i.disposition_before or "—",
            "Disposition after": i.disposition_after,
            "New findings": listed(i.new),
            "Cleared findings": listed(i.cleared),
            "Sign-offs invalidated": listed(i.invalidated_signoffs),
            "Changed": "Yes" if i.changed else "No",
        }
        for i in rows
    ],
    hide_index=True,
    key="reevaluate-impact-table",
)
