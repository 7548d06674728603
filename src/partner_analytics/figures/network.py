"""Figures of the relationship network.

Each function takes frames made by :mod:`partner_analytics.analysis.network` and returns a
plotly ``go.Figure``; none recomputes an analysis number.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures._common import min_n_of, pick_wave
from partner_analytics.figures.theme import (
    SECTOR_COLORS,
    SECTOR_LABELS,
    base_layout,
    new_figure,
    suppressed_text,
)

__all__ = ["plot_network", "plot_network_trend"]

LEVEL_WORDS = {
    0: "none",
    1: "networking",
    2: "cooperation",
    3: "coordination",
    4: "coalition",
    5: "collaboration",
}


_HEIGHT = 700
_MARGIN = {"l": 30, "r": 30, "t": 70, "b": 80}
_Y_RANGE = (-1.3, 1.3)
_PLOT_PX = _HEIGHT - _MARGIN["t"] - _MARGIN["b"]  # the plot area's height in pixels
_EDGE_COLOR = "rgba(90, 90, 90, 0.28)"
_HEAD_COLOR = "rgba(90, 90, 90, 0.5)"


def _node_size(in_degree: int, largest: int) -> float:
    """Marker diameter in pixels: 14 for no in-coming link up to 42 for the most named."""
    return 14 + 28 * in_degree / largest if largest > 0 else 14


def _text_position(x: float, y: float) -> str:
    """Write a name outside the circle of nodes."""
    if abs(x) < 0.2:
        return "top center" if y > 0 else "bottom center"
    return "middle right" if x > 0 else "middle left"


def _pct(v, suppressed: bool, hide: str) -> str:
    if suppressed:
        return hide
    return "not rated" if pd.isna(v) else f"{v:.0f}%"


def plot_network(
    metrics: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    wave: str | None = None,
    min_level: int = 2,
    title: str | None = None,
) -> go.Figure:
    """The network map of one wave: who works with whom.

    Parameters
    ----------
    metrics : DataFrame
        The output of :func:`~partner_analytics.analysis.network.network_metrics`.
    edges : DataFrame
        The output of :func:`~partner_analytics.analysis.network.network_edges`.
    wave : str, optional
        The wave to draw (default: the latest in ``metrics``).
    min_level : int
        Draw only the edges at this level or closer (default 2, every edge; 4 keeps
        coalition and collaboration). Node sizes always show the full in-degree.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Partners on a circle grouped by sector: one scatter trace per sector (sector
        colour, node size growing with in-degree, labelled with names), after the ties
        drawn (level >= ``min_level``): one line trace per level named ``edges:<level>``
        (wider for a closer level) and one trace of arrow heads named ``edges:arrows``
        (a head per tie at its end, ``customdata`` "<from>-><to>", hover "A → B: level",
        size 6 + 2 x the line width). Hover on a node shows degrees and trust and value
        received ("n < {min_n}" when suppressed).
    """
    w = pick_wave(metrics, wave)
    hide = suppressed_text(min_n_of(metrics))
    nodes = metrics[metrics["wave"] == w].copy()
    order = {s: i for i, s in enumerate(SECTOR_LABELS)}
    nodes["_s"] = nodes["sector"].map(order)
    nodes = nodes.sort_values(["_s", "name"], ignore_index=True)
    n = len(nodes)
    pos = {
        pid: (
            math.cos(math.pi / 2 - 2 * math.pi * i / n),
            math.sin(math.pi / 2 - 2 * math.pi * i / n),
        )
        for i, pid in enumerate(nodes["partner_id"])
    }
    largest = int(nodes["in_degree"].max()) if n else 0
    size = {p: _node_size(int(d), largest) for p, d in zip(nodes["partner_id"], nodes["in_degree"])}
    fig = new_figure()
    e = edges[(edges["wave"] == w) & edges["edge"].astype(bool) & (edges["level"] >= min_level)]
    # Ties are traces, not annotations: a browser redraws ~200 arrow annotations at ~7 ms
    # each on every update; as one line trace per level and one trace of arrow heads they
    # redraw in a fraction of that. Ends are pulled back to the rim of the node circles.
    per_unit = _PLOT_PX / (_Y_RANGE[1] - _Y_RANGE[0])  # pixels per data unit (x shares it)
    lines: dict[int, tuple[list, list]] = {}
    heads = {"x": [], "y": [], "size": [], "text": [], "hoverinfo": [], "customdata": []}
    for rec in e.itertuples(index=False):
        if rec.from_partner_id not in pos or rec.to_partner_id not in pos:
            continue
        (x0, y0), (x1, y1) = pos[rec.from_partner_id], pos[rec.to_partner_id]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        r0 = size[rec.from_partner_id] / 2 / per_unit
        r1 = (size[rec.to_partner_id] / 2 + 2) / per_unit
        sx, sy, ex, ey = x0 + ux * r0, y0 + uy * r0, x1 - ux * r1, y1 - uy * r1
        level = int(rec.level)
        xs, ys = lines.setdefault(level, ([], []))
        xs += [sx, ex, None]
        ys += [sy, ey, None]
        width = 0.4 * float(rec.level)
        text = f"{rec.from_name} → {rec.to_name}: {LEVEL_WORDS.get(level, rec.level)}"
        heads["x"] += [sx, ex]
        heads["y"] += [sy, ey]
        heads["size"] += [0, 6 + 2 * width]
        heads["text"] += ["", text]
        heads["hoverinfo"] += ["skip", "text"]
        heads["customdata"] += ["", f"{rec.from_partner_id}->{rec.to_partner_id}"]
    edge_traces = [
        go.Scatter(
            x=xs, y=ys, mode="lines", name=f"edges:{level}", hoverinfo="skip", showlegend=False,
            line={"width": 0.4 * level, "color": _EDGE_COLOR},
        )
        for level, (xs, ys) in sorted(lines.items())
    ]  # fmt: skip
    if heads["x"]:
        edge_traces.append(
            go.Scatter(
                x=heads["x"], y=heads["y"], mode="markers", name="edges:arrows",
                showlegend=False, hovertext=heads["text"], hoverinfo=heads["hoverinfo"],
                customdata=heads["customdata"],
                marker={"symbol": "arrow", "angleref": "previous", "size": heads["size"],
                        "color": _HEAD_COLOR},
            )
        )  # fmt: skip
    fig.add_traces(edge_traces)
    for sector in [s for s in SECTOR_LABELS if s in set(nodes["sector"])]:
        d = nodes[nodes["sector"] == sector]
        hover = [
            f"<b>{nm}</b> ({SECTOR_LABELS[sector]})<br>Named as working partner by {i}"
            f"<br>Names {o} as working partners<br>Trust received: {_pct(t, s, hide)}"
            f"<br>Value received: {_pct(v, s, hide)}"
            for nm, i, o, t, v, s in zip(
                d["name"],
                d["in_degree"],
                d["out_degree"],
                d["trust_received_pct"],
                d["value_received_pct"],
                d["suppressed"],
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=[pos[p][0] for p in d["partner_id"]],
                y=[pos[p][1] for p in d["partner_id"]],
                mode="markers+text",
                name=SECTOR_LABELS[sector],
                text=d["name"].tolist(),
                textposition=[_text_position(*pos[p]) for p in d["partner_id"]],
                customdata=d["partner_id"].tolist(),
                hovertext=hover,
                hoverinfo="text",
                marker={
                    "size": [size[p] for p in d["partner_id"]],
                    "color": SECTOR_COLORS[sector],
                    "line": {"color": "white", "width": 1.5},
                },
            )
        )
    fig.add_annotation(
        x=0,
        y=-0.02,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 12, "color": "#555"},
        name="notes",
        text=(
            f"An arrow means the first partner says it works with the second at "
            f"{LEVEL_WORDS.get(min_level, min_level)} or closer;<br>thicker arrows mean closer "
            "working. Bigger circles are named as working partners by more partners."
        ),
    )
    fig.update_layout(
        **base_layout(title or f"Who works with whom, {w}"),
        xaxis={"visible": False, "range": [-2.3, 2.3]},
        yaxis={"visible": False, "range": list(_Y_RANGE), "scaleanchor": "x", "scaleratio": 1},
        legend={"title": "Sector"},
        height=_HEIGHT,
    )
    fig.update_layout(margin=_MARGIN)
    return fig


def plot_network_trend(summary: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Density, mean trust and mean value of the network wave by wave.

    Parameters
    ----------
    summary : DataFrame
        The output of :func:`~partner_analytics.analysis.network.network_summary`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Three line traces over the waves: "Density" (share of possible working links),
        "Mean trust" and "Mean value" (1..4, on a second axis).
    """
    s = summary.sort_values(["wave_end", "wave"])
    fig = new_figure()
    fig.add_trace(
        go.Scatter(
            x=s["wave"].tolist(),
            y=s["density"].tolist(),
            mode="lines+markers",
            name="Density (share of possible links)",
            yaxis="y",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=s["wave"].tolist(),
            y=s["mean_trust"].tolist(),
            mode="lines+markers",
            name="Mean trust (1–4)",
            yaxis="y2",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=s["wave"].tolist(),
            y=s["mean_value"].tolist(),
            mode="lines+markers",
            name="Mean value (1–4)",
            yaxis="y2",
        )
    )
    fig.update_layout(
        **base_layout(title or "How the network changed from wave to wave"),
        xaxis={"title": "Wave", "type": "category"},
        yaxis={"title": "Density", "range": [0, 1], "tickformat": ".0%"},
        yaxis2={"title": "Trust and value", "range": [1, 4], "overlaying": "y", "side": "right"},
        legend={"orientation": "h", "y": -0.2},
        height=460,
    )
    return fig
