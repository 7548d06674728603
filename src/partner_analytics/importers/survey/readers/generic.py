"""A generic wide table (CSV or XLSX): one header row, one row per submission.

The submission id is the column the mapping names (``export: {id_column: ...}``), else a
column called id, response id, submission id or record id, else the row; the submission
time likewise (``export: {date_column: ...}``, else timestamp, submitted, date ...).
"""

from __future__ import annotations

import pandas as pd

from partner_analytics.importers.survey.model import SurveyExport
from partner_analytics.importers.survey.readers.common import (
    body_table,
    find_column,
    finish,
    parse_datetimes,
    submission_ids,
    unique_headers,
)

__all__ = ["DATE_HEADERS", "ID_HEADERS", "read_generic"]

ID_HEADERS = ("id", "response id", "response_id", "submission id", "submission_id", "record id",
              "respondent id", "respondent_id", "_id")
DATE_HEADERS = ("timestamp", "submitted", "submission date", "submission_date", "submitted_at",
                "date submitted", "end date", "enddate", "completed", "date")


def read_generic(grid: pd.DataFrame, display: str, options: dict, tool: str = "generic") -> SurveyExport:
    names, written = unique_headers(grid.iloc[0].tolist())
    main = body_table("main", display, grid, 1, names, written)
    export = SurveyExport(path=None, tool=tool, main=main)  # type: ignore[arg-type]
    id_col = options.get("id_column") or find_column(main, *ID_HEADERS)
    if id_col is not None and id_col in main.columns:
        main.columns[id_col].kind = "meta"
        main.columns[id_col].role = "submission_id"
        export.submission_id = submission_ids(main, id_col)
    date_col = options.get("date_column") or find_column(main, *DATE_HEADERS)
    if date_col is not None and date_col in main.columns:
        main.columns[date_col].kind = "meta"
        main.columns[date_col].role = "submitted_at"
        export.submitted_at, note = parse_datetimes(main.frame[date_col], dayfirst=options.get("dayfirst"))
        if note:
            export.notes.append(note)
    email = find_column(main, "email", "e-mail", "email address", "e-mail address")
    if email is not None:
        main.columns[email].kind = "meta"
        main.columns[email].role = "email"
        export.email_column = email
    return finish(export)
