"""partner_analytics: evaluation analytics for multi-stakeholder partnerships."""

from __future__ import annotations

from partner_analytics.data.partnership import Partnership, load_partnership
from partner_analytics.errors import (
    AnalysisInputError,
    MissingTableError,
    PartnerAnalyticsError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "AnalysisInputError",
    "MissingTableError",
    "Partnership",
    "PartnerAnalyticsError",
    "ValidationError",
    "load_partnership",
]
