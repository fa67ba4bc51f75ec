"""Local accounts and role grants. Passwords are argon2 hashes; only admins manage users.

Passwords must pass :mod:`review.services.passwords`; sign-in attempts are counted and paused
by :mod:`review.services.signin_limits`; a password change or a deactivation ends every
session of the account (:mod:`review.services.sessions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from ..errors import NotFound, PermissionDenied, Refused, SignInPaused
from ..store.models import RoleGrant, User
from . import passwords, sessions, signin_limits
from .context import Actor, Services, Tx, actor_from
from .roles import Role, scoped, valid_domains

MIN_PASSWORD = passwords.MIN_LENGTH
MAX_USERNAME = 64


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    email: str
    department: str | None
    active: bool
    grants: list[tuple[str, str]]
    identity_linked: bool = False  # signs in through the identity provider
    identity_link_allowed: bool = False  # an admin allowed the next provider sign-in to link
    paused_until: dt.datetime | None = None  # sign-in paused after failed attempts


def _view(user: User, paused_until: dt.datetime | None = None) -> UserView:
    return UserView(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        department=user.department,
        active=user.active,
        grants=sorted((g.role, g.domain) for g in user.roles),
        identity_linked=user.identity_subject is not None,
        identity_link_allowed=user.identity_link_allowed,
        paused_until=paused_until,
    )


def _require_admin(tx: Tx) -> None:
    if tx.actor is not None and not tx.actor.is_admin:
        raise PermissionDenied(f"{tx.actor.username} is not an admin; only admins manage users")


def _user(tx: Tx, username: str) -> User:
    user = tx.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def create_user(
    services: Services,
    by: str | None,
    *,
    username: str,
    display_name: str,
    email: str,
    department: str | None = None,
    password: str | None = None,
) -> UserView:
    """Create an account. ``by`` None is the bootstrap path (first admin, demo seed)."""
    with services.transaction(by) as tx:
        _require_admin(tx)
        if not username or not username.replace("-", "").replace(".", "").isalnum():
            raise Refused(f"username {username!r}: use letters, digits, '.' and '-'")
        if len(username) > MAX_USERNAME:
            raise Refused(f"username {username!r}: at most {MAX_USERNAME} characters")
        if tx.session.scalar(select(User).where(User.username == username)) is not None:
            raise Refused(f"username {username!r} is taken")
        user = User(
            username=username,
            display_name=display_name,
            email=email,
            department=department,
            password_hash=(
                _hash(services, password, (username, display_name, email)) if password else None
            ),
        )
        tx.session.add(user)
        tx.session.flush()
        tx.audit("user.create", "user", username, department=department, email=email)
        return _view(user)


def _hash(services: Services, password: str, known: tuple[str, ...]) -> str:
    passwords.check(password, known=known)
    return services.hasher.hash(password)


def set_password(services: Services, by: str | None, username: str, password: str) -> None:
    """Set a password (your own, or anyone's as an admin); every session of the account ends."""
    with services.transaction(by) as tx:
        if tx.actor is not None and tx.actor.username != username:
            _require_admin(tx)
        user = _user(tx, username)
        user.password_hash = _hash(services, password, (username, user.display_name, user.email))
        ended = sessions.revoke_all(tx, user.id, "password")
        tx.audit("user.password", "user", username, sessions_ended=ended)


def authenticate(
    services: Services, username: str, password: str, *, address: str | None = None
) -> Actor | None:
    """The actor for a correct password, else None (the same answer for unknown users).

    Raises SignInPaused, with the message to show, while the account name or the client
    address is paused after too many failures, and on the failure that starts a pause."""
    username = username[: MAX_USERNAME + 1]
    with services.transaction() as tx:
        now = services.now()
        pause = signin_limits.paused(tx, username, address, now)
        if pause is None:
            found = _check_password(tx, username, password)
            if found is not None:
                signin_limits.record_success(tx, username)
                return found
            pause = signin_limits.record_failure(tx, username, address, now)
            if pause is None:
                return None
    raise SignInPaused(pause.message(now))  # after the commit: the failure stays counted


def _check_password(tx: Tx, username: str, password: str) -> Actor | None:
    hasher = tx.services.hasher
    user = tx.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.password_hash:
        hasher.hash(password)  # spend the same time whether or not the user exists
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        tx.audit("user.sign_in_failed", "user", username)
        return None
    return actor_from(user)


def unlock(
    services: Services, by: str | None, *, username: str | None = None, address: str | None = None
) -> list[str]:
    """Lift a sign-in pause on an account name and/or a client address (admins); audited.
    Returns what was unlocked."""
    if not username and not address:
        raise Refused("name an account or a client address to unlock")
    with services.transaction(by) as tx:
        _require_admin(tx)
        done = []
        if username and signin_limits.unlock(tx, signin_limits.ACCOUNT, username):
            done.append(f"account {username}")
        if address and signin_limits.unlock(tx, signin_limits.ADDRESS, address):
            done.append(f"address {address}")
        return done


def paused_addresses(services: Services, by: str) -> list[signin_limits.Pause]:
    """Client addresses whose sign-ins are paused now (admins)."""
    with services.transaction(by) as tx:
        _require_admin(tx)
        return [
            p for p in signin_limits.pauses(tx, services.now()) if p.scope == signin_limits.ADDRESS
        ]


def allow_identity_link(services: Services, by: str | None, username: str) -> None:
    """Let the next identity-provider sign-in with this username take this account (admins).

    Without this (or a verified email claim matching the account's email) a provider
    sign-in never takes over a local account that happens to have the same username."""
    with services.transaction(by) as tx:
        _require_admin(tx)
        user = _user(tx, username)
        if user.identity_subject is not None:
            raise Refused(f"{username} is already linked to an identity-provider account")
        user.identity_link_allowed = True
        tx.audit("user.identity_link_allowed", "user", username)


def grant(services: Services, by: str | None, username: str, role: Role, domain: str = "") -> None:
    with services.transaction(by) as tx:
        _require_admin(tx)
        if scoped(role) and domain not in valid_domains(role):
            raise Refused(
                f"role {role.value} needs a domain, one of {', '.join(valid_domains(role))}; "
                f"got {domain!r}"
            )
        if not scoped(role) and domain:
            raise Refused(f"role {role.value} takes no domain (got {domain!r})")
        user = _user(tx, username)
        if any(g.role == role.value and g.domain == domain for g in user.roles):
            return
        user.roles.append(RoleGrant(role=role.value, domain=domain))
        tx.audit("role.grant", "user", username, role=role.value, domain=domain)


def revoke(services: Services, by: str | None, username: str, role: Role, domain: str = "") -> None:
    with services.transaction(by) as tx:
        _require_admin(tx)
        user = _user(tx, username)
        kept = [g for g in user.roles if not (g.role == role.value and g.domain == domain)]
        if len(kept) == len(user.roles):
            raise NotFound(f"{username} does not hold {role.value} {domain}".strip())
        user.roles = kept
        tx.audit("role.revoke", "user", username, role=role.value, domain=domain)


def set_active(services: Services, by: str | None, username: str, active: bool) -> None:
    with services.transaction(by) as tx:
        _require_admin(tx)
        user = _user(tx, username)
        if tx.actor is not None and tx.actor.username == username and not active:
            raise Refused("you cannot deactivate your own account")
        user.active = active
        if not active:
            sessions.revoke_all(tx, user.id, "deactivated")
        tx.audit("user.activate" if active else "user.deactivate", "user", username)


def list_users(services: Services, by: str) -> list[UserView]:
    with services.transaction(by) as tx:
        _require_admin(tx)
        paused = {
            p.key: p.until
            for p in signin_limits.pauses(tx, services.now())
            if p.scope == signin_limits.ACCOUNT
        }
        return [
            _view(u, paused.get(u.username))
            for u in tx.session.scalars(select(User).order_by(User.username))
        ]


def get_actor(services: Services, username: str) -> Actor:
    with services.transaction(username) as tx:
        return tx.who


def user_count(services: Services) -> int:
    """How many accounts exist (the first one may be created without an admin)."""
    with services.transaction() as tx:
        return int(tx.session.scalar(select(func.count(User.id))) or 0)


FIRST_ADMIN = (
    "No accounts exist yet and demonstration data was not asked for (REVIEW_DEMO is not set).\n"
    "Create the first administrator on the server, with the same REVIEW_DATABASE_URL or\n"
    "REVIEW_DATA_DIR as the application:\n"
    "  review users add NAME --name 'Full Name' --email name@city.gov\n"
    "(on an empty database the first account needs no --as and is made an admin; the\n"
    "password is asked for). Then sign in and add everyone else under Users and roles."
)


def first_admin_hint(services: Services) -> str | None:
    """How to create the first admin, while no account exists (a production start)."""
    return FIRST_ADMIN if user_count(services) == 0 else None
