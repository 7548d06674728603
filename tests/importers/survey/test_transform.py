"""The long tables an import makes: values and dtypes as a frame of every answer, filtered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_survey_diagnostics import MAPPING, _run

from partner_analytics.importers.survey.transform import _text_column

COMMENTED = MAPPING.replace('{factor_code: "601"}', '{factor_code: "601", comment: Notes}')


@pytest.mark.parametrize(
    "values",
    [
        np.array(["a", None, "b"], dtype=object),
        np.array([None, None, None], dtype=object),
        np.array(["a", 1, None], dtype=object),
        np.array([1, 2, 3], dtype=object),
    ],
)
@pytest.mark.parametrize("every", [[0, 1, 2, 2, 0], [1, 1], [0, 2], []])
def test_a_long_text_column_has_the_dtype_and_values_of_the_column_of_every_row_taken(values, every):
    every = np.array(every, dtype=np.int64)
    for rows in (np.arange(len(every)), np.arange(len(every))[::2], np.array([], dtype=np.int64)):
        expected = pd.Series(values[every]).take(rows).reset_index(drop=True)
        got = pd.Series(_text_column(values, every, rows))
        pd.testing.assert_series_equal(got, expected, check_exact=True)


def test_comments_of_one_question_and_rejected_submissions_leave_the_rows_and_dtypes_of_a_filtered_frame(tmp_path, package):
    r = _run(tmp_path, package, [
        "1,2026-01-05,a@x.org,P01,Agree,4,High,Low,because",
        "2,2026-01-06,b@x.org,Nobody Inc,Agree,5,High,Low,no",  # an unknown organisation: rejected
        "3,2026-04-07,c@x.org,P02,Don't know,Disagree,High,Low,",
    ], COMMENTED)
    a = r.tables["assessments"]
    assert list(a.columns) == ["wave", "respondent_id", "partner_id", "factor_code", "score", "comment"]
    assert a["wave"].tolist() == ["2026-Q1", "2026-Q1", "2026-Q2"]
    assert a["partner_id"].tolist() == ["P01", "P01", "P02"]
    assert a["factor_code"].tolist() == ["601", "602", "602"]
    assert a["score"].tolist() == [4.0, 4.0, 2.0]
    assert a["comment"].tolist()[0] == "because" and a["comment"].isna().tolist() == [False, True, True]
    assert all(a[c].dtype == "str" for c in ("wave", "respondent_id", "partner_id", "factor_code", "comment"))


def test_when_every_submission_is_rejected_the_assessments_keep_the_dtypes_of_every_answer(tmp_path, package):
    r = _run(tmp_path, package, ["1,2026-01-05,a@x.org,Nobody Inc,Agree,4,,,", "2,2026-01-06,b@x.org,,Agree,5,,,"], COMMENTED)
    a = r.tables["assessments"]
    assert len(a) == 0 and r.counts()["rejected"] == 2
    assert a["wave"].dtype == "str" and a["respondent_id"].dtype == "str"
    assert a["partner_id"].dtype == object and a["comment"].dtype == object  # no organisation, no comment at all
