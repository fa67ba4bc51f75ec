"""The proposal's steps: every field of intake.md once, each help text saying what the policy
section behind the question asks (the page links each cited section to its text). The first
step, early consultation, is in ``form_first.py``.
"""

from __future__ import annotations

from ..core import records as r
from ..core.publication import N_
from .form_fields import Column, Field, Step
from .form_first import FIRST
from .form_publication import PUBLICATION

P = "proposal."

ABOUT = Step(
    N_("About the request"),
    N_("Who is asking, what success looks like, and the product (GEN-1)."),
    (
        Field(P + "requester.name", N_("Your name"), "text", N_("The requester."), required=True),
        Field(
            P + "requester.email",
            N_("Your email"),
            "text",
            N_("Where reviewers reach you."),
            required=True,
        ),
        Field(
            P + "business_owner.name",
            N_("Business owner's name"),
            "text",
            N_("GEN-9: who answers for the system once it is in use (blank: you)."),
        ),
        Field(
            P + "business_owner.email",
            N_("Business owner's email"),
            "text",
            N_("GEN-9: deadline notices go here (blank: your email)."),
        ),
        Field(
            P + "desired_outcomes",
            N_("Desired outcomes (one per line)"),
            "lines",
            N_("What success looks like."),
        ),
        Field(
            P + "renewal_of",
            N_("Contract being renewed"),
            "text",
            N_("GEN-1, GEN-7: for a renewal, the prior contract's number or title."),
        ),
        Field(P + "vendor.name", N_("Vendor"), "text", N_("The company supplying it.")),
        Field(P + "vendor.product", N_("Product"), "text", N_("The product's name.")),
        Field(
            P + "vendor.product_version", N_("Product version"), "text", N_("The version offered.")
        ),
    ),
)

COST = Step(
    N_("Cost and procurement"),
    N_("How it is bought: the total contract value decides the procurement method (PROC-1)."),
    (
        Field(
            P + "cost.annual_escalation_pct",
            N_("Annual price escalation (%)"),
            "number",
            N_("PROC-7: yearly price increases are capped."),
        ),
        Field(
            P + "cost.funding_source",
            N_("Funding source"),
            "enum",
            N_("Where the money comes from."),
            r.FundingSource,
        ),
        Field(
            P + "procurement_method",
            N_("Procurement method"),
            "enum",
            N_(
                "PROC-1: the TCV decides the method: direct, informal quotes, or a formal "
                "solicitation."
            ),
            r.ProcurementMethod,
        ),
        Field(
            P + "sole_source_justification",
            N_("Sole-source justification"),
            "textarea",
            N_("PROC-2: a sole-source purchase needs a written justification."),
        ),
        Field(
            P + "alternatives_considered",
            N_("Alternatives considered"),
            "items",
            N_("OSS-1: list the alternatives you considered, open-source ones included."),
            item=N_("alternative"),
            columns=(
                Column("name", N_("Name"), required=True),
                Column("open_source", N_("Open source"), "bool"),
                Column("reason_rejected", N_("Why not chosen"), in_title=False),
            ),
        ),
        Field(
            P + "on_approved_list",
            N_("On the Approved Technology List for this purpose?"),
            "bool",
            N_("TECH-1: approved products used for the same purpose may take the fast track."),
        ),
    ),
)

USERS = Step(
    N_("Users and hosting"),
    N_("Who uses it and where it runs (SEC-6, TECH-2, TECH-4)."),
    (
        Field(
            P + "users.expected_public_users",
            N_("Expected public users"),
            "int",
            N_("For capacity and accessibility."),
        ),
        Field(
            P + "has_user_interface",
            N_("Has a user interface?"),
            "bool",
            N_("GEN-3, ACC-2: anything with a user interface needs an accessibility review."),
        ),
        Field(
            P + "hosting",
            N_("Hosting"),
            "enum",
            N_(
                "TECH-2: cloud-first; DATA-3, SEC-4 and SEC-5 apply to systems that hold City data."
            ),
            r.Hosting,
        ),
        Field(
            P + "data_locations",
            N_("Countries where data is stored (codes, one per line)"),
            "lines",
            N_("DATA-4: Confidential and Restricted data stay in the United States (US)."),
        ),
        Field(
            P + "integrations",
            N_("Integrations with City systems"),
            "items",
            N_("TECH-4: list each with its method; database-level or undocumented ones are major."),
            item=N_("integration"),
            columns=(
                Column(
                    "system",
                    N_("System"),
                    required=True,
                    help=N_("The City system: erp, gis, permitting, identity, dispatch, ..."),
                ),
                Column("method", N_("Method"), "enum", r.IntegrationMethod),
            ),
        ),
    ),
)

DATA = Step(
    N_("Data"),
    N_("How the City keeps control of its data (DATA-2 to DATA-6, PRIV-2)."),
    (
        Field(
            P + "data_purposes",
            N_("Purpose of each personal data type"),
            "items",
            N_("PRIV-2: each personal data type collected states its purpose."),
            item=N_("data purpose"),
            columns=(
                Column("data_type", N_("Data type"), "enum", r.DataType, required=True),
                Column("purpose", N_("Purpose"), required=True, in_title=False),
            ),
        ),
        Field(
            P + "data_management.export_formats",
            N_("Export formats"),
            "multi",
            N_("DATA-3: the City can export all its data in an open format."),
            r.ExportFormat,
        ),
        Field(
            P + "data_management.records_retention",
            N_("Supports the records retention schedule?"),
            "bool",
            N_(
                "DATA-5: systems holding City records support the retention schedule and public "
                "records requests."
            ),
        ),
        Field(
            P + "data_management.open_data_export",
            N_("Can publish to the open data portal?"),
            "bool",
            N_("DATA-6: expected for public-facing systems."),
        ),
        Field(
            P + "data_management.audit_log_days",
            N_("Audit log retention (days)"),
            "int",
            N_("SEC-11: audit logs of access and administrative actions, kept long enough."),
        ),
    ),
)

SECURITY = Step(
    N_("Security"),
    N_("Identity, encryption, attestations and incident response (SEC-1 to SEC-11)."),
    (
        Field(
            P + "authentication.sso",
            N_("Single sign-on"),
            "enum",
            N_("SEC-2: staff sign in with the City's identity provider (SAML or OIDC)."),
            r.SsoProtocol,
        ),
        Field(
            P + "authentication.mfa",
            N_("Multi-factor authentication for every account?"),
            "bool",
            N_("SEC-2: required where Confidential or Restricted data can be reached."),
        ),
        Field(
            P + "authentication.scim",
            N_("SCIM provisioning?"),
            "bool",
            N_("SEC-2: automatic account provisioning (SCIM) is preferred."),
        ),
        Field(
            P + "encryption.tls_min_version",
            N_("Minimum TLS version"),
            "enum",
            N_("SEC-3: the oldest TLS version any endpoint still accepts."),
            r.TlsVersion,
        ),
        Field(
            P + "encryption.at_rest",
            N_("Encrypted at rest?"),
            "bool",
            N_("SEC-3: required for Confidential and Restricted data."),
        ),
        Field(
            P + "certifications",
            N_("Certifications and attestations"),
            "items",
            N_("SEC-1, SEC-8, SEC-9, SEC-10: each attestation the vendor holds, with its date."),
            item=N_("certification"),
            columns=(
                Column("type", N_("Type"), "enum", r.CertificationType, required=True),
                Column("date", N_("Date"), "date"),
            ),
        ),
        Field(
            P + "pen_test_date",
            N_("Last independent penetration test"),
            "date",
            N_("SEC-6: recent for internet-facing systems with sensitive data."),
        ),
        Field(
            P + "incident_notification_hours",
            N_("Incident notification commitment (hours)"),
            "number",
            N_("SEC-4: how soon the vendor tells the City of an incident affecting City data."),
        ),
        Field(
            P + "cyber_insurance_usd",
            N_("Vendor's cyber insurance per claim (USD)"),
            "number",
            N_("SEC-5: vendors hosting or accessing City data carry cyber liability insurance."),
        ),
        Field(
            P + "lifecycle.vendor_support_end",
            N_("Vendor supports the product until"),
            "date",
            N_("TECH-5: support must cover the whole contract term."),
        ),
        Field(
            P + "lifecycle.operating_systems",
            N_("Operating systems and databases (one per line)"),
            "lines",
            N_("SEC-7: nothing past its end of support."),
        ),
        Field(
            P + "lifecycle.browser_plugins_required",
            N_("Needs browser plug-ins?"),
            "bool",
            N_("SEC-7, TECH-3: Flash, Java applets, Silverlight or ActiveX are not allowed."),
        ),
        Field(
            P + "lifecycle.supported_browsers",
            N_("Supported browsers (one per line)"),
            "lines",
            N_("TECH-3: current Edge, Chrome, Firefox and Safari."),
        ),
    ),
)

ACCESSIBILITY = Step(
    N_("Accessibility"),
    N_("Conformance (ACC-1 to ACC-7). Attach the vendor's ACR on the last step to fill these in."),
    (
        Field(
            P + "accessibility.acr_provided",
            N_("Accessibility Conformance Report provided?"),
            "bool",
            N_("ACC-2: a recent ACR on the ITI VPAT 2.x template."),
        ),
        Field(
            P + "accessibility.acr_date",
            N_("ACR date"),
            "date",
            N_("ACC-2: the report's date; an old report does not count."),
        ),
        Field(
            P + "accessibility.vpat_edition",
            N_("VPAT edition"),
            "enum",
            N_("ACC-2: the edition of the VPAT 2.x template the report uses."),
            r.VpatEdition,
        ),
        Field(
            P + "accessibility.wcag_version",
            N_("WCAG version claimed"),
            "enum",
            N_("ACC-1: the WCAG version the product conforms to at Level AA."),
            r.WcagVersion,
        ),
        Field(
            P + "accessibility.does_not_support",
            N_("Criteria reported 'Does Not Support' (one per line)"),
            "lines",
            N_("ACC-3: WCAG success criteria the product fails, e.g. 1.4.3."),
        ),
        Field(
            P + "accessibility.partially_supports",
            N_("Criteria reported 'Partially Supports' (one per line)"),
            "lines",
            N_("ACC-3: WCAG success criteria the product only partly meets."),
        ),
        Field(
            P + "accessibility.remediation_plan",
            N_("Dated remediation plan?"),
            "bool",
            N_(
                "ACC-3: a dated plan from the vendor to fix the gaps, accepted by the ADA "
                "Coordinator."
            ),
        ),
        Field(
            P + "accessibility.languages",
            N_("Languages (ISO 639-1 codes, one per line)"),
            "lines",
            N_("ACC-4: the languages public-facing services are offered in."),
        ),
        Field(
            P + "accessibility.mobile_responsive",
            N_("Works on mobile devices?"),
            "bool",
            N_("ACC-5: public-facing services work on phones (responsive or a native app)."),
        ),
        Field(
            P + "accessibility.publishes_documents",
            N_("Publishes documents to the public?"),
            "bool",
            N_("ACC-7: PDFs, notices or other documents the system publishes."),
        ),
        Field(
            P + "accessibility.accessible_documents",
            N_("Published documents are accessible?"),
            "bool",
            N_("ACC-7: tagged PDF or HTML."),
        ),
    ),
)

OPEN_SOURCE = Step(
    N_("Open source"),
    N_("Licenses, custom code and SBOMs (OSS-1 to OSS-5). Attach an SBOM on the last step."),
    (
        Field(
            P + "open_source.is_open_source",
            N_("Is the product open source?"),
            "bool",
            N_("OSS-3: the product's own license is judged like its components'."),
        ),
        Field(
            P + "open_source.license",
            N_("Product license (SPDX expression)"),
            "text",
            N_("OSS-3: e.g. Apache-2.0."),
        ),
        Field(
            P + "open_source.sbom_provided",
            N_("SBOM provided?"),
            "bool",
            N_("OSS-4: a software bill of materials in SPDX or CycloneDX format."),
        ),
        Field(
            P + "open_source.components",
            N_("Components"),
            "items",
            N_("OSS-3: each component's license is judged by its class."),
            item=N_("component"),
            columns=(
                Column("name", N_("Name"), required=True),
                Column("version", N_("Version")),
                Column("license", N_("License (SPDX)")),
            ),
        ),
        Field(
            P + "open_source.custom_code_owner",
            N_("Who owns custom code?"),
            "enum",
            N_("OSS-2: code written for the City is the City's."),
            r.CodeOwner,
        ),
        Field(
            P + "open_source.release_license",
            N_("Release license for custom code"),
            "text",
            N_("OSS-2: an OSI-approved license, MIT or Apache-2.0 by default."),
        ),
        Field(
            P + "open_source.distributed_by_city",
            N_("Will the City distribute the software?"),
            "bool",
            N_("OSS-3: strong copyleft matters when distributed."),
        ),
        Field(
            P + "open_source.modified_and_hosted_for_others",
            N_("Modified and hosted for others?"),
            "bool",
            N_("OSS-3: network copyleft matters then."),
        ),
    ),
)

AI_PRIVACY = Step(
    N_("AI, privacy and surveillance"),
    N_("AI-1 to AI-4, PRIV-1 to PRIV-5."),
    (
        Field(
            P + "ai.generative",
            N_("Generative AI?"),
            "bool",
            N_("AI-3, AI-4: AI that writes text or makes images has extra requirements."),
        ),
        Field(
            P + "ai.sends_city_data_to_model",
            N_("Sends City data to the model?"),
            "bool",
            N_("AI-3: City Confidential or Restricted data never goes to a model that keeps it."),
        ),
        Field(
            P + "ai.model_retains_or_trains",
            N_("Model retains or trains on the data?"),
            "bool",
            N_("AI-3: whether the AI service keeps City data or trains on it."),
        ),
        Field(
            P + "ai.factsheet_provided",
            N_("AI FactSheet provided?"),
            "bool",
            N_(
                "AI-1: the vendor's disclosure of the model, its training data, evaluation and "
                "human oversight."
            ),
        ),
        Field(
            P + "ai.impact_assessment",
            N_("Algorithmic impact assessment done?"),
            "bool",
            N_("AI-2: required for AI with significant decision impact."),
        ),
        Field(
            P + "ai.human_review",
            N_("Documented human review?"),
            "bool",
            N_("AI-2: a person reviews significant decisions the AI informs."),
        ),
        Field(
            P + "ai.discloses_to_public",
            N_("Tells the public when they interact with AI?"),
            "bool",
            N_("AI-4: members of the public are told when they interact with AI."),
        ),
        Field(
            P + "privacy.impact_assessment",
            N_("Privacy impact assessment done?"),
            "bool",
            N_(
                "PRIV-1: any personal information needs a privacy impact assessment before "
                "approval."
            ),
        ),
        Field(
            P + "privacy.parental_consent_flow",
            N_("Parental consent flow for children under 13?"),
            "bool",
            N_(
                "PRIV-5: services collecting children's personal information need parental consent."
            ),
        ),
        Field(
            P + "surveillance.categories",
            N_("Surveillance categories"),
            "multi",
            N_("PRIV-4: the kinds of surveillance technology it is."),
            r.SurveillanceCategory,
        ),
        Field(
            P + "surveillance.impact_report",
            N_("Surveillance impact report done?"),
            "bool",
            N_("PRIV-4: a surveillance impact report before acquisition."),
        ),
        Field(
            P + "surveillance.council_approved",
            N_("Approved by City Council?"),
            "bool",
            N_("PRIV-4: City Council approval before acquisition."),
        ),
    ),
)

ATTACHMENTS = Step(
    N_("Attachments"),
    N_("Vendor documents: an ACR fills the accessibility answers, an SBOM the components."),
    (
        Field(
            P + "attachments",
            N_("Documents referenced by this request"),
            "items",
            N_("Kind and file name of each document (uploads below are stored with the request)."),
            item=N_("document"),
            columns=(
                Column("kind", N_("Kind"), "enum", r.AttachmentKind, required=True),
                Column("path", N_("File"), required=True),
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
