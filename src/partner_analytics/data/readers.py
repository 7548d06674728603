"""Files -> raw tables of text, each row remembering its source file and spreadsheet row.

Every cell is read as text (the user's own spelling) so that a problem can quote it; types
are given later by :mod:`partner_analytics.data.coerce`. Row numbers are those a
spreadsheet user sees: the header is row 1, the first data row is row 2.

What this module decides (docs/data-package.md says it for users):

- CSV text is UTF-8 (with or without BOM) or, when it is not, Windows-1252 / Latin-1. A
  file that is mostly UTF-8 with a few bytes that are not stays UTF-8: those lines are
  reported (:attr:`Rule.ENCODING`) and their bad bytes shown as ``�``;
- the delimiter (comma, semicolon or tab) is the one that splits the header into most
  fields; a semicolon file writes decimals with a comma;
- a row with more fields than the header is reported (:attr:`Rule.RAGGED_ROW`) and the other
  rows are read; trailing empty fields are not extra fields;
- a column named like one the loader adds (``_file``, ``_row``, ``wave_end``, any name
  starting with ``_``) is renamed ``data_...`` with a warning: user data is never
  overwritten;
- a text cell written as ``'=...`` (see :func:`~partner_analytics.data.text.protect_formula`)
  reads back as ``=...``;
- only regular files are read, never links (:mod:`partner_analytics.data.files`), and
  workbooks within :class:`~partner_analytics.data.files.Limits`.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from partner_analytics.data.files import (
    DEFAULT_LIMITS,
    Limits,
    check_entry,
    check_workbook,
    list_entries,
    walk_files,
)
from partner_analytics.data.problems import Rule, problem
from partner_analytics.data.text import (
    cell_text,
    excerpt,
    frame_text,
    normalize_header,
    surely_filled,
    unprotect_formulas,
)

__all__ = [
    "FILE_COL",
    "ROW_COL",
    "SETTINGS_FILES",
    "TABLE_FILE_SUFFIXES",
    "KnownCSV",
    "RawPackage",
    "RawTable",
    "check_settings",
    "decode_bytes",
    "normalize_header",
    "read_excel_sheets",
    "read_files",
    "read_folder",
    "read_frame",
    "read_settings",
    "read_table_file",
    "read_workbook",
    "sniff_delimiter",
]

TABLE_FILE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")
SETTINGS_FILES = ("package.yml", "package.yaml")
FILE_COL = "_file"
ROW_COL = "_row"
# names the loader gives columns of its own: a user column of such a name is renamed
_RESERVED = frozenset({"wave_end"})
_IGNORED_SUFFIXES = (".md", ".json", ".yml", ".yaml")
_SETTINGS_MAX_BYTES = 1 << 20


@dataclass
class RawTable:
    """One table as read: text cells plus ``_file`` and ``_row``."""

    name: str
    frame: pd.DataFrame
    files: list[str] = field(default_factory=list)
    decimal_comma: set[str] = field(default_factory=set)  # files written with decimal commas


@dataclass
class RawPackage:
    """Every table of a package as read, the problems found reading it, and its settings."""

    source: str
    kind: str  # folder | workbook | store | frames
    tables: dict[str, RawTable]
    problems: list[dict]
    files: list[Path] = field(default_factory=list)  # every input file (for provenance)
    settings: dict = field(default_factory=dict)  # valid settings of package.yml (name, min_n)


# ---------------------------------------------------------------- text and headers


def decode_bytes(data: bytes) -> tuple[str, str, list[int]]:
    """Text, encoding name and the lines (1-based) that are not valid in that encoding.

    UTF-8 with BOM, UTF-16 with BOM, UTF-8; a file with invalid UTF-8 is still UTF-8 when it
    has more valid non-ASCII characters than invalid bytes (a stray byte in a UTF-8 file),
    else Windows-1252 (Latin-1 for the bytes Windows-1252 leaves undefined).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, bad = _utf8(data[3:])
        return text, "utf-8-sig", bad
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16", []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    text, bad = _utf8(data)
    replaced = text.count("\ufffd") - data.count("\xef\xbf\xbd".encode("latin-1"))
    valid = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if valid > replaced:
        return text, "utf-8", bad
    try:
        return data.decode("cp1252"), "cp1252", []
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", []


def _utf8(data: bytes) -> tuple[str, list[int]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    bad = []
    for i, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
    return data.decode("utf-8", errors="replace"), bad


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the header line into most fields."""
    first = text.split("\n", 1)[0]
    best, count = ",", -1
    for d in (",", ";", "\t"):
        try:
            n = len(next(csv.reader([first], delimiter=d)))
        except (csv.Error, StopIteration):
            n = 0
        if n > count:
            best, count = d, n
    return best


def _user_names(names: list[str], table: str | None, display: str, problems: list[dict]) -> list[str]:
    """Normalised header names; a name the loader uses itself is renamed ``data_...``."""
    out = [normalize_header(n) for n in names]
    taken = set(out)
    for i, n in enumerate(out):
        if not (n.startswith("_") or n in _RESERVED):
            continue
        new = "data" + n if n.startswith("_") else "data_" + n
        k = 2
        while new in taken:
            new, k = f"{new}_{k}", k + 1
        taken.add(new)
        out[i] = new
        problems.append(
            problem(
                "warning", Rule.RENAMED_COLUMN, table, display,
                f"column '{excerpt(n)}' is a name the loader uses itself: it was read as "
                f"'{excerpt(new)}'",
                row=1, column=new, value=n,
            )
        )  # fmt: skip
    return out


def _finish(
    frame: pd.DataFrame,
    names: list[str],
    table: str | None,
    display: str,
    first_row: int,
    problems: list[dict],
    *,
    rows: np.ndarray | None = None,
    spreadsheet: bool = True,
) -> pd.DataFrame:
    """Header names given, unnamed empty columns dropped, provenance added, blank rows out."""
    frame = frame.set_axis(_user_names(names, table, display, problems), axis=1)  # a new frame
    keep = []
    for i, name in enumerate(frame.columns):
        col = frame.iloc[:, i]
        if name == "":
            if col.notna().any() and (col.astype("str").str.strip() != "").any():
                problems.append(
                    problem(
                        "warning", Rule.BAD_COLUMN_NAME, table, display,
                        f"column {i + 1} has no name in the header and was not read",
                        row=1,
                    )
                )  # fmt: skip
            continue
        keep.append(i)
    if len(keep) < frame.shape[1]:
        frame = frame.iloc[:, keep]
    if spreadsheet and len(frame):
        for i in range(frame.shape[1]):
            col = frame.iloc[:, i]
            fixed = unprotect_formulas(col)
            if fixed is not col:
                frame.isetitem(i, fixed)
    n = len(frame)
    frame[FILE_COL] = pd.Categorical.from_codes(np.zeros(n, dtype="int8"), categories=[display])
    frame[ROW_COL] = (
        np.arange(first_row, first_row + n, dtype="int64") if rows is None else rows.astype("int64")
    )
    return _drop_blank_rows(frame)


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose every cell is empty are not data (a spreadsheet's trailing blank lines)."""
    blank = None
    for i, c in enumerate(frame.columns):
        if c in (FILE_COL, ROW_COL):
            continue
        col = frame.iloc[:, i]  # by position: two headers may normalise to one name
        if col.dtype != "str":
            col = col.astype("str")
        filled = surely_filled(col)
        if filled is not None and filled.all():
            return frame  # a column without a blank cell: no row is blank
        b = col.isna() | (col.str.strip() == "")
        blank = b if blank is None else (blank & b)
        if not blank.any():
            return frame
    return frame if blank is None else frame[~blank]


# ---------------------------------------------------------------- CSV


def _header_fields(text: str, delim: str) -> list[str] | None:
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delim))
    except (csv.Error, StopIteration):
        return None
    return [h.replace("\ufeff", "") for h in header]


def _read_csv_arrow(path: Path, header: list[str], delim: str) -> pd.DataFrame | None:
    """Fast path for UTF-8 files: pyarrow parses straight into string columns.

    Returns None (and the slower path takes over) for anything unusual: bytes that are not
    UTF-8, a ragged line. Blank lines stay as rows of empty strings, so row numbers are the
    spreadsheet's.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(len(header))]  # the header may repeat a name
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, encoding="utf8", block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delim, ignore_empty_lines=False, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError):
        return None
    return _text_frame(table)


def _text_frame(table) -> pd.DataFrame:
    """An Arrow table of text columns as a frame of text cells."""
    import pyarrow as pa

    text_dtype = pd.StringDtype("pyarrow", na_value=float("nan"))
    return table.to_pandas(types_mapper=lambda t: text_dtype if t == pa.string() else None)


@dataclass(frozen=True)
class KnownCSV:
    """A CSV file whose content is known in memory: the Arrow table it was written from by
    :func:`~partner_analytics.data.writers.csv_bytes` (UTF-8, ``,``, a header row of the
    column names, text quoted) and the size of those bytes.

    Reading such a file gives, cell by cell, the table's values as the CSV writer writes them
    (Arrow's text of each number, the text itself, an empty cell for a missing one): the
    reader takes them from the table instead of parsing the file again, when the file on disk
    still has that size and that header.
    """

    table: object  # pyarrow.Table
    size: int


def _known_text(known: KnownCSV | None, header: list[str], delim: str, size: int) -> pd.DataFrame | None:
    """The cells of a known file as its parse would give them; None when the file on disk
    may not be the one written (or has a shape this shortcut does not cover)."""
    if known is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    t = known.table
    names = list(t.column_names)
    plain = all(n and n.isascii() and n.replace("_", "a").isalnum() for n in names)
    if size != known.size or delim != "," or header != names or len(names) < 2 or not plain:
        return None
    cells = [pc.fill_null(pc.cast(t.column(i), pa.string()), "") for i in range(t.num_columns)]
    return _text_frame(pa.table(cells, names=[f"c{i}" for i in range(len(names))]))


def _read_csv_text(
    text: str, delim: str, table: str, display: str, problems: list[dict]
) -> tuple[list[str], pd.DataFrame] | None:
    """Decoded text -> header and text frame. Rows with more fields than the header are
    reported and kept (cut to the header) so that they can be rejected with their values."""
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            header=None,
            dtype="str",
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        return None
    except (pd.errors.ParserError, ValueError, csv.Error):
        frame = None
    if frame is not None:
        header = [str(h).replace("\ufeff", "") for h in frame.iloc[0].fillna("")]
        return header, frame.iloc[1:].reset_index(drop=True).set_axis(range(len(header)), axis=1)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delim, strict=False))
    except csv.Error as exc:
        problems.append(
            problem("error", Rule.UNREADABLE_FILE, table, display,
                    f"cannot read the file as delimited text: {excerpt(exc, 80)}")
        )  # fmt: skip
        return None
    if not records:
        return None
    header = [h.replace("\ufeff", "") for h in records[0]]
    n = len(header)
    rows = []
    for i, rec in enumerate(records[1:], start=2):
        if len(rec) > n:
            extra = rec[n:]
            if any(x.strip() for x in extra):
                problems.append(
                    problem(
                        "error", Rule.RAGGED_ROW, table, display,
                        f"row {i} has {len(rec)} fields but the header has {n}: the row cannot "
                        "be read safely (a separator inside a value needs quotes)",
                        row=i, value=delim.join(extra),
                    )
                )  # fmt: skip
            rec = rec[:n]
        elif len(rec) < n:
            rec = rec + [""] * (n - len(rec))
        rows.append(rec)
    return header, pd.DataFrame(rows, columns=range(n), dtype="str")


def read_csv_file(path: Path, table: str, display: str, problems: list[dict], known: KnownCSV | None = None):
    """A CSV file as text cells, and whether it writes decimals with a comma.

    UTF-8 files are parsed from disk by pyarrow (never held as one string); anything else
    (another encoding, a ragged row) is decoded and parsed from memory. A file just written
    from an Arrow table (``known``) has its cells taken from that table.
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip() and size <= len(head):
        problems.append(
            problem("error", Rule.EMPTY_FILE, table, display,
                    "the file is empty: expected a header row naming the columns")
        )  # fmt: skip
        return None, False
    head_text = decode_bytes(head)[0]
    delim = sniff_delimiter(head_text)
    frame = header = None
    utf8_head = not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if utf8_head:
        header = _header_fields(head_text.removeprefix("\ufeff"), delim)
        if header:
            frame = _known_text(known, header, delim, size)
            if frame is None:
                frame = _read_csv_arrow(path, header, delim)
    if frame is None:
        text, _, bad_lines = decode_bytes(path.read_bytes())
        for line in bad_lines:
            problems.append(
                problem(
                    "warning", Rule.ENCODING, table, display,
                    f"line {line} is not valid UTF-8 text (the rest of the file is): the bytes "
                    "that are not were read as '\ufffd'; save the file as UTF-8",
                    row=line,
                )
            )  # fmt: skip
        read = _read_csv_text(text.removeprefix("\ufeff"), delim, table, display, problems)
        if read is None:
            problems.append(
                problem("error", Rule.EMPTY_FILE, table, display,
                        "the file is empty: expected a header row naming the columns")
            )  # fmt: skip
            return None, False
        header, frame = read
    return _finish(frame, header, table, display, 2, problems), delim == ";"


# ---------------------------------------------------------------- Excel


class _TooLarge(Exception):
    pass


def _sheet_rows(ws, display: str, limits: Limits, cells: list[int]):
    """The sheet's rows as (Excel row number, values), checked against the limits."""
    out = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells[0] += len(values)
        if cells[0] > limits.xlsx_max_cells:
            raise _TooLarge(
                f"the workbook has more than {limits.xlsx_max_cells:,} cells (xlsx_max_cells); "
                "save the table as CSV"
            )
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        for v in values:
            if isinstance(v, str) and len(v) > limits.cell_max_chars:
                raise _TooLarge(
                    f"row {number} of {display} has a cell of {len(v):,} characters: more "
                    f"than {limits.cell_max_chars:,} (cell_max_chars)"
                )
        out.append((number, values))
        if len(out) > limits.xlsx_max_rows:
            raise _TooLarge(
                f"{display} has more than {limits.xlsx_max_rows:,} rows (xlsx_max_rows); save "
                "the table as CSV"
            )
    return out


def _sheet_frame(rows, table: str | None, display: str, problems: list[dict]):
    """Rows of a sheet -> frame with the header from its first non-empty row."""
    if not rows:
        return None
    width = max(len(v) for _, v in rows)
    used = [j for j in range(width) if any(j < len(v) and v[j] is not None for _, v in rows)]
    header_no, header_values = rows[0]
    header = [cell_text(header_values[j]) if j < len(header_values) else pd.NA for j in used]
    header = ["" if h is pd.NA else str(h) for h in header]
    body = rows[1:]
    data = {
        i: pd.array(
            [cell_text(v[j]) if j < len(v) else pd.NA for _, v in body], dtype="str"
        )
        for i, j in enumerate(used)
    }
    frame = pd.DataFrame(data, columns=range(len(used)))
    numbers = np.array([n for n, _ in body], dtype="int64")
    return _finish(frame, header, table, display, header_no + 1, problems, rows=numbers)


def read_excel_sheets(
    path: Path,
    display: str,
    problems: list[dict],
    table: str | None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, pd.DataFrame] | None:
    """Every non-empty sheet of a workbook as {sheet name: frame}, None when unreadable."""
    import openpyxl

    refused = check_workbook(path, display, table, limits)
    if refused is not None:
        problems.append(refused)
        return None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        problems.append(
            problem("error", Rule.UNREADABLE_FILE, table, display,
                    f"cannot read the file as an Excel workbook (.xlsx): {excerpt(exc, 80)}")
        )  # fmt: skip
        return None
    out = {}
    cells = [0]
    try:
        for ws in book.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            sheet_display = f"{display} [{ws.title}]"
            rows = _sheet_rows(ws, sheet_display, limits, cells)
            frame = _sheet_frame(rows, table, sheet_display, problems)
            if frame is not None:
                out[ws.title] = frame
    except _TooLarge as exc:
        problems.append(problem("error", Rule.TOO_LARGE, table, display, str(exc)))
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged sheet
        problems.append(
            problem("error", Rule.UNREADABLE_FILE, table, display,
                    f"cannot read the file as an Excel workbook (.xlsx): {excerpt(exc, 80)}")
        )  # fmt: skip
        return None
    finally:
        book.close()
    return out


# ---------------------------------------------------------------- one file, a folder, a workbook


def read_table_file(
    path: Path,
    table: str,
    display: str,
    problems: list[dict],
    limits: Limits = DEFAULT_LIMITS,
    known: KnownCSV | None = None,
):
    """One table file (CSV, XLSX, Parquet) as text cells, and whether it uses decimal commas."""
    refused = check_entry(path, display, table, limits)
    if refused is not None:
        problems.append(refused)
        return None, False
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv_file(path, table, display, problems, known)
    if suffix in (".xlsx", ".xlsm"):
        sheets = read_excel_sheets(path, display, problems, table, limits)
        if sheets is None:
            return None, False
        if not sheets:
            problems.append(
                problem("error", Rule.EMPTY_FILE, table, display,
                        "the workbook has no data: expected a header row")
            )  # fmt: skip
            return None, False
        names = list(sheets)
        chosen = table if table in sheets else names[0]
        for other in names:
            if other != chosen:
                problems.append(
                    problem(
                        "warning", Rule.EXTRA_SHEET, table, display,
                        f"sheet '{excerpt(other)}' was not read: a table file uses one sheet "
                        f"('{excerpt(chosen)}')",
                    )
                )  # fmt: skip
        return sheets[chosen], False
    if suffix == ".parquet":
        try:
            raw = pd.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a broken file
            problems.append(
                problem("error", Rule.UNREADABLE_FILE, table, display,
                        f"cannot read the file as Parquet: {excerpt(exc, 80)}")
            )  # fmt: skip
            return None, False
        names = [str(c) for c in raw.columns]
        text = frame_text(raw.set_axis(range(raw.shape[1]), axis=1))
        return _finish(text, names, table, display, 2, problems, spreadsheet=False), False
    problems.append(
        problem("warning", Rule.UNSUPPORTED_FILE, table, display,
                f"unsupported file type '{excerpt(suffix)}': expected .csv, .xlsx or .parquet")
    )  # fmt: skip
    return None, False


def read_frame(frame: pd.DataFrame, table: str, display: str, problems: list[dict]) -> pd.DataFrame:
    """A DataFrame (cells typed or text) as a raw table, as if read from a file."""
    names = [str(c) for c in frame.columns]
    text = frame_text(frame.set_axis(range(frame.shape[1]), axis=1).reset_index(drop=True))
    return _finish(text, names, table, display, 2, problems, spreadsheet=False)


def read_settings(root: Path) -> tuple[dict, list[dict]]:
    """The valid settings of ``package.yml`` (``name``, ``min_n``) and the problems found."""
    import yaml

    problems: list[dict] = []
    found = [root / n for n in SETTINGS_FILES if os.path.lexists(root / n)]
    if not found:
        return {}, problems
    path = found[0]
    display = path.name
    refused = check_entry(path, display, None, Limits(file_max_bytes=_SETTINGS_MAX_BYTES))
    if refused is not None:
        return {}, [refused]
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = where.line + 1 if where is not None else None
        return {}, [
            problem(
                "error", Rule.UNREADABLE_FILE, None, display,
                f"cannot read {display} as YAML{f' (line {line})' if line else ''}: "
                f"{excerpt(getattr(exc, 'problem', None) or exc, 80)}; expected lines such as "
                "'name: My partnership' and 'min_n: 5'",
                row=line,
            )
        ]  # fmt: skip
    if data is None:
        return {}, problems
    settings, found = check_settings(data, display)
    return settings, problems + found


def check_settings(data: object, display: str) -> tuple[dict, list[dict]]:
    """The valid settings (``name``, ``min_n``) of a mapping read from ``display``
    (package.yml, or a store's own record), and a problem for each that is not."""
    problems: list[dict] = []
    if not isinstance(data, dict):
        return {}, [
            problem("error", Rule.BAD_SETTING, None, display,
                    f"{display} holds {type(data).__name__}: expected 'key: value' lines "
                    "(name, min_n)")
        ]  # fmt: skip
    settings = {}
    for key, value in data.items():
        if key == "name":
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                settings["name"] = str(value)
            else:
                problems.append(
                    problem("error", Rule.BAD_SETTING, None, display,
                            f"{display}: name is not a text: expected the partnership's name",
                            column="name", value=type(value).__name__)
                )  # fmt: skip
        elif key == "min_n":
            number = value
            if isinstance(value, str) and value.strip().isdigit():
                number = int(value.strip())  # a store keeps its settings as text
            if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
                settings["min_n"] = number
            else:
                problems.append(
                    problem(
                        "error", Rule.BAD_SETTING, None, display,
                        f"{display}: min_n is '{excerpt(value)}': expected a whole number of "
                        "at least 1 (the fewest raters or respondents a result is shown for)",
                        column="min_n", value=excerpt(value),
                    )
                )  # fmt: skip
        else:
            problems.append(
                problem("warning", Rule.BAD_SETTING, None, display,
                        f"{display}: unknown key '{excerpt(key)}' was not used; the keys are "
                        "name and min_n",
                        column=excerpt(key))
            )  # fmt: skip
    return settings, problems


def read_folder(
    root: Path,
    known: set[str],
    limits: Limits = DEFAULT_LIMITS,
    written: dict[Path, KnownCSV] | None = None,
) -> RawPackage:
    """A package folder: one file, or one folder of files, per table. ``written``: files of
    the folder just written from Arrow tables (see :class:`KnownCSV`), by path."""
    problems: list[dict] = []
    settings, found = read_settings(root)
    problems += found
    claimed: dict[str, list[os.DirEntry]] = {}
    for entry in list_entries(root):
        name = entry.name
        if name.startswith("_") or name in SETTINGS_FILES:
            continue
        path = Path(entry.path)
        is_link = entry.is_symlink()
        is_dir = not is_link and entry.is_dir(follow_symlinks=False)
        suffix = path.suffix.lower()
        table = normalize_header(name if is_dir else path.stem)
        if not is_dir and not is_link and suffix not in TABLE_FILE_SUFFIXES:
            if suffix not in _IGNORED_SUFFIXES:
                problems.append(
                    problem("warning", Rule.UNSUPPORTED_FILE, None, name,
                            f"file '{excerpt(name)}' was not read: not a .csv, .xlsx or "
                            ".parquet file")
                )  # fmt: skip
            continue
        if table not in known:
            if is_link:  # not a table: nothing is lost, but say why it was not read
                refused = check_entry(path, name, None, limits)
                problems.append({**refused, "severity": "warning"})
                continue
            problems.append(
                problem("warning", Rule.UNKNOWN_TABLE, None, name,
                        f"'{excerpt(name)}' does not name a table and was not read; tables are: "
                        + ", ".join(sorted(known)))
            )  # fmt: skip
            continue
        claimed.setdefault(table, []).append(entry)
    collected: dict[str, list] = {}
    files: dict[str, list[str]] = {}
    all_files: list[Path] = []
    for table, entries in claimed.items():
        entry = entries[0]
        if len(entries) > 1:
            others = ", ".join(f"'{excerpt(e.name)}'" for e in entries[1:])
            problems.append(
                problem("error", Rule.DUPLICATE_TABLE, table, entry.name,
                        f"'{excerpt(entry.name)}' and {others} all name table {table}: only "
                        f"'{excerpt(entry.name)}' was read; keep one")
            )  # fmt: skip
        path = Path(entry.path)
        if not entry.is_symlink() and entry.is_dir(follow_symlinks=False):
            members, refused = walk_files(path)
            for r in refused:
                problems.append(check_entry(r, str(r.relative_to(root)), table, limits))
            members = [m for m in members if m.suffix.lower() in TABLE_FILE_SUFFIXES]
        else:
            members = [path]
        for member in members:
            display = str(member.relative_to(root))
            frame, comma = read_table_file(
                member, table, display, problems, limits, (written or {}).get(member)
            )
            if os.path.isfile(member) and not os.path.islink(member):
                all_files.append(member)
            if frame is None:
                continue
            collected.setdefault(table, []).append((frame, comma))
            files.setdefault(table, []).append(display)
    tables = {t: _stack(t, parts, files[t]) for t, parts in collected.items()}
    return RawPackage(str(root), "folder", tables, problems, all_files, settings)


def _stack(name: str, parts: list[tuple[pd.DataFrame, bool]], files: list[str]) -> RawTable:
    frames = [f for f, _ in parts]
    comma = {str(f[FILE_COL].cat.categories[0]) for f, dc in parts if dc and len(f)}
    if len(frames) > 1 and all(len(f) for f in frames):
        # each file's rows name it; stacked, ``_file`` is one categorical of every file (the
        # categories sorted, as a column of the file names would give them), made from codes
        # rather than by concatenating text
        names = [str(f[FILE_COL].cat.categories[0]) for f in frames]
        dtype = pd.Series(names).astype("category").dtype
        codes = dtype.categories.get_indexer(names)
        frame = pd.concat(
            [f.assign(**{FILE_COL: np.full(len(f), k, dtype="int64")}) for f, k in zip(frames, codes, strict=True)],
            ignore_index=True,
        )
        frame[FILE_COL] = pd.Categorical.from_codes(frame[FILE_COL].to_numpy(), dtype=dtype)
        return RawTable(name=name, frame=frame, files=files, decimal_comma=comma)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame.reset_index(drop=True)
    if len(frames) > 1:
        frame[FILE_COL] = frame[FILE_COL].astype("category")
    return RawTable(name=name, frame=frame, files=files, decimal_comma=comma)


def read_workbook(path: Path, known: set[str], limits: Limits = DEFAULT_LIMITS) -> RawPackage:
    """One workbook with a sheet per table."""
    problems: list[dict] = []
    if not stat.S_ISREG(os.stat(path).st_mode):
        problems.append(check_entry(path, path.name, None, limits))
        return RawPackage(str(path), "workbook", {}, problems, [])
    sheets = read_excel_sheets(path, path.name, problems, None, limits)
    tables: dict[str, RawTable] = {}
    for sheet, frame in (sheets or {}).items():
        table = normalize_header(sheet)
        display = f"{path.name} [{sheet}]"
        if table not in known:
            problems.append(
                problem("warning", Rule.UNKNOWN_TABLE, None, display,
                        f"sheet '{excerpt(sheet)}' does not name a table and was not read; "
                        "tables are: " + ", ".join(sorted(known)))
            )  # fmt: skip
            continue
        if table in tables:
            problems.append(
                problem("error", Rule.DUPLICATE_TABLE, table, display,
                        f"sheet '{excerpt(sheet)}' names table {table} again: only "
                        f"'{excerpt(tables[table].files[0])}' was read; keep one")
            )  # fmt: skip
            continue
        for p in problems:
            if p["table"] is None and p["file"] == display and p["rule"] == Rule.RENAMED_COLUMN:
                p["table"] = table
        tables[table] = RawTable(table, frame.reset_index(drop=True), [display])
    return RawPackage(str(path), "workbook", tables, problems, [path])



def read_files(
    path: Path,
    known: set[str],
    limits: Limits = DEFAULT_LIMITS,
    written: dict[Path, KnownCSV] | None = None,
) -> RawPackage:
    """A package given as files: a folder (``written``: see :func:`read_folder`), or one
    workbook."""
    if path.is_dir():
        return read_folder(path, known, limits, written)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path, known, limits)
    raise ValueError(
        f"cannot read {path}: expected a package folder or an .xlsx workbook"
    )
