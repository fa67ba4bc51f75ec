"""The review lifecycle (GEN-6) as data: which action leads from which state to which.

draft -> submitted -> in_review -> (changes_requested -> in_review)* -> ready_for_approval
-> approved / approved_with_conditions / rejected; then contract_submitted -> contract_review
(-> contract_changes_requested -> contract_review)* -> contract_ready -> contract_approved /
contract_rejected. A requester may withdraw at any point before a decision at that stage.
"""

from __future__ import annotations

from enum import StrEnum

from ..errors import InvalidTransition


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    READY = "ready_for_approval"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"
    CONTRACT_SUBMITTED = "contract_submitted"
    CONTRACT_REVIEW = "contract_review"
    CONTRACT_CHANGES_REQUESTED = "contract_changes_requested"
    CONTRACT_READY = "contract_ready"
    CONTRACT_APPROVED = "contract_approved"
    CONTRACT_REJECTED = "contract_rejected"
    WITHDRAWN = "withdrawn"


S = State
TRANSITIONS: dict[str, dict[State, State]] = {
    "submit": {S.DRAFT: S.SUBMITTED},
    "start_review": {S.SUBMITTED: S.IN_REVIEW, S.CONTRACT_SUBMITTED: S.CONTRACT_REVIEW},
    "request_changes": {
        S.SUBMITTED: S.CHANGES_REQUESTED,
        S.IN_REVIEW: S.CHANGES_REQUESTED,
        S.READY: S.CHANGES_REQUESTED,
        S.CONTRACT_SUBMITTED: S.CONTRACT_CHANGES_REQUESTED,
        S.CONTRACT_REVIEW: S.CONTRACT_CHANGES_REQUESTED,
        S.CONTRACT_READY: S.CONTRACT_CHANGES_REQUESTED,
    },
    "resubmit": {
        S.CHANGES_REQUESTED: S.IN_REVIEW,
        S.CONTRACT_CHANGES_REQUESTED: S.CONTRACT_REVIEW,
    },
    "all_signed": {S.IN_REVIEW: S.READY, S.CONTRACT_REVIEW: S.CONTRACT_READY},
    "signoff_lost": {S.READY: S.IN_REVIEW, S.CONTRACT_READY: S.CONTRACT_REVIEW},
    "approve": {S.READY: S.APPROVED, S.CONTRACT_READY: S.CONTRACT_APPROVED},
    "approve_with_conditions": {S.READY: S.APPROVED_WITH_CONDITIONS},
    "reject": {S.READY: S.REJECTED, S.CONTRACT_READY: S.CONTRACT_REJECTED},
    "submit_contract": {
        S.APPROVED: S.CONTRACT_SUBMITTED,
        S.APPROVED_WITH_CONDITIONS: S.CONTRACT_SUBMITTED,
    },
    "withdraw": {
        state: S.WITHDRAWN
        for state in (
            S.DRAFT,
            S.SUBMITTED,
            S.IN_REVIEW,
            S.CHANGES_REQUESTED,
            S.READY,
            S.CONTRACT_SUBMITTED,
            S.CONTRACT_REVIEW,
            S.CONTRACT_CHANGES_REQUESTED,
            S.CONTRACT_READY,
        )
    },
}

# States in which the record may be edited (a new, unsubmitted version saved).
EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.CONTRACT_CHANGES_REQUESTED})
# States in which reviewers act (comment, waive, add conditions, sign off).
UNDER_REVIEW = frozenset(
    {
        S.SUBMITTED,
        S.IN_REVIEW,
        S.READY,
        S.CHANGES_REQUESTED,
        S.CONTRACT_SUBMITTED,
        S.CONTRACT_REVIEW,
        S.CONTRACT_READY,
        S.CONTRACT_CHANGES_REQUESTED,
    }
)
CONTRACT_STATES = frozenset(
    {
        S.CONTRACT_SUBMITTED,
        S.CONTRACT_REVIEW,
        S.CONTRACT_CHANGES_REQUESTED,
        S.CONTRACT_READY,
        S.CONTRACT_APPROVED,
        S.CONTRACT_REJECTED,
    }
)
# "Open proposals and active contracts" that a change of standards re-evaluates (GEN-7).
REEVALUATED = UNDER_REVIEW | {S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.CONTRACT_APPROVED}
# Where the reviewer queue looks.
QUEUE_STATES = frozenset(
    {S.SUBMITTED, S.IN_REVIEW, S.READY, S.CONTRACT_SUBMITTED, S.CONTRACT_REVIEW, S.CONTRACT_READY}
)


# Transitions the system takes by itself, never offered to a person.
AUTOMATIC = frozenset({"all_signed", "signoff_lost"})


def allowed_actions(state: State) -> list[str]:
    """What a person may do in ``state`` (the automatic transitions left out)."""
    return [a for a, moves in TRANSITIONS.items() if state in moves and a not in AUTOMATIC]


def next_state(state: State, action: str, *, label: str = "this proposal") -> State:
    """The state ``action`` leads to, or an error naming the state and what is allowed."""
    moves = TRANSITIONS[action]
    if state not in moves:
        allowed = ", ".join(a.replace("_", " ") for a in allowed_actions(state)) or "nothing"
        raise InvalidTransition(
            f"cannot {action.replace('_', ' ')} {label}: it is {state.value.replace('_', ' ')}; "
            f"allowed there: {allowed}"
        )
    return moves[state]
