"""The checks on typed tables: the contract's rules, keys, references and warnings.

Each check reports to a :class:`~partner_analytics.data.problems.ProblemCollector` with its
rule code. The warnings about a whole table (few raters, stakeholders never rated, several
currencies) are built by one function each, so that the store, which counts over its stored
rows in SQL, says exactly what validation says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandera.errors import SchemaErrors

from partner_analytics.data.periods import periods_end
from partner_analytics.data.problems import ProblemCollector, Rule, problem
from partner_analytics.data.schemas import (
    SOURCE_KINDS,
    SOURCE_TABLES,
    TABLES,
    TableSpec,
    pandera_schema,
)
from partner_analytics.data.text import excerpt

__all__ = [
    "RATER_COLUMNS",
    "action_checks",
    "cross_field_checks",
    "currency_checks",
    "few_raters_problem",
    "foreign_key_checks",
    "mixed_currencies_problem",
    "never_rated_problem",
    "schema_checks",
    "table_warnings",
]

FILE_COL, ROW_COL = "_file", "_row"
# tables whose waves are counted: the column that tells raters or respondents apart
RATER_COLUMNS = {"stakeholder_ratings": "rater_id", "assessments": "respondent_id"}


# ---------------------------------------------------------------- the contract (pandera)


def _expectation(spec: TableSpec, column: str | None, check: str) -> str:
    if column and column in spec.names:
        c = spec.col(column)
        if c.kind == "enum":
            return "expected one of " + ", ".join(c.values)
        if c.lo is not None and c.hi is not None:
            return f"expected a value between {c.lo:g} and {c.hi:g}"
        if c.lo is not None:
            return f"expected a value of at least {c.lo:g}"
    return f"failed check {excerpt(check)}"


def _shown(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return excerpt(v)


def schema_checks(spec: TableSpec, typed: pd.DataFrame, raw: pd.DataFrame, out: ProblemCollector):
    """Required cells, ranges, allowed values and the unique key (pandera, every failure)."""
    present = [c for c in typed.columns if c in spec.names]
    try:
        pandera_schema(spec, present).validate(typed, lazy=True)
    except SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return
    key = [k for k in spec.key if k in present]
    duplicates = []
    for rec in failures.itertuples(index=False):
        idx = rec.index
        if idx is None or (isinstance(idx, float) and np.isnan(idx)):
            continue
        idx = int(idx)
        check = str(rec.check)
        if check in ("field_uniqueness", "multiple_fields_uniqueness") or "unique" in check:
            duplicates.append(idx)
            continue
        f, r = typed.at[idx, FILE_COL], int(typed.at[idx, ROW_COL])
        column = rec.column if isinstance(rec.column, str) and rec.column in spec.names else None
        if check == "not_nullable":
            if out.seen(spec.name, idx, column):
                continue  # the text did not parse; already reported with its value
            out.add("error", Rule.REQUIRED, spec.name, f,
                    f"a value is required in column {column}", row=r, column=column, index=idx)
            continue  # fmt: skip
        rawval = raw.at[idx, column] if column in raw.columns else rec.failure_case
        is_enum = column in spec.names and spec.col(column).kind == "enum"
        rule, what = (Rule.NOT_ALLOWED, "is not allowed") if is_enum else (Rule.OUT_OF_RANGE, "is out of range")
        out.add(
            "error", rule, spec.name, f,
            f"'{_shown(rawval)}' {what}: {_expectation(spec, column, check)}",
            row=r, column=column, value=rawval, index=idx,
        )  # fmt: skip
    if duplicates:
        _duplicate_keys(spec, typed, key, sorted(set(duplicates)), out)


def _duplicate_keys(spec, typed, key, rows, out):
    first = typed.groupby(key, dropna=False, observed=True, sort=False)[ROW_COL].transform("min")
    for idx in rows:
        given = [k for k in key if pd.notna(typed.at[idx, k])]
        label = ", ".join(f"{k} '{excerpt(typed.at[idx, k])}'" for k in given)
        out.add(
            "error", Rule.DUPLICATE_KEY, spec.name, typed.at[idx, FILE_COL],
            f"duplicate key {label}: already on row {int(first.at[idx])}; "
            "expected one row per " + ", ".join(key),
            row=int(typed.at[idx, ROW_COL]), column=", ".join(key),
            value=" / ".join(str(typed.at[idx, k]) for k in given), index=idx,
        )  # fmt: skip


# ---------------------------------------------------------------- rules across fields and tables


def cross_field_checks(typed: dict[str, pd.DataFrame], raw: dict[str, pd.DataFrame], out):
    """left >= joined; an assessment names a factor_code or an item_code; an action's dates,
    status and source agree (:func:`action_checks`)."""
    if "partners" in typed:
        t = typed["partners"]
        bad = t["left"].notna() & t["joined"].notna() & (t["left"] < t["joined"])
        out.cells(
            "error", Rule.INCONSISTENT, "partners", t, bad, "left", raw["partners"].get("left"),
            lambda v: f"'{excerpt(v)}' is before the joined date: expected left >= joined",
        )  # fmt: skip
    if "assessments" in typed:
        t = typed["assessments"]
        neither = t["factor_code"].isna() & t["item_code"].isna()
        out.cells(
            "error", Rule.REQUIRED, "assessments", t, neither, "factor_code", None,
            lambda v: "a factor_code or an item_code is required",
        )  # fmt: skip
    if "actions" in typed:
        action_checks(typed["actions"], raw["actions"], out)


def action_checks(t: pd.DataFrame, raw: pd.DataFrame, out: ProblemCollector) -> None:
    """The rules between an action's fields (docs/data-package.md, table actions).

    Errors: due_date or completed_date before raised (``inconsistent``); status done
    without a completed_date, a source_id without its source_kind (``required``).
    Warnings: a completed_date on an open or in-progress action (``inconsistent``: it counts
    as not done); a source_kind other than ``other`` without a source_id (``required``: the
    action cannot be linked to an alert). A completed_date on a dropped action is the day
    it was dropped.
    """
    name = "actions"
    status, done_on = t["status"], t["completed_date"]
    for column in ("due_date", "completed_date"):
        before = t[column].notna() & t["raised"].notna() & (t[column] < t["raised"])
        out.cells(
            "error", Rule.INCONSISTENT, name, t, before, column, raw.get(column),
            lambda v, c=column: f"'{excerpt(v)}' is before the raised date: expected {c} >= raised",
        )  # fmt: skip
    done = (status == "done").fillna(False).astype(bool) & done_on.isna()
    # a completed_date that did not parse has its own error; no second word about it
    done &= ~pd.Series([out.seen(name, i, "completed_date") for i in t.index], index=t.index, dtype=bool)
    out.cells(
        "error", Rule.REQUIRED, name, t, done, "completed_date", None,
        lambda v: "status is done: a completed_date is required (the day the action was done)",
    )  # fmt: skip
    still_open = status.isin(["open", "in_progress"]).fillna(False).astype(bool) & done_on.notna()
    out.cells(
        "warning", Rule.INCONSISTENT, name, t, still_open, "completed_date", raw.get("completed_date"),
        lambda v: f"'{excerpt(v)}' is given but the status is not done: the action counts as "
        "not done (set status done, or leave completed_date empty)",
    )  # fmt: skip
    kind, source = t["source_kind"], t["source_id"]
    out.cells(
        "error", Rule.REQUIRED, name, t, source.notna() & kind.isna(), "source_kind", None,
        lambda v: "a source_kind is required when a source_id is given: one of "
        + ", ".join(SOURCE_KINDS),
    )  # fmt: skip
    unlinked = kind.notna() & (kind != "other").fillna(False).astype(bool) & source.isna()
    out.cells(
        "warning", Rule.REQUIRED, name, t, unlinked, "source_id", None,
        lambda v: "source_kind is given but source_id is empty: the action cannot be linked "
        "to what it responds to",
    )  # fmt: skip


def _parent_keys(
    ptable: str,
    pcol: str,
    typed: dict[str, pd.DataFrame],
    out: ProblemCollector,
    *,
    drop_invalid: bool,
    default_factors: pd.DataFrame | None,
    checklist: pd.DataFrame | None,
) -> tuple[set, set, str]:
    """The keys a reference to ``ptable.pcol`` may name (with ``drop_invalid``: of accepted
    rows only), every key of the table, and how the table is named in a message."""
    if ptable == "readiness_checklist":
        keys = set(checklist["element_id"]) if checklist is not None else set()
        return keys, keys, "the readiness checklist"
    if ptable == "factors" and "factors" not in typed and default_factors is not None:
        keys = set(default_factors["factor_code"])
        return keys, keys, "the packaged mutuality factor set (the package has no factors table)"
    if ptable in typed:
        pt = typed[ptable]
        all_keys = set(pt[pcol].dropna())
        rejected = set(out.bad.get(ptable, {}))
        keys = set(pt.loc[~pt.index.isin(rejected), pcol].dropna()) if drop_invalid else all_keys
        return keys, all_keys, f"table {ptable}"
    return set(), set(), f"the package, which has no {ptable} table"


def _reference_problems(name, t, column, values, has, found, ptable, out) -> None:
    """Unknown keys and keys whose parent row was rejected, one error per row where ``has``
    holds; ``found`` is :func:`_parent_keys`' (keys, all keys, how the table is named)."""
    keys, all_keys, what = found
    bad = has & ~values.isin(keys)
    if not bad.any():
        return
    parent_rejected = bad & values.isin(all_keys)
    out.cells(
        "error", Rule.REJECTED_PARENT, name, t, parent_rejected, column, values,
        lambda v: f"refers to {column} '{excerpt(v)}', whose row in {ptable} "
        "was rejected: fix that row first",
    )  # fmt: skip
    out.cells(
        "error", Rule.UNKNOWN_KEY, name, t, bad & ~parent_rejected, column, values,
        lambda v: f"unknown {column} '{excerpt(v)}': not found in {what}",
    )  # fmt: skip


def foreign_key_checks(
    typed: dict[str, pd.DataFrame],
    out: ProblemCollector,
    *,
    drop_invalid: bool,
    default_factors: pd.DataFrame | None,
    checklist: pd.DataFrame | None,
    order: list[str],
) -> None:
    """Every reference names a row of its parent table (with ``drop_invalid``: an accepted
    row); parents are checked first, so a row whose parent was rejected is rejected too.
    An action's ``source_id`` names a row of the table of its ``source_kind``."""
    parents = {"drop_invalid": drop_invalid, "default_factors": default_factors, "checklist": checklist}
    for name in order:
        if name not in typed:
            continue
        spec = TABLES[name]
        t = typed[name]
        for column, ptable, pcol in spec.foreign:
            values = t[column]
            has = values.notna()
            if not has.any():
                continue
            found = _parent_keys(ptable, pcol, typed, out, **parents)
            _reference_problems(name, t, column, values, has, found, ptable, out)
        if name == "actions":
            _source_checks(t, typed, out, parents)


def _source_checks(t: pd.DataFrame, typed, out: ProblemCollector, parents: dict) -> None:
    """``actions.source_id`` against the table of its ``source_kind`` (SOURCE_TABLES)."""
    values = t["source_id"]
    for kind, (ptable, pcol) in SOURCE_TABLES.items():
        has = values.notna() & (t["source_kind"] == kind).fillna(False).astype(bool)
        if not has.any():
            continue
        keys, all_keys, what = _parent_keys(ptable, pcol, typed, out, **parents)
        found = (keys, all_keys, f"{what} (source_kind {kind})")
        _reference_problems("actions", t, "source_id", values, has, found, ptable, out)


def currency_checks(typed: dict[str, pd.DataFrame], files: dict[str, list[str]], out) -> None:
    """One currency, or an exchange rate for every currency."""
    if "contributions" not in typed:
        return
    t = typed["contributions"]
    if "exchange_rates" not in typed:
        cur = set(t["currency"].dropna().str.upper())
        if len(cur) > 1:
            out.extend([mixed_currencies_problem(cur, files["contributions"][0])])
        return
    rates = set(typed["exchange_rates"]["currency"].str.upper())
    bad = t["currency"].notna() & ~t["currency"].str.upper().isin(rates)
    out.cells(
        "error", Rule.UNKNOWN_CURRENCY, "contributions", t, bad, "currency", t["currency"],
        lambda v: f"no exchange rate for currency '{excerpt(v)}' in table exchange_rates",
    )  # fmt: skip


# ---------------------------------------------------------------- warnings


def few_raters_problem(table: str, wave: str, count: int, min_n: int, file: str | None) -> dict:
    """The warning for a wave with fewer distinct raters (respondents) than ``min_n``."""
    who = RATER_COLUMNS[table].replace("_id", "s")
    return problem(
        "warning", Rule.FEW_RATERS, table, file,
        f"wave {excerpt(wave)} has {count} distinct {who}: fewer than {min_n}, so its results "
        f"will be shown as 'n < {min_n}'",
        column="wave", value=wave,
    )  # fmt: skip


def never_rated_problem(file: str | None, row: int | None, stakeholder_id: str) -> dict:
    """The warning for a stakeholder nobody rated."""
    return problem(
        "warning", Rule.NEVER_RATED, "stakeholders", file,
        f"stakeholder '{excerpt(stakeholder_id)}' is never rated in stakeholder_ratings",
        row=row, column="stakeholder_id", value=stakeholder_id,
    )  # fmt: skip


def mixed_currencies_problem(currencies: set[str], file: str | None) -> dict:
    """The warning for contributions in several currencies and no exchange rates."""
    return problem(
        "warning", Rule.MIXED_CURRENCIES, "contributions", file,
        "contributions are in several currencies and there is no exchange_rates table: "
        "totals cannot be added up until one is given",
        column="currency", value=", ".join(sorted(currencies)),
    )  # fmt: skip


def table_warnings(
    typed: dict[str, pd.DataFrame],
    raw: dict[str, pd.DataFrame],
    out: ProblemCollector,
    *,
    today: pd.Timestamp,
    min_n: int,
) -> None:
    """Few raters per wave, dates in the future, stakeholders never rated, done without date."""
    for name, who in RATER_COLUMNS.items():
        if name not in typed or not len(typed[name]):
            continue
        t = typed[name]
        n = t.groupby("wave", observed=True)[who].nunique()
        first_file = t.drop_duplicates("wave").set_index("wave")[FILE_COL]
        for wave, k in n[n < min_n].items():
            out.extend([few_raters_problem(name, wave, int(k), min_n, first_file[wave])])
    for name, t in typed.items():
        for col in TABLES[name].columns:
            if not col.future_warning or col.name not in t.columns:
                continue
            values = t[col.name]
            ends = periods_end(values) if col.kind == "period" else values
            future = ends.notna() & (ends > today)
            out.cells(
                "warning", Rule.FUTURE_DATE, name, t, future, col.name, raw[name].get(col.name),
                lambda v: f"'{excerpt(v)}' lies in the future (after {today.date()})",
            )  # fmt: skip
    if "stakeholders" in typed and "stakeholder_ratings" in typed and len(typed["stakeholder_ratings"]):
        t = typed["stakeholders"]
        never = ~t["stakeholder_id"].isin(set(typed["stakeholder_ratings"]["stakeholder_id"]))
        never &= t["stakeholder_id"].notna()
        out.extend(
            [
                never_rated_problem(f, int(r), v)
                for f, r, v in zip(t.loc[never, FILE_COL], t.loc[never, ROW_COL],
                                   t.loc[never, "stakeholder_id"], strict=True)
            ]
        )  # fmt: skip
    if "commitments" in typed:
        t = typed["commitments"]
        done = (t["status"] == "done") & t["completed_date"].isna()
        # a completed_date that did not parse has its own error; no second word about it
        reported = [out.seen("commitments", i, "completed_date") for i in t.index[done]]
        done[t.index[done][reported]] = False
        out.cells(
            "warning", Rule.DONE_WITHOUT_DATE, "commitments", t, done, "completed_date", None,
            lambda v: "status is done but completed_date is empty: it counts as not completed",
        )  # fmt: skip
