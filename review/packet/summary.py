"""Page 1: what an approver, a clerk or an auditor needs without turning a page.

The decision and its reason, the key facts (department, vendor, product, TCV, tier, data
classes), the conditions with their owners and dates, the waivers with their expiry, the
sign-offs, the findings in one line, and the signature lines: the approver's, and the City
Council's action where Council approval applies (GEN-2 Tier 3, PROC-1). Conditions and
waivers granted together (one rule, one text) are one line; long texts are shortened here
and given in full in the later sections, so the summary stays one page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core import policy
from ..labels import (
    CONDITION_STATUS,
    DISPOSITION,
    OUTCOME,
    SEVERITY,
    STAGE,
    readable,
    tier_label,
)
from ..services.roles import waiver_title
from ..services.views import ConditionView, WaiverView
from .content import (
    Block,
    Grid,
    PacketData,
    Para,
    brief,
    money,
    person,
    record_parts,
    show,
    stage_decision,
    title_for,
    utc,
    when,
)
from .xml_text import clean

SUMMARY_ROWS = 4  # rows of conditions or waivers on page 1; the rest are counted
TEXT_LIMIT = 90  # characters of a condition's text on page 1
REASON_LIMIT = 200
FACT_LIMIT = 70  # characters of a department, a vendor, a product on page 1
SIGNATURE_LINE = ""  # an empty cell drawn as a line to sign on


def summary(data: PacketData) -> list[Block]:
    blocks: list[Block] = []
    view = data.view
    if data.draft:
        blocks.append(Para("draft", "DRAFT \u2014 preview only, not an approval packet"))
        if data.outstanding:
            blocks.append(Para("note", clean("Not yet issuable: " + "; ".join(data.outstanding))))
    blocks.append(Para("title", title_for(view)))
    blocks.append(Para("subtitle", brief(clean(f"{view.ref}: {view.title}"), 100)))
    blocks.append(_decision(data))
    blocks.append(_facts(data))
    blocks.extend(_conditions(view.conditions))
    blocks.extend(_waivers(data, view.waivers))
    blocks.extend(_signoffs(data))
    blocks.extend(_signatures(data))
    return blocks


def _decision(data: PacketData) -> Grid:
    decision = stage_decision(data)
    if decision is None:
        rows = [["Decision", "Not decided yet"]]
    else:
        reason = brief(clean(decision.reason), REASON_LIMIT) if decision.reason else "—"
        rows = [
            ["Decision", OUTCOME.get(decision.outcome, readable(decision.outcome))],
            ["Decided by", f"{person(data, decision.approver)}, {when(decision.at)}"],
            ["Reason", reason],
        ]
    rows.append(["Findings", _findings_line(data)])
    return Grid(rows=rows, widths=(16, 84), header=False, kind="keyvalue")


def _facts(data: PacketData) -> Grid:
    view = data.view
    proposal, contract = record_parts(view)
    vendor = proposal.get("vendor") if isinstance(proposal.get("vendor"), dict) else {}
    assert isinstance(vendor, dict)
    product = " ".join(str(p) for p in (vendor.get("product"), vendor.get("product_version")) if p)
    classes = proposal.get("data_classes") or []
    types = proposal.get("data_types") or []
    data_text = show(classes, "proposal.data_classes") if classes else "none declared"
    if types:
        data_text += f" ({show(types, 'proposal.data_types')})"
    disposition = DISPOSITION.get(view.disposition or "", "Not evaluated")
    pairs = [
        ("Department", brief(clean(view.department), FACT_LIMIT)),
        ("Requester", brief(person(data, view.requester), FACT_LIMIT)),
        ("Vendor", brief(show(contract.get("vendor") or vendor.get("name")), FACT_LIMIT)),
        ("Product", brief(clean(product), FACT_LIMIT) if product else "not answered"),
        ("Total contract value", money(view.tcv)),
        ("Review tier", tier_label(view.tier)),
        ("Data classes", data_text),
        ("Disposition", disposition),
        ("Stage", STAGE.get(view.stage, readable(view.stage))),
        ("Packet", f"{data.packet_id}, {when(data.dated)}"),
    ]
    rows = [
        [pairs[i][0], pairs[i][1], pairs[i + 1][0], pairs[i + 1][1]]
        for i in range(0, len(pairs), 2)
    ]
    return Grid(rows=rows, widths=(19, 29, 14, 38), header=False, kind="facts")


def _grouped(items: list[Any], key: Callable[[Any], tuple[Any, ...]]) -> list[list[Any]]:
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def _ids(prefix: str, ids: list[int]) -> str:
    if len(ids) <= 3:
        return ", ".join(f"{prefix}-{i}" for i in ids)
    return f"{prefix}-{ids[0]} \u2026 {prefix}-{ids[-1]} ({len(ids)})"


def _more(hidden: int, where: str) -> list[Block]:
    return [Para("note", f"And {hidden} more, listed in full under {where}.")] if hidden else []


def _conditions(conditions: list[ConditionView]) -> list[Block]:
    live = [c for c in conditions if c.status != "cancelled"]
    head = f"Conditions of approval ({len(live)})"
    if not live:
        return [Para("summary_heading", head), Para("body", "No conditions of approval.")]
    groups = _grouped(live, lambda c: (c.text, c.owner, c.due_date, c.status))
    rows = [["Conditions", "Condition of approval", "Owner", "Due", "Status"]]
    shown = groups if len(groups) <= SUMMARY_ROWS else groups[: SUMMARY_ROWS - 1]
    for group in shown:
        first = group[0]
        rules = sorted({c.rule_id for c in group})
        rows.append(
            [
                _ids("C", [c.id for c in group]),
                brief(clean(first.text), TEXT_LIMIT) + f" ({', '.join(rules)})",
                brief(clean(first.owner), 40),
                first.due_date.isoformat(),
                CONDITION_STATUS.get(first.status, readable(first.status)),
            ]
        )
    return [
        Para("summary_heading", head),
        Grid(rows=rows, widths=(12, 48, 18, 12, 10)),
        *_more(len(groups) - len(shown), "Conditions of approval"),
    ]


def _waivers(data: PacketData, waivers: list[WaiverView]) -> list[Block]:
    head = f"Waivers ({len(waivers)})"
    if not waivers:
        return [Para("summary_heading", head), Para("body", "No waivers were granted.")]

    def status(w: WaiverView) -> str:
        return "Revoked" if w.revoked else ("Expired" if w.expired else "Active")

    groups = _grouped(waivers, lambda w: (w.rule_id, w.granted_by, w.expires_on, status(w)))
    rows = [["Waivers", "Finding waived", "Waived by", "Expires", "Status"]]
    shown = groups if len(groups) <= SUMMARY_ROWS else groups[: SUMMARY_ROWS - 1]
    for group in shown:
        first = group[0]
        subjects = [w.subject for w in group if w.subject]
        what = first.rule_id
        if len(group) > 1:
            what += f" ({len(group)} findings)"
        elif subjects:
            what += f" ({brief(clean(subjects[0]), 40)})"
        rows.append(
            [
                _ids("W", [w.id for w in group]),
                clean(what),
                f"{person(data, first.granted_by)}, {waiver_title(first.domain)}",
                first.expires_on.isoformat(),
                status(first),
            ]
        )
    return [
        Para("summary_heading", head),
        Grid(rows=rows, widths=(12, 30, 36, 12, 10)),
        *_more(len(groups) - len(shown), "Waivers"),
    ]


def _short(domain: str) -> str:
    return policy.current().domain_title(domain)


def _signoffs(data: PacketData) -> list[Block]:
    """Two sign-offs a row: every domain fits on page 1."""
    view = data.view
    cells: list[tuple[str, str]] = []
    for s in view.signoffs:
        if s.stage == view.stage and s.valid:
            day = utc(s.at).date().isoformat()
            who = brief(person(data, s.reviewer), 40)
            cells.append((_short(s.domain), f"{who}, {day} (v{s.version_number})"))
    cells += [(_short(d), "missing") for d in view.missing_signoffs]
    if not cells:
        return [Para("summary_heading", "Sign-offs"), Para("body", "No sign-off is required.")]
    if len(cells) % 2:
        cells.append(("", ""))
    rows = [["Sign-off", "Signed by, on (record version)", "Sign-off", "Signed by, on"]]
    rows += [[*cells[i], *cells[i + 1]] for i in range(0, len(cells), 2)]
    return [Para("summary_heading", "Sign-offs"), Grid(rows=rows, widths=(20, 30, 20, 30))]


def _findings_line(data: PacketData) -> str:
    view = data.view
    parts = []
    for severity in SEVERITY:  # most severe first, as standards/review.yaml orders them
        found = [f for f in view.findings if f["severity"] == severity]
        if not found:
            continue
        text = f"{len(found)} {SEVERITY[severity].lower()}"
        statuses = {s: sum(1 for f in found if f.status == s) for s in ("waived", "conditioned")}
        extra = [f"{n} {s}" for s, n in statuses.items() if n]
        parts.append(text + (f" ({', '.join(extra)})" if extra else ""))
    total = len(view.findings)
    listed = ", ".join(parts) if parts else "none"
    return (
        f"{total} current ({listed}); {len(view.resolved)} resolved since earlier "
        "evaluations; all listed from page 2."
    )


def _signatures(data: PacketData) -> list[Block]:
    decision = stage_decision(data)
    approver = person(data, decision.approver) if decision is not None else ""
    blocks: list[Block] = [
        Para("summary_heading", "Signatures"),
        Grid(
            rows=[
                ["Approver", SIGNATURE_LINE, "Date", SIGNATURE_LINE],
                ["Name", approver or SIGNATURE_LINE, "Title", SIGNATURE_LINE],
            ],
            widths=(15, 42, 14, 29),
            header=False,
            kind="signature",
        ),
    ]
    if data.council and data.view.state not in ("rejected", "contract_rejected"):
        blocks.append(
            Para("note", clean("City Council approval applies: " + "; ".join(data.council) + "."))
        )
        blocks.append(
            Grid(
                rows=[
                    ["Council action", "Approved / Not approved", "Meeting date", SIGNATURE_LINE],
                    ["Resolution no.", SIGNATURE_LINE, "City Clerk", SIGNATURE_LINE],
                ],
                widths=(15, 42, 14, 29),
                header=False,
                kind="signature",
            )
        )
    return blocks
