"""Every list a person sees, as a table to download (CSV, xlsx, JSON).

Each kind is built from the same service its page (and its command) reads, acting as the
same user, so an export shows exactly what that person may see and nothing more:

==========  ==========================================  =========================================
kind        page                                        service (and its permission)
==========  ==========================================  =========================================
queue       Review queue                                queue.reviewer_queue + waiver_queue
                                                        (reviewers and waiver authorities)
requests    My requests                                 proposals.list_proposals (own department,
                                                        or everything for staff who see all)
inventory   Inventory                                   inventory_views.list_systems
findings    Request (one proposal)                      proposals.get (whoever may see it)
waivers     Request (one proposal), or every request    proposals.get per visible proposal
audit       Administration (admins; one proposal's      history.events
            history for whoever may see it)
==========  ==========================================  =========================================

An export is not paged: it holds the whole list (the page shows it 25 at a time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError, PermissionDenied
from . import history, inventory_views, proposals
from . import queue as review_queue
from .context import Services
from .roles import Role
from .table_files import Table

KINDS = ("queue", "requests", "inventory", "findings", "waivers", "audit")
EVERYTHING = 1_000_000  # "no limit" for services that take one


@dataclass(frozen=True)
class Options:
    """What narrows a list, as on its page (each kind reads the options it has)."""

    proposal_id: int | None = None  # findings (required), waivers, audit
    mine: bool = False  # requests: only those I filed
    status: str | None = "active"  # inventory: active, retired, or None for both
    department: str | None = None  # requests, inventory


def queue_table(services: Services, by: str) -> Table:
    with services.transaction(by) as tx:
        reviewer, authority = tx.who.is_reviewer, bool(tx.who.domains(Role.WAIVER_AUTHORITY))
    if not (reviewer or authority):
        raise PermissionDenied(
            f"{by}: the review queue is only for reviewers and waiver authorities"
        )
    rows: list[tuple[Any, ...]] = []
    if reviewer:
        for i in review_queue.reviewer_queue(services, by, limit=EVERYTHING):
            rows.append(
                (
                    "sign-off",
                    i.ref,
                    i.title,
                    i.department,
                    i.domain,
                    i.state,
                    i.tier,
                    i.worst_severity,
                    None,
                    i.waiting_since,
                )
            )
    if authority:
        for w in review_queue.waiver_queue(services, by, limit=EVERYTHING):
            rows.append(
                (
                    "waivable",
                    w.ref,
                    w.title,
                    w.department,
                    w.domain,
                    w.state,
                    w.tier,
                    w.worst_severity,
                    w.count,
                    w.waiting_since,
                )
            )
    columns = (
        "Queue",
        "Ref",
        "Title",
        "Department",
        "Domain",
        "State",
        "Tier",
        "Worst severity",
        "Waivable findings",
        "Waiting since",
    )
    return Table(f"Review queue of {by}", columns, rows)


def requests_table(services: Services, by: str, options: Options) -> Table:
    found = proposals.list_proposals(
        services, by, mine=options.mine, department=options.department, limit=EVERYTHING
    )
    columns = (
        "Ref",
        "Title",
        "Department",
        "Requester",
        "State",
        "Stage",
        "Tier",
        "Disposition",
        "Submitted",
        "Updated",
    )
    rows: list[tuple[Any, ...]] = [
        (
            s.ref,
            s.title,
            s.department,
            s.requester,
            s.state,
            s.stage,
            s.tier,
            s.disposition,
            s.submitted_at,
            s.updated_at,
        )
        for s in found
    ]
    return Table("Requests", columns, rows)


def inventory_table(services: Services, by: str, options: Options) -> Table:
    systems = inventory_views.list_systems(
        services, by, department=options.department, status=options.status
    )
    columns = (
        "Ref",
        "Title",
        "Product",
        "Vendor",
        "Department",
        "Owner",
        "Owner email",
        "Status",
        "Reviewed",
        "Data classes",
        "Hosting",
        "Tier",
        "Contract value",
        "Contract end",
        "Open findings",
        "Overdue findings",
        "Re-review due",
    )
    rows: list[tuple[Any, ...]] = [
        (
            s.ref,
            s.title,
            s.product,
            s.vendor,
            s.department,
            s.owner,
            s.owner_email,
            s.status,
            s.reviewed,
            ", ".join(s.data_classes),
            s.hosting,
            s.tier,
            s.contract_value,
            s.contract_end,
            s.open_findings,
            s.overdue_findings,
            s.rereview_due,
        )
        for s in systems
    ]
    return Table("Inventory", columns, rows, money_columns=("Contract value",))


def _required_proposal(options: Options, kind: str) -> int:
    if options.proposal_id is None:
        raise InputError(f"--proposal: the {kind} export is of one request; name it (P-7)")
    return options.proposal_id


def findings_table(services: Services, by: str, options: Options) -> Table:
    view = proposals.get(services, by, _required_proposal(options, "findings"))
    columns = (
        "Rule",
        "Domain",
        "Severity",
        "Status",
        "Subject",
        "Title",
        "Message",
        "Citations",
        "Remediation",
        "Waivable",
        "Waiver expires",
    )
    rows: list[tuple[Any, ...]] = []
    for f in [*view.findings, *view.resolved]:
        waiver = f.waiver.expires_on if f.waiver is not None else None
        rows.append(
            (
                f["rule_id"],
                f["domain"],
                f["severity"],
                f.status,
                f.finding.get("subject"),
                f["title"],
                f["message"],
                ", ".join(f["citations"]),
                f.finding.get("remediation"),
                bool(f.finding.get("waivable")),
                waiver,
            )
        )
    return Table(f"Findings of {view.ref}", columns, rows)


def waivers_table(services: Services, by: str, options: Options) -> Table:
    if options.proposal_id is not None:
        ids = [options.proposal_id]
    else:
        ids = sorted(s.id for s in proposals.list_proposals(services, by, limit=EVERYTHING))
    columns = (
        "Proposal",
        "Waiver",
        "Rule",
        "Subject",
        "Domain",
        "Granted by",
        "Granted",
        "Expires",
        "State",
        "Justification",
        "Compensating controls",
    )
    rows: list[tuple[Any, ...]] = []
    for pid in ids:
        view = proposals.get(services, by, pid)
        for w in view.waivers:
            state = "revoked" if w.revoked else "expired" if w.expired else "active"
            rows.append(
                (
                    view.ref,
                    w.id,
                    w.rule_id,
                    w.subject,
                    w.domain,
                    w.granted_by,
                    w.granted_at,
                    w.expires_on,
                    state,
                    w.justification,
                    w.compensating_controls,
                )
            )
    title = f"Waivers of P-{options.proposal_id}" if options.proposal_id else "Waivers"
    return Table(title, columns, rows)


def audit_table(services: Services, by: str, options: Options) -> Table:
    events = history.events(services, by, proposal_id=options.proposal_id, limit=EVERYTHING)
    columns = ("Seq", "At", "Actor", "Action", "Entity", "Entity id", "Details", "Hash")
    rows: list[tuple[Any, ...]] = [
        (
            e.seq,
            e.at,
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            ", ".join(f"{k}={v}" for k, v in sorted(e.details.items())),
            e.hash,
        )
        for e in events
    ]
    return Table("Audit events", columns, rows)


def build(services: Services, by: str, kind: str, options: Options | None = None) -> Table:
    """The table of ``kind`` as ``by`` sees it (the service refuses what ``by`` may not see)."""
    options = options or Options()
    if kind == "queue":
        return queue_table(services, by)
    if kind == "requests":
        return requests_table(services, by, options)
    if kind == "inventory":
        return inventory_table(services, by, options)
    if kind == "findings":
        return findings_table(services, by, options)
    if kind == "waivers":
        return waivers_table(services, by, options)
    if kind == "audit":
        return audit_table(services, by, options)
    raise InputError(f"KIND: {kind!r} is not one of {', '.join(KINDS)}")
