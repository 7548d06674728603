"""The small-cell rule beside a total: complementary suppression, checked on hand cases."""

from __future__ import annotations

import numpy as np
import pytest

from partner_analytics.analysis.small_cells import complementary_suppression
from partner_analytics.errors import AnalysisInputError


def hide(total, n, *, min_n=3, **kw) -> list[bool]:
    n = np.asarray(n)
    return complementary_suppression(total, n, n < min_n, min_n=min_n, **kw).tolist()


def test_one_small_part_beside_its_total_hides_the_next_smallest_part_too():
    # funder 1, public 3, private 5: total - private = funder + public, 4 respondents
    assert hide(["w"] * 3, [1, 3, 5]) == [True, True, False]


def test_parts_all_large_enough_are_all_shown():
    assert hide(["w"] * 3, [3, 4, 5]) == [False, False, False]


def test_two_small_parts_that_stay_below_min_n_together_hide_one_more():
    # 1 + 1 = 2 < 3 respondents recoverable together: the smallest shown part (4) goes too
    assert hide(["w"] * 4, [1, 1, 4, 5]) == [True, True, True, False]


def test_small_parts_holding_min_n_together_need_no_complement():
    # 1 + 2 = 3 respondents: the total minus the parts shown gives the mean of 3
    assert hide(["w"] * 4, [1, 2, 4, 5]) == [True, True, False, False]


def test_each_total_is_completed_on_its_own():
    assert hide(["a", "a", "b", "b", "b"], [1, 4, 3, 4, 5]) == [True, True, False, False, False]


def test_ties_take_the_first_part_in_the_given_order():
    assert hide(["w"] * 3, [2, 4, 4]) == [True, True, False]
    assert hide(["w"] * 3, [2, 4, 4], order=["a", "z", "b"]) == [True, False, True]


def test_units_of_the_total_in_no_part_count_as_not_shown():
    # 1 respondent whose organisation has no sector: total - both sectors would give it
    assert hide(["w", "w"], [4, 5], residual={"w": 1}) == [True, False]
    assert hide(["w", "w"], [4, 5], residual={"w": 3}) == [False, False]


def test_with_shared_units_the_distinct_units_are_counted():
    # organisation x alone rates parts 0 and 1: 2 pairs, but one organisation
    units = [[{"x"}, {"x"}, {"x", "y", "z"}, {"x", "y", "z", "v"}]]
    assert hide(["w"] * 4, [1, 1, 3, 4], units=units) == [True, True, True, False]
    # every way of counting must hold: here the second holds only with the complement too
    two = [[{"x", "y", "z"}, set(), set(), set()], [{"x"}, set(), {"y", "z", "v"}, set()]]
    assert complementary_suppression(
        ["w"] * 4, [3, 3, 3, 4], [True, False, False, False], min_n=3, units=two
    ).tolist() == [True, False, True, False]


def test_a_total_with_every_part_small_hides_them_all():
    assert hide(["w"] * 2, [1, 1]) == [True, True]


def test_the_given_suppression_is_kept_and_the_input_not_changed():
    # a part of 4 hidden by a coarser table: 4 respondents not shown, no complement needed
    given = np.array([False, True, False])
    out = complementary_suppression(["w"] * 3, [5, 4, 6], given, min_n=3)
    assert out.tolist() == [False, True, False]
    given[0] = True
    assert out.tolist() == [False, True, False]  # a new array
    one = np.array([False, False, True])
    assert complementary_suppression(["w"] * 3, [5, 4, 1], one, min_n=3).tolist() == [
        False,
        True,
        True,
    ]
    assert one.tolist() == [False, False, True]


def test_no_parts_and_bad_arguments():
    assert complementary_suppression([], [], [], min_n=3).tolist() == []
    with pytest.raises(ValueError, match="one value per part"):
        complementary_suppression(["w"], [1, 2], [True, False], min_n=3)
    with pytest.raises(AnalysisInputError, match="min_n must be a whole number"):
        complementary_suppression(["w"], [1], [True], min_n=0)
