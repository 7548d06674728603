"""Indicator figures draw the analysis frames: traces, colours and texts come from them."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.indicators import (
    indicator_progress,
    indicator_trend,
    pillar_summary,
)
from partner_analytics.figures.indicators import (
    plot_indicator_status_table,
    plot_indicator_trend,
    plot_pillar_summary,
)
from partner_analytics.figures.theme import STATUS_COLORS, STATUS_LABELS


@pytest.fixture(scope="module")
def p() -> Partnership:
    ind = pd.DataFrame(
        {
            "indicator_id": ["up", "down", "empty"],
            "name": ["Jobs created", "Waste to landfill", "Trust index"],
            "unit": ["jobs", "tonnes", "score"],
            "direction": ["increase", "decrease", "increase"],
            "target_value": [20, 10, None],
            "target_date": ["2030", "2030", None],
            "pillar": ["economic", "environmental", "governance"],
        }
    )
    obs = pd.DataFrame(
        {
            "indicator_id": ["up", "up", "up", "down", "down", "up", "empty"],
            "date": ["2015", "2016", "2017", "2015", "2020", "2016", "2020"],
            "value": [1, 2, 4, 20, 30, 3, 60],
            "value_type": [None, None, None, None, None, "target", None],
        }
    )
    partners = pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]})
    return Partnership.from_frames(
        partners=partners, indicators=ind, observations=obs, today=datetime.date(2031, 1, 1)
    )


def test_the_trend_figure_marks_baseline_target_and_a_dashed_projection(p):
    trend = indicator_trend(p, "up")
    fig = plot_indicator_trend(trend)
    names = [t.name for t in fig.data]
    assert names == [
        "Observed", "Trend (least squares)", "Projection to 2030", "Period targets", "Baseline",
        "Target",
    ]  # fmt: skip
    observed = fig.data[0]
    assert list(observed.y) == [1.0, 2.0, 4.0]
    projection = fig.data[2]
    assert projection.line.dash == "dash"
    # from the fitted value at the last observation (2017: 7/3 + 1.5) to the projected 2030 value
    proj = trend.loc[trend["kind"] == "projection", "value"].iloc[0]
    assert list(projection.y) == pytest.approx([7 / 3 + 1.5, proj])
    texts = [a.text for a in fig.layout.annotations]
    assert "Baseline 2015: 1.00" in texts
    assert "Target 2030: 20.00" in texts
    assert fig.layout.title.text == "Jobs created"
    assert fig.layout.yaxis.title.text == "jobs"


def test_a_series_without_a_trend_says_why(p):
    fig = plot_indicator_trend(indicator_trend(p, "empty"))
    texts = [a.text for a in fig.layout.annotations]
    assert "No trend: a trend needs observations at two distinct times" in texts


def test_asking_for_a_series_the_frame_does_not_hold_is_refused(p):
    with pytest.raises(ValueError, match="indicator 'nope' is not in the trend frame"):
        plot_indicator_trend(indicator_trend(p, "up"), indicator_id="nope")


def test_the_status_table_colours_each_status_cell_and_shows_the_score(p):
    progress = indicator_progress(p)
    fig = plot_indicator_status_table(progress, indicator_trend(p))
    fills = [s.fillcolor for s in fig.layout.shapes]
    assert fills == [STATUS_COLORS[s] for s in progress["status"]]
    texts = [a.text for a in fig.layout.annotations]
    for status in progress["status"]:
        assert STATUS_LABELS[status] in texts
    # up: substantial, score 5 -> "+5.0"; empty: no score -> "—"
    assert "+5.0" in texts
    assert "—" in texts
    assert "Trust index" in texts


def test_the_status_table_draws_one_sparkline_per_indicator_with_observations(p):
    progress = indicator_progress(p)
    fig = plot_indicator_status_table(progress, indicator_trend(p))
    sparklines = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.name for t in sparklines] == ["Jobs created", "Waste to landfill", "Trust index"]
    # each scaled into its own row: row 0 between -0.35 and 0.35, the highest value on top
    assert min(sparklines[0].y) == pytest.approx(-0.35)
    assert max(sparklines[0].y) == pytest.approx(0.35)
    assert sparklines[1].line.color == STATUS_COLORS[progress["status"].iloc[1]]


def test_the_pillar_summary_stacks_statuses_and_says_how_many_are_on_track(p):
    summary = pillar_summary(p)
    fig = plot_pillar_summary(summary)
    assert [t.name for t in fig.data] == [
        STATUS_LABELS[s]
        for s in ("target_achieved", "substantial_progress", "moderate_progress",
                  "limited_progress", "deterioration", "not_available")
    ]  # fmt: skip
    on_track = fig.data[1]
    assert list(on_track.y) == ["Economic", "Environmental", "Governance"]
    assert list(on_track.x) == [1.0, 0.0, 0.0]
    assert [t.marker.color for t in fig.data] == [
        STATUS_COLORS[s]
        for s in ("target_achieved", "substantial_progress", "moderate_progress",
                  "limited_progress", "deterioration", "not_available")
    ]  # fmt: skip
    texts = [a.text.strip() for a in fig.layout.annotations]
    assert texts == ["1 of 1 on track", "0 of 1 on track", "0 of 1 on track"]
