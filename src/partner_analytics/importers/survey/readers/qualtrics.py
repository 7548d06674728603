"""Qualtrics CSV/TSV: three header rows (export tags; question texts in the survey's UI
language; ``{"ImportId":"QID5_1"}``), or the legacy two-row shape (``V1..V10`` and texts).

Meta columns: ``StartDate, EndDate, Status, IPAddress, Progress, Duration (in seconds),
Finished, RecordedDate, ResponseId ...``. ``Status`` marks previews, tests and spam (as text,
"Survey Preview", or as the numeric code); ``Finished`` 0 marks a partial response, whose
``Progress`` (percent) says how far it went. A matrix row is ``Q5_1`` with the text
``Question - Statement``.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from partner_analytics.importers.survey.cells import cell_text, column_text
from partner_analytics.importers.survey.model import SurveyExport
from partner_analytics.importers.survey.readers.common import (
    body_table,
    finish,
    parse_datetimes,
    submission_ids,
    unique_headers,
)

__all__ = ["is_qualtrics", "is_qualtrics_legacy", "read_qualtrics"]

META = {
    "StartDate": "started_at", "EndDate": "ended_at", "Status": "status", "IPAddress": "ip",
    "Progress": "progress", "Duration (in seconds)": "duration", "Finished": "finished",
    "RecordedDate": "submitted_at", "ResponseId": "submission_id", "ResponseID": "submission_id",
    "RecipientLastName": "last_name", "RecipientFirstName": "first_name",
    "RecipientEmail": "email", "ExternalReference": "external_reference",
    "ExternalDataReference": "external_reference", "LocationLatitude": "latitude",
    "LocationLongitude": "longitude", "DistributionChannel": "channel",
    "UserLanguage": "language", "ResponseSet": "response_set", "Name": "name",
    "EmailAddress": "email", "Q_RecaptchaScore": "quality", "Q_RelevantIDDuplicate": "quality",
    "Q_RelevantIDDuplicateScore": "quality", "Q_RelevantIDFraudScore": "quality",
    "Q_RelevantIDLastStartDate": "quality", "Q_DuplicateRespondent": "quality",
}
# numeric Status codes: 0 IP address, 1 preview, 2 test, 4 imported, 8 spam, 9 preview spam,
# 12 imported spam, 16 offline, 17 offline preview
_STATUS = {
    "survey preview": "preview", "survey test": "test", "spam": "spam", "1": "preview",
    "2": "test", "8": "spam", "9": "preview", "12": "spam", "17": "preview",
    "preview": "preview", "test": "test",
}
_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')


def is_qualtrics(grid: pd.DataFrame) -> bool:
    rows = [grid.iloc[i].tolist() for i in (1, 2) if len(grid) > i]
    return any(isinstance(v, str) and _IMPORT_ID.match(v) for row in rows for v in row)


def is_qualtrics_legacy(grid: pd.DataFrame) -> bool:
    if len(grid) < 2:
        return False
    first = [cell_text(v) or "" for v in grid.iloc[0].tolist()[:3]]
    second = {cell_text(v) or "" for v in grid.iloc[1].tolist()}
    return first[:2] == ["V1", "V2"] and bool({"ResponseID", "ResponseSet"} & second)


def read_qualtrics(grid: pd.DataFrame, display: str, options: dict) -> SurveyExport:
    legacy = is_qualtrics_legacy(grid)
    header_rows = 2 if legacy else 3
    tags = [cell_text(v) or "" for v in grid.iloc[0].tolist()]
    texts = [cell_text(v) or "" for v in grid.iloc[1].tolist()]
    # legacy: V1..V10 carry the meta whose names are in the second row
    heads = [t if (legacy and re.fullmatch(r"V\d+", g) and t in META) else g for g, t in zip(tags, texts, strict=True)]
    names, written = unique_headers(heads)
    main = body_table("main", display, grid, header_rows, names, written)
    ids = [cell_text(v) or "" for v in grid.iloc[2].tolist()] if not legacy else [""] * len(names)
    roles: dict[str, str] = {}
    for n, text, iid in zip(names, texts, ids, strict=True):
        c = main.columns[n]
        c.code, c.text = n, text or None
        if _IMPORT_ID.match(iid):
            try:
                c.code = json.loads(iid).get("ImportId") or n
            except (json.JSONDecodeError, AttributeError):
                pass
        role = META.get(n) or (META.get(text) if legacy else None)
        if role:
            c.kind, c.role = "meta", role
            roles.setdefault(role, n)
    _grids(main)
    export = SurveyExport(path=None, tool="qualtrics", main=main, email_column=roles.get("email"))  # type: ignore[arg-type]
    if legacy:
        export.notes.append("the legacy two-row Qualtrics export (V1..V10)")
    export.submission_id = submission_ids(main, roles.get("submission_id"))
    when = roles.get("submitted_at") or roles.get("ended_at")
    if when is not None:
        export.submitted_at, note = parse_datetimes(main.frame[when], dayfirst=options.get("dayfirst"))
        if note:
            export.notes.append(note)
    if "status" in roles:
        st = column_text(main.frame[roles["status"]])
        kinds = np.array([_STATUS.get((s or "").strip().lower()) for s in st], dtype=object)
        for reason in ("preview", "test", "spam"):
            export.flags[reason] = kinds == reason
    if "finished" in roles:
        fin = column_text(main.frame[roles["finished"]])
        export.flags["incomplete"] = np.array(
            [f is not None and f.strip().lower() in ("0", "false", "no") for f in fin], dtype=bool
        )
    if "progress" in roles:
        export.progress = np.asarray(
            pd.to_numeric(pd.Series(column_text(main.frame[roles["progress"]])), errors="coerce"), dtype=float
        )
    return finish(export, grids=False)


def _grids(main) -> None:
    """Matrix rows: tags ``Q5_1, Q5_2`` whose texts read ``Question - Statement``."""
    groups: dict[str, list[str]] = {}
    for n, c in main.columns.items():
        if c.kind != "question":
            continue
        m = re.fullmatch(r"(?P<base>.+?)_(?P<row>\d+)", n)
        if m and c.text and " - " in c.text:
            groups.setdefault(m.group("base"), []).append(n)
    for names in groups.values():
        if len(names) < 2:
            continue
        for n in names:
            c = main.columns[n]
            title, _, row = c.text.rpartition(" - ")
            c.grid = (title.strip(), row.strip())
