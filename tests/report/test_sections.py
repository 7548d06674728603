"""The report's sections, built without a kernel, on the tiny partnership."""

from __future__ import annotations

import pytest

from partner_analytics import AnalysisInputError
from partner_analytics.report.context import SECTIONS, report_context
from partner_analytics.report.sections import section, show

AS_OF = "2022-12-31"


@pytest.fixture(scope="module")
def ctx(tiny):
    return report_context(tiny, as_of=AS_OF, run_time="2030-01-01T00:00:00+00:00")


def text_of(blocks) -> str:
    return "\n".join(b.text() for b in blocks)


def test_every_section_builds_and_the_summary_lists_the_highlights(ctx):
    for key in SECTIONS:
        assert isinstance(section(ctx, key), list)
    summary = text_of(section(ctx, "summary"))
    assert "Alpha Council has 2 overdue commitments; the oldest is 91 days overdue." in summary
    assert "What changed since 2022-Q3" in summary or "what changed since 2022-Q3" in summary


def test_a_section_whose_table_is_missing_says_which_table(ctx):
    text = text_of(section(ctx, "readiness"))
    assert "Readiness is not available." in text
    assert "needs table 'readiness'" in text
    text = text_of(section(ctx, "contributions"))
    assert "needs table 'contributions'" in text


def test_a_suppressed_stakeholder_reads_n_below_min_n_not_its_numbers(ctx):
    # Port: rated by 2 raters in 2022-Q4, power 1 and 5 (mean 3.0)
    html = text_of(section(ctx, "stakeholders"))
    row = html[html.index('<td class="pa-txt">Port</td>') :].split("</tr>")[0]
    assert "n &lt; 3" in row
    assert "3.0" not in row


def test_an_unknown_section_is_refused_with_the_list(tiny):
    with pytest.raises(AnalysisInputError, match="the sections are: summary"):
        report_context(tiny, as_of=AS_OF, sections=["summary", "gossip"])


def test_a_section_left_out_says_so(tiny):
    c = report_context(tiny, as_of=AS_OF, sections=["summary"])
    assert "left out" in text_of(section(c, "health"))


def test_the_appendix_lists_missing_tables_and_the_parameters(ctx):
    text = text_of(section(ctx, "appendix"))
    assert "`readiness`" in text and "`contributions`" in text
    assert "2030-01-01T00:00:00+00:00" in text
    assert "Parameter as_of" in text and "2022-12-31" in text


def _shown(monkeypatch):
    """Capture what show() sends to the notebook (one HTML string per output)."""
    import IPython.display

    outputs: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: outputs.append(obj.data))
    return outputs


def test_plotly_js_goes_out_once_per_report_even_when_a_kernel_makes_two(tiny, monkeypatch):
    outputs = _shown(monkeypatch)
    for _ in range(2):  # two reports in one kernel: each carries plotly.js once
        ctx = report_context(tiny, as_of=AS_OF, run_time="T")
        show(ctx, "title")
        show(ctx, "stakeholders")  # the power-interest grid: the first figure
        show(ctx, "health")
    library = [o for o in outputs if o.startswith('<script id="pa-plotlyjs"')]
    assert len(library) == 2
    # it comes before the first figure of each report
    first = [i for i, o in enumerate(outputs) if "plotly-graph-div" in o or "Plotly.newPlot" in o]
    assert outputs.index(library[0]) < first[0]


def test_the_report_writes_the_threshold_it_uses(tiny):
    import dataclasses

    # given: min_n = 4; Residents (3 raters) and Port (2) are both hidden
    c = report_context(tiny, as_of=AS_OF, run_time="T", min_n=4)
    text = text_of(section(c, "summary")) + text_of(section(c, "stakeholders"))
    assert 'read "n < 4"' in text and "n &lt; 4" in text and "n &lt; 3" not in text
    # not given: the package's setting
    p2 = dataclasses.replace(tiny, min_n=2, cache={})
    c2 = report_context(p2, as_of=AS_OF, run_time="T")
    assert c2.min_n == 2 and c2.parameters["min_n"] == 2
