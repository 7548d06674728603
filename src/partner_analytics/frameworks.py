"""Reference frameworks shipped with partner_analytics.

Published factor sets, a sector competency box, a readiness checklist, an example
strategic driver set and stakeholder groups, each as a fresh pandas DataFrame, plus
:func:`attribution` with their sources. The data live in
``partner_analytics/data/frameworks/`` (see ``SOURCES.md`` there).

Examples
--------
>>> from partner_analytics import frameworks
>>> list(frameworks.mutuality_factors().columns)
['factor_code', 'factor', 'weight', 'group']
"""

from __future__ import annotations

from partner_analytics.data.frameworks import (
    FACTOR_SETS,
    attribution,
    example_driver_alignment,
    example_drivers,
    factor_set,
    mutuality_factors,
    readiness_checklist,
    sector_competencies,
    stakeholder_groups,
    wilder_factors,
)

__all__ = [
    "FACTOR_SETS",
    "attribution",
    "example_driver_alignment",
    "example_drivers",
    "factor_set",
    "mutuality_factors",
    "readiness_checklist",
    "sector_competencies",
    "stakeholder_groups",
    "wilder_factors",
]
