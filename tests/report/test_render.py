"""The report command: papermill on the template, offline HTML, PDF, batch mode.

The runs of papermill (about 10 s each) are shared: one report of the sample for 2026-Q3
reused by most assertions, a second one of the same day for determinism (and the PDF),
and one batch run on a package holding only partners.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from partner_analytics.cli import app
from partner_analytics.report import render as reports
from partner_analytics.report.sections import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
runner = CliRunner()

needs_sample = pytest.mark.skipif(
    not (SAMPLE / "partners.csv").is_file(), reason="data/sample not generated"
)


def _run(*args: str):
    return runner.invoke(app, ["report", *map(str, args)], catch_exceptions=False)


# --------------------------------------------------------------------------- fast checks


def test_the_report_needs_a_day_or_a_range(tmp_path):
    result = _run(SAMPLE, "--out", tmp_path)
    assert result.exit_code == 2
    assert "give either --as-of DATE or --periods FIRST:LAST" in result.output


def test_an_unknown_format_is_refused(tmp_path):
    result = _run(SAMPLE, "--as-of", "2026-09-30", "--out", tmp_path, "--format", "docx")
    assert result.exit_code == 2
    assert "formats must be among html, pdf" in result.output


def test_a_bad_range_is_refused_before_anything_runs(tmp_path):
    result = _run(SAMPLE, "--periods", "2026-Q3:2025-Q1", "--out", tmp_path)
    assert result.exit_code == 2
    assert "comes after the last" in result.output


def test_the_template_keeps_only_the_sections_asked_for():
    nb = reports._template(["summary", "appendix"])
    tags = {t for c in nb.cells for t in c.metadata.get("tags", []) if t.startswith("section-")}
    assert tags == {"section-summary", "section-appendix"}
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_the_template_has_a_heading_per_section_and_a_literal_parameters_cell():
    nb = nbformat.read(reports.TEMPLATE, as_version=4)
    headings = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for heading in SECTIONS.values():
        assert f"## {heading}" in headings
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert 'data = "../data/sample"' in params[0].source
    # committed without outputs
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells
        if c.cell_type == "code"
    )


def test_the_html_conversion_hides_code_adds_contents_and_links_no_cdn(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("template notes", metadata={"tags": ["remove_cell"]}),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "print('hi')",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"text/html": '<p class="pa-subtitle">sub</p>'}
                )
            ],
        ),
        nbformat.v4.new_markdown_cell("## First part"),
        nbformat.v4.new_markdown_cell("## Second part"),
    ]
    src = tmp_path / "n.ipynb"
    nbformat.write(nb, src)
    html = reports.notebook_to_html(src, tmp_path / "n.html").read_text(encoding="utf-8")
    assert (
        "template notes" not in html and "x = 1" not in html and "print(&#39;hi&#39;)" not in html
    )
    assert "print('hi')" not in html
    toc = html[html.index('<nav class="pa-toc">') :].split("</nav>")[0]
    assert re.findall(r'href="#([^"]+)"', toc) == ["First-part", "Second-part"]
    assert re.search(r'<script[^>]+src="https?://', html) is None


# --------------------------------------------------------------------------- the sample report


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    if not (SAMPLE / "partners.csv").is_file():
        pytest.skip("data/sample not generated")
    out = tmp_path_factory.mktemp("report")
    result = _run(SAMPLE, "--as-of", "2026-09-30", "--out", out)
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def sample_html(sample_run) -> str:
    out, _ = sample_run
    return (out / "report-2026-Q3.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_command_prints_where_the_html_is_and_keeps_the_notebook(sample_run):
    out, output = sample_run
    html = out / "report-2026-Q3.html"
    assert f"HTML report: {html}" in output
    assert html.is_file() and html.stat().st_size > 1_000_000
    assert (out / "report-2026-Q3.ipynb").is_file()


@pytest.mark.slow
def test_the_html_has_every_section_heading_and_a_table_of_contents(sample_html):
    toc = sample_html[sample_html.index('<nav class="pa-toc">') :].split("</nav>")[0]
    for heading in SECTIONS.values():
        assert re.search(r"<h2[^>]*>" + re.escape(heading), sample_html), heading
        assert heading in toc


@pytest.mark.slow
def test_the_html_shows_no_code_and_no_traceback(sample_html):
    assert "Traceback" not in sample_html
    # code cells' inputs are editors with highlighted source (markdown cells are "inputs"
    # too in nbconvert's lab template, so jp-InputArea alone says nothing)
    assert 'class="jp-InputArea-editor' not in sample_html and 'class="highlight' not in sample_html
    assert "report_context(" not in sample_html and "show(section(" not in sample_html


@pytest.mark.slow
def test_plotly_is_inlined_and_nothing_is_loaded_from_a_cdn(sample_html):
    assert "window.Plotly = Plotly" in sample_html  # the plotly.js bundle itself
    assert sample_html.count("Plotly.newPlot(") >= 8  # the figures
    assert re.search(r'<script[^>]+src="https?://', sample_html) is None
    assert re.search(r'<link[^>]+href="https?://', sample_html) is None


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").is_file(), reason="needs Debian's chromium")
def test_the_figures_draw_in_a_browser_without_network(sample_run):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    out, _ = sample_run
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        page = browser.new_context(offline=True).new_page()
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if r.url.startswith("http") else None)
        page.goto((out / "report-2026-Q3.html").as_uri())
        page.wait_for_function(
            "document.querySelectorAll('.plotly-graph-div .main-svg').length > 0"
        )
        n_divs = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
        n_drawn = page.evaluate(
            "[...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('.main-svg')).length"
        )
        browser.close()
    assert errors == [] and requests == []
    assert n_divs >= 8 and n_drawn == n_divs


@pytest.mark.slow
def test_no_respondent_or_rater_id_appears(sample_html):
    a = pd.read_csv(SAMPLE / "assessments.csv", dtype=str)
    r = pd.read_csv(SAMPLE / "stakeholder_ratings.csv", dtype=str)
    ids = set(a["respondent_id"]) | set(r["rater_id"])
    assert len(ids) > 10
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w-])")
    assert pattern.findall(sample_html) == []


@pytest.mark.slow
def test_the_appendix_gives_the_provenance(sample_html):
    import hashlib

    from partner_analytics import __version__

    digest = hashlib.sha256((SAMPLE / "partners.csv").read_bytes()).hexdigest()
    assert digest in sample_html
    assert re.search(
        r"partner_analytics version</td><td[^>]*>" + re.escape(__version__) + "<", sample_html
    )
    assert "Run at (UTC)" in sample_html


@pytest.mark.slow
def test_the_highlights_name_the_sample_story(sample_html):
    # methods and story of data/sample: BuildLoop's overdue commitments, S18 contested,
    # IND05 slipping into deterioration between 2026-Q2 and 2026-Q3
    assert "BuildLoop Construction has 4 overdue commitments" in sample_html
    assert "Northmark Energy-from-Waste Operator" in sample_html
    assert (
        "moved to deterioration since 2026-Q2: Construction and demolition waste reused"
        in sample_html
    )


def _text_outputs(path: Path) -> list[str]:
    """Every output of an executed notebook as text, figure div ids and the run time removed."""
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            for mime in ("text/plain", "text/markdown", "text/html"):
                if mime in data:
                    texts.append(data[mime] if isinstance(data[mime], str) else "".join(data[mime]))
            if o.get("output_type") == "stream":
                texts.append(o.get("text", ""))
    joined = "\n".join(texts)
    joined = re.sub(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", joined
    )
    joined = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00", "<run time>", joined)
    return joined.split("\n")


@pytest.fixture(scope="module")
def second_run(sample_run, tmp_path_factory):
    """The same command again, with a PDF where chromium is installed: the one PDF render
    of this module."""
    out = tmp_path_factory.mktemp("again")
    formats = "html,pdf" if reports.pdf_available() else "html"
    result = _run(SAMPLE, "--as-of", "2026-Q3", "--out", out, "--format", formats)
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.mark.slow
def test_the_same_command_twice_gives_the_same_numbers(sample_run, second_run):
    out, _ = sample_run
    again, _ = second_run
    first = _text_outputs(out / "report-2026-Q3.ipynb")
    second = _text_outputs(again / "report-2026-Q3.ipynb")
    assert len(first) == len(second)
    diff = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert diff == []


needs_pdf_tools = pytest.mark.skipif(
    not reports.pdf_available() or shutil.which("pdftoppm") is None,
    reason="needs Debian's chromium and pdftoppm (poppler-utils)",
)


def _pdf_pages(pdf: Path, dpi: int = 20) -> list:
    """Every page of a PDF as a grey image (numpy array, 0 black .. 255 white)."""
    import subprocess
    import tempfile

    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), f"{tmp}/p"], check=True)
        pages = []
        for f in sorted(Path(tmp).glob("p*.pgm")):
            _, w, h, _, data = f.read_bytes().split(maxsplit=4)
            w, h = int(w), int(h)
            pages.append(np.frombuffer(data[: w * h], np.uint8).reshape(h, w))
    return pages


def _page_texts(pdf: Path) -> list[str]:
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


@pytest.mark.slow
@needs_pdf_tools
def test_the_pdf_fits_a4_pages_none_nearly_empty_nothing_past_the_edge(second_run):
    out, output = second_run
    pdf = out / "report-2026-Q3.pdf"
    assert f"pdf: {pdf}" in output and pdf.read_bytes()[:5] == b"%PDF-"
    pages = _pdf_pages(pdf)
    assert 8 <= len(pages) < 20
    mm = 20 / 25.4  # pixels per millimetre at 20 dpi
    for i, page in enumerate(pages, 1):
        h, w = page.shape
        size = sorted((h / mm, w / mm))  # A4 (210 x 297 mm), either way round
        assert abs(size[0] - 210) < 3 and abs(size[1] - 297) < 3, (i, page.shape)
        band = int(14 * mm)  # the header and footer lines live in the top and bottom margins
        body = page[band : h - band]
        # nothing runs into the side margins: what is wider than the page is cut there
        assert (body[:, : int(8 * mm)] < 230).sum() == 0, f"page {i}: ink in the left margin"
        assert (body[:, w - int(8 * mm) :] < 230).sum() == 0, f"page {i}: ink in the right margin"
        # no page nearly empty (a heading alone, a lost scrollbar): content over a fifth of it
        ink = np.flatnonzero((body < 230).any(axis=1))
        assert len(ink) and (ink[-1] - ink[0]) / body.shape[0] > 0.2, f"page {i} is nearly empty"


@pytest.mark.slow
@needs_pdf_tools
def test_every_page_names_the_partnership_and_period_and_its_number(second_run):
    out, _ = second_run
    texts = _page_texts(out / "report-2026-Q3.pdf")
    for i, text in enumerate(texts, 1):
        assert "Circular Region Partnership · 2026-Q3" in text, i
        assert f"Page {i} of {len(texts)}" in text, i
        # a section heading never ends a page: it is kept with what it heads
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        body = [ln for ln in lines if not ln.startswith(("Page ", "Circular Region Partnership ·"))]
        assert body and body[-1] not in SECTIONS.values(), (i, body[-1])
    assert "Key findings" in texts[0]  # the executive summary is the first page
    # no plotly toolbar and no raw code printed
    joined = "\n".join(texts)
    for code in ("manage_closely", "not_available", "contracted_delivery", "loose_network",
                 "Parameter title", "null"):  # fmt: skip
        assert code not in joined, code


@pytest.mark.slow
def test_a_workbook_of_every_table_is_written_beside_the_html(sample_run):
    import openpyxl

    out, output = sample_run
    xlsx = out / "report-2026-Q3.xlsx"
    assert f"tables (workbook): {xlsx}" in output
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:2] == ["README", "What changed"]
    assert {"Power-interest grid", "Factor means", "Follow-through", "Indicator status"} <= set(
        wb.sheetnames
    )
    readme = dict(wb["README"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert readme["Partnership"] == "Circular Region Partnership"
    assert readme["Report day"] == "30 Sep 2026 (2026-Q3)"


@pytest.mark.slow
def test_the_html_shows_plain_names_not_codes(sample_html):
    # the text a reader sees: no tags, no scripts (plotly's JSON keeps its codes)
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", sample_html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", body)
    for code in ("manage_closely", "keep_satisfied", "not_available", "substantial_progress",
                 "civil_society", "contracted_delivery", "loose_network", "in_place",
                 "Parameter title", "null", '["summary"'):  # fmt: skip
        assert code not in text, code
    assert "Mutuality factors (Proving Services" in text  # the instrument in words


def _broken_package(tmp_path: Path) -> Path:
    """The sample with 41 contributions of an unknown partner and a commitment due 'n/a'."""
    pkg = tmp_path / "broken"
    shutil.copytree(SAMPLE, pkg)
    c = pd.read_csv(pkg / "contributions.csv", dtype=str, keep_default_na=False)
    c.loc[0:40, "partner_id"] = "P99"
    c.to_csv(pkg / "contributions.csv", index=False)
    k = pd.read_csv(pkg / "commitments.csv", dtype=str, keep_default_na=False)
    k.loc[1, "due_date"] = "n/a"
    k.to_csv(pkg / "commitments.csv", index=False)
    return pkg


@pytest.mark.slow
@needs_sample
def test_a_package_with_errors_stops_the_report_with_the_problems_grouped(tmp_path):
    pkg = _broken_package(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(pkg), "--as-of", "2026-Q3", "--out", str(out)],
                           terminal_width=200)  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "the package has errors; no report was written" in result.output
    assert "--drop-invalid" in result.output
    # grouped as validate prints them: the 41 rows of one unknown partner on one line
    assert "41 rows: 2, 3, 4, ..." in result.output
    assert "unknown partner_id 'P99'" in result.output
    assert "leave the cell empty" in result.output
    assert not any(out.glob("report-*"))  # nothing written


@pytest.mark.slow
@needs_sample
def test_with_drop_invalid_the_report_opens_saying_what_was_left_out(tmp_path):
    pkg = _broken_package(tmp_path)
    written = reports.render_report(
        pkg,
        as_of="2026-Q3",
        out=tmp_path / "out",
        drop_invalid=True,
        sections=["summary", "appendix"],
    )
    html = written["html"].read_text(encoding="utf-8")
    banner = html[html.index('class="pa-banner"') :].split("</div>")[0]
    assert banner.index("leaves out rows with errors") < banner.index("Contributions")
    assert "41 of 220 rows left out" in banner
    assert "Affects: Contributions (headline figures: Contributions delivered (to date)" in banner
    assert "1 of 56 rows left out" in banner  # the commitment due 'n/a'
    # the banner comes before the summary
    assert html.index('class="pa-banner"') < html.index("Key findings")


# --------------------------------------------------------------------------- missing tables, batch


@pytest.mark.slow
def test_a_batch_goes_on_past_a_failing_period_and_exits_1(tmp_path, monkeypatch):
    # a package with partners only: every other section must say what is missing
    pkg = tmp_path / "partners_only"
    pkg.mkdir()
    if (SAMPLE / "partners.csv").is_file():
        shutil.copy(SAMPLE / "partners.csv", pkg / "partners.csv")
    else:
        (pkg / "partners.csv").write_text(
            "partner_id,name,sector\nP1,Council,public\nP2,Firm,private\n"
        )
    real = reports.render_report

    def flaky(path, *, as_of, **kw):
        if as_of == "2026-Q2":
            raise RuntimeError("the 2026-Q2 export is corrupt")
        return real(path, as_of=as_of, **kw)

    monkeypatch.setattr(reports, "render_report", flaky)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(pkg), "--periods", "2026-Q2:2026-Q3", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "2026-Q2: FAILED: RuntimeError: the 2026-Q2 export is corrupt" in result.output
    assert "1 of 2 report(s) written" in result.output
    assert not (out / "report-2026-Q2.html").exists()
    html = (out / "report-2026-Q3.html").read_text(encoding="utf-8")
    for heading in SECTIONS.values():
        assert re.search(r"<h2[^>]*>" + re.escape(heading), html), heading
    # each section says in plain words what the package lacks (no "needs table 'x'")
    for words, table in (
        ("stakeholder ratings", "stakeholder_ratings"),
        ("collaboration survey answers", "assessments"),
        ("commitments", "commitments"),
        ("contributions", "contributions"),
        ("indicators", "indicators"),
        ("readiness reviews", "readiness"),
    ):
        assert f"The package has no {words} (no {table} table)" in html, table
    assert "needs table" not in html and "Traceback" not in html


def test_a_batch_period_without_a_package_is_reported_not_raised(tmp_path):
    results = reports.render_periods(
        tmp_path / "nowhere", "2026-Q2:2026-Q3", out=tmp_path / "o", progress=False
    )
    assert [r.period for r in results] == ["2026-Q2", "2026-Q3"]
    assert all(not r.ok and r.error.startswith("FileNotFoundError: no package at") for r in results)


def test_the_printed_pages_are_a4_unless_letter_is_asked_and_the_header_is_text():
    a4 = reports.page_css("a4", 'Évora "Partners" </style><script>x')
    assert "size: A4;" in a4 and "size: A4 landscape;" in a4
    assert 'counter(page) " of " counter(pages)' in a4
    # the partnership's name cannot end the style element or the CSS string
    assert "</style>" not in a4 and "<script>" not in a4 and '"Partners"' not in a4
    assert "size: letter;" in reports.page_css("letter")
    with pytest.raises(ValueError, match="a4, letter"):
        reports.page_css("a3")
