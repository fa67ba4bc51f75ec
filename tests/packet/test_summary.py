"""Page 1 of the packet: the summary an approver, a clerk or an auditor reads first."""

from __future__ import annotations

import io
import re

from docx import Document

from review.labels import ENUM_LABELS
from review.packet import Outcome, build_packet, preview_packet, verify_packet
from review.services import decisions, proposals
from review.services.context import Services

from .conftest import Driven, fire_record, sign_all, submit, waive_and_condition
from .reading import Read, read


def page_one(doc: Read) -> tuple[list[str], list[list[list[str]]]]:
    """The paragraphs and tables before the first page break (the summary)."""
    paragraphs: list[str] = []
    tables: list[list[list[str]]] = []
    texts = [t for _, t in doc.paragraphs]
    end = texts.index("The request")
    paragraphs = texts[:end]
    headings = set(paragraphs)
    for heading, rows in doc.tables:
        if heading in headings or heading == "":
            tables.append(rows)
    return paragraphs, tables


def facts(tables: list[list[list[str]]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for rows in tables:
        for row in rows:
            if len(row) == 4 and not row[0].startswith(("Conditions", "Waivers", "Sign-off")):
                found[row[0]], found[row[2]] = row[1], row[3]
            elif len(row) == 2:
                found[row[0]] = row[1]
    return found


def test_page_one_of_an_approval(decided: Driven) -> None:
    data = build_packet(decided.services, "cara", decided.id)
    view = proposals.get(decided.services, "cara", decided.id)
    doc = read(data)
    paragraphs, tables = page_one(doc)
    assert paragraphs[:2] == ["Technology approval packet", f"{view.ref}: {view.title}"]
    summary = facts(tables)
    assert summary["Decision"] == "Approved with conditions"
    assert summary["Decided by"].startswith("Cara (cara), ") and "UTC" in summary["Decided by"]
    assert summary["Reason"] == "Approved with the conditions listed."
    assert summary["Department"] == "Library"
    assert summary["Vendor"] == "Emergent Public Safety Systems"
    assert summary["Product"] == "StationLog RMS 8.2"
    assert summary["Total contract value"] == "$66,000.00"
    assert summary["Review tier"] == "Tier 2 (standard review)"
    assert summary["Data classes"] == (
        "Internal, Confidential (Personal information, Employee records)"
    )
    assert summary["Disposition"] == "Approvable with conditions"

    conditions = next(rows for rows in tables if rows[0][0] == "Conditions")
    live = [c for c in view.conditions if c.status != "cancelled"]
    assert f"Conditions of approval ({len(live)})" in paragraphs
    # conditions set together (one text, owner and date) are one line, each still counted
    assert len(conditions) == 2 and conditions[1][2:] == [
        "Fire IT",
        live[0].due_date.isoformat(),
        "Open",
    ]
    assert conditions[1][1].startswith("Vendor delivers the fix")
    for condition in live:
        assert condition.rule_id in conditions[1][1]

    waivers = next(rows for rows in tables if rows[0][0] == "Waivers")
    assert waivers[1][1] == f"{view.waivers[0].rule_id} ({len(view.waivers)} findings)"
    assert "Information Security Officer" in waivers[1][2]
    assert waivers[1][3] == view.waivers[0].expires_on.isoformat() and waivers[1][4] == "Active"

    signoffs = next(rows for rows in tables if rows[0][0] == "Sign-off")
    cells = [(row[i], row[i + 1]) for row in signoffs[1:] for i in (0, 2) if row[i]]
    assert [c[0].lower() for c in cells] == view.required_signoffs  # two to a row
    day = view.signoffs[0].at.date().isoformat()
    assert all(f", {day} (v" in c[1] for c in cells)

    signatures = [rows for rows in tables if rows and rows[0][0] == "Approver"]
    assert signatures and signatures[0][1][1] == "Cara (cara)"
    assert not any("Council" in p for p in paragraphs)  # Tier 2, under $75,000
    # the summary is page 1 whatever follows it
    body = Document(io.BytesIO(data)).paragraphs
    following = next(p for p in body if p.text == "The request")
    assert following.paragraph_format.page_break_before


def test_council_action_where_council_approval_applies(
    services: Services, people: dict[str, str]
) -> None:
    record = fire_record(cost={"one_time": 0, "annual": 30000, "term_years": 3})
    driven = submit(services, record)
    assert driven.submitted.tier == 3
    waive_and_condition(driven)
    sign_all(driven)
    decisions.decide(services, "cara", driven.id, "approve_with_conditions", reason="Go.")
    paragraphs, tables = page_one(read(build_packet(services, "cara", driven.id)))
    assert (
        "City Council approval applies: GEN-2, Tier 3 (full review); PROC-1, total contract "
        "value $90,000.00 of at least $75,000.00."
    ) in paragraphs
    council = next(rows for rows in tables if rows and rows[0][0] == "Council action")
    assert council[0][2] == "Meeting date" and council[1][0] == "Resolution no."


def test_a_rejection_is_a_rejection_record(services: Services, people: dict[str, str]) -> None:
    driven = submit(services)
    sign_all(driven)
    decisions.decide(services, "cara", driven.id, "reject", reason="Unsupported servers.")
    data = build_packet(services, "cara", driven.id)
    paragraphs, tables = page_one(read(data))
    assert paragraphs[0] == "Technology rejection record"
    assert facts(tables)["Decision"] == "Rejected"
    assert facts(tables)["Reason"] == "Unsupported servers."
    assert verify_packet(data).decision == "rejected"


def test_a_preview_before_the_decision_says_so(services: Services, people: dict[str, str]) -> None:
    driven = submit(services)
    built = preview_packet(services, "dana", driven.id)
    paragraphs, tables = page_one(read(built.data))
    assert paragraphs[0].startswith("DRAFT")
    assert "Technology review packet" in paragraphs
    assert facts(tables)["Decision"] == "Not decided yet"
    assert verify_packet(built.data).outcome is Outcome.DRAFT


CODES = {
    value
    for table in ENUM_LABELS.values()
    for value in table
    if "_" in value or value in ("saas", "cji", "phi", "ssn", "alpr")
}


def test_values_are_labels_never_codes(decided: Driven) -> None:
    """No stored code (``informal_quotes``, ``city_data_center``) where a person reads it;
    field paths such as ``proposal.hosting`` name where a value came from and stay."""
    doc = read(build_packet(decided.services, "cara", decided.id))
    words = re.findall(r"[\w.]+", doc.text)
    shown = {w for w in words if "." not in w and w in CODES}
    assert not shown, shown
    assert "Renewal" in doc.text and "City data center" in doc.text and "Sole source" in doc.text
    assert "Does not support" in doc.text  # an accessibility finding's evidence value


def test_information_findings_are_summarised(decided: Driven) -> None:
    view = proposals.get(decided.services, "cara", decided.id)
    doc = read(build_packet(decided.services, "cara", decided.id))
    info = [f for f in view.findings if f["severity"] == "info"]
    rules = {f["rule_id"] for f in info}
    assert len(info) >= 5
    table = doc.table("Information findings")
    assert [r[0] for r in table[1:]] == sorted(rules, key=[f["rule_id"] for f in info].index)
    assert not any(len(r) == 7 and r[1] == "Information" for r in doc.table(""))
