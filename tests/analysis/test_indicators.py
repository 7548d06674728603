"""Indicator progress, scores and trends (methods.md section 6) on tiny hand-made packages.

Every expected number is worked out by hand in a comment from the literals of the frame.
"""

from __future__ import annotations

import ast
import datetime
import math
from pathlib import Path

import pandas as pd
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.indicators import (
    indicator_progress,
    indicator_scores,
    indicator_trend,
    period_time,
    pillar_summary,
)
from partner_analytics.errors import AnalysisInputError, MissingTableError

TODAY = datetime.date(2031, 1, 1)
PARTNERS = pd.DataFrame(
    {"partner_id": ["a", "b"], "name": ["Alpha", "Beta"], "sector": ["public", "private"]}
)


def package(indicators: list[dict], observations: list[tuple], **extra_cols) -> Partnership:
    """Indicators as dicts (defaults filled) and observations as (id, date, value[, partner])."""
    base = {"unit": "%", "direction": "increase"}
    ind = pd.DataFrame([{**base, "name": d["indicator_id"].upper(), **d} for d in indicators])
    rows = [
        {
            "indicator_id": o[0],
            "date": o[1],
            "value": o[2],
            "partner_id": o[3] if len(o) > 3 else None,
        }
        for o in observations
    ]
    obs = pd.DataFrame(rows, columns=["indicator_id", "date", "value", "partner_id"])
    for name, values in extra_cols.items():
        obs[name] = values
    return Partnership.from_frames(partners=PARTNERS, indicators=ind, observations=obs, today=TODAY)


def one(p, **kw) -> pd.Series:
    frame = indicator_progress(p, **kw)
    assert len(frame) == 1
    return frame.iloc[0]


# --- time -------------------------------------------------------------------------------


def test_a_year_label_counts_as_that_year_exactly():
    assert period_time("2021") == 2021.0


def test_a_quarter_counts_at_its_last_day_in_fractional_years():
    # 2021-Q1 ends 31 March = day 90 of 365: 2021 + 89/365
    assert period_time("2021-Q1") == 2021 + 89 / 365
    # 2024 is a leap year: 31 December is day 366 of 366
    assert period_time("2024-12-31") == 2024 + 365 / 366
    assert period_time("2020-01-01") == 2020.0


def test_a_label_that_is_not_a_period_is_refused_with_the_label_named():
    with pytest.raises(AnalysisInputError, match="not a period: 'soon'"):
        period_time("soon")


# --- with a target ------------------------------------------------------------------------


def test_growth_ratio_above_high_threshold_is_substantial_with_score_capped_at_5():
    p = package(
        [{"indicator_id": "x", "target_value": 40, "target_date": "2030"}],
        [("x", "2015", 10), ("x", "2020", 20)],
    )
    r = one(p)
    # cagr = (20/10)^(1/5) - 1; cagr_target = (40/10)^(1/15) - 1
    cagr = 2 ** (1 / 5) - 1
    cagr_t = 4 ** (1 / 15) - 1
    assert r["cagr"] == pytest.approx(cagr)
    assert r["cagr_target"] == pytest.approx(cagr_t)
    # R = 0.148698 / 0.096825 = 1.53574 >= 0.95
    assert r["progress_value"] == pytest.approx(cagr / cagr_t)
    assert r["status"] == "substantial_progress"
    # min(7.1429 * 1.53574 - 4.2857, 5) = min(6.684, 5)
    assert r["score"] == 5.0
    # (20 - 10) / (40 - 10)
    assert r["progress_to_target"] == pytest.approx(1 / 3)
    assert (r["d"], r["s"]) == (1, 1.0)
    assert (r["threshold_high"], r["threshold_med"], r["threshold_low"]) == (0.95, 0.6, 0.0)


def test_growth_ratio_between_med_and_high_is_moderate():
    p = package(
        [{"indicator_id": "x", "target_value": 150, "target_date": "2030"}],
        [("x", "2015", 100), ("x", "2020", 110)],
    )
    r = one(p)
    # R = (1.1^(1/5) - 1) / (1.5^(1/15) - 1) = 0.0192449 / 0.0273990 = 0.702396
    ratio = (1.1 ** (1 / 5) - 1) / (1.5 ** (1 / 15) - 1)
    assert r["progress_value"] == pytest.approx(ratio)
    assert r["status"] == "moderate_progress"
    # 7.1429 * 0.702396 - 4.2857 = 0.731490
    assert r["score"] == pytest.approx(7.1429 * ratio - 4.2857)


def test_a_desired_decrease_uses_d_minus_one_and_the_absolute_required_growth():
    p = package(
        [{"indicator_id": "x", "direction": "decrease", "target_value": 20, "target_date": "2030"}],
        [("x", "2015", 50), ("x", "2020", 45)],
    )
    r = one(p)
    # cagr = 0.9^(1/5) - 1 = -0.0208516; cagr_t = 0.4^(1/15) - 1 = -0.0592709
    # R = 1 * -1 * -0.0208516 / 0.0592709 = 0.351801 -> limited (0 <= R < 0.6)
    ratio = -1 * (0.9 ** (1 / 5) - 1) / abs(0.4 ** (1 / 15) - 1)
    assert r["d"] == -1
    assert r["progress_value"] == pytest.approx(ratio)
    assert r["status"] == "limited_progress"
    # max(4.1667 * 0.351801 - 2.5, -5) = -1.034150
    assert r["score"] == pytest.approx(4.1667 * ratio - 2.5)


def test_moving_away_from_the_target_is_deterioration_with_score_floored_at_minus_5():
    p = package(
        [{"indicator_id": "x", "direction": "decrease", "target_value": 20, "target_date": "2030"}],
        [("x", "2015", 50), ("x", "2020", 80)],
    )
    r = one(p)
    # R = -1 * (1.6^(1/5) - 1) / 0.0592709 = -0.098560 / 0.0592709 = -1.66288
    assert r["progress_value"] == pytest.approx(-(1.6**0.2 - 1) / abs(0.4 ** (1 / 15) - 1))
    assert r["status"] == "deterioration"
    # 4.1667 * -1.66288 - 2.5 = -9.43 -> -5
    assert r["score"] == -5.0


def test_target_achieved_wins_while_the_adverse_progress_value_is_still_reported():
    # as SDG 6.4.2 in Canada: desired decrease, target 25, the value rose from 3.68 to 3.72
    p = package(
        [{"indicator_id": "x", "direction": "decrease", "target_value": 25, "target_date": "2030"}],
        [("x", "2015", 3.68), ("x", "2022", 3.72)],
    )
    r = one(p)
    # 3.72 <= 25: achieved; R = -1 * ((3.72/3.68)^(1/7) - 1) / ((25/3.68)^(1/15) - 1) < 0
    assert r["target_achieved"]
    assert r["status"] == "target_achieved"
    assert r["score"] == 5.0
    assert r["progress_value"] == pytest.approx(
        -1 * ((3.72 / 3.68) ** (1 / 7) - 1) / abs((25 / 3.68) ** (1 / 15) - 1)
    )
    assert r["progress_value"] < 0


def test_a_limit_is_ignored_with_a_warning_when_there_is_a_target():
    p = package(
        [{"indicator_id": "x", "target_value": 150, "target_date": "2030", "limit": 200}],
        [("x", "2015", 100), ("x", "2020", 110)],
    )
    r = one(p)
    assert math.isnan(r["scale_c"])
    assert r["threshold_high"] == 0.95
    assert r["warnings"] == "limit 200 ignored: the series has a target"


def test_a_target_of_zero_becomes_one_thousandth_with_a_warning():
    p = package(
        [{"indicator_id": "x", "direction": "decrease", "target_value": 0, "target_date": "2030"}],
        [("x", "2015", 10), ("x", "2020", 5)],
    )
    r = one(p)
    # R = -1 * (0.5^(1/5) - 1) / |(0.001/10)^(1/15) - 1|
    expected = -1 * (0.5**0.2 - 1) / abs((0.001 / 10) ** (1 / 15) - 1)
    assert r["progress_value"] == pytest.approx(expected)
    assert r["target_value"] == 0.0  # the frame keeps the given target
    assert r["warnings"] == "target 0 replaced by 0.001"


def test_a_base_of_zero_becomes_one_thousandth_after_the_sign_is_set():
    p = package(
        [{"indicator_id": "x", "target_value": 10, "target_date": "2030"}],
        [("x", "2015", 0), ("x", "2020", 5)],
    )
    r = one(p)
    # s = +1 from base 0; cagr = (5/0.001)^(1/5) - 1; cagr_t = (10/0.001)^(1/15) - 1
    expected = ((5 / 0.001) ** 0.2 - 1) / ((10 / 0.001) ** (1 / 15) - 1)
    assert r["s"] == 1.0
    assert r["progress_value"] == pytest.approx(expected)
    assert r["base_value"] == 0.0
    assert r["warnings"] == "base value 0 replaced by 0.001"


def test_a_negative_base_sets_s_to_minus_one():
    p = package(
        [{"indicator_id": "x", "target_value": -1, "target_date": "2030"}],
        [("x", "2015", -4), ("x", "2020", -2)],
    )
    r = one(p)
    # increase desired: -4 -> -2 is progress towards -1.
    # cagr = (-2/-4)^(1/5) - 1 = -0.129449; cagr_t = (-1/-4)^(1/15) - 1 = -0.088270
    # R = s * d * cagr / |cagr_t| = -1 * 1 * -0.129449 / 0.088270 = 1.466516
    expected = -1 * 1 * (0.5**0.2 - 1) / abs(0.25 ** (1 / 15) - 1)
    assert r["s"] == -1.0
    assert r["progress_value"] == pytest.approx(expected)
    assert r["status"] == "substantial_progress"


# --- without a target ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "status", "score"),
    [
        # v = 1.1^(1/5) - 1 = 0.0192449 >= 0.015; min(500 v - 5, 5) = 4.62245
        (110, "substantial_progress", 500 * (1.1**0.2 - 1) - 5),
        # v = 1.03^(1/5) - 1 = 0.0059291 in [0.005, 0.015); 250 v - 1.25 = 0.232275
        (103, "moderate_progress", 250 * (1.03**0.2 - 1) - 1.25),
        # v = 1.01^(1/5) - 1 = 0.0019920 in [0, 0.005); 500 v - 2.5 = -1.50398
        (101, "limited_progress", 500 * (1.01**0.2 - 1) - 2.5),
        # v = 0.99^(1/5) - 1 = -0.0020080 < 0; max(125 v - 2.5, -5) = -2.75100
        (99, "deterioration", 125 * (0.99**0.2 - 1) - 2.5),
    ],
)
def test_without_a_target_the_growth_is_compared_with_the_fixed_thresholds(latest, status, score):
    p = package([{"indicator_id": "x"}], [("x", "2015", 100), ("x", "2020", latest)])
    r = one(p)
    assert r["progress_value"] == pytest.approx((latest / 100) ** 0.2 - 1)
    assert r["status"] == status
    assert r["score"] == pytest.approx(score)
    assert r["scale_c"] == 1.0
    assert (r["threshold_high"], r["threshold_med"], r["threshold_low"]) == (0.015, 0.005, 0.0)


@pytest.mark.parametrize(
    ("base", "limit", "c"),
    [
        (90, 100, 1 - 0.9**4.44),  # b <= L: 1 - 0.626556 = 0.373444
        (150, 100, 1 - 0.5**4.44),  # L < b < 2L: 1 - ((200 - 150)/100)^4.44 = 0.953912
        (250, 100, 1.0),  # b >= 2L
    ],
)
def test_a_natural_limit_scales_the_thresholds_by_c(base, limit, c):
    p = package(
        [{"indicator_id": "x", "limit": limit}], [("x", "2015", base), ("x", "2020", base * 1.01)]
    )
    r = one(p)
    assert r["scale_c"] == pytest.approx(c)
    assert r["threshold_high"] == pytest.approx(0.015 * c)
    assert r["threshold_med"] == pytest.approx(0.005 * c)


def test_near_the_limit_a_small_gain_counts_more():
    # base 99.47, limit 100 (as 9-c-1 HSPA+): C = 1 - 0.9947^4.44 = 0.0233184
    # v = (99.57/99.47)^(1/6) - 1 = 0.000167485: >= med 0.005 C = 0.000116592, < high
    p = package([{"indicator_id": "x", "limit": 100}], [("x", "2016", 99.47), ("x", "2022", 99.57)])
    r = one(p)
    c = 1 - (99.47 / 100) ** 4.44
    v = (99.57 / 99.47) ** (1 / 6) - 1
    assert r["status"] == "moderate_progress"
    # 250 v / C - 1.25 = 0.545626
    assert r["score"] == pytest.approx(250 * v / c - 1.25)


def test_a_base_at_the_limit_gives_c_zero_and_score_5_when_held():
    p = package([{"indicator_id": "x", "limit": 100}], [("x", "2015", 100), ("x", "2020", 100)])
    r = one(p)
    assert r["scale_c"] == 0.0
    assert r["status"] == "substantial_progress"  # v = 0 >= high = 0
    assert r["score"] == 5.0


def test_a_base_beyond_the_limit_is_warned_about():
    p = package([{"indicator_id": "x", "limit": 100}], [("x", "2015", 120), ("x", "2020", 125)])
    assert one(p)["warnings"] == "base value 120 is above the maximum limit 100"


# --- not available ---------------------------------------------------------------------


def test_fewer_than_one_year_between_base_and_latest_is_not_available_with_the_reason():
    p = package(
        [{"indicator_id": "x"}],
        [("x", "2021-Q1", 1), ("x", "2021-Q2", 2), ("x", "2021-Q4", 3)],
    )
    r = one(p)
    # 2021-Q4 - 2021-Q1 = (364 - 89) / 365 = 0.753 years < 1
    assert r["latest_time"] - r["base_time"] == pytest.approx(275 / 365)
    assert r["status"] == "not_available"
    assert math.isnan(r["score"])
    assert r["reason"] == "fewer than one year between base and latest observation"


def test_quarterly_data_over_three_years_are_measured_in_fractional_years():
    p = package([{"indicator_id": "x"}], [("x", "2021-Q1", 100), ("x", "2022-Q3", 103)])
    r = one(p)
    # 31 Mar 2021 -> 31 Mar 2022 is one year; then 31 Mar -> 30 Sep 2022 is 183 of 365 days
    dt = 1 + 183 / 365
    assert r["cagr"] == pytest.approx(1.03 ** (1 / dt) - 1)


def test_quarters_on_the_same_calendar_date_are_whole_years_apart_across_a_leap_year():
    p = package([{"indicator_id": "x"}], [("x", "2021-Q1", 100), ("x", "2024-Q1", 103)])
    r = one(p)
    # 31 March 2021 -> 31 March 2024: exactly 3 years (methods.md 6), although 2024 is leap
    assert r["cagr"] == pytest.approx(1.03 ** (1 / 3) - 1)


def test_base_and_latest_of_different_signs_are_not_available():
    p = package([{"indicator_id": "x"}], [("x", "2015", -2), ("x", "2020", 3)])
    r = one(p)
    assert r["status"] == "not_available"
    assert r["reason"] == "base (-2) and latest (3) values have different signs"


def test_an_indicator_without_observations_is_not_available():
    p = package(
        [{"indicator_id": "x"}, {"indicator_id": "y"}], [("y", "2015", 1), ("y", "2020", 2)]
    )
    r = indicator_progress(p).set_index("indicator_id").loc["x"]
    assert r["status"] == "not_available"
    assert r["reason"] == "no observations"
    assert r["n_observations"] == 0


def test_a_single_observation_meeting_its_target_is_achieved_as_sdg_build_decides():
    p = package(
        [{"indicator_id": "x", "target_value": 5, "target_date": "2030"}], [("x", "2020", 6)]
    )
    r = one(p)
    assert r["status"] == "target_achieved"
    assert r["score"] == 5.0
    assert math.isnan(r["progress_value"])
    assert r["reason"] == (
        "progress value not computed: fewer than one year between base and latest observation"
    )


# --- base, latest, as_of -------------------------------------------------------------------------


def test_baseline_value_and_date_of_the_indicators_table_are_the_base():
    p = package(
        [{"indicator_id": "x", "baseline_value": 8, "baseline_date": "2014"}],
        [("x", "2015", 10), ("x", "2020", 20)],
    )
    r = one(p)
    assert (r["base_date"], r["base_time"], r["base_value"]) == ("2014", 2014.0, 8.0)
    # v = (20/8)^(1/6) - 1
    assert r["progress_value"] == pytest.approx(2.5 ** (1 / 6) - 1)


def test_a_baseline_year_without_data_moves_to_the_first_year_after_it():
    # Open SDG's base_year rule: 2015 has no data, the base is 2016 (not 2014)
    p = package(
        [{"indicator_id": "x", "baseline_date": "2015"}],
        [("x", "2014", 5), ("x", "2016", 10), ("x", "2020", 20)],
    )
    r = one(p)
    assert (r["base_date"], r["base_value"]) == ("2016", 10.0)


def test_without_a_baseline_the_first_observation_is_the_base():
    p = package([{"indicator_id": "x"}], [("x", "2019", 7), ("x", "2015", 5), ("x", "2020", 9)])
    r = one(p)
    assert (r["base_date"], r["base_value"], r["latest_date"], r["latest_value"]) == (
        "2015", 5.0, "2020", 9.0,
    )  # fmt: skip


def test_as_of_keeps_only_observations_whose_period_ended_by_then():
    p = package(
        [{"indicator_id": "x"}],
        [("x", "2020-Q4", 1), ("x", "2021-Q4", 2), ("x", "2022-Q1", 3)],
    )
    # 2022-Q1 ends 31 March 2022, after 2022-03-30
    r = one(p, as_of=datetime.date(2022, 3, 30))
    assert r["latest_date"] == "2021-Q4"
    assert r["n_observations"] == 2
    assert one(p, as_of="2022-Q1")["latest_date"] == "2022-Q1"
    assert one(p)["latest_date"] == "2022-Q1"


def test_a_missing_target_date_defaults_to_2030_with_a_warning():
    p = package([{"indicator_id": "x", "target_value": 50}], [("x", "2015", 10), ("x", "2020", 20)])
    r = one(p)
    assert (r["target_date"], r["target_time"]) == ("2030", 2030.0)
    assert r["warnings"] == "target date missing: 2030 used"


# --- by a disaggregation ---------------------------------------------------------------------


def test_by_partner_gives_one_row_per_indicator_and_partner_without_the_headline():
    p = package(
        [{"indicator_id": "x"}],
        [
            ("x", "2015", 100), ("x", "2020", 200),
            ("x", "2015", 10, "a"), ("x", "2020", 11, "a"),
            ("x", "2015", 10, "b"), ("x", "2020", 9, "b"),
        ],
    )  # fmt: skip
    frame = indicator_progress(p, by="partner_id").set_index("partner_id")
    assert list(frame.index) == ["a", "b"]
    # a: (11/10)^(1/5) - 1 = 0.019245 -> substantial; b: (0.9)^(1/5) - 1 < 0 -> deterioration
    assert frame.loc["a", "progress_value"] == pytest.approx(1.1**0.2 - 1)
    assert frame.loc["a", "status"] == "substantial_progress"
    assert frame.loc["b", "status"] == "deterioration"
    assert (frame["n_observations"] == 2).all()


def test_by_a_column_skips_rows_disaggregated_by_another_column_too():
    p = package(
        [{"indicator_id": "x"}],
        [("x", "2015", 10, "a"), ("x", "2020", 11, "a"), ("x", "2020", 99, "a")],
        region=[None, None, "north"],
    )
    frame = indicator_progress(p, by="partner_id")
    assert frame["latest_value"].tolist() == [11.0]


def test_by_a_column_that_is_not_a_disaggregation_is_refused():
    p = package([{"indicator_id": "x"}], [("x", "2015", 10)])
    with pytest.raises(AnalysisInputError, match="by='region' is not a disaggregation column"):
        indicator_progress(p, by="region")


# --- indicator scores ---------------------------------------------------------------------


def _scored_package(group: list) -> Partnership:
    # a: 100 -> 102 in one year: v = 0.02 -> min(500 * 0.02 - 5, 5) = 5
    # b: 100 -> 102: score 5; c: 100 -> 98: v = -0.02 -> max(125 * -0.02 - 2.5, -5) = -5
    return package(
        [
            {"indicator_id": "a", "parent_id": "P", "group": group[0], "pillar": "social"},
            {"indicator_id": "b", "parent_id": "P", "group": group[1], "pillar": "social"},
            {"indicator_id": "c", "parent_id": "P", "group": group[2], "pillar": "social"},
        ],
        [
            ("a", "2020", 100), ("a", "2021", 102), ("b", "2020", 100), ("b", "2021", 102),
            ("c", "2020", 100), ("c", "2021", 98),
        ],
    )  # fmt: skip


def test_series_in_a_group_are_averaged_first_and_count_as_one():
    scores = indicator_scores(_scored_package([None, "g", "g"])).iloc[0]
    # group g: mean(5, -5) = 0; indicator: mean(5, 0) = 2.5 -> substantial (2.5 included)
    assert scores["score"] == 2.5
    assert scores["status"] == "substantial_progress"
    assert (scores["n_series"], scores["n_units"], scores["n_scored_units"]) == (3, 2, 2)


def test_without_groups_every_series_counts_once():
    scores = indicator_scores(_scored_package([None, None, None])).iloc[0]
    # mean(5, 5, -5) = 1.6667 -> moderate
    assert scores["score"] == pytest.approx(5 / 3)
    assert scores["status"] == "moderate_progress"
    assert scores["series_ids"] == "a; b; c"


def test_an_indicator_achieves_its_target_only_when_every_series_does():
    both = package(
        [
            {"indicator_id": "a", "parent_id": "P", "target_value": 5, "target_date": "2030"},
            {"indicator_id": "b", "parent_id": "P", "target_value": 5, "target_date": "2030"},
        ],
        [("a", "2015", 1), ("a", "2020", 6), ("b", "2015", 1), ("b", "2020", 7)],
    )
    assert indicator_scores(both).iloc[0]["status"] == "target_achieved"
    one_short = package(
        [
            {"indicator_id": "a", "parent_id": "P", "target_value": 5, "target_date": "2030"},
            {"indicator_id": "b", "parent_id": "P", "target_value": 50, "target_date": "2030"},
        ],
        [("a", "2015", 1), ("a", "2020", 6), ("b", "2015", 1), ("b", "2020", 7)],
    )
    row = indicator_scores(one_short).iloc[0]
    # b: R = (7^(1/5) - 1) / (50^(1/15) - 1) = 0.475773 / 0.298046 = 1.5963 -> score 5
    # mean(5, 5) = 5 but b missed its target: substantial, not achieved
    assert not row["target_achieved"]
    assert row["status"] == "substantial_progress"


def test_an_indicator_without_any_score_is_not_available():
    p = package([{"indicator_id": "x"}], [("x", "2020", 1)])
    row = indicator_scores(p).iloc[0]
    assert row["status"] == "not_available"
    assert row["reason"] == "no series could be scored"


@pytest.mark.parametrize(
    ("score", "status"),
    [(5.0, "substantial_progress"), (2.5, "substantial_progress"), (2.4999, "moderate_progress"),
     (0.0, "moderate_progress"), (-0.0001, "limited_progress"), (-2.5, "limited_progress"),
     (-2.5001, "deterioration"), (-5.0, "deterioration")],
)  # fmt: skip
def test_indicator_status_bands_of_the_mean_score(score, status):
    from partner_analytics.analysis._opensdg import status_from_score

    assert status_from_score(score) == status


# --- UNSD 2022 ---------------------------------------------------------------------------


def test_unsd2022_bands_the_ratio_of_observed_to_required_growth():
    p = package(
        [
            {"indicator_id": "x", "target_value": 150, "target_date": "2030"},
            {"indicator_id": "y", "target_value": 150, "target_date": "2030"},
            {"indicator_id": "z"},
        ],
        [("x", "2015", 100), ("x", "2020", 110), ("y", "2015", 100), ("y", "2020", 99.9),
         ("z", "2015", 1), ("z", "2020", 2)],
    )  # fmt: skip
    frame = indicator_progress(p, method="unsd2022").set_index("indicator_id")
    # x: CR = 0.0192449 / 0.0273990 = 0.7024 -> [0.5, 0.95): moderate
    assert frame.loc["x", "progress_value"] == pytest.approx((1.1**0.2 - 1) / (1.5 ** (1 / 15) - 1))
    assert frame.loc["x", "status"] == "moderate_progress"
    # y: CR = (0.999^(1/5) - 1) / 0.027399 = -0.00730 -> [-0.1, 0.5): limited
    assert frame.loc["y", "status"] == "limited_progress"
    assert frame["score"].isna().all()
    assert frame.loc["z", "status"] == "not_available"
    assert frame.loc["z", "reason"].startswith("the UNSD 2022 progress chart assesses")


def test_an_unknown_method_is_refused():
    p = package([{"indicator_id": "x"}], [("x", "2015", 1)])
    with pytest.raises(AnalysisInputError, match="method must be one of opensdg, unsd2022"):
        indicator_progress(p, method="escap")


# --- trend -------------------------------------------------------------------------------


def test_the_least_squares_trend_is_projected_to_the_target_date():
    p = package(
        [{"indicator_id": "x", "target_value": 20, "target_date": "2030"}],
        [("x", "2015", 1), ("x", "2016", 2), ("x", "2017", 4)],
    )
    t = indicator_trend(p, "x")
    # t_mean = 2016, y_mean = 7/3; slope = ((-1)(-4/3) + 0 + (1)(5/3)) / 2 = 1.5
    # projection 2030: 7/3 + 1.5 * 14 = 23.3333 >= 20 -> meets; gap = 20 - 23.3333
    assert t["slope_per_year"].iloc[0] == pytest.approx(1.5)
    proj = t[t["kind"] == "projection"].iloc[0]
    assert proj["value"] == pytest.approx(7 / 3 + 21)
    assert proj["gap_to_target"] == pytest.approx(20 - (7 / 3 + 21))
    assert bool(proj["projected_to_meet_target"])
    obs = t[t["kind"] == "observation"]
    # fitted 2015: 7/3 - 1.5 = 0.8333
    assert obs["fitted"].iloc[0] == pytest.approx(7 / 3 - 1.5)
    assert sorted(t["kind"].unique()) == ["baseline", "observation", "projection", "target"]


def test_a_trend_needs_two_distinct_times():
    p = package([{"indicator_id": "x"}], [("x", "2015", 1)])
    t = indicator_trend(p, "x")
    assert t["reason"].iloc[0] == "a trend needs observations at two distinct times"
    assert "projection" not in set(t["kind"])


def test_trend_of_an_unknown_indicator_is_refused_with_its_name():
    p = package([{"indicator_id": "x"}], [("x", "2015", 1)])
    with pytest.raises(AnalysisInputError, match="unknown indicator_id 'nope'"):
        indicator_trend(p, "nope")


def test_trend_by_partner_gives_one_series_per_partner():
    p = package(
        [{"indicator_id": "x"}],
        [
            ("x", "2015", 1, "a"),
            ("x", "2016", 3, "a"),
            ("x", "2015", 5, "b"),
            ("x", "2016", 4, "b"),
        ],
    )
    t = indicator_trend(p, "x", by="partner_id")
    slopes = t.drop_duplicates("partner_id").set_index("partner_id")["slope_per_year"]
    assert slopes.to_dict() == {"a": 2.0, "b": -1.0}


def test_per_period_targets_are_shown_as_their_own_rows():
    p = package(
        [{"indicator_id": "x"}],
        [("x", "2020-03-31", 5), ("x", "2020-03-31", 4), ("x", "2021-03-31", 9)],
        value_type=[None, "target", None],
    )
    t = indicator_trend(p, "x")
    assert t.loc[t["kind"] == "period_target", "value"].tolist() == [4.0]
    assert t.loc[t["kind"] == "observation", "value"].tolist() == [5.0, 9.0]


# --- pillar summary ------------------------------------------------------------------


def test_pillar_summary_counts_indicators_on_track_per_pillar():
    p = package(
        [
            {"indicator_id": "x", "pillar": "social"},
            {"indicator_id": "y", "pillar": "social"},
            {"indicator_id": "z", "pillar": "economic"},
        ],
        [("x", "2015", 100), ("x", "2020", 110), ("y", "2015", 100), ("y", "2020", 90),
         ("z", "2015", 100), ("z", "2020", 110)],
    )  # fmt: skip
    s = pillar_summary(p)
    social = s[s["pillar"] == "social"].set_index("status")
    # x substantial (on track), y deterioration
    assert social.loc["substantial_progress", "n"] == 1
    assert social.loc["deterioration", "n"] == 1
    assert social["n_on_track"].iloc[0] == 1
    assert social["share_on_track"].iloc[0] == 0.5
    assert len(social) == 6  # every status listed


# --- contract -------------------------------------------------------------------------


def test_a_package_without_indicators_is_refused_with_the_table_named():
    p = Partnership.from_frames(partners=PARTNERS, today=TODAY)
    with pytest.raises(MissingTableError, match="indicator_progress needs table 'indicators'"):
        indicator_progress(p)


def test_nothing_is_printed(capsys):
    p = package(
        [{"indicator_id": "x", "target_value": 0, "target_date": "2030", "limit": 3}],
        [("x", "2015", 0), ("x", "2020", 1)],
    )
    indicator_progress(p)
    indicator_trend(p)
    assert capsys.readouterr() == ("", "")


def test_the_analysis_module_imports_neither_plotly_nor_widgets():
    src = Path(__file__).resolve().parents[2] / "src/partner_analytics/analysis"
    for name in ("indicators.py", "_opensdg.py"):
        tree = ast.parse((src / name).read_text(encoding="utf-8"))
        mods = [
            n.module if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree)
            if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in (n.names if isinstance(n, ast.Import) else [n])
        ]
        assert not any(
            m and m.split(".")[0] in ("plotly", "ipywidgets") or "figures" in (m or "")
            for m in mods
        )


def test_groups_can_be_measured_on_their_own_growth_instead_of_the_indicator_target():
    p = package(
        [{"indicator_id": "x", "target_value": 400, "target_date": "2030"}],
        [("x", "2015", 10, "a"), ("x", "2020", 11, "a")],
    )
    held = indicator_progress(p, by="partner_id").iloc[0]
    # against 400: R = (1.1^(1/5) - 1) / ((400/10)^(1/15) - 1) = 0.0192449 / 0.279188 < 0.6
    assert held["status"] == "limited_progress"
    own = indicator_progress(p, by="partner_id", group_targets=False).iloc[0]
    # own growth: v = 0.0192449 >= 0.015 -> substantial
    assert math.isnan(own["target_value"])
    assert own["status"] == "substantial_progress"
    trend = indicator_trend(p, "x", by="partner_id", group_targets=False)
    assert "target" not in set(trend["kind"])
