"""Rule texts never repeat what the standards own, and the rules version follows content.

A title or remediation that says "24 months" or "WCAG 2.1" goes stale the day a policy owner
changes the standard; they use the message's placeholders (``{std.accessibility.
acr_max_age_months}``, ``{std.security.attestations.confidential:or}``) instead.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from review.core.rules import load_rules
from review.core.standards import load_standards

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ("title", "message", "remediation")
# attestation types and release licenses are lists the standards own
NAMES = ("SOC 2", "ISO/IEC 27001", "FedRAMP", "GovRAMP", "TX-RAMP", "CAIQ", "HECVAT",
         "MIT or Apache")  # fmt: skip


# the WCAG versions that exist (a fact about WCAG, not a choice of the City's)
EXEMPT = {("ACC-003-unknown-criterion", "message")}


def standards_numbers() -> set[str]:
    """Every number the policy sections of the standards hold, as rule text would write it
    (small counts like 1-9 are too common in names such as "SOC 2" to be told apart)."""
    data = yaml.safe_load((ROOT / "standards" / "standards.yaml").read_text())
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, (int, float, str)) and not isinstance(node, bool):
            text = str(node)
            if re.fullmatch(r"\d+\.\d+|\d{2,}", text):
                found.add(text)

    for section in ("tiers", "procurement", "data", "security", "accessibility", "technology"):
        walk(data[section])
    return found


def rule_texts() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        for rule in (yaml.safe_load(path.read_text()) or {}).get("rules", []):
            out += [(rule["id"], key, rule[key]) for key in TEXTS]
    return out


def test_no_rule_text_repeats_a_number_or_list_the_standards_own() -> None:
    numbers = standards_numbers()
    assert {"24", "2.1", "2.2", "72", "1.2"} <= numbers
    offending = []
    for rule_id, key, text in rule_texts():
        if (rule_id, key) in EXEMPT:
            continue
        literal = re.sub(r"\{[^}]*\}", "", text)  # placeholders are the way to say them
        for token in re.findall(r"(?<![\w.$])\d[\d,]*(?:\.\d+)?(?![\w.])", literal):
            if token.replace(",", "") in numbers:
                offending.append(f"{rule_id} {key}: {token}")
        offending += [f"{rule_id} {key}: {name}" for name in NAMES if name in literal]
    assert offending == []


def test_titles_and_remediation_follow_the_standards(tmp_path: Path) -> None:
    from review.core.evaluate import Evaluator
    from review.core.matcher import ReferenceMatcher

    shutil.copytree(ROOT / "standards", tmp_path / "standards")
    path = tmp_path / "standards" / "standards.yaml"
    text = path.read_text()
    assert text.count("  acr_max_age_months: 24\n") == 1
    path.write_text(text.replace("  acr_max_age_months: 24\n", "  acr_max_age_months: 18\n"))
    standards = load_standards(tmp_path / "standards")
    book = load_rules(standards)
    rule = next(r for r in book.rules if "{std.accessibility.acr_max_age_months}" in
                r.spec.remediation)  # fmt: skip
    from review.core.findings import make_finding

    fact = {"kind": rule.kind, "id": "x", "subject": None}
    finding = make_finding(rule, fact, standards)
    assert "18 months" in finding.remediation and "{" not in finding.remediation
    assert Evaluator(book, ReferenceMatcher(book)) is not None


def test_the_rules_version_hashes_the_standards_content(tmp_path: Path) -> None:
    """Editing a threshold without bumping ``version`` used to record the same version."""
    bundled = load_rules(load_standards())
    shutil.copytree(ROOT / "standards", tmp_path / "same")
    assert load_rules(load_standards(tmp_path / "same")).version == bundled.version
    shutil.copytree(ROOT / "standards", tmp_path / "edited")
    path = tmp_path / "edited" / "standards.yaml"
    text = path.read_text()
    old = "  incident_notification_max_hours: 72\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "  incident_notification_max_hours: 48\n"))
    edited = load_standards(tmp_path / "edited")
    assert edited.version == bundled.standards.version  # the owner forgot to bump it
    assert load_rules(edited).version != bundled.version


def test_fact_fields_name_what_they_are_for_any_city() -> None:
    """``california_law`` was the standards' governing law baked into a field name; a city
    whose standards say Oregon got a field that meant "Oregon law"."""
    from review.core.facts import FACT_KINDS

    standards = load_standards()
    place = standards.procurement.governing_law.lower()
    names = [f"{kind}.{name}" for kind, cls in FACT_KINDS.items() for name in cls.field_types()]
    assert "contract.governing_law_as_required" in names
    assert [n for n in names if place in n.lower()] == []
