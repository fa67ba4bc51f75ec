"""Words a person reads for the values the product stores: ``saas`` is "Software as a service".

Every label is marked ``N_`` for the translation catalogs (the pages translate it where they
show it; the packet and the files stay in English). One table per vocabulary: the intake
form's enumerations (keyed by their enum, because the
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
from .core.publication import N_
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
        "saas": N_("Software as a service"),
        "on_premises_software": N_("On-premises software"),
        "custom_development": N_("Custom development"),
        "hardware": N_("Hardware"),
        "professional_services": N_("Professional services"),
        "free_tool": N_("Free or no-cost tool"),
        "renewal": N_("Renewal"),
    },
    FundingSource: {
        "general_fund": N_("General fund"),
        "grant": N_("Grant"),
        "enterprise_fund": N_("Enterprise fund"),
        "other": N_("Other"),
    },
    ProcurementMethod: {
        "direct": N_("Direct purchase"),
        "informal_quotes": N_("Informal quotes"),
        "formal_rfp": N_("Formal solicitation (RFP)"),
        "cooperative_agreement": N_("Cooperative agreement"),
        "sole_source": N_("Sole source"),
    },
    Hosting: {
        "vendor_cloud": N_("Vendor cloud"),
        "city_data_center": N_("City data center"),
        "hybrid": N_("Hybrid (vendor cloud and City)"),
        "none": N_("Nothing hosted"),
    },
    DataClass: {
        "public": N_("Public"),
        "internal": N_("Internal"),
        "confidential": N_("Confidential"),
        "restricted": N_("Restricted"),
    },
    DataType: {
        "personal_information": N_("Personal information"),
        "employee_records": N_("Employee records"),
        "financial": N_("Financial"),
        "cji": N_("Criminal justice information (CJI)"),
        "phi": N_("Protected health information (PHI)"),
        "payment_card": N_("Payment card data"),
        "ssn": N_("Social Security numbers"),
        "bank_account": N_("Bank account numbers"),
        "biometric": N_("Biometric data"),
        "precise_location": N_("Precise location"),
        "children_under_13": N_("Children under 13"),
    },
    IntegrationMethod: {
        "api": N_("API"),
        "sftp": N_("SFTP"),
        "file_export": N_("File export"),
        "database": N_("Direct database connection"),
        "sso": N_("Single sign-on"),
        "other": N_("Other"),
    },
    SsoProtocol: {
        "saml": N_("SAML"),
        "oidc": N_("OpenID Connect"),
        "none": N_("No single sign-on"),
    },
    TlsVersion: {
        "1.0": N_("TLS 1.0"),
        "1.1": N_("TLS 1.1"),
        "1.2": N_("TLS 1.2"),
        "1.3": N_("TLS 1.3"),
        "none": N_("No encryption in transit"),
    },
    CertificationType: {
        "soc2_type2": N_("SOC 2 Type II"),
        "iso27001": N_("ISO/IEC 27001"),
        "fedramp_moderate": N_("FedRAMP Moderate"),
        "fedramp_high": N_("FedRAMP High"),
        "govramp_moderate": N_("GovRAMP Moderate"),
        "govramp_high": N_("GovRAMP High"),
        "tx_ramp": N_("TX-RAMP"),
        "pci_dss_aoc": N_("PCI DSS attestation of compliance"),
        "cjis_addendum": N_("CJIS Security Addendum"),
        "hipaa_baa": N_("HIPAA business associate agreement"),
        "caiq": N_("CAIQ questionnaire"),
        "hecvat": N_("HECVAT questionnaire"),
    },
    VpatEdition: {
        "wcag": N_("VPAT WCAG edition"),
        "508": N_("VPAT Section 508 edition"),
        "eu": N_("VPAT EU edition"),
        "int": N_("VPAT International edition"),
    },
    WcagVersion: {"2.0": N_("WCAG 2.0"), "2.1": N_("WCAG 2.1"), "2.2": N_("WCAG 2.2")},
    CodeOwner: {"city": N_("The City"), "vendor": N_("The vendor"), "shared": N_("Shared")},
    DecisionImpact: {
        "none": N_("No effect on decisions"),
        "advisory": N_("Advisory"),
        "significant": N_("Significant"),
    },
    SurveillanceCategory: {
        "alpr": N_("Automated license plate readers"),
        "facial_recognition": N_("Facial recognition"),
        "camera_monitoring": N_("Camera monitoring"),
        "drone": N_("Drones"),
        "gunshot_detection": N_("Gunshot detection"),
        "social_media_monitoring": N_("Social media monitoring"),
        "cell_site_simulator": N_("Cell-site simulators"),
        "body_worn_camera": N_("Body-worn cameras"),
    },
    ExportFormat: {
        "csv": N_("CSV"),
        "json": N_("JSON"),
        "xml": N_("XML"),
        "geojson": N_("GeoJSON"),
        "api": N_("API"),
        "proprietary": N_("Proprietary format"),
    },
    AttachmentKind: {
        "acr": N_("Accessibility conformance report"),
        "sbom": N_("Software bill of materials"),
        "soc2_report": N_("SOC 2 report"),
        "questionnaire": N_("Security questionnaire"),
        "contract": N_("Contract"),
        "use_policy": N_("Surveillance use policy"),
        "other": N_("Other"),
    },
}

# OpenACR's conformance vocabulary, as findings on accessibility criteria report it.
CONFORMANCE = {
    "supports": N_("Supports"),
    "partially_supports": N_("Partially supports"),
    "does_not_support": N_("Does not support"),
    "not_applicable": N_("Not applicable"),
    "not_evaluated": N_("Not evaluated"),
}

STATE = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "in_review": N_("In review"),
    "changes_requested": N_("Changes requested"),
    "ready_for_approval": N_("Ready for approval"),
    "approved": N_("Approved"),
    "approved_with_conditions": N_("Approved with conditions"),
    "rejected": N_("Rejected"),
    "contract_submitted": N_("Contract submitted"),
    "contract_review": N_("Contract review"),
    "contract_changes_requested": N_("Contract changes requested"),
    "contract_ready": N_("Contract ready for approval"),
    "contract_approved": N_("Contract approved"),
    "contract_rejected": N_("Contract rejected"),
    "withdrawn": N_("Withdrawn"),
}
OUTCOME = {  # what an approver decides, as recorded
    "approve": N_("Approved"),
    "approve_with_conditions": N_("Approved with conditions"),
    "reject": N_("Rejected"),
    "approved": N_("Approved"),
    "approved_with_conditions": N_("Approved with conditions"),
    "rejected": N_("Rejected"),
    "contract_approved": N_("Contract approved"),
    "contract_rejected": N_("Contract rejected"),
}
DISPOSITION = {
    "blocked": N_("Blocked"),
    "conditions": N_("Approvable with conditions"),
    "clear": N_("Clear"),
}
SEVERITY = {s.id.value: s.label for s in policy.current().severities}  # standards/review.yaml
FINDING_STATUS = {
    "open": N_("Open"),
    "waived": N_("Waived"),
    "conditioned": N_("Conditioned"),
    "resolved": N_("Resolved"),
}
CONDITION_STATUS = {"open": N_("Open"), "met": N_("Met"), "cancelled": N_("Cancelled")}
STAGE = {"proposal": N_("Proposal"), "contract": N_("Contract")}
TIER = {
    1: N_("Tier 1 (fast track)"),
    2: N_("Tier 2 (standard review)"),
    3: N_("Tier 3 (full review)"),
}

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
