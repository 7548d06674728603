"""Files the package writes: no live formulas, valid YAML; package.yml read with care."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import yaml

from partner_analytics import Partnership, ValidationError, load_partnership
from partner_analytics.data.readers import read_table_file
from partner_analytics.data.store import import_package
from partner_analytics.data.writers import write_csv, write_package, write_problems

TRICKY = [
    "=HYPERLINK(\"http://example.org\",\"click\")",
    "@SUM(A1:A9)",
    "+1+2",
    "-2+3",
    "\tindented",
    "\rreturn",
    "'=already quoted",
    "''",
    "'Tis fine",
    "plain",
]


def test_text_written_for_spreadsheets_cannot_start_a_formula_and_reads_back_as_written(tmp_path):
    names = TRICKY
    partners = pd.DataFrame(
        {"partner_id": [f"P{i}" for i in range(len(names))], "name": names, "sector": "public"}
    )
    write_package({"partners": partners}, tmp_path / "pkg", name="Round trip")
    with open(tmp_path / "pkg" / "partners.csv", newline="", encoding="utf-8") as fh:
        cells = [row[1] for row in csv.reader(fh)][1:]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    # the reader gives back exactly what was written; the loader then trims cells as always
    frame, _ = read_table_file(tmp_path / "pkg" / "partners.csv", "partners", "partners.csv", [])
    assert frame["name"].tolist() == names
    p = load_partnership(tmp_path / "pkg")
    assert p.partners["name"].tolist() == [n.strip() for n in names]


def test_numbers_stay_numbers(tmp_path):
    frame = pd.DataFrame({"value": [-5.0, 1.5, -0.25], "label": ["-5", "=1", "x"]})
    write_csv(frame, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[1:] == [["-5", "-5"], ["1.5", "'=1"], ["-0.25", "x"]]


def test_an_importers_problem_list_is_written_through_the_one_writer(tmp_path):
    problems = pd.DataFrame(
        {"severity": ["warning"], "rule": ["import"], "table": ["observations"], "file": ["a.xml"],
         "row": [3], "column": ["value"], "value": ["=cmd|' /C calc'!A0"], "message": ["not a number"]}
    )  # fmt: skip
    path = write_problems(problems, tmp_path)
    assert path.name == "_import_problems.csv"
    assert "'=cmd" in path.read_text(encoding="utf-8")
    assert write_problems(problems.iloc[0:0], tmp_path / "none") is None


def test_a_name_with_quotes_gives_a_valid_package_yml(tmp_path):
    name = "O'Brien \"quoted\": a: b # not a comment"
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["P1"], "name": ["City"], "sector": ["public"]}), name=name
    )
    write_package(p, tmp_path / "pkg")
    assert yaml.safe_load((tmp_path / "pkg" / "package.yml").read_text(encoding="utf-8"))["name"] == name
    assert load_partnership(tmp_path / "pkg").name == name


def _pkg(root: Path, yml: str | None) -> Path:
    root.mkdir()
    (root / "partners.csv").write_text("partner_id,name,sector\nP1,City,public\n")
    if yml is not None:
        (root / "package.yml").write_text(yml, encoding="utf-8")
    return root


def test_an_unreadable_package_yml_is_reported_not_ignored(tmp_path):
    pkg = _pkg(tmp_path / "p", "name: 'unclosed\nmin_n: [\n")
    with pytest.raises(ValidationError) as info:
        load_partnership(pkg)
    bad = info.value.problems
    assert bad[["severity", "rule", "file"]].values.tolist() == [["error", "unreadable_file", "package.yml"]]


@pytest.mark.parametrize("value", ["0", "-2", "2.5", "five", "true"])
def test_a_min_n_that_is_not_a_whole_number_of_at_least_1_is_reported(tmp_path, value):
    pkg = _pkg(tmp_path / "p", f"name: X\nmin_n: {value}\n")
    with pytest.raises(ValidationError) as info:
        load_partnership(pkg)
    bad = info.value.problems
    assert bad[["rule", "file", "column"]].values.tolist() == [["bad_setting", "package.yml", "min_n"]]
    assert "expected a whole number of at least 1" in bad["message"].iloc[0]


def test_min_n_is_read_kept_in_the_store_and_written_back(tmp_path):
    pkg = _pkg(tmp_path / "p", "name: Harbour partnership\nmin_n: 5\n")
    (pkg / "stakeholders.csv").write_text("stakeholder_id,name\nS1,Mayor\n")
    (pkg / "stakeholder_ratings.csv").write_text(
        "wave,rater_id,stakeholder_id,power,interest\n"
        + "".join(f"2026-Q1,R{i},S1,3,3\n" for i in range(4))
    )
    p = load_partnership(pkg)
    assert p.min_n == 5
    few = p.problems[p.problems["rule"] == "few_raters"]
    assert few["message"].tolist() == [
        "wave 2026-Q1 has 4 distinct raters: fewer than 5, so its results will be shown as 'n < 5'"
    ]
    db = tmp_path / "s.duckdb"
    import_package(pkg, db)
    assert load_partnership(db).min_n == 5
    write_package(p, tmp_path / "again")
    assert load_partnership(tmp_path / "again").min_n == 5
    assert load_partnership(pkg, min_n=2).min_n == 2
