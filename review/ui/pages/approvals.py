"""Approvals: requests with every sign-off, the decision form, and decided requests' packets."""

from __future__ import annotations

import streamlit as st

from review.core import policy
from review.errors import ReviewError
from review.services import decisions, permissions, proposals
from review.services.context import Actor, Services
from review.services.proposals import Summary
from review.services.views import ProposalView
from review.ui import actions as ui
from review.ui import components, runtime, words
from review.ui.policy_text import literal

REQUEST_PAGE = "review/ui/pages/request.py"
READY_STATES = ("ready_for_approval", "contract_ready")
DECIDED_STATES = (
    "approved",
    "approved_with_conditions",
    "rejected",
    "contract_approved",
    "contract_rejected",
)


def summaries(svc: Services, actor: Actor, states: tuple[str, ...]) -> list[Summary]:
    found: list[Summary] = []
    for state in states:
        found += proposals.list_proposals(svc, actor.username, state=state)
    return sorted(found, key=lambda s: s.id)


def open_button(view_id: int, key: str) -> None:
    if st.button(words.t("Open request"), key=key):
        st.session_state["proposal_id"] = view_id
        st.switch_page(REQUEST_PAGE, query_params={"id": str(view_id)})


def packet_preview(view: ProposalView) -> None:
    """What the packet will say, in brief: disposition, sign-offs, findings to decide on."""
    lang = words.language()
    components.disposition(view.disposition)
    signed = [s for s in view.signoffs if s.valid and s.stage == view.stage]
    if signed:
        by = [
            lang("%(domain)s by %(who)s")
            % {"domain": ui.domain_title(s.domain), "who": s.reviewer_name}
            for s in signed
        ]
        st.markdown(lang("**Sign-offs:** %(signoffs)s") % {"signoffs": "; ".join(by)})
    if view.missing_signoffs:
        missing = ", ".join(ui.domain_title(d) for d in view.missing_signoffs)
        st.markdown(lang("**Missing sign-offs:** %(domains)s") % {"domains": missing})
    live = [f for f in view.findings if f["severity"] in policy.current().acted_on]
    if not live:
        st.markdown(lang("**Findings:** none above information level."))
    for f in live:
        subject = f" ({f.finding['subject']})" if f.finding.get("subject") else ""
        line = (
            f"{components.severity_label(f['severity'])} · {components.STATUS_TEXT[f.status]} · "
            f"{f['rule_id']}{subject} — {f['title']}"
        )
        if f.waiver is not None:
            line += " · " + lang("waived until %(date)s") % {"date": f.waiver.expires_on}
        for c in f.conditions:
            line += " · " + lang(
                "condition (%(status)s): %(text)s, owner %(owner)s, due %(due)s"
            ) % {
                "status": c.status,
                "text": c.text,
                "owner": c.owner,
                "due": c.due_date,
            }
        st.markdown(line)


def packet_download(svc: Services, actor: Actor, view: ProposalView, *, draft: bool) -> None:
    """Build the packet on request and offer it for download."""
    build = ui.packet_builder()
    kind = "draft" if draft else "final"
    store = f"packet-bytes-{kind}-{view.id}-{view.row_version}"
    lang = words.language()
    label = lang("Preview packet (DRAFT)") if draft else lang("Prepare packet")
    if st.button(label, key=f"packet-{kind}-{view.id}"):
        try:
            st.session_state[store] = build(svc, actor.username, view.id, draft_ok=draft)
        except ReviewError as exc:
            st.error(str(exc))
    data = st.session_state.get(store)
    if isinstance(data, bytes):
        suffix = "-DRAFT" if draft else ""
        st.download_button(
            lang("Download draft packet") if draft else lang("Download packet"),
            data=data,
            file_name=f"{view.ref}-approval-packet{suffix}.docx",
            mime=ui.DOCX_MIME,
            key=f"download-{kind}-{view.id}",
            on_click="ignore",
        )


def decision_form(svc: Services, actor: Actor, view: ProposalView) -> None:
    """Only the outcomes that are possible; each one that is not says why, in one sentence."""
    lang = words.language()
    lock_key = f"approvals-{view.id}"
    version = ui.seen_version(lock_key, view.row_version)
    may = permissions.for_request(svc, actor.username, view)
    for outcome, allowed in may.outcomes.items():
        if not allowed.ok:
            st.caption(
                lang("%(outcome)s is not offered — %(reason)s.")
                % {"outcome": lang(ui.OUTCOME_TEXT[outcome]), "reason": allowed.reason}
            )
    outcomes = may.possible_outcomes
    if not outcomes:
        ui.remember_version(lock_key, view.row_version)
        return
    with st.form(f"decide-form-{view.id}"):
        st.markdown(lang("**Decision**"))
        outcome = st.radio(
            lang("Outcome"),
            outcomes,
            format_func=lambda o: lang(ui.OUTCOME_TEXT[o]),
            key=f"decide-outcome-{view.id}",
        )
        reason = st.text_area(lang("Reason (required to reject)"), key=f"decide-reason-{view.id}")
        if st.form_submit_button(lang("Record decision"), key=f"decide-submit-{view.id}"):
            ui.run_action(
                lambda: decisions.decide(
                    svc,
                    actor.username,
                    view.id,
                    str(outcome),
                    reason=reason or None,
                    expected_version=version,
                ),
                lang("%(ref)s: %(outcome)s recorded.")
                % {"ref": view.ref, "outcome": lang(ui.OUTCOME_TEXT[str(outcome)]).lower()},
            )
    ui.remember_version(lock_key, view.row_version)


def ready_section(svc: Services, actor: Actor) -> None:
    lang = words.language()
    st.subheader(lang("Ready for approval"))
    ready = summaries(svc, actor, READY_STATES)
    if not ready:
        st.info(lang("No request is waiting for a decision."))
        return
    for summary in ready:
        try:
            view = proposals.get(svc, actor.username, summary.id)
        except ReviewError as exc:
            st.error(str(exc))
            continue
        with st.container(border=True, key=f"ready-{view.id}"):
            components.proposal_header(view)
            with st.expander(lang("Packet preview"), expanded=True):
                packet_preview(view)
                packet_download(svc, actor, view, draft=True)
            decision_form(svc, actor, view)
            open_button(view.id, f"open-ready-{view.id}")


def decided_section(svc: Services, actor: Actor) -> None:
    lang = words.language()
    st.subheader(lang("Decided"))
    decided = summaries(svc, actor, DECIDED_STATES)
    if not decided:
        st.caption(lang("No decided requests yet."))
        return
    for summary in decided:
        try:
            view = proposals.get(svc, actor.username, summary.id)
        except ReviewError as exc:
            st.error(str(exc))
            continue
        with st.container(border=True, key=f"decided-{view.id}"):
            st.markdown(
                f"**{view.ref}: {literal(view.title)}** — {components.state_text(view.state)}"
            )
            last = view.decisions[-1] if view.decisions else None
            if last is not None:
                reason = f": {last.reason}" if last.reason else ""
                st.caption(
                    lang("Decided by %(who)s on %(when)s (%(stage)s)%(reason)s")
                    % {
                        "who": last.approver,
                        "when": components.when(last.at),
                        "stage": last.stage,
                        "reason": reason,
                    }
                )
            cols = st.columns(2)
            with cols[0]:
                packet_download(svc, actor, view, draft=False)
            with cols[1]:
                open_button(view.id, f"open-decided-{view.id}")


def main() -> None:
    svc = runtime.services()
    actor = runtime.actor(svc)
    lang = words.language()
    st.title(lang("Approvals"))
    if actor is None:
        st.error(lang("Sign in to see approvals."))
        return
    if not actor.is_approver:
        st.error(lang("Approvals are only for contract approvers."))
        return
    ui.show_flash()
    try:
        ready_section(svc, actor)
        decided_section(svc, actor)
    except ReviewError as exc:
        st.error(str(exc))


main()
