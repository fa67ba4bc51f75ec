"""Accounts from a city's identity provider (OpenID Connect), with roles from its groups.

The provider says who the user is and which groups they belong to; a mapping the
deployment configures turns groups into roles (``group -> "reviewer:security"``,
``"requester:Library"``, ``"approver"``, ...). On every sign-in the local account is created
or brought in line with the provider: roles no longer granted by a group are revoked, and
every change is in the audit log. Local accounts and provider accounts can live side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from ..errors import Refused
from ..store.models import RoleGrant, User
from .context import Actor, Services, actor_from
from .roles import Role, scoped, valid_domains


@dataclass(frozen=True)
class Grant:
    role: Role
    domain: str = ""
    department: str | None = None  # a requester grant names the department


def parse_grant(text: str) -> Grant:
    """``"reviewer:security"``, ``"requester:Library"``, ``"approver"``, ``"admin"``."""
    role_text, _, scope = text.partition(":")
    try:
        role = Role(role_text.strip())
    except ValueError:
        raise Refused(
            f"group mapping {text!r}: unknown role {role_text!r}; expected one of "
            f"{', '.join(r.value for r in Role)}"
        ) from None
    scope = scope.strip()
    if role is Role.REQUESTER:
        if not scope:
            raise Refused(f"group mapping {text!r}: a requester grant names a department")
        return Grant(role, "", scope)
    if scoped(role):
        if scope not in valid_domains(role):
            raise Refused(
                f"group mapping {text!r}: {role.value} needs one of "
                f"{', '.join(valid_domains(role))}"
            )
        return Grant(role, scope)
    if scope:
        raise Refused(f"group mapping {text!r}: {role.value} takes no scope")
    return Grant(role)


def grants_for(groups: Iterable[str], mapping: Mapping[str, str | list[str]]) -> list[Grant]:
    """The grants a user's provider groups give, per the deployment's mapping."""
    out: list[Grant] = []
    for group in groups:
        mapped = mapping.get(group)
        if mapped is None:
            continue
        for text in [mapped] if isinstance(mapped, str) else mapped:
            grant = parse_grant(text)
            if grant not in out:
                out.append(grant)
    return out


def sync_user(
    services: Services,
    *,
    username: str,
    display_name: str,
    email: str,
    grants: list[Grant],
) -> Actor:
    """Create or update the provider's user with exactly the grants its groups give."""
    departments = {g.department for g in grants if g.department}
    if len(departments) > 1:
        raise Refused(
            f"{username}'s groups make them a requester for several departments "
            f"({', '.join(sorted(departments))}); map their groups to one"
        )
    department = departments.pop() if departments else None
    wanted = {(g.role.value, g.domain) for g in grants}
    with services.transaction() as tx:
        user = tx.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(
                username=username, display_name=display_name, email=email, department=department
            )
            tx.session.add(user)
            tx.session.flush()
            tx.audit("user.create", "user", username, source="identity provider")
        elif not user.active:
            raise Refused(f"{username} is deactivated here; an admin must reactivate them")
        if (user.display_name, user.email, user.department) != (display_name, email, department):
            user.display_name, user.email, user.department = display_name, email, department
            tx.audit(
                "user.update", "user", username, department=department, source="identity provider"
            )
        held = {(g.role, g.domain) for g in user.roles}
        for role, domain in sorted(wanted - held):
            user.roles.append(RoleGrant(role=role, domain=domain))
            tx.audit("role.grant", "user", username, role=role, domain=domain, source="groups")
        for role, domain in sorted(held - wanted):
            user.roles = [g for g in user.roles if (g.role, g.domain) != (role, domain)]
            tx.audit("role.revoke", "user", username, role=role, domain=domain, source="groups")
        tx.session.flush()
        return actor_from(user)
