"""The workspace's navigation: the pages each role sees, and signing out.

``app.py`` runs :func:`main` on every page run (Streamlit runs it as ``__main__``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from .. import logs
from ..services import publication_delays
from ..services.context import Actor
from ..services.roles import Role
from . import runtime, words
from .policy_text import literal

P = "review/ui/pages/"  # st.Page paths are relative to the main script, app.py


def _page(file: str, title: str, icon: str, **options: Any) -> st.Page:
    """A page of review/ui/pages with a Material icon (emoji need a font headless browsers
    and many desktops lack; the icons ship with Streamlit)."""
    return st.Page(P + file, title=title, icon=f":material/{icon}:", **options)


def _public() -> tuple[st.Page, st.Page, list[st.Page]]:
    """The pages open to everyone: verifying a packet (docs/packets.md), the vendor page
    (reached only by the link in an invitation: in no one's menu) and the public registers
    (GEN-10, in English and Spanish)."""
    lang = words.language()
    verify = _page("verify_packet.py", lang("Verify a packet"), "verified", url_path="verify")
    vendor = _page(
        "vendor.py", lang("Vendor answers"), "handshake", url_path="vendor", visibility="hidden"
    )
    registers = [
        _page(f"register_{name}.py", title, "public", url_path=f"register-{name}")
        for name, title in (
            ("approved", lang("Approved technology")),
            ("surveillance", lang("Surveillance technology")),
            ("ai", lang("AI systems")),
        )
    ]
    return verify, vendor, registers


def _sections(actor: Actor) -> dict[str, list[st.Page]]:
    """The signed-in menu: one section per role the person holds."""
    lang = words.language()
    verify, vendor, registers = _public()
    sections: dict[str, list[st.Page]] = {
        "": [_page("dashboard.py", lang("Dashboard"), "dashboard", default=True)]
    }
    if actor.has(Role.REQUESTER):
        sections[lang("My department")] = [
            _page("new_request.py", lang("New request"), "add_circle"),
            _page("my_requests.py", lang("My requests"), "folder_open"),
            _page("vendor_links.py", lang("Vendor links"), "forward_to_inbox"),
        ]
    if actor.is_reviewer or actor.domains(Role.WAIVER_AUTHORITY):
        sections[lang("Review")] = [_page("queue.py", lang("Review queue"), "fact_check")]
    if actor.is_approver:
        sections[lang("Approve")] = [_page("approvals.py", lang("Approvals"), "task_alt")]
    if actor.is_admin:
        sections[lang("Administration")] = [
            _page("admin_users.py", lang("Users and roles"), "group"),
            _page("admin_standards.py", lang("Standards and rules"), "rule"),
            _page("admin_reevaluate.py", lang("Re-evaluation"), "sync"),
        ]
    sections[lang("After approval")] = [  # GEN-9: the inventory and its deadlines
        _page("inventory.py", lang("Inventory"), "inventory_2"),
        _page("deadlines.py", lang("Deadlines"), "event"),
    ]
    sections[lang("Budget")] = [_page("plan.py", lang("Technology plan"), "account_balance_wallet")]
    sections[""] += [
        verify,
        vendor,
        _page("request.py", lang("Request"), "description"),
        _page("policy.py", lang("Policy"), "policy"),
    ]
    delays = []
    if publication_delays.may_use(actor):  # GEN-10: departments ask, the Director decides
        delays = [
            _page(
                "publication_delays.py",
                lang("Publication delays"),
                "schedule",
                url_path="publication-delays",
            )
        ]
    sections[lang("Public registers")] = [*delays, *registers]
    return sections


def main() -> None:
    logs.configure(default_level="INFO")  # idempotent: this runs on every rerun
    lang = words.language()
    st.set_page_config(
        page_title=lang("Technology review"), page_icon=":material/account_balance:", layout="wide"
    )
    runtime.session_frame()

    svc = runtime.services()
    actor = runtime.actor(svc)
    if actor is None:
        verify, vendor, registers = _public()
        page = st.navigation(
            [_page("sign_in.py", lang("Sign in"), "login"), verify, vendor, *registers]
        )
    else:
        page = st.navigation(_sections(actor))
        with st.sidebar:
            st.markdown(
                lang("Signed in as **%(name)s** (%(user)s)")
                % {"name": literal(actor.display_name), "user": literal(actor.username)}
            )
            if actor.department:
                st.caption(literal(actor.department))
            if st.button(lang("Sign out"), key="sign-out"):
                runtime.sign_out(svc)
                st.rerun()

    page.run()
