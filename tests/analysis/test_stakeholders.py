"""Stakeholder analysis (methods.md section 1): expected values computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.stakeholders import (
    QUADRANTS,
    power_interest,
    quadrant_transitions,
    salience,
    stakeholder_movement,
)
from partner_analytics.errors import AnalysisInputError, MissingTableError

TODAY = dt.date(2030, 1, 1)


def make(ratings: list[dict], stakeholders: list[dict] | None = None) -> Partnership:
    """A tiny package: one partner, the stakeholders named in the ratings, the ratings."""
    ids = sorted({r["stakeholder_id"] for r in ratings})
    if stakeholders is None:
        stakeholders = [
            {"stakeholder_id": s, "name": f"Name of {s}", "group": "Residents"} for s in ids
        ]
    return Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A"], "name": ["Council"], "sector": ["public"]}),
        stakeholders=pd.DataFrame(stakeholders),
        stakeholder_ratings=pd.DataFrame(ratings),
        today=TODAY,
    )


def rate(
    sid: str, power: list[float], interest: list[float], wave: str = "2026-Q1", **extra
) -> list[dict]:
    """One rating per rater r1, r2, ... with the given power and interest (and extra columns)."""
    rows = []
    for i, (pw, it) in enumerate(zip(power, interest)):
        row = {
            "wave": wave,
            "rater_id": f"r{i + 1}",
            "stakeholder_id": sid,
            "power": pw,
            "interest": it,
        }
        for k, values in extra.items():
            row[k] = values[i]
        rows.append(row)
    return rows


def one(frame: pd.DataFrame, sid: str, wave: str | None = None) -> pd.Series:
    rows = frame[frame["stakeholder_id"] == sid]
    if wave is not None:
        rows = rows[rows["wave"] == wave]
    assert len(rows) == 1
    return rows.iloc[0]


# ----------------------------------------------------------------- quadrants and midpoint
def test_mean_of_exactly_three_counts_as_high():
    # power (2 + 3 + 4) / 3 = 3.0, interest (3 + 3 + 3) / 3 = 3.0: both high
    p = make(rate("S1", [2, 3, 4], [3, 3, 3]))
    row = one(power_interest(p), "S1")
    assert row["power"] == 3.0 and row["interest"] == 3.0
    assert row["quadrant"] == "manage_closely"


def test_mean_just_below_three_counts_as_low():
    # power (2 + 3 + 3.9) / 3 = 2.9667 < 3: low; interest 4: high -> keep informed
    p = make(rate("S1", [2, 3, 3.9], [4, 4, 4]))
    row = one(power_interest(p), "S1")
    assert row["power"] == pytest.approx(8.9 / 3)
    assert row["quadrant"] == "keep_informed"


def test_decimal_ratings_averaging_exactly_to_the_midpoint_count_as_high():
    # (2.9 + 3.1) / 2 = 3.0 on paper; float sums may land a few ulps below
    p = make(rate("S1", [2.9, 3.1, 3.0], [2.7, 3.3, 3.0]))
    assert one(power_interest(p), "S1")["quadrant"] == "manage_closely"


@pytest.mark.parametrize(
    ("power", "interest", "quadrant"),
    [
        ([5, 5, 5], [5, 5, 5], "manage_closely"),  # high, high
        ([4, 4, 4], [1, 1, 1], "keep_satisfied"),  # high power, low interest
        ([1, 1, 1], [4, 4, 4], "keep_informed"),  # low power, high interest
        ([2, 2, 2], [2, 2, 2], "monitor"),  # low, low
    ],
)
def test_each_quadrant_follows_the_power_and_interest_of_the_means(power, interest, quadrant):
    p = make(rate("S1", power, interest))
    assert one(power_interest(p), "S1")["quadrant"] == quadrant


def test_midpoint_is_a_parameter():
    # means 3.5 and 3.5: high with midpoint 3, low with midpoint 4
    p = make(rate("S1", [3, 4, 3, 4], [4, 3, 4, 3]))
    assert one(power_interest(p), "S1")["quadrant"] == "manage_closely"
    assert one(power_interest(p, midpoint=4.0), "S1")["quadrant"] == "monitor"


def test_midpoint_outside_the_scale_raises():
    p = make(rate("S1", [3, 4, 3], [4, 3, 4]))
    with pytest.raises(AnalysisInputError, match="midpoint must lie on the 1..5 rating scale"):
        power_interest(p, midpoint=7)


# ----------------------------------------------------------------- sd and contested
def test_sd_is_the_sample_sd():
    # power 1, 3, 5: mean 3, squared deviations 4 + 0 + 4 = 8, / (n - 1) = 4, sd 2
    # interest 2, 2, 3: mean 7/3, squared deviations 1/9 + 1/9 + 4/9 = 6/9, / 2 = 1/3
    p = make(rate("S1", [1, 3, 5], [2, 2, 3]))
    row = one(power_interest(p), "S1")
    assert row["power_sd"] == pytest.approx(2.0)
    assert row["interest_sd"] == pytest.approx(math.sqrt(1 / 3))


def test_contested_when_the_sd_of_power_exceeds_one():
    # power 1, 3, 5: sd 2 > 1. Interest 4, 4, 4. Means (3, 4): manage closely.
    # Own quadrants: r1 (1, 4) keep informed, r2 and r3 manage closely: 2 of 3 = 67 % agree,
    # so only the sd makes it contested.
    p = make(rate("S1", [1, 3, 5], [4, 4, 4]))
    row = one(power_interest(p), "S1")
    assert row["n_in_quadrant"] == 2
    assert bool(row["contested_by_sd"]) and not bool(row["contested_by_agreement"])
    assert bool(row["contested"])


def test_contested_when_the_sd_of_interest_exceeds_one():
    # interest 2, 4, 5: mean 11/3, deviations -5/3, 1/3, 4/3, squares (25 + 1 + 16) / 9 = 42/9,
    # / 2 = 7/3, sd 1.53 > 1; power 4, 4, 4. Own quadrants: r1 (4, 2) keep satisfied, r2, r3
    # manage closely: 2 of 3 agree.
    p = make(rate("S1", [4, 4, 4], [2, 4, 5]))
    row = one(power_interest(p), "S1")
    assert row["interest_sd"] == pytest.approx(math.sqrt(7 / 3))
    assert bool(row["contested"]) and bool(row["contested_by_sd"])


def test_an_sd_of_exactly_one_is_not_contested():
    # power 2, 3, 4: squared deviations 1 + 0 + 1 = 2, / 2 = 1, sd 1.0 (not > 1).
    # Interest 4, 4, 4. Own quadrants: r1 (2, 4) keep informed, r2, r3 manage closely: 2/3.
    p = make(rate("S1", [2, 3, 4], [4, 4, 4]))
    row = one(power_interest(p), "S1")
    assert row["power_sd"] == pytest.approx(1.0)
    assert not bool(row["contested"])


def test_contested_when_fewer_than_60_percent_of_raters_share_the_quadrant_of_the_means():
    # power 3, 3, 3, 2, 2: mean 13/5 = 2.6 (low); squares 3 * 0.16 + 2 * 0.36 = 1.2, / 4 = 0.3,
    # sd 0.55. Interest 4 for all. Means quadrant: keep informed.
    # Own quadrants: r1..r3 (3, 4) manage closely; r4, r5 (2, 4) keep informed: 2 of 5 = 40 %.
    p = make(rate("S1", [3, 3, 3, 2, 2], [4, 4, 4, 4, 4]))
    row = one(power_interest(p), "S1")
    assert row["quadrant"] == "keep_informed"
    assert row["n_in_quadrant"] == 2
    assert row["share_in_quadrant"] == pytest.approx(0.4)
    assert not bool(row["contested_by_sd"])
    assert bool(row["contested_by_agreement"]) and bool(row["contested"])


def test_three_of_five_raters_in_the_quadrant_is_not_contested():
    # power 3, 3, 2, 2, 2: mean 12/5 = 2.4 (low), interest 4: keep informed.
    # r3..r5 (2, 4) keep informed: 3 of 5 = exactly 60 %, which is not "fewer than 60 %".
    p = make(rate("S1", [3, 3, 2, 2, 2], [4, 4, 4, 4, 4]))
    row = one(power_interest(p), "S1")
    assert row["n_in_quadrant"] == 3
    assert row["share_in_quadrant"] == pytest.approx(0.6)
    assert not bool(row["contested"])


def test_rater_quadrants_use_the_same_midpoint_rule():
    # power 3, 3, 1: mean 7/3 = 2.33 (low); interest 3, 3, 3: mean 3 (high): keep informed.
    # Own quadrants with ">= 3 is high": r1, r2 (3, 3) manage closely; r3 (1, 3) keep informed:
    # 1 of 3 agree, contested by agreement.
    p = make(rate("S1", [3, 3, 1], [3, 3, 3]))
    row = one(power_interest(p), "S1")
    assert row["quadrant"] == "keep_informed"
    assert row["n_in_quadrant"] == 1
    assert bool(row["contested_by_agreement"])


def test_a_single_rater_has_no_sd_and_is_not_contested_by_it():
    p = make(rate("S1", [5], [5]))
    row = one(power_interest(p, min_n=1), "S1")
    assert math.isnan(row["power_sd"]) and math.isnan(row["interest_sd"])
    assert not bool(row["contested"])


# ----------------------------------------------------------------- suppression
def test_rows_with_fewer_than_min_n_raters_are_kept_and_flagged_suppressed():
    p = make(rate("S1", [4, 4], [4, 4]) + rate("S2", [2, 2, 2], [2, 2, 2]))
    frame = power_interest(p)
    s1, s2 = one(frame, "S1"), one(frame, "S2")
    assert s1["n_raters"] == 2 and bool(s1["suppressed"])
    # the row keeps every value (the display rule hides them)
    assert s1["power"] == 4.0 and s1["quadrant"] == "manage_closely"
    assert not bool(s2["suppressed"])


def test_min_n_is_a_parameter():
    p = make(rate("S1", [4, 4], [4, 4]))
    assert not bool(one(power_interest(p, min_n=2), "S1")["suppressed"])
    assert bool(one(power_interest(p, min_n=3), "S1")["suppressed"])


# ----------------------------------------------------------------- support and stance
def test_support_is_carried_as_a_mean_and_a_stance():
    # S1 support 1, 1, 1 -> 1.0 supportive (>= 1); S2 -1, -1, -1 -> resistant (<= -1);
    # S3 2, 0, -1 -> 1/3 neutral; S4 -2, 0, 1 -> -1/3 neutral; S5 not rated -> no stance
    rows = (
        rate("S1", [3, 3, 3], [3, 3, 3], support=[1, 1, 1])
        + rate("S2", [3, 3, 3], [3, 3, 3], support=[-1, -1, -1])
        + rate("S3", [3, 3, 3], [3, 3, 3], support=[2, 0, -1])
        + rate("S4", [3, 3, 3], [3, 3, 3], support=[-2, 0, 1])
        + rate("S5", [3, 3, 3], [3, 3, 3], support=[None, None, None])
    )
    frame = power_interest(make(rows))
    assert one(frame, "S1")["stance"] == "supportive"
    assert one(frame, "S2")["stance"] == "resistant"
    assert one(frame, "S3")["support"] == pytest.approx(1 / 3)
    assert one(frame, "S3")["stance"] == "neutral"
    assert one(frame, "S4")["stance"] == "neutral"
    assert pd.isna(one(frame, "S5")["stance"]) and pd.isna(one(frame, "S5")["support"])
    assert one(frame, "S5")["n_support"] == 0 and one(frame, "S1")["n_support"] == 3


def test_support_mean_uses_only_the_raters_who_gave_one():
    # support 2, missing, 0 -> (2 + 0) / 2 = 1.0: supportive, from 2 raters
    row = one(power_interest(make(rate("S1", [3, 3, 3], [3, 3, 3], support=[2, None, 0]))), "S1")
    assert row["support"] == 1.0 and row["n_support"] == 2 and row["stance"] == "supportive"


# ----------------------------------------------------------------- frame shape
def test_power_interest_has_the_documented_columns_and_names():
    stakeholders = [{"stakeholder_id": "S1", "name": "Residents' forum", "group": "Public"}]
    frame = power_interest(make(rate("S1", [4, 4, 4], [2, 2, 2]), stakeholders))
    assert list(frame.columns[:12]) == [
        "stakeholder_id", "name", "group", "wave", "power", "interest", "power_sd",
        "interest_sd", "n_raters", "quadrant", "contested", "suppressed",
    ]  # fmt: skip
    row = one(frame, "S1")
    assert row["name"] == "Residents' forum" and row["group"] == "Public"


def test_rater_ids_never_appear_in_the_output():
    frame = power_interest(make(rate("S1", [4, 4, 4], [2, 2, 2])))
    assert "rater_id" not in frame.columns
    assert not frame.astype(str).isin(["r1", "r2", "r3"]).any().any()


def test_wave_none_gives_every_wave_in_time_order_and_wave_selects_one():
    # "2025-H2" ends on 2025-12-31, after "2025-Q3" (2025-09-30), though it sorts first as text
    rows = rate("S1", [4, 4, 4], [4, 4, 4], wave="2025-H2") + rate(
        "S1", [2, 2, 2], [2, 2, 2], wave="2025-Q3"
    )
    p = make(rows)
    assert power_interest(p)["wave"].tolist() == ["2025-Q3", "2025-H2"]
    only = power_interest(p, wave="2025-q3")  # labels are normalised
    assert only["wave"].tolist() == ["2025-Q3"]


def test_an_unknown_wave_raises_with_the_waves_the_package_has():
    p = make(rate("S1", [4, 4, 4], [4, 4, 4], wave="2026-Q1"))
    with pytest.raises(
        AnalysisInputError, match=r"no ratings for wave '2026-Q2'; the package has waves: 2026-Q1"
    ):
        power_interest(p, wave="2026-Q2")


def test_power_interest_without_ratings_names_the_missing_table():
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A"], "name": ["Council"], "sector": ["public"]})
    )
    with pytest.raises(MissingTableError, match="power_interest needs table 'stakeholder_ratings'"):
        power_interest(p)


# ----------------------------------------------------------------- movement
def two_waves() -> Partnership:
    rows = (
        # S1: (4, 4) manage closely -> (2, 4) keep informed: power -2, interest 0
        rate("S1", [4, 4, 4], [4, 4, 4], wave="2026-Q1")
        + rate("S1", [2, 2, 2], [4, 4, 4], wave="2026-Q2")
        # S2: (2, 2) monitor -> (2, 2.5) monitor: interest +0.5
        + rate("S2", [2, 2, 2], [2, 2, 2], wave="2026-Q1")
        + rate("S2", [2, 2, 2], [2, 3, 2.5], wave="2026-Q2")
        # S3: only in the second wave
        + rate("S3", [5, 5, 5], [1, 1, 1], wave="2026-Q2")
        # S4: (5, 5) with 2 raters -> (5, 1) with 3: suppressed in the first wave
        + rate("S4", [5, 5], [5, 5], wave="2026-Q1")
        + rate("S4", [5, 5, 5], [1, 1, 1], wave="2026-Q2")
    )
    return make(rows)


def test_movement_reports_quadrant_before_and_after_and_the_changes():
    mv = stakeholder_movement(two_waves())
    s1 = one(mv, "S1")
    assert (s1["from_wave"], s1["to_wave"]) == ("2026-Q1", "2026-Q2")
    assert (s1["quadrant_before"], s1["quadrant_after"]) == ("manage_closely", "keep_informed")
    assert s1["power_change"] == -2.0 and s1["interest_change"] == 0.0
    assert bool(s1["moved"])
    s2 = one(mv, "S2")
    assert s2["interest_change"] == pytest.approx(0.5)
    assert not bool(s2["moved"])


def test_movement_keeps_a_stakeholder_new_in_the_later_wave_without_a_before():
    s3 = one(stakeholder_movement(two_waves()), "S3")
    assert pd.isna(s3["quadrant_before"]) and s3["quadrant_after"] == "keep_satisfied"
    assert s3["n_raters_before"] == 0 and pd.isna(s3["power_change"])
    assert not bool(s3["moved"]) and bool(s3["suppressed"])


def test_movement_is_suppressed_when_either_wave_has_too_few_raters():
    s4 = one(stakeholder_movement(two_waves()), "S4")
    assert s4["n_raters_before"] == 2 and bool(s4["suppressed"])


def test_movement_with_one_wave_is_empty():
    assert stakeholder_movement(make(rate("S1", [4, 4, 4], [4, 4, 4]))).empty


def test_movement_pairs_consecutive_waves_only():
    rows = (
        rate("S1", [4, 4, 4], [4, 4, 4], wave="2026-Q1")
        + rate("S1", [2, 2, 2], [4, 4, 4], wave="2026-Q2")
        + rate("S1", [2, 2, 2], [2, 2, 2], wave="2026-Q3")
    )
    mv = stakeholder_movement(make(rows))
    assert list(zip(mv["from_wave"], mv["to_wave"])) == [
        ("2026-Q1", "2026-Q2"),
        ("2026-Q2", "2026-Q3"),
    ]
    assert mv["quadrant_after"].tolist() == ["keep_informed", "monitor"]


# ----------------------------------------------------------------- transitions
def test_transitions_count_each_quadrant_pair_and_keep_zeros():
    tr = quadrant_transitions(two_waves())
    assert len(tr) == 16  # one pair of waves, 4 x 4
    assert list(
        tr[["from_quadrant", "to_quadrant"]].drop_duplicates().itertuples(index=False, name=None)
    ) == [(a, b) for a in QUADRANTS for b in QUADRANTS]
    counts = {
        (a, b): n for a, b, n in zip(tr["from_quadrant"], tr["to_quadrant"], tr["n_stakeholders"])
    }
    # S1 manage closely -> keep informed, S2 monitor -> monitor; S3 (new) and S4 (suppressed)
    # are not counted
    assert counts[("manage_closely", "keep_informed")] == 1
    assert counts[("monitor", "monitor")] == 1
    assert sum(counts.values()) == 2
    assert set(tr["n_left_out"]) == {1}  # S4, rated in both waves but with 2 raters first


def test_transitions_pivot_to_the_wide_matrix():
    tr = quadrant_transitions(two_waves())
    wide = tr.pivot(index="from_quadrant", columns="to_quadrant", values="n_stakeholders")
    assert wide.loc["manage_closely", "keep_informed"] == 1
    assert int(wide.to_numpy().sum()) == 2


# ----------------------------------------------------------------- salience
HI, LO = [4, 4, 4], [2, 2, 2]


@pytest.mark.parametrize(
    ("power", "legitimacy", "urgency", "expected"),
    [
        (HI, LO, LO, "dormant"),
        (LO, HI, LO, "discretionary"),
        (LO, LO, HI, "demanding"),
        (HI, HI, LO, "dominant"),
        (HI, LO, HI, "dangerous"),
        (LO, HI, HI, "dependent"),
        (HI, HI, HI, "definitive"),
        (LO, LO, LO, "non_stakeholder"),
    ],
)
def test_each_of_the_eight_salience_classes(power, legitimacy, urgency, expected):
    p = make(rate("S1", power, [3, 3, 3], legitimacy=legitimacy, urgency=urgency))
    row = one(salience(p), "S1")
    assert row["salience_class"] == expected
    held = (row["has_power"], row["has_legitimacy"], row["has_urgency"])
    assert held == (power == HI, legitimacy == HI, urgency == HI)
    assert row["n_attributes"] == sum(held)


def test_salience_attribute_with_a_mean_of_exactly_three_is_held():
    # legitimacy (2 + 3 + 4) / 3 = 3.0 -> held; power 2, urgency 2 -> discretionary
    p = make(rate("S1", LO, [3, 3, 3], legitimacy=[2, 3, 4], urgency=LO))
    assert one(salience(p), "S1")["salience_class"] == "discretionary"


def test_salience_is_suppressed_when_an_attribute_has_too_few_raters():
    # three raters, but legitimacy rated by two of them: (4 + 4) / 2 = 4, n_legitimacy 2
    p = make(rate("S1", HI, [3, 3, 3], legitimacy=[4, 4, None], urgency=HI))
    row = one(salience(p), "S1")
    assert row["n_raters"] == 3 and row["n_legitimacy"] == 2
    assert bool(row["suppressed"]) and row["salience_class"] == "definitive"


def test_salience_without_legitimacy_and_urgency_raises():
    p = make(rate("S1", HI, HI))
    with pytest.raises(AnalysisInputError, match="salience needs legitimacy and urgency ratings"):
        salience(p)


def test_salience_class_is_missing_for_a_stakeholder_never_rated_on_urgency():
    rows = rate("S1", HI, HI, legitimacy=HI, urgency=HI) + rate(
        "S2", HI, HI, legitimacy=HI, urgency=[None, None, None]
    )
    frame = salience(make(rows))
    assert one(frame, "S1")["salience_class"] == "definitive"
    assert pd.isna(one(frame, "S2")["salience_class"])
