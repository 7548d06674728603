"""The alert conditions, one row per source, on the tiny partnership of tests/tiny_partnership.py.

As of 2022-12-31 (compared with 2022-09-30), worked out by hand:

- Recycling (I1) is deteriorating, and was on track on 2022-09-30: it moved to
  deterioration; no indicator was deteriorating before (n_before 0).
- Alpha's commitments k1 (due 2022-10-01) and k2 (due 2022-11-01) are open: 91 and 60 days
  overdue; on 2022-09-30 neither was due yet (n_before 0).
- Residents (S1) are contested in 2022-Q4 (power 1, 5, 3: sd 2 > 1), not in 2022-Q3; the
  Port (S2) has two raters only: suppressed, never an alert.
- Factor 601: public mean 14/3, private mean 10/3, gap 4/3 >= 1.0; no assessments before
  (n_before NaN).

As of 2023-03-31 (compared with 2022-12-31): Recycling is still deteriorating (a watch
condition, no longer an alert); Alpha's k1, k2 are 181 and 150 days overdue and Beta's k4
(due 2023-01-15) 75 days; nobody is contested in 2023-Q1; the gap of 2022-Q4 still stands.
"""

from __future__ import annotations

import math

import pytest

from partner_analytics.analysis.alerts import ALERT_COLUMNS, alert_sources
from partner_analytics.present.highlights import alerts


def _rows(frame, *columns):
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


def test_alert_sources_list_each_source_of_each_alert_with_its_kind_and_id(tiny):
    a = alert_sources(tiny, as_of="2022-12-31")
    assert list(a.columns) == ALERT_COLUMNS
    assert _rows(a, "alert", "severity", "source_kind", "source_id", "source") == [
        ("indicators_deteriorated", "alert", "indicator", "I1", "Recycling"),
        ("overdue_by_partner:A", "alert", "commitment", "k1", "Open the depot"),
        ("overdue_by_partner:A", "alert", "commitment", "k2", "Hire a manager"),
        ("contested_stakeholders", "alert", "stakeholder", "S1", "Residents"),
        ("perception_gaps", "alert", "factor", "601", "Joint Governance Structure"),
    ]


def test_each_alert_carries_its_counts_now_and_before_and_the_numbers_its_sentence_names(tiny):
    a = alert_sources(tiny, as_of="2022-12-31").set_index("source_id")
    assert (a.loc["I1", "n"], a.loc["I1", "n_before"]) == (1, 0)
    assert list(a.loc[["k1", "k2"], "n"]) == [2, 2]
    assert list(a.loc[["k1", "k2"], "days_overdue"]) == [91, 60]  # the oldest first
    assert a.loc["k1", "n_before"] == 0
    assert (a.loc["k1", "partner_id"], a.loc["k1", "partner"]) == ("A", "Alpha Council")
    assert (a.loc["S1", "wave"], a.loc["S1", "n"], a.loc["S1", "n_before"]) == ("2022-Q4", 1, 0)
    g = a.loc["601"]
    assert g["gap"] == pytest.approx(14 / 3 - 10 / 3)
    assert (g["highest_group"], g["lowest_group"], g["wave"]) == ("public", "private", "2022-Q4")
    assert math.isnan(g["n_before"])  # no assessments on 2022-09-30


def test_an_indicator_still_deteriorating_is_a_watch_condition_not_a_new_alert(tiny):
    a = alert_sources(tiny, as_of="2023-03-31")
    assert _rows(a, "alert", "severity", "source_id") == [
        ("overdue_by_partner:A", "alert", "k1"),
        ("overdue_by_partner:A", "alert", "k2"),
        ("overdue_by_partner:B", "alert", "k4"),
        ("perception_gaps", "alert", "601"),
        ("indicators_still_bad", "watch", "I1"),
    ]
    assert list(a["days_overdue"].iloc[:3]) == [181, 150, 75]
    assert list(a["n_before"].iloc[:3]) == [2, 2, 0]  # Alpha had 2 overdue on 2022-12-31


def test_the_sentences_of_the_alerts_are_keyed_to_their_sources(tiny):
    a = alerts(tiny, as_of="2022-12-31")
    sources = alert_sources(tiny, as_of="2022-12-31")
    assert list(a["alert"]) == list(dict.fromkeys(sources["alert"]))
    r = a[a["alert"] == "overdue_by_partner:A"].iloc[0]
    assert (
        r["sentence"] == "Alpha Council has 2 overdue commitments; the oldest is 91 days overdue."
    )


def test_a_suppressed_stakeholder_never_raises_an_alert(tiny):
    a = alert_sources(tiny, as_of="2022-12-31")
    assert "S2" not in set(a["source_id"])  # the Port: two raters, fewer than min_n = 3


def test_a_package_without_the_tables_of_the_alerts_has_no_alert(partners_only):
    a = alert_sources(partners_only, as_of="2022-12-31")
    assert list(a.columns) == ALERT_COLUMNS and len(a) == 0
