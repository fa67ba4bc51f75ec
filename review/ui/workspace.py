"""The workspace's navigation: the pages each role sees, and signing out.

``app.py`` runs :func:`main` on every page run (Streamlit runs it as ``__main__``)."""

from __future__ import annotations

import streamlit as st

from .. import logs
from ..services import publication_delays
from ..services.roles import Role
from . import runtime
from .policy_text import literal

P = "review/ui/pages/"  # st.Page paths are relative to the main script, app.py


def main() -> None:
    logs.configure(default_level="INFO")  # idempotent: this runs on every rerun
    st.set_page_config(
        page_title="Technology review", page_icon=":material/account_balance:", layout="wide"
    )
    runtime.session_frame()

    svc = runtime.services()
    actor = runtime.actor(svc)

    # open to everyone, signed in or not: whoever holds a packet can check it (docs/packets.md)
    verify = st.Page(
        P + "verify_packet.py",
        title="Verify a packet",
        icon=":material/verified:",
        url_path="verify",
    )
    # reached only through the link in a vendor's invitation: in no one's menu
    vendor = st.Page(
        P + "vendor.py",
        title="Vendor answers",
        icon=":material/handshake:",
        url_path="vendor",
        visibility="hidden",
    )
    # the public registers (GEN-10), open to everyone in English and Spanish
    public = [
        st.Page(
            P + f"register_{name}.py",
            title=title,
            icon=":material/public:",
            url_path=f"register-{name}",
        )
        for name, title in (
            ("approved", "Approved technology"),
            ("surveillance", "Surveillance technology"),
            ("ai", "AI systems"),
        )
    ]
    if actor is None:
        page = st.navigation(
            [
                st.Page(P + "sign_in.py", title="Sign in", icon=":material/login:"),
                verify,
                vendor,
                *public,
            ]
        )
    else:
        sections: dict[str, list[st.Page]] = {
            "": [
                st.Page(
                    P + "dashboard.py", title="Dashboard", icon=":material/dashboard:", default=True
                )
            ],
        }
        if actor.has(Role.REQUESTER):
            sections["My department"] = [
                st.Page(P + "new_request.py", title="New request", icon=":material/add_circle:"),
                st.Page(P + "my_requests.py", title="My requests", icon=":material/folder_open:"),
                st.Page(
                    P + "vendor_links.py", title="Vendor links", icon=":material/forward_to_inbox:"
                ),
            ]
        if actor.is_reviewer or actor.domains(Role.WAIVER_AUTHORITY):
            sections["Review"] = [
                st.Page(P + "queue.py", title="Review queue", icon=":material/fact_check:")
            ]
        if actor.is_approver:
            sections["Approve"] = [
                st.Page(P + "approvals.py", title="Approvals", icon=":material/task_alt:")
            ]
        if actor.is_admin:
            sections["Administration"] = [
                st.Page(P + "admin_users.py", title="Users and roles", icon=":material/group:"),
                st.Page(
                    P + "admin_standards.py", title="Standards and rules", icon=":material/rule:"
                ),
                st.Page(P + "admin_reevaluate.py", title="Re-evaluation", icon=":material/sync:"),
            ]
        sections["After approval"] = [  # GEN-9: the inventory and its deadlines
            st.Page(P + "inventory.py", title="Inventory", icon=":material/inventory_2:"),
            st.Page(P + "deadlines.py", title="Deadlines", icon=":material/event:"),
        ]
        sections["Budget"] = [
            st.Page(
                P + "plan.py", title="Technology plan", icon=":material/account_balance_wallet:"
            )
        ]
        sections[""].append(verify)
        sections[""].append(vendor)
        sections[""].append(
            st.Page(P + "request.py", title="Request", icon=":material/description:")
        )
        sections[""].append(st.Page(P + "policy.py", title="Policy", icon=":material/policy:"))
        sections["Public registers"] = public
        if publication_delays.may_use(actor):  # GEN-10: departments ask, the Director decides
            sections["Public registers"] = [
                st.Page(
                    P + "publication_delays.py",
                    title="Publication delays",
                    icon="⏳",
                    url_path="publication-delays",
                ),
                *public,
            ]
        page = st.navigation(sections)
        with st.sidebar:
            st.markdown(
                f"Signed in as **{literal(actor.display_name)}** ({literal(actor.username)})"
            )
            if actor.department:
                st.caption(literal(actor.department))
            if st.button("Sign out", key="sign-out"):
                runtime.sign_out(svc)
                st.rerun()

    page.run()
