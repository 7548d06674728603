"""A store handed over by someone else is data: it cannot read files, run code or crash us."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from partner_analytics import ValidationError, load_partnership
from partner_analytics.data.store import SCHEMA_VERSION, import_package, read_ledger
from partner_analytics.errors import StoreBusyError, StoreError

PARTNERS = "partner_id,name,sector\nP1,City of Oslo,public\nP2,Acme AS,private\nP3,Friends,civil_society\n"
STAKEHOLDERS = "stakeholder_id,name,partner_id\nS1,Mayor,P1\nS2,Port,P2\n"
RATINGS = (
    "wave,rater_id,stakeholder_id,power,interest\n"
    "2026-Q1,R1,S1,4,3\n2026-Q1,R2,S1,4,3\n2026-Q1,R3,S2,2,2\n"
)


@pytest.fixture
def store(tmp_path) -> Path:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "partners.csv").write_text(PARTNERS)
    (pkg / "stakeholders.csv").write_text(STAKEHOLDERS)
    (pkg / "stakeholder_ratings.csv").write_text(RATINGS)
    db = tmp_path / "s.duckdb"
    import_package(pkg, db, today=None)
    return db


def _tamper(db: Path, *sql: str) -> None:
    con = duckdb.connect(str(db))
    try:
        for s in sql:
            con.execute(s)
    finally:
        con.close()


@pytest.fixture
def secret(tmp_path) -> Path:
    f = tmp_path / "secret.txt"
    f.write_text("TOKEN=s3cr3t-value\n")
    return f


@pytest.mark.parametrize(
    "craft",
    [
        # a view in place of a table, reading a local file
        lambda s: [
            "alter table partners rename to partners_real",
            (
                "create view partners as select p.* replace (c.content as name) "
                f"from partners_real p, read_text('{s}') c"
            ),
        ],
        # a macro reading the process environment
        lambda s: ["create macro leak() as table (select content from read_text('/proc/self/environ'))"],
        # a table the store never writes
        lambda s: ["create table notes as select 1 as x"],
        # a computed column (a default evaluated when rows are added)
        lambda s: ["alter table partners add column note VARCHAR default (current_setting('home_directory'))"],
        # a sequence
        lambda s: ["create sequence counter"],
    ],
    ids=["view", "macro", "unknown-table", "column-default", "sequence"],
)
def test_a_store_holding_anything_but_its_own_base_tables_is_refused(store, secret, craft):
    _tamper(store, *craft(secret))
    with pytest.raises(StoreError) as info:
        load_partnership(store)
    assert "s3cr3t" not in str(info.value)
    assert "refused" in str(info.value)
    # an import into it is refused too, before anything is written
    with pytest.raises(StoreError):
        import_package(store.parent / "pkg", store)


def test_a_store_is_read_with_file_access_off(store, secret):
    # even if a check were missed, the connection itself cannot read local files
    from partner_analytics.data import store as store_mod

    con = store_mod.open_store(store)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(f"select content from read_text('{secret}')").fetchall()
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true").fetchall()
    finally:
        con.close()


def test_a_store_of_a_newer_schema_is_refused(store):
    _tamper(store, f"insert or replace into _meta values ('schema_version', '{SCHEMA_VERSION + 1}')")
    with pytest.raises(StoreError, match="newer"):
        load_partnership(store)


def test_the_store_records_its_schema_version(store):
    con = duckdb.connect(str(store), read_only=True)
    try:
        (version,) = con.execute("select value from _meta where key = 'schema_version'").fetchone()
    finally:
        con.close()
    assert int(version) == SCHEMA_VERSION


def test_stored_rows_are_validated_like_a_package(store):
    # a bad sector and a duplicate id written straight into the store
    _tamper(
        store,
        "update partners set sector = 'charity' where partner_id = 'P2'",
        (
            "insert into partners select * replace ('City again' as name, _seq + 100 as _seq, "
            "9 as _row) from partners where partner_id = 'P1'"
        ),
    )
    with pytest.raises(ValidationError) as info:
        load_partnership(store)
    errors = info.value.problems
    assert set(errors["rule"]) == {"not_allowed", "duplicate_key"}
    p = load_partnership(store, drop_invalid=True)
    assert sorted(p.partners["partner_id"]) == ["P1", "P3"]
    assert set(p.partners["sector"]) <= {"public", "civil_society"}
    rejected = p.rejected.sort_values(["table", "row"])
    assert rejected[["table", "row"]].values.tolist() == [
        ["partners", 3], ["partners", 9],
        ["stakeholder_ratings", 4],  # rates S2, whose partner P2 was rejected
        ["stakeholders", 3],  # S2 belongs to P2
    ]  # fmt: skip


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 4000],
    ids=["empty", "text", "sqlite"],
)
def test_a_foreign_or_empty_file_is_not_a_store(tmp_path, content):
    db = tmp_path / "x.duckdb"
    db.write_bytes(content)
    with pytest.raises((StoreError, ValidationError)) as info:
        load_partnership(db)
    assert "Traceback" not in str(info.value)


def test_a_truncated_store_raises_store_error(store, tmp_path):
    data = store.read_bytes()
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError, match="damaged, truncated"):
        load_partnership(cut)
    assert StoreError.exit_code == 3


def test_a_second_import_while_one_writes_says_the_store_is_busy(store, tmp_path):
    # another process holds the store open for writing until we close its stdin
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreBusyError, match="the store is busy: another import is writing to it"):
            import_package(store.parent / "pkg", store)
        with pytest.raises(StoreBusyError):
            read_ledger(store)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert StoreBusyError.exit_code == 4
    assert len(read_ledger(store)) == 3  # usable again once the other one is done
