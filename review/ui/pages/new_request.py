"""Department workspace: the intake form. It starts with early consultation (a few answers
that say the likely tier, the reviews and what to ask vendors), saves itself as a draft,
previews what the City's standards say, takes vendor documents that fill in answers, and
submits when GEN-1 and the tier have their answers."""

from __future__ import annotations

from typing import Any

import streamlit as st

from review.core.evaluate import evaluator
from review.errors import RecordInvalid, ReviewError
from review.services import proposals, submission
from review.ui import drafts, early, preview, runtime, uploads, words
from review.ui.field_names import field_name, humanise
from review.ui.focus import apply_focus
from review.ui.form_spec import CONTRACT_STEP, FIRST, STEPS, Step, answered_anything, prune
from review.ui.intake import render_step, show_problems
from review.ui.policy_text import literal, plain

REQUEST_PAGE = "review/ui/pages/request.py"
FLASH = "intake-flash"

lang = words.language()
svc = runtime.services()
actor = runtime.require_actor(svc)
standards = evaluator().standards
titles = {s.id: s.title for s in standards.sections}

draft = drafts.current(svc, actor)
contract_mode = draft["mode"] == "contract"
with_contract = contract_mode or "contract" in draft["record"]  # contract changes requested
steps: list[Step] = [*STEPS, CONTRACT_STEP] if with_contract else list(STEPS)
st.title(
    lang("Contract for P-%(id)s") % {"id": draft["id"]}
    if contract_mode
    else lang("Edit P-%(id)s") % {"id": draft["id"]}
    if draft.get("state", "draft") != "draft"
    else lang("New request")
)


def offer_continue() -> None:
    """A fresh form offers the person's unfinished drafts first."""
    if draft["id"] is not None or answered_anything(draft["record"], draft["start"]):
        return
    try:
        mine = proposals.list_proposals(svc, actor.username, state="draft", mine=True, limit=5)
    except ReviewError:
        return
    if not mine:
        return
    with st.container(border=True, key="intake-continue"):
        st.markdown(lang("**Continue your draft**"))
        for row in mine:
            if st.button(
                lang("Continue %(ref)s: %(title)s") % {"ref": row.ref, "title": literal(row.title)},
                key=f"continue-{row.id}",
            ):
                problem = drafts.open_stored(svc, actor, row.id)
                if problem:
                    st.error(problem)
                else:
                    st.rerun()
        st.caption(lang("Or start a new request below."))


def conflict_banner() -> None:
    if not draft["conflict"]:
        return
    st.error(
        lang(
            "%(conflict)s. Your answers here are not lost: keep them (they are saved over "
            "the other version), or load the stored version instead."
        )
        % {"conflict": draft["conflict"]}
    )
    keep, load = st.columns(2)
    if keep.button(lang("Keep my answers and save them"), key="conflict-keep"):
        drafts.resolve_conflict(svc, actor, draft, keep=True)
        st.rerun()
    if load.button(lang("Load the stored version"), key="conflict-load"):
        drafts.resolve_conflict(svc, actor, draft, keep=False)
        st.rerun()


def step_picker() -> Step:
    titles_ = [s.title for s in steps]
    drafts.take_next_step()
    if st.session_state.get(drafts.STEP) not in titles_:
        st.session_state[drafts.STEP] = titles_[0]
    chosen = st.radio(lang("Step"), titles_, key=drafts.STEP, horizontal=True, format_func=lang)
    step = steps[titles_.index(chosen)]
    if draft.get("step") != step.title:
        if draft.get("step") is not None:
            drafts.save(svc, actor, draft)  # every step change saves the draft
        draft["step"] = step.title
    drafts.remember_place(draft, titles_.index(chosen))
    return step


def move(offset: int) -> None:
    titles_ = [s.title for s in steps]
    here = titles_.index(st.session_state[drafts.STEP])
    st.session_state[drafts.STEP] = titles_[max(0, min(len(titles_) - 1, here + offset))]


def problems_now(judged: preview.Preview) -> dict[str, str]:
    """What to show next to fields: refused values always; missing answers after a Submit."""
    shown = {p.path: humanise(p.problem) for p in judged.problems}
    if draft["submit_tried"]:
        missing = proposals.submission_problems(svc, prune(draft["record"]))
        shown.update({p.path: humanise(p.problem) for p in missing})
    if not judged.problems:
        draft["problems"] = {}  # a refused save's problems are gone once the values are valid
    return shown


def missing_labels() -> list[str]:
    missing = proposals.submission_problems(svc, prune(draft["record"]))
    return [field_name(p.path) or p.path for p in missing]


def submit() -> None:
    clean = prune(draft["record"])
    draft["submit_tried"] = True
    missing = proposals.submission_problems(svc, clean)
    if missing:
        st.session_state[FLASH] = ("error", _refusal(missing))
        st.rerun()
    try:
        if draft["id"] is None:
            submitted = proposals.submit_new(svc, actor.username, clean)
        else:
            submitted = proposals.save_and_submit(
                svc, actor.username, draft["id"], clean, expected_version=draft["version"]
            )
    except RecordInvalid as exc:
        st.session_state[FLASH] = ("error", _refusal(exc.problems))
        st.rerun()
    except ReviewError as exc:
        st.error(humanise(str(exc)))
        return
    drafts.start_new(actor)
    st.session_state["proposal_id"] = submitted.id
    st.switch_page(REQUEST_PAGE, query_params={"id": str(submitted.id)})


def _refusal(problems: list[Any]) -> str:
    named = "; ".join(humanise(str(p)) for p in problems[:12])
    return words.t("Not submitted yet. %(problems)s.") % {"problems": named}


def buttons(step: Step) -> None:
    here = [s.title for s in steps].index(step.title)
    with st.container(horizontal=True, key="intake-buttons"):
        if here > 0:
            st.button(
                lang("Back: %(step)s") % {"step": steps[here - 1].title},
                key="intake-back",
                on_click=move,
                args=(-1,),
            )
        if here < len(steps) - 1 and step is not FIRST:
            st.button(
                lang("Next: %(step)s") % {"step": steps[here + 1].title},
                key="intake-next",
                on_click=move,
                args=(1,),
            )
    st.divider()
    row = st.container(horizontal=True, key="intake-actions")
    if contract_mode:
        if row.button(lang("Submit the contract"), key="intake-contract", type="primary"):
            try:
                submitted = proposals.submit_contract(
                    svc,
                    actor.username,
                    draft["id"],
                    prune(draft["record"]),
                    expected_version=draft["version"],
                )
            except ReviewError as exc:
                st.error(humanise(str(exc)))
                return
            drafts.start_new(actor)
            st.switch_page(REQUEST_PAGE, query_params={"id": str(submitted.id)})
        return
    if row.button(lang("Save draft"), key="intake-save"):
        if not drafts.save(svc, actor, draft):
            st.rerun()  # the conflict or the fields' problems show where they belong
        elif draft["id"] is not None:
            st.session_state[FLASH] = ("success", lang("Saved P-%(id)s.") % {"id": draft["id"]})
            st.rerun()
        else:
            st.info(lang("Nothing to save yet: answer a question first."))
    if row.button(lang("Submit for review"), key="intake-submit", type="primary"):
        submit()
    if draft["id"] is not None and row.button(lang("Start a new request"), key="intake-new"):
        if drafts.save(svc, actor, draft):  # this draft's last answers are kept first
            drafts.start_new(actor)
        st.rerun()


def flash() -> None:
    found = st.session_state.pop(FLASH, None)
    if found:
        kind, text = found
        (st.error if kind == "error" else st.success)(plain(text))


# --- the page ---------------------------------------------------------------------------------

conflict_banner()
drafts.autosave(svc, actor)
offer_continue()
flash()
form_col, side_col = st.columns([3, 2], gap="large")
with form_col:
    step = step_picker()
    if not contract_mode:
        st.caption(
            lang(
                "Questions marked with an asterisk (\\*) are needed to submit; everything else "
                "can follow during the review."
            )
        )
    slots = render_step(
        step,
        draft["record"],
        disabled=contract_mode and step is not CONTRACT_STEP,
        needed=submission.needed(prune(draft["record"]), standards),
        titles=titles,
    )
    if step.title == STEPS[-1].title:
        uploads.render_uploads(svc, actor, draft)
    buttons(step)

judged = preview.judge(
    draft["record"], svc.today(), answered=answered_anything(draft["record"], draft["start"])
)
show_problems(step, slots, problems_now(judged))
with side_col:
    if step is FIRST and not contract_mode:
        with st.container(key="early-panel"):
            early.panel(svc, actor, draft, judged, missing_labels())
    else:
        with st.container(key="preview-panel"):
            preview.findings(judged, titles)
apply_focus()
