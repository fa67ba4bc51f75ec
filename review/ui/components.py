"""Shared rendering: severities, findings, dispositions. Severity is always written out;
colour and icon only repeat it (the app itself must be accessible)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ..core import policy
from ..core.publication import N_
from ..labels import STATE
from ..services.views import FindingView, ProposalView
from . import words
from .field_names import humanise
from .policy_text import literal, plain, section_link

SEVERITY_ICON = {"blocker": "⛔", "major": "⚠️", "minor": "🔹", "info": "ℹ️"}
SEVERITY_COLOUR = {"blocker": "red", "major": "orange", "minor": "blue", "info": "gray"}
DISPOSITION_TEXT = {
    "blocked": (
        N_("Blocked"),
        "red",
        N_("At least one blocker is open: it cannot be approved yet."),
    ),
    "conditions": (
        N_("Approvable with conditions"),
        "orange",
        N_("Major findings need conditions."),
    ),
    "clear": (N_("Clear"), "green", N_("No blocker or major finding is open.")),
}
STATUS_TEXT = {
    "open": N_("Open"),
    "waived": N_("Waived"),
    "conditioned": N_("Conditioned"),
    "resolved": N_("Resolved"),
}
# the finding domains in their order, by title (standards/review.yaml)
DOMAIN_TITLE: dict[str, str] = {d.id: d.title for d in policy.current().domains}
STATE_TEXT = STATE  # the workflow states' words (review/labels.py)


def severity_label(severity: str) -> str:
    colour = SEVERITY_COLOUR[severity]
    return f":{colour}[{SEVERITY_ICON[severity]} **{severity.upper()}**]"


def disposition(value: str | None) -> None:
    if value is None:
        st.caption(words.t("Not evaluated yet."))
        return
    text, colour, help_text = DISPOSITION_TEXT[value]
    st.markdown(
        words.t("**Disposition:** %(disposition)s — %(meaning)s")
        % {"disposition": f":{colour}[**{words.t(text)}**]", "meaning": words.t(help_text)}
    )


def state_text(state: str) -> str:
    found = STATE_TEXT.get(state)
    return words.t(found) if found else state.replace("_", " ").capitalize()


def when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def evidence_text(finding: dict[str, Any]) -> str:
    parts = []
    for item in finding.get("evidence") or []:
        value = item.get("value")
        shown = words.t("not answered") if value is None else value
        parts.append(f"{plain(humanise(item['source'], words.t))} = **{literal(str(shown))}**")
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
            f"{severity_label(finding['severity'])} · {words.t(STATUS_TEXT[status])} · "
            f"**{finding['title']}**{subject}"
        )
        st.markdown(plain(humanise(finding["message"], words.t)))
        cites = ", ".join(section_link(c, section_titles) for c in finding["citations"])
        st.caption(
            words.t("Policy: %(sections)s · Rule %(rule)s")
            % {"sections": cites, "rule": finding["rule_id"]}
        )
        evidence = evidence_text(finding)
        if evidence:
            st.caption(words.t("Triggered by: %(evidence)s") % {"evidence": evidence})
        st.markdown(
            words.t("**How to fix:** %(fix)s")
            % {"fix": plain(humanise(finding["remediation"], words.t))}
        )
        if not finding["waivable"] and policy.current().must_answer(finding["severity"]):
            st.caption(words.t("Not waivable: rests on law; it can only be resolved."))
        if isinstance(view, FindingView):
            if view.waiver is not None:
                w = view.waiver
                st.info(
                    words.t(
                        "Waived by %(by)s until %(until)s: %(justification)s (compensating "
                        "controls: %(controls)s)"
                    )
                    % {
                        "by": literal(w.granted_by),
                        "until": w.expires_on,
                        "justification": literal(w.justification),
                        "controls": literal(w.compensating_controls),
                    }
                )
            for condition in view.conditions:
                st.info(
                    words.t("Condition (%(status)s): %(text)s — owner %(owner)s, due %(due)s")
                    % {
                        "status": condition.status,
                        "text": literal(condition.text),
                        "owner": literal(condition.owner),
                        "due": condition.due_date,
                    }
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
        st.success(words.t("No findings."))
        return
    for domain in DOMAIN_TITLE:
        items = grouped.get(domain)
        if not items:
            continue
        counts: dict[str, int] = {}
        for item in items:
            sev = (item.finding if isinstance(item, FindingView) else item)["severity"]
            counts[sev] = counts.get(sev, 0) + 1
        summary = ", ".join(
            words.t("%(count)s %(severity)s") % {"count": n, "severity": s}
            for s, n in counts.items()
        )
        with st.expander(f"{DOMAIN_TITLE[domain]} — {summary}", expanded=domain != "general"):
            for index, item in enumerate(items):
                finding_card(item, section_titles, key=f"{key}-{domain}-{index}")


def proposal_header(view: ProposalView) -> None:
    st.subheader(f"{view.ref}: {literal(view.title)}")
    cols = st.columns(4)
    shown = (
        (words.t("State"), state_text(view.state)),
        (words.t("Department"), literal(view.department)),
        (words.t("Tier"), str(view.tier) if view.tier is not None else "—"),
        (words.t("TCV"), "—" if view.tcv is None else f"${view.tcv:,.2f}"),
    )
    for col, (label, value) in zip(cols, shown, strict=True):
        col.markdown(f"**{label}**  \n{value}")
    disposition(view.disposition)
