"""Figures of the stakeholder analysis: traces, shapes and annotations, not just "no error"."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import plotly.graph_objects as go
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.stakeholders import (
    power_interest,
    quadrant_transitions,
    salience,
    stakeholder_movement,
)
from partner_analytics.figures.stakeholders import (
    plot_power_interest,
    plot_quadrant_transitions,
    plot_salience,
)
from partner_analytics.figures.theme import (
    CONTESTED_COLOR,
    QUADRANT_LABELS,
    STANCE_COLORS,
    STANCE_SYMBOLS,
    group_colors,
)

TODAY = dt.date(2030, 1, 1)


def ratings(sid, power, interest, wave, **extra):
    rows = []
    for i, (pw, it) in enumerate(zip(power, interest)):
        r = {
            "wave": wave,
            "rater_id": f"r{i + 1}",
            "stakeholder_id": sid,
            "power": pw,
            "interest": it,
        }
        r.update({k: v[i] for k, v in extra.items()})
        rows.append(r)
    return rows


@pytest.fixture
def package() -> Partnership:
    stakeholders = pd.DataFrame(
        {
            "stakeholder_id": ["S1", "S2", "S3", "S4"],
            "name": ["Mayor's office", "Residents' forum", "Chamber of commerce", "Youth club"],
            "group": ["Politicians", "Public / Asset & Service Users", "Politicians", None],
        }
    )
    rows = (
        # S1: (4, 4) -> (4, 2): manage closely -> keep satisfied; supportive; 4 raters
        ratings(
            "S1",
            [4, 4, 4, 4],
            [4, 4, 4, 4],
            "2026-Q1",
            support=[1, 1, 2, 2],
            legitimacy=[4] * 4,
            urgency=[4] * 4,
        )
        + ratings(
            "S1",
            [4, 4, 4, 4],
            [2, 2, 2, 2],
            "2026-Q2",
            support=[1, 1, 2, 2],
            legitimacy=[4] * 4,
            urgency=[2] * 4,
        )
        # S2: (2, 4) keep informed both waves; contested in Q2 (power 1, 5, 1: sd 2.31); resistant
        + ratings(
            "S2",
            [2, 2, 2],
            [4, 4, 4],
            "2026-Q1",
            support=[-1, -2, -1],
            legitimacy=[2] * 3,
            urgency=[4] * 3,
        )
        + ratings(
            "S2",
            [1, 5, 1],
            [4, 4, 4],
            "2026-Q2",
            support=[-1, -2, -1],
            legitimacy=[2] * 3,
            urgency=[4] * 3,
        )
        # S3: 3 raters in Q2 only, no support rated; monitor
        + ratings("S3", [2, 2, 2], [2, 2, 2], "2026-Q2", legitimacy=[4] * 3, urgency=[2] * 3)
        # S4: 2 raters in Q2: suppressed
        + ratings("S4", [5, 5], [5, 5], "2026-Q2", legitimacy=[5, 5], urgency=[5, 5])
    )
    return Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A"], "name": ["Council"], "sector": ["public"]}),
        stakeholders=stakeholders,
        stakeholder_ratings=pd.DataFrame(rows),
        today=TODAY,
    )


def annotations(fig: go.Figure, prefix: str) -> list:
    return [a for a in fig.layout.annotations if (a.name or "").startswith(prefix)]


# ----------------------------------------------------------------- power-interest grid
def test_grid_has_four_shaded_quadrants_named_on_the_chart(package):
    fig = plot_power_interest(power_interest(package))
    shapes = {s.name: s for s in fig.layout.shapes}
    assert set(shapes) == {f"quadrant:{q}" for q in QUADRANT_LABELS}
    # manage closely is the top-right box: x (interest) and y (power) from the midpoint up
    mc = shapes["quadrant:manage_closely"]
    assert (mc.x0, mc.y0) == (3.0, 3.0) and mc.x1 > 5 and mc.y1 > 5
    texts = {a.name: a.text for a in annotations(fig, "quadrant:")}
    for q, label in QUADRANT_LABELS.items():
        assert label in texts[f"quadrant:{q}"]


def test_grid_draws_the_latest_wave_one_trace_per_stance_with_names_and_means(package):
    frame = power_interest(package)
    fig = plot_power_interest(frame)
    assert "2026-Q2" in fig.layout.title.text
    traces = {t.name: t for t in fig.data if t.x and t.x[0] is not None}
    # S1 supportive, S2 resistant, S3 gave no support rating; S4 (suppressed) is not drawn
    assert list(traces) == ["Supportive", "Resistant", "Support not rated"]
    q2 = frame[frame["wave"] == "2026-Q2"].set_index("stakeholder_id")
    sup, res, unrated = traces["Supportive"], traces["Resistant"], traces["Support not rated"]
    assert list(sup.text) == ["Mayor's office"] and list(unrated.text) == ["Chamber of commerce"]
    assert list(sup.x) == [q2.loc["S1", "interest"]]  # interest on x
    assert list(sup.y) == [q2.loc["S1", "power"]]  # power on y
    assert list(res.y) == pytest.approx([7 / 3])
    # the group is named on hover; no raw ids in what is written on the chart
    assert "(Politicians)" in sup.hovertext[0]
    assert "(Public / Asset & Service Users)" in res.hovertext[0] and "(sd 2.3)" in res.hovertext[0]
    assert not any("S1" in str(t) for tr in traces.values() for t in tr.text)


def test_grid_colours_do_not_depend_on_the_groups_a_filter_leaves(package):
    # eleven group colours could not be told apart: colour and symbol say the stance, so
    # that keeping one group recolours nothing
    frame = power_interest(package)
    every = {t.name: (t.marker.color, t.marker.symbol) for t in plot_power_interest(frame).data}
    one = frame[frame["group"] == "Politicians"]
    kept = {t.name: (t.marker.color, t.marker.symbol) for t in plot_power_interest(one).data}
    assert kept and all(every[name] == style for name, style in kept.items())
    assert every["Supportive"] == (STANCE_COLORS["supportive"], STANCE_SYMBOLS["supportive"])
    assert every["Resistant"] == (STANCE_COLORS["resistant"], STANCE_SYMBOLS["resistant"])
    # where groups have colours (chips in the page's tables), a group keeps its colour
    # whatever subset of groups is passed with it
    all_groups = group_colors(["Politicians", "Public / Asset & Service Users", "Youth"])
    assert group_colors(["Youth", "Politicians", "Public / Asset & Service Users"]) == all_groups
    assert len(set(all_groups.values())) == 3


def test_grid_sizes_points_by_raters_and_draws_the_sd_within_the_rating_scale(package):
    frame = power_interest(package)
    # by default no spread bar: a contested spread crossed the whole grid
    assert all(t.error_y.array is None for t in plot_power_interest(frame).data)
    fig = plot_power_interest(frame, spread=True)
    sup = next(t for t in fig.data if t.name == "Supportive")
    unrated = next(t for t in fig.data if t.name == "Support not rated")
    assert sup.marker.size[0] > unrated.marker.size[0]  # S1 has 4 raters, S3 has 3
    forum = next(t for t in fig.data if t.name == "Resistant")
    sd = frame[(frame["wave"] == "2026-Q2") & (frame["stakeholder_id"] == "S2")]["power_sd"].iloc[0]
    assert sd == pytest.approx(2.3094, abs=1e-4)  # sqrt(((1-7/3)^2*2 + (5-7/3)^2) / 2)
    # the spread bar stops at the ends of the scale: up the sd (7/3 + 2.31 < 5), down to 1
    assert forum.error_y.symmetric is False
    assert forum.error_y.array[0] == pytest.approx(sd)
    assert forum.error_y.arrayminus[0] == pytest.approx(7 / 3 - 1)
    assert forum.error_x.array[0] == 0 and forum.error_x.arrayminus[0] == 0  # interest 4, 4, 4


def test_grid_shows_stance_by_colour_and_symbol_and_contested_by_a_dark_ring(package):
    fig = plot_power_interest(power_interest(package))
    forum = next(t for t in fig.data if t.name == "Resistant")
    sup = next(t for t in fig.data if t.name == "Supportive")
    assert forum.marker.color == STANCE_COLORS["resistant"]
    assert forum.marker.symbol == STANCE_SYMBOLS["resistant"]
    assert sup.marker.symbol == STANCE_SYMBOLS["supportive"]
    assert list(forum.marker.line.width) == [3]  # S2 contested in 2026-Q2
    assert list(forum.marker.line.color) == [CONTESTED_COLOR]
    assert list(sup.marker.line.width) == [1]
    key = next(t for t in fig.data if t.name == "Contested (raters disagree)")
    assert key.x == (None,) and key.marker.line.color == CONTESTED_COLOR
    assert fig.layout.legend.title.text == "Stance"


def test_grid_lists_suppressed_stakeholders_as_n_below_three_instead_of_plotting_them(package):
    fig = plot_power_interest(power_interest(package))
    notes = annotations(fig, "notes")[0].text
    assert "Not shown (n < 3): Youth club" in notes
    assert all("Youth club" not in list(t.text or []) for t in fig.data)


def test_grid_draws_arrows_from_the_previous_wave(package):
    fig = plot_power_interest(power_interest(package), movement=stakeholder_movement(package))
    arrows = {a.name: a for a in annotations(fig, "arrow:")}
    # S1 moved from (interest 4, power 4) to (2, 4): a change of 2 points, drawn.
    # S2 moved from power 2 to 7/3: a change of 1/3 < 0.5 (min_arrow), not drawn.
    assert set(arrows) == {"arrow:S1"}
    a = arrows["arrow:S1"]
    assert (a.ax, a.ay, a.x, a.y) == (4.0, 4.0, 2.0, 4.0)
    assert a.axref == "x" and a.ayref == "y" and a.showarrow
    assert "previous wave" in annotations(fig, "notes")[0].text


def test_grid_draws_small_moves_when_min_arrow_is_lowered(package):
    fig = plot_power_interest(
        power_interest(package), movement=stakeholder_movement(package), min_arrow=0.0
    )
    arrows = {a.name: a for a in annotations(fig, "arrow:")}
    assert set(arrows) == {"arrow:S1", "arrow:S2"}
    s2 = arrows["arrow:S2"]
    assert (s2.ax, s2.x) == (4.0, 4.0)
    assert (s2.ay, s2.y) == pytest.approx((2.0, 7 / 3))


def test_grid_writes_every_name_when_there_are_few_points(package):
    fig = plot_power_interest(power_interest(package))
    labels = {a.name: a.text for a in annotations(fig, "label:")}
    # three stakeholders shown (S4 is suppressed): all named, none by id
    assert labels == {
        "label:S1": "Mayor's office",
        "label:S2": "Residents' forum (contested)",
        "label:S3": "Chamber of commerce",
    }


def test_grid_names_do_not_overlap_each_other_or_the_quadrant_titles():
    from partner_analytics.figures import stakeholders as FS

    # ten stakeholders on one spot with long names: each name where it overlaps nothing,
    # at the smallest size the grid is drawn; those left without room are hover-only
    rows = pd.DataFrame({
        "stakeholder_id": [f"S{i}" for i in range(10)],
        "name": [f"Regional stakeholder with a long name {i}" for i in range(10)],
        "power": [4.0] * 10, "interest": [4.0 + 0.02 * i for i in range(10)],
        "n_raters": [3] * 10, "contested": [False] * 10,
    })  # fmt: skip
    places = FS._place_names(rows)
    assert 0 < len(places) < 10
    ppx = FS._PLOT_W / (FS.AXIS_HI - FS.AXIS_LO)
    ppy = FS._PLOT_H / (FS.AXIS_HI - FS.AXIS_LO)
    boxes = []
    for rec in rows.itertuples():
        if rec.stakeholder_id in places:
            dx, dy = places[rec.stakeholder_id]
            w = FS._LABEL_PX[0] * len(rec.name) + 8
            cx, cy = (rec.interest - FS.AXIS_LO) * ppx + dx, (rec.power - FS.AXIS_LO) * ppy + dy
            boxes.append((cx - w / 2, cy - 8, cx + w / 2, cy + 8))
    for i, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= FS._PLOT_W
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3]


def test_grid_names_only_stakeholders_to_discuss_when_crowded(package):
    fig = plot_power_interest(
        power_interest(package), movement=stakeholder_movement(package), max_labels=2
    )
    labels = {a.name for a in annotations(fig, "label:")}
    # S1 moved quadrant, S2 is contested and resistant; S3 is neither and is hover-only
    assert labels == {"label:S1", "label:S2"}
    assert "hover over a point" in annotations(fig, "notes")[0].text
    hidden = plot_power_interest(power_interest(package), labels="none")
    assert annotations(hidden, "label:") == []


def test_grid_of_an_earlier_wave_has_no_arrows_into_it(package):
    fig = plot_power_interest(
        power_interest(package), movement=stakeholder_movement(package), wave="2026-Q1"
    )
    assert annotations(fig, "arrow:") == []
    assert "2026-Q1" in fig.layout.title.text


def test_grid_of_an_unknown_wave_raises(package):
    with pytest.raises(ValueError, match="wave '2025-Q1' is not in the frame"):
        plot_power_interest(power_interest(package), wave="2025-Q1")


# ----------------------------------------------------------------- transitions
def test_transitions_sankey_links_are_the_non_zero_counts(package):
    tr = quadrant_transitions(package)
    fig = plot_quadrant_transitions(tr)
    sankey, *keys = fig.data
    assert isinstance(sankey, go.Sankey)
    # 2 waves x 4 quadrants, named in plain words (first and last column); the wave of each
    # node in its hover text
    assert list(sankey.node.label) == list(QUADRANT_LABELS.values()) * 2
    # the colours have a legend: one point-less entry per quadrant, in the nodes' colours
    assert [k.name for k in keys] == list(QUADRANT_LABELS.values())
    assert [k.marker.color for k in keys] == list(sankey.node.color[:4])
    nodes = list(sankey.node.customdata)
    assert nodes[0] == "Manage closely, 2026-Q1" and nodes[4] == "Manage closely, 2026-Q2"
    links = sorted(
        (nodes[s], nodes[t], v)
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value)
    )
    # S1 manage closely -> keep satisfied, S2 keep informed -> keep informed
    assert links == [
        ("Keep informed, 2026-Q1", "Keep informed, 2026-Q2", 1),
        ("Manage closely, 2026-Q1", "Keep satisfied, 2026-Q2", 1),
    ]
    headings = {a.name: a.text for a in annotations(fig, "wave:")}
    assert headings == {"wave:2026-Q1": "<b>2026-Q1</b>", "wave:2026-Q2": "<b>2026-Q2</b>"}
    assert "moved between quadrants" in fig.layout.title.text


def test_transitions_sankey_names_the_quadrants_only_at_both_ends_of_four_waves():
    waves = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    frame = pd.DataFrame(
        [(a, b, q, q, 1, 0) for a, b in itertools.pairwise(waves) for q in QUADRANT_LABELS],
        columns=["from_wave", "to_wave", "from_quadrant", "to_quadrant", "n_stakeholders",
                 "n_left_out"],
    )  # fmt: skip
    labels = list(plot_quadrant_transitions(frame).data[0].node.label)
    names = list(QUADRANT_LABELS.values())
    # the labels of the columns between would run into their neighbours' ("Manage cManage")
    assert labels == names + [""] * 8 + names


def test_transitions_sankey_says_when_there_is_nothing_to_show():
    frame = pd.DataFrame(
        [("2026-Q1", "2026-Q2", a, b, 0, 2) for a in QUADRANT_LABELS for b in QUADRANT_LABELS],
        columns=[
            "from_wave",
            "to_wave",
            "from_quadrant",
            "to_quadrant",
            "n_stakeholders",
            "n_left_out",
        ],
    )
    fig = plot_quadrant_transitions(frame)
    assert list(fig.data[0].link.value) == []
    note = annotations(fig, "notes")[0].text
    assert (
        "No stakeholder" in note and "2 stakeholder move(s) not shown" in note and "n < 3" in note
    )


# ----------------------------------------------------------------- salience
def test_salience_venn_counts_each_class_in_its_region(package):
    sal = salience(package, wave="2026-Q2")
    fig = plot_salience(sal)
    circles = {s.name for s in fig.layout.shapes}
    assert circles == {"circle:power", "circle:legitimacy", "circle:urgency"}
    regions = {a.name: a for a in annotations(fig, "salience:")}
    # 2026-Q2: S1 P 4, L 4, U 2 -> dominant; S2 P 7/3, L 2, U 4 -> demanding;
    # S3 P 2, L 4, U 2 -> discretionary; S4 suppressed (2 raters)
    assert regions["salience:dominant"].text == "<b>Dominant</b><br>1"
    assert regions["salience:dominant"].hovertext == "Mayor's office"
    assert regions["salience:demanding"].text == "<b>Demanding</b><br>1"
    assert regions["salience:discretionary"].hovertext == "Chamber of commerce"
    assert regions["salience:definitive"].text == "<b>Definitive</b><br>0"
    assert len(regions) == 8
    assert "power, legitimacy and urgency" in fig.layout.title.text


def test_salience_table_lists_stakeholders_by_class_and_the_suppressed_as_n_below_three(package):
    fig = plot_salience(salience(package, wave="2026-Q2"))
    (table,) = [t for t in fig.data if isinstance(t, go.Table)]
    classes, names = table.cells.values
    rows = dict(zip(classes, names))
    # most salient first; empty classes left out
    assert list(classes) == [
        "<b>Dominant (power, legitimacy)</b>",
        "<b>Discretionary (legitimacy only)</b>",
        "<b>Demanding (urgency only)</b>",
        "Not shown (n < 3)",
    ]
    assert rows["<b>Dominant (power, legitimacy)</b>"] == "Mayor's office"
    assert rows["Not shown (n < 3)"] == "Youth club"
    assert all("Youth club" not in a.hovertext for a in annotations(fig, "salience:"))


def test_salience_table_names_stakeholders_not_rated_on_legitimacy_or_urgency():
    frame = pd.DataFrame(
        {
            "stakeholder_id": ["S1", "S2"],
            "name": ["Mayor's office", "Residents' forum"],
            "wave": ["2026", "2026"],
            "wave_end": pd.to_datetime(["2026-12-31", "2026-12-31"]),
            "salience_class": ["definitive", None],
            "suppressed": [False, True],
        }
    )
    (table,) = [t for t in plot_salience(frame).data if isinstance(t, go.Table)]
    rows = dict(zip(*table.cells.values))
    assert rows["Not rated on legitimacy or urgency"] == "Residents' forum"
    assert "Not shown (n < 3)" not in rows
