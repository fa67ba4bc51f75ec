"""Department workspace: my department's requests, their status, and what is needed next."""

from __future__ import annotations

import copy

import streamlit as st

from review.errors import ReviewError
from review.services import proposals
from review.services.lifecycle import State
from review.ui import components, runtime

svc = runtime.services()
actor = runtime.require_actor(svc)

st.title("My requests")
st.caption(f"Requests of the {actor.department or 'your'} department.")
only_mine = st.toggle("Only requests I filed", key="mine-only", value=False)
try:
    rows = proposals.list_proposals(svc, actor.username, mine=only_mine)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

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
        if actions[0].button("Open", key=f"open-{row.id}"):
            st.session_state["proposal_id"] = row.id
            st.switch_page("review/ui/pages/request.py", query_params={"id": str(row.id)})
        state = State(row.state)
        editable = state in (State.DRAFT, State.CHANGES_REQUESTED, State.CONTRACT_CHANGES_REQUESTED)
        contract = state in (State.APPROVED, State.APPROVED_WITH_CONDITIONS)
        if (editable or contract) and actions[1].button(
            "Submit the contract" if contract else "Edit", key=f"edit-{row.id}"
        ):
            try:
                view = proposals.get(svc, actor.username, row.id)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                st.session_state["intake_draft"] = {
                    "id": view.id,
                    "version": view.row_version,
                    "mode": "contract" if contract else "proposal",
                    "record": copy.deepcopy(view.record),
                }
                st.session_state.pop("intake-step", None)
                st.switch_page("review/ui/pages/new_request.py")
