"""What every service call needs: the database, the evaluator, a clock, and the actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core.evaluate import Evaluator, evaluator
from ..errors import NotFound, PermissionDenied, StaleUpdate
from ..store.database import Database
from ..store.models import AuditEvent, User
from . import audit
from .roles import Role


@dataclass(frozen=True)
class Actor:
    """The signed-in user with the roles they hold right now (read in each transaction)."""

    id: int
    username: str
    display_name: str
    department: str | None
    grants: frozenset[tuple[str, str]]  # (role, domain or "")

    def has(self, role: Role, domain: str = "") -> bool:
        return (role.value, domain) in self.grants

    def domains(self, role: Role) -> list[str]:
        return sorted(d for r, d in self.grants if r == role.value)

    @property
    def is_admin(self) -> bool:
        return self.has(Role.ADMIN)

    @property
    def is_approver(self) -> bool:
        return self.has(Role.APPROVER)

    @property
    def is_requester(self) -> bool:
        return self.has(Role.REQUESTER)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.domains(Role.REVIEWER))


def actor_from(user: User) -> Actor:
    return Actor(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        department=user.department,
        grants=frozenset((g.role, g.domain) for g in user.roles),
    )


@dataclass
class Services:
    """The one object the CLI and the UI hold: database, evaluator and clock."""

    db: Database
    evaluator_factory: Callable[[], Evaluator] = field(default=lambda: evaluator())
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    # argon2id with the library's defaults (RFC 9106 low-memory profile); tests pass a
    # cheaper one, since the cost is deliberate.
    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    @property
    def evaluator(self) -> Evaluator:
        return self.evaluator_factory()

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.clock().date()

    @contextmanager
    def transaction(self, username: str | None = None) -> Iterator[Tx]:
        """One unit of work: commit on success, roll back everything on any error."""
        try:
            with self.db.session() as session:
                actor = _load_actor(session, username) if username is not None else None
                yield Tx(session=session, actor=actor, services=self)
        except StaleDataError:
            raise StaleUpdate(
                "this proposal changed since you loaded it (another reviewer acted); "
                "reload it and try again"
            ) from None


@dataclass
class Tx:
    session: Session
    actor: Actor | None
    services: Services
    _chain: audit.Head | None = None  # the audit chain's last link, once this Tx holds it

    @property
    def who(self) -> Actor:
        if self.actor is None:
            raise PermissionDenied("this action needs a signed-in user")
        return self.actor

    def audit(self, action: str, entity: str, entity_id: str | int, **details: Any) -> AuditEvent:
        """Append an event; the chain is taken (and its head read) once per transaction."""
        if self._chain is None:
            self._chain = audit.head(self.session)
        event = audit.append(
            self.session,
            self._chain,
            actor=self.actor.username if self.actor else "system",
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=details,
            at=self.services.now(),
        )
        self._chain = (event.seq, event.hash)
        return event


def _load_actor(session: Session, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    if not user.active:
        raise PermissionDenied(f"user {username!r} is deactivated")
    return actor_from(user)
