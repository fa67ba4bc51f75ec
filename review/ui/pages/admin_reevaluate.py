"""Re-evaluation (admins, GEN-7): run every open proposal and active contract against the
standards in force and report, per record, what changed."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from review.errors import ReviewError
from review.services.reevaluation import Impact, reevaluate_all
from review.ui import runtime, words
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


lang = words.language()
svc = runtime.services()
actor = runtime.actor(svc)
st.title(lang("Re-evaluation"))
if actor is None or not actor.is_admin:
    st.error(lang("Only admins run re-evaluation."))
    st.stop()
assert actor is not None

try:
    standards = svc.evaluator.standards
    rules_version = svc.evaluator.book.version
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

st.markdown(
    lang(
        "**GEN-7 (re-review):** when the City changes its standards, every open proposal and "
        "every active contract is evaluated again against the standards now in force. Each gets "
        "a new stored evaluation (the earlier ones are kept). A reviewer's sign-off whose domain "
        "findings changed is invalidated, with the reason, and that domain must sign off again; "
        "a request that was ready for approval goes back to review."
    )
)
st.markdown(
    lang(
        "Standards in force: **%(standards)s**, rules version `%(version)s`. "
        "Drafts, withdrawn, rejected and decided-and-closed records are not re-evaluated."
    )
    % {"standards": standards.label, "version": rules_version}
)

if st.button(lang("Re-evaluate all open records"), key="reevaluate-run", type="primary"):
    try:
        with st.spinner(lang("Re-evaluating…")):
            impacts = reevaluate_all(svc, actor.username)
    except ReviewError as exc:
        st.error(str(exc))
    else:
        st.session_state[REPORT] = (svc.now(), actor.username, impacts)

report = last_report()
if report is None:
    st.info(lang("No re-evaluation has been run in this session yet."))
    st.stop()
assert report is not None
ran_at, ran_by, impacts = report

st.subheader(lang("Impact report"))
changed = [i for i in impacts if i.changed]
new_total = sum(len(i.new) for i in impacts)
cleared_total = sum(len(i.cleared) for i in impacts)
invalidated_total = sum(len(i.invalidated_signoffs) for i in impacts)
st.caption(lang("Run by %(who)s at %(when)s.") % {"who": ran_by, "when": when(ran_at)})
cols = st.columns(5)
cols[0].metric(lang("Records re-evaluated"), len(impacts))
cols[1].metric(lang("Records changed"), len(changed))
cols[2].metric(lang("New findings"), new_total)
cols[3].metric(lang("Cleared findings"), cleared_total)
cols[4].metric(lang("Sign-offs invalidated"), invalidated_total)
st.markdown(
    lang(
        "%(records)s records re-evaluated; %(changed)s changed: %(new)s new findings, "
        "%(cleared)s cleared findings, %(invalidated)s sign-offs invalidated."
    )
    % {
        "records": len(impacts),
        "changed": len(changed),
        "new": new_total,
        "cleared": cleared_total,
        "invalidated": invalidated_total,
    }
)

if not impacts:
    st.info(lang("There were no open proposals or active contracts to re-evaluate."))
    st.stop()

only_changed = st.checkbox(lang("Show only records that changed"), key="reevaluate-only-changed")
rows = changed if only_changed else impacts
st.dataframe(
    [
        {
            lang("Request"): i.proposal,
            lang("Title"): i.title,
            lang("State"): state_text(i.state),
            lang("Standards before"): i.standards_before or "—",
            lang("Standards after"): i.standards_after,
            lang("Disposition before"): i.disposition_before or "—",
            lang("Disposition after"): i.disposition_after,
            lang("New findings"): listed(i.new),
            lang("Cleared findings"): listed(i.cleared),
            lang("Sign-offs invalidated"): listed(i.invalidated_signoffs),
            lang("Changed"): lang("Yes") if i.changed else lang("No"),
        }
        for i in rows
    ],
    hide_index=True,
    key="reevaluate-impact-table",
)
