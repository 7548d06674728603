"""Grouping repeated problems: counted by hand on small problem tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from partner_analytics.data.grouping import GROUP_COLUMNS, group_problems, where_text

COLUMNS = ["severity", "table", "file", "row", "column", "value", "message"]


def _problems(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


UNKNOWN = "unknown partner 'X'"


def test_the_same_table_column_and_message_is_one_line_with_a_count_and_the_first_rows():
    problems = _problems(
        [("error", "stakeholders", "stakeholders.csv", r, "partner_id", "X", UNKNOWN) for r in (2, 5, 9, 11, 12)]
        + [("error", "stakeholders", "stakeholders.csv", 7, "partner_id", "Y", "unknown partner 'Y'")]
    )
    out = group_problems(problems)
    assert list(out.columns) == GROUP_COLUMNS
    assert out[["message", "count", "rows"]].to_dict("records") == [
        {"message": UNKNOWN, "count": 5, "rows": "2, 5, 9, ..."},
        {"message": "unknown partner 'Y'", "count": 1, "rows": "7"},
    ]


def test_exactly_first_rows_has_no_ellipsis_and_first_can_be_changed():
    problems = _problems([("error", "partners", "partners.csv", r, "sector", "x", "bad") for r in (4, 3, 8)])
    assert group_problems(problems)["rows"].tolist() == ["4, 3, 8"]  # the problems' order
    assert group_problems(problems, first=1)["rows"].tolist() == ["4, ..."]
    with pytest.raises(ValueError):
        group_problems(problems, first=0)


def test_another_column_file_or_severity_is_another_group():
    base = ("error", "partners", "partners.csv", 2, "sector", "x", "bad")
    problems = _problems(
        [
            base,
            ("error", "partners", "partners.csv", 3, "name", "x", "bad"),
            ("error", "partners", "partners.xlsx", 4, "sector", "x", "bad"),
            ("warning", "partners", "partners.csv", 5, "sector", "x", "bad"),
            base[:3] + (6,) + base[4:],
        ]
    )
    out = group_problems(problems)
    assert out["count"].tolist() == [2, 1, 1, 1]
    assert out["rows"].tolist() == ["2, 6", "3", "4", "5"]


def test_errors_come_before_warnings_each_in_the_order_of_their_first_problem():
    problems = _problems(
        [
            ("warning", "partners", "partners.csv", 2, "joined", "x", "w1"),
            ("error", "partners", "partners.csv", 3, "sector", "x", "e1"),
            ("warning", "partners", "partners.csv", 4, "joined", "x", "w0"),
            ("error", "commitments", "commitments.csv", 5, "due_date", "x", "e2"),
            ("warning", "partners", "partners.csv", 6, "joined", "x", "w1"),
        ]
    )
    out = group_problems(problems)
    assert out["message"].tolist() == ["e1", "e2", "w1", "w0"]
    assert out["count"].tolist() == [1, 1, 2, 1]


def test_problems_of_a_whole_table_have_no_rows_and_missing_keys_group_together():
    problems = _problems(
        [
            ("error", "partners", None, None, None, None, "the package has no partners table"),
            ("warning", "observations", "observations.csv", None, np.nan, None, "header only"),
            ("warning", "observations", "observations.csv", None, np.nan, None, "header only"),
        ]
    )
    out = group_problems(problems)
    assert out["count"].tolist() == [1, 2]
    assert out["rows"].tolist() == ["", ""]
    assert pd.isna(out.loc[0, "file"]) and pd.isna(out.loc[1, "column"])


def test_a_row_with_the_same_problem_twice_is_listed_once_but_counted_twice():
    problems = _problems([("error", "partners", "partners.csv", 2, "sector", "x", "bad")] * 2)
    out = group_problems(problems)
    assert out[["count", "rows"]].to_dict("records") == [{"count": 2, "rows": "2"}]


def test_no_problems_give_an_empty_table_with_the_columns():
    out = group_problems(_problems([]))
    assert list(out.columns) == GROUP_COLUMNS and len(out) == 0


def test_many_problems_are_grouped_fast():
    n = 200_000
    problems = pd.DataFrame(
        {
            "severity": "error",
            "table": "observations",
            "file": "observations.csv",
            "row": pd.array(np.arange(2, n + 2), dtype="Int64"),
            "column": np.where(np.arange(n) % 2, "value", "date"),
            "value": "x",
            "message": np.where(np.arange(n) % 2, "'x' is not a number", "'x' is not a date"),
        }
    )
    out = group_problems(problems)
    assert out["count"].tolist() == [n // 2, n // 2]
    assert out["rows"].tolist() == ["2, 4, 6, ...", "3, 5, 7, ..."]


def test_a_group_says_where_it_is_in_words():
    assert where_text(1, "12") == "12"
    assert where_text(41, "2, 3, 4, ...") == "41 rows: 2, 3, 4, ..."
    assert where_text(3, "") == "3 times"  # problems of a whole table or file
