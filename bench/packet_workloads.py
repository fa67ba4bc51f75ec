"""Synthetic packet data of any size, for bench/packet.py and the packet tests.

Builds the read model a packet is made from (no database): ``findings`` findings spread over
the domains and severities, some waived, some conditioned, with sign-offs, a decision and a
history. ``remark`` is appended to every free-text field (to test pasted text).
"""

from __future__ import annotations

import datetime as dt

from review.core import policy
from review.packet.content import HistoryEvent, PacketData
from review.services.views import (
    ConditionView,
    DecisionView,
    FindingView,
    ProposalView,
    SignOffView,
    VersionView,
    WaiverView,
)

DOMAINS = ("general", "data", "security", "accessibility", "open_source", "privacy", "ai")
SEVERITIES = policy.current().severity_order
SECTIONS = {
    "general": "GEN-3",
    "data": "DATA-4",
    "security": "SEC-1",
    "accessibility": "ACC-2",
    "open_source": "OSS-3",
    "privacy": "PRIV-1",
    "ai": "AI-1",
}
MOMENT = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)


def _findings(
    count: int, remark: str
) -> tuple[list[FindingView], list[WaiverView], list[ConditionView]]:
    """``count`` findings over every domain and severity: a third of the blockers waived,
    every major conditioned."""
    views: list[FindingView] = []
    waivers: list[WaiverView] = []
    conditions: list[ConditionView] = []
    for n in range(count):
        domain = DOMAINS[n % len(DOMAINS)]
        severity = SEVERITIES[(n // len(DOMAINS)) % len(SEVERITIES)]
        rule = f"{SECTIONS[domain].split('-')[0]}-{n:04d}-synthetic"
        subject = f"component-{n}"
        finding = {
            "rule_id": rule,
            "domain": domain,
            "severity": severity,
            "title": f"Synthetic finding {n}{remark}",
            "message": f"The value of item {n} does not meet the standard.{remark}",
            "citations": [SECTIONS[domain]],
            "remediation": f"Fix item {n}.{remark}",
            "waivable": n % 5 != 0,
            "subject": subject,
            "evidence": [
                {"field": "value", "source": "proposal.synthetic", "value": n},
                {"field": "note", "source": "proposal.note", "value": f"pasted{remark}"},
            ],
        }
        key = f"{rule}|{subject}"
        status = "open"
        waiver = None
        attached: list[ConditionView] = []
        if severity == "blocker" and n % 3 == 0:
            waiver = WaiverView(
                id=len(waivers) + 1,
                finding_key=key,
                rule_id=rule,
                subject=subject,
                domain=domain,
                granted_by="iso",
                justification=f"Justified {n}.{remark}",
                compensating_controls=f"Controls {n}.{remark}",
                granted_at=MOMENT,
                expires_on=dt.date(2027, 6, 30),
                revoked=False,
                expired=False,
            )
            waivers.append(waiver)
            status = "waived"
        elif severity == "major":
            condition = ConditionView(
                id=len(conditions) + 1,
                finding_key=key,
                rule_id=rule,
                domain=domain,
                text=f"Vendor fixes item {n}.{remark}",
                owner=f"Owner {n}{remark}",
                due_date=dt.date(2027, 3, 31),
                status="open",
            )
            conditions.append(condition)
            attached = [condition]
            status = "conditioned"
        views.append(FindingView(finding, status, waiver, attached))
    return views, waivers, conditions


def _signoffs(remark: str) -> list[SignOffView]:
    return [
        SignOffView(
            id=i + 1,
            domain=domain,
            reviewer=f"reviewer{i}",
            reviewer_name=f"Reviewer {i}",
            version_number=1,
            at=MOMENT,
            note=f"Reviewed.{remark}",
            valid=True,
            invalidated_reason=None,
            stage="proposal",
        )
        for i, domain in enumerate(("technology", "security", "accessibility", "privacy"))
    ]


def packet_data(
    findings: int = 200,
    *,
    remark: str = "",
    draft: bool = False,
    outcome: str = "approved_with_conditions",
    council: bool = False,
    verify_at: str = "",
) -> PacketData:
    """``outcome`` is the decided state (``rejected`` for a rejection record); ``council``
    makes it a Tier 3 request of $250,000, which needs City Council approval."""
    views, waivers, conditions = _findings(findings, remark)
    signoffs = _signoffs(remark)
    view = ProposalView(
        id=1,
        ref="P-1",
        title=f"Synthetic proposal{remark}",
        department="Library",
        requester="dana",
        requester_name="Dana",
        state="ready_for_approval" if draft else outcome,
        stage="proposal",
        row_version=9,
        current_version=1,
        record={
            "proposal": {
                "title": f"Synthetic proposal{remark}",
                "department": "Library",
                "problem_statement": f"A problem.{remark}",
                "desired_outcomes": [f"An outcome.{remark}"],
                "vendor": {"name": f"Vendor{remark}", "product": "Product", "product_version": "1"},
                "cost": {"one_time": 1000, "annual": 20000, "term_years": 3},
                "acquisition_type": "saas",
                "procurement_method": "informal_quotes",
                "hosting": "vendor_cloud",
                "data_classes": ["confidential"],
                "data_types": ["personal_information", "employee_records"],
                "users": {"staff_count": 40, "public_facing": False},
            }
        },
        tier=3 if council else 2,
        tcv=250000.0 if council else 61000.0,
        raw_disposition="blocked",
        disposition="conditions",
        standards_version="2026.11 (v1)",
        evaluated_at=MOMENT,
        evaluated_as_of=MOMENT.date(),
        required_signoffs=[s.domain for s in signoffs],
        missing_signoffs=[],
        findings=views,
        resolved=[],
        signoffs=signoffs,
        waivers=waivers,
        conditions=conditions,
        comments=[],
        decisions=[]
        if draft
        else [DecisionView("proposal", "cara", outcome, f"Fine.{remark}", MOMENT)],
        versions=[VersionView(1, "proposal", True, MOMENT, None, "0" * 64)],
        allowed_actions=[],
        submitted_at=MOMENT,
        updated_at=MOMENT,
    )
    events = [
        HistoryEvent(i + 1, MOMENT, "dana", "proposal.state", {"after": f"s{i}", "note": remark})
        for i in range(12)
    ]
    return PacketData(
        view=view,
        names={"dana": "Dana", "cara": "Cara", "iso": "Ines"},
        sections={v: f"Section {v}" for v in SECTIONS.values()},
        events=events,
        packet_id="DRAFT-1-v1" if draft else "PKT-1-1",
        draft=draft,
        dated=MOMENT,
        outstanding=["the approver has not decided"] if draft else [],
        council=["GEN-2, Tier 3 (full review)"] if council else [],
        verify_at=verify_at,
    )
