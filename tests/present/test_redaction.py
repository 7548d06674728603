"""Redaction: no respondent or rater id, no comment, no extra column of a survey table in a
problem list or a rejected-row table shown to a user (the report's appendix, the
dashboards' error page)."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from partner_analytics import Partnership, ValidationError
from partner_analytics.present.redaction import (
    HIDDEN,
    is_shown,
    redact_problems,
    redacted_problems,
    redacted_rejected,
)

TODAY = datetime.date(2030, 1, 1)
SECRETS = ("resp-42", "I do not trust the port authority", "jane.doe@example.org", "rater-77")
PARTNERS = pd.DataFrame({"partner_id": ["A", "B"], "name": ["Alpha", "Beta"], "sector": ["public", "private"]})


def survey_tables() -> dict[str, pd.DataFrame]:
    """Assessments with a comment and an exported e-mail column; a score out of range (9)
    and a duplicate answer rejected; ratings with a rater's e-mail and a bad power."""
    assessments = pd.DataFrame(
        {
            "wave": ["2022-Q4"] * 4,
            "respondent_id": ["resp-42", "resp-42", "resp-43", "resp-44"],
            "partner_id": ["A", "A", "B", "B"],
            "factor_code": ["601", "601", "601", "601"],
            "score": [9, 4, 3, 4],
            "comment": ["I do not trust the port authority", "", "", ""],
            "respondent_email": ["jane.doe@example.org", "jane.doe@example.org", "", ""],
        }
    )
    ratings = pd.DataFrame(
        {
            "wave": ["2022-Q4"] * 2,
            "rater_id": ["rater-77", "rater-78"],
            "stakeholder_id": ["S1", "S1"],
            "power": ["very high", 4],
            "interest": [4, 4],
            "rater_email": ["jane.doe@example.org", "x@example.org"],
        }
    )
    return {
        "partners": PARTNERS,
        "stakeholders": pd.DataFrame({"stakeholder_id": ["S1"], "name": ["Residents"]}),
        "assessments": assessments,
        "stakeholder_ratings": ratings,
    }


def test_columns_naming_people_comments_and_extra_survey_columns_are_never_shown():
    assert not is_shown("assessments", "respondent_id")
    assert not is_shown("stakeholder_ratings", "rater_id")
    assert not is_shown("assessments", "comment")
    assert not is_shown("stakeholder_ratings", "rater_email")  # extra column of a survey
    assert not is_shown("assessments", None)  # a survey problem naming no column
    assert is_shown("relationships", "respondent_partner_id")  # an organisation
    assert is_shown("assessments", "score") and is_shown("partners", "contact_email")


def test_the_reports_rejected_rows_and_problems_hide_comments_emails_and_ids():
    from partner_analytics.report.context import report_context
    from partner_analytics.report.sections import section

    p = Partnership.from_frames(drop_invalid=True, today=TODAY, **survey_tables())
    raw = p.problems.astype(str).to_string() + p.rejected.astype(str).to_string()
    assert all(s in raw for s in SECRETS)  # the package does carry them
    ctx = report_context(p, as_of="2022-12-31", run_time="T", sections=["appendix"])
    text = "\n".join(b.text() for b in section(ctx, "appendix"))
    assert "Rows left out because of errors" in text and HIDDEN in text
    for secret in SECRETS:
        assert secret not in text
    # the score that was wrong is still named: it is what the user must correct
    assert "'9'" in text or "9" in redacted_problems(p)["value"].tolist()


def test_the_dashboards_error_list_hides_ids_comments_and_emails():
    from partner_analytics.dashboards.layout import problems_message

    with pytest.raises(ValidationError) as err:
        Partnership.from_frames(today=TODAY, **survey_tables())
    problems = err.value.problems
    # a problem may name a hidden column or quote a hidden value in its message
    extra = pd.DataFrame(
        [
            {"severity": "error", "table": "assessments", "file": "a.csv", "row": 3,
             "column": "comment", "value": "I do not trust the port authority",
             "message": "'I do not trust the port authority' is too long"},
            {"severity": "error", "table": "stakeholder_ratings", "file": "r.csv", "row": 2,
             "column": "rater_email", "value": "jane.doe@example.org", "message": "bad e-mail"},
            {"severity": "error", "table": "assessments", "file": "a.csv", "row": 4,
             "column": "respondent_id", "value": "resp-42",
             "message": "duplicate key respondent_id 'resp-42': already on row 2"},
        ]
    )  # fmt: skip
    html = problems_message(pd.concat([problems, extra], ignore_index=True), limit=100)
    for secret in SECRETS:
        assert secret not in html
    assert HIDDEN in html


def test_redaction_keeps_every_row_and_column_and_the_values_users_must_fix():
    problems = pd.DataFrame(
        {
            "severity": ["error", "error"],
            "table": ["assessments", "partners"],
            "file": ["a.csv", "p.csv"],
            "row": [2, 3],
            "column": ["score", "sector"],
            "value": ["9", "pubic"],
            "message": ["'9' is out of range", "'pubic' is not a sector"],
            "rule": ["out_of_range", "unknown_value"],
        }
    )
    out = redact_problems(problems, ids={"resp-42"})
    pd.testing.assert_frame_equal(out, problems)


def test_a_known_id_is_hidden_in_messages_but_a_plain_number_is_not_mistaken_for_one():
    problems = pd.DataFrame(
        {
            "severity": ["warning"],
            "table": ["assessments"],
            "file": ["a.csv"],
            "row": [12],
            "column": ["score"],
            "value": ["12"],
            "message": ["respondent R7 answered 12 times; see row 12"],
        }
    )
    out = redact_problems(problems, ids={"R7", "12"})
    assert out.loc[0, "message"] == f"respondent {HIDDEN} answered 12 times; see row 12"
    assert out.loc[0, "value"] == "12"


def test_rejected_rows_of_other_tables_are_shown_as_they_are():
    p = Partnership.from_frames(
        drop_invalid=True,
        today=TODAY,
        partners=pd.DataFrame(
            {"partner_id": ["A", "B"], "name": ["Alpha", "Beta"], "sector": ["public", "pubic"]}
        ),
    )
    rej = redacted_rejected(p)
    assert "pubic" in rej["values"].iloc[0] and HIDDEN not in rej["values"].iloc[0]


def test_problems_and_rejected_rows_hide_rater_ids():
    # a duplicate rater row is rejected; the problem's value and message quote the key
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A"], "name": ["Alpha"], "sector": ["public"]}),
        stakeholders=pd.DataFrame({"stakeholder_id": ["S1"], "name": ["Residents"]}),
        stakeholder_ratings=pd.DataFrame(
            {
                "wave": ["2022-Q4"] * 3,
                "rater_id": ["rater-77", "rater-77", "rater-78"],
                "stakeholder_id": ["S1"] * 3,
                "power": [4, 5, 3],
                "interest": [4, 4, 4],
            }
        ),
        drop_invalid=True,
        today=TODAY,
    )
    assert len(p.rejected) >= 1
    raw = p.problems.astype(str).to_string() + p.rejected.astype(str).to_string()
    assert "rater-77" in raw
    text = (
        redacted_problems(p).astype(str).to_string() + redacted_rejected(p).astype(str).to_string()
    )
    assert "rater-77" not in text and "rater-78" not in text
    assert HIDDEN in text
