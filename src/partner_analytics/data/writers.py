"""Writing for spreadsheets and for the loader: the one CSV writer, package folders, YAML.

Every CSV file the package writes goes through :func:`write_csv`: a text cell that a
spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return at the
start) is written with a leading ``'`` (:func:`~partner_analytics.data.text.protect_formula`),
which the loader removes again, so a file read back holds the original text. Numbers stay
numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from partner_analytics.data.readers import FILE_COL, ROW_COL, SETTINGS_FILES
from partner_analytics.data.schemas import TABLE_ORDER, TABLES
from partner_analytics.data.text import frame_text, protect_formula, series_text, starts_with

__all__ = [
    "PROBLEMS_FILE",
    "csv_bytes",
    "csv_parts",
    "csv_table",
    "spreadsheet_frame",
    "table_csv_bytes",
    "write_csv",
    "write_package",
    "write_problems",
    "write_yaml",
]

PROBLEMS_FILE = "_import_problems.csv"  # next to an imported package's tables (not read)
_DERIVED = {FILE_COL, ROW_COL, "wave_end"}


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as text cells safe for a spreadsheet: numbers as numbers, dates as
    ``YYYY-MM-DD``, whole numbers without ``.0``, text that cannot start a formula.

    Use it for an ``.xlsx`` file too: openpyxl writes a text starting with ``=`` as a formula.
    """
    text = frame_text(frame)
    for i, c in enumerate(text.columns):
        if not _is_number(frame.iloc[:, i]):  # numbers stay numbers
            text.isetitem(i, _safe_text(text.iloc[:, i]))
    return text


def _is_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _safe_text(s: pd.Series) -> pd.Series:
    """Text cells of which none can start a formula (:func:`protect_formula`)."""
    starts = starts_with(s, "'=+-@\t\r")
    return s.mask(starts, s[starts].map(protect_formula)) if starts.any() else s


def _arrow_column(s: pd.Series):
    """One column for the CSV writer: numbers as numbers (whole ones without ``.0``), every
    other cell as spreadsheet-safe text."""
    import pyarrow as pa

    if _is_number(s):
        return _arrow_numbers(s.to_numpy(dtype="float64", na_value=np.nan))
    text = _safe_text(series_text(s))
    return pa.Array.from_pandas(text.astype("str"))  # no copy for Arrow-backed text


def _arrow_numbers(values: np.ndarray):
    """Numbers (NaN: missing) for the CSV writer: as whole numbers when every one is whole."""
    import pyarrow as pa

    given = ~np.isnan(values)
    whole = np.isfinite(values[given]) & (np.abs(values[given]) < 2**53)
    if whole.all() and (np.floor(values[given]) == values[given]).all():
        return pa.array(np.where(given, values, 0).astype(np.int64), mask=~given)
    return pa.array(values, mask=~given)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The bytes :func:`write_csv` writes for ``frame`` (for callers that hash or write
    atomically themselves): UTF-8, a header row, numbers unquoted, text quoted, CRLF line
    ends (RFC 4180)."""
    return table_csv_bytes(csv_table(frame))


def csv_table(frame: pd.DataFrame):
    """The Arrow table :func:`csv_bytes` writes for ``frame`` (numbers as numbers, whole ones
    as integers; text safe for spreadsheets)."""
    import pyarrow as pa

    return pa.Table.from_arrays(
        [_arrow_column(frame.iloc[:, i]) for i in range(frame.shape[1])],
        names=[str(c) for c in frame.columns],
    )


def csv_parts(frame: pd.DataFrame, by: str):
    """(value, table) for each value of the column ``by``, in sorted order: the table
    :func:`csv_table` gives for the rows holding that value, in their order (rows without a
    value are left out, as ``frame.groupby(by)`` leaves them out). For writing a file per
    value: the text is made once for the whole frame, and each part is a slice of it."""
    import pyarrow as pa

    codes, values = pd.factorize(frame[by], sort=True, use_na_sentinel=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(values) + 1))
    names = [str(c) for c in frame.columns]
    columns = []
    for i in range(frame.shape[1]):
        s = frame.iloc[:, i]
        if _is_number(s):  # whole or not is told per part, as csv_table of the part tells it
            columns.append(s.to_numpy(dtype="float64", na_value=np.nan)[order])
        else:
            columns.append(_arrow_column(s).take(pa.array(order)))
    for k, value in enumerate(values):
        a, b = int(bounds[k]), int(bounds[k + 1])
        arrays = [_arrow_numbers(c[a:b]) if isinstance(c, np.ndarray) else c.slice(a, b - a) for c in columns]
        yield value, pa.Table.from_arrays(arrays, names=names)


def table_csv_bytes(table) -> bytes:
    """An Arrow table made by :func:`csv_table` as CSV bytes (see :func:`csv_bytes`)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    buf = pa.BufferOutputStream()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(eol="\r\n", quoting_style="needed"))
    return buf.getvalue().to_pybytes()


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as a UTF-8 CSV file for spreadsheets and the loader (see module doc)."""
    path = Path(path)
    path.write_bytes(csv_bytes(frame))
    return path


def write_problems(problems: pd.DataFrame, folder: str | Path) -> Path | None:
    """Write an importer's problems next to the tables it wrote (``_import_problems.csv``,
    a name the loader does not read as a table). Nothing is written when there are none."""
    if not len(problems):
        return None
    return write_csv(problems, Path(folder) / PROBLEMS_FILE)


def write_yaml(data: dict, path: str | Path) -> Path:
    """Write a mapping as YAML (any text, quotes included, stays valid YAML)."""
    import yaml

    path = Path(path)
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False),
        encoding="utf-8",
    )
    return path


def _table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in frame.columns if c in _DERIVED])


def write_package(
    tables,
    out: str | Path,
    *,
    name: str | None = None,
    skip_empty: bool = True,
    min_n: int | None = None,
) -> Path:
    """Write ``tables`` (a Partnership or a dict of frames) to ``out`` as ``<table>.csv`` files.

    Provenance columns (``_file``, ``_row``) and derived ones (``wave_end``) are left out, so
    the folder loads back as the same package. A ``package.yml`` holds the partnership name
    and ``min_n`` (a Partnership's own unless given).
    """
    out = Path(out)
    frames = tables.tables if hasattr(tables, "tables") else dict(tables)
    unknown = set(frames) - set(TABLES)
    if unknown:
        raise ValueError(f"not tables of a package: {', '.join(sorted(unknown))}")
    out.mkdir(parents=True, exist_ok=True)
    present = getattr(tables, "present", None)
    if name is None:
        name = getattr(tables, "name", None)
    if min_n is None:
        min_n = getattr(tables, "min_n", None)
    for table in TABLE_ORDER:
        frame = frames.get(table)
        if frame is None or (skip_empty and not len(frame)):
            continue
        if present is not None and table not in present:
            continue  # e.g. the packaged default factor set
        write_csv(_table_frame(frame), out / f"{table}.csv")
    settings = {}
    if name:
        settings["name"] = str(name)
    if min_n is not None:
        settings["min_n"] = int(min_n)
    if settings:
        write_yaml(settings, out / SETTINGS_FILES[0])
    return out
