"""GEN-10 delays: a department asks for a register entry to be published later, for a
stated reason; the Director of Digital Service grants or refuses it. The longest delay
(``max_delay_months`` after the decision) and who decides are data
(standards/publication.yaml). Each step writes its audit event in the same transaction; a
granted delay is itself listed on the registers (review.services.registers).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select

from ..core.derived import months_before
from ..core.publication import rules
from ..errors import FieldProblem, NotFound, PermissionDenied, RecordInvalid, Refused
from ..store.models import System
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


def may_use(actor: Actor) -> bool:
    """Who works with delays: the departments that ask (requesters, admins) and the
    Director who decides; the workspace shows the page to them only."""
    return actor.is_requester or actor.is_admin or may_decide(actor)


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
        text = (note or "").strip()
        if not grant and not text:
            raise RecordInvalid(
                [FieldProblem("note", "a refusal needs a reason the department is told (GEN-10)")]
            )
        if len(text) > MAX_REASON:
            raise RecordInvalid(
                [FieldProblem("note", f"{len(text)} characters; at most {MAX_REASON}")]
            )
        delay.status = "granted" if grant else "refused"
        delay.decided_by = tx.who.username
        delay.decided_on = services.today()
        delay.decision_note = text or None
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
        mine = {
            s
            for (s,) in tx.session.execute(
                select(System.id).where(System.department == (actor.department or ""))
            )
        }
        return [d for d in delays if d.system_id in mine]


class Delay(BaseModel):
    """A delay as the workspace shows it: with its system's title and department."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: int
    ref: str  # D-3
    system: str  # S-12
    title: str
    department: str
    reason: str
    until: dt.date
    status: str  # requested | granted | refused
    requested_by: str
    requested_on: dt.date
    decided_by: str | None
    decided_on: dt.date | None
    note: str | None


class Candidate(BaseModel):
    """A system in use whose entry a department may ask to delay, and when it publishes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    system_id: int
    ref: str
    title: str
    department: str
    decided_on: dt.date
    publishes_on: dt.date  # without a delay: decision + hold_days
    latest_until: dt.date  # the last day a delay may run to (max_delay_months)
    state: str  # published | soon | asked | delayed
    open_delay: str | None  # D-3, when a delay is asked for or in force


class Overview(BaseModel):
    """Everything the Publication delays page shows to one person."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    today: dt.date
    may_ask: bool  # a department's requesters, or an admin (for every department)
    every_department: bool  # the candidates are every department's (an admin)
    may_decide: bool
    decider: str
    max_months: int
    candidates: list[Candidate]
    delays: list[Delay]


def _view(delay: PublicationDelay, system: System) -> Delay:
    return Delay(
        id=delay.id,
        ref=f"D-{delay.id}",
        system=ref(system),
        title=system.title or "",
        department=system.department or "",
        reason=delay.reason,
        until=delay.until,
        status=delay.status,
        requested_by=delay.requested_by,
        requested_on=delay.requested_on,
        decided_by=delay.decided_by,
        decided_on=delay.decided_on,
        note=delay.decision_note,
    )


def overview(services: Services, by: str) -> Overview:
    """The page's data: the systems ``by`` may ask to delay (their department's, every one
    for an admin), and the delays ``by`` may see (:func:`listing`), newest first."""
    today = services.today()
    pub = rules()
    with services.transaction(by) as tx:
        actor = tx.who
        if not may_use(actor):
            raise PermissionDenied(
                f"{actor.username} cannot see publication delays: only requesters, admins and "
                f"the {decider_title()} can (GEN-10)"
            )
        query = select(System).where(System.status == "active")
        if not actor.is_admin:  # a department's own systems; the Director asks for none
            query = query.where(System.department == (actor.department or ""))
        systems: list[System] = []
        if actor.is_admin or actor.is_requester:
            systems = list(tx.session.scalars(query.order_by(System.department, System.title)))
        rows = list(
            tx.session.scalars(select(PublicationDelay).order_by(PublicationDelay.id.desc()))
        )
        by_system = {s.id: s for s in systems}
        missing = {d.system_id for d in rows} - set(by_system)
        if missing:
            by_system.update(
                {s.id: s for s in tx.session.scalars(select(System).where(System.id.in_(missing)))}
            )
        seen = may_decide(actor) or actor.is_admin
        delays = [
            _view(d, by_system[d.system_id])
            for d in rows
            if seen or by_system[d.system_id].department == actor.department
        ]
        candidates = []
        for system in systems:
            own = [d for d in rows if d.system_id == system.id]
            current = next(
                (
                    d
                    for d in own
                    if d.status == "requested" or (d.status == "granted" and d.until > today)
                ),
                None,
            )
            publishes_on = system.entered_on + dt.timedelta(days=pub.hold_days)
            if current is None:
                state = "published" if publishes_on <= today else "soon"
            else:
                state = "asked" if current.status == "requested" else "delayed"
            candidates.append(
                Candidate(
                    system_id=system.id,
                    ref=ref(system),
                    title=system.title or "",
                    department=system.department or "",
                    decided_on=system.entered_on,
                    publishes_on=publishes_on,
                    latest_until=latest_until(system.entered_on),
                    state=state,
                    open_delay=f"D-{current.id}" if current is not None else None,
                )
            )
        return Overview(
            today=today,
            may_ask=actor.is_admin or actor.is_requester,
            every_department=actor.is_admin,
            may_decide=may_decide(actor),
            decider=decider_title(),
            max_months=pub.max_delay_months,
            candidates=candidates,
            delays=delays,
        )
