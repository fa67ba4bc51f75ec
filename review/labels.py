"""Words a person reads for the intake's coded answers (``saas`` is "Software as a service").

Pure data, importable by the UI, the services and documents alike; the record and the command
line keep the codes of intake.md. A code without an entry reads as itself with spaces.
"""

from __future__ import annotations

from enum import StrEnum

from .core import records as r

LABELS: dict[type[StrEnum], dict[str, str]] = {
    r.AcquisitionType: {
        "saas": "Software as a service",
        "on_premises_software": "Software installed on City infrastructure",
        "custom_development": "Custom development",
        "hardware": "Hardware that runs software",
        "professional_services": "IT professional services",
        "free_tool": "Free or click-through tool",
        "renewal": "Renewal",
    },
    r.FundingSource: {
        "general_fund": "General fund",
        "grant": "Grant",
        "enterprise_fund": "Enterprise fund",
        "other": "Other",
    },
    r.ProcurementMethod: {
        "direct": "Direct purchase",
        "informal_quotes": "Informal quotes",
        "formal_rfp": "Formal solicitation (RFP)",
        "cooperative_agreement": "Cooperative agreement",
        "sole_source": "Sole source",
    },
    r.Hosting: {
        "vendor_cloud": "Vendor-hosted (cloud)",
        "city_data_center": "City data center",
        "hybrid": "Hybrid",
        "none": "Not hosted (no server)",
    },
    r.DataClass: {
        "public": "Public",
        "internal": "Internal",
        "confidential": "Confidential",
        "restricted": "Restricted",
    },
    r.DataType: {
        "personal_information": "Personal information",
        "employee_records": "Employee records",
        "financial": "Non-public financial data",
        "cji": "Criminal justice information (CJI)",
        "phi": "Protected health information (PHI)",
        "payment_card": "Payment card data",
        "ssn": "Social Security numbers",
        "bank_account": "Bank account numbers",
        "biometric": "Biometric data",
        "precise_location": "Precise location of people",
        "children_under_13": "Children under 13",
    },
    r.IntegrationMethod: {
        "api": "API",
        "sftp": "SFTP",
        "file_export": "File export",
        "database": "Database connection",
        "sso": "Single sign-on",
        "other": "Other (undocumented)",
    },
    r.SsoProtocol: {"saml": "SAML 2.0", "oidc": "OpenID Connect", "none": "None"},
    r.TlsVersion: {"1.0": "TLS 1.0", "1.1": "TLS 1.1", "1.2": "TLS 1.2", "1.3": "TLS 1.3"},
    r.CertificationType: {
        "soc2_type2": "SOC 2 Type II report",
        "iso27001": "ISO/IEC 27001 certificate",
        "fedramp_moderate": "FedRAMP Moderate authorization",
        "fedramp_high": "FedRAMP High authorization",
        "govramp_moderate": "GovRAMP Moderate authorization",
        "govramp_high": "GovRAMP High authorization",
        "tx_ramp": "TX-RAMP certification",
        "pci_dss_aoc": "PCI DSS Attestation of Compliance",
        "cjis_addendum": "FBI CJIS Security Addendum",
        "hipaa_baa": "HIPAA Business Associate Agreement",
        "caiq": "CSA CAIQ questionnaire",
        "hecvat": "HECVAT questionnaire",
    },
    r.VpatEdition: {"wcag": "WCAG", "508": "Section 508", "eu": "EU (EN 301 549)", "int": "INT"},
    r.WcagVersion: {"2.0": "WCAG 2.0", "2.1": "WCAG 2.1", "2.2": "WCAG 2.2"},
    r.CodeOwner: {"city": "The City", "vendor": "The vendor", "shared": "Shared"},
    r.DecisionImpact: {
        "none": "None",
        "advisory": "Advisory (a person decides)",
        "significant": "Significant (benefits, eligibility, enforcement, jobs, access)",
    },
    r.SurveillanceCategory: {
        "alpr": "Automated license plate readers",
        "facial_recognition": "Facial recognition",
        "camera_monitoring": "Cameras used for monitoring",
        "drone": "Drones",
        "gunshot_detection": "Gunshot detection",
        "social_media_monitoring": "Social media monitoring",
        "cell_site_simulator": "Cell-site simulators",
        "body_worn_camera": "Body-worn cameras",
    },
    r.ExportFormat: {
        "csv": "CSV",
        "json": "JSON",
        "xml": "XML",
        "geojson": "GeoJSON",
        "api": "Documented API",
        "proprietary": "Proprietary format only",
    },
    r.AttachmentKind: {
        "acr": "Accessibility Conformance Report (ACR)",
        "sbom": "Software bill of materials (SBOM)",
        "soc2_report": "SOC 2 report",
        "questionnaire": "Security questionnaire",
        "contract": "Contract",
        "other": "Other document",
    },
}


def label(enum: type[StrEnum], value: object) -> str:
    """The words for one coded answer of ``enum``."""
    text = str(value.value if isinstance(value, StrEnum) else value)
    return LABELS.get(enum, {}).get(text, text.replace("_", " "))
