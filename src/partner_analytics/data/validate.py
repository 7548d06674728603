"""Raw text frames -> validated, typed tables, a problems table and the rejected rows.

Steps per table, parents before children:
1. required columns present (case and whitespace in headers already normalised);
2. types coerced column by column, every cell that does not parse reported with its text;
3. the pandera schema of :mod:`partner_analytics.data.schemas`: required cells, ranges,
   allowed values, unique keys (``lazy=True``, so every failure is collected);
4. cross-field rules (left >= joined, one of factor_code / item_code);
5. foreign keys against the accepted rows of the parent tables;
6. warnings: waves with fewer than 3 raters, dates after the validation day, stakeholders
   never rated, status and dates that disagree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from partner_analytics.data.periods import normalize_period, periods_end
from partner_analytics.data.readers import FILE_COL, ROW_COL, RawPackage
from partner_analytics.data.schemas import TABLE_ORDER, TABLES, Col, TableSpec, pandera_schema

__all__ = [
    "PROBLEM_COLUMNS",
    "REJECTED_COLUMNS",
    "COLUMN_NAME",
    "validate_package",
    "empty_table",
    "plain_column_name",
    "Validated",
]

PROBLEM_COLUMNS = ["severity", "table", "file", "row", "column", "value", "message"]
REJECTED_COLUMNS = ["table", "file", "row", "reason", "values"]
MIN_RATERS = 3

# an extra column's name, after normalisation: letters, digits and _, not starting with _,
# at most 63 characters (a column of another name is reported and not read)
COLUMN_NAME = re.compile(r"[^\W_]\w{0,62}")

_DATE_RE = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
_TRUE = {"true", "yes", "y", "1", "x", "reverse", "reversed", "r"}
_FALSE = {"false", "no", "n", "0", ""}
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


@dataclass
class Validated:
    tables: dict[str, pd.DataFrame]
    problems: pd.DataFrame
    rejected: pd.DataFrame
    present: set[str] = field(default_factory=set)  # tables the package gave


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    frame = pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in spec.columns})
    if spec.name in ("stakeholder_ratings", "assessments", "relationships"):
        frame["wave_end"] = pd.Series(dtype="datetime64[ns]")
    frame[FILE_COL] = pd.Series(dtype="str").astype("category")
    frame[ROW_COL] = pd.Series(dtype="Int64")
    return frame


def plain_column_name(name: object) -> bool:
    """Whether ``name`` is a plain column name (:data:`COLUMN_NAME`)."""
    return isinstance(name, str) and COLUMN_NAME.fullmatch(name) is not None


class _Collector:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        # (table, index) -> reasons
        self.bad: dict[str, dict[int, list[str]]] = {}
        self.cells_seen: set[tuple[str, int, str | None]] = set()

    def add(self, severity, table, file, row, column, value, message, index=None):
        self.rows.append(
            {
                "severity": severity,
                "table": table,
                "file": file,
                "row": row,
                "column": column,
                "value": None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value),
                "message": message,
            }
        )
        if index is not None:
            self.cells_seen.add((table, index, column))
        if severity == "error" and index is not None:
            self.bad.setdefault(table, {}).setdefault(index, []).append(
                f"{column}: {message}" if column else message
            )

    def cells(self, severity, spec, frame, mask, column, raw, message_fn):
        """One problem per row where ``mask`` holds; value is the raw text of ``column``."""
        if not mask.any():
            return
        sub = frame.loc[mask, [FILE_COL, ROW_COL]]
        vals = raw.loc[mask] if raw is not None else pd.Series(None, index=sub.index)
        for idx, f, r, v in zip(sub.index, sub[FILE_COL], sub[ROW_COL], vals, strict=True):
            self.add(severity, spec.name, f, int(r), column, v, message_fn(v), index=idx)


def _stripped(s: pd.Series) -> pd.Series:
    s = s.astype("str").str.strip()
    empty = s == ""
    return s.mask(empty) if empty.any() else s


def _coerce(spec: TableSpec, col: Col, raw: pd.Series, frame, comma: set[str], out: _Collector):
    """Typed values of one column; cells that do not parse are reported and become NA."""
    text = _stripped(raw)
    given = text.notna()
    if col.kind in ("id", "text"):
        return text
    if col.kind == "enum":
        if set(col.values) <= {"H", "M", "L"}:
            return text.str.upper()
        return text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    if col.kind == "period":
        # through the distinct labels: a column of 10^7 periods has a few dozen of them
        codes, uniques = pd.factorize(text)
        canon = pd.array([normalize_period(u) for u in uniques], dtype="str")
        values = pd.Series(canon.take(codes, allow_fill=True), index=text.index)
        bad = given & values.isna()
        out.cells(
            "error", spec, frame, bad, col.name, raw,
            lambda v: f"'{v}' is not a period: expected YYYY-MM-DD, YYYY, YYYY-MM, YYYY-Qn or YYYY-Hn",
        )
        return values.astype("str")
    if col.kind == "date":
        ok = text.str.match(_DATE_RE).fillna(False).astype(bool)
        values = pd.to_datetime(text.where(ok).str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        bad = given & values.isna()
        out.cells(
            "error", spec, frame, bad, col.name, raw,
            lambda v: f"'{v}' is not a date: expected YYYY-MM-DD",
        )
        return values.astype("datetime64[ns]")
    if col.kind == "bool":
        low = text.str.lower()
        values = pd.Series(pd.NA, index=text.index, dtype="boolean")
        values[low.isin(_TRUE)] = True
        values[low.isin(_FALSE) | text.isna()] = False
        bad = given & ~low.isin(_TRUE | _FALSE)
        out.cells(
            "error", spec, frame, bad, col.name, raw,
            lambda v: f"'{v}' is not yes/no: expected true, false, yes, no, 1 or 0",
        )
        return values
    # number, integer, likert
    work = text
    if comma:
        in_comma_file = frame[FILE_COL].isin(comma)
        dec = in_comma_file & work.str.match(_DECIMAL_COMMA).fillna(False).astype(bool)
        work = work.mask(dec, work.str.replace(",", ".", regex=False))
    if col.labels:
        low = work.str.lower().str.replace(r"\s+", " ", regex=True)
        labelled = low.map(col.labels)
        work = work.mask(labelled.notna(), labelled.astype("str"))
    values = pd.to_numeric(work, errors="coerce").astype("float64")
    values = values.where(np.isfinite(values))
    bad = given & values.isna()
    if col.kind == "likert" and col.labels:
        first = {}
        for word, number in col.labels.items():
            first.setdefault(number, word)  # the first spelling of each value is the canonical one
        expect = (
            f"expected a number {col.lo:g}..{col.hi:g} or one of the labels "
            + ", ".join(f"'{first[k].capitalize()}'" for k in sorted(first))
        )
        msg = lambda v: f"'{v}' is not a number nor a known label: {expect}"  # noqa: E731
    elif col.kind == "integer":
        msg = lambda v: f"'{v}' is not a whole number"  # noqa: E731
    else:
        msg = lambda v: f"'{v}' is not a number"  # noqa: E731
    out.cells("error", spec, frame, bad, col.name, raw, msg)
    if col.kind == "integer":
        frac = values.notna() & (values != values.round())
        out.cells(
            "error", spec, frame, frac, col.name, raw,
            lambda v: f"'{v}' is not a whole number",
        )
        values = values.mask(frac)
        return values.round().astype("Int64")
    return values


_CHECK_MESSAGES = {
    "not_nullable": "a value is required",
    "field_uniqueness": "duplicate",
    "multiple_fields_uniqueness": "duplicate",
}


def _expectation(spec: TableSpec, column: str, check: str) -> str:
    if column and column in spec.names:
        c = spec.col(column)
        if c.kind == "enum":
            return "expected one of " + ", ".join(c.values)
        if c.lo is not None and c.hi is not None:
            return f"expected a value between {c.lo:g} and {c.hi:g}"
        if c.lo is not None:
            return f"expected a value of at least {c.lo:g}"
    return f"failed check {check}"


def _run_pandera(spec: TableSpec, typed: pd.DataFrame, raw: pd.DataFrame, out: _Collector):
    present = [c for c in typed.columns if c in spec.names]
    schema = pandera_schema(spec, present)
    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        key = [k for k in spec.key if k in present]
        for rec in fc.itertuples(index=False):
            idx = rec.index
            if idx is None or (isinstance(idx, float) and np.isnan(idx)):
                continue
            idx = int(idx)
            f, r = typed.at[idx, FILE_COL], int(typed.at[idx, ROW_COL])
            column = rec.column if isinstance(rec.column, str) and rec.column in spec.names else None
            if rec.check in ("field_uniqueness", "multiple_fields_uniqueness") or (
                isinstance(rec.check, str) and "unique" in rec.check
            ):
                same = pd.Series(True, index=typed.index)
                for k in key:
                    v = typed.at[idx, k]
                    col = typed[k]
                    same &= col.isna() if pd.isna(v) else (col == v).fillna(False).astype(bool)
                first = typed.loc[same, ROW_COL].min()
                label = ", ".join(f"{k} '{typed.at[idx, k]}'" for k in key if pd.notna(typed.at[idx, k]))
                out.add(
                    "error", spec.name, f, r, ", ".join(key),
                    " / ".join(str(typed.at[idx, k]) for k in key if pd.notna(typed.at[idx, k])),
                    f"duplicate key {label}: already on row {int(first)}; "
                    "expected one row per " + ", ".join(key),
                    index=idx,
                )
                continue
            if rec.check == "not_nullable":
                if (spec.name, idx, column) in out.cells_seen:
                    continue  # the text did not parse; already reported with its value
                out.add(
                    "error", spec.name, f, r, column, None,
                    f"a value is required in column {column}", index=idx,
                )
                continue
            rawval = raw.at[idx, column] if column in raw.columns else rec.failure_case
            is_enum = column in spec.names and spec.col(column).kind == "enum"
            what = "is not allowed" if is_enum else "is out of range"
            out.add(
                "error", spec.name, f, r, column, rawval,
                f"'{_show(rawval)}' {what}: {_expectation(spec, column, str(rec.check))}",
                index=idx,
            )
        # de-duplicate: pandera may report the same uniqueness failure once per key column
        seen = set()
        kept = []
        for p in out.rows:
            k = tuple(p.items())
            if k in seen:
                continue
            seen.add(k)
            kept.append(p)
        out.rows[:] = kept


def _excerpt(v: object, limit: int = 40) -> str:
    text = str(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _tidy_bad(out: _Collector) -> None:
    for table, d in out.bad.items():
        for idx, reasons in d.items():
            d[idx] = list(dict.fromkeys(reasons))


def validate_package(
    raw: RawPackage,
    *,
    drop_invalid: bool,
    today: date | None = None,
    default_factors: pd.DataFrame | None = None,
    checklist: pd.DataFrame | None = None,
) -> Validated:
    """Validate every table of a raw package (see module docstring for the steps)."""
    today = pd.Timestamp(today or date.today())
    out = _Collector()
    for p in raw.problems:
        out.add(p["severity"], p["table"], p["file"], p["row"], p["column"], p["value"], p["message"])
    typed: dict[str, pd.DataFrame] = {}
    raw_frames: dict[str, pd.DataFrame] = {}
    unusable: dict[str, str] = {}

    for name in TABLE_ORDER:
        spec = TABLES[name]
        if name not in raw.tables:
            continue
        rt = raw.tables[name]
        frame = rt.frame.reset_index(drop=True)
        raw_frames[name] = frame
        # columns starting with "_" are provenance (_file, _row, _origin), never data
        data_cols = [c for c in frame.columns if not str(c).startswith("_")]
        carried = [c for c in frame.columns if str(c).startswith("_") and c not in (FILE_COL, ROW_COL)]
        first_file = rt.files[0] if rt.files else None
        dups = sorted({c for c in data_cols if data_cols.count(c) > 1})
        for d in dups:
            out.add("error", name, first_file, 1, d, d, f"column '{d}' appears more than once")
        missing = [c for c in spec.required if c not in data_cols and c not in spec.one_of]
        if spec.one_of and not any(c in data_cols for c in spec.one_of):
            missing.append(" or ".join(spec.one_of))
        for m in missing:
            out.add(
                "error", name, first_file, 1, m, None,
                f"required column '{m}' is missing; the header has: " + ", ".join(data_cols),
            )
        if missing or dups:
            unusable[name] = "; ".join(f"required column '{m}' is missing" for m in missing) or (
                "duplicate column names"
            )
            continue
        if frame.empty:
            out.add(
                "warning", name, first_file, None, None, None,
                "the table has a header but no rows",
            )
        result = {}
        for col in spec.columns:
            if col.name in frame.columns:
                result[col.name] = _coerce(spec, col, frame[col.name], frame, rt.decimal_comma, out)
            else:
                result[col.name] = pd.Series(index=frame.index, dtype=col.dtype)
            if col.default is not None:
                result[col.name] = result[col.name].fillna(col.default)
        extras = [c for c in data_cols if c not in spec.names]
        for c in [c for c in extras if not plain_column_name(c)]:
            out.add(
                "warning", name, first_file, 1, None, _excerpt(c),
                f"column '{_excerpt(c)}' was not read: a column name may hold only letters, "
                "digits and _ (not first), at most 63 characters",
            )
            extras.remove(c)
        for c in extras:
            result[c] = _stripped(frame[c])
        t = pd.DataFrame(result, index=frame.index)
        t[FILE_COL] = frame[FILE_COL].astype("category")
        t[ROW_COL] = frame[ROW_COL].astype("Int64")
        for c in carried:
            t[c] = frame[c]
        if spec.open_columns and len(t):
            key = [c for c in t.columns if c != "value" and not str(c).startswith("_")]
            spec = TableSpec(spec.name, spec.columns, tuple(key), spec.foreign, spec.one_of)
        _run_pandera(spec, t, frame, out)
        typed[name] = t

    # cross-field rules
    if "partners" in typed:
        t = typed["partners"]
        bad = t["left"].notna() & t["joined"].notna() & (t["left"] < t["joined"])
        out.cells(
            "error", TABLES["partners"], t, bad, "left", raw_frames["partners"].get("left"),
            lambda v: f"'{v}' is before the joined date: expected left >= joined",
        )
    if "assessments" in typed:
        t = typed["assessments"]
        neither = t["factor_code"].isna() & t["item_code"].isna()
        out.cells(
            "error", TABLES["assessments"], t, neither, "factor_code", None,
            lambda v: "a factor_code or an item_code is required",
        )

    # foreign keys, parents first; with drop_invalid, against the accepted parent rows
    _tidy_bad(out)
    parents: dict[str, pd.DataFrame] = {}
    for name in TABLE_ORDER:
        if name not in typed:
            continue
        spec = TABLES[name]
        t = typed[name]
        for column, ptable, pcol in spec.foreign:
            values = t[column]
            has = values.notna()
            if not has.any():
                continue
            if ptable == "readiness_checklist":
                keys = set(checklist["element_id"]) if checklist is not None else set()
                all_keys, what = keys, "the readiness checklist"
            elif ptable == "factors" and "factors" not in typed and default_factors is not None:
                keys = set(default_factors["factor_code"])
                all_keys, what = keys, "the packaged mutuality factor set (the package has no factors table)"
            elif ptable in typed:
                pt = typed[ptable]
                all_keys = set(pt[pcol].dropna())
                rejected_idx = set(out.bad.get(ptable, {}))
                keys = set(pt.loc[~pt.index.isin(rejected_idx), pcol].dropna()) if drop_invalid else all_keys
                what = f"table {ptable}"
            else:
                keys, all_keys, what = set(), set(), f"the package, which has no {ptable} table"
            isin = values.isin(keys)
            bad = has & ~isin
            if not bad.any():
                continue
            was_rejected = values.isin(all_keys)

            def msg(v, _c=column, _w=what, _p=ptable):
                if v in all_keys and v not in keys:
                    return f"refers to {_c} '{v}', whose row in {_p} was rejected: fix that row first"
                return f"unknown {_c} '{v}': not found in {_w}"

            out.cells("error", spec, t, bad, column, values, msg)
            del was_rejected
        parents[name] = t
    _tidy_bad(out)

    # warnings
    for name in ("stakeholder_ratings", "assessments"):
        if name in typed and len(typed[name]):
            t = typed[name]
            who = "rater_id" if name == "stakeholder_ratings" else "respondent_id"
            n = t.groupby("wave", observed=True)[who].nunique()
            for wave, k in n[n < MIN_RATERS].items():
                file = t.loc[t["wave"] == wave, FILE_COL].iloc[0]
                out.add(
                    "warning", name, file, None, "wave", wave,
                    f"wave {wave} has {k} distinct {who.replace('_id', 's')}: fewer than "
                    f"{MIN_RATERS}, so its results will be shown as 'n < {MIN_RATERS}'",
                )
    for name, t in typed.items():
        spec = TABLES[name]
        for col in spec.columns:
            if not col.future_warning or col.name not in t.columns:
                continue
            values = t[col.name]
            ends = periods_end(values) if col.kind == "period" else values
            future = ends.notna() & (ends > today)
            out.cells(
                "warning", spec, t, future, col.name, raw_frames[name].get(col.name),
                lambda v: f"'{v}' lies in the future (after {today.date()})",
            )
    if "stakeholders" in typed and "stakeholder_ratings" in typed and len(typed["stakeholder_ratings"]):
        t = typed["stakeholders"]
        never = ~t["stakeholder_id"].isin(set(typed["stakeholder_ratings"]["stakeholder_id"]))
        out.cells(
            "warning", TABLES["stakeholders"], t, never, "stakeholder_id", t["stakeholder_id"],
            lambda v: f"stakeholder '{v}' is never rated in stakeholder_ratings",
        )
    if "commitments" in typed:
        t = typed["commitments"]
        done_no_date = (t["status"] == "done") & t["completed_date"].isna()
        out.cells(
            "warning", TABLES["commitments"], t, done_no_date, "completed_date", None,
            lambda v: "status is done but completed_date is empty: it counts as not completed",
        )
    if "contributions" in typed and "exchange_rates" not in typed:
        cur = typed["contributions"]["currency"].dropna().str.upper().unique()
        if len(cur) > 1:
            out.add(
                "warning", "contributions", raw.tables["contributions"].files[0], None,
                "currency", ", ".join(sorted(cur)),
                "contributions are in several currencies and there is no exchange_rates table: "
                "totals cannot be added up until one is given",
            )
    if "contributions" in typed and "exchange_rates" in typed:
        t = typed["contributions"]
        rates = set(typed["exchange_rates"]["currency"].str.upper())
        bad = t["currency"].notna() & ~t["currency"].str.upper().isin(rates)
        out.cells(
            "error", TABLES["contributions"], t, bad, "currency", t["currency"],
            lambda v: f"no exchange rate for currency '{v}' in table exchange_rates",
        )

    # required table
    if "partners" not in raw.tables:
        out.add(
            "error", "partners", None, None, None, None,
            "the package has no partners table: it is required (partners.csv, partners.xlsx, "
            "a partners sheet or a partners/ folder)",
        )
    elif "partners" in typed and typed["partners"].empty and "partners" not in unusable:
        out.add("error", "partners", raw.tables["partners"].files[0], None, None, None,
                "the partners table has no rows: at least one partner is required")

    _tidy_bad(out)
    problems = pd.DataFrame(out.rows, columns=PROBLEM_COLUMNS)
    problems["row"] = problems["row"].astype("Int64")
    problems = problems.astype(
        {c: "str" for c in ("severity", "table", "file", "column", "value", "message")}
    )
    sev_order = problems["severity"].map({"error": 0, "warning": 1}).fillna(2)
    problems = (
        problems.assign(_s=sev_order, _t=problems["table"].map({n: i for i, n in enumerate(TABLE_ORDER)}))
        .sort_values(["_s", "_t", "file", "row"], kind="stable", na_position="first")
        .drop(columns=["_s", "_t"])
        .reset_index(drop=True)
    )

    # rejected rows and final tables
    rejected = []
    tables = {}
    for name in TABLE_ORDER:
        spec = TABLES[name]
        if name in unusable:
            frame = raw_frames[name]
            frame = frame.loc[:, ~frame.columns.duplicated()]
            for rec in frame.to_dict("records"):
                rejected.append(_rejected(name, rec, [unusable[name]]))
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
        if name in ("stakeholder_ratings", "assessments", "relationships"):
            t.insert(len(spec.columns), "wave_end", periods_end(t["wave"]))
        # extra columns after the contract's, then provenance
        order = [c for c in t.columns if not str(c).startswith("_")] + [FILE_COL, ROW_COL]
        order += [c for c in t.columns if str(c).startswith("_") and c not in order]
        tables[name] = t[order]
    rej = pd.DataFrame(rejected, columns=REJECTED_COLUMNS)
    rej["row"] = rej["row"].astype("Int64")
    return Validated(tables, problems, rej, present=set(raw.tables) - set(unusable))


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
