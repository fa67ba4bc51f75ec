"""Accounts from the identity provider: groups become roles, and stay in line with them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from review.errors import Refused
from review.services import identity
from review.services.context import Services
from review.services.roles import Role
from review.store.models import AuditEvent

MAPPING: dict[str, str | list[str]] = {
    "g-lib": "requester:Library",
    "g-sec": ["reviewer:security", "waiver_authority:security"],
    "g-approve": "approver",
    "g-police": "requester:Police",
}


def test_groups_map_to_grants() -> None:
    grants = identity.grants_for(["g-lib", "g-sec", "unmapped"], MAPPING)
    assert identity.Grant(Role.REQUESTER, "", "Library") in grants
    assert identity.Grant(Role.REVIEWER, "security") in grants
    assert identity.Grant(Role.WAIVER_AUTHORITY, "security") in grants
    assert len(grants) == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("wizard", "unknown role"),
        ("reviewer:weather", "needs one of"),
        ("requester", "names a department"),
        ("approver:security", "takes no scope"),
    ],
)
def test_bad_mappings_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(Refused, match=problem):
        identity.parse_grant(text)


def test_sign_in_creates_and_then_follows_the_groups(services: Services) -> None:
    first = identity.sync_user(
        services,
        username="ines@city.gov",
        display_name="Ines",
        email="ines@city.gov",
        grants=identity.grants_for(["g-sec"], MAPPING),
    )
    assert first.has(Role.REVIEWER, "security") and first.has(Role.WAIVER_AUTHORITY, "security")
    later = identity.sync_user(
        services,
        username="ines@city.gov",
        display_name="Ines",
        email="ines@city.gov",
        grants=identity.grants_for(["g-approve"], MAPPING),
    )
    assert later.is_approver
    assert not later.has(Role.REVIEWER, "security"), "a role no group grants is revoked"
    with services.transaction() as tx:
        actions = [
            e.action for e in tx.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        ]
    assert actions.count("role.revoke") == 2 and "user.create" in actions


def test_requester_of_two_departments_is_refused(services: Services) -> None:
    with pytest.raises(Refused, match="several departments"):
        identity.sync_user(
            services,
            username="x@city.gov",
            display_name="X",
            email="x@city.gov",
            grants=identity.grants_for(["g-lib", "g-police"], MAPPING),
        )
