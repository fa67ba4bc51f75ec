"""The proposal's steps: every field of intake.md once, each help text saying what the policy
section behind the question asks (the page links each cited section to its text). The first
step, early consultation, is in ``form_first.py``.
"""

from __future__ import annotations

from ..core import records as r
from .form_fields import Column, Field, Step
from .form_first import FIRST
from .form_publication import PUBLICATION

P = "proposal."

ABOUT = Step(
    "About the request",
    "Who is asking, what success looks like, and the product (GEN-1).",
    (
        Field(P + "requester.name", "Your name", "text", "The requester.", required=True),
        Field(
            P + "requester.email", "Your email", "text", "Where reviewers reach you.", required=True
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
            P + "desired_outcomes",
            "Desired outcomes (one per line)",
            "lines",
            "What success looks like.",
        ),
        Field(
            P + "renewal_of",
            "Contract being renewed",
            "text",
            "GEN-1, GEN-7: for a renewal, the prior contract's number or title.",
        ),
        Field(P + "vendor.name", "Vendor", "text", "The company supplying it."),
        Field(P + "vendor.product", "Product", "text", "The product's name."),
        Field(P + "vendor.product_version", "Product version", "text", "The version offered."),
    ),
)

COST = Step(
    "Cost and procurement",
    "How it is bought: the total contract value decides the procurement method (PROC-1).",
    (
        Field(
            P + "cost.annual_escalation_pct",
            "Annual price escalation (%)",
            "number",
            "PROC-7: yearly price increases are capped.",
        ),
        Field(
            P + "cost.funding_source",
            "Funding source",
            "enum",
            "Where the money comes from.",
            r.FundingSource,
        ),
        Field(
            P + "procurement_method",
            "Procurement method",
            "enum",
            "PROC-1: the TCV decides the method: direct, informal quotes, or a formal "
            "solicitation.",
            r.ProcurementMethod,
        ),
        Field(
            P + "sole_source_justification",
            "Sole-source justification",
            "textarea",
            "PROC-2: a sole-source purchase needs a written justification.",
        ),
        Field(
            P + "alternatives_considered",
            "Alternatives considered",
            "items",
            "OSS-1: list the alternatives you considered, open-source ones included.",
            item="alternative",
            columns=(
                Column("name", "Name", required=True),
                Column("open_source", "Open source", "bool"),
                Column("reason_rejected", "Why not chosen", in_title=False),
            ),
        ),
        Field(
            P + "on_approved_list",
            "On the Approved Technology List for this purpose?",
            "bool",
            "TECH-1: approved products used for the same purpose may take the fast track.",
        ),
    ),
)

USERS = Step(
    "Users and hosting",
    "Who uses it and where it runs (SEC-6, TECH-2, TECH-4).",
    (
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
            "TECH-2: cloud-first; DATA-3, SEC-4 and SEC-5 apply to systems that hold City data.",
            r.Hosting,
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
            "items",
            "TECH-4: list each with its method; database-level or undocumented ones are major.",
            item="integration",
            columns=(
                Column(
                    "system",
                    "System",
                    required=True,
                    help="The City system: erp, gis, permitting, identity, dispatch, ...",
                ),
                Column("method", "Method", "enum", r.IntegrationMethod),
            ),
        ),
    ),
)

DATA = Step(
    "Data",
    "How the City keeps control of its data (DATA-2 to DATA-6, PRIV-2).",
    (
        Field(
            P + "data_purposes",
            "Purpose of each personal data type",
            "items",
            "PRIV-2: each personal data type collected states its purpose.",
            item="data purpose",
            columns=(
                Column("data_type", "Data type", "enum", r.DataType, required=True),
                Column("purpose", "Purpose", required=True, in_title=False),
            ),
        ),
        Field(
            P + "data_management.export_formats",
            "Export formats",
            "multi",
            "DATA-3: the City can export all its data in an open format.",
            r.ExportFormat,
        ),
        Field(
            P + "data_management.records_retention",
            "Supports the records retention schedule?",
            "bool",
            "DATA-5: systems holding City records support the retention schedule and public "
            "records requests.",
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
            "SEC-11: audit logs of access and administrative actions, kept long enough.",
        ),
    ),
)

SECURITY = Step(
    "Security",
    "Identity, encryption, attestations and incident response (SEC-1 to SEC-11).",
    (
        Field(
            P + "authentication.sso",
            "Single sign-on",
            "enum",
            "SEC-2: staff sign in with the City's identity provider (SAML or OIDC).",
            r.SsoProtocol,
        ),
        Field(
            P + "authentication.mfa",
            "Multi-factor authentication for every account?",
            "bool",
            "SEC-2: required where Confidential or Restricted data can be reached.",
        ),
        Field(
            P + "authentication.scim",
            "SCIM provisioning?",
            "bool",
            "SEC-2: automatic account provisioning (SCIM) is preferred.",
        ),
        Field(
            P + "encryption.tls_min_version",
            "Minimum TLS version",
            "enum",
            "SEC-3: the oldest TLS version any endpoint still accepts.",
            r.TlsVersion,
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
            "items",
            "SEC-1, SEC-8, SEC-9, SEC-10: each attestation the vendor holds, with its date.",
            item="certification",
            columns=(
                Column("type", "Type", "enum", r.CertificationType, required=True),
                Column("date", "Date", "date"),
            ),
        ),
        Field(
            P + "pen_test_date",
            "Last independent penetration test",
            "date",
            "SEC-6: recent for internet-facing systems with sensitive data.",
        ),
        Field(
            P + "incident_notification_hours",
            "Incident notification commitment (hours)",
            "number",
            "SEC-4: how soon the vendor tells the City of an incident affecting City data.",
        ),
        Field(
            P + "cyber_insurance_usd",
            "Vendor's cyber insurance per claim (USD)",
            "number",
            "SEC-5: vendors hosting or accessing City data carry cyber liability insurance.",
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
)

ACCESSIBILITY = Step(
    "Accessibility",
    "Conformance (ACC-1 to ACC-7). Attach the vendor's ACR on the last step to fill these in.",
    (
        Field(
            P + "accessibility.acr_provided",
            "Accessibility Conformance Report provided?",
            "bool",
            "ACC-2: a recent ACR on the ITI VPAT 2.x template.",
        ),
        Field(
            P + "accessibility.acr_date",
            "ACR date",
            "date",
            "ACC-2: the report's date; an old report does not count.",
        ),
        Field(
            P + "accessibility.vpat_edition",
            "VPAT edition",
            "enum",
            "ACC-2: the edition of the VPAT 2.x template the report uses.",
            r.VpatEdition,
        ),
        Field(
            P + "accessibility.wcag_version",
            "WCAG version claimed",
            "enum",
            "ACC-1: the WCAG version the product conforms to at Level AA.",
            r.WcagVersion,
        ),
        Field(
            P + "accessibility.does_not_support",
            "Criteria reported 'Does Not Support' (one per line)",
            "lines",
            "ACC-3: WCAG success criteria the product fails, e.g. 1.4.3.",
        ),
        Field(
            P + "accessibility.partially_supports",
            "Criteria reported 'Partially Supports' (one per line)",
            "lines",
            "ACC-3: WCAG success criteria the product only partly meets.",
        ),
        Field(
            P + "accessibility.remediation_plan",
            "Dated remediation plan?",
            "bool",
            "ACC-3: a dated plan from the vendor to fix the gaps, accepted by the ADA Coordinator.",
        ),
        Field(
            P + "accessibility.languages",
            "Languages (ISO 639-1 codes, one per line)",
            "lines",
            "ACC-4: the languages public-facing services are offered in.",
        ),
        Field(
            P + "accessibility.mobile_responsive",
            "Works on mobile devices?",
            "bool",
            "ACC-5: public-facing services work on phones (responsive or a native app).",
        ),
        Field(
            P + "accessibility.publishes_documents",
            "Publishes documents to the public?",
            "bool",
            "ACC-7: PDFs, notices or other documents the system publishes.",
        ),
        Field(
            P + "accessibility.accessible_documents",
            "Published documents are accessible?",
            "bool",
            "ACC-7: tagged PDF or HTML.",
        ),
    ),
)

OPEN_SOURCE = Step(
    "Open source",
    "Licenses, custom code and SBOMs (OSS-1 to OSS-5). Attach an SBOM on the last step.",
    (
        Field(
            P + "open_source.is_open_source",
            "Is the product open source?",
            "bool",
            "OSS-3: the product's own license is judged like its components'.",
        ),
        Field(
            P + "open_source.license",
            "Product license (SPDX expression)",
            "text",
            "OSS-3: e.g. Apache-2.0.",
        ),
        Field(
            P + "open_source.sbom_provided",
            "SBOM provided?",
            "bool",
            "OSS-4: a software bill of materials in SPDX or CycloneDX format.",
        ),
        Field(
            P + "open_source.components",
            "Components",
            "items",
            "OSS-3: each component's license is judged by its class.",
            item="component",
            columns=(
                Column("name", "Name", required=True),
                Column("version", "Version"),
                Column("license", "License (SPDX)"),
            ),
        ),
        Field(
            P + "open_source.custom_code_owner",
            "Who owns custom code?",
            "enum",
            "OSS-2: code written for the City is the City's.",
            r.CodeOwner,
        ),
        Field(
            P + "open_source.release_license",
            "Release license for custom code",
            "text",
            "OSS-2: an OSI-approved license, MIT or Apache-2.0 by default.",
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
)

AI_PRIVACY = Step(
    "AI, privacy and surveillance",
    "AI-1 to AI-4, PRIV-1 to PRIV-5.",
    (
        Field(
            P + "ai.generative",
            "Generative AI?",
            "bool",
            "AI-3, AI-4: AI that writes text or makes images has extra requirements.",
        ),
        Field(
            P + "ai.sends_city_data_to_model",
            "Sends City data to the model?",
            "bool",
            "AI-3: City Confidential or Restricted data never goes to a model that keeps it.",
        ),
        Field(
            P + "ai.model_retains_or_trains",
            "Model retains or trains on the data?",
            "bool",
            "AI-3: whether the AI service keeps City data or trains on it.",
        ),
        Field(
            P + "ai.factsheet_provided",
            "AI FactSheet provided?",
            "bool",
            "AI-1: the vendor's disclosure of the model, its training data, evaluation and "
            "human oversight.",
        ),
        Field(
            P + "ai.impact_assessment",
            "Algorithmic impact assessment done?",
            "bool",
            "AI-2: required for AI with significant decision impact.",
        ),
        Field(
            P + "ai.human_review",
            "Documented human review?",
            "bool",
            "AI-2: a person reviews significant decisions the AI informs.",
        ),
        Field(
            P + "ai.discloses_to_public",
            "Tells the public when they interact with AI?",
            "bool",
            "AI-4: members of the public are told when they interact with AI.",
        ),
        Field(
            P + "privacy.impact_assessment",
            "Privacy impact assessment done?",
            "bool",
            "PRIV-1: any personal information needs a privacy impact assessment before approval.",
        ),
        Field(
            P + "privacy.parental_consent_flow",
            "Parental consent flow for children under 13?",
            "bool",
            "PRIV-5: services collecting children's personal information need parental consent.",
        ),
        Field(
            P + "surveillance.categories",
            "Surveillance categories",
            "multi",
            "PRIV-4: the kinds of surveillance technology it is.",
            r.SurveillanceCategory,
        ),
        Field(
            P + "surveillance.impact_report",
            "Surveillance impact report done?",
            "bool",
            "PRIV-4: a surveillance impact report before acquisition.",
        ),
        Field(
            P + "surveillance.council_approved",
            "Approved by City Council?",
            "bool",
            "PRIV-4: City Council approval before acquisition.",
        ),
    ),
)

ATTACHMENTS = Step(
    "Attachments",
    "Vendor documents: an ACR fills the accessibility answers, an SBOM the components.",
    (
        Field(
            P + "attachments",
            "Documents referenced by this request",
            "items",
            "Kind and file name of each document (uploads below are stored with the request).",
            item="document",
            columns=(
                Column("kind", "Kind", "enum", r.AttachmentKind, required=True),
                Column("path", "File", required=True),
            ),
        ),
    ),
)

STEPS: tuple[Step, ...] = (
    FIRST,
    ABOUT,
    COST,
    USERS,
    DATA,
    SECURITY,
    ACCESSIBILITY,
    OPEN_SOURCE,
    AI_PRIVACY,
    PUBLICATION,
    ATTACHMENTS,
)
