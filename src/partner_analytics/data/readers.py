"""Files -> raw frames of text, each row remembering its source file and spreadsheet row.

Every cell is read as text (the user's own spelling) so that a problem can quote it; types
are coerced later by :mod:`partner_analytics.data.validate`. Row numbers are those a
spreadsheet user sees: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["RawTable", "RawPackage", "read_package", "normalize_header", "TABLE_FILE_SUFFIXES"]

TABLE_FILE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")
FILE_COL = "_file"
ROW_COL = "_row"


@dataclass
class RawTable:
    """One table as read: text cells plus ``_file`` and ``_row``; ``decimal_comma`` per row."""

    name: str
    frame: pd.DataFrame
    files: list[str] = field(default_factory=list)
    decimal_comma: set[str] = field(default_factory=set)  # files written with decimal commas


@dataclass
class RawPackage:
    source: str
    kind: str  # folder | workbook | store
    tables: dict[str, RawTable]
    problems: list[dict]
    files: list[Path] = field(default_factory=list)  # every input file (for provenance)


def normalize_header(name: object) -> str:
    """Column names match case-insensitively after trimming; inner spaces become ``_``.

    >>> normalize_header("  Partner ID ")
    'partner_id'
    """
    s = str(name).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", s)


def _problem(table, file, message, *, severity="error", row=None, column=None, value=None):
    return {
        "severity": severity,
        "table": table,
        "file": file,
        "row": row,
        "column": column,
        "value": value,
        "message": message,
    }


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 with BOM, UTF-8, else Windows-1252 / Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


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


def _finish(frame: pd.DataFrame, file: str, first_row: int) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = [normalize_header(c) for c in frame.columns]
    frame[FILE_COL] = pd.Categorical.from_codes([0] * len(frame), categories=[file]) if len(frame) else file
    frame[ROW_COL] = np.arange(first_row, first_row + len(frame), dtype="int64")
    return frame


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose every cell is empty are not data (a spreadsheet's trailing blank lines)."""
    blank = None
    for i, c in enumerate(frame.columns):
        if c in (FILE_COL, ROW_COL):
            continue
        col = frame.iloc[:, i]  # by position: two headers may normalise to one name
        if col.dtype != "str":
            col = col.astype("str")
        b = col.isna() | (col.str.strip() == "")
        blank = b if blank is None else (blank & b)
        if not blank.any():
            return frame
    return frame if blank is None else frame[~blank]


def _guess_encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8"


def _read_csv_arrow(path: Path, head: bytes, delim: str, encoding: str) -> pd.DataFrame | None:
    """Fast path for UTF-8 files: pyarrow parses straight into string columns.

    Returns None (and the pandas parser takes over) for anything unusual: bytes that are
    not UTF-8, a ragged line, duplicate header names. Blank lines stay as rows of empty
    strings, so row numbers are the spreadsheet's.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text = head.decode(encoding, errors="replace")
    try:
        header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")], delimiter=delim))
    except (csv.Error, StopIteration):
        return None
    header = [h.replace("\ufeff", "") for h in header]
    if len(set(header)) != len(header) or not header:
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=header, skip_rows=1, encoding="utf8", block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delim, ignore_empty_lines=False, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError):
        return None
    text_dtype = pd.StringDtype("pyarrow", na_value=float("nan"))
    return table.to_pandas(types_mapper=lambda t: text_dtype if t == pa.string() else None)


def read_csv_file(path: Path, table: str, display: str, problems: list[dict]):
    """A CSV file as text cells. The file is parsed from disk (never held as one string):
    the encoding is UTF-8 (BOM or not), else Windows-1252, else Latin-1; the delimiter is
    sniffed from the header line."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip() and size <= len(head):
        problems.append(
            _problem(table, display, "the file is empty: expected a header row naming the columns")
        )
        return None, False
    first = _guess_encoding(head)
    delim = sniff_delimiter(decode_bytes(head)[0])
    frame = _read_csv_arrow(path, head, delim, first) if first != "utf-16" else None
    encodings = [] if frame is not None else list(dict.fromkeys([first, "cp1252", "latin-1"]))
    for encoding in encodings:
        try:
            frame = pd.read_csv(
                path,
                sep=delim,
                dtype="str",
                keep_default_na=False,
                na_values=[],
                skip_blank_lines=False,
                engine="c",
                encoding=encoding,
                encoding_errors="strict",
            )
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, ValueError, csv.Error) as exc:
            msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            m = re.search(r"line (\d+)", msg)
            problems.append(
                _problem(
                    table,
                    display,
                    f"cannot read the file as {'semicolon' if delim == ';' else 'comma'}-separated "
                    f"text: {msg}",
                    row=int(m.group(1)) if m else None,
                )
            )
            return None, False
    if frame is None:  # pragma: no cover - latin-1 decodes every byte
        problems.append(_problem(table, display, "cannot decode the file: expected UTF-8 or Latin-1 text"))
        return None, False
    frame.columns = [str(c).replace("\ufeff", "") for c in frame.columns]
    frame = _finish(frame, display, 2)
    return _drop_blank_rows(frame), delim == ";"


def _sheet_to_frame(raw: pd.DataFrame, display: str) -> pd.DataFrame | None:
    """A sheet read with header=None -> frame with header from its first non-empty row."""
    raw = raw.dropna(how="all", axis=0)
    if raw.empty:
        return None
    raw = raw.dropna(how="all", axis=1)
    header_pos = raw.index[0]
    header = [normalize_header(v) if pd.notna(v) else "" for v in raw.loc[header_pos]]
    body = raw.loc[raw.index > header_pos]
    frame = pd.DataFrame(body.values, columns=header).astype("object")
    frame = frame.loc[:, [h != "" for h in header]]
    frame = frame.map(_cell_text)
    frame[FILE_COL] = display
    frame[ROW_COL] = [int(i) + 1 for i in body.index]  # sheet rows are 0-based in pandas
    return frame


def _cell_text(v: object) -> object:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return pd.NA
    if isinstance(v, pd.Timestamp) or hasattr(v, "isoformat"):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_excel_sheets(path: Path, display: str, problems: list[dict], table: str | None):
    """Every non-empty sheet of a workbook as {sheet name: frame}."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        problems.append(
            _problem(table, display, f"cannot read the file as an Excel workbook (.xlsx): {exc}")
        )
        return None
    out = {}
    for sheet, raw in sheets.items():
        frame = _sheet_to_frame(raw, f"{display} [{sheet}]")
        if frame is not None:
            out[sheet] = frame
    return out


def read_table_file(path: Path, table: str, display: str, problems: list[dict]):
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv_file(path, table, display, problems)
    if suffix in (".xlsx", ".xlsm"):
        sheets = read_excel_sheets(path, display, problems, table)
        if sheets is None:
            return None, False
        if not sheets:
            problems.append(
                _problem(table, display, "the workbook has no data: expected a header row")
            )
            return None, False
        names = list(sheets)
        chosen = table if table in sheets else names[0]
        for other in names:
            if other != chosen:
                problems.append(
                    _problem(
                        table,
                        display,
                        f"sheet '{other}' was not read: a table file uses one sheet "
                        f"('{chosen}')",
                        severity="warning",
                    )
                )
        return sheets[chosen], False
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several kinds for a broken file
            problems.append(_problem(table, display, f"cannot read the file as Parquet: {exc}"))
            return None, False
        frame = frame.map(_cell_text) if len(frame) else frame.astype("object")
        return _finish(frame, display, 2), False
    problems.append(
        _problem(
            table,
            display,
            f"unsupported file type '{suffix}': expected .csv, .xlsx or .parquet",
            severity="warning",
        )
    )
    return None, False


def _stack(name: str, parts: list[tuple[pd.DataFrame, bool]], files: list[str]) -> RawTable:
    frames = [f for f, _ in parts]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame.reset_index(drop=True)
    comma = {f[FILE_COL].iloc[0] for f, dc in parts if dc and len(f)}
    return RawTable(name=name, frame=frame, files=files, decimal_comma=comma)


def read_folder(root: Path, known: set[str]) -> RawPackage:
    problems: list[dict] = []
    collected: dict[str, list] = {}
    files: dict[str, list[str]] = {}
    all_files: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "~$", "_")):
            continue
        if entry.is_dir():
            table = normalize_header(entry.name)
            members = sorted(
                p
                for p in entry.rglob("*")
                if p.is_file() and not p.name.startswith((".", "~$"))
            )
        else:
            table = normalize_header(entry.stem)
            members = [entry]
        if entry.is_file() and entry.suffix.lower() not in TABLE_FILE_SUFFIXES:
            if entry.suffix.lower() not in (".md", ".json", ".yml", ".yaml"):
                problems.append(
                    _problem(
                        None,
                        entry.name,
                        f"file '{entry.name}' was not read: not a .csv, .xlsx or .parquet file",
                        severity="warning",
                    )
                )
            continue
        if table not in known:
            problems.append(
                _problem(
                    None,
                    entry.name,
                    f"'{entry.name}' does not name a table and was not read; tables are: "
                    + ", ".join(sorted(known)),
                    severity="warning",
                )
            )
            continue
        for path in members:
            display = str(path.relative_to(root))
            all_files.append(path)
            frame, comma = read_table_file(path, table, display, problems)
            if frame is None:
                continue
            collected.setdefault(table, []).append((frame, comma))
            files.setdefault(table, []).append(display)
    tables = {t: _stack(t, parts, files[t]) for t, parts in collected.items()}
    return RawPackage(str(root), "folder", tables, problems, all_files)


def read_workbook(path: Path, known: set[str]) -> RawPackage:
    problems: list[dict] = []
    sheets = read_excel_sheets(path, path.name, problems, None)
    tables: dict[str, RawTable] = {}
    for sheet, frame in (sheets or {}).items():
        table = normalize_header(sheet)
        if table not in known:
            problems.append(
                _problem(
                    None,
                    f"{path.name} [{sheet}]",
                    f"sheet '{sheet}' does not name a table and was not read; tables are: "
                    + ", ".join(sorted(known)),
                    severity="warning",
                )
            )
            continue
        tables[table] = RawTable(table, frame.reset_index(drop=True), [f"{path.name} [{sheet}]"])
    return RawPackage(str(path), "workbook", tables, problems, [path])


def read_package(path: str | Path, known: set[str]) -> RawPackage:
    """Read a package folder, a workbook, a single table file's folder, or a DuckDB store."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such package: {path}")
    if path.is_dir():
        return read_folder(path, known)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_workbook(path, known)
    if suffix in (".duckdb", ".db", ".ddb"):
        from partner_analytics.data.store import read_store_raw

        return read_store_raw(path, known)
    raise ValueError(
        f"cannot read {path}: expected a package folder, an .xlsx workbook or a .duckdb store"
    )
