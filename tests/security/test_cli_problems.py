"""A package with the same problem on many rows: validate tells it once, fast; --all and
--csv FILE give every problem; the CSV is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import time

import pytest
from typer.testing import CliRunner

from partner_analytics import cli

runner = CliRunner()
N = 300


@pytest.fixture
def repeated(tmp_path):
    """300 stakeholders naming the same unknown partner, and one bad sector."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "partners.csv").write_text("partner_id,name,sector\nP1,City,public\nP2,Acme,nonprofit\n", encoding="utf-8")
    rows = "".join(f"S{i},Stakeholder {i},community,X\n" for i in range(1, N + 1))
    (pkg / "stakeholders.csv").write_text("stakeholder_id,name,group,partner_id\n" + rows, encoding="utf-8")
    return pkg


def test_a_problem_on_300_rows_is_one_line_with_its_count_and_first_rows(repeated):
    started = time.perf_counter()
    result = runner.invoke(cli.app, ["validate", str(repeated)], terminal_width=200)
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) < 15  # a table of two groups, a note and the verdict
    (line,) = [ln for ln in lines if "unknown partner_id 'X'" in ln]
    assert "stakeholders.csv" in line and f"{N} rows: 2, 3, 4, ..." in line and "partner_id" in line
    assert sum("'nonprofit' is not allowed" in ln for ln in lines) == 1
    assert f"{N + 1} problem(s) in 2 line(s): --all lists each one, --csv FILE writes them all" in result.output
    assert f"{N + 1} error(s), 0 warning(s)" in result.output
    assert elapsed < 20  # seconds, on a loaded machine; about 1 s alone


def test_all_lists_every_problem_on_its_own_line(repeated):
    result = runner.invoke(cli.app, ["validate", str(repeated), "--all"], terminal_width=200)
    assert result.exit_code == 1
    assert sum("unknown partner_id 'X'" in ln for ln in result.output.splitlines()) == N
    assert "--all lists each one" not in result.output


def test_csv_writes_every_problem(repeated, tmp_path):
    out = tmp_path / "problems.csv"
    result = runner.invoke(cli.app, ["validate", str(repeated), "--csv", str(out)], terminal_width=200)
    assert result.exit_code == 1
    assert f"{N + 1} problem(s) written to {out}" in " ".join(result.output.split())
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == N + 1
    assert list(rows[0]) == ["severity", "rule", "table", "file", "row", "column", "value", "message"]
    assert sorted(int(r["row"]) for r in rows if r["value"] == "X") == list(range(2, N + 2))


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://attacker.example","x")', "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(tmp_path, cell):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    quoted = cell.replace('"', '""')
    (pkg / "partners.csv").write_text(f'partner_id,name,sector\nP1,City,"{quoted}"\n', encoding="utf-8")
    out = tmp_path / "problems.csv"
    result = runner.invoke(cli.app, ["validate", str(pkg), "--csv", str(out)])
    assert result.exit_code == 1, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        (row,) = [r for r in csv.DictReader(fh) if r["column"] == "sector"]
    stripped = cell.strip()  # the loader trims spaces, tabs and returns around a value
    if stripped[0] in "=+-@":
        assert row["value"] == "'" + stripped
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_more_groups_than_are_shown_are_counted(repeated, monkeypatch):
    monkeypatch.setattr(cli, "SHOWN_GROUPS", 1)
    result = runner.invoke(cli.app, ["validate", str(repeated)], terminal_width=200)
    assert "... and 1 more line(s) like these" in result.output
    assert "'nonprofit' is not allowed" in result.output  # partners come first
    assert "unknown partner_id 'X'" not in result.output
