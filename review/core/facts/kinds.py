"""Facts: the small, flat records the rules engine matches on.

Each fact kind is a model whose fields are scalars (no lists, no nulls: an unanswered
question is an absent field), so durable_rules sees at most a few dozen properties (it
refuses more than 255) and the plain-Python reference sees exactly the same dicts. Every
field names where it comes from (an intake path, or "derived: ..."), which is what a finding
shows as the value that triggered it.

Items that can each be a distinct problem (components, criteria, integrations, platforms,
personal data types) are facts of their own, so one finding is produced per item.
"""

from functools import cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


def src(path: str) -> Any:
    """A fact field, absent unless answered, documented by where its value comes from."""
    return Field(default=None, description=path)


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kind: ClassVar[str]
    subject: str | None = Field(default=None, description="the item this fact is about")

    @classmethod
    @cache
    def field_types(cls) -> dict[str, type]:
        """Field name -> scalar type, for type-checking rule conditions."""
        out: dict[str, type] = {}
        for name, info in cls.model_fields.items():
            annotation = info.annotation
            args = getattr(annotation, "__args__", (annotation,))
            scalar = next(a for a in args if a is not type(None))
            assert isinstance(scalar, type), f"{cls.__name__}.{name} must be a scalar type"
            out[name] = scalar
        out["tier"] = int
        return out

    @classmethod
    @cache
    def sources(cls) -> dict[str, str]:
        out = {name: info.description or name for name, info in cls.model_fields.items()}
        out["tier"] = "derived: review tier (GEN-2)"
        return out


class GeneralFact(Fact):
    kind = "general"
    stage: str | None = src("derived: proposal or contract stage")
    tcv: float | None = src("derived: TCV (cost.one_time + cost.annual x cost.term_years)")
    cost_missing: str | None = src("derived: cost answers missing for the TCV")
    acquisition_type: str | None = src("proposal.acquisition_type")
    renewal_of: str | None = src("proposal.renewal_of")
    public_facing: bool | None = src("proposal.users.public_facing")
    has_ui: bool | None = src("proposal.has_user_interface (or its default)")
    hosting: str | None = src("proposal.hosting")
    effective_classes: str | None = src("derived: effective data classes (DATA-1)")
    sensitive: bool | None = src("derived: Confidential or Restricted data (DATA-1)")
    restricted: bool | None = src("derived: Restricted data (DATA-1)")
    personal_data: bool | None = src("derived: personal data types in proposal.data_types")
    uses_ai: bool | None = src("proposal.ai.uses_ai")
    decision_impact: str | None = src("proposal.ai.decision_impact")
    surveillance: bool | None = src("proposal.surveillance")
    integration_count: int | None = src("proposal.integrations (count)")
    custom_development: bool | None = src("proposal.acquisition_type")
    open_source_product: bool | None = src("proposal.open_source.is_open_source")
    component_list: bool | None = src("proposal.open_source.sbom_provided / components")


class DataFact(Fact):
    kind = "data"
    stage: str | None = src("derived: proposal or contract stage")
    declared_classes: str | None = src("proposal.data_classes")
    declared_rank: int | None = src("derived: highest declared class rank")
    implied_classes: str | None = src("derived: classes implied by proposal.data_types")
    implied_by: str | None = src("proposal.data_types")
    class_gap: int | None = src("derived: implied rank minus declared rank")
    confidential: bool | None = src("derived: Confidential data (DATA-1)")
    restricted: bool | None = src("derived: Restricted data (DATA-1)")
    hosting: str | None = src("proposal.hosting")
    holds_city_data: bool | None = src("proposal.hosting")
    export_formats: str | None = src("proposal.data_management.export_formats")
    open_export: bool | None = src("derived: an open format in export_formats")
    data_locations: str | None = src("proposal.data_locations")
    outside_residency: str | None = src("derived: data_locations outside the residency list")
    records_retention: bool | None = src("proposal.data_management.records_retention")
    open_data_export: bool | None = src("proposal.data_management.open_data_export")
    public_facing: bool | None = src("proposal.users.public_facing")


class SecurityFact(Fact):
    kind = "security"
    stage: str | None = src("derived: proposal or contract stage")
    confidential: bool | None = src("derived: Confidential data (DATA-1)")
    restricted: bool | None = src("derived: Restricted data (DATA-1)")
    sensitive: bool | None = src("derived: Confidential or Restricted data (DATA-1)")
    internal_only: bool | None = src("derived: highest effective class is Internal")
    hosting: str | None = src("proposal.hosting")
    hosted: bool | None = src("derived: hosting is vendor_cloud or hybrid")
    internet_facing: bool | None = src("derived: vendor-hosted, hybrid or public-facing")
    integration_count: int | None = src("proposal.integrations (count)")
    has_ui: bool | None = src("proposal.has_user_interface (or its default)")
    staff_count: int | None = src("proposal.users.staff_count")
    certifications: str | None = src("proposal.certifications")
    attested_confidential: bool | None = src("derived: SEC-1 attestation current")
    attested_internal: bool | None = src("derived: SEC-1 questionnaire or attestation current")
    sso: str | None = src("proposal.authentication.sso")
    mfa: bool | None = src("proposal.authentication.mfa")
    scim: bool | None = src("proposal.authentication.scim")
    tls_min_version: float | None = src("proposal.encryption.tls_min_version")
    at_rest: bool | None = src("proposal.encryption.at_rest")
    incident_notification_hours: float | None = src("proposal.incident_notification_hours")
    cyber_insurance_usd: float | None = src("proposal.cyber_insurance_usd")
    pen_test_date: str | None = src("proposal.pen_test_date")
    pen_test_age_months: int | None = src("derived: months since proposal.pen_test_date")
    browser_plugins_required: bool | None = src("proposal.lifecycle.browser_plugins_required")
    cji: bool | None = src("proposal.data_types contains cji")
    phi: bool | None = src("proposal.data_types contains phi")
    payment_card: bool | None = src("proposal.data_types contains payment_card")
    cjis_addendum: bool | None = src("proposal.certifications (cjis_addendum)")
    hipaa_baa: bool | None = src("proposal.certifications (hipaa_baa)")
    pci_aoc_age_months: int | None = src("derived: months since the PCI DSS AOC")
    audit_log_days: int | None = src("proposal.data_management.audit_log_days")


class PlatformFact(Fact):
    kind = "platform"
    written: str | None = src("proposal.lifecycle.operating_systems")
    known: bool | None = src("derived: found in the standards' platform list")
    platform: str | None = src("derived: platform in the standards")
    end_of_support: str | None = src("standards: platform end of support")
    days_until_end: int | None = src("derived: days from the evaluation date to end of support")


class AccessibilityFact(Fact):
    kind = "accessibility"
    stage: str | None = src("derived: proposal or contract stage")
    has_ui: bool | None = src("proposal.has_user_interface (or its default)")
    public_facing: bool | None = src("proposal.users.public_facing")
    acr_provided: bool | None = src("proposal.accessibility.acr_provided")
    acr_date: str | None = src("proposal.accessibility.acr_date")
    acr_age_months: int | None = src("derived: months since proposal.accessibility.acr_date")
    vpat_edition: str | None = src("proposal.accessibility.vpat_edition")
    wcag_version: str | None = src("proposal.accessibility.wcag_version")
    remediation_plan: bool | None = src("proposal.accessibility.remediation_plan")
    languages: str | None = src("proposal.accessibility.languages")
    missing_languages: str | None = src("derived: required languages not offered")
    missing_language_count: int | None = src("derived: count of required languages not offered")
    mobile_responsive: bool | None = src("proposal.accessibility.mobile_responsive")
    publishes_documents: bool | None = src("proposal.accessibility.publishes_documents")
    accessible_documents: bool | None = src("proposal.accessibility.accessible_documents")
    ada_deadline: str | None = src("standards: ADA Title II compliance date for the City")
    ada_band: str | None = src("standards: the City's population band")


class CriterionFact(Fact):
    kind = "criterion"
    criterion: str | None = src("proposal.accessibility (criterion id)")
    name: str | None = src("standards: WCAG criterion name")
    level: str | None = src("standards: WCAG level (A, AA, AAA)")
    known: bool | None = src("derived: criterion found in the WCAG catalog")
    conformance: str | None = src("proposal.accessibility.does_not_support / partially_supports")
    public_facing: bool | None = src("proposal.users.public_facing")
    remediation_plan: bool | None = src("proposal.accessibility.remediation_plan")


class OpenSourceFact(Fact):
    kind = "open_source"
    stage: str | None = src("derived: proposal or contract stage")
    acquisition_type: str | None = src("proposal.acquisition_type")
    custom_development: bool | None = src("proposal.acquisition_type")
    is_open_source: bool | None = src("proposal.open_source.is_open_source")
    alternatives_count: int | None = src("proposal.alternatives_considered (count)")
    open_source_alternatives: int | None = src("proposal.alternatives_considered (open source)")
    on_approved_list: bool | None = src("proposal.on_approved_list")
    custom_code_owner: str | None = src("proposal.open_source.custom_code_owner")
    release_license: str | None = src("proposal.open_source.release_license")
    sbom_provided: bool | None = src("proposal.open_source.sbom_provided")
    component_count: int | None = src("proposal.open_source.components (count)")
    export_formats: str | None = src("proposal.data_management.export_formats")
    proprietary_only_export: bool | None = src("derived: export_formats only proprietary")
    hosting: str | None = src("proposal.hosting")


class ComponentFact(Fact):
    kind = "component"
    name: str | None = src("proposal.open_source.components[].name")
    version: str | None = src("proposal.open_source.components[].version")
    is_product: bool | None = src("derived: the product itself (open_source.license)")
    license: str | None = src("proposal.open_source.components[].license")
    license_class: str | None = src("derived: OSS-3 class of the license expression")
    license_problem: str | None = src("derived: why the license could not be classified")
    strong_copyleft: bool | None = src("derived: the expression carries strong copyleft")
    network_copyleft: bool | None = src("derived: the expression carries network copyleft")
    distributed_by_city: bool | None = src("proposal.open_source.distributed_by_city")
    modified_and_hosted_for_others: bool | None = src(
        "proposal.open_source.modified_and_hosted_for_others"
    )


class IntegrationFact(Fact):
    kind = "integration"
    system: str | None = src("proposal.integrations[].system")
    method: str | None = src("proposal.integrations[].method")


class PrivacyFact(Fact):
    kind = "privacy"
    stage: str | None = src("derived: proposal or contract stage")
    personal_data: bool | None = src("derived: personal data types in proposal.data_types")
    personal_types: str | None = src("proposal.data_types")
    restricted: bool | None = src("derived: Restricted data (DATA-1)")
    impact_assessment: bool | None = src("proposal.privacy.impact_assessment")
    parental_consent_flow: bool | None = src("proposal.privacy.parental_consent_flow")
    children: bool | None = src("proposal.data_types contains children_under_13")
    surveillance: bool | None = src("proposal.surveillance")
    surveillance_categories: str | None = src("proposal.surveillance.categories")
    facial_recognition: bool | None = src("proposal.surveillance.categories")
    surveillance_impact_report: bool | None = src("proposal.surveillance.impact_report")
    council_approved: bool | None = src("proposal.surveillance.council_approved")
    public_facing: bool | None = src("proposal.users.public_facing")


class DataTypeFact(Fact):
    kind = "data_type"
    data_type: str | None = src("proposal.data_types[]")
    personal: bool | None = src("derived: a personal data type")
    purpose: str | None = src("proposal.data_purposes")


class AiFact(Fact):
    kind = "ai"
    uses_ai: bool | None = src("proposal.ai.uses_ai")
    generative: bool | None = src("proposal.ai.generative")
    decision_impact: str | None = src("proposal.ai.decision_impact")
    sends_city_data_to_model: bool | None = src("proposal.ai.sends_city_data_to_model")
    model_retains_or_trains: bool | None = src("proposal.ai.model_retains_or_trains")
    factsheet_provided: bool | None = src("proposal.ai.factsheet_provided")
    impact_assessment: bool | None = src("proposal.ai.impact_assessment")
    human_review: bool | None = src("proposal.ai.human_review")
    discloses_to_public: bool | None = src("proposal.ai.discloses_to_public")
    public_facing: bool | None = src("proposal.users.public_facing")
    sensitive: bool | None = src("derived: Confidential or Restricted data (DATA-1)")


class TechnologyFact(Fact):
    kind = "technology"
    stage: str | None = src("derived: proposal or contract stage")
    acquisition_type: str | None = src("proposal.acquisition_type")
    on_approved_list: bool | None = src("proposal.on_approved_list")
    hosting: str | None = src("proposal.hosting")
    has_ui: bool | None = src("proposal.has_user_interface (or its default)")
    web_interface: bool | None = src("derived: acquisition type with a web interface")
    browser_plugins_required: bool | None = src("proposal.lifecycle.browser_plugins_required")
    supported_browsers: str | None = src("proposal.lifecycle.supported_browsers")
    missing_browsers: str | None = src("derived: required browsers not supported")
    missing_browser_count: int | None = src("derived: count of required browsers not supported")
    vendor_support_end: str | None = src("proposal.lifecycle.vendor_support_end")
    contract_end: str | None = src("derived: contract end date (start + term, or end_date)")
    support_margin_days: int | None = src("derived: days from contract end to support end")


class ProcurementFact(Fact):
    kind = "procurement"
    stage: str | None = src("derived: proposal or contract stage")
    tcv: float | None = src("derived: TCV")
    acquisition_type: str | None = src("proposal.acquisition_type")
    method: str | None = src("proposal.procurement_method")
    method_rank: int | None = src("derived: rank of the procurement method")
    required_method: str | None = src("derived: method the TCV requires (PROC-1)")
    required_rank: int | None = src("derived: rank of the required method")
    sole_source_justification: bool | None = src("proposal.sole_source_justification")
    term_years: float | None = src("proposal.cost.term_years")
    annual_escalation_pct: float | None = src("proposal.cost.annual_escalation_pct")
    method_gap: int | None = src("derived: required_rank minus method_rank (PROC-1)")
    annual_cost: float | None = src("proposal.cost.annual")


class ContractFact(Fact):
    kind = "contract"
    tcv: float | None = src("contract.value_usd")
    value_usd: float | None = src("contract.value_usd")
    term_years: float | None = src("derived: contract end - start + renewal_options_years")
    auto_renewal: bool | None = src("contract.auto_renewal")
    termination_for_convenience: bool | None = src("contract.termination_for_convenience")
    annual_escalation_pct: float | None = src("contract.annual_escalation_pct")
    data_ownership: bool | None = src("contract.clauses.data_ownership")
    data_return_days: float | None = src("contract.clauses.data_return_days")
    incident_notification_hours: float | None = src("contract.clauses.incident_notification_hours")
    insurance_usd: float | None = src("contract.clauses.insurance_usd")
    accessibility_warranty: bool | None = src("contract.clauses.accessibility_warranty")
    no_secondary_use: bool | None = src("contract.clauses.no_secondary_use")
    allows_training_on_city_data: bool | None = src("contract.clauses.allows_training_on_city_data")
    governing_law: str | None = src("contract.clauses.governing_law")
    governing_law_as_required: bool | None = src(
        "derived: governing_law is the standards' governing law"
    )
    city_indemnifies_vendor: bool | None = src("contract.clauses.city_indemnifies_vendor")
    liability_cap_usd: float | None = src("contract.clauses.liability_cap_usd")
    liability_cap_shortfall: float | None = src("derived: TCV minus liability_cap_usd")
    cjis_security_addendum: bool | None = src("contract.clauses.cjis_security_addendum")
    hipaa_baa: bool | None = src("contract.clauses.hipaa_baa")
    has_ui: bool | None = src("proposal.has_user_interface (or its default)")
    hosted: bool | None = src("derived: hosting is vendor_cloud or hybrid")
    restricted: bool | None = src("derived: Restricted data (DATA-1)")
    sensitive: bool | None = src("derived: Confidential or Restricted data (DATA-1)")
    cji: bool | None = src("proposal.data_types contains cji")
    phi: bool | None = src("proposal.data_types contains phi")
    holds_city_data: bool | None = src("proposal.hosting")


FACT_KINDS: dict[str, type[Fact]] = {
    cls.kind: cls
    for cls in (
        GeneralFact,
        DataFact,
        SecurityFact,
        PlatformFact,
        AccessibilityFact,
        CriterionFact,
        OpenSourceFact,
        ComponentFact,
        IntegrationFact,
        PrivacyFact,
        DataTypeFact,
        AiFact,
        TechnologyFact,
        ProcurementFact,
        ContractFact,
    )
}
