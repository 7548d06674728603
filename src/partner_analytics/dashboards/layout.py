"""The pieces of a dashboard page as HTML: title bar, cards, alerts, tables, messages.

Each function returns an HTML string (tests read it); :func:`html` wraps one in an
``ipywidgets.HTML`` so that a page can change it in place. The look lives in
``dashboard.css`` next to this module, put on the page once by the title bar. Colours of
sectors, statuses and bands come from :mod:`partner_analytics.figures.theme`, so a sector
has the same colour on a card as in a figure.

Numbers are formatted by :mod:`partner_analytics.present.formats` (the small-cell rule:
a suppressed value reads "n < {min_n}"); tables are written by the one table renderer,
:func:`partner_analytics.present.tables.html_table`; problem lists go through
:mod:`partner_analytics.present.redaction`.
"""

from __future__ import annotations

import functools
import html as _html
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

__all__ = [
    "DASHBOARD_CSS",
    "alerts_list",
    "bar",
    "card",
    "cards",
    "chip",
    "css",
    "esc",
    "html",
    "legend",
    "message",
    "missing_message",
    "problems_message",
    "ready_marker",
    "section_title",
    "sparkline",
    "title_bar",
]

DASHBOARD_CSS = Path(__file__).with_name("dashboard.css")

#: class of the hidden element saying the page has been built and how many figures it draws
READY_CLASS = "pa-ready"


@functools.cache
def css() -> str:
    """The dashboard style sheet (``dashboard.css``)."""
    return DASHBOARD_CSS.read_text(encoding="utf-8")


def esc(value) -> str:
    """Text made safe for HTML ("–" for a missing value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return _html.escape(str(value))


def html(value: str = "", *, classes: Sequence[str] = ()):
    """An ``ipywidgets.HTML`` holding ``value`` (a page changes ``.value`` in place)."""
    import ipywidgets as w

    widget = w.HTML(value=value)
    for c in classes:
        widget.add_class(c)
    return widget


def title_bar(
    name: str,
    page_title: str,
    *,
    as_of: str = "",
    as_of_note: str = "",
    nav: Sequence[tuple[str, str]] = (),
    current: str = "",
    with_css: bool = True,
) -> str:
    """The title bar: partnership name, page title, the as-of date and links to the pages.

    ``nav`` holds (notebook name, title) pairs; links are relative (``stakeholders.ipynb``)
    so that they work under any base URL and token cookie. The style sheet is put in front
    of the bar (once per page) unless ``with_css`` is False.
    """
    links = "".join(
        f'<a href="{esc(nb)}.ipynb" class="{"pa-current" if nb == current else ""}">{esc(title)}</a>'
        for nb, title in nav
    )
    nav_html = f'<nav class="pa-nav"><a href="../tree">All dashboards</a>{links}</nav>' if nav else ""
    asof_html = (
        f'<div class="pa-asof">{esc(as_of)}<small>{esc(as_of_note)}</small></div>' if as_of else ""
    )
    style = f"<style>{css()}</style>" if with_css else ""
    return (
        f'{style}<div class="pa-titlebar"><div><span class="pa-name">{esc(name)}</span>'
        f'<span class="pa-page"> · {esc(page_title)}</span></div>{asof_html}{nav_html}</div>'
    )


def card(
    label: str,
    value: str,
    *,
    unit: str = "",
    detail: str = "",
    change: str = "",
    change_tone: str = "same",
    accent: str | None = None,
    extra: str = "",
    key: str = "",
) -> str:
    """One headline card: a label, a big value, a change line, a detail line, extra HTML.

    ``change_tone`` is "good", "bad" or "same" (colour of the change line); ``accent`` is
    the colour of the card's left border (a band or status colour). ``extra`` is HTML put
    under the text (a bar, a sparkline). ``key`` names the card for tests
    (``data-card="health_index"``).
    """
    style = f' style="border-left-color:{accent}"' if accent else ""
    unit_html = f" <small>{esc(unit)}</small>" if unit else ""
    change_html = f'<div class="pa-change pa-{change_tone}">{esc(change)}</div>' if change else ""
    detail_html = f'<div class="pa-detail">{esc(detail)}</div>' if detail else ""
    return (
        f'<div class="pa-card" data-card="{esc(key)}"{style}><div class="pa-label">{esc(label)}</div>'
        f'<div class="pa-value">{esc(value)}{unit_html}</div>{change_html}{detail_html}{extra}</div>'
    )


def cards(items: Iterable[str], *, columns: int | None = None) -> str:
    """Cards side by side: a responsive grid, or ``columns`` columns on a wide screen."""
    cls = f"pa-cards pa-cols-{int(columns)}" if columns else "pa-cards"
    return f'<div class="{cls}">{"".join(items)}</div>'


def bar(parts: Sequence[tuple[float, str, str]]) -> str:
    """A horizontal stacked bar: (share 0..1, colour, tooltip) per part."""
    spans = "".join(
        f'<span style="width:{max(0.0, min(1.0, float(share))) * 100:.2f}%;background:{color}" '
        f'title="{esc(tip)}"></span>'
        for share, color, tip in parts
        if share and share > 0
    )
    return f'<div class="pa-bar">{spans}</div>'


def sparkline(
    values: Sequence[float],
    labels: Sequence[str] = (),
    *,
    width: int = 220,
    height: int = 46,
    color: str = "#17324d",
    lo: float | None = None,
    hi: float | None = None,
) -> str:
    """A small line (inline SVG) of a few values, the last one marked; NaN leaves a gap.

    The overview draws its trends this way rather than with plotly: a page with plotly
    figures loads plotly.js (about 5 MB), which costs seconds on a projector laptop.
    """
    pts = [(i, float(v)) for i, v in enumerate(values) if v is not None and not pd.isna(v)]
    if len(pts) < 2:
        return ""
    ys = [v for _, v in pts]
    lo = min(ys) if lo is None else lo
    hi = max(ys) if hi is None else hi
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)
    pad = 5

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / n
        y = pad + (height - 2 * pad) * (1 - (v - lo) / span)
        return x, y

    coords = [xy(i, v) for i, v in pts]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    lx, ly = coords[-1]
    tips = "".join(
        f"<title>{esc(labels[i] if i < len(labels) else '')}: {v:.1f}</title>" for i, v in pts[-1:]
    )
    ends = ""
    if len(labels) == len(values) and labels:
        ends = (
            f'<div class="pa-spark-ends" style="width:{width}px"><span>{esc(labels[0])}</span>'
            f"<span>{esc(labels[-1])}</span></div>"
        )
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f'<polyline fill="none" stroke="{color}" stroke-width="2.5" points="{path}"/>'
        f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="4.5" fill="{color}">{tips}</circle></svg>{ends}'
    )


SEVERITY_CLASS = {"alert": "", "watch": "pa-watch", "good": "pa-good", "info": "pa-info"}


def alerts_list(frame: pd.DataFrame | None, *, empty: str = "No alerts.") -> str:
    """Sentences as a list, coloured by severity (``topic``, ``severity``, ``sentence``); an
    ``action`` column, when given, is a line under its sentence (the action answering it)."""
    if frame is None or not len(frame):
        return f'<ul class="pa-alerts"><li class="pa-good">{esc(empty)}</li></ul>'
    items = []
    for rec in frame.itertuples(index=False):
        sev = getattr(rec, "severity", "alert")
        topic = getattr(rec, "topic", "")
        topic_html = f'<span class="pa-topic">{esc(str(topic).capitalize())}:</span>' if topic else ""
        action = getattr(rec, "action", "")
        action_html = f'<div class="pa-alert-action">{esc(action)}</div>' if isinstance(action, str) and action else ""
        items.append(f'<li class="{SEVERITY_CLASS.get(sev, "")}">{topic_html}{esc(rec.sentence)}{action_html}</li>')
    return f'<ul class="pa-alerts">{"".join(items)}</ul>'


def message(title: str, body: str = "", *, kind: str = "error", body_html: str = "") -> str:
    """A message card: "error" (red), "missing" (grey: no data for this part) or "info"."""
    cls = {"error": "", "missing": "pa-missing", "info": "pa-info"}.get(kind, "")
    body = f"<p>{esc(body)}</p>" if body else ""
    return (
        f'<div class="pa-message {cls}" data-message="{esc(kind)}"><h2>{esc(title)}</h2>'
        f"{body}{body_html}</div>"
    )


def missing_message(what: str, reason: str = "") -> str:
    """The card standing in for a part of a page whose data the package does not have."""
    return message(f"No data for {what} in this package", reason, kind="missing")


PROBLEM_HEADERS = {
    "table": "Table",
    "file": "File",
    "row": "Row",
    "column": "Column",
    "value": "Value",
    "message": "What is wrong",
}


def problems_message(problems: pd.DataFrame, *, source: str = "", limit: int = 20) -> str:
    """The message shown instead of a page when the package has errors.

    Lists the errors (table, file, row, column, value, what is wrong), redacted (no
    respondent or rater id, comment or extra column of a survey table): the first
    ``limit`` of them and how many more there are.
    """
    from partner_analytics.present.redaction import redact_problems
    from partner_analytics.present.tables import html_table

    errors = problems[problems["severity"] == "error"] if "severity" in problems else problems
    n = len(errors)
    frame = redact_problems(errors.reindex(columns=list(PROBLEM_HEADERS)))
    frame["file"] = [Path(str(f)).name if isinstance(f, str) and f else f for f in frame["file"]]
    frame["row"] = ["" if (r is None or pd.isna(r)) else str(int(r)) for r in frame["row"]]
    for c in ("table", "file", "column", "value", "message"):
        frame[c] = ["" if (v is None or (not isinstance(v, str) and pd.isna(v)) or v == "nan") else v for v in frame[c]]
    frame = frame.rename(columns=PROBLEM_HEADERS)
    where = f" ({source})" if source else ""
    title = f"The data package cannot be shown: {n} error{'s' if n != 1 else ''}"
    body = (
        f"The package{where} was not loaded because of the errors below. Correct them in the "
        "files named and reload this page (the command partner-analytics validate PATH lists "
        "them too)."
    )
    return message(title, body, body_html=html_table(frame, numeric=("Row",), max_rows=limit))


def section_title(text: str) -> str:
    return f'<div class="pa-section-title">{esc(text)}</div>'


def chip(color: str, text: str) -> str:
    """A coloured square and a label (a sector or a status in a table)."""
    return f'<span class="pa-chip" style="background:{color}"></span>{esc(text)}'


def legend(items) -> str:
    """Chips in a row: (colour, text) pairs (the key to a bar, readable without hovering)."""
    return '<div class="pa-legend">' + "".join(f"<span>{chip(c, t)}</span>" for c, t in items) + "</div>"


def ready_marker(page: str, n_figures: int) -> str:
    """A hidden element telling browser tests the page is built and how many figures it has."""
    return f'<div class="{READY_CLASS} pa-hidden" data-page="{esc(page)}" data-figures="{int(n_figures)}"></div>'
