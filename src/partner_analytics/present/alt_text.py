"""Text alternatives of figures, written from the data each figure draws.

Every figure builder of :mod:`partner_analytics.figures` records what it draws
(:func:`partner_analytics.figures.facts.describe`: the kind of chart, what it is of, and
its numbers and names, taken from the analysis frame). :func:`alt_text` writes the
sentence a screen reader reads, or a reader of a printed page who cannot tell colours
apart: the highest and the lowest bar, a line's first and last values, who is in which
quadrant, the largest flows. A figure without recorded facts (one made elsewhere) is
described from its traces.

Every word a reader sees is in :data:`WORDS` (one place, for translation later).
"""

from __future__ import annotations

import math

from partner_analytics.figures.facts import facts_of

__all__ = ["WORDS", "alt_text"]

#: The words of the text alternatives (one place, for translation).
WORDS = {
    "bars": "Bar chart of {what}",
    "lines": "Line chart of {what}",
    "grid": "Chart of {what}",
    "radar": "Radar chart of {what}",
    "flows": "Flow diagram of {what}",
    "network": "Network map of {what}",
    "table": "Table of {what}",
    "venn": "Diagram of {what}",
    "heatmap": "Heatmap of {what}",
    "status": "Chart of {what}",
    "chart": "Chart: {what}",
    "highest": "highest {label} {value}",
    "lowest": "lowest {label} {value}",
    "all_equal": "all {n} at {value}",
    "one_bar": "{label} {value}",
    "of": "{value} of {total}",
    "bars_count": "{n} bars",
    "none": "{words}: {names}",
    "nothing": "nothing to show",
    "from_to": "{name} from {first} in {x0} to {last} in {x1}",
    "one_point": "{name} {value} in {x}",
    "target": "target {value} in {date}",
    "projected": "projected {value} in {date}",
    "no_trend": "no trend: {reason}",
    "marked": "{wave} marked",
    "reference": "with {name} for comparison",
    "group": "{label}: {names}",
    "group_empty": "{label}: none",
    "more": "{names} and {n} more",
    "contested": "contested: {names}",
    "resistant": "resistant: {names}",
    "hidden": "{n} not shown ({hide})",
    "hidden_names": "not shown ({hide}): {names}",
    "largest_flows": "largest: {items}",
    "no_flows": "no movement between quadrants",
    "flow": "{label} ({value})",
    "left_out": "{n} moves not shown ({hide})",
    "network_size": "{nodes} partners, {ties} working ties",
    "most_named": "most named as working partner: {items}",
    "focus": "in focus: {names}",
    "rows": "{n} rows",
    "columns": "columns {names}",
    "cells": "{items}",
    "previous": "compared with {previous}",
    "traces": "{n} series: {names}",
    "empty": "{text}",
}

#: Names listed before "and N more".
MAX_NAMES = 5
#: Items listed in a table or flow description.
MAX_ITEMS = 3


def _w(key: str, **kwargs) -> str:
    return WORDS[key].format(**kwargs)


def _number(v, unit: str = "") -> str:
    """A value as a reader hears it: whole numbers without decimals, one decimal else."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, str):
        return v
    v = float(v)
    whole = unit == "%" or abs(v - round(v)) < 0.05 or abs(v) >= 100  # percents as on the pages
    text = f"{v:,.0f}" if whole else f"{v:,.1f}"
    if not unit:
        return text
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}"


def _names(names, limit: int = MAX_NAMES) -> str:
    names = [str(n) for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    return _w("more", names=", ".join(names[:limit]), n=len(names) - limit)


def _value_of(item, unit: str) -> str:
    if len(item) > 2 and item[2] is not None:
        return _w("of", value=_number(item[1]), total=_number(item[2])) + (f" {unit}" if unit else "")
    return _number(item[1], unit)


def _bars(f: dict) -> list[str]:
    unit = f.get("unit", "")
    items = [it for it in f.get("items", []) if it[1] is not None and not isinstance(it[1], str)]
    parts = []
    if not items:
        parts.append(_w("nothing"))
    elif len(items) == 1:
        parts.append(_w("one_bar", label=items[0][0], value=_value_of(items[0], unit)))
    else:
        hi = max(items, key=lambda it: it[1])
        lo = min(items, key=lambda it: it[1])
        if hi[1] == lo[1]:
            parts.append(_w("all_equal", n=len(items), value=_value_of(hi, unit)))
        else:
            parts.append(_w("highest", label=hi[0], value=_value_of(hi, unit)))
            parts.append(_w("lowest", label=lo[0], value=_value_of(lo, unit)))
        parts.append(_w("bars_count", n=len(items)))
    if f.get("none"):
        parts.append(_w("none", words=f.get("none_words", ""), names=_names(f["none"])))
    return parts


def _lines(f: dict) -> list[str]:
    parts = []
    for s in f.get("series", []):
        pts = [p for p in s.get("points", []) if p[1] is not None]
        unit = s.get("unit", f.get("unit", ""))
        scale = s.get("scale", 1)
        if not pts:
            continue
        if len(pts) == 1:
            parts.append(_w("one_point", name=s["name"], value=_number(pts[0][1] * scale, unit), x=pts[0][0]))
        else:
            parts.append(
                _w("from_to", name=s["name"], first=_number(pts[0][1] * scale, unit), x0=pts[0][0],
                   last=_number(pts[-1][1] * scale, unit), x1=pts[-1][0])
            )  # fmt: skip
    if not parts:
        parts.append(_w("nothing"))
    if f.get("target"):
        parts.append(_w("target", value=_number(f["target"][1], f.get("unit", "")), date=f["target"][0]))
    if f.get("projected"):
        parts.append(
            _w("projected", value=_number(f["projected"][1], f.get("unit", "")), date=f["projected"][0])
        )
    if f.get("reason"):
        parts.append(_w("no_trend", reason=f["reason"]))
    if f.get("reference"):
        parts.append(_w("reference", name=f["reference"]))
    if f.get("marked"):
        parts.append(_w("marked", wave=f["marked"]))
    if f.get("hidden"):
        parts.append(_w("hidden_names", hide=f.get("hide", ""), names=_names(f["hidden"])))
    return parts


def _groups(f: dict) -> list[str]:
    parts = []
    for label, names in (f.get("groups") or {}).items():
        if names:
            parts.append(_w("group", label=label, names=_names(names)) + f" ({len(names)})")
        elif f.get("kind") == "venn":
            parts.append(_w("group_empty", label=label))
    if f.get("contested"):
        parts.append(_w("contested", names=_names(f["contested"])))
    if f.get("resistant"):
        parts.append(_w("resistant", names=_names(f["resistant"])))
    if f.get("hidden"):
        parts.append(_w("hidden", n=f["hidden"], hide=f.get("hide", "")))
    return parts or [_w("nothing")]


def _radar(f: dict) -> list[str]:
    parts = _bars({**f, "none": None})
    parts = [p for p in parts if not p.endswith(" bars") and "bars" not in p.split()[-1:]]
    if f.get("previous"):
        parts.append(_w("previous", previous=f["previous"]))
    if f.get("hidden"):
        parts.append(_w("hidden_names", hide=f.get("hide", ""), names=_names(f["hidden"])))
    return parts


def _flows(f: dict) -> list[str]:
    unit = f.get("unit", "")
    items = [it for it in f.get("items", []) if it[1]]
    if not items:
        parts = [_w("no_flows") if f.get("waves") is not None else _w("nothing")]
    else:
        top = sorted(items, key=lambda it: -it[1])[:MAX_ITEMS]
        parts = [_w("largest_flows", items="; ".join(
            _w("flow", label=it[0], value=_number(it[1], unit)) for it in top))]  # fmt: skip
    if f.get("left_out"):
        parts.append(_w("left_out", n=f["left_out"], hide=f.get("hide", "")))
    return parts


def _network(f: dict) -> list[str]:
    parts = [_w("network_size", nodes=f.get("nodes", 0), ties=f.get("ties", 0))]
    items = [it for it in f.get("items", []) if it[1]]
    if items:
        parts.append(_w("most_named", items=", ".join(f"{it[0]} ({_number(it[1])})" for it in items[:MAX_ITEMS])))
    if f.get("focus"):
        parts.append(_w("focus", names=_names(f["focus"])))
    return parts


def _shape(f: dict) -> list[str]:
    """How many rows, which columns (a table, a heatmap)."""
    parts = [_w("rows", n=f.get("rows", 0))]
    if f.get("columns"):
        parts.append(_w("columns", names=", ".join(str(c) for c in f["columns"])))
    return parts


def _table(f: dict) -> list[str]:
    parts = _shape(f)
    items = f.get("items") or []
    if items:
        shown = "; ".join(f"{it[0]} {_number(it[1], f.get('unit', ''))}" for it in items[:MAX_ITEMS])
        if len(items) > MAX_ITEMS:
            shown = _w("more", names=shown, n=len(items) - MAX_ITEMS)
        words = f.get("item_words")
        parts.append(f"{words}: {shown}" if words else shown)
    return parts


def _heatmap(f: dict) -> list[str]:
    parts = _shape(f)
    items = f.get("items") or []
    if items:
        parts.append(_names([f"{it[0]} ({it[1]})" for it in items]))
    return parts


_WRITERS = {
    "bars": _bars,
    "lines": _lines,
    "grid": _groups,
    "venn": _groups,
    "status": _groups,
    "radar": _radar,
    "flows": _flows,
    "network": _network,
    "table": _table,
    "heatmap": _heatmap,
}


def _from_traces(fig) -> str:
    """A figure without recorded facts: its title and the names of its series."""
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else ""
    names = [t.name for t in fig.data if getattr(t, "name", None)]
    head = _w("chart", what=title.strip() or _w("nothing"))
    if names:
        return f"{head}: {_w('traces', n=len(names), names=_names(names))}."
    return f"{head}."


def alt_text(fig) -> str:
    """The text alternative of a figure (a plotly Figure or FigureWidget), from its data.

    Examples: "Bar chart of the share of due commitments kept on time, by partner: highest
    City Council 100 %, lowest BuildLoop Construction 0 %, 18 bars."; "Chart of
    stakeholders by power and interest, 2026-Q3: Manage closely: Mayor, ... (11); ...".
    """
    f = facts_of(fig)
    if not f:
        return _from_traces(fig)
    kind = f.get("kind", "chart")
    if kind == "empty":
        return f"{f.get('text', '')}".strip() or _w("nothing")
    what = str(f.get("what", ""))
    if len(what) > 1 and what[0].isupper() and what[1].islower():
        what = what[0].lower() + what[1:]  # a title inside a sentence
    head = WORDS.get(kind, WORDS["chart"]).format(what=what)
    writer = _WRITERS.get(kind)
    parts = writer(f) if writer else []
    head = head[0].upper() + head[1:]
    return f"{head}: {'; '.join(p for p in parts if p)}." if parts else f"{head}."
