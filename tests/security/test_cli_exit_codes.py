"""Every error the package raises on purpose ends the command with one clear message and the
exit code its class carries; no traceback. The failing parts are stood in for by functions
that raise, so that the mapping is checked whatever the data layer does."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import partner_analytics
from partner_analytics import cli
from partner_analytics.errors import (
    AnalysisInputError,
    InputFileError,
    MissingTableError,
    PartnerAnalyticsError,
    StoreBusyError,
    StoreError,
    ValidationError,
)

runner = CliRunner()
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _raiser(exc):
    def raise_(*args, **kwargs):
        raise exc

    return raise_


def _assert_one_clear_message(result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)  # not an exception escaping
    assert "Traceback" not in result.output
    assert text in result.output


@pytest.mark.parametrize(
    "exc",
    [
        StoreError("s.duckdb is not a store made by partner-analytics (damaged or foreign)"),
        StoreBusyError("s.duckdb is being written by another import; try again when it has finished"),
        InputFileError("activities.xml, line 3: the XML is malformed"),
        AnalysisInputError("contributions are in several currencies and there are no exchange rates"),
        MissingTableError("the package has no observations table"),
        PartnerAnalyticsError("something the package refuses"),
    ],
    ids=lambda e: type(e).__name__,
)
@pytest.mark.parametrize("command", ["validate", "summary"])
def test_an_error_of_the_package_exits_with_its_own_code(monkeypatch, exc, command):
    monkeypatch.setattr(partner_analytics, "load_partnership", _raiser(exc), raising=False)
    result = runner.invoke(cli.app, [command, str(CORPUS / "valid")], terminal_width=200)
    _assert_one_clear_message(result, exc.exit_code, str(exc))


def test_a_second_import_while_one_runs_exits_4_and_says_so(monkeypatch, tmp_path):
    from partner_analytics.data import store

    busy = StoreBusyError(f"{tmp_path / 's.duckdb'} is being written by another import; try again when it has finished")
    monkeypatch.setattr(store, "import_package", _raiser(busy))
    result = runner.invoke(cli.app, ["import", str(CORPUS / "valid"), "--store", str(tmp_path / "s.duckdb")])
    _assert_one_clear_message(result, 4, "try again when it has finished")


def test_a_damaged_store_exits_3(monkeypatch, tmp_path):
    from partner_analytics.data import store

    damaged = tmp_path / "s.duckdb"
    damaged.write_bytes(b"not a database at all")
    monkeypatch.setattr(store, "import_package", _raiser(StoreError(f"{damaged}: not a store (damaged or truncated)")))
    result = runner.invoke(cli.app, ["import", str(CORPUS / "valid"), "--store", str(damaged)], terminal_width=300)
    _assert_one_clear_message(result, StoreError.exit_code, "not a store (damaged or truncated)")


def test_an_unreadable_input_file_exits_5(monkeypatch, tmp_path):
    from partner_analytics.importers import iati

    monkeypatch.setattr(iati, "import_iati", _raiser(InputFileError("a.xml: not XML (line 1, column 1)")))
    result = runner.invoke(cli.app, ["import-iati", str(tmp_path / "a.xml"), str(tmp_path / "out")])
    _assert_one_clear_message(result, 5, "a.xml: not XML")


def test_a_package_with_errors_exits_1_with_its_problems_grouped(tmp_path):
    result = runner.invoke(cli.app, ["summary", str(CORPUS / "out_of_range")], terminal_width=200)
    _assert_one_clear_message(result, ValidationError.exit_code, "the package has errors and was not loaded")
    assert "'4' is out of range" in result.output


def test_a_file_that_cannot_be_opened_exits_2_naming_it(monkeypatch, tmp_path):
    locked = tmp_path / "partners.csv"
    monkeypatch.setattr(
        partner_analytics, "load_partnership", _raiser(PermissionError(13, "Permission denied", str(locked))),
        raising=False,
    )  # fmt: skip
    result = runner.invoke(cli.app, ["validate", str(tmp_path)], terminal_width=300)
    _assert_one_clear_message(result, 2, f"{locked}: Permission denied")


def test_a_report_that_fails_exits_1_and_an_unusable_store_keeps_its_own_code(monkeypatch, tmp_path):
    from partner_analytics.report import render as reports

    args = ["report", str(CORPUS / "valid"), "--out", str(tmp_path), "--as-of", "2026-03-31"]
    monkeypatch.setattr(reports, "render_report", _raiser(RuntimeError("cell 4 failed")))
    _assert_one_clear_message(runner.invoke(cli.app, args), 1, "the report failed: RuntimeError: cell 4 failed")
    monkeypatch.setattr(reports, "render_report", _raiser(StoreBusyError("s.duckdb is busy")))
    _assert_one_clear_message(runner.invoke(cli.app, args), 4, "s.duckdb is busy")


def test_a_bug_is_not_hidden_behind_a_one_line_message(monkeypatch):
    # an error the package does not raise on purpose keeps its traceback, to be reported
    monkeypatch.setattr(partner_analytics, "load_partnership", _raiser(KeyError("role")), raising=False)
    result = runner.invoke(cli.app, ["validate", str(CORPUS / "valid")])
    assert isinstance(result.exception, KeyError)


def test_the_exit_codes_are_those_of_the_exception_classes():
    codes = dict(cli.EXIT_CODES)
    assert codes[ValidationError.exit_code].startswith("the package has errors")
    assert "damaged" in codes[StoreError.exit_code]
    assert "another import" in codes[StoreBusyError.exit_code]
    assert "cannot be read" in codes[InputFileError.exit_code]
    assert len(codes) == len(cli.EXIT_CODES)  # one meaning per code
