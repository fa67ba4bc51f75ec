"""Every deadline of a system as of a date (GEN-9), computed from its record and the standards.

One pure function, :func:`deadlines`, gives them all: contract end and the auto-renewal
cancellation deadline, the day the renewal re-review opens, waiver expiries, condition due
dates, the day each piece of evidence ages out (SEC-1, SEC-6, ACC-2), the due dates of
findings that appeared after approval, platform and vendor end of support, and the re-review
of an imported system. The windows and notice marks are ``after_approval`` in the standards,
so the City changes them by editing data. A deadline's date is its last good day: it is
overdue from the day after.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from .derived import Derived, age_in_months, derive, months_before
from .records import CertificationType, Submission
from .standards import AttestationGroup, DeadlineKind, Notice, Standards

OVERDUE = "overdue"


@dataclass(frozen=True)
class WaiverDue:
    waiver_id: int
    finding_key: str
    rule_id: str
    domain: str
    expires_on: dt.date


@dataclass(frozen=True)
class ConditionDue:
    condition_id: int
    finding_key: str
    domain: str
    text: str
    owner: str
    due_on: dt.date


@dataclass(frozen=True)
class FindingDue:
    finding_key: str
    rule_id: str
    domain: str
    title: str
    citations: tuple[str, ...]
    due_on: dt.date


@dataclass(frozen=True)
class SystemFacts:
    """What the deadlines of one system depend on, besides the standards."""

    system_id: int
    submission: Submission
    tier: int | None = None
    rereview_due: dt.date | None = None
    waivers: tuple[WaiverDue, ...] = ()
    conditions: tuple[ConditionDue, ...] = ()
    findings: tuple[FindingDue, ...] = ()


class Deadline(NamedTuple):
    """A tuple, not a frozen dataclass: the sweep makes about eight a system every day, and a
    frozen dataclass's ``__init__`` (a guarded ``object.__setattr__`` per field) cost four
    times as much to build."""

    system_id: int
    kind: str
    key: str  # stable identity: kind, subject and date (a new date is a new deadline)
    due_on: dt.date
    title: str
    domain: str  # the review domain concerned (whose reviewers are told)
    citations: tuple[str, ...]
    marks: tuple[int, ...]  # days before due_on on which a notice goes out
    overdue_notice: bool
    subject: str | None = None

    def days_left(self, as_of: dt.date) -> int:
        return (self.due_on - as_of).days

    def status(self, as_of: dt.date) -> str:
        """overdue, due (within its notice window, or today), or upcoming."""
        days = self.days_left(as_of)
        if days < 0:
            return "overdue"
        if days <= max(self.marks, default=0):
            return "due"
        return "upcoming"

    def mark(self, as_of: dt.date) -> str | None:
        """The notice mark in force on ``as_of``: the smallest mark reached, or "overdue"."""
        days = self.days_left(as_of)
        if days < 0:
            return OVERDUE if self.overdue_notice else None
        reached = [m for m in self.marks if days <= m]
        return str(min(reached)) if reached else None


@functools.lru_cache(maxsize=4096)
def last_current_day(issued: dt.date, max_months: int) -> dt.date:
    """The last day on which a document dated ``issued`` is "within the last N months".
    Memoised: the daily sweep asks it of every system's evidence, and few dates recur."""
    day = months_before(issued, -max_months)
    while age_in_months(issued, day) > max_months:
        day -= dt.timedelta(days=1)
    while age_in_months(issued, day + dt.timedelta(days=1)) <= max_months:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class _Kind:
    """What every deadline of one kind shares: its notice marks (largest first), whether it
    has an overdue notice, and the citations of its notice."""

    marks: tuple[int, ...]
    overdue: bool
    cites: tuple[str, ...]


_KINDS: dict[int, tuple[object, dict[DeadlineKind, _Kind]]] = {}


def _kinds(notices: Mapping[DeadlineKind, Notice]) -> dict[DeadlineKind, _Kind]:
    """The kinds of ``notices``, computed once per standards (the sweep builds about eight
    deadlines a system, each of which sorted its marks and de-duplicated its citations)."""
    cached = _KINDS.get(id(notices))
    if cached is not None and cached[0] is notices:
        return cached[1]
    kinds = {
        kind: _Kind(
            tuple(sorted(notice.days_before, reverse=True)),
            notice.overdue,
            tuple(dict.fromkeys(notice.cites)),
        )
        for kind, notice in notices.items()
    }
    _KINDS[id(notices)] = (notices, kinds)
    return kinds


class _Builder:
    def __init__(self, system_id: int, standards: Standards) -> None:
        self.system_id = system_id
        self.standards = standards
        self.kinds = _kinds(standards.after_approval.notices)
        self.out: list[Deadline] = []

    def add(
        self,
        kind: DeadlineKind,
        due_on: dt.date,
        title: str,
        domain: str,
        *,
        subject: str | None = None,
        cites: tuple[str, ...] = (),
    ) -> None:
        shared = self.kinds[kind]
        citations = tuple(dict.fromkeys((*shared.cites, *cites))) if cites else shared.cites
        self.out.append(
            Deadline(  # positionally, in the fields' order: keywords cost a third more
                self.system_id,
                kind,
                f"{kind}|{subject or ''}|{due_on.isoformat()}",
                due_on,
                title,
                domain,
                citations,
                shared.marks,
                shared.overdue,
                subject,
            )
        )


def deadlines(
    facts: SystemFacts, standards: Standards, derived: Derived | None = None
) -> list[Deadline]:
    """Every deadline of the system, in date order. ``derived`` may be passed when the caller
    derived the record already (any evaluation date will do: only classes are read)."""
    submission = facts.submission
    if derived is None:
        derived = derive(submission, standards, dt.date.today())
    builder = _Builder(facts.system_id, standards)
    _contract(builder, submission, facts.tier)
    _evidence(builder, submission, derived)
    _support(builder, submission)
    for waiver in facts.waivers:
        builder.add(
            "waiver_expiry",
            waiver.expires_on,
            f"Waiver of {waiver.rule_id} expires",
            waiver.domain,
            subject=f"waiver {waiver.waiver_id}",
        )
    for condition in facts.conditions:
        builder.add(
            "condition_due",
            condition.due_on,
            f"Condition of approval due: {condition.text}",
            condition.domain,
            subject=f"condition {condition.condition_id}",
        )
    for finding in facts.findings:
        add_finding_due(builder, finding)
    if facts.rereview_due is not None:
        builder.add(
            "rereview_due",
            facts.rereview_due,
            "Re-review of a system already in use",
            "technology",
        )
    return sorted(builder.out, key=lambda d: (d.due_on, d.kind, d.subject or ""))


def add_finding_due(builder: _Builder, finding: FindingDue) -> None:
    builder.add(
        "finding_due",
        finding.due_on,
        f"Resolve: {finding.title}",
        finding.domain,
        subject=finding.finding_key,
        cites=finding.citations,
    )


def finding_deadlines(
    system_id: int, findings: list[FindingDue], standards: Standards
) -> list[Deadline]:
    """The due dates of findings that appeared after approval (GEN-9's 60 days)."""
    builder = _Builder(system_id, standards)
    for finding in findings:
        add_finding_due(builder, finding)
    return builder.out


def _contract(builder: _Builder, submission: Submission, tier: int | None) -> None:
    contract = submission.contract
    if contract is None or contract.end_date is None:
        return
    end = contract.end_date
    vendor = contract.vendor or submission.proposal.vendor.name or "the vendor"
    builder.add("contract_end", end, f"Contract with {vendor} ends", "procurement")
    cancel: dt.date | None = None
    if contract.auto_renewal and contract.cancellation_notice_days is not None:
        cancel = end - dt.timedelta(days=contract.cancellation_notice_days)
        builder.add(
            "cancellation_deadline",
            cancel,
            f"Last day to cancel the automatic renewal with {vendor}",
            "procurement",
        )
    review = builder.standards.after_approval.renewal_review
    opens = end - dt.timedelta(days=review.days_for(tier))
    if cancel is not None:  # "and before any auto-renewal cancellation deadline"
        opens = min(opens, cancel - dt.timedelta(days=1))
    builder.add("renewal_review", opens, "Renewal re-review opens", "technology")


_CERT_NAMES = {
    CertificationType.SOC2_TYPE2: "SOC 2 Type II report",
    CertificationType.ISO27001: "ISO/IEC 27001 certificate",
    CertificationType.CAIQ: "CAIQ questionnaire",
    CertificationType.HECVAT: "HECVAT questionnaire",
    CertificationType.TX_RAMP: "TX-RAMP certification",
}


def _sec1_groups(derived: Derived, standards: Standards) -> list[AttestationGroup]:
    attestations = standards.security.attestations
    if derived.sensitive:
        return attestations.confidential
    if derived.internal_only and derived.hosted:
        return attestations.internal_hosted
    return []


def _evidence(builder: _Builder, submission: Submission, derived: Derived) -> None:
    """The day each piece of evidence the standards keep applying ages out."""
    standards = builder.standards
    sections = standards.after_approval.evidence_sections.sections
    proposal = submission.proposal
    if "SEC-1" in sections:
        best: tuple[dt.date, CertificationType] | None = None
        for group in _sec1_groups(derived, standards):
            for cert in proposal.certifications:
                if cert.date is None or cert.type not in group.types:
                    continue
                last = last_current_day(cert.date, group.max_age_months)
                if best is None or last > best[0]:
                    best = (last, cert.type)
        if best is not None:
            name = _CERT_NAMES.get(best[1], best[1].value.replace("_", " ").upper())
            builder.add(
                "evidence_expiry",
                best[0],
                f"Security attestation ages out ({name})",
                "security",
                subject="SEC-1",
                cites=("SEC-1",),
            )
    tested = proposal.pen_test_date
    if "SEC-6" in sections and derived.internet_facing and derived.sensitive and tested:
        months = standards.security.pen_test_max_age_months
        builder.add(
            "evidence_expiry",
            last_current_day(tested, months),
            "Penetration test ages out",
            "security",
            subject="SEC-6",
            cites=("SEC-6",),
        )
    if "ACC-2" in sections and derived.has_ui and proposal.accessibility.acr_date is not None:
        months = standards.accessibility.acr_max_age_months
        builder.add(
            "evidence_expiry",
            last_current_day(proposal.accessibility.acr_date, months),
            "Accessibility Conformance Report ages out",
            "accessibility",
            subject="ACC-2",
            cites=("ACC-2",),
        )


def _support(builder: _Builder, submission: Submission) -> None:
    lifecycle = submission.proposal.lifecycle
    seen: set[str] = set()
    for written in lifecycle.operating_systems:
        platform = builder.standards.platform_for(written)
        if platform is None or platform.end_of_support is None or platform.name in seen:
            continue
        seen.add(platform.name)
        builder.add(
            "end_of_support",
            platform.end_of_support,
            f"{platform.name} reaches end of support",
            "security",
            subject=platform.name,
        )
    if lifecycle.vendor_support_end is not None:
        builder.add(
            "vendor_support_end",
            lifecycle.vendor_support_end,
            "The vendor's support for the product ends",
            "technology",
        )
