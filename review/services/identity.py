"""Accounts from a city's identity provider (OpenID Connect), with roles from its groups.

The provider says who the user is and which groups they belong to; a mapping the
deployment configures turns groups into roles (``group -> "reviewer:security"``,
``"requester:Library"``, ``"approver"``, ...). On every sign-in the local account is created
or brought in line with the provider: roles no longer granted by a group are revoked, and
every change is in the audit log. Local accounts and provider accounts can live side by side.

An account is the provider's by its subject (issuer and ``sub`` claim), never by its name: a
provider sign-in whose username belongs to an account not linked to that subject is refused,
unless an admin allowed the link (``accounts.allow_identity_link``) or the provider vouches,
with ``email_verified``, for the email address the account already has. Otherwise whoever can
choose their name at the provider could take over a local admin of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from ..errors import Refused
from ..store.models import RoleGrant, User
from .context import Actor, Services, Tx, actor_from
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


def _linkable(user: User, email: str, email_verified: bool) -> str | None:
    """Why this existing account may be linked to a new provider subject, or None."""
    if user.identity_link_allowed:
        return "admin"
    if email_verified and email and user.email and email.lower() == user.email.lower():
        return "verified email"
    return None


def _account(tx: Tx, subject: str, username: str, email: str, email_verified: bool) -> User | None:
    """The account this provider subject owns, linking a same-named one only when allowed.

    Raises LinkRefused (after which the caller records the refusal and commits)."""
    linked = tx.session.scalar(select(User).where(User.identity_subject == subject))
    if linked is not None:
        return linked
    named = tx.session.scalar(select(User).where(User.username == username))
    if named is None:
        return None
    if named.identity_subject is not None:
        raise LinkRefused(
            f"the account {username!r} is linked to another identity-provider account; "
            "ask an administrator"
        )
    why = _linkable(named, email, email_verified)
    if why is None:
        raise LinkRefused(
            f"an account named {username!r} already exists here and is not linked to your "
            "City account; an administrator must allow the link (Users and roles, or "
            f"`review users link {username}`)"
        )
    named.identity_subject, named.identity_link_allowed = subject, False
    tx.audit("user.identity_link", "user", username, subject=subject, by=why)
    return named


class LinkRefused(Refused):
    """A provider sign-in that would take over an account it is not linked to."""


def sync_user(
    services: Services,
    *,
    subject: str,
    username: str,
    display_name: str,
    email: str,
    grants: list[Grant],
    email_verified: bool = False,
) -> Actor:
    """Create or update the provider's user with exactly the grants its groups give.

    ``subject`` is the provider's stable identifier ("issuer|sub"); ``email_verified`` is the
    provider's claim that the user controls ``email``."""
    departments = {g.department for g in grants if g.department}
    if len(departments) > 1:
        raise Refused(
            f"{username}'s groups make them a requester for several departments "
            f"({', '.join(sorted(departments))}); map their groups to one"
        )
    if not subject:
        raise Refused(f"the identity provider gave no subject for {username!r}")
    department = departments.pop() if departments else None
    with services.transaction() as tx:
        try:
            user = _account(tx, subject, username, email, email_verified)
        except LinkRefused as refused:
            tx.audit("user.identity_link_refused", "user", username, subject=subject)
            refusal = refused
        else:
            if user is None:
                user = User(
                    username=username,
                    display_name=display_name,
                    email=email,
                    department=department,
                    identity_subject=subject,
                )
                tx.session.add(user)
                tx.session.flush()
                tx.audit("user.create", "user", username, source="identity provider")
            elif not user.active:
                raise Refused(f"{user.username} is deactivated here; an admin must reactivate them")
            _follow(tx, user, display_name, email, department, grants)
            return actor_from(user)
    raise refusal  # after the commit: the refused attempt stays in the audit log


def _follow(
    tx: Tx, user: User, display_name: str, email: str, department: str | None, grants: list[Grant]
) -> None:
    """Bring the account's name, email, department and roles in line with the provider."""
    name = user.username
    if (user.display_name, user.email, user.department) != (display_name, email, department):
        user.display_name, user.email, user.department = display_name, email, department
        tx.audit("user.update", "user", name, department=department, source="identity provider")
    wanted = {(g.role.value, g.domain) for g in grants}
    held = {(g.role, g.domain) for g in user.roles}
    for role, domain in sorted(wanted - held):
        user.roles.append(RoleGrant(role=role, domain=domain))
        tx.audit("role.grant", "user", name, role=role, domain=domain, source="groups")
    for role, domain in sorted(held - wanted):
        user.roles = [g for g in user.roles if (g.role, g.domain) != (role, domain)]
        tx.audit("role.revoke", "user", name, role=role, domain=domain, source="groups")
    tx.session.flush()
