"""The bad-input corpus: one small package per defect, each with its exact problem rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from partner_analytics import ValidationError, load_partnership

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

LIKERT = (
    "expected a number 1..5 or one of the labels 'Strongly disagree', 'Disagree', "
    "'Neither agree nor disagree', 'Agree', 'Strongly agree'"
)
SECTORS = "public, private, civil_society, academic, funder, other"

# (severity, rule, table, file, row, column, value, message)
EXPECTED = {
    "wrong_type": [
        ("error", "bad_type", "contributions", "contributions.csv", 3, "pledged", "ten thousand",
         "'ten thousand' is not a number"),
    ],
    "out_of_range": [
        ("error", "out_of_range", "competencies", "competencies.csv", 3, "level", "4",
         "'4' is out of range: expected a value between 0 and 3"),
        ("error", "out_of_range", "competencies", "competencies.csv", 4, "level", "-1",
         "'-1' is out of range: expected a value between 0 and 3"),
    ],
    "unknown_enum": [
        ("error", "not_allowed", "partners", "partners.csv", 4, "sector", "charity",
         f"'charity' is not allowed: expected one of {SECTORS}"),
    ],
    "duplicate_key": [
        ("error", "duplicate_key", "partners", "partners.csv", 5, "partner_id", "P2",
         "duplicate key partner_id 'P2': already on row 3; expected one row per partner_id"),
    ],
    "dangling_foreign_key": [
        ("error", "unknown_key", "commitments", "commitments.csv", 3, "partner_id", "P9",
         "unknown partner_id 'P9': not found in table partners"),
    ],
    "missing_required_column": [
        ("error", "missing_column", "indicators", "indicators.csv", 1, "unit", None,
         "required column 'unit' is missing; the header has: indicator_id, name, direction"),
    ],
    "missing_required_table": [
        ("error", "missing_table", "partners", None, None, None, None,
         "the package has no partners table: it is required (partners.csv, partners.xlsx, "
         "a partners sheet or a partners/ folder)"),
    ],
    "bad_date": [
        ("error", "bad_type", "commitments", "commitments.csv", 3, "due_date", "31/07/2026",
         "'31/07/2026' is not a date: expected YYYY-MM-DD"),
    ],
    "unknown_likert_label": [
        ("error", "bad_type", "assessments", "assessments.csv", 4, "score", "Somewhat agree",
         f"'Somewhat agree' is not a number nor a known label: {LIKERT}"),
    ],
    "empty_file": [
        ("error", "empty_file", "stakeholders", "stakeholders.csv", None, None, None,
         "the file is empty: expected a header row naming the columns"),
    ],
    "header_only": [
        ("warning", "no_rows", "stakeholders", "stakeholders.csv", None, None, None,
         "the table has a header but no rows"),
    ],
    "latin1_file": [],
    "semicolon_file": [],
    "bom_file": [],
    "excel_extra_blank_sheet/package.xlsx": [],
    "valid": [],
}


def _rows(problems: pd.DataFrame) -> list[tuple]:
    def clean(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        return int(v) if not isinstance(v, str) else v

    return [tuple(clean(v) for v in rec) for rec in problems.itertuples(index=False)]


def _problems(path):
    try:
        return load_partnership(path).problems
    except ValidationError as exc:
        return exc.problems


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_defect_reports_exactly_its_problem_rows(case):
    assert _rows(_problems(CORPUS / case)) == EXPECTED[case]


@pytest.mark.parametrize("case", [c for c, rows in EXPECTED.items() if any(r[0] == "error" for r in rows)])
def test_a_package_with_errors_is_refused_with_every_problem(case):
    with pytest.raises(ValidationError) as info:
        load_partnership(CORPUS / case)
    assert len(info.value.problems) == len(EXPECTED[case])
    first = EXPECTED[case][0]
    assert first[-1] in str(info.value)


def test_latin1_names_are_read_with_their_accents():
    p = load_partnership(CORPUS / "latin1_file")
    assert p.partners["name"].tolist() == ["Bydel Grünerløkka", "Café Økologisk AS", "Forening for Miljø"]


def test_utf8_bom_does_not_leak_into_the_first_header():
    p = load_partnership(CORPUS / "bom_file")
    assert p.partners["partner_id"].tolist() == ["P1", "P2", "P3"]


def test_semicolon_file_with_padded_mixed_case_headers_and_decimal_commas():
    p = load_partnership(CORPUS / "semicolon_file")
    assert p.partners["name"].tolist() == ["Oslo kommune", "Ruter AS", "Natur og Ungdom"]
    c = p.contributions.iloc[0]
    assert (c["pledged"], c["delivered"], c["currency"]) == (1500.5, 1200.25, "NOK")


def test_workbook_sheets_become_tables_and_rows_count_as_in_excel():
    p = load_partnership(CORPUS / "excel_extra_blank_sheet" / "package.xlsx")
    r = p.stakeholder_ratings
    assert r["rater_id"].tolist() == ["R1", "R2", "R3"]
    assert r["_row"].tolist() == [2, 3, 4]
    assert r["_file"].iloc[0] == "package.xlsx [stakeholder_ratings]"
    assert r["interest"].tolist() == [4.0, 3.0, 4.0]


def test_drop_invalid_keeps_the_good_rows_and_the_bad_ones_with_reasons():
    p = load_partnership(CORPUS / "dangling_foreign_key", drop_invalid=True)
    assert p.commitments["commitment_id"].tolist() == ["K1"]
    rej = p.rejected
    assert rej[["table", "file", "row"]].values.tolist() == [["commitments", "commitments.csv", 3]]
    assert rej["reason"].iloc[0] == "partner_id: unknown partner_id 'P9': not found in table partners"
    assert '"description": "Share fleet data"' in rej["values"].iloc[0]


def test_missing_partners_table_cannot_be_dropped_around():
    with pytest.raises(ValidationError):
        load_partnership(CORPUS / "missing_required_table", drop_invalid=True)
