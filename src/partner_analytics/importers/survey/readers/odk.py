"""ODK Central's CSV zip (and SurveyCTO's CSV files, which have the same shape).

ODK Central: ``<formId>.csv`` holds the submissions (``SubmissionDate`` first, the fields
with their group path joined by ``-``, then ``KEY``, ``SubmitterID``, ..., ``ReviewState``,
``FormVersion``); each repeat group has ``<formId>-<repeat>.csv`` with the repeat's fields,
``PARENT_KEY`` and ``KEY`` (``uuid:…/group/repeat[2]``). A repeat row belongs to the
submission whose ``KEY`` starts its own ``KEY``; its parent row is the row whose ``KEY`` is
its ``PARENT_KEY``. SurveyCTO writes ``SubmissionDate``, ``KEY``, ``formdef_version`` and
``review_status`` and, in long format, repeat files with ``PARENT_KEY`` too.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

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

__all__ = ["CTO_META", "ODK_META", "is_main_file", "is_repeat_file", "read_odk"]

ODK_META = {
    "SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    "meta-instanceID", "meta-instanceName", "meta-audit", "PARENT_KEY", "start", "end", "today",
    "deviceid", "username", "instanceID", "instanceName",
}
CTO_META = {
    "SubmissionDate", "KEY", "formdef_version", "review_status", "review_quality",
    "review_comments", "review_corrections", "instanceID", "instanceName", "CompletionDate",
    "starttime", "endtime", "duration", "caseid", "PARENT_KEY", "deviceid", "subscriberid",
    "simid", "devicephonenum", "username",
}


def is_repeat_file(names: list[str]) -> bool:
    return "PARENT_KEY" in names and "KEY" in names


def is_main_file(names: list[str]) -> bool:
    return "SubmissionDate" in names and "KEY" in names and "PARENT_KEY" not in names


def _table(name: str, display: str, grid: pd.DataFrame, meta: set[str]) -> Table:
    names, written = unique_headers(grid.iloc[0].tolist())
    t = body_table(name, display, grid, 1, names, written)
    for n, c in t.columns.items():
        if n in meta or n.startswith("meta-"):
            c.kind, c.role = "meta", n
        else:
            c.code = n
            head, _, _option = n.rpartition("/")  # "split select multiples": q/value
            if head and head in t.columns:
                c.kind, c.code = "option", head
    return t


def _repeat_name(member: str, form_id: str) -> str:
    stem = PurePosixPath(member).stem
    if stem.startswith(form_id + "-"):
        stem = stem[len(form_id) + 1 :]
    return re.sub(r"~\d+$", "", stem) if stem else stem


def read_odk(members: dict[str, pd.DataFrame], display: str, options: dict, tool: str) -> SurveyExport:
    """``members``: file name -> grid (one file for a plain CSV, every CSV of a zip)."""
    meta = CTO_META if tool == "surveycto" else ODK_META
    main = None
    form_id = ""
    for member, grid in members.items():
        names = [str(v) for v in grid.iloc[0].tolist()] if len(grid) else []
        if is_main_file(names) and main is None:
            form_id = PurePosixPath(member).stem
            main = _table("main", f"{display} [{member}]" if len(members) > 1 else display, grid, meta)
    if main is None:
        raise ValueError(
            f"{display}: no file has the submissions (SubmissionDate and KEY without PARENT_KEY); "
            "a repeat file alone cannot be imported: give the zip or the main CSV"
        )
    repeats: dict[str, Table] = {}
    for member, grid in members.items():
        names = [str(v) for v in grid.iloc[0].tolist()] if len(grid) else []
        if is_repeat_file(names):
            name = _repeat_name(member, form_id)
            while name in repeats:
                name += "_"
            repeats[name] = _table(name, f"{display} [{member}]", grid, meta)
    export = SurveyExport(path=None, tool=tool, main=main, repeats=repeats, separator="-")  # type: ignore[arg-type]
    key = find_column(main, "KEY")
    export.submission_id = submission_ids(main, key)
    when = find_column(main, "SubmissionDate")
    if when is not None:
        export.submitted_at, note = parse_datetimes(main.frame[when], dayfirst=options.get("dayfirst"))
        if note:
            export.notes.append(note)
    review = find_column(main, "ReviewState", "review_status")
    if review is not None:
        export.flags["rejected"] = text_flags(main.frame[review].to_numpy(), {"rejected"})
    status = find_column(main, "Status")
    if status is not None and tool == "odk_central":
        texts = column_text(main.frame[status])
        export.flags["undecryptable"] = ~pd.isna(texts)
    version = find_column(main, "FormVersion", "formdef_version")
    if version is not None:
        export.version = column_text(main.frame[version])
    _link(export)
    return finish(export)


def _link(export: SurveyExport) -> None:
    keys = column_text(export.main.frame["KEY"]) if "KEY" in export.main.columns else []
    root = {k: i for i, k in enumerate(keys) if k is not None}
    all_keys = set(root)
    for t in export.repeats.values():
        all_keys |= set(column_text(t.frame["KEY"])) - {None}
    for t in export.repeats.values():
        own = column_text(t.frame["KEY"])
        parent = column_text(t.frame["PARENT_KEY"])
        sub = np.full(len(t), -1, dtype=np.int64)
        for k in range(len(t)):
            anchor = own[k] or parent[k]
            if anchor is not None:
                sub[k] = root.get(anchor.split("/", 1)[0], -1)
        t.submission = sub
        t.has_parent = np.array([p is not None and p in all_keys for p in parent], dtype=bool) & (sub >= 0)
        t.parent = "main"
        orphan = ~t.has_parent
        if orphan.any():
            export.diagnostics.append(
                Diagnostic(
                    "orphan_repeat_row",
                    f"{int(orphan.sum())} row(s) of repeat '{t.name}' have a PARENT_KEY that no "
                    "row of the export has; they are not imported",
                    table=t.display,
                    rows=tuple(int(r) for r in t.rows[orphan]),
                )
            )
