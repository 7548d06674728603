"""Periods and days: which day an ``as_of`` stands for, labels, the period before, ranges."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from partner_analytics import AnalysisInputError
from partner_analytics.data.periods import (
    next_period_end,
    parse_as_of,
    period_label,
    period_name,
    period_range,
    previous_day,
    previous_period_end,
)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-Q3", "2026-09-30"),
        ("2026-q1", "2026-03-31"),
        ("2026-09-30", "2026-09-30"),
        ("2026-02", "2026-02-28"),
        ("2025", "2025-12-31"),
    ],
)
def test_a_period_stands_for_its_last_day(text, day):
    assert parse_as_of(text) == pd.Timestamp(day)


def test_a_text_that_is_no_date_is_refused_with_the_accepted_forms():
    with pytest.raises(AnalysisInputError, match=r"YYYY-MM-DD.*YYYY-Qn"):
        parse_as_of("last quarter")


def test_the_previous_period_is_the_end_of_the_quarter_before():
    assert previous_period_end("2026-09-30") == pd.Timestamp("2026-06-30")
    assert previous_period_end("2026-08-15") == pd.Timestamp("2026-06-30")
    assert previous_period_end("2026-03-31") == pd.Timestamp("2025-12-31")


def test_the_period_before_a_month_or_a_year_is_the_month_or_year_before():
    assert previous_period_end("2026-09") == pd.Timestamp("2026-08-31")
    assert previous_period_end("2026") == pd.Timestamp("2025-12-31")
    assert previous_period_end("2026-Q1") == pd.Timestamp("2025-12-31")


def test_the_next_period_ends_a_quarter_month_or_year_after_the_one_of_the_day():
    assert next_period_end("2026-09-30") == pd.Timestamp("2026-12-31")
    assert next_period_end("2026-08-15") == pd.Timestamp("2026-12-31")
    assert next_period_end("2026-12-31") == pd.Timestamp("2027-03-31")
    assert next_period_end("2026-09") == pd.Timestamp("2026-10-31")
    assert next_period_end("2026") == pd.Timestamp("2027-12-31")


def test_a_report_is_named_after_the_period_as_written():
    assert period_name("2026") == "2026" and period_name("2026-09") == "2026-09"
    assert period_name("2026-09-30") == "2026-Q3" and period_name("2026-09-29") == "2026-09-29"


def test_a_quarter_end_is_labelled_as_its_quarter_and_another_day_by_its_date():
    assert period_label("2026-09-30") == "2026-Q3"
    assert period_label("2026-09-29") == "2026-09-29"


def test_a_range_of_quarters_lists_both_ends_and_those_between():
    assert period_range("2025-Q1:2026-Q3") == [
        "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
    ]  # fmt: skip
    assert period_range("2026-Q2") == ["2026-Q2"]
    assert period_range("2025-11:2026-01") == ["2025-11", "2025-12", "2026-01"]


@pytest.mark.parametrize("spec", ["2026-Q3:2025-Q1", "2025-Q1:2026-03", "2025-Q1:soon", "a:b:c"])
def test_a_bad_range_is_refused(spec):
    with pytest.raises(AnalysisInputError):
        period_range(spec)


def test_dates_datetimes_and_numpy_dates_stand_for_their_day():
    day = pd.Timestamp("2026-08-15")
    assert parse_as_of(datetime.date(2026, 8, 15)) == day
    assert parse_as_of(datetime.datetime(2026, 8, 15, 13, 30)) == day
    assert parse_as_of(np.datetime64("2026-08-15T10:00")) == day
    assert parse_as_of(pd.Timestamp("2026-08-15 23:59", tz="UTC")) == day


@pytest.mark.parametrize("value", [None, 20260930, "", pd.NaT, "2026-13-01", "30/09/2026"])
def test_anything_else_is_refused_naming_the_value(value):
    with pytest.raises(AnalysisInputError, match="as_of must be a date"):
        parse_as_of(value)


def test_the_day_compared_with_is_the_period_before_unless_given():
    assert previous_day("2026-Q3") == pd.Timestamp("2026-06-30")
    assert previous_day("2026-09", None) == pd.Timestamp("2026-08-31")
    assert previous_day("2026-Q3", "") == pd.Timestamp("2026-06-30")
    assert previous_day("2026-Q3", "2025-Q4") == pd.Timestamp("2025-12-31")
