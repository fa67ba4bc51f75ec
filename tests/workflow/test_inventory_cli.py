"""The after-approval commands through the real entry point (``review.cli.main.main``): an
unknown system, a bad date or id is one line naming it, never a traceback; the sweep run
twice reports nothing the second time; a sweep started while another runs says so, exit 0."""

from __future__ import annotations

import json
from typing import Any

import pytest

from review.services import runlock, sweep
from review.services.context import Services
from review.store.database import Database

from .conftest import CliResult
from .inventory_support import contract_approved

pytestmark = pytest.mark.usefixtures("people")


def refused(result: CliResult, *needles: str) -> None:
    assert result.code == 2 and "Traceback" not in result.err + result.out
    (line,) = result.err.strip().splitlines()
    assert line.startswith("review: ")
    for needle in needles:
        assert needle in line, line


def test_unknown_system_bad_id_and_bad_date(services: Services, review: Any) -> None:
    contract_approved(services)
    refused(review("inventory", "show", "S-99", "--as", "admin"), "no system S-99")
    refused(review("inventory", "show", "P-1", "--as", "admin"), "expected a number like 12")
    refused(
        review("inventory", "show", "S-1", "--as-of", "2027-02-30", "--as", "admin"),
        "--as-of",
        "'2027-02-30'",
    )
    refused(review("sweep", "--as-of", "tomorrow"), "--as-of: expected an ISO 8601 date")
    refused(
        review("inventory", "evidence", "S-1", "soc3", "2026-01-01", "--as", "dana"),
        "kind: 'soc3'; expected one of soc2_type2",
    )
    refused(review("inventory", "retire", "S-1", "--reason", " ", "--as", "dana"), "reason")
    refused(review("inventory", "list"), "who is acting?")


def test_show_list_retire_and_deadlines(services: Services, review: Any) -> None:
    contract_approved(services)
    shown = json.loads(review("inventory", "show", "S-1", "--as", "dana", "-f", "json").out)
    assert shown["system"]["title"] == "Meeting room booking for branch libraries"
    assert [r["kind"] for r in shown["reviews"]] == ["initial"]
    assert {d["kind"] for d in shown["deadlines"]} >= {"contract_end", "evidence_expiry"}
    table = review("inventory", "list", "--as", "admin")
    assert table.code == 0 and "S-1" in table.out and "Roomly Inc." in table.out
    due = review("deadlines", "--as", "paul", "--mine", "-f", "json")
    assert {d["domain"] for d in json.loads(due.out)} == {"procurement"}
    done = review("inventory", "retire", "S-1", "--reason", "Replaced", "--as", "dana")
    assert done.code == 0 and "S-1 retired" in done.out
    assert "none" in review("inventory", "list", "--as", "admin").out


def test_sweep_twice_then_while_another_runs(services: Services, review: Any) -> None:
    contract_approved(services)
    first = review("sweep", "--as-of", "2027-07-01")
    assert first.code == 0 and "swept 1 systems as of 2027-07-01: 2 new findings" in first.out
    second = review("sweep", "--as-of", "2027-07-01")
    assert "0 new findings" in second.out and "0 marks, 0 notices" in second.out
    assert "0 digests queued" in second.out
    with runlock.exclusive(services.db, sweep.LOCK) as mine:
        assert mine
        busy = review("sweep", "--as-of", "2027-07-02")
    assert busy.code == 0
    assert busy.out.strip() == "another sweep is running; this one did nothing (as of 2027-07-02)"
    runs = review("sweep", "--last", "5", "--as", "admin", "-f", "json")
    assert [(r["as_of"], r["status"]) for r in json.loads(runs.out)] == [
        ("2027-07-01", "finished"),
        ("2027-07-01", "finished"),
    ]
    assert json.loads(runs.out)[1]["counts"]["new_findings"] == 2
    table = review("sweep", "--last", "1", "--as", "admin")
    assert table.code == 0 and "Last sweeps (1)" in table.out and "2027-07-01" in table.out
    refused(review("sweep", "--last", "1"), "pass --as USER")
    refused(review("sweep", "--last", "1", "--as", "dana"), "not an admin")


def test_notify_commands(services: Services, review: Any, database: Database) -> None:
    contract_approved(services)
    review("sweep", "--as-of", "2027-07-01")
    sent = review("notify", "send")
    assert sent.code == 0 and "not configured: email (REVIEW_SMTP_HOST)" in sent.out
    assert review("notify", "failures", "--as", "admin").out.startswith("Delivery problems: none")
    refused(review("notify", "failures", "--as", "dana"), "not an admin")
    assert (
        "digest: weekly on fri"
        in review("notify", "digest", "weekly", "--weekday", "fri", "--as", "sam").out
    )
    url = review("notify", "feed", "--as", "sam").out.strip()
    assert "/feed/" in url and url.endswith(".ics")
    refused(review("notify", "feed", "--as", "sam"), "--rotate")
    assert review("notify", "feed", "--rotate", "--as", "sam").out.strip() != url
