"""Build exports in the tools' shapes from an XLSForm and answers (test helpers)."""

from __future__ import annotations

import uuid as uuidlib
from datetime import datetime
from pathlib import Path

import openpyxl

KOBO_MAIN_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                  "_submitted_by", "__version__", "_tags", "_index"]
KOBO_CHILD_META = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
                   "_submission__submission_time", "_submission__validation_status", "_submission__notes",
                   "_submission__status", "_submission__submitted_by", "_submission___version__",
                   "_submission__tags"]


def form_paths(form: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The XLSForm's question paths: main-table names and, per repeat, its names (group paths
    joined by '/'), as Kobo's "XML values and headers" export writes them."""
    wb = openpyxl.load_workbook(form, read_only=True)
    rows = list(wb["survey"].iter_rows(values_only=True))
    head = rows[0]
    ti, ni = head.index("type"), head.index("name")
    stack: list[tuple[str, str]] = []
    main: list[str] = []
    repeats: dict[str, list[str]] = {}
    for r in rows[1:]:
        typ, name = r[ti], r[ni]
        if typ in ("begin_group", "begin group"):
            stack.append(("group", name))
        elif typ in ("begin_repeat", "begin repeat"):
            stack.append(("repeat", name))
            repeats[name] = []
        elif typ in ("end_group", "end_repeat", "end group", "end repeat"):
            stack.pop()
        elif typ:
            path = "/".join([n for _, n in stack] + [name])
            reps = [n for k, n in stack if k == "repeat"]
            (repeats[reps[-1]] if reps else main).append(path)
    return main, repeats


def kobo_xlsx(form: Path, submissions: list[dict], out: Path, *, sep: str = "/", title: str = "Partnership survey") -> Path:
    """A Kobo XLSX export ("XML values and headers") of ``submissions``.

    Each submission: {"time": datetime, "answers": {path: value}, "repeats": {name: [{path: value}]},
    "uuid": optional, "id": optional, "validation": optional}.
    """
    main_cols, repeat_cols = form_paths(form)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append([c.replace("/", sep) for c in main_cols] + KOBO_MAIN_META)
    sheets = {name: wb.create_sheet(name[:31]) for name in repeat_cols}
    for name, cols in repeat_cols.items():
        sheets[name].append([c.replace("/", sep) for c in cols] + KOBO_CHILD_META)
    index = {name: 0 for name in repeat_cols}
    for k, s in enumerate(submissions, start=1):
        sid = s.get("id", 100000 + k)
        uid = s.get("uuid", str(uuidlib.UUID(int=k)))
        t: datetime = s["time"]
        ws.append([s["answers"].get(c) for c in main_cols]
                  + [sid, uid, t, s.get("validation"), None, "submitted_via_web", None, "vABC", None, k])
        for name, rows in s.get("repeats", {}).items():
            for row in rows:
                index[name] += 1
                sheets[name].append([row.get(c) for c in repeat_cols[name]]
                                    + [index[name], title[:31], k, sid, s.get("child_uuid", uid), t, None, None,
                                       "submitted_via_web", None, "vABC", None])
    wb.save(out)
    return out
