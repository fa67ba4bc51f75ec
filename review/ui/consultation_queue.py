"""Consultation meetings departments asked for (GEN-6), in the intake reviewers' queue."""

from __future__ import annotations

import streamlit as st

from ..errors import ReviewError
from ..services import consultations
from ..services.context import Actor, Services
from ..services.roles import Role
from . import words
from .policy_text import literal

REQUEST_PAGE = "review/ui/pages/request.py"


def render_consultation_queue(svc: Services, actor: Actor) -> None:
    """For technology (Digital Service intake) reviewers: the meetings asked for, soonest first,
    each with its invitation and a way to the request."""
    if not actor.has(Role.REVIEWER, consultations.INTAKE_DOMAIN):
        return
    st.subheader(words.t("Consultation meetings asked for"))
    try:
        meetings = consultations.waiting(svc, actor.username)
    except ReviewError as exc:
        st.error(str(exc))
        return
    if not meetings:
        st.caption(words.t("No department has asked for a consultation meeting."))
        return
    for meeting in meetings:
        with st.container(border=True, key=f"consultation-{meeting.id}"):
            st.markdown(
                words.t(
                    "**%(ref)s** %(title)s · %(department)s · %(when)s %(zone)s "
                    "(%(minutes)s min) · asked by %(requester)s"
                )
                % {
                    "ref": meeting.ref,
                    "title": literal(meeting.title),
                    "department": literal(meeting.department),
                    "when": f"{meeting.starts_at:%a %d %b %Y, %H:%M}",
                    "zone": meeting.starts_at.tzname(),
                    "minutes": meeting.minutes,
                    "requester": literal(meeting.requester),
                }
            )
            if meeting.note:
                st.caption(literal(meeting.note))
            with st.container(horizontal=True):
                name, data = consultations.invitation(svc, actor.username, meeting.id)
                st.download_button(
                    words.t("Invitation for %(ref)s (.ics)") % {"ref": meeting.ref},
                    data=data,
                    file_name=name,
                    mime="text/calendar",
                    key=f"consultation-ics-{meeting.id}",
                    on_click="ignore",
                )
                if st.button(
                    words.t("Open %(ref)s") % {"ref": meeting.ref},
                    key=f"consultation-open-{meeting.id}",
                ):
                    st.session_state["proposal_id"] = meeting.proposal_id
                    st.switch_page(REQUEST_PAGE, query_params={"id": str(meeting.proposal_id)})
