"""One look for every figure, dashboard and report: the palette, legends, the template.

Every figure builder, dashboard card and report table takes its colours from here, so a
sector, a stakeholder group, a status or a tone (good, watch, bad) has the same colour on
every page: 0 % kept on time is never green, a group keeps its colour whatever a filter
leaves. Colour is never the only cue: statuses have labels and patterns, stances and
sectors symbols, tones a sign (:data:`TONE_SYMBOLS`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "BAND_COLORS",
    "BAND_TONES",
    "CONTESTED_COLOR",
    "CURRENT_COLOR",
    "DELIVERED_COLOR",
    "FONT",
    "GROUP_PALETTE",
    "HEADER_FILL",
    "MEASURE_COLORS",
    "MEASURE_DASHES",
    "MUTED_TEXT",
    "NOTE_TEXT",
    "PLEDGED_COLOR",
    "PREVIOUS_COLOR",
    "QUADRANT_COLORS",
    "QUADRANT_LABELS",
    "SALIENCE_COLORS",
    "SALIENCE_LABELS",
    "SECTOR_COLORS",
    "SECTOR_LABELS",
    "SECTOR_SYMBOLS",
    "STANCE_COLORS",
    "STANCE_LABELS",
    "STANCE_SYMBOLS",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "STATUS_PATTERNS",
    "STATUS_TONES",
    "TEMPLATE",
    "TEXT_COLOR",
    "TONE_COLORS",
    "TONE_SYMBOLS",
    "TONE_TINTS",
    "base_layout",
    "contrast_ratio",
    "date_text",
    "empty_figure",
    "follow_through_tone",
    "group_colors",
    "legend_traces",
    "luminance",
    "new_figure",
    "suppressed_text",
    "text_on",
    "themed",
    "tone_color",
]



def date_text(day) -> str:
    """A day as read in a title, a card or a table: "30 Sep 2026", "1 Jul 2026"."""
    return pd.Timestamp(day).strftime("%d %b %Y").lstrip("0")


def suppressed_text(min_n: int) -> str:
    """What a suppressed cell reads on every figure, page and report: "n < {min_n}"."""
    return f"n < {int(min_n)}"


# ---------------------------------------------------------------- the palette
# One meaning per colour on every page, figure and report: a colour says what kind of
# thing it marks (a sector, a status, a tone) and the same thing always has the same
# colour. Text on a coloured background takes :func:`text_on` (WCAG AA contrast);
# tests/figures/test_palette.py computes the ratios.

#: Tones of a figure or card: good, watch (needs a look), bad, neutral (a count or a
#: category, no judgement) and none (nothing to judge).
TONE_COLORS = {
    "good": "#1b7837",
    "watch": "#a35200",
    "bad": "#c0392b",
    "neutral": "#17324d",
    "none": "#6b6b6b",
}
#: Light backgrounds of the tones (alerts, messages, banners), each readable under
#: text of the tone's own colour and under body text.
TONE_TINTS = {
    "good": "#eaf5ec",
    "watch": "#fdf3e7",
    "bad": "#fbeceb",
    "neutral": "#eaf1f9",
    "none": "#f6f7f8",
}
#: The symbol of each tone, beside its colour (colour is never the only cue).
TONE_SYMBOLS = {"good": "✓", "watch": "!", "bad": "✗", "neutral": "", "none": "–"}

SECTOR_COLORS = {
    "public": "#1f5fa8",
    "private": "#c8741f",
    "civil_society": "#2e9e5b",
    "academic": "#8a4fbf",
    "funder": "#c23b5a",
    "other": "#6b6b6b",
}
SECTOR_LABELS = {
    "public": "Public",
    "private": "Private",
    "civil_society": "Civil society",
    "academic": "Academic",
    "funder": "Funder",
    "other": "Other",
}
#: Marker symbols of the sectors (network map), beside their colours.
SECTOR_SYMBOLS = {
    "public": "circle",
    "private": "square",
    "civil_society": "diamond",
    "academic": "triangle-up",
    "funder": "pentagon",
    "other": "hexagon",
}

# indicator statuses (Open SDG progress measure) and their plain-language labels
STATUS_COLORS = {
    "target_achieved": "#1b7837",
    "substantial_progress": "#5aae61",
    "moderate_progress": "#f1c232",
    "limited_progress": "#e08214",
    "deterioration": "#c0392b",
    "not_available": "#9e9e9e",
}
STATUS_LABELS = {
    "target_achieved": "Target achieved",
    "substantial_progress": "On track",
    "moderate_progress": "Moderate progress",
    "limited_progress": "Limited progress",
    "deterioration": "Deteriorating",
    "not_available": "Not enough data",
}
#: Fill patterns of the statuses in bars (plotly ``marker.pattern.shape``; the dashboards'
#: HTML bars draw the same with CSS): the worse the status, the denser the hatching.
STATUS_PATTERNS = {
    "target_achieved": "",
    "substantial_progress": "",
    "moderate_progress": ".",
    "limited_progress": "/",
    "deterioration": "x",
    "not_available": "-",
}
#: The tone of each status (a card or an alert coloured by a status).
STATUS_TONES = {
    "target_achieved": "good",
    "substantial_progress": "good",
    "moderate_progress": "watch",
    "limited_progress": "watch",
    "deterioration": "bad",
    "not_available": "none",
}

# collaboration-health bands
BAND_COLORS = {"strength": "#2e9e5b", "borderline": "#f1c232", "concern": "#c0392b"}
BAND_TONES = {"strength": "good", "borderline": "watch", "concern": "bad"}

QUADRANT_LABELS = {
    "manage_closely": "Manage closely",
    "keep_satisfied": "Keep satisfied",
    "keep_informed": "Keep informed",
    "monitor": "Monitor",
}
QUADRANT_COLORS = {
    "manage_closely": "rgba(192, 57, 43, 0.10)",
    "keep_satisfied": "rgba(241, 194, 50, 0.14)",
    "keep_informed": "rgba(31, 95, 168, 0.10)",
    "monitor": "rgba(158, 158, 158, 0.10)",
}
#: Stances: the good and bad tones, grey for neutral; a symbol each beside the colour.
STANCE_COLORS = {
    "supportive": TONE_COLORS["good"],
    "neutral": "#6b6b6b",
    "resistant": TONE_COLORS["bad"],
}
STANCE_LABELS = {
    "supportive": "Supportive",
    "neutral": "Neutral",
    "resistant": "Resistant",
    "not_rated": "Support not rated",
}
STANCE_SYMBOLS = {
    "supportive": "triangle-up",
    "neutral": "circle",
    "resistant": "triangle-down",
    "not_rated": "circle-open",
}
#: Colour of an outline marking a contested point (raters disagree), with the stance's
#: symbol inside it.
CONTESTED_COLOR = "#222222"
SALIENCE_LABELS = {
    "definitive": "Definitive (power, legitimacy, urgency)",
    "dominant": "Dominant (power, legitimacy)",
    "dangerous": "Dangerous (power, urgency)",
    "dependent": "Dependent (legitimacy, urgency)",
    "dormant": "Dormant (power only)",
    "discretionary": "Discretionary (legitimacy only)",
    "demanding": "Demanding (urgency only)",
    "non_stakeholder": "No attribute held",
}
#: The attributes of salience (Venn circles).
SALIENCE_COLORS = {"power": "#1f5fa8", "legitimacy": "#1b7837", "urgency": "#a35200"}

#: Stakeholder groups: assigned in the order of the package's groups (all of them, not the
#: ones a filter leaves), so that a group keeps its colour whatever is filtered.
GROUP_PALETTE = (
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#6a3d9a",
    "#0a7d8c", "#b2182b", "#4d7f17", "#a6761d", "#e7298a", "#6b6b6b",
)  # fmt: skip

#: Measures drawn as lines side by side (the network's trend): a colour and a dash each.
MEASURE_COLORS = {"density": "#17324d", "trust": "#1f5fa8", "value": "#a35200"}
MEASURE_DASHES = {"density": "solid", "trust": "dash", "value": "dot"}

#: Series of one chart: the figure of now and the comparison (previous wave, reference).
CURRENT_COLOR = "#1f5fa8"
PREVIOUS_COLOR = "#6b6b6b"
#: Delivered against pledged.
DELIVERED_COLOR = "#1f5fa8"
PLEDGED_COLOR = "#6b6b6b"
#: Text on the page (body, secondary, notes) and the background of tables' headers.
TEXT_COLOR = "#222222"
MUTED_TEXT = "#4a4a4a"
NOTE_TEXT = "#555555"
HEADER_FILL = "#eef2f6"


def group_colors(groups) -> dict[str, str]:
    """A colour per stakeholder group, by the group's place in ``groups`` (sorted): pass
    every group of the package, so that a filter never recolours a group."""
    ordered = sorted({str(g) for g in groups if g is not None and not pd.isna(g)})
    return {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(ordered)}


def tone_color(tone: str) -> str:
    """The colour of a tone ("good", "watch", "bad", "neutral", "none")."""
    return TONE_COLORS.get(tone, TONE_COLORS["none"])


def follow_through_tone(rate, overdue) -> str:
    """The tone of commitments kept on time: "bad" when any is overdue, "watch" when none
    is overdue but some were done late, "good" only when every due commitment was kept on
    time, "none" when nothing is due. 0 % kept on time is never good."""
    if rate is None or pd.isna(rate):
        return "none"
    if overdue is not None and not pd.isna(overdue) and int(overdue) > 0:
        return "bad"
    return "good" if float(rate) >= 1.0 else "watch"


def _channel(c: int) -> float:
    s = c / 255.0
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.strip()
    if c.startswith("#"):
        h = c[1:]
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    if c.startswith("rgb"):
        parts = c[c.index("(") + 1 : c.index(")")].split(",")
        return int(float(parts[0])), int(float(parts[1])), int(float(parts[2]))
    if c in ("white", "#fff"):
        return 255, 255, 255
    raise ValueError(f"not a colour this palette writes: {color!r}")


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x) of a ``#rrggbb`` or ``rgb()`` colour."""
    r, g, b = _rgb(color)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21; AA asks 4.5 for text, 3 for large
    text and for graphics)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """White or dark text, whichever contrasts more with ``background``."""
    white, dark = "#ffffff", TEXT_COLOR
    return white if contrast_ratio(white, background) >= contrast_ratio(dark, background) else dark


def legend_traces(items, *, title: str | None = None, symbol: str = "square") -> list[go.Scatter]:
    """Legend entries for colours a chart uses without a trace of their own (Sankey nodes,
    shapes): one invisible-point trace per (label, colour[, symbol]) item.

    The traces have no data point (``x = [None]``), so they add a key, not a mark; their
    axes are left to the figure (hide them on a chart without axes).
    """
    out = []
    for item in items:
        label, color = item[0], item[1]
        sym = item[2] if len(item) > 2 else symbol
        out.append(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=str(label), showlegend=True,
                hoverinfo="skip", legendgroup="key",
                legendgrouptitle={"text": title} if title and not out else None,
                marker={"color": color, "symbol": sym, "size": 12},
            )
        )  # fmt: skip
    return out


FONT = {"family": "Segoe UI, Helvetica, Arial, sans-serif", "size": 15, "color": TEXT_COLOR}
TEMPLATE = "plotly_white"


def base_layout(title: str, **extra) -> dict:
    """Layout shared by every figure: plain title, large font for a projector (the template
    comes with the figure: :func:`new_figure`)."""
    layout = {
        # at the top of the figure, whatever its height: a legend above the chart goes under it
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 20},
                  "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 16}},
        "font": FONT,
        "margin": {"l": 60, "r": 30, "t": 70, "b": 50},
    }
    layout.update(extra)
    return layout


def new_figure(data=None) -> go.Figure:
    """A figure of ``data`` (a trace or a list of traces) in the product's template."""
    return themed(go.Figure(data))


def themed(fig: go.Figure) -> go.Figure:
    """``fig`` with the product's template (``theme.TEMPLATE``), returned.

    The template is attached the way plotly attaches its own default template: as the
    registered, already valid template object, without validating it again. Passing
    ``template=`` in a layout validates the whole template for each figure, which costs
    about ten times the rest of a small figure (measured: ~150 ms against ~15 ms per figure
    on a loaded 2-core machine). plotly's global default is left alone.
    """
    lay = fig.layout
    validate = getattr(lay, "_validate", None)
    if validate is None:  # another plotly: the plain (validated) way
        lay.template = TEMPLATE
        return fig
    lay._validate = False
    try:
        lay.template = pio.templates[TEMPLATE]
    finally:
        lay._validate = validate
    return fig


def empty_figure(text: str, *, title: str = "") -> go.Figure:
    """A blank figure saying why there is nothing to draw (a filter left no rows)."""
    from partner_analytics.figures.facts import describe

    fig = new_figure()
    describe(fig, "empty", title or "", text=text)
    fig.update_layout(
        **base_layout(title or " "),
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {"text": text, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
             "font": {"size": 20, "color": MUTED_TEXT}}
        ],
    )  # fmt: skip
    return fig
