"""The Voila dashboards for steering groups: one module per page.

A dashboard notebook (``dashboards/overview.ipynb`` ...) is an import and a call::

    from partner_analytics.dashboards import overview_page
    overview_page()

Each ``*_page(path=None, *, min_n=None)`` loads the data package (``path``, else the
environment variable :data:`DATA_ENV`, else the sample partnership of a source checkout),
builds the page and returns a :class:`Dashboard`, which Jupyter and Voila display as the
cell's value. ``min_n`` is the small-cell threshold of the page (default: the package's
setting). Tests drive a page without a browser: set a control's ``.value`` and read the
figures and parts.

==============  ==========================================================================
overview        headline cards (collaboration health, indicators on track per pillar,
                follow-through, contributions delivered against pledged, readiness,
                partners) and the alerts, as of a quarter end
stakeholders    the power-interest grid, salience and movement between quadrants, by wave
                and stakeholder group
collaboration   the collaboration-health index, the factor radar (all partners or one
                sector) and how differently the sectors see each factor, by wave
delivery        follow-through on commitments, overdue commitments and contributions, as
                of a quarter end, by sector and partner
indicators      indicators by pillar: status table, pillar summary and one indicator's trend
partners        competency alignment, candidates, sector mix and the relationship network
actions         the actions decided on the alerts: open, overdue, done on time or late,
                dropped, and whether their source still raises an alert, as of a quarter
                end, by owner, status and source; the alerts with no action yet
==============  ==========================================================================

Every number on a page is an analysis value: cards read the headline figures and counts of
:mod:`partner_analytics.analysis.headlines` (the report reads the same ones), figures the
analysis frames; pages choose rows and words (:mod:`partner_analytics.present`).

Nothing on a page is code or a traceback: a package that cannot be loaded shows which
table, file and row are wrong (redacted: no respondent or rater id, comment or extra column
of a survey table); a part whose table the package does not have shows "No data for ... in
this package"; an unexpected error shows one plain message.
"""

from __future__ import annotations

from partner_analytics.dashboards.actions import actions_page
from partner_analytics.dashboards.collaboration import collaboration_page
from partner_analytics.dashboards.delivery import delivery_page
from partner_analytics.dashboards.indicators import indicators_page
from partner_analytics.dashboards.overview import overview_page
from partner_analytics.dashboards.page import DATA_ENV, PAGES, Dashboard, data_path, package_settings, package_title
from partner_analytics.dashboards.partners import partners_page
from partner_analytics.dashboards.stakeholders import stakeholders_page

__all__ = [
    "DATA_ENV",
    "PAGES",
    "Dashboard",
    "actions_page",
    "collaboration_page",
    "data_path",
    "delivery_page",
    "indicators_page",
    "notebook_source",
    "overview_page",
    "package_settings",
    "package_title",
    "partners_page",
    "stakeholders_page",
]


def notebook_source(name: str) -> str:
    """The one code cell of a dashboard notebook."""
    if name not in PAGES:
        raise KeyError(f"unknown dashboard {name!r}; the dashboards are: {', '.join(PAGES)}")
    return f"from partner_analytics.dashboards import {name}_page\n\n{name}_page()"
