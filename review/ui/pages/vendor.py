"""The vendor page (issue 14): reachable without signing in, only with a valid link token.

It shows the vendor-facing questions of the one request the link is bound to as a form (the
intake form's own fields and widgets, worded for the vendor: review/ui/vendor_form.py), what
the City's policy finds in those answers as they are typed, and an upload for the vendor's
documents, whose answers fill the form. Submitting sends the answers back as a proposed change
the requester decides field by field. A bad, expired or revoked token gets one plain message
and nothing more. Everything it decides comes from review.services.vendor_answers and
vendor_documents.
"""

from __future__ import annotations

import copy
from typing import Any, NoReturn

import streamlit as st

from review.errors import RecordInvalid, ReviewError
from review.services import attachments, vendor_answers, vendor_documents, vendor_links
from review.services.vendor_links import REFUSED, LinkRefused
from review.ui import runtime, words
from review.ui.field_names import short_label
from review.ui.focus import apply_focus
from review.ui.form_spec import prune
from review.ui.intake import problem_for, render_step
from review.ui.policy_text import literal
from review.ui.vendor_form import vendor_fields, vendor_steps, widget_prefix

FORM = "vendor-form"  # this session's link, its access and the answers as typed
FLASH = "vendor-flash"
UPLOAD_TYPES = ["docx", "pdf", "html", "htm", "md", "yaml", "yml", "json", "xml", "xlsx", "txt"]

svc = runtime.services()
token = st.query_params.get("token", "")
lang = words.language()
st.title(lang("Vendor answers"))


def refuse() -> NoReturn:
    st.session_state.pop(FORM, None)
    st.error(REFUSED)
    st.stop()


form: dict[str, Any] | None = st.session_state.get(FORM)
if form is None or form["token"] != token:
    try:  # a page load is one use of the link; the form's reruns in this session are not
        access, sections = vendor_answers.open_page(svc, token)
    except LinkRefused:
        refuse()
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("vf")]:
        del st.session_state[key]  # another link's answers never show in this one's form
    form = st.session_state[FORM] = {
        "token": token,
        "access": access,
        "record": {"proposal": sections},
        "shown": copy.deepcopy(sections),  # as loaded: only what the vendor changes is sent
        "sent": None,
        "round": 0,  # renewed when a document fills the form: new widgets show its answers
    }
else:
    try:  # a rerun: the link may have been revoked or have expired since
        vendor_links.still_open(svc, form["access"])
    except LinkRefused:
        refuse()
state: dict[str, Any] = form
record: dict[str, Any] = state["record"]


def answers() -> dict[str, Any]:
    proposal: dict[str, Any] = prune(record).get("proposal", {})
    return proposal


def uploads() -> None:
    st.subheader(lang("Your documents"))
    st.caption(
        lang(
            "Upload your ACR, SBOM, SOC 2 report, CAIQ or HECVAT questionnaire, or certificate "
            "of insurance (up to %(mb)s MB each). What an ACR, SBOM or questionnaire says fills "
            "the questions below that you have not answered; your own answers are kept. The "
            "documents are sent with your answers."
        )
        % {"mb": attachments.MAX_UPLOAD // 1_000_000}
    )
    with st.form("vendor-upload", clear_on_submit=True):
        kind = st.selectbox(
            lang("Kind of document"),
            list(vendor_documents.KINDS),
            format_func=lambda k: vendor_documents.KINDS[k][0],
            key="vendor-upload-kind",
        )
        upload = st.file_uploader(lang("Document"), type=UPLOAD_TYPES, key="vendor-upload-file")
        sent = st.form_submit_button(lang("Read and add the document"), key="vendor-upload-read")
    if sent and upload is None:
        st.error(lang("Document: choose a file to upload first."))
    elif sent and upload is not None:
        try:
            document = vendor_documents.upload(svc, token, kind, upload.name, upload.getvalue())
        except LinkRefused:
            refuse()
        except ReviewError as exc:
            st.error(lang("Document not added: %(reason)s") % {"reason": literal(str(exc))})
        else:
            proposal = record.setdefault("proposal", {})
            filled, kept = vendor_documents.fill(proposal, document.answers)
            state["round"] += 1  # new widgets, showing the answers the document filled
            names = vendor_fields()
            shown = [
                lang(names[f"proposal.{f}"].label) if f"proposal.{f}" in names else f
                for f in filled
            ]
            message = lang("Added %(file)s. Filled: %(fields)s.") % {
                "file": document.filename,
                "fields": "; ".join(shown) or lang("nothing new"),
            }
            if kept:
                message += " " + lang("Kept your answers for %(count)s question(s).") % {
                    "count": len(kept)
                }
            st.session_state[FLASH] = message
            st.rerun()
    for document in vendor_documents.unsent(svc, state["access"]):
        with st.container(border=True, key=f"vendor-doc-{document.id}"):
            st.markdown(
                lang("%(file)s · %(kind)s · %(size)s bytes")
                % {
                    "file": literal(document.filename),
                    "kind": document.kind_label,
                    "size": f"{document.size:,}",
                }
            )
            for warning in document.warnings[:5]:
                st.caption(lang("Note: %(warning)s") % {"warning": literal(warning)})


def submit() -> None:
    try:
        answer_id = vendor_answers.submit(svc, token, answers(), shown=state["shown"])
    except LinkRefused:
        refuse()
    except RecordInvalid:
        st.session_state[FLASH] = "error"
        st.rerun()  # each refused answer shows next to its question
    except ReviewError as exc:
        st.error(lang("Not sent: %(reason)s") % {"reason": literal(str(exc))})
    else:
        state["sent"] = answer_id
        st.rerun()


flash = st.session_state.pop(FLASH, None)
st.caption(
    lang(
        "The City asks you these questions about your product. Change what is not right or "
        "missing, upload your documents, and send your answers: the City's requester reviews "
        "each change before it is used. Nothing is sent until you press Send."
    )
)
# the form first, the findings beside it (below it on a phone)
form_col, findings_box = st.columns([3, 2], gap="large")
with form_col:
    uploads()
    if flash and flash != "error":
        st.success(literal(flash))
    st.subheader(lang("Your answers"))
    slots: dict[str, dict[str, Any]] = {}
    steps = vendor_steps(widget_prefix(state["round"]))
    for step in steps:
        with st.container(key=f"vendor-step-{step.title.lower().replace(' ', '-')}"):
            st.markdown(f"### {lang(step.title)}")
            slots[step.title] = render_step(step, record)
    actions = st.container(key="vendor-actions")

try:
    now = vendor_answers.live(svc, state["access"], answers())
except LinkRefused:
    refuse()
problems = {p.path: p.problem for p in now.problems}
for step in steps:
    for spec in step.fields:
        found = problem_for(spec, problems)
        if found:  # the vendor's own value is in the message: shown as text
            slots[step.title][spec.path].error(
                f"{literal(short_label(spec, lang))}: " + "  \n".join(literal(t) for t in found),
                icon=":material/warning:",
            )
with actions:
    if problems:
        # fmt: off
        refused = lang(
            "Not sent: %(count)s answer(s) need a change; each is named next to its "
            "question."
        )
        waiting = lang(
            "%(count)s answer(s) need a change before you can send; see the messages "
            "next to them."
        )
        # fmt: on
        st.error((refused if flash == "error" else waiting) % {"count": len(problems)})
    elif state["sent"] is not None:
        st.success(
            lang(
                "Sent (answer %(answer)s). The City's requester reviews each change before it "
                "is used. You can change your answers and send them again."
            )
            % {"answer": state["sent"]}
        )
    if st.button(lang("Send my answers to the City"), type="primary", key="vendor-send"):
        submit()

with findings_box:
    st.subheader(lang("What the City's policy finds in these answers"))
    if now.findings is None:
        st.caption(
            lang(
                "Findings appear once every answer is valid and the request is complete enough "
                "to evaluate."
            )
        )
    elif not now.findings:
        st.caption(lang("No findings in these sections."))
    for finding in now.findings or []:
        with st.container(border=True):
            st.text(f"{finding.severity.upper()}: {finding.title} ({', '.join(finding.citations)})")
            st.text(finding.message)  # text from the record is shown as text, never as Markdown
            st.caption(lang("How to fix"))
            st.text(finding.remediation)
apply_focus()
