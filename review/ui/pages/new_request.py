"""Department workspace: the intake form, saved as a draft at any point, with a live preview
of what the City's standards say so far, vendor documents that fill in answers, and submit."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from review.core.evaluate import evaluator
from review.core.loading import submission_from_data
from review.errors import RecordInvalid, ReviewError
from review.services import attachments, proposals
from review.services.lifecycle import State
from review.ui import components, runtime
from review.ui.form_spec import CONTRACT_STEP, STEPS, preview_record, prune

DRAFT = "intake_draft"  # {"id": int | None, "version": int | None, "record": dict, "mode": str}

svc = runtime.services()
actor = runtime.require_actor(svc)


def _fresh() -> dict[str, Any]:
    return {
        "id": None,
        "version": None,
        "mode": "proposal",
        "record": {
            "proposal": {
                "department": actor.department,
                "requester": {
                    "name": actor.display_name,
                    "email": f"{actor.username}@city.example.gov",
                },
            }
        },
    }


draft: dict[str, Any] = st.session_state.setdefault(DRAFT, _fresh())
editing = draft["id"] is not None
contract_mode = draft["mode"] == "contract"
title = (
    f"Contract for P-{draft['id']}"
    if contract_mode
    else f"Edit P-{draft['id']}"
    if editing
    else "New request"
)
st.title(title)
if editing and st.button("Start a new request instead", key="intake-new"):
    st.session_state[DRAFT] = _fresh()
    st.rerun()

steps = [*STEPS, CONTRACT_STEP] if contract_mode else list(STEPS)
form_col, preview_col = st.columns([3, 2], gap="large")

with form_col:
    step_title = st.radio(
        "Step",
        [s.title for s in steps],
        key="intake-step",
        horizontal=True,
        index=len(steps) - 1 if contract_mode and "intake-step" not in st.session_state else 0,
    )
    step = next(s for s in steps if s.title == step_title)
    from review.ui.intake import render_step

    record: dict[str, Any] = draft["record"]
    if contract_mode:
        record.setdefault("contract", {})
    render_step(step, record, disabled=contract_mode and step is not CONTRACT_STEP)
    draft["record"] = record

    if step.title == "Attachments":
        st.markdown("**Upload a vendor document**")
        if draft["id"] is None:
            st.info("Save the draft first; documents are stored with the request.")
        else:
            kind = st.selectbox(
                "Kind of document",
                list(attachments.KINDS),
                key="upload-kind",
                format_func=lambda k: {
                    "acr": "Accessibility Conformance Report (ACR)",
                    "sbom": "Software bill of materials (SBOM)",
                }.get(k, k.replace("_", " ")),
            )
            upload = st.file_uploader(
                "Document (up to 25 MB)",
                key="upload-file",
                type=["docx", "pdf", "html", "htm", "md", "yaml", "yml", "json", "txt"],
            )
            if upload is not None and st.button("Read and store the document", key="upload-read"):
                try:
                    stored = attachments.add(
                        svc,
                        actor.username,
                        draft["id"],
                        kind=kind,
                        filename=upload.name,
                        data=upload.getvalue(),
                    )
                    st.session_state["upload-extracted"] = stored.extracted
                    st.success(f"Stored {stored.filename} ({stored.size:,} bytes).")
                except ReviewError as exc:
                    st.error(str(exc))
            found = st.session_state.get("upload-extracted")
            if found:
                st.markdown(f"**What the document says** (fills `{found['section']}`):")
                st.json(found["answers"], expanded=False)
                for warning in found["warnings"][:10]:
                    st.warning(warning)
                if st.button("Use these answers in the form", key="upload-apply"):
                    from review.evidence.attach import merge

                    section = record.setdefault("proposal", {}).setdefault(found["section"], {})
                    filled, kept = merge(section, found["answers"])
                    st.session_state.pop("upload-extracted", None)
                    message = f"Filled: {', '.join(filled) or 'nothing new'}."
                    if kept:
                        message += f" Kept your answers for: {', '.join(kept)}."
                    st.session_state["intake-flash"] = message
                    st.rerun()

    flash = st.session_state.pop("intake-flash", None)
    if flash:
        st.success(flash)

    st.divider()
    clean = prune(record)
    buttons = st.columns(3)
    if not contract_mode and buttons[0].button("Save draft", key="intake-save", type="secondary"):
        try:
            if draft["id"] is None:
                saved = proposals.create_draft(svc, actor.username, clean)
            else:
                saved = proposals.save_draft(
                    svc, actor.username, draft["id"], clean, expected_version=draft["version"]
                )
            draft["id"], draft["version"] = saved.proposal.id, saved.proposal.row_version
            missing = ", ".join(p.path for p in saved.missing)
            st.session_state["intake-flash"] = f"Saved {saved.proposal.ref}." + (
                f" Still needed before you submit: {missing}." if missing else ""
            )
            st.rerun()
        except ReviewError as exc:
            st.error(str(exc))
    if not contract_mode and buttons[1].button(
        "Submit for review", key="intake-submit", type="primary"
    ):
        try:
            if draft["id"] is None:
                saved = proposals.create_draft(svc, actor.username, clean)
            else:
                saved = proposals.save_draft(
                    svc, actor.username, draft["id"], clean, expected_version=draft["version"]
                )
            view = saved.proposal
            if State(view.state) is State.DRAFT:
                view = proposals.submit(
                    svc, actor.username, view.id, expected_version=view.row_version
                )
            else:
                view = proposals.resubmit(
                    svc, actor.username, view.id, expected_version=view.row_version
                )
            st.session_state[DRAFT] = _fresh()
            st.session_state["proposal_id"] = view.id
            st.switch_page("review/ui/pages/request.py", query_params={"id": str(view.id)})
        except ReviewError as exc:
            st.error(str(exc))
    if contract_mode and buttons[0].button(
        "Submit the contract", key="intake-contract", type="primary"
    ):
        try:
            view = proposals.submit_contract(
                svc, actor.username, draft["id"], clean, expected_version=draft["version"]
            )
            st.session_state[DRAFT] = _fresh()
            st.switch_page("review/ui/pages/request.py", query_params={"id": str(view.id)})
        except ReviewError as exc:
            st.error(str(exc))

with preview_col:
    st.subheader("What the standards say so far")
    started = time.perf_counter()
    try:
        submission = submission_from_data(preview_record(prune(record)), source="form")
        result = evaluator().evaluate(submission, svc.today())
    except RecordInvalid as exc:
        st.warning("Some answers need fixing before the standards can be checked:")
        for problem in exc.problems[:10]:
            st.markdown(f"- `{problem.path}`: {problem.problem}")
    else:
        st.caption(
            f"Checked in {1000 * (time.perf_counter() - started):.0f} ms against "
            f"{result.standards_version}."
        )
        st.markdown(f"**Tier {result.tier}** · TCV ${result.tcv:,.2f}")
        components.disposition(result.disposition)
        st.markdown("**Sign-offs needed:** " + ", ".join(result.required_signoffs))
        titles = {s.id: s.title for s in evaluator().standards.sections}
        serious = [f.to_dict() for f in result.findings if f.severity != "info"]
        counts = {
            s: sum(1 for f in serious if f["severity"] == s) for s in ("blocker", "major", "minor")
        }
        st.markdown(", ".join(f"{n} {s}" for s, n in counts.items()))
        components.findings_by_domain(serious, titles, key="preview")
