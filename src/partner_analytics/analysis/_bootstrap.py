"""Percentile-bootstrap helpers shared by the collaboration-health analyses (private).

Every interval is computed with its own :class:`numpy.random.Generator`, seeded from the
caller's ``seed`` and a stable key of the cell (for example the wave and the factor code).
An interval therefore depends only on the seed and the data of its own cell: adding a
factor or a wave to a package does not move the intervals of the others, and two runs
with the same seed give identical numbers.

A resampled mean is drawn as how often each distinct value is picked (multinomial counts
over the distinct values), the same distribution as drawing respondents one by one and
25-40 times faster on a 1..5 scale (docs/decisions.md). Many cells are handled at once by
:func:`mean_intervals`: each cell still draws its resamples from its own generator, exactly
as :func:`mean_interval` does for one cell, and the percentiles of all cells are taken in
one call. :func:`resampled_column_means` counts
how often each row was drawn and multiplies, instead of gathering the drawn rows, when every
value is a whole number (the usual 1..5 answers): the sums are then exact in any order, so
the numbers are those of the gathering statement to the bit.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

__all__ = [
    "cell_rng",
    "mean_interval",
    "mean_intervals",
    "percentile_interval",
    "resampled_column_means",
]

#: Resamples drawn at once; bounds the memory of the respondents x factors resampling.
_CHUNK_CELLS = 4_000_000
#: Bootstrap statistics kept at once by :func:`mean_intervals` (cells x resamples).
_BLOCK_STATS = 4_000_000
#: Sums of whole numbers below this are exact in float64 whatever the order of the additions.
_EXACT_SUM = 2.0**53


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


def _resampled_means(
    x: np.ndarray, *, n_boot: int, rng: np.random.Generator, out: np.ndarray
) -> np.ndarray:
    """Means of ``n_boot`` resamples of ``x`` (non-empty, no NaN), written into ``out``.

    A resample draws ``len(x)`` respondents with replacement; its mean depends only on how
    often each distinct value is drawn. Those counts are drawn directly, from the
    multinomial distribution over the distinct values (each with the share of respondents
    giving it): the same distribution of resampled means as drawing respondents, at the cost
    of the distinct values (five on a 1..5 scale) rather than of the respondents.
    """
    values, counts = np.unique(x, return_counts=True)
    shares = counts / x.size
    step = max(1, _CHUNK_CELLS // values.size)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        drawn = rng.multinomial(x.size, shares, size=stop - start)
        out[start:stop] = (drawn @ values) / x.size
    return out


def mean_interval(
    values: np.ndarray, *, n_boot: int, confidence: float, rng: np.random.Generator
) -> tuple[float, float]:
    """Percentile-bootstrap interval of the mean of ``values`` (one value per respondent)."""
    x = np.asarray(values, dtype="float64")
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (np.nan, np.nan)
    means = _resampled_means(x, n_boot=n_boot, rng=rng, out=np.empty(n_boot))
    return percentile_interval(means, confidence)


def mean_intervals(
    values: np.ndarray,
    bounds: np.ndarray,
    rngs: Sequence[np.random.Generator | None],
    *,
    n_boot: int,
    confidence: float,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`mean_interval` of many cells at once.

    Parameters
    ----------
    values : numpy.ndarray
        The values of every cell, cell after cell (cell ``k`` is
        ``values[bounds[k]:bounds[k + 1]]``, in the order its resamples index them).
    bounds : numpy.ndarray
        ``len(cells) + 1`` increasing offsets into ``values``.
    rngs : sequence of numpy.random.Generator
        The generator of each cell (None is allowed for an empty cell).
    n_boot, confidence
        As in :func:`mean_interval`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits per cell, NaN where a cell has no value; each equal, to the
        bit, to what :func:`mean_interval` gives for that cell alone with the same generator.
    """
    values = np.asarray(values, dtype="float64")
    bounds = np.asarray(bounds, dtype=np.intp)
    n_cells = len(bounds) - 1
    low = np.full(n_cells, np.nan)
    high = np.full(n_cells, np.nan)
    cells = []
    for k in range(n_cells):
        x = values[bounds[k] : bounds[k + 1]]
        if np.isnan(x).any():
            x = x[~np.isnan(x)]
        if x.size:
            cells.append((k, x))
    alpha = (1.0 - confidence) / 2.0
    per_block = max(1, _BLOCK_STATS // n_boot)
    for first in range(0, len(cells), per_block):
        block = cells[first : first + per_block]
        stats = np.empty((len(block), n_boot))
        for row, (k, x) in enumerate(block):
            _resampled_means(x, n_boot=n_boot, rng=rngs[k], out=stats[row])
        # the same percentiles as percentile_interval of each row (np.quantile row by row)
        q = np.quantile(stats, [alpha, 1.0 - alpha], axis=1)
        at = [k for k, _ in block]
        low[at], high[at] = q[0], q[1]
    return low, high


def resampled_column_means(
    matrix: np.ndarray, *, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Column means of ``matrix`` (rows = respondents, NaN = not answered) per resample.

    Rows are drawn with replacement, ``n_boot`` times; a column that no drawn row answered
    has mean NaN in that resample. Returns an array of shape (n_boot, n_columns).

    When every answer is a whole number the column sums of a resample are computed as
    (times each row was drawn) x (the rows): every partial sum is then a whole number below
    2^53, exact in any order, so the result equals that of adding the drawn rows one by one.
    """
    m = np.asarray(matrix, dtype="float64")
    n_rows, n_cols = m.shape
    out = np.full((n_boot, n_cols), np.nan)
    if n_rows == 0 or n_cols == 0:
        return out
    answered = ~np.isnan(m)
    values = np.where(answered, m, 0.0)
    whole = bool(
        np.all(np.isfinite(values))
        and np.array_equal(values, np.trunc(values))
        and n_rows * float(np.abs(values).max()) < _EXACT_SUM
    )
    if whole:
        step = max(1, _CHUNK_CELLS // n_rows)
        weights = np.concatenate([values, answered.astype("float64")], axis=1)
    else:
        step = max(1, _CHUNK_CELLS // max(1, n_rows * n_cols))
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        idx = rng.integers(0, n_rows, size=(stop - start, n_rows))
        if whole:
            offsets = np.arange(stop - start)[:, None] * n_rows
            times = np.bincount((idx + offsets).ravel(), minlength=(stop - start) * n_rows)
            both = times.reshape(stop - start, n_rows).astype("float64") @ weights
            sums, counts = both[:, :n_cols], both[:, n_cols:]
        else:
            sums = values[idx].sum(axis=1)
            counts = answered[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:stop] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return out
