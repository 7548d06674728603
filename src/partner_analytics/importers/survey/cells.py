"""Files -> grids of cells: every sheet of a workbook, a CSV file, the members of a zip.

A grid is a DataFrame with integer column labels, object cells as the file holds them (text,
numbers, dates; empty cells are ""), and the spreadsheet row number of each record as its
index (the first row is 1). Header rows are left in the grid: each tool's reader takes them.
"""

from __future__ import annotations

import csv
import gc
import io
import math
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from partner_analytics.data.readers import decode_bytes, sniff_delimiter
from partner_analytics.errors import InputFileError
from partner_analytics.importers.survey.files import check_zip_sizes

__all__ = ["cell_text", "column_text", "drop_blank_rows", "read_csv_grid", "read_xlsx_grids"]


def read_xlsx_grids(data: bytes, display: str) -> dict[str, pd.DataFrame]:
    """Every sheet of an .xlsx workbook (cached cell values; formulas are never evaluated)."""
    check_zip_sizes(data, display)
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = {}
        for name in wb.sheet_names:
            with _no_collection():
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                out[name] = _grid(rows)
            del rows
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a damaged workbook
        raise InputFileError(f"{display}: cannot be read as an Excel workbook (.xlsx): {exc}") from None
    return out


@contextmanager
def _no_collection():
    """The garbage collector paused: every row calamine hands over is a new list, and all of
    them are kept until the grid is made, so a collection while they are made finds nothing
    (and would walk every row made so far)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _grid(rows: list[list]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = np.arange(1, len(frame) + 1)
    return drop_blank_rows(frame)


def drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Trailing or inner rows whose every cell is empty are not records."""
    if frame.empty:
        return frame
    values = frame.to_numpy(dtype=object)
    blank = np.ones(len(frame), dtype=bool)
    for j in range(values.shape[1]):
        col = values[:, j]
        blank &= (col == "") | pd.isna(col)
        if not blank.any():
            return frame
    # a column of only blanks past the last header is not a column either
    return frame[~blank]


def read_csv_grid(data: bytes, display: str, delimiter: str | None = None) -> tuple[pd.DataFrame, str, str]:
    """A CSV file as a grid of text cells, with the delimiter and encoding found."""
    if not data.strip():
        raise InputFileError(f"{display}: the file is empty: expected a header row")
    # undecodable bytes become U+FFFD, which the damaged-text diagnostic reports per cell
    text, encoding, _undecodable_lines = decode_bytes(data)
    text = text.lstrip("\ufeff")
    delim = delimiter or sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise InputFileError(f"{display}: cannot be read as delimited text ('{delim}'): {msg}") from None
    frame = frame.astype(object)
    frame.columns = range(frame.shape[1])
    frame.index = np.arange(1, len(frame) + 1)
    return drop_blank_rows(frame), delim, encoding


def cell_text(value: object) -> str | None:
    """A cell as the text a user sees (None when empty): 3.0 -> "3", dates ISO."""
    if value is None:
        return None
    if isinstance(value, str):
        s = value.strip()
        return s or None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | pd.Timestamp):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def column_text(values: pd.Series | np.ndarray) -> np.ndarray:
    """A column as text (None where empty): vectorised for text and whole numbers, else
    through its distinct values."""
    series = pd.Series(values, dtype=object)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):
        # every cell is text or missing: trimmed (once per distinct text), empty text missing
        codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
        texts = np.array([(u.strip() or None) for u in uniques] + [None], dtype=object)
        return texts[codes]
    if kind in ("floating", "integer", "mixed-integer-float"):
        num = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        given = ~np.isnan(num)
        if (num[given] == np.round(num[given])).all():
            # whole numbers as text, once per distinct number
            codes, uniques = pd.factorize(num[given].astype(np.int64))
            out = np.full(len(num), None, dtype=object)
            out[given] = uniques.astype(str).astype(object)[codes]
            return out
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = np.array([cell_text(u) for u in uniques] + [None], dtype=object)
    return texts[codes]  # -1 (missing) takes the last entry, None


def workbook_or_csv(path: Path) -> str:
    return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"
