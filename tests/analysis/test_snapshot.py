"""Periods, the as-of view, snapshots and headline figures, on the tiny partnership."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from partner_analytics import AnalysisInputError
from partner_analytics.analysis.snapshot import (
    HEADLINE_COLUMNS,
    Snapshot,
    as_of_view,
    headline_figures,
    parse_as_of,
    period_label,
    period_name,
    period_range,
    previous_period_end,
    snapshot,
)

AS_OF = "2022-12-31"


# --------------------------------------------------------------------------- periods


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


# --------------------------------------------------------------------------- the view


def test_the_view_keeps_the_waves_ending_on_or_before_the_day(tiny):
    v = as_of_view(tiny, "2022-12-31")
    assert sorted(v.stakeholder_ratings["wave"].unique()) == ["2022-Q3", "2022-Q4"]
    v = as_of_view(tiny, "2022-12-30")  # 2022-Q4 ends on 2022-12-31
    assert sorted(v.stakeholder_ratings["wave"].unique()) == ["2022-Q3"]
    assert len(v.assessments) == 0


def test_the_view_keeps_observations_of_periods_ending_on_or_before_the_day(tiny):
    # the year 2022 ends on 2022-12-31: known on that day, not on 2022-09-30
    assert sorted(as_of_view(tiny, "2022-12-31").observations["date"].unique()) == [
        "2020",
        "2021",
        "2022",
    ]
    assert sorted(as_of_view(tiny, "2022-09-30").observations["date"].unique()) == ["2020", "2021"]


def test_the_view_leaves_out_partners_who_joined_later_with_their_rows(make_tiny):
    # Gamma Trust (C) joins on 2023-03-01 and commits to something due later
    com = pd.DataFrame(
        {
            "commitment_id": ["k1", "k9"], "partner_id": ["A", "C"],
            "description": ["Open the depot", "Run a repair day"],
            "due_date": ["2022-10-01", "2023-06-30"],
        }
    )  # fmt: skip
    p = make_tiny(commitments=com)
    v = as_of_view(p, "2022-12-31")
    assert list(v.partners["partner_id"]) == ["A", "B"]
    assert list(v.commitments["commitment_id"]) == ["k1"]
    v = as_of_view(p, "2023-03-31")
    assert list(v.partners["partner_id"]) == ["A", "B", "C"]
    assert list(v.commitments["commitment_id"]) == ["k1", "k9"]


def test_the_view_undoes_completions_after_the_day(make_tiny):
    com = pd.DataFrame(
        {
            "commitment_id": ["k1", "k2"],
            "partner_id": ["A", "B"],
            "description": ["Late one", "Early one"],
            "due_date": ["2022-08-31", "2022-06-30"],
            "completed_date": ["2022-10-15", "2022-06-15"],
            "status": ["done", "done"],
        }
    )
    p = make_tiny(commitments=com)
    v = as_of_view(p, "2022-09-30")
    c = v.commitments.set_index("commitment_id")
    assert pd.isna(c.loc["k1", "completed_date"]) and c.loc["k1", "status"] == "open"
    assert (
        c.loc["k2", "completed_date"] == pd.Timestamp("2022-06-15")
        and c.loc["k2", "status"] == "done"
    )
    # the loaded package is not changed
    assert p.commitments.set_index("commitment_id").loc["k1", "status"] == "done"


def test_applying_the_view_twice_changes_nothing(tiny):
    once = as_of_view(tiny, AS_OF)
    twice = as_of_view(once, AS_OF)
    for name in once.tables:
        pd.testing.assert_frame_equal(once.tables[name], twice.tables[name])


def test_the_view_keeps_problems_name_and_files(tiny):
    v = as_of_view(tiny, AS_OF)
    assert v.name == tiny.name and v.files == tiny.files
    assert v.problems is tiny.problems


# --------------------------------------------------------------------------- snapshots


def test_a_snapshot_says_why_an_analysis_cannot_run(tiny):
    s = Snapshot(tiny, "2022-09-30")
    assert s.get("health_index") is None
    # the package has assessments, but none on or before the day
    assert s.problem("health_index") == "no rows of 'assessments' dated on or before 2022-09-30"
    # a table the package does not have at all
    assert "needs table 'readiness'" in s.problem("readiness")
    assert s.problem("follow_through") is None


def test_per_wave_frames_read_off_a_later_snapshot_equal_a_direct_computation(make_tiny):
    p = make_tiny()
    later = snapshot(p, "2023-03-31")
    earlier = snapshot(p, "2022-12-31")  # built on the later one
    assert earlier.base is later
    direct = Snapshot(p, "2022-12-31")
    for name in (
        "power_interest",
        "stakeholder_movement",
        "factor_scores",
        "health_index",
        "perception_gaps",
    ):
        pd.testing.assert_frame_equal(earlier.frame(name), direct.frame(name), check_dtype=False)


def test_snapshots_are_shared_per_object_day_and_min_n(tiny):
    assert snapshot(tiny, "2022-Q4") is snapshot(tiny, "2022-12-31")
    assert snapshot(tiny, AS_OF, min_n=4) is not snapshot(tiny, AS_OF)


# --------------------------------------------------------------------------- headline figures


def fig(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame.set_index("figure").loc[key]


def test_headline_figures_have_now_previous_and_change(tiny):
    h = headline_figures(tiny, as_of=AS_OF)
    assert list(h.columns) == HEADLINE_COLUMNS
    # overdue: Alpha's two, none due by 2022-09-30
    o = fig(h, "overdue")
    assert (o["now"], o["previous"], o["change"]) == (2, 0, 2)
    assert o["now_total"] == 3  # commitments due
    # follow-through: 1 / 3 now, 1 / 1 before
    f = fig(h, "follow_through")
    assert f["now"] == pytest.approx(100 / 3) and f["previous"] == pytest.approx(100.0)
    assert f["change"] == pytest.approx(100 / 3 - 100)
    # indicators: 1 deteriorating of 2 (none before); 1 on track (2 before)
    assert (fig(h, "deteriorating")["now"], fig(h, "deteriorating")["previous"]) == (1, 0)
    assert (fig(h, "on_track")["now"], fig(h, "on_track")["previous"]) == (1, 2)
    # health: 75 in 2022-Q4, no assessments before
    hi = fig(h, "health_index")
    assert hi["now"] == pytest.approx(75.0) and hi["period_now"] == "2022-Q4"
    assert math.isnan(hi["previous"]) and math.isnan(hi["change"])
    assert hi["note"] == "previous period: no rows of 'assessments' dated on or before 2022-09-30"
    # stakeholders: Residents contested, Port suppressed and left out (1 of 1 shown)
    c = fig(h, "contested")
    assert (c["now"], c["now_total"], c["previous"]) == (1, 1, 0)
    # partners: Gamma joins in 2023
    assert fig(h, "active_partners")["now"] == 2


def test_a_missing_table_is_a_note_not_an_error(tiny):
    h = headline_figures(tiny, as_of=AS_OF)
    r = fig(h, "readiness")
    assert math.isnan(r["now"]) and "needs table 'readiness'" in r["note"]


def test_a_suppressed_index_is_flagged_and_has_no_change(tiny):
    # 6 respondents answer factor 601: with min_n = 7 no factor can be used
    h = headline_figures(tiny, as_of=AS_OF, min_n=7)
    hi = fig(h, "health_index")
    assert bool(hi["suppressed_now"]) and math.isnan(hi["change"])
