"""Helpers shared by several analyses (a private module: its names are not re-exported).

- waves of the rating tables (stakeholder ratings and relationships): :func:`wave_order`,
  :func:`select_waves`;
- sums and means of consecutive segments of a float array that give the bits of numpy's own
  ``np.add.reduce`` / ``np.mean`` of each segment (:func:`numpy_sums`, :func:`segment_means`),
  so that a per-group statistic can be computed for every group at once and still equal the
  per-group statement exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from partner_analytics.data.periods import normalize_period, periods_end
from partner_analytics.errors import AnalysisInputError

__all__ = [
    "numpy_sums",
    "segment_means",
    "select_waves",
    "wave_order",
]


# --------------------------------------------------------------------------- rating tables


def wave_order(frame: pd.DataFrame) -> list[str]:
    """Wave labels of a frame in time order (by wave_end, then label)."""
    waves = frame[["wave"]].drop_duplicates().copy()
    waves["wave_end"] = periods_end(waves["wave"])
    return waves.sort_values(["wave_end", "wave"])["wave"].tolist()


def select_waves(frame: pd.DataFrame, wave: str | Iterable[str] | None, *, by: str) -> pd.DataFrame:
    """Rows of the requested wave(s); None keeps every wave. Unknown waves raise."""
    if wave is None:
        return frame
    wanted = [wave] if isinstance(wave, str) else list(wave)
    labels = []
    for w in wanted:
        label = normalize_period(w)
        if label is None:
            raise AnalysisInputError(
                f"{by}: {w!r} is not a wave (expected YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn or a date)"
            )
        labels.append(label)
    have = wave_order(frame)
    unknown = [w for w in labels if w not in have]
    if unknown:
        raise AnalysisInputError(
            f"{by}: no ratings for wave {', '.join(map(repr, unknown))}; "
            f"the package has waves: {', '.join(have) or 'none'}"
        )
    return frame[frame["wave"].isin(labels)]


# --------------------------------------------------------------------------- exact segment sums


def numpy_sums(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sum of each consecutive segment of ``x`` exactly as ``np.add.reduce`` adds a float64
    array: 0.0 + numpy's pairwise sum (sequential below 8 values, eight interleaved partial
    sums up to 128, halves beyond)."""
    starts = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.intp) if len(lengths) else lengths
    return 0.0 + _pairwise(x, starts.astype(np.intp), np.asarray(lengths, dtype=np.intp))


def _pairwise(x: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    out = np.full(len(starts), -0.0)
    small = lengths < 8
    if small.any():
        s, n = starts[small], lengths[small]
        res = np.full(len(s), -0.0)
        for j in range(7):
            m = n > j
            res[m] = res[m] + x[s[m] + j]
        out[small] = res
    mid = (lengths >= 8) & (lengths <= 128)
    if mid.any():
        s, n = starts[mid], lengths[mid]
        r = [x[s + j] for j in range(8)]
        blocks = n - n % 8
        for i in range(8, 128, 8):
            m = i < blocks
            if not m.any():
                break
            for j in range(8):
                r[j][m] = r[j][m] + x[s[m] + i + j]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for k in range(7):
            m = blocks + k < n
            res[m] = res[m] + x[s[m] + blocks[m] + k]
        out[mid] = res
    big = lengths > 128
    if big.any():
        s, n = starts[big], lengths[big]
        half = n // 2
        half -= half % 8
        out[big] = _pairwise(x, s, half) + _pairwise(x, s + half, n - half)
    return out


def segment_means(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``np.mean`` of each consecutive segment of ``x`` (NaN for empty ones), to the bit."""
    with np.errstate(all="ignore"):
        means = numpy_sums(x, lengths) / lengths
    means[lengths == 0] = np.nan
    return means
