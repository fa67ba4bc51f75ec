"""One request, for everyone who may see it: what it is, what was found, who signed, what is
next, and the actions the signed-in person may take. Every action is checked by the service;
a refusal is shown as its message."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import streamlit as st
import yaml

from review.errors import ReviewError
from review.refs import read_proposal_id
from review.services import exports, permissions, proposals
from review.services.context import Actor, Services
from review.services.permissions import Permissions
from review.services.record_versions import changed_fields
from review.services.views import ProposalView
from review.ui import actions as ui
from review.ui import components, downloads, review_forms, runtime, words
from review.ui.policy_text import literal
from review.ui.vendor_invite import invite_form

PAGE = "review/ui/pages/request.py"
lang = words.language()


def parse_id(value: object) -> int | None:
    return read_proposal_id(value)  # the one parser (review/refs.py)


def chosen_id(svc: Services, actor: Actor) -> int | None:
    picked = parse_id(st.query_params.get("id")) or parse_id(st.session_state.get("proposal_id"))
    if picked is not None:
        return picked
    try:
        visible = proposals.list_proposals(svc, actor.username)
    except ReviewError as exc:
        st.error(str(exc))
        return None
    if not visible:
        st.info(lang("There are no requests you can see yet."))
        return None
    labels = {p.id: f"{p.ref}: {p.title} ({components.state_text(p.state)})" for p in visible}
    choice = st.selectbox(
        lang("Choose a request"),
        options=list(labels),
        format_func=lambda i: labels[i],
        index=None,
        placeholder=lang("Choose a request to open"),
        key="request-pick",
    )
    if choice is not None:
        st.query_params["id"] = str(choice)
        st.session_state["proposal_id"] = choice
    return choice


def money(value: Any) -> str:
    return f"${value:,.2f}" if isinstance(value, int | float) else "—"


def listed(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or lang("none")
    return "—" if value is None else str(value)


def key_facts(view: ProposalView) -> None:
    record = view.record
    proposal: dict[str, Any] = record.get("proposal") or {}
    vendor = proposal.get("vendor") or {}
    cost = proposal.get("cost") or {}
    requester = proposal.get("requester") or {}
    users = proposal.get("users") or {}
    rows = [
        (lang("Department"), view.department),
        (lang("Requester"), f"{view.requester_name} ({view.requester})"),
        (lang("Contact"), requester.get("name") or "—"),
        (
            lang("Vendor"),
            " / ".join(str(v) for v in (vendor.get("name"), vendor.get("product")) if v),
        ),
        (lang("Acquisition"), listed(proposal.get("acquisition_type"))),
        (lang("Procurement method"), listed(proposal.get("procurement_method"))),
        (lang("One-time cost"), money(cost.get("one_time"))),
        (lang("Annual cost"), money(cost.get("annual"))),
        (lang("Term (years)"), listed(cost.get("term_years"))),
        (lang("Total contract value"), money(view.tcv)),
        (lang("Hosting"), listed(proposal.get("hosting"))),
        (lang("Data locations"), listed(proposal.get("data_locations"))),
        (lang("Data classes"), listed(proposal.get("data_classes"))),
        (lang("Personal data"), listed(proposal.get("data_types"))),
        (lang("Public facing"), listed(users.get("public_facing"))),
        (lang("Uses AI"), listed((proposal.get("ai") or {}).get("uses_ai"))),
        (
            lang("Surveillance technology"),
            listed((proposal.get("surveillance") or {}).get("is_surveillance_technology")),
        ),
    ]
    contract = record.get("contract")
    if isinstance(contract, dict):
        rows += [
            (lang("Contract vendor"), listed(contract.get("vendor"))),
            (lang("Contract value"), money(contract.get("value_usd"))),
            (
                lang("Contract term"),
                lang("%(start)s to %(end)s")
                % {"start": contract.get("start_date"), "end": contract.get("end_date")},
            ),
        ]
    st.table({lang("Fact"): [r[0] for r in rows], lang("Answer"): [r[1] or "—" for r in rows]})
    if proposal.get("problem_statement"):
        st.markdown(
            lang("**Problem statement:** %(statement)s")
            % {"statement": literal(proposal["problem_statement"])}
        )
    with st.expander(lang("Full record (YAML)")):
        st.code(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), language="yaml")
        st.caption(lang("The same record as JSON:"))
        st.code(json.dumps(record, indent=2, ensure_ascii=False), language="json")


def needed_next(view: ProposalView, may: Permissions) -> None:
    st.markdown(lang("#### What is needed next"))
    if view.missing_signoffs:
        missing = ", ".join(ui.domain_title(d) for d in view.missing_signoffs)
        st.markdown(lang("**Sign-offs still needed:** %(domains)s") % {"domains": missing})
    elif view.required_signoffs:
        st.markdown(lang("**Sign-offs:** every required sign-off is in."))
    st.markdown(
        lang("**Next steps in the review:** %(actions)s")
        % {"actions": ui.allowed_text(view.allowed_actions)}
    )
    if view.state == "changes_requested":
        st.markdown(lang("The department must answer the change request and resubmit."))
    if view.state in ("ready_for_approval", "contract_ready"):
        st.markdown(lang("Waiting for the approver's decision."))
    if view.state == "draft":
        st.markdown(lang("The department has not submitted this request yet."))
    yours = your_steps(may)
    if yours:
        st.markdown(lang("**You can:** %(actions)s (see Actions).") % {"actions": "; ".join(yours)})
    elif view.allowed_actions:
        st.markdown(
            lang("**You can:** nothing on this request at this stage; the steps above are others'.")
        )


def your_steps(may: Permissions) -> list[str]:
    """The acting person's own steps, so nobody reads the workflow's steps as theirs."""
    yours = []
    if may.sign_off:
        domains = ", ".join(ui.domain_title(o.domain) for o in may.sign_off)
        yours.append(lang("sign off %(domains)s") % {"domains": domains})
    if may.waive:
        waivable = sum(len(g.findings) for g in may.waive)
        yours.append(
            lang("waive %(findings)s finding(s) of %(rules)s rule(s)")
            % {"findings": waivable, "rules": len(may.waive)}
        )
    if may.condition:
        yours.append(lang("add conditions to major findings"))
    if may.resubmit.ok:
        yours.append(lang("resubmit with a response"))
    if may.request_changes:
        yours.append(lang("request changes"))
    if may.possible_outcomes:
        outcomes = ", ".join(lang(ui.OUTCOME_TEXT[o]).lower() for o in may.possible_outcomes)
        yours.append(lang("decide (%(outcomes)s)") % {"outcomes": outcomes})
    if may.withdraw.ok:
        yours.append(lang("withdraw"))
    return yours


def findings_section(view: ProposalView, titles: dict[str, str]) -> None:
    if view.evaluated_at is None:
        st.caption(lang("Not evaluated yet: findings appear when the request is submitted."))
        return
    st.caption(
        lang("Evaluated %(when)s against %(standards)s (as of %(date)s).")
        % {
            "when": components.when(view.evaluated_at),
            "standards": view.standards_version,
            "date": view.evaluated_as_of,
        }
    )
    show_info = st.toggle(lang("Show information findings"), value=False, key="findings-show-info")
    components.findings_by_domain(view.findings, titles, key="current", hide_info=not show_info)
    st.markdown(lang("#### Resolved findings"))
    if not view.resolved:
        st.caption(lang("No finding of an earlier evaluation has been resolved."))
    for index, item in enumerate(view.resolved):
        components.finding_card(item, titles, key=f"resolved-{index}")


def changes_section(svc: Services, actor: Actor, view: ProposalView) -> None:
    numbers = [v.number for v in view.versions]
    if len(numbers) < 2:
        st.caption(lang("Only one version has been saved."))
        return
    reviewed = {s.version_number for s in view.signoffs} | {
        c.version_number for c in view.comments if c.kind == "change_request"
    }
    described = {}
    for v in view.versions:
        details = [v.stage, lang("submitted") if v.submitted else lang("saved")]
        if v.number in reviewed:
            details.append(lang("reviewed"))
        if v.number == view.current_version:
            details.append(lang("current"))
        details.append(components.when(v.at))
        described[v.number] = lang("Version %(number)s (%(details)s)") % {
            "number": v.number,
            "details": ", ".join(details),
        }
    baseline = permissions.last_reviewed_version(view)
    if baseline is not None:
        st.caption(
            lang(
                "Shown first: version %(baseline)s, the last one reviewed, against the current "
                "version %(current)s."
            )
            % {"baseline": baseline, "current": view.current_version}
        )
    cols = st.columns(2)
    old = cols[0].selectbox(
        lang("Compare version"),
        numbers,
        index=numbers.index(baseline) if baseline in numbers else len(numbers) - 2,
        format_func=lambda n: described[n],
        key="changes-old",
    )
    new = cols[1].selectbox(
        lang("with version"),
        numbers,
        index=numbers.index(view.current_version)
        if view.current_version in numbers
        else len(numbers) - 1,
        format_func=lambda n: described[n],
        key="changes-new",
    )
    if old == new:
        st.caption(lang("Choose two different versions."))
        return
    try:
        records = proposals.version_records(svc, actor.username, view.id, [old, new])
    except ReviewError as exc:
        st.error(str(exc))
        return
    fields = changed_fields(records[old], records[new])
    if not fields:
        st.info(
            lang("Versions %(old)s and %(new)s have the same content.") % {"old": old, "new": new}
        )
        return
    flat_old: dict[str, Any] = {}
    flat_new: dict[str, Any] = {}
    _flatten(records[old], "", flat_old)
    _flatten(records[new], "", flat_new)
    st.markdown(lang("**%(count)s field(s) changed**") % {"count": len(fields)})
    st.table(
        {
            lang("Field"): fields,
            lang("Version %(number)s") % {"number": old}: [_shown(flat_old.get(f)) for f in fields],
            lang("Version %(number)s") % {"number": new}: [_shown(flat_new.get(f)) for f in fields],
        }
    )


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def _shown(value: Any) -> str:
    if value is None:
        return lang("(not answered)")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def signoffs_section(view: ProposalView) -> None:
    if not view.signoffs:
        st.caption(lang("No sign-offs yet."))
        return
    for s in view.signoffs:
        text = lang("**%(domain)s** (%(stage)s) — %(who)s on version %(version)s, %(when)s") % {
            "domain": ui.domain_title(s.domain),
            "stage": s.stage,
            "who": literal(s.reviewer_name),
            "version": s.version_number,
            "when": components.when(s.at),
        }
        if s.note:
            text += f": {literal(s.note)}"
        if s.valid:
            st.markdown(lang("✅ Valid · %(signoff)s") % {"signoff": text})
        else:
            st.markdown(
                lang("❌ Invalidated · %(signoff)s  \nReason: %(reason)s")
                % {"signoff": text, "reason": literal(s.invalidated_reason or "—")}
            )


def waivers_section(view: ProposalView) -> None:
    st.markdown(lang("#### Waivers"))
    if not view.waivers:
        st.caption(lang("No waivers."))
    for w in view.waivers:
        status = lang("revoked") if w.revoked else lang("expired") if w.expired else lang("active")
        subject = f" ({literal(w.subject)})" if w.subject else ""
        st.markdown(
            lang(
                "**%(rule)s%(subject)s** — %(status)s; granted by %(who)s on %(when)s, "
                "expires %(expires)s.  \nJustification: %(justification)s  \n"
                "Compensating controls: %(controls)s"
            )
            % {
                "rule": w.rule_id,
                "subject": subject,
                "status": status,
                "who": literal(w.granted_by),
                "when": components.when(w.granted_at),
                "expires": w.expires_on,
                "justification": literal(w.justification),
                "controls": literal(w.compensating_controls),
            }
        )
    st.markdown(lang("#### Conditions of approval"))
    if not view.conditions:
        st.caption(lang("No conditions."))
    for c in view.conditions:
        st.markdown(f"**{c.status.capitalize()}** · {literal(ui.condition_label(c))}")


def discussion_section(view: ProposalView) -> None:
    if not view.comments:
        st.caption(lang("No comments or change requests."))
    kinds = {
        "comment": lang("Comment"),
        "change_request": lang("Change request"),
        "response": lang("Response"),
    }
    for c in view.comments:
        about = f" ({ui.domain_title(c.domain)})" if c.domain else ""
        with st.container(border=True):
            st.markdown(
                lang("**%(kind)s%(about)s** by %(who)s, %(when)s (version %(version)s)")
                % {
                    "kind": kinds.get(c.kind, c.kind),
                    "about": about,
                    "who": literal(c.author),
                    "when": components.when(c.at),
                    "version": c.version_number,
                }
            )
            st.markdown(literal(c.body))  # typed by a person: text, never markdown
    st.markdown(lang("#### Decisions"))
    if not view.decisions:
        st.caption(lang("No decision yet."))
    for d in view.decisions:
        reason = f": {literal(d.reason)}" if d.reason else ""
        st.markdown(
            lang("**%(outcome)s** (%(stage)s) by %(who)s, %(when)s%(reason)s")
            % {
                "outcome": components.state_text(d.outcome),
                "stage": d.stage,
                "who": literal(d.approver),
                "when": components.when(d.at),
                "reason": reason,
            }
        )


def history_section(view: ProposalView) -> None:
    events: list[tuple[dt.datetime, str]] = []
    for v in view.versions:
        what = (
            lang("Version %(number)s submitted (%(stage)s)")
            if v.submitted
            else lang("Version %(number)s saved (%(stage)s)")
        )
        events.append((v.at, what % {"number": v.number, "stage": v.stage}))
    for s in view.signoffs:
        events.append(
            (
                s.at,
                lang("%(domain)s signed off by %(who)s")
                % {"domain": ui.domain_title(s.domain), "who": s.reviewer},
            )
        )
    for c in view.comments:
        kind = c.kind.replace("_", " ").capitalize()
        events.append((c.at, lang("%(kind)s by %(who)s") % {"kind": kind, "who": c.author}))
    for w in view.waivers:
        events.append(
            (
                w.granted_at,
                lang("Waiver of %(rule)s granted by %(who)s")
                % {"rule": w.rule_id, "who": w.granted_by},
            )
        )
    for d in view.decisions:
        outcome = components.state_text(d.outcome)
        events.append((d.at, lang("%(kind)s by %(who)s") % {"kind": outcome, "who": d.approver}))
    events.sort(key=lambda e: e[0])
    if not events:
        st.caption(lang("Nothing has happened yet."))
        return
    recent = events[-20:]
    st.table(
        {
            lang("When"): [components.when(e[0]) for e in recent],
            lang("What"): [e[1] for e in recent],
        }
    )


def main() -> None:
    svc = runtime.services()
    actor = runtime.actor(svc)
    if actor is None:
        st.error(lang("Sign in to see requests."))
        return
    st.title(lang("Request"))
    ui.show_flash()
    pid = chosen_id(svc, actor)
    if pid is None:
        return
    if st.button(lang("Choose another request"), key="request-choose-another"):
        st.session_state.pop("proposal_id", None)
        st.query_params.pop("id", None)
        st.rerun()
    try:
        view = proposals.get(svc, actor.username, pid)
    except ReviewError as exc:
        st.error(str(exc))
        return
    st.session_state["proposal_id"] = view.id
    lock_key = f"request-{view.id}"
    version = ui.seen_version(lock_key, view.row_version)

    components.proposal_header(view)
    st.caption(
        lang("Requested by %(who)s · record version %(version)s · last change %(when)s")
        % {
            "who": view.requester_name,
            "version": view.current_version,
            "when": components.when(view.updated_at),
        }
    )
    may = permissions.for_request(svc, actor.username, view)
    needed_next(view, may)
    titles = {sid: s.title for sid, s in svc.evaluator.standards.section_index.items()}
    tabs = st.tabs(
        [
            lang("Actions"),
            lang("Findings"),
            lang("Record"),
            lang("Changes"),
            lang("Sign-offs"),
            lang("Waivers and conditions"),
            lang("Discussion"),
            lang("History"),
        ]
    )
    with tabs[0]:
        review_forms.action_forms(svc, actor, view, version, may)
        if may.invite_vendor.ok:
            invite_form(svc, actor, view.id, key="request-vendor-invite")
    mine = exports.Options(proposal_id=view.id)
    with tabs[1]:
        downloads.offer(
            svc, actor, "findings", mine, name=f"{view.ref}-findings", what=lang("findings")
        )
        findings_section(view, titles)
    with tabs[2]:
        key_facts(view)
    with tabs[3]:
        changes_section(svc, actor, view)
    with tabs[4]:
        signoffs_section(view)
    with tabs[5]:
        downloads.offer(
            svc, actor, "waivers", mine, name=f"{view.ref}-waivers", what=lang("waivers")
        )
        waivers_section(view)
    with tabs[6]:
        discussion_section(view)
    with tabs[7]:
        downloads.offer(
            svc, actor, "audit", mine, name=f"{view.ref}-audit", what=lang("audit events")
        )
        history_section(view)
    ui.remember_version(lock_key, view.row_version)


main()
