"""The report's sections, built without a kernel, on the tiny partnership."""

from __future__ import annotations

import re

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


def test_a_section_whose_table_is_missing_says_in_plain_words_what_the_package_lacks(ctx):
    text = text_of(section(ctx, "readiness"))
    assert (
        "Readiness: not available.** The package has no readiness reviews (no readiness table)."
        in text
    )
    text = text_of(section(ctx, "contributions"))
    assert "The package has no contributions (no contributions table)" in text
    assert "needs table" not in text and "the package has: " not in text


def test_a_suppressed_stakeholder_reads_n_below_min_n_not_its_numbers(ctx):
    # Port: rated by 2 raters in 2022-Q4, power 1 and 5 (mean 3.0)
    html = text_of(section(ctx, "stakeholders"))
    row = html[html.index(">Port</td>") :].split("</tr>")[0]
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
    # parameters in words, not as code: no "Parameter title: null", no JSON list
    assert 'Report day</td><td class="pa-txt">31 Dec 2022 (2022-Q4)' in text
    assert "the default: the partnership and the period" in text
    assert "Parameter" not in text and "null" not in text and '["' not in text


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


# --------------------------------------------------------------------------- findings first


def test_the_summary_leads_with_three_to_five_findings_each_with_its_figure_and_section_link(ctx):
    blocks = section(ctx, "summary")
    html = text_of(blocks)
    cards = html.count('<div class="pa-finding pa-')
    assert 3 <= cards <= 5
    # the most pressing first: Recycling moved to deterioration (a change of 10 points)
    first = html.index('<div class="pa-finding pa-')
    assert "Recycling moved to deterioration" in html[first : first + 400]
    for key in ("indicators", "commitments", "stakeholders", "health"):
        assert f'href="#section-{key}"' in html
    # a figure in every card: the cards come before the "what changed" table
    before_table = blocks[: next(i for i, b in enumerate(blocks) if "<table" in b.text())]
    assert sum(b.kind == "figure" for b in before_table) == cards


def test_one_what_changed_table_for_the_report_without_periods_or_note_columns(ctx):
    tables = {key: text_of(section(ctx, key)) for key in SECTIONS}
    assert tables["summary"].count("What changed since 2022-Q3") == 1
    for key, text in tables.items():
        if key != "summary":
            assert "What changed" not in text, key
    head = tables["summary"][tables["summary"].index("What changed since 2022-Q3") :]
    head = head[: head.index("</thead>")]
    assert ">Periods<" not in head and ">Note<" not in head


def test_a_change_without_a_previous_value_says_there_is_nothing_to_compare(ctx):
    # the health index of 2022-Q4 has no earlier wave: no "±0", no "+75"
    html = text_of(section(ctx, "summary"))
    row = html[html.index("Collaboration health index (0-100)") :].split("</tr>")[0]
    assert "nothing to compare" in row and "±" not in row


def test_each_section_opens_with_its_own_highlights(ctx):
    text = text_of(section(ctx, "commitments"))
    assert text.index("Alpha Council has 2 overdue commitments") < text.index("<table")
    assert "Recycling" not in text  # an indicator's highlight belongs to the indicators


def test_no_code_is_shown_as_it_is_stored(ctx):
    codes = ("manage_closely", "keep_informed", "not_available", "substantial_progress",
             "target_achieved", "civil_society", "in_place")  # fmt: skip
    for key in SECTIONS:
        text = "\n".join(b.text() for b in section(ctx, key) if b.kind != "figure")
        text = re.sub(r'(class|id|href|style)="[^"]*"', "", text)
        for code in codes:
            assert code not in text, (key, code)


def test_an_indicator_without_enough_data_says_why(make_tiny):
    import pandas as pd
    from tiny_partnership import tiny_tables

    t = tiny_tables()
    ind = pd.concat(
        [t["indicators"], t["indicators"].iloc[[0]].assign(indicator_id="I3", name="Repairs")]
    )
    obs = pd.concat(
        [t["observations"], pd.DataFrame({"indicator_id": ["I3"], "date": ["2022"], "value": [5]})]
    )
    c = report_context(make_tiny(indicators=ind, observations=obs), as_of=AS_OF, run_time="T")
    html = text_of(section(c, "indicators"))
    row = html[html.index(">Repairs<") :].split("</tr>")[0]
    assert "Not enough data" in row and "fewer than one year between base and latest" in row


def test_a_package_loaded_without_its_rows_with_errors_opens_with_a_banner(make_tiny):
    from tiny_partnership import TODAY, tiny_tables

    from partner_analytics import Partnership
    from partner_analytics.report.sections import title_block

    t = tiny_tables()
    t["commitments"].loc[0, "partner_id"] = "Z"
    p = Partnership.from_frames(today=TODAY, drop_invalid=True, **t)
    html = text_of(title_block(report_context(p, as_of=AS_OF, run_time="T")))
    banner = html[html.index('class="pa-banner"') :]
    assert "leaves out rows with errors" in banner
    assert "<strong>Commitments</strong>" in banner and "1 of 4 rows left out" in banner
    assert "Affects: Commitments (headline figures: Commitments kept on time" in banner
    # a package without errors has none
    assert "pa-banner" not in text_of(
        title_block(report_context(make_tiny(), as_of=AS_OF, run_time="T"))
    )


def test_each_pressing_finding_says_which_action_answers_it_or_no_action_yet(make_tiny):
    from tiny_partnership import tiny_actions

    # as of 2022-12-31 (tests/analysis/test_actions.py): I1 is answered by x3 (in progress);
    # without an actions table every pressing finding reads "no action yet"
    with_actions = report_context(make_tiny(actions=tiny_actions()), as_of=AS_OF, run_time="T")
    html = text_of(section(with_actions, "summary"))
    first = html.index('<div class="pa-finding pa-')
    card = html[first : html.index("</div></div></div>", first)]
    assert "Recycling moved to deterioration" in card
    assert '<p class="pa-finding-action">Action: Recycling drive (Alpha Council, due 31 Jan 2023, ' in card
    without = text_of(section(report_context(make_tiny(), as_of=AS_OF, run_time="T"), "summary"))
    assert without.count('<p class="pa-finding-action">No action yet.</p>') >= 1
    assert "Recycling drive" not in without
