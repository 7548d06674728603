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
from plotly.subplots import make_subplots

from partner_analytics.figures._common import Marks, describe, min_n_of, pick_wave
from partner_analytics.figures.theme import (
    CONTESTED_COLOR,
    HEADER_FILL,
    NOTE_TEXT,
    QUADRANT_COLORS,
    QUADRANT_LABELS,
    SALIENCE_COLORS,
    SALIENCE_LABELS,
    STANCE_COLORS,
    STANCE_LABELS,
    STANCE_SYMBOLS,
    TEXT_COLOR,
    base_layout,
    legend_traces,
    new_figure,
    suppressed_text,
    themed,
)

__all__ = [
    "plot_power_interest",
    "plot_quadrant_transitions",
    "plot_salience",
    "salience_members",
]

NO_GROUP = "No group given"
AXIS_LO, AXIS_HI = 0.6, 5.4
#: The rating scale of power and interest: spread bars stop at its ends.
SCALE_LO, SCALE_HI = 1.0, 5.0
#: The stances in the order of the legend ("not_rated": nobody gave a support rating).
STANCES = ("supportive", "neutral", "resistant", "not_rated")
_SPREAD_COLOR = "rgba(60, 60, 60, 0.35)"
#: Text of an empty region of the salience diagram: light, still readable (AA for large
#: bold text is 3:1).
EMPTY_TEXT = "#767676"


#: New words of these figures (one place, for translation).
TEXT = {
    "stance": "Stance",
    "contested_key": "Contested (raters disagree)",
    "contested_name": " (contested)",
    "how_to_read": (
        "Symbol and colour: stance (▲ supportive, ● neutral, ▼ resistant, ○ not rated). "
        "Dark ring: contested (raters disagree). Bigger: more raters."
    ),
    "what_grid": "stakeholders by power and interest, {wave}",
    "what_moves": "stakeholders moving between quadrants from wave to wave",
    "what_salience": "stakeholders by the power, legitimacy and urgency they hold, {wave}",
}

def _solid(rgba: str, alpha: float = 0.85) -> str:
    """The same colour as an rgba() string, with another opacity."""
    head = rgba[rgba.index("(") + 1 : rgba.rindex(")")].split(",")
    return f"rgba({head[0].strip()}, {head[1].strip()}, {head[2].strip()}, {alpha})"


def _stance_key(stance) -> str:
    return stance if isinstance(stance, str) and stance in STANCE_COLORS else "not_rated"


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
    spread: bool = False,
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
    spread : bool
        Draw each stakeholder's sd as light bars, stopped at the ends of the rating scale.
        Off by default: the spread of a contested stakeholder crosses the whole grid; the
        dark ring marks disagreement and the hover gives the sd.
    title : str, optional
        Defaults to a plain-language title naming the wave.

    Returns
    -------
    plotly.graph_objects.Figure
        Four shaded quadrants named on the chart; one scatter trace per stance (Supportive,
        Neutral, Resistant, Support not rated: a colour and a symbol each, in this order,
        those present), interest on x, power on y, names in ``text`` and on hover, the
        group and sd on hover, sized by ``n_raters`` (with ``spread``, the sd as light error
        bars stopped at the ends of the rating scale, 1 and 5); a contested stakeholder
        (raters disagree) has a thick dark ring and a legend entry "Contested"; names
        written beside their points where they overlap no other name (at the smallest
        size the grid is shown) as annotations named ``label:<stakeholder_id>``
        ("(contested)" added); arrows
        (annotations named ``arrow:<stakeholder_id>``) from the previous wave; suppressed
        stakeholders listed as "n < {min_n}" rather than plotted.

        A stakeholder group keeps no colour of its own here (eleven groups are eleven
        colours nobody can tell apart): the page's group filter and the hover name it.
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
    stance = shown["stance"].map(_stance_key)
    for st in STANCES:
        rows = shown[stance == st]
        if len(rows):
            fig.add_trace(_stance_trace(rows, st, spread=spread))
    if shown["contested"].astype(bool).any():
        key = legend_traces([(TEXT["contested_key"], "white", "circle")])[0]
        key.marker.line = {"color": CONTESTED_COLOR, "width": 3}
        key.legendgroup = "contested"
        fig.add_trace(key)
    if len(mv):
        _add_arrows(marks, mv, min_arrow)
    written = _add_names(marks, shown[shown["stakeholder_id"].isin(named)])
    notes = _grid_notes(
        arrows=min_arrow if len(mv) else None,
        some_unnamed=len(written) < len(shown),
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
        font={"size": 12, "color": NOTE_TEXT},
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
        legend={"title": {"text": TEXT["stance"]}, "itemsizing": "constant"},
        height=680,
    )
    fig.update_layout(margin={"l": 70, "r": 30, "t": 70, "b": 140})
    groups = {
        QUADRANT_LABELS[q]: shown.loc[shown["quadrant"] == q, "name"].astype(str).tolist()
        for q in QUADRANT_LABELS
    }
    describe(
        fig, "grid", TEXT["what_grid"].format(wave=w), groups=groups,
        contested=shown.loc[shown["contested"].astype(bool), "name"].astype(str).tolist(),
        resistant=shown.loc[shown["stance"] == "resistant", "name"].astype(str).tolist(),
        hidden=len(hidden), hide=suppressed_text(min_n_of(frame)),
    )  # fmt: skip
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
            font={"size": 16, "color": NOTE_TEXT},
            name=f"quadrant:{q}",
        )


def _spread(mean: pd.Series, sd: pd.Series) -> tuple[list[float], list[float]]:
    """Error bar lengths up and down: the sd, stopped at the ends of the rating scale."""
    sd = sd.fillna(0).astype(float)
    mean = mean.astype(float)
    up = [0.0 if math.isnan(m) else min(v, SCALE_HI - m) for m, v in zip(mean, sd, strict=True)]
    down = [0.0 if math.isnan(m) else min(v, m - SCALE_LO) for m, v in zip(mean, sd, strict=True)]
    return [max(u, 0.0) for u in up], [max(d, 0.0) for d in down]


def _stance_trace(d: pd.DataFrame, stance: str, *, spread: bool = False) -> go.Scatter:
    """The points of one stance: its colour and symbol, sized by raters, the sd as light
    bars within the scale, a thick dark ring when contested; group and sd on hover."""
    contested = d["contested"].astype(bool).tolist()
    hover = [
        f"<b>{n}</b> ({g})<br>Power {pw:.1f} (sd {ps:.1f})<br>Interest {it:.1f} (sd {isd:.1f})"
        f"<br>{nr} raters<br>Stance: {STANCE_LABELS[stance].lower()}"
        f"{'<br><b>Contested</b>: raters disagree' if c else ''}"
        for n, g, pw, ps, it, isd, nr, c in zip(
            d["name"], d["group"].fillna(NO_GROUP), d["power"], d["power_sd"].fillna(0),
            d["interest"], d["interest_sd"].fillna(0), d["n_raters"], contested,
        )
    ]  # fmt: skip
    x_up, x_down = _spread(d["interest"], d["interest_sd"])
    y_up, y_down = _spread(d["power"], d["power_sd"])
    bars = {"thickness": 1, "width": 0, "color": _SPREAD_COLOR, "visible": spread}
    color = STANCE_COLORS.get(stance, STANCE_COLORS["neutral"])
    return go.Scatter(
        x=d["interest"].tolist(),
        y=d["power"].tolist(),
        mode="markers",
        name=STANCE_LABELS[stance],
        text=d["name"].tolist(),
        hovertext=hover,
        hoverinfo="text",
        customdata=d["stakeholder_id"].tolist(),
        error_x={"type": "data", "symmetric": False, "array": x_up, "arrayminus": x_down, **bars}
        if spread else None,
        error_y={"type": "data", "symmetric": False, "array": y_up, "arrayminus": y_down, **bars}
        if spread else None,
        marker={
            "size": _marker_size(d["n_raters"]),
            "color": color,
            "symbol": STANCE_SYMBOLS[stance],
            "line": {
                "width": [3 if c else 1 for c in contested],
                "color": [CONTESTED_COLOR if c else ("white" if stance != "not_rated" else color)
                          for c in contested],
            },
            "opacity": 0.92,
        },
    )  # fmt: skip


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


#: The smallest plot area the grid is drawn in (pixels: a 1024-pixel screen, legend at the
#: side); names are placed so that they do not overlap there, so neither anywhere wider.
_PLOT_W, _PLOT_H = 600, 470
_LABEL_PX = (6.6, 17)  # pixels per character, line height (12-pixel text)


def _place_names(rows: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Where each name goes (x and y shift in pixels from its point), so that no two names
    and no name and quadrant title overlap: above the point, else below, right, left, or
    further up or down; a name with no free place is not written (hover shows it)."""
    ppx = _PLOT_W / (AXIS_HI - AXIS_LO)
    ppy = _PLOT_H / (AXIS_HI - AXIS_LO)
    taken: list[tuple[float, float, float, float]] = []
    # the quadrant titles in their outer corners (about 130 x 22 pixels)
    for right in (False, True):
        for top in (False, True):
            x0 = _PLOT_W - 140 if right else 0
            y0 = _PLOT_H - 26 if top else 0
            taken.append((x0, y0, x0 + 140, y0 + 26))
    out = {}
    order = rows.sort_values(["power", "interest"], ascending=[False, True])
    for rec in order.itertuples(index=False):
        text = str(rec.name) + (TEXT["contested_name"] if bool(rec.contested) else "")
        w = _LABEL_PX[0] * len(text) + 8
        h = _LABEL_PX[1]
        r = _marker_size(pd.Series([rec.n_raters]))[0] / 2
        cx = (float(rec.interest) - AXIS_LO) * ppx
        cy = (float(rec.power) - AXIS_LO) * ppy
        for dx, dy in ((0, r + 10), (0, -r - 10), (r + 6 + w / 2, 0), (-r - 6 - w / 2, 0),
                       (0, r + 28), (0, -r - 28)):  # fmt: skip
            box = (cx + dx - w / 2, cy + dy - h / 2, cx + dx + w / 2, cy + dy + h / 2)
            inside = box[0] >= 0 and box[2] <= _PLOT_W and box[1] >= 0 and box[3] <= _PLOT_H
            free = all(box[2] <= t[0] or box[0] >= t[2] or box[3] <= t[1] or box[1] >= t[3]
                       for t in taken)  # fmt: skip
            if inside and free:
                taken.append(box)
                out[rec.stakeholder_id] = (dx, dy)
                break
    return out


def _add_names(marks: Marks, rows: pd.DataFrame) -> set[str]:
    """Names written beside their points where they overlap nothing; the ids written."""
    places = _place_names(rows)
    for rec in rows.itertuples(index=False):
        if rec.stakeholder_id not in places:
            continue
        dx, dy = places[rec.stakeholder_id]
        marks.add_annotation(
            x=rec.interest,
            y=rec.power,
            xref="x",
            yref="y",
            text=str(rec.name) + (TEXT["contested_name"] if bool(rec.contested) else ""),
            showarrow=False,
            xshift=dx,
            yshift=dy,
            bgcolor="rgba(255, 255, 255, 0.8)",
            font={"size": 12},
            name=f"label:{rec.stakeholder_id}",
        )
    return set(places)


def _grid_notes(
    *, arrows: float | None, some_unnamed: bool, hidden: list[str], hide: str
) -> list[str]:
    """The lines under the grid: how to read it, the arrows, the names, who is not shown."""
    notes = [
        TEXT["how_to_read"]
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
        The output of :func:`~partner_analytics.analysis.stakeholders.quadrant_transitions`
        (of the whole package, or of one group of stakeholders).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One Sankey trace (the first trace) with a column of four quadrant nodes per wave,
        in the same order in every column, coloured by quadrant; the nodes of the first and
        the last column are labelled with the quadrant name (labels of the columns between
        would run into their neighbours: every node names its quadrant and wave on hover,
        ``customdata``), the wave written above each column as an annotation named
        ``wave:<wave>``; a link per non-zero count (value = ``n_stakeholders``); a legend
        of the quadrant colours (one point-less trace per quadrant).
    """
    waves: list[str] = []
    for fw, tw in frame[["from_wave", "to_wave"]].drop_duplicates().itertuples(index=False):
        for x in (fw, tw):
            if x not in waves:
                waves.append(x)
    quads = list(QUADRANT_LABELS)
    index = {(w, q): i for i, (w, q) in enumerate((w, q) for w in waves for q in quads)}
    links = frame[frame["n_stakeholders"] > 0]
    ends = {0, len(waves) - 1}
    marks = Marks()
    fig = new_figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [QUADRANT_LABELS[q] if i in ends else "" for i, w in enumerate(waves)
                          for q in quads],
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
    )  # fmt: skip
    fig.add_traces(legend_traces([(QUADRANT_LABELS[q], _solid(QUADRANT_COLORS[q])) for q in quads]))
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
            y=1.0,
            xref="paper",
            yref="paper",
            yshift=24,
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            align="left",
            text="<br>".join(notes),
            font={"size": 12, "color": NOTE_TEXT},
            name="notes",
        )
    fig.update_layout(
        **base_layout(title or "How stakeholders moved between quadrants from wave to wave"),
        height=540,
        xaxis={"visible": False},
        yaxis={"visible": False},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "title": {"text": ""}},
    )
    fig.update_layout(margin={"l": 30, "r": 30, "t": 110 + 16 * len(notes), "b": 60})
    moves = [
        [f"{QUADRANT_LABELS[a]} ({fw}) to {QUADRANT_LABELS[b]} ({tw})", int(n)]
        for fw, tw, a, b, n in zip(links["from_wave"], links["to_wave"], links["from_quadrant"],
                                   links["to_quadrant"], links["n_stakeholders"])
        if a != b
    ]  # fmt: skip
    describe(fig, "flows", TEXT["what_moves"],
             items=moves, waves=waves, left_out=left_out,
             hide=suppressed_text(min_n_of(frame)))  # fmt: skip
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


def _table_row_height(label: str, text: str, *, chars: int = 60) -> float:
    """Pixel height of a table row whose cells wrap: the names cell holds about ``chars``
    characters a line (at the narrowest width the figure is shown), the class about 34."""
    lines = max(math.ceil(len(text) / chars), math.ceil(len(label) / 34), 1)
    return 14 + 19 * lines


def salience_members(frame: pd.DataFrame, *, wave: str | None = None) -> pd.DataFrame:
    """Who is in each salience class of one wave, as text: columns ``Salience`` (the class
    in plain words) and ``Stakeholders`` (names, comma-separated), most salient first and
    empty classes left out; then a row of the stakeholders not shown ("Not shown (n <
    {min_n})") and one of those not rated on legitimacy or urgency. The frame is
    :func:`~partner_analytics.analysis.stakeholders.salience`."""
    w = pick_wave(frame, wave)
    f = frame[frame["wave"] == w]
    shown = f[~f["suppressed"].astype(bool) & f["salience_class"].notna()]
    rows = []
    for cls in _SHORT:
        names = shown.loc[shown["salience_class"] == cls, "name"].astype(str).tolist()
        if names:
            rows.append((SALIENCE_LABELS[cls], ", ".join(names)))
    hidden = f[f["suppressed"].astype(bool) & f["salience_class"].notna()]
    if len(hidden):
        rows.append((f"Not shown ({suppressed_text(min_n_of(frame))})",
                     ", ".join(hidden["name"].astype(str))))  # fmt: skip
    unrated = f[f["salience_class"].isna()]
    if len(unrated):
        rows.append(("Not rated on legitimacy or urgency", ", ".join(unrated["name"].astype(str))))
    return pd.DataFrame(rows, columns=["Salience", "Stakeholders"])


def plot_salience(
    frame: pd.DataFrame,
    *,
    wave: str | None = None,
    title: str | None = None,
    table: bool = True,
) -> go.Figure:
    """Stakeholder salience: a Venn diagram of power, legitimacy and urgency and a grouped table.

    Parameters
    ----------
    frame : DataFrame
        The output of :func:`~partner_analytics.analysis.stakeholders.salience`.
    wave : str, optional
        The wave to draw (default: the latest in ``frame``).
    title : str, optional
    table : bool
        Draw the table of who is in each class under the diagram (default). The dashboards
        show it as an HTML table instead (:func:`salience_members`), which never cuts rows.

    Returns
    -------
    plotly.graph_objects.Figure
        Three circles (layout shapes named ``circle:power`` ...), each labelled, and in
        each region an annotation named ``salience:<class>`` with the class and how many
        stakeholders it holds. Under it (``table``), the full width of the figure, a Table
        trace with the rows of :func:`salience_members` (class in bold), the figure tall
        enough for every row at a width of 600 pixels.
    """
    w = pick_wave(frame, wave)
    f = frame[frame["wave"] == w]
    shown = f[~f["suppressed"].astype(bool) & f["salience_class"].notna()]
    marks = Marks()
    venn_px = 420
    members_table = salience_members(frame, wave=w) if table else None
    if table:
        classes = [
            f"<b>{c}</b>" if c in SALIENCE_LABELS.values() else c
            for c in members_table["Salience"]
        ]
        names = members_table["Stakeholders"].tolist()
        table_px = 40 + sum(_table_row_height(c, n) for c, n in zip(classes, names))
        fig = themed(
            make_subplots(
                rows=2, cols=1, row_heights=[venn_px, table_px], vertical_spacing=0.03,
                specs=[[{"type": "xy"}], [{"type": "table"}]],
            )
        )  # fmt: skip
        height = 110 + venn_px + table_px
    else:
        fig = new_figure()
        height = 110 + venn_px
    label_at = {"power": (-1.25, 1.5), "legitimacy": (1.25, 1.5), "urgency": (0.0, -1.78)}
    for attr, (cx, cy) in _CIRCLES.items():
        color = SALIENCE_COLORS[attr]
        marks.add_shape(
            type="circle", xref="x", yref="y", x0=cx - 1, x1=cx + 1, y0=cy - 1, y1=cy + 1,
            line={"color": color, "width": 2}, fillcolor=color, opacity=0.12,
            name=f"circle:{attr}",
        )  # fmt: skip
        lx, ly = label_at[attr]
        marks.add_annotation(
            x=lx, y=ly, xref="x", yref="y", text=f"<b>{attr.capitalize()}</b>", showarrow=False,
            font={"size": 16, "color": color}, name=f"circle:{attr}",
        )  # fmt: skip
    members = {
        cls: shown.loc[shown["salience_class"] == cls, "name"].astype(str).tolist()
        for cls in _SHORT
    }
    for cls, (x, y) in _REGIONS.items():
        n = len(members[cls])
        marks.add_annotation(
            x=x, y=y, xref="x", yref="y", text=f"<b>{_SHORT[cls]}</b><br>{n}", showarrow=False,
            font={"size": 12, "color": TEXT_COLOR if n else EMPTY_TEXT}, name=f"salience:{cls}",
            hovertext=", ".join(members[cls]) or "none",
        )  # fmt: skip
    n_none = len(members["non_stakeholder"])
    marks.add_annotation(
        x=1.9, y=-1.75, xref="x", yref="y", text=f"<b>{_SHORT['non_stakeholder']}</b><br>{n_none}",
        showarrow=False, font={"size": 12, "color": TEXT_COLOR if n_none else EMPTY_TEXT},
        name="salience:non_stakeholder", hovertext=", ".join(members["non_stakeholder"]) or "none",
    )  # fmt: skip
    if table:
        fig.add_trace(
            go.Table(
                columnwidth=[0.36, 0.64],
                header={"values": ["<b>Salience</b>", "<b>Stakeholders</b>"], "align": "left",
                        "fill_color": HEADER_FILL},
                cells={"values": [classes, names], "align": "left", "font": {"size": 13}},
            ),
            row=2,
            col=1,
        )  # fmt: skip
    fig.update_layout(
        **base_layout(title or f"Which stakeholders hold power, legitimacy and urgency, {w}"),
        showlegend=False,
        height=height,
    )
    fig.update_xaxes(visible=False, range=[-2.6, 2.6])
    fig.update_yaxes(visible=False, range=[-2.0, 1.75], scaleanchor="x", scaleratio=1)
    fig.update_layout(margin={"l": 20, "r": 20, "t": 70, "b": 30})
    describe(
        fig, "venn", TEXT["what_salience"].format(wave=w),
        groups={_SHORT[c]: members[c] for c in _SHORT},
        hidden=len(f[f["suppressed"].astype(bool)]), hide=suppressed_text(min_n_of(frame)),
    )  # fmt: skip
    return marks.apply(fig)
