"""The machinery of a dashboard page: loading, the title bar, controls, figures, messages,
the text alternative of each figure, the download of the current view and its print.

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

Out of the screen: every figure has its text alternative under it ("In words", written
from its data by :func:`partner_analytics.present.alt_text.alt_text`, renewed with the
figure); the page's parts register their rows (:meth:`Page.export`) and the page offers
them as a workbook of the current view (made after a change, once the figures are sent;
at once without an event loop), and a button printing it (the style sheet's print rules:
no controls, the choices written out, figures zoomed to the page).

A package that fails validation is not shown as if it were whole: the page shows its
errors grouped and a button to look at it without the rows that have errors; the page
then carries a banner saying which rows of which tables were left out.
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
from partner_analytics.dashboards import export as X
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
#: Seconds after the last change before the workbook of the view is made (the figures go
#: first; a person going through the options does not wait for workbooks of views left).
DOWNLOAD_DELAY = 0.6

#: The words of the page machinery (one place, for translation).
TEXT = {
    "as_of": "As of {day}",
    "not_drawn": "This view could not be drawn",
    "page_not_drawn": "This page could not be drawn",
    "no_package": "No data package to show",
    "no_package_body": (
        "Set {env} to a package folder, workbook or DuckDB store, or start the dashboards "
        "with `partner-analytics dashboards PATH`."
    ),
    "cannot_show": "The data package cannot be shown",
    "unreadable": "The data package at {src} cannot be read",
    "nothing": "Nothing to show for this choice.",
    "dropped": "Rows left out (errors)",
}


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
    actions : dict
        Buttons by name ("drop_invalid": show a package with errors without the rows that
        have them).
    """

    name: str
    root: object
    controls: dict
    figures: dict
    parts: dict
    error: str | None = None
    actions: dict = dataclasses.field(default_factory=dict)

    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)

    def text(self) -> str:
        """The HTML of the page's parts (title, cards, tables, messages; no style sheet)."""
        return "\n".join(
            re.sub(r"<style>.*?</style>", "", str(w.value), flags=re.DOTALL)
            for k, w in self.parts.items()
            if k != "download"  # a workbook, not text
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
        self.parts["banner"] = L.html("")
        self.parts["view"] = L.html("")
        self.parts["download"] = L.html("", classes=("pa-download",))
        self.control_box = w.HBox([])
        self.control_box.add_class("pa-controls")
        self.as_of_text = ""
        #: the text alternative under each figure, by figure key
        self.alts: dict = {}
        #: the parts of the current view for the download: (sheet name, rows function)
        self.exports: list[tuple[str, Callable[[], pd.DataFrame | None]]] = []
        self.dropped = False
        self._download_timer = None

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
        text = TEXT["as_of"].format(day=date_text(day)) if day is not None else ""
        self.as_of_text = date_text(day) if day is not None else ""
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
        alt = L.html(L.alt_block(_alt(fig)))
        self.alts[key] = alt
        self.parts[f"{key}_alt"] = alt
        self.body.append(alt)
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
        empty: str = TEXT["nothing"],
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
        if key in self.alts:
            self.alts[key].value = L.alt_block(_alt(fig))
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
                self.parts["status"].value = L.message(TEXT["not_drawn"], plain_error(exc))

    # ----------------------------------------------------------------- out of the screen
    def export(self, name: str, rows: Callable[[], pd.DataFrame | None]) -> None:
        """Offer ``rows()`` (the rows of a part for the current choices, small cells
        already reading "n < {min_n}") as sheet ``name`` of the view's workbook."""
        self.exports.append((name, rows))

    def choices(self) -> list[tuple[str, str]]:
        """(control's label, chosen option's label) of every control of the page."""
        out = []
        for c in self.controls.values():
            label = getattr(c, "description", "") or ""
            out.append((label, str(getattr(c, "label", c.value))))
        return out

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The workbook of the current view: what it is, then each part's rows."""
        from partner_analytics.present.formats import suppressed_text

        about = [
            (X.TEXT["partnership"], self.partnership),
            (X.TEXT["page"], self.title),
            *self.choices(),
            (X.TEXT["as_of"], self.as_of_text),
        ]
        if self.min_n is not None:
            rule = X.TEXT["small_cells_rule"].format(
                min_n=self.min_n, text=suppressed_text(self.min_n)
            )
            about.append((X.TEXT["small_cells"], rule))
        if self.dropped:
            about.append((TEXT["dropped"], str(len(self.p.rejected))))
        out = {X.TEXT["about"]: X.about_frame(about)}
        for name, rows in self.exports:
            try:
                frame = rows()
            except EXPECTED:
                frame = None
            if frame is not None:
                out[name] = frame
        return out

    def refresh_view(self) -> None:
        """The choices written out (printed pages), and the workbook of the view: made at
        once without an event loop, else :data:`DOWNLOAD_DELAY` after the last change."""
        self.parts["view"].value = L.view_line(self.choices())
        if not self.exports:
            return
        loop = _running_loop()
        if loop is None:
            self._make_download()
            return
        if self._download_timer is not None:
            self._download_timer.cancel()
        self._download_timer = loop.call_later(DOWNLOAD_DELAY, self._make_download)

    def _make_download(self) -> None:
        self._download_timer = None
        with quiet():
            try:
                data = X.workbook_bytes(self.sheets())
            except Exception:  # noqa: BLE001 - no download rather than a broken page
                self.parts["download"].value = ""
                return
        name = X.file_name(self.partnership, self.title, *[v for _, v in self.choices()])
        self.parts["download"].value = X.download_link(data, name)

    def fail(self, html: str, error: str) -> None:
        self.body = [L.html(html)]
        self.parts["message"] = self.body[0]
        self.controls = {}
        self.figures = {}
        self.exports = []
        self.alts = {}
        self.parts = {k: v for k, v in self.parts.items() if k in ("title", "status", "banner", "message")}
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
                    self.parts["status"].value = L.message(TEXT["not_drawn"], plain_error(exc))
                else:
                    if self.parts["status"].value:
                        self.parts["status"].value = ""
                    self.refresh_view()

        for c in controls:
            c.observe(run, names="value")

    def dashboard(self) -> Dashboard:
        marker = L.html(L.ready_marker(self.name, self.n_figures))
        children = [self.parts["title"]]
        if self.controls:
            children.append(self.control_box)
        if self.exports or self.controls:
            with quiet():
                self.refresh_view()
            tools = self.w.HBox([self.parts["download"], L.html(L.print_button())])
            tools.add_class("pa-toolbar")
            children += [tools, self.parts["view"]]
        children += [self.parts["banner"], self.parts["status"], *self.body, marker]
        root = self.w.VBox(children)
        root.add_class("pa-dashboard")
        return Dashboard(self.name, root, self.controls, self.figures, self.parts, self.error)


def _alt(fig) -> str:
    from partner_analytics.present.alt_text import alt_text

    try:
        return alt_text(fig)
    except Exception:  # noqa: BLE001 - a figure without a description is still shown
        return ""


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
                L.message(TEXT["no_package"], TEXT["no_package_body"].format(env=DATA_ENV)),
                "no data package",
            )
            return page.dashboard()
        try:
            p = load_partnership(src, drop_invalid=False)
        except ValidationError as exc:
            return _invalid_package_page(name, builder, src, exc.problems, min_n)
        except MissingTableError as exc:
            page = Page(name, source=str(src))
            page.rename(package_title(src))
            page.fail(L.message(TEXT["cannot_show"], reason(exc)), "missing table")
            return page.dashboard()
        except (FileNotFoundError, NotADirectoryError, ValueError, OSError) as exc:
            page = Page(name, source=str(src))
            page.rename(package_title(src))
            page.fail(
                L.message(TEXT["unreadable"].format(src=src), plain_error(exc)), "unreadable"
            )
            return page.dashboard()
        return run_builder(Page(name, with_min_n(p, min_n), source=str(src)), builder)


def _invalid_package_page(name, builder, src: Path, problems: pd.DataFrame, min_n) -> Dashboard:
    """The page of a package that fails validation: its errors grouped, and a button that
    shows the page without the rows that have errors (with a banner saying so)."""
    import ipywidgets as w

    from partner_analytics import load_partnership

    page = Page(name, source=str(src))
    page.rename(package_title(src))
    page.fail(L.invalid_package_message(problems, source=str(src)), "validation")
    button = w.Button(description=L.TEXT["drop_button"], button_style="warning",
                      layout=w.Layout(width="auto"))  # fmt: skip
    box = w.HBox([button])
    box.add_class("pa-drop")
    page.body.append(box)
    dash = page.dashboard()
    dash.actions["drop_invalid"] = button

    def show_dropped(_button=None) -> None:
        with quiet():
            try:
                p = load_partnership(src, drop_invalid=True)
            except Exception as exc:  # noqa: BLE001 - a page shows a message, never a traceback
                dash.parts["message"].value = L.message(TEXT["cannot_show"], plain_error(exc))
                return
            new = run_builder(Page(name, with_min_n(p, min_n), source=str(src)), builder)
        dash.root.children = new.root.children
        dash.controls, dash.figures, dash.parts = new.controls, new.figures, new.parts
        dash.error, dash.actions = new.error, new.actions

    button.on_click(show_dropped)
    return dash


def run_builder(page: Page, builder: Callable[[Page], None]) -> Dashboard:
    with quiet():
        p = page.p
        rejected = getattr(p, "rejected", None)
        if rejected is not None and len(rejected):
            # a package shown without its rows with errors says so, above everything
            page.dropped = True
            page.parts["banner"].value = L.dropped_banner(p)
        try:
            builder(page)
        except MissingTableError as exc:
            page.fail(L.missing_message(PAGES[page.name][0].lower(), reason(exc)), "missing table")
        except Exception as exc:  # noqa: BLE001 - a page shows a message, never a traceback
            page.fail(L.message(TEXT["page_not_drawn"], plain_error(exc)), "error")
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
