"""Vendor links for requesters (issue 14): invite a vendor contact to answer a request, and
decide what the vendor sent field by field, the department's answer beside the vendor's.

Everything shown comes from review.services.vendor_links / vendor_answers; accepting saves a
new record version there (validated and re-evaluated like any edit).
"""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import vendor_answers, vendor_links
from review.settings import settings
from review.ui import runtime

svc = runtime.services()
actor = runtime.require_actor(svc)

st.title("Vendor links")
st.caption("Ask a vendor to answer the security, accessibility and other vendor questions.")
raw = st.text_input("Request id (7 or P-7)", value=st.query_params.get("id", ""), key="v-id")
digits = raw.strip().upper().removeprefix("P-")
if not digits.isdigit():
    st.stop()
proposal_id = int(digits)

with st.form("vendor-invite", clear_on_submit=True):
    email = st.text_input("Vendor contact's e-mail", key="v-email")
    if st.form_submit_button("Send the invitation"):
        try:
            invitation = vendor_links.invite(
                svc, actor.username, proposal_id, email, base_url=settings().public_url or ""
            )
        except ReviewError as exc:
            st.error(str(exc))
        else:
            st.success(
                f"Invitation queued for {invitation.email} (link {invitation.link_id}, valid "
                f"until {invitation.expires_at:%Y-%m-%d})."
            )

try:
    waiting = vendor_answers.pending(svc, actor.username, proposal_id)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()
if not waiting:
    st.caption("No vendor answers are waiting for a decision.")
for proposed in waiting:
    with st.container(border=True):
        st.subheader(f"Answer {proposed.answer_id}")
        st.text(f"From {proposed.email}")  # the vendor's text is shown as text
        accepted: list[str] = []
        for change in proposed.changes:
            left, right, pick = st.columns([3, 3, 1])
            left.caption(change.field)
            left.text(f"Yours: {change.current!r}")
            right.caption(" ")
            right.text(f"Vendor: {change.proposed!r}")
            if pick.checkbox("Accept", key=f"v-{proposed.answer_id}-{change.field}"):
                accepted.append(change.field)
        if st.button("Save the decision", key=f"v-decide-{proposed.answer_id}"):
            try:
                vendor_answers.decide(svc, actor.username, proposed.answer_id, accepted)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                st.success("Saved: accepted fields are a new version of the request.")
                st.rerun()
