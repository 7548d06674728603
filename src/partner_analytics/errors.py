"""Exceptions raised by partner_analytics.

The tree::

    PartnerAnalyticsError
    ├── ValidationError        a package has errors; ``.problems`` holds every one
    ├── MissingTableError      an analysis needs a table the package does not have
    └── AnalysisInputError     an analysis cannot run on the data it was given
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "PartnerAnalyticsError",
    "ValidationError",
    "MissingTableError",
    "AnalysisInputError",
]


class PartnerAnalyticsError(Exception):
    """Base class of every error partner_analytics raises on purpose."""


class ValidationError(PartnerAnalyticsError, ValueError):
    """The package has errors. ``problems`` is the full problems table."""

    def __init__(self, problems: pd.DataFrame, source: str = "") -> None:
        self.problems = problems
        errors = problems[problems["severity"] == "error"]
        where = f" in {source}" if source else ""
        head = f"{len(errors)} error(s){where}; the package was not loaded"
        lines = []
        for rec in errors.head(10).itertuples(index=False):
            loc = next((str(v) for v in (rec.file, rec.table) if _given(v)), "package")
            if pd.notna(rec.row):
                loc += f", row {int(rec.row)}"
            if _given(rec.column):
                loc += f", column {rec.column}"
            lines.append(f"  {loc}: {rec.message}")
        if len(errors) > 10:
            lines.append(f"  ... and {len(errors) - 10} more (see .problems)")
        super().__init__("\n".join([head, *lines]))


def _given(v: object) -> bool:
    return isinstance(v, str) and v != "" and v != "nan"


class MissingTableError(PartnerAnalyticsError, KeyError):
    """An analysis needs a table that the package does not have (or that is empty)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class AnalysisInputError(PartnerAnalyticsError, ValueError):
    """An analysis was given data it cannot use (e.g. mixed currencies without rates)."""
