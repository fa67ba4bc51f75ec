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
from review.ui import runtime
from review.ui.components import DOMAIN_TITLE

ALL = "all"
AREAS = {
    "city": "City",
    "tiers": "Review tiers (GEN-2)",
    "procurement": "Procurement",
    "data": "Data",
    "security": "Security",
    "accessibility": "Accessibility",
    "open_source": "Open source",
    "technology": "Technology",
    "licenses": "Licenses (OSS-3)",
    "platforms": "Platforms (SEC-7)",
    "criteria": "WCAG criteria",
}


def rule_row(rule: Rule) -> dict[str, Any]:
    effect = rule.spec.effect
    effects = []
    if effect is not None and effect.tier:
        effects.append(f"sets Tier {effect.tier}")
    if effect is not None and effect.signoff:
        effects.append(f"requires the {DOMAIN_TITLE.get(effect.signoff, effect.signoff)} sign-off")
    return {
        "Rule": rule.id,
        "Severity": rule.spec.severity.value.upper(),
        "Waivable": "Yes" if rule.spec.waivable else "No (rests on law)",
        "Title": rule.spec.title,
        "Message template": rule.spec.message,
        "Remediation": rule.spec.remediation,
        "Cites": ", ".join(rule.spec.citations),
        "Effect": "; ".join(effects) or "—",
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


svc = runtime.services()
actor = runtime.actor(svc)
st.title("Standards and rules")
# Read-only, so reviewers may read it too (the navigation registers it for admins).
if actor is None or not (actor.is_admin or actor.is_reviewer):
    st.error("Only admins and reviewers open the standards browser.")
    st.stop()

try:
    current: Evaluator = svc.evaluator
except ReviewError as exc:
    st.error(str(exc))
    st.stop()
standards = current.standards
book = current.book

st.markdown(
    f"**{standards.title}**  \n"
    f"Standards **{standards.name}**, version **{standards.version}** (`{standards.id}`); "
    f"published {standards.published.isoformat()}; in force from "
    f"{standards.effective_from.isoformat()}"
    + (
        f" until {standards.effective_until.isoformat()}"
        if standards.effective_until
        else " until replaced"
    )
    + "."
)
st.caption(
    f"Rules version {book.version}: {len(book.rules)} active rules over "
    f"{len(standards.sections)} policy sections. Every evaluation records both versions."
)

# --- sections and their rules ---------------------------------------------------------------
st.subheader("Policy sections and the rules that enforce them")
filter_col, search_col = st.columns([1, 2])
domain = filter_col.selectbox(
    "Domain",
    [ALL, *DOMAINS],
    format_func=lambda d: "All domains" if d == ALL else DOMAIN_TITLE.get(d, d),
    key="standards-domain",
)
needle = (
    search_col.text_input(
        "Search sections and rules (id, title, message, remediation)",
        key="standards-search",
        placeholder="e.g. SEC-4, incident, SBOM",
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
st.caption(f"{len(shown)} of {len(standards.sections)} sections; {len(shown_rules)} rules.")
if not shown:
    st.info("No section or rule matches this filter.")

for section in shown:
    rules = by_section.get(section.id, [])
    if needle and not matches(needle, section.id, section.title, section.enforced_by):
        rules = [
            r
            for r in rules
            if matches(needle, r.id, r.spec.title, r.spec.message, r.spec.remediation)
        ]
    label = (
        f"{section.id} — {section.title} ({DOMAIN_TITLE.get(section.domain, section.domain)}; "
        f"{len(rules)} rule{'s' if len(rules) != 1 else ''})"
    )
    with st.expander(label, expanded=bool(needle), key=f"standards-section-{section.id}"):
        if section.judgeable:
            how = "Judged from the intake record by the rules below"
            if section.enforced_by:
                how += f"; also enforced by {section.enforced_by}"
        else:
            how = f"Not judged from the record: enforced by {section.enforced_by or 'the workflow'}"
        st.markdown(f"**How it is enforced:** {how}.")
        if section.basis:
            st.markdown(f"**Legal or standard basis:** {section.basis}")
        if rules:
            st.dataframe(
                [rule_row(r) for r in rules],
                hide_index=True,
                key=f"standards-rules-{section.id}",
            )
        else:
            st.caption("No rule cites this section.")

# --- thresholds -----------------------------------------------------------------------------
st.subheader("Thresholds and reference data")
st.caption(
    "The values the rules compare against, exactly as loaded from standards/*.yaml "
    "(rules refer to them by dotted name, e.g. security.incident_notification_max_hours)."
)
data = standards.model_dump(mode="json")
area = st.selectbox(
    "Area",
    list(AREAS),
    format_func=lambda a: AREAS[a],
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
