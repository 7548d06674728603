"""Headline figures and comparisons, on the tiny partnership (numbers worked out by hand in
tests/tiny_partnership.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from partner_analytics.analysis.headlines import HEADLINE_COLUMNS, headline_figures

AS_OF = "2022-12-31"



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
