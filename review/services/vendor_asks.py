"""What a department should get from vendors before choosing one, from its first answers.

Early consultation (GEN-6) is most useful before a solicitation goes out: the documents and
contract terms the review will ask for can be asked of every bidder. Each ask is worded from
the standards in force (the thresholds, ages and lists of ``standards/``) and cites the
policy section it serves; an answer not given yet makes the ask say when it applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.derived import Derived, derive
from ..core.records import AcquisitionType, CertificationType, Submission, VpatEdition
from ..core.standards import AttestationGroup, Standards
from ..labels import enum_label as label


@dataclass(frozen=True)
class Ask:
    topic: str
    text: str
    cites: tuple[str, ...]


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _groups(groups: list[AttestationGroup]) -> str:
    shown = [
        f"{_either([label(CertificationType, t) for t in g.types])} dated within the last "
        f"{g.max_age_months} months"
        for g in groups
    ]
    return "; or ".join(shown)


def _attestation(d: Derived, s: Standards, hosting_known: bool) -> list[Ask]:
    groups = s.security.attestations
    if d.sensitive:
        text = f"One of: {_groups(groups.confidential)}."
        if d.restricted:
            text += " Restricted data also needs the documents below for each data type."
        return [Ask("Security attestation", text, ("SEC-1",))]
    if d.internal_only and (d.hosted or not hosting_known):
        when = "" if d.hosted else " If the vendor hosts it (vendor cloud or hybrid):"
        return [
            Ask(
                "Security attestation",
                f"{when} one of: {_groups(groups.internal_hosted)}.",
                ("SEC-1",),
            )
        ]
    return []


def _data_type_documents(submission: Submission, s: Standards) -> list[Ask]:
    asks = []
    for data_type in submission.proposal.data_types:
        document = s.intake.data_type_documents.get(data_type)
        if document is not None:
            asks.append(
                Ask(
                    label(CertificationType, document.certification),
                    f"Required because it will hold: {label(type(data_type), data_type)}.",
                    tuple(document.cites),
                )
            )
    return asks


def _accessibility(d: Derived, s: Standards, answered_type: bool) -> list[Ask]:
    if not d.has_ui:
        return []
    a = s.accessibility
    editions = _either([label(VpatEdition, e) for e in a.acr_editions])
    when = "A" if answered_type else "For anything with a user interface: a"
    text = (
        f"{when}n Accessibility Conformance Report on the ITI VPAT 2.x template ({editions}) "
        f"dated within the last {a.acr_max_age_months} months, claiming WCAG "
        f"{a.required_wcag_version} Level AA"
    )
    if d.public_facing:
        text += f" (WCAG {a.requested_wcag_version} is asked of public-facing products)"
    text += "; and a dated plan to fix any criterion it does not fully support."
    return [Ask("Accessibility Conformance Report (ACR)", text, ("ACC-2", "ACC-1", "ACC-3"))]


def _sbom(submission: Submission, s: Standards) -> list[Ask]:
    kind = submission.proposal.acquisition_type
    required, requested = s.open_source.sbom_required_for, s.open_source.sbom_requested_for
    if kind in required:
        text = "A software bill of materials in SPDX or CycloneDX format (required)."
    elif kind in requested:
        text = "A software bill of materials in SPDX or CycloneDX format (requested for SaaS)."
    elif kind is None:
        shown = _either([_lower_first(label(AcquisitionType, k)) for k in required])
        text = f"A software bill of materials in SPDX or CycloneDX format, required for {shown}."
    else:
        return []
    return [Ask("Software bill of materials (SBOM)", text, ("OSS-4",))]


def _security_terms(d: Derived, s: Standards) -> list[Ask]:
    sec = s.security
    if d.restricted:
        hours, insurance = (
            sec.incident_notification_max_hours_restricted,
            sec.cyber_insurance_min_usd_restricted,
        )
    else:
        hours, insurance = sec.incident_notification_max_hours, sec.cyber_insurance_min_usd
    asks = [
        Ask(
            "Incident notification",
            f"A commitment to notify the City of a security incident affecting City data within "
            f"{hours:g} hours of discovery.",
            ("SEC-4",),
        ),
        Ask(
            "Cyber insurance",
            f"Cyber liability insurance of at least {_money(insurance)} per claim.",
            ("SEC-5",),
        ),
    ]
    if d.sensitive and (d.internet_facing or d.hosted):
        asks.append(
            Ask(
                "Penetration test",
                f"An independent penetration test within the last {sec.pen_test_max_age_months} "
                "months.",
                ("SEC-6",),
            )
        )
    return asks


def _ai(submission: Submission, d: Derived) -> list[Ask]:
    ai = submission.proposal.ai
    if not d.uses_ai:
        return []
    asks = [
        Ask(
            "AI FactSheet",
            "An AI FactSheet: the model, its training data sources, evaluation and human "
            "oversight.",
            ("AI-1",),
        )
    ]
    if ai.decision_impact is not None and ai.decision_impact.value == "significant":
        asks.append(
            Ask(
                "Algorithmic impact assessment",
                "What the vendor provides for the City's algorithmic impact assessment, and how "
                "a person reviews each significant decision.",
                ("AI-2",),
            )
        )
    return asks


def _contract(d: Derived, s: Standards) -> list[Ask]:
    """The clauses the contract will need (PROC-4 and the sections it names), asked of
    bidders now so that none is a surprise at contract stage."""
    p = s.procurement
    clauses = [
        (
            "Data ownership",
            "The City owns all data it provides or that is created for it.",
            "DATA-2",
        ),
        (
            "Data return",
            f"All City data returned within {s.data.data_return_max_days:g} days of termination, "
            "in an open format, at no extra cost.",
            "DATA-3",
        ),
        (
            "No secondary use",
            "No sale of City data, no advertising with it, and no AI training on it without the "
            "City's written consent.",
            "PRIV-3",
        ),
        ("Governing law", f"{p.governing_law} law governs the contract.", "PROC-4"),
        (
            "Indemnification and liability",
            "The City does not indemnify the vendor, and the vendor's liability is not capped "
            "below the total contract value.",
            "PROC-5",
        ),
        (
            "Term",
            f"At most {p.max_term_years:g} years, renewals included; a City right to terminate "
            "for convenience if it renews automatically.",
            "PROC-3",
        ),
        (
            "Price escalation",
            f"Price increases of at most {p.max_annual_escalation_pct:g}% a year.",
            "PROC-7",
        ),
    ]
    if d.has_ui:
        clauses.insert(
            3,
            (
                "Accessibility warranty",
                "An accessibility warranty and a commitment to remediate.",
                "ACC-6",
            ),
        )
    return [
        Ask(f"Contract clause: {topic}", text, (cite, "PROC-4") if cite != "PROC-4" else (cite,))
        for topic, text, cite in clauses
    ]


def vendor_asks(submission: Submission, standards: Standards, as_of: dt.date) -> list[Ask]:
    """Everything to request from bidders, in the order a solicitation would list it."""
    d = derive(submission, standards, as_of)
    p = submission.proposal
    return [
        *_attestation(d, standards, hosting_known=p.hosting is not None),
        *_data_type_documents(submission, standards),
        *_accessibility(d, standards, answered_type=p.acquisition_type is not None),
        *_sbom(submission, standards),
        *_security_terms(d, standards),
        *_ai(submission, d),
        *_contract(d, standards),
    ]
