"""A person's notification choices: a daily or weekly digest (urgent notices come at once)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import FieldProblem, RecordInvalid
from ..store.models import NotificationPreference
from .context import Services, Tx

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHOICES = ("daily", "weekly")


@dataclass(frozen=True)
class Preference:
    digest: str
    weekday: str
    has_feed: bool


def row(tx: Tx, user_id: int) -> NotificationPreference:
    found = tx.session.get(NotificationPreference, user_id)
    if found is None:
        found = NotificationPreference(user_id=user_id, digest="daily", weekday=0)
        tx.session.add(found)
    return found


def get(services: Services, by: str) -> Preference:
    with services.transaction(by) as tx:
        found = tx.session.get(NotificationPreference, tx.who.id)
        if found is None:
            return Preference("daily", WEEKDAYS[0], False)
        return Preference(found.digest, WEEKDAYS[found.weekday], found.feed_token_hash is not None)


def set_digest(services: Services, by: str, choice: str, weekday: str = "mon") -> Preference:
    if choice not in CHOICES:
        raise RecordInvalid([FieldProblem("digest", f"{choice!r}; expected daily or weekly")])
    day = weekday.strip().lower()[:3]
    if day not in WEEKDAYS:
        raise RecordInvalid(
            [FieldProblem("weekday", f"{weekday!r}; expected one of {', '.join(WEEKDAYS)}")]
        )
    with services.transaction(by) as tx:
        found = row(tx, tx.who.id)
        found.digest = choice
        found.weekday = WEEKDAYS.index(day)
        tx.audit("notify.digest", "user", tx.who.username, digest=choice, weekday=day)
        return Preference(found.digest, day, found.feed_token_hash is not None)
