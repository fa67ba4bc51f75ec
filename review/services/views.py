"""Read models: a proposal as reviewers, requesters and approvers see it.

Finding status is decided at read time: a finding is ``waived`` while an unrevoked,
unexpired waiver covers it (an expired waiver reopens it), ``conditioned`` when a major
finding has a condition of approval, else ``open``; findings of earlier evaluations that the
latest one no longer has are ``resolved``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..core.policy import ReviewPolicy, is_live, key_of
from ..store.models import (
    Comment,
    Condition,
    Decision,
    Proposal,
    RecordVersion,
    SignOff,
    StoredEvaluation,
    Waiver,
)
from .access import ref
from .context import Tx
from .evaluations import latest_evaluation
from .lifecycle import State, allowed_actions


@dataclass(frozen=True)
class WaiverView:
    id: int
    finding_key: str
    rule_id: str
    subject: str | None
    domain: str
    granted_by: str
    justification: str
    compensating_controls: str
    granted_at: dt.datetime
    expires_on: dt.date
    revoked: bool
    expired: bool

    @property
    def active(self) -> bool:
        return not self.revoked and not self.expired


@dataclass(frozen=True)
class ConditionView:
    id: int
    finding_key: str
    rule_id: str
    domain: str
    text: str
    owner: str
    due_date: dt.date
    status: str


@dataclass(frozen=True)
class FindingView:
    finding: dict[str, Any]
    status: str  # open | waived | conditioned | resolved
    waiver: WaiverView | None = None
    conditions: list[ConditionView] = field(default_factory=list)

    @property
    def key(self) -> str:
        return key_of(self.finding)

    @property
    def live(self) -> bool:
        """Open or conditioned: it still counts for the decision."""
        return is_live(self.status)

    def __getitem__(self, name: str) -> Any:
        return self.finding[name]


@dataclass(frozen=True)
class SignOffView:
    id: int
    domain: str
    reviewer: str
    reviewer_name: str
    version_number: int
    at: dt.datetime
    note: str | None
    valid: bool
    invalidated_reason: str | None
    stage: str


@dataclass(frozen=True)
class CommentView:
    author: str
    kind: str
    domain: str | None
    body: str
    at: dt.datetime
    version_number: int


@dataclass(frozen=True)
class DecisionView:
    stage: str
    approver: str
    outcome: str
    reason: str | None
    at: dt.datetime


@dataclass(frozen=True)
class VersionView:
    number: int
    stage: str
    submitted: bool
    at: dt.datetime
    note: str | None
    record_hash: str


@dataclass(frozen=True)
class ProposalView:
    id: int
    ref: str
    title: str
    department: str
    requester: str
    requester_name: str
    state: str
    stage: str
    row_version: int
    current_version: int
    record: dict[str, Any]
    tier: int | None
    tcv: float | None
    raw_disposition: str | None
    disposition: str | None
    standards_version: str | None
    evaluated_at: dt.datetime | None
    evaluated_as_of: dt.date | None
    required_signoffs: list[str]
    missing_signoffs: list[str]
    findings: list[FindingView]
    resolved: list[FindingView]
    signoffs: list[SignOffView]
    waivers: list[WaiverView]
    conditions: list[ConditionView]
    comments: list[CommentView]
    decisions: list[DecisionView]
    versions: list[VersionView]
    allowed_actions: list[str]
    submitted_at: dt.datetime | None
    updated_at: dt.datetime


def waiver_view(waiver: Waiver, today: dt.date) -> WaiverView:
    return WaiverView(
        id=waiver.id,
        finding_key=waiver.finding_key,
        rule_id=waiver.rule_id,
        subject=waiver.subject,
        domain=waiver.domain,
        granted_by=waiver.granter.username,
        justification=waiver.justification,
        compensating_controls=waiver.compensating_controls,
        granted_at=waiver.granted_at,
        expires_on=waiver.expires_on,
        revoked=waiver.revoked_at is not None,
        expired=waiver.expires_on < today,
    )


def condition_view(condition: Condition) -> ConditionView:
    return ConditionView(
        id=condition.id,
        finding_key=condition.finding_key,
        rule_id=condition.rule_id,
        domain=condition.domain,
        text=condition.text,
        owner=condition.owner,
        due_date=condition.due_date,
        status=condition.status,
    )


def effective_disposition(findings: list[FindingView], policy: ReviewPolicy) -> str:
    """GEN-8 over what is still live: waived findings no longer block."""
    return policy.disposition(f["severity"] for f in findings if f.live)


def finding_views(
    tx: Tx, proposal: Proposal, evaluation: StoredEvaluation | None
) -> tuple[list[FindingView], list[FindingView], list[WaiverView], list[ConditionView]]:
    today = tx.services.today()
    policy = tx.services.evaluator.standards.review
    waivers = [
        waiver_view(w, today)
        for w in tx.session.scalars(
            select(Waiver).where(Waiver.proposal_id == proposal.id).order_by(Waiver.id)
        )
    ]
    conditions = [
        condition_view(c)
        for c in tx.session.scalars(
            select(Condition).where(Condition.proposal_id == proposal.id).order_by(Condition.id)
        )
    ]
    current = evaluation.findings if evaluation else []
    views: list[FindingView] = []
    for finding in current:
        key = key_of(finding)
        waiver = next((w for w in reversed(waivers) if w.finding_key == key and w.active), None)
        attached = [c for c in conditions if c.finding_key == key and c.status != "cancelled"]
        if waiver is not None:
            status = "waived"
        elif attached and policy.severity(finding["severity"]).needs_condition:
            status = "conditioned"
        else:
            status = "open"
        views.append(FindingView(finding, status, waiver, attached))
    keys = {key_of(f) for f in current}
    resolved: dict[str, FindingView] = {}
    if evaluation is not None:
        for earlier in tx.session.scalars(
            select(StoredEvaluation)
            .where(StoredEvaluation.proposal_id == proposal.id, StoredEvaluation.id < evaluation.id)
            .order_by(StoredEvaluation.id)
        ):
            for finding in earlier.findings:
                key = key_of(finding)
                if key not in keys and finding["severity"] in policy.acted_on:
                    resolved[key] = FindingView(finding, "resolved")
    return views, list(resolved.values()), waivers, conditions


def proposal_view(tx: Tx, proposal: Proposal) -> ProposalView:
    evaluation = latest_evaluation(tx, proposal)
    findings, resolved, waivers, conditions = finding_views(tx, proposal, evaluation)
    disposition = effective_disposition(findings, tx.services.evaluator.standards.review)
    signoffs = [
        SignOffView(
            id=s.id,
            domain=s.domain,
            reviewer=s.reviewer.username,
            reviewer_name=s.reviewer.display_name,
            version_number=s.version_number,
            at=s.created_at,
            note=s.note,
            valid=s.invalidated_at is None,
            invalidated_reason=s.invalidated_reason,
            stage=s.stage,
        )
        for s in tx.session.scalars(
            select(SignOff).where(SignOff.proposal_id == proposal.id).order_by(SignOff.id)
        )
    ]
    required = list(evaluation.required_signoffs) if evaluation else []
    signed = {s.domain for s in signoffs if s.valid and s.stage == proposal.stage}
    current = tx.session.scalar(
        select(RecordVersion).where(
            RecordVersion.proposal_id == proposal.id,
            RecordVersion.number == proposal.current_version,
        )
    )
    return ProposalView(
        id=proposal.id,
        ref=ref(proposal),
        title=proposal.title,
        department=proposal.department,
        requester=proposal.requester.username,
        requester_name=proposal.requester.display_name,
        state=proposal.state,
        stage=proposal.stage,
        row_version=proposal.row_version,
        current_version=proposal.current_version,
        record=current.record if current else {},
        tier=evaluation.tier if evaluation else None,
        tcv=evaluation.tcv if evaluation else None,
        raw_disposition=evaluation.disposition if evaluation else None,
        disposition=disposition if evaluation else None,
        standards_version=evaluation.standards_version if evaluation else None,
        evaluated_at=evaluation.created_at if evaluation else None,
        evaluated_as_of=evaluation.as_of if evaluation else None,
        required_signoffs=required,
        missing_signoffs=[d for d in required if d not in signed],
        findings=findings,
        resolved=resolved,
        signoffs=signoffs,
        waivers=waivers,
        conditions=conditions,
        comments=[
            CommentView(c.author.username, c.kind, c.domain, c.body, c.created_at, c.version_number)
            for c in tx.session.scalars(
                select(Comment).where(Comment.proposal_id == proposal.id).order_by(Comment.id)
            )
        ],
        decisions=[
            DecisionView(d.stage, d.approver.username, d.outcome, d.reason, d.created_at)
            for d in tx.session.scalars(
                select(Decision).where(Decision.proposal_id == proposal.id).order_by(Decision.id)
            )
        ],
        versions=[
            VersionView(v.number, v.stage, v.submitted, v.created_at, v.note, v.record_hash)
            for v in tx.session.scalars(
                select(RecordVersion)
                .where(RecordVersion.proposal_id == proposal.id)
                .order_by(RecordVersion.number)
            )
        ],
        allowed_actions=allowed_actions(State(proposal.state)),
        submitted_at=proposal.submitted_at,
        updated_at=proposal.updated_at,
    )
