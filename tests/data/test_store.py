"""The DuckDB store: atomic, idempotent, append-only imports with a ledger."""

from __future__ import annotations

import shutil
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
        names = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        return {n: con.execute(f'select * from "{n}" order by all').fetchall() for n in names}
    finally:
        con.close()


def test_store_reads_back_equal_to_the_package_it_came_from(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    from_store, from_files = load_partnership(db), load_partnership(package)
    for t in TABLE_NAMES:
        pd.testing.assert_frame_equal(from_store.tables[t], from_files.tables[t], check_index_type=False)
    assert from_store.name == from_files.name == "pkg"


def test_ledger_records_file_sha256_and_counts(package, tmp_path):
    db = tmp_path / "p.duckdb"
    result = import_package(package, db)
    ledger = read_ledger(db)
    assert ledger["file"].tolist() == ["partners.csv", "stakeholder_ratings/2026-Q1.csv", "stakeholders.csv"]
    assert ledger["rows_accepted"].tolist() == [3, 6, 2]
    assert ledger["rows_rejected"].tolist() == [0, 0, 0]
    import hashlib

    assert ledger["sha256"].iloc[0] == hashlib.sha256((package / "partners.csv").read_bytes()).hexdigest()
    assert result.rows_accepted == 11


def test_importing_the_same_files_again_changes_nothing(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    before = _snapshot(db)
    again = import_package(package, db)
    assert again.rows_accepted == 0
    assert again.skipped_files == ["partners.csv", "stakeholder_ratings/2026-Q1.csv", "stakeholders.csv"]
    after = _snapshot(db)
    assert {k: v for k, v in after.items() if k != "_meta"} == {k: v for k, v in before.items() if k != "_meta"}


def test_a_new_wave_is_appended_and_may_refer_to_stored_stakeholders(package, tmp_path):
    db = tmp_path / "p.duckdb"
    import_package(package, db)
    new = tmp_path / "wave2"
    (new / "stakeholder_ratings").mkdir(parents=True)
    shutil.copy(package / "partners.csv", new / "partners.csv")
    pd.DataFrame(
        {"wave": "2026-Q2", "rater_id": ["R1", "R2", "R3"], "stakeholder_id": "S1", "power": 5, "interest": 1}
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
        ["commitments", "commitments.csv", 3, "partner_id: unknown partner_id 'P9': not found in table partners"]
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
    pd.DataFrame({"stakeholder_id": ["S1", "S2", "S3"], "name": ["Mayor", "Residents", "Port"]}).to_csv(
        new / "stakeholders.csv", index=False
    )
    (new / "partners.csv").write_text((new / "partners.csv").read_text() + "P4,Port of Oslo,public\n")
    with pytest.raises(OSError, match="disk full"):
        import_package(new, db)
    assert len(calls) == 2
    assert _snapshot(db) == before
