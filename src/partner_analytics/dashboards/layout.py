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
    "TEXT",
    "alerts_list",
    "alt_block",
    "bar",
    "card",
    "cards",
    "chip",
    "css",
    "dropped_banner",
    "esc",
    "html",
    "invalid_package_message",
    "legend",
    "message",
    "missing_message",
    "print_button",
    "problems_message",
    "ready_marker",
    "scope_note",
    "section_title",
    "sparkline",
    "status_chip",
    "title_bar",
    "tone_chip",
    "view_line",
]

#: The words of the page pieces (one place, for translation).
TEXT = {
    "all_dashboards": "All dashboards",
    "in_words": "In words",
    "print": "Print this view",
    "showing": "Showing",
    "scope": "Shows {what}.",
    "invalid_title": "The data package cannot be shown as it is: {n} error(s) in {tables}",
    "invalid_body": (
        "The package{where} did not pass validation, so nothing here is shown as if it were "
        "whole. The errors, grouped (as partner-analytics validate PATH lists them):"
    ),
    "invalid_choice": (
        "Correct them in the files named and reload this page, or look at the package "
        "without the rows that have errors: the page will then say what was left out."
    ),
    "drop_button": "Show without the rows with errors",
    "dropped_title": "Shown without {n} row(s) with errors",
    "dropped_body": (
        "The package did not pass validation. These numbers leave out the rows below and "
        "everything resting on them; correct the files named to see the whole package."
    ),
    "dropped_table": "{table}: {n} row(s) left out",
    "dropped_affects": "(used by: {pages})",
    "group_count": "{n} row(s)",
    "group_rows": "rows {rows}",
    "more_groups": "… and {n} more kinds of error",
}

#: The pages each table feeds (what rows left out of it affect).
TABLE_PAGES = {
    "partners": ("every page",),
    "stakeholders": ("Stakeholders",),
    "stakeholder_ratings": ("Overview", "Stakeholders"),
    "assessments": ("Overview", "Collaboration"),
    "factors": ("Overview", "Collaboration"),
    "items": ("Overview", "Collaboration"),
    "commitments": ("Overview", "Delivery"),
    "contributions": ("Overview", "Delivery"),
    "exchange_rates": ("Overview", "Delivery"),
    "indicators": ("Overview", "Indicators"),
    "observations": ("Overview", "Indicators"),
    "competencies": ("Partners",),
    "objectives": ("Partners",),
    "relationships": ("Partners",),
    "readiness": ("Overview",),
    "drivers": ("Overview",),
    "driver_alignment": ("Overview",),
}

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
    nav_html = (
        f'<nav class="pa-nav" aria-label="Dashboards"><a href="../tree">{TEXT["all_dashboards"]}</a>'
        f"{links}</nav>"
        if nav
        else ""
    )
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
    sign = {"good": "▲ ", "bad": "▼ "}.get(change_tone, "")  # beside the colour, never only it
    change_html = (
        f'<div class="pa-change pa-{change_tone}">{sign}{esc(change)}</div>' if change else ""
    )
    detail_html = f'<div class="pa-detail">{esc(detail)}</div>' if detail else ""
    return (
        f'<div class="pa-card" data-card="{esc(key)}"{style}><div class="pa-label">{esc(label)}</div>'
        f'<div class="pa-value">{esc(value)}{unit_html}</div>{change_html}{detail_html}{extra}</div>'
    )


def cards(items: Iterable[str], *, columns: int | None = None) -> str:
    """Cards side by side: a responsive grid, or ``columns`` columns on a wide screen."""
    cls = f"pa-cards pa-cols-{int(columns)}" if columns else "pa-cards"
    return f'<div class="{cls}">{"".join(items)}</div>'


def bar(parts: Sequence[tuple], *, label: str = "") -> str:
    """A horizontal stacked bar: (share 0..1, colour, tooltip[, pattern class]) per part.

    A pattern class (``pa-pat-x`` ...) hatches a part beside its colour; ``label`` is what
    a screen reader says of the whole bar (the tooltips otherwise).
    """
    spans = "".join(
        f'<span class="{esc(part[3]) if len(part) > 3 else ""}" '
        f'style="width:{max(0.0, min(1.0, float(part[0]))) * 100:.2f}%;background-color:{part[1]}" '
        f'title="{esc(part[2])}"></span>'
        for part in parts
        if part[0] and part[0] > 0
    )
    name = label or "; ".join(str(part[2]) for part in parts if part[0] and part[0] > 0)
    return f'<div class="pa-bar" role="img" aria-label="{esc(name)}">{spans}</div>'


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
    """A message card: "error" (red), "warning" (orange: shown, but not whole), "missing"
    (grey: no data for this part) or "info"."""
    cls = {"error": "", "missing": "pa-missing", "info": "pa-info", "warning": "pa-warning"}.get(kind, "")
    body = f"<p>{esc(body)}</p>" if body else ""
    role = ' role="alert"' if kind in ("error", "warning") else ""
    return (
        f'<div class="pa-message {cls}" data-message="{esc(kind)}"{role}><h2>{esc(title)}</h2>'
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
    return f'<h2 class="pa-section-title">{esc(text)}</h2>'


def chip(color: str, text: str, *, pattern: str = "") -> str:
    """A coloured square and a label (a sector or a status in a table); ``pattern`` a
    pattern class (``pa-pat-x``) hatching the square as the matching bar part is."""
    cls = f"pa-chip {pattern}".strip()
    return (
        f'<span class="pa-chipped"><span class="{cls}" style="background-color:{color}" '
        f'aria-hidden="true"></span>{esc(text)}</span>'
    )


def status_chip(status: str) -> str:
    """An indicator status as a chip and its label (the label is the cue; the colour and
    pattern are the status's own, :mod:`partner_analytics.figures.theme`)."""
    from partner_analytics.figures.theme import STATUS_COLORS, STATUS_LABELS, STATUS_PATTERNS

    s = status if status in STATUS_COLORS else "not_available"
    pattern = PATTERN_CLASSES.get(STATUS_PATTERNS[s], "")
    return f'<span class="pa-status">{chip(STATUS_COLORS[s], STATUS_LABELS[s], pattern=pattern)}</span>'


def tone_chip(tone: str, text: str) -> str:
    """Text in a tone's colour after the tone's sign (good ✓, watch !, bad ✗)."""
    from partner_analytics.figures.theme import TONE_SYMBOLS

    sign = TONE_SYMBOLS.get(tone, "")
    return f'<span class="pa-tone pa-{esc(tone)}">{esc(sign + " " if sign else "")}{esc(text)}</span>'


#: CSS classes drawing plotly's pattern shapes on HTML bars and chips.
PATTERN_CLASSES = {"/": "pa-pat-slash", "x": "pa-pat-x", ".": "pa-pat-dot", "-": "pa-pat-dash"}


def legend(items) -> str:
    """Chips in a row: (colour, text[, pattern class]) items (the key to a bar, readable
    without hovering)."""
    return (
        '<div class="pa-legend">'
        + "".join(f"<span>{chip(it[0], it[1], pattern=it[2] if len(it) > 2 else '')}</span>" for it in items)
        + "</div>"
    )


def alt_block(text: str) -> str:
    """A figure's text alternative, under it: "In words", open on request (screen readers
    reach it like any text; printed pages show it)."""
    return (
        f'<details class="pa-alt"><summary>{esc(TEXT["in_words"])}</summary>'
        f"<p>{esc(text)}</p></details>"
    )


def scope_note(what: str) -> str:
    """What a part shows when a filter does not change it ("Shows all partners.")."""
    return f'<div class="pa-scope">{esc(TEXT["scope"].format(what=what))}</div>'


def view_line(choices: Sequence[tuple[str, str]]) -> str:
    """The choices of the page's controls as a line (printed pages have no controls)."""
    text = " · ".join(f"{label}: {value}" for label, value in choices)
    return f'<div class="pa-view">{esc(TEXT["showing"])}: {esc(text)}</div>' if choices else ""


def print_button() -> str:
    """A button printing the page (the browser's own print of the current view)."""
    return (
        '<button type="button" class="pa-print" onclick="window.print()">'
        f'{esc(TEXT["print"])}</button>'
    )


def _grouped_errors(problems: pd.DataFrame, limit: int) -> str:
    """The errors grouped (one line per table, column and message, with how many rows and
    the first of them), redacted."""
    from partner_analytics.data.grouping import group_problems
    from partner_analytics.present.redaction import redact_problems
    from partner_analytics.present.tables import html_table

    errors = problems[problems["severity"] == "error"] if "severity" in problems else problems
    groups = group_problems(redact_problems(errors))
    shown = groups.head(limit)
    frame = pd.DataFrame(
        {
            "Table": shown["table"].tolist(),
            "File": [Path(str(f)).name if isinstance(f, str) and f else "" for f in shown["file"]],
            "Column": ["" if not isinstance(c, str) or c == "nan" else c for c in shown["column"]],
            "What is wrong": shown["message"].tolist(),
            "Rows": [
                TEXT["group_count"].format(n=int(n)) + (f" ({TEXT['group_rows'].format(rows=r)})" if r else "")
                for n, r in zip(shown["count"], shown["rows"], strict=True)
            ],
        }
    )
    more = f"<p>{esc(TEXT['more_groups'].format(n=len(groups) - limit))}</p>" if len(groups) > limit else ""
    return html_table(frame, caption=None, numeric=()) + more


def invalid_package_message(problems: pd.DataFrame, *, source: str = "", limit: int = 12) -> str:
    """The banner of a package that fails validation: the errors grouped, and the choice
    to look at it without the rows that have errors (the button is a widget under it)."""
    errors = problems[problems["severity"] == "error"] if "severity" in problems else problems
    tables = ", ".join(dict.fromkeys(str(t) for t in errors["table"] if isinstance(t, str)))
    where = f" ({source})" if source else ""
    title = TEXT["invalid_title"].format(n=len(errors), tables=tables or "the package")
    body = TEXT["invalid_body"].format(where=where)
    return message(
        title, body, kind="error",
        body_html=_grouped_errors(problems, limit) + f"<p>{esc(TEXT['invalid_choice'])}</p>",
    )  # fmt: skip


def dropped_banner(p, *, limit: int = 8) -> str:
    """The banner over a page shown without the rows that have errors: how many rows of
    which table were left out, which pages they feed, and the errors grouped."""
    rej = p.rejected
    lines = []
    for table in dict.fromkeys(str(t) for t in rej["table"]):
        n = len(rej[rej["table"] == table])
        pages = ", ".join(TABLE_PAGES.get(table, ("this page",)))
        lines.append(
            f"<li>{esc(TEXT['dropped_table'].format(table=table, n=n))} "
            f"{esc(TEXT['dropped_affects'].format(pages=pages))}</li>"
        )
    body_html = f"<ul>{''.join(lines)}</ul>" + _grouped_errors(p.problems, limit)
    return (
        '<div class="pa-banner" role="alert">'
        + message(TEXT["dropped_title"].format(n=len(rej)), TEXT["dropped_body"], kind="warning",
                  body_html=body_html)
        + "</div>"
    )  # fmt: skip


def ready_marker(page: str, n_figures: int) -> str:
    """A hidden element telling browser tests the page is built and how many figures it has."""
    return f'<div class="{READY_CLASS} pa-hidden" data-page="{esc(page)}" data-figures="{int(n_figures)}"></div>'
