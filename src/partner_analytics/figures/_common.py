"""Helpers shared by the figure builders: marks set at once, the wave to draw, labels that
wrap (and :func:`~partner_analytics.figures.facts.describe`, re-exported)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from partner_analytics.figures.facts import describe

__all__ = ["Marks", "describe", "min_n_of", "pick_wave", "wrap_label"]


def wrap_label(text: str, width: int = 16, *, max_lines: int = 3) -> str:
    """A label broken into lines of about ``width`` characters at spaces (``<br>``), cut
    with "…" after ``max_lines`` lines: axis and radar labels that do not run into each other."""
    words = str(text).split()
    lines: list[str] = []
    cur = ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    return "<br>".join(lines)


def pick_wave(frame: pd.DataFrame, wave: str | None, column: str = "wave") -> str:
    """The wave to draw: the one asked for, else the latest in the frame (by its end date,
    ``<column>_end`` or ``wave_end``; see :func:`~partner_analytics.analysis.headlines.latest_wave`)."""
    from partner_analytics.analysis.headlines import latest_wave

    if frame.empty:
        raise ValueError("the frame has no rows to draw")
    if wave is not None:
        if wave not in set(frame[column]):
            have = ", ".join(pd.unique(frame[column]))
            raise ValueError(f"wave {wave!r} is not in the frame; it has: {have}")
        return wave
    return latest_wave(frame, column)


def min_n_of(frame: pd.DataFrame) -> int:
    """The small-cell threshold a frame was computed with (``frame.attrs["min_n"]``, set by
    the analyses), else the package default."""
    from partner_analytics.analysis.small_cells import default_min_n

    value = frame.attrs.get("min_n")
    return int(value) if value is not None else default_min_n()


class Marks:
    """Annotations and shapes gathered while a figure is built, then set on it at once.

    ``fig.add_annotation`` / ``fig.add_shape`` validate the figure's whole list again on
    every call, so drawing n of them one by one costs O(n^2) (40 annotations: ~300 ms,
    against ~20 ms when set at once). Builders call ``marks.add_annotation(...)`` and
    ``marks.add_shape(...)`` with plotly's keywords, then ``marks.apply(fig)``: the marks
    follow any the figure already has, in the order they were added.
    """

    def __init__(self) -> None:
        self.annotations: list[dict] = []
        self.shapes: list[dict] = []

    def add_annotation(self, **kwargs) -> None:
        self.annotations.append(kwargs)

    def add_shape(self, **kwargs) -> None:
        self.shapes.append(kwargs)

    def apply(self, fig: go.Figure) -> go.Figure:
        if self.annotations:
            fig.layout.annotations = (*fig.layout.annotations, *self.annotations)
        if self.shapes:
            fig.layout.shapes = (*fig.layout.shapes, *self.shapes)
        self.annotations, self.shapes = [], []
        return fig
