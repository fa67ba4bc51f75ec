"""Re-evaluation when the standards change (GEN-7): every open proposal and active contract
is evaluated again against the current standards, and the new and cleared findings reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Text, cast, func, insert, select, tuple_
from sqlalchemy.orm import defer, lazyload

from ..core.policy import key_of
from ..core.records import Submission
from ..errors import PermissionDenied, RecordInvalid
from ..store.models import Proposal, RecordVersion, ReviewTask, SignOff, StoredEvaluation
from ..store.storable import surrogate_problems
from . import evaluations
from .access import ref
from .context import Services, Tx
from .lifecycle import REEVALUATED

BATCH = 200


@dataclass(frozen=True)
class Impact:
    proposal: str
    title: str
    state: str
    standards_before: str | None
    standards_after: str
    new: list[str]
    cleared: list[str]
    disposition_before: str | None
    disposition_after: str
    invalidated_signoffs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.cleared or self.invalidated_signoffs)


def _keys(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key_of(f): f for f in findings}


def reevaluate_all(services: Services, by: str | None) -> list[Impact]:
    """Re-run every open proposal and active contract; one transaction per batch."""
    with services.transaction(by) as tx:
        if tx.actor is not None and not tx.actor.is_admin:
            raise PermissionDenied(f"{tx.actor.username} is not an admin; admins run re-evaluation")
        ids = list(
            tx.session.scalars(
                select(Proposal.id)
                .where(Proposal.state.in_([s.value for s in REEVALUATED]))
                .order_by(Proposal.id)
            )
        )
    impacts: list[Impact] = []
    for start in range(0, len(ids), BATCH):
        with services.transaction(by) as tx:
            impacts.extend(_batch(tx, ids[start : start + BATCH]))
    return impacts


@dataclass
class _Loaded:
    """What a batch needs, read in a handful of queries (not per record)."""

    proposals: list[Proposal]
    latest: dict[int, Row[Any]]  # each proposal's latest evaluation (the columns compared)
    wanted: list[tuple[int, int]]  # (proposal id, the version to evaluate), as proposals
    versions: dict[tuple[int, int], tuple[RecordVersion, str]]  # and the record's JSON text
    signoffs: dict[int, list[SignOff]]  # valid sign-offs by proposal
    tasks: dict[int, dict[str, ReviewTask]]  # review tasks by proposal and domain


def _latest(tx: Tx, ids: list[int]) -> dict[int, Row[Any]]:
    """The columns of each proposal's latest evaluation a re-evaluation compares: plain rows,
    since nothing changes them."""
    latest_ids = (
        select(func.max(StoredEvaluation.id))
        .where(StoredEvaluation.proposal_id.in_(ids))
        .group_by(StoredEvaluation.proposal_id)
    )
    columns = (
        StoredEvaluation.proposal_id,
        StoredEvaluation.version_number,
        StoredEvaluation.standards_version,
        StoredEvaluation.disposition,
        StoredEvaluation.findings,
    )
    query = select(*columns).where(StoredEvaluation.id.in_(latest_ids))
    return {row.proposal_id: row for row in tx.session.execute(query)}


def _versions(
    tx: Tx, wanted: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[RecordVersion, str]]:
    """The versions to evaluate, each with its record as the JSON text the database holds:
    pydantic validates that text directly, which costs less than decoding it into Python
    objects first and validating those (the decoded record is read only if a sign-off was
    given on another version, to name the fields that changed)."""
    query = (
        select(RecordVersion, cast(RecordVersion.record, Text))
        .where(tuple_(RecordVersion.proposal_id, RecordVersion.number).in_(wanted))
        .options(defer(RecordVersion.record))
    )
    return {(v.proposal_id, v.number): (v, text) for v, text in tx.session.execute(query)}


def _load(tx: Tx, ids: list[int]) -> _Loaded:
    session = tx.session
    proposals = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(ids))
            .order_by(Proposal.id)
            .options(lazyload(Proposal.requester))
        )
    )
    latest = _latest(tx, ids)
    wanted = [
        (p.id, latest[p.id].version_number if p.id in latest else p.current_version)
        for p in proposals
    ]
    signoffs: dict[int, list[SignOff]] = {}
    for signoff in session.scalars(
        select(SignOff)
        .where(SignOff.proposal_id.in_(ids), SignOff.invalidated_at.is_(None))
        .options(lazyload(SignOff.reviewer))
    ):
        signoffs.setdefault(signoff.proposal_id, []).append(signoff)
    tasks: dict[int, dict[str, ReviewTask]] = {}
    for task in session.scalars(select(ReviewTask).where(ReviewTask.proposal_id.in_(ids))):
        tasks.setdefault(task.proposal_id, {})[task.domain] = task
    return _Loaded(proposals, latest, wanted, _versions(tx, wanted), signoffs, tasks)


@dataclass(frozen=True)
class _Snapshot:
    """A new evaluation's row, read as sign-off validity and the review tasks read one."""

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


def _insert(tx: Tx, rows: list[dict[str, Any]]) -> list[int]:
    """Store a batch's evaluations with one Core insert (the unit of work built an object and
    a history for each); their ids in the rows' order. The before-flush surrogate check does
    not see a Core insert, so the rows are checked here, naming the column as it would."""
    problems = [problem for row in rows for problem in surrogate_problems(row)]
    if problems:
        raise RecordInvalid(problems)
    table = StoredEvaluation.metadata.tables[StoredEvaluation.__tablename__]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(tx.session.execute(statement, rows).scalars())


def _impact(
    proposal: Proposal, before: Row[Any] | None, after: _Snapshot, invalidated: list[str]
) -> Impact:
    old = _keys(before.findings if before else [])
    new = _keys(after.findings)
    return Impact(
        proposal=ref(proposal),
        title=proposal.title,
        state=proposal.state,
        standards_before=before.standards_version if before else None,
        standards_after=after.standards_version,
        new=sorted(k for k in new if k not in old),
        cleared=sorted(k for k in old if k not in new),
        disposition_before=before.disposition if before else None,
        disposition_after=after.row["disposition"],
        invalidated_signoffs=invalidated,
    )


def _batch(tx: Tx, ids: list[int]) -> list[Impact]:
    """Re-evaluate a batch: load it, evaluate each record, store the evaluations with one
    insert and the rest with one flush (at the transaction's end), audit each."""
    session = tx.session
    loaded = _load(tx, ids)
    latest, signoffs, tasks = loaded.latest, loaded.signoffs, loaded.tasks
    evaluator, today = tx.services.evaluator, tx.services.today()
    rows: list[dict[str, Any]] = []
    impacts: list[tuple[Proposal, Impact]] = []
    with session.no_autoflush:  # one flush for the whole batch, at the end
        for proposal, key in zip(loaded.proposals, loaded.wanted, strict=True):
            record, text = loaded.versions[key]
            result = evaluator.evaluate(Submission.model_validate_json(text), today)
            after = _Snapshot(
                evaluations.stored_row(tx, result, proposal.id, record.number, "reevaluate")
            )
            if proposal.tier != result.tier:  # set only when changed: a row left as it was
                proposal.tier = result.tier  # is not part of the flush
            if proposal.disposition != result.disposition:
                proposal.disposition = result.disposition
            own = signoffs.get(proposal.id, [])
            invalidated = evaluations.invalidate_signoffs(tx, proposal, record, after, own)
            impact = _impact(proposal, latest.get(proposal.id), after, invalidated)
            evaluations.refresh(
                tx,
                proposal,
                evaluation=after,
                signoffs=own,
                tasks=tasks.setdefault(proposal.id, {}),
            )
            rows.append(after.row)
            impacts.append((proposal, impact))
        evaluation_ids = _insert(tx, rows)
    for (proposal, impact), row, evaluation_id in zip(impacts, rows, evaluation_ids, strict=True):
        tx.audit(
            "proposal.reevaluate",
            "proposal",
            proposal.id,
            evaluation=evaluation_id,
            standards=row["standards_version"],
            new=impact.new,
            cleared=impact.cleared,
            invalidated=impact.invalidated_signoffs,
        )
    return [impact for _, impact in impacts]
