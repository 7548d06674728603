"""KoboToolbox exports: XLSX (XML values or labels, repeat sheets, HXL row) and CSV (main only).

The main sheet is the one with ``_uuid`` / ``_submission_time`` and no ``_parent_index``;
each repeat group (nested ones too) has its own sheet, whose rows carry
``_parent_table_name``, ``_parent_index`` and ``_submission__uuid`` / ``_submission__id``.
A repeat row belongs to the submission whose ``_uuid`` is its ``_submission__uuid`` (Kobo's
``_index`` is renumbered by every export, so it links a row only to its parent sheet); where
the main sheet's ``_uuid`` is empty, ``_submission__id`` = ``_id`` links it.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from partner_analytics.importers.survey.cells import column_text
from partner_analytics.importers.survey.model import Diagnostic, SurveyExport, Table
from partner_analytics.importers.survey.readers.common import (
    body_table,
    find_column,
    finish,
    parse_datetimes,
    submission_ids,
    text_flags,
    unique_headers,
)

__all__ = ["KOBO_META", "SEPARATORS", "is_kobo_child", "read_kobo_csv", "read_kobo_xlsx"]

KOBO_META = {
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
    "_submitted_by", "__version__", "_version_", "_tags", "_index", "$edited", "start", "end",
    "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit",
    "_xform_id_string", "_attachments", "_geolocation", "formhub/uuid", "meta/instanceID",
    "meta/rootUuid", "meta/deprecatedID", "_media_all_received", "_total_media",
    "_submission_time_", "$edited_at",
}
CHILD_META = {"_index", "_parent_table_name", "_parent_index"}
SEPARATORS = ("/", ".", ":", "-")
_NOT_APPROVED = {"validation_status_not_approved", "not approved", "not_approved"}
_GEO_PART = re.compile(r"^_.+_(latitude|longitude|altitude|precision)$")


def is_kobo_child(names: list[str]) -> bool:
    return "_parent_index" in names or "_submission__uuid" in names or "_submission__id" in names


def _is_meta(name: str) -> bool:
    return name in KOBO_META or name in CHILD_META or name.startswith("_submission_")


def _separator(tables: list[Table], sheet_names: list[str]) -> str:
    """The group separator: the character after a repeat's name in its columns, else the
    character most headers are split by."""
    votes: Counter[str] = Counter()
    for t, sheet in zip(tables, sheet_names, strict=True):
        for c in t.columns:
            i = c.find(sheet)
            if i >= 0 and i + len(sheet) < len(c) and c[i + len(sheet)] in SEPARATORS:
                votes[c[i + len(sheet)]] += 3
    for t in tables:
        for c in t.columns:
            if _is_meta(c) or _GEO_PART.match(c):
                continue
            for sep in ("/", "."):
                if sep in c.strip(sep):
                    votes[sep] += 1
    return votes.most_common(1)[0][0] if votes else "/"


def _classify(table: Table, sep: str) -> None:
    names = set(table.columns)
    for name, col in table.columns.items():
        if _is_meta(name):
            col.kind = "meta"
            col.role = name
        elif _GEO_PART.match(name):
            col.kind = "part"
        else:
            col.code = name
            head, _, option = name.rpartition(sep)
            if head and head in names and option:
                col.kind = "option"  # a select_multiple's 0/1 column
                col.code = head


def _hxl(grid: pd.DataFrame) -> bool:
    if len(grid) < 2:
        return False
    row = [v for v in grid.iloc[1].tolist() if isinstance(v, str) and v.strip()]
    return bool(row) and all(v.strip().startswith("#") for v in row)


def _main_meta(export: SurveyExport) -> None:
    t = export.main
    uuid = find_column(t, "_uuid", "meta/instanceID")
    sid = find_column(t, "_id")
    export.submission_id = submission_ids(t, uuid)
    if sid is not None:
        ids = column_text(t.frame[sid])
        empty = np.array([u is None or str(u).startswith("row ") for u in export.submission_id])
        export.submission_id = np.where(empty & ~pd.isna(ids), ids, export.submission_id).astype(object)
    when = find_column(t, "_submission_time", "end", "start")
    if when is not None:
        export.submitted_at, note = parse_datetimes(t.frame[when])
        if note:
            export.notes.append(note)
    status = find_column(t, "_validation_status")
    if status is not None:
        export.flags["not_approved"] = text_flags(t.frame[status].to_numpy(), _NOT_APPROVED)
    version = find_column(t, "__version__", "_version_")
    if version is not None:
        export.version = column_text(t.frame[version])


def _first_positions(texts: np.ndarray) -> tuple[pd.Index, np.ndarray]:
    """The distinct texts of a column (None left out) and the position of each one's first row."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=True)
    given = codes >= 0
    _, first = np.unique(codes[given], return_index=True)
    return pd.Index(uniques, dtype=object), np.flatnonzero(given)[first]


def _lookup(texts: np.ndarray | None, n: int, index: tuple[pd.Index, np.ndarray] | None) -> np.ndarray:
    """For each text, the first row of the main table holding it; -1 where none does."""
    if texts is None or index is None:
        return np.full(n, -1, dtype=np.int64)
    uniques, first = index
    at = uniques.get_indexer(pd.Index(texts, dtype=object))
    return np.where(at >= 0, first[at], -1).astype(np.int64)


def _link(export: SurveyExport, by_sheet: dict[str, Table]) -> None:
    main = export.main
    uuid_col = find_column(main, "_uuid")
    id_col = find_column(main, "_id")
    by_uuid = _first_positions(column_text(main.frame[uuid_col])) if uuid_col is not None else None
    by_id = _first_positions(column_text(main.frame[id_col])) if id_col is not None else None
    index_of: dict[str, pd.Index] = {}
    for name, t in by_sheet.items():
        col = find_column(t, "_index")
        index_of[name] = pd.Index(pd.unique(column_text(t.frame[col])) if col is not None else [], dtype=object)
    for t in export.repeats.values():
        n = len(t)
        su = find_column(t, "_submission__uuid")
        si = find_column(t, "_submission__id")
        by_u = _lookup(column_text(t.frame[su]) if su is not None else None, n, by_uuid)
        by_i = _lookup(column_text(t.frame[si]) if si is not None else None, n, by_id)
        sub = np.where(by_u >= 0, by_u, by_i)
        t.submission = sub
        ptab = find_column(t, "_parent_table_name")
        pidx = find_column(t, "_parent_index")
        if ptab is not None and pidx is not None:
            parents = column_text(t.frame[ptab])
            pidx_v = column_text(t.frame[pidx])
            t.parent = next((p for p in parents if p is not None), None)
            ok = np.zeros(n, dtype=bool)
            for p in pd.unique(parents[pd.notna(parents)]):
                rows = parents == p
                if p in index_of:
                    known = index_of[p]
                    ok[rows] = pd.Index(pidx_v[rows], dtype=object).isin(known[known.notna()])
            t.has_parent = ok & (sub >= 0)
        else:
            t.has_parent = sub >= 0


def read_kobo_xlsx(grids: dict[str, pd.DataFrame], display: str, options: dict) -> SurveyExport:
    tables: list[Table] = []
    sheets: list[str] = []
    main: Table | None = None
    repeats: dict[str, Table] = {}
    hxl = False
    for sheet, grid in grids.items():
        if grid.empty:
            continue
        names, written = unique_headers(grid.iloc[0].tolist())
        header_rows = 1
        if _hxl(grid):
            header_rows, hxl = 2, True
        t = body_table(sheet, f"{display} [{sheet}]", grid, header_rows, names, written)
        tables.append(t)
        sheets.append(sheet)
        if is_kobo_child(names):
            repeats[sheet] = t
        elif main is None:
            main = t
    if main is None:
        raise ValueError(f"{display}: no sheet has Kobo's submission columns (_uuid, _submission_time)")
    sep = options.get("separator") or _separator(tables, sheets)
    for t in tables:
        _classify(t, sep)
    export = SurveyExport(path=None, tool="kobo", main=main, repeats=repeats, separator=sep)  # type: ignore[arg-type]
    if hxl:
        export.notes.append("the second row holds HXL hashtags; it was read as a header row")
    _main_meta(export)
    _link(export, {main.name: main, **repeats})
    _repeat_diagnostics(export)
    return finish(export)


def read_kobo_csv(grid: pd.DataFrame, display: str, options: dict) -> SurveyExport:
    names, written = unique_headers(grid.iloc[0].tolist())
    header_rows = 2 if _hxl(grid) else 1
    main = body_table("main", display, grid, header_rows, names, written)
    sep = options.get("separator") or _separator([main], ["main"])
    _classify(main, sep)
    export = SurveyExport(path=None, tool="kobo", main=main, separator=sep)  # type: ignore[arg-type]
    export.notes.append(
        "Kobo's CSV export holds the main table only: repeat groups are not in it. "
        "To import repeat groups, download the XLSX export (XML values and headers)."
    )
    _main_meta(export)
    return finish(export)


def _repeat_diagnostics(export: SurveyExport) -> None:
    for t in export.repeats.values():
        if t.has_parent is None:
            continue
        orphan = ~t.has_parent
        if orphan.any():
            rows = tuple(int(r) for r in t.rows[orphan])
            export.diagnostics.append(
                Diagnostic(
                    "orphan_repeat_row",
                    f"{int(orphan.sum())} row(s) of repeat '{t.name}' have no parent row in the "
                    "export (their submission or parent repeat row is absent); they are not imported",
                    table=t.display,
                    rows=rows,
                )
            )

