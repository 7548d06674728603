"""The percentile bootstrap of a mean: resampled means drawn as how often each distinct value
is picked (multinomial counts), checked against what resampling respondents must give."""

from __future__ import annotations

import numpy as np
import pytest

from partner_analytics.analysis._bootstrap import cell_rng, mean_interval, mean_intervals


def _means(x, n_boot, seed=0):
    from partner_analytics.analysis import _bootstrap

    out = np.empty(n_boot)
    return _bootstrap._resampled_means(np.asarray(x, float), n_boot=n_boot, rng=np.random.default_rng(seed), out=out)


def test_resampled_means_have_the_mean_and_variance_of_resampling_respondents():
    # scores 1, 2, 2, 3, 5 (n = 5): mean 13/5 = 2.6; population variance
    # ((1.6)^2 + 2 (0.6)^2 + 0.4^2 + 2.4^2) / 5 = 9.2 / 5 = 1.84; a resampled mean of 5 draws
    # has variance 1.84 / 5 = 0.368
    means = _means([1, 2, 2, 3, 5], 200_000)
    assert means.mean() == pytest.approx(2.6, abs=0.005)
    assert means.var() == pytest.approx(0.368, rel=0.02)
    # every resampled mean is a sum of five of the scores over 5: a multiple of 1/5
    assert np.allclose(means * 5, np.round(means * 5)) and means.min() >= 1 and means.max() <= 5


def test_the_chance_of_drawing_one_value_every_time_is_its_share_to_the_n():
    # 1, 1, 1, 5: all four draws are 1 with probability (3/4)^4 = 81/256
    means = _means([1, 1, 1, 5], 100_000, seed=3)
    assert (means == 1.0).mean() == pytest.approx(81 / 256, abs=0.006)


def test_an_interval_surrounds_the_mean_and_narrows_as_respondents_grow():
    x = np.array([2, 3, 3, 4, 4, 4, 5, 5], dtype=float)
    widths = []
    for k in (1, 4, 16):
        lo, hi = mean_interval(np.tile(x, k), n_boot=2000, confidence=0.95, rng=cell_rng(0, k))
        assert lo <= x.mean() <= hi
        widths.append(hi - lo)
    # the width falls like 1 / sqrt(n): about halved each time n is multiplied by four
    assert widths[0] > widths[1] > widths[2]
    assert widths[1] / widths[0] == pytest.approx(0.5, abs=0.12)


def test_one_value_gives_an_interval_of_no_width_and_no_value_none():
    assert mean_interval(np.full(7, 4.0), n_boot=100, confidence=0.95, rng=cell_rng(0)) == (4.0, 4.0)
    lo, hi = mean_interval(np.array([np.nan]), n_boot=100, confidence=0.95, rng=cell_rng(0))
    assert np.isnan(lo) and np.isnan(hi)


def test_the_same_seed_and_cell_give_the_same_interval():
    x = np.array([1, 2, 4, 4, 5, 3, 3], dtype=float)
    a = mean_intervals(x, np.array([0, 7]), [cell_rng(4, "F1")], n_boot=500, confidence=0.9)
    b = mean_intervals(x, np.array([0, 7]), [cell_rng(4, "F1")], n_boot=500, confidence=0.9)
    assert np.array_equal(a, b)
