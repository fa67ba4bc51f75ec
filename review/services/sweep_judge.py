"""One batch of the daily sweep: load what the systems need in a handful of queries, judge
each system as of the day, then write the batch's marks, notices and outbox rows at once.

See review.services.sweep for what the sweep does and why it is idempotent.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy import Text, bindparam, cast, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..core.deadlines import (
    OVERDUE,
    Deadline,
    FindingDue,
    SystemFacts,
    deadlines,
    finding_deadlines,
)
from ..core.derived import Derived, derive
from ..core.findings import Evaluation, Finding
from ..core.loading import submission_from_data
from ..core.records import Submission
from ..errors import ReviewError
from ..notify import links, webhook
from ..notify.recipients import Directory, Person
from ..settings import Settings, settings
from ..store.database import json_value
from ..store.models import (
    NoticeMark,
    Proposal,
    System,
    SystemFinding,
)
from . import outbox, renewals
from .audit import canonical
from .context import Tx
from .evaluations import stored
from .inventory import ENTERS_INVENTORY, ref
from .sweep_rows import (
    NO_REVIEW,
    SWEPT,
    Open,
    Review,
    Span,
    Swept,
    columns,
    requesters_by_department,
    review_rows,
    system_rows,
)


def judged_hash(findings: Sequence[Finding] | Sequence[dict[str, Any]]) -> str:
    """Identity of a set of findings: rule, subject and severity of each."""
    if findings and isinstance(findings[0], Finding):  # the sweep's case: one test a list
        keys = sorted([(f.rule_id, f.subject or "", f.severity) for f in findings])  # type: ignore[union-attr]
    else:
        keys = sorted(
            (f.rule_id, f.subject or "", f.severity)
            if isinstance(f, Finding)
            else (f["rule_id"], f.get("subject") or "", f["severity"])
            for f in findings
        )
    try:  # orjson writes these lists of strings byte for byte as canonical() does, 4x faster
        text = orjson.dumps(keys)
    except TypeError:  # a lone surrogate: orjson refuses it; canonical() decides as before
        text = canonical(keys).encode()
    return hashlib.sha256(text).hexdigest()


def _submission(text: str) -> Submission:
    """A stored record, validated from its JSON text: pydantic reads the text itself, which
    costs about a fifth less than parsing it to Python first (the sweep validates every
    system daily). A record that fails (edited behind the application's back) is read again
    as any intake is, so the problem is reported naming each bad field."""
    try:
        return Submission.model_validate_json(text)
    except ValidationError:
        return submission_from_data(json_value(text), source="stored record")


@dataclass
class Changes:
    new: int = 0
    cleared: int = 0
    escalated: int = 0
    marks: int = 0
    notices: int = 0
    renewals: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Changes) -> None:
        for name in ("new", "cleared", "escalated", "marks", "notices", "renewals"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def counts(self) -> dict[str, Any]:
        return {
            "new_findings": self.new,
            "cleared_findings": self.cleared,
            "escalated": self.escalated,
            "marks": self.marks,
            "notices": self.notices,
            "renewals": self.renewals,
            "errors": len(self.errors),
        }


@dataclass
class _Log:
    """What changed on one system, for its audit event."""

    new: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    renewal: str | None = None

    def __bool__(self) -> bool:
        return bool(self.new or self.cleared or self.escalated or self.marks or self.renewal)


@dataclass
class Batch:
    tx: Tx
    day: dt.date
    directory: Directory
    systems: list[Swept]
    records: dict[int, str]  # each system's record as the database holds it (JSON text)
    reviews: dict[int, Review]  # by request
    open_findings: dict[int, dict[str, Open]]
    marks: set[tuple[int, str, str]]
    renewals_opened: dict[int, dt.date]
    original_requester: dict[int, int]
    versions: dict[int, int]
    states: dict[int, str]
    changes: Changes = field(default_factory=Changes)
    config: Settings = field(default_factory=settings)  # read once per batch, not per notice
    mark_rows: list[dict[str, Any]] = field(default_factory=list)
    notice_rows: list[dict[str, Any]] = field(default_factory=list)
    outbox_rows: list[dict[str, Any]] = field(default_factory=list)
    cleared: list[dict[str, Any]] = field(default_factory=list)  # stored findings to change
    escalated: list[dict[str, Any]] = field(default_factory=list)
    changed: dict[int, dict[str, Any]] = field(default_factory=dict)  # systems' new values

    @classmethod
    def load(cls, tx: Tx, ids: list[int], day: dt.date, directory: Directory) -> Batch:
        """``ids``: active systems in id order. Each table is read for the batch's id range,
        not with a list of hundreds of ids (on PostgreSQL binding a 500-id list cost each
        query about 10 ms); rows of systems outside ``ids`` are dropped."""
        span = Span(ids)
        session = tx.session
        systems: list[Swept] = []
        records: dict[int, str] = {}
        original: dict[int, int] = {}
        versions: dict[int, int] = {}
        states: dict[int, str] = {}
        table = columns(System)
        for *row, text, requester, version, state in session.execute(
            # one statement for the systems, their records as text and their requests' state
            select(
                *(table[name] for name in SWEPT),
                cast(table.record, Text),
                Proposal.requester_id,
                Proposal.current_version,
                Proposal.state,
            )
            .outerjoin(Proposal, Proposal.id == table.proposal_id)
            .where(*span.active)
            .order_by(table.id)
        ):
            system = Swept(*row)
            if system.id not in span.wanted:
                continue
            systems.append(system)
            records[system.id] = text
            if system.proposal_id is not None and state is not None:
                pid = system.proposal_id
                original[pid], versions[pid], states[pid] = requester, version, state
        proposal_ids = {s.proposal_id for s in systems if s.proposal_id is not None}
        reviews = review_rows(session, span, proposal_ids)
        open_findings, marks, renewals = system_rows(session, span)
        return cls(
            tx,
            day,
            directory,
            systems,
            records,
            reviews,
            open_findings,
            marks,
            renewals,
            original,
            versions,
            states,
        )

    @functools.cached_property
    def answered(self) -> dict[str, bool]:
        """The severities GEN-8 does not let stand unanswered, each with whether a condition
        answers it (looked up once a batch, not for each of about ten findings a system)."""
        policy = self.tx.services.evaluator.standards.review
        return {
            s.id.value: s.needs_condition
            for s in policy.severities
            if policy.must_answer(s.id.value)
        }

    @functools.cached_property
    def requesters(self) -> dict[str, list[int]]:
        """Active requesters by department: read when a renewal review needs one."""
        return requesters_by_department(self.tx.session)

    # --- judging ---------------------------------------------------------------------------

    def judge_all(self) -> None:
        """Judge the batch's systems in three passes: validate every record, then evaluate
        every one, then act on each. Each pass in a loop of its own keeps its code and data
        in the processor's caches (interleaved with the engine's work, validating cost about
        twice as much). The first two passes change nothing, so a system that fails in
        either is reported and left out, as one that fails while acting on it is."""
        evaluator = self.tx.services.evaluator
        standards = evaluator.standards
        day = self.day
        read: list[tuple[Swept, Submission, Derived]] = []
        for system in self.systems:
            try:
                submission = _submission(self.records[system.id])
                read.append((system, submission, derive(submission, standards, day)))
            except (ReviewError, ValidationError) as exc:
                self._failed(system, exc)
        judged: list[tuple[Swept, Submission, Derived, Evaluation | None]] = []
        for system, submission, derived in read:
            try:  # an imported system is judged at its re-review, not before
                result = evaluator.evaluate(submission, day, derived) if system.reviewed else None
            except (ReviewError, ValidationError) as exc:
                self._failed(system, exc)
                continue
            judged.append((system, submission, derived, result))
        for system, submission, derived, result in judged:
            try:
                self._act(system, submission, derived, result)
            except (ReviewError, ValidationError) as exc:
                self._failed(system, exc)

    def _failed(self, system: Swept, exc: Exception) -> None:
        problem = f"{ref(system)}: {str(exc).splitlines()[0]}"
        self.changes.errors.append(problem)
        self.tx.audit("system.sweep_error", "system", system.id, problem=problem)

    def _act(
        self,
        system: Swept,
        submission: Submission,
        derived: Derived,
        result: Evaluation | None,
    ) -> None:
        """Open, clear and escalate the system's findings, record the notice marks reached
        and open its renewal review, from its evaluation (None: not yet reviewed)."""
        standards = self.tx.services.evaluator.standards
        review = self.reviews.get(system.proposal_id or 0, NO_REVIEW)
        facts = SystemFacts(
            system.id,
            submission,
            tier=system.tier,
            rereview_due=None if system.reviewed else system.rereview_due,
            waivers=review.waivers,
            conditions=review.conditions,
        )
        base = deadlines(facts, standards, derived)
        log = _Log()
        rows = self.open_findings.setdefault(system.id, {})
        if result is not None:
            self._store_if_changed(system, result)
            self._findings(system, result, base, review, rows, log)
        due = [
            FindingDue(r.finding_key, r.rule_id, r.domain, r.title, tuple(r.citations), r.due_on)
            for r in rows.values()
            if r.due_on is not None
        ]
        for deadline in [*base, *finding_deadlines(system.id, due, standards)]:
            self._mark(system, deadline, rows, log)
        renewals.open_if_due(self, system, submission, base, log)
        if log:
            self.tx.audit(
                "system.sweep",
                "system",
                system.id,
                as_of=self.day.isoformat(),
                new=log.new,
                cleared=log.cleared,
                escalated=log.escalated,
                marks=log.marks,
                renewal=log.renewal,
            )

    def _store_if_changed(self, system: Swept, result: Evaluation) -> None:
        """When the system's findings changed, its review's latest evaluation becomes this
        one, so reviewers see them and waiver authorities and approvers can act on them
        (waivers, conditions) exactly as during the review."""
        digest = judged_hash(result.findings)
        if digest == system.judged_hash or system.proposal_id is None:
            return
        if self.states.get(system.proposal_id) not in ENTERS_INVENTORY:
            return  # its next stage is under review: the review's own evaluation stands
        self.change(system, judged_hash=digest)
        self.tx.session.add(
            stored(
                self.tx,
                result,
                system.proposal_id,
                self.versions.get(system.proposal_id, 1),
                f"sweep {ref(system)} r{system.record_number}",
            )
        )

    def _findings(
        self,
        system: Swept,
        result: Evaluation,
        base: list[Deadline],
        review: Review,
        rows: dict[str, Open],
        log: _Log,
    ) -> None:
        """Open what is newly unanswered; clear what is gone (or answered by a waiver)."""
        waived = {w.finding_key for w in review.waivers if w.expires_on >= self.day}
        conditioned = review.conditioned
        live: dict[str, Finding] = {}
        answered = self.answered
        for finding in result.findings:
            needs_condition = answered.get(finding.severity)
            if needs_condition is None:
                continue
            key = finding.key
            if key in waived or (needs_condition and key in conditioned):
                continue
            live[key] = finding
        for key, finding in live.items():
            if key not in rows:
                rows[key] = self._open(system, finding, base)
                log.new.append(key)
        for key in [k for k in rows if k not in live]:
            row = rows.pop(key)
            self.cleared.append({"finding": row.id, "day": self.day})
            log.cleared.append(key)
            self.changes.cleared += 1
            self.notify(
                system,
                row.domain,
                "cleared",
                False,
                f"Resolved on {ref(system)}: {row.title}",
                f"{system.title} ({system.department}) no longer has this finding.",
                row.citations,
                None,
            )

    def _open(self, system: Swept, finding: Finding, base: list[Deadline]) -> Open:
        after = self.tx.services.evaluator.standards.after_approval
        evidence = finding.citations[0] in after.evidence_sections.sections
        due: dt.date | None = None
        if evidence:  # GEN-9: 60 days from the day the evidence aged out
            aged = next(
                (
                    d.due_on + dt.timedelta(days=1)
                    for d in base
                    if d.kind == "evidence_expiry" and d.subject == finding.citations[0]
                ),
                self.day,
            )
            due = min(aged, self.day) + dt.timedelta(days=after.evidence_grace.days)
        row = SystemFinding(
            system_id=system.id,
            finding_key=finding.key,
            rule_id=finding.rule_id,
            subject=finding.subject,
            domain=finding.domain,
            severity=finding.severity,
            title=finding.title,
            message=finding.message,
            citations=list(finding.citations),
            evidence=evidence,
            status="open",
            opened_on=self.day,
            due_on=due,
        )
        self.tx.session.add(row)
        self.changes.new += 1
        when = f" Due {due.isoformat()} (GEN-9)." if due else ""
        self.notify(
            system,
            finding.domain,
            "finding",
            finding.severity == "blocker",
            f"New {finding.severity} finding on {ref(system)}: {finding.title}",
            f"{system.title} ({system.department}): {finding.message}{when}",
            list(finding.citations),
            due,
        )
        return Open(
            None,
            row.finding_key,
            row.rule_id,
            row.domain,
            row.title,
            row.citations,
            due,
            new=row,
        )

    def _mark(self, system: Swept, deadline: Deadline, rows: dict[str, Open], log: _Log) -> None:
        """Record a GEN-9 notice mark the first day it is reached, and tell those concerned."""
        mark = deadline.mark(self.day)
        if mark is None or (system.id, deadline.key, mark) in self.marks:
            return
        self.marks.add((system.id, deadline.key, mark))
        self.mark_rows.append(
            {
                "system_id": system.id,
                "deadline_key": deadline.key,
                "mark": mark,
                "reached_on": self.day,
            }
        )
        self.changes.marks += 1
        log.marks.append(f"{deadline.kind}:{mark}")
        escalate = deadline.kind == "finding_due" and mark == OVERDUE
        if escalate and deadline.subject in rows:
            escalated = rows[deadline.subject]
            if escalated.new is not None:
                escalated.new.escalated_on = self.day
            else:
                self.escalated.append({"finding": escalated.id, "day": self.day})
            log.escalated.append(deadline.subject)
            self.changes.escalated += 1
        days = deadline.days_left(self.day)
        if mark == OVERDUE:
            head = f"Overdue since {deadline.due_on + dt.timedelta(days=1)}"
        else:
            head = f"Due in {days} days" if days else "Due today"
        self.notify(
            system,
            deadline.domain,
            "escalated" if escalate else ("overdue" if mark == OVERDUE else "due"),
            True,
            f"{head}: {deadline.title} ({ref(system)})",
            f"{system.title} ({system.department}): {deadline.title} on {deadline.due_on}."
            + (" Escalated to the Director of Digital Service." if escalate else ""),
            list(deadline.citations),
            deadline.due_on,
            escalate=escalate,
        )

    # --- notices -----------------------------------------------------------------------------

    def notify(
        self,
        system: Swept,
        domain: str,
        kind: str,
        urgent: bool,
        title: str,
        detail: str,
        citations: list[str],
        due_on: dt.date | None,
        *,
        escalate: bool = False,
    ) -> None:
        people = self.directory.for_system(system, domain, escalate=escalate)
        self.tell(people, system, kind, urgent, title, detail, citations, due_on)

    def tell(
        self,
        people: list[Person],
        system: Swept,
        kind: str,
        urgent: bool,
        title: str,
        detail: str,
        citations: list[str],
        due_on: dt.date | None,
    ) -> None:
        for person in people:
            self.notice_rows.append(
                {
                    "recipient": person.email,
                    "system_id": system.id,
                    "kind": kind,
                    "urgent": urgent,
                    "title": title,
                    "detail": detail,
                    "citations": citations,
                    "due_on": due_on,
                    "created_on": self.day,
                }
            )
        self.changes.notices += len(people)
        config = self.config
        if urgent and config.webhook_url:
            identity = canonical([system.id, kind, title, self.day.isoformat()])
            key = "notice-" + hashlib.sha256(identity.encode()).hexdigest()[:40]
            text = f"{title}\n{detail}\nPolicy: {', '.join(citations)}"
            now = self.tx.services.now()
            self.outbox_rows.append(
                {
                    "message_id": key,
                    "channel": "webhook",
                    "recipient": config.webhook_kind,
                    "subject": title,
                    "body_text": text,
                    "body_html": None,
                    "payload": webhook.payload(
                        config.webhook_kind,
                        title,
                        text,
                        links.system_link(system.id, links.base_of(config)),
                    ),
                    "kind": kind,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )

    def write(self) -> None:
        """The batch's changes, in the batch's transaction: systems' judged hashes and
        renewals, findings opened, cleared and escalated, marks, notices and webhook
        messages."""
        session = self.tx.session
        session.flush()
        self._write_systems(session)
        f = columns(SystemFinding)
        if self.cleared:
            session.execute(
                update(f.id.table)
                .where(f.id == bindparam("finding"))
                .values(status="cleared", cleared_on=bindparam("day")),
                self.cleared,
            )
        if self.escalated:
            session.execute(
                update(f.id.table)
                .where(f.id == bindparam("finding"))
                .values(escalated_on=bindparam("day")),
                self.escalated,
            )
        if self.mark_rows:
            session.execute(insert(NoticeMark), self.mark_rows)
        if self.notice_rows:
            from ..store.models import Notice

            session.execute(insert(Notice), self.notice_rows)
        if self.outbox_rows:
            outbox.insert_new(session, self.outbox_rows)

    def change(self, system: Swept, **values: Any) -> None:
        """Set ``values`` on the system's row as the batch sees it, and write them with the
        batch (``_write_systems``)."""
        for name, value in values.items():
            setattr(system, name, value)
        self.changed.setdefault(system.id, {}).update(values)

    def _write_systems(self, session: Session) -> None:
        """The systems the batch changed (a few a day), each by one statement that moves its
        row version on as the ORM's own update would, so an edit begun before the sweep is
        refused as stale. An ORM object of the system already in the session (a single
        system judged after new evidence) reads those columns again, so that it stays usable
        after the transaction and a later change of it is checked against the new version."""
        systems = columns(System)
        for system_id, values in self.changed.items():
            session.execute(
                update(systems.id.table)
                .where(systems.id == system_id)
                .values(**values, row_version=systems.row_version + 1)
            )
            loaded = session.identity_map.get(identity_key(System, system_id))
            if loaded is not None:
                session.refresh(loaded, [*values, "row_version"])
