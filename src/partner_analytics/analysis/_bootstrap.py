"""Percentile-bootstrap helpers shared by the collaboration-health analyses (private).

Every interval is computed with its own :class:`numpy.random.Generator`, seeded from the
caller's ``seed`` and a stable key of the cell (for example the wave and the factor code).
An interval therefore depends only on the seed and the data of its own cell: adding a
factor or a wave to a package does not move the intervals of the others, and two runs
with the same seed give identical numbers.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["cell_rng", "mean_interval", "percentile_interval", "resampled_column_means"]

#: Resamples drawn at once; bounds the memory of the respondents x factors resampling.
_CHUNK_CELLS = 4_000_000


def cell_rng(seed: int, *keys: object) -> np.random.Generator:
    """A Generator seeded from ``seed`` and a stable (process-independent) hash of ``keys``."""
    if seed is None or isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    key = zlib.crc32("\x1f".join(str(k) for k in keys).encode("utf-8"))
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, key])


def percentile_interval(stats: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` percentile interval of bootstrap statistics (NaNs ignored)."""
    stats = np.asarray(stats, dtype="float64")
    stats = stats[~np.isnan(stats)]
    if stats.size == 0:
        return (np.nan, np.nan)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(stats, [alpha, 1.0 - alpha])
    return (float(low), float(high))


def mean_interval(
    values: np.ndarray, *, n_boot: int, confidence: float, rng: np.random.Generator
) -> tuple[float, float]:
    """Percentile-bootstrap interval of the mean of ``values`` (one value per respondent)."""
    x = np.asarray(values, dtype="float64")
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (np.nan, np.nan)
    means = np.empty(n_boot)
    step = max(1, _CHUNK_CELLS // x.size)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        idx = rng.integers(0, x.size, size=(stop - start, x.size))
        means[start:stop] = x[idx].mean(axis=1)
    return percentile_interval(means, confidence)


def resampled_column_means(
    matrix: np.ndarray, *, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Column means of ``matrix`` (rows = respondents, NaN = not answered) per resample.

    Rows are drawn with replacement, ``n_boot`` times; a column that no drawn row answered
    has mean NaN in that resample. Returns an array of shape (n_boot, n_columns).
    """
    m = np.asarray(matrix, dtype="float64")
    n_rows, n_cols = m.shape
    out = np.full((n_boot, n_cols), np.nan)
    if n_rows == 0 or n_cols == 0:
        return out
    answered = ~np.isnan(m)
    values = np.where(answered, m, 0.0)
    step = max(1, _CHUNK_CELLS // max(1, n_rows * n_cols))
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        idx = rng.integers(0, n_rows, size=(stop - start, n_rows))
        sums = values[idx].sum(axis=1)
        counts = answered[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:stop] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return out
