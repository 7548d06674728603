"""Figures of the relationship network.

Each function takes frames made by :mod:`partner_analytics.analysis.network` and returns a
plotly ``go.Figure``; none recomputes an analysis number.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures._common import describe, min_n_of, pick_wave, wrap_label
from partner_analytics.figures.theme import (
    MEASURE_COLORS,
    MEASURE_DASHES,
    NOTE_TEXT,
    SECTOR_COLORS,
    SECTOR_LABELS,
    SECTOR_SYMBOLS,
    TEXT_COLOR,
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


#: Names on the map are cut to this many characters (the whole name is on hover and in
#: the page's table of partners).
LABEL_CHARS = 26
#: Up to this many partners every one is named on the map; beyond, the most named as
#: working partners (:data:`LABEL_TOP`) and those around the focus.
LABEL_ALL = 40
LABEL_TOP = 25
#: The arcs the partners sit on leave the top and the bottom of the circle free, where
#: names written sideways would run into each other.
_ARC_TOP = math.cos(math.radians(24))
_Y_RANGE = (-1.12, 1.12)
_X_RANGE = (-1.06, 1.06)
_EDGE_COLOR = "rgba(90, 90, 90, 0.28)"
_HEAD_COLOR = "rgba(90, 90, 90, 0.5)"
_FADED_EDGE = "rgba(150, 150, 150, 0.10)"
_FOCUS_EDGE = "rgba(23, 50, 77, 0.75)"
_FADED_TEXT = "rgba(34, 34, 34, 0.30)"
#: Opacity of a partner away from the focus.
FADED = 0.15


#: New words of these figures (one place, for translation).
TEXT = {
    "sector": "Sector",
    "note": (
        "An arrow means the first partner says it works with the second at {level} or closer; "
        "thicker arrows mean closer working. Bigger symbols: named as working partners by "
        "more partners."
    ),
    "note_unnamed": " Names of the others: hover, or the table of partners.",
    "note_focus": " Faded: partners without a tie to the partners in focus.",
    "what_map": "who works with whom, {wave}",
    "unit_named": "partners naming it as a working partner",
}

def _node_size(in_degree: int, largest: int, biggest: float = 42.0) -> float:
    """Marker diameter in pixels: 14 for no in-coming link up to ``biggest`` for the most named."""
    return 14 + (biggest - 14) * in_degree / largest if largest > 0 else 14


#: The figure's top and bottom margins (title and legend; notes).
_MARGIN_T, _MARGIN_B = 110, 70
#: Pixels between neighbours on an arc (names are 12 pixels high).
_SPACING_PX = 30


def _height(n: int) -> int:
    """Figure height for n partners: :data:`_SPACING_PX` between neighbours on an arc."""
    per_gap = _SPACING_PX * (_Y_RANGE[1] - _Y_RANGE[0]) / (2 * _ARC_TOP)
    return int(max(640, _MARGIN_T + _MARGIN_B + math.ceil(per_gap * (math.ceil(n / 2) - 1))))


def _positions(ids: list[str]) -> dict[str, tuple[float, float]]:
    """Partners on two arcs of a circle, clockwise from the top right: the first half down
    the right arc, the second up the left one, evenly spaced in height (so their names,
    written sideways, do not run into each other)."""
    n = len(ids)
    right = ids[: math.ceil(n / 2)]
    left = ids[math.ceil(n / 2) :]
    pos: dict[str, tuple[float, float]] = {}
    for side, group in ((1, right), (-1, left)):
        k = len(group)
        ys = [0.0] if k == 1 else [_ARC_TOP - 2 * _ARC_TOP * i / (k - 1) for i in range(k)]
        if side < 0:
            ys = ys[::-1]
        for pid, y in zip(group, ys, strict=True):
            pos[pid] = (side * math.sqrt(max(0.0, 1 - y * y)), y)
    return pos


def _short(name: str) -> str:
    name = str(name)
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _pct(v, suppressed: bool, hide: str) -> str:
    if suppressed:
        return hide
    return "not rated" if pd.isna(v) else f"{v:.0f}%"


def _focus_set(focus) -> set[str]:
    if focus is None:
        return set()
    if isinstance(focus, str):
        return {focus} if focus else set()
    return {str(f) for f in focus}


def plot_network(
    metrics: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    wave: str | None = None,
    min_level: int = 2,
    focus=None,
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
    focus : str or sequence of str, optional
        Partner id(s) to bring forward (one partner, or the partners of a sector): they,
        their ties and the partners at the other end stay; everything else fades.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Partners on two arcs of a circle, grouped by sector (clockwise from the top right),
        names written sideways into the figure's side margins, which are wide enough for
        them (names longer than :data:`LABEL_CHARS` characters cut with "…"; beyond
        :data:`LABEL_ALL` partners only the :data:`LABEL_TOP` most named and those around
        the focus are written; every name is on hover). One scatter trace per sector
        (sector colour and symbol, a legend entry each, node size growing with
        in-degree), after the ties drawn (level >= ``min_level``): one line trace per level
        named ``edges:<level>`` (wider for a closer level; with a focus, the ties around
        it in traces named ``edges:focus:<level>`` and the others faded) and one trace of
        arrow heads named ``edges:arrows`` (a head per tie at its end, set back from the
        node's centre by its radius in pixels, ``customdata`` "<from>-><to>", hover
        "A → B: level", size 6 + 2 x the line width). Hover on a node shows degrees and
        trust and value received ("n < {min_n}" when suppressed).
    """
    w = pick_wave(metrics, wave)
    hide = suppressed_text(min_n_of(metrics))
    nodes = metrics[metrics["wave"] == w].copy()
    order = {s: i for i, s in enumerate(SECTOR_LABELS)}
    nodes["_s"] = nodes["sector"].map(order)
    nodes = nodes.sort_values(["_s", "name"], ignore_index=True)
    n = len(nodes)
    height = _height(n)
    pos = _positions(nodes["partner_id"].tolist())
    largest = int(nodes["in_degree"].max()) if n else 0
    per_unit = (height - _MARGIN_T - _MARGIN_B) / (_Y_RANGE[1] - _Y_RANGE[0])
    spacing = per_unit * 2 * _ARC_TOP / max(math.ceil(n / 2) - 1, 1)
    biggest = max(18.0, min(42.0, 0.95 * spacing))
    size = {p: _node_size(int(d), largest, biggest)
            for p, d in zip(nodes["partner_id"], nodes["in_degree"])}  # fmt: skip
    e = edges[(edges["wave"] == w) & edges["edge"].astype(bool) & (edges["level"] >= min_level)]
    e = e[e["from_partner_id"].isin(pos) & e["to_partner_id"].isin(pos)]
    focus_ids = _focus_set(focus) & set(pos)
    touches = (e["from_partner_id"].isin(focus_ids) | e["to_partner_id"].isin(focus_ids)).tolist()
    near = set(focus_ids)
    for a, b, t in zip(e["from_partner_id"], e["to_partner_id"], touches, strict=True):
        if t:
            near.update((a, b))
    fig = new_figure()
    # Ties are traces, not annotations: a browser redraws ~200 arrow annotations at ~7 ms
    # each on every update; as one line trace per level and one trace of arrow heads they
    # redraw in a fraction of that. A line runs from centre to centre under the nodes; its
    # head is set back by the target's radius (plotly's marker standoff, in pixels).
    lines: dict[tuple[bool, int], tuple[list, list]] = {}
    heads = {"x": [], "y": [], "size": [], "text": [], "hoverinfo": [], "customdata": [],
             "standoff": [], "color": []}  # fmt: skip
    for rec, around in zip(e.itertuples(index=False), touches, strict=True):
        (x0, y0), (x1, y1) = pos[rec.from_partner_id], pos[rec.to_partner_id]
        level = int(rec.level)
        xs, ys = lines.setdefault((bool(focus_ids) and around, level), ([], []))
        xs += [x0, x1, None]
        ys += [y0, y1, None]
        width = 0.4 * float(rec.level)
        text = f"{rec.from_name} → {rec.to_name}: {LEVEL_WORDS.get(level, rec.level)}"
        heads["x"] += [x0, x1]
        heads["y"] += [y0, y1]
        heads["size"] += [0, 6 + 2 * width]
        heads["text"] += ["", text]
        heads["hoverinfo"] += ["skip", "text" if (around or not focus_ids) else "skip"]
        heads["customdata"] += ["", f"{rec.from_partner_id}->{rec.to_partner_id}"]
        heads["standoff"] += [0, size[rec.to_partner_id] / 2 + 1]
        color = _FOCUS_EDGE if (focus_ids and around) else (_FADED_EDGE if focus_ids else _HEAD_COLOR)
        heads["color"] += [color, color]
    edge_traces = []
    for (around, level), (xs, ys) in sorted(lines.items()):
        color = _FOCUS_EDGE if around else (_FADED_EDGE if focus_ids else _EDGE_COLOR)
        edge_traces.append(
            go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                name=f"edges:focus:{level}" if around else f"edges:{level}",
                line={"width": 0.4 * level * (1.5 if around else 1), "color": color},
            )
        )  # fmt: skip
    if heads["x"]:
        edge_traces.append(
            go.Scatter(
                x=heads["x"], y=heads["y"], mode="markers", name="edges:arrows",
                showlegend=False, hovertext=heads["text"], hoverinfo=heads["hoverinfo"],
                customdata=heads["customdata"],
                marker={"symbol": "arrow", "angleref": "previous", "size": heads["size"],
                        "standoff": heads["standoff"], "color": heads["color"]},
            )
        )  # fmt: skip
    fig.add_traces(edge_traces)
    named = set(nodes["partner_id"])
    if n > LABEL_ALL:
        top = nodes.sort_values(["in_degree", "name"], ascending=[False, True]).head(LABEL_TOP)
        named = set(top["partner_id"]) | near
    longest = max((len(_short(x)) for x in nodes["name"]), default=10)
    side_px = int(min(230, 24 + 7.2 * longest))
    for sector in [s for s in SECTOR_LABELS if s in set(nodes["sector"])]:
        d = nodes[nodes["sector"] == sector]
        ids = d["partner_id"].tolist()
        bright = [not focus_ids or p in near for p in ids]
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
                x=[pos[p][0] for p in ids],
                y=[pos[p][1] for p in ids],
                mode="markers+text",
                name=SECTOR_LABELS[sector],
                text=[_short(nm) if p in named else "" for nm, p in zip(d["name"], ids)],
                textposition=["middle right" if pos[p][0] > 0 else "middle left" for p in ids],
                textfont={"size": 12, "color": [TEXT_COLOR if b else _FADED_TEXT for b in bright]},
                cliponaxis=False,
                customdata=ids,
                hovertext=hover,
                hoverinfo="text",
                marker={
                    "size": [size[p] for p in ids],
                    "color": SECTOR_COLORS[sector],
                    "symbol": SECTOR_SYMBOLS[sector],
                    "opacity": [1.0 if b else FADED for b in bright],
                    "line": {"color": "white", "width": 1.5},
                },
            )
        )  # fmt: skip
    note = TEXT["note"].format(level=LEVEL_WORDS.get(min_level, min_level))
    if len(named) < n:
        note += TEXT["note_unnamed"]
    if focus_ids:
        note += TEXT["note_focus"]
    fig.add_annotation(
        x=0, y=0, xref="paper", yref="paper", xanchor="left", yanchor="top", yshift=-8,
        showarrow=False, align="left", font={"size": 12, "color": NOTE_TEXT}, name="notes",
        text=wrap_label(note, 120, max_lines=3),
    )  # fmt: skip
    fig.update_layout(
        **base_layout(title or f"Who works with whom, {w}",
                      margin={"l": side_px, "r": side_px, "t": _MARGIN_T, "b": _MARGIN_B}),
        xaxis={"visible": False, "range": list(_X_RANGE), "fixedrange": True},
        yaxis={"visible": False, "range": list(_Y_RANGE), "fixedrange": True},
        legend={"title": {"text": TEXT["sector"]}, "orientation": "h", "x": 0, "y": 1.0,
                "yanchor": "bottom", "itemsizing": "constant"},
        height=height,
    )  # fmt: skip
    ranked = nodes.sort_values(["in_degree", "name"], ascending=[False, True])
    describe(
        fig, "network", TEXT["what_map"].format(wave=w), nodes=n, ties=len(e),
        items=[[nm, int(d)] for nm, d in zip(ranked["name"], ranked["in_degree"], strict=True)],
        unit=TEXT["unit_named"],
        focus=[str(x) for x in nodes.loc[nodes["partner_id"].isin(focus_ids), "name"]],
    )  # fmt: skip
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
    lines = (
        ("density", "Density (share of possible links)", "y", "circle"),
        ("trust", "Mean trust (1–4)", "y2", "square"),
        ("value", "Mean value (1–4)", "y2", "diamond"),
    )
    columns = {"density": "density", "trust": "mean_trust", "value": "mean_value"}
    for key, name, axis, symbol in lines:
        fig.add_trace(
            go.Scatter(
                x=s["wave"].tolist(), y=s[columns[key]].tolist(), mode="lines+markers", name=name,
                yaxis=axis, line={"color": MEASURE_COLORS[key], "dash": MEASURE_DASHES[key],
                                  "width": 3},
                marker={"symbol": symbol, "size": 9, "color": MEASURE_COLORS[key]},
            )
        )  # fmt: skip
    fig.update_layout(
        **base_layout(title or "How the network changed from wave to wave",
                      margin={"l": 70, "r": 70, "t": 110, "b": 60}),
        xaxis={"title": "Wave", "type": "category"},
        yaxis={"title": "Density", "range": [0, 1], "tickformat": ".0%"},
        yaxis2={"title": "Trust and value", "range": [1, 4], "overlaying": "y", "side": "right"},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        height=460,
    )  # fmt: skip
    describe(
        fig, "lines", title or "how the network changed from wave to wave",
        series=[
            {"name": name, "points": [[w, v] for w, v in zip(s["wave"], s[columns[key]], strict=True)],
             "unit": "%" if key == "density" else "of 4", "scale": 100 if key == "density" else 1}
            for key, name, _, _ in lines
        ],
    )  # fmt: skip
    return fig
