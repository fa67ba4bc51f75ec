"""Storing evaluations, and what follows from one: tasks, sign-off validity, readiness.

A sign-off records the hash of the record version and of its domain's findings. A new
record version that differs, or a re-evaluation that changes that domain's findings,
invalidates it and says why (GEN-7).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import lazyload

from .. import __version__
from ..core.findings import Evaluation as Result
from ..core.findings import Finding
from ..core.records import Submission
from ..errors import InvalidTransition, NotFound, Refused
from ..store.models import Proposal, RecordVersion, ReviewTask, SignOff, StoredEvaluation
from ..store.storable import refuse_surrogate_rows
from . import access
from .audit import canonical_bytes, written_alike
from .context import Tx
from .lifecycle import QUEUE_STATES, State, next_state
from .record_versions import changed_fields
from .roles import review_domain

ENGINE_VERSION = f"review {__version__} / durable_rules 2.0.28"


def domain_findings(findings: list[dict[str, Any]], domain: str) -> list[dict[str, Any]]:
    return [f for f in findings if review_domain(f["domain"]) == domain]


def domain_hash(findings: list[dict[str, Any]], domain: str) -> str:
    keys = sorted(
        (f["rule_id"], f.get("subject") or "", f["severity"])
        for f in domain_findings(findings, domain)
    )
    return hashlib.sha256(canonical_bytes(keys)).hexdigest()


def all_findings_hash(findings: list[dict[str, Any]], *, alike: bool | None = None) -> str:
    """The hash of the findings' canonical JSON (``audit.canonical``), byte for byte as the
    standard library writes it; ``alike`` as ``audit.canonical_bytes`` takes it."""
    return hashlib.sha256(canonical_bytes(findings, alike=alike)).hexdigest()


def _made_alike(findings: Iterable[Finding]) -> bool:
    """``written_alike`` of the findings' dicts, looking only at what comes from the record
    (the subject and the evidence's values): the rest is the rule's validated data (strings,
    tuples of strings, a boolean), tested against the whole walk in
    tests/workflow/test_canonical_bytes.py."""
    return all(
        written_alike(f.subject) and all(written_alike(e["value"]) for e in f.evidence)
        for f in findings
    )


def latest_evaluation(tx: Tx, proposal: Proposal) -> StoredEvaluation | None:
    return tx.session.scalar(
        select(StoredEvaluation)
        .where(StoredEvaluation.proposal_id == proposal.id)
        .order_by(StoredEvaluation.id.desc())
        .limit(1)
    )


def current_evaluation(tx: Tx, proposal: Proposal) -> StoredEvaluation:
    """The latest evaluation of a request that has been submitted (a draft has none)."""
    evaluation = latest_evaluation(tx, proposal)
    if evaluation is None:
        raise InvalidTransition(f"{access.ref(proposal)} has not been evaluated: submit it first")
    return evaluation


def version(tx: Tx, proposal: Proposal, number: int | None = None) -> RecordVersion:
    found = tx.session.scalar(
        select(RecordVersion).where(
            RecordVersion.proposal_id == proposal.id,
            RecordVersion.number == (number or proposal.current_version),
        )
    )
    if found is None:  # every proposal has its current version
        wanted = number or proposal.current_version
        raise NotFound(f"{access.ref(proposal)} has no record version {wanted}")
    return found


def stored_row(
    tx: Tx, result: Result, proposal_id: int, version_number: int, trigger: str
) -> dict[str, Any]:
    """The columns of an evaluation's snapshot: a batch inserts many with one Core insert."""
    findings = [f.to_dict() for f in result.findings]
    return {
        "proposal_id": proposal_id,
        "version_number": version_number,
        "trigger": trigger,
        "as_of": result.as_of,
        "standards_version": result.standards_version,
        "rules_version": result.rules_version,
        "engine_version": ENGINE_VERSION,
        "tier": result.tier,
        "tcv": result.tcv,
        "disposition": result.disposition,
        "required_signoffs": list(result.required_signoffs),
        "findings": findings,
        "findings_hash": all_findings_hash(findings, alike=_made_alike(result.findings)),
        "created_at": tx.services.now(),
    }


def stored(
    tx: Tx, result: Result, proposal_id: int, version_number: int, trigger: str
) -> StoredEvaluation:
    """The snapshot of an evaluation as stored against a request's version (not yet added)."""
    return StoredEvaluation(**stored_row(tx, result, proposal_id, version_number, trigger))


class Snapshot(Protocol):
    """What sign-off validity and the review tasks read of an evaluation: a stored one, or a
    batch's row not yet inserted."""

    @property
    def findings(self) -> list[Any]: ...
    @property
    def required_signoffs(self) -> list[Any]: ...
    @property
    def standards_version(self) -> str: ...


@dataclass(frozen=True)
class Stored:
    """An evaluation just stored (with a Core insert): its id and the row's columns, read as
    the stored evaluation's attributes are."""

    id: int
    row: dict[str, Any]

    @property
    def findings(self) -> list[Any]:
        findings: list[Any] = self.row["findings"]
        return findings

    @property
    def required_signoffs(self) -> list[Any]:
        required: list[Any] = self.row["required_signoffs"]
        return required

    @property
    def standards_version(self) -> str:
        return str(self.row["standards_version"])

    @property
    def tier(self) -> int:
        return int(self.row["tier"])

    @property
    def disposition(self) -> str:
        return str(self.row["disposition"])


_EVALUATIONS = StoredEvaluation.metadata.tables[StoredEvaluation.__tablename__]
_REVIEW_TASKS = ReviewTask.metadata.tables[ReviewTask.__tablename__]
_INSERT_EVALUATION = insert(_EVALUATIONS).returning(_EVALUATIONS.c.id)
_INSERT_TASKS = insert(_REVIEW_TASKS)


def evaluate_version(
    tx: Tx,
    proposal: Proposal,
    record: RecordVersion,
    trigger: str,
    *,
    signoffs: list[SignOff] | None = None,
) -> tuple[Stored, list[str]]:
    """Evaluate a stored version and store the snapshot; sign-offs that no longer match what
    was reviewed are invalidated. Returns the evaluation and the invalidated domains.

    The snapshot is inserted at once with a Core statement (its id is the statement's
    returned id): as an ORM object it needed a flush of its own to learn that id, and the
    unit of work for a row of several kB of findings cost about as much as the evaluation.
    The session's changes (a new version, the request's row) are flushed with it."""
    submission = Submission.model_validate(record.record)
    result: Result = tx.services.evaluator.evaluate(submission, tx.services.today())
    row = stored_row(tx, result, proposal.id, record.number, trigger)
    proposal.tier = result.tier  # before the insert, which flushes the session first: the
    proposal.disposition = result.disposition  # request's row is written once, not twice
    refuse_surrogate_rows([row])  # what the before-flush check did for the ORM's row
    evaluation = Stored(tx.session.execute(_INSERT_EVALUATION, row).scalar_one(), row)
    return evaluation, invalidate_signoffs(tx, proposal, record, evaluation, signoffs)


def current_finding(
    tx: Tx, proposal: Proposal, rule_id: str, subject: str | None
) -> dict[str, Any]:
    """The latest evaluation's finding of ``rule_id`` (and ``subject``, if several)."""
    evaluation = latest_evaluation(tx, proposal)
    findings = evaluation.findings if evaluation else []
    matches = [
        f
        for f in findings
        if f["rule_id"] == rule_id and (subject is None or (f.get("subject") or "") == subject)
    ]
    if not matches:
        raise NotFound(
            f"{access.ref(proposal)} has no current finding {rule_id}"
            + (f" for {subject}" if subject else "")
        )
    if len(matches) > 1:
        subjects = ", ".join(str(f.get("subject")) for f in matches)
        raise Refused(
            f"{rule_id} applies to several items on {access.ref(proposal)} ({subjects}); "
            "name one with --subject"
        )
    found: dict[str, Any] = matches[0]
    return found


def valid_signoffs(tx: Tx, proposal: Proposal) -> list[SignOff]:
    return list(
        tx.session.scalars(
            select(SignOff)
            .where(
                SignOff.proposal_id == proposal.id,
                SignOff.stage == proposal.stage,
                SignOff.invalidated_at.is_(None),
            )
            .options(lazyload(SignOff.reviewer))
        )
    )


def review_tasks(tx: Tx, proposal: Proposal) -> dict[str, ReviewTask]:
    """The request's review tasks by domain (what ``refresh`` brings in line)."""
    query = select(ReviewTask).where(ReviewTask.proposal_id == proposal.id)
    return {t.domain: t for t in tx.session.scalars(query)}


def _current(signoffs: list[SignOff], proposal: Proposal) -> list[SignOff]:
    return [s for s in signoffs if s.invalidated_at is None and s.stage == proposal.stage]


def invalidate(tx: Tx, signoff: SignOff, reason: str) -> None:
    signoff.invalidated_at = tx.services.now()
    signoff.invalidated_reason = reason
    tx.audit(
        "signoff.invalidated",
        "proposal",
        signoff.proposal_id,
        domain=signoff.domain,
        signoff=signoff.id,
        reason=reason,
    )


class _Reviewed(Protocol):
    @property
    def domain(self) -> str: ...
    @property
    def record_hash(self) -> str: ...
    @property
    def findings_hash(self) -> str: ...


def stale(signoff: _Reviewed, record_hash: str, findings: list[Any]) -> bool:
    """``invalidate_signoffs``' test: the record or the domain's findings differ from what was
    signed. A batch reads sign-offs as rows and loads as objects only those this holds for."""
    return signoff.record_hash != record_hash or signoff.findings_hash != domain_hash(
        findings, signoff.domain
    )


def invalidate_signoffs(
    tx: Tx,
    proposal: Proposal,
    record: RecordVersion,
    evaluation: Snapshot,
    signoffs: list[SignOff] | None = None,
) -> list[str]:
    """Invalidate sign-offs that no longer match what was reviewed; returns their domains.

    ``signoffs`` are the proposal's sign-offs when the caller loaded them already (batches).
    """
    domains: list[str] = []
    current = valid_signoffs(tx, proposal) if signoffs is None else _current(signoffs, proposal)
    for signoff in current:
        if signoff.record_hash != record.record_hash:
            before = version(tx, proposal, signoff.version_number)
            fields = changed_fields(before.record, record.record)
            shown = ", ".join(fields[:6]) + (
                f" and {len(fields) - 6} more" if len(fields) > 6 else ""
            )
            reason = (
                f"the record changed after the {signoff.domain} sign-off "
                f"(version {signoff.version_number} to {record.number}: {shown or 'content'})"
            )
        elif signoff.findings_hash != domain_hash(evaluation.findings, signoff.domain):
            reason = (
                f"the {signoff.domain} findings changed on re-evaluation against "
                f"{evaluation.standards_version}"
            )
        else:
            continue
        invalidate(tx, signoff, reason)
        domains.append(signoff.domain)
    return sorted(domains)


def refresh(
    tx: Tx,
    proposal: Proposal,
    *,
    evaluation: Snapshot | None = None,
    signoffs: list[SignOff] | None = None,
    tasks: dict[str, ReviewTask] | None = None,
) -> None:
    """Bring review tasks and the ready/not-ready state in line with the latest evaluation.

    A batch passes what it loaded already (the latest evaluation, sign-offs, tasks)."""
    if evaluation is None:
        evaluation = latest_evaluation(tx, proposal)
    current = valid_signoffs(tx, proposal) if signoffs is None else _current(signoffs, proposal)
    signed = {s.domain for s in current}
    if tasks is None:
        tasks = review_tasks(tx, proposal)
    opened: list[dict[str, Any]] = []
    for domain, (status, worst) in task_states(tx, proposal, evaluation, signed, tasks).items():
        task = tasks.get(domain)
        if task is None:
            opened.append(
                {
                    "proposal_id": proposal.id,
                    "domain": domain,
                    "status": status,
                    "severity_rank": worst,
                    "opened_at": proposal.submitted_at or tx.services.now(),
                }
            )
        else:
            if status == "open" and task.status != "open":
                task.opened_at = tx.services.now()  # waiting again from now, not from before
            task.status = status
            task.severity_rank = worst
    if opened:
        open_tasks(tx, opened)
    settle(tx, proposal, list(evaluation.required_signoffs) if evaluation else [], signed)


def open_tasks(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Insert new review tasks with one Core statement: as ORM objects, each was an INSERT
    of its own (their ids, which nothing here reads, come back one by one on SQLite). The
    request's row exists already (it has an id), and nothing holds its tasks as a collection
    that this would leave stale."""
    refuse_surrogate_rows(rows)
    tx.session.execute(_INSERT_TASKS, rows)


def task_states(
    tx: Tx,
    proposal: Proposal,
    evaluation: Snapshot | None,
    signed: set[str],
    domains: Iterable[str],
) -> dict[str, tuple[str, int]]:
    """Each review task's (status, severity rank) for an evaluation: every required domain's
    and every existing task's (``domains``; one no longer required closes). A batch that
    writes its tasks with Core statements applies these as ``refresh`` does."""
    required = list(evaluation.required_signoffs) if evaluation else []
    in_queue = State(proposal.state) in QUEUE_STATES
    policy = tx.services.evaluator.standards.review
    states: dict[str, tuple[str, int]] = {}
    for domain in set(required) | set(domains):
        if domain not in required or not in_queue:
            status = "closed"
        else:
            status = "signed" if domain in signed else "open"
        worst = min(
            (
                policy.rank(f["severity"])
                for f in domain_findings(evaluation.findings if evaluation else [], domain)
            ),
            default=policy.least_rank,
        )
        states[domain] = (status, worst)
    return states


def settle(tx: Tx, proposal: Proposal, required: list[str], signed: set[str]) -> None:
    """Ready once every required sign-off is in; back to review when one is lost."""
    state = State(proposal.state)
    complete = bool(required) and set(required) <= signed
    if complete and state in (State.IN_REVIEW, State.CONTRACT_REVIEW):
        move(tx, proposal, "all_signed", missing=[])
    elif not complete and state in (State.READY, State.CONTRACT_READY):
        move(tx, proposal, "signoff_lost", missing=sorted(set(required) - signed))


def move(tx: Tx, proposal: Proposal, action: str, **details: Any) -> State:
    """Apply a lifecycle transition and record it."""
    before = State(proposal.state)
    after = next_state(before, action, label=f"proposal {access.ref(proposal)}")
    proposal.state = after.value
    access.touch(tx, proposal)
    tx.audit(
        "proposal.state",
        "proposal",
        proposal.id,
        transition=action,
        before=before.value,
        after=after.value,
        **details,
    )
    return after
