"""Exceptions to the standards (GEN-5): granted by the domain's authority, always expiring.

A waiver keeps its finding visible (status ``waived``); when it expires the finding is open
again at read time, and ``expire_report`` lists (and records once) the waivers that lapsed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..core import policy
from ..core.policy import key_of
from ..errors import FieldProblem, InvalidTransition, NotFound, RecordInvalid, Refused
from ..store.models import Proposal, Waiver
from . import access, evaluations
from .access import ref
from .context import Services, Tx
from .lifecycle import REEVALUATED, State
from .views import ProposalView, WaiverView, proposal_view, waiver_view


def latest_expiry(granted: dt.date, months: int | None = None) -> dt.date:
    """The same calendar day ``months`` later (default: the longest a waiver may run, GEN-5)."""
    return policy.current().latest_expiry(granted, months)


def grant(
    services: Services,
    by: str,
    proposal_id: int,
    rule_id: str,
    *,
    subject: str | None = None,
    justification: str,
    compensating_controls: str,
    expires_on: dt.date,
    expected_version: int | None = None,
) -> ProposalView:
    """Waive one finding (``subject`` names it when the rule raised several)."""
    return grant_group(
        services,
        by,
        proposal_id,
        rule_id,
        subjects=[subject],
        justification=justification,
        compensating_controls=compensating_controls,
        expires_on=expires_on,
        expected_version=expected_version,
    )


def grant_group(
    services: Services,
    by: str,
    proposal_id: int,
    rule_id: str,
    *,
    subjects: list[str | None],
    justification: str,
    compensating_controls: str,
    expires_on: dt.date,
    expected_version: int | None = None,
) -> ProposalView:
    """Waive several findings of one rule with one decision (21 accessibility criteria are
    one justification), each recorded as its own waiver and audit event; all or none."""
    problems = [
        FieldProblem(name, "must not be empty")
        for name, value in (
            ("justification", justification),
            ("compensating_controls", compensating_controls),
        )
        if not value or not value.strip()
    ]
    if not subjects:
        problems.append(FieldProblem("subjects", "choose at least one finding to waive"))
    if problems:
        raise RecordInvalid(problems)
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        if State(proposal.state) not in REEVALUATED:
            raise InvalidTransition(f"{ref(proposal)} is {proposal.state}; nothing to waive")
        findings = [evaluations.current_finding(tx, proposal, rule_id, s) for s in subjects]
        for finding in findings:
            _check_waivable(services, tx, proposal, finding)
        _check_expiry(services, expires_on)
        for finding in findings:
            _refuse_a_second(tx, proposal.id, key_of(finding), services.today())
        for finding in findings:
            waiver = Waiver(
                proposal_id=proposal.id,
                finding_key=key_of(finding),
                rule_id=rule_id,
                subject=finding.get("subject"),
                domain=str(finding["domain"]),
                granted_by=tx.who.id,
                justification=justification.strip(),
                compensating_controls=compensating_controls.strip(),
                granted_at=services.now(),
                expires_on=expires_on,
            )
            tx.session.add(waiver)
            tx.session.flush()
            tx.audit(
                "waiver.grant",
                "proposal",
                proposal.id,
                waiver=waiver.id,
                finding=waiver.finding_key,
                severity=finding["severity"],
                expires_on=expires_on.isoformat(),
            )
        access.touch(tx, proposal)
        return proposal_view(tx, proposal)


def _check_waivable(
    services: Services, tx: Tx, proposal: Proposal, finding: dict[str, Any]
) -> None:
    rule_id = finding["rule_id"]
    access.require_waiver_authority(tx.who, proposal, str(finding["domain"]))
    if not finding["waivable"]:
        raise Refused(
            f"{rule_id} rests on law and cannot be waived, only resolved (GEN-5); "
            f"remediation: {finding['remediation']}"
        )
    severity = services.evaluator.standards.review.severity(finding["severity"])
    if not severity.waivable:
        raise Refused(
            f"{rule_id} is an {severity.label.lower()} finding: it asks nothing of the request, "
            "so there is nothing to waive (standards/review.yaml)"
        )


def _check_expiry(services: Services, expires_on: dt.date) -> None:
    review = services.evaluator.standards.review
    today = services.today()
    months = review.waivers.max_months
    limit = review.latest_expiry(today, months)
    if expires_on <= today:
        raise RecordInvalid([FieldProblem("expires_on", f"{expires_on} is not in the future")])
    if expires_on > limit:
        raise RecordInvalid(
            [
                FieldProblem(
                    "expires_on",
                    f"{expires_on} is more than {months} months away; the latest "
                    f"allowed is {limit} (GEN-5)",
                )
            ]
        )


def _refuse_a_second(tx: Tx, proposal_id: int, key: str, today: dt.date) -> None:
    """One active waiver per finding (docs/workflow.md): with two, revoking one would leave
    the finding waived by the other, which nobody reading the revocation expects."""
    active = tx.session.scalars(
        select(Waiver).where(
            Waiver.proposal_id == proposal_id,
            Waiver.finding_key == key,
            Waiver.revoked_at.is_(None),
            Waiver.expires_on >= today,
        )
    ).first()
    if active is not None:
        raise Refused(
            f"{key} is already waived by waiver {active.id} until {active.expires_on}; "
            "revoke it first to grant a different one (one active waiver per finding)"
        )


def revoke(
    services: Services,
    by: str,
    proposal_id: int,
    waiver_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
) -> ProposalView:
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        waiver = tx.session.get(Waiver, waiver_id)
        if waiver is None or waiver.proposal_id != proposal.id:
            raise NotFound(f"no waiver {waiver_id} on {ref(proposal)}")
        access.require_waiver_authority(tx.who, proposal, waiver.domain)
        if waiver.revoked_at is not None:
            raise Refused(f"waiver {waiver_id} is already revoked")
        waiver.revoked_at = services.now()
        waiver.revoked_by = tx.who.id
        access.touch(tx, proposal)
        tx.audit("waiver.revoke", "proposal", proposal.id, waiver=waiver_id, reason=reason)
        return proposal_view(tx, proposal)


@dataclass(frozen=True)
class Expired:
    proposal: str
    waiver: WaiverView
    newly_reported: bool


def expire_report(services: Services, by: str | None = None) -> list[Expired]:
    """Waivers past their expiry (their findings are open again); each is recorded once."""
    with services.transaction(by) as tx:
        today = services.today()
        out: list[Expired] = []
        lapsed = tx.session.scalars(
            select(Waiver)
            .where(Waiver.expires_on < today, Waiver.revoked_at.is_(None))
            .order_by(Waiver.expires_on, Waiver.id)
        )
        for waiver in lapsed:
            new = waiver.expiry_reported_at is None
            if new:
                waiver.expiry_reported_at = services.now()
                tx.audit(
                    "waiver.expired",
                    "proposal",
                    waiver.proposal_id,
                    waiver=waiver.id,
                    finding=waiver.finding_key,
                    expired_on=waiver.expires_on.isoformat(),
                )
            out.append(Expired(ref(waiver.proposal_id), waiver_view(waiver, today), new))
        return out
