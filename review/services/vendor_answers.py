"""What a vendor sees and sends through a link, and the requester's field-by-field decision.

``vendor_view`` returns only the vendor-facing sections of the request's current record
(``standards/vendor_links.yaml``: sections), nothing else of the City. ``submit`` stores the
vendor's answers as a *proposed change*: a key outside those sections, or a value the intake
record would refuse, is refused naming the field, and nothing is stored. ``pending`` shows the
requester each changed field side by side; ``decide`` applies the accepted fields as a new
record version through ``proposals.save_draft`` (so it is validated and re-evaluated like any
edit) and records the rejected ones. Nothing the vendor sends overwrites the department's
answers without that decision.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..errors import FieldProblem, NotFound, RecordInvalid, Refused
from ..store.models import Proposal, RecordVersion, VendorAnswer, VendorLink
from . import access, proposals
from .context import Services, Tx
from .record_versions import _flatten, validate_draft
from .vendor_documents import VendorDocumentView, attach_unsent, for_answer, unsent
from .vendor_links import VendorAccess, open_link, rules, vendor_audit


@dataclass(frozen=True)
class FieldChange:
    """One field of a proposed change: the department's answer and the vendor's."""

    field: str
    current: Any
    proposed: Any


@dataclass(frozen=True)
class Proposed:
    answer_id: int
    email: str
    changes: list[FieldChange]
    documents: list[VendorDocumentView] = field(default_factory=list)


def _current(tx: Tx, proposal_id: int) -> dict[str, Any]:
    found = tx.session.scalar(
        select(RecordVersion)
        .where(RecordVersion.proposal_id == proposal_id)
        .order_by(RecordVersion.number.desc())
        .limit(1)
    )
    return copy.deepcopy(found.record) if found is not None else {}


def vendor_view(services: Services, token: str) -> dict[str, Any]:
    """The vendor-facing sections of the request the token is bound to."""
    return open_page(services, token)[1]


def open_page(services: Services, token: str) -> tuple[VendorAccess, dict[str, Any]]:
    """The access a token grants (one counted use) and the vendor-facing sections it shows."""
    link = open_link(services, token)
    with services.transaction() as tx:
        proposal = _current(tx, link.proposal_id).get("proposal", {})
        return link, {k: proposal[k] for k in rules().sections if k in proposal}


def changed_only(shown: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``answers`` that differ from ``shown`` (the sections as the vendor's page
    showed them), nested as the record nests them: what the vendor did not touch is not
    proposed, so an answer the department changed meanwhile is not proposed back."""
    before = _leaves(shown)
    out: dict[str, Any] = {}
    for key, value in _leaves(answers).items():
        if before.get(key) != value:
            _set(out, key, copy.deepcopy(value))
    return out


def submit(
    services: Services, token: str, answers: dict[str, Any], *, shown: dict[str, Any] | None = None
) -> int:
    """Store the vendor's answers as a proposed change; returns its id. With ``shown`` (the
    sections the page showed), only the fields the vendor changed are proposed; sending
    nothing changed and no document is refused."""
    link = open_link(services, token)
    if shown is not None:
        answers = changed_only(shown, answers)
    allowed = set(rules().sections)
    outside = sorted(str(k) for k in answers if k not in allowed)
    if outside:
        raise RecordInvalid(
            [FieldProblem(f"proposal.{k}", "not a section a vendor answers") for k in outside]
        )
    if not answers and not unsent(services, link):
        raise Refused("nothing to send: no answer differs from the City's and no document waits")
    with services.transaction() as tx:
        record = _current(tx, link.proposal_id)
        trial = copy.deepcopy(record)
        for name, value in _leaves(answers).items():  # the fields, into the record as it is
            _set(trial.setdefault("proposal", {}), name, copy.deepcopy(value))
        validate_draft(trial)  # a value the record would refuse is refused here, naming it
        row = VendorAnswer(
            link_id=link.link_id,
            proposal_id=link.proposal_id,
            answers=answers,
            submitted_at=services.now(),
            status="pending",
        )
        tx.session.add(row)
        tx.session.flush()
        stored = tx.session.get(VendorLink, link.link_id)
        if stored is None:  # open_link found it in this same request; revoked since
            raise NotFound(f"vendor link {link.link_id} is gone; ask for a new link")
        documents = attach_unsent(tx, link.link_id, row.id)
        vendor_audit(
            tx, stored, "vendor.submit", answer=row.id, sections=sorted(answers),
            documents=documents,
        )  # fmt: skip
        return row.id


def _changes(record: dict[str, Any], answers: dict[str, Any]) -> list[FieldChange]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    current = record.get("proposal", {})
    _flatten({k: current.get(k) for k in answers}, "", before)
    _flatten(answers, "", after)
    return [
        FieldChange(key, before.get(key), after[key])
        for key in sorted(after)
        if before.get(key) != after[key]
    ]


def pending(services: Services, by: str, proposal_id: int) -> list[Proposed]:
    """The vendor answers waiting for the requester, each as a side-by-side field list."""
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        access.require_requester(tx.who, proposal, "review vendor answers on")
        record = _current(tx, proposal_id)
        rows = tx.session.scalars(
            select(VendorAnswer)
            .where(VendorAnswer.proposal_id == proposal_id, VendorAnswer.status == "pending")
            .order_by(VendorAnswer.id)
        )
        out = []
        for row in rows:
            link = tx.session.get(VendorLink, row.link_id)
            email = link.email if link else ""
            changes = _changes(record, row.answers)
            out.append(Proposed(row.id, email, changes, for_answer(tx, row.id)))
        return out


def _leaves(answers: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    _flatten(answers, "", found)
    return found


def _set(target: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        nxt = target.get(part)
        if not isinstance(nxt, dict):
            nxt = target[part] = {}
        target = nxt
    target[leaf] = value


def decide(
    services: Services, by: str, answer_id: int, accepted: list[str]
) -> proposals.Saved | None:
    """Accept the listed fields (dotted paths) of a proposed change and reject the rest;
    the accepted ones become a new record version. Returns the save (None if none accepted)."""
    with services.transaction(by) as tx:
        row = tx.session.get(VendorAnswer, answer_id)
        proposal = tx.session.get(Proposal, row.proposal_id) if row else None
        if row is None or proposal is None or not access.can_view(tx.who, proposal):
            raise NotFound(f"no vendor answer {answer_id} that you can see")
        access.require_requester(tx.who, proposal, "decide vendor answers on")
        if row.status != "pending":
            raise Refused(f"vendor answer {answer_id} was already decided")
        record = _current(tx, proposal.id)
        changes = {c.field: c for c in _changes(record, row.answers)}
        unknown = sorted(set(accepted) - set(changes))
        if unknown:
            raise RecordInvalid(
                [FieldProblem(f, "not a field this vendor answer changes") for f in unknown]
            )
        proposal_id, version = proposal.id, proposal.row_version
    saved = None
    if accepted:
        for name in accepted:
            _set(record.setdefault("proposal", {}), name, changes[name].proposed)
        saved = proposals.save_draft(
            services, by, proposal_id, record, expected_version=version,
            note=f"vendor answer {answer_id}: accepted {', '.join(sorted(accepted))}",
        )  # fmt: skip
    with services.transaction(by) as tx:
        row = tx.session.get(VendorAnswer, answer_id)
        if row is None:
            raise NotFound(f"vendor answer {answer_id} is gone; reload the pending answers")
        row.status = "decided"
        row.decisions = {f: ("accepted" if f in accepted else "rejected") for f in changes}
        row.decided_by, row.decided_at = by, services.now()
        tx.audit(
            "vendor.decide", "proposal", proposal_id, answer=answer_id,
            accepted=sorted(accepted), rejected=sorted(set(changes) - set(accepted)),
        )  # fmt: skip
    return saved


# the policy domains of the vendor-facing sections: the findings a vendor is shown
VENDOR_DOMAINS = ("security", "accessibility", "open_source", "ai", "data")


@dataclass(frozen=True)
class VendorFinding:
    severity: str
    title: str
    message: str
    citations: tuple[str, ...]
    remediation: str


@dataclass(frozen=True)
class Live:
    """What the vendor page shows beside the form as the vendor types."""

    findings: list[VendorFinding] | None  # None: too incomplete (or invalid) to evaluate
    problems: list[FieldProblem]  # answers the record refuses, each naming its field


def vendor_findings(services: Services, token: str) -> list[VendorFinding] | None:
    """The findings the current record's vendor-facing sections produce (policy-cited, with
    how to fix), or None while the request is too incomplete to evaluate."""
    return live(services, open_link(services, token), None).findings


def live(services: Services, link: VendorAccess, answers: dict[str, Any] | None) -> Live:
    """The vendor-side findings of the current record with the vendor's answers as typed in
    (``answers``: the vendor sections), and the answers it would refuse, so the page shows
    what each answer changes before anything is sent.

    ``link`` is an access the page opened already and re-checked on this rerun
    (``vendor_links.still_open``); it is not counted again, since every change in the form
    reruns the page."""
    from ..core.loading import submission_from_data

    with services.transaction() as tx:
        record = _current(tx, link.proposal_id)
    allowed = set(rules().sections)
    record.setdefault("proposal", {}).update(
        {k: copy.deepcopy(v) for k, v in (answers or {}).items() if k in allowed}
    )
    try:
        validate_draft(record)
    except RecordInvalid as exc:
        return Live(None, list(exc.problems))
    try:
        submission = submission_from_data(record, source="record")
    except RecordInvalid:
        return Live(None, [])
    result = services.evaluator.evaluate(submission, services.today())
    findings = [
        VendorFinding(f.severity, f.title, f.message, tuple(f.citations), f.remediation)
        for f in result.findings
        if f.domain in VENDOR_DOMAINS
    ]
    return Live(findings, [])
