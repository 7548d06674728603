"""Years between dates for the progress measure: the calendar rule of methods.md section 6.

The same calendar date in two years is exactly that many years apart (31 Dec 2024 to
31 Dec 2025 is 1.0 year, leap day or not); within a year time runs by days. Every expected
number is counted by hand on a calendar in the comments.
"""

from __future__ import annotations

import datetime
import math

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from partner_analytics import Partnership
from partner_analytics.analysis._opensdg import (
    series_progress,
    years_between,
    years_between_arrays,
)
from partner_analytics.analysis.indicators import indicator_progress, period_time

TODAY = datetime.date(2031, 1, 1)


def years(a: str, b: str) -> float:
    return years_between(period_time(a), period_time(b))


def one_series(dates_values: list[tuple[str, float]], **indicator) -> pd.Series:
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
        indicators=pd.DataFrame(
            [{"indicator_id": "x", "name": "X", "unit": "%", "direction": "increase", **indicator}]
        ),
        observations=pd.DataFrame(
            [{"indicator_id": "x", "date": d, "value": v} for d, v in dates_values]
        ),
        today=TODAY,
    )
    frame = indicator_progress(p)
    assert len(frame) == 1
    return frame.iloc[0]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # the same calendar date a year later, across a leap day or not
        ("2024-12-31", "2025-12-31", 1.0),  # 2024 has 366 days
        ("2023-12-31", "2024-12-31", 1.0),  # 29 Feb 2024 lies in between
        ("2023-03-01", "2024-03-01", 1.0),
        ("2019-06-30", "2024-06-30", 5.0),
        # quarters end on the same date every year
        ("2021-Q1", "2024-Q1", 3.0),
        ("2021-Q4", "2024-Q4", 3.0),
        # year labels stand for 1 January: whole years
        ("2015", "2022", 7.0),
        # within a year, by days: 1 Jan -> 1 Jul 2024 is 182 of 366 days (Jan..Jun)
        ("2024-01-01", "2024-07-01", 182 / 366),
        # 31 Mar 2021 -> 31 Dec 2021: 275 of 365 days
        ("2021-Q1", "2021-Q4", 275 / 365),
        # 1 Mar 2023 -> 29 Feb 2024: the year to 1 Mar 2024 has 366 days, one is missing
        ("2023-03-01", "2024-02-29", 365 / 366),
        # 1 Jan 2015 -> 31 Mar 2016: one year, then 31 + 29 + 30 = 90 of 366 days (2016 leap)
        ("2015", "2016-Q1", 1 + 90 / 366),
        # 29 Feb 2024: its anniversary in a common year is 28 Feb
        ("2024-02-29", "2025-02-28", 1.0),
        # ... and 1 Mar 2025 is one day later, in a year to 28 Feb 2026 of 365 days
        ("2024-02-29", "2025-03-01", 1 + 1 / 365),
        # backwards: the negative of forwards
        ("2025-12-31", "2024-12-31", -1.0),
        ("2024-07-01", "2024-01-01", -182 / 366),
    ],
)
def test_years_between_dates_follow_the_calendar(start, end, expected):
    assert years(start, end) == expected
    got = years_between_arrays(np.array([period_time(start)]), np.array([period_time(end)]))
    assert got[0] == expected


def test_a_year_from_31_december_of_a_leap_year_is_measured_and_not_fewer_than_one_year():
    # base 31 Dec 2024 = 100, latest 31 Dec 2025 = 103: one year, growth 3 %
    r = one_series([("2024-12-31", 100.0), ("2025-12-31", 103.0)])
    assert r["status"] == "substantial_progress"
    # v = (103 / 100)^(1 / 1) - 1 = 0.03 >= 0.015: min(500 v - 5, 5) = 5
    assert r["cagr"] == 103.0 / 100.0 - 1
    assert r["score"] == 5.0
    assert pd.isna(r["reason"])


def test_a_target_date_uses_the_same_calendar():
    # base 31 Dec 2024 = 50, latest 31 Dec 2026 = 60, target 80 on 31 Dec 2028 (4 years)
    r = one_series(
        [("2024-12-31", 50.0), ("2026-12-31", 60.0)],
        target_value=80.0,
        target_date="2028-12-31",
    )
    cagr = (60.0 / 50.0) ** (1 / 2.0) - 1
    cagr_target = (80.0 / 50.0) ** (1 / 4.0) - 1
    assert r["cagr"] == cagr
    assert r["cagr_target"] == cagr_target
    assert r["progress_value"] == cagr / abs(cagr_target)


def test_fewer_than_one_year_is_still_not_available():
    # 1 Mar 2023 -> 29 Feb 2024: 365 of 366 days, under a year
    r = one_series([("2023-03-01", 10.0), ("2024-02-29", 12.0)])
    assert r["status"] == "not_available"
    assert r["reason"] == "fewer than one year between base and latest observation"


def test_the_per_series_statement_uses_the_same_calendar():
    out = series_progress(
        d=1,
        base_time=period_time("2024-12-31"),
        base_value=100.0,
        latest_time=period_time("2025-12-31"),
        latest_value=103.0,
        target_value=math.nan,
        target_time=period_time("2030"),
    )
    assert out.cagr == 103.0 / 100.0 - 1
    assert out.status == "substantial_progress"


days = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2060, 12, 31))


@settings(max_examples=200, deadline=None)
@given(days, st.integers(0, 30))
def test_a_date_and_the_same_date_k_years_later_are_k_years_apart(day, k):
    later = day.replace(year=day.year + k) if (day.month, day.day) != (2, 29) else None
    if later is None:
        return
    assert years(day.isoformat(), later.isoformat()) == k


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(days, days), min_size=1, max_size=30))
def test_the_array_calendar_equals_the_per_pair_calendar_to_the_bit(pairs):
    t0 = np.array([period_time(a.isoformat()) for a, _ in pairs])
    t1 = np.array([period_time(b.isoformat()) for _, b in pairs])
    got = years_between_arrays(t0, t1)
    for k, (a, b) in enumerate(pairs):
        want = years_between(t0[k], t1[k])
        assert got[k] == want, (a, b)
