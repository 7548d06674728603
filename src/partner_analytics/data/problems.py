"""Problems: the rule codes, the problems table and the one collector that builds it.

Every problem found in a package (by the readers, the checks, the store) is one row of the
problems table (:data:`PROBLEM_COLUMNS`): its severity (``error``: the row cannot be used;
``warning``: usable but suspicious), its :class:`Rule` code, where it is (table, file, row as
a spreadsheet shows it, column), the value as the user wrote it (an excerpt) and a message
saying what was expected. Code that acts on problems matches the rule code, never the text.
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd

from partner_analytics.data.schemas import TABLE_ORDER
from partner_analytics.data.text import excerpt

__all__ = [
    "PROBLEM_COLUMNS",
    "REJECTED_COLUMNS",
    "VALUE_CHARS",
    "ProblemCollector",
    "Rule",
    "problem",
    "problem_frame",
    "sort_problems",
]

PROBLEM_COLUMNS = ["severity", "rule", "table", "file", "row", "column", "value", "message"]
REJECTED_COLUMNS = ["table", "file", "row", "reason", "values"]
VALUE_CHARS = 80  # the longest value kept in the problems table


class Rule(StrEnum):
    """The rule a problem breaks (the ``rule`` column of the problems table).

    docs/data-package.md lists them with what each means; the text of a message may change,
    a rule code does not.
    """

    # files and the folder
    UNREADABLE_FILE = "unreadable_file"  # not CSV / XLSX / Parquet / YAML it claims to be
    EMPTY_FILE = "empty_file"  # no header row
    SYMLINK = "symlink"  # a table file or folder entry that is a symbolic link
    NOT_A_FILE = "not_a_file"  # a device, pipe or socket where a table file should be
    TOO_LARGE = "too_large"  # beyond a size limit (file, workbook, rows, cells, cell length)
    UNSUPPORTED_FILE = "unsupported_file"  # a file type that is not read
    UNKNOWN_TABLE = "unknown_table"  # a file or sheet whose name is not a table
    DUPLICATE_TABLE = "duplicate_table"  # two files (or sheets) name one table
    EXTRA_SHEET = "extra_sheet"  # a table file's workbook has other sheets
    ENCODING = "encoding"  # a line that is not valid text in the file's encoding
    RAGGED_ROW = "ragged_row"  # a row with more fields than the header
    BAD_SETTING = "bad_setting"  # a value in package.yml that cannot be used
    # tables and columns
    MISSING_TABLE = "missing_table"  # the required partners table is absent or has no rows
    NO_ROWS = "no_rows"  # a table with a header and no rows
    MISSING_COLUMN = "missing_column"  # a required column is absent
    DUPLICATE_COLUMN = "duplicate_column"  # two columns with one name
    BAD_COLUMN_NAME = "bad_column_name"  # an extra column whose name is not plain: not read
    RENAMED_COLUMN = "renamed_column"  # a column named like one the loader uses: renamed
    # cells
    BAD_TYPE = "bad_type"  # not a number, date, period, yes/no
    OUT_OF_RANGE = "out_of_range"  # outside the allowed range (or the dates that can be used)
    NOT_ALLOWED = "not_allowed"  # not one of the allowed values
    REQUIRED = "required"  # an empty required cell
    AMBIGUOUS_NUMBER = "ambiguous_number"  # 1.500 / 1,500 where both readings are possible
    CONTROL_CHARACTER = "control_character"  # NUL, escape or invisible character in an id
    UNICODE_FORM = "unicode_form"  # an id written in decomposed Unicode, composed (NFC)
    DUPLICATE_KEY = "duplicate_key"  # a second row with the same key
    UNKNOWN_KEY = "unknown_key"  # a reference to an id that does not exist
    REJECTED_PARENT = "rejected_parent"  # a reference to a row that was rejected
    INCONSISTENT = "inconsistent"  # fields that contradict each other (left before joined)
    UNKNOWN_CURRENCY = "unknown_currency"  # a currency without an exchange rate
    # warnings about the whole table
    FEW_RATERS = "few_raters"  # a wave with fewer raters or respondents than min_n
    FUTURE_DATE = "future_date"  # a date after the validation day
    NEVER_RATED = "never_rated"  # a stakeholder nobody rated
    DONE_WITHOUT_DATE = "done_without_date"  # status done, completed_date empty
    MIXED_CURRENCIES = "mixed_currencies"  # several currencies and no exchange rates
    # foreign formats
    IMPORT = "import"  # a problem an importer found in the foreign file


def problem(
    severity: str,
    rule: Rule | str,
    table: str | None,
    file: str | None,
    message: str,
    *,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
) -> dict:
    """One problem as a record of the problems table (the value kept as an excerpt)."""
    given = value is not None and (isinstance(value, str) or not pd.isna(value))
    return {
        "severity": severity,
        "rule": str(rule),
        "table": table,
        "file": file,
        "row": row,
        "column": column,
        "value": excerpt(value, VALUE_CHARS) if given else None,
        "message": message,
    }


class ProblemCollector:
    """Collects problems; remembers, per table, the rows with errors and their reasons.

    ``bad[table][index]`` lists the reasons of the rows (by frame index) that have an
    error: with ``drop_invalid`` they are the rejected rows.
    """

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.bad: dict[str, dict[int, list[str]]] = {}
        self.cells_seen: set[tuple[str, int, str | None]] = set()

    def add(
        self,
        severity: str,
        rule: Rule | str,
        table: str | None,
        file: str | None,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        index: int | None = None,
    ) -> None:
        self.rows.append(
            problem(severity, rule, table, file, message, row=row, column=column, value=value)
        )
        if index is not None:
            self.cells_seen.add((table, index, column))
            if severity == "error":
                reasons = self.bad.setdefault(table, {}).setdefault(index, [])
                reason = f"{column}: {message}" if column else message
                if reason not in reasons:
                    reasons.append(reason)

    def extend(self, records: list[dict]) -> None:
        """Problems already made as records (by a reader)."""
        self.rows.extend(records)

    def cells(self, severity, rule, table, frame, mask, column, raw, message_fn) -> None:
        """One problem per row where ``mask`` holds; its value is the raw text of the cell.

        ``frame`` has the ``_file`` and ``_row`` columns; ``message_fn`` gets the raw value.
        """
        if not mask.any():
            return
        sub = frame.loc[mask, ["_file", "_row"]]
        vals = raw.loc[mask] if raw is not None else pd.Series(None, index=sub.index)
        for idx, f, r, v in zip(sub.index, sub["_file"], sub["_row"], vals, strict=True):
            self.add(
                severity, rule, table, f, message_fn(v),
                row=int(r), column=column, value=v, index=idx,
            )  # fmt: skip

    def seen(self, table: str, index: int, column: str | None) -> bool:
        """Whether a problem was recorded on this cell already."""
        return (table, index, column) in self.cells_seen

    def frame(self) -> pd.DataFrame:
        """The problems table, sorted (:func:`sort_problems`), duplicates removed."""
        return sort_problems(problem_frame(self.rows).drop_duplicates(ignore_index=True))


def problem_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Records (or a frame) as the problems table: its columns and dtypes."""
    frame = pd.DataFrame(rows).reindex(columns=PROBLEM_COLUMNS)
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    text = [c for c in PROBLEM_COLUMNS if c != "row"]
    return frame.astype({c: "str" for c in text})


def sort_problems(problems: pd.DataFrame) -> pd.DataFrame:
    """Errors first, then tables in the contract's order, file and row (stable otherwise)."""
    if not len(problems):
        return problems.reset_index(drop=True)
    sev = problems["severity"].map({"error": 0, "warning": 1}).fillna(2)
    order = problems["table"].map({n: i for i, n in enumerate(TABLE_ORDER)})
    return (
        problems.assign(_s=sev, _t=order)
        .sort_values(["_s", "_t", "file", "row"], kind="stable", na_position="first")
        .drop(columns=["_s", "_t"])
        .reset_index(drop=True)
    )
