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


@pytest.mark.slow
def test_the_same_command_twice_gives_the_same_numbers_and_a_pdf(sample_run, tmp_path):
    out, _ = sample_run
    formats = "html,pdf" if reports.pdf_available() else "html"
    result = _run(SAMPLE, "--as-of", "2026-Q3", "--out", tmp_path, "--format", formats)
    assert result.exit_code == 0, result.output
    first = _text_outputs(out / "report-2026-Q3.ipynb")
    second = _text_outputs(tmp_path / "report-2026-Q3.ipynb")
    assert len(first) == len(second)
    diff = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert diff == []
    if reports.pdf_available():
        pdf = tmp_path / "report-2026-Q3.pdf"
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 100_000
        assert f"pdf: {pdf}" in result.output


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
    for table in (
        "stakeholder_ratings",
        "assessments",
        "commitments",
        "contributions",
        "indicators",
        "readiness",
    ):
        assert f"needs table &#x27;{table}&#x27;" in html or f"needs table '{table}'" in html, table
    assert "Traceback" not in html


def test_a_batch_period_without_a_package_is_reported_not_raised(tmp_path):
    results = reports.render_periods(
        tmp_path / "nowhere", "2026-Q2:2026-Q3", out=tmp_path / "o", progress=False
    )
    assert [r.period for r in results] == ["2026-Q2", "2026-Q3"]
    assert all(not r.ok and r.error.startswith("FileNotFoundError: no package at") for r in results)
