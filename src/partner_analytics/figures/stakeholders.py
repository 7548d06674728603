"""Figures of the stakeholder analysis: the power-interest grid, transitions, salience.

Each function takes a frame made by :mod:`partner_analytics.analysis.stakeholders` and
returns a plotly ``go.Figure``; none recomputes an analysis number. Suppressed rows (fewer
than ``min_n`` raters) are never drawn as numbers: they are listed as
"n < {min_n}" (the threshold the frame was computed with, ``frame.attrs["min_n"]``).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from partner_analytics.figures._common import Marks, min_n_of, pick_wave
from partner_analytics.figures.theme import (
    QUADRANT_COLORS,
    QUADRANT_LABELS,
    SALIENCE_LABELS,
    STANCE_COLORS,
    base_layout,
    new_figure,
    suppressed_text,
    themed,
)

__all__ = ["plot_power_interest", "plot_quadrant_transitions", "plot_salience"]

GROUP_PALETTE = qualitative.Safe
NO_GROUP = "No group given"
AXIS_LO, AXIS_HI = 0.6, 5.4


def _solid(rgba: str, alpha: float = 0.85) -> str:
    """The same colour as an rgba() string, with another opacity."""
    head = rgba[rgba.index("(") + 1 : rgba.rindex(")")].split(",")
    return f"rgba({head[0].strip()}, {head[1].strip()}, {head[2].strip()}, {alpha})"


def _group_colors(groups: list[str]) -> dict[str, str]:
    return {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(groups)}


def _marker_size(n: pd.Series) -> list[float]:
    """Marker diameter in pixels growing with the number of raters."""
    return [12 + 5 * math.sqrt(float(v)) for v in n]


def _moves_into(movement: pd.DataFrame | None, wave: str) -> pd.DataFrame:
    """Movement rows into ``wave`` that can be drawn: rated in both waves, not suppressed."""
    if movement is None or movement.empty:
        return pd.DataFrame(columns=["stakeholder_id", "moved", "power_change", "interest_change"])
    return movement[
        (movement["to_wave"] == wave)
        & movement["quadrant_before"].notna()
        & movement["quadrant_after"].notna()
        & ~movement["suppressed"].astype(bool)
    ]


def plot_power_interest(
    frame: pd.DataFrame,
    *,
    movement: pd.DataFrame | None = None,
    wave: str | None = None,
    midpoint: float = 3.0,
    labels: str = "auto",
    max_labels: int = 15,
    min_arrow: float = 0.5,
    title: str | None = None,
) -> go.Figure:
    """The power-interest grid of one wave.

    Parameters
    ----------
    frame : DataFrame
        The output of :func:`~partner_analytics.analysis.stakeholders.power_interest`.
    movement : DataFrame, optional
        The output of :func:`~partner_analytics.analysis.stakeholders.stakeholder_movement`:
        arrows are drawn from each stakeholder's place in the previous wave.
    wave : str, optional
        The wave to draw (default: the latest in ``frame``).
    midpoint : float
        Where the quadrants meet; use the midpoint the frame was computed with.
    labels : {"auto", "all", "none"}
        Which points carry their name on the chart (every point has it on hover). "auto"
        names every point when there are at most ``max_labels`` of them, else only the
        stakeholders to discuss: contested, resistant, or moved into another quadrant.
    max_labels : int
        See ``labels``.
    min_arrow : float
        Draw an arrow only when power or interest changed by at least this much since the
        previous wave (default 0.5 point), so that small shifts do not clutter the grid.
    title : str, optional
        Defaults to a plain-language title naming the wave.

    Returns
    -------
    plotly.graph_objects.Figure
        Four shaded quadrants named on the chart; one scatter trace per stakeholder group
        (interest on x, power on y, names in ``text`` and on hover), sized by ``n_raters``,
        sd as error bars, outlined by stance and drawn as diamonds when contested; names
        written on the chart as annotations named ``label:<stakeholder_id>``; arrows
        (annotations named ``arrow:<stakeholder_id>``) from the previous wave; suppressed
        stakeholders listed as "n < {min_n}" rather than plotted.
    """
    if labels not in ("auto", "all", "none"):
        raise ValueError(f"labels must be 'auto', 'all' or 'none'; got {labels!r}")
    w = pick_wave(frame, wave)
    f = frame[frame["wave"] == w]
    shown = f[~f["suppressed"].astype(bool)]
    hidden = f[f["suppressed"].astype(bool)]
    mv = _moves_into(movement, w)
    moved = set(mv.loc[mv["moved"].astype(bool), "stakeholder_id"])
    if labels == "all" or (labels == "auto" and len(shown) <= max_labels):
        named = set(shown["stakeholder_id"])
    elif labels == "none":
        named = set()
    else:
        key = shown["contested"].astype(bool) | (shown["stance"] == "resistant").fillna(False)
        named = set(shown.loc[key, "stakeholder_id"]) | moved
    marks = Marks()
    fig = new_figure()
    _shade_quadrants(marks, midpoint)
    groups = sorted(set(shown["group"].fillna(NO_GROUP)))
    colors = _group_colors(groups)
    for g in groups:
        fig.add_trace(_group_trace(shown[shown["group"].fillna(NO_GROUP) == g], g, colors[g]))
    if len(mv):
        _add_arrows(marks, mv, min_arrow)
    _add_names(marks, shown[shown["stakeholder_id"].isin(named)])
    notes = _grid_notes(
        arrows=min_arrow if len(mv) else None,
        some_unnamed=len(named) < len(shown),
        hidden=hidden["name"].astype(str).tolist(),
        hide=suppressed_text(min_n_of(frame)),
    )
    marks.add_annotation(
        x=0,
        y=-0.13,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        text="<br>".join(notes),
        font={"size": 12, "color": "#555"},
        name="notes",
    )
    lo, hi = AXIS_LO, AXIS_HI
    fig.update_layout(
        **base_layout(title or f"Stakeholders by power and interest, {w}"),
        xaxis={
            "title": "Interest in the partnership (1 low – 5 high)",
            "range": [lo, hi],
            "dtick": 1,
            "zeroline": False,
        },
        yaxis={
            "title": "Power over the partnership (1 low – 5 high)",
            "range": [lo, hi],
            "dtick": 1,
            "zeroline": False,
        },
        legend={"title": "Group"},
        height=680,
    )
    fig.update_layout(margin={"l": 70, "r": 30, "t": 70, "b": 140})
    return marks.apply(fig)


def _shade_quadrants(marks: Marks, m: float) -> None:
    """The four quadrants, shaded and named in their outer corner."""
    lo, hi = AXIS_LO, AXIS_HI
    boxes = {
        "manage_closely": (m, hi, m, hi),
        "keep_satisfied": (lo, m, m, hi),
        "keep_informed": (m, hi, lo, m),
        "monitor": (lo, m, lo, m),
    }
    for q, (x0, x1, y0, y1) in boxes.items():
        marks.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            fillcolor=QUADRANT_COLORS[q],
            line={"width": 0},
            layer="below",
            name=f"quadrant:{q}",
        )
        right = x0 >= m
        top = y0 >= m
        marks.add_annotation(
            x=x1 - 0.05 if right else x0 + 0.05,
            y=y1 - 0.05 if top else y0 + 0.05,
            xanchor="right" if right else "left",
            yanchor="top" if top else "bottom",
            text=f"<b>{QUADRANT_LABELS[q]}</b>",
            showarrow=False,
            font={"size": 16, "color": "#555"},
            name=f"quadrant:{q}",
        )


def _group_trace(d: pd.DataFrame, group: str, color: str) -> go.Scatter:
    """One stakeholder group's points: sized by raters, sd as error bars, outlined by stance,
    diamonds when contested."""
    stance = d["stance"].fillna("not rated")
    hover = [
        f"<b>{n}</b><br>Power {pw:.1f} (sd {ps:.1f})<br>Interest {it:.1f} (sd {isd:.1f})"
        f"<br>{nr} raters<br>Stance: {st}{'<br><b>Contested</b>' if c else ''}"
        for n, pw, ps, it, isd, nr, st, c in zip(
            d["name"],
            d["power"],
            d["power_sd"].fillna(0),
            d["interest"],
            d["interest_sd"].fillna(0),
            d["n_raters"],
            stance,
            d["contested"],
        )
    ]
    return go.Scatter(
        x=d["interest"].tolist(),
        y=d["power"].tolist(),
        mode="markers",
        name=group,
        text=d["name"].tolist(),
        hovertext=hover,
        hoverinfo="text",
        customdata=d["stakeholder_id"].tolist(),
        error_x={
            "type": "data",
            "array": d["interest_sd"].fillna(0).tolist(),
            "thickness": 1,
            "color": "#888",
        },
        error_y={
            "type": "data",
            "array": d["power_sd"].fillna(0).tolist(),
            "thickness": 1,
            "color": "#888",
        },
        marker={
            "size": _marker_size(d["n_raters"]),
            "color": color,
            "symbol": ["diamond" if c else "circle" for c in d["contested"]],
            "line": {
                "width": 3,
                "color": [STANCE_COLORS.get(s, "rgba(0,0,0,0)") for s in d["stance"].fillna("")],
            },
            "opacity": 0.9,
        },
    )


def _add_arrows(marks: Marks, mv: pd.DataFrame, min_arrow: float) -> None:
    """Arrows from the previous wave's place, for moves of ``min_arrow`` points or more."""
    big = (mv["power_change"].abs() >= min_arrow) | (mv["interest_change"].abs() >= min_arrow)
    some = (mv["power_change"] != 0) | (mv["interest_change"] != 0)
    for rec in mv[big & some].itertuples(index=False):
        marks.add_annotation(
            x=rec.interest_after,
            y=rec.power_after,
            ax=rec.interest_before,
            ay=rec.power_before,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            text="",
            showarrow=True,
            arrowhead=2,
            arrowsize=1.2,
            arrowwidth=1.5,
            arrowcolor="#444",
            standoff=8,
            opacity=0.7,
            name=f"arrow:{rec.stakeholder_id}",
        )


def _add_names(marks: Marks, rows: pd.DataFrame) -> None:
    """Names written above their points."""
    for rec in rows.itertuples(index=False):
        marks.add_annotation(
            x=rec.interest,
            y=rec.power,
            xref="x",
            yref="y",
            text=str(rec.name),
            showarrow=False,
            yshift=_marker_size(pd.Series([rec.n_raters]))[0] / 2 + 9,
            bgcolor="rgba(255, 255, 255, 0.75)",
            font={"size": 12},
            name=f"label:{rec.stakeholder_id}",
        )


def _grid_notes(
    *, arrows: float | None, some_unnamed: bool, hidden: list[str], hide: str
) -> list[str]:
    """The lines under the grid: how to read it, the arrows, the names, who is not shown."""
    notes = [
        (
            "Diamond = contested (raters disagree). Outline: "
            "<span style='color:#2e9e5b'>green supportive</span>, grey neutral, "
            "<span style='color:#c0392b'>red resistant</span>. Bigger = more raters; bars = spread."
        )
    ]
    if arrows is not None:
        notes.append(
            "Arrows start where the stakeholder stood in the previous wave "
            f"(moves of {arrows:g} point or more)."
        )
    if some_unnamed:
        notes.append(
            "Names are written for contested, resistant and moved stakeholders; "
            "hover over a point for the others."
        )
    if hidden:
        notes.append(f"Not shown ({hide}): " + ", ".join(hidden))
    return notes


def plot_quadrant_transitions(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """A Sankey of stakeholders moving between quadrants from wave to wave.

    Parameters
    ----------
    frame : DataFrame
        The output of :func:`~partner_analytics.analysis.stakeholders.quadrant_transitions`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One Sankey trace with a column of four quadrant nodes per wave (labelled with the
        quadrant name, the wave written above the column as an annotation named
        ``wave:<wave>``) and a link per non-zero count (value = ``n_stakeholders``).
    """
    waves: list[str] = []
    for fw, tw in frame[["from_wave", "to_wave"]].drop_duplicates().itertuples(index=False):
        for x in (fw, tw):
            if x not in waves:
                waves.append(x)
    quads = list(QUADRANT_LABELS)
    index = {(w, q): i for i, (w, q) in enumerate((w, q) for w in waves for q in quads)}
    links = frame[frame["n_stakeholders"] > 0]
    marks = Marks()
    fig = new_figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [QUADRANT_LABELS[q] for w in waves for q in quads],
                "customdata": [f"{QUADRANT_LABELS[q]}, {w}" for w in waves for q in quads],
                "hovertemplate": "%{customdata}: %{value} stakeholder(s)<extra></extra>",
                "color": [_solid(QUADRANT_COLORS[q]) for w in waves for q in quads],
                "pad": 18,
                "thickness": 18,
            },
            link={
                "source": [
                    index[(a, q)] for a, q in zip(links["from_wave"], links["from_quadrant"])
                ],
                "target": [index[(b, q)] for b, q in zip(links["to_wave"], links["to_quadrant"])],
                "value": links["n_stakeholders"].tolist(),
                "customdata": [
                    f"{QUADRANT_LABELS[a]} ({fw}) → {QUADRANT_LABELS[b]} ({tw})"
                    for fw, tw, a, b in zip(
                        links["from_wave"],
                        links["to_wave"],
                        links["from_quadrant"],
                        links["to_quadrant"],
                    )
                ],
                "color": [_solid(QUADRANT_COLORS[q], 0.35) for q in links["from_quadrant"]],
                "hovertemplate": "%{value} stakeholder(s): %{customdata}<extra></extra>",
            },
        )
    )
    for i, w in enumerate(waves):
        x = i / (len(waves) - 1) if len(waves) > 1 else 0.5
        marks.add_annotation(
            x=x,
            y=1.0,
            xref="paper",
            yref="paper",
            yanchor="bottom",
            xanchor="left" if i == 0 else ("right" if i == len(waves) - 1 else "center"),
            showarrow=False,
            text=f"<b>{w}</b>",
            name=f"wave:{w}",
        )
    left_out = int(frame.drop_duplicates("to_wave")["n_left_out"].sum()) if len(frame) else 0
    notes = []
    if links.empty:
        notes.append("No stakeholder was rated by enough raters in two consecutive waves.")
    if left_out:
        m = min_n_of(frame)
        notes.append(
            f"{left_out} stakeholder move(s) not shown: fewer than {m} raters "
            f"({suppressed_text(m)})."
        )
    if notes:
        marks.add_annotation(
            x=0,
            y=-0.08,
            xref="paper",
            yref="paper",
            showarrow=False,
            xanchor="left",
            text="<br>".join(notes),
            font={"size": 12, "color": "#555"},
            name="notes",
        )
    fig.update_layout(
        **base_layout(title or "How stakeholders moved between quadrants from wave to wave"),
        height=520,
    )
    fig.update_layout(margin={"l": 30, "r": 30, "t": 100, "b": 50})
    return marks.apply(fig)


# region centres for a Venn diagram of three unit circles
_CIRCLES = {"power": (-0.6, 0.35), "legitimacy": (0.6, 0.35), "urgency": (0.0, -0.6)}
_REGIONS = {
    "dormant": (-1.1, 0.75),
    "discretionary": (1.1, 0.75),
    "demanding": (0.0, -1.2),
    "dominant": (0.0, 1.0),
    "dangerous": (-0.72, -0.42),
    "dependent": (0.72, -0.42),
    "definitive": (0.0, 0.05),
}
_SHORT = {
    "definitive": "Definitive",
    "dominant": "Dominant",
    "dangerous": "Dangerous",
    "dependent": "Dependent",
    "dormant": "Dormant",
    "discretionary": "Discretionary",
    "demanding": "Demanding",
    "non_stakeholder": "No attribute held",
}


def _table_row_height(label: str, text: str) -> float:
    """Rough pixel height of a table row whose cells wrap (about 48 and 30 characters a line)."""
    lines = max(math.ceil(len(text) / 48), math.ceil(len(label) / 30), 1)
    return 12 + 19 * lines


def plot_salience(
    frame: pd.DataFrame, *, wave: str | None = None, title: str | None = None
) -> go.Figure:
    """Stakeholder salience: a Venn diagram of power, legitimacy and urgency and a grouped table.

    Parameters
    ----------
    frame : DataFrame
        The output of :func:`~partner_analytics.analysis.stakeholders.salience`.
    wave : str, optional
        The wave to draw (default: the latest in ``frame``).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Left, three circles (layout shapes named ``circle:power`` ...), each labelled, and in
        each region an annotation named ``salience:<class>`` with the class and how many
        stakeholders it holds. Right, a Table trace with one row per class that has
        stakeholders (most salient first) listing them by name, then a row for the
        stakeholders not shown ("n < {min_n}") and one for those not rated on legitimacy or
        urgency.
    """
    w = pick_wave(frame, wave)
    f = frame[frame["wave"] == w]
    shown = f[~f["suppressed"].astype(bool) & f["salience_class"].notna()]
    marks = Marks()
    fig = themed(
        make_subplots(
            rows=1,
            cols=2,
            column_widths=[0.42, 0.58],
            horizontal_spacing=0.03,
            specs=[[{"type": "xy"}, {"type": "table"}]],
        )
    )
    colors = {"power": "#1f5fa8", "legitimacy": "#2e9e5b", "urgency": "#d9822b"}
    label_at = {"power": (-1.25, 1.5), "legitimacy": (1.25, 1.5), "urgency": (0.0, -1.78)}
    for attr, (cx, cy) in _CIRCLES.items():
        marks.add_shape(
            type="circle",
            xref="x",
            yref="y",
            x0=cx - 1,
            x1=cx + 1,
            y0=cy - 1,
            y1=cy + 1,
            line={"color": colors[attr], "width": 2},
            fillcolor=colors[attr],
            opacity=0.12,
            name=f"circle:{attr}",
        )
        lx, ly = label_at[attr]
        marks.add_annotation(
            x=lx,
            y=ly,
            xref="x",
            yref="y",
            text=f"<b>{attr.capitalize()}</b>",
            showarrow=False,
            font={"size": 16, "color": colors[attr]},
            name=f"circle:{attr}",
        )
    members = {
        cls: shown.loc[shown["salience_class"] == cls, "name"].astype(str).tolist()
        for cls in _SHORT
    }
    for cls, (x, y) in _REGIONS.items():
        n = len(members[cls])
        marks.add_annotation(
            x=x,
            y=y,
            xref="x",
            yref="y",
            text=f"<b>{_SHORT[cls]}</b><br>{n}",
            showarrow=False,
            font={"size": 12, "color": "#222" if n else "#aaa"},
            name=f"salience:{cls}",
            hovertext=", ".join(members[cls]) or "none",
        )
    n_none = len(members["non_stakeholder"])
    marks.add_annotation(
        x=1.9,
        y=-1.75,
        xref="x",
        yref="y",
        text=f"<b>{_SHORT['non_stakeholder']}</b><br>{n_none}",
        showarrow=False,
        font={"size": 12, "color": "#222" if n_none else "#aaa"},
        name="salience:non_stakeholder",
        hovertext=", ".join(members["non_stakeholder"]) or "none",
    )
    classes, names = [], []
    for cls in _SHORT:
        if members[cls]:
            classes.append(f"<b>{SALIENCE_LABELS[cls]}</b>")
            names.append(", ".join(members[cls]))
    hidden = f[f["suppressed"].astype(bool) & f["salience_class"].notna()]
    if len(hidden):
        classes.append(f"Not shown ({suppressed_text(min_n_of(frame))})")
        names.append(", ".join(hidden["name"].astype(str)))
    unrated = f[f["salience_class"].isna()]
    if len(unrated):
        classes.append("Not rated on legitimacy or urgency")
        names.append(", ".join(unrated["name"].astype(str)))
    fig.add_trace(
        go.Table(
            columnwidth=[0.38, 0.62],
            header={
                "values": ["<b>Salience</b>", "<b>Stakeholders</b>"],
                "align": "left",
                "fill_color": "#f2f2f2",
            },
            cells={"values": [classes, names], "align": "left", "font": {"size": 13}},
        ),
        row=1,
        col=2,
    )
    fig.update_layout(
        **base_layout(title or f"Which stakeholders hold power, legitimacy and urgency, {w}"),
        showlegend=False,
        height=max(560, 170 + sum(_table_row_height(c, n) for c, n in zip(classes, names))),
    )
    fig.update_xaxes(visible=False, range=[-2.3, 2.3], row=1, col=1)
    fig.update_yaxes(visible=False, range=[-2.0, 1.75], scaleanchor="x", scaleratio=1, row=1, col=1)
    fig.update_layout(margin={"l": 20, "r": 20, "t": 70, "b": 30})
    return marks.apply(fig)
