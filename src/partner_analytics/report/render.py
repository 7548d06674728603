"""Periodic evaluation reports: papermill runs the template, nbconvert writes offline HTML.

:func:`render_report` runs the template ``templates/report.ipynb`` (linked from
``notebooks/report.ipynb``) with papermill for one report day,
keeps the executed notebook, writes a self-contained HTML file (code hidden, plotly.js
inlined once so that it opens offline, a table of contents, no CDN links) and, where
Debian's chromium is installed, prints that HTML to PDF. :func:`render_periods` makes one
report per period of a range ("2025-Q1:2026-Q3") with a progress bar, going on past a
period that fails and saying which one failed and why.

Measured facts behind the choices (docs/reports.md): under papermill plotly's default
renderer emits only its own mimetype, which nbconvert's HTML drops, so the template writes
figures as HTML with plotly.js once (what the ``notebook`` renderer does, without its CDN
MathJax link and its seconds of imports); ``nbconvert --to webpdf`` wants Playwright's own
Chromium download and clips plotly figures, so the PDF is printed by ``chromium --headless``.
"""

from __future__ import annotations

import copy
import html
import re
import subprocess
import sys
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "TEMPLATE",
    "PeriodResult",
    "ReportWarning",
    "error_text",
    "html_to_pdf",
    "notebook_to_html",
    "page_css",
    "parse_formats",
    "pdf_available",
    "render_periods",
    "render_report",
    "report_stem",
    "skip_slow_optional_imports",
]

#: The papermill template (in the source tree, next to the evaluator notebooks).
# the template ships with the package; notebooks/report.ipynb is a link to it, so that it
# opens and runs (under nbval) beside the other notebooks
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "report.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
FORMATS = ("html", "pdf")
# cells left out of the HTML: the template's own explanation and the parameters
_REMOVED_TAGS = {"remove_cell", "parameters", "injected-parameters"}


class ReportWarning(UserWarning):
    """Something the report could not do (a PDF without chromium), said plainly."""


@dataclass
class PeriodResult:
    """One period of :func:`render_periods`: the files written, or the error."""

    period: str
    as_of: str
    paths: dict[str, Path] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in this process.

    papermill and nbconvert import nbformat, which imports jsonschema, whose format
    checker imports every optional format library it finds; ``rfc3987_syntax`` builds a
    grammar when imported (0.5 to 4 s on these machines, more than the rest of papermill).
    nbformat never checks the "iri" formats it serves, so a command-line process that
    only writes reports can do without it. Call this before papermill is imported; it does
    nothing once jsonschema is loaded. Not called by the library functions, which must not
    change the importing process.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def pdf_available() -> bool:
    """True when Debian's chromium is installed at /usr/bin/chromium."""
    return CHROMIUM.is_file()


def report_stem(as_of) -> str:
    """The file name (without suffix) of a report: ``report-2026-Q3`` (a day ending a
    quarter, or a quarter), ``report-2026-09`` / ``report-2026`` (a month or year given as
    such), else ``report-2026-08-15``."""
    from partner_analytics.data.periods import period_name

    return f"report-{period_name(as_of)}"


def parse_formats(formats) -> tuple[str, ...]:
    """``"html,pdf"`` or a sequence -> ("html", "pdf"); ValueError for anything else."""
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",")]
    out = tuple(dict.fromkeys(f.strip().lower() for f in formats if f and f.strip()))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise ValueError(
            f"formats must be among {', '.join(FORMATS)}; got {', '.join(bad) or 'none'}"
        )
    return out


def _template(sections) -> object:
    """The template notebook, with the cells of sections not asked for removed."""
    import nbformat

    from partner_analytics.report.context import SECTIONS

    if not TEMPLATE.is_file():
        raise FileNotFoundError(
            f"the report template is not at {TEMPLATE}: the installation of partner_analytics "
            "is incomplete; reinstall it"
        )
    nb = nbformat.read(TEMPLATE, as_version=4)
    if sections is None:
        return nb
    keep = set(sections)
    unknown = keep - set(SECTIONS)
    if unknown:
        raise ValueError(
            f"unknown section(s) {', '.join(sorted(unknown))}; the sections are: {', '.join(SECTIONS)}"
        )
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        sec = [t[len("section-") :] for t in tags if t.startswith("section-")]
        if sec and not set(sec) & keep:
            continue
        cells.append(cell)
    nb.cells = cells
    return nb


# --------------------------------------------------------------------------- HTML

_CSS = """
main { max-width: 1180px; margin: 0 auto; }
.pa-title { font-size: 2rem; margin-bottom: 0.2em; }
.pa-subtitle { color: #555; margin-top: 0; }
nav.pa-toc { border: 1px solid #ddd; background: #fafafa; padding: 0.6em 1.2em; margin: 1em 0 1.5em; }
nav.pa-toc ol { margin: 0.3em 0; }
nav.pa-toc a { text-decoration: none; }
.pa-banner { border: 2px solid #c0392b; background: #fdf0ee; padding: 0.5em 1em; margin: 0.8em 0 1.2em; }
.pa-banner ul { margin: 0.3em 0; }
.pa-table-wrap { overflow-x: auto; margin: 0.6em 0 1.2em; }
.jp-RenderedHTMLCommon table.pa-table { border-collapse: collapse; font-size: 0.92rem; table-layout: auto; }
.jp-RenderedHTMLCommon table.pa-table { margin: 0; }
.jp-RenderedHTMLCommon table.pa-table caption { font-weight: 600; text-align: left; padding: 0.2em 0; }
.jp-RenderedHTMLCommon table.pa-table th, .jp-RenderedHTMLCommon table.pa-table td {
  border-bottom: 1px solid #e3e3e3; padding: 0.25em 0.7em; vertical-align: top; max-width: 36em; }
.jp-RenderedHTMLCommon table.pa-table .pa-txt { text-align: left; overflow-wrap: break-word; }
.jp-RenderedHTMLCommon table.pa-table .pa-num { text-align: right; }
.jp-RenderedHTMLCommon table.pa-table td.pa-num, .jp-RenderedHTMLCommon table.pa-table td.pa-short {
  white-space: nowrap; }
.jp-RenderedHTMLCommon table.pa-table th { background: #f3f3f3; }
.jp-RenderedHTMLCommon table.pa-table tr.pa-group th { background: #fff; text-align: left; padding-top: 0.7em;
  border-bottom: 1px solid #bbb; }
.jp-RenderedHTMLCommon table.pa-table tr.pa-group a { text-decoration: none; }
.pa-from, .pa-why { color: #666; font-size: 0.85em; }
code.pa-hash { font-size: 0.8em; word-break: break-all; white-space: normal; }
.jp-RenderedHTMLCommon ul.pa-highlights { list-style: none; padding-left: 0; }
blockquote.pa-note { border-left: 4px solid #d9822b; background: #fdf6ee; margin: 0.6em 0; padding: 0.3em 0.9em; }
li.pa-hl { margin: 0.35em 0; }
.pa-badge { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 3px; padding: 0 0.4em;
            margin-right: 0.5em; color: #fff; font-size: 0.8rem; text-transform: uppercase; }
.pa-badge.pa-alert { background: #c0392b; } .pa-badge.pa-watch { background: #d9822b; }
.pa-badge.pa-good { background: #2e9e5b; } .pa-badge.pa-info { background: #7a7a7a; }
.pa-findings { display: flex; flex-direction: column; gap: 0.6em; margin: 0.5em 0 1.5em; }
.pa-finding { border: 1px solid #ddd; border-left: 6px solid #7a7a7a; padding: 0.4em 0.8em; }
.pa-finding-body { display: flex; gap: 1em; align-items: center; }
.pa-finding.pa-alert { border-left-color: #c0392b; } .pa-finding.pa-watch { border-left-color: #d9822b; }
.pa-finding.pa-good { border-left-color: #2e9e5b; }
.pa-finding-text { flex: 1 1 40%; min-width: 0; }
.pa-finding-text p { margin: 0.25em 0; }
.pa-finding-action { border-left: 3px solid #17324d; padding-left: 0.5em; font-style: italic; }
.pa-finding-title { font-weight: 600; font-size: 1.05em; margin: 0.2em 0 0.3em; }
.pa-finding-figure { flex: 0 0 auto; }
.pa-more a { text-decoration: none; font-size: 0.9em; }
@media print {
  html, body { background: #fff; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper, .jp-OutputArea-child,
  .jp-OutputArea-output, .jp-InputArea, .jp-RenderedMarkdown { padding: 0 !important; margin: 0; }
  .jp-Collapser, .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
  .jp-OutputArea-child { break-inside: auto; display: block; }
  .jp-OutputArea-output { display: block !important; width: auto !important; overflow: visible !important; }
  body { margin: 0 !important; padding: 0 !important; }
  nav.pa-toc { display: none; }
  .jp-RenderedHTMLCommon h1.pa-title { font-size: 18pt; margin: 0 0 0.2em; }
  .jp-RenderedHTMLCommon h2 { font-size: 15pt; margin: 1.1em 0 0.4em; }
  .jp-RenderedHTMLCommon h3 { font-size: 12pt; margin: 0.8em 0 0.3em; }
  .jp-RenderedHTMLCommon h3.pa-findings-heading { margin: 0 0 0.3em; }
  .jp-Cell { margin: 0 !important; }
  .jp-MarkdownOutput h2:first-child { margin-top: 0.8em; }
  h1, h2, h3, .pa-subtitle, caption, .pa-findings-heading { break-after: avoid; page-break-after: avoid; }
  p:has(> strong:only-child) { break-after: avoid; }
  .pa-findings { gap: 0.25em; margin: 0.2em 0 0; }
  .pa-finding { padding: 0.15em 0.6em; font-size: 9pt; }
  .pa-finding, li.pa-hl, tr, .pa-fig, .pa-banner, blockquote.pa-note, .pa-small {
    break-inside: avoid; page-break-inside: avoid; }
  .pa-table-wrap { overflow: visible; margin: 0.3em 0 0.8em; }
  .jp-RenderedHTMLCommon table.pa-table { width: 100%; font-size: 8.5pt; }
  .jp-RenderedHTMLCommon table.pa-table th, .jp-RenderedHTMLCommon table.pa-table td {
    padding: 0.15em 0.45em; max-width: none; }
  .pa-wide { page: wide; }
  thead { display: table-header-group; }
  .pa-fig { zoom: 0.755; }
  .modebar, .modebar-container { display: none !important; }
  a { color: inherit; }
  a.anchor-link { display: none; }
}
"""

#: Paper sizes of the PDF (CSS paged media: chromium prints what the page asks for).
PAPERS = {"a4": "A4", "letter": "letter"}


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, line breaks and ``<`` escaped
    (a partnership's name can hold any of them)."""
    out = []
    for ch in text:
        if ch in '"\\<>' or ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def page_css(paper: str = "a4", running: str | None = None) -> str:
    """The printed pages: paper size, margins, the partnership and period at the top of
    every page and "Page n of m" at the bottom (CSS page margin boxes, which chromium
    prints), and a landscape page for a table too wide for a portrait one."""
    key = str(paper).strip().lower()
    if key not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}; got {paper!r}")
    size = PAPERS[key]
    box = "font-family: sans-serif; font-size: 8pt; color: #666;"
    top = f"@top-left {{ content: {_css_string(running)}; {box} }}" if running else ""
    bottom = f'@bottom-right {{ content: "Page " counter(page) " of " counter(pages); {box} }}'
    return (
        f"@page {{ size: {size}; margin: 15mm 14mm 15mm 14mm; {top} {bottom} }}\n"
        f"@page wide {{ size: {size} landscape; margin: 12mm 14mm 12mm 14mm; {top} {bottom} }}\n"
    )


_TEMPLATE_J2 = (
    "{%- extends 'index.html.j2' -%}\n"
    # no CDN: require.js and MathJax are not needed (plotly.js is inlined by the
    # template), mermaid is not used
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
)

_MATHJAX_CDN = re.compile(r'<script src="https?://[^"]*mathjax[^"]*"></script>')
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL)


def _heading_text(inner: str) -> str:
    text = re.sub(r"<a class=\"anchor-link\".*?</a>", "", inner, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _toc(body: str) -> str:
    """A table of contents of the section headings after the subtitle, and before each
    section heading the anchor the summary links to (``section-<key>``)."""
    from partner_analytics.report.blocks import anchor
    from partner_analytics.report.context import SECTIONS

    keys = {heading: key for key, heading in SECTIONS.items()}
    items = []
    for ident, inner in _H2.findall(body):
        text = _heading_text(inner)
        items.append(f'<li><a href="#{ident}">{html.escape(text)}</a></li>')
    if not items:
        return body

    def with_anchor(m: re.Match) -> str:
        key = keys.get(_heading_text(m.group(2)))
        return (
            f'<span class="pa-anchor" id="{anchor(key)}"></span>{m.group(0)}' if key else m.group(0)
        )

    body = _H2.sub(with_anchor, body)
    nav = '<nav class="pa-toc"><strong>Contents</strong><ol>' + "".join(items) + "</ol></nav>"
    marker = re.search(r'<p class="pa-subtitle">.*?</p>', body, re.DOTALL)
    if marker:
        return body[: marker.end()] + nav + body[marker.end() :]
    return body.replace("<main>", "<main>" + nav, 1)


_PLOTLY_PLACEHOLDER = "<!-- plotly.js of the report -->"


def _set_aside_plotly_js(nb) -> str | None:
    """Replace the output holding plotly.js by a placeholder; return the library's HTML."""
    from partner_analytics.report.blocks import PLOTLY_JS_ID

    start = f'<script id="{PLOTLY_JS_ID}"'
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = data.get("text/html", "")
            text = text if isinstance(text, str) else "".join(text)
            if text.startswith(start):
                data["text/html"] = _PLOTLY_PLACEHOLDER
                return text
    return None


def _report_title(nb) -> tuple[str | None, str | None]:
    """The title the report printed (its ``pa-title`` heading), for the page's <title>, and
    the running header of its printed pages (the heading's ``data-running``)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/html", "")
            text = text if isinstance(text, str) else "".join(text)
            m = re.search(
                r'<h1 class="pa-title"(?: data-running="([^"]*)")?>(.*?)</h1>', text, re.DOTALL
            )
            if m:
                running = html.unescape(m.group(1)) if m.group(1) is not None else None
                return html.unescape(m.group(2)), running
    return None, None


def _html_exporter():
    """nbconvert's HTML exporter as the report uses it (lab template without CDN links,
    inputs and prompts hidden, template notes and parameters removed)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"pa_report.html.j2": _TEMPLATE_J2})],
        template_file="pa_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=_REMOVED_TAGS), enabled=True
    )
    return exporter


class _WarmExporter(threading.Thread):
    """Import nbconvert and compile its templates while the kernel runs the notebook.

    Started after papermill and the Jupyter client are imported, so that the two threads
    never import the same module at once; the kernel is another process, so the parent's
    second core is free meanwhile. Saves one to two seconds per report; on any error the
    conversion simply builds its exporter itself.
    """

    def __init__(self):
        super().__init__(daemon=True, name="warm-nbconvert")
        self.exporter = None

    def run(self) -> None:
        try:
            import nbformat
            from openpyxl import Workbook  # noqa: F401

            # the workbook is written here once the kernel is done: openpyxl ready by then
            import partner_analytics.report.export  # noqa: F401

            exporter = _html_exporter()
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_markdown_cell("## Warm-up")]
            exporter.from_notebook_node(nb)
            self.exporter = exporter
        except Exception:  # noqa: BLE001 - the real conversion will say what is wrong
            self.exporter = None

    def take(self):
        self.join()
        return self.exporter


def notebook_to_html(
    notebook,
    html_path: str | Path,
    *,
    title: str | None = None,
    exporter=None,
    paper: str = "a4",
) -> Path:
    """An executed report notebook as one self-contained HTML file.

    Inputs and prompts hidden, the template's explanation and parameter cells removed,
    no require.js / MathJax / mermaid CDN links, report CSS inlined, a table of contents
    of the section headings after the subtitle. plotly.js is in the notebook's outputs
    (written once by the template), so the page works from file:// without network.
    ``notebook``: its path, or the notebook itself (read already; it is changed).
    ``exporter``: a ready exporter from :func:`_html_exporter` (default: a new one).
    ``paper``: "a4" or "letter", the page size when the page is printed (:func:`page_css`).
    """
    import nbformat

    nb = notebook if hasattr(notebook, "cells") else nbformat.read(notebook, as_version=4)
    printed, running = _report_title(nb)
    title = title or printed
    pages = page_css(paper, running)
    # plotly.js (5 MB) is set aside while nbconvert works (its HTML exporter parses the
    # whole page with BeautifulSoup) and put back in place afterwards
    library = _set_aside_plotly_js(nb)
    if title:
        nb.metadata["title"] = title
    exporter = exporter or _html_exporter()
    body, _ = exporter.from_notebook_node(nb)
    # plotly's own renderers add a MathJax CDN script to every figure (for LaTeX in
    # figures, which the report does not use): should a notebook hold one, drop it
    body = _MATHJAX_CDN.sub("", body)
    if library is not None:
        body = body.replace(_PLOTLY_PLACEHOLDER, library, 1)
    body = _toc(body)
    # the report's styles last in the head: they win over the lab template's own
    body = body.replace("</head>", f'<style type="text/css">{_CSS}{pages}</style>\n</head>', 1)
    out = Path(html_path)
    out.write_text(body, encoding="utf-8")
    return out


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: float = 120) -> Path:
    """Print an HTML report to PDF with Debian's chromium (headless, figures complete)."""
    if not pdf_available():
        raise FileNotFoundError(
            f"no PDF: chromium is not installed at {CHROMIUM} (apt install chromium)"
        )
    src, dst = Path(html_path).resolve(), Path(pdf_path).resolve()
    dst.unlink(missing_ok=True)
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--generate-pdf-document-outline",
        f"--print-to-pdf={dst}", "--virtual-time-budget=10000", src.as_uri(),
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if not dst.is_file() or dst.stat().st_size == 0:
        raise RuntimeError(
            f"chromium did not write {dst} (exit {proc.returncode}): {proc.stderr.strip()[-500:]}"
        )
    return dst


# --------------------------------------------------------------------------- running


def render_report(
    path,
    *,
    as_of,
    previous=None,
    out,
    formats=("html",),
    title: str | None = None,
    min_n: int | None = None,
    sections=None,
    drop_invalid: bool = False,
    paper: str = "a4",
) -> dict[str, Path]:
    """Run the report template for one day and write the notebook, HTML, workbook and PDF.

    Parameters
    ----------
    path : str or Path
        The package folder, workbook or DuckDB store.
    as_of : date or period label
        The report day ("2026-09-30" or "2026-Q3").
    previous : date or period label, optional
        The day to compare with (default: the end of the period before: the quarter
        before, or the month or year before when ``as_of`` is written as one).
    out : str or Path
        The folder to write to (created).
    formats : sequence of {"html", "pdf"} or "html,pdf"
        The executed notebook is always kept; HTML is written whenever PDF is asked too.
        Without chromium the PDF is skipped with a :class:`ReportWarning`.
    title, min_n, sections
        Template parameters (see notebooks/report.ipynb).
    drop_invalid : bool
        A package with errors stops the report (:class:`ValidationError`, nothing is
        written); True leaves the rows with errors out, and the report opens with a banner
        saying what was left out and what it affects.
    paper : {"a4", "letter"}
        The page size of the printed report (the PDF, and printing the HTML).

    Returns
    -------
    dict
        ``{"notebook": .ipynb, "html": .html, "xlsx": .xlsx, "pdf": .pdf}`` (the files
        written), named ``report-<period>`` (see :func:`report_stem`); the workbook holds
        every table of the report, one sheet each (:mod:`~partner_analytics.report.export`).

    Raises
    ------
    ValidationError
        The package has errors and ``drop_invalid`` is false (its problems attached).
    papermill.PapermillExecutionError
        When a cell of the template fails (the executed notebook, with the error, is kept).
    """
    import jupyter_client.manager  # noqa: F401 - imported here, before the warm-up thread
    import nbclient.client  # noqa: F401
    import papermill as pm
    import papermill.engines

    from partner_analytics.data.periods import parse_as_of, previous_day

    fmts = parse_formats(formats)
    page_css(paper)  # a wrong paper size fails before anything runs
    src = Path(path).expanduser().resolve()
    if not src.exists():
        raise FileNotFoundError(f"no package at {src}")
    day = parse_as_of(as_of)
    # the period before, of the kind as_of is written in (quarter, month, year)
    prev_day = previous_day(as_of, previous)
    prev = prev_day.date().isoformat()
    folder = Path(out).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    stem = report_stem(as_of)
    nb_path = folder / f"{stem}.ipynb"
    params = {
        "data": str(src),
        "as_of": day.date().isoformat(),
        "previous": prev,
        "title": title,
        "min_n": None if min_n is None else int(min_n),
        "sections": list(sections) if sections is not None else None,
        "drop_invalid": bool(drop_invalid),
        "workbook": "output",  # the notebook hands its tables over; the workbook is written here
    }
    nb = _template(params["sections"])
    warm = _WarmExporter()
    warm.start()
    try:
        pm.execute_notebook(
            nb,
            str(nb_path),
            parameters=params,
            kernel_name="python3",
            cwd=str(folder),
            progress_bar=False,
            request_save_on_cell_execute=False,
            log_output=False,
            # ipykernel 7 warns on stderr that the local TCP transport is not encrypted
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except Exception as exc:
        if getattr(exc, "ename", None) == "ValidationError":
            _stop_on_errors(src, nb_path)
        raise
    import nbformat

    from partner_analytics.report.export import tables_sent, write_workbook_data

    written = {"notebook": nb_path}
    executed = nbformat.read(nb_path, as_version=4)
    exporter = warm.take()
    tables = tables_sent(executed)
    if tables is not None:
        written["xlsx"] = write_workbook_data(tables, folder / f"{stem}.xlsx")
    written["html"] = notebook_to_html(
        executed, folder / f"{stem}.html", title=title, exporter=exporter, paper=paper
    )
    if "pdf" in fmts:
        if pdf_available():
            written["pdf"] = html_to_pdf(written["html"], folder / f"{stem}.pdf")
        else:
            warnings.warn(
                f"no PDF written: chromium is not installed at {CHROMIUM} (apt install chromium); "
                f"the HTML report is at {written['html']}",
                ReportWarning,
                stacklevel=2,
            )
    return written


def _stop_on_errors(src: Path, nb_path: Path) -> None:
    """The package has errors: no report. Raise its ValidationError (the problems, for the
    command line to print as ``validate`` does) and keep nothing of the run."""
    from partner_analytics import load_partnership

    nb_path.unlink(missing_ok=True)
    load_partnership(src)  # raises the ValidationError with every problem


def error_text(exc: BaseException) -> str:
    """One line saying what failed: the exception (for papermill: of the failing cell)."""
    ename = getattr(exc, "ename", None)
    if ename:  # papermill.PapermillExecutionError
        cell = getattr(exc, "cell_index", None)
        where = f" in cell {cell}" if cell is not None else ""
        return f"{ename}: {getattr(exc, 'evalue', '')}{where}"
    return f"{type(exc).__name__}: {exc}"


def render_periods(
    path,
    periods: str,
    *,
    out,
    formats=("html",),
    title: str | None = None,
    min_n: int | None = None,
    sections=None,
    progress: bool = True,
    drop_invalid: bool = False,
    paper: str = "a4",
) -> list[PeriodResult]:
    """One report per period of a range, going on past failures.

    Parameters
    ----------
    path : str or Path
        The package.
    periods : str
        ``"FIRST:LAST"``: quarters ("2025-Q1:2026-Q3"), months or years, both ends
        included. Each report is as of the period's last day and compared with the period
        before.
    out, formats, title, min_n, sections, drop_invalid, paper
        As in :func:`render_report`; all reports go to ``out``.
    progress : bool
        Show a tqdm progress bar on stderr.

    Returns
    -------
    list of PeriodResult
        One per period, in order: ``paths`` when written, ``error`` (the exception's type
        and message, and the failing cell) when not.
    """
    from tqdm.auto import tqdm

    from partner_analytics.data.periods import period_end, period_range

    labels = period_range(periods)
    results = []
    bar = tqdm(labels, desc="reports", unit="report", disable=not progress, file=sys.stderr)
    for lab in bar:
        bar.set_postfix_str(lab)
        res = PeriodResult(lab, period_end(lab).date().isoformat())
        try:
            res.paths = render_report(
                path,
                as_of=lab,
                out=out,
                formats=formats,
                title=title,
                min_n=min_n,
                sections=sections,
                drop_invalid=drop_invalid,
                paper=paper,
            )
        except Exception as exc:  # noqa: BLE001 - one failing period must not stop the others
            res.error = error_text(exc)
            kept = Path(out).expanduser().resolve() / f"{report_stem(lab)}.ipynb"
            if getattr(exc, "ename", None) and kept.is_file():
                res.error += f" (the executed notebook, with the error: {kept})"
        results.append(res)
    bar.close()
    return results
