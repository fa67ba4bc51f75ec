"""GEN-10 Publication rules as data: what each public register publishes, and when.

``standards/publication.yaml`` lists, per register, each field with its rule (``public`` or
``never``). The product fixes what each field *is* (:data:`FIELDS`): a person's name or
address, a Confidential or Restricted fact, a security detail can only be ``never``, so no edit
of the data can publish them. A rule naming a field the product does not know is refused at
load, naming the register and the field. Pure data and functions: the services read the
database and call :func:`entry_values` for each system.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, model_validator

from ..errors import StandardsError
from .safeyaml import load_file

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "standards" / "publication.yaml"


class Nature(StrEnum):
    PUBLIC = "public"  # may be published
    PERSONAL = "personal"  # a person's name or address
    CONFIDENTIAL = "confidential"  # Confidential or Restricted facts (DATA-1)
    SECURITY = "security"  # security details


ColumnType = Literal["string", "integer", "number", "boolean", "date"]


@dataclass(frozen=True)
class FieldSpec:
    """One fact the product can put in a register: what it is, its type, where it comes from
    (a dotted path in the system's record, or ``entry:`` for what the register computes)."""

    nature: Nature
    type: ColumnType
    source: str
    list_of: bool = False  # a list, published as its items joined by "; "
    money: bool = False


P = "proposal."
FIELDS: dict[str, FieldSpec] = {
    "ref": FieldSpec(Nature.PUBLIC, "string", "entry:ref"),
    "department": FieldSpec(Nature.PUBLIC, "string", P + "department"),
    "title": FieldSpec(Nature.PUBLIC, "string", P + "title"),
    "vendor": FieldSpec(Nature.PUBLIC, "string", "entry:vendor"),
    "product": FieldSpec(Nature.PUBLIC, "string", P + "vendor.product"),
    "purpose_en": FieldSpec(Nature.PUBLIC, "string", P + "publication.purpose_en"),
    "purpose_es": FieldSpec(Nature.PUBLIC, "string", P + "publication.purpose_es"),
    "acquisition_type": FieldSpec(Nature.PUBLIC, "string", P + "acquisition_type"),
    "tier": FieldSpec(Nature.PUBLIC, "integer", "entry:tier"),
    "contract_value": FieldSpec(Nature.PUBLIC, "number", "contract.value_usd", money=True),
    "contract_end": FieldSpec(Nature.PUBLIC, "date", "contract.end_date"),
    "decision": FieldSpec(Nature.PUBLIC, "string", "entry:decision"),
    "decision_date": FieldSpec(Nature.PUBLIC, "date", "entry:decision_date"),
    "contact": FieldSpec(Nature.PUBLIC, "string", "entry:contact"),
    "packet_id": FieldSpec(Nature.PUBLIC, "string", "entry:packet_id"),
    "packet_digest": FieldSpec(Nature.PUBLIC, "string", "entry:packet_digest"),
    "surveillance_categories": FieldSpec(
        Nature.PUBLIC, "string", P + "surveillance.categories", list_of=True
    ),
    "impact_report": FieldSpec(Nature.PUBLIC, "boolean", P + "surveillance.impact_report"),
    "use_policy": FieldSpec(Nature.PUBLIC, "boolean", "entry:use_policy"),
    "council_approval_date": FieldSpec(
        Nature.PUBLIC, "date", P + "surveillance.council_approval_date"
    ),
    "annual_report_due": FieldSpec(Nature.PUBLIC, "date", P + "surveillance.annual_report_due"),
    "generative_ai": FieldSpec(Nature.PUBLIC, "boolean", P + "ai.generative"),
    "decision_impact": FieldSpec(Nature.PUBLIC, "string", P + "ai.decision_impact"),
    "human_review": FieldSpec(Nature.PUBLIC, "boolean", P + "ai.human_review"),
    "discloses_to_public": FieldSpec(Nature.PUBLIC, "boolean", P + "ai.discloses_to_public"),
    "model_type": FieldSpec(Nature.PUBLIC, "string", P + "ai.model_type"),
    "data_used": FieldSpec(Nature.PUBLIC, "string", P + "ai.data_used"),
    # never publishable, whatever the data says
    "owner_name": FieldSpec(Nature.PERSONAL, "string", "entry:owner_name"),
    "owner_email": FieldSpec(Nature.PERSONAL, "string", "entry:owner_email"),
    "requester_name": FieldSpec(Nature.PERSONAL, "string", P + "requester.name"),
    "requester_email": FieldSpec(Nature.PERSONAL, "string", P + "requester.email"),
    "data_classes": FieldSpec(Nature.CONFIDENTIAL, "string", P + "data_classes", list_of=True),
    "data_types": FieldSpec(Nature.CONFIDENTIAL, "string", P + "data_types", list_of=True),
    "data_purposes": FieldSpec(Nature.CONFIDENTIAL, "string", P + "data_purposes"),
    "sends_city_data_to_model": FieldSpec(
        Nature.CONFIDENTIAL, "boolean", P + "ai.sends_city_data_to_model"
    ),
    "hosting": FieldSpec(Nature.SECURITY, "string", P + "hosting"),
    "data_locations": FieldSpec(Nature.SECURITY, "string", P + "data_locations", list_of=True),
    "integrations": FieldSpec(Nature.SECURITY, "string", P + "integrations"),
    "authentication": FieldSpec(Nature.SECURITY, "string", P + "authentication"),
    "encryption": FieldSpec(Nature.SECURITY, "string", P + "encryption"),
    "certifications": FieldSpec(Nature.SECURITY, "string", P + "certifications"),
    "pen_test_date": FieldSpec(Nature.SECURITY, "date", P + "pen_test_date"),
    "components": FieldSpec(Nature.SECURITY, "string", P + "open_source.components"),
}


def N_(message: str) -> str:
    """Marks a message for the translation catalogs (review/locale) without translating it."""
    return message


# Each field's column title, in English; the public pages translate them (review/locale).
TITLES: dict[str, str] = {
    "ref": N_("Entry"),
    "department": N_("Department"),
    "title": N_("System"),
    "vendor": N_("Vendor"),
    "product": N_("Product"),
    "purpose_en": N_("Purpose (English)"),
    "purpose_es": N_("Purpose (Spanish)"),
    "acquisition_type": N_("Acquisition"),
    "tier": N_("Review tier"),
    "contract_value": N_("Contract value"),
    "contract_end": N_("Contract ends"),
    "decision": N_("Decision"),
    "decision_date": N_("Decision date"),
    "contact": N_("Contact"),
    "packet_id": N_("Approval packet"),
    "packet_digest": N_("Packet digest (SHA-256)"),
    "surveillance_categories": N_("Surveillance categories"),
    "impact_report": N_("Surveillance impact report"),
    "use_policy": N_("Use policy"),
    "council_approval_date": N_("Council approval"),
    "annual_report_due": N_("Annual report due"),
    "generative_ai": N_("Generative AI"),
    "decision_impact": N_("Decision impact"),
    "human_review": N_("Human review"),
    "discloses_to_public": N_("Tells the public it is AI"),
    "model_type": N_("Model type"),
    "data_used": N_("Data used"),
    "owner_name": "Business owner",
    "owner_email": "Business owner's email",
    "requester_name": "Requester",
    "requester_email": "Requester's email",
    "data_classes": "Data classes",
    "data_types": "Data types",
    "data_purposes": "Data purposes",
    "sends_city_data_to_model": "Sends City data to the model",
    "hosting": "Hosting",
    "data_locations": "Data locations",
    "integrations": "Integrations",
    "authentication": "Authentication",
    "encryption": "Encryption",
    "certifications": "Certifications",
    "pen_test_date": "Penetration test",
    "components": "Components",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldRule(_Strict):
    field: str
    rule: Literal["public", "never"]


class Register(_Strict):
    title: str = Field(min_length=1)
    includes: Literal["every", "surveillance", "ai"]
    fields: list[FieldRule] = Field(min_length=1)

    @property
    def published(self) -> list[str]:
        return [f.field for f in self.fields if f.rule == "public"]


class DelayDecider(_Strict):
    role: Literal["waiver_authority", "approver", "admin"]
    domain: str = ""


class PublicationRules(_Strict):
    within_days: int = Field(ge=0, le=365)
    hold_days: int = Field(ge=0, le=365)
    max_delay_months: int = Field(ge=0, le=120)
    delay_decided_by: DelayDecider
    default_contact: EmailStr
    languages: list[str] = Field(min_length=1)
    page_size: int = Field(ge=1, le=1000)
    publisher: str = Field(min_length=1)
    open_data_base_url: str = Field(pattern=r"^https?://\S+/$")  # where the files are served
    license: str = Field(pattern=r"^https?://\S+$")
    registers: dict[Literal["approved", "surveillance", "ai"], Register]

    @model_validator(mode="after")
    def _known_and_publishable(self) -> PublicationRules:
        if self.hold_days > self.within_days:
            raise ValueError(
                f"hold_days ({self.hold_days}) must not exceed within_days ({self.within_days}): "
                "GEN-10 publishes within that many days of a decision"
            )
        for name, register in self.registers.items():
            seen: set[str] = set()
            for rule in register.fields:
                where = f"registers.{name}.fields.{rule.field}"
                spec = FIELDS.get(rule.field)
                if spec is None:
                    known = ", ".join(sorted(FIELDS))
                    raise ValueError(
                        f"{where}: unknown field {rule.field!r}; known fields: {known}"
                    )
                if rule.field in seen:
                    raise ValueError(f"{where}: listed twice")
                seen.add(rule.field)
                if rule.rule == "public" and spec.nature is not Nature.PUBLIC:
                    raise ValueError(
                        f"{where}: {spec.nature.value} ({_NATURE_WORDS[spec.nature]}) is never "
                        "published (GEN-10); its rule must be never"
                    )
        return self

    def register(self, name: str) -> Register:
        return self.registers[name]  # type: ignore[index]


_NATURE_WORDS = {
    Nature.PUBLIC: "public",
    Nature.PERSONAL: "personal data",
    Nature.CONFIDENTIAL: "a Confidential or Restricted fact",
    Nature.SECURITY: "a security detail",
}


def load_publication(path: Path | None = None) -> PublicationRules:
    """Load and check the publication rules; a bad file is a StandardsError naming the field."""
    path = path or DEFAULT_PATH
    try:
        content = load_file(path, what="publication rules")
    except Exception as exc:  # FileProblem and OS errors alike
        raise StandardsError(str(exc)) from None
    if not isinstance(content, dict) or set(content) != {"publication"}:
        raise StandardsError(f"{path}: expected exactly one top-level key 'publication'")
    try:
        return PublicationRules.model_validate(content["publication"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        problem = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        problem = problem.removeprefix("Value error, ")
        raise StandardsError(f"{path}: {where + ': ' if where else ''}{problem}") from None


@cache
def rules() -> PublicationRules:
    """The bundled rules, loaded once per process."""
    return load_publication()


def record_value(record: dict[str, Any], dotted: str) -> Any:
    node: Any = record
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def entry_values(
    record: dict[str, Any], entry: dict[str, Any], fields: list[str]
) -> dict[str, Any]:
    """The published values of one system: ``fields`` only (the register's public ones), each
    as a plain value (text, number, bool, ISO date text, or None)."""
    out: dict[str, Any] = {}
    for name in fields:
        spec = FIELDS[name]
        if spec.nature is not Nature.PUBLIC:  # the loader refuses it; never rely on that alone
            raise StandardsError(f"{name} is {_NATURE_WORDS[spec.nature]}: never published")
        if spec.source.startswith("entry:"):
            value = entry.get(spec.source[6:])
        else:
            value = record_value(record, spec.source)
        out[name] = _plain(value, spec)
    return out


def _plain(value: Any, spec: FieldSpec) -> Any:
    if value is None:
        return None
    if spec.list_of:
        return "; ".join(str(v) for v in value) if value else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if spec.type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value
