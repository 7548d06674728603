"""partner_analytics: evaluation analytics for multi-stakeholder partnerships.

Load a partnership data package with :func:`load_partnership`, then call the analyses,
each a pure function from a :class:`Partnership` to a tidy DataFrame. Figures live in
:mod:`partner_analytics.figures`, packaged frameworks in :mod:`partner_analytics.frameworks`.
"""

from __future__ import annotations

from partner_analytics.analysis.competencies import (
    alignment_index,
    candidate_fit,
    competency_alignment,
    competency_levels,
    sector_diversity,
    sector_profile,
    single_points_of_failure,
)
from partner_analytics.analysis.delivery import (
    commitment_status,
    contribution_flows,
    contribution_summary,
    contributions_over_time,
    follow_through,
    overdue_commitments,
    sector_shares,
    upcoming_commitments,
)
from partner_analytics.analysis.health import (
    factor_comments,
    factor_reliability,
    factor_scores,
    health_index,
    item_missingness,
    perception_gaps,
)
from partner_analytics.analysis.indicators import (
    indicator_progress,
    indicator_scores,
    indicator_trend,
    pillar_summary,
)
from partner_analytics.analysis.network import (
    network_metrics,
    network_summary,
    relationship_asymmetry,
)
from partner_analytics.analysis.readiness import (
    driver_alignment,
    driver_alignment_detail,
    readiness,
    readiness_elements,
)
from partner_analytics.analysis.stakeholders import (
    power_interest,
    quadrant_transitions,
    salience,
    stakeholder_movement,
)
from partner_analytics.data.partnership import Partnership, load_partnership
from partner_analytics.errors import (
    AnalysisInputError,
    MissingTableError,
    PartnerAnalyticsError,
    ValidationError,
)
from partner_analytics.importers.iati import read_iati
from partner_analytics.importers.open_sdg import read_open_sdg

__version__ = "0.1.0"

__all__ = [
    "AnalysisInputError",
    "MissingTableError",
    "Partnership",
    "PartnerAnalyticsError",
    "ValidationError",
    "alignment_index",
    "candidate_fit",
    "commitment_status",
    "competency_alignment",
    "competency_levels",
    "contribution_flows",
    "contribution_summary",
    "contributions_over_time",
    "driver_alignment",
    "driver_alignment_detail",
    "factor_comments",
    "factor_reliability",
    "factor_scores",
    "follow_through",
    "health_index",
    "indicator_progress",
    "indicator_scores",
    "indicator_trend",
    "item_missingness",
    "load_partnership",
    "network_metrics",
    "network_summary",
    "overdue_commitments",
    "perception_gaps",
    "pillar_summary",
    "power_interest",
    "quadrant_transitions",
    "read_iati",
    "read_open_sdg",
    "readiness",
    "readiness_elements",
    "relationship_asymmetry",
    "salience",
    "sector_diversity",
    "sector_profile",
    "sector_shares",
    "single_points_of_failure",
    "stakeholder_movement",
    "upcoming_commitments",
]
