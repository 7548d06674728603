"""The DuckDB store: atomic, idempotent, append-only imports with a ledger.

``import_package(package, store)`` validates the rows of the package's new files against what
the store already holds (so a new wave may refer to stakeholders imported before) and, in one
transaction, appends the accepted rows, the rejected rows with their reasons, the problems,
and one ledger row per file (file, sha256, rows accepted, rows rejected, rows already stored,
time). Importing the same file again changes nothing; a row identical to one already stored
is counted as already stored, not appended twice.

The store is never read into memory as a whole; it takes part in an import through SQL:

1. a file whose name and sha256 are in the ledger is skipped;
2. a new row equal, value for value after the loader's type coercion, to a stored row is
   "already stored": counted in the ledger, neither validated nor appended (a file
   re-exported with one more wave adds only that wave). A cell that does not parse never
   makes a row equal to a stored one;
3. the stored rows that share a unique key with a remaining new row, and every stored row of
   the tables other tables refer to (partners, stakeholders, factors, items, indicators,
   drivers, exchange_rates: small tables), are fetched with SQL and put ahead of the new
   rows, so validation (:func:`~partner_analytics.data.validate.validate_package`, as the
   loader runs it) judges duplicate keys ("already on row N") and foreign keys exactly as if
   the whole store were there. Problems on those stored rows are not recorded again;
4. the warnings about a whole table (a wave with fewer than 3 raters, a stakeholder never
   rated, several currencies without exchange rates) are counted over the stored and the new
   rows (in SQL for the stored ones) and recorded for the waves and rows this import brings;
5. the accepted rows are appended in chunks, so the memory an import needs is about that of
   validating its new rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from partner_analytics.data.readers import FILE_COL, ROW_COL, RawPackage, RawTable, read_package
from partner_analytics.data.schemas import TABLE_ORDER, TABLES, TableSpec
from partner_analytics.data.validate import (
    MIN_RATERS,
    PROBLEM_COLUMNS,
    REJECTED_COLUMNS,
    empty_table,
)

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
CHUNK_ROWS = 250_000  # rows appended per INSERT
MATCH_ROWS = 1_000_000  # new rows compared with the store per join
# _file of stored rows given to validation as context; their problems are not recorded again
CONTEXT_PREFIX = "\x00stored\x00"
# tables other tables refer to (foreign keys, currencies): given to validation whole
REFERENCED = frozenset(
    {"partners", "exchange_rates"}
    | {parent for spec in TABLES.values() for _, parent, _ in spec.foreign if parent in TABLES}
)
_WHO = {"stakeholder_ratings": "rater_id", "assessments": "respondent_id"}
# names the store itself puts into SQL (besides the contract's columns)
_KNOWN_NAMES = frozenset(
    {*TABLES, *(c for spec in TABLES.values() for c in spec.names), FILE_COL, ROW_COL,
     "wave_end", "_import_id", "_seq", "_pos", "_keep", ORIGIN}
)
_NEVER_RATED = "is never rated in stakeholder_ratings"
_CURRENCIES = "contributions are in several currencies"
_NO_ROWS = "the table has a header but no rows"


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


def quote_ident(name: str, table: str | None = None) -> str:
    """``name`` as a SQL identifier: a contract, store or checked extra column, ``"`` doubled.

    Every identifier the store puts into SQL goes through here. A name that is neither a
    column of the contract, one of the store's own, nor a plain name (letters, digits, ``_``;
    see :data:`~partner_analytics.data.validate.COLUMN_NAME`) raises
    :class:`~partner_analytics.errors.StoreError`: validation reports and drops such columns
    before, so reaching here with one is a defect, never a way into SQL.
    """
    from partner_analytics.data.validate import plain_column_name
    from partner_analytics.errors import StoreError

    known = name in _KNOWN_NAMES or (table in TABLES and name in TABLES[table].names)
    if not (known or plain_column_name(name)):
        raise StoreError(f"refusing a column name that is not a plain name: {name[:40]!r}")
    return '"' + name.replace('"', '""') + '"'


def _tables_in(con) -> set[str]:
    return {
        r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
    }


def _columns_of(con, name: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = ? "
            "order by ordinal_position",
            [name],
        ).fetchall()
    ]


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
                f"select * exclude (_import_id) from {quote_ident(name)} order by _import_id, _seq"
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


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read from the store (contract dtypes) as text cells, as if read from files."""
    from partner_analytics.data.partnership import _to_text

    f = frame.drop(columns=[c for c in ("wave_end",) if c in frame.columns])
    data = f.drop(columns=[FILE_COL, ROW_COL]).astype("object").map(_to_text)
    data[FILE_COL] = f[FILE_COL].astype("object")
    data[ROW_COL] = f[ROW_COL].astype("object")
    return data


def read_store_raw(store: str | Path, known: set[str], con=None) -> RawPackage:
    """The store's tables as text, as if read from files (a store given as a package)."""
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
        data = _as_text(frame)
        raw[name] = RawTable(name, data, sorted(set(frame[FILE_COL].astype("str"))))
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


def _file_key(display: str) -> str:
    """The file of a display name ("book.xlsx [sheet]" -> "book.xlsx")."""
    return display.split(" [", 1)[0]


def _data_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not str(c).startswith("_")]


def _usable(spec: TableSpec, frame: pd.DataFrame) -> bool:
    """Whether validation will type the table (no duplicate headers, required columns there)."""
    cols = _data_columns(frame)
    if len(set(cols)) != len(cols):
        return False
    if spec.one_of and not any(c in cols for c in spec.one_of):
        return False
    return all(c in cols for c in spec.required if c not in spec.one_of)


def _typed(spec: TableSpec, frame: pd.DataFrame, comma: set[str]):
    """The values validation will give the rows of ``frame``, and which rows parse cleanly.

    The columns are coerced as :func:`~partner_analytics.data.validate.validate_package`
    coerces them (same functions, defaults filled); a row with a cell that does not parse is
    not clean.
    """
    from partner_analytics.data.validate import _coerce, _Collector, _stripped

    out = _Collector()
    result = {}
    for col in spec.columns:
        if col.name in frame.columns:
            s = _coerce(spec, col, frame[col.name], frame, comma, out)
        else:
            s = pd.Series(index=frame.index, dtype=col.dtype)
        if col.default is not None:
            s = s.fillna(col.default)
        result[col.name] = s
    for c in _data_columns(frame):
        if c not in spec.names:
            result[c] = _stripped(frame[c])
    typed = pd.DataFrame(result, index=frame.index)
    clean = ~frame.index.isin(list(out.bad.get(spec.name, {})))
    return typed, np.asarray(clean, dtype=bool)


def _typed_column(spec: TableSpec, column: str, frame: pd.DataFrame, comma: set[str]) -> pd.Series:
    from partner_analytics.data.validate import _coerce, _Collector

    if column not in frame.columns:
        return pd.Series(index=frame.index, dtype=spec.col(column).dtype)
    return _coerce(spec, spec.col(column), frame[column], frame, comma, _Collector())


def _stored_rows(con, name: str, join: str = "") -> pd.DataFrame:
    """Stored rows of a table as text, in store order, their ``_file`` marked as context."""
    frame = con.execute(
        f"select s.* exclude (_import_id, _seq) from {quote_ident(name)} s {join} "
        "order by s._import_id, s._seq"
    ).df()
    data = _as_text(_cast(name, frame))
    data[FILE_COL] = CONTEXT_PREFIX + data[FILE_COL].astype("str")
    return data


def _match_stored(con, name: str, frame: pd.DataFrame, comma: set[str], stored_cols, context: bool):
    """New rows equal to stored rows, and the stored rows sharing a key with the others.

    Returns a boolean array (True: the new row equals a stored row) and, when ``context``,
    the stored rows (as text, in store order) whose unique key a remaining new row repeats.
    The new rows are typed and joined in chunks of ``MATCH_ROWS`` (DuckDB builds its hash
    table on the chunk), so memory does not grow with the store or the package.
    """
    spec = TABLES[name]
    stored = set(stored_cols)

    def condition(columns):
        q = {c: quote_ident(c, name) for c in columns}
        on = [f"n.{q[c]} is not distinct from s.{q[c]}" for c in columns if c in stored]
        only_new = [f"n.{q[c]} is null" for c in columns if c not in stored]
        return " and ".join(on), " and ".join(["n._keep", *only_new])

    same = np.zeros(len(frame), dtype=bool)
    ids = []
    for start in range(0, len(frame), MATCH_ROWS):
        typed, clean = _typed(spec, frame.iloc[start : start + MATCH_ROWS], comma)
        cols = list(typed.columns)
        typed["_pos"] = np.arange(start, start + len(typed), dtype="int64")
        typed["_keep"] = clean
        on, where = condition(cols)
        con.register("_import_new", typed)
        try:
            pos = con.execute(
                f"select n._pos from _import_new n semi join {quote_ident(name)} s "
                f"on {on} where {where}"
            ).fetchnumpy()["_pos"]
        finally:
            con.unregister("_import_new")
        same[np.asarray(pos, dtype="int64")] = True
        key = [c for c in cols if c != "value"] if spec.open_columns else list(spec.key)
        part = same[start : start + len(typed)]
        if context and key and not part.all():
            typed["_keep"] = ~part
            on, where = condition(key)
            con.register("_import_new", typed)
            try:
                ids.append(
                    con.execute(
                        f"select s._import_id, s._seq from {quote_ident(name)} s semi join "
                        f"(select * from _import_new n where {where}) n on {on}"
                    ).df()
                )
            finally:
                con.unregister("_import_new")
        del typed
    ctx = None
    ids = [i for i in ids if len(i)]
    if ids:
        keys = pd.concat(ids, ignore_index=True).drop_duplicates()
        con.register("_import_ids", keys)
        try:
            ctx = _stored_rows(
                con,
                name,
                "semi join _import_ids i on s._import_id = i._import_id and s._seq = i._seq",
            )
        finally:
            con.unregister("_import_ids")
    return same, ctx


def _stack(context: pd.DataFrame | None, frame: pd.DataFrame) -> pd.DataFrame:
    """Stored context rows ahead of the new rows, with ``_origin``; new text keeps its dtype."""
    if context is None:
        return frame
    context = context.copy()
    for c in context.columns:
        if c == FILE_COL:
            continue
        if c in frame.columns and frame[c].dtype != object:
            context[c] = context[c].astype(frame[c].dtype)
    files = pd.api.types.union_categoricals(
        [
            pd.Categorical(context[FILE_COL].astype("str")),
            pd.Categorical(frame[FILE_COL].astype("str"))
            if not isinstance(frame[FILE_COL].dtype, pd.CategoricalDtype)
            else frame[FILE_COL].array,
        ]
    )
    out = pd.concat(
        [context.drop(columns=[FILE_COL]), frame.drop(columns=[FILE_COL])], ignore_index=True
    )
    out[FILE_COL] = pd.Categorical(files)
    out[ORIGIN] = pd.Categorical.from_codes(
        np.r_[np.zeros(len(context), dtype="int8"), np.ones(len(frame), dtype="int8")],
        categories=["stored", "new"],
    )
    return out


def _problem(severity, table, file, row, column, value, message) -> dict:
    given = value is not None and (isinstance(value, str) or not pd.isna(value))
    return {
        "severity": severity,
        "table": table,
        "file": file,
        "row": row,
        "column": column,
        "value": str(value) if given else None,
        "message": message,
    }


def _sorted_problems(rows: pd.DataFrame) -> pd.DataFrame:
    """The order of :func:`validate_package`: errors first, tables in order, file, row."""
    problems = rows.reset_index(drop=True)
    problems["row"] = problems["row"].astype("Int64")
    problems = problems.astype(
        {c: "str" for c in ("severity", "table", "file", "column", "value", "message")}
    )
    sev = problems["severity"].map({"error": 0, "warning": 1}).fillna(2)
    order = problems["table"].map({n: i for i, n in enumerate(TABLE_ORDER)})
    return (
        problems.assign(_s=sev, _t=order)
        .sort_values(["_s", "_t", "file", "row"], kind="stable", na_position="first")
        .drop(columns=["_s", "_t"])
        .reset_index(drop=True)
    )


class _Batch:
    """What an import brings, per table, ready for validation against the store."""

    def __init__(self) -> None:
        self.tables: dict[str, RawTable] = {}
        self.new: dict[str, pd.DataFrame] = {}  # the new rows (text) of each fresh table
        self.comma: dict[str, set[str]] = {}
        self.already: dict[str, int] = {}  # display file -> rows already stored
        self.stored_rows: dict[str, int] = {}
        self.stored_files: dict[str, list[str]] = {}


def _prepare(con, fresh: dict[str, RawTable], have: set[str]) -> _Batch:
    """The raw tables to validate: stored context rows (as text) ahead of the new rows.

    New rows equal to stored rows are set aside as already stored (counted per file).
    """
    b = _Batch()
    for name in TABLE_ORDER:
        if name in have:
            b.stored_rows[name] = con.execute(f"select count(*) from {quote_ident(name)}").fetchall()[0][0]
    for name in TABLE_ORDER:
        in_store = name in have
        if name not in fresh and not (in_store and name in REFERENCED):
            continue
        spec = TABLES[name]
        stored_cols = _columns_of(con, name) if in_store else []
        if in_store:
            b.stored_files[name] = [
                r[0]
                for r in con.execute(f"select distinct _file from {quote_ident(name)} order by 1").fetchall()
            ]
        context = None
        frame = None
        if name in fresh:
            rt = fresh[name]
            frame = rt.frame
            b.comma[name] = rt.decimal_comma
            if in_store:
                # the table as stored has every contract column: as when validating the two
                # together, a column the new file lacks is empty, not missing
                for c in stored_cols:
                    if not c.startswith("_") and c != "wave_end" and c not in frame.columns:
                        frame[c] = pd.Series(index=frame.index, dtype="str")
            if b.stored_rows.get(name) and _usable(spec, frame):
                same, context = _match_stored(
                    con, name, frame, rt.decimal_comma, stored_cols, name not in REFERENCED
                )
                if same.any():
                    for f, k in frame.loc[same, FILE_COL].astype("str").value_counts().items():
                        if k:
                            b.already[f] = b.already.get(f, 0) + int(k)
                    frame = frame[~same].reset_index(drop=True)
            b.new[name] = frame
        if in_store and name in REFERENCED:
            context = _stored_rows(con, name)
        if frame is None:
            frame = context.iloc[0:0].copy()
        combined = _stack(context, frame)
        files = b.stored_files.get(name, []) + (fresh[name].files if name in fresh else [])
        b.tables[name] = RawTable(
            name, combined, files, fresh[name].decimal_comma if name in fresh else set()
        )
    return b


def _store_warnings(con, b: _Batch, problems: pd.DataFrame) -> pd.DataFrame:
    """Problems to record: none on stored rows; whole-table warnings over store and new rows."""
    from partner_analytics.data.validate import _stripped

    keep = ~problems["file"].astype("str").str.startswith(CONTEXT_PREFIX)
    rows = []
    is_warning = problems["severity"] == "warning"
    no_row = problems["row"].isna()
    for name, n in b.stored_rows.items():
        if n and name in b.new:
            keep &= ~(
                is_warning
                & no_row
                & (problems["table"] == name)
                & (problems["message"] == _NO_ROWS)
            )

    # waves with fewer than MIN_RATERS raters, over the stored and the new rows
    for name, who in _WHO.items():
        if not b.stored_rows.get(name) or name not in b.new:
            continue
        keep &= ~(
            is_warning
            & no_row
            & (problems["table"] == name)
            & (problems["column"] == "wave")
            & problems["message"].astype("str").str.startswith("wave ")
        )
        new = b.new[name]
        spec = TABLES[name]
        if not _usable(spec, new) or not len(new):
            continue
        wave = _typed_column(spec, "wave", new, b.comma[name])
        pairs = pd.DataFrame({"wave": wave, "who": _stripped(new[who])}).dropna(subset=["wave"])
        first_new = dict(
            pd.DataFrame({"wave": wave, "f": new[FILE_COL].astype("str")})
            .dropna(subset=["wave"])
            .drop_duplicates("wave")
            .itertuples(index=False)
        )
        pairs = pairs.drop_duplicates()
        if not len(pairs):
            continue
        con.register("_import_waves", pairs)
        try:
            counts = con.execute(
                f"select wave, count(distinct who) from (select s.wave, s.{quote_ident(who)} as who "
                f"from {quote_ident(name)} s "
                "where s.wave in (select wave from _import_waves) "
                "union all select wave, who from _import_waves) group by wave"
            ).fetchall()
            first_stored = dict(
                con.execute(
                    f"select wave, _file from (select wave, _file, row_number() over "
                    f"(partition by wave order by _import_id, _seq) as r from {quote_ident(name)} "
                    "where wave in (select wave from _import_waves)) where r = 1"
                ).fetchall()
            )
        finally:
            con.unregister("_import_waves")
        for w, k in sorted(counts):
            if k < MIN_RATERS:
                rows.append(
                    _problem(
                        "warning",
                        name,
                        first_stored.get(w, first_new.get(w)),
                        None,
                        "wave",
                        w,
                        f"wave {w} has {k} distinct {who.replace('_id', 's')}: fewer than "
                        f"{MIN_RATERS}, so its results will be shown as 'n < {MIN_RATERS}'",
                    )
                )

    # stakeholders never rated, when ratings are stored
    if b.stored_rows.get("stakeholder_ratings") and "stakeholders" in b.new:
        keep &= ~(
            is_warning
            & (problems["table"] == "stakeholders")
            & problems["message"].astype("str").str.endswith(_NEVER_RATED)
        )
        st = b.new["stakeholders"]
        ratings_ok = "stakeholder_ratings" not in b.new or _usable(
            TABLES["stakeholder_ratings"], b.new["stakeholder_ratings"]
        )
        if _usable(TABLES["stakeholders"], st) and len(st) and ratings_ok:
            rated = {
                r[0]
                for r in con.execute(
                    "select distinct stakeholder_id from stakeholder_ratings"
                ).fetchall()
            }
            if "stakeholder_ratings" in b.new:
                rated |= set(_stripped(b.new["stakeholder_ratings"]["stakeholder_id"]))
            ids = _stripped(st["stakeholder_id"])
            never = ~ids.isin(rated)
            for f, r, v in zip(
                st.loc[never, FILE_COL], st.loc[never, ROW_COL], ids[never], strict=True
            ):
                rows.append(
                    _problem(
                        "warning",
                        "stakeholders",
                        f,
                        int(r),
                        "stakeholder_id",
                        v,
                        f"stakeholder '{v}' {_NEVER_RATED}",
                    )
                )

    # several currencies and no exchange rates, over the stored and the new contributions
    if b.stored_rows.get("contributions") and "contributions" in b.new:
        keep &= ~(
            is_warning
            & (problems["table"] == "contributions")
            & problems["message"].astype("str").str.startswith(_CURRENCIES)
        )
        new = b.new["contributions"]
        rates = "exchange_rates" in b.stored_rows or (
            "exchange_rates" in b.new and _usable(TABLES["exchange_rates"], b.new["exchange_rates"])
        )
        if _usable(TABLES["contributions"], new) and not rates:
            cur = {
                str(r[0]).upper()
                for r in con.execute(
                    "select distinct currency from contributions where currency is not null"
                ).fetchall()
            }
            cur |= set(_stripped(new["currency"]).dropna().str.upper())
            if len(cur) > 1:
                rows.append(
                    _problem(
                        "warning",
                        "contributions",
                        b.tables["contributions"].files[0],
                        None,
                        "currency",
                        ", ".join(sorted(cur)),
                        "contributions are in several currencies and there is no exchange_rates "
                        "table: totals cannot be added up until one is given",
                    )
                )
    own = problems[keep]
    if rows:
        own = pd.concat([own, pd.DataFrame(rows, columns=PROBLEM_COLUMNS)], ignore_index=True)
    return _sorted_problems(own)


def _new_rows(p, name: str) -> pd.DataFrame:
    """The accepted rows of the import's new files in table ``name``."""
    t = p.tables[name]
    if name == "factors" and p.instrument != "package":
        return t.iloc[0:0]
    if ORIGIN in t.columns:
        return t[t[ORIGIN] == "new"].drop(columns=[ORIGIN]).reset_index(drop=True)
    return t


def import_package(package: str | Path, store: str | Path, *, today=None) -> ImportResult:
    """Validate ``package`` against the store's contents and append it in one transaction.

    Parameters
    ----------
    package
        A package folder or workbook.
    store
        The DuckDB store file (created if absent).
    today
        The day against which dates are checked for lying in the future (warnings only).

    Returns
    -------
    ImportResult
        This import's ledger rows, the problems recorded, the files skipped as imported before.

    Raises
    ------
    ValidationError
        When the package cannot be used at all (no partners, stored or new); the store is
        left unchanged.
    """
    from partner_analytics.data.partnership import _build, sha256_file
    from partner_analytics.errors import ValidationError

    package, store = Path(package), Path(store)
    new = read_package(package, set(TABLES))
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
        skipped = sorted({d for d in hashes if (d, hashes[d]) in done})
        new_files = [d for d in hashes if d not in skipped]
        fresh: dict[str, RawTable] = {}
        for name, rt in new.tables.items():
            files = [f for f in rt.files if _file_key(f) not in skipped]
            if not files:
                continue
            gone = [f for f in rt.files if _file_key(f) in skipped]
            frame = rt.frame
            if gone:
                frame = frame[~frame[FILE_COL].isin(gone)].reset_index(drop=True)
            fresh[name] = RawTable(name, frame, files, rt.decimal_comma)
        problems_in = [
            p for p in new.problems if _file_key(str(p.get("file") or "")) not in skipped
        ]
        source, kind, all_files = str(package), new.kind, new.files
        del new

        import_id = 1 + (
            con.execute(f"select coalesce(max(import_id), 0) from {LEDGER}").fetchall()[0][0]
            if LEDGER in have
            else 0
        )
        now = datetime.now(UTC).replace(tzinfo=None)
        if not fresh and not problems_in and not new_files:
            # nothing new: the store is left as it is (re-importing a package adds nothing)
            return ImportResult(
                store,
                import_id,
                pd.DataFrame(columns=LEDGER_COLUMNS),
                pd.DataFrame(columns=PROBLEM_COLUMNS),
                skipped,
            )

        batch = _prepare(con, fresh, have)
        fresh_names = set(fresh)
        fresh_files = {name: list(rt.files) for name, rt in fresh.items()}
        del fresh
        raw = RawPackage(source, kind, batch.tables, problems_in, all_files)
        try:
            p = _build(raw, drop_invalid=True, today=today, name=None)
        except ValidationError as exc:
            raise ValidationError(_store_warnings(con, batch, exc.problems), source) from None
        problems = _store_warnings(con, batch, p.problems)
        already = batch.already
        stored_rows = batch.stored_rows
        del raw, batch  # the text of the new rows is no longer needed
        rej = p.rejected
        rej_new = rej[rej["file"].astype("str").map(_file_key).isin(new_files)] if len(rej) else rej

        # accepted rows per file, as the ledger counts them
        accepted_by: dict[str, dict[str, int]] = {}
        for name in TABLE_ORDER:
            if name not in fresh_names:
                continue
            rows = _new_rows(p, name)
            vc = rows[FILE_COL].value_counts() if len(rows) else pd.Series(dtype="int64")
            counts: dict[str, int] = {}
            for f, k in vc.items():
                if k:
                    counts[_file_key(str(f))] = counts.get(_file_key(str(f)), 0) + int(k)
            if len(rows) or stored_rows.get(name):
                accepted_by[name] = counts

        _run(con, "begin transaction")
        try:
            _ensure_system_tables(con)
            for name in TABLE_ORDER:
                if name not in fresh_names:
                    continue
                if name == "factors" and p.instrument != "package":
                    continue
                _append(con, name, _new_rows(p, name), import_id)
            if len(rej_new):
                frame = rej_new.assign(import_id=import_id)[["import_id", *REJECTED_COLUMNS]]
                con.register("_rej", frame)
                _run(con, f"insert into {REJECTED} select * from _rej")
                con.unregister("_rej")
            if len(problems):
                frame = problems.assign(import_id=import_id)[["import_id", *PROBLEM_COLUMNS]]
                con.register("_prob", frame)
                _run(con, f"insert into {PROBLEMS} select * from _prob")
                con.unregister("_prob")
            ledger_rows = []
            for d in new_files:
                table = None
                accepted = rejected = 0
                for name in TABLE_ORDER:
                    if name not in accepted_by:
                        continue
                    mine = accepted_by[name].get(d, 0)
                    if mine or d in fresh_files[name]:
                        table = name
                        accepted += mine
                if len(rej_new):
                    m = rej_new["file"].astype("str").map(_file_key) == d
                    rejected = int(m.sum())
                    if table is None and m.any():
                        table = str(rej_new.loc[m, "table"].iloc[0])
                same = sum(v for f, v in already.items() if _file_key(f) == d)
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
    return ImportResult(store, import_id, ledger, problems, skipped)


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
    """Append validated rows to a table (created, or given new columns, as needed), in chunks."""
    import pyarrow as pa

    have = _tables_in(con)
    cols = list(frame.columns)
    if name not in have:
        defs = ", ".join(f"{quote_ident(c, name)} {_sql_type(frame[c])}" for c in cols)
        _run(con, f"create table {quote_ident(name)} ({defs}, _import_id BIGINT, _seq BIGINT)")
    else:
        existing = set(_columns_of(con, name))
        for c in cols:
            if c not in existing:
                _run(
                    con,
                    f"alter table {quote_ident(name)} add column {quote_ident(c, name)} "
                    f"{_sql_type(frame[c])}",
                )
    if not len(frame):
        return
    base = con.execute(f"select coalesce(max(_seq), 0) from {quote_ident(name)}").fetchall()[0][0]
    collist = ", ".join(quote_ident(c, name) for c in [*cols, "_import_id", "_seq"])
    for start in range(0, len(frame), CHUNK_ROWS):
        part = frame.iloc[start : start + CHUNK_ROWS]
        data = part.assign(
            _import_id=np.int64(import_id),
            _seq=np.arange(base + 1 + start, base + 1 + start + len(part), dtype="int64"),
        )
        data[FILE_COL] = data[FILE_COL].astype("str")  # a categorical would become an ENUM
        con.register("_new", pa.Table.from_pandas(data, preserve_index=False))
        try:
            _run(con, f"insert into {quote_ident(name)} ({collist}) select {collist} from _new")
        finally:
            con.unregister("_new")
        del data, part


def ledger_json(ledger: pd.DataFrame) -> str:
    return json.dumps(ledger.astype("str").to_dict("records"), indent=2)
