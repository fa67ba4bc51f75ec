"""The technology improvement plan: approved and pending projects' one-time and annual costs
by fiscal year, department and funding source, with each project's stage (issue 15). The
plan service builds it (review/services/plan.py); this page shows it and offers it as xlsx
for the budget office and as Word for the Council packet."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import streamlit as st

from review.errors import ReviewError
from review.packet.plan_doc import plan_document
from review.services import plan as plan_service
from review.services import table_files
from review.services.plan import Plan
from review.ui import components, runtime, words

lang = words.language()
svc = runtime.services()
actor = runtime.require_actor(svc)
st.title(lang("Technology improvement plan"))
st.caption(
    lang(
        "Approved and pending requests you can see, their costs spread over the City's fiscal "
        "years. A project starts on its contract's start date, else the day it was approved, "
        "else (pending) the plan's date."
    )
)

as_of = st.date_input(lang("Plan as of"), value=svc.today(), key="plan-as-of", format="YYYY-MM-DD")
try:
    plan = plan_service.build_plan(svc, actor.username, as_of=as_of)
except ReviewError as exc:
    st.error(str(exc))
    st.stop()


def money(value: Decimal) -> str:
    return "—" if not value else f"${value:,.2f}"


def year_columns(shown: Plan, by_year: dict[int, Decimal]) -> dict[str, str]:
    first, last = shown.labels[shown.years[0]], shown.labels[shown.years[-1]]
    out = {lang("Before %(year)s") % {"year": first}: money(shown.column(by_year, "earlier"))}
    out.update({shown.labels[y]: money(shown.column(by_year, y)) for y in shown.years})
    out[lang("After %(year)s") % {"year": last}] = money(shown.column(by_year, "later"))
    out[lang("Total")] = money(sum(by_year.values(), Decimal(0)))
    return out


def xlsx_maker(shown: Plan) -> Callable[[], bytes]:
    return lambda: table_files.to_workbook(plan_service.plan_tables(shown))


def docx_maker(shown: Plan) -> Callable[[], bytes]:
    return lambda: plan_document(shown)


name = f"technology-plan-{plan.as_of.isoformat()}"
cols = st.columns(2)
cols[0].download_button(
    lang("Download the plan (Excel (xlsx))"),
    data=xlsx_maker(plan),
    file_name=f"{name}.xlsx",
    mime=table_files.MIME["xlsx"],
    key="download-plan-xlsx",
    on_click="ignore",
)
cols[1].download_button(
    lang("Download the plan (Word)"),
    data=docx_maker(plan),
    file_name=f"{name}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="download-plan-docx",
    on_click="ignore",
)

if not plan.projects:
    st.info(lang("No approved or pending requests that you can see."))
    st.stop()

st.subheader(lang("By department and funding source"))
groups = [
    {lang("Department"): g.department, lang("Funding source"): g.funding_source.replace("_", " ")}
    | year_columns(plan, g.by_year)
    for g in plan.groups
]
groups.append(
    {lang("Department"): lang("Total"), lang("Funding source"): ""}
    | year_columns(plan, plan.totals())
)
st.dataframe(groups, hide_index=True, key="plan-groups")

st.subheader(lang("Projects"))
st.dataframe(
    [
        {
            lang("Request"): p.ref,
            lang("Title"): p.title,
            lang("Department"): p.department,
            lang("Funding source"): p.funding_source.replace("_", " "),
            lang("Status"): p.status.capitalize(),
            lang("Stage"): components.state_text(p.stage),
            lang("Starts"): p.start.isoformat(),
            lang("Basis"): p.start_basis,
        }
        | year_columns(plan, p.by_year)
        for p in plan.projects
    ],
    hide_index=True,
    key="plan-projects",
)
