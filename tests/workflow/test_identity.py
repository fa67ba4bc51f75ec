"""Accounts from the identity provider: groups become roles, and stay in line with them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from review.errors import PermissionDenied, Refused
from review.services import accounts, identity
from review.services.context import Actor, Services
from review.services.roles import Role
from review.store.models import AuditEvent

INES = "https://login.example/tenant|0b3a-ines"
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
        subject=INES,
        username="ines@city.gov",
        display_name="Ines",
        email="ines@city.gov",
        grants=identity.grants_for(["g-sec"], MAPPING),
    )
    assert first.has(Role.REVIEWER, "security") and first.has(Role.WAIVER_AUTHORITY, "security")
    later = identity.sync_user(
        services,
        subject=INES,
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
            subject="https://login.example/tenant|x",
            username="x@city.gov",
            display_name="X",
            email="x@city.gov",
            grants=identity.grants_for(["g-lib", "g-police"], MAPPING),
        )


# --- a provider sign-in never takes over a local account by its name ------------------------


def provider_sign_in(
    services: Services, subject: str, username: str, *, email: str, verified: bool = False
) -> Actor:
    return identity.sync_user(
        services,
        subject=subject,
        username=username,
        display_name=username,
        email=email,
        email_verified=verified,
        grants=identity.grants_for(["g-approve"], MAPPING),
    )


@pytest.mark.usefixtures("people")
def test_a_provider_sign_in_cannot_take_a_local_account_by_its_name(services: Services) -> None:
    """Someone who can choose their username at the provider picks "admin"."""
    with pytest.raises(Refused, match="already exists here and is not linked"):
        provider_sign_in(services, "https://idp.example|mallory", "admin", email="m@evil.example")
    admin = accounts.get_actor(services, "admin")
    assert admin.is_admin and not admin.is_approver  # roles untouched
    assert accounts.authenticate(services, "admin", "correct horse battery") is not None
    with services.transaction() as tx:
        refused = tx.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.identity_link_refused")
        ).one()
    assert (
        refused.entity_id == "admin" and refused.details["subject"] == "https://idp.example|mallory"
    )


@pytest.mark.usefixtures("people")
def test_an_unverified_email_claim_does_not_link(services: Services) -> None:
    with pytest.raises(Refused, match="not linked"):
        provider_sign_in(services, "https://idp|sam", "sam", email="sam@city.example.gov")


@pytest.mark.usefixtures("people")
def test_a_verified_email_matching_the_account_links_it(services: Services) -> None:
    actor = provider_sign_in(
        services, "https://idp|sam", "sam", email="SAM@city.example.gov", verified=True
    )
    assert actor.username == "sam"
    # linked from now on by the subject, whatever name the provider sends later
    again = provider_sign_in(services, "https://idp|sam", "sam.osei", email="sam@city.example.gov")
    assert again.username == "sam"
    (view,) = [u for u in accounts.list_users(services, "admin") if u.username == "sam"]
    assert view.identity_linked
    # another provider account with the same name is refused
    with pytest.raises(Refused, match="linked to another identity-provider account"):
        provider_sign_in(services, "https://idp|impostor", "sam", email="x", verified=True)


@pytest.mark.usefixtures("people")
def test_an_admin_allows_the_link(services: Services) -> None:
    with pytest.raises(PermissionDenied):
        accounts.allow_identity_link(services, "tess", "cara")
    accounts.allow_identity_link(services, "admin", "cara")
    actor = provider_sign_in(services, "https://idp|cara", "cara", email="cara@elsewhere")
    assert actor.username == "cara"
    (view,) = [u for u in accounts.list_users(services, "admin") if u.username == "cara"]
    assert view.identity_linked and not view.identity_link_allowed  # used once
    with services.transaction() as tx:
        linked = tx.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.identity_link")
        ).one()
    assert linked.details["by"] == "admin"
