"""Conditions of approval (GEN-8): a major finding may be approved only with one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core.policy import key_of
from ..errors import FieldProblem, InvalidTransition, NotFound, PermissionDenied, RecordInvalid
from ..store.models import Condition, Proposal
from . import access, evaluations
from .access import ref
from .context import Services, Tx
from .lifecycle import REEVALUATED, State
from .roles import Role, review_domain
from .views import ProposalView, proposal_view

STATUSES = ("open", "met", "cancelled")


def add(
    services: Services,
    by: str,
    proposal_id: int,
    rule_id: str,
    *,
    text: str,
    owner: str,
    due_date: dt.date,
    subject: str | None = None,
    expected_version: int | None = None,
) -> ProposalView:
    """A reviewer of the finding's domain, or an approver, attaches a condition."""
    return add_group(
        services,
        by,
        proposal_id,
        rule_id,
        subjects=[subject],
        text=text,
        owner=owner,
        due_date=due_date,
        expected_version=expected_version,
    )


def add_group(
    services: Services,
    by: str,
    proposal_id: int,
    rule_id: str,
    *,
    subjects: list[str | None],
    text: str,
    owner: str,
    due_date: dt.date,
    expected_version: int | None = None,
) -> ProposalView:
    """One condition for several findings of one rule, recorded per finding; all or none."""
    problems = [
        FieldProblem(name, "must not be empty")
        for name, value in (("text", text), ("owner", owner))
        if not value or not value.strip()
    ]
    if not subjects:
        problems.append(FieldProblem("subjects", "choose at least one finding"))
    if problems:
        raise RecordInvalid(problems)
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        if State(proposal.state) not in REEVALUATED:
            raise InvalidTransition(f"{ref(proposal)} is {proposal.state}; it takes no conditions")
        findings = [evaluations.current_finding(tx, proposal, rule_id, s) for s in subjects]
        for finding in findings:
            _check_conditionable(services, tx, proposal, finding)
        if due_date <= services.today():
            raise RecordInvalid([FieldProblem("due_date", f"{due_date} is not in the future")])
        for finding in findings:
            condition = Condition(
                proposal_id=proposal.id,
                finding_key=key_of(finding),
                rule_id=rule_id,
                subject=finding.get("subject"),
                domain=str(finding["domain"]),
                text=text.strip(),
                owner=owner.strip(),
                due_date=due_date,
                created_by=tx.who.id,
                created_at=services.now(),
                updated_at=services.now(),
            )
            tx.session.add(condition)
            tx.session.flush()
            tx.audit(
                "condition.add",
                "proposal",
                proposal.id,
                condition=condition.id,
                finding=condition.finding_key,
                owner=condition.owner,
                due_date=due_date.isoformat(),
            )
        access.touch(tx, proposal)
        return proposal_view(tx, proposal)


def _check_conditionable(
    services: Services, tx: Tx, proposal: Proposal, finding: dict[str, Any]
) -> None:
    rule_id, domain, actor = finding["rule_id"], str(finding["domain"]), tx.who
    if not (actor.has(Role.REVIEWER, review_domain(domain)) or actor.is_approver):
        raise PermissionDenied(
            f"{actor.username} cannot add conditions to {domain} findings: only a "
            f"{review_domain(domain)} reviewer or an approver can"
        )
    access.require_not_requester(actor, proposal, "add conditions to it")
    if not services.evaluator.standards.review.severity(finding["severity"]).needs_condition:
        raise RecordInvalid(
            [
                FieldProblem(
                    "rule_id",
                    f"{rule_id} is {finding['severity']}; conditions are for major "
                    "findings (GEN-8)",
                )
            ]
        )


def set_status(
    services: Services,
    by: str,
    proposal_id: int,
    condition_id: int,
    status: str,
    *,
    expected_version: int | None = None,
) -> ProposalView:
    if status not in STATUSES:
        raise RecordInvalid(
            [FieldProblem("status", f"{status!r}; expected one of {', '.join(STATUSES)}")]
        )
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        condition = tx.session.get(Condition, condition_id)
        if condition is None or condition.proposal_id != proposal.id:
            raise NotFound(f"no condition {condition_id} on {ref(proposal)}")
        actor = tx.who
        if not (actor.has(Role.REVIEWER, review_domain(condition.domain)) or actor.is_approver):
            raise PermissionDenied(
                f"{actor.username} cannot change conditions of {condition.domain} findings"
            )
        access.require_not_requester(actor, proposal, "change its conditions")
        before = condition.status
        condition.status = status
        condition.updated_at = services.now()
        access.touch(tx, proposal)
        tx.audit(
            "condition.status",
            "proposal",
            proposal.id,
            condition=condition_id,
            before=before,
            after=status,
        )
        return proposal_view(tx, proposal)
