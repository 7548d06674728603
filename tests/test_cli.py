"""The command line, as a user runs it."""

from __future__ import annotations

import csv
import datetime
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


# --------------------------------------------------------------------------- version, help in plain words

COMMANDS = ["validate", "import", "summary", "sample", "import-iati", "import-open-sdg", "report", "dashboards"]


def test_version_says_the_package_version():
    import partner_analytics

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"partner-analytics {partner_analytics.__version__}"


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_names_no_programming_types(command):
    args = [command, "--help"] if command else ["--help"]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0
    for jargon in ("<bool>", "<str>", "<int>", "<path>", "<float>", "TEXT", "INTEGER", "{"):
        assert jargon not in result.output, jargon


@pytest.mark.parametrize("command", COMMANDS)
def test_every_argument_and_option_says_what_it_does_and_what_to_give(command):
    import typer.main

    group = typer.main.get_command(app)
    cmd = group.commands[command]
    for param in cmd.params:
        assert param.help and len(param.help.split()) >= 3, param.name
        takes_value = not getattr(param, "is_flag", False)
        if takes_value:
            assert param.metavar and param.metavar.upper() == param.metavar, param.name  # e.g. DAY, FILE


def test_help_ends_with_the_exit_codes_read_from_the_exceptions():
    from partner_analytics.errors import InputFileError, StoreBusyError, StoreError, ValidationError

    result = runner.invoke(app, ["--help"], terminal_width=200)
    assert "Exit codes" in result.output
    for cls in (ValidationError, StoreError, StoreBusyError, InputFileError):
        assert f"{cls.exit_code}  " in result.output


def test_validate_refuses_a_day_that_is_not_one_with_the_format_expected():
    result = runner.invoke(app, ["validate", str(CORPUS / "valid"), "--today", "2026-13-45"], terminal_width=200)
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- report sections


def test_report_help_lists_every_section_name():
    import re

    from partner_analytics.report.context import SECTIONS

    result = runner.invoke(app, ["report", "--help"], terminal_width=300)
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.output).replace("│", " ")  # colours, table borders
    assert ", ".join(SECTIONS) in " ".join(text.split())  # the help wraps


def test_report_refuses_an_unknown_section_naming_the_valid_ones(tmp_path, monkeypatch):
    from partner_analytics.report import render as reports
    from partner_analytics.report.context import SECTIONS

    monkeypatch.setattr(reports, "render_report", lambda *a, **k: pytest.fail("no report for a bad section"))
    result = runner.invoke(
        app,
        ["report", str(CORPUS / "valid"), "--out", str(tmp_path), "--as-of", "2026-03-31", "--sections", "summary,helth"],
        terminal_width=300,
    )
    assert result.exit_code == 2
    assert "unknown section(s) 'helth'" in result.output
    assert ", ".join(SECTIONS) in result.output


def test_report_passes_the_sections_asked_for(tmp_path, monkeypatch):
    from partner_analytics.report import render as reports

    seen = {}
    monkeypatch.setattr(reports, "render_report", lambda path, **k: seen.update(k) or {"html": tmp_path / "r.html"})
    result = runner.invoke(
        app, ["report", str(CORPUS / "valid"), "--out", str(tmp_path), "--as-of", "2026-03-31", "--sections", " health, summary"]
    )
    assert result.exit_code == 0, result.output
    assert seen["sections"] == ["health", "summary"]


def test_report_passes_drop_invalid_and_the_paper_size_a4_by_default(tmp_path, monkeypatch):
    from partner_analytics.report import render as reports

    seen = {}
    monkeypatch.setattr(reports, "render_report", lambda path, **k: seen.update(k) or {"html": tmp_path / "r.html"})
    args = ["report", str(CORPUS / "valid"), "--out", str(tmp_path), "--as-of", "2026-03-31"]
    assert runner.invoke(app, args).exit_code == 0
    assert seen["drop_invalid"] is False and seen["paper"] == "a4"
    assert runner.invoke(app, [*args, "--drop-invalid", "--paper", "letter"]).exit_code == 0
    assert seen["drop_invalid"] is True and seen["paper"] == "letter"


def test_report_refuses_a_paper_size_it_does_not_know(tmp_path, monkeypatch):
    from partner_analytics.report import render as reports

    monkeypatch.setattr(reports, "render_report", lambda *a, **k: pytest.fail("no report on A3"))
    args = ["report", str(CORPUS / "valid"), "--out", str(tmp_path), "--as-of", "2026-03-31", "--paper", "a3"]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 2 and "paper must be one of a4, letter" in result.output


@pytest.mark.parametrize("command", ["detect", "import", "form"])
def test_the_survey_commands_help_names_no_programming_types(command):
    import typer.main

    result = runner.invoke(app, ["survey", command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    for jargon in ("<bool>", "<str>", "<int>", "<path>", "<float>", "TEXT", "INTEGER", "{"):
        assert jargon not in result.output, jargon
    cmd = typer.main.get_command(app).commands["survey"].commands[command]
    for param in cmd.params:
        if not getattr(param, "is_flag", False):
            assert param.metavar and param.metavar.upper() == param.metavar, param.name


# --------------------------------------------------------------------------- actions draft

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_actions_draft_has_help_in_plain_words():
    result = runner.invoke(app, ["actions", "draft", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "--as-of" in result.output and "--out" in result.output
    for jargon in ("<str>", "TEXT", "PATH "):
        assert jargon not in result.output


def test_actions_draft_writes_one_row_per_alert_without_an_action(tmp_path):
    # on 2026-09-30 only IND05 (moved to deterioration; owned by BuildLoop, P09) has none
    out = tmp_path / "actions.csv"
    result = runner.invoke(
        app, ["actions", "draft", str(SAMPLE), "--as-of", "2026-Q3", "--out", str(out)],
        terminal_width=200,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"1 draft action(s) written to {out}" in result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["action_id", "title", "owner_partner_id", "raised", "due_date", "status", "completed_date", "source_kind", "source_id", "note"],
        [
            "A-2026-Q3-01",
            "Respond to the deterioration of the indicator: Construction and demolition waste reused",
            "P09", "2026-09-30", "", "open", "", "indicator", "IND05", "Drafted from the alerts of 2026-09-30",
        ],
    ]  # fmt: skip


def test_a_completed_draft_added_to_the_package_loads_and_leaves_nothing_to_draft(tmp_path):
    import shutil

    import pandas as pd

    from partner_analytics import load_partnership

    package = tmp_path / "package"
    shutil.copytree(SAMPLE, package)
    draft = tmp_path / "draft.csv"
    runner.invoke(app, ["actions", "draft", str(package), "--as-of", "2026-06-30", "--out", str(draft)])
    rows = pd.read_csv(draft, dtype=str, keep_default_na=False)
    assert list(rows["source_id"]) == ["K0037"]  # ReLoop's overdue commitment on 2026-06-30
    assert list(rows["owner_partner_id"]) == ["P11"]
    rows["due_date"] = "2026-08-31"  # the steering group completes the draft
    actions = pd.read_csv(package / "actions.csv", dtype=str, keep_default_na=False)
    pd.concat([actions, rows]).to_csv(package / "actions.csv", index=False)
    p = load_partnership(package, today=datetime.date(2026, 11, 22))
    assert p.problems.empty, p.problems.to_string()
    again = tmp_path / "again.csv"
    result = runner.invoke(app, ["actions", "draft", str(package), "--as-of", "2026-06-30", "--out", str(again)])
    assert "0 draft action(s) written" in result.output


def test_actions_draft_refuses_a_day_that_is_not_one(tmp_path):
    result = runner.invoke(
        app, ["actions", "draft", str(SAMPLE), "--as-of", "soon", "--out", str(tmp_path / "a.csv")],
        terminal_width=200,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "as_of must be a date (YYYY-MM-DD) or a period" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "a.csv").exists()
