"""The report's sections, built without a kernel, on the tiny partnership."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from partner_analytics import AnalysisInputError, Partnership
from partner_analytics.analysis.headlines import headline_figures
from partner_analytics.report.sections import (
    HIDDEN,
    SECTIONS,
    headline_table,
    html_table,
    redacted_problems,
    redacted_rejected,
    report_context,
    section,
)

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
    row = html[html.index('<td class="txt">Port</td>') :].split("</tr>")[0]
    assert "n &lt; 3" in row
    assert "3.0" not in row


def test_the_headline_table_shows_now_previous_and_change_as_text(tiny):
    t = headline_table(headline_figures(tiny, as_of=AS_OF)).set_index("Figure")
    assert t.loc["Overdue commitments", "Now"] == "2"
    assert t.loc["Overdue commitments", "Previous"] == "0"
    assert t.loc["Overdue commitments", "Change"] == "+2"
    assert t.loc["Commitments kept on time (% of those due)", "Now"] == "33 %"
    assert t.loc["Commitments kept on time (% of those due)", "Change"] == "−66.7 pts"


def test_a_suppressed_headline_figure_reads_n_below_min_n(tiny):
    t = headline_table(headline_figures(tiny, as_of=AS_OF, min_n=7), min_n=7).set_index("Figure")
    assert t.loc["Collaboration health index (0-100)", "Now"] == "n < 7"


def test_tables_escape_cells_and_right_align_numbers():
    html = html_table(pd.DataFrame({"Name": ["<b>x</b>"], "Value": ["1,234"]}))
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<td class="num">1,234</td>' in html and '<td class="txt">' in html


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


def test_problems_and_rejected_rows_hide_rater_ids():
    # a duplicate rater row is rejected; the problem's value and message quote the key
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A"], "name": ["Alpha"], "sector": ["public"]}),
        stakeholders=pd.DataFrame({"stakeholder_id": ["S1"], "name": ["Residents"]}),
        stakeholder_ratings=pd.DataFrame(
            {
                "wave": ["2022-Q4"] * 3,
                "rater_id": ["rater-77", "rater-77", "rater-78"],
                "stakeholder_id": ["S1"] * 3,
                "power": [4, 5, 3],
                "interest": [4, 4, 4],
            }
        ),
        drop_invalid=True,
        today=datetime.date(2030, 1, 1),
    )
    assert len(p.rejected) >= 1
    raw = p.problems.astype(str).to_string() + p.rejected.astype(str).to_string()
    assert "rater-77" in raw
    text = (
        redacted_problems(p).astype(str).to_string() + redacted_rejected(p).astype(str).to_string()
    )
    assert "rater-77" not in text and "rater-78" not in text
    assert HIDDEN in text
