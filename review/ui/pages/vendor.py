"""The vendor page (issue 14): reachable without signing in, only with a valid link token.

It shows the vendor-facing sections of the one request the link is bound to and nothing else
of the City, and sends the vendor's answers back as a proposed change the requester decides
field by field. A bad, expired or revoked token gets one plain message and nothing more.
Everything it shows comes from review.services.vendor_answers.
"""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import vendor_answers
from review.services.vendor_links import REFUSED, LinkRefused
from review.ui import runtime

svc = runtime.services()
token = st.query_params.get("token", "")
st.title("Vendor answers")
try:
    current = vendor_answers.view_text(svc, token)
except LinkRefused:
    st.error(REFUSED)
    st.stop()

findings = vendor_answers.vendor_findings(svc, token)
st.subheader("What the City's policy finds in these answers")
if findings is None:
    st.caption("Findings appear once the request is complete enough to evaluate.")
elif not findings:
    st.caption("No findings in these sections.")
for finding in findings or []:
    with st.container(border=True):
        st.text(f"{finding.severity.upper()}: {finding.title} ({', '.join(finding.citations)})")
        st.text(finding.message)  # text from the record is shown as text, never as Markdown
        st.caption("How to fix")
        st.text(finding.remediation)

st.subheader("Your answers")
st.caption(
    "Answer the questions below for the City. Edit the values and submit: the City's "
    "requester reviews each change before it is used."
)
with st.form("vendor-answers"):
    text = st.text_area("Your answers (YAML)", value=current, height=400, key="vendor-text")
    sent = st.form_submit_button("Submit answers")
if sent:
    try:
        answer_id = vendor_answers.submit_text(svc, token, text)
    except LinkRefused:
        st.error(REFUSED)
    except ReviewError as exc:
        st.error("Not sent:")
        st.text(str(exc))  # the vendor's own text is shown as text, never as Markdown
    else:
        st.success(f"Sent (answer {answer_id}). The City's requester will review it.")
