"""A tiny partnership for the page helpers, with every number worked out by hand.

Report day 2022-12-31 (2022-Q4), previous period 2022-09-30 (2022-Q3).

- Partners: Alpha Council (public), Beta Ltd (private); Gamma Trust (civil society) joins
  on 2023-03-01, after the report day, so it is not yet a partner.
- Indicators, annual observations, increase wanted, target 20 in 2030 (no baseline given:
  the base is the first observation, 10 in 2020):
  Recycling 10, 12, 8 (2020..2022); Jobs 10, 12, 14.
  As of 2022-09-30 the 2022 value (period ending 2022-12-31) is not yet known:
  both latest = 12 in 2021: growth = 12/10 - 1 = 0.2; target growth = 2^(1/10) - 1 =
  0.07177; R = 2.787 >= 0.95: substantial progress (on track).
  As of 2022-12-31: Recycling growth = (8/10)^(1/2) - 1 = -0.1056, R = -1.471,
  score = max(4.1667 R - 2.5, -5) = -5: deterioration. Jobs (14/10)^(1/2) - 1 = 0.1832,
  R = 2.553: substantial progress.
- Commitments: Alpha: "Open the depot" due 2022-10-01 and "Hire a manager" due 2022-11-01,
  both open: overdue by 91 and 60 days on 2022-12-31. Beta: "Share data" due 2022-06-30
  done on 2022-06-15 (on time); "Fund the pilot" due 2023-01-15 (upcoming, 15 days).
  Follow-through on 2022-12-31: 1 on time of 3 due = 33.3 %; on 2022-09-30: 1 of 1 = 100 %.
- Stakeholder ratings: Residents rated by r1, r2, r3 in 2022-Q3 power 4, 4, 4 and interest
  4, 4, 4 (not contested), in 2022-Q4 power 1, 5, 3 (sd 2 > 1: contested) and interest
  4, 4, 4; Port rated by r1, r2 only in 2022-Q4 (suppressed with min_n = 3), power 1, 5;
  a 2023-Q1 wave lies after the report day.
- Assessments, 2022-Q4, factor 601 Joint Governance Structure: Alpha's respondents a1, a2,
  a3 score 5, 5, 4 (public mean 14/3 = 4.667); Beta's b1, b2, b3 score 3, 3, 4 (private mean
  10/3 = 3.333): gap 1.333 >= 1.0, flagged. Mean over the 6 respondents 24/6 = 4.0:
  index = (4 - 1) / 4 * 100 = 75.0.
- Actions (:func:`tiny_actions`, given only where a test asks for them): seven, worked out
  in tests/analysis/test_actions.py.
"""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from partner_analytics import Partnership

TODAY = datetime.date(2030, 1, 1)


def tiny_tables() -> dict[str, pd.DataFrame]:
    partners = pd.DataFrame(
        {
            "partner_id": ["A", "B", "C"],
            "name": ["Alpha Council", "Beta Ltd", "Gamma Trust"],
            "sector": ["public", "private", "civil_society"],
            "joined": ["2020-01-01", "2020-01-01", "2023-03-01"],
        }
    )
    indicators = pd.DataFrame(
        {
            "indicator_id": ["I1", "I2"],
            "name": ["Recycling", "Jobs"],
            "unit": ["%", "jobs"],
            "direction": ["increase", "increase"],
            "target_value": [20, 20],
            "target_date": ["2030", "2030"],
            "pillar": ["environmental", "economic"],
        }
    )
    observations = pd.DataFrame(
        {
            "indicator_id": ["I1"] * 3 + ["I2"] * 3,
            "date": ["2020", "2021", "2022"] * 2,
            "value": [10, 12, 8, 10, 12, 14],
        }
    )
    commitments = pd.DataFrame(
        {
            "commitment_id": ["k1", "k2", "k3", "k4"],
            "partner_id": ["A", "A", "B", "B"],
            "description": ["Open the depot", "Hire a manager", "Share data", "Fund the pilot"],
            "due_date": ["2022-10-01", "2022-11-01", "2022-06-30", "2023-01-15"],
            "completed_date": [None, None, "2022-06-15", None],
            "status": ["open", "open", "done", "open"],
        }
    )
    stakeholders = pd.DataFrame({"stakeholder_id": ["S1", "S2"], "name": ["Residents", "Port"]})
    ratings = pd.DataFrame(
        [
            ("2022-Q3", "r1", "S1", 4, 4),
            ("2022-Q3", "r2", "S1", 4, 4),
            ("2022-Q3", "r3", "S1", 4, 4),
            ("2022-Q4", "r1", "S1", 1, 4),
            ("2022-Q4", "r2", "S1", 5, 4),
            ("2022-Q4", "r3", "S1", 3, 4),
            ("2022-Q4", "r1", "S2", 1, 2),
            ("2022-Q4", "r2", "S2", 5, 2),
            ("2023-Q1", "r1", "S1", 2, 2),
            ("2023-Q1", "r2", "S1", 2, 2),
            ("2023-Q1", "r3", "S1", 2, 2),
        ],
        columns=["wave", "rater_id", "stakeholder_id", "power", "interest"],
    )
    assessments = pd.DataFrame(
        {
            "wave": "2022-Q4",
            "respondent_id": ["a1", "a2", "a3", "b1", "b2", "b3"],
            "partner_id": ["A", "A", "A", "B", "B", "B"],
            "factor_code": "601",
            "score": [5, 5, 4, 3, 3, 4],
        }
    )
    return {
        "partners": partners,
        "indicators": indicators,
        "observations": observations,
        "commitments": commitments,
        "stakeholders": stakeholders,
        "stakeholder_ratings": ratings,
        "assessments": assessments,
    }


def tiny_actions() -> pd.DataFrame:
    """Seven actions on the tiny partnership (tests/analysis/test_actions.py works out
    their states, follow-through and links to the alerts by hand)."""
    return pd.DataFrame(
        {
            "action_id": ["x1", "x2", "x3", "x4", "x5", "x6", "x7"],
            "title": ["Reopen the depot", "Meet the residents", "Recycling drive", "Hire a manager",
                      "Governance workshop", "Write the annual note", "Check the shared vision"],
            "owner_partner_id": ["A", "B", "A", "A", "B", "A", "B"],
            "raised": ["2022-10-15", "2022-10-15", "2022-11-01", "2022-11-10", "2022-12-01",
                       "2023-01-10", "2023-02-01"],
            "due_date": ["2022-11-30", "2022-12-15", "2023-01-31", "2022-12-01", "2022-12-20",
                         "2023-02-28", "2023-05-15"],
            "status": ["done", "open", "in progress", "dropped", "done", "open", "open"],
            "completed_date": ["2022-11-20", None, None, None, "2023-01-05", None, None],
            "source_kind": ["commitment", "stakeholder", "indicator", "commitment", "factor", None,
                            "readiness"],
            "source_id": ["k1", "S1", "I1", "k2", "601", None, "shared_vision"],
        }
    )  # fmt: skip


@pytest.fixture(scope="session")
def make_tiny():
    """Load the tiny partnership afresh (a new object: no shared snapshot cache)."""

    def make(**replace: pd.DataFrame) -> Partnership:
        tables = tiny_tables()
        tables.update(replace)
        return Partnership.from_frames(today=TODAY, name="Tiny partnership", **tables)

    return make


@pytest.fixture(scope="module")
def tiny(make_tiny) -> Partnership:
    # never changed by the code under test, so shared by the tests of a module
    return make_tiny()


@pytest.fixture(scope="module")
def partners_only() -> Partnership:
    return Partnership.from_frames(today=TODAY, partners=tiny_tables()["partners"])
