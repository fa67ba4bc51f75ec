"""The facts of the proposal's sections: one fact per kind for the whole request."""

from __future__ import annotations

from ..records import CertificationType, DataType, ProcurementMethod
from .common import Add, Inputs, _age, _iso, _join, _method_rank, _required_method, _tls, _values
from .kinds import (
    AccessibilityFact,
    AiFact,
    DataFact,
    GeneralFact,
    OpenSourceFact,
    PrivacyFact,
    ProcurementFact,
    SecurityFact,
    TechnologyFact,
)


def general(i: Inputs, add: Add) -> None:
    """The general fact."""
    p = i.p
    d = i.d
    stage = i.stage
    custom = i.custom
    acq = i.acq
    hosting = i.hosting
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


def data(i: Inputs, add: Add) -> None:
    """The data fact."""
    p = i.p
    d = i.d
    std = i.std
    stage = i.stage
    hosting = i.hosting
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


def security(i: Inputs, add: Add) -> None:
    """The security fact."""
    p = i.p
    d = i.d
    std = i.std
    stage = i.stage
    types = i.types
    hosting = i.hosting
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


def accessibility(i: Inputs, add: Add) -> None:
    """The accessibility fact."""
    p = i.p
    d = i.d
    std = i.std
    stage = i.stage
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


def open_source(i: Inputs, add: Add) -> None:
    """The open source fact."""
    p = i.p
    stage = i.stage
    custom = i.custom
    acq = i.acq
    hosting = i.hosting
    export = p.data_management.export_formats
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


def privacy(i: Inputs, add: Add) -> None:
    """The privacy fact."""
    p = i.p
    d = i.d
    stage = i.stage
    types = i.types
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


def ai(i: Inputs, add: Add) -> None:
    """The ai fact."""
    p = i.p
    d = i.d
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


def technology(i: Inputs, add: Add) -> None:
    """The technology fact."""
    p = i.p
    d = i.d
    std = i.std
    stage = i.stage
    acq = i.acq
    hosting = i.hosting
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


def procurement(i: Inputs, add: Add) -> None:
    """The procurement fact."""
    p = i.p
    d = i.d
    std = i.std
    stage = i.stage
    acq = i.acq
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
