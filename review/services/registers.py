"""The City's public registers (GEN-10), computed from the inventory as of a date.

Three registers: approved technology (every system in use), the surveillance technology
inventory (PRIV-4) and the AI systems register (AI-1 to AI-4). Which systems are listed is
decided in the database (so a page of 50 out of 20,000 costs about what a page of 50 out of
200 does); what each entry says is decided by the publication rules
(standards/publication.yaml, review.core.publication), which only ever let public facts out.

When an entry appears (GEN-10, numbers from the rules): ``hold_days`` after the system's
decision, the time a department has to ask for a delay; a request not yet decided holds it
until ``within_days`` at most; a granted delay holds it until the delay ends, and the delay
itself is listed. Retired systems leave the registers. No sign-in is needed: nothing here
depends on who asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from ..core.publication import PublicationRules, entry_values, record_value, rules
from ..errors import InputError
from ..store.models import Decision, Packet, System
from ..store.publication_models import PublicationDelay
from .context import Services, Tx

REGISTERS = ("approved", "surveillance", "ai")
# the decisions (a Decision's outcome is the state it moved the request to) that put a system
# in use; the register publishes the outcome as it is stored ("in_use" for an imported system)
APPROVALS = ("approved", "approved_with_conditions", "contract_approved")
FLAGS = {
    "surveillance": ("proposal", "surveillance", "is_surveillance_technology"),
    "ai": ("proposal", "ai", "uses_ai"),
}


@dataclass(frozen=True)
class Entry:
    system_id: int
    values: dict[str, Any]  # the register's public fields, in its order


@dataclass(frozen=True)
class DelayListing:
    """A granted delay in force: listed in place of the entry (GEN-10)."""

    ref: str
    department: str
    reason: str
    granted_on: dt.date
    until: dt.date


@dataclass(frozen=True)
class RegisterPage:
    register: str
    title: str
    as_of: dt.date
    fields: list[str]
    entries: list[Entry]
    total: int
    offset: int
    limit: int
    departments: list[str]
    delays: list[DelayListing]


def check_register(name: str) -> str:
    if name not in REGISTERS:
        raise InputError(f"register: {name!r}; expected one of {', '.join(REGISTERS)}")
    return name


def _day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def delayed(tx: Tx, as_of: dt.date) -> tuple[set[int], set[int]]:
    """Systems whose entry a granted delay holds on ``as_of``, and systems with a delay asked
    for and undecided then (the delays table is small: read once, not per system)."""
    delay = PublicationDelay
    rows = tx.session.execute(
        select(delay.system_id, delay.status, delay.decided_on, delay.until).where(
            delay.requested_on <= as_of
        )
    )
    granted: set[int] = set()
    pending: set[int] = set()
    for system_id, status, decided_on, until in rows:
        if status == "requested" or (decided_on is not None and decided_on > as_of):
            pending.add(system_id)
        elif status == "granted" and until > as_of:
            granted.add(system_id)
    return granted, pending


def listed(
    register: str, as_of: dt.date, pub: PublicationRules, held: tuple[set[int], set[int]]
) -> list[ColumnElement[bool]]:
    """The conditions under which a system is in ``register`` on ``as_of`` (``held``: what
    :func:`delayed` found)."""
    granted, pending = held
    conditions: list[ColumnElement[bool]] = [
        or_(System.status == "active", System.retired_at >= _day_after(as_of)),
        System.entered_on <= as_of - dt.timedelta(days=pub.hold_days),
    ]
    if granted:
        conditions.append(System.id.not_in(sorted(granted)))
    if pending:
        latest = as_of - dt.timedelta(days=pub.within_days)
        conditions.append(or_(System.id.not_in(sorted(pending)), System.entered_on <= latest))
    flag = FLAGS.get(register)
    if flag is not None:
        conditions.append(System.record[flag].as_boolean().is_(True))
    return conditions


def _rows(
    register: str, as_of: dt.date, pub: PublicationRules, held: tuple[set[int], set[int]]
) -> Select[Any]:
    return (
        select(
            System.id,
            System.record,
            System.vendor,
            System.tier,
            System.proposal_id,
            System.entered_on,
            System.owner_email,
        )
        .where(*listed(register, as_of, pub, held))
        .order_by(System.department, System.title, System.id)
    )


def _decisions(tx: Tx, proposal_ids: list[int] | None, as_of: dt.date) -> dict[int, Any]:
    """The latest approving decision of each proposal on or before ``as_of``."""
    query = (
        select(Decision.proposal_id, Decision.outcome, Decision.created_at)
        .where(Decision.outcome.in_(APPROVALS), Decision.created_at < _day_after(as_of))
        .order_by(Decision.proposal_id, Decision.created_at, Decision.id)
    )
    if proposal_ids is not None:
        query = query.where(Decision.proposal_id.in_(proposal_ids))
    return {row.proposal_id: row for row in tx.session.execute(query)}


def _packets(tx: Tx, proposal_ids: list[int] | None, as_of: dt.date) -> dict[int, Any]:
    """The latest packet issued for each proposal on or before ``as_of``."""
    query = (
        select(Packet.proposal_id, Packet.packet_id, Packet.digest)
        .where(Packet.issued_at < _day_after(as_of))
        .order_by(Packet.proposal_id, Packet.issued_at, Packet.id)
    )
    if proposal_ids is not None:
        query = query.where(Packet.proposal_id.in_(proposal_ids))
    return {row.proposal_id: row for row in tx.session.execute(query)}


def _entry(row: Any, decision: Any, packet: Any, pub: PublicationRules) -> dict[str, Any]:
    """What the register computes for a system (the rest comes from its record)."""
    record: dict[str, Any] = row.record
    proposal = record.get("proposal", {})
    contact = (proposal.get("publication") or {}).get("contact")
    people = {
        str(proposal.get("requester", {}).get("email", "")).lower(),
        str((proposal.get("business_owner") or {}).get("email", "")).lower(),
        str(row.owner_email or "").lower(),
    }
    if not contact or str(contact).lower() in people:
        contact = str(pub.default_contact)  # a person's address is never the public contact
    if decision is not None:
        word = decision.outcome
        decided: dt.date = decision.created_at.date()
    else:  # entered from the City's own inventory, without a review here
        word, decided = "in_use", row.entered_on
    attachments = proposal.get("attachments") or []
    return {
        "ref": f"S-{row.id}",
        "vendor": row.vendor,
        "tier": row.tier,
        "contact": contact,
        "decision": word,
        "decision_date": decided,
        "packet_id": packet.packet_id if packet is not None else None,
        "packet_digest": packet.digest if packet is not None else None,
        "use_policy": any(a.get("kind") == "use_policy" for a in attachments),
    }


def _entries(
    tx: Tx, rows: list[Any], as_of: dt.date, pub: PublicationRules, fields: list[str]
) -> list[Entry]:
    ids = [r.proposal_id for r in rows if r.proposal_id is not None]
    decisions = _decisions(tx, ids if len(ids) < 500 else None, as_of)
    packets = _packets(tx, ids if len(ids) < 500 else None, as_of)
    out = []
    for row in rows:
        entry = _entry(row, decisions.get(row.proposal_id), packets.get(row.proposal_id), pub)
        out.append(Entry(row.id, entry_values(row.record, entry, fields)))
    return out


def page(
    services: Services,
    register: str,
    as_of: dt.date | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    department: str | None = None,
) -> RegisterPage:
    """One page of a register, for the public pages (no sign-in)."""
    pub = rules()
    spec = pub.register(check_register(register))
    as_of = as_of or services.today()
    limit = limit or pub.page_size
    with services.transaction() as tx:
        held = delayed(tx, as_of)
        query = _rows(register, as_of, pub, held)
        # one pass over the index: each department's count gives the list and the total
        counts: dict[str, int] = {
            name: int(n)
            for name, n in tx.session.execute(
                select(System.department, func.count())
                .where(*listed(register, as_of, pub, held))
                .group_by(System.department)
            )
        }
        departments = sorted(counts)
        if department:
            query = query.where(System.department == department)
        total = int(counts.get(department, 0) if department else sum(counts.values()))
        offset = max(0, min(offset, max(0, total - 1)))
        # the page's ids first (the sort reads the index, not 20,000 records), then their rows
        ids = list(
            tx.session.scalars(query.with_only_columns(System.id).offset(offset).limit(limit))
        )
        found = {
            r.id: r
            for r in tx.session.execute(_rows(register, as_of, pub, held).where(System.id.in_(ids)))
        }
        rows = [found[i] for i in ids]
        return RegisterPage(
            register=register,
            title=spec.title,
            as_of=as_of,
            fields=spec.published,
            entries=_entries(tx, rows, as_of, pub, spec.published),
            total=total,
            offset=offset,
            limit=limit,
            departments=departments,
            delays=delays_listed(tx, register, as_of),
        )


def every_entry(tx: Tx, register: str, as_of: dt.date) -> Iterator[dict[str, Any]]:
    """Every entry of a register (for `review publish`): its published values, in order."""
    yield from every_register(tx, as_of)[check_register(register)]


def every_register(tx: Tx, as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Every entry of every register, from one read of the systems in use (the surveillance
    and AI registers are the approved register's entries that are surveillance or AI)."""
    pub = rules()
    rows = list(tx.session.execute(_rows("approved", as_of, pub, delayed(tx, as_of))))
    decisions = _decisions(tx, None, as_of)
    packets = _packets(tx, None, as_of)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in REGISTERS}
    for row in rows:
        entry = _entry(row, decisions.get(row.proposal_id), packets.get(row.proposal_id), pub)
        for name in REGISTERS:
            flag = FLAGS.get(name)
            if flag is None or record_value(row.record, ".".join(flag)) is True:
                fields = pub.register(name).published
                out[name].append(entry_values(row.record, entry, fields))
    return out


def delays_listed(tx: Tx, register: str, as_of: dt.date) -> list[DelayListing]:
    """Granted delays in force on ``as_of`` of systems the register would list."""
    delay = PublicationDelay
    query = (
        select(System.id, System.department, delay.reason, delay.decided_on, delay.until)
        .join(delay, delay.system_id == System.id)
        .where(delay.status == "granted", delay.decided_on <= as_of, delay.until > as_of)
        .where(or_(System.status == "active", System.retired_at >= _day_after(as_of)))
        .order_by(System.department, System.id, delay.id)
    )
    flag = FLAGS.get(register)
    if flag is not None:
        query = query.where(System.record[flag].as_boolean().is_(True))
    return [
        DelayListing(f"S-{r.id}", r.department, r.reason, r.decided_on, r.until)
        for r in tx.session.execute(query)
    ]
