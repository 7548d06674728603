"""Loading forms, types, warnings and the Partnership object."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from partner_analytics import MissingTableError, Partnership, ValidationError, load_partnership
from partner_analytics.data.periods import normalize_period, period_end
from partner_analytics.data.schemas import TABLES

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PARTNERS = pd.DataFrame(
    {"partner_id": ["P1", "P2", "P3"], "name": ["City", "Acme", "Friends"],
     "sector": ["public", "private", "civil_society"]}
)


def test_absent_tables_are_empty_frames_with_the_contract_columns():
    p = load_partnership(CORPUS / "valid")
    assert list(p.commitments.columns) == [
        "commitment_id", "partner_id", "description", "due_date", "completed_date", "status",
        "_file", "_row",
    ]
    assert len(p.commitments) == 0
    assert p.commitments["due_date"].dtype == "datetime64[ns]"
    assert not p.has("commitments")


def test_missing_table_error_names_the_table_and_what_the_package_has():
    p = load_partnership(CORPUS / "valid")
    with pytest.raises(MissingTableError) as info:
        p.require("assessments", by="factor_scores")
    assert str(info.value) == (
        "factor_scores needs table 'assessments', which the package does not have; "
        "the package has: partners, stakeholders, stakeholder_ratings, factors"
    )


def test_without_a_factors_table_the_packaged_mutuality_set_is_the_instrument():
    p = load_partnership(CORPUS / "valid")
    assert p.factors["factor_code"].tolist() == [str(c) for c in range(601, 617)]
    assert p.instrument == "mutuality (packaged default)"


def test_a_table_may_be_a_folder_of_files_stacked_with_their_own_row_numbers(tmp_path):
    (tmp_path / "stakeholder_ratings").mkdir()
    PARTNERS.to_csv(tmp_path / "partners.csv", index=False)
    pd.DataFrame({"stakeholder_id": ["S1"], "name": ["Mayor"]}).to_csv(tmp_path / "stakeholders.csv", index=False)
    for wave, n in (("2026-Q1", 3), ("2026-Q2", 4)):
        pd.DataFrame(
            {"wave": wave, "rater_id": [f"R{i}" for i in range(n)], "stakeholder_id": "S1",
             "power": 4, "interest": 2}
        ).to_csv(tmp_path / "stakeholder_ratings" / f"{wave}.csv", index=False)
    pd.DataFrame(
        {"wave": ["2026-Q3"] * 3, "rater_id": ["A", "B", "C"], "stakeholder_id": "S1",
         "power": [1, 2, 3], "interest": [5, 5, 5]}
    ).to_parquet(tmp_path / "stakeholder_ratings" / "2026-Q3.parquet")
    p = load_partnership(tmp_path)
    r = p.stakeholder_ratings
    assert r.groupby("wave").size().to_dict() == {"2026-Q1": 3, "2026-Q2": 4, "2026-Q3": 3}
    assert r.loc[r["wave"] == "2026-Q2", "_row"].tolist() == [2, 3, 4, 5]
    assert set(r["_file"]) == {
        "stakeholder_ratings/2026-Q1.csv", "stakeholder_ratings/2026-Q2.csv",
        "stakeholder_ratings/2026-Q3.parquet",
    }
    assert r["wave_end"].max() == pd.Timestamp("2026-09-30")


def test_warnings_never_block_loading():
    ratings = pd.DataFrame(
        {"wave": ["2026-Q1", "2026-Q1", "2031-Q1", "2031-Q1", "2031-Q1"],
         "rater_id": ["R1", "R2", "R1", "R2", "R3"], "stakeholder_id": "S1",
         "power": 3, "interest": 3}
    )
    stakeholders = pd.DataFrame({"stakeholder_id": ["S1", "S2"], "name": ["Mayor", "Port"]})
    p = Partnership.from_frames(
        partners=PARTNERS, stakeholders=stakeholders, stakeholder_ratings=ratings,
        today=dt.date(2026, 11, 22),
    )
    w = p.problems
    assert (w["severity"] == "warning").all()
    msgs = w["message"].tolist()
    assert "stakeholder 'S2' is never rated in stakeholder_ratings" in msgs
    assert (
        "wave 2026-Q1 has 2 distinct raters: fewer than 3, so its results will be shown as 'n < 3'"
        in msgs
    )
    assert sum("'2031-Q1' lies in the future (after 2026-11-22)" == m for m in msgs) == 3
    assert len(p.stakeholder_ratings) == 5


def test_likert_labels_and_relationship_levels_map_to_numbers():
    assessments = pd.DataFrame(
        {"wave": "2026-Q1", "respondent_id": ["A", "B", "C"], "partner_id": ["P1", "P2", "P3"],
         "factor_code": "601", "score": ["Strongly agree", " neither agree nor disagree ", "2"]}
    )
    relationships = pd.DataFrame(
        {"wave": "2026", "respondent_partner_id": ["P1", "P2"], "partner_id": ["P2", "P1"],
         "level": ["Collaboration", "networking"], "trust_openness": ["a great deal", "1"]}
    )
    p = Partnership.from_frames(partners=PARTNERS, assessments=assessments, relationships=relationships)
    assert p.assessments["score"].tolist() == [5.0, 3.0, 2.0]
    assert p.relationships["level"].tolist() == [5.0, 1.0]
    assert p.relationships["trust_openness"].tolist() == [4.0, 1.0]


@pytest.mark.parametrize(
    "text, label, end",
    [("2026", "2026", "2026-12-31"), ("2026-q2", "2026-Q2", "2026-06-30"),
     ("2026-H1", "2026-H1", "2026-06-30"), ("2026-2", "2026-02", "2026-02-28"),
     ("2024-02-29", "2024-02-29", "2024-02-29"), ("2026.0", "2026", "2026-12-31")],
)
def test_periods_stand_for_their_last_day(text, label, end):
    assert normalize_period(text) == label
    assert period_end(label) == pd.Timestamp(end)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "2025-02-29", "Q1 2026", "spring"])
def test_things_that_are_not_periods(text):
    assert normalize_period(text) is None


# ---- property test: random bytes and random tables either load or raise ValidationError ----

_names = st.sampled_from(["partners", "stakeholders", "stakeholder_ratings", "assessments",
                          "contributions", "observations", "indicators", "commitments", "readiness"])
_cell = st.one_of(
    st.text(max_size=12), st.integers(-10, 10).map(str), st.sampled_from(
        ["P1", "P2", "public", "private", "2026-Q1", "2026-01-31", "", "Agree", "1,5", "nan", "S1"]
    ),
)


@st.composite
def _table(draw):
    name = draw(_names)
    spec = TABLES[name]
    cols = draw(st.lists(st.sampled_from(spec.names + ["extra", " Partner_ID "]), min_size=0,
                         max_size=len(spec.names) + 1))
    n = draw(st.integers(0, 4))
    rows = [[draw(_cell) for _ in cols] for _ in range(n)]
    return name, cols, rows


def _write_csv(path: Path, cols, rows, sep: str, encoding: str) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep)
    if cols:
        w.writerow(cols)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tables=st.lists(_table(), max_size=4),
    junk=st.binary(max_size=200),
    sep=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
    with_partners=st.booleans(),
)
def test_random_packages_load_or_raise_validation_error_never_anything_else(
    tmp_path_factory, tables, junk, sep, encoding, with_partners
):
    root = tmp_path_factory.mktemp("pkg")
    if with_partners:
        PARTNERS.to_csv(root / "partners.csv", index=False)
    for name, cols, rows in tables:
        _write_csv(root / f"{name}.csv", cols, rows, sep, encoding)
    (root / "observations.csv").write_bytes(junk) if junk and not tables else None
    for drop in (False, True):
        try:
            p = load_partnership(root, drop_invalid=drop)
        except ValidationError as exc:
            assert (exc.problems["severity"] == "error").any()
        else:
            assert isinstance(p.partners, pd.DataFrame)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(min_size=0, max_size=400))
def test_random_bytes_as_a_workbook_or_a_table_raise_validation_error(tmp_path_factory, junk):
    root = tmp_path_factory.mktemp("junk")
    (root / "partners.csv").write_bytes(junk)
    with pytest.raises(ValidationError):
        # random bytes make no valid partners table (a lone header line has no rows)
        load_partnership(root)
    book = root / "book.xlsx"
    book.write_bytes(junk)
    with pytest.raises(ValidationError):
        load_partnership(book)


def test_a_duplicate_assessment_without_item_codes_is_reported_with_the_first_row():
    assessments = pd.DataFrame(
        {"wave": "2026-Q1", "respondent_id": ["R1", "R1"], "partner_id": "P1",
         "factor_code": "601", "score": [3, 4]}
    )
    with pytest.raises(ValidationError) as info:
        Partnership.from_frames(partners=PARTNERS, assessments=assessments)
    p = info.value.problems
    p = p[p["severity"] == "error"]
    assert p["message"].tolist() == [
        "duplicate key wave '2026-Q1', respondent_id 'R1', factor_code '601': already on row 2; "
        "expected one row per wave, respondent_id, factor_code, item_code"
    ]
    assert p["row"].tolist() == [3]
