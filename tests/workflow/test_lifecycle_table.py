"""GEN-6 as data: every (state, action) pair either moves where the table says or is refused
with a message that names the state and the actions allowed there."""

from __future__ import annotations

import pytest

from review.errors import InvalidTransition
from review.services.lifecycle import (
    AUTOMATIC,
    TRANSITIONS,
    State,
    allowed_actions,
    next_state,
)


def test_policy_path_is_in_the_table() -> None:
    path = [
        (State.DRAFT, "submit", State.SUBMITTED),
        (State.SUBMITTED, "start_review", State.IN_REVIEW),
        (State.IN_REVIEW, "request_changes", State.CHANGES_REQUESTED),
        (State.CHANGES_REQUESTED, "resubmit", State.IN_REVIEW),
        (State.IN_REVIEW, "all_signed", State.READY),
        (State.READY, "signoff_lost", State.IN_REVIEW),
        (State.READY, "approve", State.APPROVED),
        (State.READY, "approve_with_conditions", State.APPROVED_WITH_CONDITIONS),
        (State.READY, "reject", State.REJECTED),
        (State.APPROVED, "submit_contract", State.CONTRACT_SUBMITTED),
        (State.APPROVED_WITH_CONDITIONS, "submit_contract", State.CONTRACT_SUBMITTED),
        (State.CONTRACT_SUBMITTED, "start_review", State.CONTRACT_REVIEW),
        (State.CONTRACT_REVIEW, "request_changes", State.CONTRACT_CHANGES_REQUESTED),
        (State.CONTRACT_CHANGES_REQUESTED, "resubmit", State.CONTRACT_REVIEW),
        (State.CONTRACT_REVIEW, "all_signed", State.CONTRACT_READY),
        (State.CONTRACT_READY, "approve", State.CONTRACT_APPROVED),
        (State.CONTRACT_READY, "reject", State.CONTRACT_REJECTED),
    ]
    for before, action, after in path:
        assert next_state(before, action) is after
    final = {State.REJECTED, State.CONTRACT_APPROVED, State.CONTRACT_REJECTED, State.WITHDRAWN}
    for state in final:
        assert allowed_actions(state) == []
    # a requester may withdraw at any point before a decision at that stage
    decided = final | {State.APPROVED, State.APPROVED_WITH_CONDITIONS}
    assert set(TRANSITIONS["withdraw"]) == set(State) - decided


@pytest.mark.parametrize("state", list(State))
def test_transition_table_messages(state: State) -> None:
    actions = allowed_actions(state)  # what a person may do; the system's own moves left out
    for action in TRANSITIONS:
        if state in TRANSITIONS[action]:
            assert action in actions or action in AUTOMATIC
            assert next_state(state, action) == TRANSITIONS[action][state]
        else:
            with pytest.raises(InvalidTransition) as caught:
                next_state(state, action, label="P-9")
            readable = state.value.replace("_", " ")
            shown = ", ".join(a.replace("_", " ") for a in actions) or "nothing"
            assert str(caught.value) == (
                f"cannot {action.replace('_', ' ')} P-9: it is {readable}; allowed there: {shown}"
            )
