"""Inventory: the City's approved (and imported) systems, filtered, and one system's timeline
of reviews, findings, waivers, conditions and deadlines (GEN-9). The services decide what
each person sees and may do; this page only renders and forwards actions."""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import exports, inventory, inventory_import, inventory_views
from review.services.inventory import EVIDENCE_KINDS
from review.ui import downloads, runtime, words
from review.ui.components import DOMAIN_TITLE, state_text
from review.ui.policy_text import literal

REQUEST_PAGE = "review/ui/pages/request.py"
STATUS_TEXT = {"active": words.N_("Active"), "retired": words.N_("Retired"), "all": words.N_("All")}
KIND_ICON = {
    "review": "📝",
    "record": "🗂️",
    "finding": "⚠️",
    "waiver": "🛡️",
    "condition": "📌",
    "deadline": "📅",
    "retired": "🏁",
}

lang = words.language()
svc = runtime.services()
actor = runtime.require_actor(svc)
st.title(lang("Inventory"))
st.caption(
    lang(
        "Every approved system stays here until it is retired (GEN-9); the daily sweep judges "
        "each one against the standards in force."
    )
)


def money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.0f}"


def filters() -> dict[str, str | None]:
    try:
        everything = inventory_views.list_systems(svc, actor.username, status=None)
    except ReviewError as exc:
        st.error(str(exc))
        st.stop()
    departments = sorted({s.department for s in everything})
    vendors = sorted({s.vendor for s in everything if s.vendor})
    classes = sorted({c for s in everything for c in s.data_classes})
    cols = st.columns(4)
    status = cols[0].selectbox(
        lang("Status"),
        list(STATUS_TEXT),
        format_func=lambda s: lang(STATUS_TEXT[s]),
        key="inv-status",
    )
    department = cols[1].selectbox(
        lang("Department"),
        ["", *departments],
        key="inv-department",
        format_func=lambda d: d or lang("All departments"),
    )
    vendor = cols[2].selectbox(
        lang("Vendor"),
        ["", *vendors],
        key="inv-vendor",
        format_func=lambda v: v or lang("All vendors"),
    )
    data_class = cols[3].selectbox(
        lang("Data class"),
        ["", *classes],
        key="inv-class",
        format_func=lambda c: c.capitalize() or lang("Any data class"),
    )
    return {
        "status": None if status == "all" else status,
        "department": department or None,
        "vendor": vendor or None,
        "data_class": data_class or None,
    }


chosen = filters()
try:
    rows = inventory_views.list_systems(svc, actor.username, **chosen)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()

if not rows:
    st.info(lang("No system matches these filters."))
else:
    downloads.offer(
        svc,
        actor,
        "inventory",
        exports.Options(status=chosen["status"], department=chosen["department"]),
        name="inventory",
        what=lang("the inventory"),
    )
    st.dataframe(
        [
            {
                lang("System"): r.ref,
                lang("Title"): r.title,
                lang("Vendor"): r.vendor or "—",
                lang("Department"): r.department,
                lang("Business owner"): r.owner,
                lang("Data classes"): ", ".join(r.data_classes) or "—",
                lang("Status"): r.status.capitalize()
                + ("" if r.reviewed else " " + lang("(not yet reviewed)")),
                lang("Contract ends"): r.contract_end.isoformat() if r.contract_end else "—",
                lang("Value"): money(r.contract_value),
                lang("Open findings"): r.open_findings,
                lang("Overdue"): r.overdue_findings,
            }
            for r in rows
        ],
        hide_index=True,
        key="inventory-table",
    )

picked_ref = st.query_params.get("system")
refs = [r.ref for r in rows]
if picked_ref and picked_ref not in refs:
    refs = [picked_ref, *refs]
choice: str | None = None
if refs:
    choice = st.selectbox(
        lang("Open a system"),
        refs,
        index=refs.index(picked_ref) if picked_ref in refs else 0,
        key="inv-open",
        format_func=lambda ref: next((f"{r.ref}: {r.title}" for r in rows if r.ref == ref), ref),
    )
    if choice != st.query_params.get("system"):
        st.query_params["system"] = choice


def show_system(system_ref: str) -> None:
    try:
        detail = inventory_views.show(svc, actor.username, inventory.parse_ref(system_ref))
    except ReviewError as exc:
        st.error(str(exc))
        return
    s = detail.system
    st.header(f"{s.ref}: {literal(s.title)}")
    cols = st.columns(4)
    cols[0].markdown(lang("**Department**") + f"  \n{literal(s.department)}")
    cols[1].markdown(
        lang("**Business owner**") + f"  \n{literal(s.owner)}  \n{literal(s.owner_email)}"
    )
    cols[2].markdown(
        lang("**Vendor**") + f"  \n{literal(s.vendor or '—')}  \n{literal(s.product or '')}"
    )
    unreviewed = lang("Not yet reviewed: re-review due %(date)s") % {"date": s.rereview_due}
    cols[3].markdown(
        lang("**Status**")
        + f"  \n{s.status.capitalize()}"
        + ("" if s.reviewed else f"  \n{unreviewed}")
    )
    cols = st.columns(4)
    cols[0].metric(lang("Contract ends"), s.contract_end.isoformat() if s.contract_end else "—")
    cols[1].metric(lang("Contract value"), money(s.contract_value))
    cols[2].metric(lang("Open findings"), s.open_findings)
    cols[3].metric(lang("Overdue findings"), s.overdue_findings)
    if detail.retired_reason:
        st.warning(lang("Retired: %(reason)s") % {"reason": literal(detail.retired_reason)})
    if detail.packet:
        st.caption(
            lang("Approval packet %(packet)s · SHA-256 `%(digest)s`")
            % {"packet": detail.packet[0], "digest": detail.packet[1]}
        )
    if detail.renewal:
        changed = ", ".join(f"`{f}`" for f in detail.renewal_changes) or lang("nothing yet")
        st.info(
            lang(
                "Renewal review **%(renewal)s** is open (GEN-7). Changed from the approved "
                "record: %(changed)s."
            )
            % {"renewal": detail.renewal, "changed": changed}
        )
    tabs = st.tabs([lang("Timeline"), lang("Findings"), lang("Deadlines"), lang("Reviews")])
    with tabs[0]:
        timeline(detail)
    with tabs[1]:
        findings(detail)
    with tabs[2]:
        deadlines(detail)
    with tabs[3]:
        reviews(detail)
    if detail.may_manage:
        actions(detail)


def timeline(detail: inventory_views.SystemDetail) -> None:
    today = svc.today()
    for event in detail.timeline:
        when = lang("upcoming") if event.on > today else ""
        cites = f" · {', '.join(event.citations)}" if event.citations else ""
        st.markdown(
            f"{KIND_ICON.get(event.kind, '•')} **{event.on.isoformat()}** {when} — "
            f"{literal(event.text)}{cites}"
        )


def findings(detail: inventory_views.SystemDetail) -> None:
    if not detail.findings:
        st.success(lang("No finding has appeared since approval."))
        return
    st.dataframe(
        [
            {
                lang("Severity"): f.severity.upper(),
                lang("Finding"): f.title,
                lang("Domain"): DOMAIN_TITLE.get(f.domain, f.domain),
                lang("Policy"): ", ".join(f.citations),
                lang("Status"): f.status.capitalize()
                + (" — " + lang("OVERDUE") if f.overdue else ""),
                lang("Opened"): f.opened_on.isoformat(),
                lang("Due"): f.due_on.isoformat() if f.due_on else "—",
                lang("Escalated"): f.escalated_on.isoformat() if f.escalated_on else "—",
            }
            for f in detail.findings
        ],
        hide_index=True,
        key="system-findings-table",
    )


def deadlines(detail: inventory_views.SystemDetail) -> None:
    if not detail.deadlines:
        st.caption(lang("No deadlines."))
        return
    st.dataframe(
        [
            {
                lang("Due"): d.due_on.isoformat(),
                lang("Days left"): d.days_left,
                lang("Status"): (
                    d.status.upper() if d.status == "overdue" else d.status.capitalize()
                ),
                lang("Deadline"): d.title,
                lang("Domain"): DOMAIN_TITLE.get(d.domain, d.domain),
                lang("Policy"): ", ".join(d.citations),
            }
            for d in detail.deadlines
        ],
        hide_index=True,
        key="system-deadlines-table",
    )


def reviews(detail: inventory_views.SystemDetail) -> None:
    for link in detail.reviews:
        cols = st.columns([5, 1])
        line = (
            lang(
                "**%(ref)s** (%(kind)s, after %(previous)s) — %(title)s · %(state)s · "
                "opened %(date)s"
            )
            if link.previous
            else lang("**%(ref)s** (%(kind)s) — %(title)s · %(state)s · opened %(date)s")
        )
        cols[0].markdown(
            line
            % {
                "ref": link.proposal,
                "kind": link.kind,
                "previous": link.previous,
                "title": link.title,
                "state": state_text(link.state),
                "date": link.opened_on,
            }
        )
        if cols[1].button(lang("Open"), key=f"open-review-{link.proposal_id}"):
            st.switch_page(REQUEST_PAGE, query_params={"id": str(link.proposal_id)})


def actions(detail: inventory_views.SystemDetail) -> None:
    s = detail.system
    with (
        st.expander(lang("Record new evidence"), key="evidence-expander"),
        st.form("evidence-form", clear_on_submit=False),
    ):
        kind = st.selectbox(lang("Evidence"), EVIDENCE_KINDS, key="evidence-kind")
        date = st.date_input(
            lang("Dated"), value=svc.today(), max_value=svc.today(), key="evidence-date"
        )
        note = st.text_input(lang("Note (optional)"), key="evidence-note")
        if st.form_submit_button(lang("Record evidence")):
            try:
                inventory.record_evidence(
                    svc,
                    actor.username,
                    s.id,
                    kind,
                    date,
                    note=note or None,
                    expected_version=s.row_version,
                )
            except ReviewError as exc:
                st.error(str(exc))
            else:
                st.success(
                    lang("%(kind)s dated %(date)s recorded for %(ref)s.")
                    % {"kind": kind, "date": date, "ref": s.ref}
                )
                st.rerun()
    with st.expander(lang("Retire this system"), key="retire-expander"), st.form("retire-form"):
        reason = st.text_area(lang("Why is it no longer in use?"), key="retire-reason")
        sure = st.checkbox(lang("It is no longer in use"), key="retire-sure")
        if st.form_submit_button(lang("Retire")):
            if not sure:
                st.error(lang("Confirm that the system is no longer in use."))
                return
            try:
                inventory.retire(
                    svc, actor.username, s.id, reason=reason, expected_version=s.row_version
                )
            except ReviewError as exc:
                st.error(str(exc))
            else:
                st.success(lang("%(ref)s retired.") % {"ref": s.ref})
                st.rerun()


if choice:
    show_system(choice)


def import_panel() -> None:
    st.subheader(lang("Import systems already in use"))
    st.caption(
        lang(
            "CSV (comma or semicolon, UTF-8) or Excel .xlsx, with the columns docs/lifecycle.md "
            "lists. A file with errors imports nothing unless you skip the bad rows."
        )
    )
    upload = st.file_uploader(
        lang("Inventory file"), type=["csv", "xlsx"], key="inv-upload", max_upload_size=20
    )
    skip = st.checkbox(lang("Skip bad rows (import the good ones)"), key="inv-skip")
    if upload is not None and st.button(lang("Import"), key="inv-import"):
        try:
            report = inventory_import.import_bytes(
                svc, actor.username, upload.getvalue(), upload.name, skip_bad_rows=skip
            )
        except ReviewError as exc:
            st.error(str(exc))
            return
        (st.warning if report.problems else st.success)(report.summary)
        for problem in report.problems:
            st.markdown(f"- {problem}")


if actor.is_admin:
    import_panel()
