"""What to ask vendors: worded from the standards in force, each ask citing its section, and
the Word copy a department puts in its solicitation."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from review.core.evaluate import evaluator
from review.core.loading import submission_from_data
from review.core.standards import Standards
from review.packet.vendor_questions import VendorBrief, vendor_questions_docx
from review.services.vendor_asks import Ask, vendor_asks
from review.ui.form_spec import preview_record

TODAY = dt.date(2026, 12, 1)


def asks_for(proposal: dict[str, Any], standards: Standards | None = None) -> dict[str, Ask]:
    submission = submission_from_data(preview_record({"proposal": proposal}))
    found = vendor_asks(submission, standards or evaluator().standards, TODAY)
    return {a.topic: a for a in found}


def test_every_ask_cites_policy_sections() -> None:
    standards = evaluator().standards
    asks = asks_for({"data_classes": ["restricted"], "data_types": ["cji", "phi"]})
    for ask in asks.values():
        assert ask.cites and all(c in standards.section_index for c in ask.cites), ask


def test_the_figures_follow_the_standards() -> None:
    standards = evaluator().standards
    base = asks_for({"data_classes": ["confidential"], "acquisition_type": "saas"})
    insurance = standards.security.cyber_insurance_min_usd
    assert f"${insurance:,.0f}" in base["Cyber insurance"].text
    assert f"{standards.security.incident_notification_max_hours:g} hours" in (
        base["Incident notification"].text
    )
    months = standards.accessibility.acr_max_age_months
    assert f"within the last {months} months" in base["Accessibility Conformance Report (ACR)"].text
    # another city's standards: the asks change with them, nothing is written in code
    changed = standards.model_copy(
        update={
            "security": standards.security.model_copy(update={"cyber_insurance_min_usd": 2.5e6}),
            "accessibility": standards.accessibility.model_copy(update={"acr_max_age_months": 18}),
        }
    )
    other = asks_for({"data_classes": ["confidential"], "acquisition_type": "saas"}, changed)
    assert "$2,500,000" in other["Cyber insurance"].text
    assert "within the last 18 months" in other["Accessibility Conformance Report (ACR)"].text


def test_restricted_data_asks_for_more() -> None:
    standards = evaluator().standards
    asks = asks_for({"data_classes": ["internal"], "data_types": ["phi", "payment_card"]})
    restricted = standards.security.cyber_insurance_min_usd_restricted
    assert f"${restricted:,.0f}" in asks["Cyber insurance"].text
    assert asks["HIPAA business associate agreement"].cites == ("SEC-10",)
    assert asks["PCI DSS attestation of compliance"].cites == ("SEC-9",)
    attestation = asks["Security attestation"].text
    assert "SOC 2 Type II dated within the last 12 months" in attestation


def test_asks_depend_on_what_is_acquired() -> None:
    installed = asks_for({"acquisition_type": "on_premises_software"})
    assert "(required)" in installed["Software bill of materials (SBOM)"].text
    hardware = asks_for({"acquisition_type": "hardware", "has_user_interface": False})
    assert "Accessibility Conformance Report (ACR)" not in hardware
    assert "Contract clause: Accessibility warranty" not in hardware
    unknown = asks_for({})  # nothing answered yet: the ask says when it applies
    assert unknown["Accessibility Conformance Report (ACR)"].text.startswith(
        "For anything with a user interface"
    )
    ai = asks_for({"ai": {"uses_ai": True, "decision_impact": "significant"}})
    assert {"AI FactSheet", "Algorithmic impact assessment"} <= set(ai)


def test_the_word_document_lists_every_ask_and_quotes_the_policy() -> None:
    standards = evaluator().standards
    asks = list(asks_for({"data_classes": ["confidential"], "acquisition_type": "saas"}).values())
    cited = {c for a in asks for c in a.cites}
    data = vendor_questions_docx(
        VendorBrief(
            title="Library room booking",
            department="Library",
            tier=2,
            reviews=["Technology", "Security"],
            asks=asks,
            sections={s.id: (s.title, s.text) for s in standards.sections if s.id in cited},
            standards=standards.label,
            prepared=TODAY,
        )
    )
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
        core = docx.read("docProps/core.xml").decode("utf-8")
    text = re.sub(r"<[^>]+>", "", xml)
    assert "What to ask vendors: Library room booking" in core
    for ask in asks:
        assert ask.topic in text
    assert "<w:tblHeader" in xml  # the header row repeats and is read as column headers
    for section in cited:
        title, body = standards.section_index[section].title, standards.section_index[section].text
        assert f"{section} {title}" in text
        assert body.split()[0] in text
