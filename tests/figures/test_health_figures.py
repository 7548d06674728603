"""Figures of collaboration health: they draw the analysis frames, and hide small cells."""

from __future__ import annotations

import dataclasses
import datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.health import factor_scores, health_index, perception_gaps
from partner_analytics.figures.health import (
    plot_factor_radar,
    plot_health_index,
    plot_perception_gaps,
)

PARTNERS = pd.DataFrame(
    {
        "partner_id": ["city", "corp"],
        "name": ["City Council", "Acme Ltd"],
        "sector": ["public", "private"],
    }
)
FACTORS = pd.DataFrame(
    {
        "factor_code": ["F1", "F2", "F3"],
        "factor": ["Trust", "Shared goals", "Exit plan"],
        "weight": [100, 75, 100],
    }
)


def rows(wave, factor, scores, partner="city", start=1):
    return [
        {
            "wave": wave,
            "respondent_id": f"r{start + i}",
            "partner_id": partner,
            "factor_code": factor,
            "score": s,
        }
        for i, s in enumerate(scores)
    ]


@pytest.fixture(scope="module")
def p() -> Partnership:
    data = (
        rows("2026-Q1", "F1", [3, 3, 3])
        + rows("2026-Q1", "F2", [2, 2, 2])
        + rows("2026-Q1", "F3", [4, 4, 4])
        + rows("2026-Q2", "F1", [4, 4, 4])
        + rows("2026-Q2", "F2", [3, 3, 3])
        + rows("2026-Q2", "F3", [5, 5])  # 2 respondents: suppressed
        + rows("2026-Q2", "F1", [2, 2, 2], partner="corp", start=10)
        + rows("2026-Q2", "F2", [3, 3], partner="corp", start=10)
    )
    return Partnership.from_frames(
        partners=PARTNERS,
        factors=FACTORS,
        assessments=pd.DataFrame(data),
        today=datetime.date(2030, 1, 1),
    )


def test_radar_draws_this_wave_against_the_previous_and_hides_suppressed_factors(p):
    s = factor_scores(p, n_boot=50)
    fig = plot_factor_radar(s)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["2026-Q2", "2026-Q1 (previous)"]
    now, before = fig.data
    q2 = s[s["wave"] == "2026-Q2"]
    # F1 and F2 drawn at their means; F3 (n = 2) has no point, and the loop closes on F1
    assert list(now.r) == [q2.iloc[0]["mean"], q2.iloc[1]["mean"], None, q2.iloc[0]["mean"]]
    assert now.theta[2] == "Exit plan (n < 3)"
    assert now.hovertext[2] == "n < 3"
    assert "5.00" not in " ".join(now.hovertext)  # the hidden mean is never shown
    assert list(before.r) == [3.0, 2.0, 4.0, 3.0]
    assert "2026-Q2 against 2026-Q1" in fig.layout.title.text


def test_radar_of_the_first_wave_has_one_trace(p):
    fig = plot_factor_radar(factor_scores(p, n_boot=20), wave="2026-Q1")
    assert len(fig.data) == 1 and fig.data[0].name == "2026-Q1"


def test_radar_rejects_an_unknown_wave(p):
    with pytest.raises(ValueError, match="wave '2030-Q1' is not in the frame"):
        plot_factor_radar(factor_scores(p, n_boot=20), wave="2030-Q1")


def test_index_figure_draws_the_index_its_interval_and_the_bands(p):
    idx = health_index(p, n_boot=50)
    fig = plot_health_index(idx)
    line = next(t for t in fig.data if t.name == "Health index")
    assert list(line.x) == ["2026-Q1", "2026-Q2"]
    assert list(line.y) == pytest.approx(idx["index"].tolist())
    assert list(line.text) == [f"{v:.0f}" for v in idx["index"]]
    lower = next(t for t in fig.data if t.name == "95 % interval")
    assert list(lower.y) == pytest.approx(idx["ci_low"].tolist())
    bands = sorted((s.y0, s.y1) for s in fig.layout.shapes)
    assert bands == [(0, 50.0), (50.0, 75.0), (75.0, 100)]
    assert fig.layout.title.text.startswith("Collaboration health index")


def test_index_figure_marks_a_suppressed_wave_with_n_below_3():
    small = Partnership.from_frames(
        partners=PARTNERS,
        factors=FACTORS,
        assessments=pd.DataFrame(rows("2026-Q1", "F1", [3, 3])),
        today=datetime.date(2030, 1, 1),
    )
    fig = plot_health_index(health_index(small, n_boot=20))
    line = next(t for t in fig.data if t.name == "Health index")
    assert len(line.y) == 0
    assert "n < 3" in [a.text for a in fig.layout.annotations]


def test_gap_table_shows_means_n_below_3_and_the_flagged_gap(p):
    g = perception_gaps(p)
    fig = plot_perception_gaps(g)
    table = fig.data[0]
    assert isinstance(table, go.Table)
    assert list(table.header.values) == ["Factor", "Private", "Public", "Gap"]
    factor, private, public, gap = (list(c) for c in table.cells.values)
    assert factor == ["Trust", "Shared goals", "Exit plan"]
    # Trust: private 2.00 (n = 3), public 4.00 (n = 3): gap 2.00, flagged
    assert private[0] == "2.00" and public[0] == "4.00" and gap[0] == "2.00 ⚠"
    # Shared goals: private n = 2 -> "n < 3"; only one group left, so no gap
    assert private[1] == "n < 3" and gap[1] == "-"
    # Exit plan: public n = 2, private never answered
    assert public[2] == "n < 3" and private[2] == ""
    assert "Mean score by sector, 2026-Q2" in fig.layout.title.text


def test_figures_say_n_below_the_threshold_the_frame_was_computed_with(p):
    # F3 has 2 respondents in 2026-Q2: suppressed below min_n = 3, and below 4 too; the
    # partnership's own setting (p.min_n) is used when min_n is not given
    radar = plot_factor_radar(factor_scores(p, min_n=4, n_boot=20), wave="2026-Q2")
    assert "Exit plan (n < 4)" in list(radar.data[0].theta)
    gaps = plot_perception_gaps(perception_gaps(dataclasses.replace(p, min_n=4, cache={})))
    assert "n < 4" in [v for col in gaps.data[0].cells.values for v in col]
    assert not any("n < 3" in str(v) for col in gaps.data[0].cells.values for v in col)
