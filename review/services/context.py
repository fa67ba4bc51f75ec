"""What every service call needs: the database, the evaluator, a clock, and the actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..core.evaluate import Evaluator, evaluator
from ..errors import NotFound, PermissionDenied, StaleUpdate
from ..store.database import Database
from ..store.models import Proposal, User
from . import audit
from .audit import Chain
from .origin import current_origin
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
    # added to every audit event's details: where the action came from (the command line
    # records the operating-system user, since --as is not a sign-in)
    origin: dict[str, str] = field(default_factory=current_origin)

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
                tx = Tx(session=session, actor=actor, services=self)
                event.listen(session, "before_flush", tx._touched_proposals)
                yield tx
                tx._seal_proposals()
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
    _chain: Chain | None = None  # the audit chain, once this Tx holds it
    # proposals this transaction inserts or changes (by object identity), each with its row
    # as the transaction found it (None: a new row)
    _touched: dict[int, tuple[Proposal, dict[str, Any] | None]] = field(default_factory=dict)
    _sealed: bool = False

    @property
    def who(self) -> Actor:
        if self.actor is None:
            raise PermissionDenied("this action needs a signed-in user")
        return self.actor

    def chain(self) -> Chain:
        """Take the audit chain (once per transaction). The first keyed event of an upgraded
        database seals what came before: the last unkeyed link and every proposal row."""
        if self._chain is None:
            self._chain = audit.take(self.session)
            if self._chain.unsealed_legacy:
                self._seal_legacy(self._chain)
        return self._chain

    def audit(self, action: str, entity: str, entity_id: str | int, **details: Any) -> None:
        """Append an event; the chain is taken (and its head read) once per transaction. The
        event is written with the transaction's others before anything is read or at commit
        (``audit.write``)."""
        chain = self.chain()
        audit.append(
            self.session,
            chain,
            actor=self.actor.username if self.actor else "system",
            action=action,
            entity=entity,
            entity_id=entity_id,
            details={**details, **self.services.origin},
            at=self.services.now(),
        )

    def _seal_legacy(self, chain: Chain) -> None:
        self._append_system(
            chain, audit.KEYED_ACTION, "audit", chain.seq, {"legacy_head": chain.hash}
        )
        for proposal in self.session.scalars(select(Proposal).order_by(Proposal.id)):
            self._append_system(
                chain, audit.ROW_ACTION, audit.ROW_ENTITY, proposal.id, audit.row_snapshot(proposal)
            )

    def _append_system(
        self, chain: Chain, action: str, entity: str, entity_id: int, details: dict[str, Any]
    ) -> None:
        audit.append(
            self.session,
            chain,
            actor="system",
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=details,
            at=self.services.now(),
        )

    def _touched_proposals(self, session: Session, _context: Any, _instances: Any) -> None:
        """Before each flush: note every proposal row this transaction inserts or changes."""
        if self._sealed:
            return
        for obj in (*session.new, *session.dirty):
            if id(obj) in self._touched or not isinstance(obj, Proposal):
                continue
            if obj in session.new:
                self._touched[id(obj)] = (obj, None)
            elif session.is_modified(obj):
                self._touched[id(obj)] = (obj, _committed_snapshot(obj))

    def _seal_proposals(self) -> None:
        """Bind each proposal row this transaction changed to an event recording the row as it
        now stands, so an edit made outside the application no longer matches its event.

        The changes not yet flushed are noted as the before-flush hook would note them, and
        written with the sealing events in one flush (not a flush of their own first)."""
        self._touched_proposals(self.session, None, None)
        self._sealed = True
        for proposal, before in self._touched.values():
            now = audit.row_snapshot(proposal)
            if now != before:
                self.audit(audit.ROW_ACTION, audit.ROW_ENTITY, proposal.id, **now)
        self.session.flush()
        if self._chain is not None:  # the transaction's events, in one statement
            audit.write(self.session, self._chain)


def _committed_snapshot(proposal: Proposal) -> dict[str, Any]:
    """The sealed columns as the row stood before this transaction changed it."""
    state = inspect(proposal)
    values: dict[str, Any] = {}
    for column in audit.SEALED_COLUMNS:
        history = state.attrs[column].history
        kept = history.unchanged or history.deleted
        values[column] = kept[0] if kept else getattr(proposal, column)
    return audit.row_snapshot(SimpleNamespace(**values))


def _load_actor(session: Session, username: str) -> Actor:
    # the user and their grants in one query (every transaction begins with it)
    query = select(User).where(User.username == username).options(joinedload(User.roles))
    user = session.scalars(query).unique().one_or_none()
    if user is None:
        raise NotFound(f"no user {username!r}")
    if not user.active:
        raise PermissionDenied(f"user {username!r} is deactivated")
    return actor_from(user)
