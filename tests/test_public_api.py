"""The public names of the package root, pinned (adding or removing one is a decision)."""

from __future__ import annotations

import inspect

import partner_analytics

ANALYSES = {
    "power_interest", "stakeholder_movement", "salience", "quadrant_transitions",
    "competency_alignment", "alignment_index", "single_points_of_failure", "candidate_fit",
    "sector_profile", "sector_diversity", "competency_levels",
    "network_metrics", "network_summary", "relationship_asymmetry",
    "factor_scores", "health_index", "perception_gaps", "factor_reliability", "item_missingness",
    "factor_comments",
    "follow_through", "overdue_commitments", "upcoming_commitments", "commitment_status",
    "contribution_summary", "contribution_flows", "contributions_over_time", "sector_shares",
    "readiness", "readiness_elements", "driver_alignment", "driver_alignment_detail",
    "indicator_progress", "indicator_scores", "indicator_trend", "pillar_summary",
    "action_status", "action_follow_through", "alert_actions", "action_alerts", "finding_actions",
}
OTHER = {
    "load_partnership", "Partnership", "read_iati", "read_open_sdg",
    "PartnerAnalyticsError", "ValidationError", "MissingTableError", "AnalysisInputError",
    # the report (partner_analytics.report.render)
    "render_report", "render_periods", "PeriodResult", "ReportWarning",
}


def test_all_lists_exactly_the_public_names():
    assert set(partner_analytics.__all__) == ANALYSES | OTHER
    assert len(partner_analytics.__all__) == len(set(partner_analytics.__all__))


def test_every_public_name_is_importable_from_the_root():
    for name in partner_analytics.__all__:
        assert getattr(partner_analytics, name) is not None


def test_every_analysis_takes_the_partnership_first_and_has_a_docstring():
    for name in ANALYSES:
        fn = getattr(partner_analytics, name)
        params = list(inspect.signature(fn).parameters)
        assert params[0] == "p", name
        assert fn.__doc__ and "Returns" in fn.__doc__, name
