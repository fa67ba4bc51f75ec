"""Exports and the technology improvement plan through the services and the command line:
the same permissions as the pages, hostile text neutralised, whole-or-nothing files."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook

from review.errors import InputError, NotFound, PermissionDenied
from review.services import exports, plan, proposals
from review.services.context import Services

from .support import approved, in_contract_review, saas, submitted

pytestmark = pytest.mark.usefixtures("people")
HOSTILE = '=HYPERLINK("http://evil.example","Click")'


def test_each_export_honours_the_pages_permissions(services: Services) -> None:
    library = submitted(services)
    police = submitted(services, saas(department="Police", title="Cameras"), by="pat")
    with pytest.raises(PermissionDenied, match="only for reviewers and waiver authorities"):
        exports.build(services, "dana", "queue")
    with pytest.raises(PermissionDenied, match="only admins read the whole audit log"):
        exports.build(services, "dana", "audit")
    with pytest.raises(NotFound):
        exports.build(services, "dana", "findings", exports.Options(proposal_id=police.id))
    with pytest.raises(InputError, match="--proposal"):
        exports.build(services, "tess", "findings")
    mine = exports.build(services, "dana", "requests")
    assert [r[0] for r in mine.rows] == [library.ref]
    everyone = exports.build(services, "tess", "requests")
    assert {r[0] for r in everyone.rows} == {library.ref, police.ref}
    queue = exports.build(services, "sam", "queue")
    assert {(r[0], r[1], r[4]) for r in queue.rows} == {
        ("sign-off", library.ref, "security"),
        ("sign-off", police.ref, "security"),
    }
    audit = exports.build(services, "admin", "audit")
    assert audit.rows and [r[0] for r in audit.rows] == sorted(r[0] for r in audit.rows)
    findings = exports.build(services, "dana", "findings", exports.Options(proposal_id=library.id))
    assert {r[0] for r in findings.rows} == {f["rule_id"] for f in library.findings}


def test_hostile_titles_are_neutralised_in_csv_and_xlsx(
    services: Services, review: Any, tmp_path: Path
) -> None:
    submitted(services, saas(title=HOSTILE))
    result = review("export", "requests", "--as", "dana")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out.lstrip("\ufeff"))))
    assert rows[1][1] == "'" + HOSTILE
    out = tmp_path / "requests.xlsx"
    result = review("export", "requests", "-f", "xlsx", "--out", str(out), "--as", "dana")
    assert result.code == 0 and "1 row(s) of requests" in result.err
    sheet = load_workbook(out).active
    assert sheet is not None and sheet["B2"].value == "'" + HOSTILE
    assert sheet["B2"].data_type != "f"
    data = json.loads(review("export", "requests", "-f", "json", "--as", "dana").out)
    assert data["rows"][0]["Title"] == HOSTILE


def test_an_unwritable_out_or_a_refusal_is_one_line_and_writes_nothing(
    services: Services, review: Any, tmp_path: Path
) -> None:
    submitted(services)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    result = review("export", "requests", "--out", str(tmp_path / "no" / "x.csv"), "--as", "dana")
    assert result.code == 2 and "--out: the directory" in result.err
    target = tmp_path / "audit.csv"
    result = review("export", "audit", "--out", str(target), "--as", "dana")
    assert result.code == 2 and "only admins" in result.err
    assert list(tmp_path.iterdir()) == []
    result = review("export", "inventory", "--status", "gone", "--as", "admin")
    assert result.code == 2 and "--status" in result.err


def test_the_plan_spreads_approved_and_pending_projects(services: Services) -> None:
    first = approved(services)  # approved on 2026-11-27 (the test clock)
    second = in_contract_review(services)  # its contract starts 2027-01-01
    pending = submitted(services, saas(department="Police", title="Cameras"), by="pat")
    proposals.create_draft(services, "dana", saas(title="Only a draft"))
    built = plan.build_plan(services, "admin")
    assert built.years == [2027, 2028, 2029, 2030, 2031]
    by_ref = {p.ref: p for p in built.projects}
    assert set(by_ref) == {first.ref, second.ref, pending.ref}
    assert (by_ref[first.ref].status, by_ref[first.ref].start_basis) == ("approved", "approval")
    assert by_ref[second.ref].start_basis == "contract start"
    assert by_ref[second.ref].start.isoformat() == "2027-01-01"
    assert (by_ref[pending.ref].status, by_ref[pending.ref].stage) == ("pending", "submitted")
    # 4,000 one-time + 9,800, 10,094 and 10,396.82: every project totals the same
    for project in built.projects:
        assert project.total == Decimal("34290.82")
    contract = by_ref[second.ref].by_year
    assert contract[2027] == Decimal("4000.00") + (Decimal(9800) * 181 / 365).quantize(
        Decimal("0.01")
    )
    assert [(g.department, g.funding_source) for g in built.groups] == [
        ("Library", "general_fund"),
        ("Police", "general_fund"),
    ]
    assert sum(built.totals().values()) == 3 * Decimal("34290.82")
    only_library = plan.build_plan(services, "dana")
    assert {p.department for p in only_library.projects} == {"Library"}


def test_plan_files_read_back_with_totals(services: Services, review: Any, tmp_path: Path) -> None:
    approved(services)
    submitted(services, saas(department="Police", title=HOSTILE), by="pat")
    xlsx = tmp_path / "plan.xlsx"
    result = review("plan", "--out", str(xlsx), "--as-of", "2026-07-01", "--as", "admin")
    assert result.code == 0, result.err
    book = load_workbook(xlsx)
    projects = book["Projects"]
    header = [c.value for c in projects[1]]
    assert header[8:11] == ["Before FY2027", "FY2027", "FY2028"]
    assert header[-1] == "Total"
    last = [c.value for c in projects[projects.max_row]]
    assert last[0] == "Total" and last[-1] == pytest.approx(2 * 34290.82)
    assert projects.cell(row=3, column=2).value == "'" + HOSTILE
    groups = book["By department and funding"]
    assert groups.cell(row=groups.max_row, column=1).value == "Total"
    word = tmp_path / "plan.docx"
    result = review("plan", "-f", "docx", "--out", str(word), "--as", "admin")
    assert result.code == 0, result.err
    document = docx.Document(str(word))
    styles = [p.style.name for p in document.paragraphs if p.style is not None]
    assert styles[:2] == ["Packet Title", "Packet Subtitle"]
    summary, projects_table = document.tables
    assert summary.rows[-1].cells[0].text == "Total"
    assert summary.rows[-1].cells[-1].text == "68,581.64"
    assert any(HOSTILE in c.text for r in projects_table.rows for c in r.cells)
    result = review("plan", "--out", str(tmp_path / "none" / "p.xlsx"), "--as", "admin")
    assert result.code == 2 and "--out: the directory" in result.err
