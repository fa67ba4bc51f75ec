"""Conditions of approval (GEN-8): a major finding may be approved only with one."""

from __future__ import annotations

import datetime as dt

from ..errors import FieldProblem, InvalidTransition, NotFound, PermissionDenied, RecordInvalid
from ..store.models import Condition
from . import access, evaluations
from .access import ref
from .context import Services
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
    problems = [
        FieldProblem(name, "must not be empty")
        for name, value in (("text", text), ("owner", owner))
        if not value or not value.strip()
    ]
    if problems:
        raise RecordInvalid(problems)
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        if State(proposal.state) not in REEVALUATED:
            raise InvalidTransition(f"{ref(proposal)} is {proposal.state}; it takes no conditions")
        finding = evaluations.current_finding(tx, proposal, rule_id, subject)
        domain = str(finding["domain"])
        actor = tx.who
        if not (actor.has(Role.REVIEWER, review_domain(domain)) or actor.is_approver):
            raise PermissionDenied(
                f"{actor.username} cannot add conditions to {domain} findings: only a "
                f"{review_domain(domain)} reviewer or an approver can"
            )
        access.require_not_requester(actor, proposal, "add conditions to it")
        if finding["severity"] != "major":
            raise RecordInvalid(
                [
                    FieldProblem(
                        "rule_id",
                        f"{rule_id} is {finding['severity']}; conditions are for major "
                        "findings (GEN-8)",
                    )
                ]
            )
        if due_date <= services.today():
            raise RecordInvalid([FieldProblem("due_date", f"{due_date} is not in the future")])
        condition = Condition(
            proposal_id=proposal.id,
            finding_key=f"{rule_id}|{finding.get('subject') or ''}",
            rule_id=rule_id,
            subject=finding.get("subject"),
            domain=domain,
            text=text.strip(),
            owner=owner.strip(),
            due_date=due_date,
            created_by=actor.id,
            created_at=services.now(),
            updated_at=services.now(),
        )
        tx.session.add(condition)
        access.touch(tx, proposal)
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
        return proposal_view(tx, proposal)


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
