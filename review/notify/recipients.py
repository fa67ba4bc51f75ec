"""Who GEN-9 tells about a deadline: the business owner and the department, the reviewers of
the affected domain, and its waiver authority; the Director of Digital Service as well when
an overdue finding is escalated. Read once per sweep from the accounts and their roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..services.roles import Role, review_domain
from ..store.models import RoleGrant, User

# GEN-5: the Director of Digital Service is the waiver authority of every domain without its
# own, so whoever holds waiver authority for "general" is the Director.
DIRECTOR_DOMAIN = "general"


@dataclass(frozen=True)
class Person:
    email: str
    name: str


class Owned(Protocol):
    """A system, or a row of one (the sweep's): whose it is."""

    @property
    def owner_email(self) -> str: ...
    @property
    def owner_name(self) -> str: ...
    @property
    def department(self) -> str: ...


@dataclass
class Directory:
    department: dict[str, list[Person]] = field(default_factory=dict)
    reviewers: dict[str, list[Person]] = field(default_factory=dict)
    authorities: dict[str, list[Person]] = field(default_factory=dict)
    directors: list[Person] = field(default_factory=list)
    admins: list[Person] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session) -> Directory:
        found = cls()
        rows = session.execute(
            select(User.email, User.display_name, User.department, RoleGrant.role, RoleGrant.domain)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.active.is_(True))
            .order_by(User.username)
        )
        for email, name, department, role, domain in rows:
            person = Person(email.lower(), name)
            if role == Role.REQUESTER.value and department:
                found.department.setdefault(department, []).append(person)
            elif role == Role.REVIEWER.value:
                found.reviewers.setdefault(domain, []).append(person)
            elif role == Role.WAIVER_AUTHORITY.value:
                found.authorities.setdefault(domain, []).append(person)
                if domain == DIRECTOR_DOMAIN:
                    found.directors.append(person)
            elif role == Role.ADMIN.value:
                found.admins.append(person)
        return found

    def for_system(self, system: Owned, domain: str, *, escalate: bool = False) -> list[Person]:
        """Everyone GEN-9 names for a deadline of ``domain`` (a finding or review domain)."""
        people = [Person(system.owner_email.lower(), system.owner_name)]
        people += self.department.get(system.department, [])
        people += self.reviewers.get(review_domain(domain), [])
        people += self.authorities.get(domain, [])
        if escalate:
            people += self.directors
        unique: dict[str, Person] = {}
        for person in people:
            unique.setdefault(person.email, person)
        return list(unique.values())
