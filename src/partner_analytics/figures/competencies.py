"""Figures of competency alignment and partner selection.

Each function takes a frame made by :mod:`partner_analytics.analysis.competencies` and
returns a plotly ``go.Figure``; none recomputes an analysis number.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures._common import Marks, describe, wrap_label
from partner_analytics.figures.theme import (
    CURRENT_COLOR,
    PREVIOUS_COLOR,
    SECTOR_COLORS,
    SECTOR_LABELS,
    TONE_COLORS,
    base_layout,
    new_figure,
)

__all__ = [
    "AREA_LABELS",
    "plot_candidate_fit",
    "plot_competency_heatmap",
    "plot_priority_coverage",
    "plot_sector_diversity",
]

AREA_LABELS = {
    "economic": "Economic",
    "financial": "Financial",
    "political": "Political",
    "physical_environmental": "Physical and environmental",
    "social": "Social",
    "institutional": "Institutional",
}
LEVEL_NAMES = {0: "None", 1: "Basic", 2: "Strong", 3: "Leading"}
# four steps, light to dark, as a discrete colour scale over 0..3
_LEVEL_COLORS = ["#f2f2f2", "#c6dbef", "#6baed6", "#08519c"]
_LEVEL_SCALE = [
    [0.0, _LEVEL_COLORS[0]], [0.25, _LEVEL_COLORS[0]],
    [0.25, _LEVEL_COLORS[1]], [0.5, _LEVEL_COLORS[1]],
    [0.5, _LEVEL_COLORS[2]], [0.75, _LEVEL_COLORS[2]],
    [0.75, _LEVEL_COLORS[3]], [1.0, _LEVEL_COLORS[3]],
]  # fmt: skip


#: New words of these figures (one place, for translation).
TEXT = {"candidates": "Candidates (hatched)"}

def _area(a: str) -> str:
    return AREA_LABELS.get(a, str(a).replace("_", " ").capitalize())


def _sector(s) -> str:
    return SECTOR_LABELS.get(s, str(s)) if isinstance(s, str) else "—"


def plot_competency_heatmap(levels: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Partner x area heatmap of competency levels (none, basic, strong, leading).

    Parameters
    ----------
    levels : DataFrame
        The output of :func:`~partner_analytics.analysis.competencies.competency_levels`
        (with ``include_candidates=True`` to show candidates, marked "(candidate)").
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One Heatmap trace: rows are partner names with their sector (active partners by
        sector and name, candidates last), columns the six areas, ``z`` the level and the
        cell text its name.
    """
    partners = levels.drop_duplicates("partner_id").copy()
    partners["_s"] = partners["sector"].map({s: i for i, s in enumerate(SECTOR_LABELS)})
    partners = partners.sort_values(["candidate", "_s", "name"])
    partners["label"] = [
        f"{n} ({_sector(s)}{', candidate' if c else ''})"
        for n, s, c in zip(partners["name"], partners["sector"], partners["candidate"])
    ]
    areas = [a for a in AREA_LABELS if a in set(levels["area"])]
    z = levels.pivot(index="partner_id", columns="area", values="level")
    z = z.reindex(index=partners["partner_id"], columns=areas)
    text = z.apply(
        lambda col: col.map(lambda v: LEVEL_NAMES.get(int(v), "") if pd.notna(v) else "")
    )
    comps = levels.pivot(index="partner_id", columns="area", values="competencies").reindex(
        index=partners["partner_id"], columns=areas
    )
    fig = new_figure(
        go.Heatmap(
            z=z.to_numpy(dtype="float64").tolist(),
            # column names wrapped to the width of a column at 1024 pixels
            x=[wrap_label(_area(a), 10) for a in areas],
            y=partners["label"].tolist(),
            text=text.to_numpy().tolist(),
            texttemplate="%{text}",
            customdata=comps.fillna("").to_numpy().tolist(),
            hovertemplate="%{y}<br>%{x}: %{text}<br>%{customdata}<extra></extra>",
            zmin=-0.5,
            zmax=3.5,
            colorscale=_LEVEL_SCALE,
            xgap=2,
            ygap=2,
            colorbar={
                "title": "Level",
                "tickvals": [0, 1, 2, 3],
                "ticktext": list(LEVEL_NAMES.values()),
            },
        )
    )
    fig.update_layout(
        **base_layout(title or "What each partner brings, by area of the objectives"),
        xaxis={"side": "top", "tickangle": 0, "tickfont": {"size": 13}, "automargin": True},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 13}},
        height=max(380, 170 + 34 * len(partners)),
    )
    fig.update_layout(margin={"l": 20, "r": 20, "t": 130, "b": 30})
    leading = levels[levels["level"] >= 3]
    describe(
        fig, "heatmap", title or "what each partner brings, by area of the objectives",
        rows=len(partners), columns=[_area(a) for a in areas],
        items=[[f"{n} in {_area(a).lower()}", "leading"]
               for n, a in zip(leading["name"], leading["area"], strict=True)],
    )  # fmt: skip
    return fig


def plot_priority_coverage(alignment: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Per objective, how much it matters against how well the partners cover it.

    Parameters
    ----------
    alignment : DataFrame
        The output of :func:`~partner_analytics.analysis.competencies.competency_alignment`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Two horizontal bar traces over the objectives (largest gap on top): "Priority"
        (``priority_share``, the priority as a share of 5) and "Coverage" (``alignment``,
        the coverage as a share of the leading level 3), with the gap written at the end
        of each pair.
    """
    a = alignment.sort_values(["gap", "priority"], ascending=[False, False])
    labels = [f"{n} ({_area(ar)})" for n, ar in zip(a["name"], a["area"])]
    marks = Marks()
    fig = new_figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=a["priority_share"].tolist(),
            orientation="h",
            name="Priority (share of 5)",
            marker_color=PREVIOUS_COLOR,
            text=[f"priority {v:g} of 5" for v in a["priority"]],
            textposition="inside",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=a["alignment"].tolist(),
            orientation="h",
            name="Coverage by partners (share of leading)",
            marker_color=CURRENT_COLOR,
            text=[LEVEL_NAMES.get(int(c), "") for c in a["coverage"]],
            textposition="inside",
        )
    )
    for label, gap in zip(labels, a["gap"]):
        marks.add_annotation(
            x=1.02,
            y=label,
            xref="x",
            yref="y",
            xanchor="left",
            showarrow=False,
            text=f"gap {gap:.2f}",
            font={"size": 13, "color": TONE_COLORS["bad"] if gap > 0 else TONE_COLORS["good"]},
            name="gap",
        )
    fig.update_layout(
        **base_layout(
            title or "Objectives: how much they matter and how well the partners cover them"
        ),
        barmode="group",
        xaxis={"range": [0, 1.2], "tickformat": ".0%", "title": "Share of the top of the scale"},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        height=max(380, 170 + 70 * len(a)),
    )
    fig.update_layout(margin={"l": 20, "r": 40, "t": 110, "b": 60})
    describe(
        fig, "bars", title or "the objectives' gap between priority and coverage",
        items=[[n, g] for n, g in zip(a["name"], a["gap"], strict=True)], unit="gap",
    )  # fmt: skip
    return marks.apply(fig)


def plot_candidate_fit(fit: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Candidates ranked by the gain in the alignment index they would bring.

    Parameters
    ----------
    fit : DataFrame
        The output of :func:`~partner_analytics.analysis.competencies.candidate_fit`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar trace (best candidate on top), bar length ``gain`` in index
        points, coloured by sector; the bar's text "+<gain> points"; under each name (the
        y label's second line) the sector it adds and the areas it improves, so that no
        text runs past the chart's edge at half width.
    """
    f = fit.sort_values("rank")
    fig = new_figure()
    text, details = [], []
    for gain, adds, sector, areas in zip(
        f["gain"], f["adds_sector"], f["sector"], f["areas_improved"]
    ):
        parts = []
        if adds:
            parts.append(f"adds {_sector(sector).lower()}")
        if isinstance(areas, str) and areas:
            parts.append("stronger in " + ", ".join(_area(x).lower() for x in areas.split("; ")))
        text.append(f"+{gain:.1f} points")
        details.append("; ".join(parts))
    names = [f"{r}. {n} ({_sector(s)})" for r, n, s in zip(f["rank"], f["name"], f["sector"])]
    fig.add_trace(
        go.Bar(
            y=[
                f"{nm}<br><span style='font-size:12px'>{dt}</span>" if dt else nm
                for nm, dt in zip(names, details, strict=True)
            ],
            x=f["gain"].tolist(),
            orientation="h",
            marker_color=[SECTOR_COLORS.get(s, SECTOR_COLORS["other"]) for s in f["sector"]],
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertext=[f"{nm}: {t}{'; ' + dt if dt else ''}" for nm, t, dt in zip(names, text, details, strict=True)],
            hoverinfo="text",
            name="Gain",
        )
    )  # fmt: skip
    if f.empty:
        fig.add_annotation(
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            text="The package lists no candidate partner.",
            name="empty",
        )
    top = float(f["gain"].max()) if len(f) else 1.0
    low = min(0.0, float(f["gain"].min())) if len(f) else 0.0
    fig.update_layout(
        **base_layout(title or "Which candidate partner would close the most gaps"),
        xaxis={
            "title": "Gain in the alignment index (points out of 100)",
            "range": [low, max(top, 1) * 1.35],
        },
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=False,
        height=max(300, 130 + 70 * len(f)),
    )
    fig.update_layout(margin={"l": 20, "r": 30, "t": 70, "b": 60})
    describe(
        fig, "bars", title or "the gain each candidate partner would bring to the alignment index",
        items=[[n, g] for n, g in zip(f["name"], f["gain"], strict=True)], unit="points",
    )  # fmt: skip
    return fig


def plot_sector_diversity(diversity: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Active partners per sector, with the public-private-only warning written on the chart.

    Parameters
    ----------
    diversity : DataFrame
        The output of :func:`~partner_analytics.analysis.competencies.sector_diversity`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace of ``n_partners`` per sector (sector colours), candidates as a second
        hatched trace, and an annotation named ``public_private_only`` when flagged.
    """
    d = diversity
    labels = [_sector(s) for s in d["sector"]]
    fig = new_figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=d["n_partners"].tolist(),
            name="Active partners",
            showlegend=False,  # each bar in its sector's colour, named under it
            marker_color=[SECTOR_COLORS.get(s, SECTOR_COLORS["other"]) for s in d["sector"]],
            text=d["n_partners"].tolist(),
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=d["n_candidates"].tolist(),
            name=TEXT["candidates"],
            marker={"color": "white", "line": {"color": "#555", "width": 1}, "pattern_shape": "/"},
        )
    )
    if bool(d["public_private_only"].iloc[0]):
        fig.add_annotation(
            x=0.99,
            y=0.98,
            xref="paper",
            yref="paper",
            xanchor="right",
            showarrow=False,
            text="<b>No civil-society partner: the partnership is public-private only</b>",
            font={"color": TONE_COLORS["bad"]},
            name="public_private_only",
        )
    fig.update_layout(
        **base_layout(title or "Partners by sector", margin={"l": 60, "r": 30, "t": 100, "b": 50}),
        barmode="group",
        yaxis={"title": "Partners", "dtick": 1},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        height=420,
    )
    describe(
        fig, "bars", title or "active partners by sector",
        items=[[lab, int(v)] for lab, v in zip(labels, d["n_partners"], strict=True)],
        unit="partners",
    )  # fmt: skip
    return fig
