"""The command line prints and writes problems through the one redaction rule: no respondent
or rater ids, no comments, no extra columns of survey tables; file, row and column stay, so
that the evaluator can find the cell."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from partner_analytics import cli

runner = CliRunner()

SECRETS = ("R-SECRET-7", "R-TWO-8", "RATER-9", "jane@example.org", "my boss never listens")
ASSESSMENTS = (
    "wave,respondent_id,partner_id,factor_code,score,comment,rater_email\n"
    "2026-Q1,R-SECRET-7,P1,601,9,my boss never listens,jane@example.org\n"  # score out of range
    "2026-Q1,R-SECRET-7,P1,601,3,again,jane@example.org\n"  # duplicate key: names the id
    "2026-Q1,R-TWO-8,P1,602,3,fine,jane@example.org,my boss never listens\n"  # a field too many
    "2026-Q1,R\x01X,P1,603,3,,\n"  # a control character in an id
)
RATINGS = (
    "wave,rater_id,stakeholder_id,power,interest\n"
    "2026-Q1,RATER-9,S1,4,3\n"
    "2026-Q1,RATER-9,S1,3,3\n"  # duplicate key: names the rater
)


def _package(root, *, partners: bool = True):
    root.mkdir()
    if partners:
        (root / "partners.csv").write_text(
            "partner_id,name,sector\nP1,City,public\n", encoding="utf-8"
        )
    (root / "stakeholders.csv").write_text("stakeholder_id,name\nS1,Residents\n", encoding="utf-8")
    (root / "assessments.csv").write_text(ASSESSMENTS, encoding="utf-8")
    (root / "stakeholder_ratings.csv").write_text(RATINGS, encoding="utf-8")
    return root


def _no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("partners", [True, False], ids=["loads", "does_not_load"])
@pytest.mark.parametrize("every", [False, True], ids=["grouped", "all"])
def test_validate_prints_no_id_comment_or_extra_column(tmp_path, partners, every):
    pkg = _package(tmp_path / "pkg", partners=partners)
    args = ["validate", str(pkg), *(["--all"] if every else [])]
    result = runner.invoke(cli.app, args, terminal_width=250)
    assert result.exit_code == 1
    _no_secret(result.output)
    assert "(hidden)" in result.output
    # where the cell is stays: file, row, column
    line = next(ln for ln in result.output.splitlines() if "duplicate key" in ln)
    assert "assessments.csv" in line or "stakeholder_ratings.csv" in line
    assert "respondent_id" in result.output and "rater_id" in result.output
    assert "score" in result.output and "out of range" in result.output


@pytest.mark.parametrize("partners", [True, False], ids=["loads", "does_not_load"])
def test_validate_csv_writes_no_id_comment_or_extra_column(tmp_path, partners):
    pkg = _package(tmp_path / "pkg", partners=partners)
    out = tmp_path / "problems.csv"
    result = runner.invoke(cli.app, ["validate", str(pkg), "--csv", str(out)], terminal_width=250)
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    _no_secret(text)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    where = {(r["file"], r["row"], r["column"], r["rule"]): r["value"] for r in rows}
    # every problem keeps its file, row and column; hidden values read "(hidden)"
    key = "wave, respondent_id, factor_code, item_code"
    assert where[("assessments.csv", "3", key, "duplicate_key")] == "(hidden)"
    assert where[("assessments.csv", "4", "", "ragged_row")] == "(hidden)"
    assert where[("assessments.csv", "5", "respondent_id", "control_character")] == "(hidden)"
    assert where[("assessments.csv", "2", "score", "out_of_range")] == "9"
    rater_key = "wave, rater_id, stakeholder_id"
    assert where[("stakeholder_ratings.csv", "3", rater_key, "duplicate_key")] == "(hidden)"


def test_a_command_refusing_a_package_prints_its_problems_redacted(tmp_path):
    pkg = _package(tmp_path / "pkg", partners=False)
    result = runner.invoke(cli.app, ["summary", str(pkg)], terminal_width=250)
    assert result.exit_code == 1
    _no_secret(result.output)
    assert "duplicate key" in result.output
