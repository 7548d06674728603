"""Redaction: what of a problem list or a rejected row a user may see.

One rule for every problem list and rejected-row table shown to a user (the report's
appendix, the dashboards' error page, the command line's listings when they use it):

- no respondent or rater ids (``respondent_id``, ``rater_id``; ``respondent_partner_id``
  names an organisation and stays);
- no free-text comments (``comment``);
- no extra columns of the survey tables (``assessments``, ``stakeholder_ratings``,
  ``relationships``): a column the contract does not define there (a rater's e-mail
  exported by a survey tool) is never shown, nor is a value of a survey-table problem
  that names no column.

Values of those columns read :data:`HIDDEN`; wherever a message quotes one (``'R12'``), or
names a known respondent or rater id, it reads :data:`HIDDEN` too. A value a message quotes
after a person column's name (``rater_id 'R12'``, as a duplicate key is written) is such an
id, even when the package's tables are not known (a package that did not load).
"""

from __future__ import annotations

import json
import re

import pandas as pd

from partner_analytics.data.schemas import TABLES

__all__ = [
    "HIDDEN",
    "PERSON_COLUMNS",
    "SURVEY_TABLES",
    "is_shown",
    "known_ids",
    "redact_problems",
    "redact_rejected",
    "redacted_problems",
    "redacted_rejected",
]

#: What a hidden value reads.
HIDDEN = "(hidden)"
#: Columns naming a person (a respondent or a rater).
PERSON_COLUMNS = ("respondent_id", "rater_id")
#: Columns holding free text written by a respondent.
FREE_TEXT_COLUMNS = ("comment",)
#: Tables of survey answers: only their contract columns are ever shown.
SURVEY_TABLES = ("assessments", "stakeholder_ratings", "relationships")


def _contract_columns(table: str) -> frozenset[str]:
    spec = TABLES.get(table)
    return frozenset(c.name for c in spec.columns) if spec is not None else frozenset()


def is_shown(table, column) -> bool:
    """True when a value of ``column`` of ``table`` may be shown to a user."""
    column = column if isinstance(column, str) else ""
    if column in PERSON_COLUMNS or column in FREE_TEXT_COLUMNS:
        return False
    if table in SURVEY_TABLES:
        return column in _contract_columns(table)
    return True


def known_ids(p) -> set[str]:
    """The respondent and rater ids of a partnership: in its tables and its rejected rows."""
    ids: set[str] = set()
    for table in SURVEY_TABLES:
        f = p.tables.get(table)
        for col in PERSON_COLUMNS:
            if f is not None and col in f:
                ids |= {str(v) for v in f[col].dropna().unique()}
    rej = p.rejected
    if rej is not None and len(rej) and "values" in rej:
        for values in map(_row_values, rej["values"]):
            for col in PERSON_COLUMNS:
                if isinstance(values, dict) and values.get(col):
                    ids.add(str(values[col]))
    return {i for i in ids if i.strip()}


#: A person column's value quoted in a message: ``respondent_id 'R12'``.
_NAMED_ID = re.compile(rf"(?<![\w-])(?:{'|'.join(PERSON_COLUMNS)}) (['\"])(.+?)\1")


def _named_ids(messages) -> set[str]:
    """The ids that messages quote after a person column's name."""
    return {
        m.group(2) for text in messages if isinstance(text, str) for m in _NAMED_ID.finditer(text)
    }


def _row_values(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


class _Scrubber:
    """Replaces hidden values in free text: quoted anywhere ('R12'), and known ids that are
    not plain numbers wherever they stand as a word (a plain number such as 12 is left
    alone unquoted: it would hide row numbers and scores)."""

    def __init__(self, values):
        values = {str(v) for v in values if isinstance(v, str) and v.strip() and v != HIDDEN}
        alts = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
        self.quoted = re.compile(rf"(['\"])({alts})\1") if values else None
        words = [v for v in values if not re.fullmatch(r"[\d.,\s-]+", v)]
        alts = "|".join(re.escape(v) for v in sorted(words, key=len, reverse=True))
        self.words = re.compile(rf"(?<![\w-])({alts})(?![\w-])") if words else None

    def __call__(self, text):
        if not isinstance(text, str):
            return text
        if self.quoted is not None:
            text = self.quoted.sub(lambda m: f"{m.group(1)}{HIDDEN}{m.group(1)}", text)
        if self.words is not None:
            text = self.words.sub(HIDDEN, text)
        return text


def redact_problems(problems: pd.DataFrame, *, ids=()) -> pd.DataFrame:
    """A problems table as a user may see it (see the module's rule).

    ``ids``: respondent and rater ids to hide wherever they occur (see :func:`known_ids`).
    The rows and every other column (a ``rule`` code included) are kept as they are.
    """
    pr = problems.copy()
    if not len(pr):
        return pr
    shown = [is_shown(t, c) for t, c in zip(pr["table"], pr["column"], strict=True)]
    hidden_values = {v for v, s in zip(pr["value"], shown, strict=True) if not s}
    scrub = _Scrubber(hidden_values | set(ids) | _named_ids(pr["message"]))
    value = pr["value"].astype("object")
    pr["value"] = [
        v if s or v is None or (not isinstance(v, str) and pd.isna(v)) else HIDDEN
        for v, s in zip(value, shown, strict=True)
    ]
    pr["value"] = pr["value"].map(scrub)
    pr["message"] = pr["message"].map(scrub)
    return pr


def redact_rejected(rejected: pd.DataFrame, *, ids=()) -> pd.DataFrame:
    """Rejected rows as a user may see them: the hidden columns of each row's ``values``
    (its cells, as JSON) read :data:`HIDDEN`; the reason is scrubbed like a message."""
    rej = rejected.copy()
    if not len(rej):
        return rej
    hidden: set[str] = set(ids)
    rows = []
    for table, text in zip(rej["table"], rej["values"], strict=True):
        values = _row_values(text)
        if isinstance(values, dict):
            for col, v in values.items():
                if not is_shown(table, col) and v not in (None, ""):
                    hidden.add(str(v))
                    values[col] = HIDDEN
        rows.append(values)
    scrub = _Scrubber(hidden | _named_ids(rej["reason"]))
    rej["values"] = [
        scrub(json.dumps(v, ensure_ascii=False)) if isinstance(v, dict) else (HIDDEN if isinstance(t, str) and t else t)
        for v, t in zip(rows, rej["values"], strict=True)
    ]
    rej["reason"] = rej["reason"].map(scrub)
    return rej


def redacted_problems(p) -> pd.DataFrame:
    """The partnership's problems as a user may see them."""
    return redact_problems(p.problems, ids=known_ids(p))


def redacted_rejected(p) -> pd.DataFrame:
    """The partnership's rejected rows as a user may see them."""
    return redact_rejected(p.rejected, ids=known_ids(p))
