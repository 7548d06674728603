"""The workbook beside the report: every table shown, the same numbers, small cells hidden,
nothing a spreadsheet would run."""

from __future__ import annotations

import openpyxl
import pytest

from partner_analytics.report.context import SECTIONS, report_context
from partner_analytics.report.export import sheet_names, write_workbook
from partner_analytics.report.sections import section

AS_OF = "2022-12-31"
EVIL = '=HYPERLINK("http://x.example","click")'


@pytest.fixture(scope="module")
def book(make_tiny, tmp_path_factory):
    from tiny_partnership import tiny_tables

    partners = tiny_tables()["partners"].copy()
    partners.loc[1, "name"] = EVIL  # a partner whose name is a formula
    ctx = report_context(make_tiny(partners=partners), as_of=AS_OF, run_time="T")
    for key in SECTIONS:
        section(ctx, key)
    path = write_workbook(ctx, tmp_path_factory.mktemp("xlsx") / "report.xlsx")
    return ctx, openpyxl.load_workbook(path)


def test_a_readme_first_then_one_sheet_per_table_shown_in_report_order(book):
    ctx, wb = book
    assert wb.sheetnames[0] == "README"
    assert wb.sheetnames[1:] == sheet_names(ctx.tables)
    assert wb.sheetnames[1] == "What changed"
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(min_row=2, values_only=True)}
    assert readme["Partnership"] == "Tiny partnership"
    assert readme["Report day"] == "31 Dec 2022 (2022-Q4)"
    assert readme["Compared with"] == "30 Sep 2022 (2022-Q3)"
    assert "Source" in readme and 'read "n < 3"' in readme["Small cells"]


def test_numbers_are_numbers_with_the_rounding_the_report_shows(book):
    _, wb = book
    rows = {r[1]: r for r in wb["What changed"].iter_rows(min_row=2, values_only=True)}
    # follow-through: 33 % now (1 of 3 on time), 100 % before, -66.7 points
    kept = rows["Commitments kept on time (% of those due)"]
    assert kept[2:] == (pytest.approx(0.33), pytest.approx(1.0), pytest.approx(-66.7))
    assert rows["Overdue commitments"][2:] == (2, 0, 2)
    cell = next(c for c in wb["What changed"]["C"] if c.value == pytest.approx(0.33))
    assert cell.number_format == "0%"


def test_a_small_cell_reads_as_in_the_report(book):
    _, wb = book
    grid = list(wb["Power-interest grid"].iter_rows(values_only=True))
    port = next(r for r in grid if r[0] == "Port")  # rated by 2 raters: hidden
    assert port[3] == "n < 3" and port[4] == "n < 3"


def test_no_cell_is_a_formula(book):
    _, wb = book
    texts = [
        c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    assert "'" + EVIL in texts  # shown as the text it is


def test_sheet_names_are_short_unique_and_valid():
    names = sheet_names(["A/B: c?", "x" * 40, "x" * 40, "README"])
    assert names[0] == "A B  c"
    assert len(names[1]) == 31 and names[2].endswith("(2)") and len(names[2]) <= 31
    assert names[3] != "README" and len({n.lower() for n in names}) == 4


def test_the_tables_travel_from_the_notebook_to_the_command_as_one_output(book, tmp_path):
    import nbformat

    from partner_analytics.report.export import TABLES_MIME, tables_sent, workbook_data

    ctx, wb = book
    data = workbook_data(ctx)
    assert [s["name"] for s in data["sheets"]] == wb.sheetnames
    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output("display_data", data={TABLES_MIME: data})
    nb.cells = [nbformat.v4.new_code_cell("send_tables(ctx)", outputs=[out])]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)  # a JSON output survives the notebook file
    assert tables_sent(nbformat.read(path, as_version=4)) == data
    assert tables_sent(nbformat.v4.new_notebook()) is None
