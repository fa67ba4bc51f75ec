"""The review queue: what waits for my sign-off, and (for waiver authorities) what I may waive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

from review.errors import ReviewError
from review.services import queue as review_queue
from review.services.context import Actor, Services
from review.services.lifecycle import QUEUE_STATES
from review.services.roles import Role
from review.ui import actions as ui
from review.ui import components, consultation_queue, downloads, queue_table, runtime, words

PER_PAGE = 25
STATE_ORDER = [s for s in components.STATE_TEXT if s in {q.value for q in QUEUE_STATES}]


@dataclass(frozen=True)
class Row:
    id: int
    ref: str
    title: str
    department: str
    domain: str
    state: str
    tier: int | None
    worst: str
    since: str
    note: str = ""


def show_rows(rows: list[Row], *, caption: str, domain_heading: str = words.N_("Domain")) -> None:
    """A real table (headers for assistive technology; labelled cards below 640 px) whose
    links name their request: "Open P-7". ``caption`` is in the reader's language already;
    ``domain_heading`` is a catalog message (N_)."""
    t = words.t
    headers = (
        t("Ref"),
        t("Title"),
        t("Department"),
        t(domain_heading),
        t("State"),
        t("Tier"),
        t("Worst severity"),
        t("Waiting since"),
    )
    st.html(
        queue_table.html(
            caption,
            headers,
            [
                queue_table.Row(
                    row.id,
                    row.ref,
                    row.domain,
                    (
                        row.ref,
                        row.title + (f" ({row.note})" if row.note else ""),
                        row.department,
                        ui.domain_title(row.domain),
                        components.state_text(row.state),
                        "—" if row.tier is None else str(row.tier),
                        ui.severity_text(row.worst),
                        row.since,
                    ),
                )
                for row in rows
            ],
        )
    )


def reviewer_section(svc: Services, actor: Actor) -> None:
    lang = words.language()
    mine = actor.domains(Role.REVIEWER)
    st.subheader(lang("Waiting for my sign-off"))
    cols = st.columns([3, 2, 2])
    domains = cols[0].multiselect(
        lang("My domains"),
        mine,
        default=mine,
        format_func=ui.domain_title,
        key="queue-domains",
    )
    state = cols[1].selectbox(
        lang("State"),
        [None, *STATE_ORDER],
        format_func=lambda s: lang("Any queue state") if s is None else components.state_text(s),
        key="queue-state",
    )
    sort_choice = cols[2].radio(
        lang("Sort by"),
        ["age", "severity"],
        format_func=lambda s: lang("Oldest first") if s == "age" else lang("Most severe first"),
        horizontal=True,
        key="queue-sort",
    )
    sort: Literal["age", "severity"] = "severity" if sort_choice == "severity" else "age"
    if not domains:
        st.info(lang("Choose at least one of your domains."))
        return
    page = int(
        st.number_input(lang("Page"), min_value=1, value=1, step=1, key="queue-page", format="%d")
    )
    try:
        items = review_queue.reviewer_queue(
            svc,
            actor.username,
            domains=list(domains),
            sort=sort,
            state=state,
            limit=PER_PAGE + 1,
            offset=(page - 1) * PER_PAGE,
        )
    except ReviewError as exc:
        st.error(str(exc))
        return
    has_more = len(items) > PER_PAGE
    items = items[:PER_PAGE]
    if not items:
        st.success(lang("Nothing waits for you here.") if page == 1 else lang("No more items."))
        return
    rows = [
        Row(
            i.id,
            i.ref,
            i.title,
            i.department,
            i.domain,
            i.state,
            i.tier,
            i.worst_severity,
            components.when(i.waiting_since),
        )
        for i in items
    ]
    show_rows(rows, caption=lang("Requests waiting for your sign-off"))
    first = (page - 1) * PER_PAGE + 1
    shown = {"first": first, "last": first + len(rows) - 1}
    st.caption(
        (
            lang("Items %(first)s–%(last)s — more on the next page.")
            if has_more
            else lang("Items %(first)s–%(last)s.")
        )
        % shown
    )


def waiver_section(svc: Services, actor: Actor) -> None:
    lang = words.language()
    authority = set(actor.domains(Role.WAIVER_AUTHORITY))
    st.subheader(lang("Findings I may waive"))
    st.caption(
        lang("Requests under review with open, waivable findings of your domains: %(domains)s")
        % {"domains": ", ".join(ui.domain_title(d) for d in sorted(authority))}
    )
    page = int(
        st.number_input(lang("Page"), min_value=1, value=1, step=1, key="waiver-page", format="%d")
    )
    try:
        items = review_queue.waiver_queue(
            svc, actor.username, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
        )
    except ReviewError as exc:
        st.error(str(exc))
        return
    rows = [
        Row(
            i.id,
            i.ref,
            i.title,
            i.department,
            i.domain,
            i.state,
            i.tier,
            i.worst_severity,
            components.when(i.waiting_since),
            note=lang("%(count)s waivable finding(s)") % {"count": i.count},
        )
        for i in items
    ]
    if not rows:
        st.success(
            lang("No open waivable findings in your domains.")
            if page == 1
            else lang("No more items.")
        )
        return
    show_rows(
        rows,
        caption=lang("Requests with findings you may waive"),
        domain_heading=words.N_("Finding domain"),
    )


def main() -> None:
    svc = runtime.services()
    actor = runtime.actor(svc)
    lang = words.language()
    st.title(lang("Review queue"))
    if actor is None:
        st.error(lang("Sign in to see the review queue."))
        return
    reviewer = actor.is_reviewer
    authority = bool(actor.domains(Role.WAIVER_AUTHORITY))
    if not (reviewer or authority):
        st.error(lang("The review queue is only for reviewers and waiver authorities."))
        return
    downloads.offer(svc, actor, "queue", name="review-queue", what=lang("the whole queue"))
    if reviewer:
        reviewer_section(svc, actor)
        consultation_queue.render_consultation_queue(svc, actor)
    if authority:
        waiver_section(svc, actor)


main()
