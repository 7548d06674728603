"""The dashboards in a real browser: Debian's chromium driven by Playwright.

One Voila server for the whole module (the run folder of ``partner-analytics dashboards``
on the sample, plus one page on a broken package), started on a free port, waited for
within a bounded time and always stopped. Each dashboard is opened once: it must render
every figure with no error output; at 1400 x 900 and then at 1024 x 768 (the same page,
the window resized) every figure fills its box, no text overlaps another (the boxes of
HTML text and of the figures' SVG text: titles, ticks, legends, labels) and none is cut
by its box or the window; the cards of the indicators add up; each kind of widget is
changed once and the figure it drives must change. Screenshots of every page at both
sizes are saved under ``test-output/dashboards`` (or ``$PARTNER_ANALYTICS_TEST_OUTPUT/dashboards``).
"""

from __future__ import annotations

import os
import re
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
    # a second delivery page, for the print test (a page's kernel is used once here)
    print_page = "from partner_analytics.dashboards import delivery_page\n\ndelivery_page()"
    # fill_delay: a page opened here is not prepared again while the tests run
    runtime = S.prepare(SAMPLE, root=work / "run", extra_notebooks={"broken_package": broken_page, "print_view": print_page}, fill_delay=3600)
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


def _open(browser, url: str, name: str, *, height: int = 1000, size: tuple[int, int] | None = None):
    width, height = size if size else (1600, height)
    context = browser.new_context(viewport={"width": width, "height": height})
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


SIZES = [(1400, 900), (1024, 768)]

# Every text box of the page: HTML text (by text node and line) and the figures' SVG text
# (one box per <text> element), visible ones only; then what overlaps or is cut. Returns a
# list of problems as sentences.
_LAYOUT_JS = r"""
() => {
  const root = document.querySelector('.pa-dashboard');
  const problems = [];
  const shown = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) < 0.05) return false;
      if (e.tagName === 'DETAILS' && !e.open && !el.closest('summary')) return false;
    }
    return true;
  };
  const boxes = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el) continue;
    if (el.closest('svg, select, option, style, script, .pa-hidden, button')) continue;
    if (!shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1) boxes.push({r, el, text: node.textContent.trim().slice(0, 50)});
    }
  }
  for (const t of root.querySelectorAll('.js-plotly-plot svg text')) {
    if (!t.textContent.trim() || !shown(t)) continue;
    const r = t.getBoundingClientRect();
    if (!(r.width > 1 && r.height > 1)) continue;
    // the text's own box turned as the text is (rotated tick labels)
    const bb = t.getBBox();
    const m = t.getScreenCTM();
    const corners = [[bb.x, bb.y], [bb.x + bb.width, bb.y], [bb.x + bb.width, bb.y + bb.height],
                     [bb.x, bb.y + bb.height]].map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
    boxes.push({r, el: t, text: t.textContent.trim().slice(0, 50), svg: true, poly: corners});
  }
  const where = (b) => {
    const fig = b.el.closest('[class*="pa-figure-"]');
    const key = fig ? [...fig.classList].find((c) => c.startsWith('pa-figure-')) : '';
    return key ? ` (${key.slice(10)})` : '';
  };
  // cut: a box out of an ancestor that clips (overflow not visible), or out of the window
  const width = document.documentElement.clientWidth;
  for (const b of boxes) {
    if (b.r.right > width + 1 || b.r.left < -1) problems.push(`out of the window: "${b.text}"${where(b)}`);
    let e = b.svg ? b.el.closest('.svg-container') : b.el.parentElement;
    for (; e && e !== root.parentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (b.svg || s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const c = e.getBoundingClientRect();
        if (b.r.left < c.left - 1 || b.r.right > c.right + 1 || b.r.top < c.top - 1 || b.r.bottom > c.bottom + 1) {
          problems.push(`cut: "${b.text}"${where(b)} by ${e.className || e.tagName}`);
          break;
        }
        if (b.svg) break;
      }
    }
  }
  // overlaps: two boxes sharing more than 2 pixels on every axis (separating axes: the
  // boxes' own edges, so that turned labels are compared as they are drawn)
  const poly = (b) => b.poly || [[b.r.left, b.r.top], [b.r.right, b.r.top], [b.r.right, b.r.bottom], [b.r.left, b.r.bottom]];
  const depth = (p, q) => {
    let least = Infinity;
    for (const shape of [p, q]) {
      for (let k = 0; k < 4; k++) {
        const [x1, y1] = shape[k], [x2, y2] = shape[(k + 1) % 4];
        const len = Math.hypot(x2 - x1, y2 - y1) || 1;
        const ax = -(y2 - y1) / len, ay = (x2 - x1) / len;
        const proj = (s) => s.map(([x, y]) => x * ax + y * ay);
        const pa = proj(p), qa = proj(q);
        const d = Math.min(Math.max(...pa), Math.max(...qa)) - Math.max(Math.min(...pa), Math.min(...qa));
        least = Math.min(least, d);
      }
    }
    return least;
  };
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i].r;
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2 && boxes[i].el !== boxes[j].el && depth(poly(boxes[i]), poly(boxes[j])) > 2) {
        problems.push(`overlap: "${boxes[i].text}"${where(boxes[i])} and "${boxes[j].text}"${where(boxes[j])}`);
      }
    }
  }
  return [...new Set(problems)];
}
"""

# every figure as wide as its box (the half-width race), within a pixel or two
_FILL_JS = r"""
() => [...document.querySelectorAll('.pa-figure')].map((box) => {
  const plot = box.querySelector('.js-plotly-plot .main-svg');
  const inner = box.getBoundingClientRect().width - 10;
  return plot ? [[...box.classList].join(' '), plot.getBoundingClientRect().width, inner] : null;
}).filter((x) => x && Math.abs(x[1] - x[2]) > 12)
"""


_POSITIONS_JS = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
  .map((t) => { const r = t.getBoundingClientRect(); return `${r.x.toFixed(0)},${r.y.toFixed(0)}`; }).join(';')"""


def _settle_layout(page) -> None:
    """Wait until every figure fills its box (plotly redraws after a resize) and no text of
    a figure moves any more (a Sankey moves its nodes in an animation after a resize)."""
    page.wait_for_function(f"() => ({_FILL_JS})().length === 0", timeout=CHANGE_MS)
    before = None
    for _ in range(40):
        page.wait_for_timeout(250)
        now = page.evaluate(_POSITIONS_JS)
        if now == before:
            return
        before = now


def _follows_its_box(page) -> None:
    """A figure whose box changes width without the window changing (what happened when a
    page was laid out after its figures were drawn: charts at half width) follows it."""
    for width in ("50%", ""):
        page.evaluate("w => { document.querySelector('.pa-figure').style.maxWidth = w; }", width)
        page.wait_for_function(f"() => ({_FILL_JS})().length === 0", timeout=CHANGE_MS)


def _screenshot(page, name: str) -> None:
    """The whole page (the template scrolls inside the window): the window grown to the
    page's height for the picture, then set back."""
    size = page.viewport_size
    height = page.evaluate("() => Math.ceil(document.querySelector('.pa-dashboard').getBoundingClientRect().bottom + 30)")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(_output_dir() / f"{name}.png"))
    page.set_viewport_size(size)


def _cards_add_up(page) -> tuple[list[int], int, int]:
    """(the four cards' counts, the n they are "of", rows of the status table)."""
    return page.evaluate(
        """() => {
          const cards = [...document.querySelectorAll('.pa-card')];
          const values = cards.map((c) => parseInt(c.querySelector('.pa-value').firstChild.textContent));
          const totals = cards.map((c) => parseInt(c.querySelector('.pa-value small').textContent.replace('of ', '')));
          const rows = document.querySelectorAll('.pa-table tbody tr').length;
          return [values, totals[0], rows, new Set(totals).size];
        }"""
    )[:3]


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
    "indicators": [("Indicator", "trend"), ("Pillar", ".pa-table")],
    "partners": [("Network wave", "network"), ("Sector", "heatmap"), ("Partner in focus", "network"),
                 ("Sort partners by", ".pa-table")],
    # a selector instead of a figure: the part of the page the change redraws
    "actions": [("As of", None), ("Owner", None), ("Status", ".pa-actions-table"),
                ("Source", ".pa-actions-table")],
}


@pytest.mark.parametrize("name", list(PAGES))
def test_each_dashboard_reads_cleanly_at_two_sizes_and_its_widgets_redraw_their_figures(
    browser, server, name
):
    context, page, problems = _open(browser, server, name, size=SIZES[0])
    try:
        n = _wait_rendered(page)
        assert n == page.locator(".pa-figure").count()
        _assert_no_error_output(page, problems)
        title = page.inner_text(".pa-titlebar")
        assert "Circular Region Partnership" in title and "As of" in title
        if n:
            _follows_its_box(page)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            _settle_layout(page)
            layout = page.evaluate(_LAYOUT_JS)
            _screenshot(page, f"{name}-{width}")
            assert layout == [], f"{name} at {width} x {height}: " + "; ".join(layout[:25])
            if name == "indicators":
                values, total, rows = _cards_add_up(page)
                assert len(values) == 4 and sum(values) == total == rows, (values, total, rows)
        # the download holds a workbook; the print button is there
        link = page.locator(".pa-download a")
        link.wait_for(timeout=CHANGE_MS)
        assert link.get_attribute("href").startswith("data:application/vnd.openxmlformats")
        assert link.get_attribute("download").endswith(".xlsx")
        assert page.locator("button.pa-print").count() == 1
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
        # after the changes, at 1024 x 768, still nothing overlaps or is cut
        _settle_layout(page)
        layout = page.evaluate(_LAYOUT_JS)
        _screenshot(page, f"{name}-1024-changed")
        assert layout == [], f"{name} after its filters changed: " + "; ".join(layout[:25])
        _assert_no_error_output(page, problems)
    finally:
        context.close()


def test_printing_a_page_hides_the_controls_and_writes_the_choices(browser, server):
    context, page, problems = _open(browser, server, "print_view", size=SIZES[1])
    try:
        _wait_rendered(page)
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => ['.pa-controls', '.pa-toolbar', '.pa-nav'].map(
                 (s) => getComputedStyle(document.querySelector(s)).display)"""
        )
        assert hidden == ["none", "none", "none"]
        view = page.inner_text(".pa-view")
        assert "Showing:" in view and "All sectors" in view and "All partners" in view
        zoom = page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--pa-print-zoom')")
        assert 0 < float(zoom) <= 1
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        assert pdf[:4] == b"%PDF"
        (_output_dir() / "delivery-print.pdf").write_bytes(pdf)
        # every part of the page is on paper, not only the first screen of it
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3
        assert problems.errors == [], problems.errors
    finally:
        context.close()


def test_a_broken_package_shows_its_errors_and_then_the_page_without_those_rows(browser, server):
    context, page, problems = _open(browser, server, "broken_package")
    try:
        page.wait_for_selector(".pa-message", timeout=RENDER_MS)
        text = page.inner_text(".pa-message")
        assert "The data package cannot be shown as it is: 1 error(s) in contributions" in text
        assert "contributions.csv" in text and "is not a number" in text
        assert "1 row(s) (rows 3)" in text
        body = page.inner_text("body")
        assert "Traceback" not in body
        assert page.locator(".js-plotly-plot").count() == 0
        page.screenshot(path=str(_output_dir() / "broken_package.png"))
        # the choice to look at it without the rows that have errors: then it says so
        page.locator(".pa-drop button").click()
        page.wait_for_selector(".pa-banner", timeout=CHANGE_MS)
        banner = page.inner_text(".pa-banner")
        assert "Shown without 1 row(s) with errors" in banner
        assert "contributions: 1 row(s) left out" in banner
        page.wait_for_selector(".pa-card", timeout=CHANGE_MS)
        assert problems.errors == [], problems.errors
        page.screenshot(path=str(_output_dir() / "broken_package-dropped.png"))
    finally:
        context.close()
