"""Standards and rules (admins): the policy's sections, the rules that enforce each, and the
thresholds in force. Read-only: the standards are data a policy owner changes in files
(docs/rules.md), after which an admin runs re-evaluation (GEN-7)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from review.core.evaluate import Evaluator
from review.core.rules import Rule
from review.core.standards import DOMAINS, Section
from review.errors import ReviewError
from review.ui import runtime, words
from review.ui.components import DOMAIN_TITLE

ALL = "all"
AREAS = {
    "city": words.N_("City"),
    "tiers": words.N_("Review tiers (GEN-2)"),
    "procurement": words.N_("Procurement"),
    "data": words.N_("Data"),
    "security": words.N_("Security"),
    "accessibility": words.N_("Accessibility"),
    "open_source": words.N_("Open source"),
    "technology": words.N_("Technology"),
    "licenses": words.N_("Licenses (OSS-3)"),
    "platforms": words.N_("Platforms (SEC-7)"),
    "criteria": words.N_("WCAG criteria"),
}


def domain_title(domain: str) -> str:
    """A domain's title as the policy names it (data, not the catalogs), else its id."""
    return DOMAIN_TITLE.get(domain, domain)


def rule_row(rule: Rule) -> dict[str, Any]:
    effect = rule.spec.effect
    effects = []
    if effect is not None and effect.tier:
        effects.append(words.t("sets Tier %(tier)s") % {"tier": effect.tier})
    if effect is not None and effect.signoff:
        effects.append(
            words.t("requires the %(domain)s sign-off") % {"domain": domain_title(effect.signoff)}
        )
    t = words.t
    return {
        t("Rule"): rule.id,
        t("Severity"): rule.spec.severity.value.upper(),
        t("Waivable"): t("Yes") if rule.spec.waivable else t("No (rests on law)"),
        t("Title"): rule.spec.title,
        t("Message template"): rule.spec.message,
        t("Remediation"): rule.spec.remediation,
        t("Cites"): ", ".join(rule.spec.citations),
        t("Effect"): "; ".join(effects) or "—",
    }


def cell(value: Any) -> str:
    """One table cell as text (lists joined, absent values as a dash)."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def matches(needle: str, *texts: str | None) -> bool:
    return not needle or any(needle in (t or "").lower() for t in texts)


def section_matches(needle: str, section: Section, rules: list[Rule]) -> bool:
    if matches(needle, section.id, section.title, section.enforced_by, section.basis):
        return True
    return any(
        matches(needle, r.id, r.spec.title, r.spec.message, r.spec.remediation) for r in rules
    )


lang = words.language()
svc = runtime.services()
actor = runtime.actor(svc)
st.title(lang("Standards and rules"))
# Read-only, so reviewers may read it too (the navigation registers it for admins).
if actor is None or not (actor.is_admin or actor.is_reviewer):
    st.error(lang("Only admins and reviewers open the standards browser."))
    st.stop()

try:
    current: Evaluator = svc.evaluator
except ReviewError as exc:
    st.error(str(exc))
    st.stop()
standards = current.standards
book = current.book

in_force = {
    "name": standards.name,
    "version": standards.version,
    "id": standards.id,
    "published": standards.published.isoformat(),
    "start": standards.effective_from.isoformat(),
    "end": standards.effective_until.isoformat() if standards.effective_until else "",
}
st.markdown(
    f"**{standards.title}**  \n"
    + (
        lang(
            "Standards **%(name)s**, version **%(version)s** (`%(id)s`); published "
            "%(published)s; in force from %(start)s until %(end)s."
        )
        if standards.effective_until
        else lang(
            "Standards **%(name)s**, version **%(version)s** (`%(id)s`); published "
            "%(published)s; in force from %(start)s until replaced."
        )
    )
    % in_force
)
st.caption(
    lang(
        "Rules version %(version)s: %(rules)s active rules over "
        "%(sections)s policy sections. Every evaluation records both versions."
    )
    % {"version": book.version, "rules": len(book.rules), "sections": len(standards.sections)}
)

# --- sections and their rules ---------------------------------------------------------------
st.subheader(lang("Policy sections and the rules that enforce them"))
filter_col, search_col = st.columns([1, 2])
domain = filter_col.selectbox(
    lang("Domain"),
    [ALL, *DOMAINS],
    format_func=lambda d: lang("All domains") if d == ALL else domain_title(d),
    key="standards-domain",
)
needle = (
    search_col.text_input(
        lang("Search sections and rules (id, title, message, remediation)"),
        key="standards-search",
        placeholder=lang("e.g. SEC-4, incident, SBOM"),
    )
    .strip()
    .lower()
)

by_section: dict[str, list[Rule]] = {}
for rule in book.rules:
    for cited in rule.spec.citations:
        by_section.setdefault(cited, []).append(rule)

shown = [
    s
    for s in standards.sections
    if (domain == ALL or s.domain == domain)
    and section_matches(needle, s, by_section.get(s.id, []))
]
shown_rules = {r.id for s in shown for r in by_section.get(s.id, [])}
st.caption(
    lang("%(shown)s of %(sections)s sections; %(rules)s rules.")
    % {"shown": len(shown), "sections": len(standards.sections), "rules": len(shown_rules)}
)
if not shown:
    st.info(lang("No section or rule matches this filter."))

for section in shown:
    rules = by_section.get(section.id, [])
    if needle and not matches(needle, section.id, section.title, section.enforced_by):
        rules = [
            r
            for r in rules
            if matches(needle, r.id, r.spec.title, r.spec.message, r.spec.remediation)
        ]
    counted = (lang("%(count)s rules") if len(rules) != 1 else lang("%(count)s rule")) % {
        "count": len(rules)
    }
    label = f"{section.id} — {section.title} ({domain_title(section.domain)}; {counted})"
    with st.expander(label, expanded=bool(needle), key=f"standards-section-{section.id}"):
        if section.judgeable and section.enforced_by:
            how = lang(
                "Judged from the intake record by the rules below; also enforced by %(who)s"
            ) % {"who": section.enforced_by}
        elif section.judgeable:
            how = lang("Judged from the intake record by the rules below")
        else:
            how = lang("Not judged from the record: enforced by %(who)s") % {
                "who": section.enforced_by or lang("the workflow")
            }
        st.markdown(lang("**How it is enforced:** %(how)s.") % {"how": how})
        if section.basis:
            st.markdown(lang("**Legal or standard basis:** %(basis)s") % {"basis": section.basis})
        if rules:
            st.dataframe(
                [rule_row(r) for r in rules],
                hide_index=True,
                key=f"standards-rules-{section.id}",
            )
        else:
            st.caption(lang("No rule cites this section."))

# --- thresholds -----------------------------------------------------------------------------
st.subheader(lang("Thresholds and reference data"))
st.caption(
    lang(
        "The values the rules compare against, exactly as loaded from standards/*.yaml "
        "(rules refer to them by dotted name, e.g. security.incident_notification_max_hours)."
    )
)
data = standards.model_dump(mode="json")
area = st.selectbox(
    lang("Area"),
    list(AREAS),
    format_func=lambda a: lang(AREAS[a]),
    key="standards-area",
)
if area:
    values = data[area]
    if isinstance(values, list) and values and all(isinstance(v, dict) for v in values):
        st.dataframe(
            [{k: cell(v) for k, v in item.items()} for item in values],
            hide_index=True,
            key=f"standards-values-{area}",
        )
    else:
        st.json(values, expanded=2)
