"""The periodic evaluation report: context, sections, rendering.

- :mod:`~partner_analytics.report.context`: :func:`report_context` (the partnership as of
  the report day and the day compared with, the parameters);
- :mod:`~partner_analytics.report.sections`: each section as blocks (:func:`section`), and
  :func:`show` for the report template;
- :mod:`~partner_analytics.report.blocks`: blocks and how they go out to the notebook;
- :mod:`~partner_analytics.report.render`: :func:`render_report` and
  :func:`render_periods` (papermill, offline HTML, PDF).

Names are imported on first use: the command line's parent process needs only the
rendering, not the analyses.
"""

from __future__ import annotations

from partner_analytics._lazy import lazy_names

_MODULES: dict[str, tuple[str, ...]] = {
    "partner_analytics.report.context": ("SECTIONS", "ReportContext", "report_context"),
    "partner_analytics.report.sections": ("section", "show", "title_block"),
    "partner_analytics.report.render": (
        "PeriodResult",
        "ReportWarning",
        "render_periods",
        "render_report",
    ),
}
__getattr__, __dir__, __all__ = lazy_names(__name__, _MODULES, globals())
