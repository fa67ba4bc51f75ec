"""Date arithmetic the rules rely on, checked against the policy's own wording."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from review.core.derived import age_in_months, months_before

DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


def _brute(issued: dt.date, as_of: dt.date) -> int:
    """Policy terms: within the last N months = on or after the same day N months before."""
    n = 0
    while issued < months_before(as_of, n):
        n += 1
    return n


@settings(max_examples=2000, derandomize=True)
@given(DATES, DATES)
def test_age_in_months_is_the_smallest_n_within_the_last_n_months(a: dt.date, b: dt.date) -> None:
    issued, as_of = min(a, b), max(a, b)
    assert age_in_months(issued, as_of) == _brute(issued, as_of)


def test_month_ends_clamp() -> None:
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert age_in_months(dt.date(2025, 11, 27), dt.date(2026, 11, 27)) == 12
    assert age_in_months(dt.date(2025, 11, 26), dt.date(2026, 11, 27)) == 13


def test_days_in_month_agrees_with_calendar() -> None:
    import calendar

    from review.core.derived import _days_in

    for year in (*range(1, 2401), 9999):
        for month in range(1, 13):
            assert _days_in(year, month) == calendar.monthrange(year, month)[1], (year, month)
