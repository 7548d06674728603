"""What a reader gives: an export as tables of cells, with its submissions' metadata.

Every tool's export becomes a :class:`SurveyExport`: the main table (one row per
submission), the repeat tables (one row per repeat instance, linked to their submission),
for each column what the tool says about it (code, question text, grid row, metadata role),
and per submission its id, time and status flags. Cells keep the values the file holds
(text, numbers, dates; empty cells are None or ""): the mapping turns them into scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "STATUS_REASONS",
    "TOOLS",
    "Column",
    "Diagnostic",
    "SurveyExport",
    "Table",
    "is_blank",
]

TOOLS = (
    "kobo",
    "odk_central",
    "google_forms",
    "ms_forms",
    "limesurvey",
    "qualtrics",
    "surveymonkey",
    "surveycto",
    "generic",
)

# Submission flags a reader sets, and what each means in the import report.
STATUS_REASONS = {
    "test": "a test submission (the tool marks it as a test)",
    "preview": "a preview submission (made while designing the survey)",
    "spam": "marked as spam by the tool",
    "rejected": "rejected in the tool's review",
    "not_approved": "not approved in the tool's validation",
    "incomplete": "an incomplete response (never submitted)",
    "undecryptable": "the tool could not decrypt the submission",
}


@dataclass
class Column:
    """One column of an export table."""

    name: str  # the header as read (made unique)
    code: str | None = None  # the tool's code or path (LimeSurvey code, Qualtrics tag, Kobo path)
    text: str | None = None  # the question text where the export carries it
    kind: str = "question"  # meta | question | option | note
    grid: tuple[str, str] | None = None  # (question title, row label) of a grid question
    role: str | None = None  # for meta columns: submission_id, submitted_at, status, ...
    header: str | None = None  # the header cell as written, when the name was made unique


@dataclass
class Table:
    """One table of cells: the main table or one repeat."""

    name: str
    display: str  # file [sheet] for messages
    frame: pd.DataFrame  # columns named like ``columns``; object values as read
    rows: np.ndarray  # the row number a spreadsheet shows for each frame row
    columns: dict[str, Column] = field(default_factory=dict)
    # repeats only: the index (position in the main table) of each row's submission, -1 if none
    submission: np.ndarray | None = None
    parent: str | None = None  # the parent table's name (main or another repeat)
    has_parent: np.ndarray | None = None  # repeats: the row's parent row exists

    def __len__(self) -> int:
        return len(self.frame)

    def question_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.kind in ("question", "option")]


@dataclass
class Diagnostic:
    """One finding about an export or its import, for the report."""

    kind: str
    message: str
    severity: str = "warning"  # error | warning | info
    table: str | None = None
    column: str | None = None
    rows: tuple[int, ...] = ()
    value: str | None = None
    suggestion: str | None = None


@dataclass
class SurveyExport:
    """A survey tool's export, read."""

    path: Path
    tool: str
    main: Table
    repeats: dict[str, Table] = field(default_factory=dict)
    submission_id: np.ndarray | None = None  # str per submission
    submitted_at: pd.DatetimeIndex | None = None  # NaT where unknown
    flags: dict[str, np.ndarray] = field(default_factory=dict)  # reason -> bool per submission
    progress: np.ndarray | None = None  # 0..100 per submission where the tool says
    version: np.ndarray | None = None  # form version per submission
    collector: np.ndarray | None = None  # SurveyMonkey collector per submission
    email_column: str | None = None  # the tool's column of respondent e-mail addresses
    separator: str | None = None  # the group separator of column paths (Kobo, ODK)
    notes: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sha256: str = ""

    @property
    def n_submissions(self) -> int:
        return len(self.main)

    def table(self, name: str) -> Table:
        if name == self.main.name or name == "main":
            return self.main
        return self.repeats[name]

    def columns_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in [self.main, *self.repeats.values()]:
            for c in t.columns.values():
                kind = "grid" if c.grid else c.kind
                counts[kind] = counts.get(kind, 0) + 1
        return counts


def is_blank(value: object) -> bool:
    """An empty cell: None, NaN, NaT, or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
