"""Vendor links for requesters (issue 14): invite a vendor contact to answer a request, and
decide what the vendor sent field by field, the department's answer beside the vendor's.

Everything shown comes from review.services.vendor_links / vendor_answers; accepting saves a
new record version there (validated and re-evaluated like any edit).
"""

from __future__ import annotations

import streamlit as st

from review.errors import PermissionDenied, ReviewError
from review.services import vendor_answers, vendor_documents
from review.ui import runtime, words
from review.ui.field_names import field_name
from review.ui.policy_text import literal
from review.ui.vendor_form import answer_text
from review.ui.vendor_invite import invite_form

lang = words.language()
svc = runtime.services()
actor = runtime.require_actor(svc)

st.title(lang("Vendor links"))
st.caption(lang("Ask a vendor to answer the security, accessibility and other vendor questions."))
raw = st.text_input(lang("Request id (7 or P-7)"), value=st.query_params.get("id", ""), key="v-id")
digits = raw.strip().upper().removeprefix("P-")
if not digits.isdigit():
    st.stop()
proposal_id = int(digits)

invite_form(svc, actor, proposal_id, key="vendor-invite")

try:
    waiting = vendor_answers.pending(svc, actor.username, proposal_id)
except PermissionDenied:
    st.caption(lang("The department's requesters decide what the vendor sends."))
    st.stop()
except ReviewError as exc:
    st.error(str(exc))
    st.stop()
if not waiting:
    st.caption(lang("No vendor answers are waiting for a decision."))
for proposed in waiting:
    with st.container(border=True):
        st.subheader(lang("Answer %(id)s") % {"id": proposed.answer_id})
        st.text(
            lang("From %(email)s") % {"email": proposed.email}
        )  # the vendor's text is shown as text
        for document in proposed.documents:
            try:
                name, data = vendor_documents.content(svc, actor.username, document.id)
            except ReviewError as exc:
                st.error(str(exc))
                continue
            st.download_button(
                lang("Download %(kind)s: %(name)s (%(size)s bytes)")
                % {
                    "kind": document.kind_label,
                    "name": literal(name),
                    "size": f"{document.size:,}",
                },
                data,
                file_name=name,
                key=f"v-doc-{document.id}",
            )
        accepted: list[str] = []
        for change in proposed.changes:
            name = field_name(f"proposal.{change.field}") or change.field
            pair = f"v-{proposed.answer_id}-{change.field.replace('.', '-')}-pair"
            with st.container(key=pair):
                st.markdown(f"**{literal(name)}**")
                left, right = st.columns(2)
                left.text(
                    lang("Yours: %(answer)s") % {"answer": answer_text(change.current)}
                )  # shown as text
                right.text(lang("Vendor: %(answer)s") % {"answer": answer_text(change.proposed)})
                accept = st.checkbox(
                    lang("Accept %(name)s") % {"name": literal(name)},
                    key=f"v-{proposed.answer_id}-{change.field}",
                )
            if accept:
                accepted.append(change.field)
        if st.button(lang("Save the decision"), key=f"v-decide-{proposed.answer_id}"):
            try:
                vendor_answers.decide(svc, actor.username, proposed.answer_id, accepted)
            except ReviewError as exc:
                st.error(str(exc))
            else:
                st.success(lang("Saved: accepted fields are a new version of the request."))
                st.rerun()
