"""The first step's answer (early consultation, GEN-6): the likely tier and reviews, what to
get from vendors before choosing one (with a Word copy for the solicitation), and an
optional meeting with Digital Service.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import streamlit as st

from ..core.evaluate import evaluator
from ..errors import ReviewError
from ..packet.vendor_questions import VendorBrief, vendor_questions_docx
from ..services import consultations
from ..services.context import Actor, Services
from ..services.vendor_asks import Ask, vendor_asks
from . import drafts, words
from .field_names import humanise
from .form_spec import STEPS
from .policy_text import plain, section_link
from .preview import Preview, reviews_text, tier_text

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ICS_MIME = "text/calendar"
FLASH = "early-flash"


def panel(
    svc: Services, actor: Actor, draft: dict[str, Any], preview: Preview, missing: list[str]
) -> None:
    st.subheader(words.t("What this means for your request"))
    if not preview.answered:
        st.info(
            words.t(
                "Answer the questions to see the likely review tier, the reviews, and what to "
                "get from vendors before you choose one."
            )
        )
        return
    if preview.result is None or preview.submission is None:
        st.warning(words.t("Fix the answers marked in the form to see what they mean."))
        return
    result = preview.result
    titles = {s.id: s.title for s in evaluator().standards.sections}
    st.caption(
        words.t("Checked in %(ms).0f ms against %(standards)s.")
        % {"ms": preview.ms, "standards": result.standards_version}
    )
    with st.container(border=True, key="early-tier"):
        st.markdown(words.t("**Likely review: Tier %(tier)s**") % {"tier": result.tier})
        st.markdown(plain(tier_text(result)))
        st.markdown(words.t("**Reviews:** %(reviews)s") % {"reviews": reviews_text(result)})
        if missing:
            st.caption(
                words.t("Still needed to submit: %(fields)s.") % {"fields": "; ".join(missing)}
            )
        else:
            st.caption(words.t("You can submit now; the other steps can follow."))
    asks = vendor_asks(preview.submission, evaluator().standards, svc.today())
    _asks(asks, titles)
    _download(svc, draft, result.tier, reviews_text(result), asks)
    _meeting(svc, actor, draft)
    st.button(
        words.t("Continue to the full form: %(step)s") % {"step": words.t(STEPS[1].title)},
        key="early-continue",
        type="primary",
        on_click=_go_to,
        args=(STEPS[1].title,),
    )


def _go_to(title: str) -> None:
    st.session_state[drafts.STEP] = title


def _asks(asks: list[Ask], titles: dict[str, str]) -> None:
    st.markdown(words.t("**What to get from vendors before choosing one**"))
    lines = [
        f"- **{plain(a.topic)}**: {plain(a.text)} "
        f"({', '.join(section_link(c, titles) for c in a.cites)})"
        for a in asks
    ]
    with st.container(key="early-asks"):
        st.markdown("\n".join(lines))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "request"


def _download(
    svc: Services, draft: dict[str, Any], tier: int, reviews: str, asks: list[Ask]
) -> None:
    standards = evaluator().standards
    proposal = draft["record"].get("proposal", {})
    title = proposal.get("title") or words.t("New request")
    cited = {c for a in asks for c in a.cites}
    brief = VendorBrief(
        title=title,
        department=proposal.get("department") or "",
        tier=tier,
        reviews=reviews.split(", ") if reviews else [],
        asks=asks,
        sections={s.id: (s.title, s.text) for s in standards.sections if s.id in cited},
        standards=standards.label,
        prepared=svc.today(),
    )
    st.download_button(
        words.t("Download “What to ask vendors” (Word)"),
        data=lambda: vendor_questions_docx(brief),
        file_name=f"what-to-ask-vendors-{_slug(title)}.docx",
        mime=DOCX_MIME,
        key="early-download",
        on_click="ignore",
    )


def _meeting(svc: Services, actor: Actor, draft: dict[str, Any]) -> None:
    consultation = evaluator().standards.intake.consultation
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    asked: list[consultations.ConsultationView] = []
    if draft["id"] is not None:
        try:
            asked = consultations.for_proposal(svc, actor.username, draft["id"])
        except ReviewError as exc:
            st.error(str(exc))
    for meeting in asked:
        with st.container(border=True, key=f"early-meeting-{meeting.id}"):
            st.markdown(
                words.t("Consultation %(status)s: %(when)s %(zone)s (%(minutes)s minutes).")
                % {
                    "status": meeting.status,
                    "when": f"{meeting.starts_at:%A %d %B %Y, %H:%M}",
                    "zone": meeting.starts_at.tzname(),
                    "minutes": meeting.minutes,
                }
            )
            name, data = consultations.invitation(svc, actor.username, meeting.id)
            st.download_button(
                words.t("Download the invitation (.ics)"),
                data=data,
                file_name=name,
                mime=ICS_MIME,
                key=f"early-ics-{meeting.id}",
                on_click="ignore",
            )
    if any(m.status == "requested" for m in asked):
        return
    with st.expander(
        words.t("Ask Digital Service for a consultation meeting (optional)"), key="early-meeting"
    ):
        with st.form("early-meeting-form", clear_on_submit=False):
            tomorrow = svc.today() + dt.timedelta(days=1)
            day = st.date_input(
                words.t("Preferred day"),
                value=tomorrow,
                min_value=tomorrow,
                format="YYYY-MM-DD",
                key="early-day",
            )
            start = st.time_input(
                words.t("Preferred time (%(zone)s)") % {"zone": consultation.time_zone},
                value=dt.time(10, 0),
                key="early-time",
            )
            note = st.text_area(
                words.t("What you would like to discuss (optional)"), key="early-note"
            )
            sent = st.form_submit_button(words.t("Ask for a consultation meeting"), key="early-ask")
        if sent:
            _ask(svc, actor, draft, day, start, note)


def _ask(
    svc: Services, actor: Actor, draft: dict[str, Any], day: Any, start: Any, note: str
) -> None:
    if not isinstance(day, dt.date) or not isinstance(start, dt.time):
        st.error(words.t("Choose a day and a time for the meeting."))
        return
    if draft["id"] is None:
        drafts.save(svc, actor, draft)
    if draft["id"] is None:
        st.error(
            words.t("Answer the questions above first: the meeting is about your saved draft.")
        )
        return
    try:
        meeting = consultations.request(
            svc, actor.username, draft["id"], day=day, start=start, note=note
        )
    except ReviewError as exc:
        st.error(humanise(str(exc), words.t))
        return
    st.session_state[FLASH] = words.t(
        "Consultation requested for %(when)s %(zone)s; the Digital Service intake reviewers "
        "see it in their queue. Download the invitation below."
    ) % {"when": f"{meeting.starts_at:%A %d %B %Y, %H:%M}", "zone": meeting.starts_at.tzname()}
    st.rerun()
