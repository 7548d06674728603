"""Figures of competency alignment and partner selection: traces and annotations asserted."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.competencies import (
    candidate_fit,
    competency_alignment,
    competency_levels,
    sector_diversity,
)
from partner_analytics.figures.competencies import (
    plot_candidate_fit,
    plot_competency_heatmap,
    plot_priority_coverage,
    plot_sector_diversity,
)
from partner_analytics.figures.theme import SECTOR_COLORS


@pytest.fixture
def package() -> Partnership:
    return Partnership.from_frames(
        partners=pd.DataFrame(
            {
                "partner_id": ["A", "B", "N"],
                "name": ["Council", "Builder", "Tenants' Union"],
                "sector": ["public", "private", "civil_society"],
                "role": ["lead", "member", "candidate"],
            }
        ),
        objectives=pd.DataFrame(
            {
                "objective_id": ["O1", "O2"],
                "name": ["More jobs", "Stronger communities"],
                "area": ["economic", "social"],
                "priority": [5, 4],
            }
        ),
        competencies=pd.DataFrame(
            {
                "partner_id": ["A", "B", "A", "N"],
                "area": ["economic", "economic", "social", "social"],
                "level": [2, 3, 1, 3],
                "competency": ["Value for money", "Efficiency", "Local knowledge", "Tenant links"],
            }
        ),
        today=dt.date(2030, 1, 1),
    )


def test_heatmap_cells_are_the_levels_with_partner_names_and_candidates_marked(package):
    fig = plot_competency_heatmap(competency_levels(package, include_candidates=True))
    (hm,) = fig.data
    assert isinstance(hm, go.Heatmap)
    # active partners by sector (public, private), candidates last
    assert list(hm.y) == [
        "Council (Public)",
        "Builder (Private)",
        "Tenants' Union (Civil society, candidate)",
    ]
    # wrapped to the width of a column at 1024 pixels ("Politicaland environmental" before)
    assert list(hm.x) == [
        "Economic", "Financial", "Political", "Physical<br>and<br>environmental", "Social",
        "Institutional",
    ]  # fmt: skip
    # Council: economic 2, social 1; Builder: economic 3; Tenants' Union: social 3
    assert list(hm.z[0]) == [2, 0, 0, 0, 1, 0]
    assert list(hm.z[1]) == [3, 0, 0, 0, 0, 0]
    assert list(hm.z[2]) == [0, 0, 0, 0, 3, 0]
    assert hm.text[0][0] == "Strong" and hm.text[2][4] == "Leading" and hm.text[1][1] == "None"
    assert list(hm.colorbar.ticktext) == ["None", "Basic", "Strong", "Leading"]


def test_priority_coverage_bars_are_priority_share_and_alignment_largest_gap_on_top(package):
    a = competency_alignment(package)
    fig = plot_priority_coverage(a)
    prio, cover = fig.data
    # O2 social: priority 4 -> 0.8; coverage 1 -> 1/3; gap 0.8 * 2/3 = 0.533 (on top)
    # O1 economic: priority 5 -> 1.0; coverage 3 -> 1.0; gap 0
    assert list(prio.y) == ["Stronger communities (Social)", "More jobs (Economic)"]
    assert list(prio.x) == pytest.approx([0.8, 1.0])
    assert list(cover.x) == pytest.approx([1 / 3, 1.0])
    assert list(cover.text) == ["Basic", "Leading"]
    gaps = [g.text for g in fig.layout.annotations if g.name == "gap"]
    assert gaps == ["gap 0.53", "gap 0.00"]
    assert fig.layout.xaxis.tickformat == ".0%"


def test_candidate_fit_bars_show_the_gain_and_the_sector_added(package):
    fit = candidate_fit(package)
    fig = plot_candidate_fit(fit)
    (bar,) = fig.data
    # without N: (5 * 3/3 + 4 * 1/3) / 9 * 100 = 70.37; with N: (5 + 4) / 9 * 100 = 100
    assert list(bar.x) == pytest.approx([100 - (5 + 4 / 3) / 9 * 100])
    # the gain on the bar; what the candidate brings under its name (the bar's text ran
    # past the chart's edge at half width)
    assert list(bar.y) == [
        (
            "1. Tenants' Union (Civil society)<br><span style='font-size:12px'>"
            "adds civil society; stronger in social</span>"
        )
    ]
    assert bar.text[0] == "+29.6 points"
    assert bar.hovertext[0] == (
        "1. Tenants' Union (Civil society): +29.6 points; adds civil society; stronger in social"
    )
    assert bar.marker.color[0] == SECTOR_COLORS["civil_society"]


def test_candidate_fit_without_candidates_says_so():
    empty = pd.DataFrame(
        {
            c: pd.Series(dtype="object")
            for c in ["rank", "name", "sector", "gain", "adds_sector", "areas_improved"]
        }
    )
    fig = plot_candidate_fit(empty)
    assert [a.text for a in fig.layout.annotations] == ["The package lists no candidate partner."]


def test_sector_diversity_bars_and_the_public_private_only_warning(package):
    fig = plot_sector_diversity(sector_diversity(package))
    partners, candidates = fig.data
    assert list(partners.x)[:3] == ["Public", "Private", "Civil society"]
    assert list(partners.y)[:3] == [1, 1, 0]
    assert list(candidates.y)[:3] == [0, 0, 1]
    warning = [a for a in fig.layout.annotations if a.name == "public_private_only"]
    assert len(warning) == 1 and "public-private only" in warning[0].text
