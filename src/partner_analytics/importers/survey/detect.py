"""Which tool wrote an export, from its header rows; and reading it with that tool's reader.

Rules, in order (the first that holds wins):

1. ``{"ImportId"`` in row 2 or 3, or the legacy ``V1, V2`` + ``ResponseID`` rows: qualtrics
2. ``Respondent ID`` and ``Collector ID``: surveymonkey
3. ``ID, Start time, Completion time``: ms_forms
4. ``_uuid``, ``_submission_time``, ``_parent_index`` or ``_submission__uuid`` in any sheet: kobo
5. ``SubmissionDate`` and ``KEY`` (with ``formdef_version`` or ``review_status``: surveycto):
   odk_central; ``PARENT_KEY`` and ``KEY`` alone: a repeat file of either
6. ``submitdate, lastpage, startlanguage`` (or their texts), or three or more ``code[SQ]``
   headers: limesurvey
7. the first header is ``Timestamp`` (or its translation): google_forms
8. anything else: generic
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from partner_analytics.errors import InputFileError
from partner_analytics.importers.survey.cells import cell_text, read_csv_grid, read_xlsx_grids
from partner_analytics.importers.survey.files import read_named_bytes, zip_members
from partner_analytics.importers.survey.model import TOOLS, SurveyExport
from partner_analytics.importers.survey.readers.generic import read_generic
from partner_analytics.importers.survey.readers.google import TIMESTAMP_HEADERS, read_google_forms
from partner_analytics.importers.survey.readers.kobo import (
    is_kobo_child,
    read_kobo_csv,
    read_kobo_xlsx,
)
from partner_analytics.importers.survey.readers.limesurvey import (
    CODE,
    CODE_AND_TEXT,
    read_limesurvey,
)
from partner_analytics.importers.survey.readers.msforms import read_ms_forms
from partner_analytics.importers.survey.readers.odk import is_main_file, is_repeat_file, read_odk
from partner_analytics.importers.survey.readers.qualtrics import (
    is_qualtrics,
    is_qualtrics_legacy,
    read_qualtrics,
)
from partner_analytics.importers.survey.readers.surveymonkey import read_surveymonkey

__all__ = ["SUFFIXES", "detect_tool", "load_grids", "read_export"]

SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".zip", ".sav")
_KOBO = {"_uuid", "_submission_time", "_parent_index", "_submission__uuid", "_submission__id"}
_LIME_META = ({"submitdate", "lastpage", "startlanguage"}, {"date submitted", "last page", "start language"})


def load_grids(path: Path) -> tuple[dict[str, pd.DataFrame], str, str]:
    """The file's grids (sheet or member name -> grid), its kind (xlsx, csv, zip, sav) and sha256."""
    suffix = path.suffix.lower()
    display = path.name
    if suffix not in SUFFIXES:
        raise InputFileError(
            f"{display}: unsupported file type '{suffix}': expected a survey export "
            "(.xlsx, .csv, .zip of CSV files, or .sav)"
        )
    if suffix == ".sav":
        from partner_analytics.importers.survey.readers.spss import read_sav_grid

        grid, labels = read_sav_grid(path, display)
        sha = hashlib.sha256(read_named_bytes(path, "survey export")).hexdigest()
        grid.attrs["labels"] = labels
        return {path.stem: grid}, "sav", sha
    data = read_named_bytes(path, "survey export")
    sha = hashlib.sha256(data).hexdigest()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_grids(data, display), "xlsx", sha
    if suffix == ".zip":
        members = zip_members(data, display, ".csv")
        if not members:
            raise InputFileError(f"{display}: the zip holds no .csv file")
        return {name: read_csv_grid(content, f"{display} [{name}]")[0] for name, content in members.items()}, "zip", sha
    return {path.name: read_csv_grid(data, display, "\t" if suffix == ".tsv" else None)[0]}, "csv", sha


def _headers(grid: pd.DataFrame) -> list[str]:
    if grid.empty:
        return []
    return [(cell_text(v) or "").replace("\ufeff", "").strip() for v in grid.iloc[0].tolist()]


def detect_tool(grids: dict[str, pd.DataFrame]) -> str:
    """The tool that wrote an export (one of TOOLS), from the grids' header rows."""
    sheets = [g for g in grids.values() if not g.empty]
    if not sheets:
        return "generic"
    first = sheets[0]
    names = _headers(first)
    if is_qualtrics(first) or is_qualtrics_legacy(first):
        return "qualtrics"
    if "ResponseId" in names and "Finished" in names and "Status" in names:
        return "qualtrics"  # an SPSS file from Qualtrics: no header rows of its own
    if "Respondent ID" in names and "Collector ID" in names:
        return "surveymonkey"
    if [n.lower() for n in names[:3]] == ["id", "start time", "completion time"]:
        return "ms_forms"
    all_names = [_headers(g) for g in sheets]
    if any(_KOBO & set(h) or is_kobo_child(h) for h in all_names):
        return "kobo"
    for h in all_names:
        if is_main_file(h):
            return "surveycto" if {"formdef_version", "review_status"} & set(h) else "odk_central"
    if any(is_repeat_file(h) for h in all_names):
        return "surveycto" if any("formdef_version" in h for h in all_names) else "odk_central"
    low = {n.lower() for n in names}
    codes = [n for n in names if CODE.match(n) or (CODE_AND_TEXT.match(n) and "[" in n.split(".", 1)[0])]
    texts = {m.group("code").lower() for n in names if (m := CODE_AND_TEXT.match(n))}
    if any(meta <= (low | texts) for meta in _LIME_META) or len(codes) >= 3:
        return "limesurvey"
    if names and names[0] in TIMESTAMP_HEADERS:
        return "google_forms"
    return "generic"


def _first_sheet(grids: dict[str, pd.DataFrame], options: dict) -> tuple[str, pd.DataFrame]:
    want = options.get("sheet")
    if want is not None:
        if want not in grids:
            raise InputFileError(f"no sheet named {want!r}: the workbook has {', '.join(grids)}")
        return want, grids[want]
    for name, g in grids.items():
        if not g.empty:
            return name, g
    raise InputFileError("the export has no data: every sheet is empty")


def read_export(path: str | Path, *, tool: str | None = None, options: dict | None = None) -> SurveyExport:
    """Read a survey export with its tool's reader (detected unless ``tool`` is given).

    ``options`` (the mapping's ``export:`` section): ``separator`` (Kobo group separator),
    ``dayfirst``, ``sheet``, ``id_column``, ``date_column``.
    """
    path = Path(path)
    options = dict(options or {})
    grids, kind, sha = load_grids(path)
    found = detect_tool(grids)
    tool = tool or found
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}: expected one of {', '.join(TOOLS)}")
    display = path.name
    if kind == "sav":
        grid = next(iter(grids.values()))
        labels = grid.attrs.get("labels", {})
        if tool == "qualtrics":  # give the reader its three header rows
            heads = grid.iloc[0].tolist()
            extra = pd.DataFrame(
                [[labels.get(h, h) for h in heads], [json.dumps({"ImportId": h}) for h in heads]], dtype=object
            )
            grid = pd.concat([grid.iloc[:1], extra, grid.iloc[1:]], ignore_index=True)
            grid.index = range(1, len(grid) + 1)
            grids = {path.stem: grid}
    if tool == "kobo":
        export = read_kobo_xlsx(grids, display, options) if kind == "xlsx" else read_kobo_csv(
            _first_sheet(grids, options)[1], display, options
        )
    elif tool in ("odk_central", "surveycto"):
        export = read_odk(grids, display, options, tool)
    else:
        sheet, grid = _first_sheet(grids, options)
        shown = f"{display} [{sheet}]" if kind == "xlsx" else display
        reader = {
            "google_forms": read_google_forms,
            "ms_forms": read_ms_forms,
            "limesurvey": read_limesurvey,
            "qualtrics": read_qualtrics,
            "surveymonkey": read_surveymonkey,
        }.get(tool)
        export = reader(grid, shown, options) if reader else read_generic(grid, shown, options)
        if kind == "xlsx":
            others = [n for n, g in grids.items() if n != sheet and not g.empty]
            if others:
                export.notes.append(f"sheet(s) not read: {', '.join(others)} (only '{sheet}' holds the responses)")
    if kind == "sav":
        labels = next(iter(grids.values())).attrs.get("labels", {})
        for c in export.main.columns.values():
            if c.text is None and c.name in labels:
                c.text = labels[c.name]
    if found != tool:
        export.notes.append(f"read as {tool} (the headers look like {found})")
    export.path = path
    export.sha256 = sha
    return export


def describe(export: SurveyExport) -> list[str]:
    """Lines saying what an export holds (the first is ``tool: NAME``)."""
    lines = [f"tool: {export.tool}", f"submissions: {export.n_submissions}"]
    kinds = export.columns_by_kind()
    lines.append("columns: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    if export.separator:
        lines.append(f"group separator: {export.separator!r}")
    for name, t in export.repeats.items():
        lines.append(f"repeat {name}: {len(t)} row(s), {len(t.question_columns())} question column(s)")
    for reason, flags in export.flags.items():
        n = int(flags.sum()) if flags is not None else 0
        if n:
            lines.append(f"{reason}: {n} submission(s)")
    lines += [f"note: {n}" for n in export.notes]
    return lines


