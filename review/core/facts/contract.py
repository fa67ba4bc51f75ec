"""The contract stage's fact: the executed contract's terms."""

from __future__ import annotations

from ..records import DataType
from .common import Add, Inputs, _same_law, _values
from .kinds import ContractFact


def contract(i: Inputs, add: Add) -> None:
    """The contract fact."""
    submission = i.submission
    p = i.p
    d = i.d
    std = i.std
    types = i.types
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
                governing_law_as_required=None
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
