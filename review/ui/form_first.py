"""The first step of the form, early consultation (GEN-6): the few answers that decide the
tier and the reviews, so a department learns what it needs before it talks to vendors. They
are also all that a submission needs (``standards/intake.yaml``).
"""

from __future__ import annotations

from ..core import records as r
from ..core.publication import N_
from .form_fields import Field, Step

P = "proposal."

FIRST = Step(
    N_("Tell us about the problem"),
    N_(
        "Early consultation (GEN-6): these answers are enough to submit. They tell you the likely "
        "review tier, the reviews, and what to get from vendors before you choose one."
    ),
    (
        Field(P + "title", N_("Title"), "text", N_("A short name for the request."), required=True),
        Field(
            P + "department",
            N_("Department"),
            "text",
            N_("Requests are filed for the department of your account."),
            required=True,
            readonly=True,
        ),
        Field(
            P + "problem_statement",
            N_("Problem statement"),
            "textarea",
            N_(
                "GEN-1: the problem the technology should solve, in your words; a request without "
                "one is not accepted for review."
            ),
            required=True,
        ),
        Field(
            P + "acquisition_type",
            N_("Kind of acquisition"),
            "enum",
            N_("GEN-1, GEN-3: what you are acquiring decides which reviews apply (ACC-2, OSS-4)."),
            r.AcquisitionType,
        ),
        Field(
            P + "cost.one_time",
            N_("One-time cost (USD, a rough figure)"),
            "number",
            N_("GEN-2, PROC-1: part of the total contract value (TCV), which decides the tier."),
        ),
        Field(
            P + "cost.annual",
            N_("Annual cost (USD, a rough figure)"),
            "number",
            N_("GEN-2, PROC-1: TCV = one-time cost + annual cost x term."),
        ),
        Field(
            P + "cost.term_years",
            N_("Term in years, renewals included"),
            "number",
            N_("PROC-3: how long the City would use it, counting renewal options."),
        ),
        Field(
            P + "users.staff_count",
            N_("How many City staff will use it"),
            "int",
            N_("SEC-2: staff sign in with the City's single sign-on."),
        ),
        Field(
            P + "users.public_facing",
            N_("Will members of the public use it?"),
            "bool",
            N_("GEN-2, ACC-1, ACC-4, ACC-5: public-facing services have more requirements."),
        ),
        Field(
            P + "data_classes",
            N_("Data it will hold (classes; the most sensitive decides)"),
            "multi",
            N_(
                "DATA-1: Public, Internal, Confidential (personal information, employee "
                "records) or "
                "Restricted (criminal justice, health, payment card, SSN, bank, biometric or "
                "precise location data). Restricted data means a full review (GEN-2)."
            ),
            r.DataClass,
        ),
        Field(
            P + "data_types",
            N_("Kinds of personal or sensitive data"),
            "multi",
            N_(
                "DATA-1: each kind implies at least a class; the Restricted kinds imply Restricted."
            ),
            r.DataType,
        ),
        Field(
            P + "ai.uses_ai",
            N_("Does it use AI?"),
            "bool",
            N_("AI-1: any AI feature is disclosed by the vendor."),
        ),
        Field(
            P + "ai.decision_impact",
            N_("What the AI's output decides"),
            "enum",
            N_(
                "AI-2: AI that informs decisions about benefits, eligibility, enforcement, "
                "employment or access to services is significant, and means a full review."
            ),
            r.DecisionImpact,
        ),
        Field(
            P + "surveillance.is_surveillance_technology",
            N_("Is it surveillance technology?"),
            "bool",
            N_(
                "PRIV-4: license plate readers, facial recognition, monitoring cameras, drones, "
                "gunshot detection, social media monitoring, cell-site simulators, body-worn "
                "cameras. These need a surveillance impact report and City Council approval."
            ),
        ),
    ),
)
