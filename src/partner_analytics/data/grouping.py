"""Repeated problems as one line each: a package with a million bad cells is read in seconds.

A problem repeated on many rows (the same table, file, column and message: the message
names the value, so "unknown partner 'X'" on 278 rows is one group) is told once, with
how many rows have it and the first of them.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["GROUP_COLUMNS", "group_problems", "where_text"]

#: The columns of :func:`group_problems`' result.
GROUP_COLUMNS = ["severity", "table", "file", "column", "message", "count", "rows"]
_KEYS = ["severity", "table", "file", "column", "message"]
_SEVERITY_ORDER = {"error": 0, "warning": 1}


def group_problems(problems: pd.DataFrame, *, first: int = 3) -> pd.DataFrame:
    """One row per group of problems with the same severity, table, file, column and message.

    Parameters
    ----------
    problems : DataFrame
        A problems table (``Partnership.problems``, ``ValidationError.problems``): columns
        severity, table, file, row, column, value, message.
    first : int
        How many row numbers each group lists.

    Returns
    -------
    DataFrame
        Columns severity, table, file, column, message, count (problems in the group) and
        rows: the first ``first`` distinct row numbers, in the problems' order, as text
        ("2, 5, 9"), followed by ", ..." when the group has more rows; empty for problems of
        a whole table or file. Groups come in the order of their first problem, errors
        before warnings.
    """
    if first < 1:
        raise ValueError(f"first must be at least 1, got {first}")
    if problems.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "count" else "str") for c in GROUP_COLUMNS}
        )
    frame = problems.reset_index(drop=True)
    grouped = frame.groupby(_KEYS, dropna=False, sort=False)
    group = grouped.ngroup()
    heads = frame.loc[~group.duplicated(), _KEYS].reset_index(drop=True)  # in group number order
    heads["count"] = group.value_counts(sort=False).sort_index().to_numpy()

    rows = pd.DataFrame({"g": group, "row": frame["row"]}).dropna(subset=["row"]).drop_duplicates()
    nth = rows.groupby("g").cumcount()
    groups = pd.RangeIndex(len(heads))
    text = pd.Series("", index=groups, dtype="str")
    for k in range(first):  # the k-th row of every group at once
        kth = rows[nth == k]
        number = pd.Series(
            kth["row"].astype("int64").to_numpy(), index=kth["g"].to_numpy(), dtype="int64"
        )
        number = number.astype("str").reindex(groups)
        given = number.notna()
        text = text.where(~given, text + ("" if k == 0 else ", ") + number.fillna(""))
    more = (nth == first).groupby(rows["g"]).any().reindex(groups, fill_value=False)
    heads["rows"] = text.where(~more, text + ", ...").to_numpy()

    rank = heads["severity"].map(_SEVERITY_ORDER).fillna(len(_SEVERITY_ORDER))
    order = rank.sort_values(kind="stable").index
    return heads.loc[order, GROUP_COLUMNS].reset_index(drop=True)


def where_text(count: int, rows: str) -> str:
    """Where a group of :func:`group_problems` is, in words: its row ("12"), or how many
    rows and the first of them ("41 rows: 2, 3, 4, ..."), or how many times ("3 times")."""
    if count == 1:
        return rows
    return f"{count} rows: {rows}" if rows else f"{count} times"
