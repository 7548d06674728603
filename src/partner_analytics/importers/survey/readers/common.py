"""Helpers every tool's reader shares: headers, tables, dates, grids, damaged text."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from partner_analytics.importers.survey.cells import cell_text, column_text
from partner_analytics.importers.survey.model import Column, Diagnostic, SurveyExport, Table

__all__ = [
    "body_table",
    "damaged",
    "find_column",
    "finish",
    "header_diagnostics",
    "mark_grids",
    "parse_datetimes",
    "row_ids",
    "split_grid",
    "submission_ids",
    "text_flags",
    "unique_headers",
]

_GRID = re.compile(r"^(?P<title>.*\S)\s*\[(?P<row>[^\[\]]*)\]\s*$")
_AUTO_HEADER = re.compile(r"^(?:Column\s?\d+|Unnamed: \d+|\(blank column \d+\)|Field\d+|F\d+)$", re.IGNORECASE)
# text decoded with the wrong code page: UTF-8 bytes read as Windows-1252 / Latin-1
_MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ¡-¿]|â€[\u0080-\u00bf™œž“”˜¦¢]|Â[\u00a0-\u00bf]|\ufffd")


def unique_headers(cells: Sequence[object]) -> tuple[list[str], list[str]]:
    """Header cells -> (unique names, headers as written).

    A blank header becomes ``(blank column N)`` (N counts from 1); a repeated header gets
    `` (2)``, `` (3)`` ... in the order of the file.
    """
    written = [cell_text(c) or "" for c in cells]
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(written):
        name = h if h else f"(blank column {i + 1})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
            while name in seen:
                name += "'"
        seen.setdefault(name, 1)
        names.append(name)
    return names, written


def body_table(
    name: str,
    display: str,
    grid: pd.DataFrame,
    header_rows: int,
    names: list[str],
    written: list[str],
) -> Table:
    """The records under ``header_rows`` header rows, named by ``names``."""
    body = grid.iloc[header_rows:]
    # cells stay Python objects as read (no conversion of text columns to Arrow strings:
    # each column is factorised once where it is used)
    frame = pd.DataFrame(body.to_numpy(dtype=object), columns=names, dtype=object)
    if frame.shape[1] < len(names):  # pragma: no cover - pandas pads
        frame = frame.reindex(columns=names)
    cols = {
        n: Column(name=n, header=w if w != n else None) for n, w in zip(names, written, strict=True)
    }
    return Table(name=name, display=display, frame=frame, rows=np.asarray(body.index, dtype=np.int64), columns=cols)


def find_column(table: Table, *candidates: str) -> str | None:
    """The first column whose name equals one of the candidates, ignoring case and spaces."""
    want = {re.sub(r"\s+", " ", c.strip().lower()): i for i, c in enumerate(candidates)}
    best = None
    for name in table.columns:
        key = re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().lower())
        if key in want and (best is None or want[key] < best[0]):
            best = (want[key], name)
    return best[1] if best else None


# Date formats tried on a column of text dates, the first that reads every value wins.
_FORMATS = (
    "%Y/%m/%d %I:%M:%S %p",  # Google Forms page CSV (time zone word removed)
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M:%S %p",
    "%m/%d/%y %H:%M:%S",
    "%d/%m/%y %H:%M:%S",
    "%m/%d/%y %I:%M:%S %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%m/%d/%y %H:%M",
    "%b %d, %Y %I:%M:%S %p",  # SurveyCTO
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
)
_TZ_WORD = re.compile(r"\s+(?!(?:AM|PM)$)(?:[A-Z]{2,5}|GMT[+-]\d{1,2}(?::?\d\d)?|UTC[+-]\d{1,2}(?::?\d\d)?)$")


def parse_datetimes(values: Iterable[object], *, dayfirst: bool | None = None) -> tuple[pd.DatetimeIndex, str | None]:
    """Dates and times of a column: typed cells, ISO text, or one of the tools' formats.

    Returns the times (NaT where a cell is empty or unreadable) and a note when the format
    was ambiguous (both month-first and day-first read every value).
    """
    series = pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    parsed: list[object] = [pd.NaT] * len(uniques)
    texts: dict[int, str] = {}
    # a workbook's typed times: converted together (those a nanosecond time surely holds)
    plain = [i for i, u in enumerate(uniques) if type(u) is datetime and u.tzinfo is None and _EARLY <= u <= _LATE]
    for i, u in enumerate(uniques):
        if plain and type(u) is datetime and u.tzinfo is None and _EARLY <= u <= _LATE:
            continue
        if isinstance(u, datetime | pd.Timestamp):
            ts = pd.Timestamp(u)
            parsed[i] = ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts
        elif isinstance(u, date):
            parsed[i] = pd.Timestamp(u)
        elif isinstance(u, float) and not math.isnan(u) and 20000 < u < 80000:
            parsed[i] = pd.Timestamp("1899-12-30") + pd.Timedelta(days=u)  # an Excel serial
        else:
            t = cell_text(u)
            if t:
                texts[i] = t
    note = None
    if texts:
        keys = list(texts)
        raw = pd.Series([texts[k] for k in keys])
        iso = pd.to_datetime(raw, format="ISO8601", errors="coerce", utc=True)
        got = iso.dt.tz_localize(None)
        if got.isna().any():
            stripped = raw.str.replace(_TZ_WORD, "", regex=True).str.replace(r"\.\d+$", "", regex=True)
            formats = list(_FORMATS)
            if dayfirst:
                formats.sort(key=lambda f: not f.startswith("%d"))
            results = [(fmt, pd.to_datetime(stripped, format=fmt, errors="coerce")) for fmt in formats]
            fits = [fmt for fmt, r in results if r.notna().all()]
            if fits:
                best = dict(results)[fits[0]]
                other = [f for f in fits if f[:2] in ("%m", "%d") and f[:2] != fits[0][:2]]
                if dayfirst is None and fits[0][:2] in ("%m", "%d") and other:
                    note = (
                        f"dates such as '{raw.iloc[0]}' were read {'month' if fits[0][:2] == '%m' else 'day'} "
                        "first; if the tool wrote them the other way, set `export: {dayfirst: "
                        f"{'true' if fits[0][:2] == '%m' else 'false'}}}` in the mapping"
                    )
            else:
                best = max(results, key=lambda fr: int(fr[1].notna().sum()))[1]
            got = got.fillna(best)
        for k, v in zip(keys, got, strict=True):
            parsed[k] = v
    table = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
    if plain:
        table[plain] = np.array([uniques[i] for i in plain], dtype="datetime64[us]").astype("datetime64[ns]")
    rest = [i for i in range(len(uniques)) if parsed[i] is not pd.NaT]
    if rest:
        table[rest] = pd.DatetimeIndex([parsed[i] for i in rest], dtype="datetime64[ns]").to_numpy()
    return pd.DatetimeIndex(table.take(codes)), note


_EARLY, _LATE = datetime(1678, 1, 1), datetime(2261, 12, 31)


def split_grid(name: str) -> tuple[str, str] | None:
    """``Title [Row]`` -> (title, row); None for other headers."""
    m = _GRID.match(name)
    if not m or not m.group("row").strip():
        return None
    return m.group("title").strip(), m.group("row").strip()


def mark_grids(table: Table) -> None:
    """Mark ``Title [Row]`` columns as grid rows when two or more share the title."""
    found: dict[str, list[str]] = {}
    for c in table.columns.values():
        if c.kind != "question":
            continue
        g = split_grid(c.text or c.name)
        if g:
            found.setdefault(g[0], []).append(c.name)
    for names in found.values():
        if len(names) >= 2:
            for n in names:
                table.columns[n].grid = split_grid(table.columns[n].text or n)


def damaged(text: str) -> str | None:
    """What is wrong with a piece of text, or None: a byte-order mark, mojibake."""
    if "\ufeff" in text:
        return "contains a byte-order mark (U+FEFF)"
    if _MOJIBAKE.search(text):
        return "looks like text decoded with the wrong code page (mojibake)"
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return "contains control characters"
    return None


def header_diagnostics(export: SurveyExport) -> None:
    """Edited headers (blank, spreadsheet auto-names) and damaged header text."""
    for t in [export.main, *export.repeats.values()]:
        auto = [c.name for c in t.columns.values() if _AUTO_HEADER.match(c.name.strip())]
        if auto:
            export.diagnostics.append(
                Diagnostic(
                    "edited_header",
                    f"{len(auto)} column(s) have no header of the tool's own "
                    f"({', '.join(auto[:5])}{' ...' if len(auto) > 5 else ''}): the header row "
                    "was edited (e.g. in Excel) or a column was added; map them by these names",
                    table=t.display,
                    column=auto[0],
                )
            )
        for c in t.columns.values():
            what = damaged(c.header or c.name)
            if what:
                export.diagnostics.append(
                    Diagnostic("damaged_text", f"the header {what}", table=t.display, column=c.name,
                               value=repr(c.header or c.name))
                )
        dup = [c.name for c in t.columns.values() if c.header and c.header != c.name and c.header.strip()]
        if dup:
            export.diagnostics.append(
                Diagnostic(
                    "duplicate_header",
                    f"{len(dup)} header(s) appear more than once; later ones are named "
                    f"{', '.join(repr(d) for d in dup[:3])}{' ...' if len(dup) > 3 else ''}",
                    table=t.display,
                    column=dup[0],
                )
            )


def text_flags(values: np.ndarray | None, words: set[str]) -> np.ndarray | None:
    """True where a cell's text (lower case) is one of ``words``."""
    if values is None:
        return None
    texts = column_text(values)
    return np.array([t is not None and t.strip().lower() in words for t in texts], dtype=bool)


def row_ids(table: Table) -> np.ndarray:
    return np.array([f"row {r}" for r in table.rows], dtype=object)


def submission_ids(table: Table, column: str | None) -> np.ndarray:
    """The tool's submission id per row (text), ``row N`` where it is absent or empty."""
    rows = row_ids(table)
    if column is None:
        return rows
    texts = column_text(table.frame[column])
    return np.where(pd.isna(texts), rows, texts).astype(object)


def finish(export: SurveyExport, *, grids: bool = True) -> SurveyExport:
    """Common last steps: grid columns, header diagnostics, form versions."""
    if grids:
        mark_grids(export.main)
    header_diagnostics(export)
    if export.version is not None:
        versions = pd.Series(export.version).dropna()
        versions = versions[versions.astype(str).str.strip() != ""]
        counts = versions.value_counts(sort=False)
        if len(counts) > 1:
            export.diagnostics.append(
                Diagnostic(
                    "form_versions",
                    f"submissions come from {len(counts)} form versions ("
                    + ", ".join(f"{v}: {n}" for v, n in counts.items())
                    + "); a question changed between versions may be absent or worded "
                    "differently in some submissions",
                )
            )
    if export.submitted_at is None:
        export.submitted_at = pd.DatetimeIndex([pd.NaT] * len(export.main), dtype="datetime64[ns]")
    if export.submission_id is None:
        export.submission_id = row_ids(export.main)
    return export
