"""Nothing in a column header reaches SQL as code: identifiers are checked and quoted."""

from __future__ import annotations

import contextlib
import csv

import duckdb
import pytest

from partner_analytics import ValidationError, load_partnership
from partner_analytics.data.store import import_package
from partner_analytics.errors import StoreError


def _sql_string(text: str) -> str:
    """A SQL expression spelling ``text`` without quotes, spaces or hyphens (header-proof)."""
    return "||".join(f"chr({ord(c)})" for c in text)


def _package_with_header(root, header: str):
    root.mkdir()
    with open(root / "partners.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["partner_id", "name", "sector", header])
        w.writerow(["P1", "City", "public", "a"])
        w.writerow(["P2", "Acme", "private", "b"])
    return root


def _payloads(target) -> list[str]:
    copy = f"copy(select/**/42)to({_sql_string(str(target))})"
    return [
        # ends the identifier and the column list, then runs COPY ... TO a file
        f'x"varchar);{copy};create/**/table/**/t("y',
        # against a store that has the table: the new rows are compared with the stored ones
        # in a query before the column is added with ALTER TABLE
        f'name"/**/is/**/null;{copy};select/**/1/**/where/**/"1',
    ]


@pytest.mark.parametrize("which", [0, 1])
def test_a_header_holding_sql_writes_no_file_on_import(tmp_path, which):
    target = tmp_path / "sitecustomize.py"
    header = _payloads(target)[which]
    db = tmp_path / "s.duckdb"
    if which == 1:  # the table exists already: the new column is added with ALTER TABLE
        import_package(_package_with_header(tmp_path / "first", "note"), db)
    pkg = _package_with_header(tmp_path / "pkg", header)
    with contextlib.suppress(ValidationError, StoreError):
        import_package(pkg, db)  # refusing the package is fine; running its header is not
    assert not target.exists()


def test_a_header_that_is_not_a_plain_name_is_reported_and_not_stored(tmp_path):
    target = tmp_path / "out.txt"
    header = _payloads(target)[0]
    pkg = _package_with_header(tmp_path / "pkg", header)
    db = tmp_path / "s.duckdb"
    result = import_package(pkg, db)
    bad = result.problems[result.problems["rule"] == "bad_column_name"]
    assert len(bad) == 1
    assert bad["file"].tolist() == ["partners.csv"]
    assert "was not read" in bad["message"].iloc[0]
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                          "where table_name = 'partners'").fetchall()]
    finally:
        con.close()
    assert not any('"' in c or "copy" in c for c in cols)
    assert not target.exists()
    # the loader says the same, and the other columns load
    p = load_partnership(pkg)
    assert p.partners["partner_id"].tolist() == ["P1", "P2"]
    assert (p.problems["rule"] == "bad_column_name").sum() == 1
