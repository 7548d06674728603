"""Exceptions raised by partner_analytics.

The tree::

    PartnerAnalyticsError
    ├── ValidationError        a package has errors; ``.problems`` holds every one
    ├── MissingTableError      an analysis needs a table the package does not have
    ├── AnalysisInputError     an analysis cannot run on the data it was given
    ├── InputFileError         a file cannot be read at all (malformed XML, YAML, CSV, workbook)
    └── StoreError             a store cannot be used (corrupt, truncated, foreign, newer schema)
        └── StoreBusyError     another process is writing to the store

Each class carries the command line's exit code (``exit_code``):

    0  done
    1  the package has errors (ValidationError), or a report failed
    2  bad arguments or an analysis that cannot run (the default)
    3  a store that cannot be used (StoreError)
    4  a store that another process is writing to (StoreBusyError)
    5  an input file that cannot be read at all (InputFileError)
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "PartnerAnalyticsError",
    "ValidationError",
    "MissingTableError",
    "AnalysisInputError",
    "InputFileError",
    "StoreError",
    "StoreBusyError",
]


class PartnerAnalyticsError(Exception):
    """Base class of every error partner_analytics raises on purpose."""

    exit_code = 2


class ValidationError(PartnerAnalyticsError, ValueError):
    """The package has errors. ``problems`` is the full problems table."""

    exit_code = 1

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


class InputFileError(PartnerAnalyticsError, ValueError):
    """A file cannot be read at all: malformed XML, YAML or CSV, a damaged workbook."""

    exit_code = 5


class StoreError(PartnerAnalyticsError):
    """A store cannot be used: corrupt, truncated, not made by partner_analytics, or newer."""

    exit_code = 3


class StoreBusyError(StoreError):
    """Another process holds the store (an import running at the same time)."""

    exit_code = 4
