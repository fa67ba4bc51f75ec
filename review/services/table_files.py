"""Writing a table a person sees as a file: CSV, xlsx (openpyxl) or JSON, safely.

Spreadsheets run text that looks like a formula. Every text cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return (after any leading spaces) is neutralised by a
leading apostrophe, in CSV and in xlsx alike (OWASP's advice on CSV injection), and an xlsx
text cell is always stored as text, never as a formula. JSON is for machines and keeps the
text as it is. Numbers and dates stay numbers and dates.

Files are written whole or not at all: to a temporary file beside the target, then renamed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError

Cell = str | int | float | Decimal | dt.date | dt.datetime | bool | None

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# characters XML 1.0 (and so xlsx) cannot hold
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass(frozen=True)
class Table:
    """A list as a person sees it: a title, column headings and rows of plain values."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    # rows after the data that add it up (bold in xlsx); same columns
    totals: list[tuple[Any, ...]] = field(default_factory=list)
    money_columns: tuple[str, ...] = ()


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never evaluate."""
    stripped = text.lstrip(" ")
    if stripped.startswith(TRIGGERS) or text.startswith(TRIGGERS):
        return "'" + text
    return text


def _plain(value: Cell) -> Cell:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.replace(microsecond=0)
    return value


def _text(value: Cell) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads accents right), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in table.columns])
    for row in [*table.rows, *table.totals]:
        writer.writerow([_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Cell) -> Any:
    value = _plain(value)
    if isinstance(value, str):
        return _ILLEGAL.sub("\ufffd", neutralise(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return float(value)
    return value


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\']", " ", title).strip() or "Sheet"
    return cleaned[:31]


def to_xlsx(table: Table) -> bytes:
    return to_workbook([table])


def _fill_sheet(sheet: Any, table: Table) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.title = _sheet_title(table.title)
    sheet.append([_xlsx_value(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_value(v) for v in row])
    for row in table.totals:
        sheet.append([_xlsx_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index, name in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        width = max(
            [len(str(name))] + [len(_text(r[index - 1])) for r in table.rows[:200]], default=8
        )
        sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
            elif name in table.money_columns and isinstance(cell.value, int | float):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"


def to_workbook(tables: Sequence[Table]) -> bytes:
    """One sheet per table, in order."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.worksheets[0]  # a new workbook holds one sheet
    for index, table in enumerate(tables):
        _fill_sheet(first if index == 0 else book.create_sheet(), table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _json_value(value: Cell) -> Any:
    value = _plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_json(table: Table) -> bytes:
    rows = [
        {c: _json_value(v) for c, v in zip(table.columns, row, strict=True)} for row in table.rows
    ]
    body: dict[str, Any] = {"title": table.title, "columns": list(table.columns), "rows": rows}
    if table.totals:
        body["totals"] = [
            {c: _json_value(v) for c, v in zip(table.columns, row, strict=True)}
            for row in table.totals
        ]
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}


def encode(table: Table, fmt: str) -> bytes:
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise InputError(f"--format: {fmt!r} is not one of {', '.join(sorted(WRITERS))}") from None
    return writer(table)


def write_atomic(path: Path, data: bytes | Sequence[bytes]) -> None:
    """Write ``data`` to ``path`` whole or not at all (a clear message when it cannot)."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"--out: {target} is a directory; name a file")
    if not directory.is_dir():
        raise InputError(f"--out: the directory {directory} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"--out: cannot write in {directory}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in [data] if isinstance(data, bytes) else data:
                out.write(chunk)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"--out: cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
