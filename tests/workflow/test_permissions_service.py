"""services.permissions: what a person may do with a request and its findings, and why not."""

from __future__ import annotations

import pytest

from review.errors import InvalidTransition
from review.services import decisions, permissions, proposals
from review.services.context import Services

from .support import ACC_MAJOR, ready, saas, submitted

pytestmark = pytest.mark.usefixtures("people")


def test_a_decision_on_a_draft_is_refused_by_its_state(services: Services) -> None:
    draft = proposals.create_draft(services, "dana", saas())
    view = proposals.get(services, "cara", draft.proposal.id)
    may = permissions.for_request(services, "cara", view)
    assert may.possible_outcomes == []
    assert "it is draft" in may.outcomes["approve"].reason
    with pytest.raises(InvalidTransition, match="it is draft"):
        decisions.decide(services, "cara", view.id, "approve")


def test_each_role_is_offered_its_own_actions(services: Services) -> None:
    view = submitted(services, saas())
    alex = permissions.for_request(services, "alex", view)
    assert [o.domain for o in alex.sign_off] == ["accessibility"]
    assert [g.rule_id for g in alex.condition] == [ACC_MAJOR]
    assert alex.waive == [] and alex.possible_outcomes == []
    ada = permissions.for_request(services, "ada", view)
    assert [g.rule_id for g in ada.waive] == [ACC_MAJOR]
    dana = permissions.for_request(services, "dana", view)
    assert dana.withdraw.ok and not dana.resubmit.ok
    assert dana.sign_off == [] and dana.waive == [] and dana.condition == []
    tess = permissions.for_request(services, "tess", view)
    assert tess.condition == []  # the accessibility finding is not the technology reviewer's


def test_the_approver_is_offered_what_the_findings_allow(services: Services) -> None:
    view = ready(services)  # one open major without a condition
    may = permissions.for_request(services, "cara", view)
    assert may.possible_outcomes == ["reject"]
    assert may.outcomes["approve"].reason.startswith(
        f"{view.ref} cannot be approved yet: 1 open major finding without a condition"
    )
