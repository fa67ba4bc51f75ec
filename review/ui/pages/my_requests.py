"""Department workspace: my department's requests, their status, and what is needed next;
unfinished drafts first, to continue where the person left off."""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import exports, proposals
from review.services.lifecycle import State
from review.ui import components, downloads, runtime
from review.ui.policy_text import literal

NEW_PAGE = "review/ui/pages/new_request.py"
REQUEST_PAGE = "review/ui/pages/request.py"

svc = runtime.services()
actor = runtime.require_actor(svc)

st.title("My requests")
st.caption(f"Requests of the {literal(actor.department or 'your')} department.")


def open_in_form(proposal_id: int) -> None:
    st.switch_page(NEW_PAGE, query_params={"draft": str(proposal_id)})


try:
    drafts = proposals.list_proposals(svc, actor.username, state="draft", mine=True, limit=10)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()
if drafts:
    with st.container(border=True, key="mine-drafts"):
        st.subheader("Continue your draft")
        for row in drafts:
            if st.button(
                f"Continue {row.ref}: {literal(row.title)}",
                key=f"continue-{row.id}",
                help=f"Last saved {components.when(row.updated_at)}",
            ):
                open_in_form(row.id)

only_mine = st.toggle("Only requests I filed", key="mine-only", value=False)
try:
    rows = proposals.list_proposals(svc, actor.username, mine=only_mine)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

downloads.offer(
    svc, actor, "requests", exports.Options(mine=only_mine), name="requests", what="these requests"
)

NEXT = {
    "draft": "Finish the form and submit it.",
    "changes_requested": "Reviewers asked for changes: edit and resubmit.",
    "contract_changes_requested": "Reviewers asked for contract changes: edit and resubmit.",
    "approved": "Approved: submit the contract when it is negotiated.",
    "approved_with_conditions": "Approved with conditions: meet them, and submit the contract.",
}

if not rows:
    st.info("No requests yet. Start one under New request.")
for row in rows:
    with st.container(border=True, key=f"mine-{row.id}"):
        top = st.columns([4, 2, 1, 2])
        top[0].markdown(f"**{row.ref}** — {row.title}")
        top[1].markdown(f"State: **{components.state_text(row.state)}**")
        top[2].markdown(f"Tier: **{row.tier or '—'}**")
        disposition = components.DISPOSITION_TEXT.get(
            row.disposition or "", ("not evaluated", "", "")
        )[0]
        top[3].markdown(f"Disposition: **{disposition}**")
        st.caption(
            "Next: " + NEXT.get(row.state, "Waiting for reviewers; nothing needed from you now.")
        )
        actions = st.columns(4)
        if actions[0].button(f"Open {row.ref}", key=f"open-{row.id}"):
            st.session_state["proposal_id"] = row.id
            st.switch_page(REQUEST_PAGE, query_params={"id": str(row.id)})
        state = State(row.state)
        editable = state in (State.DRAFT, State.CHANGES_REQUESTED, State.CONTRACT_CHANGES_REQUESTED)
        contract = state in (State.APPROVED, State.APPROVED_WITH_CONDITIONS)
        if (editable or contract) and actions[1].button(
            f"Submit the contract of {row.ref}" if contract else f"Edit {row.ref}",
            key=f"edit-{row.id}",
        ):
            open_in_form(row.id)
