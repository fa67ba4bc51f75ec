"""The contract step: the agreement as negotiated, shown once a proposal is approved."""

from __future__ import annotations

from ..core.publication import N_
from .form_fields import Field, Step

C = "contract."
CONTRACT_STEP = Step(
    N_("Contract"),
    N_("The agreement as negotiated. A clause left out counts as missing (PROC-4)."),
    (
        Field(
            C + "proposal",
            N_("Proposal it implements"),
            "text",
            N_("The approved request's id or title."),
        ),
        Field(C + "vendor", N_("Vendor"), "text", N_("The contracting party.")),
        Field(
            C + "value_usd",
            N_("Total contract value (USD)"),
            "number",
            N_("PROC-1, PROC-5: the TCV."),
        ),
        Field(
            C + "start_date", N_("Start date"), "date", N_("PROC-3, TECH-5: when the term starts.")
        ),
        Field(C + "end_date", N_("End date"), "date", N_("PROC-3, TECH-5: when the term ends.")),
        Field(
            C + "renewal_options_years",
            N_("Renewal options (years)"),
            "number",
            N_("PROC-3: the term, renewals included, is limited."),
        ),
        Field(
            C + "auto_renewal",
            N_("Renews automatically?"),
            "bool",
            N_("PROC-3: needs a City right to terminate for convenience."),
        ),
        Field(
            C + "cancellation_notice_days",
            N_("Cancellation notice (days before the end)"),
            "int",
            N_("GEN-9: an auto-renewal must be cancelled this many days before the end date."),
        ),
        Field(
            C + "termination_for_convenience",
            N_("City may terminate for convenience?"),
            "bool",
            N_("PROC-3: required when the contract renews automatically."),
        ),
        Field(
            C + "annual_escalation_pct",
            N_("Annual price escalation (%)"),
            "number",
            N_("PROC-7: yearly price increases are capped."),
        ),
        Field(
            C + "clauses.data_ownership",
            N_("The City owns its data"),
            "bool",
            N_(
                "DATA-2: the contract says the City owns all data it provides or that is created "
                "for it."
            ),
        ),
        Field(
            C + "clauses.data_return_days",
            N_("Data returned within (days of termination)"),
            "number",
            N_("DATA-3: the vendor returns all data after termination, at no extra cost."),
        ),
        Field(
            C + "clauses.incident_notification_hours",
            N_("Incident notification (hours)"),
            "number",
            N_("SEC-4: how soon the vendor must tell the City of an incident."),
        ),
        Field(
            C + "clauses.insurance_usd",
            N_("Cyber insurance required (USD)"),
            "number",
            N_("SEC-5: the cyber liability insurance the contract requires per claim."),
        ),
        Field(
            C + "clauses.accessibility_warranty",
            N_("Accessibility warranty and remediation"),
            "bool",
            N_(
                "ACC-6: products with a user interface carry an accessibility warranty and a "
                "remediation commitment."
            ),
        ),
        Field(
            C + "clauses.no_secondary_use",
            N_("No sale, advertising or AI training use"),
            "bool",
            N_("PRIV-3: the vendor may not sell City data, advertise with it or train AI on it."),
        ),
        Field(
            C + "clauses.allows_training_on_city_data",
            N_("Allows training AI on City data"),
            "bool",
            N_("PRIV-3: a contract that allows it is a blocker."),
        ),
        Field(
            C + "clauses.governing_law",
            N_("Governing law"),
            "text",
            N_("PROC-4: the City's state law."),
        ),
        Field(
            C + "clauses.city_indemnifies_vendor",
            N_("City indemnifies the vendor"),
            "bool",
            N_("PROC-5: the City does not indemnify vendors."),
        ),
        Field(
            C + "clauses.liability_cap_usd",
            N_("Vendor liability cap (USD)"),
            "number",
            N_("PROC-5: the vendor's liability is not capped below the TCV."),
        ),
        Field(
            C + "clauses.cjis_security_addendum",
            N_("FBI CJIS Security Addendum"),
            "bool",
            N_("SEC-8: required when criminal justice information is involved."),
        ),
        Field(
            C + "clauses.hipaa_baa",
            N_("HIPAA Business Associate Agreement"),
            "bool",
            N_("SEC-10: required when protected health information is involved."),
        ),
    ),
)
