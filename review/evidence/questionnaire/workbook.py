"""Reading the questionnaire workbook: which layout it is, and its question rows."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any, Literal

from ...errors import FileProblem
from ...safezip import SPREADSHEET_MAIN, Limits, check_package

Layout = Literal["caiq", "hecvat_full", "hecvat_lite"]

MAX_BYTES = 20_000_000
MAX_ROWS = 20_000
MAX_COLUMNS = 60
LIMITS = Limits(entries=2_000, uncompressed=200_000_000, ratio=100)

_CAIQ_SHEET = re.compile(r"^\s*CAIQ\s*v?(\d+(?:\.\d+){0,2})", re.I)
_HECVAT_SHEET = re.compile(r"HECVAT\s*-?\s*(Full|Lite)\s*\|\s*Vendor Response", re.I)
_HECVAT_ID = re.compile(r"^[A-Z]{4}-\d{2}$")
_CAIQ_ID = re.compile(r"^[A-Z&]{2,4}-\d{2}(?:\.\d{1,2})?$")
_HECVAT_VERSION = re.compile(r"HECVAT[^\n]{0,40}?\b(?:v(?:ersion)?\s*)?(\d\.\d{1,2})\b", re.I)


@dataclass(frozen=True)
class Answer:
    """One question row: the vendor's answer and notes exactly as written (trimmed)."""

    qid: str
    question: str
    answer: str
    notes: str
    row: int


@dataclass
class Sheet:
    layout: Layout
    version: str | None
    answers: dict[str, Answer]
    date: dt.date | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def open_workbook(data: bytes, filename: str) -> Any:
    if len(data) > MAX_BYTES:
        raise FileProblem(
            f"{filename}: the questionnaire is {len(data):,} bytes; the limit is {MAX_BYTES:,}"
        )
    if not data.startswith(b"PK"):
        raise FileProblem(
            f"{filename}: not an Excel .xlsx workbook; save the questionnaire as .xlsx"
        )
    check_package(
        data,
        filename,
        main_types=SPREADSHEET_MAIN,
        kind=".xlsx",
        document="Excel .xlsx",
        wrong_kind="save the questionnaire as .xlsx",
        limits=LIMITS,
    )
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FileProblem(
            f"{filename}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        ) from None


def read_sheet(data: bytes, filename: str) -> Sheet:
    book = open_workbook(data, filename)
    try:
        for name in book.sheetnames:
            if m := _CAIQ_SHEET.match(name):
                return _read_caiq(book[name], m.group(1))
            if m := _HECVAT_SHEET.search(name):
                layout: Layout = "hecvat_full" if m.group(1).lower() == "full" else "hecvat_lite"
                return _read_hecvat(book[name], layout)
    finally:
        book.close()
    raise FileProblem(
        f"{filename}: no CAIQ sheet (named like 'CAIQv4.0.3') or HECVAT sheet ('HECVAT - Full "
        f"| Vendor Response' or '... Lite | ...'); sheets: {', '.join(book.sheetnames[:8])}"
    )


def _rows(sheet: Any) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    for number, row in enumerate(
        sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True), 1
    ):
        cells = [_text(v) for v in row]
        if any(cells):
            out.append((number, cells))
    return out


def _read_caiq(sheet: Any, version: str) -> Sheet:
    rows = _rows(sheet)
    columns: dict[str, int] = {}
    answers: dict[str, Answer] = {}
    for number, cells in rows:
        lowered = [c.lower() for c in cells]
        if "question id" in lowered:
            for i, c in enumerate(lowered):
                for key in ("question id", "question", "csp caiq answer", "csp implementation"):
                    if c.startswith(key) and key not in columns:
                        columns[key] = i
                        break
            continue
        if "question id" not in columns:
            continue
        qid = cells[columns["question id"]] if columns["question id"] < len(cells) else ""
        if not _CAIQ_ID.match(qid):
            continue

        def at(key: str, cells: list[str] = cells) -> str:
            i = columns.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        answers[qid] = Answer(
            qid, at("question"), at("csp caiq answer"), at("csp implementation"), number
        )
    return Sheet("caiq", version, answers)


def _read_hecvat(sheet: Any, layout: Layout) -> Sheet:
    answers: dict[str, Answer] = {}
    version: str | None = None
    for number, cells in _rows(sheet):
        filled = [c for c in cells if c]
        if version is None and (m := _HECVAT_VERSION.search(" ".join(filled))):
            version = m.group(1)
        if not filled or not _HECVAT_ID.match(filled[0]):
            continue
        rest = [*filled[1:], "", "", ""]
        answers[filled[0]] = Answer(filled[0], rest[0], rest[1], rest[2], number)
    found = Sheet(layout, version, answers)
    date = answers.get("DATE-01")
    if date is not None:
        found.date = _date(date.answer or date.question)
    return found


def _date(text: str) -> dt.date | None:
    for candidate in (text[:10], text):
        try:
            return dt.date.fromisoformat(candidate)
        except ValueError:
            pass
    m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        try:
            return dt.date(int(m[3]), int(m[1]), int(m[2]))
        except ValueError:
            return None
    return None
