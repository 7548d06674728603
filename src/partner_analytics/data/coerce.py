"""Text cells -> typed columns: the one coerce. A cell that does not parse is reported
(with the user's own text and what was expected) and becomes missing.

Rules (docs/data-package.md says them for users):

- ids are trimmed and composed to Unicode NFC (a change is a warning); a control or
  invisible character in an id is an error;
- dates are ``YYYY-MM-DD`` between 1678-01-01 and 2261-12-31 (the days pandas can hold),
  periods ``YYYY``, ``YYYY-MM``, ``YYYY-Qn``, ``YYYY-Hn`` or a date in that range;
- numbers in a file that writes decimals with a comma (a semicolon file) read ``,`` as the
  decimal separator and ``.`` as the thousands separator (``1.500`` = 1500,
  ``1.500.000,50``); where a column of such a file also writes decimals with a point
  (``2.75``), ``1.500`` and ``1,500`` could be read both ways and are errors;
- whole-number columns hold numbers up to 2^53 (beyond, a float cannot hold them exactly);
- ``n/a``, ``NA``, ``-`` in a number or date cell: the message says to leave it empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partner_analytics.data.periods import normalize_period, period_end
from partner_analytics.data.problems import ProblemCollector, Rule
from partner_analytics.data.schemas import Col, TableSpec
from partner_analytics.data.text import excerpt, has_control_characters, is_ascii, stripped

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "INTEGER_MAX",
    "coerce_column",
    "type_table",
]

DATE_MIN = pd.Timestamp("1678-01-01")
DATE_MAX = pd.Timestamp("2261-12-31")
INTEGER_MAX = 2**53
FILE_COL, ROW_COL = "_file", "_row"

_DATE_RE = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
_TRUE = {"true", "yes", "y", "1", "x", "reverse", "reversed", "r"}
_FALSE = {"false", "no", "n", "0", ""}
_YES_NO = {"yes", "no", "y", "n", "true", "false", "x", "ja", "nei", "oui", "non"}
_NO_VALUE = {"n/a", "na", "n.a.", "-", "--", "—", "–", "none", "null", "nan", "?", "#n/a"}
_HINT_EMPTY = "leave the cell empty when there is no value"
# numbers in a file with decimal commas
_GROUPED = r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"  # 1.500  1.500.000,50
_DEC_COMMA = r"^[+-]?\d*,\d+$"  # 1,5  ,5  1,500
_ONE_GROUP = r"^[+-]?\d{1,3}[.,]\d{3}$"  # 1.500 or 1,500: a group or a decimal?
_DOT_DECIMAL = r"^[+-]?\d*\.\d+$"  # 2.75 (also 1.500)
_RANGE = f"{DATE_MIN.date()} and {DATE_MAX.date()}"


def _flag(s: pd.Series, pattern: str) -> pd.Series:
    return s.str.match(pattern).fillna(False).astype(bool)


def _no_value_hint(v: object) -> str:
    return f"; {_HINT_EMPTY}" if str(v).strip().lower() in _NO_VALUE else ""


def coerce_column(
    spec: TableSpec,
    col: Col,
    raw: pd.Series,
    frame: pd.DataFrame,
    comma: set[str],
    out: ProblemCollector,
) -> pd.Series:
    """Typed values of one column; cells that do not parse are reported and become missing.

    ``frame`` gives each cell's ``_file`` and ``_row``; ``comma`` names the files that write
    decimals with a comma.
    """
    text = stripped(raw)
    if col.kind == "id":
        return _ids(spec, col, text, frame, raw, out)
    if col.kind == "text":
        return text
    if col.kind == "enum":
        if set(col.values) <= {"H", "M", "L"}:
            return text.str.upper()
        return text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    if col.kind == "period":
        return _periods(spec, col, text, frame, raw, out)
    if col.kind == "date":
        return _dates(spec, col, text, frame, raw, out)
    if col.kind == "bool":
        return _bools(spec, col, text, frame, raw, out)
    return _numbers(spec, col, text, frame, raw, comma, out)


def type_table(
    spec: TableSpec,
    frame: pd.DataFrame,
    comma: set[str],
    out: ProblemCollector,
    extras: list[str] | None = None,
) -> pd.DataFrame:
    """Every contract column of ``frame`` typed (absent ones empty, defaults filled), then the
    ``extras`` columns as trimmed text. Problems go to ``out``."""
    result = {}
    for col in spec.columns:
        if col.name in frame.columns:
            s = coerce_column(spec, col, frame[col.name], frame, comma, out)
        else:
            s = pd.Series(index=frame.index, dtype=col.dtype)
        if col.default is not None:
            s = s.fillna(col.default)
        result[col.name] = s
    for c in extras or []:
        result[c] = stripped(frame[c])
    return pd.DataFrame(result, index=frame.index)


def _ids(spec, col, text, frame, raw, out):
    control = has_control_characters(text)
    out.cells(
        "error", Rule.CONTROL_CHARACTER, spec.name, frame, control, col.name, raw,
        lambda v: f"'{excerpt(v)}' holds a control or invisible character: an id may not",
    )  # fmt: skip
    if is_ascii(text):
        return text
    composed = text.str.normalize("NFC")
    changed = text.notna() & (composed != text).fillna(False).astype(bool) & ~control
    out.cells(
        "warning", Rule.UNICODE_FORM, spec.name, frame, changed, col.name, raw,
        lambda v: f"'{excerpt(v)}' is written in decomposed Unicode: read as its composed "
        "form (NFC), so that it matches the same id typed elsewhere",
    )  # fmt: skip
    return composed


def _periods(spec, col, text, frame, raw, out):
    # through the distinct labels: a column of 10^7 periods has a few dozen of them
    codes, uniques = pd.factorize(text)
    canon, outside = [], []
    for u in uniques:
        label = normalize_period(u)
        if label is not None:
            try:
                end = period_end(label)
            except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
                end = None
            if end is None or not (DATE_MIN <= end <= DATE_MAX):
                outside.append(u)
                label = None
        canon.append(label)
    values = pd.Series(pd.array(canon, dtype="str").take(codes, allow_fill=True), index=text.index)
    given = text.notna()
    far = text.isin(outside) if outside else pd.Series(False, index=text.index)
    out.cells(
        "error", Rule.OUT_OF_RANGE, spec.name, frame, far, col.name, raw,
        lambda v: f"'{excerpt(v)}' is outside the periods that can be used: expected one "
        f"ending between {_RANGE}",
    )  # fmt: skip
    bad = given & values.isna() & ~far
    out.cells(
        "error", Rule.BAD_TYPE, spec.name, frame, bad, col.name, raw,
        lambda v: f"'{excerpt(v)}' is not a period: expected YYYY-MM-DD, YYYY, YYYY-MM, "
        f"YYYY-Qn or YYYY-Hn{_no_value_hint(v)}",
    )  # fmt: skip
    return values.astype("str")


def _date_message(v: object) -> str:
    low = str(v).strip().lower()
    if low in _YES_NO:
        return f"'{excerpt(v)}' is not a date: expected YYYY-MM-DD (write the day itself, not yes or no)"
    return f"'{excerpt(v)}' is not a date: expected YYYY-MM-DD{_no_value_hint(v)}"


def _dates(spec, col, text, frame, raw, out):
    ok = _flag(text, _DATE_RE)
    parsed = pd.to_datetime(text.where(ok).str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    far = parsed.notna() & ((parsed < DATE_MIN) | (parsed > DATE_MAX))
    out.cells(
        "error", Rule.OUT_OF_RANGE, spec.name, frame, far, col.name, raw,
        lambda v: f"'{excerpt(v)}' is outside the dates that can be used: expected a date "
        f"between {_RANGE}",
    )  # fmt: skip
    values = parsed.mask(far).astype("datetime64[ns]")
    bad = text.notna() & parsed.isna()
    out.cells("error", Rule.BAD_TYPE, spec.name, frame, bad, col.name, raw, _date_message)
    return values


def _bools(spec, col, text, frame, raw, out):
    low = text.str.lower()
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[low.isin(_TRUE)] = True
    values[low.isin(_FALSE) | text.isna()] = False
    bad = text.notna() & ~low.isin(_TRUE | _FALSE)
    out.cells(
        "error", Rule.BAD_TYPE, spec.name, frame, bad, col.name, raw,
        lambda v: f"'{excerpt(v)}' is not yes/no: expected true, false, yes, no, 1 or 0",
    )  # fmt: skip
    return values


def _decimal_commas(spec, col, work, frame, raw, comma, out):
    """Numbers of files with decimal commas rewritten with a decimal point (see module doc),
    and which cells could be read two ways (reported here, missing in the result)."""
    files = frame[FILE_COL]
    ambiguous = pd.Series(False, index=work.index)
    for f in comma:
        in_file = (files == f).to_numpy()
        if not in_file.any():
            continue
        sub = work[in_file]
        one_group = _flag(sub, _ONE_GROUP)
        dot_decimal = _flag(sub, _DOT_DECIMAL) & ~one_group
        if dot_decimal.any() and one_group.any():
            example = excerpt(sub[dot_decimal].iloc[0])
            here = pd.Series(False, index=work.index)
            here[sub.index] = one_group
            ambiguous |= here
            sub = sub.mask(one_group)
            out.cells(
                "error", Rule.AMBIGUOUS_NUMBER, spec.name, frame, here, col.name, raw,
                lambda v, e=example: f"'{excerpt(v)}' could be read two ways: this file writes "
                f"decimals with a comma, but this column also with a point (such as '{e}'); "
                "write it without a thousands separator (1500, or 1,5 for one and a half)",
            )  # fmt: skip
        grouped = _flag(sub, _GROUPED)
        dec = _flag(sub, _DEC_COMMA)
        fixed = sub.mask(grouped, sub.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        fixed = fixed.mask(dec, sub.str.replace(",", ".", regex=False))
        work = work.copy()
        work[in_file] = fixed
    return work, ambiguous


def _to_numbers(work: pd.Series) -> pd.Series:
    """``pd.to_numeric(work, errors="coerce")`` as floats, parsed once per distinct text.

    The distinct texts (and a missing value, when there is one) are the values pandas sees,
    so it reads them as it would the whole column; a column of scores has a handful.
    """
    codes, uniques = pd.factorize(work, use_na_sentinel=True)
    distinct = pd.Series(uniques, dtype=work.dtype)
    if (codes < 0).any():
        distinct = pd.concat([distinct, pd.Series([None], dtype=distinct.dtype)], ignore_index=True)
    parsed = pd.to_numeric(distinct, errors="coerce").astype("float64").to_numpy()
    if not (codes < 0).any():
        parsed = np.append(parsed, np.nan)  # never taken
    return pd.Series(parsed[codes], index=work.index, dtype="float64")


def _numbers(spec, col, text, frame, raw, comma, out):
    work, ambiguous = text, None
    if comma:
        work, ambiguous = _decimal_commas(spec, col, work, frame, raw, comma, out)
    if col.labels:
        # labels are looked up once per distinct text (a survey has a handful), not per cell
        distinct = pd.Series(work.dropna().unique(), dtype="str")
        low = distinct.str.lower().str.replace(r"\s+", " ", regex=True)
        number = low.map(col.labels)
        found = number.notna()
        if found.any():
            labelled = work.map(dict(zip(distinct[found], number[found].astype("str"), strict=True)))
            work = work.mask(labelled.notna(), labelled)
    values = _to_numbers(work)
    values = values.where(np.isfinite(values))
    bad = text.notna() & values.isna()
    if ambiguous is not None:
        bad &= ~ambiguous
    if col.kind == "likert" and col.labels:
        first = {}
        for word, number in col.labels.items():
            first.setdefault(number, word)  # the first spelling of each value is the canonical one
        expect = (
            f"expected a number {col.lo:g}..{col.hi:g} or one of the labels "
            + ", ".join(f"'{first[k].capitalize()}'" for k in sorted(first))
        )

        def msg(v):
            return f"'{excerpt(v)}' is not a number nor a known label: {expect}{_no_value_hint(v)}"
    elif col.kind == "integer":

        def msg(v):
            return f"'{excerpt(v)}' is not a whole number{_no_value_hint(v)}"
    else:

        def msg(v):
            return f"'{excerpt(v)}' is not a number{_no_value_hint(v)}"

    out.cells("error", Rule.BAD_TYPE, spec.name, frame, bad, col.name, raw, msg)
    if col.kind != "integer":
        return values
    big = values.notna() & (values.abs() > INTEGER_MAX)
    out.cells(
        "error", Rule.OUT_OF_RANGE, spec.name, frame, big, col.name, raw,
        lambda v: f"'{excerpt(v)}' is too large for a whole number: expected at most "
        f"{INTEGER_MAX:,}",
    )  # fmt: skip
    frac = values.notna() & ~big & (values != values.round())
    out.cells(
        "error", Rule.BAD_TYPE, spec.name, frame, frac, col.name, raw,
        lambda v: f"'{excerpt(v)}' is not a whole number",
    )  # fmt: skip
    values = values.mask(frac | big)
    return values.round().astype("Int64")
