"""Figures of the relationship network: traces and annotations asserted."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.network import network_edges, network_metrics, network_summary
from partner_analytics.figures.network import plot_network, plot_network_trend
from partner_analytics.figures.theme import SECTOR_COLORS


@pytest.fixture
def package() -> Partnership:
    partners = pd.DataFrame(
        {
            "partner_id": ["A", "B", "C", "D"],
            "name": ["Council", "Builder", "Bank", "Tenants' Union"],
            "sector": ["public", "private", "private", "civil_society"],
        }
    )
    trust = {"trust_openness": 4, "trust_reliability": 3, "trust_mission": 2}  # mean 3 -> 75 %
    rows = [
        # 2026: B, C, D rate A (levels 2, 3, 5); A rates B at networking (no edge)
        {"wave": "2026", "respondent_partner_id": "B", "partner_id": "A", "level": 2, **trust},
        {"wave": "2026", "respondent_partner_id": "C", "partner_id": "A", "level": 3, **trust},
        {"wave": "2026", "respondent_partner_id": "D", "partner_id": "A", "level": 5, **trust},
        {"wave": "2026", "respondent_partner_id": "A", "partner_id": "B", "level": 1},
        # 2025: only B -> A
        {"wave": "2025", "respondent_partner_id": "B", "partner_id": "A", "level": 4, **trust},
    ]
    return Partnership.from_frames(
        partners=partners, relationships=pd.DataFrame(rows), today=dt.date(2030, 1, 1)
    )


def _nodes(fig):
    """The node traces (one per sector), without the traces of the ties."""
    return [t for t in fig.data if not (t.name or "").startswith("edges:")]


def _ties(fig) -> dict[str, tuple[float, str]]:
    """Each tie drawn: "<from>-><to>" -> (width of its line, hover text of its head)."""
    heads = next((t for t in fig.data if t.name == "edges:arrows"), None)
    if heads is None:
        return {}
    out = {}
    for key, text, size in zip(heads.customdata, heads.hovertext, heads.marker.size, strict=True):
        if key:
            out[key] = ((size - 6) / 2, text)
    return out


def test_network_map_has_one_trace_per_sector_in_sector_colours(package):
    fig = plot_network(network_metrics(package), network_edges(package))
    assert "2026" in fig.layout.title.text
    traces = {t.name: t for t in _nodes(fig)}
    assert set(traces) == {"Public", "Private", "Civil society"}
    assert traces["Private"].marker.color == SECTOR_COLORS["private"]
    assert list(traces["Private"].text) == ["Bank", "Builder"]  # names, not ids


def test_network_map_sizes_nodes_by_in_degree(package):
    fig = plot_network(network_metrics(package), network_edges(package))
    council = next(t for t in _nodes(fig) if t.name == "Public")
    union = next(t for t in _nodes(fig) if t.name == "Civil society")
    # Council in-degree 3, Tenants' Union 0
    assert council.marker.size[0] > union.marker.size[0]


def test_network_map_draws_one_arrow_per_edge_wider_for_closer_levels(package):
    fig = plot_network(network_metrics(package), network_edges(package))
    ties = _ties(fig)
    # the networking rating A -> B is no edge
    assert set(ties) == {"B->A", "C->A", "D->A"}
    assert ties["D->A"][0] > ties["C->A"][0] > ties["B->A"][0]
    assert ties["D->A"][1] == "Tenants' Union → Council: collaboration"
    # one line trace per level, each as wide as the heads of its ties say
    lines = {t.name: t for t in fig.data if t.name.startswith("edges:") and t.mode == "lines"}
    assert sorted(lines) == sorted({f"edges:{round(w / 0.4)}" for w, _ in ties.values()})
    for name, t in lines.items():
        assert t.line.width == pytest.approx(0.4 * int(name.split(":")[1]))
    # no tie is an annotation any more (the browser redraws annotations one by one)
    assert [a.name for a in fig.layout.annotations] == ["notes"]


def test_network_map_hover_shows_n_below_three_for_suppressed_partners(package):
    fig = plot_network(network_metrics(package), network_edges(package))
    council = next(t for t in fig.data if t.name == "Public")
    builder_trace = next(t for t in fig.data if t.name == "Private")
    assert "Trust received: 75%" in council.hovertext[0]  # rated by 3
    builder = builder_trace.hovertext[list(builder_trace.text).index("Builder")]
    assert "Trust received: n < 3" in builder  # rated by A only


def test_network_map_of_an_earlier_wave(package):
    fig = plot_network(network_metrics(package), network_edges(package), wave="2025")
    assert list(_ties(fig)) == ["B->A"]
    assert sum(len(t.x) for t in _nodes(fig)) == 2


def test_network_trend_lines_are_density_trust_and_value(package):
    s = network_summary(package)
    fig = plot_network_trend(s)
    density, trust, value = fig.data
    assert value.name == "Mean value (1–4)" and value.yaxis == "y2"
    assert list(density.x) == ["2025", "2026"]
    # 2025: 1 edge of 2 * 1; 2026: 3 edges of 4 * 3
    assert list(density.y) == pytest.approx([0.5, 0.25])
    assert list(trust.y) == pytest.approx([3.0, 3.0])
    assert trust.yaxis == "y2"


def test_network_map_can_keep_only_the_closest_ties(package):
    # min_level 4: only D -> A (collaboration, 5) is drawn; node sizes still use in-degree 3
    full = plot_network(network_metrics(package), network_edges(package))
    close = plot_network(network_metrics(package), network_edges(package), min_level=4)
    assert list(_ties(close)) == ["D->A"]
    size = {t.name: list(t.marker.size) for t in _nodes(close)}
    assert size == {t.name: list(t.marker.size) for t in _nodes(full)}
    notes = next(a.text for a in close.layout.annotations if a.name == "notes")
    assert "coalition or closer" in notes


def test_network_ties_start_and_end_at_the_rims_of_the_node_circles(package):
    import math

    from partner_analytics.figures import network as N

    fig = plot_network(network_metrics(package), network_edges(package))
    heads = next(t for t in fig.data if t.name == "edges:arrows")
    centre = {pid: (x, y) for t in _nodes(fig) for pid, x, y in zip(t.customdata, t.x, t.y)}
    radius = {pid: s / 2 for t in _nodes(fig) for pid, s in zip(t.customdata, t.marker.size)}
    per_unit = N._PLOT_PX / (N._Y_RANGE[1] - N._Y_RANGE[0])
    i = list(heads.customdata).index("D->A")  # the head; the start is the point before it
    (sx, sy), (ex, ey) = (heads.x[i - 1], heads.y[i - 1]), (heads.x[i], heads.y[i])
    assert math.dist((sx, sy), centre["D"]) * per_unit == pytest.approx(radius["D"])
    assert math.dist((ex, ey), centre["A"]) * per_unit == pytest.approx(radius["A"] + 2)
    # both on the straight line between the two centres
    (dx, dy), (ax, ay) = centre["D"], centre["A"]
    assert (ax - dx) * (ey - sy) == pytest.approx((ay - dy) * (ex - sx))
