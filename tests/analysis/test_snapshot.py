"""The as-of view, snapshots and headline figures, on the tiny partnership."""

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
    snapshot,
)

AS_OF = "2022-12-31"


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
