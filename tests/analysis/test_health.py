"""Collaboration health (methods.md section 3), checked against hand computations."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from partner_analytics import AnalysisInputError, MissingTableError, Partnership, frameworks
from partner_analytics.analysis.health import (
    factor_comments,
    factor_reliability,
    factor_scores,
    health_index,
    item_missingness,
    perception_gaps,
)

TODAY = datetime.date(2030, 1, 1)

PARTNERS = pd.DataFrame(
    {
        "partner_id": ["city", "port", "corp", "ngo", "uni"],
        "name": ["City Council", "Port Authority", "Acme Ltd", "Friends of the Bay", "Bay University"],
        "sector": ["public", "public", "private", "civil_society", "academic"],
    }
)
TWO_FACTORS = pd.DataFrame(
    {"factor_code": ["F1", "F2"], "factor": ["Trust", "Shared goals"], "weight": [100, 75]}
)


def answers(wave: str, factor: str, scores: list[float], *, partner="city", start: int = 1):
    """Rows of one wave and factor: respondents r{start}, r{start+1}, ... in order."""
    return [
        {
            "wave": wave,
            "respondent_id": f"r{start + i}",
            "partner_id": partner if isinstance(partner, str) else partner[i],
            "factor_code": factor,
            "score": s,
        }
        for i, s in enumerate(scores)
    ]


def package(rows, *, factors=TWO_FACTORS, items=None, partners=PARTNERS) -> Partnership:
    return Partnership.from_frames(
        partners=partners,
        factors=factors,
        items=items,
        assessments=pd.DataFrame(rows),
        today=TODAY,
    )


def row(frame: pd.DataFrame, **where) -> pd.Series:
    sel = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        sel &= (frame[k] == v).to_numpy()
    assert sel.sum() == 1, f"expected one row for {where}, got {sel.sum()}"
    return frame[sel].iloc[0]


# --------------------------------------------------------------------------- scores and index


def test_index_weights_a_100_factor_and_a_75_factor_as_the_formula_says():
    p = package(answers("2026-Q1", "F1", [4, 5, 3]) + answers("2026-Q1", "F2", [2, 3, 1]))
    idx = health_index(p, n_boot=50)
    # F1 mean 4, F2 mean 2:
    # (100 * (4-1)/4 + 75 * (2-1)/4) / (100 + 75) * 100 = (75 + 18.75) / 175 * 100 = 53.5714...
    assert idx.loc[0, "index"] == pytest.approx(93.75 / 175 * 100)
    assert idx.loc[0, "n_factors"] == 2
    assert idx.loc[0, "weight_used"] == 175.0
    assert idx.loc[0, "n_respondents"] == 3
    assert idx.loc[0, "band"] == "borderline"  # 50 <= 53.6 < 75


def test_factor_mean_of_exactly_4_is_a_strength_and_exactly_3_is_borderline():
    factors = pd.DataFrame(
        {"factor_code": ["F1", "F2", "F3"], "factor": ["a", "b", "c"], "weight": [1, 1, 1]}
    )
    rows = (
        answers("2026-Q1", "F1", [3, 4, 5])  # 12 / 3 = 4.0
        + answers("2026-Q1", "F2", [2, 3, 4])  # 9 / 3 = 3.0
        + answers("2026-Q1", "F3", [2, 3, 3])  # 8 / 3 = 2.67
    )
    s = factor_scores(package(rows, factors=factors), n_boot=50)
    assert row(s, factor_code="F1")["mean"] == 4.0
    assert row(s, factor_code="F1")["band"] == "strength"
    assert row(s, factor_code="F2")["mean"] == 3.0
    assert row(s, factor_code="F2")["band"] == "borderline"
    assert row(s, factor_code="F3")["band"] == "concern"


def test_a_factor_with_two_respondents_is_suppressed_and_one_with_three_is_not():
    rows = answers("2026-Q1", "F1", [5, 5]) + answers("2026-Q1", "F2", [3, 4, 5])
    p = package(rows)
    s = factor_scores(p, n_boot=50)
    f1, f2 = row(s, factor_code="F1"), row(s, factor_code="F2")
    assert bool(f1["suppressed"]) and f1["n_respondents"] == 2
    assert f1["mean"] == 5.0  # the number stays in the frame, flagged
    assert not bool(f2["suppressed"]) and f2["n_respondents"] == 3
    idx = health_index(p, n_boot=50)
    # only F2 (mean 4) is used: 75 * (4-1)/4 / 75 * 100 = 75
    assert idx.loc[0, "index"] == pytest.approx(75.0)
    assert idx.loc[0, "n_factors"] == 1
    assert idx.loc[0, "n_factors_suppressed"] == 1
    assert idx.loc[0, "band"] == "strength"  # exactly 75 is a strength


def test_a_wave_where_every_factor_is_suppressed_has_no_index():
    p = package(answers("2026-Q1", "F1", [5, 4]) + answers("2026-Q1", "F2", [3, 3]))
    idx = health_index(p, n_boot=50)
    assert bool(idx.loc[0, "suppressed"])
    assert np.isnan(idx.loc[0, "index"])
    assert idx.loc[0, "n_factors"] == 0


def test_min_n_can_be_lowered_to_show_small_cells():
    p = package(answers("2026-Q1", "F1", [5, 4]))
    s = factor_scores(p, min_n=2, n_boot=50)
    assert not bool(row(s, factor_code="F1")["suppressed"])


def test_sd_is_the_sample_standard_deviation():
    s = factor_scores(package(answers("2026-Q1", "F1", [2, 4, 6 - 1])), n_boot=50)
    # scores 2, 4, 5: mean 11/3; squared deviations 25/9 + 1/9 + 16/9 = 42/9; / (3-1) = 7/3
    assert row(s, factor_code="F1")["sd"] == pytest.approx(np.sqrt(7 / 3))


def test_change_since_the_previous_wave_is_the_difference_of_means():
    rows = answers("2026-Q1", "F1", [2, 3, 4]) + answers("2026-Q2", "F1", [4, 4, 4])
    p = package(rows)
    s = factor_scores(p, n_boot=50)
    q2 = row(s, wave="2026-Q2", factor_code="F1")
    assert q2["previous_wave"] == "2026-Q1"
    assert q2["previous_mean"] == 3.0
    assert q2["change"] == 1.0
    q1 = row(s, wave="2026-Q1", factor_code="F1")
    assert pd.isna(q1["previous_wave"]) and pd.isna(q1["change"]) and pd.isna(q1["test"])
    idx = health_index(p, n_boot=50)
    # Q1: (3-1)/4*100 = 50; Q2: (4-1)/4*100 = 75
    assert idx["index"].tolist() == pytest.approx([50.0, 75.0])
    assert idx.loc[1, "change"] == pytest.approx(25.0)


def test_waves_are_ordered_by_their_last_day_not_by_their_label():
    rows = answers("2026-03", "F1", [3, 3, 3]) + answers("2025-H2", "F1", [2, 2, 2])
    s = factor_scores(package(rows), n_boot=20)
    assert s["wave"].tolist()[:1] == ["2025-H2"]
    assert row(s, wave="2026-03", factor_code="F1")["previous_wave"] == "2025-H2"


def test_a_factor_left_out_of_a_wave_shows_with_no_respondents():
    rows = answers("2026-Q1", "F1", [3, 3, 3]) + answers("2026-Q1", "F2", [4, 4, 4])
    rows += answers("2026-Q2", "F1", [4, 4, 4])
    s = factor_scores(package(rows), n_boot=20)
    f2 = row(s, wave="2026-Q2", factor_code="F2")
    assert f2["n_respondents"] == 0 and bool(f2["suppressed"]) and np.isnan(f2["mean"])


def test_the_packaged_mutuality_set_is_the_instrument_when_none_is_given():
    p = Partnership.from_frames(
        partners=PARTNERS,
        assessments=pd.DataFrame(answers("2026-Q1", "606", [4, 4, 4])),
        today=TODAY,
    )
    s = factor_scores(p, n_boot=20)
    assert s["factor_code"].tolist() == ["606"]
    assert row(s, factor_code="606")["weight"] == 75.0
    assert row(s, factor_code="606")["factor"] == "Joint Communications Strategy"


def test_factor_scores_without_assessments_names_the_missing_table():
    p = Partnership.from_frames(partners=PARTNERS, today=TODAY)
    with pytest.raises(MissingTableError, match="factor_scores needs table 'assessments'"):
        factor_scores(p)


def test_respondent_ids_never_appear_in_the_outputs():
    rows = answers("2026-Q1", "F1", [3, 4, 5]) + answers("2026-Q2", "F1", [3, 4, 4])
    rows[0]["comment"] = "meetings are too long"
    p = package(rows)
    frames = [
        factor_scores(p, n_boot=20),
        health_index(p, n_boot=20),
        perception_gaps(p),
        factor_reliability(p),
        item_missingness(p),
        factor_comments(p),
    ]
    for f in frames:
        assert "respondent_id" not in f.columns
        assert not f.astype("str").isin(["r1", "r2", "r3"]).any().any()


# --------------------------------------------------------------------------- items and reliability

ITEMS = pd.DataFrame(
    {
        "item_code": ["i1", "i2", "i3"],
        "factor_code": ["F1", "F1", "F1"],
        "reverse": ["no", "no", "yes"],
    }
)
# flipped i3 = 3, 5, 4, 4 for r1..r4, i.e. raw answers 6 - x = 3, 1, 2, 2
ITEM_SCORES = {"i1": [2, 4, 3, 5], "i2": [3, 4, 3, 4], "i3": [3, 1, 2, 2]}


def item_rows(scores=ITEM_SCORES, wave="2026-Q1"):
    out = []
    for item, vals in scores.items():
        for i, v in enumerate(vals):
            if v is not None:
                out.append(
                    {
                        "wave": wave,
                        "respondent_id": f"r{i + 1}",
                        "partner_id": "city",
                        "item_code": item,
                        "score": v,
                    }
                )
    return out


def test_a_respondents_factor_score_is_the_mean_of_the_items_with_reverse_items_flipped():
    s = factor_scores(package(item_rows(), items=ITEMS), n_boot=20)
    # per respondent (i1, i2, flipped i3): r1 (2,3,3)=8/3, r2 (4,4,5)=13/3, r3 (3,3,4)=10/3,
    # r4 (5,4,4)=13/3; mean = (8+13+10+13)/3/4 = 44/12 = 3.6667
    f1 = row(s, factor_code="F1")
    assert f1["mean"] == pytest.approx(44 / 12)
    assert f1["n_respondents"] == 4


def test_cronbach_alpha_matches_a_hand_computation_on_a_small_item_table():
    r = factor_reliability(package(item_rows(), items=ITEMS))
    f1 = row(r, factor_code="F1")
    # items (flipped): i1 = 2,4,3,5 var 5/3; i2 = 3,4,3,4 var 1/3; i3 = 3,5,4,4 var 2/3
    # totals 8, 13, 10, 13: mean 11, squared deviations 9+4+1+4 = 18, var 6
    # alpha = 3/2 * (1 - (5/3 + 1/3 + 2/3) / 6) = 3/2 * (1 - 4/9) = 5/6
    assert f1["alpha"] == pytest.approx(5 / 6)
    assert f1["n_items"] == 3 and f1["n_complete"] == 4 and not bool(f1["suppressed"])
    assert f1["missing_share"] == 0.0


def test_alpha_uses_only_respondents_who_answered_every_item_and_reports_missingness():
    scores = {k: list(v) + [None] for k, v in ITEM_SCORES.items()}
    scores["i1"][4] = 5  # r5 answers i1 only
    p = package(item_rows(scores), items=ITEMS)
    f1 = row(factor_reliability(p), factor_code="F1")
    assert f1["alpha"] == pytest.approx(5 / 6)  # r5 left out: same four complete rows
    assert f1["n_respondents"] == 5 and f1["n_complete"] == 4
    # 5 respondents x 3 items = 15 cells, 2 missing (r5 on i2 and i3)
    assert f1["missing_share"] == pytest.approx(2 / 15)
    assert f1["max_item_missing_share"] == pytest.approx(1 / 5)
    m = item_missingness(p)
    assert row(m, item_code="i1")["n_missing"] == 0
    assert row(m, item_code="i2")["n_missing"] == 1
    assert row(m, item_code="i3")["missing_share"] == pytest.approx(1 / 5)


def test_alpha_with_fewer_complete_respondents_than_min_n_is_suppressed():
    scores = {k: v[:2] for k, v in ITEM_SCORES.items()}
    f1 = row(factor_reliability(package(item_rows(scores), items=ITEMS)), factor_code="F1")
    assert bool(f1["suppressed"]) and f1["n_complete"] == 2


def test_a_factor_answered_directly_has_one_item_and_no_alpha():
    r = factor_reliability(package(answers("2026-Q1", "F1", [3, 4, 5])))
    f1 = row(r, factor_code="F1")
    assert f1["n_items"] == 1 and np.isnan(f1["alpha"])


# --------------------------------------------------------------------------- other instruments


def test_the_wilder_template_is_scored_with_its_equal_weights():
    wilder = frameworks.wilder_factors()
    rows = answers("2026-Q1", "W04", [4, 4, 4]) + answers("2026-Q1", "W14", [2, 2, 2])
    p = package(rows, factors=wilder)
    s = factor_scores(p, n_boot=20)
    assert row(s, factor_code="W04")["factor"] == "Mutual respect, understanding, and trust"
    assert row(s, factor_code="W14")["group"] == "Communication"
    # equal weights: ((4-1)/4 + (2-1)/4) / 2 * 100 = (0.75 + 0.25) / 2 * 100 = 50
    assert health_index(p, n_boot=20).loc[0, "index"] == pytest.approx(50.0)


def test_the_wilder_template_works_with_a_users_items_table():
    wilder = frameworks.wilder_factors()
    items = pd.DataFrame(
        {
            "item_code": ["q1", "q2", "q3"],
            "factor_code": ["W17", "W17", "W20"],
            "reverse": [False, True, False],
        }
    )
    rows = item_rows({"q1": [5, 4, 3], "q2": [1, 2, 3], "q3": [4, 4, 1]})
    p = package(rows, factors=wilder, items=items)
    s = factor_scores(p, n_boot=20)
    # W17: r1 (5, 6-1=5) = 5, r2 (4, 4) = 4, r3 (3, 3) = 3: mean 4; W20: (4+4+1)/3 = 3
    assert row(s, factor_code="W17")["mean"] == pytest.approx(4.0)
    assert row(s, factor_code="W20")["mean"] == pytest.approx(3.0)
    # ((4-1)/4 + (3-1)/4) / 2 * 100 = (0.75 + 0.5) / 2 * 100 = 62.5
    assert health_index(p, n_boot=20).loc[0, "index"] == pytest.approx(62.5)
    r = factor_reliability(p)
    assert row(r, factor_code="W17")["n_items"] == 2


# --------------------------------------------------------------------------- perception gaps


def gap_rows():
    public = answers("2026-Q1", "F1", [4, 4, 4], partner=["city", "port", "city"])
    private = answers("2026-Q1", "F1", [3, 3, 3], partner="corp", start=4)
    ngo = answers("2026-Q1", "F1", [1, 1], partner="ngo", start=7)  # 2 respondents: left out
    # 1 respondent: left out; with civil society 3 respondents are not shown, so that the
    # total minus the sectors shown gives no fewer than min_n respondents' answers
    uni = answers("2026-Q1", "F1", [3], partner="uni", start=9)
    return public + private + ngo + uni


def test_a_perception_gap_of_exactly_one_is_flagged():
    g = perception_gaps(package(gap_rows()))
    pub = row(g, group="public")
    # public mean 4, private mean 3, civil society (n = 2) and academic (n = 1) suppressed:
    # gap = 4 - 3 = 1.0
    assert pub["mean"] == 4.0 and row(g, group="private")["mean"] == 3.0
    assert bool(row(g, group="civil_society")["suppressed"])
    assert bool(row(g, group="academic")["suppressed"])
    assert pub["gap"] == 1.0
    assert bool(pub["flagged"])
    assert pub["highest_group"] == "public" and pub["lowest_group"] == "private"
    assert pub["n_groups_compared"] == 2


def test_a_gap_below_one_is_not_flagged():
    rows = gap_rows()
    rows[0]["score"] = 3  # public 3, 4, 4: mean 11/3; gap 11/3 - 3 = 2/3
    pub = row(perception_gaps(package(rows)), group="public")
    assert pub["gap"] == pytest.approx(2 / 3) and not bool(pub["flagged"])


def test_perception_gaps_by_partner_use_partner_names():
    g = perception_gaps(package(gap_rows()), by="partner", min_n=1)
    # city 4, 4; port 4; corp 3, 3, 3; ngo 1, 1; uni 3: gap 4 - 1 = 3
    assert set(g["group_name"]) == {
        "City Council",
        "Port Authority",
        "Acme Ltd",
        "Friends of the Bay",
        "Bay University",
    }
    assert row(g, group="ngo")["gap"] == 3.0
    assert row(g, group="ngo")["lowest_group"] == "ngo"


def test_with_only_one_group_large_enough_there_is_no_gap():
    rows = answers("2026-Q1", "F1", [4, 4, 4]) + answers(
        "2026-Q1", "F1", [1, 1], partner="corp", start=4
    )
    g = perception_gaps(package(rows))
    assert row(g, group="public")["gap"] != row(g, group="public")["gap"]  # NaN
    assert not g["flagged"].any()


def test_one_small_sector_beside_the_total_hides_the_next_smallest_sector_too():
    # public 4, 4, 4; private 3, 3, 3; civil society 1, 1. The wave's mean (n = 8) minus the
    # two sectors of 3 would give civil society's answers: (29 - 12 - 9) / 2 = 1. So the
    # next-smallest sector is suppressed too (public and private tie at 3: the first in text
    # order, private) and only public is shown: no gap.
    rows = [r for r in gap_rows() if r["partner_id"] != "uni"]
    g = perception_gaps(package(rows))
    assert g.set_index("group")["suppressed"].to_dict() == {
        "civil_society": True, "private": True, "public": False,
    }  # fmt: skip
    assert row(g, group="private")["mean"] == 3.0  # kept in the frame, flagged
    assert g["gap"].isna().all() and not g["flagged"].any()
    assert (g["n_groups_compared"] == 1).all()
    total = row(factor_scores(package(rows), n_boot=20), factor_code="F1")
    shown = g[~g["suppressed"]]
    hidden_n = total["n_respondents"] - shown["n_respondents"].sum()
    assert hidden_n == 5  # what differencing gives: the mean of 5 respondents


def test_partners_of_a_suppressed_sector_are_suppressed_and_partners_nest_in_sectors():
    # public: city 3, port 3; private: corp 3; civil society: ngo 1. By sector, civil
    # society (1) and private (3, the smallest) are suppressed. By partner, corp must go
    # too (it is the private sector), and within public both partners are shown.
    rows = (
        answers("2026-Q1", "F1", [4, 4, 4], partner="city")
        + answers("2026-Q1", "F1", [5, 5, 5], partner="port", start=4)
        + answers("2026-Q1", "F1", [3, 3, 3], partner="corp", start=7)
        + answers("2026-Q1", "F1", [1], partner="ngo", start=10)
    )
    p = package(rows)
    by_sector = perception_gaps(p).set_index("group")["suppressed"].to_dict()
    assert by_sector == {"civil_society": True, "private": True, "public": False}
    by_partner = perception_gaps(p, by="partner").set_index("group")["suppressed"].to_dict()
    assert by_partner == {"city": False, "corp": True, "ngo": True, "port": False}
    # a small partner inside a sector that is shown (public: city 5, port 1): its
    # complement is the other public partner, not the smallest partner elsewhere (corp, 3):
    # the public mean, shown by sector, minus city's would give port's answer
    rows = (
        answers("2026-Q1", "F1", [4, 4, 4, 4, 4], partner="city")
        + answers("2026-Q1", "F1", [1], partner="port", start=6)
        + answers("2026-Q1", "F1", [3, 3, 3], partner="corp", start=7)
        + answers("2026-Q1", "F1", [2, 2, 2], partner="ngo", start=10)
    )
    p = package(rows)
    assert not perception_gaps(p)["suppressed"].any()
    by_partner = perception_gaps(p, by="partner").set_index("group")["suppressed"].to_dict()
    assert by_partner == {"city": True, "corp": False, "ngo": False, "port": True}


def test_a_change_against_a_suppressed_previous_mean_is_not_given():
    # Q1: 2 respondents (suppressed); Q2: 3. Q2's mean and a change would give Q1's mean.
    rows = answers("2026-Q1", "F1", [1, 2]) + answers("2026-Q2", "F1", [4, 4, 4])
    q2 = row(factor_scores(package(rows), n_boot=20), wave="2026-Q2", factor_code="F1")
    assert q2["mean"] == 4.0 and not bool(q2["suppressed"])
    assert q2["previous_wave"] == "2026-Q1"
    assert pd.isna(q2["previous_mean"]) and pd.isna(q2["change"])
    assert pd.isna(q2["test"]) and pd.isna(q2["p_value"])


def test_perception_gaps_reject_an_unknown_grouping():
    with pytest.raises(AnalysisInputError, match="by must be 'sector' or 'partner'"):
        perception_gaps(package(gap_rows()), by="region")


# --------------------------------------------------------------------------- uncertainty and tests


def test_bootstrap_intervals_are_identical_across_two_runs():
    rows = answers("2026-Q1", "F1", [1, 2, 4, 5, 3, 4]) + answers(
        "2026-Q1", "F2", [2, 5, 3, 3, 4, 1]
    )
    p = package(rows)
    a, b = factor_scores(p), factor_scores(p)
    pd.testing.assert_frame_equal(a, b)
    ia, ib = health_index(p), health_index(p)
    pd.testing.assert_frame_equal(ia, ib)
    # with few resamples the seed visibly matters (with 2000, the percentiles of such
    # discrete data often land on the same values whatever the seed)
    few = [factor_scores(p, n_boot=15, seed=s)[["ci_low", "ci_high"]] for s in (0, 0, 1)]
    pd.testing.assert_frame_equal(few[0], few[1])
    assert not few[0].equals(few[2])


def test_bootstrap_interval_surrounds_the_mean_and_stays_within_the_scores():
    rows = answers("2026-Q1", "F1", [1, 2, 4, 5, 3, 4])
    f1 = row(factor_scores(package(rows)), factor_code="F1")
    assert 1.0 <= f1["ci_low"] <= f1["mean"] <= f1["ci_high"] <= 5.0
    assert f1["ci_low"] < f1["ci_high"]
    idx = health_index(package(rows)).loc[0]
    assert idx["ci_low"] <= idx["index"] <= idx["ci_high"]


def test_all_equal_scores_give_an_interval_of_zero_width():
    rows = answers("2026-Q1", "F1", [3, 3, 3]) + answers("2026-Q1", "F2", [5, 5, 5])
    p = package(rows)
    f1 = row(factor_scores(p, n_boot=100), factor_code="F1")
    assert f1["ci_low"] == f1["ci_high"] == 3.0
    idx = health_index(p, n_boot=100).loc[0]
    # (100 * 0.5 + 75 * 1) / 175 * 100 = 71.43 in every resample
    assert idx["ci_low"] == pytest.approx(125 / 175 * 100) == idx["ci_high"]


def test_an_interval_depends_only_on_its_own_cell():
    base = answers("2026-Q1", "F1", [1, 2, 4, 5, 3, 4])
    more = base + answers("2026-Q1", "F2", [2, 5, 3], start=1)
    a = row(factor_scores(package(base)), factor_code="F1")
    b = row(factor_scores(package(more)), factor_code="F1")
    assert (a["ci_low"], a["ci_high"]) == (b["ci_low"], b["ci_high"])


def test_five_matched_respondents_get_the_signed_rank_test():
    rows = answers("2026-Q1", "F1", [2, 3, 3, 2, 1]) + answers("2026-Q2", "F1", [3, 4, 4, 3, 2])
    q2 = row(factor_scores(package(rows), n_boot=20), wave="2026-Q2", factor_code="F1")
    # every one of the 5 paired differences is +1: W+ = 1+2+3+4+5 = 15, the largest of
    # 2^5 = 32 equally likely sign patterns; exact two-sided p = 2 / 32 = 0.0625
    assert q2["test"] == "wilcoxon"
    assert q2["n_matched"] == 5
    assert q2["p_value"] == pytest.approx(0.0625)


def test_four_matched_respondents_get_the_mann_whitney_test():
    rows = answers("2026-Q1", "F1", [2, 3, 3, 2]) + answers("2026-Q2", "F1", [3, 4, 4, 3])
    q2 = row(factor_scores(package(rows), n_boot=20), wave="2026-Q2", factor_code="F1")
    assert q2["test"] == "mannwhitneyu"
    assert q2["n_matched"] == 4


def test_the_mann_whitney_p_value_matches_the_exact_hand_computation():
    # Q1: r1..r3 score 1, 2, 3; Q2: r1, r2 score 4, 5 (2 matched, < 5).
    # Every Q2 score beats every Q1 score: U = 0, the most extreme of C(5, 2) = 10 equally
    # likely orderings; exact two-sided p = 2 * 1/10 = 0.2
    rows = answers("2026-Q1", "F1", [1, 2, 3]) + answers("2026-Q2", "F1", [4, 5])
    q2 = row(factor_scores(package(rows), n_boot=20), wave="2026-Q2", factor_code="F1")
    assert q2["test"] == "mannwhitneyu"
    assert q2["n_matched"] == 2
    assert q2["p_value"] == pytest.approx(0.2)


def test_no_change_at_all_in_matched_respondents_reports_p_of_one():
    rows = answers("2026-Q1", "F1", [2, 3, 3, 2, 1]) + answers("2026-Q2", "F1", [2, 3, 3, 2, 1])
    q2 = row(factor_scores(package(rows), n_boot=20), wave="2026-Q2", factor_code="F1")
    assert q2["test"] == "wilcoxon" and q2["p_value"] == 1.0


def test_bad_options_raise_with_a_clear_message():
    p = package(answers("2026-Q1", "F1", [3, 4, 5]))
    with pytest.raises(AnalysisInputError, match="min_n must be a whole number of at least 1; got 0"):
        factor_scores(p, min_n=0)
    with pytest.raises(AnalysisInputError, match="confidence must lie between 0 and 1"):
        health_index(p, confidence=95)
    with pytest.raises(AnalysisInputError, match="seed must be a whole number"):
        factor_scores(p, seed="abc")


# --------------------------------------------------------------------------- comments


def test_comments_are_listed_per_factor_and_wave_without_respondents():
    rows = answers("2026-Q1", "F1", [3, 4, 5]) + answers("2026-Q2", "F2", [2, 2, 2], partner="corp")
    rows[1]["comment"] = "  Decisions are made outside the board  "
    rows[2]["comment"] = "   "  # blank: not a comment
    rows[4]["comment"] = "Goals keep changing"
    p = package(rows)
    c = factor_comments(p)
    assert c["comment"].tolist() == ["Decisions are made outside the board", "Goals keep changing"]
    assert c["sector"].tolist() == ["public", "private"]
    assert c["factor"].tolist() == ["Trust", "Shared goals"]
    assert "respondent_id" not in c.columns and "partner_id" not in c.columns
    # the one private respondent of Q1 F2 is not named by sector; a suppressed factor's
    # scores are not given
    more = rows + answers("2026-Q1", "F2", [1], partner="corp", start=10)
    more[-1]["comment"] = "We are not heard"
    more += answers("2026-Q1", "F2", [4, 4, 4], start=11)
    c2 = factor_comments(package(more), wave="2026-Q1").set_index("comment")
    assert pd.isna(c2.loc["We are not heard", "sector"])
    assert c2.loc["We are not heard", "score"] == 1.0  # F2 of Q1: 4 respondents, shown
    few = rows + answers("2026-Q1", "F2", [1], partner="corp", start=10)
    few[-1]["comment"] = "We are not heard"
    c3 = factor_comments(package(few), wave="2026-Q1").set_index("comment")
    assert pd.isna(c3.loc["We are not heard", "score"])  # F2 of Q1: 1 respondent
    only = factor_comments(p, wave="2026-q2")
    assert only["comment"].tolist() == ["Goals keep changing"]
    with pytest.raises(AnalysisInputError, match="wave '2027-Q1' is not in the assessments"):
        factor_comments(p, wave="2027-Q1")
