"""Shared rendering: severities, findings, dispositions. Severity is always written out;
colour and icon only repeat it (the app itself must be accessible)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ..core import policy
from ..services.views import FindingView, ProposalView
from .field_names import humanise
from .policy_text import literal, plain, section_link

SEVERITY_ICON = {"blocker": "⛔", "major": "⚠️", "minor": "🔹", "info": "ℹ️"}
SEVERITY_COLOUR = {"blocker": "red", "major": "orange", "minor": "blue", "info": "gray"}
DISPOSITION_TEXT = {
    "blocked": ("Blocked", "red", "At least one blocker is open: it cannot be approved yet."),
    "conditions": ("Approvable with conditions", "orange", "Major findings need conditions."),
    "clear": ("Clear", "green", "No blocker or major finding is open."),
}
STATUS_TEXT = {
    "open": "Open",
    "waived": "Waived",
    "conditioned": "Conditioned",
    "resolved": "Resolved",
}
# the finding domains in their order, by title (standards/review.yaml)
DOMAIN_TITLE: dict[str, str] = {d.id: d.title for d in policy.current().domains}
STATE_TEXT = {
    "draft": "Draft",
    "submitted": "Submitted",
    "in_review": "In review",
    "changes_requested": "Changes requested",
    "ready_for_approval": "Ready for approval",
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "rejected": "Rejected",
    "contract_submitted": "Contract submitted",
    "contract_review": "Contract review",
    "contract_changes_requested": "Contract changes requested",
    "contract_ready": "Contract ready for approval",
    "contract_approved": "Contract approved",
    "contract_rejected": "Contract rejected",
    "withdrawn": "Withdrawn",
}


def severity_label(severity: str) -> str:
    colour = SEVERITY_COLOUR[severity]
    return f":{colour}[{SEVERITY_ICON[severity]} **{severity.upper()}**]"


def disposition(value: str | None) -> None:
    if value is None:
        st.caption("Not evaluated yet.")
        return
    text, colour, help_text = DISPOSITION_TEXT[value]
    st.markdown(f"**Disposition:** :{colour}[**{text}**] — {help_text}")


def state_text(state: str) -> str:
    return STATE_TEXT.get(state, state.replace("_", " ").capitalize())


def when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def evidence_text(finding: dict[str, Any]) -> str:
    parts = []
    for item in finding.get("evidence") or []:
        value = item.get("value")
        shown = "not answered" if value is None else value
        parts.append(f"{plain(humanise(item['source']))} = **{literal(str(shown))}**")
    return "; ".join(parts)


def finding_card(
    view: FindingView | dict[str, Any],
    section_titles: dict[str, str],
    *,
    key: str,
) -> None:
    """One finding: severity in words, what is wrong, the policy it enforces, why, and the fix."""
    finding = view.finding if isinstance(view, FindingView) else view
    status = view.status if isinstance(view, FindingView) else "open"
    with st.container(border=True, key=f"finding-{key}"):
        subject = f" — *{literal(finding['subject'])}*" if finding.get("subject") else ""
        st.markdown(
            f"{severity_label(finding['severity'])} · {STATUS_TEXT[status]} · "
            f"**{finding['title']}**{subject}"
        )
        st.markdown(plain(humanise(finding["message"])))
        cites = ", ".join(section_link(c, section_titles) for c in finding["citations"])
        st.caption(f"Policy: {cites} · Rule {finding['rule_id']}")
        evidence = evidence_text(finding)
        if evidence:
            st.caption(f"Triggered by: {evidence}")
        st.markdown(f"**How to fix:** {plain(humanise(finding['remediation']))}")
        if not finding["waivable"] and policy.current().must_answer(finding["severity"]):
            st.caption("Not waivable: rests on law; it can only be resolved.")
        if isinstance(view, FindingView):
            if view.waiver is not None:
                w = view.waiver
                st.info(
                    f"Waived by {literal(w.granted_by)} until {w.expires_on}: "
                    f"{literal(w.justification)} (compensating controls: "
                    f"{literal(w.compensating_controls)})"
                )
            for condition in view.conditions:
                st.info(
                    f"Condition ({condition.status}): {literal(condition.text)} — owner "
                    f"{literal(condition.owner)}, due {condition.due_date}"
                )


def findings_by_domain(
    findings: list[FindingView] | list[dict[str, Any]],
    section_titles: dict[str, str],
    *,
    key: str,
    hide_info: bool = False,
) -> None:
    grouped: dict[str, list[Any]] = {}
    for item in findings:
        finding = item.finding if isinstance(item, FindingView) else item
        if hide_info and finding["severity"] == "info":
            continue
        grouped.setdefault(finding["domain"], []).append(item)
    if not grouped:
        st.success("No findings.")
        return
    for domain in DOMAIN_TITLE:
        items = grouped.get(domain)
        if not items:
            continue
        counts: dict[str, int] = {}
        for item in items:
            sev = (item.finding if isinstance(item, FindingView) else item)["severity"]
            counts[sev] = counts.get(sev, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        with st.expander(f"{DOMAIN_TITLE[domain]} — {summary}", expanded=domain != "general"):
            for index, item in enumerate(items):
                finding_card(item, section_titles, key=f"{key}-{domain}-{index}")


def proposal_header(view: ProposalView) -> None:
    st.subheader(f"{view.ref}: {literal(view.title)}")
    cols = st.columns(4)
    cols[0].markdown(f"**State**  \n{state_text(view.state)}")
    cols[1].markdown(f"**Department**  \n{literal(view.department)}")
    cols[2].markdown(f"**Tier**  \n{view.tier if view.tier is not None else '—'}")
    cols[3].markdown(f"**TCV**  \n{'—' if view.tcv is None else f'${view.tcv:,.2f}'}")
    disposition(view.disposition)
