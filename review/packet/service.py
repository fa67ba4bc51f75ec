"""Building and issuing packets from the system of record.

The final packet exists only for a decided request (approved, approved with conditions,
rejected, contract approved, contract rejected) with every required sign-off of its stage;
before that only a preview marked DRAFT. Issuing stores the packet's id, digest and signature
with an audit event in one transaction. A packet is identified by its proposal and the
decision it records (``PKT-<proposal>-<decision>``); building it again with unchanged content
returns the same packet, byte for byte, and records nothing new; if the content changed since
(a condition met, a waiver expired), a new revision is issued (``...-r2``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..errors import Refused
from ..services import access
from ..services.context import Services, Tx
from ..services.views import ProposalView, proposal_view
from ..settings import settings
from ..store.models import AuditEvent, Decision, Packet, Proposal, User
from .compose import compose
from .content import DECIDED_STATES, Composition, HistoryEvent, PacketData, digest_of, money, utc
from .content import canonical_items as _items
from .keys import SigningKey, signing_key
from .render import Integrity, render_packet

VERIFY_PATH = "verify"  # the "Verify a packet" page, under the workspace's address


@dataclass(frozen=True)
class BuiltPacket:
    data: bytes
    packet_id: str
    digest: str
    draft: bool
    newly_issued: bool
    fingerprint: str


def outstanding(tx: Tx, proposal: Proposal) -> list[str]:
    """What still stands between this request and its final packet (empty: issuable)."""
    view = proposal_view(tx, proposal)
    reasons: list[str] = []
    if view.missing_signoffs:
        reasons.append("sign-offs missing: " + ", ".join(view.missing_signoffs))
    if proposal.state not in DECIDED_STATES:
        reasons.append(f"the approver has not decided (it is {proposal.state.replace('_', ' ')})")
    return reasons


def _gather(
    tx: Tx, proposal: Proposal, *, packet_id: str, draft: bool, reasons: list[str]
) -> PacketData:
    view = proposal_view(tx, proposal)
    names = {u: n for u, n in tx.session.execute(select(User.username, User.display_name))}
    events = [
        HistoryEvent(e.seq, e.at, e.actor, e.action, dict(e.details or {}))
        for e in tx.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "proposal", AuditEvent.entity_id == str(proposal.id))
            .order_by(AuditEvent.seq)
        )
        if not e.action.startswith("packet.")
    ]
    standards = tx.services.evaluator.standards
    sections = {sid: s.title for sid, s in standards.section_index.items()}
    decision = _stage_decision(tx, proposal)
    dated = (
        utc(decision.created_at)
        if (decision is not None and not draft)
        else utc(proposal.updated_at)
    )
    city = getattr(getattr(standards, "city", None), "name", None) or "the City"
    threshold = standards.procurement.council_approval_tcv_from
    return PacketData(
        view=view,
        names=names,
        sections=sections,
        events=events,
        packet_id=packet_id,
        draft=draft,
        dated=dated,
        outstanding=reasons,
        city=str(city),
        council=council_reasons(view, threshold),
        verify_at=verify_address(),
    )


def council_reasons(view: ProposalView, threshold: float) -> list[str]:
    """Why City Council approval applies to this request (empty: it does not)."""
    reasons = []
    if view.tier == 3:
        reasons.append("GEN-2, Tier 3 (full review)")
    if view.tcv is not None and view.tcv >= threshold:
        reasons.append(
            f"PROC-1, total contract value {money(view.tcv)} of at least {money(threshold)}"
        )
    return reasons


def verify_address() -> str:
    """The Verify a packet page's address when the workspace's is configured, else ""."""
    base = settings().public_url
    return f"{base.rstrip('/')}/{VERIFY_PATH}" if base else ""


def _stage_decision(tx: Tx, proposal: Proposal) -> Decision | None:
    return tx.session.scalar(
        select(Decision)
        .where(Decision.proposal_id == proposal.id, Decision.stage == proposal.stage)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def _draft_id(proposal: Proposal) -> str:
    return f"DRAFT-{proposal.id}-v{proposal.current_version}"


def _issue(tx: Tx, proposal: Proposal, key: SigningKey) -> tuple[PacketData, bytes | None]:
    """The packet's data, and its sealed bytes when this call issued it (None: issued before)."""
    decision = _stage_decision(tx, proposal)
    if decision is None:  # a decided state always has its decision; be explicit anyway
        raise Refused(f"{access.ref(proposal)} has no decision at the {proposal.stage} stage")
    base = f"PKT-{proposal.id}-{decision.id}"
    earlier = list(
        tx.session.scalars(
            select(Packet).where(Packet.decision_id == decision.id).order_by(Packet.revision)
        )
    )
    for row in earlier:  # unchanged content: the packet already issued
        data = _gather(tx, proposal, packet_id=row.packet_id, draft=False, reasons=[])
        if digest_of(_items(compose(data).blocks)) == row.digest:
            return data, None
    revision = len(earlier) + 1
    packet_id = base if revision == 1 else f"{base}-r{revision}"
    data = _gather(tx, proposal, packet_id=packet_id, draft=False, reasons=[])
    composition = compose(data)
    digest = digest_of(_items(composition.blocks))
    sealed = render_packet(composition, Integrity(packet_id, digest, key.fingerprint), key)
    tx.session.add(
        Packet(
            packet_id=packet_id,
            proposal_id=proposal.id,
            stage=proposal.stage,
            decision_id=decision.id,
            revision=revision,
            outcome=proposal.state,
            digest=digest,
            signature=sealed.signature,
            key_fingerprint=key.fingerprint,
            issued_at=tx.services.now(),
            issued_by=tx.who.id,
        )
    )
    tx.session.flush()
    tx.audit(
        "packet.issue",
        "proposal",
        proposal.id,
        packet=packet_id,
        stage=proposal.stage,
        outcome=proposal.state,
        digest=digest,
        key=key.fingerprint,
    )
    return data, sealed.data


def _sealed(composition: Composition, key: SigningKey) -> tuple[bytes, str]:
    digest = digest_of(_items(composition.blocks))
    return render_packet(
        composition, Integrity(composition.packet_id, digest, key.fingerprint), key
    ).data, digest


def issue_packet(
    services: Services, by: str, proposal_id: int, *, draft_ok: bool = False
) -> BuiltPacket:
    """The final, sealed packet; or, with ``draft_ok``, a DRAFT preview until it is issuable.

    Unchanged content gives the packet already issued, byte for byte (same template, same
    key); after a key rotation or a new template it is sealed afresh under the same id.
    """
    key = signing_key()
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        reasons = outstanding(tx, proposal)
        if reasons and not draft_ok:
            raise Refused(
                f"{access.ref(proposal)} has no approval packet yet: {'; '.join(reasons)}. "
                "Use `review packet preview` for a DRAFT."
            )
        issued: bytes | None = None
        if reasons:
            data = _gather(tx, proposal, packet_id=_draft_id(proposal), draft=True, reasons=reasons)
        else:
            data, issued = _issue(tx, proposal, key)
    composition = compose(data)
    digest = digest_of(_items(composition.blocks))
    built = issued if issued is not None else _sealed(composition, key)[0]
    return BuiltPacket(
        built, data.packet_id, digest, data.draft, issued is not None, key.fingerprint
    )


def build_packet(services: Services, by: str, proposal_id: int, *, draft_ok: bool = False) -> bytes:
    """The packet as .docx bytes (see :func:`issue_packet`)."""
    return issue_packet(services, by, proposal_id, draft_ok=draft_ok).data


def preview_packet(services: Services, by: str, proposal_id: int) -> BuiltPacket:
    """Always a DRAFT preview (sealed as a draft; nothing is issued or recorded)."""
    key = signing_key()
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        reasons = outstanding(tx, proposal)
        data = _gather(tx, proposal, packet_id=_draft_id(proposal), draft=True, reasons=reasons)
    built, digest = _sealed(compose(data), key)
    return BuiltPacket(built, data.packet_id, digest, True, False, key.fingerprint)


def issued_packets(services: Services, by: str, proposal_id: int) -> list[Packet]:
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        return list(
            tx.session.scalars(
                select(Packet).where(Packet.proposal_id == proposal.id).order_by(Packet.id)
            )
        )
