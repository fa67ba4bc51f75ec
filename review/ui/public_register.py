"""The public register pages (GEN-10): no sign-in, English and Spanish, a page at a time.

The page renders what review.services.registers returns; every word goes through the gettext
catalogs (review/i18n.py), dates and money are formatted per language, and the language switch
keeps the reader on the same page (it is a query parameter, ``?lang=es``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ..core.publication import FIELDS, N_, TITLES, rules
from ..i18n import Language
from ..services import registers
from . import runtime

LANGUAGES = {"en": "English", "es": "Español"}
PENDING = N_("translation pending")
WORDS = {  # stored values the registers publish, as words (translated by the catalogs)
    True: N_("Yes"),
    False: N_("No"),
    "approved": N_("Approved"),
    "approved_with_conditions": N_("Approved with conditions"),
    "contract_approved": N_("Contract approved"),
    "in_use": N_("In use before review"),
    "none": N_("None"),
    "advisory": N_("Advisory"),
    "significant": N_("Significant"),
}
TITLE_WORDS = (  # the registers' titles (standards/publication.yaml), for the catalogs
    N_("Approved technology"),
    N_("Surveillance technology inventory"),
    N_("AI systems register"),
)


def language() -> Language:
    """The reader's language: ``?lang=`` if it names one, else English; the switch sets it."""
    asked = st.query_params.get("lang", "en")
    code = asked if asked in LANGUAGES else "en"
    chosen = st.radio(
        "Language / Idioma",
        list(LANGUAGES),
        index=list(LANGUAGES).index(code),
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        key="public-lang",
    )
    if chosen != asked:
        st.query_params["lang"] = chosen
    return Language(chosen)


def cell(name: str, value: Any, lang: Language) -> str:
    spec = FIELDS[name]
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or value in WORDS:
        return lang(WORDS[value])
    if spec.money:
        return lang.money(value)
    if spec.type == "date":
        return lang.date(value)
    if spec.type == "integer":
        return lang.number(value)
    return str(value)


def rows(page: registers.RegisterPage, lang: Language) -> list[dict[str, str]]:
    """The entries as the table shows them: one purpose column in the reader's language."""
    shown = [f for f in page.fields if f not in ("purpose_en", "purpose_es")]
    out = []
    for entry in page.entries:
        row: dict[str, str] = {}
        for name in shown:
            row[lang(TITLES[name])] = cell(name, entry.values.get(name), lang)
            if name == "title" and "purpose_en" in page.fields:
                purpose = entry.values.get(f"purpose_{lang.code}")
                row[lang("Purpose")] = purpose or (lang(PENDING) if lang.code != "en" else "")
        out.append(row)
    return out


def show_register(register: str) -> None:
    lang = language()
    svc = runtime.services()
    size = rules().page_size
    everyone = lang("All departments")
    dept_key, page_key = f"public-{register}-dept", f"public-{register}-page"
    chosen = st.session_state.get(dept_key)
    number = int(st.session_state.get(page_key) or 1)
    page = registers.page(
        svc,
        register,
        offset=(number - 1) * size,
        limit=size,
        department=None if chosen in (None, everyone) else chosen,
    )
    st.title(lang(page.title))
    st.write(
        lang("As of %(date)s. Published by the City (GEN-10).") % {"date": lang.date(page.as_of)}
    )
    st.selectbox(lang("Department"), [everyone, *page.departments], key=dept_key)
    pages = max(1, -(-page.total // size))
    if number > pages:
        st.session_state[page_key] = pages
    st.number_input(lang("Page"), min_value=1, max_value=pages, step=1, key=page_key)
    shown = len(page.entries)
    st.write(
        lang("Entries %(start)s to %(end)s of %(total)s")
        % {
            "start": lang.number(page.offset + 1 if shown else 0),
            "end": lang.number(page.offset + shown),
            "total": lang.number(page.total),
        }
    )
    if shown:
        st.table(rows(page, lang))
    else:
        st.info(lang("No entries."))
    if page.delays:
        st.subheader(lang("Delayed entries"))
        st.write(lang("A department asked, and the Director agreed, to publish these later."))
        st.table(
            [
                {
                    lang("Entry"): d.ref,
                    lang("Department"): d.department,
                    lang("Reason"): d.reason,
                    lang("Published on"): lang.date(d.until),
                }
                for d in page.delays
            ]
        )
