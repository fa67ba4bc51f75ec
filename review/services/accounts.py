"""Local accounts and role grants. Passwords are argon2 hashes; only admins manage users."""

from __future__ import annotations

from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..errors import NotFound, PermissionDenied, Refused
from ..store.models import RoleGrant, User
from .context import Actor, Services, Tx, actor_from
from .roles import Role, scoped, valid_domains

MIN_PASSWORD = 10


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    email: str
    department: str | None
    active: bool
    grants: list[tuple[str, str]]


def _view(user: User) -> UserView:
    return UserView(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        department=user.department,
        active=user.active,
        grants=sorted((g.role, g.domain) for g in user.roles),
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
        if tx.session.scalar(select(User).where(User.username == username)) is not None:
            raise Refused(f"username {username!r} is taken")
        user = User(
            username=username,
            display_name=display_name,
            email=email,
            department=department,
            password_hash=_hash(services, password) if password else None,
        )
        tx.session.add(user)
        tx.session.flush()
        tx.audit("user.create", "user", username, department=department, email=email)
        return _view(user)


def _hash(services: Services, password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Refused(f"password must have at least {MIN_PASSWORD} characters")
    return services.hasher.hash(password)


def set_password(services: Services, by: str | None, username: str, password: str) -> None:
    with services.transaction(by) as tx:
        if tx.actor is not None and tx.actor.username != username:
            _require_admin(tx)
        user = _user(tx, username)
        user.password_hash = _hash(services, password)
        tx.audit("user.password", "user", username)


def authenticate(services: Services, username: str, password: str) -> Actor | None:
    """The actor for a correct password, else None (the same answer for unknown users)."""
    with services.transaction() as tx:
        user = tx.session.scalar(select(User).where(User.username == username))
        if user is None or not user.active or not user.password_hash:
            services.hasher.hash(password)  # spend the same time whether or not the user exists
            return None
        try:
            services.hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            tx.audit("user.sign_in_failed", "user", username)
            return None
        return actor_from(user)


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
        tx.audit("user.activate" if active else "user.deactivate", "user", username)


def list_users(services: Services, by: str) -> list[UserView]:
    with services.transaction(by) as tx:
        _require_admin(tx)
        return [_view(u) for u in tx.session.scalars(select(User).order_by(User.username))]


def get_actor(services: Services, username: str) -> Actor:
    with services.transaction(username) as tx:
        return tx.who


def user_count(services: Services) -> int:
    """How many accounts exist (the first one may be created without an admin)."""
    from sqlalchemy import func

    with services.transaction() as tx:
        return int(tx.session.scalar(select(func.count(User.id))) or 0)
