"""What a packet says: the structured content, as blocks, and its canonical digest.

A packet is a list of blocks, each a paragraph (its text) or a table (its rows of cell
texts). The renderer writes exactly these texts into the Word document and the verifier
reads exactly these texts back out of it, so the digest is computed over the same canonical
form in both directions: a JSON array of ``["p", text]`` and ``["t", [[cell, ...], ...]]``
items (UTF-8, no insignificant whitespace, empty paragraphs left out), prefixed with a format
tag. Styles, shading, fonts, letterhead and page layout are presentation and are not signed;
every word a reader sees in the body is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.rules import DOMAIN_ORDER
from ..services.roles import waiver_title
from ..services.views import ConditionView, FindingView, ProposalView, WaiverView
from .xml_text import clean

FORMAT = "city-tech-review/packet/v1"
DECIDED_STATES = frozenset(
    {"approved", "approved_with_conditions", "rejected", "contract_approved", "contract_rejected"}
)
SEVERITY_FILL = {"blocker": "F4CCCC", "major": "FCE5CD", "minor": "FFF2CC", "info": "DEEAF6"}
STATUS_FILL = {"open": None, "waived": "E2EFDA", "conditioned": "FFF2CC", "resolved": "E2EFDA"}
DOMAIN_TITLE = {
    "general": "General (scope, tiers, lifecycle)",
    "data": "Data governance and open data",
    "security": "Security",
    "accessibility": "Accessibility and equity",
    "open_source": "Open source and open standards",
    "privacy": "Privacy and surveillance",
    "ai": "Artificial intelligence",
    "technology": "Technology architecture",
    "procurement": "Procurement and contract",
}
ACTIONS = {
    "proposal.create": "draft created",
    "proposal.save": "record saved",
    "proposal.submit": "submitted",
    "proposal.resubmit": "resubmitted",
    "proposal.submit_contract": "contract submitted",
    "proposal.reevaluate": "re-evaluated",
    "proposal.state": "state changed",
    "signoff.add": "signed off",
    "signoff.invalidated": "sign-off invalidated",
    "waiver.grant": "waiver granted",
    "waiver.revoke": "waiver revoked",
    "waiver.expired": "waiver expired",
    "condition.add": "condition added",
    "condition.status": "condition status changed",
    "decision": "decision",
}
NOISE = frozenset({"record_hash", "findings_hash"})


# --- blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    style: str  # a logical style name of styles.PARAGRAPH_STYLES
    text: str


@dataclass(frozen=True)
class Grid:
    rows: list[list[str]]
    widths: tuple[int, ...]  # relative column widths
    header: bool = True  # first row is a header (repeated on every page)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> hex fill
    kind: str = "grid"  # grid | keyvalue


Block = Para | Grid


def canonical_items(blocks: Iterable[Block]) -> list[Any]:
    items: list[Any] = []
    for block in blocks:
        if isinstance(block, Para):
            if block.text.strip():
                items.append(["p", block.text])
        else:
            items.append(["t", block.rows])
    return items


def canonical_bytes(items: Sequence[Any]) -> bytes:
    body = json.dumps(list(items), ensure_ascii=False, separators=(",", ":"))
    return f"{FORMAT}\n{body}".encode()


def digest_of(items: Sequence[Any]) -> str:
    return hashlib.sha256(canonical_bytes(items)).hexdigest()


# --- the data a packet is made from ------------------------------------------------------


@dataclass(frozen=True)
class HistoryEvent:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class PacketData:
    view: ProposalView
    names: dict[str, str]  # username -> display name
    sections: dict[str, str]  # policy section id -> title
    events: list[HistoryEvent]
    packet_id: str
    draft: bool
    dated: dt.datetime
    outstanding: list[str]  # why it is only a draft
    city: str = "the City"


@dataclass(frozen=True)
class Composition:
    blocks: list[Block]
    title: str
    subject: str
    packet_id: str
    dated: dt.datetime
    draft: bool


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def when(moment: dt.datetime | None) -> str:
    return "" if moment is None else utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def money(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"${value:,.2f}"
    return "not answered" if value is None else clean(value)


def show(value: Any) -> str:
    """A recorded value as a reader expects it: yes/no, lists joined, absent as 'not answered'."""
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show(v)}" for k, v in value.items()) if value else "none"
    return clean(value)


def label(name: str) -> str:
    return name.replace("_", " ")


# --- composing ----------------------------------------------------------------------------


def _kv(rows: list[tuple[str, Any]]) -> Grid:
    return Grid(
        rows=[[clean(k), v if isinstance(v, str) else show(v)] for k, v in rows],
        widths=(3, 7),
        header=False,
        kind="keyvalue",
    )


def _person(data: PacketData, username: str) -> str:
    name = data.names.get(username)
    return clean(f"{name} ({username})" if name and name != username else username)


def _decision(data: PacketData) -> Any:
    mine = [d for d in data.view.decisions if d.stage == data.view.stage]
    return mine[-1] if mine else None


def _record(view: ProposalView) -> tuple[dict[str, Any], dict[str, Any]]:
    record = view.record if isinstance(view.record, dict) else {}
    proposal = record.get("proposal")
    contract = record.get("contract")
    return (
        proposal if isinstance(proposal, dict) else {},
        contract if isinstance(contract, dict) else {},
    )


def _cover(data: PacketData, blocks: list[Block]) -> None:
    view = data.view
    proposal, contract = _record(view)
    vendor = proposal.get("vendor") if isinstance(proposal.get("vendor"), dict) else {}
    assert isinstance(vendor, dict)
    product = " ".join(str(p) for p in (vendor.get("product"), vendor.get("product_version")) if p)
    decision = _decision(data)
    if data.draft:
        blocks.append(Para("draft", "DRAFT \u2014 preview only, not an approval packet"))
        blocks.append(
            Para(
                "note",
                clean("Not yet issuable: " + "; ".join(data.outstanding) + ".")
                if data.outstanding
                else "The request is decided: the signed packet is issued with "
                "`review packet build`.",
            )
        )
    blocks.append(Para("title", "Technology Approval Packet"))
    blocks.append(Para("subtitle", clean(f"{view.ref}: {view.title}")))
    tcv = contract.get("value_usd") if view.stage == "contract" and contract else None
    blocks.append(
        _kv(
            [
                ("Proposal", view.ref),
                ("Title", clean(view.title)),
                ("Department", clean(view.department)),
                ("Requester", _person(data, view.requester)),
                ("Vendor", show(contract.get("vendor") or vendor.get("name"))),
                ("Product", clean(product) if product else "not answered"),
                ("Total contract value (TCV)", money(view.tcv)),
                *([("Contract value", money(tcv))] if tcv is not None else []),
                ("Review tier", f"Tier {view.tier}" if view.tier is not None else "not evaluated"),
                ("Disposition (GEN-8)", _disposition(view)),
                ("Stage", view.stage),
                ("State", label(view.state)),
                ("Decision", label(decision.outcome) if decision else "not decided"),
                ("Standards version", show(view.standards_version)),
                (
                    "Evaluated as of",
                    show(view.evaluated_as_of and view.evaluated_as_of.isoformat()),
                ),
                ("Record version", str(view.current_version)),
                ("Packet id", data.packet_id),
                ("Date", when(data.dated)),
            ]
        )
    )


def _disposition(view: ProposalView) -> str:
    if view.disposition is None:
        return "not evaluated"
    if view.raw_disposition and view.raw_disposition != view.disposition:
        return f"{view.disposition} (before waivers and conditions: {view.raw_disposition})"
    return view.disposition


SUMMARY_FIELDS = (
    ("acquisition_type", "Acquisition type"),
    ("procurement_method", "Procurement method"),
    ("hosting", "Hosting"),
    ("data_locations", "Data locations"),
    ("data_classes", "Data classes (declared)"),
    ("data_types", "Data types"),
    ("has_user_interface", "Has a user interface"),
    ("on_approved_list", "On the Approved Technology List"),
)
CONTRACT_FIELDS = (
    ("vendor", "Vendor"),
    ("value_usd", "Contract value"),
    ("start_date", "Start date"),
    ("end_date", "End date"),
    ("renewal_options_years", "Renewal options (years)"),
    ("auto_renewal", "Automatic renewal"),
    ("termination_for_convenience", "Termination for convenience"),
    ("annual_escalation_pct", "Annual escalation (%)"),
)


def _summary(data: PacketData, blocks: list[Block]) -> None:
    proposal, contract = _record(data.view)
    blocks.append(Para("heading1", "Summary"))
    blocks.append(Para("heading2", "Problem statement"))
    blocks.append(Para("body", show(proposal.get("problem_statement"))))
    outcomes = proposal.get("desired_outcomes")
    if isinstance(outcomes, list) and outcomes:
        blocks.append(Para("heading2", "Desired outcomes"))
        blocks.extend(Para("body", f"\u2022 {show(o)}") for o in outcomes)
    rows: list[tuple[str, Any]] = []
    for key, name in SUMMARY_FIELDS:
        if key in proposal:
            rows.append((name, show(proposal[key])))
    cost = proposal.get("cost")
    if isinstance(cost, dict):
        rows.append(("One-time cost", money(cost.get("one_time"))))
        rows.append(("Annual cost", money(cost.get("annual"))))
        rows.append(("Term (years)", show(cost.get("term_years"))))
        if "funding_source" in cost:
            rows.append(("Funding source", show(cost.get("funding_source"))))
    users = proposal.get("users")
    if isinstance(users, dict):
        rows.append(("Users", show(users)))
    integrations = proposal.get("integrations")
    if isinstance(integrations, list):
        rows.append(("Integrations", str(len(integrations)) if integrations else "none"))
    alternatives = proposal.get("alternatives_considered")
    if isinstance(alternatives, list):
        names = [a.get("name") for a in alternatives if isinstance(a, dict)]
        rows.append(("Alternatives considered", show(names)))
    blocks.append(Para("heading2", "The proposal"))
    blocks.append(_kv(rows))
    if contract:
        blocks.append(Para("heading2", "The contract"))
        crow: list[tuple[str, Any]] = []
        for key, name in CONTRACT_FIELDS:
            if key in contract:
                value = contract[key]
                crow.append((name, money(value) if key == "value_usd" else show(value)))
        clauses = contract.get("clauses")
        if isinstance(clauses, dict):
            crow.extend((f"Clause: {label(k)}", show(v)) for k, v in clauses.items())
        blocks.append(_kv(crow))
    else:
        blocks.append(Para("note", "No contract has been submitted yet (proposal stage)."))


def _by_domain(view: ProposalView) -> list[tuple[str, list[FindingView]]]:
    """Current findings, then resolved ones, grouped by domain in the policy's domain order."""
    groups: dict[str, list[FindingView]] = {}
    for finding in [*view.findings, *view.resolved]:
        groups.setdefault(str(finding["domain"]), []).append(finding)
    order = sorted(groups, key=lambda d: (DOMAIN_ORDER.get(d, 99), d))
    return [(domain, groups[domain]) for domain in order]


def _finding_numbers(groups: list[tuple[str, list[FindingView]]]) -> dict[str, str]:
    numbers: dict[str, str] = {}
    index = 0
    for _, items in groups:
        for finding in items:
            index += 1
            numbers.setdefault(finding.key, f"F-{index}")
    return numbers


def _status(finding: FindingView) -> str:
    if finding.status == "waived" and finding.waiver is not None:
        return f"waived (W-{finding.waiver.id}, expires {finding.waiver.expires_on.isoformat()})"
    if finding.status == "conditioned":
        ids = ", ".join(f"C-{c.id}" for c in finding.conditions)
        return f"conditioned ({ids})"
    return finding.status


def _evidence(finding: FindingView) -> str:
    items = finding.finding.get("evidence") or []
    lines = []
    for item in items:
        if isinstance(item, dict):
            lines.append(
                f"{clean(item.get('field', ''))} = {show(item.get('value'))} "
                f"({clean(item.get('source', ''))})"
            )
    return "\n".join(lines) if lines else "none recorded"


def _findings(
    data: PacketData,
    blocks: list[Block],
    numbers: dict[str, str],
    groups: list[tuple[str, list[FindingView]]],
) -> None:
    view = data.view
    blocks.append(Para("heading1", "Findings by domain"))
    counts: dict[str, int] = {}
    for f in view.findings:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("blocker", "major", "minor", "info"))
    blocks.append(
        Para(
            "body",
            f"{len(view.findings)} current findings ({summary}); "
            f"{len(view.resolved)} resolved since earlier evaluations.",
        )
    )
    for domain, items in groups:
        blocks.append(
            Para("heading2", f"{DOMAIN_TITLE.get(domain, label(domain).title())} ({len(items)})")
        )
        rows = [["#", "Severity", "Finding", "Policy", "Status", "Triggering value", "Remediation"]]
        fills: dict[tuple[int, int], str] = {}
        for finding in items:
            found = finding.finding
            severity = str(found.get("severity", ""))
            subject = found.get("subject")
            text = f"{clean(found.get('rule_id', ''))}: {clean(found.get('title', ''))}"
            if subject:
                text += f"\nSubject: {clean(subject)}"
            if found.get("message"):
                text += f"\n{clean(found['message'])}"
            if not found.get("waivable", True):
                text += "\nNot waivable (rests on law)"
            policy = "\n".join(
                f"{clean(c)} {clean(data.sections.get(c, '(section not in these standards)'))}"
                for c in found.get("citations") or []
            )
            row = len(rows)
            fill = SEVERITY_FILL.get(severity)
            if fill:
                fills[(row, 1)] = fill
            status_fill = STATUS_FILL.get(finding.status)
            if status_fill:
                fills[(row, 4)] = status_fill
            rows.append(
                [
                    numbers.get(finding.key, ""),
                    severity,
                    text,
                    policy or "none",
                    _status(finding),
                    _evidence(finding),
                    clean(found.get("remediation", "")),
                ]
            )
        blocks.append(Grid(rows=rows, widths=(5, 8, 26, 14, 11, 19, 17), fills=fills))
    if not groups:
        blocks.append(Para("body", "No findings."))


def _waivers(
    data: PacketData, blocks: list[Block], numbers: dict[str, str], waivers: list[WaiverView]
) -> None:
    blocks.append(Para("heading1", "Waivers (GEN-5)"))
    if not waivers:
        blocks.append(Para("body", "No waivers were granted."))
        return
    rows = [
        [
            "Waiver",
            "Finding",
            "Authority",
            "Justification",
            "Compensating controls",
            "Granted",
            "Expires",
            "Status",
        ]
    ]
    for w in waivers:
        status = "revoked" if w.revoked else ("expired" if w.expired else "active")
        finding = numbers.get(w.finding_key, "")
        rows.append(
            [
                f"W-{w.id}",
                clean(f"{finding} {w.rule_id}" + (f" ({w.subject})" if w.subject else "")).strip(),
                f"{_person(data, w.granted_by)}, {waiver_title(w.domain)}",
                clean(w.justification),
                clean(w.compensating_controls),
                when(w.granted_at),
                w.expires_on.isoformat(),
                status,
            ]
        )
    blocks.append(Grid(rows=rows, widths=(6, 12, 14, 20, 20, 10, 9, 9)))


def _conditions(
    blocks: list[Block], numbers: dict[str, str], conditions: list[ConditionView]
) -> None:
    blocks.append(Para("heading1", "Conditions of approval (GEN-8)"))
    if not conditions:
        blocks.append(Para("body", "No conditions of approval."))
        return
    rows = [["Condition", "Finding", "Condition of approval", "Owner", "Due date", "Status"]]
    for c in conditions:
        finding = numbers.get(c.finding_key, "")
        rows.append(
            [
                f"C-{c.id}",
                clean(f"{finding} {c.rule_id}").strip(),
                clean(c.text),
                clean(c.owner),
                c.due_date.isoformat(),
                c.status,
            ]
        )
    blocks.append(Grid(rows=rows, widths=(8, 16, 36, 18, 11, 11)))


def _signoffs(data: PacketData, blocks: list[Block]) -> None:
    view = data.view
    blocks.append(Para("heading1", "Sign-offs (GEN-3)"))
    blocks.append(
        Para(
            "body",
            "Required for this stage: " + (", ".join(view.required_signoffs) or "none") + ".",
        )
    )
    rows = [["Domain", "Reviewer", "Decision", "Date and time", "Record version", "Note"]]
    stage = [s for s in view.signoffs if s.stage == view.stage]
    for s in stage:
        decision = "signed off" if s.valid else f"invalidated: {clean(s.invalidated_reason or '')}"
        rows.append(
            [
                s.domain,
                _person(data, s.reviewer),
                decision,
                when(s.at),
                str(s.version_number),
                clean(s.note or ""),
            ]
        )
    for domain in view.missing_signoffs:
        rows.append([domain, "", "missing", "", "", ""])
    blocks.append(Grid(rows=rows, widths=(13, 20, 17, 17, 9, 24)))


def _decisions(data: PacketData, blocks: list[Block]) -> None:
    blocks.append(Para("heading1", "Approver's decision"))
    if not data.view.decisions:
        blocks.append(Para("body", "The approver has not decided."))
        return
    rows = [["Stage", "Decision", "Approver", "Date and time", "Reason"]]
    for d in data.view.decisions:
        rows.append(
            [
                d.stage,
                label(d.outcome),
                _person(data, d.approver),
                when(d.at),
                clean(d.reason or ""),
            ]
        )
    blocks.append(Grid(rows=rows, widths=(11, 18, 20, 17, 34)))


def _details(details: dict[str, Any]) -> str:
    return "; ".join(f"{clean(k)}: {show(v)}" for k, v in details.items() if k not in NOISE)


def _history(data: PacketData, blocks: list[Block]) -> None:
    blocks.append(Para("heading1", "History"))
    blocks.append(
        Para("note", "From the hash-chained audit log (review audit verify checks the chain).")
    )
    rows = [["Event", "Date and time", "By", "Action", "Details"]]
    for e in data.events:
        rows.append(
            [
                str(e.seq),
                when(e.at),
                clean(e.actor),
                ACTIONS.get(e.action, clean(e.action)),
                _details(e.details),
            ]
        )
    blocks.append(Grid(rows=rows, widths=(7, 17, 12, 16, 48)))


def compose(data: PacketData) -> Composition:
    """Every block of the packet, in reading order (the integrity section is added later)."""
    view = data.view
    blocks: list[Block] = []
    groups = _by_domain(view)
    numbers = _finding_numbers(groups)
    _cover(data, blocks)
    _summary(data, blocks)
    _findings(data, blocks, numbers, groups)
    _waivers(data, blocks, numbers, view.waivers)
    _conditions(
        blocks,
        numbers,
        [c for c in view.conditions if c.status != "cancelled"]
        + [c for c in view.conditions if c.status == "cancelled"],
    )
    _signoffs(data, blocks)
    _decisions(data, blocks)
    _history(data, blocks)
    return Composition(
        blocks=blocks,
        title=clean(f"Technology approval packet {data.packet_id}: {view.title}"),
        subject=clean(f"{view.ref} {view.department}"),
        packet_id=data.packet_id,
        dated=data.dated,
        draft=data.draft,
    )
