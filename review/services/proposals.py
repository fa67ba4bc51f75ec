"""A department's side of the lifecycle: drafts, submission, resubmission, contract, withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..core.records import Submission
from ..errors import FieldProblem, InvalidTransition, RecordInvalid
from ..store.models import Contract, Proposal, RecordVersion
from . import access, evaluations
from .access import ref
from .context import Services, Tx
from .lifecycle import EDITABLE, State
from .record_versions import normalised, record_hash, validate_draft, validate_for_submit
from .submission import gaps
from .views import ProposalView, proposal_view


@dataclass(frozen=True)
class Saved:
    """The proposal after a save, and the answers a submission will still need."""

    proposal: ProposalView
    missing: list[FieldProblem]


@dataclass(frozen=True)
class Submitted:
    """What a submit leaves: the request, where it now stands and the evaluation it stored.

    Not the request's whole view: the page a person goes to next reads that itself, and
    building it inside the submit was a fifth of a submit's cost (docs/performance.md). A
    caller that shows the request reads it with :func:`get`."""

    id: int
    ref: str
    state: str
    stage: str
    row_version: int
    current_version: int
    evaluation_id: int
    tier: int | None


def _submitted(proposal: Proposal, evaluation: evaluations.Stored) -> Submitted:
    """The receipt, read after the commit: the row version is then final."""
    return Submitted(
        id=proposal.id,
        ref=ref(proposal),
        state=proposal.state,
        stage=proposal.stage,
        row_version=proposal.row_version,
        current_version=proposal.current_version,
        evaluation_id=evaluation.id,
        tier=evaluation.tier,
    )


def _department(record: dict[str, Any]) -> str:
    proposal = record.get("proposal") if isinstance(record, dict) else None
    department = proposal.get("department") if isinstance(proposal, dict) else None
    if not isinstance(department, str) or not department.strip():
        raise RecordInvalid([FieldProblem("proposal.department", "required field is missing")])
    return department


def _title(record: dict[str, Any]) -> str:
    proposal = record.get("proposal") or {}
    title = proposal.get("title") if isinstance(proposal, dict) else None
    return title.strip() if isinstance(title, str) and title.strip() else "(untitled draft)"


def _add_version(
    tx: Tx,
    proposal: Proposal,
    record: dict[str, Any],
    *,
    stage: str,
    submitted: bool,
    note: str | None,
    flush: bool = True,
) -> RecordVersion:
    """The next version of the record, made current. ``flush=False``: the caller flushes it
    with what it writes next (a submit writes it with the request's row in its last flush).

    Every version is added here and made current, so the current one is the latest (the
    unique number per request refuses a second writer that read the same)."""
    number = (proposal.current_version or 0) + 1
    version = RecordVersion(
        proposal_id=proposal.id,
        number=number,
        record=record,
        record_hash=record_hash(record),
        stage=stage,
        submitted=submitted,
        note=note,
        created_by=tx.who.id,
        created_at=tx.services.now(),
    )
    tx.session.add(version)
    proposal.current_version = number
    access.touch(tx, proposal)
    proposal.title = _title(record)
    if flush:
        tx.session.flush()
    return version


def _create(tx: Tx, record: dict[str, Any], note: str | None) -> tuple[Proposal, RecordVersion]:
    department = _department(record)
    access.require_department(tx.who, department)
    proposal = Proposal(
        title=_title(record),
        department=department,
        requester_id=tx.who.id,
        state=State.DRAFT.value,
        stage="proposal",
        created_at=tx.services.now(),
        updated_at=tx.services.now(),
    )
    tx.session.add(proposal)
    tx.session.flush()
    version = _add_version(tx, proposal, record, stage="proposal", submitted=False, note=note)
    tx.audit("proposal.create", "proposal", proposal.id, department=department)
    return proposal, version


def create_draft(services: Services, by: str, record: Any, *, note: str | None = None) -> Saved:
    """Start a request: a draft may be incomplete, but what it says must be valid."""
    record, _ = validate_draft(record)
    missing = submission_problems(services, record)
    with services.transaction(by) as tx:
        proposal, _ = _create(tx, record, note)
        return Saved(proposal_view(tx, proposal), missing)


def submit_new(services: Services, by: str, record: Any) -> Submitted:
    """Create and submit in one step (the form's Submit before any draft was saved): a
    refused submission stores nothing, so no empty draft is left behind."""
    record, _ = validate_draft(record)
    with services.transaction(by) as tx:
        proposal, version = _create(tx, record, None)
        evaluation = _submit_current(tx, proposal, "submit", "proposal", version)
    return _submitted(proposal, evaluation)


def save_and_submit(
    services: Services, by: str, proposal_id: int, record: Any, *, expected_version: int | None
) -> Submitted:
    """Save the form's answers and submit them (or resubmit, after a change request) in one
    transaction: a refused submission leaves the stored draft as it was."""
    record, _ = validate_draft(record)
    with services.transaction(by) as tx:
        proposal, saved = _save(
            tx, proposal_id, record, expected_version=expected_version, note=None
        )
        if State(proposal.state) is State.DRAFT:
            evaluation = _submit_current(tx, proposal, "submit", "proposal", saved)
        else:
            evaluation = _submit_current(tx, proposal, "resubmit", proposal.stage, saved)
    return _submitted(proposal, evaluation)


def save_draft(
    services: Services,
    by: str,
    proposal_id: int,
    record: Any,
    *,
    expected_version: int | None = None,
    note: str | None = None,
) -> Saved:
    """Save a new version of the record while it is editable; a bad value changes nothing."""
    record, _ = validate_draft(record)
    missing = submission_problems(services, record)
    with services.transaction(by) as tx:
        proposal, _ = _save(tx, proposal_id, record, expected_version=expected_version, note=note)
        return Saved(proposal_view(tx, proposal), missing)


def _save(
    tx: Tx,
    proposal_id: int,
    record: dict[str, Any],
    *,
    expected_version: int | None,
    note: str | None,
) -> tuple[Proposal, RecordVersion]:
    proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
    access.require_requester(tx.who, proposal, "edit")
    state = State(proposal.state)
    if state not in EDITABLE:
        raise InvalidTransition(
            f"{ref(proposal)} is {state.value.replace('_', ' ')}; the record can be edited "
            "only as a draft or when changes were requested"
        )
    if _department(record) != proposal.department:
        raise RecordInvalid(
            [
                FieldProblem(
                    "proposal.department",
                    f"cannot move {ref(proposal)} from {proposal.department} to "
                    f"{_department(record)}",
                )
            ]
        )
    stage = "contract" if state is State.CONTRACT_CHANGES_REQUESTED else "proposal"
    version = _add_version(tx, proposal, record, stage=stage, submitted=False, note=note)
    tx.audit("proposal.save", "proposal", proposal.id, version=proposal.current_version)
    return proposal, version


def submission_problems(services: Services, record: dict[str, Any]) -> list[FieldProblem]:
    """Everything that stops ``record`` from being submitted: the answers the standards
    require (GEN-1, GEN-2) first, then any value the intake schema refuses."""
    try:
        _valid_for_submit(services, record, required=True)
    except RecordInvalid as exc:
        return exc.problems
    return []


def _valid_for_submit(services: Services, record: dict[str, Any], *, required: bool) -> Submission:
    """The validated submission (validated once), or every problem at once."""
    problems = gaps(record, services.evaluator.standards) if required else []
    try:
        submission = validate_for_submit(record)
    except RecordInvalid as exc:
        named = {p.path for p in problems}
        raise RecordInvalid(problems + [p for p in exc.problems if p.path not in named]) from None
    if problems:
        raise RecordInvalid(problems)
    return submission


def _submit_current(
    tx: Tx, proposal: Proposal, action: str, stage: str, current: RecordVersion | None = None
) -> evaluations.Stored:
    """Validate, version, move, evaluate and audit; ``current``: the current version, when
    this transaction has just written it (not read back)."""
    current = current or evaluations.version(tx, proposal)
    required = stage == "proposal"  # the contract stage's proposal was submitted already
    submission = _valid_for_submit(tx.services, current.record, required=required)
    if stage == "contract" and submission.contract is None:
        raise RecordInvalid([FieldProblem("contract", "required to submit the contract stage")])
    if stage == "proposal" and submission.contract is not None:
        raise RecordInvalid(
            [FieldProblem("contract", "submit the contract after the proposal is approved")]
        )
    record = normalised(submission)
    # Everything the submit reads is read before it writes: a read after a write flushes,
    # and each flush costs about as much as the evaluation itself. The evaluation and the
    # new tasks are inserted with Core statements; the version, the request's row and the
    # audit events go out when the transaction ends (one flush, one insert of events).
    if action == "submit":
        # only a draft is submitted (the move below refuses anything else), and nothing
        # returns a request to draft: it was never evaluated, so it has no sign-off and no
        # review task to read (refresh opens them)
        signoffs, tasks = [], {}
    else:
        signoffs = evaluations.valid_signoffs(tx, proposal)
        tasks = evaluations.review_tasks(tx, proposal)
    tx.chain()
    if record != current.record or not current.submitted:
        # the submitted version is the normalised record, kept as a version of its own
        current = _add_version(
            tx, proposal, record, stage=stage, submitted=True, note=None, flush=False
        )
    evaluations.move(tx, proposal, action)
    if action in ("submit", "submit_contract"):
        proposal.submitted_at = tx.services.now()
    evaluation, _ = evaluations.evaluate_version(
        tx, proposal, current, trigger=action, signoffs=signoffs
    )
    tx.audit(
        f"proposal.{action}",
        "proposal",
        proposal.id,
        version=current.number,
        evaluation=evaluation.id,
        tier=evaluation.tier,
        disposition=evaluation.disposition,
    )
    # what the transaction holds, not read back from the database
    evaluations.refresh(tx, proposal, evaluation=evaluation, signoffs=signoffs, tasks=tasks)
    return evaluation


def submit(
    services: Services, by: str, proposal_id: int, *, expected_version: int | None = None
) -> Submitted:
    """Submit for early consultation: the record must be complete; it is evaluated now."""
    with services.transaction(by) as tx:
        proposal, current = access.load_current(tx, proposal_id, expected_version=expected_version)
        access.require_requester(tx.who, proposal, "submit")
        evaluation = _submit_current(tx, proposal, "submit", "proposal", current)
    return _submitted(proposal, evaluation)


def resubmit(
    services: Services,
    by: str,
    proposal_id: int,
    *,
    expected_version: int | None = None,
    response: str | None = None,
) -> Submitted:
    """Answer a change request: the latest saved version goes back to review."""
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        access.require_requester(tx.who, proposal, "resubmit")
        if response:
            from .reviews import add_comment

            add_comment(tx, proposal, response, kind="response", domain=None)
        evaluation = _submit_current(tx, proposal, "resubmit", proposal.stage)
    return _submitted(proposal, evaluation)


def submit_contract(
    services: Services,
    by: str,
    proposal_id: int,
    record: Any,
    *,
    expected_version: int | None = None,
) -> Submitted:
    """Route the agreement before contract approval: the record with its contract."""
    submission = validate_for_submit(record)
    if submission.contract is None:
        raise RecordInvalid([FieldProblem("contract", "required to submit the contract stage")])
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        access.require_requester(tx.who, proposal, "submit the contract of")
        if State(proposal.state) not in (State.APPROVED, State.APPROVED_WITH_CONDITIONS):
            from .lifecycle import next_state

            next_state(State(proposal.state), "submit_contract", label=ref(proposal))
        if submission.proposal.department != proposal.department:
            raise RecordInvalid(
                [FieldProblem("proposal.department", f"must stay {proposal.department}")]
            )
        proposal.stage = "contract"
        normal = normalised(submission)
        version = _add_version(tx, proposal, normal, stage="contract", submitted=False, note=None)
        contract = submission.contract
        tx.session.add(
            Contract(
                proposal_id=proposal.id,
                vendor=contract.vendor,
                value_usd=contract.value_usd,
                start_date=contract.start_date,
                end_date=contract.end_date,
                version_number=proposal.current_version,
                submitted_at=services.now(),
            )
        )
        evaluation = _submit_current(tx, proposal, "submit_contract", "contract", version)
    return _submitted(proposal, evaluation)


def withdraw(
    services: Services,
    by: str,
    proposal_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
) -> ProposalView:
    """Withdraw before approval; everything stays in the record's history."""
    if not reason.strip():
        raise RecordInvalid([FieldProblem("reason", "say why the request is withdrawn")])
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        access.require_requester(tx.who, proposal, "withdraw")
        evaluations.move(tx, proposal, "withdraw", reason=reason)
        evaluations.refresh(tx, proposal)
        return proposal_view(tx, proposal)


def get(services: Services, by: str, proposal_id: int) -> ProposalView:
    with services.transaction(by) as tx:
        return proposal_view(tx, access.load(tx, proposal_id))


@dataclass(frozen=True)
class Summary:
    id: int
    ref: str
    title: str
    department: str
    state: str
    stage: str
    tier: int | None
    disposition: str | None
    submitted_at: Any
    updated_at: Any
    requester: str


def list_proposals(
    services: Services,
    by: str,
    *,
    state: str | None = None,
    department: str | None = None,
    mine: bool = False,
    limit: int = 200,
) -> list[Summary]:
    """Proposals the actor may see, newest activity first."""
    with services.transaction(by) as tx:
        actor = tx.who
        query = select(Proposal).order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        if not access.sees_all(actor):
            query = query.where(Proposal.department == (actor.department or ""))
        if mine:
            query = query.where(Proposal.requester_id == actor.id)
        if state:
            query = query.where(Proposal.state == state)
        if department:
            query = query.where(Proposal.department == department)
        return [
            Summary(
                p.id,
                ref(p),
                p.title,
                p.department,
                p.state,
                p.stage,
                p.tier,
                p.disposition,
                p.submitted_at,
                p.updated_at,
                p.requester.username,
            )
            for p in tx.session.scalars(query.limit(limit))
        ]


def version_records(
    services: Services, by: str, proposal_id: int, numbers: list[int]
) -> dict[int, dict[str, Any]]:
    """Stored records of the given versions, to compare them (anyone who may see it)."""
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        return {n: dict(evaluations.version(tx, proposal, n).record) for n in numbers}
