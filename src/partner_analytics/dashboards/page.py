"""The machinery of a dashboard page: loading, the title bar, controls, figures, messages.

Each page module (:mod:`~partner_analytics.dashboards.overview`, ...) builds its page with a
:class:`Page`; this module holds what every page shares: where the data package is
(:func:`data_path`), the :class:`Dashboard` a page function returns, the small-cell
threshold of the page (``Page.min_n``: the package's setting unless the page is asked for
another), and the safety net that turns every failure into a message on the page.

How a page answers a filter change (:meth:`Page.update`): the first figure the change
redraws is sent to the browser at once; the others follow one at a time, in the order of
the page, each a tenth of a second after the browser reports the one before drawn. The
figure at the top is so redrawn first, and a choice made while the page is still
redrawing replaces what was waiting (the browser never draws a figure for a choice
already left). In a process without an event loop (tests, a script) every figure is
updated at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from partner_analytics.analysis.snapshot import EXPECTED_ERRORS as EXPECTED
from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import widgets as W
from partner_analytics.data.readers import read_settings
from partner_analytics.errors import MissingTableError, ValidationError
from partner_analytics.present.formats import date_text

__all__ = [
    "DATA_ENV",
    "FIGURE_HEIGHT",
    "PAGES",
    "Dashboard",
    "Page",
    "build_page",
    "change_tone",
    "data_path",
    "empty_or",
    "is_true",
    "package_settings",
    "package_title",
    "plain_error",
    "quiet",
    "reason",
    "run_builder",
    "safe_frame",
    "warm",
    "with_min_n",
]

#: Environment variable naming the data package the dashboards show.
DATA_ENV = "PARTNER_ANALYTICS_DATA"

#: The pages in menu order: notebook name -> (title, what it shows).
PAGES: dict[str, tuple[str, str]] = {
    "overview": (
        "Overview",
        (
            "Headline cards and alerts: collaboration health, indicators on track, commitments, "
            "contributions, readiness."
        ),
    ),
    "stakeholders": (
        "Stakeholders",
        "Who to manage closely: the power-interest grid, salience and who moved, by survey wave.",
    ),
    "collaboration": (
        "Collaboration",
        "How partners rate the collaboration: health index, factor radar, sector perception gaps.",
    ),
    "delivery": (
        "Delivery",
        "Commitments kept and overdue, contributions pledged and delivered, by sector and partner.",
    ),
    "indicators": (
        "Indicators",
        "Shared indicators by pillar: where each stands and one indicator's trend towards target.",
    ),
    "partners": (
        "Partners",
        "Competency alignment, candidate partners, sector mix and the relationship network.",
    ),
    "actions": (
        "Actions",
        (
            "What the steering group decided, who does it, by when, and whether it happened; "
            "by owner, status and source."
        ),
    ),
}

FIGURE_HEIGHT = 520
#: Seconds a page waits for the browser to report a figure drawn before it sends the next
#: one anyway (a page shown nowhere, a message lost).
DRAWN_TIMEOUT = 3.0
#: Seconds between the browser's report that a figure is drawn and the next figure of the
#: same change: a choice made meanwhile (a person going through the options) is drawn
#: first, and the figures of the choice left are not drawn at all.
NEXT_DELAY = 0.1


# --------------------------------------------------------------------------- data


def _repo_sample() -> Path | None:
    """data/sample of the source checkout this module lives in, if there is one."""
    root = Path(__file__).resolve().parents[3]
    sample = root / "data" / "sample"
    return sample if sample.is_dir() else None


def data_path(path: str | os.PathLike | None = None) -> Path | None:
    """The package a page shows: ``path``, else ``$PARTNER_ANALYTICS_DATA``, else the sample.

    The sample is ``data/sample`` of the source checkout (``partner-analytics dashboards``
    sets the variable, so an installed package never needs it). None when nothing is found.
    """
    if path not in (None, ""):
        return Path(path)
    env = os.environ.get(DATA_ENV, "").strip()
    if env:
        return Path(env)
    return _repo_sample()


def is_true(v) -> bool:
    return bool(v) if v is not None and not pd.isna(v) else False


# --------------------------------------------------------------------------- the page


@dataclasses.dataclass(eq=False)
class Dashboard:
    """A built page: its widget tree and handles on its parts (for tests and callers).

    Attributes
    ----------
    name : str
        The notebook name ("overview").
    root : ipywidgets.VBox
        What is displayed.
    controls : dict
        Filters and selectors by name ("wave", "sector", "partner", "as_of", ...).
    figures : dict
        The FigureWidgets by name.
    parts : dict
        The HTML widgets by name ("title", "cards", "alerts", "status", ...).
    error : str or None
        The message shown instead of the page when it could not be built.
    """

    name: str
    root: object
    controls: dict
    figures: dict
    parts: dict
    error: str | None = None

    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)

    def text(self) -> str:
        """The HTML of the page's parts (title, cards, tables, messages; no style sheet)."""
        return "\n".join(
            re.sub(r"<style>.*?</style>", "", str(w.value), flags=re.DOTALL)
            for w in self.parts.values()
        )


@contextlib.contextmanager
def quiet():
    """No warnings or stray prints on a page: a steering group sees no code output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield


class Page:
    """A page under construction: title bar, controls, body, and the callbacks' safety net."""

    def __init__(self, name: str, p=None, *, source: str = ""):
        import ipywidgets as w

        self.w = w
        self.name = name
        self.title, _ = PAGES[name]
        self.p = p
        #: the small-cell threshold of the page: the package's setting (see build_page)
        self.min_n = getattr(p, "min_n", None)
        self.source = source
        self.partnership = getattr(p, "name", "") or "Partnership"
        self.controls: dict = {}
        self.figures: dict = {}
        self.parts: dict = {}
        self.body: list = []
        self.error: str | None = None
        self.n_figures = 0
        # figure updates waiting for the browser, by key, and the figure being drawn
        self._pending: dict[str, object] = {}
        self._drawing: str | None = None
        self._timer = None
        self.parts["title"] = L.html(self._title_html("", ""))
        self.parts["status"] = L.html("")
        self.control_box = w.HBox([])
        self.control_box.add_class("pa-controls")

    # ----------------------------------------------------------------- title and parts
    def _title_html(self, as_of: str, note: str) -> str:
        nav = [(nb, t) for nb, (t, _) in PAGES.items()]
        return L.title_bar(
            self.partnership, self.title, as_of=as_of, as_of_note=note, nav=nav, current=self.name
        )

    def rename(self, partnership: str) -> None:
        self.partnership = partnership
        self.parts["title"].value = self._title_html("", "")

    def set_as_of(self, day, note: str = "") -> None:
        text = f"As of {date_text(day)}" if day is not None else ""
        self.parts["title"].value = self._title_html(text, note)

    def add_controls(self, **controls) -> None:
        self.controls.update(controls)
        self.control_box.children = tuple(self.controls.values())

    def html(self, key: str, value: str = "") -> object:
        widget = L.html(value)
        self.parts[key] = widget
        self.body.append(widget)
        return widget

    def section(self, title: str) -> None:
        self.body.append(L.html(L.section_title(title)))

    def figure(
        self, key: str, build: Callable[[], object], *, what: str, height: int = FIGURE_HEIGHT
    ):
        """A FigureWidget built by ``build``; a "no data" card when its table is missing."""
        try:
            fig = build()
        except EXPECTED as exc:
            self.html(f"{key}_missing", L.missing_message(what, reason(exc)))
            return None
        widget = W.figure_widget(fig, height=height)
        W.on_drawn(widget, lambda: self._drawn(key))
        box = self.w.Box([widget])
        box.add_class("pa-figure")
        box.add_class(f"pa-figure-{key}")
        self.figures[key] = widget
        self.body.append(box)
        self.n_figures += 1
        return widget

    def row(self, *keys_builders) -> None:
        """Put the widgets added by each builder side by side (two columns on a wide screen)."""
        cols = []
        for build in keys_builders:
            start = len(self.body)
            build()
            added = self.body[start:]
            del self.body[start:]
            col = self.w.VBox(added)
            col.add_class("pa-col")
            cols.append(col)
        row = self.w.HBox(cols)
        row.add_class("pa-row")
        self.body.append(row)

    def update(
        self,
        key: str,
        build: Callable[[], object],
        *,
        empty: str = "Nothing to show for this choice.",
    ) -> None:
        """Show ``build()`` in figure ``key`` in place (an empty figure saying ``empty`` when
        the choice leaves the analysis without rows).

        With an event loop running (a kernel), the figure is sent at once when the browser
        is drawing nothing of this page, else when it has drawn the figures before (see the
        module's note); without one, at once.
        """
        widget = self.figures.get(key)
        if widget is None:
            return
        try:
            fig = build()
        except EXPECTED:
            fig = W.empty_figure(empty)
        if _running_loop() is None:
            W.replace_figure(widget, fig)
            return
        self._pending[key] = fig
        if self._drawing is None:
            self._send_next()

    def _send_next(self) -> None:
        """Send the first waiting figure (in page order) that differs from what is shown."""
        self._drawing = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for key in [k for k in self.figures if k in self._pending]:
            fig = self._pending.pop(key)
            if W.replace_figure(self.figures[key], fig):
                self._drawing = key
                loop = _running_loop()
                if loop is not None:
                    self._timer = loop.call_later(DRAWN_TIMEOUT, self._drawn, key)
                return

    def _drawn(self, key: str) -> None:
        """The browser has drawn figure ``key`` (or stopped answering): the next one goes
        :data:`NEXT_DELAY` seconds later, unless a new choice sends its own first."""
        if key != self._drawing:
            return
        self._drawing = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        loop = _running_loop()
        if self._pending and loop is not None:
            self._timer = loop.call_later(NEXT_DELAY, self._send_later)

    def _send_later(self) -> None:
        self._timer = None
        if self._drawing is not None:
            return
        with quiet():
            try:
                self._send_next()
            except Exception as exc:  # noqa: BLE001 - a page shows a message, never a traceback
                self._pending.clear()
                self.parts["status"].value = L.message(
                    "This view could not be drawn", plain_error(exc)
                )

    def fail(self, html: str, error: str) -> None:
        self.body = [L.html(html)]
        self.parts["message"] = self.body[0]
        self.controls = {}
        self.figures = {}
        self.error = error
        self.n_figures = 0

    # ----------------------------------------------------------------- callbacks
    def on_change(self, controls, callback: Callable[[], None]) -> None:
        """Run ``callback()`` when any of ``controls`` changes; errors become a message."""

        def run(_change=None):
            with quiet():
                try:
                    callback()
                except Exception as exc:  # noqa: BLE001 - a page shows a message, never a traceback
                    self._pending.clear()
                    self.parts["status"].value = L.message(
                        "This view could not be drawn", plain_error(exc)
                    )
                else:
                    if self.parts["status"].value:
                        self.parts["status"].value = ""

        for c in controls:
            c.observe(run, names="value")

    def dashboard(self) -> Dashboard:
        marker = L.html(L.ready_marker(self.name, self.n_figures))
        children = [self.parts["title"]]
        if self.controls:
            children.append(self.control_box)
        children += [self.parts["status"], *self.body, marker]
        root = self.w.VBox(children)
        root.add_class("pa-dashboard")
        return Dashboard(self.name, root, self.controls, self.figures, self.parts, self.error)


def _running_loop():
    """The event loop running this call (a kernel handling a message), or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def reason(exc: BaseException) -> str:
    return str(exc.args[0]) if getattr(exc, "args", None) else str(exc)


def plain_error(exc: BaseException) -> str:
    text = reason(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:400]


def _prebuilding() -> bool:
    """True in a kernel Voila runs ahead of the first request (a preheated kernel): the page
    then also draws the figures of the other choices of its main selector, so that a change
    is instant. Elsewhere (tests, JupyterLab) figures are drawn when first asked for."""
    return os.environ.get("VOILA_PREHEAT", "").lower() == "true"


def warm(*builds: Callable[[], object]) -> None:
    """Run ``builds`` in a preheated kernel (nothing elsewhere); a figure a build returns is
    also turned into the JSON its widget is sent (:func:`widgets.figure_json`)."""
    if not _prebuilding():
        return
    import plotly.graph_objects as go

    for build in builds:
        with contextlib.suppress(*EXPECTED):
            out = build()
            if isinstance(out, go.Figure):
                W.figure_json(out)


def with_min_n(p, min_n):
    """The partnership with another small-cell threshold (a copy with its own cache), or
    ``p`` itself when ``min_n`` is None."""
    if min_n is None:
        return p
    from partner_analytics.analysis.small_cells import check_min_n

    check_min_n(min_n)
    return dataclasses.replace(p, min_n=int(min_n), cache={})


def build_page(name: str, builder: Callable[[Page], None], path, *, min_n=None) -> Dashboard:
    """Load the package and build a page; every failure becomes a message on the page.

    ``min_n``: the small-cell threshold of the page (default: the package's setting); every
    analysis of the page, and so every "n < {min_n}", uses it.
    """
    from partner_analytics import load_partnership

    with quiet():
        if hasattr(path, "tables"):  # a loaded Partnership
            page = Page(name, with_min_n(path, min_n), source=str(getattr(path, "source", "")))
            return run_builder(page, builder)
        src = data_path(path)
        if src is None:
            page = Page(name)
            page.fail(
                L.message(
                    "No data package to show",
                    f"Set {DATA_ENV} to a package folder, workbook or DuckDB store, or start "
                    "the dashboards with `partner-analytics dashboards PATH`.",
                ),
                "no data package",
            )
            return page.dashboard()
        try:
            p = load_partnership(src, drop_invalid=False)
        except ValidationError as exc:
            page = Page(name, source=str(src))
            page.rename(package_title(src))
            page.fail(L.problems_message(exc.problems, source=str(src)), "validation")
            return page.dashboard()
        except MissingTableError as exc:
            page = Page(name, source=str(src))
            page.rename(package_title(src))
            page.fail(L.message("The data package cannot be shown", reason(exc)), "missing table")
            return page.dashboard()
        except (FileNotFoundError, NotADirectoryError, ValueError, OSError) as exc:
            page = Page(name, source=str(src))
            page.rename(package_title(src))
            page.fail(
                L.message(f"The data package at {src} cannot be read", plain_error(exc)),
                "unreadable",
            )
            return page.dashboard()
        return run_builder(Page(name, with_min_n(p, min_n), source=str(src)), builder)


def run_builder(page: Page, builder: Callable[[Page], None]) -> Dashboard:
    with quiet():
        try:
            builder(page)
        except MissingTableError as exc:
            page.fail(L.missing_message(PAGES[page.name][0].lower(), reason(exc)), "missing table")
        except Exception as exc:  # noqa: BLE001 - a page shows a message, never a traceback
            page.fail(L.message("This page could not be drawn", plain_error(exc)), "error")
        return page.dashboard()


def package_settings(src: Path | None) -> dict:
    """The valid settings of the package's ``package.yml`` (``name``, ``min_n``), read without
    loading the package (for a page whose package cannot be loaded, and the landing page)."""
    if src is None or not src.is_dir():
        return {}
    settings, _problems = read_settings(src)  # problems are the loader's to report
    return settings


def package_title(src: Path | None) -> str:
    """The partnership's name as package.yml gives it, else the folder's name."""
    if src is None:
        return "Partnership"
    name = package_settings(src).get("name")
    if name:
        return str(name)
    return src.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Partnership"


def safe_frame(compute: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame | None, str | None]:
    """(frame, None), or (None, why) when the package lacks what the analysis needs."""
    try:
        return compute(), None
    except EXPECTED as exc:
        return None, reason(exc)


def empty_or(frame: pd.DataFrame | None, what: str, build: Callable[[pd.DataFrame], object]):
    if frame is None or not len(frame):
        return W.empty_figure(what)
    return build(frame)


def change_tone(change: float, better) -> str:
    if change is None or pd.isna(change) or change == 0 or better not in ("higher", "lower"):
        return "same"
    return "good" if (change > 0) == (better == "higher") else "bad"
