"""Competency alignment, partner selection and sector diversity (methods.md sections 2 and 7).

Expected values computed by hand on tiny packages.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.competencies import (
    alignment_index,
    candidate_fit,
    competency_alignment,
    competency_levels,
    sector_diversity,
    sector_profile,
    single_points_of_failure,
)
from partner_analytics.errors import MissingTableError

TODAY = dt.date(2030, 1, 1)

# Partners: A public (lead), B private, C private, N civil society candidate, U academic
# candidate, F funder candidate.
PARTNERS = pd.DataFrame(
    {
        "partner_id": ["A", "B", "C", "N", "U", "F"],
        "name": ["Council", "Builder", "Bank", "Tenants' Union", "University", "Foundation"],
        "sector": ["public", "private", "private", "civil_society", "academic", "funder"],
        "role": ["lead", "member", "member", "candidate", "candidate", "candidate"],
    }
)
# Objectives: O1 economic priority 5, O2 social 4, O3 financial 2, O4 political (default 3)
OBJECTIVES = pd.DataFrame(
    {
        "objective_id": ["O1", "O2", "O3", "O4"],
        "name": ["More jobs", "Stronger communities", "Funding", "Public support"],
        "area": ["economic", "social", "financial", "political"],
        "priority": [5, 4, 2, None],
    }
)
# Competencies (partner, area, level):
#   economic: A 2, B 3          -> coverage 3, depth 2, sectors 2 (public, private)
#   social: A 1, N 3 (cand.), U 2 (cand.) -> coverage 1 among active partners
#   financial: B 2, C 3         -> coverage 3, depth 2, sectors 1 (private only)
#   political: A 3, A 1 (a second row, lower) -> coverage 3, depth 1, sectors 1 (public)
#   institutional: C 1          -> coverage 1, no objective
COMPETENCIES = pd.DataFrame(
    {
        "partner_id": ["A", "B", "A", "N", "U", "B", "C", "A", "A", "C", "F"],
        "area": [
            "economic", "economic", "social", "social", "social", "financial", "financial",
            "political", "political", "institutional", "financial",
        ],
        "level": [2, 3, 1, 3, 2, 2, 3, 3, 1, 1, 3],
        "competency": [
            "Value for money", "Efficiency", "Local knowledge", "Relationships with tenants",
            "Research", "Capital", "Lending", "Mandate", "Consultation", "Managers", "Grants",
        ],
    }
)  # fmt: skip


def make(**overrides) -> Partnership:
    tables = {"partners": PARTNERS, "objectives": OBJECTIVES, "competencies": COMPETENCIES}
    tables.update(overrides)
    return Partnership.from_frames(
        today=TODAY, **{k: v for k, v in tables.items() if v is not None}
    )


def by(frame: pd.DataFrame, column: str, value) -> pd.Series:
    rows = frame[frame[column] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ----------------------------------------------------------------- alignment
def test_coverage_depth_and_sectors_per_objective():
    a = competency_alignment(make())
    o1 = by(a, "objective_id", "O1")  # economic: A 2, B 3
    assert (o1["coverage"], o1["depth"], o1["sectors"]) == (3, 2, 2)
    assert o1["sector_list"] == "private; public"
    o3 = by(a, "objective_id", "O3")  # financial: B 2, C 3, both private (F is a candidate)
    assert (o3["coverage"], o3["depth"], o3["sectors"]) == (3, 2, 1)


def test_candidates_do_not_count_towards_coverage():
    # social: A 1 active; N 3 and U 2 are candidates -> coverage 1, nobody at level >= 2
    o2 = by(competency_alignment(make()), "objective_id", "O2")
    assert (o2["coverage"], o2["depth"], o2["sectors"]) == (1, 0, 0)


def test_a_partner_listed_twice_in_an_area_counts_once_at_its_highest_level():
    # political: A 3 and A 1 -> coverage 3, depth 1
    o4 = by(competency_alignment(make()), "objective_id", "O4")
    assert (o4["coverage"], o4["depth"]) == (3, 1)


def test_alignment_and_gap_per_objective():
    a = competency_alignment(make())
    o2 = by(a, "objective_id", "O2")
    # alignment = 1 / 3; gap = (4 / 5) * (1 - 1/3) = 0.8 * 2/3 = 0.5333
    assert o2["alignment"] == pytest.approx(1 / 3)
    assert o2["gap"] == pytest.approx(0.8 * 2 / 3)
    o1 = by(a, "objective_id", "O1")
    assert o1["alignment"] == 1.0 and o1["gap"] == 0.0


def test_missing_priority_defaults_to_three():
    o4 = by(competency_alignment(make()), "objective_id", "O4")
    assert o4["priority"] == 3.0
    assert o4["gap"] == pytest.approx(0.0)  # coverage 3


def test_an_area_no_partner_lists_has_coverage_zero_and_the_full_gap():
    objectives = pd.DataFrame(
        {
            "objective_id": ["O9"],
            "name": ["Clean air"],
            "area": ["physical_environmental"],
            "priority": [5],
        }
    )
    o9 = by(competency_alignment(make(objectives=objectives)), "objective_id", "O9")
    assert (o9["coverage"], o9["depth"], o9["alignment"]) == (0, 0, 0.0)
    assert o9["gap"] == pytest.approx(1.0)  # (5 / 5) * (1 - 0)


def test_alignment_index_by_hand():
    # sum(priority * coverage / 3) = 5 * 3/3 + 4 * 1/3 + 2 * 3/3 + 3 * 3/3 = 5 + 4/3 + 2 + 3
    #                               = 34/3; sum(priority) = 14; index = (34/3) / 14 * 100
    assert alignment_index(make()) == pytest.approx(34 / 3 / 14 * 100)  # 80.952...


def test_alignment_needs_objectives_and_competencies():
    with pytest.raises(MissingTableError, match="competency_alignment needs table 'objectives'"):
        competency_alignment(make(objectives=None))


def test_partners_who_left_count_until_as_of_excludes_them():
    # C (bank) left on 2025-06-30: with as_of 2026-01-01 financial is covered by B alone (2)
    partners = PARTNERS.assign(left=[None, None, "2025-06-30", None, None, None])
    p = make(partners=partners)
    assert by(competency_alignment(p), "objective_id", "O3")["coverage"] == 3
    later = by(competency_alignment(p, as_of=dt.date(2026, 1, 1)), "objective_id", "O3")
    assert (later["coverage"], later["depth"]) == (2, 1)


# ----------------------------------------------------------------- single points of failure
def test_single_points_of_failure_are_areas_covered_by_exactly_one_sector():
    spof = single_points_of_failure(make())
    # economic: public + private (2 sectors) -> no; social: nobody at >= 2 -> no (a gap);
    # financial: B and C, both private -> yes; political: A public -> yes;
    # institutional: C at level 1 only -> no
    assert set(spof["area"]) == {"financial", "political"}
    fin = by(spof, "area", "financial")
    assert fin["sector"] == "private" and fin["depth"] == 2
    assert fin["partners"] == "Bank; Builder"
    pol = by(spof, "area", "political")
    assert pol["sector"] == "public" and pol["partners"] == "Council"
    # most needed first: political (priority 3) before financial (priority 2)
    assert spof["area"].tolist() == ["political", "financial"]


def test_a_second_sector_removes_the_single_point_of_failure():
    extra = pd.DataFrame(
        {"partner_id": ["A"], "area": ["financial"], "level": [2], "competency": ["Bonds"]}
    )
    spof = single_points_of_failure(make(competencies=pd.concat([COMPETENCIES, extra])))
    assert "financial" not in set(spof["area"])


# ----------------------------------------------------------------- candidate fit
def test_candidate_gain_is_the_index_with_the_candidate_minus_without():
    fit = candidate_fit(make())
    base = 34 / 3 / 14 * 100
    # N (civil society, social 3): social coverage 1 -> 3: index = (5 + 4 + 2 + 3) / 14 * 100 = 100
    n = by(fit, "partner_id", "N")
    assert n["index_without"] == pytest.approx(base)
    assert n["index_with"] == pytest.approx(100.0)
    assert n["gain"] == pytest.approx(100 - base)  # 19.05 points
    assert n["areas_improved"] == "social"
    # U (academic, social 2): (5 + 4 * 2/3 + 2 + 3) / 14 * 100 = (10 + 8/3) / 14 * 100
    u = by(fit, "partner_id", "U")
    assert u["gain"] == pytest.approx((10 + 8 / 3) / 14 * 100 - base)  # 9.52 points
    # F (funder, financial 3): financial already 3 -> gain 0, improves nothing
    f = by(fit, "partner_id", "F")
    assert f["gain"] == pytest.approx(0.0) and f["areas_improved"] == ""


def test_candidates_are_ranked_by_gain():
    fit = candidate_fit(make())
    assert fit["partner_id"].tolist() == ["N", "U", "F"]
    assert fit["rank"].tolist() == [1, 2, 3]
    n = by(fit, "partner_id", "N")
    assert bool(n["adds_sector"]) and n["sector_added"] == "civil_society"


def test_equal_gains_are_ranked_by_whether_the_candidate_adds_a_sector():
    # two candidates with social 3 (equal gain): P2 is private (a sector the partnership has),
    # N is civil society (new) -> N first, although "Builder Two" sorts before "Tenants' Union"
    partners = pd.concat(
        [
            PARTNERS[PARTNERS["partner_id"].isin(["A", "B", "C", "N"])],
            pd.DataFrame(
                {
                    "partner_id": ["P2"],
                    "name": ["Builder Two"],
                    "sector": ["private"],
                    "role": ["candidate"],
                }
            ),
        ]
    )
    comps = pd.concat(
        [
            COMPETENCIES[COMPETENCIES["partner_id"].isin(["A", "B", "C", "N"])],
            pd.DataFrame(
                {"partner_id": ["P2"], "area": ["social"], "level": [3], "competency": ["x"]}
            ),
        ]
    )
    fit = candidate_fit(make(partners=partners, competencies=comps))
    assert fit["gain"].iloc[0] == pytest.approx(fit["gain"].iloc[1])
    assert fit["partner_id"].tolist() == ["N", "P2"]
    assert fit["adds_sector"].tolist() == [True, False]
    assert pd.isna(fit["sector_added"].iloc[1])


def test_candidate_fit_without_candidates_is_empty():
    partners = PARTNERS[PARTNERS["role"] != "candidate"]
    comps = COMPETENCIES[COMPETENCIES["partner_id"].isin(partners["partner_id"])]
    fit = candidate_fit(make(partners=partners, competencies=comps))
    assert fit.empty and "gain" in fit.columns


# ----------------------------------------------------------------- levels, profile, diversity
def test_competency_levels_give_every_partner_every_area():
    lv = competency_levels(make())
    assert len(lv) == 3 * 6  # three active partners x six areas
    a_pol = lv[(lv["partner_id"] == "A") & (lv["area"] == "political")].iloc[0]
    assert a_pol["level"] == 3 and a_pol["level_name"] == "leading" and a_pol["n_competencies"] == 2
    assert a_pol["competencies"] == "Mandate; Consultation"
    a_fin = lv[(lv["partner_id"] == "A") & (lv["area"] == "financial")].iloc[0]
    assert a_fin["level"] == 0 and not bool(a_fin["listed"])
    with_candidates = competency_levels(make(), include_candidates=True)
    assert len(with_candidates) == 6 * 6
    assert set(with_candidates.loc[with_candidates["candidate"], "partner_id"]) == {"N", "U", "F"}


def test_sector_profile_lists_the_box_competencies_of_the_sectors_present():
    prof = sector_profile(make())
    # active sectors: public (1 partner) and private (2); the box has no civil society here
    assert set(prof["sector"]) == {"public", "private"}
    assert set(prof.loc[prof["sector"] == "private", "n_partners"]) == {2}
    # needed areas: economic, social, financial, political
    assert set(prof.loc[prof["needed"], "area"]) == {"economic", "social", "financial", "political"}
    inst = prof[prof["area"] == "institutional"]
    assert not inst["needed"].any() and set(inst["n_objectives"]) == {0}
    assert "Ensuring value for money" in set(prof.loc[prof["sector"] == "public", "competency"])


def test_sector_diversity_counts_active_partners_and_flags_public_private_only():
    d = sector_diversity(make())
    counts = dict(zip(d["sector"], d["n_partners"]))
    assert counts == {
        "public": 1,
        "private": 2,
        "civil_society": 0,
        "academic": 0,
        "funder": 0,
        "other": 0,
    }
    assert dict(zip(d["sector"], d["n_candidates"]))["civil_society"] == 1
    assert by(d, "sector", "private")["share"] == pytest.approx(2 / 3)
    # a civil-society candidate does not make the partnership diverse
    assert d["public_private_only"].all()


def test_a_civil_society_member_clears_the_public_private_only_flag():
    partners = PARTNERS.assign(
        role=["lead", "member", "member", "member", "candidate", "candidate"]
    )
    d = sector_diversity(make(partners=partners))
    assert not d["public_private_only"].any()
    assert by(d, "sector", "civil_society")["n_partners"] == 1
