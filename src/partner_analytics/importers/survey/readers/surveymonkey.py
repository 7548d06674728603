"""SurveyMonkey XLSX/CSV: two header rows, or the one left after cleaning it in Excel.

Row 1 holds the meta names (``Respondent ID, Collector ID, Start Date, End Date, IP Address,
Email Address, First Name, Last Name, Custom Data 1``) and each question's text in the first
column of its block only; row 2 holds ``Response``, ``Open-Ended Response``, an option's
text or a matrix row's label. A column is named ``Question`` or ``Question [Row 2 label]``.
When row 2 was deleted (its first cell, under Respondent ID, is not empty), row 1 is the
only header and Excel's ``Column2``-style names are kept as written.
"""

from __future__ import annotations

import pandas as pd

from partner_analytics.importers.survey.cells import cell_text, column_text
from partner_analytics.importers.survey.model import SurveyExport
from partner_analytics.importers.survey.readers.common import (
    body_table,
    find_column,
    finish,
    mark_grids,
    parse_datetimes,
    submission_ids,
    unique_headers,
)

__all__ = ["META", "read_surveymonkey"]

META = {
    "Respondent ID": "submission_id", "Collector ID": "collector", "Start Date": "started_at",
    "End Date": "submitted_at", "IP Address": "ip", "Email Address": "email",
    "First Name": "first_name", "Last Name": "last_name", "Custom Data 1": "custom",
    "Custom Data": "custom",
}
_PLAIN = {"", "response", "open-ended response"}


def read_surveymonkey(grid: pd.DataFrame, display: str, options: dict) -> SurveyExport:
    first = [cell_text(v) or "" for v in grid.iloc[0].tolist()]
    id_pos = next((i for i, h in enumerate(first) if h == "Respondent ID"), 0)
    two_rows = len(grid) > 1 and not (cell_text(grid.iloc[1].iloc[id_pos]) or "")
    heads = first
    if two_rows:
        second = [cell_text(v) or "" for v in grid.iloc[1].tolist()]
        heads, question = [], ""
        for h, sub in zip(first, second, strict=True):
            if h in META:
                heads.append(h)
                question = ""
                continue
            if h:
                question = h
            heads.append(question if sub.strip().lower() in _PLAIN else f"{question} [{sub}]")
    names, written = unique_headers(heads)
    main = body_table("main", display, grid, 2 if two_rows else 1, names, written)
    for n, c in main.columns.items():
        if n in META:
            c.kind, c.role = "meta", META[n]
    mark_grids(main)
    export = SurveyExport(path=None, tool="surveymonkey", main=main, email_column=find_column(main, "Email Address"))  # type: ignore[arg-type]
    if not two_rows:
        export.notes.append(
            "one header row: the second header row (Response, option and matrix-row labels) "
            "was removed, as after cleaning the export in Excel"
        )
    export.submission_id = submission_ids(main, find_column(main, "Respondent ID"))
    when = find_column(main, "End Date", "Start Date")
    if when is not None:
        export.submitted_at, note = parse_datetimes(main.frame[when], dayfirst=options.get("dayfirst"))
        if note:
            export.notes.append(note)
    coll = find_column(main, "Collector ID")
    if coll is not None:
        export.collector = column_text(main.frame[coll])
    return finish(export, grids=False)
