"""The technology improvement plan's fiscal-year arithmetic (standards/budget.yaml)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from review.core.budget import (
    FiscalCalendar,
    FiscalYearRule,
    add_months,
    add_years,
    load_budget,
    spread,
)
from review.errors import StandardsError

JULY = FiscalCalendar(FiscalYearRule(start_month=7, start_day=1, named_by="end_year"))
D = dt.date


def test_the_shipped_budget_starts_the_fiscal_year_on_july_1() -> None:
    budget = load_budget()
    assert (budget.fiscal_year.start_month, budget.fiscal_year.start_day) == (7, 1)
    assert budget.plan_years >= 1


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (D(2026, 6, 30), 2026),
        (D(2026, 7, 1), 2027),
        (D(2026, 12, 31), 2027),
        (D(2027, 1, 1), 2027),
        (D(2027, 6, 30), 2027),
        (D(2027, 7, 1), 2028),
    ],
)
def test_a_day_falls_in_the_fiscal_year_named_for_its_end(day: dt.date, year: int) -> None:
    assert JULY.year_of(day) == year


def test_fiscal_year_bounds_and_labels() -> None:
    assert JULY.start_of(2027) == D(2026, 7, 1)
    assert JULY.end_of(2027) == D(2027, 6, 30)
    assert JULY.label(2027) == "FY2027"
    by_start = FiscalCalendar(FiscalYearRule(start_month=10, start_day=1, named_by="start_year"))
    assert by_start.year_of(D(2026, 9, 30)) == 2025
    assert by_start.year_of(D(2026, 10, 1)) == 2026
    calendar = FiscalCalendar(FiscalYearRule(start_month=1, start_day=1))
    assert calendar.year_of(D(2026, 12, 31)) == 2026 and calendar.year_of(D(2027, 1, 1)) == 2027


def test_one_time_cost_falls_in_the_fiscal_year_of_the_start() -> None:
    assert spread(JULY, D(2026, 6, 30), one_time=500, annual=None, term_years=None) == {
        2026: Decimal("500.00")
    }
    assert spread(JULY, D(2026, 7, 1), one_time=500, annual=None, term_years=None) == {
        2027: Decimal("500.00")
    }


def test_a_term_starting_on_july_1_fills_whole_fiscal_years() -> None:
    got = spread(JULY, D(2026, 7, 1), one_time=4000, annual=9800, term_years=3, escalation_pct=3)
    # year 2 escalates 3 % over year 1, year 3 over year 2
    assert got == {
        2027: Decimal("13800.00"),
        2028: Decimal("10094.00"),
        2029: Decimal("10396.82"),
    }


def test_a_term_starting_on_june_30_puts_one_day_in_the_earlier_year() -> None:
    got = spread(JULY, D(2026, 6, 30), one_time=None, annual=36500, term_years=1)
    assert got == {2026: Decimal("100.00"), 2027: Decimal("36400.00")}
    assert sum(got.values()) == Decimal("36500.00")


def test_a_mid_year_start_splits_each_service_year_by_days() -> None:
    got = spread(JULY, D(2027, 1, 1), one_time=None, annual=1000, term_years=2)
    # Jan 1 .. Jun 30 2027 is 181 of 365 days; then Jul 1 2027 .. Dec 31 2028, and
    # the second service year's first half (182 of 366 days, a leap year)
    assert got[2027] == Decimal("495.89")
    assert got[2029] == Decimal("502.73")
    assert sum(got.values()) == Decimal("2000.00")


def test_a_partial_last_year_costs_its_fraction_and_ends_on_a_month() -> None:
    got = spread(JULY, D(2027, 1, 1), one_time=None, annual=1000, term_years=1.5)
    # half a year from 2028-01-01 ends on 2028-07-01: nothing spills into FY2029
    assert set(got) == {2027, 2028}
    assert sum(got.values()) == Decimal("1500.00")
    quarter = spread(JULY, D(2026, 7, 1), one_time=None, annual=1200, term_years=0.25)
    assert quarter == {2027: Decimal("300.00")}


def test_no_term_counts_one_year_and_zero_costs_leave_no_years() -> None:
    assert spread(JULY, D(2026, 7, 1), one_time=None, annual=100, term_years=None) == {
        2027: Decimal("100.00")
    }
    assert spread(JULY, D(2026, 7, 1), one_time=0, annual=0, term_years=3) == {}


def test_a_multi_year_term_always_adds_up_to_its_escalated_cost() -> None:
    for start in (D(2024, 2, 29), D(2026, 3, 17), D(2026, 6, 30), D(2026, 7, 1)):
        got = spread(
            JULY, start, one_time=1234.56, annual=777.77, term_years=4.5, escalation_pct=2.5
        )
        years = [Decimal("777.77") * Decimal("1.025") ** i for i in range(4)]
        expected = Decimal("1234.56") + sum(
            (y.quantize(Decimal("0.01")) for y in years), Decimal(0)
        )
        expected += (Decimal("777.77") * Decimal("1.025") ** 4 * Decimal("0.5")).quantize(
            Decimal("0.01")
        )
        assert sum(got.values()) == expected, start
        assert list(got) == sorted(got)


def test_month_and_year_arithmetic_at_month_ends() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 12, 15), 1) == D(2025, 1, 15)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("budget: {fiscal_year: {start_month: 2, start_day: 30}, plan_years: 5}", "start_day"),
        ("budget: {fiscal_year: {start_month: 13, start_day: 1}, plan_years: 5}", "start_month"),
        ("budget: {fiscal_year: {start_month: 7, start_day: 1}, plan_years: 0}", "plan_years"),
        (
            "budget: {fiscal_year: {start_month: 7, start_day: 1, colour: red}, plan_years: 5}",
            "colour: unknown field",
        ),
        ("other: 1", "top-level key 'budget'"),
    ],
)
def test_a_bad_budget_file_names_the_field(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "budget.yaml").write_text(content)
    with pytest.raises(StandardsError, match=message):
        load_budget(tmp_path)
