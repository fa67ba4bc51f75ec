"""Download buttons on every page with a list, and the Technology plan page (AppTest on the
seeded demo database). Each button's file is built when pressed (a deferred download); the
tests call the deferred maker, as Streamlit does on a click, and read the file back."""

from __future__ import annotations

import csv
import io
from typing import Any

import docx
import pytest
from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from .conftest import ROOT, open_app

PAGES = ROOT / "review" / "ui" / "pages"


MANAGERS: list[MediaFileManager] = []


class Recording(MediaFileManager):
    """AppTest's media manager, kept after the run so a test can press a button."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        MANAGERS.append(self)


@pytest.fixture(autouse=True)
def recording(monkeypatch: pytest.MonkeyPatch) -> None:
    MANAGERS.clear()
    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", Recording)


def buttons(at: AppTest) -> dict[str, Any]:
    """Each download button's label -> its proto (AppTest has no download_button API)."""
    assert not at.exception, at.exception
    return {b.proto.label: b.proto for b in at.get("download_button")}


def pressed(proto: Any) -> bytes:
    """The file a click on the button downloads."""
    entry = MANAGERS[-1]._deferred_callables[proto.deferred_file_id]
    data = entry["callable"]()
    return data if isinstance(data, bytes) else str(data).encode()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_the_queue_downloads_as_csv_and_xlsx(app: type[AppTest]) -> None:
    found = buttons(open_app("tess", page=str(PAGES / "queue.py")))
    rows = csv_rows(pressed(found["Download the whole queue (CSV)"]))
    assert rows[0][:3] == ["Queue", "Ref", "Title"]
    assert len(rows) > 1 and all(r[0] == "sign-off" for r in rows[1:])
    assert all(r[4] == "technology" for r in rows[1:])  # tess reviews technology only
    sheet = xlsx_rows(pressed(found["Download the whole queue (Excel (xlsx))"]))
    assert [r[1] for r in sheet[1:]] == [r[1] for r in rows[1:]]


def test_my_requests_download_only_the_departments_requests(app: type[AppTest]) -> None:
    found = buttons(open_app("dana", page=str(PAGES / "my_requests.py")))
    rows = csv_rows(pressed(found["Download these requests (CSV)"]))
    assert len(rows) > 1 and {r[2] for r in rows[1:]} == {"Library"}
    assert xlsx_rows(pressed(found["Download these requests (Excel (xlsx))"]))[0][0] == "Ref"


def test_the_inventory_downloads(app: type[AppTest]) -> None:
    found = buttons(open_app("admin", page=str(PAGES / "inventory.py")))
    rows = csv_rows(pressed(found["Download the inventory (CSV)"]))
    assert rows[0][0] == "Ref" and all(r[0].startswith("S-") for r in rows[1:])
    assert len(xlsx_rows(pressed(found["Download the inventory (Excel (xlsx))"]))) == len(rows)


def test_a_request_downloads_its_findings_waivers_and_audit_events(app: type[AppTest]) -> None:
    found = buttons(open_app("tess", page=str(PAGES / "request.py"), id="6"))
    findings = csv_rows(pressed(found["Download findings (CSV)"]))
    assert findings[0][:4] == ["Rule", "Domain", "Severity", "Status"] and len(findings) > 1
    waivers = xlsx_rows(pressed(found["Download waivers (Excel (xlsx))"]))
    assert waivers[0][0] == "Proposal" and {r[0] for r in waivers[1:]} == {"P-6"}
    events = csv_rows(pressed(found["Download audit events (CSV)"]))
    assert events[0][:4] == ["Seq", "At", "Actor", "Action"]
    assert {r[5] for r in events[1:]} == {"6"}


def test_the_admin_downloads_the_whole_audit_log(app: type[AppTest]) -> None:
    found = buttons(open_app("admin", page=str(PAGES / "admin_users.py")))
    events = csv_rows(pressed(found["Download the audit log (CSV)"]))
    assert [int(r[0]) for r in events[1:]] == sorted(int(r[0]) for r in events[1:])
    assert {r[4] for r in events[1:]} >= {"user", "proposal"}


def test_the_plan_page_shows_the_plan_and_downloads_xlsx_and_word(app: type[AppTest]) -> None:
    at = open_app("admin", page=str(PAGES / "plan.py"))
    found = buttons(at)
    assert [s.value for s in at.subheader] == ["By department and funding source", "Projects"]
    groups = at.dataframe[0].value
    assert list(groups["Department"])[-1] == "Total"
    projects = at.dataframe[1].value
    assert set(projects["Status"]) <= {"Approved", "Pending"} and len(projects) > 1
    book = load_workbook(io.BytesIO(pressed(found["Download the plan (Excel (xlsx))"])))
    assert book.sheetnames == ["Projects", "By department and funding"]
    sheet = book["Projects"]
    assert sheet.cell(row=sheet.max_row, column=1).value == "Total"
    assert sheet.max_row == len(projects) + 2
    document = docx.Document(io.BytesIO(pressed(found["Download the plan (Word)"])))
    assert document.paragraphs[0].text == "Technology improvement plan"
    assert document.paragraphs[0].style is not None
    assert document.paragraphs[0].style.name == "Packet Title"
    assert len(document.tables) == 2


def test_a_requester_sees_only_their_departments_plan(app: type[AppTest]) -> None:
    at = open_app("dana", page=str(PAGES / "plan.py"))
    assert not at.exception
    assert set(at.dataframe[1].value["Department"]) == {"Library"}
