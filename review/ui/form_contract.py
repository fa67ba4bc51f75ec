"""The contract step: the agreement as negotiated, shown once a proposal is approved."""

from __future__ import annotations

from .form_fields import Field, Step

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
        Field(C + "start_date", "Start date", "date", "PROC-3, TECH-5: when the term starts."),
        Field(C + "end_date", "End date", "date", "PROC-3, TECH-5: when the term ends."),
        Field(
            C + "renewal_options_years",
            "Renewal options (years)",
            "number",
            "PROC-3: the term, renewals included, is limited.",
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
            "PROC-3: required when the contract renews automatically.",
        ),
        Field(
            C + "annual_escalation_pct",
            "Annual price escalation (%)",
            "number",
            "PROC-7: yearly price increases are capped.",
        ),
        Field(
            C + "clauses.data_ownership",
            "The City owns its data",
            "bool",
            "DATA-2: the contract says the City owns all data it provides or that is created "
            "for it.",
        ),
        Field(
            C + "clauses.data_return_days",
            "Data returned within (days of termination)",
            "number",
            "DATA-3: the vendor returns all data after termination, at no extra cost.",
        ),
        Field(
            C + "clauses.incident_notification_hours",
            "Incident notification (hours)",
            "number",
            "SEC-4: how soon the vendor must tell the City of an incident.",
        ),
        Field(
            C + "clauses.insurance_usd",
            "Cyber insurance required (USD)",
            "number",
            "SEC-5: the cyber liability insurance the contract requires per claim.",
        ),
        Field(
            C + "clauses.accessibility_warranty",
            "Accessibility warranty and remediation",
            "bool",
            "ACC-6: products with a user interface carry an accessibility warranty and a "
            "remediation commitment.",
        ),
        Field(
            C + "clauses.no_secondary_use",
            "No sale, advertising or AI training use",
            "bool",
            "PRIV-3: the vendor may not sell City data, advertise with it or train AI on it.",
        ),
        Field(
            C + "clauses.allows_training_on_city_data",
            "Allows training AI on City data",
            "bool",
            "PRIV-3: a contract that allows it is a blocker.",
        ),
        Field(
            C + "clauses.governing_law", "Governing law", "text", "PROC-4: the City's state law."
        ),
        Field(
            C + "clauses.city_indemnifies_vendor",
            "City indemnifies the vendor",
            "bool",
            "PROC-5: the City does not indemnify vendors.",
        ),
        Field(
            C + "clauses.liability_cap_usd",
            "Vendor liability cap (USD)",
            "number",
            "PROC-5: the vendor's liability is not capped below the TCV.",
        ),
        Field(
            C + "clauses.cjis_security_addendum",
            "FBI CJIS Security Addendum",
            "bool",
            "SEC-8: required when criminal justice information is involved.",
        ),
        Field(
            C + "clauses.hipaa_baa",
            "HIPAA Business Associate Agreement",
            "bool",
            "SEC-10: required when protected health information is involved.",
        ),
    ),
)
