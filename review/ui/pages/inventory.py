"""Inventory: the City's approved (and imported) systems, filtered, and one system's timeline
of reviews, findings, waivers, conditions and deadlines (GEN-9). The services decide what
each person sees and may do; this page only renders and forwards actions."""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.services import exports, inventory, inventory_import, inventory_views
from review.services.inventory import EVIDENCE_KINDS
from review.ui import downloads, runtime
from review.ui.components import DOMAIN_TITLE, state_text
from review.ui.policy_text import literal

REQUEST_PAGE = "review/ui/pages/request.py"
STATUS_TEXT = {"active": "Active", "retired": "Retired", "all": "All"}
KIND_ICON = {
    "review": "📝",
    "record": "🗂️",
    "finding": "⚠️",
    "waiver": "🛡️",
    "condition": "📌",
    "deadline": "📅",
    "retired": "🏁",
}

svc = runtime.services()
actor = runtime.require_actor(svc)
st.title("Inventory")
st.caption(
    "Every approved system stays here until it is retired (GEN-9); the daily sweep judges "
    "each one against the standards in force."
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
        "Status", list(STATUS_TEXT), format_func=STATUS_TEXT.__getitem__, key="inv-status"
    )
    department = cols[1].selectbox(
        "Department",
        ["", *departments],
        key="inv-department",
        format_func=lambda d: d or "All departments",
    )
    vendor = cols[2].selectbox(
        "Vendor", ["", *vendors], key="inv-vendor", format_func=lambda v: v or "All vendors"
    )
    data_class = cols[3].selectbox(
        "Data class",
        ["", *classes],
        key="inv-class",
        format_func=lambda c: c.capitalize() or "Any data class",
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
    st.info("No system matches these filters.")
else:
    downloads.offer(
        svc,
        actor,
        "inventory",
        exports.Options(status=chosen["status"], department=chosen["department"]),
        name="inventory",
        what="the inventory",
    )
    st.dataframe(
        [
            {
                "System": r.ref,
                "Title": r.title,
                "Vendor": r.vendor or "—",
                "Department": r.department,
                "Business owner": r.owner,
                "Data classes": ", ".join(r.data_classes) or "—",
                "Status": r.status.capitalize() + ("" if r.reviewed else " (not yet reviewed)"),
                "Contract ends": r.contract_end.isoformat() if r.contract_end else "—",
                "Value": money(r.contract_value),
                "Open findings": r.open_findings,
                "Overdue": r.overdue_findings,
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
        "Open a system",
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
    cols[0].markdown(f"**Department**  \n{literal(s.department)}")
    cols[1].markdown(f"**Business owner**  \n{literal(s.owner)}  \n{literal(s.owner_email)}")
    cols[2].markdown(f"**Vendor**  \n{literal(s.vendor or '—')}  \n{literal(s.product or '')}")
    cols[3].markdown(
        f"**Status**  \n{s.status.capitalize()}"
        + ("" if s.reviewed else f"  \nNot yet reviewed: re-review due {s.rereview_due}")
    )
    cols = st.columns(4)
    cols[0].metric("Contract ends", s.contract_end.isoformat() if s.contract_end else "—")
    cols[1].metric("Contract value", money(s.contract_value))
    cols[2].metric("Open findings", s.open_findings)
    cols[3].metric("Overdue findings", s.overdue_findings)
    if detail.retired_reason:
        st.warning(f"Retired: {literal(detail.retired_reason)}")
    if detail.packet:
        st.caption(f"Approval packet {detail.packet[0]} · SHA-256 `{detail.packet[1]}`")
    if detail.renewal:
        changed = ", ".join(f"`{f}`" for f in detail.renewal_changes) or "nothing yet"
        st.info(
            f"Renewal review **{detail.renewal}** is open (GEN-7). Changed from the approved "
            f"record: {changed}."
        )
    tabs = st.tabs(["Timeline", "Findings", "Deadlines", "Reviews"])
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
        when = "upcoming" if event.on > today else ""
        cites = f" · {', '.join(event.citations)}" if event.citations else ""
        st.markdown(
            f"{KIND_ICON.get(event.kind, '•')} **{event.on.isoformat()}** {when} — "
            f"{literal(event.text)}{cites}"
        )


def findings(detail: inventory_views.SystemDetail) -> None:
    if not detail.findings:
        st.success("No finding has appeared since approval.")
        return
    st.dataframe(
        [
            {
                "Severity": f.severity.upper(),
                "Finding": f.title,
                "Domain": DOMAIN_TITLE.get(f.domain, f.domain),
                "Policy": ", ".join(f.citations),
                "Status": f.status.capitalize() + (" — OVERDUE" if f.overdue else ""),
                "Opened": f.opened_on.isoformat(),
                "Due": f.due_on.isoformat() if f.due_on else "—",
                "Escalated": f.escalated_on.isoformat() if f.escalated_on else "—",
            }
            for f in detail.findings
        ],
        hide_index=True,
        key="system-findings-table",
    )


def deadlines(detail: inventory_views.SystemDetail) -> None:
    if not detail.deadlines:
        st.caption("No deadlines.")
        return
    st.dataframe(
        [
            {
                "Due": d.due_on.isoformat(),
                "Days left": d.days_left,
                "Status": d.status.upper() if d.status == "overdue" else d.status.capitalize(),
                "Deadline": d.title,
                "Domain": DOMAIN_TITLE.get(d.domain, d.domain),
                "Policy": ", ".join(d.citations),
            }
            for d in detail.deadlines
        ],
        hide_index=True,
        key="system-deadlines-table",
    )


def reviews(detail: inventory_views.SystemDetail) -> None:
    for link in detail.reviews:
        cols = st.columns([5, 1])
        after = f", after {link.previous}" if link.previous else ""
        cols[0].markdown(
            f"**{link.proposal}** ({link.kind}{after}) — {link.title} · "
            f"{state_text(link.state)} · opened {link.opened_on}"
        )
        if cols[1].button("Open", key=f"open-review-{link.proposal_id}"):
            st.switch_page(REQUEST_PAGE, query_params={"id": str(link.proposal_id)})


def actions(detail: inventory_views.SystemDetail) -> None:
    s = detail.system
    with (
        st.expander("Record new evidence", key="evidence-expander"),
        st.form("evidence-form", clear_on_submit=False),
    ):
        kind = st.selectbox("Evidence", EVIDENCE_KINDS, key="evidence-kind")
        date = st.date_input("Dated", value=svc.today(), max_value=svc.today(), key="evidence-date")
        note = st.text_input("Note (optional)", key="evidence-note")
        if st.form_submit_button("Record evidence"):
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
                st.success(f"{kind} dated {date} recorded for {s.ref}.")
                st.rerun()
    with st.expander("Retire this system", key="retire-expander"), st.form("retire-form"):
        reason = st.text_area("Why is it no longer in use?", key="retire-reason")
        sure = st.checkbox("It is no longer in use", key="retire-sure")
        if st.form_submit_button("Retire"):
            if not sure:
                st.error("Confirm that the system is no longer in use.")
                return
            try:
                inventory.retire(
                    svc, actor.username, s.id, reason=reason, expected_version=s.row_version
                )
            except ReviewError as exc:
                st.error(str(exc))
            else:
                st.success(f"{s.ref} retired.")
                st.rerun()


if choice:
    show_system(choice)


def import_panel() -> None:
    st.subheader("Import systems already in use")
    st.caption(
        "CSV (comma or semicolon, UTF-8) or Excel .xlsx, with the columns docs/lifecycle.md "
        "lists. A file with errors imports nothing unless you skip the bad rows."
    )
    upload = st.file_uploader(
        "Inventory file", type=["csv", "xlsx"], key="inv-upload", max_upload_size=20
    )
    skip = st.checkbox("Skip bad rows (import the good ones)", key="inv-skip")
    if upload is not None and st.button("Import", key="inv-import"):
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
