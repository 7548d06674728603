"""LimeSurvey's CSV export, with any heading option: question code, full or abbreviated
question text, or code and text (``rse1. Do you write code...``).

Array and multiple-choice questions have one column per subquestion, ``Q[SQ001]`` (code
headings), ``Question [Subquestion]`` (text) or ``Q[SQ001]. [Subquestion]`` (code and text).
Meta columns come first: ``id, submitdate, lastpage, startlanguage, seed`` (with code
headings) or their texts (``Response ID``, ``Date submitted`` ...). An empty ``submitdate``
marks a response that was never completed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from partner_analytics.importers.survey.cells import column_text
from partner_analytics.importers.survey.model import SurveyExport
from partner_analytics.importers.survey.readers.common import (
    body_table,
    finish,
    parse_datetimes,
    split_grid,
    submission_ids,
    unique_headers,
)

__all__ = ["CODE", "CODE_AND_TEXT", "META_CODES", "read_limesurvey"]

CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\[[^\[\]]*\])+$")
CODE_AND_TEXT = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*(?:\[[^\[\]]*\])*)\.\s+(?P<text>.*)$", re.DOTALL)
META_CODES = {
    "id": "submission_id", "submitdate": "submitted_at", "lastpage": "lastpage",
    "startlanguage": "language", "seed": "seed", "token": "token", "startdate": "started_at",
    "datestamp": "last_action", "ipaddr": "ip", "refurl": "referrer", "interviewtime": "time",
}
META_TEXTS = {
    "response id": "submission_id", "date submitted": "submitted_at", "last page": "lastpage",
    "start language": "language", "seed": "seed", "token": "token", "date started": "started_at",
    "date last action": "last_action", "ip address": "ip", "referrer url": "referrer",
    "total time": "time",
}
_SUB = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9_]*)\[(?P<sub>[^\[\]]*)\]")


def _parse(header: str) -> tuple[str | None, str | None]:
    m = CODE_AND_TEXT.match(header)
    if m:
        return m.group("code"), m.group("text").strip()
    if CODE.match(header) or re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", header):
        return header, None
    return None, header


def read_limesurvey(grid: pd.DataFrame, display: str, options: dict) -> SurveyExport:
    names, written = unique_headers(grid.iloc[0].tolist())
    main = body_table("main", display, grid, 1, names, written)
    roles: dict[str, str] = {}
    for n, c in main.columns.items():
        code, text = _parse(c.header or n)
        c.code, c.text = code, text
        role = META_CODES.get((code or "").lower()) or META_TEXTS.get((text or "").strip().lower())
        if role is None and code is None and n.startswith("(blank column"):
            role = "index"  # an unnamed first column: a row index added by another program
        if role:
            c.kind, c.role = "meta", role
            roles.setdefault(role, n)
            continue
        sub = _SUB.match(code or "")
        if sub:
            label = split_grid(text or "")
            row = label[1] if label else (text or "").strip().strip("[]").strip()
            c.grid = (sub.group("base"), row or sub.group("sub"))
    export = SurveyExport(path=None, tool="limesurvey", main=main)  # type: ignore[arg-type]
    export.submission_id = submission_ids(main, roles.get("submission_id"))
    when = roles.get("submitted_at")
    if when is not None:
        export.submitted_at, note = parse_datetimes(main.frame[when], dayfirst=options.get("dayfirst"))
        if note:
            export.notes.append(note)
        export.flags["incomplete"] = pd.isna(column_text(main.frame[when])).astype(bool)
    else:
        export.notes.append(
            "no submitdate column: incomplete responses cannot be told apart (export with "
            "the response metadata to have it)"
        )
    if "lastpage" in roles:
        pages = pd.to_numeric(pd.Series(column_text(main.frame[roles["lastpage"]])), errors="coerce")
        export.progress = np.asarray(pages, dtype=float)
    return finish(export, grids=False)
