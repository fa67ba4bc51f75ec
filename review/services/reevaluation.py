"""Re-evaluation when the standards change (GEN-7): every open proposal and active contract
is evaluated again against the current standards, and the new and cleared findings reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..errors import PermissionDenied
from ..store.models import Proposal
from . import evaluations
from .access import ref
from .context import Services
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
    return {evaluations.finding_key(f): f for f in findings}


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
            for proposal in tx.session.scalars(
                select(Proposal)
                .where(Proposal.id.in_(ids[start : start + BATCH]))
                .order_by(Proposal.id)
            ):
                before = evaluations.latest_evaluation(tx, proposal)
                record = evaluations.version(
                    tx, proposal, before.version_number if before else None
                )
                after, invalidated = evaluations.evaluate_version(
                    tx, proposal, record, trigger="reevaluate"
                )
                old = _keys(before.findings if before else [])
                new = _keys(after.findings)
                impact = Impact(
                    proposal=ref(proposal),
                    title=proposal.title,
                    state=proposal.state,
                    standards_before=before.standards_version if before else None,
                    standards_after=after.standards_version,
                    new=sorted(k for k in new if k not in old),
                    cleared=sorted(k for k in old if k not in new),
                    disposition_before=before.disposition if before else None,
                    disposition_after=after.disposition,
                    invalidated_signoffs=invalidated,
                )
                tx.audit(
                    "proposal.reevaluate",
                    "proposal",
                    proposal.id,
                    evaluation=after.id,
                    standards=after.standards_version,
                    new=impact.new,
                    cleared=impact.cleared,
                    invalidated=invalidated,
                )
                evaluations.refresh(tx, proposal)
                impacts.append(impact)
    return impacts
