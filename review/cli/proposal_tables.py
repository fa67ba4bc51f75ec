"""How ``review proposal show`` and ``history``, ``waivers list`` and ``audit log`` print a
request: one plain-text table per part."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from . import common

if TYPE_CHECKING:
    from ..services.views import ProposalView, WaiverView

_AUTOMATIC = frozenset({"all_signed", "signoff_lost"})  # the system's moves, not a person's


def show(view: ProposalView) -> None:
    console = common.console()
    head = Table.grid(padding=(0, 2))
    for label, value in _summary(view):
        head.add_row(label, Text(value))
    console.print(head)
    _findings_table(view)
    _signoffs_table(view)
    waivers_table("Waivers", [(view.ref, w) for w in view.waivers])
    _conditions_table(view)
    _comments_table(view)
    _decisions_table(view)


def _summary(view: ProposalView) -> list[tuple[str, str]]:
    tcv = f"${view.tcv:,.2f}" if view.tcv is not None else "not evaluated"
    disposition = common.opt(view.disposition).upper() or "not evaluated"
    if view.raw_disposition and view.raw_disposition != view.disposition:
        disposition += f" (as evaluated: {view.raw_disposition})"
    return [
        ("Proposal", f"{view.ref} {view.title}"),
        ("Department", f"{view.department}, requested by {view.requester_name} ({view.requester})"),
        ("State", f"{view.state} (stage {view.stage})"),
        ("Version", f"record version {view.current_version}, row version {view.row_version}"),
        ("Tier / TCV", f"{common.opt(view.tier) or '-'} / {tcv}"),
        ("Disposition", disposition),
        ("Standards", _evaluated(view)),
        ("Sign-offs required", ", ".join(view.required_signoffs) or "none"),
        ("Sign-offs missing", ", ".join(view.missing_signoffs) or "none"),
        ("Allowed actions", ", ".join(_actions(view.allowed_actions)) or "none"),
    ]


def _evaluated(view: ProposalView) -> str:
    if view.standards_version is None:
        return "not evaluated (a draft is evaluated when submitted)"
    return f"{view.standards_version}, dates judged as of {view.evaluated_as_of}"


def _actions(actions: Iterable[str]) -> list[str]:
    return [a.replace("_", "-") for a in actions if a not in _AUTOMATIC]


def _findings_table(view: ProposalView) -> None:
    rows = []
    for f in [*view.findings, *view.resolved]:
        waiver = f"#{f.waiver.id} until {f.waiver.expires_on}" if f.waiver else ""
        conds = "\n".join(f"#{c.id} {c.status}: {c.owner}, due {c.due_date}" for c in f.conditions)
        rows.append(
            (
                f["severity"],
                f["domain"],
                f["rule_id"],
                common.opt(f.finding.get("subject")),
                f.status,
                waiver,
                conds,
                f["title"],
            )
        )
    columns = ("Severity", "Domain", "Rule", "Subject", "Status", "Waiver", "Conditions", "Title")
    common.table("Findings", columns, rows)


def _signoffs_table(view: ProposalView) -> None:
    rows = [
        (
            f"#{s.id}",
            s.domain,
            s.stage,
            s.reviewer,
            str(s.version_number),
            common.when(s.at),
            "valid" if s.valid else f"invalidated: {s.invalidated_reason}",
            common.opt(s.note),
        )
        for s in view.signoffs
    ]
    columns = ("#", "Domain", "Stage", "Reviewer", "Version", "At", "Status", "Note")
    common.table("Sign-offs", columns, rows)


def waivers_table(title: str, waivers: list[tuple[str, WaiverView]]) -> None:
    rows = [
        (
            ref,
            f"#{w.id}",
            w.finding_key,
            w.granted_by,
            str(w.expires_on),
            "revoked" if w.revoked else "expired" if w.expired else "active",
            f"{w.justification}\nControls: {w.compensating_controls}",
        )
        for ref, w in waivers
    ]
    columns = ("Proposal", "Waiver", "Finding", "Granted by", "Expires", "Status", "Why")
    common.table(title, columns, rows)


def _conditions_table(view: ProposalView) -> None:
    rows = [
        (f"#{c.id}", c.finding_key, c.owner, str(c.due_date), c.status, c.text)
        for c in view.conditions
    ]
    common.table("Conditions", ("#", "Finding", "Owner", "Due", "Status", "Text"), rows)


def _comments_table(view: ProposalView) -> None:
    rows = [
        (common.when(c.at), c.author, c.kind, common.opt(c.domain), str(c.version_number), c.body)
        for c in view.comments
    ]
    common.table("Comments", ("At", "Author", "Kind", "Domain", "Version", "Text"), rows)


def _decisions_table(view: ProposalView) -> None:
    rows = [
        (common.when(d.at), d.stage, d.approver, d.outcome, common.opt(d.reason))
        for d in view.decisions
    ]
    common.table("Decisions", ("At", "Stage", "Approver", "Outcome", "Reason"), rows)


def versions_table(view: ProposalView) -> None:
    rows = [
        (
            str(v.number),
            v.stage,
            "yes" if v.submitted else "no",
            common.when(v.at),
            common.opt(v.note),
            v.record_hash[:12],
        )
        for v in view.versions
    ]
    common.table("Record versions", ("Version", "Stage", "Submitted", "At", "Note", "Hash"), rows)


def events_table(title: str, events: list[dict[str, Any]]) -> None:
    rows = [
        (
            str(e["seq"]),
            common.when(e["at"]),
            e["actor"],
            e["action"],
            f"{e['entity']} {e['entity_id']}",
            json.dumps(e["details"], ensure_ascii=False, default=str),
        )
        for e in events
    ]
    common.table(title, ("Seq", "At", "Actor", "Action", "Entity", "Details"), rows)
