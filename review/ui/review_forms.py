"""The request page's action forms, one function per form.

What each person is offered, and every warning, comes from ``services.permissions``; these
functions only render its answer and call the service the form names (which checks again).
Each returns whether it showed a form.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ..services import approval_conditions, proposals, reviews, signoffs, waivers
from ..services.context import Actor, Services
from ..services.permissions import Permissions, RuleGroup
from ..services.roles import Role
from ..services.views import ProposalView
from . import actions as ui
from . import words


def action_forms(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> None:
    shown = [
        resubmit_form(svc, actor, view, version, may),
        withdraw_form(svc, actor, view, version, may),
        signoff_form(svc, actor, view, version, may),
        changes_form(svc, actor, view, version, may),
        waive_form(svc, actor, view, version, may),
        condition_form(svc, actor, view, version, may),
        condition_status_form(svc, actor, view, version, may),
    ]
    comment_form(svc, actor, view, version)
    if not any(shown):
        st.caption(words.t("Besides commenting, nothing on this request is yours to do right now."))
    if may.possible_outcomes:
        st.caption(words.t("Decide this request on the Approvals page."))


def _date(value: object, fallback: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else fallback


def resubmit_form(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> bool:
    if not may.resubmit.ok:
        return False
    with st.form("resubmit-form"):
        st.markdown(words.t("**Resubmit** the latest saved version with your response"))
        st.caption(words.t("Edit the record under My requests first, then resubmit here."))
        response = st.text_area(words.t("Response to the change request"), key="resubmit-response")
        if st.form_submit_button(words.t("Resubmit"), key="resubmit-submit"):
            ui.run_action(
                lambda: proposals.resubmit(
                    svc,
                    actor.username,
                    view.id,
                    expected_version=version,
                    response=response or None,
                ),
                words.t("%(ref)s was resubmitted for review.") % {"ref": view.ref},
            )
    return True


def withdraw_form(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> bool:
    if not may.withdraw.ok:
        return False
    with st.form("withdraw-form"):
        st.markdown(words.t("**Withdraw** this request (it stays on record)"))
        reason = st.text_area(words.t("Reason for withdrawing"), key="withdraw-reason")
        if st.form_submit_button(words.t("Withdraw"), key="withdraw-submit"):
            ui.run_action(
                lambda: proposals.withdraw(
                    svc, actor.username, view.id, reason=reason, expected_version=version
                ),
                words.t("%(ref)s was withdrawn.") % {"ref": view.ref},
            )
    return True


def signoff_form(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> bool:
    """Sign off a domain still needed; open blockers of that domain must be confirmed."""
    if not may.sign_off:
        return False
    options = {o.domain: o for o in may.sign_off}
    st.markdown(words.t("**Sign off** your domain of this version"))
    domain = str(
        st.selectbox(
            words.t("Domain to sign off"),
            list(options),
            format_func=ui.domain_title,
            key="signoff-domain",
        )
    )
    warning = options[domain].open_blockers
    with st.form("signoff-form"):
        confirmed = True
        if warning:
            st.warning(words.t("Before you sign off: %(blockers)s.") % {"blockers": warning})
            confirmed = st.checkbox(
                words.t("I have read the open blockers and sign off anyway"), key="signoff-confirm"
            )
        note = st.text_area(words.t("Sign-off note (optional)"), key="signoff-note")
        if st.form_submit_button(words.t("Sign off"), key="signoff-submit"):
            if not confirmed:
                st.error(
                    words.t("Confirm that you have read the open blockers, or resolve them first.")
                )
            else:
                ui.run_action(
                    lambda: signoffs.sign_off(
                        svc,
                        actor.username,
                        view.id,
                        domain,
                        note=note or None,
                        expected_version=version,
                    ),
                    words.t("%(domain)s signed off on %(ref)s.")
                    % {"domain": ui.domain_title(domain), "ref": view.ref},
                )
    return True


def changes_form(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> bool:
    if not may.request_changes:
        return False
    with st.form("changes-form"):
        st.markdown(words.t("**Request changes** from the department"))
        domain = st.selectbox(
            words.t("Your domain"),
            may.request_changes,
            format_func=ui.domain_title,
            key="changes-domain",
        )
        reason = st.text_area(words.t("What must change"), key="changes-reason")
        if st.form_submit_button(words.t("Request changes"), key="changes-submit"):
            ui.run_action(
                lambda: reviews.request_changes(
                    svc,
                    actor.username,
                    view.id,
                    domain=str(domain),
                    reason=reason,
                    expected_version=version,
                ),
                words.t("Changes requested on %(ref)s.") % {"ref": view.ref},
            )
    return True


def _pick_group(groups: list[RuleGroup], label: str, key: str) -> RuleGroup:
    """The rule, chosen outside the form so that the list of its findings follows it."""
    by_rule = {g.rule_id: g for g in groups}
    rule = st.selectbox(
        label, list(by_rule), format_func=lambda r: ui.group_label(by_rule[r]), key=f"{key}-rule"
    )
    return by_rule[str(rule)]


def _subjects(group: RuleGroup, key: str) -> list[str | None]:
    if len(group.findings) == 1:
        return group.subjects
    by_key = {f.key: f.finding.get("subject") for f in group.findings}
    chosen = st.multiselect(
        words.t("Findings of %(rule)s (%(count)s; every one unless you remove some)")
        % {"rule": group.rule_id, "count": len(by_key)},
        list(by_key),
        default=list(by_key),
        format_func=lambda k: ui.subject_label(by_key[k]),
        key=f"{key}-findings-{group.rule_id}",
    )
    return [by_key[k] for k in chosen]


def waive_form(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> bool:
    """GEN-5: one decision for the chosen findings of one rule, a waiver recorded for each."""
    if may.waivable_elsewhere and not may.waive:
        _elsewhere(may)
    if not may.waive:
        return False
    st.markdown(words.t("**Waive findings** (GEN-5: justification, compensating controls, expiry)"))
    group = _pick_group(may.waive, words.t("Rule whose findings to waive"), "waive")
    earliest, proposed, latest = may.waiver_expiry
    with st.form("waive-form"):
        subjects = _subjects(group, "waive")
        justification = st.text_area(words.t("Justification"), key="waive-justification")
        controls = st.text_area(words.t("Compensating controls"), key="waive-controls")
        expires = st.date_input(
            words.t("Waiver expires on (at the latest %(latest)s)")
            % {"latest": latest.isoformat()},
            value=proposed,
            min_value=earliest,
            max_value=latest,
            key="waive-expires",
        )
        if st.form_submit_button(words.t("Grant waiver"), key="waive-submit"):
            many = len(subjects)
            ui.run_action(
                lambda: waivers.grant_group(
                    svc,
                    actor.username,
                    view.id,
                    group.rule_id,
                    subjects=subjects,
                    justification=justification,
                    compensating_controls=controls,
                    expires_on=_date(expires, proposed),
                    expected_version=version,
                ),
                (
                    words.t("Waiver of %(rule)s granted for %(count)s findings.")
                    if many > 1
                    else words.t("Waiver of %(rule)s granted.")
                )
                % {"rule": group.rule_id, "count": many},
            )
    _elsewhere(may)
    return True


def _elsewhere(may: Permissions) -> None:
    if may.waivable_elsewhere:
        st.caption(
            words.t("Waivable findings outside your authority: %(who)s")
            % {
                "who": "; ".join(
                    f"{ui.domain_title(d)} — {who}" for d, who in may.waivable_elsewhere
                )
            }
        )


def condition_form(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> bool:
    """GEN-8: one condition of approval for the chosen findings of one rule."""
    if not may.condition:
        return False
    st.markdown(words.t("**Add a condition of approval** to major findings (GEN-8)"))
    group = _pick_group(
        may.condition, words.t("Rule whose findings the condition covers"), "condition"
    )
    earliest, proposed = may.condition_due
    with st.form("condition-form", clear_on_submit=True):
        subjects = _subjects(group, "condition")
        text = st.text_area(words.t("Condition"), key="condition-text")
        owner = st.text_input(words.t("Owner"), key="condition-owner")
        due = st.date_input(
            words.t("Due date"), value=proposed, min_value=earliest, key="condition-due"
        )
        if st.form_submit_button(words.t("Add condition"), key="condition-submit"):
            ui.run_action(
                lambda: approval_conditions.add_group(
                    svc,
                    actor.username,
                    view.id,
                    group.rule_id,
                    subjects=subjects,
                    text=text,
                    owner=owner,
                    due_date=_date(due, proposed),
                    expected_version=version,
                ),
                words.t("Condition added to %(rule)s.") % {"rule": group.rule_id},
            )
    return True


def condition_status_form(
    svc: Services, actor: Actor, view: ProposalView, version: int, may: Permissions
) -> bool:
    if not may.conditions:
        return False
    by_id = {c.id: c for c in may.conditions}
    with st.form("condition-status-form"):
        st.markdown(words.t("**Update a condition**"))
        cid = st.selectbox(
            words.t("Condition"),
            list(by_id),
            format_func=lambda i: ui.condition_label(by_id[i]),
            key="condition-status-id",
        )
        status = st.radio(
            words.t("New status"),
            ["met", "cancelled"],
            format_func=lambda s: words.t("Met") if s == "met" else words.t("Cancelled"),
            horizontal=True,
            key="condition-status-value",
        )
        if st.form_submit_button(words.t("Update condition"), key="condition-status-submit"):
            ui.run_action(
                lambda: approval_conditions.set_status(
                    svc,
                    actor.username,
                    view.id,
                    int(cid or 0),
                    str(status),
                    expected_version=version,
                ),
                words.t("Condition #%(id)s marked %(status)s.") % {"id": cid, "status": status},
            )
    return True


def comment_form(svc: Services, actor: Actor, view: ProposalView, version: int) -> None:
    """Anyone who can see the request may comment."""
    with st.form("comment-form", clear_on_submit=False):
        st.markdown(words.t("**Comment**"))
        reviewer_domains = actor.domains(Role.REVIEWER)
        about: str | None = None
        if reviewer_domains:
            about = st.selectbox(
                words.t("About domain (optional)"),
                [None, *reviewer_domains],
                format_func=lambda d: words.t("General") if d is None else ui.domain_title(d),
                key="comment-domain",
            )
        body = st.text_area(words.t("Comment"), key="comment-body")
        if st.form_submit_button(words.t("Post comment"), key="comment-submit"):
            ui.run_action(
                lambda: reviews.comment(
                    svc, actor.username, view.id, body, domain=about, expected_version=version
                ),
                words.t("Comment posted."),
            )
