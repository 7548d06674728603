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
4. the warnings about a whole table (a wave with fewer than ``min_n`` raters, a stakeholder
   never rated, several currencies without exchange rates) are counted over the stored and
   the new rows (in SQL for the stored ones) and recorded for the waves and rows this import
   brings, with the words of :mod:`~partner_analytics.data.checks`;
5. the accepted rows are appended in chunks, so the memory an import needs is about that of
   validating its new rows.

A store is data, not code. It is opened with DuckDB's access to files, extensions and
settings switched off, and used only when it holds nothing but base tables of its own
schema (:data:`SCHEMA_VERSION`): a view, a macro, a sequence, a column with a default or an
unknown table makes it refused (:class:`~partner_analytics.errors.StoreError`). Its rows are
validated when it is loaded, as a package's are. Every identifier put into SQL is checked
(:func:`quote_ident`); every value is a parameter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from partner_analytics.data.checks import (
    RATER_COLUMNS,
    few_raters_problem,
    mixed_currencies_problem,
    never_rated_problem,
)
from partner_analytics.data.coerce import coerce_column, type_table
from partner_analytics.data.files import Limits
from partner_analytics.data.partnership import Partnership, build_partnership, sha256_file
from partner_analytics.data.problems import (
    PROBLEM_COLUMNS,
    REJECTED_COLUMNS,
    ProblemCollector,
    Rule,
    problem_frame,
    sort_problems,
)
from partner_analytics.data.readers import (
    FILE_COL,
    ROW_COL,
    RawPackage,
    RawTable,
    check_settings,
    read_files,
)
from partner_analytics.data.schemas import SOURCE_TABLES, TABLE_ORDER, TABLES, TableSpec
from partner_analytics.data.text import excerpt, frame_text, stripped
from partner_analytics.data.validate import DEFAULT_MIN_N, plain_column_name
from partner_analytics.errors import StoreBusyError, StoreError, ValidationError

__all__ = [
    "SAFE_CONFIG",
    "SCHEMA_VERSION",
    "ImportResult",
    "check_store",
    "import_package",
    "load_store",
    "open_store",
    "quote_ident",
    "read_ledger",
    "read_store_raw",
]

SCHEMA_VERSION = 1  # the store layout this code writes; a newer store is refused
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
# the store's own tables and the columns each must have
SYSTEM_TABLES = {
    LEDGER: tuple(LEDGER_COLUMNS),
    REJECTED: ("import_id", *REJECTED_COLUMNS),
    PROBLEMS: ("import_id", *[c for c in PROBLEM_COLUMNS if c != "rule"]),
    META: ("key", "value"),
}
STORE_COLUMNS = ("_import_id", "_seq")  # added to every table of the contract
# DuckDB settings of every connection: no files, network or extensions beyond the store
SAFE_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}
CHUNK_ROWS = 250_000  # rows appended per INSERT
MATCH_ROWS = 1_000_000  # new rows compared with the store per join
# _file of stored rows given to validation as context; their problems are not recorded again
CONTEXT_PREFIX = "\x00stored\x00"
# tables other tables refer to (foreign keys, currencies): given to validation whole
REFERENCED = frozenset(
    {"partners", "exchange_rates"}
    | {parent for spec in TABLES.values() for _, parent, _ in spec.foreign if parent in TABLES}
)
# tables an action's source_id may name: given to validation whole when actions come in
SOURCES = frozenset(t for t, _ in SOURCE_TABLES.values() if t in TABLES)
# names the store itself puts into SQL (besides the contract's columns)
_KNOWN_NAMES = frozenset(
    {*TABLES, *(c for spec in TABLES.values() for c in spec.names), FILE_COL, ROW_COL,
     "wave_end", *STORE_COLUMNS, "_pos", "_keep", ORIGIN}
)  # fmt: skip
# warnings validation makes over the rows it sees, which the store makes over all its rows
_WHOLE_TABLE = (Rule.FEW_RATERS, Rule.NEVER_RATED, Rule.MIXED_CURRENCIES, Rule.NO_ROWS)


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


# ---------------------------------------------------------------- SQL, safely


def quote_ident(name: str, table: str | None = None) -> str:
    """``name`` as a SQL identifier: a contract, store or checked extra column, ``"`` doubled.

    Every identifier the store puts into SQL goes through here. A name that is neither a
    column of the contract, one of the store's own, nor a plain name (letters, digits, ``_``;
    see :data:`~partner_analytics.data.validate.COLUMN_NAME`) raises :class:`StoreError`:
    validation reports and drops such columns before, so reaching here with one is a defect,
    never a way into SQL.
    """
    known = name in _KNOWN_NAMES or (table in TABLES and name in TABLES[table].names)
    if not (known or plain_column_name(name)):
        raise StoreError(f"refusing a column name that is not a plain name: '{excerpt(name)}'")
    return '"' + name.replace('"', '""') + '"'


def _run(con, sql: str, params=None) -> None:
    """Execute a statement and consume its result (DuckDB needs it before the next one)."""
    res = con.execute(sql, params) if params is not None else con.execute(sql)
    res.fetchall()


def _store_error(store: Path, exc: Exception) -> StoreError:
    # DuckDB raises one exception type for a held lock and a damaged file: its words tell
    text = str(exc)
    if "lock" in text.lower():
        return StoreBusyError(
            f"{store}: the store is busy: another import is writing to it (or another program "
            "has it open); try again when it has finished"
        )
    if isinstance(exc, duckdb.PermissionException):
        return StoreError(f"{store}: not a DuckDB store (a file of another program)")
    return StoreError(
        f"{store}: cannot be used as a store: it is damaged, truncated or not a DuckDB file "
        f"({excerpt(text.splitlines()[0] if text else type(exc).__name__, 120)})"
    )


def open_store(store: str | Path, *, write: bool = False):
    """A connection to a store, external access off, checked (:func:`check_store`).

    Raises :class:`StoreError` for a file that is not a usable store and
    :class:`StoreBusyError` while another process writes to it.
    """
    store = Path(store)
    if not write and not store.is_file():
        raise FileNotFoundError(f"no such store: {store}")
    if write and not store.parent.is_dir():
        raise FileNotFoundError(f"no such folder for the store: {store.parent}")
    try:
        con = duckdb.connect(str(store), read_only=not write, config=dict(SAFE_CONFIG))
    except duckdb.Error as exc:
        raise _store_error(store, exc) from None
    try:
        check_store(con, store)
    except duckdb.Error as exc:
        con.close()
        raise _store_error(store, exc) from None
    except BaseException:
        con.close()
        raise
    return con


def _objects(con, view: str, name_col: str, where: str = "") -> list[str]:
    sql = (
        f"select {name_col} from {view} where database_name = current_database() {where}"
    )
    return [str(r[0]) for r in con.execute(sql).fetchall()]


def check_store(con, store: Path) -> int:
    """The store's schema version, after checking it holds only what partner_analytics
    writes: base tables of known names and columns, no views, macros, sequences, types or
    column defaults. Raises :class:`StoreError` otherwise."""
    foreign = []
    foreign += [f"view '{excerpt(v)}'" for v in _objects(con, "duckdb_views()", "view_name", "and not internal")]
    foreign += [
        f"macro '{excerpt(m)}'"
        for m in _objects(con, "duckdb_functions()", "function_name", "and not internal")
    ]
    foreign += [f"sequence '{excerpt(s)}'" for s in _objects(con, "duckdb_sequences()", "sequence_name")]
    foreign += [f"type '{excerpt(t)}'" for t in _objects(con, "duckdb_types()", "type_name", "and not internal")]
    foreign += [
        f"schema '{excerpt(s)}'"
        for s in _objects(con, "duckdb_schemas()", "schema_name", "and not internal and schema_name <> 'main'")
    ]  # fmt: skip
    tables = dict(
        con.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    )
    for name, kind in tables.items():
        if kind != "BASE TABLE":
            foreign.append(f"{kind.lower()} '{excerpt(name)}'")
        elif name not in TABLES and name not in SYSTEM_TABLES:
            foreign.append(f"table '{excerpt(name)}'")
    columns: dict[str, list[str]] = {}
    for table, column, default in con.execute(
        "select table_name, column_name, column_default from duckdb_columns() "
        "where database_name = current_database() order by table_name, column_index"
    ).fetchall():
        columns.setdefault(table, []).append(column)
        if default is not None:
            foreign.append(f"a computed column '{excerpt(column)}' in table '{excerpt(table)}'")
    for name in tables:
        have = columns.get(name, [])
        if name in SYSTEM_TABLES:
            if not set(SYSTEM_TABLES[name]) <= set(have):
                foreign.append(f"table '{name}' without the columns of a store")
            continue
        if name in TABLES:
            internal = {FILE_COL, ROW_COL, *STORE_COLUMNS}
            odd = [c for c in have if not (c in internal or c == "wave_end" or c in TABLES[name].names
                                          or plain_column_name(c))]  # fmt: skip
            foreign += [f"column '{excerpt(c)}' in table '{name}'" for c in odd]
            if not internal <= set(have):
                foreign.append(f"table '{name}' without the columns of a store")
    if foreign:
        raise StoreError(
            f"{store}: refused: the store holds what partner_analytics never writes: "
            + "; ".join(foreign[:5]) + ("; ..." if len(foreign) > 5 else "")
        )
    if tables and META not in tables:
        raise StoreError(f"{store}: refused: not a store made by partner-analytics import (no {META} table)")
    version = 0
    if META in tables:
        found = con.execute(f"select value from {META} where key = 'schema_version'").fetchall()
        if found:
            try:
                version = int(found[0][0])
            except (TypeError, ValueError):
                raise StoreError(f"{store}: refused: its schema version is not a number") from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{store}: made by a newer partner_analytics (store schema {version}); this one reads "
            f"stores up to schema {SCHEMA_VERSION}: update partner_analytics"
        )
    return version


def _tables_in(con) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()
    }


def _columns_of(con, name: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = ? "
            "and table_catalog = current_database() order by ordinal_position",
            [name],
        ).fetchall()
    ]


# ---------------------------------------------------------------- reading a store


def _stored_text(con, name: str, join: str = "") -> pd.DataFrame:
    """Stored rows of a table as text cells (as if read from files), in store order."""
    frame = con.execute(
        f"select s.* exclude (_import_id, _seq) from {quote_ident(name)} s {join} "
        "order by s._import_id, s._seq"
    ).df()
    frame = frame.drop(columns=[c for c in ("wave_end",) if c in frame.columns])
    data = frame_text(frame.drop(columns=[FILE_COL, ROW_COL]))
    data[FILE_COL] = frame[FILE_COL].astype("str").astype("category")
    data[ROW_COL] = pd.to_numeric(frame[ROW_COL], errors="coerce").astype("Int64")
    return data


def _meta(con, have: set[str]) -> dict[str, str]:
    if META not in have:
        return {}
    return {str(k): v for k, v in con.execute(f"select key, value from {META}").fetchall()}


def read_store_raw(store: str | Path, known: set[str] | None = None, con=None) -> RawPackage:
    """The store's tables as text, as if read from files, with its settings (name, min_n)."""
    own = con is None
    con = open_store(store) if own else con
    try:
        have = _tables_in(con)
        raw = {}
        for name in TABLE_ORDER:
            if name in have and (known is None or name in known):
                data = _stored_text(con, name)
                raw[name] = RawTable(name, data, sorted(set(data[FILE_COL].astype("str"))))
        meta = _meta(con, have)
    finally:
        if own:
            con.close()
    wanted = {k: meta[k] for k in ("name", "min_n") if k in meta}
    settings, problems = check_settings(wanted, f"{Path(store).name} (the store's settings)")
    return RawPackage(str(store), "store", raw, problems, [Path(store)], settings)


def _history(con, have: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The rejected rows, the errors recorded at import (they explain them) and the ledger."""
    rejected = (
        con.execute(
            f"select {', '.join(quote_ident(c) for c in REJECTED_COLUMNS)} from {REJECTED} "
            "order by import_id"
        ).df()
        if REJECTED in have
        else pd.DataFrame(columns=REJECTED_COLUMNS)
    )
    rejected["row"] = pd.to_numeric(rejected["row"], errors="coerce").astype("Int64")
    errors = pd.DataFrame(columns=PROBLEM_COLUMNS)
    if PROBLEMS in have:
        cols = [c for c in PROBLEM_COLUMNS if c in _columns_of(con, PROBLEMS)]
        errors = con.execute(
            f"select {', '.join(quote_ident(c) for c in cols)} from {PROBLEMS} "
            "where severity = 'error' order by import_id"
        ).df()
    ledger = (
        con.execute(f"select * from {LEDGER} order by import_id").df() if LEDGER in have else None
    )
    return rejected, problem_frame(errors), ledger


def load_store(
    store: str | Path,
    drop_invalid: bool = False,
    *,
    today: date | None = None,
    min_n: int | None = None,
) -> Partnership:
    """A Partnership from a store, its rows validated as a package's are.

    ``problems`` holds the errors recorded when rows were rejected at import (``rejected``
    has those rows) and what validating the stored rows finds now (warnings, or errors in a
    store changed by hand: then :class:`ValidationError` unless ``drop_invalid``).
    """
    store = Path(store)
    con = open_store(store)
    try:
        raw = read_store_raw(store, con=con)
        rejected, errors, ledger = _history(con, _tables_in(con))
    finally:
        con.close()
    try:
        p = build_partnership(raw, drop_invalid=drop_invalid, today=today, name=None, min_n=min_n)
    except ValidationError as exc:
        raise ValidationError(_with(errors, exc.problems), str(store)) from None
    p.problems = _with(errors, p.problems)
    p.rejected = pd.concat([rejected, p.rejected], ignore_index=True) if len(p.rejected) else rejected
    p.ledger = ledger
    p.files = (store,)
    if not raw.settings.get("name"):
        p.name = store.stem
    return p


def _with(recorded: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    if not len(recorded):
        return found
    return sort_problems(problem_frame(pd.concat([recorded, found], ignore_index=True)))


def read_ledger(store: str | Path) -> pd.DataFrame:
    con = open_store(store)
    try:
        if LEDGER not in _tables_in(con):
            return pd.DataFrame(columns=LEDGER_COLUMNS)
        return con.execute(f"select * from {LEDGER} order by import_id, file").df()
    finally:
        con.close()


# ---------------------------------------------------------------- new rows against stored rows


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
    """The values validation will give the rows of ``frame`` (the same coerce, defaults
    filled, extra columns with plain names), and which rows parse cleanly."""
    out = ProblemCollector()
    extras = [c for c in _data_columns(frame) if c not in spec.names and plain_column_name(c)]
    typed = type_table(spec, frame, comma, out, extras)
    clean = ~frame.index.isin(list(out.bad.get(spec.name, {})))
    return typed, np.asarray(clean, dtype=bool)


def _typed_column(spec: TableSpec, column: str, frame: pd.DataFrame, comma: set[str]) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(index=frame.index, dtype=spec.col(column).dtype)
    return coerce_column(spec, spec.col(column), frame[column], frame, comma, ProblemCollector())


def _stored_context(con, name: str, join: str = "") -> pd.DataFrame:
    """Stored rows as text, their ``_file`` marked as context (not recorded again)."""
    data = _stored_text(con, name, join)
    data[FILE_COL] = (CONTEXT_PREFIX + data[FILE_COL].astype("str")).astype("category")
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
            ctx = _stored_context(
                con, name,
                "semi join _import_ids i on s._import_id = i._import_id and s._seq = i._seq",
            )  # fmt: skip
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


@dataclass
class _Batch:
    """What an import brings, per table, ready for validation against the store."""

    tables: dict[str, RawTable] = field(default_factory=dict)
    new: dict[str, pd.DataFrame] = field(default_factory=dict)  # new rows (text) per fresh table
    comma: dict[str, set[str]] = field(default_factory=dict)
    already: dict[str, int] = field(default_factory=dict)  # display file -> rows already stored
    stored_rows: dict[str, int] = field(default_factory=dict)
    stored_files: dict[str, list[str]] = field(default_factory=dict)


def _prepare(con, fresh: dict[str, RawTable], have: set[str]) -> _Batch:
    """The raw tables to validate: stored context rows (as text) ahead of the new rows.

    New rows equal to stored rows are set aside as already stored (counted per file).
    """
    b = _Batch()
    for name in TABLE_ORDER:
        if name in have:
            b.stored_rows[name] = con.execute(f"select count(*) from {quote_ident(name)}").fetchall()[0][0]
    whole = REFERENCED | (SOURCES if "actions" in fresh else frozenset())
    for name in TABLE_ORDER:
        in_store = name in have
        if name not in fresh and not (in_store and name in whole):
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
                    con, name, frame, rt.decimal_comma, stored_cols, name not in whole
                )
                if same.any():
                    for f, k in frame.loc[same, FILE_COL].astype("str").value_counts().items():
                        if k:
                            b.already[f] = b.already.get(f, 0) + int(k)
                    frame = frame[~same].reset_index(drop=True)
            b.new[name] = frame
        if in_store and name in whole:
            context = _stored_context(con, name)
        if frame is None:
            frame = context.iloc[0:0].copy()
        combined = _stack(context, frame)
        files = b.stored_files.get(name, []) + (fresh[name].files if name in fresh else [])
        b.tables[name] = RawTable(
            name, combined, files, fresh[name].decimal_comma if name in fresh else set()
        )
    return b


# ---------------------------------------------------------------- whole-table warnings over the store


def _few_raters(con, b: _Batch, min_n: int) -> list[dict]:
    """Waves with fewer than ``min_n`` raters, counted over the stored and the new rows."""
    rows = []
    for name, who in RATER_COLUMNS.items():
        if not b.stored_rows.get(name) or name not in b.new:
            continue
        new = b.new[name]
        spec = TABLES[name]
        if not _usable(spec, new) or not len(new):
            continue
        wave = _typed_column(spec, "wave", new, b.comma[name])
        pairs = pd.DataFrame({"wave": wave, "who": _typed_column(spec, who, new, b.comma[name])})
        pairs = pairs.dropna(subset=["wave"])
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
                f"from {quote_ident(name)} s where s.wave in (select wave from _import_waves) "
                "union all select wave, who from _import_waves) group by wave"
            ).fetchall()
            first_stored = dict(
                con.execute(
                    "select wave, _file from (select wave, _file, row_number() over "
                    f"(partition by wave order by _import_id, _seq) as r from {quote_ident(name)} "
                    "where wave in (select wave from _import_waves)) where r = 1"
                ).fetchall()
            )
        finally:
            con.unregister("_import_waves")
        for w, k in sorted(counts):
            if k < min_n:
                rows.append(few_raters_problem(name, w, int(k), min_n, first_stored.get(w, first_new.get(w))))
    return rows


def _never_rated(con, b: _Batch) -> list[dict]:
    """New stakeholders nobody rated, in the store or in this import."""
    st = b.new["stakeholders"]
    spec = TABLES["stakeholders"]
    ratings_ok = "stakeholder_ratings" not in b.new or _usable(
        TABLES["stakeholder_ratings"], b.new["stakeholder_ratings"]
    )
    if not (_usable(spec, st) and len(st) and ratings_ok):
        return []
    rated = {r[0] for r in con.execute("select distinct stakeholder_id from stakeholder_ratings").fetchall()}
    if "stakeholder_ratings" in b.new:
        ratings = b.new["stakeholder_ratings"]
        rated |= set(
            _typed_column(TABLES["stakeholder_ratings"], "stakeholder_id", ratings, set()).dropna()
        )
    ids = _typed_column(spec, "stakeholder_id", st, set())
    never = ids.notna() & ~ids.isin(rated)
    return [
        never_rated_problem(f, int(r), v)
        for f, r, v in zip(st.loc[never, FILE_COL], st.loc[never, ROW_COL], ids[never], strict=True)
    ]


def _mixed_currencies(con, b: _Batch) -> list[dict]:
    """Several currencies and no exchange rates, over the stored and the new contributions."""
    new = b.new["contributions"]
    rates = "exchange_rates" in b.stored_rows or (
        "exchange_rates" in b.new and _usable(TABLES["exchange_rates"], b.new["exchange_rates"])
    )
    if not _usable(TABLES["contributions"], new) or rates:
        return []
    cur = {
        str(r[0]).upper()
        for r in con.execute("select distinct currency from contributions where currency is not null").fetchall()
    }
    cur |= set(stripped(new["currency"]).dropna().str.upper())
    if len(cur) < 2:
        return []
    return [mixed_currencies_problem(cur, b.tables["contributions"].files[0])]


def _store_warnings(con, b: _Batch, problems: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Problems to record: none on stored rows; whole-table warnings over store and new rows.

    Validation saw only the new rows and the stored context; where the store holds rows of a
    table, its whole-table warnings are replaced by the same warnings counted over the store.
    """
    keep = ~problems["file"].astype("str").str.startswith(CONTEXT_PREFIX)
    whole = problems["rule"].isin([str(r) for r in _WHOLE_TABLE])
    recount = {name for name, n in b.stored_rows.items() if n and name in b.new}
    if b.stored_rows.get("stakeholder_ratings") and "stakeholders" in b.new:
        recount.add("stakeholders")
    keep &= ~(whole & problems["table"].isin(recount))
    rows = _few_raters(con, b, min_n)
    if "stakeholders" in recount:
        rows += _never_rated(con, b)
    if "contributions" in recount:
        rows += _mixed_currencies(con, b)
    own = problems[keep]
    if rows:
        own = pd.concat([own, problem_frame(rows)], ignore_index=True)
    return sort_problems(own)


def _new_rows(p: Partnership, name: str) -> pd.DataFrame:
    """The accepted rows of the import's new files in table ``name``."""
    t = p.tables[name]
    if name == "factors" and p.instrument != "package":
        return t.iloc[0:0]
    if ORIGIN in t.columns:
        return t[t[ORIGIN] == "new"].drop(columns=[ORIGIN]).reset_index(drop=True)
    return t


# ---------------------------------------------------------------- the import


def _file_hashes(package: Path, new: RawPackage) -> dict[str, str]:
    root = package if package.is_dir() else package.parent
    hashes = {}
    for f in new.files:
        try:
            rel = str(Path(f).relative_to(root))
        except ValueError:
            rel = Path(f).name
        hashes[rel] = sha256_file(f)
    return hashes


def _fresh(new: RawPackage, skipped: list[str]) -> tuple[dict[str, RawTable], list[dict]]:
    """The tables and problems of the files not imported before."""
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
    problems = [p for p in new.problems if _file_key(str(p.get("file") or "")) not in skipped]
    return fresh, problems


def _ledger_rows(new_files, hashes, accepted_by, fresh_files, rej_new, already, import_id, now):
    rows = []
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
        rows.append(
            {
                "import_id": import_id, "file": d, "sha256": hashes[d], "table": table,
                "rows_accepted": accepted, "rows_rejected": rejected,
                "rows_already_stored": same, "imported_at": now,
            }
        )  # fmt: skip
    ledger = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    for c in ("rows_accepted", "rows_rejected", "rows_already_stored"):
        ledger[c] = ledger[c].astype("int64")
    return ledger


def _accepted_by_file(p: Partnership, fresh_names, stored_rows) -> dict[str, dict[str, int]]:
    """Accepted rows per table and file, as the ledger counts them."""
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
    return accepted_by


def import_package(
    package: str | Path,
    store: str | Path,
    *,
    today: date | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Validate ``package`` against the store's contents and append it in one transaction.

    Parameters
    ----------
    package
        A package folder or workbook.
    store
        The DuckDB store file (created if absent).
    today
        The day against which dates are checked for lying in the future (warnings only).
    limits
        How much of each file is read (:class:`~partner_analytics.data.files.Limits`); by
        default :meth:`Limits.from_env`.

    Returns
    -------
    ImportResult
        This import's ledger rows, the problems recorded, the files skipped as imported before.

    Raises
    ------
    ValidationError
        When the package cannot be used at all (no partners, stored or new); the store is
        left unchanged.
    StoreError, StoreBusyError
        When the store cannot be used, or another import is writing to it.
    """
    package, store = Path(package), Path(store)
    new = read_files(package, set(TABLES), limits or Limits.from_env())
    hashes = _file_hashes(package, new)
    con = open_store(store, write=True)
    try:
        have = _tables_in(con)
        done = set()
        if LEDGER in have:
            done = {(f, h) for f, h in con.execute(f"select file, sha256 from {LEDGER}").fetchall()}
        # files of the package already imported with the same content are skipped
        skipped = sorted({d for d in hashes if (d, hashes[d]) in done})
        new_files = [d for d in hashes if d not in skipped]
        fresh, problems_in = _fresh(new, skipped)
        source, kind, all_files, settings = str(package), new.kind, new.files, new.settings
        del new
        meta = _meta(con, have)
        import_id = 1 + (
            con.execute(f"select coalesce(max(import_id), 0) from {LEDGER}").fetchall()[0][0]
            if LEDGER in have
            else 0
        )
        if not fresh and not problems_in and not new_files:
            # nothing new: the store is left as it is (re-importing a package adds nothing)
            empty = pd.DataFrame(columns=LEDGER_COLUMNS)
            return ImportResult(store, import_id, empty, problem_frame([]), skipped)
        stored_settings, _ = check_settings({k: meta[k] for k in ("min_n",) if k in meta}, META)
        min_n = settings.get("min_n", stored_settings.get("min_n", DEFAULT_MIN_N))
        batch = _prepare(con, fresh, have)
        raw = RawPackage(source, kind, batch.tables, problems_in, all_files, settings)
        try:
            p = build_partnership(raw, drop_invalid=True, today=today, name=None, min_n=min_n)
        except ValidationError as exc:
            raise ValidationError(_store_warnings(con, batch, exc.problems, min_n), source) from None
        problems = _store_warnings(con, batch, p.problems, min_n)
        rej = p.rejected
        rej_new = rej[rej["file"].astype("str").map(_file_key).isin(new_files)] if len(rej) else rej
        accepted_by = _accepted_by_file(p, set(fresh), batch.stored_rows)
        ledger = _ledger_rows(
            new_files, hashes, accepted_by, {n: list(rt.files) for n, rt in fresh.items()},
            rej_new, batch.already, import_id, datetime.now(UTC).replace(tzinfo=None),
        )  # fmt: skip
        name = settings.get("name") or meta.get("name") or p.name
        fresh_names = set(fresh)
        del raw, batch, fresh  # the text of the new rows is no longer needed
        _write(con, p, have, fresh_names, import_id, rej_new, problems, ledger, name, settings)
    finally:
        con.close()
    return ImportResult(store, import_id, ledger, problems, skipped)


def _insert_frame(con, table: str, frame: pd.DataFrame) -> None:
    con.register("_import_rows", frame)
    try:
        cols = ", ".join(quote_ident(c) for c in frame.columns)
        _run(con, f"insert into {table} ({cols}) select {cols} from _import_rows")
    finally:
        con.unregister("_import_rows")


def _write(con, p, have, fresh_names, import_id, rej_new, problems, ledger, name, settings) -> None:
    """Everything of one import in one transaction: rows, rejected rows, problems, ledger."""
    _run(con, "begin transaction")
    try:
        _ensure_system_tables(con)
        for table in TABLE_ORDER:
            if table not in fresh_names or (table == "factors" and p.instrument != "package"):
                continue
            _append(con, table, _new_rows(p, table), import_id)
        if len(rej_new):
            _insert_frame(con, REJECTED, rej_new.assign(import_id=import_id)[["import_id", *REJECTED_COLUMNS]])
        if len(problems):
            _insert_frame(con, PROBLEMS, problems.assign(import_id=import_id)[["import_id", *PROBLEM_COLUMNS]])
        if len(ledger):
            _insert_frame(con, LEDGER, ledger)
        meta = {"name": name, "schema_version": str(SCHEMA_VERSION)}
        if "min_n" in settings:
            meta["min_n"] = str(settings["min_n"])
        if "factors" not in have and p.instrument != "package":
            meta["instrument"] = p.instrument
        for key, value in meta.items():
            _run(con, f"insert or replace into {META} values (?, ?)", [key, value])
        _run(con, "commit")
    except BaseException:
        _run(con, "rollback")
        raise


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
        f"create table if not exists {PROBLEMS} (import_id BIGINT, severity VARCHAR, rule VARCHAR, "
        '"table" VARCHAR, file VARCHAR, row BIGINT, "column" VARCHAR, value VARCHAR, message VARCHAR)',
    )
    if "rule" not in _columns_of(con, PROBLEMS):  # a store from before rule codes
        _run(con, f"alter table {PROBLEMS} add column rule VARCHAR")
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
