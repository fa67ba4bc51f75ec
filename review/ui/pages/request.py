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
from review.ui import components, downloads, review_forms, runtime
from review.ui.policy_text import literal
from review.ui.vendor_invite import invite_form

PAGE = "review/ui/pages/request.py"


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
        st.info("There are no requests you can see yet.")
        return None
    labels = {p.id: f"{p.ref}: {p.title} ({components.state_text(p.state)})" for p in visible}
    choice = st.selectbox(
        "Choose a request",
        options=list(labels),
        format_func=lambda i: labels[i],
        index=None,
        placeholder="Choose a request to open",
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
        return ", ".join(str(v) for v in value) or "none"
    return "—" if value is None else str(value)


def key_facts(view: ProposalView) -> None:
    record = view.record
    proposal: dict[str, Any] = record.get("proposal") or {}
    vendor = proposal.get("vendor") or {}
    cost = proposal.get("cost") or {}
    requester = proposal.get("requester") or {}
    users = proposal.get("users") or {}
    rows = [
        ("Department", view.department),
        ("Requester", f"{view.requester_name} ({view.requester})"),
        ("Contact", requester.get("name") or "—"),
        ("Vendor", " / ".join(str(v) for v in (vendor.get("name"), vendor.get("product")) if v)),
        ("Acquisition", listed(proposal.get("acquisition_type"))),
        ("Procurement method", listed(proposal.get("procurement_method"))),
        ("One-time cost", money(cost.get("one_time"))),
        ("Annual cost", money(cost.get("annual"))),
        ("Term (years)", listed(cost.get("term_years"))),
        ("Total contract value", money(view.tcv)),
        ("Hosting", listed(proposal.get("hosting"))),
        ("Data locations", listed(proposal.get("data_locations"))),
        ("Data classes", listed(proposal.get("data_classes"))),
        ("Personal data", listed(proposal.get("data_types"))),
        ("Public facing", listed(users.get("public_facing"))),
        ("Uses AI", listed((proposal.get("ai") or {}).get("uses_ai"))),
        (
            "Surveillance technology",
            listed((proposal.get("surveillance") or {}).get("is_surveillance_technology")),
        ),
    ]
    contract = record.get("contract")
    if isinstance(contract, dict):
        rows += [
            ("Contract vendor", listed(contract.get("vendor"))),
            ("Contract value", money(contract.get("value_usd"))),
            ("Contract term", f"{contract.get('start_date')} to {contract.get('end_date')}"),
        ]
    st.table({"Fact": [r[0] for r in rows], "Answer": [r[1] or "—" for r in rows]})
    if proposal.get("problem_statement"):
        st.markdown(f"**Problem statement:** {literal(proposal['problem_statement'])}")
    with st.expander("Full record (YAML)"):
        st.code(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), language="yaml")
        st.caption("The same record as JSON:")
        st.code(json.dumps(record, indent=2, ensure_ascii=False), language="json")


def needed_next(view: ProposalView, may: Permissions) -> None:
    st.markdown("#### What is needed next")
    if view.missing_signoffs:
        missing = ", ".join(ui.domain_title(d) for d in view.missing_signoffs)
        st.markdown(f"**Sign-offs still needed:** {missing}")
    elif view.required_signoffs:
        st.markdown("**Sign-offs:** every required sign-off is in.")
    st.markdown(f"**Allowed in this state:** {ui.allowed_text(view.allowed_actions)}")
    if view.state == "changes_requested":
        st.markdown("The department must answer the change request and resubmit.")
    if view.state in ("ready_for_approval", "contract_ready"):
        st.markdown("Waiting for the approver's decision.")
    if view.state == "draft":
        st.markdown("The department has not submitted this request yet.")
    yours = []
    if may.sign_off:
        yours.append("sign off " + ", ".join(ui.domain_title(o.domain) for o in may.sign_off))
    if may.waive:
        waivable = sum(len(g.findings) for g in may.waive)
        yours.append(f"waive {waivable} finding(s) of {len(may.waive)} rule(s)")
    if may.condition:
        yours.append("add conditions to major findings")
    if may.resubmit.ok:
        yours.append("resubmit with a response")
    if yours:
        st.markdown(f"**You can:** {'; '.join(yours)} (see Actions).")


def findings_section(view: ProposalView, titles: dict[str, str]) -> None:
    if view.evaluated_at is None:
        st.caption("Not evaluated yet: findings appear when the request is submitted.")
        return
    st.caption(
        f"Evaluated {components.when(view.evaluated_at)} against {view.standards_version} "
        f"(as of {view.evaluated_as_of})."
    )
    show_info = st.toggle("Show information findings", value=False, key="findings-show-info")
    components.findings_by_domain(view.findings, titles, key="current", hide_info=not show_info)
    st.markdown("#### Resolved findings")
    if not view.resolved:
        st.caption("No finding of an earlier evaluation has been resolved.")
    for index, item in enumerate(view.resolved):
        components.finding_card(item, titles, key=f"resolved-{index}")


def changes_section(svc: Services, actor: Actor, view: ProposalView) -> None:
    numbers = [v.number for v in view.versions]
    if len(numbers) < 2:
        st.caption("Only one version has been saved.")
        return
    reviewed = {s.version_number for s in view.signoffs} | {
        c.version_number for c in view.comments if c.kind == "change_request"
    }
    described = {
        v.number: f"Version {v.number} ({v.stage}, {'submitted' if v.submitted else 'saved'}"
        f"{', reviewed' if v.number in reviewed else ''}"
        f"{', current' if v.number == view.current_version else ''}, {components.when(v.at)})"
        for v in view.versions
    }
    baseline = permissions.last_reviewed_version(view)
    if baseline is not None:
        st.caption(
            f"Shown first: version {baseline}, the last one reviewed, against the current "
            f"version {view.current_version}."
        )
    cols = st.columns(2)
    old = cols[0].selectbox(
        "Compare version",
        numbers,
        index=numbers.index(baseline) if baseline in numbers else len(numbers) - 2,
        format_func=lambda n: described[n],
        key="changes-old",
    )
    new = cols[1].selectbox(
        "with version",
        numbers,
        index=numbers.index(view.current_version)
        if view.current_version in numbers
        else len(numbers) - 1,
        format_func=lambda n: described[n],
        key="changes-new",
    )
    if old == new:
        st.caption("Choose two different versions.")
        return
    try:
        records = proposals.version_records(svc, actor.username, view.id, [old, new])
    except ReviewError as exc:
        st.error(str(exc))
        return
    fields = changed_fields(records[old], records[new])
    if not fields:
        st.info(f"Versions {old} and {new} have the same content.")
        return
    flat_old: dict[str, Any] = {}
    flat_new: dict[str, Any] = {}
    _flatten(records[old], "", flat_old)
    _flatten(records[new], "", flat_new)
    st.markdown(f"**{len(fields)} field(s) changed**")
    st.table(
        {
            "Field": fields,
            f"Version {old}": [_shown(flat_old.get(f)) for f in fields],
            f"Version {new}": [_shown(flat_new.get(f)) for f in fields],
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
        return "(not answered)"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def signoffs_section(view: ProposalView) -> None:
    if not view.signoffs:
        st.caption("No sign-offs yet.")
        return
    for s in view.signoffs:
        text = (
            f"**{ui.domain_title(s.domain)}** ({s.stage}) — {literal(s.reviewer_name)} on version "
            f"{s.version_number}, {components.when(s.at)}"
        )
        if s.note:
            text += f": {literal(s.note)}"
        if s.valid:
            st.markdown(f"✅ Valid · {text}")
        else:
            st.markdown(
                f"❌ Invalidated · {text}  \nReason: {literal(s.invalidated_reason or '—')}"
            )


def waivers_section(view: ProposalView) -> None:
    st.markdown("#### Waivers")
    if not view.waivers:
        st.caption("No waivers.")
    for w in view.waivers:
        status = "revoked" if w.revoked else "expired" if w.expired else "active"
        subject = f" ({literal(w.subject)})" if w.subject else ""
        st.markdown(
            f"**{w.rule_id}{subject}** — {status}; granted by {literal(w.granted_by)} on "
            f"{components.when(w.granted_at)}, expires {w.expires_on}.  \n"
            f"Justification: {literal(w.justification)}  \nCompensating controls: "
            f"{literal(w.compensating_controls)}"
        )
    st.markdown("#### Conditions of approval")
    if not view.conditions:
        st.caption("No conditions.")
    for c in view.conditions:
        st.markdown(f"**{c.status.capitalize()}** · {literal(ui.condition_label(c))}")


def discussion_section(view: ProposalView) -> None:
    if not view.comments:
        st.caption("No comments or change requests.")
    kinds = {"comment": "Comment", "change_request": "Change request", "response": "Response"}
    for c in view.comments:
        about = f" ({ui.domain_title(c.domain)})" if c.domain else ""
        with st.container(border=True):
            st.markdown(
                f"**{kinds.get(c.kind, c.kind)}{about}** by {literal(c.author)}, "
                f"{components.when(c.at)} (version {c.version_number})"
            )
            st.markdown(literal(c.body))  # typed by a person: text, never markdown
    st.markdown("#### Decisions")
    if not view.decisions:
        st.caption("No decision yet.")
    for d in view.decisions:
        reason = f": {literal(d.reason)}" if d.reason else ""
        st.markdown(
            f"**{components.state_text(d.outcome)}** ({d.stage}) by {literal(d.approver)}, "
            f"{components.when(d.at)}{reason}"
        )


def history_section(view: ProposalView) -> None:
    events: list[tuple[dt.datetime, str]] = []
    for v in view.versions:
        what = "submitted" if v.submitted else "saved"
        events.append((v.at, f"Version {v.number} {what} ({v.stage})"))
    for s in view.signoffs:
        events.append((s.at, f"{ui.domain_title(s.domain)} signed off by {s.reviewer}"))
    for c in view.comments:
        events.append((c.at, f"{c.kind.replace('_', ' ').capitalize()} by {c.author}"))
    for w in view.waivers:
        events.append((w.granted_at, f"Waiver of {w.rule_id} granted by {w.granted_by}"))
    for d in view.decisions:
        events.append((d.at, f"{components.state_text(d.outcome)} by {d.approver}"))
    events.sort(key=lambda e: e[0])
    if not events:
        st.caption("Nothing has happened yet.")
        return
    recent = events[-20:]
    st.table({"When": [components.when(e[0]) for e in recent], "What": [e[1] for e in recent]})


def main() -> None:
    svc = runtime.services()
    actor = runtime.actor(svc)
    if actor is None:
        st.error("Sign in to see requests.")
        return
    st.title("Request")
    ui.show_flash()
    pid = chosen_id(svc, actor)
    if pid is None:
        return
    if st.button("Choose another request", key="request-choose-another"):
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
        f"Requested by {view.requester_name} · record version {view.current_version} · "
        f"last change {components.when(view.updated_at)}"
    )
    may = permissions.for_request(svc, actor.username, view)
    needed_next(view, may)
    titles = {sid: s.title for sid, s in svc.evaluator.standards.section_index.items()}
    tabs = st.tabs(
        [
            "Actions",
            "Findings",
            "Record",
            "Changes",
            "Sign-offs",
            "Waivers and conditions",
            "Discussion",
            "History",
        ]
    )
    with tabs[0]:
        review_forms.action_forms(svc, actor, view, version, may)
        if may.invite_vendor.ok:
            invite_form(svc, actor, view.id, key="request-vendor-invite")
    mine = exports.Options(proposal_id=view.id)
    with tabs[1]:
        downloads.offer(svc, actor, "findings", mine, name=f"{view.ref}-findings", what="findings")
        findings_section(view, titles)
    with tabs[2]:
        key_facts(view)
    with tabs[3]:
        changes_section(svc, actor, view)
    with tabs[4]:
        signoffs_section(view)
    with tabs[5]:
        downloads.offer(svc, actor, "waivers", mine, name=f"{view.ref}-waivers", what="waivers")
        waivers_section(view)
    with tabs[6]:
        discussion_section(view)
    with tabs[7]:
        downloads.offer(svc, actor, "audit", mine, name=f"{view.ref}-audit", what="audit events")
        history_section(view)
    ui.remember_version(lock_key, view.row_version)


main()
