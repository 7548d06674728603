"""The Open SDG progress measure on plain numbers (private).

The arithmetic of methods.md section 6, in the order sdg-build 2.4 (the build that publishes
Statistics Canada's progress statuses) applies it, so that annual data give the published
progress values to the last bit: the same operations on the same float64 numbers in the same
order. Two statements of the same measure:

- :func:`series_progress`: one series on Python numbers, written as sdg-build writes it (the
  reference);
- :func:`series_progress_arrays`: every series at once on numpy columns, what
  :mod:`partner_analytics.analysis.indicators` uses. It applies the same operations in the
  same order, each branch of the reference as a mask, so both give the same bits (tests
  check it on random series). Powers go through the C library's ``pow`` (as Python's ``**``
  does), not numpy's ``power``, which evaluates them with its own SIMD kernel on some CPUs
  (AVX-512) and may then differ in the last bit.

Times are positions in years (``analysis.indicators.period_time``: a year label is that year,
a day d is ``d.year + (day_of_year(d) - 1) / days_in_year``); the years *between* two times,
which every growth rate and the one-year rule use, follow the calendar (methods.md 6):
:func:`years_between`.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from partner_analytics.analysis._common import segment_means

__all__ = [
    "STATUSES",
    "SeriesProgress",
    "TextColumn",
    "growth",
    "limit_coefficient",
    "series_progress",
    "series_progress_arrays",
    "status_from_score",
    "years_between",
    "years_between_arrays",
]

STATUSES = (
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
)

# Default thresholds (high, med, low): methodology 1 (no target) and 2 (with a target).
THRESHOLDS_NO_TARGET = (0.015, 0.005, 0.0)
THRESHOLDS_TARGET = (0.95, 0.6, 0.0)
# UNSD 2022 progress chart: bands of CR = CAGR_a / CAGR_r.
THRESHOLDS_UNSD2022 = (0.95, 0.5, -0.1)
LIMIT_EXPONENT = 4.44
OVERFLOW = "the growth rates are too large to compare: the values are too far apart"
ZERO_REPLACEMENT = 0.001


@dataclass
class SeriesProgress:
    """Every intermediate value of one series' progress measure."""

    d: int
    s: float = math.nan
    base_value_used: float = math.nan  # the base after 0 -> 0.001
    target_value_used: float = math.nan  # the target after 0 -> 0.001
    cagr: float = math.nan
    cagr_target: float = math.nan
    progress_value: float = math.nan
    threshold_high: float = math.nan
    threshold_med: float = math.nan
    threshold_low: float = math.nan
    scale_c: float = math.nan
    target_achieved: bool = False
    status: str = "not_available"
    score: float = math.nan
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


def _day(t: float) -> date:
    """The day a time in years stands for (the inverse of ``period_time``, to the nearest day)."""
    year = math.floor(t)
    days = 366 if calendar.isleap(year) else 365
    return date(year, 1, 1) + timedelta(days=round((t - year) * days))


def _anniversary(d: date, year: int) -> date:
    """``d``'s calendar date in ``year`` (29 February is 28 February in a common year)."""
    if d.month == 2 and d.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return d.replace(year=year)


def years_between(t0: float, t1: float) -> float:
    """Years from time ``t0`` to time ``t1`` by the calendar (negative when ``t1`` is earlier).

    The same calendar date in two years is exactly that many years apart (31 Dec 2024 to
    31 Dec 2025 is 1.0, leap day or not); within a year time runs by days: n whole years to
    the last anniversary of ``t0``'s day on or before ``t1``'s day, plus the days since it
    over the days to the next anniversary (365 or 366). 29 February's anniversary in a
    common year is 28 February. Year labels stand for 1 January, so annual data are whole
    years apart (``t1 - t0`` exactly).

    >>> years_between(2024 + 365 / 366, 2025 + 364 / 365)  # 31 Dec 2024 -> 31 Dec 2025
    1.0
    """
    a, b = _day(t0), _day(t1)
    if b < a:
        return -years_between(t1, t0)
    n = b.year - a.year
    if _anniversary(a, a.year + n) > b:
        n -= 1
    start = _anniversary(a, a.year + n)
    end = _anniversary(a, a.year + n + 1)
    return n + (b - start).days / (end - start).days


def growth(a: float, b: float, ta: float, tb: float) -> float:
    """Compound annual growth from ``b`` at ``tb`` to ``a`` at ``ta``: (a/b)^(1/years) - 1,
    years = :func:`years_between` (tb, ta) (``ta - tb`` for year labels).

    A power too large for a float is infinite, as in IEEE arithmetic and in the array
    version (Python's ``**`` raises OverflowError instead): e.g. a target of 6e-230 dated
    half a year before a base of 0 (0.001).
    """
    try:
        return ((a / b) ** (1 / years_between(tb, ta))) - 1
    except OverflowError:
        return math.inf


def limit_coefficient(base: float, limit: float) -> float:
    """The threshold scale C of a series near its natural limit (methods.md 6).

    With b = |base| and L = |limit|: 1 when b >= 2L (checked first, so that b = L = 0 gives
    1), 1 - (b/L)^4.44 when b <= L, else 1 - ((2L - b)/L)^4.44.
    """
    b = abs(base)
    lim = abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1 - (b / lim) ** LIMIT_EXPONENT
    return 1 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT


def status_from_value(value: float, high: float, med: float, low: float) -> str:
    """Status of a progress value against the thresholds (no target-achieved check)."""
    if value >= high:
        return "substantial_progress"
    if value >= med:
        return "moderate_progress"
    if value >= low:
        return "limited_progress"
    return "deterioration"


def status_from_score(score: float, target_achieved: bool = False) -> str:
    """Indicator status from a mean score in [-5, 5] (Open SDG 2.4).

    [2.5, 5] substantial, [0, 2.5) moderate, [-2.5, 0) limited, [-5, -2.5) deterioration;
    ``target_achieved`` wins; no score is ``not_available``.
    """
    if target_achieved:
        return "target_achieved"
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return "not_available"
    if score >= 2.5:
        return "substantial_progress"
    if score >= 0:
        return "moderate_progress"
    if score >= -2.5:
        return "limited_progress"
    return "deterioration"


def _score_with_target(r: float) -> float:
    if r >= THRESHOLDS_TARGET[1]:
        return min((7.1429 * r) - 4.2857, 5)
    return max((4.1667 * r) - 2.5, -5)


def _score_without_target(v: float, high: float, med: float, low: float, c: float) -> float:
    # thresholds already carry C; the value is brought back to the unscaled basis
    if v < low:
        return max(125 * v - 2.5, -5)
    if c == 0:
        return 5.0
    if v >= high:
        return min(500 * v / c - 5, 5)
    if v >= med:
        return 250 * v / c - 1.25
    return 500 * v / c - 2.5


def series_progress(
    *,
    d: int,
    base_time: float | None,
    base_value: float | None,
    latest_time: float | None,
    latest_value: float | None,
    target_value: float | None,
    target_time: float,
    limit: float | None = None,
    method: str = "opensdg",
) -> SeriesProgress:
    """Progress value, status and score of one series.

    ``None`` (or NaN) for the latest value means the series has no data; for the base, that
    no base could be found. ``d`` is +1 when an increase is desired, else -1.
    """
    out = SeriesProgress(d=d)
    has_target = target_value is not None and not math.isnan(target_value)
    has_limit = limit is not None and not math.isnan(limit)
    target = float(target_value) if has_target else math.nan
    if has_target and target == 0:
        out.warnings.append("target 0 replaced by 0.001")
        target = ZERO_REPLACEMENT
    out.target_value_used = target
    if latest_value is None or math.isnan(latest_value):
        out.reason = "no observations"
        return out
    if base_value is None or math.isnan(base_value) or base_time is None or math.isnan(base_time):
        out.reason = "no base value"
        return out

    out.s = -1.0 if base_value < 0 else 1.0
    if method == "unsd2022":
        high, med, low = THRESHOLDS_UNSD2022
    elif has_target:
        high, med, low = THRESHOLDS_TARGET
        if has_limit:
            out.warnings.append(f"limit {limit:g} ignored: the series has a target")
    else:
        high, med, low = THRESHOLDS_NO_TARGET
        out.scale_c = 1.0
        if has_limit:
            if base_value < limit and d == -1:
                out.warnings.append(
                    f"base value {base_value:g} is below the minimum limit {limit:g}"
                )
            if base_value > limit and d == 1:
                out.warnings.append(
                    f"base value {base_value:g} is above the maximum limit {limit:g}"
                )
            c = limit_coefficient(base_value, limit)
            out.scale_c = c
            high, med, low = high * c, med * c, low * c
    out.threshold_high, out.threshold_med, out.threshold_low = high, med, low

    if has_target:
        out.target_achieved = (d == -1 and latest_value <= target) or (
            d == 1 and latest_value >= target
        )

    # the progress value (sdg-build: calculate_progress_value)
    base = float(base_value)
    if base == 0:
        out.warnings.append("base value 0 replaced by 0.001")
        base = ZERO_REPLACEMENT
    out.base_value_used = base
    latest = float(latest_value)
    reason = ""
    if (base > 0 and latest < 0) or (base < 0 and latest > 0):
        reason = f"base ({base:g}) and latest ({latest:g}) values have different signs"
    elif base_time > latest_time:
        reason = "the base lies after the latest observation"
    elif years_between(base_time, latest_time) < 1:
        reason = "fewer than one year between base and latest observation"
    if not reason:
        out.cagr = growth(latest, base, latest_time, base_time)
        if has_target:
            if years_between(base_time, target_time) == 0:
                reason = "the target date equals the base date"
            elif (target > 0) != (base > 0):
                reason = f"target ({target:g}) and base ({base:g}) values have different signs"
            else:
                out.cagr_target = growth(target, base, target_time, base_time)
                if out.cagr_target == 0:
                    reason = "the target equals the base value: no growth is required"
                elif method == "unsd2022":
                    out.progress_value = out.cagr / out.cagr_target
                else:
                    out.progress_value = out.s * d * out.cagr / abs(out.cagr_target)
        elif method == "unsd2022":
            reason = "the UNSD 2022 progress chart assesses series with a numerical target only"
        else:
            out.progress_value = out.s * d * out.cagr
        if not reason and math.isnan(out.progress_value):  # inf / inf
            reason = OVERFLOW

    has_value = not math.isnan(out.progress_value)
    if out.target_achieved:
        out.status = "target_achieved"
    elif has_value:
        out.status = status_from_value(out.progress_value, high, med, low)
    else:
        out.status = "not_available"
    if reason:
        out.reason = reason if not out.target_achieved else f"progress value not computed: {reason}"

    if method == "unsd2022":
        return out  # the progress chart has no score
    if out.target_achieved:
        out.score = 5.0
    elif has_value:
        if has_target:
            out.score = float(_score_with_target(out.progress_value))
        else:
            c = out.scale_c
            out.score = float(_score_without_target(out.progress_value, high, med, low, c))
    return out


# --- every series at once ------------------------------------------------------------------


def _numpy_power_is_libm() -> bool:
    """Whether ``np.power`` on float64 runs numpy's plain loop, which calls the C ``pow``.

    numpy dispatches ``power`` to an SVML kernel on AVX-512 CPUs (X86_V4), whose results may
    differ from ``pow`` in the last bit. The plain ("baseline") loop calls ``pow`` itself: it
    is used when numpy reports it as current and agrees with ``math.pow`` on a sample.
    """
    try:
        from numpy.lib.introspect import opt_func_info

        loops = opt_func_info(func_name="^power$", signature="float64")["power"]
        if not all(v["current"].startswith("baseline") for v in loops.values()):
            return False
    except Exception:  # noqa: BLE001 - unknown numpy: take the safe path
        return False
    rng = np.random.default_rng(0)
    a = rng.uniform(0.01, 4.0, 4096)  # growth ratios and exponents 1 / years, |b| <= 1
    b = rng.choice([-1.0, 1.0], 4096) / rng.uniform(1.0, 40.0, 4096)
    return bool(np.array_equal(np.power(a, b), [math.pow(x, y) for x, y in zip(a, b)]))


_NUMPY_POW_IS_LIBM = _numpy_power_is_libm()


def libm_pow(base: np.ndarray, exponent) -> np.ndarray:
    """``base ** exponent`` elementwise, computed by the C library's ``pow`` as Python does.

    numpy's own ``power`` kernel on some CPUs (SVML on AVX-512) may round differently in the
    last bit; there each power is taken with :func:`math.pow`, elsewhere ``np.power`` already
    calls ``pow``. The inputs are finite with ``base >= 0`` (growth ratios of values of the
    same sign).
    """
    base = np.asarray(base, dtype="float64")
    exponent = np.broadcast_to(np.asarray(exponent, dtype="float64"), base.shape)
    if _NUMPY_POW_IS_LIBM:
        with np.errstate(all="ignore"):
            return np.power(base, np.ascontiguousarray(exponent))
    a, b = base.tolist(), exponent.tolist()
    try:
        return np.fromiter(map(math.pow, a, b), dtype="float64", count=base.size)
    except OverflowError:  # as np.power: inf rather than an error
        return np.fromiter(map(_pow_or_inf, a, b), dtype="float64", count=base.size)


def _pow_or_inf(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except OverflowError:
        return math.inf


def g_text(values: np.ndarray) -> np.ndarray:
    """``format(v, "g")`` of each value, as an object array (formatted once per distinct value)."""
    values = np.ascontiguousarray(values, dtype="float64")
    if not len(values):
        return np.empty(0, dtype=object)
    bits, inverse = np.unique(values.view(np.int64), return_inverse=True)  # keeps -0.0 apart
    text = np.array([format(v, "g") for v in bits.view(np.float64).tolist()], dtype=object)
    return text[inverse.reshape(-1)]


class TextColumn:
    """A column of texts (or missing) kept as integer codes into a pool of distinct texts.

    Most series share a handful of texts (statuses, reasons, warnings), so edits work on the
    codes and each distinct text is built once: no Python object per row.
    """

    __slots__ = ("_index", "codes", "pool")

    def __init__(self, n: int, pool: tuple[str, ...] = ()):
        self.codes = np.full(n, -1, dtype=np.int32)
        self.pool: list[str] = []
        self._index: dict[str, int] = {}
        for text in pool:
            self._code(text)

    def __len__(self) -> int:
        return len(self.codes)

    def _code(self, text: str) -> int:
        code = self._index.get(text)
        if code is None:
            code = self._index[text] = len(self.pool)
            self.pool.append(text)
        return code

    def set(self, mask: np.ndarray, text: str) -> None:
        """``text`` on the rows of ``mask``."""
        self.codes[mask] = self._code(text)

    def set_each(self, mask: np.ndarray, texts) -> None:
        """One text per row of ``mask`` (an object array, in row order)."""
        self.codes[mask] = np.array([self._code(t) for t in texts], dtype=np.int32)

    def copy(self) -> TextColumn:
        out = TextColumn(0)
        out.codes = self.codes.copy()
        out.pool = list(self.pool)
        out._index = dict(self._index)
        return out

    def prefix(self, mask: np.ndarray, prefix: str) -> None:
        """``prefix + text`` on the rows of ``mask`` that have a text."""
        rows = mask & (self.codes >= 0)
        used = np.unique(self.codes[rows])
        new = np.zeros(len(self.pool), dtype=np.int32)
        new[used] = [self._code(prefix + self.pool[c]) for c in used.tolist()]
        self.codes[rows] = new[self.codes[rows]]

    def update(self, other: TextColumn) -> None:
        """``other``'s text wherever it has one."""
        rows = other.codes >= 0
        remap = np.array([self._code(t) for t in other.pool], dtype=np.int32)
        self.codes[rows] = remap[other.codes[rows]]

    def join(self, other: TextColumn, sep: str = "; ") -> TextColumn:
        """Row by row: both texts joined by ``sep``, the one present, or missing."""
        out = self.copy()
        remap = np.array([out._code(t) for t in other.pool], dtype=np.int32)
        only = (self.codes < 0) & (other.codes >= 0)
        out.codes[only] = remap[other.codes[only]]
        both = (self.codes >= 0) & (other.codes >= 0)
        if both.any():
            pair = self.codes[both].astype(np.int64) * max(len(other.pool), 1) + other.codes[both]
            pairs, inverse = np.unique(pair, return_inverse=True)
            width = max(len(other.pool), 1)
            joined = [
                out._code(self.pool[k // width] + sep + other.pool[k % width])
                for k in pairs.tolist()
            ]
            out.codes[both] = np.array(joined, dtype=np.int32)[inverse.reshape(-1)]
        return out

    @classmethod
    def concat(cls, parts: list[TextColumn]) -> TextColumn:
        """The columns one after the other."""
        out = cls(0)
        codes = []
        for part in parts:
            remap = np.array([*(out._code(t) for t in part.pool), -1], dtype=np.int32)
            codes.append(remap[part.codes])  # code -1 picks the trailing -1
        out.codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
        return out

    def objects(self) -> np.ndarray:
        """The texts as an object array, None where missing."""
        pool = np.array([*self.pool, None], dtype=object)
        return pool[self.codes]  # code -1 picks the trailing None

    def series(self) -> pd.Series:
        """The texts as a pandas ``"str"`` column (missing as NaN)."""
        pool = pd.array(self.pool, dtype="str")
        return pd.Series(pool.take(self.codes.astype(np.intp), allow_fill=True), dtype="str")


# Series measured per block: the block's temporaries stay in the CPU caches (one pass over
# millions of series otherwise streams every intermediate column through memory).
_BLOCK = 1 << 15


def series_progress_arrays(
    *,
    d: np.ndarray,
    base_time: np.ndarray,
    base_value: np.ndarray,
    latest_time: np.ndarray,
    latest_value: np.ndarray,
    target_value: np.ndarray,
    target_time: np.ndarray,
    limit: np.ndarray,
    method: str = "opensdg",
) -> dict:
    """:func:`series_progress` of many series at once, on equal-length numpy columns.

    Missing values are NaN (a NaN latest value: no data; a NaN base value or time: no base).
    ``d`` holds +1 or -1 per series. Returns a dict of columns: s, cagr, cagr_target,
    progress_value, threshold_high, threshold_med, threshold_low, scale_c, score (float64),
    target_achieved (bool), and status, reason, warnings as :class:`TextColumn` (warnings
    joined by ``"; "``). Every value equals the one :func:`series_progress` gives for the same
    series, to the last bit.
    """
    cols = {
        "d": np.asarray(d, dtype="int64"),
        "base_time": np.asarray(base_time, dtype="float64"),
        "base_value": np.asarray(base_value, dtype="float64"),
        "latest_time": np.asarray(latest_time, dtype="float64"),
        "latest_value": np.asarray(latest_value, dtype="float64"),
        "target_value": np.asarray(target_value, dtype="float64"),
        "target_time": np.asarray(target_time, dtype="float64"),
        "limit": np.asarray(limit, dtype="float64"),
    }
    n = len(cols["d"])
    if n <= _BLOCK:
        return _progress_block(**cols, method=method)
    parts = [
        _progress_block(**{k: v[start : start + _BLOCK] for k, v in cols.items()}, method=method)
        for start in range(0, n, _BLOCK)
    ]
    return {
        k: TextColumn.concat([part[k] for part in parts])
        if isinstance(parts[0][k], TextColumn)
        else np.concatenate([part[k] for part in parts])
        for k in parts[0]
    }


def _progress_block(
    *, d, base_time, base_value, latest_time, latest_value, target_value, target_time, limit,
    method,
) -> dict:  # fmt: skip
    """:func:`series_progress_arrays` of one block of series (the arithmetic)."""
    n = len(d)
    nan = np.full(n, np.nan)
    unsd = method == "unsd2022"

    with np.errstate(all="ignore"):
        has_target = ~np.isnan(target_value)
        has_limit = ~np.isnan(limit)
        target_zero = has_target & (target_value == 0)
        target = np.where(target_zero, ZERO_REPLACEMENT, target_value)
        w_target_zero = TextColumn(n)
        w_target_zero.set(target_zero, "target 0 replaced by 0.001")

        no_latest = np.isnan(latest_value)
        no_base = ~no_latest & (np.isnan(base_value) | np.isnan(base_time))
        ok = ~(no_latest | no_base)  # the series that get past sdg-build's early exits
        reason = TextColumn(n)
        reason.set(no_latest, "no observations")
        reason.set(no_base, "no base value")

        s = np.where(ok, np.where(base_value < 0, -1.0, 1.0), np.nan)
        w_limit = TextColumn(n)
        scale_c = nan.copy()
        if unsd:
            high, med, low = (np.where(ok, t, np.nan) for t in THRESHOLDS_UNSD2022)
        else:
            with_t = ok & has_target
            without_t = ok & ~has_target
            high = np.where(with_t, THRESHOLDS_TARGET[0], np.nan)
            med = np.where(with_t, THRESHOLDS_TARGET[1], np.nan)
            low = np.where(with_t, THRESHOLDS_TARGET[2], np.nan)
            ignored = with_t & has_limit
            if ignored.any():
                w_limit.set_each(
                    ignored, "limit " + g_text(limit[ignored]) + " ignored: the series has a target"
                )
            scale_c[without_t] = 1.0
            high[without_t], med[without_t], low[without_t] = THRESHOLDS_NO_TARGET
            scaled = without_t & has_limit
            if scaled.any():
                b, lim, ds = base_value[scaled], limit[scaled], d[scaled]
                below = (b < lim) & (ds == -1)
                above = (b > lim) & (ds == 1)
                where = np.flatnonzero(scaled)
                if below.any():
                    w_limit.set_each(
                        where[below],
                        "base value " + g_text(b[below]) + " is below the minimum limit "
                        + g_text(lim[below]),
                    )  # fmt: skip
                if above.any():
                    w_limit.set_each(
                        where[above],
                        "base value " + g_text(b[above]) + " is above the maximum limit "
                        + g_text(lim[above]),
                    )  # fmt: skip
                c = limit_coefficient_arrays(b, lim)
                scale_c[scaled] = c
                high[scaled] = THRESHOLDS_NO_TARGET[0] * c
                med[scaled] = THRESHOLDS_NO_TARGET[1] * c
                low[scaled] = THRESHOLDS_NO_TARGET[2] * c

        achieved = (
            ok
            & has_target
            & (((d == -1) & (latest_value <= target)) | ((d == 1) & (latest_value >= target)))
        )

        base_zero = ok & (base_value == 0)
        base = np.where(base_zero, ZERO_REPLACEMENT, base_value)
        w_base_zero = TextColumn(n)
        w_base_zero.set(base_zero, "base value 0 replaced by 0.001")
        latest = latest_value

        why = TextColumn(n)  # the reason the progress value is not computed
        signs = ok & (((base > 0) & (latest < 0)) | ((base < 0) & (latest > 0)))
        if signs.any():
            why.set_each(
                signs,
                "base (" + g_text(base[signs]) + ") and latest (" + g_text(latest[signs])
                + ") values have different signs",
            )  # fmt: skip
        after = ok & ~signs & (base_time > latest_time)
        why.set(after, "the base lies after the latest observation")
        span = nan.copy()  # years from base to latest
        span[ok] = years_between_arrays(base_time[ok], latest_time[ok])
        short = ok & ~signs & ~after & (span < 1)
        why.set(short, "fewer than one year between base and latest observation")
        go = ok & ~(signs | after | short)

        cagr = nan.copy()
        cagr[go] = libm_pow(latest[go] / base[go], 1 / span[go]) - 1
        cagr_target = nan.copy()
        value = nan.copy()
        go_t = go & has_target
        to_target = np.full(n, np.nan)  # years from base to target
        to_target[go_t] = years_between_arrays(base_time[go_t], target_time[go_t])
        same_date = go_t & (to_target == 0)
        why.set(same_date, "the target date equals the base date")
        t_signs = go_t & ~same_date & ((target > 0) != (base > 0))
        if t_signs.any():
            why.set_each(
                t_signs,
                "target (" + g_text(target[t_signs]) + ") and base (" + g_text(base[t_signs])
                + ") values have different signs",
            )  # fmt: skip
        calc = go_t & ~same_date & ~t_signs
        cagr_target[calc] = libm_pow(target[calc] / base[calc], 1 / to_target[calc]) - 1
        flat = calc & (cagr_target == 0)
        why.set(flat, "the target equals the base value: no growth is required")
        ratio = calc & ~flat
        if unsd:
            value[ratio] = cagr[ratio] / cagr_target[ratio]
            why.set(
                go & ~has_target,
                "the UNSD 2022 progress chart assesses series with a numerical target only",
            )
        else:
            value[ratio] = s[ratio] * d[ratio] * cagr[ratio] / np.abs(cagr_target[ratio])
            own = go & ~has_target
            value[own] = s[own] * d[own] * cagr[own]

        has_value = ~np.isnan(value)
        why.set(go & ~has_value & (why.codes < 0), OVERFLOW)  # inf / inf
        status = TextColumn(n, STATUSES)
        rated = has_value & ~achieved
        sub = value >= high
        mod = ~sub & (value >= med)
        lim_ = ~sub & ~mod & (value >= low)
        status.set(~achieved, "not_available")
        status.set(rated, "deterioration")
        status.set(rated & lim_, "limited_progress")
        status.set(rated & mod, "moderate_progress")
        status.set(rated & sub, "substantial_progress")
        status.set(achieved, "target_achieved")
        why.prefix(achieved, "progress value not computed: ")
        reason.update(why)

        score = nan.copy()
        if not unsd:
            r = value
            with_score = has_value & ~achieved & has_target
            score_t = np.where(
                r >= THRESHOLDS_TARGET[1],
                np.minimum((7.1429 * r) - 4.2857, 5.0),
                np.maximum((4.1667 * r) - 2.5, -5.0),
            )
            score[with_score] = score_t[with_score]
            own = has_value & ~achieved & ~has_target
            c = scale_c
            score_v = np.where(
                value < low,
                np.maximum(125 * value - 2.5, -5.0),
                np.where(
                    c == 0,
                    5.0,
                    np.where(
                        value >= high,
                        np.minimum(500 * value / c - 5, 5.0),
                        np.where(value >= med, 250 * value / c - 1.25, 500 * value / c - 2.5),
                    ),
                ),
            )
            score[own] = score_v[own]
            score[achieved] = 5.0

    return {
        "s": s,
        "cagr": cagr,
        "cagr_target": cagr_target,
        "progress_value": value,
        "threshold_high": high,
        "threshold_med": med,
        "threshold_low": low,
        "scale_c": scale_c,
        "target_achieved": achieved,
        "status": status,
        "score": score,
        "reason": reason,
        "warnings": w_target_zero.join(w_limit).join(w_base_zero),
    }


def _days(t: np.ndarray) -> np.ndarray:
    """:func:`_day` elementwise, as ``datetime64[D]`` (finite times)."""
    year = np.floor(t)
    y = year.astype(np.int64)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    doy = np.rint((t - year) * np.where(leap, 366, 365)).astype(np.int64)
    return (y - 1970).astype("datetime64[Y]").astype("datetime64[D]") + doy.astype("timedelta64[D]")


def _anniversaries(month: np.ndarray, day: np.ndarray, year: np.ndarray) -> np.ndarray:
    """:func:`_anniversary` elementwise: month (0-11) and day (0-30) offsets in ``year``."""
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + month
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    return first.astype("datetime64[D]") + np.minimum(day, length - 1).astype("timedelta64[D]")


def years_between_arrays(t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """:func:`years_between` elementwise (NaN where a time is missing), to the bit.

    Year labels (whole times) are ``t1 - t0``, which the calendar rule gives exactly; other
    times take the calendar.
    """
    t0 = np.asarray(t0, dtype="float64")
    t1 = np.asarray(t1, dtype="float64")
    with np.errstate(invalid="ignore"):
        out = t1 - t0
        cal = np.isfinite(out) & ((np.floor(t0) != t0) | (np.floor(t1) != t1))
    if not cal.any():
        return out
    a, b = _days(t0[cal]), _days(t1[cal])
    back = b < a
    a, b = np.where(back, b, a), np.where(back, a, b)
    years_a = a.astype("datetime64[Y]")
    month = (a.astype("datetime64[M]") - years_a.astype("datetime64[M]")).astype(np.int64)
    day = (a - a.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    ya = years_a.astype(np.int64) + 1970
    n = b.astype("datetime64[Y]").astype(np.int64) + 1970 - ya
    n = n - (_anniversaries(month, day, ya + n) > b)
    start = _anniversaries(month, day, ya + n)
    end = _anniversaries(month, day, ya + n + 1)
    rem = (b - start).astype(np.int64)
    years = n + rem / (end - start).astype(np.int64)
    out[cal] = np.where(back, -years, years)
    return out


def limit_coefficient_arrays(base: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """:func:`limit_coefficient` elementwise."""
    b = np.abs(base)
    lim = np.abs(limit)
    out = np.ones(len(b))
    near = ~(b >= 2 * lim)
    inside = near & (b <= lim)
    beyond = near & ~inside
    with np.errstate(all="ignore"):
        out[inside] = 1 - libm_pow(b[inside] / lim[inside], LIMIT_EXPONENT)
        out[beyond] = 1 - libm_pow((2 * lim[beyond] - b[beyond]) / lim[beyond], LIMIT_EXPONENT)
    return out


# --- the indicator score: options, groups and groups of groups ------------------------------
#
# An Open SDG indicator lists its series in ``progress_calculation_options``; an option may be
# a ``group`` of options, which may be groups in turn. The indicator score is the mean of the
# top-level options' scores, a group's score the mean of its members' (innermost first: a mean
# of means), each mean over the members that have a score; a member listed twice counts twice.
# A series' listings are written as paths of 1-based positions: "2.1" is member 1 of the group
# at option 2, "1; 3" a series listed as options 1 and 3 (the ``option_path`` column).


def format_option_paths(paths: list[tuple[int, ...]]) -> str:
    """``[(2, 1), (3,)]`` -> ``"2.1; 3"`` (the text of the ``option_path`` column)."""
    return "; ".join(".".join(str(k) for k in path) for path in paths)


def parse_option_paths(text) -> list[tuple[int, ...]] | None:
    """The listings of an ``option_path`` text; None when missing or not such a text."""
    if text is None or not isinstance(text, str) or not text.strip():
        return None
    paths = []
    for part in text.split(";"):
        keys = part.strip().split(".")
        if not all(k.isdigit() and int(k) >= 1 for k in keys):
            return None
        paths.append(tuple(int(k) for k in keys))
    return paths


def option_leaves(
    ipos: np.ndarray,
    gid: np.ndarray,
    option_path: np.ndarray,
    group: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One leaf per listing of each row's series, in listing order within each output row.

    ``ipos``: per row (a measured series), the position of its indicator; ``gid``: per row,
    its output row (indicator and ``by`` group); ``option_path``, ``group``: per indicator,
    texts or None. A series with an ``option_path`` is listed where the path says; one
    without is listed once, inside its configured ``group`` when it has one (series of one
    indicator that share a group label form one group), at the top level otherwise.

    Returns ``leaf_row`` (the row of each leaf), ``depth`` (how many groups hold it) and
    ``ancestors`` (codes of those groups, outermost first, -1 beyond the depth); the leaves
    are ordered by output row, then by option position (rows without paths after, in row
    order), so each group's members come in the order they are listed.
    """
    n_ind = len(option_path)
    codes: dict[tuple, int] = {}
    occ_anc: list[tuple[int, ...]] = []
    occ_rank: list[tuple[int, ...] | None] = []
    n_occ = np.zeros(n_ind, dtype=np.intp)
    for i in range(n_ind):
        paths = parse_option_paths(option_path[i])
        if paths is not None:
            for path in paths:
                occ_anc.append(tuple(codes.setdefault(("o", *path[:k]), len(codes))
                                     for k in range(1, len(path))))  # fmt: skip
                occ_rank.append(path)
            n_occ[i] = len(paths)
        else:
            label = group[i]
            has_group = label is not None and not (isinstance(label, float) and math.isnan(label))
            occ_anc.append((codes.setdefault(("g", str(label)), len(codes)),) if has_group else ())
            occ_rank.append(None)
            n_occ[i] = 1
    occ_start = np.r_[0, np.cumsum(n_occ)[:-1]].astype(np.intp) if n_ind else n_occ
    depth_max = max((len(a) for a in occ_anc), default=0)
    occ_depth = np.array([len(a) for a in occ_anc], dtype=np.intp)
    anc_table = np.full((len(occ_anc), max(depth_max, 1)), -1, dtype=np.int64)
    for k, a in enumerate(occ_anc):
        anc_table[k, : len(a)] = a
    ranked = sorted({r for r in occ_rank if r is not None})
    rank_of = {r: k for k, r in enumerate(ranked)}
    occ_kind = np.array([0 if r is not None else 1 for r in occ_rank], dtype=np.intp)
    occ_pos = np.array([rank_of[r] if r is not None else 0 for r in occ_rank], dtype=np.intp)

    ipos = np.asarray(ipos, dtype=np.intp)
    per_row = n_occ[ipos]
    leaf_row = np.repeat(np.arange(len(ipos)), per_row)
    offsets = np.arange(len(leaf_row)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    occ = occ_start[ipos][leaf_row] + offsets
    kind = occ_kind[occ]
    pos = np.where(kind == 0, occ_pos[occ], leaf_row)
    order = np.lexsort((leaf_row, pos, kind, np.asarray(gid)[leaf_row]))
    occ = occ[order]
    return leaf_row[order], occ_depth[occ], anc_table[occ]


def nested_means(
    g: np.ndarray,
    depth: np.ndarray,
    ancestors: np.ndarray,
    score: np.ndarray,
    achieved: np.ndarray,
    n_out: int,
) -> dict:
    """Scores of nested groups, innermost first, and of each output row.

    One leaf per listing (see :func:`option_leaves`), in listing order: ``g`` its output row,
    ``depth`` and ``ancestors`` its groups, ``score`` (NaN: not scored) and ``achieved``.
    A group's score is the mean of its members' scores that exist, in listing order
    (``np.mean``'s bits, see ``_common.segment_means``); a group without any is not scored. Returns
    per output row: score (mean of the top-level members' scores), target_achieved (every
    scored member, all the way down, achieved its target, and one at least is scored),
    n_units (top-level members, as listed) and n_scored_units.
    """
    n = len(g)
    item_g = np.asarray(g, dtype=np.int64)
    item_depth = np.asarray(depth, dtype=np.intp)
    item_anc = np.asarray(ancestors, dtype=np.int64)
    item_anc = item_anc.reshape(n, item_anc.shape[1] if item_anc.ndim == 2 else 1)
    item_first = np.arange(n)
    item_score = np.asarray(score, dtype="float64")
    item_ok = np.asarray(achieved, dtype=bool)
    width = int(item_anc.max()) + 2 if item_anc.size else 1

    def merge(idx: np.ndarray, key: np.ndarray):
        """Means of the items ``idx`` (in listing order) per ``key``, keys in first order."""
        node, uniques = pd.factorize(key)
        order = np.argsort(node, kind="stable")
        members, mnode = idx[order], node[order]
        sc = item_score[members]
        has = ~np.isnan(sc)
        n_nodes = len(uniques)
        counts = np.bincount(mnode[has], minlength=n_nodes)
        means = segment_means(sc[has], counts)
        missed = np.bincount(mnode[has], weights=~item_ok[members][has], minlength=n_nodes)
        sizes = np.bincount(mnode, minlength=n_nodes)
        first = members[np.r_[0, np.cumsum(sizes)[:-1]].astype(np.intp)] if n_nodes else sizes
        return first, means, (counts > 0) & (missed == 0), counts, sizes

    for level in range(int(item_depth.max()) if n else 0, 0, -1):
        idx = np.flatnonzero(item_depth == level)
        if not len(idx):
            continue
        idx = idx[np.argsort(item_first[idx], kind="stable")]
        key = item_g[idx] * width + item_anc[idx, level - 1] + 1
        first, means, ok, _, _ = merge(idx, key)
        keep = np.flatnonzero(item_depth != level)
        item_g = np.r_[item_g[keep], item_g[first]]
        item_anc = np.r_[item_anc[keep], item_anc[first]]
        item_depth = np.r_[item_depth[keep], np.full(len(first), level - 1, dtype=np.intp)]
        item_first = np.r_[item_first[keep], item_first[first]]
        item_score = np.r_[item_score[keep], means]
        item_ok = np.r_[item_ok[keep], ok]

    idx = np.argsort(item_first, kind="stable")
    out_score = np.full(n_out, np.nan)
    out_ok = np.zeros(n_out, dtype=bool)
    n_units = np.zeros(n_out, dtype=np.int64)
    n_scored = np.zeros(n_out, dtype=np.int64)
    if len(idx):
        first, means, ok, counts, sizes = merge(idx, item_g[idx])
        rows = item_g[first]
        out_score[rows], out_ok[rows], n_units[rows], n_scored[rows] = means, ok, sizes, counts
    return {
        "score": out_score,
        "target_achieved": out_ok,
        "n_units": n_units,
        "n_scored_units": n_scored,
    }
