"""From page 2: the proposal, every finding, waiver, condition, sign-off, decision and event.

Findings a reviewer acts on (blocker, major, minor) are one row each, by domain; information
findings are summarised one line per rule, so 45 notices do not bury the 5 that matter.
Every value is shown by its label (:mod:`review.labels`), never by its stored code.
"""

from __future__ import annotations

import re
from typing import Any

from ..core import policy
from ..labels import (
    CONDITION_STATUS,
    DISPOSITION,
    FINDING_STATUS,
    OUTCOME,
    SEVERITY,
    STAGE,
    STATE,
    label_codes,
    readable,
)
from ..services.roles import waiver_title
from ..services.views import ConditionView, FindingView, ProposalView, WaiverView
from .content import (
    Block,
    Grid,
    PacketData,
    Para,
    money,
    person,
    record_parts,
    show,
    when,
)
from .xml_text import clean

SEVERITY_FILL = {"blocker": "F4CCCC", "major": "FCE5CD", "minor": "FFF2CC", "info": "DEEAF6"}
STATUS_FILL = {"open": None, "waived": "E2EFDA", "conditioned": "FFF2CC", "resolved": "E2EFDA"}
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
ACTED_ON = policy.current().acted_on  # one row each; the rest summarised (review.yaml)


def domain_title(domain: str) -> str:
    return policy.current().domain_title(domain, long=True)


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


def _kv(rows: list[tuple[str, str]]) -> Grid:
    return Grid(rows=[[clean(k), v] for k, v in rows], widths=(3, 7), header=False, kind="keyvalue")


def _proposal_rows(proposal: dict[str, Any]) -> list[tuple[str, str]]:
    vendor = proposal.get("vendor") if isinstance(proposal.get("vendor"), dict) else {}
    assert isinstance(vendor, dict)
    rows: list[tuple[str, str]] = [
        ("Title", show(proposal.get("title"))),  # page 1 may shorten these three
        ("Department", show(proposal.get("department"))),
        ("Vendor and product", show([v for k, v in vendor.items() if v] or None)),
    ]
    for key, name in SUMMARY_FIELDS:
        if key in proposal:
            rows.append((name, show(proposal[key], f"proposal.{key}")))
    cost = proposal.get("cost")
    if isinstance(cost, dict):
        rows.append(("One-time cost", money(cost.get("one_time"))))
        rows.append(("Annual cost", money(cost.get("annual"))))
        rows.append(("Term (years)", show(cost.get("term_years"))))
        if "funding_source" in cost:
            rows.append(
                ("Funding source", show(cost["funding_source"], "proposal.cost.funding_source"))
            )
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
    return rows


def proposal_section(data: PacketData) -> list[Block]:
    proposal, contract = record_parts(data.view)
    blocks: list[Block] = [Para("heading1", "The request")]
    blocks.append(Para("heading2", "Problem statement"))
    blocks.append(Para("body", show(proposal.get("problem_statement"))))
    outcomes = proposal.get("desired_outcomes")
    if isinstance(outcomes, list) and outcomes:
        blocks.append(Para("heading2", "Desired outcomes"))
        blocks.extend(Para("body", f"\u2022 {show(o)}") for o in outcomes)
    blocks.append(Para("heading2", "The proposal"))
    blocks.append(_kv(_proposal_rows(proposal)))
    if not contract:
        blocks.append(Para("note", "No contract has been submitted yet (proposal stage)."))
        return blocks
    blocks.append(Para("heading2", "The contract"))
    rows: list[tuple[str, str]] = []
    for key, name in CONTRACT_FIELDS:
        if key in contract:
            value = contract[key]
            rows.append((name, money(value) if key == "value_usd" else show(value)))
    clauses = contract.get("clauses")
    if isinstance(clauses, dict):
        rows.extend((f"Clause: {readable(k).lower()}", show(v)) for k, v in clauses.items())
    blocks.append(_kv(rows))
    return blocks


# --- findings --------------------------------------------------------------------------------


def by_domain(view: ProposalView) -> list[tuple[str, list[FindingView]]]:
    """Current findings, then resolved ones, grouped by domain in the policy's domain order."""
    groups: dict[str, list[FindingView]] = {}
    for finding in [*view.findings, *view.resolved]:
        groups.setdefault(str(finding["domain"]), []).append(finding)
    known = policy.current().domain_order
    order = sorted(groups, key=lambda d: (known.index(d) if d in known else len(known), d))
    return [(domain, groups[domain]) for domain in order]


def finding_numbers(groups: list[tuple[str, list[FindingView]]]) -> dict[str, str]:
    """F-n for every finding a reviewer acts on, in the order the findings tables list them."""
    numbers: dict[str, str] = {}
    index = 0
    for _, items in groups:
        for finding in items:
            if finding["severity"] in ACTED_ON:
                index += 1
                numbers.setdefault(finding.key, f"F-{index}")
    return numbers


def _status(finding: FindingView) -> str:
    if finding.status == "waived" and finding.waiver is not None:
        return f"Waived (W-{finding.waiver.id}, expires {finding.waiver.expires_on.isoformat()})"
    if finding.status == "conditioned":
        ids = ", ".join(f"C-{c.id}" for c in finding.conditions)
        return f"Conditioned ({ids})"
    return FINDING_STATUS.get(finding.status, readable(finding.status))


def _wrappable(source: str) -> str:
    """A field path may wrap after its dots (a zero-width space), so that a long path does not
    widen its column past the rest of the table."""
    return re.sub(r"\.(?=[A-Za-z_])", ".\u200b", source)


def _evidence(finding: FindingView) -> str:
    lines = []
    for item in finding.finding.get("evidence") or []:
        if isinstance(item, dict):
            source = clean(item.get("source", ""))
            path = (
                source.split(" ", 1)[0] if source.startswith(("proposal.", "contract.")) else None
            )
            value = show(item.get("value"), path)
            lines.append(f"{clean(item.get('field', ''))} = {value} ({_wrappable(source)})")
    return "\n".join(lines) if lines else "none recorded"


def _finding_text(found: dict[str, Any]) -> str:
    text = f"{clean(found.get('rule_id', ''))}: {clean(found.get('title', ''))}"
    if found.get("subject"):
        text += f"\nSubject: {clean(label_codes(str(found['subject'])))}"
    if found.get("message"):
        text += f"\n{clean(label_codes(str(found['message'])))}"
    if not found.get("waivable", True):
        text += "\nNot waivable (rests on law)"
    return text


def _policy(data: PacketData, found: dict[str, Any]) -> str:
    return "\n".join(
        f"{clean(c)} {clean(data.sections.get(c, '(section not in these standards)'))}"
        for c in found.get("citations") or []
    )


def _finding_rows(
    data: PacketData, items: list[FindingView], numbers: dict[str, str]
) -> tuple[list[list[str]], dict[tuple[int, int], str]]:
    rows = [["#", "Severity", "Finding", "Policy", "Status", "Triggering value", "Remediation"]]
    fills: dict[tuple[int, int], str] = {}
    for finding in items:
        found = finding.finding
        severity = str(found.get("severity", ""))
        row = len(rows)
        if SEVERITY_FILL.get(severity):
            fills[(row, 1)] = SEVERITY_FILL[severity]
        status_fill = STATUS_FILL.get(finding.status)
        if status_fill:
            fills[(row, 4)] = status_fill
        rows.append(
            [
                numbers.get(finding.key, ""),
                SEVERITY.get(severity, readable(severity)),
                _finding_text(found),
                _policy(data, found) or "none",
                _status(finding),
                _evidence(finding),
                clean(found.get("remediation", "")),
            ]
        )
    return rows, fills


def findings_section(
    data: PacketData, groups: list[tuple[str, list[FindingView]]], numbers: dict[str, str]
) -> list[Block]:
    view = data.view
    counts = {s: sum(1 for f in view.findings if f["severity"] == s) for s in SEVERITY}
    summary = ", ".join(f"{counts[s]} {SEVERITY[s].lower()}" for s in SEVERITY)
    blocks: list[Block] = [
        Para("heading1", "Findings by domain"),
        Para(
            "body",
            f"{len(view.findings)} current findings ({summary}); "
            f"{len(view.resolved)} resolved since earlier evaluations. Information findings "
            "are summarised after the domains, one line per rule.",
        ),
    ]
    listed = 0
    for domain, items in groups:
        acted = [f for f in items if f["severity"] in ACTED_ON]
        if not acted:
            continue
        listed += len(acted)
        blocks.append(Para("heading2", f"{domain_title(domain)} ({len(acted)})"))
        rows, fills = _finding_rows(data, acted, numbers)
        blocks.append(Grid(rows=rows, widths=(5, 9, 26, 14, 12, 18, 16), fills=fills))
    if not listed:
        blocks.append(Para("body", "No blocker, major or minor findings."))
    blocks.extend(_information(data, groups))
    return blocks


def _information(data: PacketData, groups: list[tuple[str, list[FindingView]]]) -> list[Block]:
    """One row per rule: how many information findings it raised, on what, and their status."""
    by_rule: dict[str, list[FindingView]] = {}
    for _, items in groups:
        for finding in items:
            if finding["severity"] not in ACTED_ON:
                by_rule.setdefault(str(finding["rule_id"]), []).append(finding)
    total = sum(len(v) for v in by_rule.values())
    blocks: list[Block] = [Para("heading2", f"Information findings ({total})")]
    if not by_rule:
        blocks.append(Para("body", "No information findings."))
        return blocks
    rows = [["Rule", "Finding", "Policy", "Findings", "Status"]]
    for rule, items in by_rule.items():
        found = items[0].finding
        subjects = [clean(f.finding["subject"]) for f in items if f.finding.get("subject")]
        count = f"{len(items)}" + (f": {', '.join(subjects)}" if subjects else "")
        statuses: dict[str, int] = {}
        for f in items:
            statuses[f.status] = statuses.get(f.status, 0) + 1
        status = ", ".join(
            f"{n} {FINDING_STATUS.get(s, s).lower()}" for s, n in sorted(statuses.items())
        )
        rows.append(
            [clean(rule), clean(found.get("title", "")), _policy(data, found), count, status]
        )
    blocks.append(Grid(rows=rows, widths=(20, 34, 20, 14, 12)))
    return blocks


# --- the record of the review --------------------------------------------------------------


def waivers_section(
    data: PacketData, numbers: dict[str, str], waivers: list[WaiverView]
) -> list[Block]:
    blocks: list[Block] = [Para("heading1", "Waivers (GEN-5)")]
    if not waivers:
        return [*blocks, Para("body", "No waivers were granted.")]
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
        status = "Revoked" if w.revoked else ("Expired" if w.expired else "Active")
        finding = numbers.get(w.finding_key, "")
        rows.append(
            [
                f"W-{w.id}",
                clean(f"{finding} {w.rule_id}" + (f" ({w.subject})" if w.subject else "")).strip(),
                f"{person(data, w.granted_by)}, {waiver_title(w.domain)}",
                clean(w.justification),
                clean(w.compensating_controls),
                when(w.granted_at),
                w.expires_on.isoformat(),
                status,
            ]
        )
    return [*blocks, Grid(rows=rows, widths=(7, 13, 15, 19, 19, 10, 10, 8))]


def conditions_section(numbers: dict[str, str], conditions: list[ConditionView]) -> list[Block]:
    blocks: list[Block] = [Para("heading1", "Conditions of approval (GEN-8)")]
    if not conditions:
        return [*blocks, Para("body", "No conditions of approval.")]
    ordered = [c for c in conditions if c.status != "cancelled"] + [
        c for c in conditions if c.status == "cancelled"
    ]
    rows = [["Condition", "Finding", "Condition of approval", "Owner", "Due date", "Status"]]
    for c in ordered:
        rows.append(
            [
                f"C-{c.id}",
                clean(f"{numbers.get(c.finding_key, '')} {c.rule_id}").strip(),
                clean(c.text),
                clean(c.owner),
                c.due_date.isoformat(),
                CONDITION_STATUS.get(c.status, readable(c.status)),
            ]
        )
    return [*blocks, Grid(rows=rows, widths=(10, 18, 34, 16, 12, 10))]


def signoffs_section(data: PacketData) -> list[Block]:
    view = data.view
    required = ", ".join(domain_title(d) for d in view.required_signoffs) or "none"
    blocks: list[Block] = [
        Para("heading1", "Sign-offs (GEN-3)"),
        Para("body", f"Required for this stage: {required}."),
    ]
    rows = [["Domain", "Reviewer", "Decision", "Date and time", "Record version", "Note"]]
    for s in (s for s in view.signoffs if s.stage == view.stage):
        decision = "Signed off" if s.valid else f"Invalidated: {clean(s.invalidated_reason or '')}"
        rows.append(
            [
                domain_title(s.domain),
                person(data, s.reviewer),
                decision,
                when(s.at),
                str(s.version_number),
                clean(s.note or ""),
            ]
        )
    for domain in view.missing_signoffs:
        rows.append([domain_title(domain), "", "Missing", "", "", ""])
    return [*blocks, Grid(rows=rows, widths=(16, 20, 15, 16, 10, 23))]


def decisions_section(data: PacketData) -> list[Block]:
    blocks: list[Block] = [Para("heading1", "Approver's decision")]
    if not data.view.decisions:
        return [*blocks, Para("body", "The approver has not decided.")]
    rows = [["Stage", "Decision", "Approver", "Date and time", "Reason"]]
    for d in data.view.decisions:
        rows.append(
            [
                STAGE.get(d.stage, readable(d.stage)),
                OUTCOME.get(d.outcome, readable(d.outcome)),
                person(data, d.approver),
                when(d.at),
                clean(d.reason or ""),
            ]
        )
    return [*blocks, Grid(rows=rows, widths=(11, 17, 20, 17, 35))]


def _detail(key: str, value: Any) -> str:
    if isinstance(value, str) and key in ("before", "after", "from", "to", "state", "outcome"):
        return STATE.get(value) or OUTCOME.get(value) or show(value)
    if isinstance(value, str) and key == "disposition":
        return DISPOSITION.get(value) or show(value)
    return show(value)


def history_section(data: PacketData) -> list[Block]:
    rows = [["Event", "Date and time", "By", "Action", "Details"]]
    for e in data.events:
        details = "; ".join(
            f"{clean(k)}: {_detail(k, v)}" for k, v in e.details.items() if k not in NOISE
        )
        rows.append(
            [
                str(e.seq),
                when(e.at),
                clean(e.actor),
                ACTIONS.get(e.action, clean(e.action)),
                details,
            ]
        )
    return [
        Para("heading1", "History"),
        Para("note", "From the hash-chained audit log (review audit verify checks the chain)."),
        Grid(rows=rows, widths=(8, 17, 13, 17, 45)),
    ]
