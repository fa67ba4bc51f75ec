"""The City's technology inventory (GEN-9): approved systems, kept until they are retired.

A system enters when a request is approved (or approved with conditions) and is brought up
to date when its contract is approved and when a later review of it (renewal, change) is
approved; every such review is linked to the earlier ones (``SystemReview``), and every
version of the system's record is kept (``SystemRecord``). A system can also be imported
(review.services.inventory_import) or retired. Each change writes its audit event in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from sqlalchemy import func, select

from ..core.records import CertificationType, Submission
from ..errors import FieldProblem, InputError, NotFound, PermissionDenied, RecordInvalid, Refused
from ..store.models import Proposal, System, SystemRecord, SystemReview
from . import evaluations
from .access import check_version, sees_all
from .context import Actor, Services, Tx
from .lifecycle import State
from .record_versions import normalised, record_hash

# The decisions after which a request is (again) a system in use.
ENTERS_INVENTORY = frozenset(
    {State.APPROVED.value, State.APPROVED_WITH_CONDITIONS.value, State.CONTRACT_APPROVED.value}
)
_SYSTEM_REF = re.compile(r"^\s*S-?(\d+)\s*$", re.IGNORECASE)


class Identified(Protocol):
    """A system, or a row of one (the sweep's): anything with the system's id."""

    @property
    def id(self) -> int: ...


def ref(system: Identified | int) -> str:
    return f"S-{system if isinstance(system, int) else system.id}"


def parse_ref(value: str) -> int:
    """``12`` or ``S-12``; anything else is refused naming the value."""
    text = value.strip()
    match = _SYSTEM_REF.match(text)
    if match:
        return int(match.group(1))
    if text.isdigit():
        return int(text)
    raise InputError(f"system id: expected a number like 12 or S-12, got {value!r}")


def can_view(actor: Actor, system: System) -> bool:
    return sees_all(actor) or (actor.is_requester and actor.department == system.department)


def load(tx: Tx, system_id: int, *, expected_version: int | None = None) -> System:
    """The system, if the actor may see it (others are told it does not exist)."""
    system = tx.session.get(System, system_id)
    if system is None or (tx.actor is not None and not can_view(tx.actor, system)):
        raise NotFound(f"no system {ref(system_id)} that you can see")
    check_version(ref(system), system.row_version, expected_version)
    return system


def apply_record(system: System, submission: Submission) -> None:
    """Copy what lists and filters need from the record onto the system's columns."""
    proposal = submission.proposal
    contract = submission.contract
    owner = proposal.owner
    system.title = proposal.title
    system.product = proposal.vendor.product
    system.vendor = (contract.vendor if contract and contract.vendor else None) or (
        proposal.vendor.name
    )
    system.department = proposal.department
    system.owner_name = owner.name
    system.owner_email = str(owner.email)
    system.data_classes = [c.value for c in proposal.data_classes]
    system.hosting = proposal.hosting.value if proposal.hosting else None
    if contract is not None:
        system.contract_value = contract.value_usd
        system.contract_start = contract.start_date
        system.contract_end = contract.end_date
        system.renewal_options_years = contract.renewal_options_years
        system.auto_renewal = contract.auto_renewal
        system.cancellation_notice_days = contract.cancellation_notice_days


def add_record_version(
    tx: Tx,
    system: System,
    record: dict[str, Any],
    *,
    source: str,
    proposal_id: int | None = None,
    note: str | None = None,
) -> SystemRecord | None:
    """Make ``record`` the system's current record (a new kept version when it differs)."""
    digest = record_hash(record)
    if system.id is not None and digest == system.record_hash:
        return None
    number = 1
    if system.id is not None:
        number = (
            tx.session.scalar(
                select(func.max(SystemRecord.number)).where(SystemRecord.system_id == system.id)
            )
            or 0
        ) + 1
    system.record = record
    system.record_hash = digest
    system.record_number = number
    tx.session.flush()  # the system's id, for a new one
    version = SystemRecord(
        system_id=system.id,
        number=number,
        source=source,
        proposal_id=proposal_id,
        record=record,
        record_hash=digest,
        note=note,
        created_by=tx.actor.username if tx.actor else "system",
        created_at=tx.services.now(),
    )
    tx.session.add(version)
    return version


def _linked_system(tx: Tx, proposal: Proposal, submission: Submission) -> System | None:
    """The system a review of it belongs to: linked already (a renewal the sweep opened, or
    the proposal stage of this contract), or named by ``renewal_of: S-N``."""
    link = tx.session.scalar(select(SystemReview).where(SystemReview.proposal_id == proposal.id))
    if link is not None:
        return tx.session.get(System, link.system_id)
    named = submission.proposal.renewal_of
    match = _SYSTEM_REF.match(named or "")
    if match is None:
        return None
    system = tx.session.get(System, int(match.group(1)))
    if system is None or system.department != proposal.department:
        return None  # a reference to another department's system is not a link
    return system


def on_approval(tx: Tx, proposal: Proposal) -> System:
    """Called by the decision in its transaction: the approved record enters the inventory,
    or brings its system up to date (renewal, change, the contract stage)."""
    current = evaluations.version(tx, proposal)
    submission = Submission.model_validate(current.record)
    today = tx.services.today()
    system = _linked_system(tx, proposal, submission)
    is_new = system is None
    if submission.contract is None and system is not None and system.record.get("contract"):
        # a renewal approved at proposal stage: the contract in force stays the one on file
        # until the renewal's own contract is approved
        submission = Submission.model_validate(
            {**normalised(submission), "contract": system.record["contract"]}
        )
    record = normalised(submission)
    if system is None:
        system = System(
            origin="review",
            status="active",
            reviewed=True,
            entered_on=today,
            record_hash="",
            created_at=tx.services.now(),
        )
        tx.session.add(system)
    previous = system.proposal_id
    apply_record(system, submission)
    system.tier = proposal.tier
    system.reviewed = True
    system.rereview_due = None
    system.proposal_id = proposal.id
    if system.renewal_proposal_id == proposal.id:
        system.renewal_proposal_id = None
    system.updated_at = tx.services.now()
    add_record_version(tx, system, record, source=proposal.state, proposal_id=proposal.id)
    approved = evaluations.latest_evaluation(tx, proposal)
    if approved is not None:  # the findings the approval answered: the sweep's baseline
        from .sweep_judge import judged_hash

        system.judged_hash = judged_hash(approved.findings)
    link = tx.session.scalar(select(SystemReview).where(SystemReview.proposal_id == proposal.id))
    if link is None:
        kind = "initial" if is_new else _review_kind(submission)
        tx.session.add(
            SystemReview(
                system_id=system.id,
                proposal_id=proposal.id,
                kind=kind,
                previous_proposal_id=previous if previous != proposal.id else None,
                opened_on=today,
                created_at=tx.services.now(),
            )
        )
    tx.audit(
        "system.enter" if is_new else "system.update",
        "system",
        system.id,
        proposal=proposal.id,
        outcome=proposal.state,
        record=system.record_number,
    )
    return system


def _review_kind(submission: Submission) -> str:
    acquisition = submission.proposal.acquisition_type
    return "renewal" if acquisition is not None and acquisition.value == "renewal" else "change"


def may_manage(actor: Actor, system: System) -> bool:
    """Retire, record evidence: admins, and the business owner's department (GEN-9)."""
    return actor.is_admin or (actor.is_requester and actor.department == system.department)


def retire(
    services: Services,
    by: str,
    system_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
) -> System:
    """Take a system out of use: out of the sweep (and of the published registers)."""
    if not reason or not reason.strip():
        raise RecordInvalid([FieldProblem("reason", "retiring a system needs a reason")])
    with services.transaction(by) as tx:
        system = load(tx, system_id, expected_version=expected_version)
        if not may_manage(tx.who, system):
            raise PermissionDenied(
                f"{tx.who.username} cannot retire {ref(system)}: only admins and the "
                f"{system.department} department can (GEN-9)"
            )
        if system.status == "retired":
            raise Refused(f"{ref(system)} is already retired")
        system.status = "retired"
        system.retired_at = services.now()
        system.retired_reason = reason.strip()
        system.updated_at = services.now()
        tx.audit("system.retire", "system", system.id, reason=reason.strip())
        return system


# Evidence a department can bring without a new review: certifications by type, the pen test
# and the ACR (the dates SEC-1, SEC-6 and ACC-2 judge).
EVIDENCE_KINDS = (*[c.value for c in CertificationType], "pen_test", "acr")


def record_evidence(
    services: Services,
    by: str,
    system_id: int,
    kind: str,
    date: dt.date,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> System:
    """New evidence on file (a new SOC 2 report, pen test or ACR): a new record version.

    The system is judged again at once, so a finding the evidence answers is cleared now."""
    if kind not in EVIDENCE_KINDS:
        raise RecordInvalid(
            [FieldProblem("kind", f"{kind!r}; expected one of {', '.join(EVIDENCE_KINDS)}")]
        )
    today = services.today()
    if date > today:
        raise RecordInvalid([FieldProblem("date", f"{date} is in the future")])
    with services.transaction(by) as tx:
        system = load(tx, system_id, expected_version=expected_version)
        if not may_manage(tx.who, system):
            raise PermissionDenied(
                f"{tx.who.username} cannot record evidence for {ref(system)}: only admins and "
                f"the {system.department} department can"
            )
        if system.status != "active":
            raise Refused(f"{ref(system)} is retired")
        record = _with_evidence(system.record, kind, date)
        add_record_version(tx, system, record, source="evidence", note=note)
        system.updated_at = services.now()
        tx.audit("system.evidence", "system", system.id, kind=kind, date=date.isoformat())
        from . import sweep

        sweep.judge_one(tx, system, today)
        return system


def _with_evidence(record: dict[str, Any], kind: str, date: dt.date) -> dict[str, Any]:
    submission = Submission.model_validate(record)
    proposal = submission.proposal
    if kind == "pen_test":
        proposal.pen_test_date = date
    elif kind == "acr":
        proposal.accessibility.acr_provided = True
        proposal.accessibility.acr_date = date
    else:
        from ..core.records import Certification

        kept = [c for c in proposal.certifications if c.type.value != kind]
        proposal.certifications = [*kept, Certification(type=CertificationType(kind), date=date)]
    return normalised(submission)
