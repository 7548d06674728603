"""Figures of readiness and driver alignment: the checklist chart and alignment bars.

Each function takes a frame of :mod:`partner_analytics.analysis.readiness` and returns a
plotly Figure; no analysis number is recomputed here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures._common import describe
from partner_analytics.figures.theme import (
    BAND_COLORS,
    CURRENT_COLOR,
    STATUS_COLORS,
    base_layout,
    date_text,
    new_figure,
)

__all__ = [
    "ALIGNMENT_COLORS",
    "ALIGNMENT_LABELS",
    "READINESS_COLORS",
    "READINESS_LABELS",
    "plot_driver_alignment",
    "plot_driver_alignment_detail",
    "plot_readiness_checklist",
    "plot_readiness_scores",
]

READINESS_LABELS = {
    "in_place": "In place",
    "partial": "Partly in place",
    "missing": "Missing",
    "not_reviewed": "Not reviewed",
}
READINESS_COLORS = {
    "in_place": BAND_COLORS["strength"],
    "partial": BAND_COLORS["borderline"],
    "missing": BAND_COLORS["concern"],
    "not_reviewed": STATUS_COLORS["not_available"],
}
ALIGNMENT_LABELS = {"H": "High", "M": "Medium", "L": "Low"}
ALIGNMENT_COLORS = {
    "H": BAND_COLORS["strength"],
    "M": BAND_COLORS["borderline"],
    "L": BAND_COLORS["concern"],
}


def plot_readiness_checklist(
    elements: pd.DataFrame, *, review_date=None, title: str | None = None
) -> go.Figure:
    """The readiness checklist at one review: every element coloured by its status.

    Parameters
    ----------
    elements : DataFrame
        The frame of :func:`~partner_analytics.analysis.readiness.readiness_elements`.
    review_date : date-like, optional
        The review to show (default: the latest).
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal ``Bar`` trace per status present (In place, Partly in place,
        Missing, Not reviewed); every element is a full-length bar in its status colour,
        labelled with the status, elements top-down in checklist order.
    """
    dates = sorted(elements["review_date"].unique())
    if not dates:
        raise ValueError("the frame has no review to draw")
    d = pd.Timestamp(review_date) if review_date is not None else pd.Timestamp(dates[-1])
    e = elements[elements["review_date"] == d]
    if e.empty:
        raise ValueError(
            f"no review on {d.date()}; reviews: {', '.join(str(pd.Timestamp(x).date()) for x in dates)}"
        )
    order = e["element"].tolist()
    fig = new_figure()
    for status, label in READINESS_LABELS.items():
        sel = e[e["status"] == status]
        if sel.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=sel["element"].tolist(),
                x=[1] * len(sel),
                orientation="h",
                name=label,
                marker_color=READINESS_COLORS[status],
                text=[label] * len(sel),
                textposition="inside",
                insidetextanchor="middle",
                customdata=sel["note"].fillna("").tolist(),
                hovertemplate="%{y}: " + label + "<br>%{customdata}<extra></extra>",
            )
        )
    fig.update_layout(
        **base_layout(title or f"Partnership readiness checklist, review of {date_text(d)}"),
        barmode="stack",
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1], "automargin": True},
        legend={"orientation": "h", "y": -0.05, "yanchor": "top", "traceorder": "normal"},
        height=max(360, 28 * len(order) + 160),
    )
    describe(
        fig, "status", f"the readiness checklist, review of {date_text(d)}",
        groups={label: e.loc[e["status"] == status, "element"].astype(str).tolist()
                for status, label in READINESS_LABELS.items()},
    )  # fmt: skip
    return fig


def plot_readiness_scores(scores: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Readiness score (0..100) at each review.

    Parameters
    ----------
    scores : DataFrame
        The frame of :func:`~partner_analytics.analysis.readiness.readiness`.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Bar`` trace, x = review dates, y = score, each bar labelled with the rounded
        score and the number of elements reviewed.
    """
    x = [date_text(d) for d in scores["review_date"]]
    fig = new_figure(
        go.Bar(
            x=x,
            y=scores["score"],
            marker_color=CURRENT_COLOR,
            text=[
                f"{s:.0f} ({int(n)} elements)"
                for s, n in zip(scores["score"], scores["elements"], strict=True)
            ],
            textposition="outside",
            name="Readiness",
        )
    )
    fig.update_layout(
        **base_layout(title or "Readiness of the partnership at each review (0 to 100)"),
        xaxis={"type": "category", "title": "Review"},
        yaxis={"range": [0, 110], "title": "Readiness"},
    )
    describe(
        fig, "lines", "the readiness score at each review (0 to 100)",
        series=[{"name": "Readiness", "points": [[r, v] for r, v in zip(x, scores["score"], strict=True)]}],
    )  # fmt: skip
    return fig


def plot_driver_alignment(alignment: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Bars of the driver-alignment score (0..100) of each option.

    Parameters
    ----------
    alignment : DataFrame
        The frame of :func:`~partner_analytics.analysis.readiness.driver_alignment`.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal ``Bar`` trace, y = options, x = score, labelled with the rounded
        score.
    """
    a = alignment.iloc[::-1]
    fig = new_figure(
        go.Bar(
            y=a["option_id"].tolist(),
            x=a["score"],
            orientation="h",
            marker_color=CURRENT_COLOR,
            text=[f"{s:.0f}" for s in a["score"]],
            textposition="outside",
            name="Alignment",
        )
    )
    fig.update_layout(
        **base_layout(title or "How well each option serves the strategic drivers (0 to 100)"),
        xaxis={"range": [0, 110], "title": "Weighted alignment"},
        yaxis={"automargin": True},
        height=max(300, 50 * len(a) + 160),
    )
    describe(
        fig, "bars", "how well each option serves the strategic drivers (0 to 100)",
        items=[[o, v] for o, v in zip(alignment["option_id"], alignment["score"], strict=True)],
    )  # fmt: skip
    return fig


def plot_driver_alignment_detail(
    detail: pd.DataFrame, *, option_id: str | None = None, title: str | None = None
) -> go.Figure:
    """One option's rating on every driver: bars as long as the driver's weight.

    Parameters
    ----------
    detail : DataFrame
        The frame of :func:`~partner_analytics.analysis.readiness.driver_alignment_detail`.
    option_id : str, optional
        The option to show (default: the first).
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal ``Bar`` trace per rating present (High, Medium, Low), y = driver
        names, x = weight.
    """
    options = list(dict.fromkeys(detail["option_id"]))
    if not options:
        raise ValueError("the frame has no option to draw")
    opt = option_id if option_id is not None else options[0]
    d = detail[detail["option_id"] == opt]
    if d.empty:
        raise ValueError(f"option {opt!r} is not in the frame; it has: {', '.join(options)}")
    fig = new_figure()
    for code, label in ALIGNMENT_LABELS.items():
        sel = d[d["alignment"] == code]
        if sel.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=sel["driver"].tolist(),
                x=sel["weight"],
                orientation="h",
                name=f"{label} alignment",
                marker_color=ALIGNMENT_COLORS[code],
            )
        )
    fig.update_layout(
        **base_layout(title or f"Strategic drivers and how option '{opt}' serves them"),
        barmode="stack",
        xaxis={"title": "Driver weight"},
        yaxis={
            "categoryorder": "array",
            "categoryarray": d["driver"].tolist()[::-1],
            "automargin": True,
        },
        legend={"orientation": "h", "y": -0.15, "yanchor": "top", "traceorder": "normal"},
        height=max(360, 40 * len(d) + 160),
    )
    describe(
        fig, "status", f"the strategic drivers and how option {opt} serves them",
        groups={f"{label} alignment": d.loc[d["alignment"] == code, "driver"].astype(str).tolist()
                for code, label in ALIGNMENT_LABELS.items()},
    )  # fmt: skip
    return fig
