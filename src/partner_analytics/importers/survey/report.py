"""The import report: what came in, what was accepted, excluded and rejected, and why.

Written as markdown (for reading) and CSV (one row per submission; one row per diagnostic),
without respondent identifiers: submissions are named by their row in the export.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from partner_analytics.importers.survey.model import Diagnostic
from partner_analytics.importers.survey.transform import SurveyImport

__all__ = ["DIAGNOSTIC_COLUMNS", "DIAGNOSTIC_TITLES", "report_frames", "report_markdown"]

DIAGNOSTIC_COLUMNS = ["kind", "severity", "table", "column", "rows", "value", "message", "suggestion"]
DIAGNOSTIC_TITLES = {
    "unmapped_column": "Columns not mapped",
    "unmapped_repeat": "Repeats not mapped",
    "absent_column": "Mapped columns absent from the export",
    "label_not_on_scale": "Answers not on the scale",
    "missing_answers": "Missing answers per question",
    "unknown_partner": "Unknown partners",
    "unknown_stakeholder": "Unknown stakeholders",
    "duplicate_submission": "Duplicate submissions (same id)",
    "duplicate_respondent": "Duplicate submissions (same respondent and wave)",
    "duplicate_relationship": "Several ratings of one pair of organisations",
    "duplicate_rating": "Several ratings of one stakeholder",
    "partial_response": "Partial responses",
    "orphan_repeat_row": "Repeat rows without a parent",
    "form_versions": "Several form versions",
    "edited_header": "Edited headers",
    "duplicate_header": "Repeated headers",
    "damaged_text": "Damaged text",
    "incomplete_rating": "Incomplete ratings",
    "self_rating": "Ratings of one's own organisation",
    "tool": "Tool",
}


def _rows(rows: tuple[int, ...]) -> str:
    if not rows:
        return ""
    shown = ", ".join(str(r) for r in rows[:20])
    return shown + (" ..." if len(rows) > 20 else "")


def report_frames(result: SurveyImport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(submissions, diagnostics) as written to the report's CSV files."""
    subs = result.submissions[["row", "outcome", "reason", "wave", "answers"]].copy()
    diags = pd.DataFrame(
        [
            {
                "kind": d.kind, "severity": d.severity, "table": d.table, "column": d.column,
                "rows": " ".join(str(r) for r in d.rows), "value": d.value, "message": d.message,
                "suggestion": d.suggestion,
            }
            for d in result.diagnostics
        ],
        columns=DIAGNOSTIC_COLUMNS,
    )
    return subs, diags


def _md(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def report_markdown(result: SurveyImport, written: list[tuple[str, str, int]], *, package: str) -> str:
    """The report as markdown. ``written``: (file, what happened, rows) per output file."""
    e, m = result.export, result.mapping
    c = result.counts()
    lines = [
        f"# Survey import: {Path(str(e.path)).name}",
        "",
        f"- tool: {e.tool}",
        f"- mapping: {Path(m.path).name}",
        f"- package: {package}",
        f"- export sha256: {e.sha256}",
        "",
        "## Submissions",
        "",
        f"{e.n_submissions} in = {c['accepted']} accepted + {c['excluded']} excluded + {c['rejected']} rejected",
        "",
    ]
    subs = result.submissions
    for outcome in ("excluded", "rejected"):
        part = subs[subs["outcome"] == outcome]
        if not len(part):
            continue
        lines += [f"### {outcome.capitalize()}", "", "| reason | submissions | rows |", "|---|---|---|"]
        for reason, grp in part.groupby("reason", sort=True):
            lines.append(f"| {_md(reason)} | {len(grp)} | {_rows(tuple(int(r) for r in grp['row']))} |")
        lines.append("")
    acc = subs[subs["outcome"] == "accepted"]
    if len(acc):
        lines += ["### Accepted, per wave", "", "| wave | submissions |", "|---|---|"]
        for wave, grp in acc.groupby("wave", sort=True):
            lines.append(f"| {wave} | {len(grp)} |")
        lines.append("")
    if result.repeat_rows:
        lines += ["## Repeat rows", "", "| repeat | rows | without a parent | unknown target |", "|---|---|---|---|"]
        for name, cnt in result.repeat_rows.items():
            lines.append(f"| {_md(name)} | {cnt['rows']} | {cnt['without_parent']} | {cnt['unknown_target']} |")
        lines.append("")
    lines += ["## Rows written", "", "| file | | rows |", "|---|---|---|"]
    for f, what, n in written:
        lines.append(f"| {_md(f)} | {what} | {n} |")
    lines.append("")
    if e.notes:
        lines += ["## Notes", ""] + [f"- {_md(n)}" for n in e.notes] + [""]
    lines += _diagnostics_md(result.diagnostics)
    return "\n".join(lines).rstrip() + "\n"


def _diagnostics_md(diags: list[Diagnostic]) -> list[str]:
    if not diags:
        return ["## Diagnostics", "", "None.", ""]
    out = ["## Diagnostics", ""]
    kinds = list(dict.fromkeys(d.kind for d in diags))
    order = list(DIAGNOSTIC_TITLES)
    kinds.sort(key=lambda k: order.index(k) if k in order else len(order))
    for kind in kinds:
        title = DIAGNOSTIC_TITLES.get(kind, kind.replace("_", " ").capitalize())
        out += [f"### {title}", "", "| where | column | rows | message | suggestion |", "|---|---|---|---|---|"]
        for d in diags:
            if d.kind == kind:
                out.append(
                    f"| {_md(d.table)} | {_md(d.column)} | {_rows(d.rows)} | {_md(d.message)} | {_md(d.suggestion)} |"
                )
        out.append("")
    return out
