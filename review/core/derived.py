"""Derived facts, computed in one place: TCV, effective data classes, dates and ages.

These are the facts the rules engine cannot compute itself (arithmetic over dates and money,
set operations over lists). Everything here is a pure function of the record, the standards
and the evaluation date, so the same inputs always give the same facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .records import (
    AcquisitionType,
    CertificationType,
    Contract,
    DataClass,
    Hosting,
    Proposal,
    Submission,
)
from .standards import AttestationGroup, Platform, Standards

_DEFAULT_NO_UI = {AcquisitionType.HARDWARE, AcquisitionType.PROFESSIONAL_SERVICES}


def _days_in(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without importing calendar (and locale)."""
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def months_before(day: dt.date, months: int) -> dt.date:
    """The same calendar day ``months`` earlier (clamped to the month's last day)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    last = _days_in(year, month + 1)
    return dt.date(year, month + 1, min(day.day, last))


def age_in_months(issued: dt.date, as_of: dt.date) -> int:
    """Smallest N such that ``issued`` is within the last N months of ``as_of`` (policy terms).

    "Within the last N months" means on or after the same calendar day N months before the
    evaluation date, so a document is within the last N months exactly when this is <= N.
    A date in the future counts as age 0.
    """
    if issued >= as_of:
        return 0
    months = (as_of.year - issued.year) * 12 + (as_of.month - issued.month)
    # months_before(as_of, months) falls in issued's own month: on or before issued, N is
    # ``months``; after it (a later day of that month), one more month is needed
    return months if issued >= months_before(as_of, months) else months + 1


def add_years(day: dt.date, years: float) -> dt.date:
    """Add a (possibly fractional) number of years, whole months first."""
    months = round(years * 12)
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    last = _days_in(year, month + 1)
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class PlatformStatus:
    written: str
    platform: Platform | None
    days_until_end: int | None


@dataclass(frozen=True)
class Derived:
    """Everything the fact builders need that is not a plain field of the record."""

    stage: str
    as_of: dt.date
    tcv: float
    cost_missing: tuple[str, ...]
    declared_classes: tuple[DataClass, ...]
    implied_classes: tuple[DataClass, ...]
    effective_classes: tuple[DataClass, ...]
    implied_by: dict[DataClass, tuple[str, ...]]
    declared_rank: int
    implied_rank: int
    confidential: bool
    restricted: bool
    sensitive: bool
    internal_only: bool
    personal_data: bool
    personal_types: tuple[str, ...]
    public_facing: bool
    has_ui: bool
    internet_facing: bool
    hosted: bool
    surveillance: bool
    uses_ai: bool
    term_years: float | None
    contract_end: dt.date | None
    cert_ages: dict[CertificationType, int] = field(default_factory=dict)
    platforms: tuple[PlatformStatus, ...] = ()

    def attested(self, groups: list[AttestationGroup]) -> bool:
        """Whether any certification satisfies any of the groups within its maximum age."""
        return any(
            t in self.cert_ages and self.cert_ages[t] <= g.max_age_months
            for g in groups
            for t in g.types
        )


def _tcv(proposal: Proposal, contract: Contract | None) -> tuple[float, tuple[str, ...]]:
    if contract is not None and contract.value_usd is not None:
        return contract.value_usd, ()
    cost = proposal.cost
    missing = tuple(
        name
        for name, value in (
            ("cost.one_time", cost.one_time),
            ("cost.annual", cost.annual),
            ("cost.term_years", cost.term_years),
        )
        if value is None
    )
    if contract is not None:
        missing = ("contract.value_usd", *missing)
    annual = cost.annual or 0.0
    term = cost.term_years if cost.term_years is not None else (1.0 if annual else 0.0)
    return round((cost.one_time or 0.0) + annual * term, 2), missing


def _term_years(submission: Submission) -> float | None:
    contract = submission.contract
    if contract is not None and contract.start_date and contract.end_date:
        days = (contract.end_date - contract.start_date).days
        return round(days / 365.25 + (contract.renewal_options_years or 0.0), 2)
    return submission.proposal.cost.term_years


def _platform(written: str, standards: Standards, as_of: dt.date) -> PlatformStatus:
    platform = standards.platform_for(written)
    if platform is None:
        return PlatformStatus(written, None, None)
    end = platform.end_of_support
    return PlatformStatus(written, platform, None if end is None else (end - as_of).days)


def derive(submission: Submission, standards: Standards, as_of: dt.date) -> Derived:
    p = submission.proposal
    contract = submission.contract
    rank = standards.data.class_rank
    tcv, cost_missing = _tcv(p, contract)

    declared = tuple(dict.fromkeys(p.data_classes))
    implied_by: dict[DataClass, list[str]] = {}
    for data_type in p.data_types:
        klass = standards.data.implied_class.get(data_type)
        if klass is not None:
            implied_by.setdefault(klass, []).append(data_type.value)
    implied = tuple(sorted(implied_by, key=lambda c: rank[c]))
    effective = tuple(sorted(set(declared) | set(implied), key=lambda c: rank[c]))
    personal_types = tuple(t.value for t in p.data_types if t in standards.data.personal_data_types)
    public_facing = bool(p.users.public_facing)
    has_ui = (
        p.has_user_interface
        if p.has_user_interface is not None
        else p.acquisition_type not in _DEFAULT_NO_UI
    )
    hosted = p.hosting in (Hosting.VENDOR_CLOUD, Hosting.HYBRID)
    term = _term_years(submission)
    if contract is not None and contract.end_date is not None:
        contract_end: dt.date | None = contract.end_date
    elif term is not None:
        start = contract.start_date if contract and contract.start_date else as_of
        contract_end = add_years(start, term)
    else:
        contract_end = None

    cert_ages: dict[CertificationType, int] = {}
    for cert in p.certifications:
        if cert.date is None:
            continue
        age = age_in_months(cert.date, as_of)
        if cert.type not in cert_ages or age < cert_ages[cert.type]:
            cert_ages[cert.type] = age

    confidential = DataClass.CONFIDENTIAL in effective
    restricted = DataClass.RESTRICTED in effective
    return Derived(
        stage=submission.stage,
        as_of=as_of,
        tcv=tcv,
        cost_missing=cost_missing,
        declared_classes=declared,
        implied_classes=implied,
        effective_classes=effective,
        implied_by={k: tuple(v) for k, v in implied_by.items()},
        declared_rank=max((rank[c] for c in declared), default=0),
        implied_rank=max((rank[c] for c in implied), default=0),
        confidential=confidential,
        restricted=restricted,
        sensitive=confidential or restricted,
        internal_only=bool(effective)
        and max(rank[c] for c in effective) == rank[DataClass.INTERNAL],
        personal_data=bool(personal_types),
        personal_types=personal_types,
        public_facing=public_facing,
        has_ui=has_ui,
        internet_facing=hosted or public_facing,
        hosted=hosted,
        surveillance=bool(p.surveillance.is_surveillance_technology)
        or bool(p.surveillance.categories),
        uses_ai=bool(p.ai.uses_ai),
        term_years=term,
        contract_end=contract_end,
        cert_ages=cert_ages,
        platforms=tuple(_platform(w, standards, as_of) for w in p.lifecycle.operating_systems),
    )
