"""Highlights: the rules on the tiny partnership of conftest.py, numbers worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from partner_analytics.present.highlights import HIGHLIGHT_COLUMNS, SEVERITIES, alerts, highlights

AS_OF = "2022-12-31"


def rule(frame: pd.DataFrame, name: str) -> pd.Series:
    rows = frame[frame["rule"] == name]
    assert len(rows) == 1, f"expected one {name!r} row, got {len(rows)}"
    return rows.iloc[0]


def test_highlights_have_the_promised_columns_and_severities(tiny):
    h = highlights(tiny, as_of=AS_OF)
    assert list(h.columns) == HIGHLIGHT_COLUMNS
    assert set(h["severity"]) <= set(SEVERITIES)
    # sorted by severity: alerts first, info last
    order = [SEVERITIES.index(s) for s in h["severity"]]
    assert order == sorted(order)


def test_the_tiny_partnership_gives_exactly_these_rules_in_this_order(tiny):
    h = highlights(tiny, as_of=AS_OF)
    assert list(h["rule"]) == [
        "indicators_deteriorated",
        "overdue_by_partner",
        "contested_stakeholders",
        "perception_gaps",
        "follow_through",
        "public_private_only",
        "health_index",
        "indicators_on_track",
        "partners",
        "upcoming_commitments",
    ]


def test_an_indicator_that_moved_to_deterioration_is_an_alert_naming_it(tiny):
    # Recycling: on track as of 2022-09-30 (R = 2.787), deteriorating as of 2022-12-31
    r = rule(highlights(tiny, as_of=AS_OF), "indicators_deteriorated")
    assert r["severity"] == "alert"
    assert r["sentence"] == "1 of 2 indicators moved to deterioration since 2022-Q3: Recycling."
    assert r["value"] == 1 and r["previous_value"] == 0


def test_fewer_indicators_on_track_than_before_is_said_with_both_counts(tiny):
    # Jobs only on track now (1 of 2); both were in 2022-Q3 (2)
    r = rule(highlights(tiny, as_of=AS_OF), "indicators_on_track")
    assert (
        r["sentence"]
        == "1 of 2 indicators are on track or have achieved their target (2 in 2022-Q3)."
    )
    assert (r["value"], r["previous_value"]) == (1, 2)
    assert r["severity"] == "info"  # not "good": fewer than before


def test_a_partner_with_overdue_commitments_is_named_with_the_count_and_the_oldest(tiny):
    # Alpha: due 2022-10-01 and 2022-11-01, open; 2022-12-31 - 2022-10-01 = 91 days
    r = rule(highlights(tiny, as_of=AS_OF), "overdue_by_partner")
    assert (
        r["sentence"] == "Alpha Council has 2 overdue commitments; the oldest is 91 days overdue."
    )
    assert (r["value"], r["previous_value"]) == (2, 0)


def test_follow_through_falling_by_five_points_or_more_is_watched(tiny):
    # 1 on time of 3 due = 33.3 % now; 1 of 1 = 100 % on 2022-09-30
    r = rule(highlights(tiny, as_of=AS_OF), "follow_through")
    assert r["severity"] == "watch"
    assert r["value"] == pytest.approx(100 / 3)
    assert r["previous_value"] == pytest.approx(100.0)
    assert r["sentence"] == (
        "33 % of the 3 commitments due by 2022-12-31 were kept on time (100 % at 2022-09-30)."
    )


def test_commitments_falling_due_within_30_days_are_counted(tiny):
    # Beta's pilot is due 2023-01-15, 15 days after the report day
    r = rule(highlights(tiny, as_of=AS_OF), "upcoming_commitments")
    assert r["sentence"] == "1 commitment falls due in the next 30 days."
    assert r["value"] == 1


def test_a_contested_stakeholder_is_an_alert_and_a_suppressed_one_is_not_counted(tiny):
    # Residents: power 1, 5, 3 by 3 raters, sd 2 > 1; Port is contested too but rated by 2
    r = rule(highlights(tiny, as_of=AS_OF), "contested_stakeholders")
    assert r["sentence"] == (
        "1 stakeholder is contested in 2022-Q4 (raters disagree on where they stand): Residents."
    )
    assert (r["value"], r["previous_value"]) == (1, 0)
    assert "Port" not in " ".join(highlights(tiny, as_of=AS_OF)["sentence"])


def test_with_min_n_above_the_raters_no_stakeholder_is_cited(tiny):
    # Residents has 3 raters: with min_n = 4 its cell is suppressed
    h = highlights(tiny, as_of=AS_OF, min_n=4)
    assert "contested_stakeholders" not in set(h["rule"])
    # every factor group of 3 respondents is suppressed too: no gap can be computed
    assert "perception_gaps" not in set(h["rule"])


def test_a_sector_gap_of_one_point_or_more_is_an_alert(tiny):
    # public 14/3 = 4.667, private 10/3 = 3.333: gap 1.333, shown with one decimal
    r = rule(highlights(tiny, as_of=AS_OF), "perception_gaps")
    assert r["sentence"] == (
        "Sectors see 1 factor very differently in 2022-Q4 (gap of 1.0 or more): "
        "Joint Governance Structure (gap 1.3, public highest, private lowest)."
    )
    assert r["value"] == 1
    assert math.isnan(r["previous_value"])  # no assessments on or before 2022-09-30


def test_the_health_index_is_reported_without_a_previous_wave(tiny):
    # mean 24 / 6 = 4.0: index (4 - 1) / 4 * 100 = 75
    r = rule(highlights(tiny, as_of=AS_OF), "health_index")
    assert r["sentence"] == "The collaboration health index is 75.0 (of 100) in 2022-Q4."
    assert r["value"] == pytest.approx(75.0)
    assert r["severity"] == "info"


def test_a_partner_who_joins_after_the_report_day_does_not_count(tiny):
    # Gamma Trust (civil society) joins 2023-03-01: on 2022-12-31 only Alpha and Beta
    h = highlights(tiny, as_of=AS_OF)
    assert (
        rule(h, "partners")["sentence"] == "The partnership has 2 active partners from 2 sectors."
    )
    assert rule(h, "public_private_only")["severity"] == "watch"
    later = highlights(tiny, as_of="2023-03-31")
    assert "public_private_only" not in set(later["rule"])
    assert rule(later, "partners")["sentence"] == (
        "The partnership has 3 active partners from 3 sectors (2 at 2022-12-31)."
    )


def test_alerts_are_the_alert_rows_of_highlights(tiny):
    a = alerts(tiny, as_of=AS_OF)
    assert list(a.columns) == HIGHLIGHT_COLUMNS
    assert list(a["rule"]) == [
        "indicators_deteriorated",
        "overdue_by_partner",
        "contested_stakeholders",
        "perception_gaps",
    ]
    assert set(a["severity"]) == {"alert"}


def test_a_package_with_only_partners_gives_the_partner_count_and_nothing_else(partners_only):
    h = highlights(partners_only, as_of=AS_OF)
    assert set(h["rule"]) <= {"partners", "public_private_only"}
    assert alerts(partners_only, as_of=AS_OF).empty


def test_the_previous_period_can_be_given(tiny):
    # against 2021-12-31 both indicators were on track too (latest 2021 = 12)
    h = highlights(tiny, as_of=AS_OF, previous="2021-12-31")
    r = rule(h, "indicators_deteriorated")
    assert r["sentence"] == "1 of 2 indicators moved to deterioration since 2021-Q4: Recycling."


def test_no_respondent_or_rater_id_appears_in_a_sentence(tiny):
    text = " ".join(highlights(tiny, as_of=AS_OF)["sentence"])
    for token in ("a1", "a2", "a3", "b1", "b2", "b3", "r1", "r2", "r3"):
        assert f" {token} " not in f" {text} "


def test_the_same_call_twice_gives_the_same_frame(tiny, make_tiny):
    pd.testing.assert_frame_equal(highlights(tiny, as_of=AS_OF), highlights(tiny, as_of=AS_OF))
    # and on a freshly loaded copy (no shared cache)
    pd.testing.assert_frame_equal(
        highlights(tiny, as_of=AS_OF), highlights(make_tiny(), as_of=AS_OF)
    )
