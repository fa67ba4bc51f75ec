"""The form's publication step (GEN-10): what the public registers say about the system.

The fields are the ones the registers need and intake.md lacks (added, all optional): the
purpose in English and Spanish, the role mailbox the public writes to, the surveillance
register's Council approval and annual report dates, and the AI register's model type and
data used. What of this is published, and where, is data (standards/publication.yaml).
"""

from __future__ import annotations

from .form_fields import Field, Step

P = "proposal."

PUBLICATION = Step(
    "Publication",
    "GEN-10: the City publishes what it approves, in English and Spanish.",
    (
        Field(
            P + "publication.purpose_en",
            "Public purpose (English)",
            "textarea",
            "GEN-10: one or two plain sentences the public registers show. Published: write "
            "nothing confidential, no names, no security details.",
        ),
        Field(
            P + "publication.purpose_es",
            "Public purpose (Spanish)",
            "textarea",
            "GEN-10: the same purpose in Spanish (blank: the Spanish page says the translation "
            "is pending).",
        ),
        Field(
            P + "publication.contact",
            "Public contact (a role mailbox)",
            "text",
            "GEN-10: a team's mailbox, never a person's address (blank: the City's default "
            "register mailbox).",
        ),
        Field(
            P + "surveillance.council_approval_date",
            "Council approval date (held or scheduled)",
            "date",
            "PRIV-4, GEN-10: the Council meeting that approves the surveillance technology.",
        ),
        Field(
            P + "surveillance.annual_report_due",
            "Annual surveillance report due",
            "date",
            "PRIV-4, GEN-10: when the next annual report to Council is due.",
        ),
        Field(
            P + "ai.model_type",
            "AI model type",
            "text",
            "AI-1, GEN-10: for example a large language model, a classifier, computer vision.",
        ),
        Field(
            P + "ai.data_used",
            "Data the AI uses",
            "textarea",
            "AI-1, GEN-10: what data the model is given or trained on, described for the public.",
        ),
    ),
)
