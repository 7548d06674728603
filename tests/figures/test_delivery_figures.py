"""Figures of delivery (commitments, contributions) and of readiness and driver alignment.

The readiness figures are tested here too, as part of the delivery capability.
"""

from __future__ import annotations

import datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from partner_analytics import Partnership, frameworks
from partner_analytics.analysis.delivery import (
    contribution_flows,
    contributions_over_time,
    follow_through,
    overdue_commitments,
)
from partner_analytics.analysis.readiness import (
    driver_alignment,
    driver_alignment_detail,
    readiness,
    readiness_elements,
)
from partner_analytics.figures.delivery import (
    plot_contribution_flows,
    plot_contributions_over_time,
    plot_follow_through,
    plot_overdue_commitments,
)
from partner_analytics.figures.readiness import (
    plot_driver_alignment,
    plot_driver_alignment_detail,
    plot_readiness_checklist,
    plot_readiness_scores,
)
from partner_analytics.figures.theme import SECTOR_COLORS

AS_OF = "2026-03-31"


@pytest.fixture(scope="module")
def p() -> Partnership:
    partners = pd.DataFrame(
        {
            "partner_id": ["city", "corp"],
            "name": ["City Council", "Acme Ltd"],
            "sector": ["public", "private"],
        }
    )
    commitments = pd.DataFrame(
        [
            ("c1", "city", "Publish the plan", "2026-03-31", None, "open"),
            ("c2", "city", "Share the data", "2026-02-01", "2026-02-01", "done"),
            ("c3", "corp", "Fund the pilot", "2026-03-01", None, "open"),
            ("c4", "corp", "Lend two staff", "2026-01-10", "2026-01-20", "done"),
            ("c5", "corp", "Install sensors", "2026-02-15", None, "open"),
        ],
        columns=[
            "commitment_id",
            "partner_id",
            "description",
            "due_date",
            "completed_date",
            "status",
        ],
    )
    contributions = pd.DataFrame(
        [
            ("k1", "city", "2026-01-15", "funding", 100, 60, "Depot"),
            ("k2", "corp", "2026-05-20", "in_kind", 50, 50, "Depot"),
            ("k3", "corp", "2026-08-01", "funding", 40, 0, "Survey"),
        ],
        columns=[
            "contribution_id",
            "partner_id",
            "date",
            "kind",
            "pledged",
            "delivered",
            "recipient",
        ],
    )
    reviews = pd.DataFrame(
        {
            "review_date": "2026-01-15",
            "element_id": ["shared_vision", "manager", "data_sharing"],
            "status": ["in_place", "partial", "missing"],
        }
    )
    return Partnership.from_frames(
        partners=partners,
        commitments=commitments,
        contributions=contributions,
        readiness=reviews,
        drivers=frameworks.example_drivers(),
        driver_alignment=frameworks.example_driver_alignment(),
        today=datetime.date(2030, 1, 1),
    )


def test_follow_through_bars_stack_the_states_per_partner_with_the_rate(p):
    f = follow_through(p, as_of=AS_OF)
    fig = plot_follow_through(f)
    assert [t.name for t in fig.data] == ["On time", "Done late", "Due today", "Overdue"]
    on_time, _late, today, overdue = fig.data
    # drawn bottom-up: All partners, Acme Ltd, City Council
    assert list(on_time.y) == ["All partners", "Acme Ltd", "City Council"]
    assert list(on_time.x) == [1.0, 0.0, 1.0]
    assert list(overdue.x) == [2.0, 2.0, 0.0]  # corp: c3 and c5
    assert list(today.x) == [1.0, 0.0, 1.0]  # city: c1, due on as_of
    texts = {a.y: a.text for a in fig.layout.annotations}
    # city: 1 on time / 2 due = 50 %; corp: 0 / 3; all: 1 / 5 = 20 %
    assert texts == {
        "City Council": "50 % on time (1 of 2)",
        "Acme Ltd": "0 % on time (0 of 3)",
        "All partners": "20 % on time (1 of 5)",
    }
    assert fig.layout.barmode == "stack"
    # each partner's bar is its own 100 %: Acme's 3 commitments fill the width as the 5 of
    # all partners do (no 2-pixel slivers next to the total); counts on hover
    assert fig.layout.barnorm == "percent"
    assert list(overdue.customdata[1]) == [2, 3]  # Acme: 2 overdue of 3 due
    assert [t.marker.pattern.shape for t in fig.data] == ["", "/", ".", "x"]
    assert "as of 31 Mar 2026" in fig.layout.title.text


def test_overdue_table_lists_partner_commitment_and_days(p):
    fig = plot_overdue_commitments(overdue_commitments(p, as_of=AS_OF), as_of=AS_OF)
    table = fig.data[0]
    assert isinstance(table, go.Table)
    partner, what, due, days = (list(c) for c in table.cells.values)
    assert partner == ["Acme Ltd", "Acme Ltd"]
    assert what == ["Install sensors", "Fund the pilot"]
    assert days == ["44", "30"]  # 31 Mar - 15 Feb = 44 days; 31 Mar - 1 Mar = 30
    assert due == ["15 Feb 2026", "1 Mar 2026"]


def test_overdue_table_says_so_when_nothing_is_overdue(p):
    fig = plot_overdue_commitments(overdue_commitments(p, as_of="2026-01-01"))
    assert list(fig.data[0].cells.values[0]) == ["No overdue commitments"]


def test_sankey_links_partners_to_kinds_to_recipients(p):
    flows = contribution_flows(p)
    fig = plot_contribution_flows(flows)
    sankey = fig.data[0]
    assert isinstance(sankey, go.Sankey)
    labels = list(sankey.node.label)
    assert labels == ["City Council", "Acme Ltd", "Funding", "In kind", "Depot"]
    links = {
        (labels[s], labels[t]): v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    }
    assert list(sankey.node.color[:2]) == [SECTOR_COLORS["public"], SECTOR_COLORS["private"]]
    # k3 delivered nothing, so there is no link to "Survey"
    assert links == {
        ("City Council", "Funding"): 60.0,
        ("Acme Ltd", "In kind"): 50.0,
        ("Funding", "Depot"): 60.0,
        ("In kind", "Depot"): 50.0,
    }


def test_cumulative_chart_draws_pledged_and_delivered(p):
    t = contributions_over_time(p)
    fig = plot_contributions_over_time(t)
    pledged, delivered = fig.data
    assert pledged.name == "Pledged (cumulative)" and delivered.name == "Delivered (cumulative)"
    assert list(pledged.x) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert list(pledged.y) == [100.0, 150.0, 190.0]
    assert list(delivered.y) == [60.0, 110.0, 110.0]


def test_readiness_checklist_colours_every_element_by_status(p):
    e = readiness_elements(p)
    fig = plot_readiness_checklist(e)
    names = [t.name for t in fig.data]
    assert names == ["In place", "Partly in place", "Missing", "Not reviewed"]
    by_name = {t.name: list(t.y) for t in fig.data}
    assert by_name["In place"] == ["Shared vision"]
    assert by_name["Partly in place"] == ["Manager"]
    assert by_name["Missing"] == ["Data sharing"]
    assert len(by_name["Not reviewed"]) == len(frameworks.readiness_checklist()) - 3
    assert "15 Jan 2026" in fig.layout.title.text


def test_readiness_scores_are_labelled_with_the_elements_reviewed(p):
    fig = plot_readiness_scores(readiness(p))
    # (1 + 0.5 * 1) / 3 * 100 = 50
    assert list(fig.data[0].y) == [50.0]
    assert list(fig.data[0].text) == ["50 (3 elements)"]


def test_driver_alignment_bars_show_each_options_score(p):
    fig = plot_driver_alignment(driver_alignment(p))
    bar = fig.data[0]
    assert list(bar.y) == ["mutuality"]
    assert list(bar.x) == pytest.approx([560 / 720 * 100])
    assert list(bar.text) == ["78"]


def test_driver_detail_groups_drivers_by_rating(p):
    fig = plot_driver_alignment_detail(driver_alignment_detail(p))
    assert [t.name for t in fig.data] == ["High alignment", "Medium alignment", "Low alignment"]
    assert list(fig.data[2].y) == ["Deliver Environment Protection Policies"]
    assert list(fig.data[2].x) == [70.0]
