"""GEN-4 and GEN-5: who may see and do what, and how each refusal reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from review.errors import NotFound, PermissionDenied, Refused
from review.services import (
    accounts,
    approval_conditions,
    decisions,
    proposals,
    queue,
    reevaluation,
    reviews,
    signoffs,
    waivers,
)
from review.services.context import Services
from review.services.roles import Role

from .support import ACC_MAJOR, REVIEWER, approved, ready, saas, sign, submitted

pytestmark = pytest.mark.usefixtures("people")

LATER = dt.date(2027, 3, 1)


def no_mfa() -> dict[str, Any]:
    record = saas()
    record["proposal"]["authentication"]["mfa"] = False
    return record


# --- another department -----------------------------------------------------------------


def test_requester_of_another_department_sees_nothing(services: Services) -> None:
    view = submitted(services)
    pid = view.id
    hidden = f"no proposal P-{pid} that you can see"
    attempts: list[Callable[[], object]] = [
        lambda: proposals.get(services, "pat", pid),
        lambda: reviews.comment(services, "pat", pid, "Hello"),
        lambda: proposals.withdraw(services, "pat", pid, reason="mine now"),
        lambda: proposals.resubmit(services, "pat", pid),
        lambda: proposals.save_draft(services, "pat", pid, saas()),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound, match=hidden):
            attempt()
    # the same answer as for an id that does not exist: no probing
    with pytest.raises(NotFound, match="no proposal P-999 that you can see"):
        proposals.get(services, "pat", 999)
    assert proposals.list_proposals(services, "pat") == []
    assert [s.id for s in proposals.list_proposals(services, "lee")] == [pid]


def test_requester_files_only_for_their_own_department(services: Services) -> None:
    with pytest.raises(PermissionDenied, match="belongs to Police and cannot file requests"):
        proposals.create_draft(services, "pat", saas())
    with pytest.raises(PermissionDenied, match="is not a requester"):
        proposals.create_draft(services, "sam", saas())


def test_colleague_in_the_same_department_may_act(services: Services) -> None:
    view = submitted(services)
    assert proposals.get(services, "lee", view.id).requester == "dana"
    assert proposals.withdraw(services, "lee", view.id, reason="Duplicate.").state == "withdrawn"


def test_only_requesters_act_for_the_department(services: Services) -> None:
    view = submitted(services)
    with pytest.raises(PermissionDenied, match="only requesters of the Library department"):
        proposals.withdraw(services, "sam", view.id, reason="not mine")


# --- sign-offs --------------------------------------------------------------------------


def test_reviewer_cannot_sign_off_a_domain_they_do_not_review(services: Services) -> None:
    view = submitted(services)
    with pytest.raises(
        PermissionDenied, match="sam cannot sign off for accessibility: not an accessibility"
    ):
        signoffs.sign_off(services, "sam", view.id, "accessibility")
    with pytest.raises(PermissionDenied, match="not a security reviewer"):
        reviews.request_changes(services, "alex", view.id, domain="security", reason="x")
    for who in ("cara", "iso", "dana", "admin"):
        with pytest.raises(PermissionDenied):
            signoffs.sign_off(services, who, view.id, "technology")
    assert proposals.get(services, "dana", view.id).signoffs == []


def test_signoff_of_a_domain_not_required_is_refused(services: Services) -> None:
    view = submitted(services)
    assert "open_source" not in view.required_signoffs
    with pytest.raises(Refused, match="does not need a open_source sign-off"):
        signoffs.sign_off(services, "olga", view.id, "open_source")


def test_a_domain_is_signed_off_once(services: Services) -> None:
    view = submitted(services)
    signoffs.sign_off(services, "sam", view.id, "security")
    with pytest.raises(Refused, match="already has a valid security sign-off"):
        signoffs.sign_off(services, "sue", view.id, "security")


def test_requester_cannot_sign_off_their_own_proposal(services: Services) -> None:
    view = submitted(services, by="lib-sec")
    with pytest.raises(
        PermissionDenied,
        match=r"lib-sec requested P-\d+ and so cannot sign off on it \(separation of duties",
    ):
        signoffs.sign_off(services, "lib-sec", view.id, "security")
    with pytest.raises(PermissionDenied, match="separation of duties"):
        reviews.request_changes(services, "lib-sec", view.id, domain="security", reason="x")
    # ... and their own request is not in their queue, though a colleague's is
    assert queue.reviewer_queue(services, "lib-sec") == []
    other = submitted(services, by="dana")
    assert [i.id for i in queue.reviewer_queue(services, "lib-sec")] == [other.id]
    assert signoffs.sign_off(services, "lib-sec", other.id, "security").signoffs


def test_requester_cannot_approve_their_own_proposal(services: Services) -> None:
    accounts.grant(services, "admin", "lib-sec", Role.APPROVER)
    view = ready(services, by="lib-sec")
    with pytest.raises(PermissionDenied, match=r"lib-sec requested .* cannot approve"):
        decisions.decide(services, "lib-sec", view.id, "reject", reason="mine")
    assert proposals.get(services, "lib-sec", view.id).state == "ready_for_approval"


def test_approver_who_signed_off_cannot_approve(services: Services) -> None:
    view = submitted(services)
    signoffs.sign_off(services, "rita", view.id, "technology")
    view = sign(services, view.id, view.required_signoffs, skip=("technology",))
    assert view.state == "ready_for_approval"
    with pytest.raises(PermissionDenied, match=r"rita signed off technology .* GEN-4"):
        decisions.decide(services, "rita", view.id, "reject", reason="no")
    assert decisions.decide(services, "cara", view.id, "reject", reason="no").state == "rejected"


def test_approver_who_signed_off_the_proposal_cannot_approve_the_contract(
    services: Services,
) -> None:
    record = saas()
    record["proposal"]["accessibility"]["partially_supports"] = []
    contract = {**record, "contract": proposals_contract()}
    view = submitted(services, record)
    signoffs.sign_off(services, "rita", view.id, "technology")
    view = sign(services, view.id, view.required_signoffs, skip=("technology",))
    view = decisions.decide(services, "cara", view.id, "approve")
    proposals.submit_contract(services, "dana", view.id, contract)
    view = proposals.get(services, "dana", view.id)
    view = sign(services, view.id, view.required_signoffs)
    assert view.state == "contract_ready"
    with pytest.raises(PermissionDenied, match="GEN-4"):
        decisions.decide(services, "rita", view.id, "approve")


def proposals_contract() -> dict[str, Any]:
    from .support import contract_record

    contract: dict[str, Any] = contract_record()["contract"]
    return contract


def test_only_approvers_decide(services: Services) -> None:
    view = ready(services)
    for who in ("tess", "sam", "iso", "admin", "dana"):
        with pytest.raises(PermissionDenied):
            decisions.decide(services, who, view.id, "reject", reason="no")


# --- waivers (GEN-5) --------------------------------------------------------------------


def test_only_the_domains_waiver_authority_can_waive(services: Services) -> None:
    view = submitted(services, no_mfa())
    pid = view.id

    def waive(who: str, rule: str, subject: str | None = None) -> None:
        waivers.grant(
            services,
            who,
            pid,
            rule,
            subject=subject,
            justification="Station network only.",
            compensating_controls="Segmentation.",
            expires_on=LATER,
        )

    with pytest.raises(PermissionDenied, match="only the Information Security Officer can"):
        waive("sam", "SEC-002-mfa")  # the security reviewer is not the authority
    with pytest.raises(PermissionDenied, match="only the Information Security Officer can"):
        waive("ada", "SEC-002-mfa")
    with pytest.raises(PermissionDenied, match="only the Information Security Officer can"):
        waive("director", "SEC-002-mfa")
    with pytest.raises(PermissionDenied, match="only the ADA Coordinator can"):
        waive("iso", ACC_MAJOR, "1.4.10")
    with pytest.raises(PermissionDenied):
        waive("cara", ACC_MAJOR, "1.4.10")
    assert proposals.get(services, "dana", pid).waivers == []
    waive("iso", "SEC-002-mfa")
    waive("ada", ACC_MAJOR, "1.4.10")
    assert [w.granted_by for w in proposals.get(services, "dana", pid).waivers] == ["iso", "ada"]


def test_only_the_authority_revokes_a_waiver(services: Services) -> None:
    view = submitted(services, no_mfa())
    view = waivers.grant(
        services,
        "iso",
        view.id,
        "SEC-002-mfa",
        justification="j",
        compensating_controls="c",
        expires_on=LATER,
    )
    waiver = view.waivers[0].id
    with pytest.raises(PermissionDenied, match="Information Security Officer"):
        waivers.revoke(services, "ada", view.id, waiver, reason="no")
    view = waivers.revoke(services, "iso", view.id, waiver, reason="MFA now enabled")
    assert view.waivers[0].revoked


# --- conditions -------------------------------------------------------------------------


def test_conditions_are_set_by_the_domains_reviewer_or_an_approver(services: Services) -> None:
    view = submitted(services)

    def add(who: str) -> None:
        approval_conditions.add(
            services,
            who,
            view.id,
            ACC_MAJOR,
            text="Fix reflow.",
            owner="Library IT",
            due_date=LATER,
        )

    with pytest.raises(NotFound):
        add("pat")
    with pytest.raises(PermissionDenied, match="only a accessibility reviewer or an approver"):
        add("dana")
    with pytest.raises(PermissionDenied, match="only a accessibility reviewer or an approver"):
        add("sam")
    add("alex")
    add("cara")
    assert [c.owner for c in proposals.get(services, "dana", view.id).conditions] == [
        "Library IT",
        "Library IT",
    ]


# --- administration ---------------------------------------------------------------------


def test_only_admins_manage_users(services: Services) -> None:
    for who in ("dana", "sam", "cara", "iso"):
        only_admins_manage_users(services, who)
    assert len(accounts.list_users(services, "admin")) == 19


def only_admins_manage_users(services: Services, who: str) -> None:
    refused = "is not an admin; only admins manage users"
    with pytest.raises(PermissionDenied, match=refused):
        accounts.create_user(
            services, who, username="eve", display_name="Eve", email="eve@x", password="x" * 12
        )
    with pytest.raises(PermissionDenied, match=refused):
        accounts.grant(services, who, who, Role.ADMIN)
    with pytest.raises(PermissionDenied, match=refused):
        accounts.revoke(services, who, "sam", Role.REVIEWER, "security")
    with pytest.raises(PermissionDenied, match=refused):
        accounts.set_active(services, who, "tess", False)
    with pytest.raises(PermissionDenied, match=refused):
        accounts.list_users(services, who)
    with pytest.raises(PermissionDenied, match=refused):
        accounts.set_password(services, who, "tess", "y" * 12)
    assert not accounts.get_actor(services, who).is_admin


def test_only_admins_run_reevaluation(services: Services) -> None:
    submitted(services)
    for who in ("cara", "sam", "dana", "iso"):
        with pytest.raises(PermissionDenied, match="admins run re-evaluation"):
            reevaluation.reevaluate_all(services, who)
    assert len(reevaluation.reevaluate_all(services, "admin")) == 1


def test_admin_grants_and_revokes_take_effect_at_once(services: Services) -> None:
    view = submitted(services)
    accounts.grant(services, "admin", "sam", Role.REVIEWER, "privacy")
    accounts.revoke(services, "admin", "sam", Role.REVIEWER, "security")
    with pytest.raises(PermissionDenied, match="not a security reviewer"):
        signoffs.sign_off(services, "sam", view.id, "security")
    accounts.revoke(services, "admin", "sam", Role.REVIEWER, "privacy")
    with pytest.raises(NotFound):  # with no role left, sam sees no proposals at all
        signoffs.sign_off(services, "sam", view.id, "security")
    accounts.grant(services, "admin", "sam", Role.REVIEWER, "security")
    assert signoffs.sign_off(services, "sam", view.id, "security").signoffs


def test_deactivated_and_unknown_users_cannot_act(services: Services) -> None:
    view = submitted(services)
    accounts.set_active(services, "admin", "sam", False)
    with pytest.raises(PermissionDenied, match="deactivated"):
        signoffs.sign_off(services, "sam", view.id, "security")
    with pytest.raises(NotFound, match="no user 'mallory'"):
        proposals.get(services, "mallory", view.id)
    with pytest.raises(Refused, match="cannot deactivate your own account"):
        accounts.set_active(services, "admin", "admin", False)


def test_reviewer_queue_only_for_own_domains(services: Services) -> None:
    view = submitted(services)
    with pytest.raises(PermissionDenied, match="sam does not review accessibility"):
        queue.reviewer_queue(services, "sam", domains=["accessibility"])
    for domain in view.required_signoffs:
        items = queue.reviewer_queue(services, REVIEWER[domain])
        assert [(i.id, i.domain) for i in items] == [(view.id, domain)]
    assert queue.reviewer_queue(services, "olga") == []


def test_approved_request_conditions_still_need_the_right_role(services: Services) -> None:
    view = approved(services)
    condition = view.conditions[0].id
    with pytest.raises(PermissionDenied, match="cannot change conditions"):
        approval_conditions.set_status(services, "sam", view.id, condition, "met")
    view = approval_conditions.set_status(services, "alex", view.id, condition, "met")
    assert view.conditions[0].status == "met"
