"""Bulk import of the inventory the City already has (CSV and XLSX): every bad row reported
by line and column, nothing imported from a file with errors unless asked, and the files a
City really has (a byte-order mark, semicolons, Excel dates) read as meant."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from review.errors import FileProblem, PermissionDenied
from review.services import inventory_import, sweep
from review.services.context import Services
from review.store.models import System, SystemRecord

from .support import audit_actions, row_counts

pytestmark = pytest.mark.usefixtures("people")
DATA = Path(__file__).resolve().parent.parent / "data" / "inventory"


def imported(services: Services) -> list[System]:
    with services.transaction() as tx:
        return list(tx.session.scalars(select(System).order_by(System.id)))


def test_an_excel_csv_with_bom_semicolons_and_excel_dates(services: Services) -> None:
    report = inventory_import.import_file(services, "admin", DATA / "city-inventory.csv")
    assert report.problems == [] and report.imported == ["S-1", "S-2", "S-3"]
    catalogue, fleet, kiosks = imported(services)
    assert catalogue.title == "Library catalogue"  # the BOM is not part of the first column
    assert catalogue.contract_start == dt.date(2024, 1, 1)  # 1/1/2024, US order
    assert catalogue.contract_end == dt.date(1899, 12, 30) + dt.timedelta(days=46752)
    assert catalogue.contract_value == 120_000.0  # "$120,000"
    assert (catalogue.auto_renewal, catalogue.cancellation_notice_days) == (True, 90)
    assert catalogue.data_classes == ["internal", "confidential"]
    assert (catalogue.owner_name, catalogue.owner_email) == (
        "Ana Ruiz",
        "ana.ruiz@library.city.gov",
    )
    certifications = catalogue.record["proposal"]["certifications"]
    assert certifications == [{"type": "soc2_type2", "date": "2026-03-01"}]
    assert fleet.contract_end == dt.date(2028, 6, 30) and fleet.auto_renewal is False
    assert kiosks.record["proposal"]["lifecycle"]["operating_systems"] == ["Windows Server 2016"]
    assert "contract" not in kiosks.record
    for system in (catalogue, fleet, kiosks):
        # not yet reviewed; re-review due within 12 months of entering (GEN-9)
        assert (system.origin, system.reviewed) == ("import", False)
        assert system.rereview_due == dt.date(2027, 11, 27)
    with services.transaction() as tx:
        notes = list(tx.session.scalars(select(SystemRecord.note).order_by(SystemRecord.id)))
    assert notes == [f"city-inventory.csv, line {n}" for n in (2, 3, 4)]
    assert audit_actions(services.db).count("system.import") == 3


def test_every_bad_row_is_named_by_line_and_column_and_nothing_is_imported(
    services: Services,
) -> None:
    counts = row_counts(services.db)
    report = inventory_import.import_file(services, "admin", DATA / "bad-rows.csv")
    assert report.imported == []
    text = "\n".join(report.problems)
    assert (
        "line 3: contract_end: expected a date like 2027-03-31" in text and "'31.01.2028'" in text
    )
    assert "line 4: owner_email:" in text
    assert "line 5: title: required, but empty" in text
    assert "line 6: data_classes:" in text and "secret" in text
    assert "line 7: contract_value: expected a number, got 'lots'" in text
    assert "line 7: auto_renewal: expected yes or no, got 'maybe'" in text
    assert not any(p.startswith(("line 2:", "line 8:")) for p in report.problems)
    assert "nothing imported" in report.summary
    assert row_counts(services.db) == counts  # not a row written


def test_skip_bad_rows_imports_the_good_ones(services: Services) -> None:
    report = inventory_import.import_file(
        services, "admin", DATA / "bad-rows.csv", skip_bad_rows=True
    )
    assert [s.title for s in imported(services)] == ["Good one", "Good two"]
    assert report.skipped == 5 and report.problems
    assert report.summary == "imported 2 of 7 rows, skipped 5 bad rows"


def test_xlsx_with_date_cells_reports_the_spreadsheet_row(services: Services) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Department", "Vendor", "Owner name", "Owner email", "Contract end",
                  "Contract value", "Auto renewal"])  # fmt: skip
    sheet.append(["Parks booking", "Parks and Recreation", "ParkIt", "Kim Oh",
                  "kim.oh@parks.city.gov", dt.datetime(2028, 3, 31), 25000, True])  # fmt: skip
    sheet.append([None, None, None, None, None, None, None, None])  # blank rows are skipped
    sheet.append(["Pool sensors", "Parks and Recreation", "Aqua", "Kim Oh",
                  "kim.oh@parks.city.gov", "someday", -5, "no"])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    report = inventory_import.import_bytes(services, "admin", buffer.getvalue(), "parks.xlsx")
    assert report.imported == []
    assert report.problems == [
        "line 4: contract_end: expected a date like 2027-03-31 (or 3/31/2027, or an Excel "
        "date), got 'someday'",
        "line 4: contract_value: expected a non-negative number, got -5.0",
    ]
    fixed = inventory_import.import_bytes(
        services, "admin", buffer.getvalue(), "parks.xlsx", skip_bad_rows=True
    )
    assert fixed.imported == ["S-1"]
    (parks,) = imported(services)
    assert (parks.contract_end, parks.contract_value, parks.auto_renewal) == (
        dt.date(2028, 3, 31),
        25000.0,
        True,
    )


def test_hostile_cells_are_stored_as_text(services: Services) -> None:
    report = inventory_import.import_file(services, "admin", DATA / "hostile-cells.csv")
    assert report.problems == []
    formula, quoted = imported(services)
    assert formula.title == '=HYPERLINK("http://evil.example/","click")'
    assert formula.vendor == "<script>alert(1)</script>"
    assert quoted.title == 'Quoted, with comma and "quotes"'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("not-a-workbook.xlsx", None, r"not-a-workbook\.xlsx: not a readable \.xlsx \(ZIP\) file"),
        ("latin1.csv", None, r"latin1\.csv: not UTF-8 text \(byte \d+\); save it as CSV UTF-8"),
        ("empty.csv", b"  \n", r"empty\.csv: file is empty"),
        ("inventory.pdf", b"%PDF-1.7", r"inventory\.pdf: expected a \.csv or \.xlsx file"),
        ("x.csv", b"title,department,colour\n", r"unknown columns colour; expected some of"),
        ("y.csv", b"title,department\nA,B\n", r"missing required columns vendor, owner_name"),
        ("z.csv", b'title,department,vendor,owner_name,owner_email\n"A,B\n', r"z\.csv: line \d"),
    ],
)
def test_unusable_files_are_refused_naming_the_file(
    services: Services, name: str, content: bytes | None, message: str
) -> None:
    data = (DATA / name).read_bytes() if content is None else content
    with pytest.raises(FileProblem, match=message):
        inventory_import.import_bytes(services, "admin", data, name)


def test_oversized_file_is_refused_before_parsing(services: Services) -> None:
    data = b"title,department,vendor,owner_name,owner_email\n" + b"x" * inventory_import.MAX_BYTES
    with pytest.raises(FileProblem, match="the limit is 20,000,000"):
        inventory_import.import_bytes(services, "admin", data, "big.csv")


def test_importing_the_same_systems_twice_adds_nothing(services: Services) -> None:
    inventory_import.import_file(services, "admin", DATA / "city-inventory.csv")
    again = inventory_import.import_file(services, "admin", DATA / "city-inventory.csv")
    assert again.imported == [] and len(again.problems) == 3
    assert "line 2: title: 'Library catalogue' of Library is already S-1" in again.problems


def test_only_admins_import(services: Services) -> None:
    with pytest.raises(PermissionDenied, match="admins import the inventory"):
        inventory_import.import_file(services, "dana", DATA / "city-inventory.csv")


def test_imported_systems_are_swept_for_deadlines_not_findings(services: Services) -> None:
    inventory_import.import_file(services, "admin", DATA / "city-inventory.csv")
    report = sweep.run(services, dt.date(2027, 11, 28))  # the day after re-review was due
    assert report.changes.new == 0  # judged at their re-review, not before
    assert report.changes.marks >= 3  # each system's re-review is overdue


def test_cli_import_exit_codes(
    services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from review.cli.main import app

    monkeypatch.setenv("REVIEW_DATABASE_URL", services.db.engine.url.render_as_string(False))
    runner = CliRunner()
    bad = runner.invoke(app, ["inventory", "import", str(DATA / "bad-rows.csv"), "--as", "admin"])
    assert bad.exit_code == 2
    assert "bad-rows.csv: line 3: contract_end" in bad.output
    assert "nothing imported" in bad.output
    good = runner.invoke(
        app, ["inventory", "import", str(DATA / "bad-rows.csv"), "--skip-bad-rows", "--as", "admin"]
    )
    assert good.exit_code == 0 and "imported 2 of 7 rows" in good.output
    listed = runner.invoke(app, ["inventory", "list", "--as", "admin", "-f", "json"])
    assert listed.exit_code == 0 and '"title": "Good two"' in listed.output
