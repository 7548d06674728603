"""Figures of delivery: follow-through per partner, overdue commitments, contribution flows.

Each function takes a frame of :mod:`partner_analytics.analysis.delivery` and returns a
plotly Figure; no analysis number is recomputed here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures._common import Marks
from partner_analytics.figures.theme import (
    BAND_COLORS,
    SECTOR_COLORS,
    STATUS_COLORS,
    base_layout,
    date_text,
    new_figure,
)

__all__ = [
    "KIND_LABELS",
    "STATE_COLORS",
    "STATE_LABELS",
    "plot_contribution_flows",
    "plot_contributions_over_time",
    "plot_follow_through",
    "plot_overdue_commitments",
]

STATE_LABELS = {
    "on_time": "On time",
    "late": "Done late",
    "due_today": "Due today",
    "overdue": "Overdue",
}
STATE_COLORS = {
    "on_time": BAND_COLORS["strength"],
    "late": BAND_COLORS["borderline"],
    "due_today": STATUS_COLORS["not_available"],
    "overdue": BAND_COLORS["concern"],
}
KIND_LABELS = {
    "funding": "Funding",
    "in_kind": "In kind",
    "asset": "Assets",
    "service": "Services",
    "staff_time": "Staff time",
    "data": "Data",
    "other": "Other",
}


def plot_follow_through(follow: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Stacked bars per partner: due commitments on time, late, due today and overdue.

    Parameters
    ----------
    follow : DataFrame
        The frame of :func:`~partner_analytics.analysis.delivery.follow_through` (with or
        without its "(all)" row, which is drawn last, as "All partners").
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal ``Bar`` trace per state (On time, Done late, Due today, Overdue),
        y = partner names, x = counts; an annotation per partner reads the follow-through
        rate ("50 % on time", or "nothing due").
    """
    f = follow.iloc[::-1]  # plotly draws the first category at the bottom
    names = f["partner"].tolist()
    marks = Marks()
    fig = new_figure()
    for state, label in STATE_LABELS.items():
        fig.add_trace(
            go.Bar(
                y=names,
                x=f[state].astype("float64").tolist(),
                name=label,
                orientation="h",
                marker_color=STATE_COLORS[state],
                hovertemplate="%{y}: %{x} " + label.lower() + "<extra></extra>",
            )
        )
    for name, due, rate in zip(names, f["due"], f["rate"], strict=True):
        text = "nothing due" if pd.isna(rate) else f"{rate * 100:.0f} % on time"
        marks.add_annotation(
            y=name,
            x=0 if pd.isna(due) else float(due),
            text=text,
            showarrow=False,
            xanchor="left",
            xshift=8,
        )
    as_of = follow["as_of"].iloc[0] if "as_of" in follow and len(follow) else None
    default = "Commitments kept on time, by partner"
    if as_of is not None:
        default += f" (as of {date_text(as_of)})"
    fig.update_layout(
        **base_layout(title or default),
        barmode="stack",
        xaxis={"title": "Commitments due"},
        legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
        height=max(320, 60 * len(names) + 160),
    )
    return marks.apply(fig)


def plot_overdue_commitments(
    overdue: pd.DataFrame, *, as_of=None, title: str | None = None
) -> go.Figure:
    """A table of the overdue commitments, the oldest first.

    Parameters
    ----------
    overdue : DataFrame
        The frame of :func:`~partner_analytics.analysis.delivery.overdue_commitments`.
    as_of : date-like, optional
        Only for the title.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Table`` with columns Partner, Commitment, Due, Days overdue (one row per
        commitment; a single row "No overdue commitments" when there are none).
    """
    header = ["Partner", "Commitment", "Due", "Days overdue"]
    if len(overdue):
        values = [
            overdue["partner"].fillna(overdue["partner_id"]).tolist(),
            overdue["description"].tolist(),
            [date_text(d) for d in overdue["due_date"]],
            [str(int(d)) for d in overdue["days_overdue"]],
        ]
    else:
        values = [["No overdue commitments"], [""], [""], [""]]
    fig = new_figure(
        go.Table(
            header={
                "values": header,
                "fill_color": "#f2f2f2",
                "align": "left",
                "font": {"size": 14},
            },
            cells={"values": values, "align": ["left", "left", "left", "right"], "height": 28},
            columnwidth=[2, 4, 1.3, 1.2],
        )
    )
    default = "Overdue commitments" + (f" as of {date_text(as_of)}" if as_of is not None else "")
    fig.update_layout(**base_layout(title or default))
    return fig


def plot_contribution_flows(flows: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Sankey diagram of contributed value: partner -> kind -> recipient.

    Parameters
    ----------
    flows : DataFrame
        The frame of :func:`~partner_analytics.analysis.delivery.contribution_flows`.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Sankey`` trace. Nodes are (layer, id) pairs in the order partners, kinds,
        recipients, labelled with names (kinds in plain words), partners coloured by
        sector; links carry the frame's ``value``.
    """
    nodes: dict[tuple[str, str], int] = {}
    labels: list[str] = []
    for layer in ("partner", "kind", "recipient"):
        for side in ("source", "target"):
            sel = flows[flows[f"{side}_layer"] == layer]
            for nid, lab in zip(sel[side], sel[f"{side}_label"], strict=True):
                if (layer, nid) not in nodes:
                    nodes[(layer, nid)] = len(labels)
                    labels.append(KIND_LABELS.get(lab, lab) if layer == "kind" else lab)
    sector = {}
    if "source_sector" in flows:
        part = flows[flows["source_layer"] == "partner"]
        sector = dict(zip(part["source"], part["source_sector"], strict=True))
    colors = []
    for (layer, nid), _i in sorted(nodes.items(), key=lambda kv: kv[1]):
        if layer == "partner":
            colors.append(SECTOR_COLORS.get(sector.get(nid), SECTOR_COLORS["other"]))
        else:
            colors.append("#8a8a8a" if layer == "kind" else "#5b5b5b")
    currency = (
        flows["currency"].dropna().iloc[0]
        if "currency" in flows and flows["currency"].notna().any()
        else ""
    )
    fig = new_figure(
        go.Sankey(
            node={"label": labels, "color": colors, "pad": 18, "thickness": 16},
            link={
                "source": [
                    nodes[(a, b)]
                    for a, b in zip(flows["source_layer"], flows["source"], strict=True)
                ],
                "target": [
                    nodes[(a, b)]
                    for a, b in zip(flows["target_layer"], flows["target"], strict=True)
                ],
                "value": flows["value"].tolist(),
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f} "
                + str(currency)
                + "<extra></extra>",
            },
        )
    )
    fig.update_layout(
        **base_layout(title or "Where the contributions go: partner → kind → recipient"),
        height=max(420, 24 * max(len(labels), 1) + 160),
    )
    return fig


def plot_contributions_over_time(over_time: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Cumulative pledged and delivered value over time.

    Parameters
    ----------
    over_time : DataFrame
        The frame of :func:`~partner_analytics.analysis.delivery.contributions_over_time`.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        Two line traces, "Pledged (cumulative)" and "Delivered (cumulative)", x = period
        labels, y = the cumulative columns; the gap between them is shaded.
    """
    currency = over_time["currency"].dropna().iloc[0] if over_time["currency"].notna().any() else ""
    x = over_time["period"].tolist()
    fig = new_figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=over_time["cumulative_pledged"],
            name="Pledged (cumulative)",
            mode="lines+markers",
            line={"color": "#7a7a7a", "width": 3, "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=over_time["cumulative_delivered"],
            name="Delivered (cumulative)",
            mode="lines+markers",
            line={"color": BAND_COLORS["strength"], "width": 3},
            fill="tonexty",
            fillcolor="rgba(192, 57, 43, 0.08)",
        )
    )
    fig.update_layout(
        **base_layout(title or "Contributions pledged and delivered so far"),
        xaxis={"type": "category", "title": "Period"},
        yaxis={
            "title": f"Value{' (' + str(currency) + ')' if currency else ''}",
            "rangemode": "tozero",
        },
        legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
    )
    return fig
