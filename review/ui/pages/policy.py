"""The City's technology review policy, section by section, as ``standards/sections.yaml``
holds it: where every citation in the form, the findings and the packets leads."""

from __future__ import annotations

import streamlit as st

from review.core.evaluate import evaluator
from review.ui import components, runtime, words
from review.ui.policy_text import plain

lang = words.language()
svc = runtime.services()
runtime.require_actor(svc)

standards = evaluator().standards
st.title(lang("Technology review policy"))
st.caption(
    lang(
        "The sections every finding cites, as in force: %(title)s, %(label)s. "
        "Open a section below, or follow a citation's link from the form or a finding."
    )
    % {"title": standards.title, "label": standards.label}
)
wanted = st.query_params.get("section")
sections = standards.sections
domains = list(dict.fromkeys(s.domain for s in sections))
chosen = st.selectbox(
    lang("Section"),
    [s.id for s in sections],
    index=[s.id for s in sections].index(wanted) if wanted in standards.section_index else None,
    format_func=lambda i: f"{i} {standards.section_index[i].title}",
    placeholder=lang("Choose a section"),
    key="policy-section",
)
if chosen and chosen != wanted:
    st.query_params["section"] = chosen

if chosen:
    section = standards.section_index[chosen]
    with st.container(border=True, key="policy-chosen"):
        st.subheader(f"{section.id} {section.title}")
        st.markdown(plain(section.text))
        notes = []
        if section.basis:
            notes.append(lang("Basis: %(basis)s.") % {"basis": section.basis})
        if section.enforced_by:
            notes.append(lang("Enforced by %(who)s.") % {"who": section.enforced_by})
        if notes:
            st.caption(" ".join(notes))

st.divider()
for domain in domains:
    title = components.DOMAIN_TITLE.get(domain, domain.replace("_", " ").capitalize())
    with st.expander(title, expanded=False):
        for section in (s for s in sections if s.domain == domain):
            st.markdown(f"**{section.id} {section.title}**")
            st.markdown(plain(section.text))
