"""One look for every figure, dashboard and report: colours of sectors, statuses, bands.

Every figure builder takes its colours from here, so a sector or a status has the same
colour on every page.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "BAND_COLORS",
    "FONT",
    "QUADRANT_COLORS",
    "QUADRANT_LABELS",
    "SALIENCE_LABELS",
    "SECTOR_COLORS",
    "SECTOR_LABELS",
    "STANCE_COLORS",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "TEMPLATE",
    "base_layout",
    "date_text",
    "empty_figure",
    "new_figure",
    "suppressed_text",
    "themed",
]



def date_text(day) -> str:
    """A day as read in a title, a card or a table: "30 Sep 2026", "1 Jul 2026"."""
    return pd.Timestamp(day).strftime("%d %b %Y").lstrip("0")


def suppressed_text(min_n: int) -> str:
    """What a suppressed cell reads on every figure, page and report: "n < {min_n}"."""
    return f"n < {int(min_n)}"


SECTOR_COLORS = {
    "public": "#1f5fa8",
    "private": "#d9822b",
    "civil_society": "#2e9e5b",
    "academic": "#8a4fbf",
    "funder": "#c23b5a",
    "other": "#7a7a7a",
}
SECTOR_LABELS = {
    "public": "Public",
    "private": "Private",
    "civil_society": "Civil society",
    "academic": "Academic",
    "funder": "Funder",
    "other": "Other",
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

# collaboration-health bands
BAND_COLORS = {"strength": "#2e9e5b", "borderline": "#f1c232", "concern": "#c0392b"}

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
STANCE_COLORS = {"supportive": "#2e9e5b", "neutral": "#9e9e9e", "resistant": "#c0392b"}
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

FONT = {"family": "Segoe UI, Helvetica, Arial, sans-serif", "size": 15, "color": "#222"}
TEMPLATE = "plotly_white"


def base_layout(title: str, **extra) -> dict:
    """Layout shared by every figure: plain title, large font for a projector (the template
    comes with the figure: :func:`new_figure`)."""
    layout = {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 20}},
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
    fig = new_figure()
    fig.update_layout(
        **base_layout(title or " "),
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {"text": text, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
             "font": {"size": 20, "color": "#5b5b5b"}}
        ],
    )  # fmt: skip
    return fig
