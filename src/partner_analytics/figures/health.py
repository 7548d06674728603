"""Figures of collaboration health: factor radar, index over waves, perception-gap table.

Each function takes a frame of :mod:`partner_analytics.analysis.health` and returns a
plotly Figure; no analysis number is recomputed here. Suppressed cells read "n < {min_n}" (the threshold the frame was computed with).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale, sample_colorscale

from partner_analytics.analysis.health import INDEX_BAND_LIMITS
from partner_analytics.figures._common import Marks, describe, min_n_of, pick_wave, wrap_label
from partner_analytics.figures.theme import (
    BAND_COLORS,
    CURRENT_COLOR,
    HEADER_FILL,
    PREVIOUS_COLOR,
    SECTOR_LABELS,
    TONE_COLORS,
    base_layout,
    new_figure,
    suppressed_text,
)

__all__ = ["plot_factor_radar", "plot_health_index", "plot_perception_gaps"]

_CURRENT = CURRENT_COLOR
_PREVIOUS = PREVIOUS_COLOR
#: Characters a line of a factor's name on the radar (longer names wrap).
RADAR_LABEL_WIDTH = 18
_BAND_LABELS = {"strength": "Strength", "borderline": "Borderline", "concern": "Concern"}
_MEAN_SCALE = "RdYlGn"  # 1 (red) .. 5 (green); resolved once per figure (by name it is slow)


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _mean_text(mean: float, n: object, suppressed: bool, hide: str) -> str:
    if suppressed or pd.isna(mean):
        return hide
    return f"{mean:.2f} (n = {int(n)})"


def plot_factor_radar(
    scores: pd.DataFrame, *, wave: str | None = None, title: str | None = None
) -> go.Figure:
    """Radar of the factor means of one wave against the wave before.

    Parameters
    ----------
    scores : DataFrame
        The frame of :func:`~partner_analytics.analysis.health.factor_scores`.
    wave : str, optional
        The wave to show (default: the latest).
    title : str, optional
        Replaces the default plain-language title.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Scatterpolar`` trace per wave (this wave first, then the previous one when
        the frame has it). A suppressed factor has no point (r is None), its axis label
        ends with "(n < {min_n})" and its hover text reads "n < {min_n}" (the threshold the
        frame was computed with).
    """
    wave = pick_wave(scores, wave)
    hide = suppressed_text(min_n_of(scores))
    cur = scores[scores["wave"] == wave]
    prev_wave = (
        cur["previous_wave"].dropna().iloc[0] if cur["previous_wave"].notna().any() else None
    )
    labels = [
        wrap_label(f"{name} ({hide})" if sup else str(name), RADAR_LABEL_WIDTH, max_lines=4)
        for name, sup in zip(cur["factor"], cur["suppressed"], strict=True)
    ]
    fig = new_figure()

    def trace(rows: pd.DataFrame, name: str, color: str, fill: bool) -> None:
        rows = rows.set_index("factor_code").reindex(cur["factor_code"])
        hidden = [bool(s) if not pd.isna(s) else True for s in rows["suppressed"]]
        r = [
            None if (h or pd.isna(m)) else float(m)
            for m, h in zip(rows["mean"], hidden, strict=True)
        ]
        hover = [
            _mean_text(m, n, h, hide)
            for m, n, h in zip(rows["mean"], rows["n_respondents"], hidden, strict=True)
        ]
        fig.add_trace(
            go.Scatterpolar(
                r=r + r[:1],
                theta=labels + labels[:1],
                name=name,
                mode="lines+markers",
                line={"color": color, "width": 3 if fill else 2, "dash": None if fill else "dash"},
                fill="toself" if fill else None,
                fillcolor=_rgba(color, 0.15) if fill else None,
                hovertext=hover + hover[:1],
                hoverinfo="text+name",
                connectgaps=False,
            )
        )

    trace(cur, f"{wave}", _CURRENT, True)
    if prev_wave is not None and (scores["wave"] == prev_wave).any():
        trace(scores[scores["wave"] == prev_wave], f"{prev_wave} (previous)", _PREVIOUS, False)
    default = f"How partners rate each factor of the collaboration, {wave}"
    if prev_wave is not None:
        default += f" against {prev_wave}"
    fig.update_layout(
        **base_layout(title or default, margin={"l": 40, "r": 40, "t": 90, "b": 70}),
        polar={
            # the scale between the first two factors, not over the first one's name
            "radialaxis": {"range": [1, 5], "tickvals": [1, 2, 3, 4, 5],
                           "angle": 90 - 180 / max(len(labels), 1), "tickangle": 0,
                           "tickfont": {"size": 11}},
            "angularaxis": {"tickfont": {"size": 12}, "rotation": 90, "direction": "clockwise"},
            "domain": {"x": [0.12, 0.88], "y": [0.06, 0.94]},
        },
        legend={"orientation": "h", "y": -0.04, "yanchor": "top", "x": 0},
    )  # fmt: skip
    shown = cur[~cur["suppressed"].astype(bool)]
    describe(
        fig, "radar", default if title is None else title,
        items=[[f, m] for f, m in zip(shown["factor"], shown["mean"], strict=True)],
        unit="of 5", previous=prev_wave,
        hidden=[str(f) for f in cur.loc[cur["suppressed"].astype(bool), "factor"]],
        hide=hide,
    )  # fmt: skip
    return fig


def plot_health_index(
    index: pd.DataFrame,
    *,
    title: str | None = None,
    reference: pd.DataFrame | None = None,
    reference_name: str = "All partners",
    highlight: str | None = None,
) -> go.Figure:
    """The collaboration-health index over waves, on the bands, with its interval.

    Parameters
    ----------
    index : DataFrame
        The frame of :func:`~partner_analytics.analysis.health.health_index`.
    title : str, optional
        Replaces the default title.
    reference : DataFrame, optional
        Another ``health_index`` frame drawn as a grey dashed line for comparison (the
        index of all partners beside one sector's), named ``reference_name``.
    highlight : str, optional
        A wave marked with a light column (the wave a page shows), a shape named
        ``highlight:<wave>``.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the interval (upper, then lower bound filled to it) and the index
        ("Health index", its points labelled with the rounded index); shapes: the three
        bands (concern below 50, borderline to 75, strength above). A suppressed wave has
        no point and an annotation "n < {min_n}".
    """
    t = index.sort_values(["wave_end", "wave"])
    shown = t[~t["suppressed"]]
    waves = t["wave"].tolist()
    marks = Marks()
    fig = new_figure()
    lo, hi = INDEX_BAND_LIMITS
    for y0, y1, band in ((0, lo, "concern"), (lo, hi, "borderline"), (hi, 100, "strength")):
        fig.add_hrect(
            y0=y0,
            y1=y1,
            fillcolor=BAND_COLORS[band],
            opacity=0.12,
            line_width=0,
            layer="below",
            annotation_text=_BAND_LABELS[band],
            annotation_position="top left",
            annotation_font={"color": "#333333", "size": 13},
        )
    fig.add_trace(
        go.Scatter(
            x=shown["wave"],
            y=shown["ci_high"],
            mode="lines",
            line={"width": 0},
            name="95 % interval (upper)",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=shown["wave"],
            y=shown["ci_low"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=_rgba(_CURRENT, 0.18),
            name="95 % interval",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=shown["wave"],
            y=shown["index"],
            mode="lines+markers+text",
            name="Health index",
            line={"color": _CURRENT, "width": 3},
            marker={"size": 10},
            text=[f"{v:.0f}" for v in shown["index"]],
            textposition="top center",
            customdata=list(zip(shown["n_factors"], shown["n_respondents"], strict=True)),
            hovertemplate="%{x}: %{y:.1f}<br>%{customdata[0]} factors, "
            "%{customdata[1]} respondents<extra></extra>",
        )
    )
    if reference is not None and len(reference):
        r = reference.sort_values(["wave_end", "wave"])
        r = r[~r["suppressed"].astype(bool)]
        fig.add_trace(
            go.Scatter(
                x=r["wave"], y=r["index"], mode="lines+markers", name=reference_name,
                line={"color": _PREVIOUS, "width": 2, "dash": "dash"},
                marker={"size": 7, "symbol": "square"},
                hovertemplate=f"{reference_name}, %{{x}}: %{{y:.1f}}<extra></extra>",
            )
        )  # fmt: skip
        waves = list(dict.fromkeys([*waves, *r["wave"].tolist()]))
    for w in t.loc[t["suppressed"], "wave"]:
        marks.add_annotation(
            x=w, y=50, text=suppressed_text(min_n_of(index)), showarrow=False, font={"size": 16}
        )
    if highlight is not None and highlight in waves:
        i = waves.index(highlight)
        marks.add_shape(
            type="rect", xref="x", yref="paper", x0=i - 0.2, x1=i + 0.2, y0=0, y1=1,
            fillcolor="rgba(23, 50, 77, 0.07)", line={"width": 0},
            layer="below", name=f"highlight:{highlight}",
        )  # fmt: skip
    fig.update_layout(
        **base_layout(title or "Collaboration health index over time (0 to 100)"),
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": waves,
            "title": "Wave",
        },
        yaxis={"range": [0, 100], "title": "Index"},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
    describe(
        fig, "lines", title or "the collaboration health index over time (0 to 100)",
        series=[{"name": "Health index",
                 "points": [[w, v] for w, v in zip(shown["wave"], shown["index"], strict=True)]}],
        hidden=[str(w) for w in t.loc[t["suppressed"], "wave"]],
        hide=suppressed_text(min_n_of(index)), marked=highlight,
        reference=None if reference is None else reference_name,
    )  # fmt: skip
    return marks.apply(fig)


def plot_perception_gaps(
    gaps: pd.DataFrame, *, wave: str | None = None, title: str | None = None
) -> go.Figure:
    """A heat table of the factor means of each group, with the gap between them.

    Parameters
    ----------
    gaps : DataFrame
        The frame of :func:`~partner_analytics.analysis.health.perception_gaps`.
    wave : str, optional
        The wave to show (default: the latest).
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Table``: a row per factor; columns Factor, one per group (sectors by their
        plain names, partners by name) and Gap. Cells show the mean to two decimals,
        coloured from red (1) to green (5); suppressed cells read "n < {min_n}" on grey. The
        gap reads "-" when fewer than two groups can be compared, and ends with "⚠" and
        is shaded when flagged.
    """
    wave = pick_wave(gaps, wave)
    g = gaps[gaps["wave"] == wave]
    by = g["by"].iloc[0] if len(g) else "sector"
    groups = g.drop_duplicates("group").sort_values("group")
    names = [SECTOR_LABELS.get(n, n) if by == "sector" else n for n in groups["group_name"]]
    factors = g.drop_duplicates("factor_code")[["factor_code", "factor", "gap", "flagged"]]
    header = ["Factor", *names, "Gap"]
    values: list[list[str]] = [factors["factor"].tolist()]
    fills: list[list[str]] = [["white"] * len(factors)]
    cells = g.set_index(["factor_code", "group"])
    scale = get_colorscale(_MEAN_SCALE)
    for grp in groups["group"]:
        col, fill = [], []
        for code in factors["factor_code"]:
            if (code, grp) not in cells.index:
                col.append("")
                fill.append("white")
                continue
            row = cells.loc[(code, grp)]
            if bool(row["suppressed"]) or pd.isna(row["mean"]):
                col.append(suppressed_text(min_n_of(gaps)))
                fill.append("#eeeeee")
            else:
                col.append(f"{row['mean']:.2f}")
                x = (min(max(float(row["mean"]), 1.0), 5.0) - 1.0) / 4.0
                fill.append(_rgba_from_rgb(sample_colorscale(scale, [x])[0], 0.55))
        values.append(col)
        fills.append(fill)
    gap_text = [
        "-" if pd.isna(gp) else (f"{gp:.2f} ⚠" if fl else f"{gp:.2f}")
        for gp, fl in zip(factors["gap"], factors["flagged"], strict=True)
    ]
    values.append(gap_text)
    fills.append(
        [_rgba(TONE_COLORS["bad"], 0.3) if fl else "white" for fl in factors["flagged"]]
    )
    fig = new_figure(
        go.Table(
            header={
                "values": header,
                "fill_color": HEADER_FILL,
                "align": "left",
                "font": {"size": 14},
            },
            cells={
                "values": values,
                "fill_color": fills,
                "align": ["left"] + ["center"] * (len(header) - 1),
                "height": 28,
            },
            columnwidth=[3] + [1] * (len(header) - 1),
        )
    )
    who = "sector" if by == "sector" else "partner"
    default = f"Do partners see the collaboration alike? Mean score by {who}, {wave}"
    fig.update_layout(
        **base_layout(title or default),
        height=max(300, 36 * len(factors) + 180),
    )
    flagged = factors[factors["flagged"].astype(bool)]
    describe(
        fig, "table", title or f"mean scores of each factor by {who}, {wave}",
        rows=len(factors), columns=names,
        items=[[f, gp] for f, gp in zip(flagged["factor"], flagged["gap"], strict=True)],
        item_words="seen differently (gap of 1.0 or more)",
    )  # fmt: skip
    return fig


def _rgba_from_rgb(rgb: str, alpha: float) -> str:
    """'rgb(r, g, b)' -> 'rgba(r, g, b, alpha)'."""
    inner = rgb[rgb.index("(") + 1 : rgb.index(")")]
    return f"rgba({inner}, {alpha})"
