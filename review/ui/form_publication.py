"""The form's publication step (GEN-10): what the public registers say about the system.

The fields are the ones the registers need and intake.md lacks (added, all optional): the
purpose in English and Spanish, the role mailbox the public writes to, the surveillance
register's Council approval and annual report dates, and the AI register's model type and
data used. What of this is published, and where, is data (standards/publication.yaml).
"""

from __future__ import annotations

from ..core.publication import N_
from .form_fields import Field, Step

P = "proposal."

PUBLICATION = Step(
    N_("Publication"),
    N_("GEN-10: the City publishes what it approves, in English and Spanish."),
    (
        Field(
            P + "publication.purpose_en",
            N_("Public purpose (English)"),
            "textarea",
            N_(
                "GEN-10: one or two plain sentences the public registers show. Published: write "
                "nothing confidential, no names, no security details."
            ),
        ),
        Field(
            P + "publication.purpose_es",
            N_("Public purpose (Spanish)"),
            "textarea",
            N_(
                "GEN-10: the same purpose in Spanish (blank: the Spanish page says the translation "
                "is pending)."
            ),
        ),
        Field(
            P + "publication.contact",
            N_("Public contact (a role mailbox)"),
            "text",
            N_(
                "GEN-10: a team's mailbox, never a person's address (blank: the City's default "
                "register mailbox)."
            ),
        ),
        Field(
            P + "surveillance.council_approval_date",
            N_("Council approval date (held or scheduled)"),
            "date",
            N_("PRIV-4, GEN-10: the Council meeting that approves the surveillance technology."),
        ),
        Field(
            P + "surveillance.annual_report_due",
            N_("Annual surveillance report due"),
            "date",
            N_("PRIV-4, GEN-10: when the next annual report to Council is due."),
        ),
        Field(
            P + "ai.model_type",
            N_("AI model type"),
            "text",
            N_("AI-1, GEN-10: for example a large language model, a classifier, computer vision."),
        ),
        Field(
            P + "ai.data_used",
            N_("Data the AI uses"),
            "textarea",
            N_(
                "AI-1, GEN-10: what data the model is given or trained on, described for "
                "the public."
            ),
        ),
    ),
)
