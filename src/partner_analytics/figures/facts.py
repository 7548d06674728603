"""What a figure shows, recorded with it: the facts its text alternative is written from.

A figure builder calls :func:`describe` with the kind of chart, what it is of and the
numbers and names it draws (from the analysis frame); the facts travel in
``layout.meta`` (plotly draws nothing of them) to
:func:`partner_analytics.present.alt_text.alt_text`, which writes the sentence.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

__all__ = ["ALT_KEY", "describe", "facts_of", "plain"]

#: The key of ``layout.meta`` holding the facts of a figure (see :func:`describe`).
ALT_KEY = "pa_alt"


def plain(value):
    """A value as plain JSON: numbers as float or int, missing as None, text as str."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, bool):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return int(value)
    if isinstance(value, float) or hasattr(value, "dtype"):
        v = float(value)
        return None if math.isnan(v) else v
    return str(value)


def describe(fig: go.Figure, kind: str, what: str, **facts) -> go.Figure:
    """Record what ``fig`` shows, for its text alternative
    (:func:`partner_analytics.present.alt_text.alt_text`): the kind of chart ("bars",
    "lines", "grid", "radar", "flows", "network", "table", "venn", "heatmap", "empty"),
    what it is of (plain words) and the facts drawn (``items``: [label, value] pairs,
    ``series``, ``groups``, ``unit``, ...), taken from the frame the figure draws.

    The facts go in ``layout.meta`` (plotly carries them, draws nothing of them).
    """
    fig.layout.meta = {ALT_KEY: {"kind": kind, "what": what, **plain(facts)}}
    return fig


def facts_of(fig) -> dict | None:
    """The facts :func:`describe` recorded on a figure (or a FigureWidget), or None."""
    meta = fig.layout.meta if hasattr(fig, "layout") else None
    if isinstance(meta, dict):
        return meta.get(ALT_KEY)
    return None


