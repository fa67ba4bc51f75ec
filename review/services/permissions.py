"""What the acting person may do with a request and with each of its findings, and why not.

The pages render this and decide nothing: every form they show, every outcome they offer and
every warning they give comes from here. The actions themselves (``signoffs.sign_off``,
``waivers.grant_group``, ``decisions.decide``, ...) check again, and ``decisions.decide``
refuses with the very sentence :func:`decision_refusal` gives, so the page and the service
cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from ..core.policy import ReviewPolicy
from ..errors import InvalidTransition
from .context import Actor, Services
from .lifecycle import REEVALUATED, State, next_state
from .roles import Role
from .signoffs import SIGNABLE
from .views import ConditionView, FindingView, ProposalView

OUTCOMES = ("approve", "approve_with_conditions", "reject")
PAST = {"approve": "approved", "approve_with_conditions": "approved with conditions"}


@dataclass(frozen=True)
class Allowed:
    """Yes, or no with the reason in one sentence."""

    ok: bool
    reason: str = ""

    @staticmethod
    def yes() -> Allowed:
        return Allowed(True)

    @staticmethod
    def no(reason: str) -> Allowed:
        return Allowed(False, reason)


@dataclass(frozen=True)
class RuleGroup:
    """The findings of one rule that one decision may cover (a waiver or a condition each)."""

    rule_id: str
    title: str
    domain: str
    severity: str
    findings: list[FindingView]

    @property
    def subjects(self) -> list[str | None]:
        return [f.finding.get("subject") for f in self.findings]


@dataclass(frozen=True)
class SignOffOption:
    domain: str
    open_blockers: str  # "" when none; else the grouped, counted sentence to confirm


@dataclass(frozen=True)
class Permissions:
    """What ``actor`` may do with one request as it stands (``row_version``)."""

    ref: str
    row_version: int
    resubmit: Allowed
    withdraw: Allowed
    sign_off: list[SignOffOption]
    request_changes: list[str]  # the actor's reviewer domains it may be requested for
    waive: list[RuleGroup]
    waivable_elsewhere: list[tuple[str, str]]  # (finding domain, who may waive)
    condition: list[RuleGroup]
    conditions: list[ConditionView]  # open conditions the actor may mark met or cancelled
    outcomes: dict[str, Allowed]
    waiver_expiry: tuple[dt.date, dt.date, dt.date]  # earliest, proposed, latest
    condition_due: tuple[dt.date, dt.date]  # earliest, proposed
    invite_vendor: Allowed = field(default_factory=Allowed.yes)
    notes: list[str] = field(default_factory=list)

    @property
    def possible_outcomes(self) -> list[str]:
        return [o for o, allowed in self.outcomes.items() if allowed.ok]

    @property
    def anything(self) -> bool:
        return bool(
            self.resubmit.ok
            or self.withdraw.ok
            or self.sign_off
            or self.request_changes
            or self.waive
            or self.condition
            or self.conditions
            or self.possible_outcomes
        )


def for_request(services: Services, by: str, view: ProposalView) -> Permissions:
    """What ``by`` may do with ``view`` (a view ``proposals.get`` returned to them)."""
    with services.transaction(by) as tx:
        actor = tx.who
    return permissions(actor, view, services.evaluator.standards.review, services.today())


def permissions(
    actor: Actor, view: ProposalView, policy: ReviewPolicy, today: dt.date
) -> Permissions:
    own = actor.username == view.requester
    state = State(view.state)
    department = actor.is_requester and actor.department == view.department
    reviewing = not own and state in REEVALUATED
    return Permissions(
        ref=view.ref,
        row_version=view.row_version,
        resubmit=_lifecycle(department, view, "resubmit"),
        withdraw=_lifecycle(department, view, "withdraw"),
        sign_off=_sign_off(actor, view, policy) if not own and state in SIGNABLE else [],
        request_changes=(
            actor.domains(Role.REVIEWER)
            if actor.is_reviewer and not own and "request_changes" in view.allowed_actions
            else []
        ),
        waive=_groups(_waivable(actor, view, policy)) if reviewing else [],
        waivable_elsewhere=_elsewhere(actor, view, policy),
        condition=_groups(_conditionable(actor, view, policy)) if reviewing else [],
        conditions=[] if own else _changeable(actor, view, policy),
        outcomes={o: decision_allowed(actor, view, o, policy) for o in OUTCOMES},
        waiver_expiry=(
            today + dt.timedelta(days=1),
            policy.latest_expiry(today, policy.waivers.default_months),
            policy.latest_expiry(today),
        ),
        condition_due=(
            today + dt.timedelta(days=1),
            policy.latest_expiry(today, policy.conditions.default_due_months),
        ),
        invite_vendor=vendor_invite(
            actor, view.department, view.state, view.required_signoffs, view.ref
        ),
    )


VENDOR_INVITE_STATES = ("draft", "changes_requested")


def vendor_invite(
    actor: Actor, department: str, state: str, required_signoffs: list[str], ref: str
) -> Allowed:
    """Who may invite a vendor to answer a request (issue 14): a requester of its department,
    or a reviewer of it (a reviewer domain among the sign-offs it needs), while the record can
    still change (a draft, or sent back for changes), so accepted answers can become a version.
    The service (``vendor_links.invite``) and the pages both ask this."""
    requester = actor.is_requester and actor.department == department
    reviewer = bool(set(actor.domains(Role.REVIEWER)) & set(required_signoffs))
    if not (requester or reviewer):
        return Allowed.no(
            f"only the {department} department's requesters and the reviewers of {ref} "
            "can invite a vendor"
        )
    if state not in VENDOR_INVITE_STATES:
        return Allowed.no(
            f"{ref} is {state}; a vendor can be invited while it is a draft or sent back for "
            "changes"
        )
    return Allowed.yes()


def _lifecycle(department: bool, view: ProposalView, action: str) -> Allowed:
    if not department:
        return Allowed.no(f"only the {view.department} department's requesters can {action}")
    if action not in view.allowed_actions:
        return Allowed.no(f"{view.ref} is {view.state.replace('_', ' ')}")
    return Allowed.yes()


def _sign_off(actor: Actor, view: ProposalView, policy: ReviewPolicy) -> list[SignOffOption]:
    options = []
    for domain in actor.domains(Role.REVIEWER):
        if domain not in view.missing_signoffs:
            continue
        blockers = [
            f
            for f in view.findings
            if f.live
            and policy.severity(f["severity"]).blocks_approval
            and policy.review_domain(f["domain"]) == domain
        ]
        warning = ""
        if blockers:
            warning = (
                f"{count(len(blockers), 'open blocker finding')} of your domain "
                f"({grouped(blockers)}) will still stop approval after you sign off"
            )
        options.append(SignOffOption(domain, warning))
    return options


def _waivable(actor: Actor, view: ProposalView, policy: ReviewPolicy) -> list[FindingView]:
    mine = set(actor.domains(Role.WAIVER_AUTHORITY))
    return [
        f for f in view.findings if f["domain"] in mine and f.live and policy.waivable(f.finding)
    ]


def _elsewhere(actor: Actor, view: ProposalView, policy: ReviewPolicy) -> list[tuple[str, str]]:
    mine = set(actor.domains(Role.WAIVER_AUTHORITY))
    if not mine:
        return []
    seen = {
        f["domain"]: policy.waiver_title(f["domain"])
        for f in view.findings
        if f.live and policy.waivable(f.finding) and f["domain"] not in mine
    }
    return sorted(seen.items())


def _conditionable(actor: Actor, view: ProposalView, policy: ReviewPolicy) -> list[FindingView]:
    """Open (not yet conditioned) findings that need a condition, of the actor's domains."""
    mine = set(actor.domains(Role.REVIEWER))
    return [
        f
        for f in view.findings
        if f.status == "open"
        and policy.severity(f["severity"]).needs_condition
        and (actor.is_approver or policy.review_domain(f["domain"]) in mine)
    ]


def _changeable(actor: Actor, view: ProposalView, policy: ReviewPolicy) -> list[ConditionView]:
    mine = set(actor.domains(Role.REVIEWER))
    return [
        c
        for c in view.conditions
        if c.status == "open" and (actor.is_approver or policy.review_domain(c.domain) in mine)
    ]


def _groups(findings: list[FindingView]) -> list[RuleGroup]:
    by_rule: dict[str, list[FindingView]] = {}
    for finding in findings:
        by_rule.setdefault(str(finding["rule_id"]), []).append(finding)
    return [
        RuleGroup(
            rule, str(items[0]["title"]), str(items[0]["domain"]), items[0]["severity"], items
        )
        for rule, items in by_rule.items()
    ]


# --- the decision ------------------------------------------------------------------------


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def grouped(findings: list[FindingView]) -> str:
    """``ACC-002-criterion ×21, SEC-002-mfa ×1``: the findings by rule, counted; a rule's
    subjects are named when there are at most three of them."""
    subjects: dict[str, list[str]] = {}
    for finding in findings:
        subject = finding.finding.get("subject")
        subjects.setdefault(str(finding["rule_id"]), []).append(str(subject or ""))
    parts = []
    for rule, items in subjects.items():
        named = [s for s in items if s]
        shown = f" ({', '.join(named)})" if named and len(items) <= 3 else ""
        parts.append(f"{rule} ×{len(items)}{shown}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Refusal:
    """Why a decision may not be recorded: who may not (``permission``), not now (``state``),
    or not with these findings open (``findings``)."""

    kind: Literal["permission", "state", "findings"]
    reason: str


def decision_allowed(
    actor: Actor, view: ProposalView, outcome: str, policy: ReviewPolicy
) -> Allowed:
    refusal = decision_refusal(actor, view, outcome, policy)
    return Allowed.no(refusal.reason) if refusal else Allowed.yes()


def decision_refusal(
    actor: Actor, view: ProposalView, outcome: str, policy: ReviewPolicy
) -> Refusal | None:
    """Why ``actor`` may not record ``outcome`` on ``view`` now, in one sentence (or None)."""
    if not actor.is_approver:
        return Refusal("permission", f"{actor.username} is not a contract approver")
    if actor.username == view.requester:
        return Refusal(
            "permission",
            f"{actor.username} requested {view.ref} and so cannot approve it "
            "(separation of duties, GEN-4)",
        )
    # GEN-4: the packet holds every stage's sign-offs, so any of them disqualifies; one
    # later invalidated by a change still counts (the approver reviewed the request)
    signed = sorted({s.domain for s in view.signoffs if s.reviewer == actor.username})
    if signed:
        return Refusal(
            "permission",
            f"{actor.username} signed off {', '.join(signed)} on {view.ref} and so cannot "
            "approve it (separation of duties, GEN-4)",
        )
    if outcome == "approve_with_conditions" and State(view.state) is State.CONTRACT_READY:
        return Refusal(
            "findings",
            "a contract is approved (its conditions stay attached) or rejected; approve it",
        )
    try:
        next_state(State(view.state), outcome, label=f"proposal {view.ref}")
    except InvalidTransition as exc:
        return Refusal("state", str(exc))
    if outcome == "reject":
        return None
    reason = _approval_refusal(view, outcome, policy)
    return Refusal("findings", reason) if reason else None


def _approval_refusal(view: ProposalView, outcome: str, policy: ReviewPolicy) -> str | None:
    live = [f for f in view.findings if f.live]
    blockers = [f for f in live if policy.severity(f["severity"]).blocks_approval]
    if blockers:
        return (
            f"{view.ref} cannot be approved: {count(len(blockers), 'open blocker finding')} "
            f"({grouped(blockers)}) must be resolved or, where waivable, waived first (GEN-8)"
        )
    majors = [f for f in live if policy.severity(f["severity"]).needs_condition]
    bare = [f for f in majors if not f.conditions]
    contract = State(view.state) is State.CONTRACT_READY
    if bare:
        then = "approve" if contract else "approve with conditions"
        return (
            f"{view.ref} cannot be {PAST[outcome]} yet: {count(len(bare), 'open major finding')} "
            f"without a condition of approval ({grouped(bare)}); add conditions, then {then} "
            "(GEN-8)"
        )
    if outcome == "approve" and majors and not contract:
        return (
            f"{view.ref} has {count(len(majors), 'conditioned major finding')} "
            f"({grouped(majors)}): approve with conditions (GEN-8)"
        )
    if outcome == "approve_with_conditions" and not majors:
        return f"{view.ref} has no open major findings: approve it outright"
    return None


def last_reviewed_version(view: ProposalView) -> int | None:
    """The version the Changes tab compares the current one with by default: the newest
    earlier version a reviewer acted on (signed off, or asked changes of); else the newest
    earlier submitted version; else the one before. None when there is only one."""
    current = view.current_version
    acted = [s.version_number for s in view.signoffs] + [
        c.version_number for c in view.comments if c.kind == "change_request"
    ]
    for candidates in (
        [n for n in acted if n < current],
        [v.number for v in view.versions if v.submitted and v.number < current],
        [v.number for v in view.versions if v.number < current],
    ):
        if candidates:
            return max(candidates)
    return None
