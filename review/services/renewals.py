"""The renewal review (GEN-7, GEN-9): opened by the sweep, pre-filled from the system's
current record, when the contract's end enters its window (90 days before it, 120 for Tier 3,
and before any auto-renewal cancellation deadline). The department edits what changed and
submits it; reviewers see the difference from the approved record on the Inventory page.

A renewal is opened once per window: the system remembers its open renewal, and the review
links remember when each was opened. With no requester in the department to own it, admins
are told (once) instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.deadlines import Deadline
from ..core.records import Submission
from ..store.models import Proposal, RecordVersion, SystemReview
from .access import ref as proposal_ref
from .inventory import ref
from .lifecycle import State
from .record_versions import normalised, record_hash

if TYPE_CHECKING:
    from .sweep_judge import Batch, _Log
    from .sweep_rows import Swept


def open_if_due(
    self: Batch, system: Swept, submission: Submission, base: list[Deadline], log: _Log
) -> None:
    """Open the renewal review pre-filled from the current record when the window opens."""
    window = next((d for d in base if d.kind == "renewal_review"), None)
    contract = submission.contract
    if window is None or contract is None or contract.end_date is None:
        return
    if not window.due_on <= self.day <= contract.end_date:
        return
    if system.renewal_proposal_id is not None:
        return
    opened = self.renewals_opened.get(system.id)
    if opened is not None and opened >= window.due_on:
        return
    requester = _requester(self, system)
    if requester is None:
        key = (system.id, window.key, "unowned")
        if key not in self.marks:
            self.marks.add(key)
            self.mark_rows.append(
                {
                    "system_id": system.id,
                    "deadline_key": window.key,
                    "mark": "unowned",
                    "reached_on": self.day,
                }
            )
            self.tell(
                self.directory.admins,
                system,
                "renewal",
                True,
                f"No requester in {system.department} to own the renewal of {ref(system)}",
                "Add a requester for the department; the sweep opens the review then.",
                list(window.citations),
                window.due_on,
            )
        return
    proposal = _open_renewal(self, system, submission, requester, window)
    log.renewal = proposal_ref(proposal)
    self.changes.renewals += 1
    self.notify(
        system,
        "technology",
        "renewal",
        True,
        f"Renewal review opened for {ref(system)}: {proposal_ref(proposal)}",
        f"{system.title} ({system.department}): the contract ends {contract.end_date}. "
        f"The department edits what changed in {proposal_ref(proposal)} and submits it.",
        list(window.citations),
        contract.end_date,
    )


def _requester(self: Batch, system: Swept) -> int | None:
    candidates = self.requesters.get(system.department, [])
    first = self.original_requester.get(system.proposal_id or 0)
    if first in candidates:
        return first
    return candidates[0] if candidates else None


def _open_renewal(
    self: Batch, system: Swept, submission: Submission, requester: int, window: Deadline
) -> Proposal:

    record = normalised(submission)
    record.pop("contract", None)  # the renewal's contract comes after its approval
    record["proposal"]["acquisition_type"] = "renewal"
    record["proposal"]["renewal_of"] = ref(system)
    now = self.tx.services.now()
    proposal = Proposal(
        title=submission.proposal.title,
        department=system.department,
        requester_id=requester,
        state=State.DRAFT.value,
        stage="proposal",
        current_version=1,
        created_at=now,
        updated_at=now,
    )
    session = self.tx.session
    session.add(proposal)
    session.flush()
    session.add(
        RecordVersion(
            proposal_id=proposal.id,
            number=1,
            record=record,
            record_hash=record_hash(record),
            stage="proposal",
            submitted=False,
            created_by=requester,
            created_at=now,
            note=f"Renewal of {ref(system)}, opened by the daily sweep of {self.day}",
        )
    )
    session.add(
        SystemReview(
            system_id=system.id,
            proposal_id=proposal.id,
            kind="renewal",
            previous_proposal_id=system.proposal_id,
            opened_on=self.day,
            created_at=now,
        )
    )
    self.change(system, renewal_proposal_id=proposal.id)
    self.renewals_opened[system.id] = self.day
    self.tx.audit(
        "proposal.create",
        "proposal",
        proposal.id,
        department=system.department,
        renewal_of=ref(system),
        opened_by="sweep",
        window_opened=window.due_on.isoformat(),
    )
    return proposal
