"""The draft being edited on the New request page: loading, saving on its own, and the guard
against leaving with unsaved changes.

A draft lives in the session while it is edited and in the database once anything has been
answered. It is saved on every step change and on a timer (a fragment that reruns on its
own), never when nothing was answered, so no empty "(untitled draft)" is ever left behind.
The page's address carries the draft and the step (``?draft=12&step=3``), so a reload, or a
signed-in link, opens the same draft at the same step. While the stored draft is behind the
form, a ``beforeunload`` handler asks before the tab is closed or reloaded.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import streamlit as st

from ..errors import RecordInvalid, ReviewError, StaleUpdate
from ..services import proposals
from ..services.context import Actor, Services
from ..services.lifecycle import EDITABLE, State
from ..settings import settings
from . import words
from .field_names import humanise
from .form_spec import CONTRACT_STEP, STEPS, answered_anything, prune

DRAFT = "intake_draft"
STEP = "intake-step"
NEXT_STEP = "intake-step-next"  # the step to open on the next run (the picker may exist now)
CONTRACT_STATES = (State.APPROVED, State.APPROVED_WITH_CONDITIONS)


def fresh(actor: Actor) -> dict[str, Any]:
    """A new request, with what the account already says filled in."""
    return fresh_like(
        {
            "proposal": {
                "department": actor.department,
                "requester": {
                    "name": actor.display_name,
                    "email": f"{actor.username}@city.example.gov",
                },
            }
        }
    )


def from_stored(view: Any, mode: str) -> dict[str, Any]:
    """A draft for a stored request (``view``: a ProposalView)."""
    record = copy.deepcopy(view.record)
    draft = fresh_like(record)
    proposal = record.get("proposal", {})
    # what the form fills in by itself, so that stored answers count as answered
    draft["start"] = {
        "proposal": {
            k: copy.deepcopy(proposal[k]) for k in ("department", "requester") if k in proposal
        }
    }
    draft.update(
        id=view.id, version=view.row_version, mode=mode, saved=prune(record), state=view.state
    )
    return draft


def fresh_like(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": None,
        "version": None,
        "mode": "proposal",
        "record": record,
        "start": copy.deepcopy(record),
        "saved": None,
        "saved_at": None,
        "problems": {},
        "conflict": None,
        "submit_tried": False,
        "state": "draft",
    }


def forget_widgets() -> None:
    """Widgets keep their own state across runs: a newly loaded record must not be overwritten
    by the answers of the record shown before."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(("f-", "items-", "upload-")):
            del st.session_state[key]


def install(draft: dict[str, Any], *, step: int = 0) -> None:
    """Make ``draft`` the one the New request page edits, opening at ``step``."""
    forget_widgets()
    st.session_state[DRAFT] = draft
    steps = [*STEPS, CONTRACT_STEP] if draft["mode"] == "contract" else list(STEPS)
    title = steps[min(max(step, 0), len(steps) - 1)].title
    st.session_state[NEXT_STEP] = title
    draft["step"] = title


def take_next_step() -> None:
    """Call before the step picker is drawn: opens the step an install asked for."""
    title = st.session_state.pop(NEXT_STEP, None)
    if title is not None:
        st.session_state[STEP] = title


def open_stored(svc: Services, actor: Actor, proposal_id: int, *, step: int = 0) -> str | None:
    """Load a stored request into the form; the reason it cannot be edited otherwise."""
    try:
        view = proposals.get(svc, actor.username, proposal_id)
    except ReviewError as exc:
        return str(exc)
    state = State(view.state)
    if state in EDITABLE and actor.department == view.department:
        install(from_stored(view, "proposal"), step=step)
        return None
    if state in CONTRACT_STATES and actor.department == view.department:
        install(from_stored(view, "contract"), step=len(STEPS))
        return None
    return words.t("%(ref)s is %(state)s: it cannot be edited here") % {
        "ref": view.ref,
        "state": state.value.replace("_", " "),
    }


def current(svc: Services, actor: Actor) -> dict[str, Any]:
    """The draft the page edits: the session's, or the one the address names (after a reload
    or from a link), or a fresh one."""
    wanted = st.query_params.get("draft")
    draft = st.session_state.get(DRAFT)
    if wanted and wanted.isdigit() and (draft is None or draft["id"] != int(wanted)):
        if draft is not None and dirty(draft) and not save(svc, actor, draft):
            # the form holds answers that could not be stored: never drop them silently
            if draft["id"] is None:
                held = words.t(
                    "The form still holds unsaved answers; fix them and save (or start a new "
                    "request) before opening %(wanted)s."
                )
            else:
                held = words.t(
                    "The form still holds unsaved answers of %(ref)s; fix them and save (or "
                    "start a new request) before opening %(wanted)s."
                )
            st.warning(held % {"ref": f"P-{draft['id']}", "wanted": f"P-{wanted}"})
            st.query_params.clear()
            kept: dict[str, Any] = draft
            return kept
        step = st.query_params.get("step", "0")
        problem = open_stored(svc, actor, int(wanted), step=int(step) if step.isdigit() else 0)
        if problem:
            st.warning(problem)
            st.query_params.clear()
    if DRAFT not in st.session_state:
        install(fresh(actor))
    found: dict[str, Any] = st.session_state[DRAFT]
    return found


def start_new(actor: Actor) -> None:
    install(fresh(actor))
    st.query_params.clear()


def remember_place(draft: dict[str, Any], step_index: int) -> None:
    """Keep the draft and the step in the address, for a reload or a bookmark."""
    wanted = {"step": str(step_index)}
    if draft["id"] is not None:
        wanted["draft"] = str(draft["id"])
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def dirty(draft: dict[str, Any]) -> bool:
    """Whether the form holds answers the stored draft does not."""
    clean = prune(draft["record"])
    if draft["saved"] is None:
        return answered_anything(clean, draft["start"])
    return bool(clean != draft["saved"])


def save(svc: Services, actor: Actor, draft: dict[str, Any]) -> bool:
    """Store the form's answers when they changed; False if the save was refused (the reason
    is kept in the draft: the fields' problems, or a conflict with another save)."""
    if draft["mode"] != "proposal" or not dirty(draft) or draft["conflict"]:
        return not draft["conflict"]
    clean = prune(draft["record"])
    try:
        if draft["id"] is None:
            saved = proposals.create_draft(svc, actor.username, clean)
        else:
            saved = proposals.save_draft(
                svc, actor.username, draft["id"], clean, expected_version=draft["version"]
            )
    except StaleUpdate as exc:
        draft["conflict"] = str(exc)
        return False
    except RecordInvalid as exc:
        draft["problems"] = {p.path: humanise(p.problem, words.t) for p in exc.problems}
        return False
    draft.update(
        id=saved.proposal.id,
        version=saved.proposal.row_version,
        saved=clean,
        saved_at=dt.datetime.now(dt.UTC),
    )
    if not draft["submit_tried"]:
        draft["problems"] = {}
    if st.query_params.get("draft") != str(draft["id"]):
        st.query_params["draft"] = str(draft["id"])
    return True


def resolve_conflict(svc: Services, actor: Actor, draft: dict[str, Any], *, keep: bool) -> None:
    """After another tab or person saved the same draft: keep this form's answers (saved over
    the other version) or load the stored one."""
    try:
        view = proposals.get(svc, actor.username, draft["id"])
    except ReviewError as exc:
        st.error(str(exc))
        return
    if keep:
        draft.update(version=view.row_version, conflict=None, saved=prune(view.record))
        save(svc, actor, draft)
    else:
        install(from_stored(view, draft["mode"]), step=_step_index(draft))


def _step_index(draft: dict[str, Any]) -> int:
    titles = [s.title for s in (*STEPS, CONTRACT_STEP)]
    step = draft.get("step")
    return titles.index(step) if step in titles else 0


def status_text(draft: dict[str, Any]) -> str:
    if draft["mode"] != "proposal":
        return words.t("The contract is submitted with its own button below.")
    where = f"P-{draft['id']}" if draft["id"] is not None else words.t("a new draft")
    if draft["conflict"]:
        return words.t("Not saved: this draft was changed elsewhere (see above).")
    if draft["problems"] and dirty(draft):
        return words.t("Not saved yet: some answers need fixing (marked below).")
    if dirty(draft):
        return words.t(
            "Unsaved changes; saved automatically every %(seconds)s s and on each step."
        ) % {"seconds": f"{_every():g}"}
    if draft["saved_at"] is not None:
        return words.t("All changes saved to %(where)s at %(time)s UTC.") % {
            "where": where,
            "time": f"{draft['saved_at']:%H:%M:%S}",
        }
    if draft["saved"] is not None:
        return words.t("Editing %(where)s; nothing changed yet.") % {"where": where}
    return words.t("Nothing answered yet: the draft is saved once you answer something.")


def _every() -> float:
    return settings().autosave_seconds


def autosave(svc: Services, actor: Actor) -> None:
    """The save status, refreshed on its own every few seconds, saving a changed draft."""

    def panel() -> None:
        draft = st.session_state.get(DRAFT)
        if draft is None:
            return
        last = draft["saved_at"]
        now = dt.datetime.now(dt.UTC)
        if dirty(draft) and (last is None or (now - last).total_seconds() >= 0.8 * _every()):
            save(svc, actor, draft)
        with st.container(key="intake-autosave"):
            st.caption(status_text(draft))
            guard(draft)

    st.fragment(panel, run_every=_every())()


GUARD = """<script>(() => {
  const w = window;
  if (!w.__intakeGuard) {
    w.__intakeGuard = {server: false, typed: false};
    document.addEventListener("input", (event) => {
      if (event.target.closest && event.target.closest('[data-testid="stMain"]')) {
        w.__intakeGuard.typed = true;
      }
    }, true);
    w.addEventListener("beforeunload", (event) => {
      const g = w.__intakeGuard;
      if (!document.querySelector(".st-key-intake-autosave")) return;
      if (g.server || g.typed) { event.preventDefault(); event.returnValue = ""; }
    });
  }
  const active = document.activeElement;
  const editing = active && active.closest && active.closest('[data-testid="stMain"]')
    && ["INPUT", "TEXTAREA"].includes(active.tagName);
  w.__intakeGuard.server = __DIRTY__;
  if (!editing) w.__intakeGuard.typed = false;
  /* __MARK__ */
})();</script>"""


def guard(draft: dict[str, Any]) -> None:
    """Warn before leaving while the stored draft is behind the form: the server's dirty flag,
    or a keystroke the server has not seen yet (typed, not yet confirmed)."""
    mark = json.dumps([draft["id"], draft["version"], str(draft["saved_at"])])
    script = GUARD.replace("__DIRTY__", "true" if dirty(draft) else "false").replace(
        "__MARK__", mark.replace("*/", "")
    )
    st.html(script, unsafe_allow_javascript=True)
