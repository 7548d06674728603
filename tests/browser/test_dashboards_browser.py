"""The dashboards in a real browser: Debian's chromium driven by Playwright.

One Voila server for the whole module (the run folder of ``partner-analytics dashboards``
on the sample, plus one page on a broken package), started on a free port, waited for
within a bounded time and always stopped. Each dashboard is opened once: it must render
every figure with no error output, each kind of widget is changed once and the figure it
drives must change, and a screenshot per dashboard is saved under ``test-output/dashboards``
(or ``$PARTNER_ANALYTICS_TEST_OUTPUT/dashboards``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from partner_analytics.dashboards import PAGES
from partner_analytics.dashboards import serve as S

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 120  # the server answers (kernels keep preheating behind it)
RENDER_MS = 150_000  # a page's figures drawn (the kernels of 7 pages preheat at once on 2 cores)
CHANGE_MS = 30_000  # a figure redrawn after a widget change

# messages every page load logs without anything being wrong: JupyterLab shared-module
# version notes, and the web fonts a machine without internet cannot fetch
HARMLESS = ("Failed to load resource", "shared module", "Unsatisfied version", "ERR_NAME_NOT_RESOLVED", "favicon")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _output_dir() -> Path:
    base = Path(os.environ.get("PARTNER_ANALYTICS_TEST_OUTPUT", ROOT / "test-output"))
    out = base / "dashboards"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    """The dashboards of the sample on a free port, and a page on a broken package."""
    if not (SAMPLE / "partners.csv").is_file():
        pytest.skip("the sample partnership is not generated (make sample)")
    work = tmp_path_factory.mktemp("dashboards-server")
    broken = work / "broken-package"
    shutil.copytree(ROOT / "tests" / "corpus" / "wrong_type", broken)
    broken_page = f"from partner_analytics.dashboards import overview_page\n\noverview_page({str(broken)!r})"
    # fill_delay: a page opened here is not prepared again while the tests run
    runtime = S.prepare(SAMPLE, root=work / "run", extra_notebooks={"broken_package": broken_page}, fill_delay=3600)
    port = _free_port()
    log = (work / "voila.log").open("w")
    proc = S.start(runtime, port=port, ip="127.0.0.1", stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        S.wait_for_server(url, timeout=STARTUP_SECONDS, process=proc)
        yield url
    except (TimeoutError, RuntimeError) as exc:
        log.flush()
        pytest.fail(f"{exc}\n--- voila log ---\n{(work / 'voila.log').read_text()[-4000:]}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        runtime.cleanup()


class PageProblems:
    """Errors the page reports: uncaught exceptions and console errors that matter."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._console)

    def _console(self, msg):
        if msg.type == "error" and not any(h in msg.text for h in HARMLESS):
            self.errors.append(f"console: {msg.text[:300]}")


def _open(browser, url: str, name: str, *, height: int = 1000):
    context = browser.new_context(viewport={"width": 1600, "height": height})
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(f"{url}voila/render/{name}.ipynb", wait_until="commit", timeout=RENDER_MS)
    return context, page, problems


def _wait_rendered(page) -> int:
    """Wait for the page to be built and every one of its figures drawn; the figure count."""
    page.wait_for_selector(".pa-ready", state="attached", timeout=RENDER_MS)
    n = int(page.get_attribute(".pa-ready", "data-figures"))
    page.wait_for_function(
        "n => [...document.querySelectorAll('.pa-figure .js-plotly-plot')]"
        ".filter(e => e.querySelector('.main-svg')).length >= n",
        arg=n,
        timeout=RENDER_MS,
    )
    return n


def _assert_no_error_output(page, problems: PageProblems) -> None:
    bad = page.evaluate(
        """() => [...document.querySelectorAll(
              '[data-mime-type="application/vnd.jupyter.stderr"], [data-mime-type="application/vnd.jupyter.error"],'
              + ' .jp-OutputArea-output.jp-mod-error, .pa-message[data-message="error"]')]
              .map(e => e.innerText.slice(0, 300))"""
    )
    assert bad == [], bad
    text = page.inner_text("body")
    assert "Traceback" not in text and "Error:" not in text
    assert problems.errors == [], problems.errors


def _figure_state(page, key: str) -> str:
    return page.evaluate(
        "k => { const e = document.querySelector('.pa-figure-' + k + ' .js-plotly-plot .svg-container');"
        " return e ? e.innerHTML : ''; }",
        key,
    )


def _change_and_wait(page, control_label: str, option_label: str, figure: str) -> None:
    """Choose an option of a dropdown and wait until ``figure`` is drawn anew."""
    before = _figure_state(page, figure)
    assert before, f"figure {figure} is not drawn"
    select = page.locator(".widget-dropdown", has_text=control_label).locator("select")
    select.select_option(label=option_label)
    page.wait_for_function(
        "([k, old]) => { const e = document.querySelector('.pa-figure-' + k + ' .js-plotly-plot .svg-container');"
        " return e && e.innerHTML !== old; }",
        arg=[figure, before],
        timeout=CHANGE_MS,
    )


def _change_text_and_wait(page, control_label: str, option_label: str, selector: str) -> None:
    before = page.inner_html(selector)
    select = page.locator(".widget-dropdown", has_text=control_label).locator("select")
    select.select_option(label=option_label)
    page.wait_for_function(
        "([s, old]) => { const e = document.querySelector(s); return e && e.innerHTML !== old; }",
        arg=[selector, before],
        timeout=CHANGE_MS,
    )


def _options(page, control_label: str) -> list[str]:
    return page.locator(".widget-dropdown", has_text=control_label).locator("option").all_inner_texts()


# --------------------------------------------------------------------------- tests


def test_the_landing_page_links_every_dashboard(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        page = context.new_page()
        page.goto(server, timeout=RENDER_MS)
        hrefs = page.eval_on_selector_all(".pa-landing a", "els => els.map(e => e.getAttribute('href'))")
        assert [h.rsplit("/", 1)[-1] for h in hrefs] == [f"{n}.ipynb" for n in PAGES]
        assert "Circular Region Partnership" in page.inner_text(".pa-titlebar")
        page.screenshot(path=str(_output_dir() / "landing.png"))
    finally:
        context.close()


# (control label, figure key, None for the cards or a selector of a part of the page)
WIDGET_CHANGES = {
    "overview": [("As of", None)],
    "stakeholders": [("Survey wave", "power_interest"), ("Stakeholder group", "power_interest")],
    "collaboration": [("Survey wave", "perception_gaps"), ("Sector", "radar")],
    "delivery": [("As of", "follow_through"), ("Sector", "follow_through"), ("Partner", "follow_through")],
    "indicators": [("Indicator", "trend"), ("Pillar", "status_table")],
    "partners": [("Network wave", "network"), ("Sector", "heatmap")],
    # a selector instead of a figure: the part of the page the change redraws
    "actions": [("As of", None), ("Owner", None), ("Status", ".pa-actions-table"),
                ("Source", ".pa-actions-table")],
}


@pytest.mark.parametrize("name", list(PAGES))
def test_each_dashboard_renders_and_its_widgets_redraw_their_figures(browser, server, name):
    context, page, problems = _open(browser, server, name)
    try:
        n = _wait_rendered(page)
        assert n == page.locator(".pa-figure").count()
        _assert_no_error_output(page, problems)
        title = page.inner_text(".pa-titlebar")
        assert "Circular Region Partnership" in title and "As of" in title
        page.screenshot(path=str(_output_dir() / f"{name}.png"))
        for control, figure in WIDGET_CHANGES[name]:
            options = _options(page, control)
            current = page.locator(".widget-dropdown", has_text=control).locator("select").evaluate(
                "s => s.options[s.selectedIndex].text"
            )
            choice = next(o for o in reversed(options[1:] or options) if o != current)
            if figure is None:
                _change_text_and_wait(page, control, choice, ".pa-cards")
            elif figure.startswith("."):
                _change_text_and_wait(page, control, choice, figure)
            else:
                _change_and_wait(page, control, choice, figure)
        _assert_no_error_output(page, problems)
    finally:
        context.close()


def test_a_broken_package_shows_which_table_file_and_row_are_wrong(browser, server):
    context, page, problems = _open(browser, server, "broken_package")
    try:
        page.wait_for_selector(".pa-message", timeout=RENDER_MS)
        text = page.inner_text(".pa-message")
        assert "The data package cannot be shown: 1 error" in text
        assert "contributions.csv" in text and "is not a number" in text
        row = page.locator(".pa-message td.pa-num").first.inner_text()
        assert row.strip() == "3"
        body = page.inner_text("body")
        assert "Traceback" not in body
        assert page.locator(".js-plotly-plot").count() == 0
        assert problems.errors == [], problems.errors
        page.screenshot(path=str(_output_dir() / "broken_package.png"))
    finally:
        context.close()
