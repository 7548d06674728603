"""Raw text tables -> validated, typed tables, a problems table and the rejected rows.

Steps per table, parents before children:
1. required columns present (case and whitespace in headers already normalised), extra
   columns with plain names kept (others reported and not read);
2. types coerced column by column (:mod:`~partner_analytics.data.coerce`), every cell that
   does not parse reported with its text;
3. the contract (:mod:`~partner_analytics.data.checks`): required cells, ranges, allowed
   values, unique keys; rules across fields;
4. references against the accepted rows of the parent tables;
5. warnings: waves with fewer than ``min_n`` raters, dates after the validation day,
   stakeholders never rated, status and dates that disagree.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from partner_analytics.data.checks import (
    cross_field_checks,
    currency_checks,
    foreign_key_checks,
    schema_checks,
    table_warnings,
)
from partner_analytics.data.coerce import type_table
from partner_analytics.data.periods import periods_end
from partner_analytics.data.problems import (
    PROBLEM_COLUMNS,
    REJECTED_COLUMNS,
    ProblemCollector,
    Rule,
)
from partner_analytics.data.readers import FILE_COL, ROW_COL, RawPackage
from partner_analytics.data.schemas import TABLE_ORDER, TABLES, TableSpec
from partner_analytics.data.text import excerpt

__all__ = [
    "COLUMN_NAME",
    "DEFAULT_MIN_N",
    "PROBLEM_COLUMNS",
    "REJECTED_COLUMNS",
    "WAVE_TABLES",
    "Validated",
    "empty_table",
    "plain_column_name",
    "validate_package",
]

DEFAULT_MIN_N = 3  # the fewest raters or respondents a result is shown for
WAVE_TABLES = ("stakeholder_ratings", "assessments", "relationships")  # get a wave_end column
# an extra column's name, after normalisation: letters, digits and _, not starting with _,
# at most 63 characters (a column of another name is reported and not read)
COLUMN_NAME = re.compile(r"[^\W_]\w{0,62}")
_HEADER_SHOWN = 20  # header names listed in a message about a missing column


@dataclass
class Validated:
    tables: dict[str, pd.DataFrame]
    problems: pd.DataFrame
    rejected: pd.DataFrame
    present: set[str] = field(default_factory=set)  # tables the package gave


def plain_column_name(name: object) -> bool:
    """Whether ``name`` is a plain column name (:data:`COLUMN_NAME`)."""
    return isinstance(name, str) and COLUMN_NAME.fullmatch(name) is not None


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    return _empty_table(spec.name, tuple((c.name, c.dtype) for c in spec.columns)).copy()


@functools.lru_cache(maxsize=64)
def _empty_table(name: str, columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=dtype) for c, dtype in columns})
    if name in WAVE_TABLES:
        frame["wave_end"] = pd.Series(dtype="datetime64[ns]")
    frame[FILE_COL] = pd.Series(dtype="str").astype("category")
    frame[ROW_COL] = pd.Series(dtype="Int64")
    return frame


def _header_list(names: list[str]) -> str:
    shown = ", ".join(excerpt(n) for n in names[:_HEADER_SHOWN])
    return shown + (f", ... ({len(names)} columns)" if len(names) > _HEADER_SHOWN else "")


def _columns(name: str, frame: pd.DataFrame, first_file, out: ProblemCollector):
    """The table's extra columns to keep, or None when the table cannot be typed (a required
    column missing, a name twice): then the reason."""
    spec = TABLES[name]
    # columns starting with "_" are the loader's own (_file, _row, _origin), never data
    data_cols = [c for c in frame.columns if not str(c).startswith("_")]
    dups = sorted({c for c in data_cols if data_cols.count(c) > 1})
    for d in dups:
        out.add("error", Rule.DUPLICATE_COLUMN, name, first_file,
                f"column '{excerpt(d)}' appears more than once", row=1, column=d, value=d)  # fmt: skip
    missing = [c for c in spec.required if c not in data_cols and c not in spec.one_of]
    if spec.one_of and not any(c in data_cols for c in spec.one_of):
        missing.append(" or ".join(spec.one_of))
    for m in missing:
        out.add("error", Rule.MISSING_COLUMN, name, first_file,
                f"required column '{m}' is missing; the header has: {_header_list(data_cols)}",
                row=1, column=m)  # fmt: skip
    if missing or dups:
        reason = "; ".join(f"required column '{m}' is missing" for m in missing)
        return None, reason or "duplicate column names"
    extras = []
    for c in data_cols:
        if c in spec.names:
            continue
        if plain_column_name(c):
            extras.append(c)
        else:
            out.add(
                "warning", Rule.BAD_COLUMN_NAME, name, first_file,
                f"column '{excerpt(c)}' was not read: a column name may hold only letters, "
                "digits and _ (not first), at most 63 characters",
                row=1, value=c,
            )  # fmt: skip
    return extras, None


def _row_errors(name: str, frame: pd.DataFrame, raw: RawPackage, out: ProblemCollector) -> None:
    """Errors a reader found on a row (a ragged row) make that row bad, as a cell error does."""
    found = [
        p for p in raw.problems
        if p["table"] == name and p["severity"] == "error" and p["row"] is not None
    ]  # fmt: skip
    if not found:
        return
    where = {(str(f), int(r)): i for i, f, r in zip(frame.index, frame[FILE_COL], frame[ROW_COL], strict=True)}
    for p in found:
        idx = where.get((str(p["file"]), int(p["row"])))
        if idx is not None:
            reasons = out.bad.setdefault(name, {}).setdefault(idx, [])
            if p["message"] not in reasons:
                reasons.append(p["message"])


def validate_package(
    raw: RawPackage,
    *,
    drop_invalid: bool,
    today: date | None = None,
    default_factors: pd.DataFrame | None = None,
    checklist: pd.DataFrame | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> Validated:
    """Validate every table of a raw package (see the module docstring for the steps)."""
    today = pd.Timestamp(today or date.today())
    out = ProblemCollector()
    out.extend(raw.problems)
    typed: dict[str, pd.DataFrame] = {}
    raw_frames: dict[str, pd.DataFrame] = {}
    unusable: dict[str, str] = {}

    for name in TABLE_ORDER:
        if name not in raw.tables:
            continue
        spec = TABLES[name]
        rt = raw.tables[name]
        frame = rt.frame.reset_index(drop=True)
        raw_frames[name] = frame
        first_file = rt.files[0] if rt.files else None
        extras, reason = _columns(name, frame, first_file, out)
        if extras is None:
            unusable[name] = reason
            continue
        if frame.empty:
            out.add("warning", Rule.NO_ROWS, name, first_file, "the table has a header but no rows")
        _row_errors(name, frame, raw, out)
        t = type_table(spec, frame, rt.decimal_comma, out, extras)
        t[FILE_COL] = frame[FILE_COL].astype("category")
        t[ROW_COL] = frame[ROW_COL].astype("Int64")
        for c in frame.columns:  # the loader's own columns (the store's _origin)
            if str(c).startswith("_") and c not in (FILE_COL, ROW_COL):
                t[c] = frame[c]
        if spec.open_columns and len(t):
            key = [c for c in t.columns if c != "value" and not str(c).startswith("_")]
            spec = TableSpec(spec.name, spec.columns, tuple(key), spec.foreign, spec.one_of)
        schema_checks(spec, t, frame, out)
        typed[name] = t

    cross_field_checks(typed, raw_frames, out)
    foreign_key_checks(
        typed, out, drop_invalid=drop_invalid, default_factors=default_factors,
        checklist=checklist, order=TABLE_ORDER,
    )  # fmt: skip
    table_warnings(typed, raw_frames, out, today=today, min_n=min_n)
    currency_checks(typed, {n: rt.files for n, rt in raw.tables.items()}, out)
    _required_table(raw, typed, unusable, out)

    tables, rejected = _final_tables(typed, raw_frames, unusable, out, drop_invalid)
    return Validated(tables, out.frame(), rejected, present=set(raw.tables) - set(unusable))


def _required_table(raw, typed, unusable, out) -> None:
    if "partners" not in raw.tables:
        out.add(
            "error", Rule.MISSING_TABLE, "partners", None,
            "the package has no partners table: it is required (partners.csv, partners.xlsx, "
            "a partners sheet or a partners/ folder)",
        )  # fmt: skip
    elif "partners" in typed and typed["partners"].empty and "partners" not in unusable:
        out.add("error", Rule.MISSING_TABLE, "partners", raw.tables["partners"].files[0],
                "the partners table has no rows: at least one partner is required")  # fmt: skip


def _final_tables(typed, raw_frames, unusable, out, drop_invalid):
    """The tables to keep (bad rows dropped with ``drop_invalid``) and the rejected rows."""
    rejected = []
    tables = {}
    for name in TABLE_ORDER:
        spec = TABLES[name]
        if name in unusable:
            frame = raw_frames[name]
            frame = frame.loc[:, ~frame.columns.duplicated()]
            rejected += [_rejected(name, rec, [unusable[name]]) for rec in frame.to_dict("records")]
            tables[name] = empty_table(spec)
            continue
        if name not in typed:
            tables[name] = empty_table(spec)
            continue
        t = typed[name]
        bad = out.bad.get(name, {})
        if bad and drop_invalid:
            frame = raw_frames[name]
            for idx in sorted(bad):
                rejected.append(_rejected(name, frame.loc[idx].to_dict(), bad[idx]))
            t = t.drop(index=list(bad))
        t = t.reset_index(drop=True)
        if name in WAVE_TABLES:
            t.insert(len(spec.columns), "wave_end", periods_end(t["wave"]))
        # extra columns after the contract's, then provenance
        order = [c for c in t.columns if not str(c).startswith("_")] + [FILE_COL, ROW_COL]
        order += [c for c in t.columns if str(c).startswith("_") and c not in order]
        tables[name] = t[order]
    rej = pd.DataFrame(rejected, columns=REJECTED_COLUMNS)
    rej["row"] = rej["row"].astype("Int64")
    return tables, rej


def _rejected(table: str, rec: dict, reasons: list[str]) -> dict:
    values = {
        k: (None if (v is None or (not isinstance(v, str) and pd.isna(v))) else str(v))
        for k, v in rec.items()
        if not str(k).startswith("_")
    }
    row = rec.get(ROW_COL)
    return {
        "table": table,
        "file": rec.get(FILE_COL),
        "row": None if row is None or pd.isna(row) else int(row),
        "reason": "; ".join(reasons),
        "values": json.dumps(values, ensure_ascii=False),
    }
