"""Figures of indicator progress: a series with its trend, a status table, a pillar summary.

Each function draws a frame of :mod:`partner_analytics.analysis.indicators` and computes no
number of its own: values, statuses, trends and counts all come from the frame.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures._common import Marks, describe, wrap_label
from partner_analytics.figures.theme import (
    CURRENT_COLOR,
    NOTE_TEXT,
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_PATTERNS,
    TONE_COLORS,
    base_layout,
    new_figure,
    text_on,
)

__all__ = ["plot_indicator_status_table", "plot_indicator_trend", "plot_pillar_summary"]

_STATUS_ORDER = (
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
)
_TREND_KNOWN = {
    "indicator_id", "name", "unit", "direction", "kind", "date", "time", "plot_date", "value",
    "fitted", "slope_per_year", "n_points", "base_time", "base_value", "target_date",
    "target_time", "target_value", "projected_value", "gap_to_target",
    "projected_to_meet_target", "reason",
}  # fmt: skip
_PROGRESS_KNOWN = {
    "indicator_id", "name", "unit", "pillar", "direction", "parent_id", "group", "method",
    "as_of", "n_observations", "base_date", "base_time", "base_value", "latest_date",
    "latest_time", "latest_value", "target_date", "target_time", "target_value", "limit", "d",
    "s", "progress_to_target", "cagr", "cagr_target", "progress_value", "threshold_high",
    "threshold_med", "threshold_low", "scale_c", "target_achieved", "status", "score",
    "reason", "warnings",
}  # fmt: skip
TREND_COLOR = CURRENT_COLOR
PROJECTION_COLOR = "#555555"
TARGET_COLOR = TONE_COLORS["bad"]
BASELINE_COLOR = "#6b6b6b"


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    v = float(v)
    if abs(v) >= 1e6:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:,.1f}"
    return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"


def _by_column(frame: pd.DataFrame, known: set[str]) -> str | None:
    extra = [c for c in frame.columns if c not in known]
    return extra[0] if extra else None


def plot_indicator_trend(
    trend: pd.DataFrame,
    *,
    indicator_id: str | None = None,
    group: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """One series: observations, least-squares trend, dashed projection, baseline and target.

    Parameters
    ----------
    trend : DataFrame
        A frame of :func:`~partner_analytics.analysis.indicators.indicator_trend`.
    indicator_id : str, optional
        The series to draw when the frame holds several (default: the first).
    group : str, optional
        The ``by`` group to draw when the frame was computed with ``by``.
    title : str, optional
        Default: the indicator's name.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces named "Observed", "Trend (least squares)", "Projection to <target date>"
        (dashed), "Baseline", "Target" and, when present, "Period targets".
    """
    if not len(trend):
        raise ValueError("the trend frame is empty: nothing to draw")
    iid = indicator_id if indicator_id is not None else trend["indicator_id"].iloc[0]
    rows = trend[trend["indicator_id"] == iid]
    if not len(rows):
        raise ValueError(f"indicator {iid!r} is not in the trend frame")
    by = _by_column(trend, _TREND_KNOWN)
    if by is not None:
        values = rows[by].dropna().unique()
        g = group if group is not None else (values[0] if len(values) else None)
        rows = rows[rows[by] == g]
    first = rows.iloc[0]
    obs = rows[rows["kind"] == "observation"]
    marks = Marks()
    fig = new_figure()
    fig.add_trace(
        go.Scatter(
            x=obs["plot_date"],
            y=obs["value"],
            mode="lines+markers",
            name="Observed",
            line={"color": TREND_COLOR, "width": 2},
            marker={"size": 7},
            customdata=obs["date"],
            hovertemplate="%{customdata}: %{y}<extra></extra>",
        )
    )
    fitted = obs[obs["fitted"].notna()]
    if len(fitted):
        fig.add_trace(
            go.Scatter(
                x=fitted["plot_date"],
                y=fitted["fitted"],
                mode="lines",
                name="Trend (least squares)",
                line={"color": PROJECTION_COLOR, "width": 1.5},
                hoverinfo="skip",
            )
        )
    proj = rows[rows["kind"] == "projection"]
    if len(proj) and len(fitted):
        last = fitted.iloc[-1]
        p = proj.iloc[0]
        fig.add_trace(
            go.Scatter(
                x=[last["plot_date"], p["plot_date"]],
                y=[last["fitted"], p["value"]],
                mode="lines+markers",
                name=f"Projection to {p['date']}",
                line={"color": PROJECTION_COLOR, "width": 2, "dash": "dash"},
                marker={"size": [0, 9], "symbol": "circle-open"},
                hovertemplate=f"Projected {p['date']}: %{{y}}<extra></extra>",
            )
        )
    periods = rows[rows["kind"] == "period_target"]
    if len(periods):
        fig.add_trace(
            go.Scatter(
                x=periods["plot_date"],
                y=periods["value"],
                mode="markers",
                name="Period targets",
                marker={"color": TARGET_COLOR, "symbol": "circle-open", "size": 9},
            )
        )
    base = rows[rows["kind"] == "baseline"]
    if len(base):
        b = base.iloc[0]
        fig.add_trace(
            go.Scatter(
                x=[b["plot_date"]],
                y=[b["value"]],
                mode="markers",
                name="Baseline",
                marker={
                    "color": BASELINE_COLOR,
                    "symbol": "diamond",
                    "size": 13,
                    "line": {"color": "white", "width": 1},
                },
            )
        )
        # written to the right of its point: the baseline is the leftmost point
        marks.add_annotation(
            x=b["plot_date"], y=b["value"], text=f"Baseline {b['date']}: {_fmt(b['value'])}",
            showarrow=True, arrowhead=0, ax=6, ay=-32, xanchor="left", font={"size": 13},
            bgcolor="rgba(255, 255, 255, 0.8)", name="baseline",
        )  # fmt: skip
    target = rows[rows["kind"] == "target"]
    if len(target):
        t = target.iloc[0]
        fig.add_trace(
            go.Scatter(
                x=[t["plot_date"]],
                y=[t["value"]],
                mode="markers",
                name="Target",
                marker={"color": TARGET_COLOR, "symbol": "star", "size": 16},
            )
        )
        # written to the left of its point: the target is the rightmost point, and a label
        # centred on it ran past the edge of the chart ("Target 2030: 60.0" clipped)
        marks.add_annotation(
            x=t["plot_date"], y=t["value"], text=f"Target {t['date']}: {_fmt(t['value'])}",
            showarrow=True, arrowhead=0, ax=-6, ay=-32, xanchor="right",
            font={"size": 13, "color": TARGET_COLOR}, bgcolor="rgba(255, 255, 255, 0.8)",
            name="target",
        )  # fmt: skip
    reason = first.get("reason")
    if isinstance(reason, str) and reason:
        marks.add_annotation(
            xref="paper", yref="paper", x=0.01, y=1.0, xanchor="left", yanchor="bottom",
            text=f"No trend: {reason}", showarrow=False, font={"size": 12, "color": NOTE_TEXT},
        )  # fmt: skip
    name = str(first["name"])
    if by is not None and len(rows) and pd.notna(first.get(by)):
        name += f" ({by}: {first[by]})"
    fig.update_layout(
        **base_layout(title or name, margin={"l": 60, "r": 40, "t": 120, "b": 50}),
        xaxis_title="Date",
        yaxis_title=str(first["unit"]),
        # above the chart: below it, two rows of legend ran into the axis title at 1024 px
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        hovermode="closest",
    )
    series = [{"name": "Observed",
               "points": [[d, v] for d, v in zip(obs["date"], obs["value"], strict=True)]}]
    facts = {}
    if len(target):
        facts["target"] = [str(target.iloc[0]["date"]), target.iloc[0]["value"]]
    if len(proj):
        facts["projected"] = [str(proj.iloc[0]["date"]), proj.iloc[0]["value"]]
    describe(fig, "lines", name, series=series, unit=str(first["unit"]),
             reason=reason if isinstance(reason, str) and reason else None, **facts)
    return marks.apply(fig)


def plot_indicator_status_table(
    progress: pd.DataFrame,
    trend: pd.DataFrame | None = None,
    *,
    title: str = "Where each indicator stands",
) -> go.Figure:
    """A status table: one line per indicator, status cell in its colour, score, sparkline.

    Parameters
    ----------
    progress : DataFrame
        A frame of :func:`~partner_analytics.analysis.indicators.indicator_progress`.
    trend : DataFrame, optional
        A frame of :func:`~partner_analytics.analysis.indicators.indicator_trend` for the
        same indicators; its observations are drawn as sparklines (each scaled to its row).
    title : str
        The figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One coloured rectangle (shape) per indicator in the colour of its status with the
        status label, the score ("—" when there is none) and a sparkline trace per
        indicator with observations.
    """
    by = _by_column(progress, _PROGRESS_KNOWN)
    n = len(progress)
    marks = Marks()
    fig = new_figure()
    headers = [(0.0, "Indicator", "left"), (0.70, "Status", "center"), (0.95, "Score", "center")]
    for x, text, anchor in headers:
        marks.add_annotation(
            x=x, y=-0.9, xref="x", yref="y", text=f"<b>{text}</b>", showarrow=False,
            xanchor=anchor, font={"size": 14},
        )  # fmt: skip
    marks.add_annotation(
        x=0.5, y=-0.9, xref="x2 domain", yref="y", text="<b>Trend</b>", showarrow=False,
        font={"size": 14},
    )  # fmt: skip
    obs = None
    if trend is not None and len(trend):
        obs = trend[trend["kind"] == "observation"]
    for i, rec in enumerate(progress.to_dict("records")):
        status = rec["status"] if rec["status"] in STATUS_COLORS else "not_available"
        label = str(rec["name"])
        if by is not None and pd.notna(rec.get(by)):
            label += f" ({rec[by]})"
        # wrapped within its column: a long name never runs under the status cell
        short = wrap_label(label, 40, max_lines=2)
        marks.add_annotation(
            x=0.0, y=i, xref="x", yref="y", text=short, showarrow=False, xanchor="left",
            hovertext=label, font={"size": 12}, align="left",
        )  # fmt: skip
        marks.add_shape(
            type="rect", xref="x", yref="y", x0=0.57, x1=0.83, y0=i - 0.38, y1=i + 0.38,
            fillcolor=STATUS_COLORS[status], line={"width": 0}, layer="below",
        )  # fmt: skip
        marks.add_annotation(
            x=0.70, y=i, xref="x", yref="y", text=STATUS_LABELS[status], showarrow=False,
            font={"size": 12, "color": text_on(STATUS_COLORS[status])},
        )  # fmt: skip
        score = rec.get("score")
        marks.add_annotation(
            x=0.95, y=i, xref="x", yref="y", showarrow=False,
            text="—" if score is None or pd.isna(score) else f"{score:+.1f}",
            font={"size": 13},
        )  # fmt: skip
        if obs is None:
            continue
        sel = obs[obs["indicator_id"] == rec["indicator_id"]]
        if by is not None and by in obs.columns:
            sel = sel[sel[by] == rec.get(by)]
        if not len(sel):
            continue
        y = sel["value"].astype(float)
        lo, hi = y.min(), y.max()
        scaled = (y - lo) / (hi - lo) if hi > lo else y * 0 + 0.5
        fig.add_trace(
            go.Scatter(
                x=sel["plot_date"],
                y=i + 0.35 - 0.7 * scaled,
                mode="lines+markers",
                xaxis="x2",
                yaxis="y",
                name=label,
                showlegend=False,
                line={"color": STATUS_COLORS[status], "width": 2},
                marker={"size": [0] * (len(sel) - 1) + [6], "color": STATUS_COLORS[status]},
                customdata=list(zip(sel["date"], sel["value"], strict=True)),
                hovertemplate=f"{label}<br>%{{customdata[0]}}: %{{customdata[1]}}<extra></extra>",
            )
        )
    describe(
        fig, "table", title, rows=n,
        columns=["Indicator", "Status", "Score", "Trend"],
        items=[[str(r["name"]), STATUS_LABELS.get(r["status"], STATUS_LABELS["not_available"])]
               for r in progress.to_dict("records")],
    )  # fmt: skip
    fig.update_layout(
        **base_layout(title),
        height=140 + 44 * max(n, 1),
        showlegend=False,
        xaxis={"domain": [0, 0.72], "range": [0, 1], "visible": False, "fixedrange": True},
        xaxis2={"domain": [0.75, 1.0], "visible": False, "anchor": "y"},
        yaxis={"range": [n - 0.5, -1.4], "visible": False, "fixedrange": True},
        plot_bgcolor="white",
    )
    return marks.apply(fig)


def plot_pillar_summary(
    summary: pd.DataFrame, *, title: str = "How many indicators are on track, by pillar"
) -> go.Figure:
    """Stacked bars of indicator statuses per pillar, with "k of n on track" at each bar.

    Parameters
    ----------
    summary : DataFrame
        A frame of :func:`~partner_analytics.analysis.indicators.pillar_summary`.
    title : str
        The figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar trace per status (named by its plain label, coloured by status),
        and one annotation per pillar reading "<n_on_track> of <n_indicators> on track".
    """
    frame = summary.copy()
    frame["label"] = frame["pillar"].map(
        lambda v: "No pillar" if v is None or pd.isna(v) else str(v).replace("_", " ").capitalize()
    )
    labels = list(dict.fromkeys(frame["label"]))
    marks = Marks()
    fig = new_figure()
    for status in _STATUS_ORDER:
        part = frame[frame["status"] == status].set_index("label").reindex(labels)
        n = part["n"].fillna(0).astype(float)
        fig.add_trace(
            go.Bar(
                y=labels,
                x=n,
                orientation="h",
                name=STATUS_LABELS[status],
                marker={"color": STATUS_COLORS[status],
                        "pattern": {"shape": STATUS_PATTERNS[status], "size": 7,
                                    "fgcolor": text_on(STATUS_COLORS[status]), "fgopacity": 0.35}},
                # the count in each part, beside its colour and pattern
                text=[f"{int(v)}" if v else "" for v in n],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": text_on(STATUS_COLORS[status]), "size": 14},
                hovertemplate="%{y}: %{x} " + STATUS_LABELS[status].lower() + "<extra></extra>",
            )
        )  # fmt: skip
    per = frame.drop_duplicates("label").set_index("label")
    for label in labels:
        rec = per.loc[label]
        marks.add_annotation(
            x=float(rec["n_indicators"]), y=label, xanchor="left", showarrow=False,
            text=f"  {int(rec['n_on_track'])} of {int(rec['n_indicators'])} on track",
            font={"size": 14},
        )  # fmt: skip
    widest = float(per["n_indicators"].max()) if len(per) else 1.0
    fig.update_layout(
        **base_layout(title),
        barmode="stack",
        xaxis={
            "title": "Indicators",
            "range": [0, widest * 1.3],
            "dtick": 1 if widest <= 12 else None,
        },
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.25, "yanchor": "top", "traceorder": "normal"},
        height=220 + 60 * max(len(labels), 1),
    )
    describe(
        fig, "bars", "indicators on track by pillar",
        items=[[lab, int(per.loc[lab, "n_on_track"]), int(per.loc[lab, "n_indicators"])]
               for lab in labels],
        unit="on track",
    )  # fmt: skip
    return marks.apply(fig)
