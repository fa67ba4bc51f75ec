"""Re-evaluation when the standards change (GEN-7): every open proposal and active contract
is evaluated again against the current standards, and the new and cleared findings reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..core.policy import key_of
from ..core.records import Submission
from ..errors import PermissionDenied
from ..store.models import Proposal, RecordVersion
from . import evaluations, heap
from .access import ref
from .context import Services, Tx
from .lifecycle import REEVALUATED
from .reevaluation_rows import (
    Loaded,
    Previous,
    Snapshot,
    TaskWrites,
    insert_evaluations,
    load,
    signed,
    stale_signoffs,
)

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
    with heap.left_alone():
        for start in range(0, len(ids), BATCH):
            with services.transaction(by) as tx:
                impacts.extend(_batch(tx, ids[start : start + BATCH]))
    return impacts


def _impact(
    proposal: Proposal, before: Previous | None, after: Snapshot, invalidated: list[str]
) -> Impact:
    old = dict.fromkeys(before.keys if before else [])
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


def _evaluate(tx: Tx, loaded: Loaded) -> list[tuple[Proposal, RecordVersion, Snapshot]]:
    """Evaluate each record of the batch: the new evaluations' rows, not yet stored."""
    evaluator, today = tx.services.evaluator, tx.services.today()
    evaluated = []
    for proposal, key in zip(loaded.proposals, loaded.wanted, strict=True):
        record, text = loaded.versions[key]
        result = evaluator.evaluate(Submission.model_validate_json(text), today)
        row = evaluations.stored_row(tx, result, proposal.id, record.number, "reevaluate")
        if proposal.tier != result.tier:  # set only when changed: a row left as it was
            proposal.tier = result.tier  # stays out of the flush
        if proposal.disposition != result.disposition:
            proposal.disposition = result.disposition
        evaluated.append((proposal, record, Snapshot(row)))
    return evaluated


def _batch(tx: Tx, ids: list[int]) -> list[Impact]:
    """Re-evaluate a batch: load it, evaluate each record, then, request by request, invalidate
    sign-offs, update tasks and state (audited in that order, as a single request is); the
    evaluations and tasks are written with one statement of each kind, audit events last."""
    loaded = load(tx, ids)
    impacts: list[tuple[Proposal, Impact]] = []
    tasks = TaskWrites()
    with tx.session.no_autoflush:  # one flush for the whole batch, at the end
        evaluated = _evaluate(tx, loaded)
        stale = stale_signoffs(tx, loaded, evaluated)
        for proposal, record, after in evaluated:
            own = stale.get(proposal.id, [])
            invalidated = evaluations.invalidate_signoffs(tx, proposal, record, after, own)
            still = signed(loaded.signoffs.get(proposal.id, []), proposal, own)
            current = loaded.tasks.get(proposal.id, {})
            tasks.add(
                tx, proposal, evaluations.task_states(tx, proposal, after, still, current), current
            )
            evaluations.settle(tx, proposal, after.required_signoffs, still)
            impact = _impact(proposal, loaded.latest.get(proposal.id), after, invalidated)
            impacts.append((proposal, impact))
        evaluation_ids = insert_evaluations(tx, [after.row for _, _, after in evaluated])
        tasks.write(tx)
    for (proposal, impact), evaluation_id in zip(impacts, evaluation_ids, strict=True):
        tx.audit(
            "proposal.reevaluate",
            "proposal",
            proposal.id,
            evaluation=evaluation_id,
            standards=impact.standards_after,
            new=impact.new,
            cleared=impact.cleared,
            invalidated=impact.invalidated_signoffs,
        )
    return [impact for _, impact in impacts]
