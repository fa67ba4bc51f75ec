"""Bulk import of the systems the City already uses (GEN-9), from CSV or Excel (.xlsx).

Every bad row is reported with its line number and the column at fault, and nothing of a
file with errors is imported unless the caller asks to skip the bad rows. Imported systems
are "not yet reviewed" and due for re-review within the months the standards give
(``after_approval.imported_rereview``). The columns are documented in docs/lifecycle.md.

Files are untrusted: size-limited, decoded strictly (a UTF-8 byte-order mark is accepted),
the delimiter (comma, semicolon or tab) read from the header line, and .xlsx packages checked
by review.safezip before openpyxl (read-only, values only) sees them. Dates may be ISO 8601,
US month/day/year, Excel date cells, or Excel serial day numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..core.derived import months_before
from ..core.loading import submission_from_data
from ..errors import FileProblem, PermissionDenied, RecordInvalid
from ..safezip import SPREADSHEET_MAIN, check_package
from ..store.models import System
from .context import Services, Tx
from .inventory import add_record_version, apply_record, ref
from .record_versions import normalised

MAX_BYTES = 20_000_000
MAX_ROWS = 50_000
REQUIRED = ("title", "department", "vendor", "owner_name", "owner_email")
DATES = (
    "contract_start",
    "contract_end",
    "soc2_date",
    "iso27001_date",
    "pen_test_date",
    "acr_date",
    "vendor_support_end",
)
NUMBERS = ("contract_value", "renewal_options_years")
INTEGERS = ("cancellation_notice_days",)
BOOLEANS = ("auto_renewal", "public_facing", "has_user_interface")
LISTS = ("data_classes", "operating_systems")
TEXT = ("product", "hosting")
COLUMNS = (*REQUIRED, *TEXT, *LISTS, *DATES, *NUMBERS, *INTEGERS, *BOOLEANS)

# Where a record field comes from, so a validation problem names the column.
_SOURCE = {
    "proposal.title": "title",
    "proposal.department": "department",
    "proposal.vendor.name": "vendor",
    "proposal.vendor.product": "product",
    "proposal.business_owner.name": "owner_name",
    "proposal.business_owner.email": "owner_email",
    "proposal.requester.name": "owner_name",
    "proposal.requester.email": "owner_email",
    "proposal.hosting": "hosting",
    "proposal.pen_test_date": "pen_test_date",
    "proposal.accessibility.acr_date": "acr_date",
    "proposal.lifecycle.vendor_support_end": "vendor_support_end",
    "proposal.users.public_facing": "public_facing",
    "proposal.has_user_interface": "has_user_interface",
    "contract.value_usd": "contract_value",
    "contract.start_date": "contract_start",
    "contract.end_date": "contract_end",
    "contract.auto_renewal": "auto_renewal",
    "contract.cancellation_notice_days": "cancellation_notice_days",
    "contract.renewal_options_years": "renewal_options_years",
}
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class ImportReport:
    rows: int = 0
    imported: list[str] = field(default_factory=list)
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.problems and not self.imported:
            bad = len({p.split(":", 1)[0] for p in self.problems})
            return (
                f"{len(self.problems)} problems in {bad} of {self.rows} rows: nothing imported "
                "(fix the file, or skip the bad rows to import the good ones)"
            )
        return f"imported {len(self.imported)} of {self.rows} rows" + (
            f", skipped {self.skipped} bad rows" if self.skipped else ""
        )


class _RowProblem(Exception):
    """One bad cell."""


class _RowProblems(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _header(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, column -> value) for every non-empty row; the header is line 1."""
    if len(data) > MAX_BYTES:
        raise FileProblem(f"{filename}: {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    if not data.strip():
        raise FileProblem(f"{filename}: file is empty")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data, filename)
    if filename.lower().endswith((".csv", ".txt")):
        return _csv_rows(data, filename)
    raise FileProblem(f"{filename}: expected a .csv or .xlsx file")


def _check_columns(headers: list[str], filename: str) -> None:
    unknown = [h for h in headers if h and h not in COLUMNS]
    if unknown:
        raise FileProblem(
            f"{filename}: unknown columns {', '.join(unknown)}; expected some of "
            f"{', '.join(COLUMNS)}"
        )
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise FileProblem(f"{filename}: missing required columns {', '.join(missing)}")


def _csv_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"{filename}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        ) from None
    first = text.splitlines()[0] if text else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = [_header(h) for h in next(reader)]
        _check_columns(headers, filename)
        rows: list[tuple[int, dict[str, Any]]] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileProblem(f"{filename}: more than {MAX_ROWS:,} rows")
            if len(cells) > len(headers):
                rows.append(
                    (
                        reader.line_num,
                        {
                            "__error__": f"{len(cells)} cells for "
                            f"{len(headers)} columns (a stray {delimiter!r}?)"
                        },
                    )
                )
                continue
            rows.append((reader.line_num, dict(zip(headers, cells, strict=False))))
    except csv.Error as exc:
        raise FileProblem(f"{filename}: line {reader.line_num}: {exc}") from None
    return rows


def _xlsx_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    check_package(
        data,
        filename,
        main_types=SPREADSHEET_MAIN,
        kind=".xlsx",
        document="Excel .xlsx",
        wrong_kind="save it as .xlsx",
    )
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem(f"{filename}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        headers = [_header(h) for h in next(lines, ())]
        _check_columns(headers, filename)
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, cells in enumerate(lines, start=2):
            if not any(c not in (None, "") for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileProblem(f"{filename}: more than {MAX_ROWS:,} rows")
            rows.append((number, dict(zip(headers, cells, strict=False))))
        return rows
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any, column: str) -> str | None:
    """ISO, M/D/YYYY, an Excel date cell or an Excel serial day number, as ISO text."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    match = _US_DATE.match(text)
    try:
        if match:
            month, day, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
        if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial day number
            return (_EXCEL_EPOCH + dt.timedelta(days=int(float(text)))).isoformat()
    except ValueError:
        pass
    raise _RowProblem(
        f"{column}: expected a date like 2027-03-31 (or 3/31/2027, or an Excel date), got {text!r}"
    )


def _number(value: Any, column: str) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = _text(value).replace("$", "").replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise _RowProblem(f"{column}: expected a number, got {_text(value)!r}") from None


def _bool(value: Any, column: str) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if not text else False
    raise _RowProblem(f"{column}: expected yes or no, got {_text(value)!r}")


def _list(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[;|,\n]", _text(value)) if p.strip()]


class _Cells:
    """One row's cells, read column by column; every bad cell is noted, not just the first."""

    def __init__(self, cells: dict[str, Any]) -> None:
        self.cells = cells
        self.problems: list[str] = []

    def text(self, column: str) -> str:
        return _text(self.cells.get(column))

    def read(self, column: str, parse: Any) -> Any:
        try:
            return parse(self.cells.get(column), column)
        except _RowProblem as exc:
            self.problems.append(str(exc))
            return None


def row_record(cells: dict[str, Any], line: int, filename: str) -> dict[str, Any]:
    """The intake record a row stands for (bad cells left out); raises _RowProblems naming
    every bad cell of the row, with what validating the rest of the row found."""
    if "__error__" in cells:
        raise _RowProblems([str(cells["__error__"])])
    row = _Cells(cells)
    row.problems += [f"{c}: required, but empty" for c in REQUIRED if not row.text(c)]
    owner = {"name": row.text("owner_name"), "email": row.text("owner_email")}
    proposal: dict[str, Any] = {
        "title": row.text("title"),
        "department": row.text("department"),
        "requester": owner,
        "business_owner": owner,
        "problem_statement": (
            f"In use before review: imported from {filename} (line {line}) into the "
            "City's technology inventory, to be re-reviewed (GEN-9)."
        ),
        "vendor": {"name": row.text("vendor")},
    }
    _optional(row, proposal)
    record: dict[str, Any] = {"proposal": proposal}
    contract = _contract(row, proposal["vendor"]["name"])
    if contract:
        record["contract"] = contract
    if row.problems:
        try:
            submission_from_data(record)
        except RecordInvalid as exc:
            named = {p.split(":", 1)[0] for p in row.problems}
            row.problems += [p for p in _field_problems(exc) if p.split(":", 1)[0] not in named]
        raise _RowProblems(row.problems)
    return record


def _optional(row: _Cells, proposal: dict[str, Any]) -> None:
    """The columns a City's spreadsheet may have beyond the required ones."""
    if row.text("product"):
        proposal["vendor"]["product"] = row.text("product")
    if row.text("hosting"):
        proposal["hosting"] = row.text("hosting").lower()
    if row.text("data_classes"):
        proposal["data_classes"] = [c.lower() for c in _list(row.cells.get("data_classes"))]
    certifications = [
        {"type": kind, "date": day}
        for kind, column in (("soc2_type2", "soc2_date"), ("iso27001", "iso27001_date"))
        if (day := row.read(column, parse_date))
    ]
    if certifications:
        proposal["certifications"] = certifications
    if pen := row.read("pen_test_date", parse_date):
        proposal["pen_test_date"] = pen
    if acr := row.read("acr_date", parse_date):
        proposal["accessibility"] = {"acr_provided": True, "acr_date": acr}
    lifecycle: dict[str, Any] = {}
    if end := row.read("vendor_support_end", parse_date):
        lifecycle["vendor_support_end"] = end
    if systems := _list(row.cells.get("operating_systems")):
        lifecycle["operating_systems"] = systems
    if lifecycle:
        proposal["lifecycle"] = lifecycle
    if (public := row.read("public_facing", _bool)) is not None:
        proposal["users"] = {"public_facing": public}
    if (ui := row.read("has_user_interface", _bool)) is not None:
        proposal["has_user_interface"] = ui


def _whole_days(value: Any, column: str) -> int | None:
    days = _number(value, column)
    if days is None:
        return None
    if not days.is_integer():
        raise _RowProblem(f"{column}: expected whole days, got {days:g}")
    return int(days)


def _contract(row: _Cells, vendor: str) -> dict[str, Any]:
    contract: dict[str, Any] = {}
    for column, key, parse in (
        ("contract_start", "start_date", parse_date),
        ("contract_end", "end_date", parse_date),
        ("contract_value", "value_usd", _number),
        ("renewal_options_years", "renewal_options_years", _number),
        ("cancellation_notice_days", "cancellation_notice_days", _whole_days),
        ("auto_renewal", "auto_renewal", _bool),
    ):
        value = row.read(column, parse)
        if value is not None:
            contract[key] = value
    if contract:
        contract["vendor"] = vendor
    return contract


def _problem_text(line: int, problem: str) -> str:
    return f"line {line}: {problem}"


def _field_problems(exc: RecordInvalid) -> list[str]:
    out: list[str] = []
    for problem in exc.problems:
        path = re.sub(r"\.\d+(\.|$)", r"\1", problem.path).rstrip(".")
        column = _SOURCE.get(path)
        if column is None and path.startswith("proposal.data_classes"):
            column = "data_classes"
        if column is None and path.startswith("proposal.certifications"):
            column = "soc2_date/iso27001_date"
        text = f"{column or path}: {problem.problem}"
        if text not in out:  # the owner fills two fields of the record
            out.append(text)
    return out


def import_file(
    services: Services, by: str, path: Path, *, skip_bad_rows: bool = False
) -> ImportReport:
    """Check every row; import all of them, or (when asked) the good ones, or nothing."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return import_bytes(services, by, data, path.name, skip_bad_rows=skip_bad_rows)


def import_bytes(
    services: Services, by: str, data: bytes, filename: str, *, skip_bad_rows: bool = False
) -> ImportReport:
    with services.transaction(by) as tx:
        if not tx.who.is_admin:
            raise PermissionDenied(f"{by} is not an admin; admins import the inventory")
    rows = read_rows(data, filename)
    report = ImportReport(rows=len(rows))
    with services.transaction(by) as tx:
        existing = _existing(tx)
    good: list[tuple[int, dict[str, Any]]] = []
    for line, cells in rows:
        try:
            record = normalised(submission_from_data(row_record(cells, line, filename)))
        except _RowProblems as exc:
            report.problems.extend(_problem_text(line, p) for p in exc.problems)
            continue
        except RecordInvalid as exc:
            report.problems.extend(_problem_text(line, p) for p in _field_problems(exc))
            continue
        key = _identity(record)
        if key in existing:
            where = existing[key]
            shown = ref(where) if isinstance(where, int) else f"line {where[1:]} of this file"
            report.problems.append(
                _problem_text(
                    line,
                    f"title: {record['proposal']['title']!r} of "
                    f"{record['proposal']['department']} is already {shown}",
                )
            )
            continue
        existing[key] = f"L{line}"
        good.append((line, record))
    if report.problems and not skip_bad_rows:
        return report
    with services.transaction(by) as tx:
        _store(tx, good, report, filename)
    if report.imported:
        services.db.analyze()  # a bulk load: the planner's statistics are stale
    report.skipped = report.rows - len(report.imported)
    return report


Identity = tuple[str, str, str]


def _identity(record: dict[str, Any]) -> Identity:
    p = record["proposal"]
    vendor = str(p.get("vendor", {}).get("name") or "")
    return (str(p["department"]).casefold(), str(p["title"]).casefold(), vendor.casefold())


def _existing(tx: Tx) -> dict[Identity, int | str]:
    """Active systems by department, title and vendor (an import does not duplicate them)."""
    return {
        (d.casefold(), t.casefold(), (v or "").casefold()): i
        for i, d, t, v in tx.session.execute(
            select(System.id, System.department, System.title, System.vendor).where(
                System.status == "active"
            )
        )
    }


def _store(
    tx: Tx, good: list[tuple[int, dict[str, Any]]], report: ImportReport, filename: str
) -> None:
    from ..core.records import Submission

    today = tx.services.today()
    months = tx.services.evaluator.standards.after_approval.imported_rereview.months
    for line, record in good:
        submission = Submission.model_validate(record)
        system = System(
            origin="import",
            status="active",
            reviewed=False,
            entered_on=today,
            rereview_due=months_before(today, -months),
            record_hash="",
            created_at=tx.services.now(),
            updated_at=tx.services.now(),
        )
        apply_record(system, submission)
        tx.session.add(system)
        add_record_version(tx, system, record, source="import", note=f"{filename}, line {line}")
        report.imported.append(ref(system))
        tx.audit("system.import", "system", system.id, file=filename, line=line)
