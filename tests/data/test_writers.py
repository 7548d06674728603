"""The CSV writer: a file per value of a column, as a file per group."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from partner_analytics.data.writers import csv_parts, csv_table, table_csv_bytes


@pytest.mark.parametrize("seed", range(6))
def test_the_parts_of_a_frame_are_the_tables_of_its_groups(seed):
    rng = random.Random(seed)
    n = 80
    frame = pd.DataFrame({
        "wave": pd.array([rng.choice(["2026-Q2", "2026-Q1", "2025-Q4", None]) for _ in range(n)], dtype="str"),
        "who": pd.array([rng.choice(["=x", "R-1", "'+1", "é", None, ""]) for _ in range(n)], dtype="str"),
        # whole in some waves, not in others; -0.0 is written as 0 only where every number is whole
        "score": [rng.choice([1.0, 2.0, -0.0, np.nan] + ([2.5] if rng.random() < 0.1 else [])) for _ in range(n)],
        "count": pd.array([rng.choice([1, 2, None]) for _ in range(n)], dtype="Int64"),
        "flag": pd.array([rng.choice([True, False, None]) for _ in range(n)], dtype="boolean"),
        "any": pd.Series([rng.choice([1, "a", 2.5, None]) for _ in range(n)], dtype=object),
    })
    got = list(csv_parts(frame, "wave"))
    want = [(w, csv_table(part.reset_index(drop=True))) for w, part in frame.groupby("wave", sort=True)]
    assert [w for w, _ in got] == [w for w, _ in want]
    for (_, a), (_, b) in zip(got, want, strict=True):
        assert a.schema == b.schema
        assert a.equals(b) and table_csv_bytes(a) == table_csv_bytes(b)
