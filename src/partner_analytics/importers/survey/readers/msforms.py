"""Microsoft Forms' XLSX: ``ID, Start time, Completion time, Email, Name`` then the questions.

``anonymous`` in Email and Name when responses are anonymous; quizzes add ``Total points``,
``Quiz feedback`` and per question ``Points - Q`` and ``Feedback - Q``; multiple choices are
joined by ";" with a trailing ";".
"""

from __future__ import annotations

import pandas as pd

from partner_analytics.importers.survey.cells import column_text
from partner_analytics.importers.survey.model import SurveyExport
from partner_analytics.importers.survey.readers.common import (
    body_table,
    find_column,
    finish,
    parse_datetimes,
    submission_ids,
    unique_headers,
)

__all__ = ["read_ms_forms"]

META = {"id", "start time", "completion time", "email", "name", "last modified time",
        "total points", "quiz feedback"}


def read_ms_forms(grid: pd.DataFrame, display: str, options: dict) -> SurveyExport:
    names, written = unique_headers(grid.iloc[0].tolist())
    main = body_table("main", display, grid, 1, names, written)
    for n, c in main.columns.items():
        low = n.strip().lower()
        if low in META or low.startswith(("points - ", "feedback - ")):
            c.kind, c.role = "meta", low
    email = find_column(main, "Email")
    export = SurveyExport(path=None, tool="ms_forms", main=main, email_column=email)  # type: ignore[arg-type]
    export.submission_id = submission_ids(main, find_column(main, "ID"))
    when = find_column(main, "Completion time", "Start time")
    if when is not None:
        export.submitted_at, note = parse_datetimes(main.frame[when], dayfirst=options.get("dayfirst"))
        if note:
            export.notes.append(note)
    if email is not None:
        texts = column_text(main.frame[email])
        anon = sum(1 for t in texts if t is not None and t.lower() == "anonymous")
        if anon:
            export.notes.append(f"{anon} response(s) are anonymous (Email is 'anonymous')")
    return finish(export)
