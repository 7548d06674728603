"""partner_analytics: evaluation analytics for multi-stakeholder partnerships.

Load a partnership data package with :func:`load_partnership`, then call the analyses,
each a pure function from a :class:`Partnership` to a tidy DataFrame. Figures live in
:mod:`partner_analytics.figures`, packaged frameworks in :mod:`partner_analytics.frameworks`.
"""

from __future__ import annotations

from partner_analytics._lazy import lazy_names

__version__ = "0.1.0"

# The public names and the module each lives in. They are imported on first use (PEP 562),
# so that ``partner-analytics report`` or a dashboard page does not pay for scipy, pandera
# and networkx before it needs them.
_MODULES: dict[str, tuple[str, ...]] = {
    "partner_analytics.analysis.actions": (
        "action_alerts",
        "action_follow_through",
        "action_status",
        "alert_actions",
        "finding_actions",
    ),
    "partner_analytics.analysis.competencies": (
        "alignment_index",
        "candidate_fit",
        "competency_alignment",
        "competency_levels",
        "sector_diversity",
        "sector_profile",
        "single_points_of_failure",
    ),
    "partner_analytics.analysis.delivery": (
        "commitment_status",
        "contribution_flows",
        "contribution_summary",
        "contributions_over_time",
        "follow_through",
        "overdue_commitments",
        "sector_shares",
        "upcoming_commitments",
    ),
    "partner_analytics.analysis.health": (
        "factor_comments",
        "factor_reliability",
        "factor_scores",
        "health_index",
        "item_missingness",
        "perception_gaps",
    ),
    "partner_analytics.analysis.indicators": (
        "indicator_progress",
        "indicator_scores",
        "indicator_trend",
        "pillar_summary",
    ),
    "partner_analytics.analysis.network": (
        "network_metrics",
        "network_summary",
        "relationship_asymmetry",
    ),
    "partner_analytics.analysis.readiness": (
        "driver_alignment",
        "driver_alignment_detail",
        "readiness",
        "readiness_elements",
    ),
    "partner_analytics.analysis.stakeholders": (
        "power_interest",
        "quadrant_transitions",
        "salience",
        "stakeholder_movement",
    ),
    "partner_analytics.data.load": ("load_partnership",),
    "partner_analytics.data.partnership": ("Partnership",),
    "partner_analytics.errors": (
        "AnalysisInputError",
        "MissingTableError",
        "PartnerAnalyticsError",
        "ValidationError",
    ),
    "partner_analytics.importers.iati": ("read_iati",),
    "partner_analytics.importers.open_sdg": ("read_open_sdg",),
    "partner_analytics.report.render": (
        "PeriodResult",
        "ReportWarning",
        "render_periods",
        "render_report",
    ),
}
__getattr__, __dir__, __all__ = lazy_names(__name__, _MODULES, globals())
