"""The DuckDB store: atomic, idempotent, append-only imports with a ledger."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from partner_analytics import ValidationError, load_partnership
from partner_analytics.data import store as store_mod
from partner_analytics.data.partnership import TABLE_NAMES
from partner_analytics.data.store import import_package, read_ledger

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def package(tmp_path) -> Path:
    root = tmp_path / "pkg"
    shutil.copytree(CORPUS / "valid", root)
    ratings = pd.read_csv(root / "stakeholder_ratings.csv")
    (root / "stakeholder_ratings.csv").unlink()
    (root / "stakeholder_ratings").mkdir()
    ratings.to_csv(root / "stakeholder_ratings" / "2026-Q1.csv", index=False)
    return root


def _snapshot(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables order by 1"
            ).fetchall()
        ]
        return {n: con.execute(f'select * from "{n}" order by all').fetchall() for n in names}
    finally:
        con.close()


def test_store_reads_back_equal_to_the_package_it_came_from(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    from_store, from_files = load_partnership(db), load_partnership(package)
    for t in TABLE_NAMES:
        pd.testing.assert_frame_equal(
            from_store.tables[t], from_files.tables[t], check_index_type=False
        )
    assert from_store.name == from_files.name == "pkg"


def test_ledger_records_file_sha256_and_counts(package, tmp_path):
    db = tmp_path / "p.duckdb"
    result = import_package(package, db)
    ledger = read_ledger(db)
    assert ledger["file"].tolist() == [
        "partners.csv",
        "stakeholder_ratings/2026-Q1.csv",
        "stakeholders.csv",
    ]
    assert ledger["rows_accepted"].tolist() == [3, 6, 2]
    assert ledger["rows_rejected"].tolist() == [0, 0, 0]
    import hashlib

    assert (
        ledger["sha256"].iloc[0]
        == hashlib.sha256((package / "partners.csv").read_bytes()).hexdigest()
    )
    assert result.rows_accepted == 11


def test_importing_the_same_files_again_changes_nothing(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    before = _snapshot(db)
    again = import_package(package, db)
    assert again.rows_accepted == 0
    assert again.skipped_files == [
        "partners.csv",
        "stakeholder_ratings/2026-Q1.csv",
        "stakeholders.csv",
    ]
    after = _snapshot(db)
    assert {k: v for k, v in after.items() if k != "_meta"} == {
        k: v for k, v in before.items() if k != "_meta"
    }


def test_a_new_wave_is_appended_and_may_refer_to_stored_stakeholders(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    new = tmp_path / "wave2"
    (new / "stakeholder_ratings").mkdir(parents=True)
    shutil.copy(package / "partners.csv", new / "partners.csv")
    pd.DataFrame(
        {
            "wave": "2026-Q2",
            "rater_id": ["R1", "R2", "R3"],
            "stakeholder_id": "S1",
            "power": 5,
            "interest": 1,
        }
    ).to_csv(new / "stakeholder_ratings" / "2026-Q2.csv", index=False)
    result = import_package(new, db)
    assert result.skipped_files == ["partners.csv"]
    assert result.rows_accepted == 3
    p = load_partnership(db)
    assert p.stakeholder_ratings.groupby("wave").size().to_dict() == {"2026-Q1": 6, "2026-Q2": 3}
    assert read_ledger(db)["import_id"].tolist() == [1, 1, 1, 2]


def test_a_file_re_exported_with_a_new_wave_appends_only_the_new_rows(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    f = package / "stakeholder_ratings" / "2026-Q1.csv"
    old = pd.read_csv(f)
    grown = pd.concat([old, old.assign(wave="2026-Q2", power=1)], ignore_index=True)
    grown.to_csv(f, index=False)
    result = import_package(package, db)
    row = result.ledger.set_index("file").loc["stakeholder_ratings/2026-Q1.csv"]
    assert (row["rows_accepted"], row["rows_already_stored"], row["rows_rejected"]) == (6, 6, 0)
    assert len(load_partnership(db).stakeholder_ratings) == 12


def test_rejected_rows_are_kept_in_the_store_with_their_reasons(tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(CORPUS / "dangling_foreign_key", db)
    p = load_partnership(db)
    assert p.commitments["commitment_id"].tolist() == ["K1"]
    assert p.rejected[["table", "file", "row", "reason"]].values.tolist() == [
        [
            "commitments",
            "commitments.csv",
            3,
            "partner_id: unknown partner_id 'P9': not found in table partners",
        ]
    ]
    assert read_ledger(db).set_index("file").loc["commitments.csv", "rows_rejected"] == 1


def test_an_unusable_package_leaves_the_store_unchanged(tmp_path):
    # into an empty store, a package without partners cannot be used at all
    db = tmp_path / "p.duckdb"
    with pytest.raises(ValidationError):
        import_package(CORPUS / "missing_required_table", db)
    assert _snapshot(db) == {}


def test_a_package_without_partners_may_add_to_a_store_that_has_them(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    result = import_package(CORPUS / "missing_required_table", db)
    assert result.ledger[["file", "rows_accepted"]].values.tolist() == [["stakeholders.csv", 0]]
    assert result.ledger["rows_already_stored"].tolist() == [0]
    # S1 / Mayor is a duplicate key of a stored stakeholder with another row: rejected, kept
    assert load_partnership(db).rejected["reason"].str.contains("duplicate key").all()


def test_a_failure_inside_the_transaction_rolls_everything_back(package, tmp_path, monkeypatch):
    db = tmp_path / "p.duckdb"
    import_package(CORPUS / "valid", db)
    before = _snapshot(db)
    real = store_mod._append
    calls = []

    def failing(con, name, frame, import_id):
        calls.append(name)
        real(con, name, frame, import_id)
        if len(calls) == 2:  # after two tables were written inside the transaction
            raise OSError("disk full")

    monkeypatch.setattr(store_mod, "_append", failing)
    new = tmp_path / "other"
    shutil.copytree(CORPUS / "valid", new)
    pd.DataFrame(
        {"stakeholder_id": ["S1", "S2", "S3"], "name": ["Mayor", "Residents", "Port"]}
    ).to_csv(new / "stakeholders.csv", index=False)
    (new / "partners.csv").write_text(
        (new / "partners.csv").read_text() + "P4,Port of Oslo,public\n"
    )
    with pytest.raises(OSError, match="disk full"):
        import_package(new, db)
    assert len(calls) == 2
    assert _snapshot(db) == before


# ---------------------------------------------------------------- the store checked in SQL

TODAY = date(2026, 11, 30)


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return root


PARTNERS = "partner_id,name,sector\nP1,City of Oslo,public\nP2,Acme AS,private\n"
INDICATORS = "indicator_id,name,unit,direction\nI1,Recycling rate,%,increase\n"


@pytest.mark.parametrize("match_rows", [1_000_000, 1])  # 1: each new row joined on its own
def test_a_re_exported_file_with_empty_cells_adds_only_the_new_rows(
    tmp_path, monkeypatch, match_rows
):
    monkeypatch.setattr(store_mod, "MATCH_ROWS", match_rows)
    # empty cells (no partner, no district) are as empty as the store's missing values
    obs = "indicator_id,date,value,partner_id,district\nI1,2025-Q1,30,,\nI1,2025-Q1,12.5,P1,North\n"
    pkg = _write(
        tmp_path / "pkg",
        {"partners.csv": PARTNERS, "indicators.csv": INDICATORS, "observations.csv": obs},
    )
    db = tmp_path / "p.duckdb"
    import_package(pkg, db, today=TODAY)
    (pkg / "observations.csv").write_text(obs + "I1,2025-Q2,31,,\n")
    result = import_package(pkg, db, today=TODAY)
    row = result.ledger.set_index("file").loc["observations.csv"]
    assert (row["rows_accepted"], row["rows_already_stored"], row["rows_rejected"]) == (1, 2, 0)
    stored = load_partnership(db).observations
    assert stored[["date", "value", "_row"]].values.tolist() == [
        ["2025-Q1", 30.0, 2],
        ["2025-Q1", 12.5, 3],
        ["2025-Q2", 31.0, 4],
    ]


def test_a_row_equal_after_typing_is_already_stored_not_a_duplicate(package, tmp_path):
    # a lower-case period, ids with spaces, 4.0 for 4 and an empty optional column: the same row
    db = tmp_path / "p.duckdb"
    import_package(package, db, today=TODAY)
    late = tmp_path / "late"
    _write(
        late,
        {
            "stakeholder_ratings/again.csv": "wave,rater_id,stakeholder_id,power,interest,support\n2026-q1, R1 , S1 ,4.0,3,\n"
        },
    )
    result = import_package(late, db, today=TODAY)
    assert result.ledger[
        ["rows_accepted", "rows_rejected", "rows_already_stored"]
    ].values.tolist() == [[0, 0, 1]]
    assert len(load_partnership(db).stakeholder_ratings) == 6


@pytest.mark.parametrize("match_rows", [1_000_000, 2])
def test_a_changed_row_with_a_stored_key_is_rejected_naming_the_stored_row(
    package, tmp_path, monkeypatch, match_rows
):
    monkeypatch.setattr(store_mod, "MATCH_ROWS", match_rows)
    db = tmp_path / "p.duckdb"
    import_package(package, db, today=TODAY)  # 2026-Q1.csv: R2 rates S1 on row 4 (power 4)
    late = tmp_path / "late"
    _write(
        late,
        {
            "stakeholder_ratings/2026-Q1-late.csv": (
                "wave,rater_id,stakeholder_id,power,interest\n"
                "2026-Q1,R4,S1,3,3\n2026-Q1,R5,S1,3,3\n2026-Q1,R6,S9,3,3\n2026-Q1,R2,S1,1,1\n"
                "2026-Q1,R2,S1,2,2\n"
            )
        },
    )
    result = import_package(late, db, today=TODAY)
    errors = result.problems[result.problems["severity"] == "error"]
    assert errors[["file", "row", "column", "value", "message"]].values.tolist() == [
        [
            "stakeholder_ratings/2026-Q1-late.csv",
            4,
            "stakeholder_id",
            "S9",
            "unknown stakeholder_id 'S9': not found in table stakeholders",
        ],
        [
            "stakeholder_ratings/2026-Q1-late.csv",
            5,
            "wave, rater_id, stakeholder_id",
            "2026-Q1 / R2 / S1",
            (
                "duplicate key wave '2026-Q1', rater_id 'R2', stakeholder_id 'S1': already on row 4; "
                "expected one row per wave, rater_id, stakeholder_id"
            ),
        ],
        [
            "stakeholder_ratings/2026-Q1-late.csv",
            6,
            "wave, rater_id, stakeholder_id",
            "2026-Q1 / R2 / S1",
            (
                "duplicate key wave '2026-Q1', rater_id 'R2', stakeholder_id 'S1': already on row 4; "
                "expected one row per wave, rater_id, stakeholder_id"
            ),
        ],
    ]
    assert result.ledger[
        ["rows_accepted", "rows_rejected", "rows_already_stored"]
    ].values.tolist() == [[2, 3, 0]]
    p = load_partnership(db)
    r2 = p.stakeholder_ratings[
        (p.stakeholder_ratings["rater_id"] == "R2")
        & (p.stakeholder_ratings["stakeholder_id"] == "S1")
    ]
    assert r2["power"].tolist() == [4.0]
    assert sorted(p.rejected["row"].tolist()) == [4, 5, 6]
    # nothing is said again about the rows stored before
    assert set(result.problems["file"]) == {"stakeholder_ratings/2026-Q1-late.csv"}


def test_raters_of_a_wave_are_counted_over_the_store_and_the_new_rows(tmp_path):
    stakeholders = "stakeholder_id,name\nS1,Mayor\nS2,Port\n"
    head = "wave,rater_id,stakeholder_id,power,interest\n"
    first = _write(
        tmp_path / "a",
        {
            "partners.csv": PARTNERS,
            "stakeholders.csv": stakeholders,
            "stakeholder_ratings/q1.csv": head + "2026-Q1,R1,S1,4,3\n2026-Q1,R2,S2,4,3\n",
        },
    )
    db = tmp_path / "p.duckdb"
    one = import_package(first, db, today=TODAY)
    assert one.problems["message"].tolist() == [
        "wave 2026-Q1 has 2 distinct raters: fewer than 3, so its results will be shown as 'n < 3'"
    ]
    # a late rater brings 2026-Q1 to 3; 2026-Q2 starts with 2 raters
    second = _write(
        tmp_path / "b",
        {
            "stakeholder_ratings/late.csv": head
            + "2026-Q1,R3,S1,2,2\n2026-Q2,R1,S1,2,2\n2026-Q2,R2,S1,2,2\n"
        },
    )
    two = import_package(second, db, today=TODAY)
    assert two.problems["row"].isna().all()
    assert two.problems[["file", "column", "value", "message"]].values.tolist() == [
        [
            "stakeholder_ratings/late.csv",
            "wave",
            "2026-Q2",
            "wave 2026-Q2 has 2 distinct raters: fewer than 3, so its results will be shown as 'n < 3'",
        ]
    ]
    # R1 again in 2026-Q2: still 2 raters; the wave's first stored row names the file
    third = _write(tmp_path / "c", {"stakeholder_ratings/again.csv": head + "2026-Q2,R1,S2,5,5\n"})
    three = import_package(third, db, today=TODAY)
    assert three.problems[["file", "value", "message"]].values.tolist() == [
        [
            "stakeholder_ratings/late.csv",
            "2026-Q2",
            "wave 2026-Q2 has 2 distinct raters: fewer than 3, so its results will be shown as 'n < 3'",
        ]
    ]


def test_stakeholders_never_rated_are_judged_against_stored_ratings(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db, today=TODAY)
    # S2 has an empty partner_id, as stored: already stored, not a duplicate
    (package / "stakeholders.csv").write_text(
        (package / "stakeholders.csv").read_text() + "S3,Ferry,community,P2\n"
    )
    result = import_package(package, db, today=TODAY)
    assert result.ledger[
        ["file", "rows_accepted", "rows_already_stored", "rows_rejected"]
    ].values.tolist() == [["stakeholders.csv", 1, 2, 0]]
    assert result.problems[["table", "file", "row", "value", "message"]].values.tolist() == [
        [
            "stakeholders",
            "stakeholders.csv",
            4,
            "S3",
            "stakeholder 'S3' is never rated in stakeholder_ratings",
        ]
    ]


def test_several_currencies_are_counted_over_the_store(tmp_path):
    head = "contribution_id,partner_id,date,kind,pledged,currency\n"
    first = _write(
        tmp_path / "a",
        {
            "partners.csv": PARTNERS,
            "contributions.csv": head + "C1,P1,2025-01-01,funding,100,EUR\n",
        },
    )
    db = tmp_path / "p.duckdb"
    assert not len(import_package(first, db, today=TODAY).problems)
    second = _write(
        tmp_path / "b", {"contributions/2026.csv": head + "C2,P2,2026-01-01,data,50,usd\n"}
    )
    result = import_package(second, db, today=TODAY)
    assert result.problems[["table", "file", "column", "value"]].values.tolist() == [
        ["contributions", "contributions.csv", "currency", "EUR, USD"]
    ]
    assert result.problems["row"].isna().all()
    assert result.problems["message"].iloc[0].startswith("contributions are in several currencies")


def test_re_importing_a_package_with_warnings_adds_nothing(package, tmp_path):
    db = tmp_path / "p.duckdb"
    (package / "partners.csv").write_text(
        "partner_id,name,sector,joined\nP1,City of Oslo,public,\nP2,Acme AS,private,\n"
        "P3,Friends of the Fjord,civil_society,\nP4,Port of Oslo,public,2027-01-01\n"
    )
    first = import_package(package, db, today=TODAY)
    assert first.problems[["file", "row", "column", "value"]].values.tolist() == [
        ["partners.csv", 5, "joined", "2027-01-01"]
    ]
    before = _snapshot(db)
    again = import_package(package, db, today=TODAY)
    assert again.rows_accepted == 0 and not len(again.problems)
    assert {k: v for k, v in _snapshot(db).items() if k != "_meta"} == {
        k: v for k, v in before.items() if k != "_meta"
    }


def test_large_tables_are_appended_in_chunks_keeping_their_order(package, tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "CHUNK_ROWS", 4)  # 6 ratings: chunks of 4 and 2
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    pd.testing.assert_frame_equal(
        load_partnership(db).stakeholder_ratings,
        load_partnership(package).stakeholder_ratings,
        check_index_type=False,
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        seq = con.execute("select _seq, _row from stakeholder_ratings order by _seq").fetchall()
    finally:
        con.close()
    assert seq == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]
