"""Text cells: trimming, first characters and filled cells, told from the bytes where they can be."""

from __future__ import annotations

import random

import pandas as pd
import pyarrow as pa
import pytest

from partner_analytics.data.text import starts_with, stripped, surely_filled

PIECES = ["a", "P01", "3", "x y", "é", "日本", "'", "=", "-", "+", "@", "", " ", "  ", "\t", "\r", "\n", "\u00a0", "\u2003",
          "\u3000", "\x1c", "\x1f", "\x85", "\u200b", "\ufeff", "\x00"]


def _columns(seed: int, n: int = 200):
    """Text columns of random cells (missing ones too), as pandas makes them and as slices of
    several Arrow chunks."""
    rng = random.Random(seed)
    cells = [None if rng.random() < 0.1 else "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3)))
             for _ in range(n)]
    plain = pd.Series(cells, dtype="str")
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(cells[:50], pa.large_string()),
                                                                     pa.array(cells[50:], pa.large_string())])))
    return [plain, plain.iloc[7:150], chunked.astype("str"), chunked.astype("str").iloc[33:], pd.Series(cells, dtype=object)]


def _plain_strip(s: pd.Series) -> pd.Series:
    s = s.astype("str").str.strip()
    empty = s == ""
    return s.mask(empty) if empty.any() else s


@pytest.mark.parametrize("seed", range(8))
def test_trimmed_cells_are_those_pandas_strip_gives_whatever_the_whitespace(seed):
    for s in _columns(seed):
        pd.testing.assert_series_equal(stripped(s), _plain_strip(s), check_exact=True)
        visible = s.dropna()
        visible = visible[visible.str.strip() != ""].str.strip()
        if len(visible):  # the quick path: nothing to trim
            pd.testing.assert_series_equal(stripped(visible), visible.astype("str"), check_exact=True)


@pytest.mark.parametrize("seed", range(8))
def test_cells_starting_with_a_formula_character_are_those_a_pattern_finds(seed):
    for s in _columns(seed):
        expected = s.str.match(r"^['=+\-@\t\r]").fillna(False).astype(bool)
        pd.testing.assert_series_equal(starts_with(s, "'=+-@\t\r"), expected, check_exact=True)


@pytest.mark.parametrize("seed", range(8))
def test_a_cell_surely_filled_is_never_blank(seed):
    for s in _columns(seed)[:4]:
        filled = surely_filled(s)
        blank = (s.isna() | (s.str.strip() == "")).to_numpy()
        assert not (filled & blank).any()
        starts_visible = s.str.match(r"^[!-~]").fillna(False).astype(bool).to_numpy()
        assert (filled == starts_visible).all()
    assert surely_filled(pd.Series(["a"], dtype=object)) is None
