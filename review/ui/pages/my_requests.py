"""Department workspace: my department's requests, their status, and what is needed next;
unfinished drafts first, to continue where the person left off."""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import exports, proposals
from review.services.lifecycle import State
from review.ui import components, downloads, runtime, words
from review.ui.policy_text import literal

NEW_PAGE = "review/ui/pages/new_request.py"
REQUEST_PAGE = "review/ui/pages/request.py"

lang = words.language()
svc = runtime.services()
actor = runtime.require_actor(svc)

st.title(lang("My requests"))
st.caption(
    lang("Requests of the %(department)s department.")
    % {"department": literal(actor.department) if actor.department else lang("your")}
)


def open_in_form(proposal_id: int) -> None:
    st.switch_page(NEW_PAGE, query_params={"draft": str(proposal_id)})


try:
    drafts = proposals.list_proposals(svc, actor.username, state="draft", mine=True, limit=10)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()
if drafts:
    with st.container(border=True, key="mine-drafts"):
        st.subheader(lang("Continue your draft"))
        for row in drafts:
            if st.button(
                lang("Continue %(ref)s: %(title)s") % {"ref": row.ref, "title": literal(row.title)},
                key=f"continue-{row.id}",
                help=lang("Last saved %(when)s") % {"when": components.when(row.updated_at)},
            ):
                open_in_form(row.id)

only_mine = st.toggle(lang("Only requests I filed"), key="mine-only", value=False)
try:
    rows = proposals.list_proposals(svc, actor.username, mine=only_mine)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

downloads.offer(
    svc,
    actor,
    "requests",
    exports.Options(mine=only_mine),
    name="requests",
    what=lang("these requests"),
)

NEXT = {
    "draft": words.N_("Finish the form and submit it."),
    "changes_requested": words.N_("Reviewers asked for changes: edit and resubmit."),
    "contract_changes_requested": words.N_(
        "Reviewers asked for contract changes: edit and resubmit."
    ),
    "approved": words.N_("Approved: submit the contract when it is negotiated."),
    "approved_with_conditions": words.N_(
        "Approved with conditions: meet them, and submit the contract."
    ),
}
WAITING = words.N_("Waiting for reviewers; nothing needed from you now.")

if not rows:
    st.info(lang("No requests yet. Start one under New request."))
for row in rows:
    with st.container(border=True, key=f"mine-{row.id}"):
        top = st.columns([4, 2, 1, 2])
        top[0].markdown(f"**{row.ref}** — {literal(row.title)}")
        top[1].markdown(lang("State: **%(state)s**") % {"state": components.state_text(row.state)})
        top[2].markdown(lang("Tier: **%(tier)s**") % {"tier": row.tier or "—"})
        disposition = components.DISPOSITION_TEXT.get(
            row.disposition or "", (lang("not evaluated"), "", "")
        )[0]
        top[3].markdown(lang("Disposition: **%(disposition)s**") % {"disposition": disposition})
        st.caption(lang("Next: %(next)s") % {"next": lang(NEXT.get(row.state, WAITING))})
        actions = st.columns(4)
        if actions[0].button(lang("Open %(ref)s") % {"ref": row.ref}, key=f"open-{row.id}"):
            st.session_state["proposal_id"] = row.id
            st.switch_page(REQUEST_PAGE, query_params={"id": str(row.id)})
        state = State(row.state)
        editable = state in (State.DRAFT, State.CHANGES_REQUESTED, State.CONTRACT_CHANGES_REQUESTED)
        contract = state in (State.APPROVED, State.APPROVED_WITH_CONDITIONS)
        if (editable or contract) and actions[1].button(
            (lang("Submit the contract of %(ref)s") if contract else lang("Edit %(ref)s"))
            % {"ref": row.ref},
            key=f"edit-{row.id}",
        ):
            open_in_form(row.id)
