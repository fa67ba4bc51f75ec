"""Facts: the small, flat records the rules engine matches on.

Each fact kind is a model whose fields are scalars (no lists, no nulls: an unanswered
question is an absent field), so durable_rules sees at most a few dozen properties (it
refuses more than 255) and the plain-Python reference sees exactly the same dicts. Every
field names where it comes from (an intake path, or "derived: ..."), which is what a finding
shows as the value that triggered it.

Items that can each be a distinct problem (components, criteria, integrations, platforms,
personal data types) are facts of their own, so one finding is produced per item.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from . import license_names
from .derived import Derived, age_in_months
from .records import AcquisitionType, CertificationType, DataType, ProcurementMethod, Submission
from .spdx import LicenseVerdict
from .standards import Standards


def src(path: str) -> Any:
    """A fact field, absent unless answered, documented by where its value comes from."""
    return Field(default=None, description=path)


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
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
    california_law: bool | None = src("derived: governing_law is the standards' governing law")
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


@dataclass(frozen=True)
class FactSet:
    """The facts of one evaluation, by kind, each a plain dict (what both engines see)."""

    by_kind: dict[str, list[dict[str, Any]]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for facts in self.by_kind.values():
            yield from facts

    def with_tier(self, tier: int) -> FactSet:
        """The phase-two facts: each fact learns the tier phase one decided.

        Sets it in place: a FactSet belongs to one evaluation, and phase one has finished
        with the facts before this is called.
        """
        for facts in self.by_kind.values():
            for fact in facts:
                fact["tier"] = tier
        return self


def _join(values: Any) -> str | None:
    # every enum of the records is a StrEnum, whose str() is its value
    items = list(map(str, values))
    return ", ".join(items) if items else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _values(cls: type[Fact], **values: Any) -> tuple[type[Fact], dict[str, Any]]:
    """A fact's fields with unanswered (None) ones left out."""
    return cls, {k: v for k, v in values.items() if v is not None}


def build_facts(
    submission: Submission, derived: Derived, standards: Standards, *, check: bool = False
) -> FactSet:
    """All facts for one evaluation. Pure: the same inputs give the same facts.

    Facts are plain dicts built without model validation (the hot path of every
    evaluation); ``check=True`` validates each against its fact model, as the tests do.
    """
    p = submission.proposal
    d = derived
    std = standards
    stage = d.stage
    types = set(p.data_types)
    custom = p.acquisition_type == AcquisitionType.CUSTOM_DEVELOPMENT
    facts: dict[str, list[dict[str, Any]]] = {kind: [] for kind in FACT_KINDS}

    def add(made: tuple[type[Fact], dict[str, Any]], ident: str | None = None) -> None:
        cls, values = made
        if check:
            cls.model_validate(values)  # tests run with check=True: builders match schemas
        values["kind"] = cls.kind
        values["id"] = ident or cls.kind
        facts[cls.kind].append(values)

    acq = p.acquisition_type.value if p.acquisition_type else None
    hosting = p.hosting.value if p.hosting else None
    add(
        _values(
            GeneralFact,
            stage=stage,
            tcv=d.tcv,
            cost_missing=_join(d.cost_missing),
            acquisition_type=acq,
            renewal_of=p.renewal_of,
            public_facing=p.users.public_facing,
            has_ui=d.has_ui,
            hosting=hosting,
            effective_classes=_join(d.effective_classes),
            sensitive=d.sensitive,
            restricted=d.restricted,
            personal_data=d.personal_data,
            uses_ai=d.uses_ai,
            decision_impact=p.ai.decision_impact.value if p.ai.decision_impact else None,
            surveillance=d.surveillance,
            integration_count=len(p.integrations),
            custom_development=custom,
            open_source_product=p.open_source.is_open_source,
            component_list=bool(p.open_source.sbom_provided) or bool(p.open_source.components),
        )
    )

    export = p.data_management.export_formats
    open_formats = set(std.data.open_export_formats)
    outside = (
        [c for c in p.data_locations if c not in std.data.residency_countries]
        if p.data_locations is not None
        else []
    )
    add(
        _values(
            DataFact,
            stage=stage,
            declared_classes=_join(d.declared_classes),
            declared_rank=d.declared_rank,
            implied_classes=_join(d.implied_classes),
            implied_by=_join(t for c in d.implied_classes for t in d.implied_by[c]),
            class_gap=max(0, d.implied_rank - d.declared_rank) if d.declared_classes else None,
            confidential=d.confidential,
            restricted=d.restricted,
            hosting=hosting,
            holds_city_data=p.hosting in std.data.holds_city_data_hosting if p.hosting else None,
            export_formats=_join(export) if export else None,
            open_export=None if export is None else any(f in open_formats for f in export),
            data_locations=_join(p.data_locations) if p.data_locations else None,
            outside_residency=_join(outside) if outside else None,
            records_retention=p.data_management.records_retention,
            open_data_export=p.data_management.open_data_export,
            public_facing=p.users.public_facing,
        )
    )
    certs = sorted(
        {
            f"{c.type.value} {c.date.isoformat() if c.date else '(undated)'}"
            for c in p.certifications
        }
    )
    pci = d.cert_ages.get(CertificationType.PCI_DSS_AOC)
    add(
        _values(
            SecurityFact,
            stage=stage,
            confidential=d.confidential,
            restricted=d.restricted,
            sensitive=d.sensitive,
            internal_only=d.internal_only,
            hosting=hosting,
            hosted=d.hosted,
            internet_facing=d.internet_facing,
            integration_count=len(p.integrations),
            has_ui=d.has_ui,
            staff_count=p.users.staff_count,
            certifications=_join(certs),
            attested_confidential=d.attested(std.security.attestations.confidential),
            attested_internal=d.attested(std.security.attestations.internal_hosted),
            sso=p.authentication.sso.value if p.authentication.sso else None,
            mfa=p.authentication.mfa,
            scim=p.authentication.scim,
            tls_min_version=_tls(p.encryption.tls_min_version),
            at_rest=p.encryption.at_rest,
            incident_notification_hours=p.incident_notification_hours,
            cyber_insurance_usd=p.cyber_insurance_usd,
            pen_test_date=_iso(p.pen_test_date),
            pen_test_age_months=_age(p.pen_test_date, d),
            browser_plugins_required=p.lifecycle.browser_plugins_required,
            cji=DataType.CJI in types,
            phi=DataType.PHI in types,
            payment_card=DataType.PAYMENT_CARD in types,
            cjis_addendum=any(c.type.value == "cjis_addendum" for c in p.certifications),
            hipaa_baa=any(c.type.value == "hipaa_baa" for c in p.certifications),
            pci_aoc_age_months=pci,
            audit_log_days=p.data_management.audit_log_days,
        )
    )
    for index, status in enumerate(d.platforms):
        add(
            _values(
                PlatformFact,
                subject=status.written,
                written=status.written,
                known=status.platform is not None,
                platform=status.platform.name if status.platform else None,
                end_of_support=_iso(status.platform.end_of_support) if status.platform else None,
                days_until_end=status.days_until_end,
            ),
            f"platform:{index}",
        )

    acc = p.accessibility
    offered = set(acc.languages or [])
    missing_languages = [
        lang for lang in std.accessibility.required_languages if lang not in offered
    ]
    ada = std.ada_compliance()
    add(
        _values(
            AccessibilityFact,
            stage=stage,
            has_ui=d.has_ui,
            public_facing=p.users.public_facing,
            acr_provided=acc.acr_provided,
            acr_date=_iso(acc.acr_date),
            acr_age_months=_age(acc.acr_date, d),
            vpat_edition=acc.vpat_edition.value if acc.vpat_edition else None,
            wcag_version=acc.wcag_version.value if acc.wcag_version else None,
            remediation_plan=acc.remediation_plan,
            languages=_join(acc.languages) if acc.languages else None,
            missing_languages=_join(missing_languages) if missing_languages else None,
            missing_language_count=len(missing_languages),
            mobile_responsive=acc.mobile_responsive,
            publishes_documents=acc.publishes_documents,
            accessible_documents=acc.accessible_documents,
            ada_deadline=ada.date.isoformat(),
            ada_band=ada.band,
        )
    )
    seen: set[str] = set()
    for conformance, ids in (
        ("does_not_support", acc.does_not_support),
        ("partially_supports", acc.partially_supports),
    ):
        for cid in ids:
            if cid in seen:  # listed under both: the worse (does not support) stands
                continue
            seen.add(cid)
            criterion = std.criterion_index.get(cid)
            add(
                _values(
                    CriterionFact,
                    subject=cid,
                    criterion=cid,
                    name=criterion.name if criterion else None,
                    level=criterion.level if criterion else None,
                    known=criterion is not None,
                    conformance=conformance,
                    public_facing=p.users.public_facing,
                    remediation_plan=acc.remediation_plan,
                ),
                f"criterion:{cid}",
            )

    oss = p.open_source
    add(
        _values(
            OpenSourceFact,
            stage=stage,
            acquisition_type=acq,
            hosting=hosting,
            custom_development=custom,
            is_open_source=oss.is_open_source,
            alternatives_count=len(p.alternatives_considered),
            open_source_alternatives=sum(1 for a in p.alternatives_considered if a.open_source),
            on_approved_list=p.on_approved_list,
            custom_code_owner=oss.custom_code_owner.value if oss.custom_code_owner else None,
            release_license=oss.release_license,
            sbom_provided=oss.sbom_provided,
            component_count=len(oss.components),
            export_formats=_join(export) if export else None,
            proprietary_only_export=None
            if not export
            else all(f.value == "proprietary" for f in export),
        )
    )
    licensed: list[tuple[str, str | None, str | None, bool]] = []
    if oss.is_open_source:
        licensed.append((p.vendor.product or p.title, p.vendor.product_version, oss.license, True))
    licensed.extend((c.name, c.version, c.license, False) for c in oss.components)
    cache: dict[str | None, tuple[LicenseVerdict, str | None]] = {}
    for index, (name, version, expression, is_product) in enumerate(licensed):
        if expression not in cache:
            cache[expression] = license_names.judge(expression, std.licenses)
        verdict, read_as = cache[expression]
        add(
            _values(
                ComponentFact,
                subject=f"{name}@{version}" if version else name,
                name=name,
                version=version,
                is_product=is_product,
                license=f"{read_as} (written {expression!r})" if read_as else expression,
                license_class=verdict.license_class,
                license_problem=verdict.problem,
                strong_copyleft=verdict.strong_copyleft,
                network_copyleft=verdict.network_copyleft,
                distributed_by_city=oss.distributed_by_city,
                modified_and_hosted_for_others=oss.modified_and_hosted_for_others,
            ),
            f"component:{index}",
        )
    for index, integration in enumerate(p.integrations):
        add(
            _values(
                IntegrationFact,
                subject=integration.system,
                system=integration.system,
                method=integration.method.value if integration.method else None,
            ),
            f"integration:{index}",
        )

    add(
        _values(
            PrivacyFact,
            stage=stage,
            personal_data=d.personal_data,
            personal_types=_join(d.personal_types),
            restricted=d.restricted,
            impact_assessment=p.privacy.impact_assessment,
            parental_consent_flow=p.privacy.parental_consent_flow,
            children=DataType.CHILDREN_UNDER_13 in types,
            surveillance=d.surveillance,
            surveillance_categories=_join(p.surveillance.categories),
            facial_recognition=any(
                c.value == "facial_recognition" for c in p.surveillance.categories
            ),
            surveillance_impact_report=p.surveillance.impact_report,
            council_approved=p.surveillance.council_approved,
            public_facing=p.users.public_facing,
        )
    )
    for data_type in dict.fromkeys(p.data_types):
        purpose = p.data_purposes.get(data_type)
        add(
            _values(
                DataTypeFact,
                subject=data_type.value,
                data_type=data_type.value,
                personal=data_type in std.data.personal_data_types,
                purpose=purpose if purpose and purpose.strip() else None,
            ),
            f"data_type:{data_type.value}",
        )

    ai = p.ai
    add(
        _values(
            AiFact,
            uses_ai=ai.uses_ai,
            generative=ai.generative,
            decision_impact=ai.decision_impact.value if ai.decision_impact else None,
            sends_city_data_to_model=ai.sends_city_data_to_model,
            model_retains_or_trains=ai.model_retains_or_trains,
            factsheet_provided=ai.factsheet_provided,
            impact_assessment=ai.impact_assessment,
            human_review=ai.human_review,
            discloses_to_public=ai.discloses_to_public,
            public_facing=p.users.public_facing,
            sensitive=d.sensitive,
        )
    )

    browsers = p.lifecycle.supported_browsers
    supported = {b.strip().lower() for b in browsers or []}
    missing_browsers = [b for b in std.technology.required_browsers if b.lower() not in supported]
    support_end = p.lifecycle.vendor_support_end
    add(
        _values(
            TechnologyFact,
            stage=stage,
            acquisition_type=acq,
            on_approved_list=p.on_approved_list,
            hosting=hosting,
            has_ui=d.has_ui,
            web_interface=p.acquisition_type in std.technology.web_interface_types
            if p.acquisition_type
            else None,
            browser_plugins_required=p.lifecycle.browser_plugins_required,
            supported_browsers=_join(browsers) if browsers else None,
            missing_browsers=_join(missing_browsers)
            if browsers is not None and missing_browsers
            else None,
            missing_browser_count=len(missing_browsers) if browsers is not None else None,
            vendor_support_end=_iso(support_end),
            contract_end=_iso(d.contract_end),
            support_margin_days=(support_end - d.contract_end).days
            if support_end and d.contract_end
            else None,
        )
    )

    method = p.procurement_method
    required = _required_method(d.tcv, std)
    add(
        _values(
            ProcurementFact,
            stage=stage,
            tcv=d.tcv,
            acquisition_type=acq,
            method=method.value if method else None,
            method_rank=_method_rank(method.value, std) if method else None,
            required_method=required,
            required_rank=std.procurement.method_rank[ProcurementMethod(required)],
            sole_source_justification=bool(
                p.sole_source_justification and p.sole_source_justification.strip()
            ),
            term_years=p.cost.term_years,
            annual_escalation_pct=p.cost.annual_escalation_pct,
            method_gap=None
            if method is None
            else max(
                0,
                std.procurement.method_rank[ProcurementMethod(required)]
                - _method_rank(method.value, std),
            ),
            annual_cost=p.cost.annual,
        )
    )

    contract = submission.contract
    if contract is not None:
        clauses = contract.clauses
        law = clauses.governing_law
        add(
            _values(
                ContractFact,
                tcv=d.tcv,
                value_usd=contract.value_usd,
                term_years=d.term_years if contract.start_date and contract.end_date else None,
                auto_renewal=contract.auto_renewal,
                termination_for_convenience=contract.termination_for_convenience,
                annual_escalation_pct=contract.annual_escalation_pct,
                data_ownership=clauses.data_ownership,
                data_return_days=clauses.data_return_days,
                incident_notification_hours=clauses.incident_notification_hours,
                insurance_usd=clauses.insurance_usd,
                accessibility_warranty=clauses.accessibility_warranty,
                no_secondary_use=clauses.no_secondary_use,
                allows_training_on_city_data=clauses.allows_training_on_city_data,
                governing_law=law,
                california_law=None
                if law is None
                else _same_law(law, std.procurement.governing_law),
                city_indemnifies_vendor=clauses.city_indemnifies_vendor,
                liability_cap_usd=clauses.liability_cap_usd,
                liability_cap_shortfall=None
                if clauses.liability_cap_usd is None
                else round(d.tcv - clauses.liability_cap_usd, 2),
                cjis_security_addendum=clauses.cjis_security_addendum,
                hipaa_baa=clauses.hipaa_baa,
                has_ui=d.has_ui,
                hosted=d.hosted,
                restricted=d.restricted,
                sensitive=d.sensitive,
                cji=DataType.CJI in types,
                phi=DataType.PHI in types,
                holds_city_data=p.hosting in std.data.holds_city_data_hosting
                if p.hosting
                else None,
            )
        )
    return FactSet({k: v for k, v in facts.items() if v})


def _tls(value: Any) -> float | None:
    if value is None:
        return None
    return 0.0 if value.value == "none" else float(value.value)


def _age(day: Any, d: Derived) -> int | None:
    return None if day is None else age_in_months(day, d.as_of)


def _required_method(tcv: float, std: Standards) -> str:
    required = std.procurement.thresholds[0].requires
    for threshold in sorted(std.procurement.thresholds, key=lambda t: t.tcv_from):
        if tcv >= threshold.tcv_from:
            required = threshold.requires
    return required.value


def _method_rank(method: str, std: Standards) -> int:
    """Cooperative agreements satisfy any threshold; a sole source does when justified
    (PROC-2 judges the justification), so both rank above every threshold."""
    proc = std.procurement
    names = {m.value for m in proc.methods_satisfying_any_threshold} | {
        m.value for m in proc.methods_satisfying_when_justified
    }
    top = max(proc.method_rank.values()) + 1
    if method in names:
        return top
    return proc.method_rank.get(ProcurementMethod(method), 0)


def _same_law(written: str, required: str) -> bool:
    text = written.strip().lower()
    want = required.strip().lower()
    return text == want or text in (f"state of {want}", f"{want} law", f"laws of {want}")
