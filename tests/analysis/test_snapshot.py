"""The as-of view and snapshots, on the tiny partnership."""

from __future__ import annotations

import dataclasses
import gc
import weakref

import pandas as pd

from partner_analytics import Partnership
from partner_analytics.analysis.snapshot import (
    Snapshot,
    as_of_view,
    latest_day,
    partners_view,
    quarter_ends,
    respondents_view,
    snapshot,
    stakeholder_group_view,
)

AS_OF = "2022-12-31"


# --------------------------------------------------------------------------- the view


def test_the_view_keeps_the_waves_ending_on_or_before_the_day(tiny):
    v = as_of_view(tiny, "2022-12-31")
    assert sorted(v.stakeholder_ratings["wave"].unique()) == ["2022-Q3", "2022-Q4"]
    v = as_of_view(tiny, "2022-12-30")  # 2022-Q4 ends on 2022-12-31
    assert sorted(v.stakeholder_ratings["wave"].unique()) == ["2022-Q3"]
    assert len(v.assessments) == 0


def test_the_view_keeps_observations_of_periods_ending_on_or_before_the_day(tiny):
    # the year 2022 ends on 2022-12-31: known on that day, not on 2022-09-30
    assert sorted(as_of_view(tiny, "2022-12-31").observations["date"].unique()) == [
        "2020",
        "2021",
        "2022",
    ]
    assert sorted(as_of_view(tiny, "2022-09-30").observations["date"].unique()) == ["2020", "2021"]


def test_the_view_leaves_out_partners_who_joined_later_with_their_rows(make_tiny):
    # Gamma Trust (C) joins on 2023-03-01 and commits to something due later
    com = pd.DataFrame(
        {
            "commitment_id": ["k1", "k9"], "partner_id": ["A", "C"],
            "description": ["Open the depot", "Run a repair day"],
            "due_date": ["2022-10-01", "2023-06-30"],
        }
    )  # fmt: skip
    p = make_tiny(commitments=com)
    v = as_of_view(p, "2022-12-31")
    assert list(v.partners["partner_id"]) == ["A", "B"]
    assert list(v.commitments["commitment_id"]) == ["k1"]
    v = as_of_view(p, "2023-03-31")
    assert list(v.partners["partner_id"]) == ["A", "B", "C"]
    assert list(v.commitments["commitment_id"]) == ["k1", "k9"]


def test_the_view_undoes_completions_after_the_day(make_tiny):
    com = pd.DataFrame(
        {
            "commitment_id": ["k1", "k2"],
            "partner_id": ["A", "B"],
            "description": ["Late one", "Early one"],
            "due_date": ["2022-08-31", "2022-06-30"],
            "completed_date": ["2022-10-15", "2022-06-15"],
            "status": ["done", "done"],
        }
    )
    p = make_tiny(commitments=com)
    v = as_of_view(p, "2022-09-30")
    c = v.commitments.set_index("commitment_id")
    assert pd.isna(c.loc["k1", "completed_date"]) and c.loc["k1", "status"] == "open"
    assert (
        c.loc["k2", "completed_date"] == pd.Timestamp("2022-06-15")
        and c.loc["k2", "status"] == "done"
    )
    # the loaded package is not changed
    assert p.commitments.set_index("commitment_id").loc["k1", "status"] == "done"


def test_applying_the_view_twice_changes_nothing(tiny):
    once = as_of_view(tiny, AS_OF)
    twice = as_of_view(once, AS_OF)
    for name in once.tables:
        pd.testing.assert_frame_equal(once.tables[name], twice.tables[name])


def test_the_view_keeps_problems_name_and_files(tiny):
    v = as_of_view(tiny, AS_OF)
    assert v.name == tiny.name and v.files == tiny.files
    assert v.problems is tiny.problems


# --------------------------------------------------------------------------- snapshots


def test_a_snapshot_says_why_an_analysis_cannot_run(tiny):
    s = Snapshot(tiny, "2022-09-30")
    assert s.get("health_index") is None
    # the package has assessments, but none on or before the day
    assert s.problem("health_index") == "no rows of 'assessments' dated on or before 2022-09-30"
    # a table the package does not have at all
    assert "needs table 'readiness'" in s.problem("readiness")
    assert s.problem("follow_through") is None


def test_per_wave_frames_read_off_a_later_snapshot_equal_a_direct_computation(make_tiny):
    p = make_tiny()
    later = snapshot(p, "2023-03-31")
    earlier = snapshot(p, "2022-12-31")  # built on the later one
    assert earlier.base is later
    direct = Snapshot(p, "2022-12-31")
    for name in (
        "power_interest",
        "stakeholder_movement",
        "factor_scores",
        "health_index",
        "perception_gaps",
    ):
        pd.testing.assert_frame_equal(earlier.frame(name), direct.frame(name), check_dtype=False)


def test_snapshots_are_shared_per_object_day_and_min_n(tiny):
    assert snapshot(tiny, "2022-Q4") is snapshot(tiny, "2022-12-31")
    assert snapshot(tiny, AS_OF, min_n=4) is not snapshot(tiny, AS_OF)


def test_snapshots_live_in_the_partnerships_own_cache(make_tiny):
    p = make_tiny()
    s = snapshot(p, AS_OF)
    assert s in p.cache["snapshots"].values()
    # a view has a cache of its own: the whole package's frames are not the view's
    assert s.view.cache is not p.cache
    ref = weakref.ref(p)
    del p, s
    gc.collect()
    assert ref() is None  # nothing outside the partnership keeps it


def test_a_snapshot_uses_the_partnerships_min_n_unless_given(make_tiny):
    p = dataclasses.replace(make_tiny(), min_n=2, cache={})
    assert snapshot(p, AS_OF).min_n == 2
    assert snapshot(p, AS_OF, min_n=4).min_n == 4
    # Port is rated by two people: shown with min_n = 2
    pi = snapshot(p, AS_OF).frame("power_interest")
    assert not pi.loc[pi["name"] == "Port", "suppressed"].any()
    assert pi.attrs["min_n"] == 2


def test_the_partners_view_keeps_the_commitments_and_contributions_of_those_partners(tiny):
    v = partners_view(tiny, {"B"})
    assert set(v.commitments["partner_id"]) == {"B"}
    assert len(v.partners) == len(tiny.partners)
    assert partners_view(tiny, None) is tiny


def test_the_respondents_view_keeps_the_answers_of_those_partners_respondents(tiny):
    from partner_analytics.analysis.health import factor_scores, health_index

    v = respondents_view(tiny, {"A"})
    assert set(v.assessments["respondent_id"]) == {"a1", "a2", "a3"}
    assert len(v.partners) == len(tiny.partners) and v.cache is not tiny.cache
    assert respondents_view(tiny, None) is tiny
    # Alpha's respondents score 5, 5, 4: mean 14/3, index (14/3 - 1) / 4 * 100 = 91.67
    fs = factor_scores(v, n_boot=20)
    assert fs["mean"].iloc[0] == 14 / 3
    assert round(float(health_index(v, n_boot=20)["index"].iloc[0]), 2) == 91.67
    # below min_n the sector's numbers are suppressed
    assert bool(factor_scores(v, min_n=4, n_boot=20)["suppressed"].iloc[0])


def test_the_stakeholder_group_view_keeps_the_ratings_of_that_group(tiny):
    t = dict(tiny.tables)
    st = t["stakeholders"].copy()
    st["group"] = ["Residents", "Business"]
    p = dataclasses.replace(tiny, tables={**t, "stakeholders": st}, cache={})
    v = stakeholder_group_view(p, "Business")
    assert set(v.stakeholder_ratings["stakeholder_id"]) == {"S2"}
    assert stakeholder_group_view(p, None) is p
    assert len(stakeholder_group_view(p, "Nobody").stakeholder_ratings) == 0


def test_the_days_with_data_run_from_the_first_quarter_to_the_last(tiny):
    # the 2023-Q1 stakeholder wave is the last dated row; the first is the observation of
    # the year 2020, which ends on 2020-12-31: 2020-Q4 to 2023-Q1 are 10 quarters
    assert latest_day(tiny) == pd.Timestamp("2023-03-31")
    ends = quarter_ends(tiny)
    assert (ends[0], ends[-1], len(ends)) == (pd.Timestamp("2020-12-31"), pd.Timestamp("2023-03-31"), 10)
    assert quarter_ends(tiny, n=3) == [pd.Timestamp(d) for d in ("2022-09-30", "2022-12-31", "2023-03-31")]


def test_quarter_ends_run_from_the_first_to_the_last_quarter_with_data():
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["P1"], "name": ["A"], "sector": ["public"]}),
        contributions=pd.DataFrame(
            {"contribution_id": ["C1", "C2"], "partner_id": ["P1", "P1"], "date": ["2025-11-03", "2026-05-20"],
             "kind": ["funding", "funding"], "pledged": [10, 20]}
        ),
        today=pd.Timestamp("2030-01-01").date(),
    )  # fmt: skip
    # 2025-11-03 lies in 2025-Q4, 2026-05-20 in 2026-Q2: three quarter ends
    assert [d.date().isoformat() for d in quarter_ends(p)] == [
        "2025-12-31",
        "2026-03-31",
        "2026-06-30",
    ]
    assert latest_day(p) == pd.Timestamp("2026-05-20")
