"""Text alternatives of figures: written from the data each figure draws, not a fixed
sentence; the report's figures carry theirs."""

from __future__ import annotations

import datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.delivery import follow_through
from partner_analytics.analysis.stakeholders import power_interest
from partner_analytics.figures.delivery import plot_follow_through
from partner_analytics.figures.health import plot_health_index
from partner_analytics.figures.stakeholders import plot_power_interest
from partner_analytics.figures.theme import empty_figure
from partner_analytics.present.alt_text import WORDS, alt_text

AS_OF = "2026-03-31"


def _package(done_late: bool) -> Partnership:
    """City: 2 due, 1 on time (50 %); Acme: 3 due, none on time (0 %) or, with
    ``done_late``, Acme's first done on time (1 of 3)."""
    partners = pd.DataFrame(
        {"partner_id": ["city", "corp"], "name": ["City Council", "Acme Ltd"],
         "sector": ["public", "private"]}
    )  # fmt: skip
    rows = [
        ("c1", "city", "Publish the plan", "2026-03-31", None, "open"),
        ("c2", "city", "Share the data", "2026-02-01", "2026-02-01", "done"),
        ("c3", "corp", "Fund the pilot", "2026-03-01", None, "open"),
        ("c4", "corp", "Lend two staff", "2026-01-10", "2026-01-05" if done_late else "2026-01-20", "done"),
        ("c5", "corp", "Install sensors", "2026-02-15", None, "open"),
    ]
    commitments = pd.DataFrame(
        rows,
        columns=["commitment_id", "partner_id", "description", "due_date", "completed_date", "status"],
    )
    return Partnership.from_frames(
        partners=partners, commitments=commitments, today=datetime.date(2030, 1, 1)
    )


def test_a_bar_chart_is_described_by_its_highest_and_lowest_bar_from_the_data():
    fig = plot_follow_through(follow_through(_package(False), as_of=AS_OF))
    text = alt_text(fig)
    # City 1 of 2 on time = 50 %, Acme 0 of 3 = 0 %, all partners 1 of 5 = 20 %
    assert text.startswith("Bar chart of the share of due commitments kept on time, by partner:")
    assert "highest City Council 50 %" in text and "lowest Acme Ltd 0 %" in text
    assert "3 bars" in text


def test_the_text_follows_the_data_not_a_fixed_sentence():
    before = alt_text(plot_follow_through(follow_through(_package(False), as_of=AS_OF)))
    # Acme's staff lent on time: 1 of 3 = 33 %, all partners 2 of 5 = 40 %
    after = alt_text(plot_follow_through(follow_through(_package(True), as_of=AS_OF)))
    assert before != after
    assert "highest City Council 50 %" in after and "lowest Acme Ltd 33 %" in after


def test_a_line_chart_gives_each_series_first_and_last_values():
    index = pd.DataFrame(
        {"wave": ["2026-Q1", "2026-Q2", "2026-Q3"],
         "wave_end": pd.to_datetime(["2026-03-31", "2026-06-30", "2026-09-30"]),
         "index": [48.8, 55.0, 63.0], "ci_low": [45.0, 51.0, 60.0], "ci_high": [52.0, 59.0, 66.0],
         "suppressed": [False, False, False], "n_factors": [16] * 3, "n_respondents": [30, 31, 38]}
    )  # fmt: skip
    text = alt_text(plot_health_index(index))
    assert text == (
        "Line chart of the collaboration health index over time (0 to 100): "
        "Health index from 48.8 in 2026-Q1 to 63 in 2026-Q3."
    )


def test_the_grid_names_who_is_in_each_quadrant_and_who_is_contested():
    ratings = []
    for sid, power, interest, support in (
        ("S1", [4, 4, 4], [4, 4, 5], [1, 1, 2]),  # manage closely, supportive
        ("S2", [1, 5, 1], [4, 4, 4], [-1, -2, -1]),  # keep informed, contested, resistant
        ("S3", [2, 2, 2], [2, 2, 2], [0, 0, 0]),  # monitor
        ("S4", [5, 5], [5, 5], [1, 1]),  # 2 raters: not shown
    ):
        for i, (pw, it, sp) in enumerate(zip(power, interest, support, strict=True)):
            ratings.append({"wave": "2026-Q2", "rater_id": f"r{i}", "stakeholder_id": sid,
                            "power": pw, "interest": it, "support": sp})  # fmt: skip
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A"], "name": ["Council"], "sector": ["public"]}),
        stakeholders=pd.DataFrame(
            {"stakeholder_id": ["S1", "S2", "S3", "S4"],
             "name": ["Mayor", "Residents' forum", "Chamber", "Youth club"]}
        ),
        stakeholder_ratings=pd.DataFrame(ratings),
        today=datetime.date(2030, 1, 1),
    )  # fmt: skip
    text = alt_text(plot_power_interest(power_interest(p)))
    assert "Manage closely: Mayor (1)" in text
    assert "Keep informed: Residents' forum (1)" in text and "Monitor: Chamber (1)" in text
    assert "contested: Residents' forum" in text and "resistant: Residents' forum" in text
    assert "1 not shown (n < 3)" in text and "Youth club" not in text


def test_long_lists_are_cut_with_how_many_more():
    from partner_analytics.figures.facts import describe

    fig = describe(go.Figure(), "venn", "who holds what", groups={"Definitive": list("ABCDEFG")})
    assert "Definitive: A, B, C, D, E and 2 more (7)" in alt_text(fig)


def test_an_empty_figure_reads_what_it_says():
    assert alt_text(empty_figure("No commitment of this selection.")) == (
        "No commitment of this selection."
    )


def test_a_figure_made_elsewhere_is_described_from_its_traces():
    fig = go.Figure([go.Bar(name="Pledged", y=[1]), go.Bar(name="Delivered", y=[2])])
    fig.update_layout(title="Money")
    assert alt_text(fig) == "Chart: Money: 2 series: Pledged, Delivered."


def test_every_word_of_the_text_alternatives_is_in_one_place():
    import ast
    import inspect
    import re

    from partner_analytics.present import alt_text as module

    tree = ast.parse(inspect.getsource(module))
    phrases = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            doc = node.body[0].value if isinstance(node.body[0], ast.Expr) else None
            for sub in ast.walk(node):
                is_text = isinstance(sub, ast.Constant) and isinstance(sub.value, str)
                if is_text and sub is not doc and re.search(r"[A-Za-z]+ [A-Za-z]+", sub.value):
                    phrases.append(sub.value)
    # what a reader sees is made of WORDS (translated later in one place), nothing else
    assert phrases == []
    assert all(isinstance(v, str) for v in WORDS.values())


def test_the_report_gives_every_figure_its_text_alternative():
    from partner_analytics.report.blocks import figure_html

    fig = plot_follow_through(follow_through(_package(False), as_of=AS_OF))
    out = figure_html(fig)
    alt = alt_text(fig)
    assert 'role="group"' in out and 'class="pa-alt"' in out
    assert "highest City Council 50 %" in out and alt.split(":")[0] in out


@pytest.mark.parametrize("kind", ["bars", "lines", "grid", "radar", "flows", "network", "table"])
def test_each_kind_starts_with_what_kind_of_chart_it_is(kind):
    from partner_analytics.figures.facts import describe

    fig = describe(go.Figure(), kind, "something", items=[["a", 1.0], ["b", 2.0]])
    assert alt_text(fig).startswith(WORDS[kind].format(what="something")[:10])
