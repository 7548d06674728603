"""The one table renderer and the headline table."""

from __future__ import annotations

import pandas as pd

from partner_analytics.analysis.headlines import headline_figures
from partner_analytics.present.tables import headline_table, html_table

AS_OF = "2022-12-31"


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
    assert '<td class="pa-num">1,234</td>' in html and '<td class="pa-txt' in html


def test_a_table_can_name_its_numeric_and_html_columns_cap_its_rows_and_say_when_empty():
    frame = pd.DataFrame({"Partner": ["A", "B", "C"], "Chip": ["<i>x</i>"] * 3, "Due": ["2"] * 3})
    html = html_table(frame, caption="Due", numeric=("Due",), raw=("Chip",), max_rows=2)
    assert "<caption>Due</caption>" in html and "<i>x</i>" in html
    assert html.count("<tr>") == 4 and "… and 1 more" in html  # header, 2 rows, the rest
    assert '<th class="pa-num">Due</th>' in html
    empty = html_table(frame.iloc[0:0], empty="No commitment falls due.")
    assert "No commitment falls due." in empty and "<th" not in empty


def test_a_missing_cell_reads_a_dash():
    html = html_table(pd.DataFrame({"Value": [None, 1.5]}))
    assert "<td class=\"pa-num\">–</td>" in html
