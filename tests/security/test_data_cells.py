"""Odd cells, rows and bytes are row-level problems with file, row and column, never a crash;
user data is never overwritten or silently misread."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from partner_analytics import ValidationError, load_partnership

PARTNERS = "partner_id,name,sector\nP1,City of Oslo,public\nP2,Acme AS,private\nP3,Friends,civil_society\n"


def _package(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(exist_ok=True)
    files = {"partners.csv": PARTNERS, **files}
    for name, content in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            f.write_bytes(content)
        else:
            f.write_text(content, encoding="utf-8")
    return root


def _problems(path, **kw) -> pd.DataFrame:
    try:
        return load_partnership(path, **kw).problems
    except ValidationError as exc:
        return exc.problems


def _where(problems: pd.DataFrame, rule: str) -> list[list]:
    p = problems[problems["rule"] == rule]
    cols = p[["severity", "table", "file", "row", "column", "value"]].astype("object")
    return [[None if pd.isna(v) else v for v in rec] for rec in cols.values.tolist()]


# ---------------------------------------------------------------- 7: values that crashed the loader


@pytest.mark.parametrize("day", ["1500-01-01", "2300-06-30"])
def test_a_date_pandas_cannot_hold_is_a_row_problem(tmp_path, day):
    pkg = _package(tmp_path / "p", {
        "commitments.csv": f"commitment_id,partner_id,description,due_date\nK1,P1,Share data,{day}\n"
                           "K2,P2,Open a desk,2026-05-01\n",
    })  # fmt: skip
    problems = _problems(pkg)
    assert _where(problems, "out_of_range") == [
        ["error", "commitments", "commitments.csv", 2, "due_date", day]
    ]
    p = load_partnership(pkg, drop_invalid=True)
    assert p.commitments["commitment_id"].tolist() == ["K2"]


def test_a_wave_beyond_the_dates_that_can_be_used_is_a_row_problem(tmp_path):
    pkg = _package(tmp_path / "p", {
        "stakeholders.csv": "stakeholder_id,name\nS1,Mayor\n",
        "stakeholder_ratings.csv": "wave,rater_id,stakeholder_id,power,interest\n"
                                   "9999-Q4,R1,S1,3,3\n2026-Q1,R2,S1,3,3\n",
    })  # fmt: skip
    problems = _problems(pkg)
    assert _where(problems, "out_of_range") == [
        ["error", "stakeholder_ratings", "stakeholder_ratings.csv", 2, "wave", "9999-Q4"]
    ]


def test_a_number_too_large_for_a_whole_number_is_a_row_problem(tmp_path):
    pkg = _package(tmp_path / "p", {
        "competencies.csv": "partner_id,area,level\nP1,social,1e308\nP2,social,2\n",
    })  # fmt: skip
    problems = _problems(pkg)
    assert _where(problems, "out_of_range") == [
        ["error", "competencies", "competencies.csv", 2, "level", "1e308"]
    ]


@pytest.mark.parametrize("name", ["wave_end", "_file", "_row", "_seq"])
def test_a_column_named_like_the_loaders_own_is_renamed_and_kept(tmp_path, name):
    pkg = _package(tmp_path / "p", {
        "stakeholders.csv": "stakeholder_id,name\nS1,Mayor\n",
        "stakeholder_ratings.csv": f"wave,rater_id,stakeholder_id,power,interest,{name}\n"
                                   "2026-Q1,R1,S1,3,3,mine\n2026-Q1,R2,S1,3,3,also mine\n"
                                   "2026-Q1,R3,S1,3,3,\n",
    })  # fmt: skip
    p = load_partnership(pkg)
    new = "data" + name if name.startswith("_") else "data_" + name
    r = p.stakeholder_ratings
    assert r[new].tolist()[:2] == ["mine", "also mine"]
    assert r["_file"].astype("str").tolist() == ["stakeholder_ratings.csv"] * 3
    assert r["_row"].tolist() == [2, 3, 4]
    assert r["wave_end"].iloc[0] == pd.Timestamp("2026-03-31")
    renamed = p.problems[p.problems["rule"] == "renamed_column"]
    assert renamed[["severity", "column", "value"]].values.tolist() == [["warning", new, name]]


# ---------------------------------------------------------------- 10: encodings and control characters


def test_a_utf8_file_with_one_stray_windows_byte_stays_utf8_and_the_line_is_reported(tmp_path):
    text = (
        "stakeholder_id,name\nS1,Bydel Grünerløkka\nS2,Café Økologisk\n".encode()
        + b"S3,Smith \x96 Sons\n"  # an en dash typed in Windows-1252
        + "S4,Forening for Miljø\n".encode()
    )
    pkg = _package(tmp_path / "p", {"stakeholders.csv": text})
    p = load_partnership(pkg)
    assert p.stakeholders["name"].tolist() == [
        "Bydel Grünerløkka", "Café Økologisk", "Smith \ufffd Sons", "Forening for Miljø",
    ]  # fmt: skip
    assert _where(p.problems, "encoding") == [["warning", "stakeholders", "stakeholders.csv", 4, None, None]]


def test_a_latin1_file_is_still_read_as_latin1(tmp_path):
    pkg = _package(tmp_path / "p", {"stakeholders.csv": "stakeholder_id,name\nS1,Grünerløkka\n".encode("latin-1")})
    p = load_partnership(pkg)
    assert p.stakeholders["name"].tolist() == ["Grünerløkka"]
    assert not (p.problems["rule"] == "encoding").any()


@pytest.mark.parametrize("bad", ["P\x001", "P\x1b[2J", "P\u202e1", "P\u200b1"])
def test_control_and_invisible_characters_are_refused_in_ids(tmp_path, bad):
    pkg = _package(tmp_path / "p", {"partners.csv": PARTNERS + f'"{bad}",Other,public\n'})
    problems = _problems(pkg)
    found = problems[problems["rule"] == "control_character"]
    assert found[["severity", "row", "column"]].values.tolist() == [["error", 5, "partner_id"]]
    assert not any(ch in found["message"].iloc[0] for ch in "\x00\x1b\u202e\u200b")


# ---------------------------------------------------------------- 11: thousands in decimal-comma files


def test_a_dot_groups_thousands_where_the_decimal_separator_is_a_comma(tmp_path):
    pkg = _package(tmp_path / "p", {
        "contributions.csv": "contribution_id;partner_id;date;kind;pledged;delivered\n"
                             "C1;P1;2026-01-01;funding;1.500;1,5\n"
                             "C2;P2;2026-01-01;funding;1.500.000,50;12\n",
    })  # fmt: skip
    p = load_partnership(pkg)
    c = p.contributions
    assert c["pledged"].tolist() == [1500.0, 1500000.5]
    assert c["delivered"].tolist() == [1.5, 12.0]


def test_a_value_that_could_be_read_two_ways_is_reported(tmp_path):
    pkg = _package(tmp_path / "p", {
        "contributions.csv": "contribution_id;partner_id;date;kind;pledged\n"
                             "C1;P1;2026-01-01;funding;2.75\n"
                             "C2;P2;2026-01-01;funding;1.500\n"
                             "C3;P3;2026-01-01;funding;1,500\n",
    })  # fmt: skip
    problems = _problems(pkg)
    assert _where(problems, "ambiguous_number") == [
        ["error", "contributions", "contributions.csv", 3, "pledged", "1.500"],
        ["error", "contributions", "contributions.csv", 4, "pledged", "1,500"],
    ]
    assert not (problems["rule"] == "bad_type").any()  # one problem per cell


# ---------------------------------------------------------------- 16, 17: Unicode forms, ragged rows


def test_ids_differing_only_in_unicode_form_are_one_id(tmp_path):
    nfd, nfc = "Bydel-Gru\u0308nerl\u00f8kka", "Bydel-Gr\u00fcnerl\u00f8kka"
    pkg = _package(tmp_path / "p", {
        "partners.csv": PARTNERS + f"{nfc},Bydel,public\n",
        "commitments.csv": f"commitment_id,partner_id,description,due_date\nK1,{nfd},Plant trees,2026-05-01\n",
    })  # fmt: skip
    p = load_partnership(pkg)
    assert p.commitments["partner_id"].tolist() == [nfc]
    assert _where(p.problems, "unicode_form") == [
        ["warning", "commitments", "commitments.csv", 2, "partner_id", nfd]
    ]


def test_a_row_with_one_field_too_many_is_reported_and_the_others_are_kept(tmp_path):
    pkg = _package(tmp_path / "p", {
        "stakeholders.csv": "stakeholder_id,name\nS1,Mayor\nS2,Port,of Oslo\nS3,Ferry\nS4,Bus,\n",
    })  # fmt: skip
    problems = _problems(pkg)
    assert _where(problems, "ragged_row") == [["error", "stakeholders", "stakeholders.csv", 3, None, "of Oslo"]]
    p = load_partnership(pkg, drop_invalid=True)
    assert p.stakeholders["stakeholder_id"].tolist() == ["S1", "S3", "S4"]
    assert p.stakeholders["_row"].tolist() == [2, 4, 5]
    assert p.rejected[["table", "row"]].values.tolist() == [["stakeholders", 3]]


# ---------------------------------------------------------------- common mistakes: clear hints


@pytest.mark.parametrize("cell", ["n/a", "NA", "-"])
def test_a_placeholder_for_no_value_says_to_leave_the_cell_empty(tmp_path, cell):
    pkg = _package(tmp_path / "p", {
        "contributions.csv": f"contribution_id,partner_id,date,kind,pledged,delivered\nC1,P1,2026-01-01,funding,10,{cell}\n",
        "commitments.csv": f"commitment_id,partner_id,description,due_date,completed_date\nK1,P1,Plant,2026-05-01,{cell}\n",
    })  # fmt: skip
    problems = _problems(pkg)
    bad = problems[problems["rule"] == "bad_type"]
    assert len(bad) == 2
    assert bad["message"].str.contains("leave the cell empty when there is no value").all()


def test_yes_in_a_date_column_is_one_clear_error_without_a_contradicting_warning(tmp_path):
    pkg = _package(tmp_path / "p", {
        "commitments.csv": "commitment_id,partner_id,description,due_date,completed_date,status\n"
                           "K1,P1,Plant trees,2026-05-01,yes,done\n",
    })  # fmt: skip
    problems = _problems(pkg)
    assert problems[["severity", "rule", "column"]].values.tolist() == [["error", "bad_type", "completed_date"]]
    assert "not yes or no" in problems["message"].iloc[0]


def test_table_files_are_matched_regardless_of_case_and_two_spellings_are_a_problem(tmp_path):
    pkg = _package(tmp_path / "p", {"Stakeholders.csv": "stakeholder_id,name\nS1,Mayor\n"})
    assert load_partnership(pkg).stakeholders["stakeholder_id"].tolist() == ["S1"]
    (pkg / "stakeholders.csv").write_text("stakeholder_id,name\nS2,Port\n")
    problems = _problems(pkg)
    assert _where(problems, "duplicate_table") == [["error", "stakeholders", "Stakeholders.csv", None, None, None]]
    assert "stakeholders.csv" in problems.loc[problems["rule"] == "duplicate_table", "message"].iloc[0]
