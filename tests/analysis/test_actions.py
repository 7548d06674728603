"""Actions (methods.md section 10) on the tiny partnership of tests/tiny_partnership.py with
seven actions, every number worked out by hand.

Actions (owner, raised, due, status, completed, source):

- x1 Alpha, 2022-10-15, due 2022-11-30, done 2022-11-20, commitment k1
- x2 Beta, 2022-10-15, due 2022-12-15, open, stakeholder S1
- x3 Alpha, 2022-11-01, due 2023-01-31, in progress, indicator I1
- x4 Alpha, 2022-11-10, due 2022-12-01, dropped (no day given), commitment k2
- x5 Beta, 2022-12-01, due 2022-12-20, done 2023-01-05, factor 601
- x6 Alpha, 2023-01-10, due 2023-02-28, open, no source
- x7 Beta, 2023-02-01, due 2023-05-15, open, readiness element shared_vision

As of 2022-12-31: x6 and x7 are not raised yet. x1 done on time (11-20 <= 11-30), age
11-20 - 10-15 = 36 days. x2 overdue by 12-31 - 12-15 = 16 days, age 77. x5 is done only on
2023-01-05: open on 12-31, overdue by 11 days, age 30. x3 open, 31 days to go, age 60. x4
dropped (age unknown). Follow-through: Alpha 1 on time / (1 done + 0 overdue) = 100 %;
Beta 0 / (0 + 2) = 0 %; all 1 / (1 + 2) = 1/3. Open: Alpha 1 (x3), Beta 2 (x2, x5).

As of 2023-03-31: x5 done late by 2023-01-05 - 2022-12-20 = 16 days (age 35); x3 overdue
by 59 days, x6 by 31, x2 by 106; x7 open, due 2023-05-15 (in the next quarter).
Follow-through: Alpha 1 / (1 + 2 overdue) = 1/3; Beta 0 / (1 done + 1 overdue) = 0; all
1 / (2 + 3) = 0.2.

Alerts as of 2022-12-31 (tests/analysis/test_alerts.py): I1, k1, k2, S1, 601. Answered by
x3 (open), x1 (done), x2 (overdue: still open), x5 (open on that day); k2 only by x4, which
was dropped: "no action yet". As of 2023-03-31, S1 is no longer contested: x2's source is
resolved; I1 is still deteriorating: x3's source still raises its alert.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tiny_partnership import tiny_actions

from partner_analytics import (
    MissingTableError,
    action_alerts,
    action_follow_through,
    action_status,
    alert_actions,
)
from partner_analytics.analysis.actions import ACTION_STATES, action_counts, action_review
from partner_analytics.analysis.snapshot import snapshot


@pytest.fixture(scope="module")
def with_actions(make_tiny):
    p = make_tiny(actions=tiny_actions())
    assert p.problems.empty, p.problems.to_string()
    return p


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("action_id")


# --------------------------------------------------------------------------- status


def test_each_action_has_its_state_and_age_as_of_the_report_day(with_actions):
    s = _by_id(action_status(with_actions, as_of="2022-12-31"))
    assert sorted(s.index) == ["x1", "x2", "x3", "x4", "x5"]  # x6, x7 raised later
    assert s["state"].to_dict() == {
        "x1": "done_on_time", "x2": "overdue", "x3": "open", "x4": "dropped", "x5": "overdue",
    }  # fmt: skip
    assert s["age_days"].fillna(-1).to_dict() == {"x1": 36, "x2": 77, "x3": 60, "x4": -1, "x5": 30}
    assert (s.loc["x2", "days_overdue"], s.loc["x5", "days_overdue"]) == (16, 11)
    assert s.loc["x3", "days_until_due"] == 31
    assert set(s["state"]) <= set(ACTION_STATES)


def test_a_completion_after_the_day_had_not_happened_on_that_day(with_actions):
    s = _by_id(action_status(with_actions, as_of="2022-12-31"))
    assert s.loc["x5", "status"] == "open" and pd.isna(s.loc["x5", "completed_date"])
    assert bool(s.loc["x5", "open"])
    later = _by_id(action_status(with_actions, as_of="2023-03-31"))
    assert later.loc["x5", "state"] == "done_late"
    assert (later.loc["x5", "delay_days"], later.loc["x5", "age_days"]) == (16, 35)


def test_a_period_label_stands_for_its_last_day(with_actions):
    pd.testing.assert_frame_equal(
        action_status(with_actions, as_of="2022-Q4"),
        action_status(with_actions, as_of="2022-12-31"),
    )


def test_sources_are_named_in_words(with_actions):
    s = _by_id(action_status(with_actions, as_of="2023-03-31"))
    assert s["source"].fillna("(none)").to_dict() == {
        "x1": "Open the depot", "x2": "Residents", "x3": "Recycling", "x4": "Hire a manager",
        "x5": "Joint Governance Structure", "x6": "(none)", "x7": "Shared vision",
    }  # fmt: skip


def test_a_package_without_actions_says_which_table_is_missing(tiny):
    with pytest.raises(MissingTableError, match="'actions'"):
        action_status(tiny, as_of="2022-12-31")


# --------------------------------------------------------------------------- follow-through


def test_follow_through_per_owner_is_done_on_time_over_done_and_overdue(with_actions):
    f = action_follow_through(with_actions, as_of="2022-12-31").set_index("owner_partner_id")
    assert list(f.index) == ["A", "B", "(all)"]
    assert list(f["follow_through"]) == pytest.approx([1.0, 0.0, 1 / 3])
    assert list(f["open"]) == [1, 2, 3]
    assert list(f["overdue"]) == [0, 2, 2]
    assert list(f["dropped"]) == [1, 0, 1]
    assert list(f["n_actions"]) == [3, 2, 5]
    assert f.loc["(all)", "oldest_overdue_days"] == 16


def test_follow_through_a_quarter_later(with_actions):
    f = action_follow_through(with_actions, as_of="2023-03-31").set_index("owner_partner_id")
    assert list(f["follow_through"]) == pytest.approx([1 / 3, 0.0, 0.2])
    assert list(f["done_late"]) == [0, 1, 1]
    assert list(f["overdue"]) == [2, 1, 3]
    assert list(f["open"]) == [2, 2, 4]  # x3, x6 (overdue); x2 (overdue), x7


def test_follow_through_is_undefined_when_nothing_is_done_or_overdue(with_actions):
    s = action_status(with_actions, as_of="2022-12-31")
    c = action_counts(s[s["action_id"] == "x3"])
    assert (c["open"], c["done"], c["overdue"]) == (1, 0, 0)
    assert math.isnan(c["follow_through"])


# --------------------------------------------------------------------------- the review


def test_the_review_lists_decided_due_next_and_closed_since_the_previous_report(with_actions):
    r = _by_id(action_review(with_actions, as_of="2023-03-31"))
    assert r.attrs["previous"] == pd.Timestamp("2022-12-31")
    assert r.attrs["next_end"] == pd.Timestamp("2023-06-30")
    assert sorted(r.index[r["decided_since"]]) == ["x6", "x7"]
    assert sorted(r.index[r["due_next"]]) == ["x7"]
    assert sorted(r.index[r["closed_since"]]) == ["x5"]
    first = _by_id(action_review(with_actions, as_of="2022-12-31"))
    assert sorted(first.index[first["due_next"]]) == ["x3"]  # due 2023-01-31
    # dropped without a day: closed in the period it was raised in
    assert sorted(first.index[first["closed_since"]]) == ["x1", "x4"]


# --------------------------------------------------------------------------- alerts and actions


def test_each_alert_is_linked_to_the_actions_that_name_its_source(with_actions):
    a = alert_actions(with_actions, as_of="2022-12-31")
    rows = [
        tuple(r)
        for r in a[["source_id", "action_id", "state", "addressed"]].itertuples(index=False)
    ]
    assert rows == [
        ("I1", "x3", "open", True),
        ("k1", "x1", "done_on_time", True),
        ("k2", "x4", "dropped", False),  # a dropped action does not answer it: no action yet
        ("S1", "x2", "overdue", True),
        ("601", "x5", "overdue", True),
    ]


def test_without_actions_every_alert_has_no_action_yet(tiny):
    a = alert_actions(tiny, as_of="2022-12-31")
    assert list(a["source_id"]) == ["I1", "k1", "k2", "S1", "601"]
    assert not a["addressed"].any()
    assert a["action_id"].isna().all()


def test_an_action_whose_source_no_longer_raises_an_alert_is_source_resolved(with_actions):
    a = _by_id(action_alerts(with_actions, as_of="2023-03-31"))
    assert a["source_state"].to_dict() == {
        "x1": "alert",  # k1 still overdue
        "x2": "resolved",  # Residents no longer contested in 2023-Q1
        "x3": "alert",  # Recycling still deteriorating
        "x4": "alert",  # k2 still overdue
        "x5": "alert",  # the 601 gap of 2022-Q4 stands
        "x6": "none",  # no source
        "x7": "none",  # a readiness element: no alert is raised for it
    }
    assert a.loc["x3", "alert"] == "indicators_still_bad"
    assert a.loc["x1", "alert"] == "overdue_by_partner:A"
    assert pd.isna(a.loc["x2", "alert"])


def test_the_view_as_of_a_day_holds_the_actions_as_they_were_that_day(with_actions):
    s = snapshot(with_actions, "2022-12-31")
    pd.testing.assert_frame_equal(
        action_status(s.view, as_of="2022-12-31"), action_status(with_actions, as_of="2022-12-31")
    )
    assert list(s.view.actions["action_id"]) == ["x1", "x2", "x3", "x4", "x5"]
    assert s.view.actions.set_index("action_id").loc["x5", "status"] == "open"


# --------------------------------------------------------------------------- findings


def test_a_finding_is_answered_by_the_actions_naming_its_item_or_its_partners_commitments(with_actions):
    from partner_analytics.analysis.actions import finding_actions

    found = pd.DataFrame(
        {
            "rule": ["overdue_by_partner", "contested_stakeholders", "indicators_deteriorated", "partners"],
            "source_kind": ["partner", "stakeholder", "indicator", "headline"],
            "source_id": ["A", "S1", "I9", "partners"],
            "name": ["Alpha", "Stakeholder one", "Indicator nine", "Active partners"],
        }
    )  # fmt: skip
    links = finding_actions(with_actions, found, as_of="2022-12-31")
    # Alpha's commitments k1 (x1, done) and k2 (x4, dropped) answer the partner finding; S1
    # is named by x2 (overdue, still open); I9 by nothing; a headline figure is not an item
    # an action names, so it has no row at all
    got = {(r.rule, r.action_id if isinstance(r.action_id, str) else None): r.addressed
           for r in links.itertuples()}  # fmt: skip
    assert got == {
        ("overdue_by_partner", "x1"): True,
        ("overdue_by_partner", "x4"): True,
        ("contested_stakeholders", "x2"): True,
        ("indicators_deteriorated", None): False,
    }


def test_a_finding_without_an_open_or_done_action_reads_no_action_yet(with_actions):
    from partner_analytics.present.actions import finding_responses

    found = pd.DataFrame(
        {"rule": ["r1", "r2"], "source_kind": ["commitment", "indicator"], "source_id": ["k2", "I1"],
         "name": ["Second commitment", "Indicator one"]}
    )  # fmt: skip
    said = finding_responses(with_actions, found, as_of="2022-12-31")
    assert said["r1"] == "Action: Hire a manager (Alpha Council, due 1 Dec 2022, dropped) — no action yet."
    assert said["r2"].startswith("Action: Recycling drive (Alpha Council, due 31 Jan 2023, ")
    assert "no action yet" not in said["r2"]
