"""Figures of the relationship network: traces and annotations asserted."""

from __future__ import annotations

import datetime as dt
import itertools

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


def test_network_ties_run_between_centres_and_heads_stop_at_the_rim_in_pixels(package):
    # the head is set back by the target's radius in pixels (plotly's marker standoff),
    # exact at any width of the figure (before: an offset in data units for one assumed size)
    fig = plot_network(network_metrics(package), network_edges(package))
    heads = next(t for t in fig.data if t.name == "edges:arrows")
    centre = {pid: (x, y) for t in _nodes(fig) for pid, x, y in zip(t.customdata, t.x, t.y)}
    radius = {pid: s / 2 for t in _nodes(fig) for pid, s in zip(t.customdata, t.marker.size)}
    i = list(heads.customdata).index("D->A")  # the head; the start is the point before it
    assert (heads.x[i - 1], heads.y[i - 1]) == centre["D"]
    assert (heads.x[i], heads.y[i]) == centre["A"]
    assert heads.marker.standoff[i] == pytest.approx(radius["A"] + 1)
    assert heads.marker.standoff[i - 1] == 0


def _crowd(n: int) -> Partnership:
    """n partners of mixed sectors, long names, each naming the next two as partners."""
    sectors = ["public", "private", "civil_society", "academic", "funder", "other"]
    partners = pd.DataFrame({
        "partner_id": [f"P{i:02d}" for i in range(n)],
        "name": [f"Regional Organisation for Circular Economy Number {i}" for i in range(n)],
        "sector": [sectors[i % 6] for i in range(n)],
    })  # fmt: skip
    rows = [
        {"wave": "2026", "respondent_partner_id": f"P{i:02d}",
         "partner_id": f"P{(i + k) % n:02d}", "level": 3}
        for i in range(n) for k in (1, 2)
    ]  # fmt: skip
    return Partnership.from_frames(
        partners=partners, relationships=pd.DataFrame(rows), today=dt.date(2030, 1, 1)
    )


@pytest.mark.parametrize("n", [20, 60])
def test_network_map_of_20_to_60_partners_keeps_names_apart_and_inside_the_figure(n):
    from partner_analytics.figures import network as N

    p = _crowd(n)
    fig = plot_network(network_metrics(p), network_edges(p))
    nodes = _nodes(fig)
    ys = sorted(y for t in nodes for y in t.y)
    xs = [x for t in nodes for x in t.x]
    # no partner at the top or the bottom of the circle, where sideways names collide
    assert max(abs(y) for y in ys) <= N._ARC_TOP + 1e-9
    assert min(abs(x) for x in xs) > 0.4
    # neighbours on an arc at least 28 pixels apart in height, so 12-pixel names do not touch
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    per_unit = plot_px / (N._Y_RANGE[1] - N._Y_RANGE[0])
    right = sorted((y for t in nodes for x, y in zip(t.x, t.y) if x > 0), reverse=True)
    assert min(a - b for a, b in itertools.pairwise(right)) * per_unit >= 28
    # names written sideways, cut to LABEL_CHARS, into side margins wide enough for them
    texts = [tx for t in nodes for tx in t.text if tx]
    assert texts and max(len(tx) for tx in texts) <= N.LABEL_CHARS
    assert all(tx.endswith("…") for tx in texts)
    assert fig.layout.margin.l >= 7 * max(len(tx) for tx in texts)
    assert fig.layout.margin.r == fig.layout.margin.l
    for t in nodes:
        for x, pos in zip(t.x, t.textposition):
            assert pos == ("middle right" if x > 0 else "middle left")
    if n > N.LABEL_ALL:
        assert len(texts) < n  # the most named, the others on hover and in the table
        assert "hover, or the table" in next(a.text for a in fig.layout.annotations)
    else:
        assert len(texts) == n


def test_network_map_has_a_legend_of_sector_colours_and_symbols(package):
    from partner_analytics.figures.theme import SECTOR_SYMBOLS

    fig = plot_network(network_metrics(package), network_edges(package))
    for t in _nodes(fig):
        assert t.showlegend is not False
        sector = {"Public": "public", "Private": "private", "Civil society": "civil_society"}[t.name]
        assert t.marker.symbol == SECTOR_SYMBOLS[sector]
    assert fig.layout.legend.title.text == "Sector"


def test_network_focus_on_one_partner_fades_the_rest(package):
    fig = plot_network(network_metrics(package), network_edges(package), focus="C")
    opacity = {pid: o for t in _nodes(fig) for pid, o in zip(t.customdata, t.marker.opacity)}
    # C (Bank) names A (Council): both stay; B and D have no tie with C and fade
    assert opacity == {"A": 1.0, "B": 0.15, "C": 1.0, "D": 0.15}
    focus_lines = [t for t in fig.data if (t.name or "").startswith("edges:focus:")]
    assert [t.name for t in focus_lines] == ["edges:focus:3"]
    assert list(focus_lines[0].x[:2]) == [
        next(x for t in _nodes(fig) for pid, x in zip(t.customdata, t.x) if pid == pid_)
        for pid_ in ("C", "A")
    ]
    heads = next(t for t in fig.data if t.name == "edges:arrows")
    colours = dict(zip(heads.customdata, heads.marker.color))
    assert colours["C->A"] != colours["B->A"]
    # a sector in focus: every partner of it
    both = plot_network(network_metrics(package), network_edges(package), focus=["B", "C"])
    opacity = {pid: o for t in _nodes(both) for pid, o in zip(t.customdata, t.marker.opacity)}
    assert opacity["D"] == 0.15 and opacity["A"] == opacity["B"] == opacity["C"] == 1.0


def test_network_trend_uses_the_palette_with_a_dash_and_symbol_each(package):
    from partner_analytics.figures.theme import MEASURE_COLORS, MEASURE_DASHES

    fig = plot_network_trend(network_summary(package))
    assert [t.line.color for t in fig.data] == [MEASURE_COLORS[k] for k in ("density", "trust", "value")]
    assert [t.line.dash for t in fig.data] == [MEASURE_DASHES[k] for k in ("density", "trust", "value")]
    assert len({t.marker.symbol for t in fig.data}) == 3
