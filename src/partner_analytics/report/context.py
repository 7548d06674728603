"""The report's context: the partnership, the two days compared, the parameters.

The report template makes one context (:func:`report_context`) and shows the title and each
section through it (:func:`show`); everything a report run needs and remembers lives on the
context: the snapshots of the two days, the headline figures and highlights (computed once
per report), the tables shown (for the workbook written beside the report), whether
plotly.js has gone out to this notebook yet.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import pandas as pd

from partner_analytics.analysis.findings import findings
from partner_analytics.analysis.headlines import headline_figures
from partner_analytics.analysis.small_cells import resolve_min_n
from partner_analytics.analysis.snapshot import Snapshot, snapshot
from partner_analytics.data.periods import parse_as_of, period_label, previous_day
from partner_analytics.errors import AnalysisInputError
from partner_analytics.present.highlights import highlights

__all__ = ["SECTIONS", "ReportContext", "report_context"]

#: Report sections: key -> heading (the template's markdown headings read the same).
SECTIONS: dict[str, str] = {
    "summary": "Summary and highlights",
    "actions": "Actions",
    "composition": "Partnership composition and sector diversity",
    "stakeholders": "Stakeholders",
    "health": "Collaboration health",
    "commitments": "Commitments",
    "contributions": "Contributions",
    "indicators": "Indicators",
    "competencies": "Competency alignment and candidates",
    "readiness": "Readiness",
    "appendix": "Appendix: data quality and provenance",
}


@dataclass
class ReportContext:
    """Everything a report needs: the partnership, the two snapshots and the parameters."""

    p: object
    now: Snapshot
    prev: Snapshot
    title: str
    min_n: int
    sections: list[str]
    parameters: dict
    data_path: str
    run_time: str
    cache: dict = field(default_factory=dict, repr=False)
    #: plotly.js has gone out to the notebook of this report
    plotly_js_sent: bool = False
    #: the tables shown, in order: sheet name -> (frame of text, columns holding HTML)
    tables: dict = field(default_factory=dict, repr=False)

    @property
    def as_of(self) -> pd.Timestamp:
        return self.now.as_of

    def headlines(self) -> pd.DataFrame:
        """:func:`~partner_analytics.analysis.headlines.headline_figures` of the two days."""
        if "headlines" not in self.cache:
            self.cache["headlines"] = headline_figures(
                self.p, as_of=self.now.as_of, previous=self.prev.as_of, min_n=self.min_n
            )
        return self.cache["headlines"]

    def highlights(self) -> pd.DataFrame:
        """:func:`~partner_analytics.present.highlights.highlights` of the two days."""
        if "highlights" not in self.cache:
            self.cache["highlights"] = highlights(
                self.p, as_of=self.now.as_of, previous=self.prev.as_of, min_n=self.min_n
            )
        return self.cache["highlights"]

    def findings(self) -> pd.DataFrame:
        """:func:`~partner_analytics.analysis.findings.findings` of the two days."""
        if "findings" not in self.cache:
            self.cache["findings"] = findings(
                self.p, as_of=self.now.as_of, previous=self.prev.as_of, min_n=self.min_n
            )
        return self.cache["findings"]

    def wants(self, key: str) -> bool:
        return key in self.sections

    def keep_table(self, sheet: str, frame: pd.DataFrame, *, raw=()) -> None:
        """Remember a table shown, for the workbook beside the report (a sheet per table;
        the same name twice keeps the later table)."""
        self.tables[sheet] = (frame, tuple(raw))


def report_context(
    data,
    *,
    as_of,
    previous=None,
    title: str | None = None,
    min_n: int | None = None,
    sections=None,
    run_time: str | None = None,
    drop_invalid: bool = False,
) -> ReportContext:
    """Load the package and prepare the report as of a day.

    Parameters
    ----------
    data : str or Path or Partnership
        A package folder, workbook or DuckDB store, or a loaded Partnership.
    as_of, previous
        The report day and the day to compare with (default: the end of the period before).
    title : str, optional
        Default: "<partnership name>: evaluation report <period>".
    min_n : int, optional
        The small-cell threshold (default: the package's setting, ``p.min_n``).
    sections : list of str, optional
        Section keys to include (see :data:`SECTIONS`); None: all.
    run_time : str, optional
        The time of the run for the provenance (default: now, UTC, to the second).
    drop_invalid : bool
        A package with errors raises :class:`~partner_analytics.errors.ValidationError`
        (the report stops); True leaves the rows with errors out instead, and the report
        opens with a banner saying what was left out and what it affects.
    """
    from partner_analytics import load_partnership

    if sections is None:
        sections = list(SECTIONS)
    elif isinstance(sections, str):
        sections = [s.strip() for s in sections.split(",") if s.strip()]
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise AnalysisInputError(
            f"unknown section(s) {', '.join(map(repr, unknown))}; the sections are: {', '.join(SECTIONS)}"
        )
    p = data if hasattr(data, "tables") else load_partnership(data, drop_invalid=drop_invalid)
    m = resolve_min_n(p, min_n)
    day = parse_as_of(as_of)
    prev_day = previous_day(as_of, previous)
    # the later day first: the earlier snapshot then reads its per-wave frames off it
    now = snapshot(p, day, min_n=m)
    prev = snapshot(p, prev_day, min_n=m)
    if run_time is None:
        run_time = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    params = {
        "data": str(data) if not hasattr(data, "tables") else p.source,
        "as_of": day.date().isoformat(),
        "previous": prev_day.date().isoformat(),
        "title": title,
        "min_n": m,
        "sections": list(sections),
        # a partnership given loaded is reported as it was loaded
        "drop_invalid": bool(drop_invalid) or bool(len(getattr(p, "rejected", ()))),
    }
    return ReportContext(
        p=p,
        now=now,
        prev=prev,
        title=title or f"{p.name}: evaluation report {period_label(day)}",
        min_n=m,
        sections=list(sections),
        parameters=params,
        data_path=params["data"],
        run_time=run_time,
    )
