"""Rendering helpers for the review pages: labels, flash messages, the version a person saw.

Nothing here decides anything: what a person may do is ``services.permissions``' answer, and
every action is checked again by the service it calls. A refused action is shown as the
service's message, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from .. import logs
from ..core import policy
from ..core.publication import N_
from ..errors import ReviewError
from ..services.permissions import RuleGroup
from ..services.views import ConditionView, FindingView
from . import words
from .components import STATUS_TEXT

FLASH = "review-flash"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACTION_TEXT = {
    "submit": N_("submit"),
    "start_review": N_("start review"),
    "request_changes": N_("request changes"),
    "resubmit": N_("resubmit"),
    "all_signed": N_("becomes ready when every sign-off is in"),
    "signoff_lost": N_("returns to review if a sign-off is invalidated"),
    "approve": N_("approve"),
    "approve_with_conditions": N_("approve with conditions"),
    "reject": N_("reject"),
    "submit_contract": N_("submit the contract"),
    "withdraw": N_("withdraw"),
}
OUTCOME_TEXT = {
    "approve": N_("Approve"),
    "approve_with_conditions": N_("Approve with conditions"),
    "reject": N_("Reject"),
}


# --- labels -------------------------------------------------------------------------------


def domain_title(domain: str | None) -> str:
    return policy.current().domain_title(domain)


def severity_text(severity: str) -> str:
    """Severity in plain words, for places where markdown is not rendered (select options)."""
    return severity.upper()


def finding_label(view: FindingView) -> str:
    finding = view.finding
    subject = f" ({finding['subject']})" if finding.get("subject") else ""
    return (
        f"{severity_text(finding['severity'])} · {domain_title(finding['domain'])} · "
        f"{finding['rule_id']}{subject} — {finding['title']} [{words.t(STATUS_TEXT[view.status])}]"
    )


def condition_label(condition: ConditionView) -> str:
    return words.t("#%(id)s %(rule)s (%(domain)s): %(text)s — owner %(owner)s, due %(due)s") % {
        "id": condition.id,
        "rule": condition.rule_id,
        "domain": domain_title(condition.domain),
        "text": condition.text,
        "owner": condition.owner,
        "due": condition.due_date,
    }


def allowed_text(actions: list[str]) -> str:
    shown = [words.t(ACTION_TEXT[a]) if a in ACTION_TEXT else a.replace("_", " ") for a in actions]
    return "; ".join(shown) if shown else words.t("nothing (the request is closed)")


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
    st.session_state[FLASH] = success  # shown by the rerun, which renders the new version
    st.rerun()


# --- the approval packet ---------------------------------------------------------------------


def packet_builder() -> Callable[..., bytes]:
    """``build_packet(services, by, proposal_id, *, draft_ok=False) -> bytes``."""
    from ..packet import build_packet

    return build_packet


def group_label(group: RuleGroup) -> str:
    """One rule's findings as one choice: ``MAJOR · Accessibility · ACC-003-x — title (21)``."""
    many = len(group.findings)
    count = (words.t("%(count)s finding") if many == 1 else words.t("%(count)s findings")) % {
        "count": many
    }
    return (
        f"{severity_text(group.severity)} · {domain_title(group.domain)} · {group.rule_id} — "
        f"{group.title} ({count})"
    )


def subject_label(subject: str | None) -> str:
    return subject if subject else words.t("(the request as a whole)")
