"""GEN-10 delays: a department asks for a register entry to be published later, for a
stated reason; the Director of Digital Service grants or refuses it. The longest delay
(``max_delay_months`` after the decision) and who decides are data
(standards/publication.yaml). Each step writes its audit event in the same transaction; a
granted delay is itself listed on the registers (review.services.registers).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from ..core.derived import months_before
from ..core.publication import rules
from ..errors import FieldProblem, NotFound, PermissionDenied, RecordInvalid, Refused
from ..store.publication_models import PublicationDelay
from .context import Actor, Services
from .inventory import load, may_manage, ref
from .roles import Role, waiver_title

MAX_REASON = 2_000


def latest_until(entered_on: dt.date) -> dt.date:
    """The last day a delay of a system decided on ``entered_on`` may run to."""
    return months_before(entered_on, -rules().max_delay_months)


def may_decide(actor: Actor) -> bool:
    decider = rules().delay_decided_by
    return actor.has(Role(decider.role), decider.domain)


def decider_title() -> str:
    decider = rules().delay_decided_by
    if decider.role == Role.WAIVER_AUTHORITY.value:
        return waiver_title(decider.domain)
    return decider.role.replace("_", " ")


def request(
    services: Services, by: str, system_id: int, *, until: dt.date, reason: str
) -> PublicationDelay:
    """The department asks for a delay until ``until`` (GEN-10)."""
    text = (reason or "").strip()
    if not text:
        raise RecordInvalid([FieldProblem("reason", "a delay needs a stated reason (GEN-10)")])
    if len(text) > MAX_REASON:
        raise RecordInvalid(
            [FieldProblem("reason", f"{len(text)} characters; at most {MAX_REASON}")]
        )
    today = services.today()
    with services.transaction(by) as tx:
        system = load(tx, system_id)
        if not may_manage(tx.who, system):
            raise PermissionDenied(
                f"{tx.who.username} cannot ask to delay {ref(system)}: only admins and the "
                f"{system.department} department can (GEN-10)"
            )
        if system.status != "active":
            raise Refused(f"{ref(system)} is retired: it is not published")
        limit = latest_until(system.entered_on)
        if until <= today:
            raise RecordInvalid([FieldProblem("until", f"{until} is not after today ({today})")])
        if until > limit:
            raise RecordInvalid(
                [
                    FieldProblem(
                        "until",
                        f"{until} is more than {rules().max_delay_months} months after the "
                        f"decision ({system.entered_on}); the latest is {limit} (GEN-10)",
                    )
                ]
            )
        open_one = tx.session.scalar(
            select(PublicationDelay.id).where(
                PublicationDelay.system_id == system.id,
                or_(
                    PublicationDelay.status == "requested",
                    (PublicationDelay.status == "granted") & (PublicationDelay.until > today),
                ),
            )
        )
        if open_one is not None:
            raise Refused(f"{ref(system)} already has a delay asked for or in force (D-{open_one})")
        delay = PublicationDelay(
            system_id=system.id,
            reason=text,
            until=until,
            status="requested",
            requested_by=tx.who.username,
            requested_on=today,
            created_at=services.now(),
        )
        tx.session.add(delay)
        tx.session.flush()
        tx.audit(
            "publication.delay_request",
            "system",
            system.id,
            delay=delay.id,
            until=until.isoformat(),
            reason=text,
        )
        return delay


def decide(
    services: Services, by: str, delay_id: int, *, grant: bool, note: str | None = None
) -> PublicationDelay:
    """The Director grants or refuses a requested delay."""
    with services.transaction(by) as tx:
        if not may_decide(tx.who):
            raise PermissionDenied(
                f"{tx.who.username} cannot decide a publication delay: only the "
                f"{decider_title()} can (GEN-10)"
            )
        delay = tx.session.get(PublicationDelay, delay_id)
        if delay is None:
            raise NotFound(f"no publication delay D-{delay_id}")
        if delay.status != "requested":
            raise Refused(f"D-{delay_id} is already {delay.status}")
        delay.status = "granted" if grant else "refused"
        delay.decided_by = tx.who.username
        delay.decided_on = services.today()
        delay.decision_note = (note or "").strip() or None
        tx.audit(
            "publication.delay_grant" if grant else "publication.delay_refuse",
            "system",
            delay.system_id,
            delay=delay.id,
            until=delay.until.isoformat(),
            note=delay.decision_note,
        )
        return delay


def listing(services: Services, by: str) -> list[PublicationDelay]:
    """Every delay, newest first, for the people who ask for and decide them."""
    with services.transaction(by) as tx:
        actor = tx.who
        query = select(PublicationDelay).order_by(PublicationDelay.id.desc())
        delays = list(tx.session.scalars(query))
        if may_decide(actor) or actor.is_admin:
            return delays
        from ..store.models import System

        mine = {
            s
            for (s,) in tx.session.execute(
                select(System.id).where(System.department == (actor.department or ""))
            )
        }
        return [d for d in delays if d.system_id in mine]
