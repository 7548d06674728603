"""Facts about a loaded package: tables and rows, partners per sector, waves, date range."""

from __future__ import annotations

import pandas as pd

from partner_analytics.data.periods import periods_end
from partner_analytics.data.schemas import TABLES

__all__ = ["package_summary"]

_WAVE_TABLES = ("stakeholder_ratings", "assessments", "relationships")


def package_summary(p) -> dict[str, pd.DataFrame | str]:
    """What a package holds.

    Returns
    -------
    dict with
        ``tables``: table, rows, given (the package has it) ;
        ``sectors``: sector, partners, candidates ;
        ``waves``: table, wave, rows (tables with waves) ;
        ``dates``: table, column, first, last (every date or period column) ;
        ``name``: the partnership name.
    """
    tables = p.summary()
    partners = p.partners
    cand = partners["role"] == "candidate"
    sectors = (
        pd.DataFrame({"sector": partners["sector"], "candidate": cand})
        .groupby("sector", observed=True)
        .agg(partners=("candidate", lambda s: int((~s).sum())), candidates=("candidate", "sum"))
        .reset_index()
    )
    sectors["candidates"] = sectors["candidates"].astype("int64")
    waves = []
    for t in _WAVE_TABLES:
        frame = p.tables[t]
        if len(frame):
            counts = frame.groupby(["wave_end", "wave"], observed=True).size().reset_index(name="rows")
            for rec in counts.itertuples(index=False):
                waves.append({"table": t, "wave": rec.wave, "rows": int(rec.rows)})
    dates = []
    for name, spec in TABLES.items():
        frame = p.tables[name]
        if not len(frame):
            continue
        for c in spec.columns:
            if c.kind not in ("date", "period") or c.name not in frame:
                continue
            s = frame[c.name].dropna()
            if not len(s):
                continue
            ends = s if c.kind == "date" else periods_end(s)
            dates.append(
                {"table": name, "column": c.name, "first": ends.min().date(), "last": ends.max().date()}
            )
    return {
        "name": p.name,
        "tables": tables,
        "sectors": sectors,
        "waves": pd.DataFrame(waves, columns=["table", "wave", "rows"]),
        "dates": pd.DataFrame(dates, columns=["table", "column", "first", "last"]),
    }
