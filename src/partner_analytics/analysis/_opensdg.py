"""The Open SDG progress measure of one series, on plain numbers (private).

The arithmetic of methods.md section 6, in the order sdg-build 2.4 (the build that publishes
Statistics Canada's progress statuses) applies it, so that annual data give the published
progress values to the last bit: the same operations on the same float64 numbers in the same
order. :mod:`partner_analytics.analysis.indicators` selects base, latest and target from the
package and calls :func:`series_progress` once per series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = [
    "STATUSES",
    "SeriesProgress",
    "growth",
    "limit_coefficient",
    "series_progress",
    "status_from_score",
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


def growth(a: float, b: float, ta: float, tb: float) -> float:
    """Compound annual growth from ``b`` at ``tb`` to ``a`` at ``ta``: (a/b)^(1/(ta-tb)) - 1."""
    return ((a / b) ** (1 / (ta - tb))) - 1


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
    elif latest_time - base_time < 1:
        reason = "fewer than one year between base and latest observation"
    if not reason:
        out.cagr = growth(latest, base, latest_time, base_time)
        if has_target:
            if target_time == base_time:
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
