"""Rendering helpers for the review pages: which forms to show whom, labels, flash messages.

Nothing here decides anything: the forms a page shows are a courtesy, and every action is
checked again (and only really checked) by the service it calls. A refused action is shown
as the service's message, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from .. import logs
from ..errors import ReviewError
from ..services.context import Actor
from ..services.lifecycle import REEVALUATED, State
from ..services.roles import Role, review_domain, waiver_title
from ..services.signoffs import SIGNABLE
from ..services.views import ConditionView, FindingView, ProposalView
from .components import DOMAIN_TITLE, STATUS_TEXT

FLASH = "review-flash"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACTION_TEXT = {
    "submit": "submit",
    "start_review": "start review",
    "request_changes": "request changes",
    "resubmit": "resubmit",
    "all_signed": "becomes ready when every sign-off is in",
    "signoff_lost": "returns to review if a sign-off is invalidated",
    "approve": "approve",
    "approve_with_conditions": "approve with conditions",
    "reject": "reject",
    "submit_contract": "submit the contract",
    "withdraw": "withdraw",
}
OUTCOME_TEXT = {
    "approve": "Approve",
    "approve_with_conditions": "Approve with conditions",
    "reject": "Reject",
}


# --- labels -------------------------------------------------------------------------------


def domain_title(domain: str | None) -> str:
    if not domain:
        return "—"
    return DOMAIN_TITLE.get(domain, domain.replace("_", " ").capitalize())


def severity_text(severity: str) -> str:
    """Severity in plain words, for places where markdown is not rendered (select options)."""
    return severity.upper()


def finding_label(view: FindingView) -> str:
    finding = view.finding
    subject = f" ({finding['subject']})" if finding.get("subject") else ""
    return (
        f"{severity_text(finding['severity'])} · {domain_title(finding['domain'])} · "
        f"{finding['rule_id']}{subject} — {finding['title']} [{STATUS_TEXT[view.status]}]"
    )


def condition_label(condition: ConditionView) -> str:
    return (
        f"#{condition.id} {condition.rule_id} ({domain_title(condition.domain)}): "
        f"{condition.text} — owner {condition.owner}, due {condition.due_date}"
    )


def allowed_text(actions: list[str]) -> str:
    shown = [ACTION_TEXT.get(a, a.replace("_", " ")) for a in actions]
    return "; ".join(shown) if shown else "nothing (the request is closed)"


# --- who is offered which form (the service checks again) ---------------------------------


def is_department_requester(actor: Actor, view: ProposalView) -> bool:
    return actor.is_requester and actor.department == view.department


def is_own_request(actor: Actor, view: ProposalView) -> bool:
    return actor.username == view.requester


def _state(view: ProposalView) -> State:
    return State(view.state)


def can_request_changes(actor: Actor, view: ProposalView) -> bool:
    return (
        actor.is_reviewer
        and not is_own_request(actor, view)
        and "request_changes" in view.allowed_actions
    )


def signable_domains(actor: Actor, view: ProposalView) -> list[str]:
    """The actor's reviewer domains that this request needs and does not have yet."""
    if is_own_request(actor, view) or _state(view) not in SIGNABLE:
        return []
    return [d for d in actor.domains(Role.REVIEWER) if d in view.missing_signoffs]


def _live(view: FindingView) -> bool:
    return view.status in ("open", "conditioned")


def waivable_findings(actor: Actor, view: ProposalView) -> list[FindingView]:
    """Open, waivable findings of the domains the actor is the waiver authority for."""
    if is_own_request(actor, view) or _state(view) not in REEVALUATED:
        return []
    mine = set(actor.domains(Role.WAIVER_AUTHORITY))
    return [
        f
        for f in view.findings
        if f["domain"] in mine and f["waivable"] and _live(f) and f["severity"] != "info"
    ]


def waivable_elsewhere(actor: Actor, view: ProposalView) -> list[tuple[str, str]]:
    """(domain, who may waive) for open waivable findings the actor cannot waive."""
    mine = set(actor.domains(Role.WAIVER_AUTHORITY))
    seen: dict[str, str] = {}
    for f in view.findings:
        if f["waivable"] and _live(f) and f["severity"] != "info" and f["domain"] not in mine:
            seen.setdefault(f["domain"], waiver_title(f["domain"]))
    return sorted(seen.items())


def conditionable_findings(actor: Actor, view: ProposalView) -> list[FindingView]:
    """Open major findings of the actor's review domains (any, for an approver)."""
    if is_own_request(actor, view) or _state(view) not in REEVALUATED:
        return []
    mine = set(actor.domains(Role.REVIEWER))
    return [  # not yet conditioned: offering a conditioned one again invites duplicates
        f
        for f in view.findings
        if f["severity"] == "major"
        and f.status == "open"
        and (actor.is_approver or review_domain(f["domain"]) in mine)
    ]


def changeable_conditions(actor: Actor, view: ProposalView) -> list[ConditionView]:
    if is_own_request(actor, view):
        return []
    mine = set(actor.domains(Role.REVIEWER))
    return [
        c
        for c in view.conditions
        if c.status == "open" and (actor.is_approver or review_domain(c.domain) in mine)
    ]


# --- optimistic locking: the version the person actually saw ------------------------------


def seen_version(key: str, current: int) -> int:
    """The row version rendered on the previous run (what the person acted on)."""
    value = st.session_state.get(f"seen-version-{key}")
    return value if isinstance(value, int) else current


def remember_version(key: str, current: int) -> None:
    """Call after rendering: the next action is based on this version."""
    st.session_state[f"seen-version-{key}"] = current


# --- running an action --------------------------------------------------------------------


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def run_action(call: Callable[[], object], success: str) -> None:
    """Call a service; on success show the message (after the rerun), else the refusal."""
    try:
        call()
    except ReviewError as exc:
        logs.refusal(exc, "workspace action")
        st.error(str(exc))
        return
    st.success(success)
    st.session_state[FLASH] = success
    st.rerun()


def months_later(day: dt.date, months: int) -> dt.date:
    from ..services.waivers import latest_expiry

    return latest_expiry(day, months)


# --- the approval packet ---------------------------------------------------------------------


def packet_builder() -> Callable[..., bytes]:
    """``build_packet(services, by, proposal_id, *, draft_ok=False) -> bytes``."""
    from ..packet import build_packet

    return build_packet
