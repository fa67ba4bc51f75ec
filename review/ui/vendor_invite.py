"""The invitation form, on the Vendor links page and on a request's Actions tab (issue 14).

Who may use it is ``permissions.vendor_invite`` (the service asks it again): the request's
department's requesters and its reviewers, while it is a draft or sent back for changes.
"""

from __future__ import annotations

import streamlit as st

from ..errors import ReviewError
from ..services import vendor_links
from ..services.context import Actor, Services
from ..settings import settings
from . import words
from .policy_text import literal


def invite_form(svc: Services, actor: Actor, proposal_id: int, *, key: str) -> None:
    with st.form(key, clear_on_submit=True):
        st.markdown(words.t("**Invite a vendor to answer**"))
        st.caption(
            words.t(
                "The vendor gets a link by e-mail to answer the security, accessibility and "
                "other vendor questions; the department's requester decides each answer they "
                "send."
            )
        )
        email = st.text_input(words.t("Vendor contact's e-mail"), key=f"{key}-email")
        sent = st.form_submit_button(words.t("Send the invitation"))
    if not sent:
        return
    try:
        invitation = vendor_links.invite(
            svc, actor.username, proposal_id, email, base_url=settings().public_url or ""
        )
    except ReviewError as exc:
        st.error(literal(str(exc)))
    else:
        st.success(
            words.t("Invitation queued for %(email)s (link %(link)s, valid until %(until)s).")
            % {
                "email": literal(invitation.email),
                "link": invitation.link_id,
                "until": f"{invitation.expires_at:%Y-%m-%d}",
            }
        )
