"""The DuckDB store: atomic, idempotent, append-only imports with a ledger.

``import_package(package, store)`` validates the package together with what the store
already holds (so a new wave may refer to stakeholders imported before) and, in one
transaction, appends the accepted rows of files not imported before, the rejected rows with
their reasons, the problems, and one ledger row per file (file, sha256, rows accepted,
rows rejected, rows already stored, time). Importing the same file again changes nothing;
a row identical to one already stored is counted as already stored, not appended twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from partner_analytics.data.readers import FILE_COL, ROW_COL, RawPackage, RawTable, read_package
from partner_analytics.data.schemas import TABLE_ORDER, TABLES
from partner_analytics.data.validate import PROBLEM_COLUMNS, REJECTED_COLUMNS, empty_table

__all__ = ["ImportResult", "import_package", "load_store", "read_ledger", "read_store_raw"]

LEDGER = "_ledger"
REJECTED = "_rejected"
PROBLEMS = "_problems"
META = "_meta"
ORIGIN = "_origin"  # marks, during an import, rows already stored from rows of new files
LEDGER_COLUMNS = [
    "import_id",
    "file",
    "sha256",
    "table",
    "rows_accepted",
    "rows_rejected",
    "rows_already_stored",
    "imported_at",
]


@dataclass
class ImportResult:
    store: Path
    import_id: int
    ledger: pd.DataFrame  # this import's ledger rows
    problems: pd.DataFrame
    skipped_files: list[str]

    @property
    def rows_accepted(self) -> int:
        return int(self.ledger["rows_accepted"].sum()) if len(self.ledger) else 0

    @property
    def rows_rejected(self) -> int:
        return int(self.ledger["rows_rejected"].sum()) if len(self.ledger) else 0


def _run(con, sql: str, params=None) -> None:
    """Execute a statement and consume its result (DuckDB needs it before the next one)."""
    res = con.execute(sql, params) if params is not None else con.execute(sql)
    res.fetchall()


def _tables_in(con) -> set[str]:
    return {
        r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
    }


def _cast(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Give a frame read from DuckDB the dtypes of the contract."""
    spec = TABLES[name]
    out = {}
    for c in frame.columns:
        s = frame[c]
        if c in spec.names:
            dtype = spec.col(c).dtype
        elif c == "wave_end":
            dtype = "datetime64[ns]"
        elif c == ROW_COL:
            dtype = "Int64"
        elif c == FILE_COL:
            dtype = "category"
        else:
            dtype = "str"
        if dtype == "category":
            s = s.astype("str").astype("category")
        elif dtype == "str":
            s = s.astype("object").where(s.notna(), None).astype("str")
        else:
            s = s.astype(dtype)
        out[c] = s
    return pd.DataFrame(out, columns=frame.columns)


def _read_tables(con) -> dict[str, pd.DataFrame]:
    have = _tables_in(con)
    tables = {}
    for name in TABLE_ORDER:
        if name in have:
            frame = con.execute(
                f'select * exclude (_import_id) from "{name}" order by _import_id, _seq'
            ).df()
            frame = frame.drop(columns=["_seq"])
            tables[name] = _cast(name, frame)
    return tables


def read_ledger(store: str | Path) -> pd.DataFrame:
    con = duckdb.connect(str(store), read_only=True)
    try:
        if LEDGER not in _tables_in(con):
            return pd.DataFrame(columns=LEDGER_COLUMNS)
        return con.execute(f"select * from {LEDGER} order by import_id, file").df()
    finally:
        con.close()


def load_store(store: str | Path):
    """A Partnership from a store: the tables as imported, rejected rows, problems, ledger."""
    from partner_analytics.data.partnership import Partnership, default_factors_table

    store = Path(store)
    con = duckdb.connect(str(store), read_only=True)
    try:
        have = _tables_in(con)
        tables = _read_tables(con)
        present = {n for n in tables}
        full = {n: tables.get(n, empty_table(TABLES[n])) for n in TABLE_ORDER}
        rejected = (
            con.execute(f"select * exclude (import_id) from {REJECTED} order by import_id").df()
            if REJECTED in have
            else pd.DataFrame(columns=REJECTED_COLUMNS)
        )
        problems = (
            con.execute(f"select * exclude (import_id) from {PROBLEMS} order by import_id").df()
            if PROBLEMS in have
            else pd.DataFrame(columns=PROBLEM_COLUMNS)
        )
        ledger = (
            con.execute(f"select * from {LEDGER} order by import_id").df()
            if LEDGER in have
            else None
        )
        meta = (
            dict(con.execute(f"select key, value from {META}").fetchall()) if META in have else {}
        )
    finally:
        con.close()
    for frame in (rejected, problems):
        if "row" in frame:
            frame["row"] = frame["row"].astype("Int64")
    instrument = meta.get("instrument", "package")
    if not len(full["factors"]):
        full["factors"] = default_factors_table()
        instrument = "mutuality (packaged default)"
    return Partnership(
        tables=full,
        problems=problems,
        rejected=rejected,
        source=str(store),
        name=meta.get("name", store.stem),
        present=frozenset(present),
        files=(store,),
        ledger=ledger,
        instrument=instrument,
    )


def read_store_raw(store: str | Path, known: set[str], con=None) -> RawPackage:
    """The store's tables as text, as if read from files (used to validate new imports)."""
    from partner_analytics.data.partnership import _to_text

    if con is None:
        own = duckdb.connect(str(store), read_only=True)
        try:
            tables = _read_tables(own)
        finally:
            own.close()
    else:
        tables = _read_tables(con)
    raw = {}
    for name, frame in tables.items():
        f = frame.drop(columns=[c for c in ("wave_end",) if c in frame.columns])
        data = f.drop(columns=[FILE_COL, ROW_COL]).astype("object").map(_to_text)
        data[FILE_COL] = f[FILE_COL].astype("object")
        data[ROW_COL] = f[ROW_COL].astype("object")
        raw[name] = RawTable(name, data, sorted(set(f[FILE_COL])))
    return RawPackage(str(store), "store", raw, [], [Path(store)])


def _sql_type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(s):
        return "BIGINT"
    if pd.api.types.is_float_dtype(s):
        return "DOUBLE"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "TIMESTAMP"
    return "VARCHAR"


def import_package(package: str | Path, store: str | Path, *, today=None) -> ImportResult:
    """Validate ``package`` against the store's contents and append it in one transaction."""
    from partner_analytics.data.partnership import _build, sha256_file
    from partner_analytics.data.schemas import TABLES as SPECS

    package, store = Path(package), Path(store)
    new = read_package(package, set(SPECS))
    root = package if package.is_dir() else package.parent
    hashes = {}
    for f in new.files:
        try:
            rel = str(Path(f).relative_to(root))
        except ValueError:
            rel = Path(f).name
        hashes[rel] = sha256_file(f)

    con = duckdb.connect(str(store))
    try:
        have = _tables_in(con)
        done = set()
        if LEDGER in have:
            done = {(f, h) for f, h in con.execute(f"select file, sha256 from {LEDGER}").fetchall()}

        # files of the package already imported with the same content are skipped
        def file_key(display: str) -> str:
            return display.split(" [", 1)[0]

        skipped = sorted({d for d in hashes if (d, hashes[d]) in done})
        fresh: dict[str, RawTable] = {}
        for name, rt in new.tables.items():
            keep = ~rt.frame[FILE_COL].map(file_key).isin(skipped)
            if keep.any() or not len(rt.frame):
                files = [f for f in rt.files if file_key(f) not in skipped]
                if files:
                    fresh[name] = RawTable(
                        name, rt.frame[keep].reset_index(drop=True), files, rt.decimal_comma
                    )
        stored = read_store_raw(store, set(SPECS), con) if any(t in have for t in TABLE_ORDER) else None
        if stored is not None:
            for rt in stored.tables.values():
                rt.frame[ORIGIN] = "stored"
        for rt in fresh.values():
            rt.frame[ORIGIN] = "new"
        combined: dict[str, RawTable] = {}
        n_stored: dict[str, int] = {}
        for name in TABLE_ORDER:
            parts = []
            if stored is not None and name in stored.tables:
                parts.append(stored.tables[name].frame)
                n_stored[name] = len(stored.tables[name].frame)
            if name in fresh:
                parts.append(fresh[name].frame)
            if parts:
                frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
                files = (
                    stored.tables[name].files
                    if stored is not None and name in stored.tables
                    else []
                )
                files = files + (fresh[name].files if name in fresh else [])
                comma = fresh[name].decimal_comma if name in fresh else set()
                combined[name] = RawTable(name, frame, files, comma)
        problems_in = [p for p in new.problems if file_key(str(p.get("file") or "")) not in skipped]
        raw = RawPackage(str(package), new.kind, combined, problems_in, new.files)

        # identical rows already stored are not new (a file re-exported with a new wave)
        already: dict[str, int] = {}
        for name, rt in combined.items():
            k = n_stored.get(name, 0)
            if not k or name not in fresh:
                continue
            data_cols = [c for c in rt.frame.columns if not str(c).startswith("_")]
            old = rt.frame.iloc[:k][data_cols].fillna("\x00").astype("str")
            newf = rt.frame.iloc[k:][data_cols].fillna("\x00").astype("str")
            seen = set(map(tuple, old.to_numpy()))
            dup = newf.apply(tuple, axis=1).isin(seen) if len(newf) else pd.Series([], dtype=bool)
            if dup.any():
                drop_idx = newf.index[dup.to_numpy()]
                already[name] = int(dup.sum())
                for f in rt.frame.loc[drop_idx, FILE_COL]:
                    already[f] = already.get(f, 0) + 1
                rt.frame = rt.frame.drop(index=drop_idx).reset_index(drop=True)

        p = _build(raw, drop_invalid=True, today=today, name=None)
        import_id = 1 + (
            con.execute(f"select coalesce(max(import_id), 0) from {LEDGER}").fetchall()[0][0]
            if LEDGER in have
            else 0
        )
        now = datetime.now(UTC).replace(tzinfo=None)

        _run(con, "begin transaction")
        try:
            _ensure_system_tables(con)
            ledger_rows = []
            new_files = [d for d in hashes if d not in skipped]
            for name in TABLE_ORDER:
                if name not in fresh:
                    continue
                t = p.tables[name]
                if name == "factors" and p.instrument != "package":
                    continue
                newrows = t[t[ORIGIN] == "new"].drop(columns=[ORIGIN])
                _append(con, name, newrows, import_id)
            rej = p.rejected
            rej_new = (
                rej[rej["file"].astype("str").map(file_key).isin(new_files)] if len(rej) else rej
            )
            if len(rej_new):
                frame = rej_new.assign(import_id=import_id)[["import_id", *REJECTED_COLUMNS]]
                con.register("_rej", frame)
                _run(con, f"insert into {REJECTED} select * from _rej")
                con.unregister("_rej")
            probs = p.problems
            if len(probs):
                frame = probs.assign(import_id=import_id)[["import_id", *PROBLEM_COLUMNS]]
                con.register("_prob", frame)
                _run(con, f"insert into {PROBLEMS} select * from _prob")
                con.unregister("_prob")
            for d in new_files:
                table = None
                accepted = rejected = 0
                for name in TABLE_ORDER:
                    t = p.tables[name]
                    if not len(t) or name not in fresh:
                        continue
                    mine = (t[ORIGIN] == "new") & (t[FILE_COL].map(file_key) == d)
                    if mine.any() or d in fresh[name].files:
                        table = name
                        accepted += int(mine.sum())
                if len(rej_new):
                    m = rej_new["file"].astype("str").map(file_key) == d
                    rejected = int(m.sum())
                    if table is None and m.any():
                        table = str(rej_new.loc[m, "table"].iloc[0])
                same = sum(v for f, v in already.items() if file_key(f) == d)
                ledger_rows.append(
                    {
                        "import_id": import_id,
                        "file": d,
                        "sha256": hashes[d],
                        "table": table,
                        "rows_accepted": accepted,
                        "rows_rejected": rejected,
                        "rows_already_stored": same,
                        "imported_at": now,
                    }
                )
            ledger = pd.DataFrame(ledger_rows, columns=LEDGER_COLUMNS)
            if len(ledger):
                ledger["rows_accepted"] = ledger["rows_accepted"].astype("int64")
                ledger["rows_rejected"] = ledger["rows_rejected"].astype("int64")
                ledger["rows_already_stored"] = ledger["rows_already_stored"].astype("int64")
                con.register("_led", ledger)
                _run(con, f"insert into {LEDGER} select * from _led")
                con.unregister("_led")
            _run(con, f"insert or replace into {META} values ('name', ?)", [p.name])
            if "factors" not in have and p.instrument != "package":
                _run(con, f"insert or replace into {META} values ('instrument', ?)", [p.instrument])
            _run(con, "commit")
        except BaseException:
            _run(con, "rollback")
            raise
    finally:
        con.close()
    return ImportResult(store, import_id, ledger, p.problems, skipped)


def _ensure_system_tables(con) -> None:
    _run(
        con,
        f"create table if not exists {LEDGER} (import_id BIGINT, file VARCHAR, sha256 VARCHAR, "
        '"table" VARCHAR, rows_accepted BIGINT, rows_rejected BIGINT, rows_already_stored BIGINT, '
        "imported_at TIMESTAMP)",
    )
    _run(
        con,
        f'create table if not exists {REJECTED} (import_id BIGINT, "table" VARCHAR, file VARCHAR, '
        'row BIGINT, reason VARCHAR, "values" VARCHAR)',
    )
    _run(
        con,
        f'create table if not exists {PROBLEMS} (import_id BIGINT, severity VARCHAR, "table" VARCHAR, '
        'file VARCHAR, row BIGINT, "column" VARCHAR, value VARCHAR, message VARCHAR)',
    )
    _run(con, f"create table if not exists {META} (key VARCHAR PRIMARY KEY, value VARCHAR)")


def _append(con, name: str, frame: pd.DataFrame, import_id: int) -> None:
    have = _tables_in(con)
    cols = list(frame.columns)
    if name not in have:
        defs = ", ".join(f'"{c}" {_sql_type(frame[c])}' for c in cols)
        _run(con, f'create table "{name}" ({defs}, _import_id BIGINT, _seq BIGINT)')
    else:
        existing = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = ?", [name]
            ).fetchall()
        }
        for c in cols:
            if c not in existing:
                _run(con, f'alter table "{name}" add column "{c}" {_sql_type(frame[c])}')
    if not len(frame):
        return
    base = con.execute(f'select coalesce(max(_seq), 0) from "{name}"').fetchall()[0][0]
    data = frame.assign(_import_id=import_id, _seq=range(base + 1, base + 1 + len(frame)))
    data[FILE_COL] = data[FILE_COL].astype("str")  # a categorical would become an ENUM
    con.register("_new", data)
    collist = ", ".join(f'"{c}"' for c in data.columns)
    _run(con, f'insert into "{name}" ({collist}) select {collist} from _new')
    con.unregister("_new")


def ledger_json(ledger: pd.DataFrame) -> str:
    return json.dumps(ledger.astype("str").to_dict("records"), indent=2)
