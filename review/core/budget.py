"""The City's budget calendar (``standards/budget.yaml``) and the fiscal-year arithmetic of the
technology improvement plan: which fiscal year a day falls in, and how a project's one-time and
annual costs spread over fiscal years.

Money is :class:`~decimal.Decimal` in cents. Each service year's cost is rounded to the cent
once, then split between the fiscal years it straddles by days, the last share taking the
remainder, so a project's fiscal-year amounts always add up to its rounded cost exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import StandardsError
from .safeyaml import load_file
from .standards import DEFAULT_DIR

CENT = Decimal("0.01")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FiscalYearRule(_Strict):
    start_month: int = Field(ge=1, le=12)
    start_day: int = Field(ge=1, le=31)
    named_by: Literal["end_year", "start_year"] = "end_year"
    label: str = Field(default="FY{year}", min_length=1, max_length=40)

    @model_validator(mode="after")
    def _real_day(self) -> FiscalYearRule:
        try:  # a day every year has (never February 29)
            dt.date(2001, self.start_month, self.start_day)
        except ValueError:
            raise ValueError(
                f"start_day: {self.start_month}/{self.start_day} is not a day of every year"
            ) from None
        if "{year}" not in self.label:
            raise ValueError("label: must contain {year}")
        return self


class Budget(_Strict):
    fiscal_year: FiscalYearRule
    plan_years: int = Field(ge=1, le=30)


def load_budget(directory: Path | None = None) -> Budget:
    """``budget.yaml`` of the standards directory, validated (a clear message naming the field)."""
    path = (directory or DEFAULT_DIR) / "budget.yaml"
    try:
        content = load_file(path, what="standards file")
    except Exception as exc:  # FileProblem and OS errors alike
        raise StandardsError(str(exc)) from None
    if not isinstance(content, dict) or set(content) != {"budget"}:
        raise StandardsError(f"{path}: expected exactly one top-level key 'budget'")
    try:
        return Budget.model_validate(content["budget"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        problem = "unknown field" if first["type"] == "extra_forbidden" else first["msg"]
        raise StandardsError(f"{path}: budget.{where}: {problem}".rstrip(".: ")) from None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (February 29 becomes February 28)."""
    return add_months(day, 12 * years)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return dt.date(year, month + 1, min(day.day, (following - dt.timedelta(days=1)).day))


def _partial_end(first: dt.date, full_end: dt.date, fraction: float) -> dt.date:
    """Where a service year of ``fraction`` ends: whole months when it is a number of months
    (half a year from January 1 ends on July 1), else that share of the year's days."""
    months = fraction * 12
    if abs(months - round(months)) < 1e-6:
        return add_months(first, round(months))
    return first + dt.timedelta(days=round((full_end - first).days * fraction))


@dataclass(frozen=True)
class FiscalCalendar:
    rule: FiscalYearRule

    def start_of(self, fiscal_year: int) -> dt.date:
        """The first day of the fiscal year named ``fiscal_year``."""
        begins = fiscal_year - 1 if self.rule.named_by == "end_year" else fiscal_year
        if (self.rule.start_month, self.rule.start_day) == (1, 1):
            begins = fiscal_year  # a calendar fiscal year is named for its only year
        return dt.date(begins, self.rule.start_month, self.rule.start_day)

    def end_of(self, fiscal_year: int) -> dt.date:
        """The last day of the fiscal year (inclusive)."""
        return self.start_of(fiscal_year + 1) - dt.timedelta(days=1)

    def year_of(self, day: dt.date) -> int:
        """The name (a year) of the fiscal year ``day`` falls in."""
        for candidate in (day.year - 1, day.year, day.year + 1):
            if self.start_of(candidate) <= day < self.start_of(candidate + 1):
                return candidate
        raise AssertionError(f"no fiscal year holds {day}")  # pragma: no cover

    def label(self, fiscal_year: int) -> str:
        return self.rule.label.replace("{year}", str(fiscal_year))


def cents(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _split(
    calendar: FiscalCalendar, amount: Decimal, first: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """``amount`` over the days [first, end) by fiscal year; the last share takes the rest."""
    total_days = (end - first).days
    if total_days <= 0:
        return {calendar.year_of(first): amount}
    shares: dict[int, Decimal] = {}
    left, day = amount, first
    while day < end:
        year = calendar.year_of(day)
        stop = min(end, calendar.start_of(year + 1))
        if stop >= end:
            share = left
        else:
            share = (amount * (stop - day).days / total_days).quantize(CENT, ROUND_HALF_UP)
        shares[year] = shares.get(year, Decimal(0)) + share
        left -= share
        day = stop
    return shares


def spread(
    calendar: FiscalCalendar,
    start: dt.date,
    *,
    one_time: float | None,
    annual: float | None,
    term_years: float | None,
    escalation_pct: float | None = None,
) -> dict[int, Decimal]:
    """A project's costs by fiscal year: the one-time cost in the fiscal year it starts; the
    annual cost over ``term_years`` service years from ``start`` (a partial last year costs
    its fraction), each year escalated by ``escalation_pct`` over the one before."""
    out: dict[int, Decimal] = {}

    def add(shares: dict[int, Decimal]) -> None:
        for year, value in shares.items():
            out[year] = out.get(year, Decimal(0)) + value

    if one_time:
        add({calendar.year_of(start): cents(one_time)})
    if annual:
        term = 1.0 if term_years is None else float(term_years)
        growth = Decimal(str(1 + (escalation_pct or 0.0) / 100))
        for i in range(math.ceil(term)):
            fraction = Decimal(str(min(1.0, term - i)))
            first, full_end = add_years(start, i), add_years(start, i + 1)
            end = _partial_end(first, full_end, float(fraction))
            amount = cents(Decimal(str(annual)) * growth**i * fraction)
            add(_split(calendar, amount, first, end))
    return {year: out[year] for year in sorted(out) if out[year]}
