"""Publication delays (GEN-10): a department asks for its register entry to be published
later, with a reason; the Director of Digital Service grants or refuses each ask; everyone
who may see the page sees the delays.

review.services.publication_delays decides everything (who may ask or decide, the limit from
standards/publication.yaml, what each person sees); this page renders it. Every word goes
through the gettext catalogs (review/i18n.py, ``?lang=es``), as on the public pages; what a
person typed is shown with literal(). A refusal keeps what was typed and names the field.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from review.core.publication import N_
from review.errors import RecordInvalid, ReviewError
from review.i18n import Language
from review.services import publication_delays
from review.ui import queue_table, runtime
from review.ui.policy_text import literal
from review.ui.public_register import language

FLASH = "delays-flash"
RESET = "delays-reset"
ASK_EMPTY: dict[str, object] = {
    "delay-until": None,
    "delay-reason": "",
}  # the ask form, empty again
FIELD_LABELS = {  # a service's field name, as the form labels it
    "until": N_("Publish on"),
    "reason": N_("Reason, published with the delay"),
    "note": N_("Reason for the decision"),
}
STATUS = {
    "requested": N_("Asked for, not yet decided"),
    "granted": N_("Granted"),
    "refused": N_("Refused"),
}
DECIDERS = (N_("Director of Digital Service"),)  # decider_title(), for the catalogs


def refusal(exc: ReviewError, lang: Language) -> None:
    """A service's refusal, each field's problem naming the field as the form labels it."""
    if isinstance(exc, RecordInvalid):
        for problem in exc.problems:
            label = FIELD_LABELS.get(problem.path)
            shown = lang(label) if label else problem.path
            st.error(f"**{shown}**: {literal(problem.problem)}")
    else:
        st.error(literal(str(exc)))


def state_text(candidate: publication_delays.Candidate, lang: Language) -> str:
    if candidate.state == "published":
        return lang("Published")
    if candidate.state == "soon":
        return lang("Publishes on %(date)s") % {"date": lang.date(candidate.publishes_on)}
    if candidate.state == "asked":
        return lang("Held while the Director decides (%(delay)s)") % {"delay": candidate.open_delay}
    return lang("Delayed (%(delay)s)") % {"delay": candidate.open_delay}


def flash_then_rerun(message: str, empty: dict[str, object]) -> None:
    """Say what was done after the rerun, with the fields that did it emptied (set before
    they are drawn, so the browser shows them empty too; a refusal never gets here)."""
    st.session_state[FLASH] = message
    st.session_state[RESET] = empty
    st.rerun()


for key, value in st.session_state.pop(RESET, {}).items():
    st.session_state[key] = value
lang = language()
svc = runtime.services()
actor = runtime.require_actor(svc)
st.title(lang("Publication delays"))
try:
    view = publication_delays.overview(svc, actor.username)
except ReviewError as exc:
    refusal(exc, lang)
    st.stop()
    raise  # unreachable: st.stop() ends the run

decider = lang(view.decider)
st.write(
    lang(
        "A department may ask the %(decider)s to publish a register entry later, for a stated "
        "reason, up to %(months)s months after the decision (GEN-10). A granted delay is "
        "listed on the public registers with its reason, and the entry appears when it ends."
    )
    % {"decider": decider, "months": lang.number(view.max_months)}
)
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

if view.may_ask:
    heading = (
        lang("Every department's entries")
        if view.every_department
        else lang("Your department's entries")
    )
    st.header(heading)
    if not view.candidates:
        st.info(lang("Your department has no system in use."))
    else:
        columns = (
            lang("Entry"),
            lang("System"),
            lang("Department"),
            lang("Decided on"),
            lang("On the registers"),
            lang("Latest end of a delay"),
        )
        st.html(
            queue_table.text_table(
                heading,
                columns,
                [
                    (
                        c.ref,
                        c.title,
                        c.department,
                        lang.date(c.decided_on),
                        state_text(c, lang),
                        lang.date(c.latest_until),
                    )
                    for c in view.candidates
                ],
            )
        )
        askable = {c.system_id: c for c in view.candidates if c.open_delay is None}
        st.subheader(lang("Ask for a delay"))
        if not askable:
            st.info(lang("Every entry already has a delay asked for or in force."))
        else:
            with st.form("delay-ask", border=True):
                chosen = st.selectbox(
                    lang("Entry"),
                    list(askable),
                    format_func=lambda sid: f"{askable[sid].ref} · {askable[sid].title}",
                    key="delay-system",
                )
                until = st.date_input(
                    lang("Publish on"),
                    value=None,
                    min_value=dt.date(2000, 1, 1),
                    max_value=dt.date(2100, 12, 31),
                    format="YYYY-MM-DD",
                    help=lang(
                        "The day the entry appears: after today, and at most %(months)s months "
                        "after the decision (the table shows each entry's latest day)."
                    )
                    % {"months": lang.number(view.max_months)},
                    key="delay-until",
                )
                reason = st.text_area(
                    lang("Reason, published with the delay"),
                    max_chars=publication_delays.MAX_REASON,
                    help=lang("Written for the public: it is listed with the delay."),
                    key="delay-reason",
                )
                if st.form_submit_button(lang("Ask for the delay")):
                    if until is None:
                        missing = lang("choose the day the entry appears")
                        st.error(f"**{lang(FIELD_LABELS['until'])}**: {missing}")
                    else:
                        try:
                            asked = publication_delays.request(
                                svc, actor.username, chosen, until=until, reason=reason
                            )
                        except ReviewError as exc:
                            refusal(exc, lang)
                        else:
                            flash_then_rerun(
                                lang("%(delay)s asked for: %(entry)s until %(date)s.")
                                % {
                                    "delay": f"D-{asked.id}",
                                    "entry": askable[chosen].ref,
                                    "date": lang.date(asked.until),
                                },
                                ASK_EMPTY,
                            )

pending = [d for d in view.delays if d.status == "requested"]
st.header(lang("Waiting for a decision"))
if not pending:
    st.info(lang("No delay is waiting for a decision."))
elif not view.may_decide:
    st.caption(lang("Only the %(decider)s decides.") % {"decider": decider})
for delay in pending:
    with st.container(border=True, key=f"delay-{delay.id}"):
        st.markdown(
            f"**{delay.ref}** · {delay.system} · {literal(delay.title)} · "
            f"{literal(delay.department)}"
        )
        st.markdown(
            lang("Publish on %(date)s; asked for by %(who)s on %(asked)s.")
            % {
                "date": lang.date(delay.until),
                "who": literal(delay.requested_by),
                "asked": lang.date(delay.requested_on),
            }
        )
        reason_word = lang("Reason")
        st.markdown(f"{reason_word}: {literal(delay.reason)}")
        if not view.may_decide:
            continue
        note_key = f"delay-note-{delay.id}"
        note = st.text_area(
            lang("Reason for the decision"),
            help=lang("Needed to refuse; the department is told."),
            max_chars=publication_delays.MAX_REASON,
            key=note_key,
        )
        grant = st.button(lang("Grant"), key=f"delay-grant-{delay.id}", type="primary")
        refuse = st.button(lang("Refuse"), key=f"delay-refuse-{delay.id}")
        if grant or refuse:
            try:
                decided = publication_delays.decide(
                    svc, actor.username, delay.id, grant=grant, note=note
                )
            except ReviewError as exc:
                refusal(exc, lang)
            else:
                done = lang("%(delay)s granted.") if grant else lang("%(delay)s refused.")
                flash_then_rerun(done % {"delay": f"D-{decided.id}"}, {note_key: ""})

st.header(lang("Delays"))
if not view.delays:
    st.info(lang("No delay has been asked for."))
else:
    headers = (
        lang("Delay"),
        lang("Entry"),
        lang("System"),
        lang("Department"),
        lang("Publish on"),
        lang("Status"),
        lang("Reason"),
        lang("Asked by"),
        lang("Decided by"),
        lang("Decided on"),
        lang("Reason for the decision"),
    )
    st.html(
        queue_table.text_table(
            lang("Delays"),
            headers,
            [
                (
                    d.ref,
                    d.system,
                    d.title,
                    d.department,
                    lang.date(d.until),
                    lang(STATUS[d.status]),
                    d.reason,
                    d.requested_by,
                    d.decided_by or "",
                    lang.date(d.decided_on),
                    d.note or "",
                )
                for d in view.delays
            ],
        )
    )
