"""Widgets of the dashboards: figures that update in place, and the filters driving them.

Figures are plotly ``FigureWidget`` s (they need the ``anywidget`` package). A change of a
filter replaces the figure's traces and layout in place (:func:`replace_figure`), so the
page does not reload.

Speed:

- every ``FigureWidget`` normally carries plotly's whole JavaScript bundle (about 5 MB) in
  its own state, and the browser evaluates it once per figure: a page with five figures
  loads plotly.js five times. When the page is served by ``partner-analytics dashboards``
  the bundle is served once as a static file, and the server tells the kernels where (the
  environment variable :data:`PLOTLY_WIDGET_ENV`); the figures then carry a three-line
  module that imports it from there, and the browser loads it once per page. Anywhere
  else (JupyterLab, ``voila`` run by hand) the figures carry the bundle themselves;
- a figure is turned into plotly JSON once (:func:`figure_json`, kept with the figure), and
  an update sends only the traces' and layout's properties that differ, in one message
  (one redraw in the browser), without plotly's validation of every value (the values
  come from a figure plotly has already validated);
- plotly's widget sends back, after every redraw, everything plotly.js computed for each
  trace, and the kernel would merge it into the Python figure and answer with more
  messages. A dashboard never reads those computed values, so its figures
  (:class:`DashboardFigure`) only take that message as the sign that the browser has drawn
  the update (:func:`on_drawn`: the page then sends the next figure's update).

Filters are ``ipywidgets.Dropdown`` s whose options are (label, value) pairs: names are
shown, ids are the values; :data:`ALL` stands for "no filter".
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.basedatatypes import Undefined
from plotly.serializers import custom_serializers
from traitlets import Dict, observe

from partner_analytics.figures.theme import empty_figure  # noqa: F401 - pages import it from here

__all__ = [
    "ALL",
    "FIGURE_CONFIG",
    "PLOTLY_WIDGET_ENV",
    "DashboardFigure",
    "as_of_selector",
    "dropdown",
    "figure_json",
    "figure_widget",
    "group_filter",
    "indicator_picker",
    "on_change",
    "on_drawn",
    "partner_filter",
    "pillar_picker",
    "replace_figure",
    "sector_filter",
    "wave_selector",
]

#: The value of a filter's "all" option.
ALL = ""

#: Environment variable holding the path (relative to the server's base URL) of plotly's
#: widget bundle served as a static file; set by :mod:`partner_analytics.dashboards.serve`.
PLOTLY_WIDGET_ENV = "PARTNER_ANALYTICS_PLOTLY_WIDGET"

#: plotly.js options of every dashboard figure.
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}

# The module each figure carries when the bundle is served: it imports the bundle from
# the server (the browser loads a module once per page) and hands on its widget, which
# follows the size of its box. plotly's widget measures its box once, when drawn, and again
# only when the window is resized: a figure drawn while the page was still being laid out
# (its column not yet at its width) stayed at half width. Here the figure is resized
# whenever its own box changes width after it was drawn (a ResizeObserver; its first report
# is the width the figure was drawn at, not a change), and the zooms for printing are kept
# up to date: the page's (--pa-print-zoom: the paper's width over the dashboard's) and each
# figure's (--pa-fig-zoom: a figure taller than the paper shrunk to its height).
_ESM_TEMPLATE = """
let b="/";try{b=JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl||"/"}catch(e){}
if(!b.endsWith("/"))b+="/";
const m=await import(new URL(b+"%s",location.href).href);
const z=()=>{const d=document.querySelector(".pa-dashboard");if(!d||!d.offsetWidth)return;const g=Math.min(1,1040/d.offsetWidth);document.documentElement.style.setProperty("--pa-print-zoom",g);
for(const f of document.querySelectorAll(".pa-figure"))f.style.setProperty("--pa-fig-zoom",Math.min(1,660/((f.offsetHeight||1)*g)))};
export default async()=>{const w=await m.default();return{...w,render(c){const off=w.render(c),el=c.el;let x=0;
const o=new ResizeObserver(()=>{const v=el.clientWidth;if(v&&v!==x){const f=x;x=v;z();if(f&&el._responsiveChartHandler)el._responsiveChartHandler()}});
o.observe(el);return()=>{o.disconnect();if(typeof off==="function")off()}}}};
"""


class DashboardFigure(go.FigureWidget):
    """A FigureWidget that shows figures and does not read back what the browser computed.

    After each update plotly.js sends every value it computed for each trace; plotly's own
    widget merges them into the Python figure and answers with messages removing values
    equal to plotly's defaults. A dashboard never reads those values: here the message only
    tells that the browser has drawn the update, and the callbacks of :func:`on_drawn` run.
    """

    # what the browser sends is not echoed back to it (ipywidgets echoes every state a
    # browser sends, for other browsers showing the same widget: a page has one)
    _js2py_traceDeltas = Dict(allow_none=True).tag(
        sync=True, echo_update=False, **custom_serializers
    )
    _js2py_layoutDelta = Dict(allow_none=True).tag(
        sync=True, echo_update=False, **custom_serializers
    )
    _js2py_restyle = Dict(allow_none=True).tag(sync=True, echo_update=False, **custom_serializers)
    _js2py_relayout = Dict(allow_none=True).tag(sync=True, echo_update=False, **custom_serializers)
    _js2py_update = Dict(allow_none=True).tag(sync=True, echo_update=False, **custom_serializers)
    _js2py_pointsCallback = Dict(allow_none=True).tag(
        sync=True, echo_update=False, **custom_serializers
    )

    @observe("_js2py_traceDeltas")
    def _handler_js2py_traceDeltas(self, change):  # replaces plotly's handler of that name
        if change["new"]:
            # forgotten without a message to the browser, so that the same report sent
            # again is a change again
            self._trait_values["_js2py_traceDeltas"] = None
            for callback in list(getattr(self, "_pa_on_drawn", ())):
                callback()


_LIGHT_CLASSES: dict[str, type] = {}


def _widget_class(bundle: str | None) -> type:
    """DashboardFigure, or a subclass importing plotly's bundle from ``bundle``."""
    if not bundle:
        return DashboardFigure
    if bundle not in _LIGHT_CLASSES:
        esm = _ESM_TEMPLATE % bundle.lstrip("/").replace('"', "")
        _LIGHT_CLASSES[bundle] = type("DashboardFigure", (DashboardFigure,), {"_esm": esm})
    return _LIGHT_CLASSES[bundle]


def _dates_as_text(value):
    """Dates in plotly JSON as ISO text: a FigureWidget sends numpy datetime arrays to the
    browser as integers (nanoseconds), which plotly.js would draw as numbers."""
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        out = [_dates_as_text(v) for v in value]
        return out if isinstance(value, list) else tuple(out)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "M":
            return [None if np.isnat(v) else str(pd.Timestamp(v).isoformat()) for v in value]
        if value.dtype.kind == "O":
            return [_dates_as_text(v) for v in value]
        return value
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return None if pd.isna(value) else pd.Timestamp(value).isoformat()
    return value


def figure_json(fig: go.Figure) -> tuple[list[dict], dict]:
    """(traces, layout) of a figure as plain JSON values, dates as text.

    Computed once per figure and kept with it (a page keeps the figures it has drawn, so
    going back to a choice costs only the update): a figure handed to a page is not
    changed afterwards. The values returned are shared: do not change them.
    """
    cached = getattr(fig, "_pa_json", None)
    if cached is None:
        data = [_dates_as_text(t.to_plotly_json()) for t in fig.data]
        cached = (data, _dates_as_text(fig.layout.to_plotly_json()))
        fig._pa_json = cached
    return cached


def figure_widget(fig: go.Figure, *, height: int | None = None) -> go.FigureWidget:
    """A FigureWidget showing ``fig`` (its traces and layout), ready to be updated in place.

    ``height`` is used when the figure does not set its own.
    """
    cls = _widget_class(os.environ.get(PLOTLY_WIDGET_ENV))
    data, layout = figure_json(fig)
    if layout.get("height") is None and height is not None:
        layout = {**layout, "height": height}
    widget = cls({"data": data, "layout": layout})
    widget._config = dict(FIGURE_CONFIG)
    return widget


def on_drawn(widget, callback: Callable[[], None]) -> None:
    """Call ``callback()`` each time the browser reports it has drawn an update of
    ``widget`` (a :class:`DashboardFigure`; other widgets never call it)."""
    if not hasattr(widget, "_pa_on_drawn"):
        widget._pa_on_drawn = []
    widget._pa_on_drawn.append(callback)


def replace_figure(widget: go.FigureWidget, fig: go.Figure, *, height: int | None = None) -> bool:
    """Show ``fig`` in ``widget``: traces and layout replaced, the page not reloaded.

    When the new figure has the same kinds of traces in the same order, the properties that
    differ (of the traces and of the layout) are set and sent in one update message: one
    redraw in the browser, nothing sent when nothing differs. Otherwise the traces are
    removed and the new ones added. The figure keeps its height unless ``fig`` sets one (or
    ``height`` is given).

    Returns
    -------
    bool
        True when a message was sent to the browser (it will redraw the figure and report
        it drawn).
    """
    edits = _edit_ids(widget)
    new_data, new_layout = figure_json(fig)
    if new_layout.get("height") is None:
        height = height if height is not None else widget._layout.get("height")
        if height is not None:
            new_layout = {**new_layout, "height": height}
    old_layout = widget._layout
    # copies: the widget changes its values in place (a zoom in the browser sets
    # xaxis.range), the figure's JSON stays as it was drawn
    relayout = {
        k: copy.deepcopy(v) for k, v in new_layout.items() if not _equal(old_layout.get(k), v)
    }
    relayout.update({k: None for k in old_layout if k not in new_layout})
    old_data = widget._data
    if [t.get("type") for t in old_data] != [t.get("type") for t in new_data]:
        widget.data = ()
        widget.add_traces(new_data)
        if relayout:
            widget.plotly_relayout(relayout)
            _forget_children(widget.layout, relayout)
        return _edit_ids(widget) != edits
    styles: dict[int, dict] = {}
    for i, (old, new) in enumerate(zip(old_data, new_data, strict=True)):
        diff = {
            k: copy.deepcopy(v) for k, v in new.items() if k != "uid" and not _equal(old.get(k), v)
        }
        diff.update({k: None for k in old if k not in new and k not in ("uid", "type")})
        if diff:
            styles[i] = diff
    if not styles and not relayout:
        return False
    indexes = sorted(styles)
    keys = sorted({k for diff in styles.values() for k in diff})
    restyle = {k: [styles[i].get(k, Undefined) for i in indexes] for k in keys}
    widget.plotly_update(restyle_data=restyle, relayout_data=relayout, trace_indexes=indexes)
    # the Python objects read the new values (plotly rebuilds a cached child on access)
    for i in indexes:
        _forget_children(widget.data[i], styles[i])
    _forget_children(widget.layout, relayout)
    return _edit_ids(widget) != edits


def _edit_ids(widget) -> tuple:
    """plotly's counters of the messages a widget has sent (a message raises one)."""
    return getattr(widget, "_last_trace_edit_id", None), getattr(
        widget, "_last_layout_edit_id", None
    )


def _forget_children(obj, keys) -> None:
    """Drop the cached child objects of ``obj`` under ``keys`` (set without validation:
    the cache would show the old values)."""
    for k in keys:
        obj._compound_props.pop(k, None)
        obj._compound_array_props.pop(k, None)


def _equal(a, b) -> bool:
    """Equality of plotly JSON values (dicts, lists, numpy arrays, numbers, text)."""
    if a is b:
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple, np.ndarray)) and isinstance(b, (list, tuple, np.ndarray)):
        if len(a) != len(b):
            return False
        if (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype.kind in "biuf"
            and b.dtype.kind in "biuf"
        ):
            return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
        return all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (list, tuple, dict, np.ndarray)) or isinstance(
        b, (list, tuple, dict, np.ndarray)
    ):
        return False
    try:
        same = a == b
        if isinstance(same, bool):
            return same or (_isnan(a) and _isnan(b))
        return bool(same)
    except (TypeError, ValueError):
        return False


def _isnan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def dropdown(
    description: str, options: Sequence[tuple[str, object]], value=None, *, width: str = "auto"
):
    """A labelled dropdown of (label, value) pairs; the first option when ``value`` is None."""
    import ipywidgets as w

    options = list(options)
    values = [v for _, v in options]
    if value is None or value not in values:
        value = values[0] if values else None
    return w.Dropdown(
        description=description,
        options=options,
        value=value,
        style={"description_width": "initial"},
        layout=w.Layout(width=width, min_width="220px"),
    )


def wave_selector(
    waves: Sequence[str], value: str | None = None, *, description: str = "Survey wave"
):
    """Waves in order (the latest last); the latest chosen unless ``value`` is given."""
    waves = list(waves)
    return dropdown(
        description,
        [(w, w) for w in waves],
        value if value is not None else (waves[-1] if waves else None),
    )


def as_of_selector(days: Sequence[pd.Timestamp], value=None, *, description: str = "As of"):
    """Quarter ends (or other days), shown as "2026-Q1 (31 Mar 2026)"; the latest chosen."""
    from partner_analytics.data.periods import period_label

    days = [pd.Timestamp(d) for d in days]
    options = []
    for d in days:
        lab = period_label(d)
        text = (
            f"{lab} ({d.day} {d.strftime('%b %Y')})"
            if lab != d.date().isoformat()
            else d.strftime("%d %b %Y")
        )
        options.append((text, d.date().isoformat()))
    if value is not None:
        value = pd.Timestamp(value).date().isoformat()
    elif options:
        value = options[-1][1]
    return dropdown(description, options, value)


def sector_filter(sectors: Sequence[str], *, description: str = "Sector"):
    """ "All sectors" and each sector of the package, by its plain name."""
    from partner_analytics.present.formats import label

    return dropdown(description, [("All sectors", ALL)] + [(label(s), s) for s in sectors])


def partner_filter(partners: pd.DataFrame, *, description: str = "Partner"):
    """ "All partners" and each partner by name (``partner_id``, ``name``)."""
    ordered = partners.sort_values("name", key=lambda s: s.str.casefold())
    return dropdown(
        description,
        [("All partners", ALL)]
        + list(zip(ordered["name"].astype(str), ordered["partner_id"].astype(str), strict=True)),
    )


def group_filter(groups: Sequence[str], *, description: str = "Stakeholder group"):
    return dropdown(description, [("All groups", ALL)] + [(str(g), str(g)) for g in groups])


def pillar_picker(pillars: Sequence[str], *, description: str = "Pillar"):
    from partner_analytics.present.formats import label

    return dropdown(description, [("All pillars", ALL)] + [(label(p), p) for p in pillars])


def indicator_picker(indicators: pd.DataFrame, value=None, *, description: str = "Indicator"):
    """Indicators by name (``indicator_id``, ``name``)."""
    return dropdown(
        description,
        list(
            zip(indicators["name"].astype(str), indicators["indicator_id"].astype(str), strict=True)
        ),
        value,
        width="520px",
    )


def on_change(widget, callback: Callable[[object], None]) -> None:
    """Call ``callback(new_value)`` whenever the widget's value changes."""
    widget.observe(lambda change: callback(change["new"]), names="value")
