"""The intake form as data: every field of intake.md, grouped in steps, with help text that
cites the policy section behind the question. Pure Python (no Streamlit): the page renders
it and the conversion to and from the record dict is tested on its own.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from ..core.records import (
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
    SurveillanceCategory,
    TlsVersion,
    VpatEdition,
    WcagVersion,
)

Kind = Literal[
    "text", "textarea", "enum", "bool", "number", "int", "date", "multi", "lines", "table"
]


def _values(enum: Any) -> tuple[str, ...]:
    return tuple(str(member.value) for member in enum)


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: Literal["text", "enum", "bool", "date"] = "text"
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    path: str  # dotted path in the record, e.g. "proposal.cost.annual"
    label: str
    kind: Kind
    help: str
    options: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    required: bool = False

    @property
    def key(self) -> str:
        return "f-" + self.path.replace(".", "-")


@dataclass(frozen=True)
class Step:
    title: str
    intro: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


P = "proposal."
STEPS: tuple[Step, ...] = (
    Step(
        "About the request",
        "Who is asking, and what problem the technology solves (GEN-1).",
        (
            Field(P + "title", "Title", "text", "A short name for the request.", required=True),
            Field(P + "department", "Department", "text", "Your department.", required=True),
            Field(P + "requester.name", "Your name", "text", "The requester.", required=True),
            Field(
                P + "requester.email",
                "Your email",
                "text",
                "Where reviewers reach you.",
                required=True,
            ),
            Field(
                P + "business_owner.name",
                "Business owner's name",
                "text",
                "GEN-9: who answers for the system once it is in use (blank: you).",
            ),
            Field(
                P + "business_owner.email",
                "Business owner's email",
                "text",
                "GEN-9: deadline notices go here (blank: your email).",
            ),
            Field(
                P + "problem_statement",
                "Problem statement",
                "textarea",
                "GEN-1: a request without a problem statement is not accepted for review.",
                required=True,
            ),
            Field(
                P + "desired_outcomes",
                "Desired outcomes (one per line)",
                "lines",
                "What success looks like.",
            ),
            Field(
                P + "acquisition_type",
                "Kind of acquisition",
                "enum",
                "GEN-1 scope; decides which standards apply (ACC-2, OSS-4, TECH-3).",
                _values(AcquisitionType),
            ),
            Field(
                P + "renewal_of",
                "Contract being renewed",
                "text",
                "GEN-1/GEN-7: for a renewal, the prior contract's number or title.",
            ),
            Field(P + "vendor.name", "Vendor", "text", "The company supplying it."),
            Field(P + "vendor.product", "Product", "text", "The product's name."),
            Field(P + "vendor.product_version", "Product version", "text", "The version offered."),
        ),
    ),
    Step(
        "Cost and procurement",
        "The total contract value decides the tier (GEN-2) and the procurement method (PROC-1).",
        (
            Field(
                P + "cost.one_time",
                "One-time cost (USD)",
                "number",
                "GEN-2, PROC-1: part of the TCV.",
            ),
            Field(
                P + "cost.annual",
                "Annual cost (USD)",
                "number",
                "GEN-2, PROC-1: TCV = one-time + annual x term.",
            ),
            Field(
                P + "cost.term_years",
                "Term in years, renewals included",
                "number",
                "PROC-3: at most 5 years including renewal options.",
            ),
            Field(
                P + "cost.annual_escalation_pct",
                "Annual price escalation (%)",
                "number",
                "PROC-7: increases are capped at 5% a year.",
            ),
            Field(
                P + "cost.funding_source",
                "Funding source",
                "enum",
                "Where the money comes from.",
                _values(FundingSource),
            ),
            Field(
                P + "procurement_method",
                "Procurement method",
                "enum",
                "PROC-1: direct under $10,000; three quotes under $75,000; RFP above.",
                _values(ProcurementMethod),
            ),
            Field(
                P + "sole_source_justification",
                "Sole-source justification",
                "textarea",
                "PROC-2: required for a sole-source purchase.",
            ),
            Field(
                P + "alternatives_considered",
                "Alternatives considered",
                "table",
                "OSS-1: list the alternatives, open-source ones included.",
                columns=(
                    Column("name", "Name"),
                    Column("open_source", "Open source", "bool"),
                    Column("reason_rejected", "Why not chosen"),
                ),
            ),
            Field(
                P + "on_approved_list",
                "On the Approved Technology List for this purpose?",
                "bool",
                "TECH-1: approved products may take the fast track.",
            ),
        ),
    ),
    Step(
        "Users and hosting",
        "Who uses it and where it runs (GEN-2, SEC-6, TECH-2).",
        (
            Field(
                P + "users.staff_count",
                "Number of City staff users",
                "int",
                "SEC-2: staff sign in with SSO.",
            ),
            Field(
                P + "users.public_facing",
                "Used by members of the public?",
                "bool",
                "GEN-2, ACC-1, ACC-4, ACC-5: public-facing services have more requirements.",
            ),
            Field(
                P + "users.expected_public_users",
                "Expected public users",
                "int",
                "For capacity and accessibility.",
            ),
            Field(
                P + "has_user_interface",
                "Has a user interface?",
                "bool",
                "GEN-3, ACC-2: anything with a user interface needs an accessibility review.",
            ),
            Field(
                P + "hosting",
                "Hosting",
                "enum",
                "TECH-2: cloud-first; DATA-3, SEC-4, SEC-5 apply to hosted systems.",
                _values(Hosting),
            ),
            Field(
                P + "data_locations",
                "Countries where data is stored (codes, one per line)",
                "lines",
                "DATA-4: Confidential and Restricted data stay in the United States (US).",
            ),
            Field(
                P + "integrations",
                "Integrations with City systems",
                "table",
                "TECH-4: list each with its method; database-level or undocumented ones are major.",
                columns=(
                    Column("system", "System (erp, gis, permitting, identity, ...)"),
                    Column("method", "Method", "enum", (_values(IntegrationMethod))),
                ),
            ),
        ),
    ),
    Step(
        "Data",
        "What data it holds (DATA-1) and how the City keeps control of it (DATA-2 to DATA-6).",
        (
            Field(
                P + "data_classes",
                "Data classes",
                "multi",
                "DATA-1: declare every class; personal data implies at least Confidential.",
                _values(DataClass),
            ),
            Field(
                P + "data_types",
                "Data types",
                "multi",
                "DATA-1: Restricted types (cji, phi, payment_card, ssn, bank_account, biometric, "
                "precise_location) imply Restricted.",
                _values(DataType),
            ),
            Field(
                P + "data_purposes",
                "Purpose of each personal data type",
                "table",
                "PRIV-2: each personal data type collected states its purpose.",
                columns=(
                    Column("data_type", "Data type", "enum", (_values(DataType))),
                    Column("purpose", "Purpose"),
                ),
            ),
            Field(
                P + "data_management.export_formats",
                "Export formats",
                "multi",
                "DATA-3: the City can export all its data in an open format.",
                _values(ExportFormat),
            ),
            Field(
                P + "data_management.records_retention",
                "Supports the records retention schedule?",
                "bool",
                "DATA-5: public records and retention.",
            ),
            Field(
                P + "data_management.open_data_export",
                "Can publish to the open data portal?",
                "bool",
                "DATA-6: expected for public-facing systems.",
            ),
            Field(
                P + "data_management.audit_log_days",
                "Audit log retention (days)",
                "int",
                "SEC-11: at least one year for Confidential and Restricted data.",
            ),
        ),
    ),
    Step(
        "Security",
        "Identity, encryption, attestations and incident response (SEC-1 to SEC-11).",
        (
            Field(
                P + "authentication.sso",
                "Single sign-on",
                "enum",
                "SEC-2: staff sign in with the City's identity provider (SAML or OIDC).",
                _values(SsoProtocol),
            ),
            Field(
                P + "authentication.mfa",
                "Multi-factor authentication for every account?",
                "bool",
                "SEC-2: required where Confidential or Restricted data can be reached.",
            ),
            Field(P + "authentication.scim", "SCIM provisioning?", "bool", "SEC-2: preferred."),
            Field(
                P + "encryption.tls_min_version",
                "Minimum TLS version",
                "enum",
                "SEC-3: TLS 1.2 or newer.",
                _values(TlsVersion),
            ),
            Field(
                P + "encryption.at_rest",
                "Encrypted at rest?",
                "bool",
                "SEC-3: required for Confidential and Restricted data.",
            ),
            Field(
                P + "certifications",
                "Certifications and attestations",
                "table",
                "SEC-1, SEC-8, SEC-9, SEC-10: type and date of each.",
                columns=(
                    Column("type", "Type", "enum", (_values(CertificationType))),
                    Column("date", "Date", "date"),
                ),
            ),
            Field(
                P + "pen_test_date",
                "Last independent penetration test",
                "date",
                "SEC-6: within 12 months for internet-facing systems with sensitive data.",
            ),
            Field(
                P + "incident_notification_hours",
                "Incident notification commitment (hours)",
                "number",
                "SEC-4: within 72 hours; 24 for Restricted data.",
            ),
            Field(
                P + "cyber_insurance_usd",
                "Vendor's cyber insurance per claim (USD)",
                "number",
                "SEC-5: at least $1,000,000; $5,000,000 with Restricted data.",
            ),
            Field(
                P + "lifecycle.vendor_support_end",
                "Vendor supports the product until",
                "date",
                "TECH-5: support must cover the whole contract term.",
            ),
            Field(
                P + "lifecycle.operating_systems",
                "Operating systems and databases (one per line)",
                "lines",
                "SEC-7: nothing past its end of support.",
            ),
            Field(
                P + "lifecycle.browser_plugins_required",
                "Needs browser plug-ins?",
                "bool",
                "SEC-7, TECH-3: Flash, Java applets, Silverlight or ActiveX are not allowed.",
            ),
            Field(
                P + "lifecycle.supported_browsers",
                "Supported browsers (one per line)",
                "lines",
                "TECH-3: current Edge, Chrome, Firefox and Safari.",
            ),
        ),
    ),
    Step(
        "Accessibility",
        "Conformance (ACC-1 to ACC-7). Attach the vendor's ACR on the last step to fill these in.",
        (
            Field(
                P + "accessibility.acr_provided",
                "Accessibility Conformance Report provided?",
                "bool",
                "ACC-2: an ITI VPAT 2.x ACR dated within 24 months.",
            ),
            Field(P + "accessibility.acr_date", "ACR date", "date", "ACC-2."),
            Field(
                P + "accessibility.vpat_edition",
                "VPAT edition",
                "enum",
                "ACC-2.",
                _values(VpatEdition),
            ),
            Field(
                P + "accessibility.wcag_version",
                "WCAG version claimed",
                "enum",
                "ACC-1: WCAG 2.1 AA is required; 2.2 is requested.",
                _values(WcagVersion),
            ),
            Field(
                P + "accessibility.does_not_support",
                "Criteria reported 'Does Not Support' (one per line)",
                "lines",
                "ACC-3: e.g. 1.4.3.",
            ),
            Field(
                P + "accessibility.partially_supports",
                "Criteria reported 'Partially Supports' (one per line)",
                "lines",
                "ACC-3.",
            ),
            Field(
                P + "accessibility.remediation_plan", "Dated remediation plan?", "bool", "ACC-3."
            ),
            Field(
                P + "accessibility.languages",
                "Languages (ISO 639-1 codes, one per line)",
                "lines",
                "ACC-4: English and Spanish at least for public-facing services.",
            ),
            Field(
                P + "accessibility.mobile_responsive", "Works on mobile devices?", "bool", "ACC-5."
            ),
            Field(
                P + "accessibility.publishes_documents",
                "Publishes documents to the public?",
                "bool",
                "ACC-7.",
            ),
            Field(
                P + "accessibility.accessible_documents",
                "Published documents are accessible?",
                "bool",
                "ACC-7: tagged PDF or HTML.",
            ),
        ),
    ),
    Step(
        "Open source",
        "Licenses, custom code and SBOMs (OSS-1 to OSS-5). Attach an SBOM on the last step.",
        (
            Field(
                P + "open_source.is_open_source", "Is the product open source?", "bool", "OSS-3."
            ),
            Field(
                P + "open_source.license",
                "Product license (SPDX expression)",
                "text",
                "OSS-3: e.g. Apache-2.0.",
            ),
            Field(P + "open_source.sbom_provided", "SBOM provided?", "bool", "OSS-4."),
            Field(
                P + "open_source.components",
                "Components",
                "table",
                "OSS-3: each component's license is judged by class.",
                columns=(
                    Column("name", "Name"),
                    Column("version", "Version"),
                    Column("license", "License (SPDX)"),
                ),
            ),
            Field(
                P + "open_source.custom_code_owner",
                "Who owns custom code?",
                "enum",
                "OSS-2: code written for the City is the City's.",
                _values(CodeOwner),
            ),
            Field(
                P + "open_source.release_license",
                "Release license for custom code",
                "text",
                "OSS-2: MIT or Apache-2.0 by default.",
            ),
            Field(
                P + "open_source.distributed_by_city",
                "Will the City distribute the software?",
                "bool",
                "OSS-3: strong copyleft matters when distributed.",
            ),
            Field(
                P + "open_source.modified_and_hosted_for_others",
                "Modified and hosted for others?",
                "bool",
                "OSS-3: network copyleft matters then.",
            ),
        ),
    ),
    Step(
        "AI, privacy and surveillance",
        "AI-1 to AI-4, PRIV-1 to PRIV-5.",
        (
            Field(P + "ai.uses_ai", "Uses AI?", "bool", "AI-1: any AI feature is disclosed."),
            Field(P + "ai.generative", "Generative AI?", "bool", "AI-3, AI-4."),
            Field(
                P + "ai.decision_impact",
                "Decision impact",
                "enum",
                "AI-2: significant impact means Tier 3 and more requirements.",
                _values(DecisionImpact),
            ),
            Field(
                P + "ai.sends_city_data_to_model", "Sends City data to the model?", "bool", "AI-3."
            ),
            Field(
                P + "ai.model_retains_or_trains",
                "Model retains or trains on the data?",
                "bool",
                "AI-3.",
            ),
            Field(P + "ai.factsheet_provided", "AI FactSheet provided?", "bool", "AI-1."),
            Field(
                P + "ai.impact_assessment", "Algorithmic impact assessment done?", "bool", "AI-2."
            ),
            Field(P + "ai.human_review", "Documented human review?", "bool", "AI-2."),
            Field(
                P + "ai.discloses_to_public",
                "Tells the public when they interact with AI?",
                "bool",
                "AI-4.",
            ),
            Field(
                P + "privacy.impact_assessment",
                "Privacy impact assessment done?",
                "bool",
                "PRIV-1.",
            ),
            Field(
                P + "privacy.parental_consent_flow",
                "Parental consent flow for children under 13?",
                "bool",
                "PRIV-5.",
            ),
            Field(
                P + "surveillance.is_surveillance_technology",
                "Surveillance technology?",
                "bool",
                "PRIV-4: needs a surveillance impact report and City Council approval.",
            ),
            Field(
                P + "surveillance.categories",
                "Surveillance categories",
                "multi",
                "PRIV-4.",
                _values(SurveillanceCategory),
            ),
            Field(
                P + "surveillance.impact_report",
                "Surveillance impact report done?",
                "bool",
                "PRIV-4.",
            ),
            Field(
                P + "surveillance.council_approved", "Approved by City Council?", "bool", "PRIV-4."
            ),
        ),
    ),
    Step(
        "Attachments",
        "Vendor documents: an ACR fills the accessibility answers, an SBOM the components.",
        (
            Field(
                P + "attachments",
                "Documents referenced by this request",
                "table",
                "Kind and file name of each document (uploads below are stored with the request).",
                columns=(
                    Column("kind", "Kind", "enum", (_values(AttachmentKind))),
                    Column("path", "File"),
                ),
            ),
        ),
    ),
)

FIELDS: dict[str, Field] = {f.path: f for step in STEPS for f in step.fields}


def get(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def put(record: dict[str, Any], path: str, value: Any) -> None:
    """Set a value; an empty answer removes the key, so the record holds only answers."""
    parts = path.split(".")
    node = record
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if value is None or value == "" or value == [] or value == {}:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def prune(record: dict[str, Any]) -> dict[str, Any]:
    """Drop empty sections left behind by removed answers."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            value = prune(value)
            if not value:
                continue
        out[key] = value
    return out


def lines_to_list(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def rows_to_value(spec: Field, rows: list[dict[str, Any]]) -> Any:
    """A table's rows as the record wants them (data_purposes is a mapping)."""
    cleaned = []
    for row in rows:
        item = {c.name: _json_value(row.get(c.name)) for c in spec.columns}
        item = {k: v for k, v in item.items() if v is not None and v != ""}
        if item:
            cleaned.append(item)
    if spec.path.endswith("data_purposes"):
        return {r["data_type"]: r.get("purpose", "") for r in cleaned if "data_type" in r}
    return cleaned


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def value_to_rows(spec: Field, value: Any) -> list[dict[str, Any]]:
    if spec.path.endswith("data_purposes") and isinstance(value, dict):
        return [{"data_type": k, "purpose": v} for k, v in value.items()]
    return [dict(item) for item in value] if isinstance(value, list) else []


def preview_record(record: dict[str, Any]) -> dict[str, Any]:
    """A draft made evaluable for the live preview: required answers still missing get a
    placeholder (the preview says so); nothing else is invented."""
    data = copy.deepcopy(record)
    proposal = data.setdefault("proposal", {})
    proposal.setdefault("title", "(untitled)")
    proposal.setdefault("department", "(department)")
    proposal.setdefault("problem_statement", "(not yet written)")
    requester = proposal.setdefault("requester", {})
    requester.setdefault("name", "(requester)")
    requester.setdefault("email", "requester@example.gov")
    return data


C = "contract."
CONTRACT_STEP = Step(
    "Contract",
    "The agreement as negotiated. A clause left out counts as missing (PROC-4).",
    (
        Field(
            C + "proposal", "Proposal it implements", "text", "The approved request's id or title."
        ),
        Field(C + "vendor", "Vendor", "text", "The contracting party."),
        Field(C + "value_usd", "Total contract value (USD)", "number", "PROC-1, PROC-5: the TCV."),
        Field(C + "start_date", "Start date", "date", "PROC-3, TECH-5."),
        Field(C + "end_date", "End date", "date", "PROC-3, TECH-5."),
        Field(
            C + "renewal_options_years",
            "Renewal options (years)",
            "number",
            "PROC-3: at most 5 years in all.",
        ),
        Field(
            C + "auto_renewal",
            "Renews automatically?",
            "bool",
            "PROC-3: needs a City right to terminate for convenience.",
        ),
        Field(
            C + "cancellation_notice_days",
            "Cancellation notice (days before the end)",
            "int",
            "GEN-9: an auto-renewal must be cancelled this many days before the end date.",
        ),
        Field(
            C + "termination_for_convenience",
            "City may terminate for convenience?",
            "bool",
            "PROC-3.",
        ),
        Field(
            C + "annual_escalation_pct",
            "Annual price escalation (%)",
            "number",
            "PROC-7: at most 5%.",
        ),
        Field(C + "clauses.data_ownership", "The City owns its data", "bool", "DATA-2."),
        Field(
            C + "clauses.data_return_days",
            "Data returned within (days of termination)",
            "number",
            "DATA-3: 30.",
        ),
        Field(
            C + "clauses.incident_notification_hours",
            "Incident notification (hours)",
            "number",
            "SEC-4.",
        ),
        Field(C + "clauses.insurance_usd", "Cyber insurance required (USD)", "number", "SEC-5."),
        Field(
            C + "clauses.accessibility_warranty",
            "Accessibility warranty and remediation",
            "bool",
            "ACC-6.",
        ),
        Field(
            C + "clauses.no_secondary_use",
            "No sale, advertising or AI training use",
            "bool",
            "PRIV-3.",
        ),
        Field(
            C + "clauses.allows_training_on_city_data",
            "Allows training AI on City data",
            "bool",
            "PRIV-3.",
        ),
        Field(C + "clauses.governing_law", "Governing law", "text", "PROC-4: California."),
        Field(
            C + "clauses.city_indemnifies_vendor",
            "City indemnifies the vendor",
            "bool",
            "PROC-5: not allowed.",
        ),
        Field(
            C + "clauses.liability_cap_usd",
            "Vendor liability cap (USD)",
            "number",
            "PROC-5: not below the TCV.",
        ),
        Field(C + "clauses.cjis_security_addendum", "FBI CJIS Security Addendum", "bool", "SEC-8."),
        Field(C + "clauses.hipaa_baa", "HIPAA Business Associate Agreement", "bool", "SEC-10."),
    ),
)
