"""Numbers from text cells: read once per distinct text, exactly as pandas reads the column."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from partner_analytics.data.coerce import _to_numbers

TEXTS = ["1", "2.5", "-3", "1e5", "inf", "-inf", "nan", "abc", "9007199254740993", "18446744073709551615",
         "18446744073709551616", "-9223372036854775809", "0x10", "1_000", " 4", ".5", "5.", "+7", "1,5", "0.1",
         "3.14159265358979323846264338327950288", "-0", None, "true", "1e400", "1e-400"]


@pytest.mark.parametrize("dtype", ["str", object])
def test_numbers_read_per_distinct_text_are_those_pandas_reads_from_the_whole_column(dtype):
    rng = random.Random(11)
    for _ in range(400):
        cells = [rng.choice(TEXTS) for _ in range(rng.randint(0, 8))]
        column = pd.Series(cells, dtype=dtype, index=range(5, 5 + len(cells)))
        expected = pd.to_numeric(column, errors="coerce").astype("float64")
        pd.testing.assert_series_equal(_to_numbers(column), expected, check_exact=True)
