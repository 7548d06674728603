"""What a package's errors cost: the rows dropped per table and what they feed.

A package with errors is loaded only when asked to drop the invalid rows
(``load_partnership(..., drop_invalid=True)``); whatever is shown afterwards rests on the
rows that are left. :func:`dropped_rows` counts, per table, the rows kept and dropped and
names the report sections and headline figures that read the table, so that a report or a
dashboard can say at its top what was dropped and what it affects.
"""

from __future__ import annotations

import pandas as pd

from partner_analytics.analysis.headlines import HEADLINE_LABELS

__all__ = ["DROPPED_COLUMNS", "TABLE_SECTIONS", "dropped_rows"]

#: table -> the report sections whose analyses read it (every section reads partners)
TABLE_SECTIONS: dict[str, tuple[str, ...]] = {
    "partners": (
        "composition",
        "stakeholders",
        "health",
        "commitments",
        "contributions",
        "indicators",
        "competencies",
        "readiness",
    ),
    "stakeholders": ("stakeholders",),
    "stakeholder_ratings": ("stakeholders",),
    "objectives": ("competencies",),
    "competencies": ("competencies",),
    "factors": ("health",),
    "items": ("health",),
    "assessments": ("health",),
    "relationships": ("composition",),
    "indicators": ("indicators",),
    "observations": ("indicators",),
    "contributions": ("contributions",),
    "exchange_rates": ("contributions",),
    "commitments": ("commitments",),
    "readiness": ("readiness",),
    "drivers": ("readiness",),
    "driver_alignment": ("readiness",),
}

DROPPED_COLUMNS = ["table", "file", "kept", "dropped", "errors", "sections", "figures"]


def dropped_rows(p) -> pd.DataFrame:
    """Per table with rejected rows: the rows kept and dropped, and what they feed.

    Returns
    -------
    pandas.DataFrame
        One row per table that lost rows, in the package's table order: ``table``,
        ``file`` (the files the rows came from, ``; ``-joined), ``kept`` (rows left),
        ``dropped`` (rows rejected), ``errors`` (error problems of the table, a row can have
        several), ``sections`` (the report sections that read the table, ``, ``-joined
        keys) and ``figures`` (the labels of the headline figures of those sections,
        ``; ``-joined). Empty when nothing was dropped.
    """
    rej = p.rejected
    if rej is None or not len(rej):
        return pd.DataFrame(
            {
                c: pd.Series(dtype="int64" if c in ("kept", "dropped", "errors") else "str")
                for c in DROPPED_COLUMNS
            }
        )
    errors = p.problems[p.problems["severity"] == "error"]
    rows = []
    for table in dict.fromkeys([*p.tables, *rej["table"]]):
        mine = rej[rej["table"] == table]
        if not len(mine):
            continue
        sections = TABLE_SECTIONS.get(table, ())
        files = [str(f) for f in dict.fromkeys(mine["file"].dropna()) if str(f)]
        rows.append(
            {
                "table": table,
                "file": "; ".join(files),
                "kept": len(p.tables[table]) if table in p.tables else 0,
                "dropped": len(mine),
                "errors": int((errors["table"] == table).to_numpy().sum()),
                "sections": ", ".join(sections),
                "figures": "; ".join(
                    label for sec in sections for label in HEADLINE_LABELS.get(sec, ())
                ),
            }
        )
    out = pd.DataFrame(rows, columns=DROPPED_COLUMNS)
    for c in ("kept", "dropped", "errors"):
        out[c] = out[c].astype("int64")
    for c in ("table", "file", "sections", "figures"):
        out[c] = out[c].astype("str")
    return out
