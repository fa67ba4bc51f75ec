"""GEN-9 deadlines, computed from a record and the standards (review.core.deadlines).

Each window is checked at its edges: the day before a notice mark, the day it is reached,
and the day after; a deadline is its last good day and overdue from the next."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from review.core.deadlines import (
    OVERDUE,
    ConditionDue,
    Deadline,
    SystemFacts,
    WaiverDue,
    deadlines,
    last_current_day,
)
from review.core.derived import age_in_months
from review.core.evaluate import Evaluator
from review.core.records import Submission
from review.core.safeyaml import load_file
from review.core.standards import load_standards
from review.errors import StandardsError

BASES = Path(__file__).resolve().parent / "data" / "bases"
REPO = Path(__file__).resolve().parent.parent
STANDARDS = load_standards()
D = dt.timedelta


def record(**contract: Any) -> Submission:
    data: dict[str, Any] = copy.deepcopy(load_file(BASES / "contract.yaml"))
    data["contract"].update(contract)
    return Submission.model_validate(data)


def of_kind(found: list[Deadline], kind: str) -> list[Deadline]:
    return [d for d in found if d.kind == kind]


def one(found: list[Deadline], kind: str) -> Deadline:
    (deadline,) = of_kind(found, kind)
    return deadline


def edges(deadline: Deadline, mark: int) -> tuple[str | None, str | None, str | None]:
    """The mark in force the day before it is reached, the day, and the day after."""
    day = deadline.due_on - D(days=mark)
    return deadline.mark(day - D(days=1)), deadline.mark(day), deadline.mark(day + D(days=1))


def test_contract_end_marks_at_120_90_60_30_days() -> None:
    end = one(deadlines(SystemFacts(1, record()), STANDARDS), "contract_end")
    assert end.due_on == dt.date(2029, 12, 31)
    assert end.citations[:1] == ("GEN-9",)
    assert edges(end, 120) == (None, "120", "120")
    assert edges(end, 90) == ("120", "90", "90")
    assert edges(end, 60) == ("90", "60", "60")
    assert edges(end, 30) == ("60", "30", "30")
    # the contract end has no overdue notice (GEN-9 names none)
    assert end.mark(end.due_on) == "30"
    assert end.mark(end.due_on + D(days=1)) is None
    assert end.status(end.due_on) == "due"
    assert end.status(end.due_on + D(days=1)) == "overdue"
    assert end.status(end.due_on - D(days=121)) == "upcoming"


def test_cancellation_deadline_is_end_minus_notice_days() -> None:
    found = deadlines(
        SystemFacts(1, record(auto_renewal=True, cancellation_notice_days=60)), STANDARDS
    )
    cancel = one(found, "cancellation_deadline")
    assert cancel.due_on == dt.date(2029, 12, 31) - D(days=60)
    assert edges(cancel, 120) == (None, "120", "120")
    assert edges(cancel, 30) == ("60", "30", "30")
    # no auto-renewal, or no notice period given: no cancellation deadline
    assert not of_kind(deadlines(SystemFacts(1, record()), STANDARDS), "cancellation_deadline")
    no_days = record(auto_renewal=True)
    assert not of_kind(deadlines(SystemFacts(1, no_days), STANDARDS), "cancellation_deadline")


@pytest.mark.parametrize(
    ("tier", "notice", "opens_before_end"),
    [
        (2, None, 90),  # GEN-9: no later than 90 days before the end
        (3, None, 120),  # Tier 3 needs Council: 120 days
        (2, 60, 90),  # cancellation deadline later than the window: the window stands
        (2, 100, 101),  # "and before any auto-renewal cancellation deadline"
        (3, 150, 151),
    ],
)
def test_renewal_review_window(tier: int, notice: int | None, opens_before_end: int) -> None:
    submission = record(auto_renewal=notice is not None, cancellation_notice_days=notice)
    window = one(deadlines(SystemFacts(1, submission, tier=tier), STANDARDS), "renewal_review")
    assert window.due_on == dt.date(2029, 12, 31) - D(days=opens_before_end)
    assert "GEN-7" in window.citations


def test_waiver_expiry_and_condition_due_at_30_and_7_days_and_overdue() -> None:
    expires = dt.date(2027, 6, 15)
    facts = SystemFacts(
        1,
        record(),
        waivers=(WaiverDue(4, "SEC-001|", "SEC-001", "security", expires),),
        conditions=(
            ConditionDue(9, "ACC-003|1.4.10", "accessibility", "Fix reflow", "IT", expires),
        ),
    )
    found = deadlines(facts, STANDARDS)
    for kind, domain in (("waiver_expiry", "security"), ("condition_due", "accessibility")):
        deadline = one(found, kind)
        assert deadline.domain == domain
        assert edges(deadline, 30) == (None, "30", "30")
        assert edges(deadline, 7) == ("30", "7", "7")
        # the day itself is the last good day; overdue from the next
        assert deadline.mark(expires) == "7"
        assert deadline.mark(expires + D(days=1)) == OVERDUE
        assert deadline.mark(expires + D(days=2)) == OVERDUE


def test_evidence_ages_out_per_section_with_a_notice_30_days_before() -> None:
    found = of_kind(deadlines(SystemFacts(1, record()), STANDARDS), "evidence_expiry")
    by_section = {d.subject: d for d in found}
    # SOC 2 of 2026-06-30, 12 months (SEC-1); pen test of 2026-05-12, 12 months (SEC-6);
    # ACR of 2026-02-10, 24 months (ACC-2)
    assert by_section["SEC-1"].due_on == dt.date(2027, 6, 30)
    assert by_section["SEC-6"].due_on == dt.date(2027, 5, 12)
    assert by_section["ACC-2"].due_on == dt.date(2028, 2, 10)
    assert by_section["ACC-2"].domain == "accessibility"
    for deadline in found:
        assert edges(deadline, 30) == (None, "30", "30")
        assert deadline.citations[0] == "GEN-9" and deadline.subject in deadline.citations


def test_evidence_deadline_agrees_with_the_rules_engine(durable: Evaluator) -> None:
    """The day after the last good day is the first day the engine reports the finding."""
    submission = record()
    found = of_kind(deadlines(SystemFacts(1, submission), STANDARDS), "evidence_expiry")
    for deadline in found:

        def cited(day: dt.date, section: str = str(deadline.subject)) -> bool:
            result = durable.evaluate(submission, day)
            return any(f.citations[0] == section for f in result.findings)

        assert not cited(deadline.due_on - D(days=1))
        assert not cited(deadline.due_on)
        assert cited(deadline.due_on + D(days=1))


@pytest.mark.parametrize(
    ("issued", "months"),
    [
        (dt.date(2026, 6, 30), 12),
        (dt.date(2024, 2, 29), 12),
        (dt.date(2026, 1, 31), 1),
        (dt.date(2025, 8, 31), 24),
        (dt.date(2026, 12, 31), 36),
    ],
)
def test_last_current_day_is_the_policy_s_within_the_last_n_months(
    issued: dt.date, months: int
) -> None:
    last = last_current_day(issued, months)
    assert age_in_months(issued, last) <= months
    assert age_in_months(issued, last + D(days=1)) > months


def test_end_of_support_at_180_and_90_days_and_overdue() -> None:
    submission = record()
    submission.proposal.lifecycle.operating_systems = ["Windows Server 2019 Datacenter"]
    found = deadlines(SystemFacts(1, submission), STANDARDS)
    eos = one(found, "end_of_support")
    assert (eos.due_on, eos.subject, eos.domain) == (
        dt.date(2029, 1, 9),
        "Windows Server 2019",
        "security",
    )
    assert "SEC-7" in eos.citations
    assert edges(eos, 180) == (None, "180", "180")
    assert edges(eos, 90) == ("180", "90", "90")
    assert eos.mark(eos.due_on + D(days=1)) == OVERDUE
    vendor = one(found, "vendor_support_end")
    assert vendor.due_on == dt.date(2031, 12, 31) and "TECH-5" in vendor.citations


def test_imported_system_re_review_due() -> None:
    due = dt.date(2027, 12, 4)
    rereview = one(deadlines(SystemFacts(1, record(), rereview_due=due), STANDARDS), "rereview_due")
    assert edges(rereview, 30) == (None, "30", "30")
    assert rereview.mark(due + D(days=1)) == OVERDUE


def test_a_policy_owner_changes_a_window_by_editing_data(tmp_path: Path) -> None:
    """GEN-9's 90 days is data: 75 in the standards gives 75, and a citation of an unknown
    section is refused naming the entry."""
    import shutil

    shutil.copytree(REPO / "standards", tmp_path / "standards")
    path = tmp_path / "standards" / "standards.yaml"
    text = path.read_text()
    assert text.count("    days_before_end: 90\n") == 1
    path.write_text(text.replace("    days_before_end: 90\n", "    days_before_end: 75\n"))
    changed = load_standards(tmp_path / "standards")
    window = one(deadlines(SystemFacts(1, record()), changed), "renewal_review")
    assert window.due_on == dt.date(2029, 12, 31) - D(days=75)
    path.write_text(text.replace("cites: [GEN-9, GEN-5]", "cites: [GEN-99]"))
    with pytest.raises(StandardsError, match=r"after_approval.notices.waiver_expiry.*GEN-99"):
        load_standards(tmp_path / "standards")


def test_notice_marks_follow_each_standards_object(tmp_path: Path) -> None:
    """A kind's marks and citations are computed once per standards object: standards
    loaded with other marks give those marks, and the first object's deadlines keep theirs."""
    import shutil

    shutil.copytree(REPO / "standards", tmp_path / "standards")
    path = tmp_path / "standards" / "standards.yaml"
    before = one(deadlines(SystemFacts(1, record()), STANDARDS), "contract_end")
    assert before.marks == (120, 90, 60, 30)
    text = path.read_text()
    old = "contract_end: {days_before: [120, 90, 60, 30],"
    assert text.count(old) == 1, "the standards' layout changed: update this test"
    path.write_text(text.replace(old, "contract_end: {days_before: [45, 100],"))
    changed = load_standards(tmp_path / "standards")
    after = one(deadlines(SystemFacts(1, record()), changed), "contract_end")
    assert after.marks == (100, 45)
    assert after.citations == before.citations
    assert one(deadlines(SystemFacts(1, record()), STANDARDS), "contract_end").marks == (
        120,
        90,
        60,
        30,
    )
