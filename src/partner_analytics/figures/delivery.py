"""Figures of delivery: follow-through per partner, overdue commitments, contribution flows.

Each function takes a frame of :mod:`partner_analytics.analysis.delivery` and returns a
plotly Figure; no analysis number is recomputed here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures._common import Marks, describe
from partner_analytics.figures.theme import (
    BAND_COLORS,
    DELIVERED_COLOR,
    HEADER_FILL,
    PLEDGED_COLOR,
    SECTOR_COLORS,
    SECTOR_LABELS,
    STATUS_COLORS,
    base_layout,
    date_text,
    legend_traces,
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
#: Fill patterns of the states beside their colours (colour is never the only cue).
STATE_PATTERNS = {"on_time": "", "late": "/", "due_today": ".", "overdue": "x"}
#: Node colours of the contribution flows that are not partners.
KIND_NODE_COLOR = "#8a8a8a"
RECIPIENT_NODE_COLOR = "#4d4d4d"
KIND_LABELS = {
    "funding": "Funding",
    "in_kind": "In kind",
    "asset": "Assets",
    "service": "Services",
    "staff_time": "Staff time",
    "data": "Data",
    "other": "Other",
}


#: New words of these figures (one place, for translation).
TEXT = {
    "counts": " ({on_time} of {due})",
    "share_axis": "Share of the partner's commitments due",
    "kind": "Kind of contribution",
    "recipient": "Recipient",
    "partners_by_sector": "Partners by sector",
}

def plot_follow_through(follow: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Bars per partner of the shares of its due commitments on time, late, due today and
    overdue: each partner's bar is its own 100 %, so a partner with two commitments is as
    readable as one with forty (the counts are on hover and in the label).

    Parameters
    ----------
    follow : DataFrame
        The frame of :func:`~partner_analytics.analysis.delivery.follow_through` (with or
        without its "(all)" row, which is drawn on top, as "All partners").
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal ``Bar`` trace per state (On time, Done late, Due today, Overdue, a
        colour and a fill pattern each), y = partner names, x = counts, stacked and
        normalised per bar (``barnorm="percent"``); hover "k of n due"; an annotation per
        partner at the end of its bar reads the follow-through rate and the counts ("50 %
        on time (1 of 2)", or "nothing due").
    """
    f = follow.iloc[::-1]  # plotly draws the first category at the bottom
    names = f["partner"].tolist()
    due = f["due"].astype("float64").fillna(0)
    marks = Marks()
    fig = new_figure()
    for state, label in STATE_LABELS.items():
        counts = f[state].astype("float64")
        fig.add_trace(
            go.Bar(
                y=names,
                x=counts.tolist(),
                name=label,
                orientation="h",
                marker={"color": STATE_COLORS[state],
                        "pattern": {"shape": STATE_PATTERNS[state], "fgcolor": "#ffffff",
                                    "fgopacity": 0.7, "size": 7}},
                customdata=[[int(c), int(d)] for c, d in zip(counts.fillna(0), due, strict=True)],
                hovertemplate="%{y}: %{customdata[0]} of %{customdata[1]} due "
                + label.lower() + "<extra></extra>",
            )
        )  # fmt: skip
    for name, d, on_time, rate in zip(names, due, f["on_time"], f["rate"], strict=True):
        text = "nothing due" if pd.isna(rate) else f"{rate * 100:.0f} % on time"
        if not pd.isna(rate):
            text += TEXT["counts"].format(on_time=int(on_time), due=int(d))
        marks.add_annotation(
            y=name, x=100 if d else 0, text=text, showarrow=False, xanchor="left", xshift=8,
            font={"size": 13},
        )  # fmt: skip
    as_of = follow["as_of"].iloc[0] if "as_of" in follow and len(follow) else None
    default = "Commitments kept on time, by partner"
    if as_of is not None:
        default += f" (as of {date_text(as_of)})"
    fig.update_layout(
        **base_layout(title or default, margin={"l": 60, "r": 30, "t": 110, "b": 50}),
        barmode="stack",
        barnorm="percent",
        xaxis={"title": TEXT["share_axis"], "range": [0, 150],
               "tickvals": [0, 25, 50, 75, 100], "ticksuffix": " %"},
        yaxis={"automargin": True},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        height=max(320, 34 * len(names) + 190),
    )  # fmt: skip
    shown = follow[follow["rate"].notna()]
    describe(
        fig, "bars", "the share of due commitments kept on time, by partner",
        items=[[n, r * 100] for n, r in zip(shown["partner"], shown["rate"], strict=True)],
        unit="%", none=[str(n) for n in follow.loc[follow["rate"].isna(), "partner"]],
        none_words="nothing due",
    )  # fmt: skip
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
                "fill_color": HEADER_FILL,
                "align": "left",
                "font": {"size": 14},
            },
            cells={"values": values, "align": ["left", "left", "left", "right"], "height": 28},
            columnwidth=[2, 4, 1.3, 1.2],
        )
    )
    default = "Overdue commitments" + (f" as of {date_text(as_of)}" if as_of is not None else "")
    fig.update_layout(**base_layout(title or default))
    describe(
        fig, "table", default if title is None else title, rows=len(overdue), columns=header,
        items=[[f"{p}: {d}", int(n)] for p, d, n in zip(values[0], values[1], overdue["days_overdue"])]
        if len(overdue) else [],
        unit="days overdue",
    )  # fmt: skip
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
            colors.append(KIND_NODE_COLOR if layer == "kind" else RECIPIENT_NODE_COLOR)
    present = {sector.get(nid) for (layer, nid) in nodes if layer == "partner"}
    key = [(SECTOR_LABELS[s_], SECTOR_COLORS[s_]) for s_ in SECTOR_LABELS if s_ in present]
    if any(s_ not in SECTOR_COLORS for s_ in present):
        key.append(("Other", SECTOR_COLORS["other"]))
    key += [(TEXT["kind"], KIND_NODE_COLOR), (TEXT["recipient"], RECIPIENT_NODE_COLOR)]
    currency = (
        flows["currency"].dropna().iloc[0]
        if "currency" in flows and flows["currency"].notna().any()
        else ""
    )
    per_layer = max((sum(1 for (layer, _n) in nodes if layer == lay) for lay in ("partner", "kind", "recipient")),
                    default=1)  # fmt: skip
    fig = new_figure(
        go.Sankey(
            # room for a 13-pixel name beside every node, however thin its flow
            node={"label": labels, "color": colors, "pad": 22, "thickness": 16},
            textfont={"size": 13},
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
    fig.add_traces(legend_traces(key, title=TEXT["partners_by_sector"]))
    fig.update_layout(
        **base_layout(title or "Where the contributions go: partner → kind → recipient"),
        height=max(460, 34 * per_layer + 200),
        xaxis={"visible": False},
        yaxis={"visible": False},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"},
    )
    fig.update_layout(margin={"l": 30, "r": 30, "t": 70, "b": 90})
    biggest = flows.sort_values("value", ascending=False)
    describe(
        fig, "flows", "contributed value from partners to kinds of contribution to recipients",
        items=[
            [(f"{KIND_LABELS.get(a, a) if la == 'kind' else a} to "
              f"{KIND_LABELS.get(b, b) if lb == 'kind' else b}"), v]
            for a, b, la, lb, v in zip(biggest["source_label"], biggest["target_label"],
                                       biggest["source_layer"], biggest["target_layer"],
                                       biggest["value"], strict=True)
        ],
        unit=str(currency),
    )  # fmt: skip
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
            line={"color": PLEDGED_COLOR, "width": 3, "dash": "dash"},
            marker={"symbol": "square", "size": 7},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=over_time["cumulative_delivered"],
            name="Delivered (cumulative)",
            mode="lines+markers",
            line={"color": DELIVERED_COLOR, "width": 3},
            marker={"symbol": "circle", "size": 7},
            fill="tonexty",
            fillcolor="rgba(122, 122, 122, 0.12)",
        )
    )
    fig.update_layout(
        **base_layout(title or "Contributions pledged and delivered so far",
                      margin={"l": 60, "r": 30, "t": 100, "b": 60}),
        xaxis={"type": "category", "title": "Period", "automargin": True},
        yaxis={
            "title": f"Value{' (' + str(currency) + ')' if currency else ''}",
            "rangemode": "tozero",
        },
        # above the chart: below it the legend ran into the axis title and tick labels
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
    )  # fmt: skip
    describe(
        fig, "lines", "contributions pledged and delivered so far (cumulative)", unit=str(currency),
        series=[
            {"name": "Pledged", "points": [[p, v] for p, v in zip(x, over_time["cumulative_pledged"])]},
            {"name": "Delivered",
             "points": [[p, v] for p, v in zip(x, over_time["cumulative_delivered"])]},
        ],
    )  # fmt: skip
    return fig
