"""Words a person reads for the values the product stores: ``saas`` is "Software as a service".

One table per vocabulary: the intake form's enumerations (keyed by their enum, because the
same value can mean different things: ``none`` as hosting is not ``none`` as single sign-on)
and the workflow's own values (states, dispositions, severities, statuses, outcomes).
Everything a person reads (the packet, the pages) takes its labels from here; the command
line and the files keep the stored values, as intake.md asks. Labels of form *fields* (the
questions) live with the form; these are labels of *values*. A test fails when an
enumeration gains a value without a label.
"""

from __future__ import annotations

import re
import types
import typing
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from .core import policy
from .core.records import (
    AcquisitionType,
    AttachmentKind,
    CertificationType,
    CodeOwner,
    DataClass,
    DataType,
    DecisionImpact,
    ExportFormat,
    FundingSource,
    Hosting,
    IntegrationMethod,
    ProcurementMethod,
    SsoProtocol,
    Submission,
    SurveillanceCategory,
    TlsVersion,
    VpatEdition,
    WcagVersion,
)

ENUM_LABELS: dict[type[StrEnum], dict[str, str]] = {
    AcquisitionType: {
        "saas": "Software as a service",
        "on_premises_software": "On-premises software",
        "custom_development": "Custom development",
        "hardware": "Hardware",
        "professional_services": "Professional services",
        "free_tool": "Free or no-cost tool",
        "renewal": "Renewal",
    },
    FundingSource: {
        "general_fund": "General fund",
        "grant": "Grant",
        "enterprise_fund": "Enterprise fund",
        "other": "Other",
    },
    ProcurementMethod: {
        "direct": "Direct purchase",
        "informal_quotes": "Informal quotes",
        "formal_rfp": "Formal solicitation (RFP)",
        "cooperative_agreement": "Cooperative agreement",
        "sole_source": "Sole source",
    },
    Hosting: {
        "vendor_cloud": "Vendor cloud",
        "city_data_center": "City data center",
        "hybrid": "Hybrid (vendor cloud and City)",
        "none": "Nothing hosted",
    },
    DataClass: {
        "public": "Public",
        "internal": "Internal",
        "confidential": "Confidential",
        "restricted": "Restricted",
    },
    DataType: {
        "personal_information": "Personal information",
        "employee_records": "Employee records",
        "financial": "Financial",
        "cji": "Criminal justice information (CJI)",
        "phi": "Protected health information (PHI)",
        "payment_card": "Payment card data",
        "ssn": "Social Security numbers",
        "bank_account": "Bank account numbers",
        "biometric": "Biometric data",
        "precise_location": "Precise location",
        "children_under_13": "Children under 13",
    },
    IntegrationMethod: {
        "api": "API",
        "sftp": "SFTP",
        "file_export": "File export",
        "database": "Direct database connection",
        "sso": "Single sign-on",
        "other": "Other",
    },
    SsoProtocol: {"saml": "SAML", "oidc": "OpenID Connect", "none": "No single sign-on"},
    TlsVersion: {
        "1.0": "TLS 1.0",
        "1.1": "TLS 1.1",
        "1.2": "TLS 1.2",
        "1.3": "TLS 1.3",
        "none": "No encryption in transit",
    },
    CertificationType: {
        "soc2_type2": "SOC 2 Type II",
        "iso27001": "ISO/IEC 27001",
        "fedramp_moderate": "FedRAMP Moderate",
        "fedramp_high": "FedRAMP High",
        "govramp_moderate": "GovRAMP Moderate",
        "govramp_high": "GovRAMP High",
        "tx_ramp": "TX-RAMP",
        "pci_dss_aoc": "PCI DSS attestation of compliance",
        "cjis_addendum": "CJIS Security Addendum",
        "hipaa_baa": "HIPAA business associate agreement",
        "caiq": "CAIQ questionnaire",
        "hecvat": "HECVAT questionnaire",
    },
    VpatEdition: {
        "wcag": "VPAT WCAG edition",
        "508": "VPAT Section 508 edition",
        "eu": "VPAT EU edition",
        "int": "VPAT International edition",
    },
    WcagVersion: {"2.0": "WCAG 2.0", "2.1": "WCAG 2.1", "2.2": "WCAG 2.2"},
    CodeOwner: {"city": "The City", "vendor": "The vendor", "shared": "Shared"},
    DecisionImpact: {
        "none": "No effect on decisions",
        "advisory": "Advisory",
        "significant": "Significant",
    },
    SurveillanceCategory: {
        "alpr": "Automated license plate readers",
        "facial_recognition": "Facial recognition",
        "camera_monitoring": "Camera monitoring",
        "drone": "Drones",
        "gunshot_detection": "Gunshot detection",
        "social_media_monitoring": "Social media monitoring",
        "cell_site_simulator": "Cell-site simulators",
        "body_worn_camera": "Body-worn cameras",
    },
    ExportFormat: {
        "csv": "CSV",
        "json": "JSON",
        "xml": "XML",
        "geojson": "GeoJSON",
        "api": "API",
        "proprietary": "Proprietary format",
    },
    AttachmentKind: {
        "acr": "Accessibility conformance report",
        "sbom": "Software bill of materials",
        "soc2_report": "SOC 2 report",
        "questionnaire": "Security questionnaire",
        "contract": "Contract",
        "use_policy": "Surveillance use policy",
        "other": "Other",
    },
}

# OpenACR's conformance vocabulary, as findings on accessibility criteria report it.
CONFORMANCE = {
    "supports": "Supports",
    "partially_supports": "Partially supports",
    "does_not_support": "Does not support",
    "not_applicable": "Not applicable",
    "not_evaluated": "Not evaluated",
}

STATE = {
    "draft": "Draft",
    "submitted": "Submitted",
    "in_review": "In review",
    "changes_requested": "Changes requested",
    "ready_for_approval": "Ready for approval",
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "rejected": "Rejected",
    "contract_submitted": "Contract submitted",
    "contract_review": "Contract review",
    "contract_changes_requested": "Contract changes requested",
    "contract_ready": "Contract ready for approval",
    "contract_approved": "Contract approved",
    "contract_rejected": "Contract rejected",
    "withdrawn": "Withdrawn",
}
OUTCOME = {  # what an approver decides, as recorded
    "approve": "Approved",
    "approve_with_conditions": "Approved with conditions",
    "reject": "Rejected",
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "rejected": "Rejected",
    "contract_approved": "Contract approved",
    "contract_rejected": "Contract rejected",
}
DISPOSITION = {
    "blocked": "Blocked",
    "conditions": "Approvable with conditions",
    "clear": "Clear",
}
SEVERITY = {s.id.value: s.label for s in policy.current().severities}  # standards/review.yaml
FINDING_STATUS = {
    "open": "Open",
    "waived": "Waived",
    "conditioned": "Conditioned",
    "resolved": "Resolved",
}
CONDITION_STATUS = {"open": "Open", "met": "Met", "cancelled": "Cancelled"}
STAGE = {"proposal": "Proposal", "contract": "Contract"}
TIER = {1: "Tier 1 (fast track)", 2: "Tier 2 (standard review)", 3: "Tier 3 (full review)"}

WORKFLOW: dict[str, dict[str, str]] = {
    "state": STATE,
    "outcome": OUTCOME,
    "disposition": DISPOSITION,
    "severity": SEVERITY,
    "finding_status": FINDING_STATUS,
    "condition_status": CONDITION_STATUS,
    "stage": STAGE,
}


def readable(value: str) -> str:
    """The last resort for a value no table knows: words, not an identifier."""
    text = value.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else value


def enum_label(enum: type[StrEnum], value: object) -> str:
    text = str(value.value if isinstance(value, StrEnum) else value)
    return ENUM_LABELS.get(enum, {}).get(text) or readable(text)


def workflow_label(vocabulary: str, value: str | None) -> str:
    """``workflow_label("state", "in_review")`` -> "In review"."""
    if value is None:
        return "—"
    return WORKFLOW[vocabulary].get(value) or readable(value)


def tier_label(tier: int | None) -> str:
    return "Not evaluated" if tier is None else TIER.get(tier, f"Tier {tier}")


def _enum_in(annotation: Any) -> tuple[type[StrEnum] | None, type[BaseModel] | None]:
    """The enumeration or the model an annotation holds, through Optional, list and dict."""
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type):
            if issubclass(current, StrEnum):
                return current, None
            if issubclass(current, BaseModel):
                return None, current
            continue
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if origin is typing.Annotated:
            stack.append(args[0])
        elif origin in (list, tuple, set, frozenset, typing.Union, types.UnionType):
            stack.extend(args)
        elif origin is dict and args:
            stack.append(args[-1])
    return None, None


@lru_cache(maxsize=512)
def enum_at(path: str) -> type[StrEnum] | None:
    """The enumeration of a record field by its dotted path (``proposal.hosting`` -> Hosting);
    list positions may be left out (``proposal.integrations.method``)."""
    model: type[BaseModel] | None = Submission
    found: type[StrEnum] | None = None
    for part in path.split("."):
        if part.isdigit():
            continue
        if model is None:
            return None
        field = model.model_fields.get(part)
        if field is None:
            return None
        found, model = _enum_in(field.annotation)
    return found


@lru_cache(maxsize=1)
def _unambiguous() -> dict[str, str]:
    """Values that mean one thing in every table they appear in (for values without a path)."""
    seen: dict[str, set[str]] = {}
    for table in (*ENUM_LABELS.values(), CONFORMANCE):
        for value, label in table.items():
            seen.setdefault(value, set()).add(label)
    return {value: next(iter(labels)) for value, labels in seen.items() if len(labels) == 1}


def value_label(value: str, path: str | None = None) -> str:
    """The label of a stored value: by the enumeration of the field at ``path`` when known,
    else by any table in which it is unambiguous, else the value in words."""
    enum = enum_at(path) if path else None
    if enum is not None:
        return enum_label(enum, value)
    if value in CONFORMANCE:
        return CONFORMANCE[value]
    return _unambiguous().get(value) or value


def is_enum_value(value: str, path: str | None) -> bool:
    """Whether ``value`` is a code a table knows (so it should be shown by its label)."""
    enum = enum_at(path) if path else None
    if enum is not None:
        return value in ENUM_LABELS.get(enum, {})
    return value in CONFORMANCE or value in _unambiguous()


# Codes that are not words: shown by their label wherever they appear in generated text.
_CODE = re.compile(r"\b(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|saas|cji|phi|ssn|alpr|iso27001)\b")


def label_codes(text: str) -> str:
    """Generated text (a finding's message) with the codes it quotes shown by their labels:
    "Hosting is city_data_center" reads "Hosting is City data center". Only codes that mean
    one thing in every table are replaced; anything else is left as written."""
    known = _unambiguous()
    return _CODE.sub(lambda m: known.get(m.group(), m.group()), text)
