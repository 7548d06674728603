"""The command line, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from partner_analytics.cli import app

CORPUS = Path(__file__).resolve().parent / "corpus"
runner = CliRunner()


@pytest.mark.parametrize("command", ["validate", "import", "summary", "sample", "import-iati", "import-open-sdg"])
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_validate_prints_every_problem_and_exits_1_on_errors():
    result = runner.invoke(app, ["validate", str(CORPUS / "out_of_range")], terminal_width=200)
    assert result.exit_code == 1
    assert "'4' is out of range: expected a value between 0 and 3" in result.output
    assert "'-1' is out of range" in result.output
    assert "2 error(s), 0 warning(s)" in result.output


def test_validate_exits_0_with_only_warnings():
    result = runner.invoke(app, ["validate", str(CORPUS / "header_only")], terminal_width=200)
    assert result.exit_code == 0
    assert "valid: 0 error(s), 1 warning(s)" in result.output


def test_validate_says_clearly_when_the_path_does_not_exist(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such package" in result.output


def test_summary_shows_partners_per_sector_and_waves():
    result = runner.invoke(app, ["summary", str(CORPUS / "valid")], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Partners per sector" in result.output
    assert "civil_society" in result.output
    assert "2026-Q1" in result.output


def test_import_then_summary_from_the_store(tmp_path):
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["import", str(CORPUS / "valid"), "--store", str(db)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "11 row(s) accepted, 0 rejected" in result.output
    again = runner.invoke(app, ["import", str(CORPUS / "valid"), "--store", str(db)], terminal_width=200)
    assert "0 row(s) accepted, 0 rejected" in again.output
    assert "already imported, unchanged: partners.csv" in again.output
    summary = runner.invoke(app, ["summary", str(db)], terminal_width=200)
    assert summary.exit_code == 0, summary.output


def test_import_of_an_unusable_package_exits_1_and_says_nothing_was_imported(tmp_path):
    result = runner.invoke(
        app, ["import", str(CORPUS / "missing_required_table"), "--store", str(tmp_path / "s.duckdb")],
        terminal_width=200,
    )
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
