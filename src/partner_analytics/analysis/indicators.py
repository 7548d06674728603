"""Indicator progress and trends: the Open SDG progress measure, scores and projections.

Four frames, all from a loaded package's ``indicators`` and ``observations`` tables:

- :func:`indicator_progress`: one row per series (a package indicator, optionally per
  disaggregation group) with the base, latest and target points, growth rates, thresholds,
  progress value, status and score of the Open SDG 2.4 progress measure (methods.md 6);
- :func:`indicator_scores`: the indicator-level view, series of one indicator (same
  ``parent_id``) averaged after averaging each configured ``group``;
- :func:`indicator_trend`: observations with their least-squares trend and its projection to
  the target date;
- :func:`pillar_summary`: how many indicators are on track per pillar.

Package columns used beyond the contract (the loader keeps unknown ``indicators`` columns as
text): ``parent_id`` names the indicator a series belongs to (series with the same parent are
aggregated by :func:`indicator_scores`; without it every package indicator is its own
parent), ``parent_name`` its display name; ``option_path`` where the series is listed in its
indicator's Open SDG options (groups of groups, listings twice; see
:func:`indicator_scores`) and ``selection_reason`` why the importer selected no data for it
(then the series' reason). In ``observations`` a ``value_type`` column with
the text ``target`` marks per-period targets (written by the IATI importer); those rows are
disaggregated, so never part of the headline series, and :func:`indicator_trend` shows them.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from partner_analytics.analysis._common import numpy_sums as _numpy_sums
from partner_analytics.analysis._common import segment_means as _means
from partner_analytics.analysis._opensdg import (
    STATUSES,
    TextColumn,
    format_option_paths,
    nested_means,
    option_leaves,
    series_progress_arrays,
)
from partner_analytics.data.periods import normalize_period, parse_as_of, period_end
from partner_analytics.errors import AnalysisInputError

__all__ = [
    "ON_TRACK_STATUSES",
    "STATUSES",
    "format_option_paths",
    "indicator_progress",
    "indicator_scores",
    "indicator_trend",
    "period_time",
    "pillar_summary",
]

METHODS = ("opensdg", "unsd2022")
ON_TRACK_STATUSES = ("target_achieved", "substantial_progress")
DEFAULT_TARGET_DATE = "2030"
_YEAR = re.compile(r"^\d{4}$")
_BASE_COLUMNS = ("indicator_id", "date", "value")

PROGRESS_COLUMNS = [
    "indicator_id", "name", "unit", "pillar", "direction", "parent_id", "group", "method",
    "as_of", "n_observations",
    "base_date", "base_time", "base_value", "latest_date", "latest_time", "latest_value",
    "target_date", "target_time", "target_value", "limit",
    "d", "s", "progress_to_target", "cagr", "cagr_target", "progress_value",
    "threshold_high", "threshold_med", "threshold_low", "scale_c",
    "target_achieved", "status", "score", "reason", "warnings",
]  # fmt: skip

SCORE_COLUMNS = [
    "parent_id", "name", "pillar", "n_series", "n_scored_series", "n_units", "n_scored_units",
    "score", "target_achieved", "status", "series_ids", "reason",
]  # fmt: skip

TREND_COLUMNS = [
    "indicator_id", "name", "unit", "direction", "kind", "date", "time", "plot_date",
    "value", "fitted", "slope_per_year", "n_points", "base_time", "base_value",
    "target_date", "target_time", "target_value", "projected_value", "gap_to_target",
    "projected_to_meet_target", "reason",
]  # fmt: skip

PILLAR_COLUMNS = [
    "pillar", "status", "n", "n_indicators", "n_on_track", "share_on_track",
]  # fmt: skip


# --- time --------------------------------------------------------------------------------


def period_time(label: str) -> float:
    """Time in years of a period label, the unit every growth rate and slope is computed in.

    A period written as a year counts as that year exactly (``"2021"`` -> 2021.0), so annual
    data give Open SDG's numbers. Any other period (``2021-Q3``, ``2021-07``, ``2021-H2``) or
    date stands for its last day d: ``d.year + (day_of_year(d) - 1) / days_in_year``, so
    ``2021-01-01`` -> 2021.0 and ``2021-Q1`` (ends 31 March) -> 2021 + 89/365.

    >>> period_time("2021"), round(period_time("2021-Q1"), 6), period_time("2020-01-01")
    (2021.0, 2021.243836, 2020.0)
    """
    text = str(label)
    if _YEAR.match(text):
        return float(text)
    canonical = normalize_period(text)
    if canonical is None:
        raise AnalysisInputError(f"not a period: {label!r} (expected YYYY, YYYY-Qn, ... or a date)")
    if _YEAR.match(canonical):
        return float(canonical)
    end = period_end(canonical)
    days = 366 if end.is_leap_year else 365
    return end.year + (end.day_of_year - 1) / days


def _time_to_timestamp(t: float) -> pd.Timestamp:
    """The day a time in years stands for (inverse of :func:`period_time`, to the day)."""
    year = math.floor(t)
    days = 366 if pd.Timestamp(year, 1, 1).is_leap_year else 365
    return pd.Timestamp(year, 1, 1) + pd.Timedelta(days=round((t - year) * days))


def _as_of_end(as_of) -> pd.Timestamp | None:
    """The day of ``as_of`` (a period label stands for its last day); None: no cut."""
    return None if as_of is None else parse_as_of(as_of)


# --- selecting series ----------------------------------------------------------------------


def _disaggregations(obs: pd.DataFrame) -> list[str]:
    return [c for c in obs.columns if c not in _BASE_COLUMNS]


def _observations_table(p, by: str | None) -> tuple[pd.DataFrame, list[str]]:
    """The observations table (empty when the package has none) and its disaggregation
    columns; ``by`` must be one of them."""
    if p.has("observations"):
        obs = p.table("observations")
    else:
        obs = pd.DataFrame({c: pd.Series(dtype="str") for c in ("indicator_id", "date")})
        obs["value"] = pd.Series(dtype="float64")
    disagg = _disaggregations(obs)
    if by is not None and by not in disagg:
        raise AnalysisInputError(
            f"by={by!r} is not a disaggregation column of the observations; "
            f"they have: {', '.join(disagg) or 'none'}"
        )
    return obs, disagg


def _observations(p, *, as_of_end, by: str | None, value_type: str | None = None):
    """Observations of the series asked for, with their time; and the disaggregations."""
    obs, disagg = _observations_table(p, by)
    others = [c for c in disagg if c != by and not (value_type and c == "value_type")]
    keep = obs[others].isna().all(axis=1) if others else pd.Series(True, index=obs.index)
    if by is not None:
        keep &= obs[by].notna()
    if value_type is not None:
        keep &= obs["value_type"].eq(value_type).fillna(False).astype(bool)
    obs = obs.loc[keep, ["indicator_id", "date", "value", *([by] if by else [])]]
    obs = obs[obs["value"].notna()]
    if as_of_end is not None and len(obs):
        ends = {lab: period_end(normalize_period(lab) or lab) for lab in pd.unique(obs["date"])}
        obs = obs[obs["date"].map(ends) <= as_of_end]
    labels = pd.unique(obs["date"])
    times = {lab: period_time(lab) for lab in labels}
    obs = obs.assign(time=obs["date"].map(times).astype("float64"))
    return obs.sort_values(["indicator_id", "time"], kind="stable"), disagg


def _text(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return str(v)


def _num(v) -> float:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return math.nan
    return float(v)


def _series_points(ind: dict, series: pd.DataFrame, *, grouped: bool):
    """Base and latest point of one series, and why a base could not be found."""
    if not len(series):
        return None, None, "no observations"
    dates = series["date"].to_numpy(dtype=object)
    times = series["time"].to_numpy(dtype="float64")
    values = series["value"].to_numpy(dtype="float64")
    if len(times) > 1 and (np.diff(times) == 0).any():
        same = np.isin(times, times[1:][np.diff(times) == 0])
        return None, None, f"more than one observation at the same time ({', '.join(dates[same])})"
    latest_point = (dates[-1], float(times[-1]), float(values[-1]))
    base_date = _text(ind.get("baseline_date"))
    base_value = _num(ind.get("baseline_value"))
    if not grouped and base_date is not None and not math.isnan(base_value):
        return (base_date, period_time(base_date), base_value), latest_point, ""
    if base_date is not None:
        after = np.flatnonzero(times >= period_time(base_date))
        if not len(after):
            return None, latest_point, f"no observation on or after the baseline date {base_date}"
        i = after[0]
        return (dates[i], float(times[i]), float(values[i])), latest_point, ""
    value = float(values[0]) if grouped or math.isnan(base_value) else base_value
    return (dates[0], float(times[0]), value), latest_point, ""


def _indicators(p) -> pd.DataFrame:
    ind = p.table("indicators")
    for col in ("parent_id", "parent_name"):
        if col not in ind.columns:
            ind[col] = pd.Series(pd.NA, index=ind.index, dtype="str")
    return ind


# --- progress ----------------------------------------------------------------------------


def indicator_progress(
    p,
    *,
    as_of=None,
    method: str = "opensdg",
    by: str | None = None,
    group_targets: bool = True,
):
    """Progress of every indicator towards its target: the Open SDG 2.4 progress measure.

    Parameters
    ----------
    p : Partnership
        A loaded package with an ``indicators`` table (and ``observations``).
    as_of : date or period label, optional
        Only observations whose period ends on or before this day count; None (default)
        means the latest data.
    method : {"opensdg", "unsd2022"}
        ``"opensdg"``: the Open SDG progress measure (status and score). ``"unsd2022"``:
        the UNSD 2022 progress-chart bands of CR = CAGR / CAGR_T (>= 0.95 substantial,
        >= 0.5 moderate, >= -0.1 limited, else deterioration; series with a target only,
        no score).
    by : str, optional
        A disaggregation column of ``observations`` (``"partner_id"``, ``"region"``, ...):
        one row per indicator and group, from the observations where that column is set
        and every other disaggregation is empty. None (default): the headline series, where
        every disaggregation is empty.
    group_targets : bool
        With ``by``: True (default) measures each group against the indicator's target (a
        rate such as a recycling share per district); False measures each group without a
        target, on its own growth (a group holding part of a total, such as one partner's
        jobs, cannot be held to the partnership-wide target).

    Returns
    -------
    pandas.DataFrame
        One row per indicator (and group), in the order of the ``indicators`` table:
        indicator_id, name, unit, pillar, direction, parent_id, group (the configured
        aggregation group), the ``by`` column when asked, method, as_of, n_observations;
        base_date, base_time, base_value, latest_date, latest_time, latest_value,
        target_date, target_time, target_value, limit (times in years, see
        :func:`period_time`); d (+1 increase desired, -1 decrease), s (-1 when the base is
        negative); progress_to_target = (latest - base) / (target - base); cagr = growth from
        base to latest; cagr_target = growth from base to target; progress_value (R with a
        target, s * d * cagr without; CR for unsd2022); threshold_high, threshold_med,
        threshold_low (after scaling by C); scale_c (C; 1 without a limit, NaN with a
        target); target_achieved; status (target_achieved, substantial_progress,
        moderate_progress, limited_progress, deterioration, not_available); score (-5..5;
        NaN for unsd2022); reason (why a value is missing); warnings (``; ``-joined).

    Notes
    -----
    growth(a, b, ta, tb) = (a / b) ^ (1 / (ta - tb)) - 1. With a target, R = s * d *
    growth(latest, base) / |growth(target, base)|, thresholds 0.95 / 0.6 / 0. Without,
    v = s * d * growth(latest, base), thresholds 0.015 / 0.005 / 0 times C, where with
    b = |base| and L = |limit|: C = 1 - (b/L)^4.44 (b <= L), 1 - ((2L - b)/L)^4.44
    (L < b < 2L), 1 (b >= 2L or no limit). A target of 0 and a base of 0 become 0.001 (the
    base after s and C are set), with a warning. Score with a target: R >= 0.6:
    min(7.1429 R - 4.2857, 5), else max(4.1667 R - 2.5, -5); without: v < low:
    max(125 v - 2.5, -5); C = 0: 5; v >= high: min(500 v / C - 5, 5); v >= med:
    250 v / C - 1.25; else 500 v / C - 2.5. Target achieved (latest >= target when
    increasing, <= when decreasing): status ``target_achieved`` and score 5.

    Choices where the contract is silent, each following sdg-build 2.4:

    - Base: ``baseline_value`` with ``baseline_date`` as given; ``baseline_date`` alone: the
      observation at that date, or the first after it (Open SDG's base_year rule); neither:
      the first observation; ``baseline_value`` alone: that value at the first
      observation's time. For a ``by`` group the table's baseline value (the headline's) is
      not used, its date is.
    - Target date: ``target_date``, else 2030.
    - Target achieved is decided on the latest value before any other check, as sdg-build
      does: a series whose only observation meets its target is ``target_achieved`` (score
      5) with the progress value missing and the reason given.
    - Not available (reason given): no observation, no base, base and latest of different
      signs, base after latest, fewer than one year between them, two observations at the
      same time; with a target also target and base of different signs or a target equal to
      the base (where sdg-build would fail).

    Every series is measured at once: the observations are coded to integer columns once, base
    and latest points are reductions over them, and the arithmetic runs on numpy columns
    (``_opensdg.series_progress_arrays``), which gives the bits of the per-series statement
    ``_opensdg.series_progress`` (tests/analysis/test_indicators_vectorised.py checks both on
    random packages). Its time grows linearly with the observations.

    References
    ----------
    Open SDG, progress measurement (sdg-build 2.4, ``sdg/ProgressMeasure.py``);
    Statistics Canada, Sustainable Development Goals Data Hub, progress measurement
    methodology; United Nations Statistics Division, SDG Progress Chart 2022, technical note.

    Examples
    --------
    >>> import datetime, pandas as pd
    >>> from partner_analytics import Partnership
    >>> p = Partnership.from_frames(
    ...     partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
    ...     indicators=pd.DataFrame({"indicator_id": ["x"], "name": ["X"], "unit": ["%"],
    ...         "direction": ["increase"], "target_value": [40], "target_date": ["2030"]}),
    ...     observations=pd.DataFrame({"indicator_id": ["x", "x"], "date": ["2015", "2020"],
    ...         "value": [10, 20]}), today=datetime.date(2030, 1, 1))
    >>> row = indicator_progress(p).iloc[0]
    >>> row["status"], round(float(row["progress_value"]), 4), float(row["score"])
    ('substantial_progress', 1.5357, 5.0)
    """
    if method not in METHODS:
        raise AnalysisInputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    p.require("indicators", by="indicator_progress")
    as_of_end = _as_of_end(as_of)
    ind = _indicators(p)
    rows = _selected_rows(p, ind, as_of_end=as_of_end, by=by)
    series = _series_points_all(rows, ind, by=by)
    return _progress_frame(
        ind, series, method=method, by=by, as_of_end=as_of_end, group_targets=group_targets
    )


# --- every series at once ------------------------------------------------------------------
#
# The observations are never split into per-series frames: each row gets integer codes (its
# indicator's position in the ``indicators`` table, its ``by`` group, its period), a series is
# a dense integer key, and every per-series quantity is a reduction over the rows
# (``bincount``, ``minimum.at`` / ``maximum.at``) or a gather from them. The choices are those
# of :func:`_series_points`, the per-series statement kept as the reference the tests compare
# with (tests/analysis/test_indicators_vectorised.py).

# Largest (series x time) or (indicator x group) count table kept dense; beyond, keys are hashed.
_DENSE_CELLS = 1 << 25


def _codes(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of ``column`` at ``rows`` and the values they stand for.

    Few rows (the headline among millions of disaggregated observations) are taken first;
    many are coded over the whole column and the codes taken, which avoids copying text.
    """
    if 2 * len(rows) < len(column):
        codes, uniques = pd.factorize(column.array.take(rows))
    else:
        codes, uniques = pd.factorize(column.array)
        if len(rows) < len(column):
            codes = codes[rows]
    return codes, pd.Index(uniques)


def _selected_rows(p, ind: pd.DataFrame, *, as_of_end, by: str | None) -> dict:
    """The observations of the series asked for, as row-level arrays.

    The rows :func:`_observations` keeps, in file order: ``ipos`` (the indicator's position
    in ``ind``), ``date`` (period code) with ``date_labels`` and ``date_times`` per code,
    ``time`` (years), ``value``; with ``by`` also ``group`` (code) with ``group_values`` and
    ``group_rank`` (the groups' order by their text).
    """
    obs, disagg = _observations_table(p, by)
    keep = obs["value"].notna().to_numpy(dtype=bool, copy=True)
    for c in disagg:
        keep &= (obs[c].notna() if c == by else obs[c].isna()).to_numpy(dtype=bool)
    rows = np.flatnonzero(keep) if not keep.all() else np.arange(len(keep))

    # indicators: position in the indicators table (observations of unknown ones are dropped)
    icodes, iuniques = _codes(obs["indicator_id"], rows)
    ipos = pd.Index(ind["indicator_id"]).get_indexer(iuniques)[icodes]

    # periods: time in years and last day, computed once per label
    dcodes, duniques = _codes(obs["date"], rows)
    labels = np.asarray(duniques, dtype=object)
    used = np.bincount(dcodes, minlength=len(labels)) > 0
    times = np.full(len(labels), np.nan)
    times[used] = [period_time(lab) for lab in labels[used]]
    ok = ipos >= 0
    if as_of_end is not None:
        ends = np.full(len(labels), np.datetime64("NaT"), dtype="datetime64[ns]")
        ends[used] = [period_end(normalize_period(lab) or lab) for lab in labels[used]]
        in_time = ends <= np.datetime64(as_of_end.to_datetime64(), "ns")
        ok &= in_time[dcodes]
    everything = bool(ok.all())

    def sub(a: np.ndarray) -> np.ndarray:
        return a if everything else a[ok]

    value = obs["value"].to_numpy(dtype="float64")
    out = {
        "ipos": sub(ipos),
        "date": sub(dcodes),
        "date_labels": labels,
        "date_times": times,
        "value": value[sub(rows)] if len(rows) < len(value) or not everything else value,
    }
    out["time"] = times[out["date"]]
    if by is not None:
        gcodes, values = _codes(obs[by], rows)
        if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(
            values.dtype
        ):
            order = np.asarray(values.argsort(), dtype=np.intp)  # code point order, as str()
        else:
            order = np.array(
                sorted(range(len(values)), key=lambda i: str(values[i])), dtype=np.intp
            )
        rank = np.empty(len(values), dtype=np.intp)
        rank[order] = np.arange(len(values))
        out["group"] = sub(gcodes)
        out["group_values"] = values
        out["group_rank"] = rank
    return out


def _dense(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes 0..k-1 of non-negative integer keys below ``size``, in key order; and the
    keys present."""
    if size <= _DENSE_CELLS:
        present = np.flatnonzero(np.bincount(keys, minlength=size))
        code_of = np.zeros(size, dtype=np.intp)
        code_of[present] = np.arange(len(present))
        return code_of[keys], present
    uniques, inverse = np.unique(keys, return_inverse=True)
    return inverse.reshape(-1), uniques


def _extreme_rows(sk, values, n_series, *, largest: bool, mask=None) -> np.ndarray:
    """Per series, the row holding its largest (smallest) value among ``mask``; -1 if none.

    Ties (two observations at one time) only matter in series that are not measured.
    """
    fill = -np.inf if largest else np.inf
    if mask is not None:
        values = np.where(mask, values, fill)
    best = np.full(n_series, fill)
    (np.maximum if largest else np.minimum).at(best, sk, values)
    hit = values == best[sk]
    if mask is not None:
        hit &= mask
    at = np.flatnonzero(hit)
    row = np.full(n_series, -1, dtype=np.intp)
    row[sk[at]] = at
    return row


def _runs(sk: np.ndarray, t: np.ndarray, n_present: int):
    """Start and end rows of each series when every series is one block of rows with strictly
    increasing times (as packages are usually written); None otherwise."""
    if not len(sk):
        return None
    change = sk[1:] != sk[:-1]
    starts = np.flatnonzero(np.r_[True, change])
    if len(starts) != n_present or not np.all(change | (t[1:] > t[:-1])):
        return None
    return starts, np.r_[starts[1:], len(sk)]


def _series_points_all(rows: dict, ind: pd.DataFrame, *, by: str | None) -> dict:
    """Per series: indicator position, group, count, base and latest point, and why not.

    One series per indicator (headline; indicators without observations included) or per
    indicator and group present (``by``), ordered as the ``indicators`` table and then by the
    group's text. The choices of :func:`_series_points`, as arrays: where it has no base or
    latest point, the time and value are NaN and the date missing.
    """
    n_ind = len(ind)
    ipos = rows["ipos"]
    t = rows["time"]
    if by is None:
        sk = ipos
        n_series = n_ind
        s_ipos = np.arange(n_ind)
        s_group = None
    else:
        n_g = max(len(rows["group_rank"]), 1)
        raw = ipos.astype(np.int64) * n_g + rows["group_rank"][rows["group"]]
        sk, present = _dense(raw, n_ind * n_g)
        n_series = len(present)
        s_ipos = present // n_g
        code_of_rank = np.zeros(n_g, dtype=np.intp)
        code_of_rank[rows["group_rank"]] = np.arange(len(rows["group_rank"]))
        s_group = code_of_rank[present % n_g]
    n_obs = np.bincount(sk, minlength=n_series)

    bd_label = _text_column(ind, "baseline_date")
    has_bd = np.not_equal(bd_label, None)
    bd_time = np.full(n_ind, np.nan)
    bd_time[has_bd] = [period_time(lab) for lab in bd_label[has_bd]]
    bv = _float_column(ind, "baseline_value")

    # Rows of each series first (earliest), last (latest) and first on or after the baseline
    # date; has_dup: two observations at one time (the series is not measured).
    runs = _runs(sk, t, int(np.count_nonzero(n_obs)))
    if runs is not None:  # each series one block of rows in time order: read the ends
        starts, ends = runs
        first_row = np.full(n_series, -1, dtype=np.intp)
        latest_row = np.full(n_series, -1, dtype=np.intp)
        first_row[sk[starts]] = starts
        latest_row[sk[starts]] = ends - 1
        has_dup = np.zeros(n_series, dtype=bool)
        dup_row = trank = None
        after_row = None
        if has_bd.any():
            before = np.bincount(sk[t < bd_time[ipos]], minlength=n_series)
            after_row = np.where(before < n_obs, first_row + before, -1)
    else:
        utimes, trank_of_date = np.unique(
            np.nan_to_num(rows["date_times"], nan=-np.inf), return_inverse=True
        )
        trank = trank_of_date.reshape(-1)[rows["date"]]
        n_t = max(len(utimes), 1)
        cell = sk.astype(np.int64) * n_t + trank
        if n_series * n_t <= _DENSE_CELLS:
            dup_row = np.bincount(cell, minlength=n_series * n_t)[cell] > 1
        else:
            dup_row = pd.Series(cell).duplicated(keep=False).to_numpy()
        del cell
        has_dup = np.bincount(sk[dup_row], minlength=n_series) > 0
        latest_row = _extreme_rows(sk, t, n_series, largest=True)
        first_row = _extreme_rows(sk, t, n_series, largest=False)
        after_row = None
        if has_bd.any():
            after_row = _extreme_rows(sk, t, n_series, largest=False, mask=t >= bd_time[ipos])

    grouped = by is not None
    empty = n_obs == 0
    dup = ~empty & has_dup
    valid = ~empty & ~dup
    s_has_bd = has_bd[s_ipos]
    s_bv = bv[s_ipos]
    from_table = valid & s_has_bd & ~np.isnan(s_bv) & (not grouped)
    from_after = valid & s_has_bd & ~from_table
    from_first = valid & ~s_has_bd
    base_row = np.full(n_series, -1, dtype=np.intp)
    base_row[from_first] = first_row[from_first]
    if after_row is not None:
        base_row[from_after] = after_row[from_after]
    no_after = from_after & (base_row < 0)
    from_obs = base_row >= 0

    value, date = rows["value"], rows["date"]
    labels = rows["date_labels"]
    latest_time = np.full(n_series, np.nan)
    latest_value = np.full(n_series, np.nan)
    latest_date = TextColumn(n_series, tuple(labels))  # codes = date codes
    at = latest_row[valid]
    latest_time[valid], latest_value[valid] = t[at], value[at]
    latest_date.codes[valid] = date[at]

    base_time = np.full(n_series, np.nan)
    base_value = np.full(n_series, np.nan)
    base_date = TextColumn(n_series, tuple(labels))
    at = base_row[from_obs]
    base_time[from_obs], base_value[from_obs] = t[at], value[at]
    base_date.codes[from_obs] = date[at]
    if from_table.any():
        base_time[from_table] = bd_time[s_ipos[from_table]]
        base_value[from_table] = s_bv[from_table]
        base_date.set_each(from_table, bd_label[s_ipos[from_table]])
    if not grouped:  # the table's baseline value at the first observation's time
        own = from_first & ~np.isnan(s_bv)
        base_value[own] = s_bv[own]

    why = TextColumn(n_series)
    why.set(empty, "no observations")
    if dup.any():
        which, dates = _dup_dates(sk, trank, dup_row, date, labels)
        why.set_each(which, "more than one observation at the same time (" + dates + ")")
    if no_after.any():
        why.set_each(
            no_after, "no observation on or after the baseline date " + bd_label[s_ipos[no_after]]
        )
    return {
        "ipos": s_ipos,
        "group": s_group,
        "group_values": rows.get("group_values"),
        "n_observations": n_obs,
        "base_date": base_date,
        "base_time": base_time,
        "base_value": base_value,
        "latest_date": latest_date,
        "latest_time": latest_time,
        "latest_value": latest_value,
        "why": why,
        "row_series": sk,
    }


def _dup_dates(sk, trank, dup_row, date, labels) -> tuple[np.ndarray, np.ndarray]:
    """The series with observations sharing a time, and those observations' dates joined by
    ", " (ordered by time, then file order)."""
    at = np.flatnonzero(dup_row)
    at = at[np.lexsort((trank[at], sk[at]))]  # stable: file order within one time
    keys = sk[at]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    texts = labels[date[at]] + ", "
    joined = np.add.reduceat(texts, starts)
    return keys[starts], np.array([j[:-2] for j in joined], dtype=object)


def _progress_frame(ind, series, *, method, by, as_of_end, group_targets) -> pd.DataFrame:
    """The frame of :func:`indicator_progress` from the per-series points."""
    n_ind = len(ind)
    s_ipos = series["ipos"]
    n = len(s_ipos)

    # per indicator
    d_ind = np.where(ind["direction"].to_numpy(dtype=object) == "increase", 1, -1)
    tv_ind = _float_column(ind, "target_value")
    if by is not None and not group_targets:
        tv_ind = np.full(n_ind, np.nan)
    td_label = _text_column(ind, "target_date")
    td_missing = np.equal(td_label, None)
    td_label[td_missing] = DEFAULT_TARGET_DATE
    tt_ind = np.array([period_time(lab) for lab in td_label], dtype="float64")
    limit_ind = _float_column(ind, "limit")
    parent = _text_column(ind, "parent_id")
    parent = np.where(np.equal(parent, None) | (parent == ""), ind["indicator_id"], parent)

    d = d_ind[s_ipos]
    target_value = tv_ind[s_ipos]
    base_value, latest_value = series["base_value"], series["latest_value"]
    res = series_progress_arrays(
        d=d,
        base_time=series["base_time"],
        base_value=base_value,
        latest_time=series["latest_time"],
        latest_value=latest_value,
        target_value=target_value,
        target_time=tt_ind[s_ipos],
        limit=limit_ind[s_ipos],
        method=method,
    )
    reason = res["reason"]
    reason.update(series["why"])  # the selection's reason is more precise than "no base value"
    # an importer's reason why a series has no data (e.g. an Open SDG filter matching nothing)
    note = _text_column(ind, "selection_reason")[s_ipos]
    noted = (series["n_observations"] == 0) & np.not_equal(note, None)
    if noted.any():
        reason.set_each(noted, note[noted])
    date_warning = TextColumn(n)
    date_warning.set((td_missing & ~np.isnan(tv_ind))[s_ipos], "target date missing: 2030 used")
    with np.errstate(all="ignore"):
        to_target = (latest_value - base_value) / (target_value - base_value)
    to_target[np.isnan(base_value) | np.isnan(latest_value) | (target_value == base_value)] = np.nan
    to_target[np.isnan(target_value)] = np.nan

    def per_indicator(values) -> pd.Series:
        return pd.Series(pd.array(values, dtype="str").take(s_ipos), dtype="str")

    def column(col: str) -> pd.Series:
        if col not in ind.columns:
            return pd.Series(pd.array([pd.NA] * n, dtype="str"))
        return per_indicator(ind[col].array)

    as_of = np.datetime64("NaT", "ns")
    if as_of_end is not None:
        as_of = np.datetime64(as_of_end.to_datetime64(), "ns")
    cols = {
        "indicator_id": column("indicator_id"),
        "name": column("name"),
        "unit": column("unit"),
        "pillar": column("pillar"),
        "direction": column("direction"),
        "parent_id": per_indicator(parent),
        "group": column("group"),
    }
    if by is not None:
        groups = series["group_values"].take(series["group"])
        cols[by] = pd.Series(np.asarray(groups, dtype=object) if not len(groups) else groups.array)
        cols[by] = cols[by].astype("str").reset_index(drop=True)
    cols.update(
        {
            "method": per_indicator(np.full(n_ind, method, dtype=object)),
            "as_of": pd.Series(np.full(n, as_of, dtype="datetime64[ns]")),
            "n_observations": pd.Series(series["n_observations"], dtype="Int64"),
            "base_date": series["base_date"].series(),
            "base_time": series["base_time"],
            "base_value": base_value,
            "latest_date": series["latest_date"].series(),
            "latest_time": series["latest_time"],
            "latest_value": latest_value,
            "target_date": per_indicator(td_label),
            "target_time": tt_ind[s_ipos],
            "target_value": target_value,
            "limit": limit_ind[s_ipos],
            "d": pd.Series(d, dtype="Int64"),
            "s": res["s"],
            "progress_to_target": to_target,
            "cagr": res["cagr"],
            "cagr_target": res["cagr_target"],
            "progress_value": res["progress_value"],
            "threshold_high": res["threshold_high"],
            "threshold_med": res["threshold_med"],
            "threshold_low": res["threshold_low"],
            "scale_c": res["scale_c"],
            "target_achieved": res["target_achieved"].astype(bool),
            "status": res["status"].series(),
            "score": res["score"],
            "reason": reason.series(),
            "warnings": date_warning.join(res["warnings"]).series(),
        }
    )
    return pd.DataFrame(cols, copy=False)


def _float_column(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col]).to_numpy(dtype="float64", na_value=np.nan)


def _text_column(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A column of a small table as an object array of texts, None where missing."""
    if col not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return np.array([_text(v) for v in frame[col].to_numpy(dtype=object)], dtype=object)


# --- indicator-level scores ------------------------------------------------------------------


def indicator_scores(
    p, *, as_of=None, by: str | None = None, group_targets: bool = True
) -> pd.DataFrame:
    """Indicator-level progress: series scores averaged as Open SDG 2.4 aggregates them.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``indicators`` and ``observations``.
    as_of : date or period label, optional
        As in :func:`indicator_progress`.
    by : str, optional
        A disaggregation column: one row per indicator and group.
    group_targets : bool
        With ``by``, whether groups are measured against the indicator's target (see
        :func:`indicator_progress`).

    Returns
    -------
    pandas.DataFrame
        One row per indicator (``parent_id``; each package indicator is its own parent when
        the column is absent) and ``by`` group: parent_id, name, pillar, the ``by`` column
        when asked, n_series, n_scored_series, n_units (series, with a configured group
        counting once), n_scored_units, score (mean over scored units), target_achieved,
        status, series_ids (the series' indicator ids joined by ``"; "``), reason.

    Notes
    -----
    Each series is scored by :func:`indicator_progress` (Open SDG method). Series of one
    indicator that share a ``group`` are averaged first (mean of the scores that exist) and
    count as one unit; the indicator score is the mean of the units' scores. Where the
    ``indicators`` table has an ``option_path`` (written by the Open SDG importer), the
    series are listed as the indicator's options list them: groups of groups are averaged
    innermost first and a series listed twice counts twice (``_opensdg.nested_means``). Status:
    ``target_achieved`` when every scored series achieved its target, else by the score:
    [2.5, 5] substantial_progress, [0, 2.5) moderate_progress, [-2.5, 0) limited_progress,
    [-5, -2.5) deterioration; no score at all: not_available. A group achieves its target
    when every scored series in it does.

    Means are taken per group on whole columns, adding in the order ``np.mean`` adds (numpy's
    pairwise summation), so the scores equal those of a mean per group to the bit.

    References
    ----------
    Open SDG, progress measurement (sdg-build 2.4, ``IndicatorProgress``).
    """
    progress = indicator_progress(p, as_of=as_of, by=by, group_targets=group_targets)
    ind = _indicators(p)
    keys = ["parent_id", *([by] if by else [])]
    n = len(progress)
    # G: the output row (parent and group, in order of appearance); the series' listings in
    # the indicator's options (groups, groups of groups) are averaged innermost first
    gid = progress.groupby(keys, sort=False, dropna=False).ngroup().to_numpy(dtype=np.intp)
    n_out = int(gid.max()) + 1 if n else 0
    score = progress["score"].to_numpy(dtype="float64", na_value=np.nan)
    scored = ~np.isnan(score)
    ipos = pd.Index(ind["indicator_id"]).get_indexer(progress["indicator_id"])
    leaf_row, depth, ancestors = option_leaves(
        ipos, gid, _text_column(ind, "option_path"), _text_column(ind, "group")
    )
    agg = nested_means(
        gid[leaf_row], depth, ancestors, score[leaf_row],
        progress["target_achieved"].to_numpy(dtype=bool)[leaf_row], n_out,
    )  # fmt: skip
    out_score, achieved = agg["score"], agg["target_achieved"]
    n_scored_units = agg["n_scored_units"]

    first = np.full(n_out, n, dtype=np.intp)
    np.minimum.at(first, gid, np.arange(n))
    n_series = np.bincount(gid, minlength=n_out)
    parent_name = ind.set_index("indicator_id")["parent_name"].reindex(progress["indicator_id"])
    named = np.flatnonzero(parent_name.notna().to_numpy())
    first_named = np.full(n_out, n, dtype=np.intp)
    np.minimum.at(first_named, gid[named], named)
    name = np.empty(n_out, dtype=object)
    if n:
        has_name = first_named < n
        name[has_name] = parent_name.to_numpy(dtype=object)[first_named[has_name]]
        one = ~has_name & (n_series == 1)
        name[one] = progress["name"].to_numpy(dtype=object)[first[one]]
        other = ~has_name & ~one
        name[other] = progress["parent_id"].to_numpy(dtype=object)[first[other]]

    columns = {
        "parent_id": progress["parent_id"].array.take(first),
        "name": pd.array(name, dtype="str"),
        "pillar": _modes(gid, progress["pillar"], n_out),
    }
    if by:
        columns[by] = progress[by].array.take(first)
    status = _score_status(out_score, achieved)
    columns.update(
        {
            "n_series": pd.array(n_series, dtype="Int64"),
            "n_scored_series": pd.array(np.bincount(gid[scored], minlength=n_out), dtype="Int64"),
            "n_units": pd.array(agg["n_units"], dtype="Int64"),
            "n_scored_units": pd.array(n_scored_units, dtype="Int64"),
            "score": out_score,
            "target_achieved": achieved,
            "status": pd.array(status, dtype="str"),
            "series_ids": pd.array(_joined(progress["indicator_id"], gid, n_out), dtype="str"),
            "reason": pd.array(
                np.where(n_scored_units > 0, None, "no series could be scored"), dtype="str"
            ),
        }
    )
    return pd.DataFrame({c: columns[c] for c in _score_columns(by)})


def _score_columns(by: str | None) -> list[str]:
    columns = SCORE_COLUMNS.copy()
    if by:
        columns.insert(columns.index("n_series"), by)
    return columns


def _score_status(score: np.ndarray, achieved: np.ndarray) -> np.ndarray:
    """:func:`status_from_score` elementwise."""
    status = np.full(len(score), "not_available", dtype=object)
    status[score < -2.5] = "deterioration"
    status[score >= -2.5] = "limited_progress"
    status[score >= 0] = "moderate_progress"
    status[score >= 2.5] = "substantial_progress"
    status[achieved] = "target_achieved"
    return status


def _modes(gid: np.ndarray, values: pd.Series, n_out: int) -> pd.Series:
    """Per output row, the most frequent non-missing value (the smallest among ties)."""
    known = values.notna().to_numpy()
    counts = (
        pd.DataFrame({"g": gid[known], "v": values[known].to_numpy()})
        .groupby(["g", "v"], sort=False)
        .size()
        .reset_index(name="n")
        .sort_values(["g", "n", "v"], ascending=[True, False, True], kind="stable")
        .drop_duplicates("g")
    )
    out = pd.Series(pd.NA, index=range(n_out), dtype="str")
    out.iloc[counts["g"].to_numpy()] = counts["v"].to_numpy()
    return out.array


def _joined(ids: pd.Series, gid: np.ndarray, n_out: int) -> np.ndarray:
    """Per output row, its series' ids joined by ``"; "`` (in row order)."""
    order = np.argsort(gid, kind="stable")
    texts = ids.to_numpy(dtype=object)[order]
    sizes = np.bincount(gid, minlength=n_out)
    out = np.empty(n_out, dtype=object)
    single = sizes == 1
    starts = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.intp) if n_out else sizes
    out[single] = texts[starts[single]]
    many = sizes > 1
    if many.any():
        at = np.flatnonzero(np.repeat(many, sizes))
        glue = texts[at] + "; "
        heads = np.r_[0, np.cumsum(sizes[many])[:-1]]
        out[many] = [j[:-2] for j in np.add.reduceat(glue, heads)]
    return out


def pillar_summary(p, *, as_of=None) -> pd.DataFrame:
    """How many indicators are on track per pillar.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``indicators`` and ``observations``.
    as_of : date or period label, optional
        As in :func:`indicator_progress`.

    Returns
    -------
    pandas.DataFrame
        One row per pillar and status (every status listed, n may be 0): pillar (missing
        when indicators have none), status, n (indicators with that status), n_indicators,
        n_on_track (status ``target_achieved`` or ``substantial_progress``), share_on_track
        (n_on_track / n_indicators).

    Notes
    -----
    Counts indicators at the level of :func:`indicator_scores` (series of one ``parent_id``
    count once).
    """
    scores = indicator_scores(p, as_of=as_of)
    rows = []
    for pillar, g in scores.groupby("pillar", sort=True, dropna=False):
        n_ind = len(g)
        on_track = int(g["status"].isin(ON_TRACK_STATUSES).sum())
        for status in STATUSES:
            rows.append(
                {
                    "pillar": pillar,
                    "status": status,
                    "n": int((g["status"] == status).sum()),
                    "n_indicators": n_ind,
                    "n_on_track": on_track,
                    "share_on_track": on_track / n_ind,
                }
            )
    out = pd.DataFrame(rows, columns=PILLAR_COLUMNS)
    out["pillar"] = out["pillar"].astype("str")
    out["status"] = out["status"].astype("str")
    for c in ("n", "n_indicators", "n_on_track"):
        out[c] = out[c].astype("Int64")
    out["share_on_track"] = out["share_on_track"].astype("float64")
    return out


# --- trend ---------------------------------------------------------------------------------


def indicator_trend(
    p,
    indicator_id: str | list[str] | None = None,
    *,
    by: str | None = None,
    as_of=None,
    group_targets: bool = True,
) -> pd.DataFrame:
    """Observations of an indicator with their least-squares trend and its projection.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``indicators`` and ``observations``.
    indicator_id : str or list of str, optional
        The indicator(s); None (default) for every indicator.
    by : str, optional
        A disaggregation column: one trend per indicator and group (as in
        :func:`indicator_progress`).
    as_of : date or period label, optional
        Only observations on or before this day.
    group_targets : bool
        With ``by``, whether the groups' rows carry the indicator's target (see
        :func:`indicator_progress`).

    Returns
    -------
    pandas.DataFrame
        Long form, rows of four kinds per series: ``observation`` (each observation: date,
        time, value, fitted = the trend line at that time), ``baseline`` (the base point of
        :func:`indicator_progress`), ``target`` (when the indicator has a target value),
        ``projection`` (the trend line at the target date: value = fitted = projected
        value) and, when the observations carry per-period targets (``value_type`` =
        ``target``), ``period_target`` rows. Columns: indicator_id, name, unit, direction,
        the ``by`` column when asked, kind, date (period label), time (years, see
        :func:`period_time`), plot_date (the day ``time`` stands for), value, fitted,
        slope_per_year, n_points, base_time, base_value, target_date, target_time,
        target_value, projected_value, gap_to_target (target - projected),
        projected_to_meet_target (the projection reaches the target in the desired
        direction), reason (why no trend).

    Notes
    -----
    Ordinary least squares of value on time over every observation of the series on or
    before ``as_of``: slope = sum((t - t_mean)(y - y_mean)) / sum((t - t_mean)^2); fitted(t)
    = y_mean + slope (t - t_mean). The projection is fitted(target time), the anticipated
    value at the target date as the ESCAP progress assessment reads it, with a straight-line
    (not time-weighted) fit. Needs observations at two distinct times.

    Series come in the order of the indicators asked for (of the ``indicators`` table
    without ``indicator_id``), then by the group's text; within a series, the observations
    in time order (file order among equal times), then the baseline, target, projection
    and period-target rows.

    Every series is computed at once, as :func:`indicator_progress` does: the observations
    are selected and coded once, the base points are those of ``_series_points_all``, and
    the means and sums of each series are numpy's own to the bit (``_common._numpy_sums``),
    so the frame equals that of the statement series by series
    (tests/analysis/test_indicator_trend_vectorised.py). Its time grows linearly with the
    observations.

    References
    ----------
    UN ESCAP, Asia and the Pacific SDG Progress Report, technical notes (anticipated
    progress).
    """
    p.require("indicators", by="indicator_trend")
    as_of_end = _as_of_end(as_of)
    ind = _indicators(p)
    ids = ind["indicator_id"].to_numpy(dtype=object)
    if indicator_id is None:
        wanted_pos = np.arange(len(ind))
    else:
        wanted = [indicator_id] if isinstance(indicator_id, str) else list(indicator_id)
        unknown = [i for i in wanted if i not in set(ind["indicator_id"])]
        if unknown:
            raise AnalysisInputError(
                f"unknown indicator_id {', '.join(map(repr, unknown))}; the package has: "
                + ", ".join(ind["indicator_id"].head(20))
            )
        wanted_pos = np.concatenate([np.flatnonzero(ids == i) for i in wanted]).astype(np.intp)

    rows = _selected_rows(p, ind, as_of_end=as_of_end, by=by)
    points = _series_points_all(rows, ind, by=by)
    disagg = _disaggregations(p.table("observations")) if p.has("observations") else []
    targets = None
    if "value_type" in disagg and by != "value_type":
        targets, _ = _observations(p, as_of_end=as_of_end, by=by, value_type="target")
        targets = targets[targets["indicator_id"].isin(ind["indicator_id"])]
    return _trend_frame(ind, wanted_pos, rows, points, targets, by, group_targets)


def _trend_series(points: dict, targets: pd.DataFrame | None, ind: pd.DataFrame, by):
    """Every series of the trend (those with observations and those with period targets only),
    ordered by indicator and group text: (indicator position, group text or None, position of
    each observation series, series of each period-target row)."""
    n_obs_series = len(points["ipos"])
    t_ipos = np.zeros(0, dtype=np.intp)
    if targets is not None and len(targets):
        t_ipos = pd.Index(ind["indicator_id"]).get_indexer(targets["indicator_id"])
    if by is None:  # one series per indicator
        return np.arange(len(ind)), None, np.arange(n_obs_series), t_ipos
    obs_group = np.asarray(points["group_values"].take(points["group"]), dtype=object)
    t_group = np.zeros(0, dtype=object)
    if len(t_ipos):
        t_group = targets[by].to_numpy(dtype=object)
    texts = sorted({*obs_group.tolist(), *t_group.tolist()}, key=str)
    rank = {v: k for k, v in enumerate(texts)}
    n_g = max(1, len(texts))
    obs_key = points["ipos"].astype(np.int64) * n_g + np.array(
        [rank[v] for v in obs_group.tolist()], dtype=np.int64
    )
    t_key = t_ipos.astype(np.int64) * n_g + np.array(
        [rank[v] for v in t_group.tolist()], dtype=np.int64
    )
    keys = np.unique(np.concatenate([obs_key, t_key]))
    group_text = np.array(texts, dtype=object)[keys % n_g] if len(texts) else obs_group[:0]
    return (
        (keys // n_g).astype(np.intp),
        group_text,
        np.searchsorted(keys, obs_key),
        np.searchsorted(keys, t_key),
    )


def _trend_frame(ind, wanted_pos, rows, points, targets, by, group_targets) -> pd.DataFrame:
    """The long frame of :func:`indicator_trend` from the selected rows and base points."""
    n_ind = len(ind)
    s_ipos, s_group, obs_series, t_series = _trend_series(points, targets, ind, by)
    n_series = len(s_ipos)

    # per indicator: direction, target (as _num / _text of the table's record)
    d_ind = np.where(ind["direction"].to_numpy(dtype=object) == "increase", 1, -1)
    tv_ind = np.array([_num(v) for v in _text_column(ind, "target_value")], dtype="float64")
    if by is not None and not group_targets:
        tv_ind = np.full(n_ind, np.nan)
    td_ind = np.array(
        [_text(v) or DEFAULT_TARGET_DATE for v in _text_column(ind, "target_date")], dtype=object
    )
    tt_ind = np.array([period_time(v) for v in td_ind], dtype="float64")

    # observations of each series in time order (file order among equal times)
    row_series = obs_series[points["row_series"]]
    t, value, date = rows["time"], rows["value"], rows["date"]
    order = np.lexsort((t, row_series))
    n_obs = np.bincount(row_series, minlength=n_series)
    obs_start = np.r_[0, np.cumsum(n_obs)[:-1]].astype(np.intp)
    ts, ys = t[order], value[order]
    seg = row_series[order]

    # least squares per series, with numpy's sums of each series
    new_time = np.ones(len(seg), dtype=bool)  # a row whose time differs from the row before
    new_time[1:] = (seg[1:] != seg[:-1]) | (ts[1:] != ts[:-1])
    distinct = np.bincount(seg[new_time], minlength=n_series)  # distinct times per series
    fit = distinct >= 2
    with np.errstate(all="ignore"):
        t_mean = _means(ts, n_obs)
        y_mean = _means(ys, n_obs)
        dt = ts - t_mean[seg]
        slope = _numpy_sums(dt * (ys - y_mean[seg]), n_obs) / _numpy_sums(dt**2, n_obs)
        fitted = y_mean[seg] + slope[seg] * dt
        projected = y_mean + slope * (tt_ind[s_ipos] - t_mean)
    slope[~fit] = np.nan
    projected[~fit] = np.nan
    fitted[~fit[seg]] = np.nan

    # per series: base point, reason, target, gap
    base_time = np.full(n_series, np.nan)
    base_value = np.full(n_series, np.nan)
    base_date = np.full(n_series, None, dtype=object)
    why = np.full(n_series, "no observations", dtype=object)
    base_time[obs_series] = points["base_time"]
    base_value[obs_series] = points["base_value"]
    base_date[obs_series] = points["base_date"].objects()
    why[obs_series] = points["why"].objects()
    has_base = ~np.isnan(base_time)
    reason = why.copy()
    two_times = "a trend needs observations at two distinct times"
    reason[np.equal(why, None) & ~fit] = two_times
    target_value = tv_ind[s_ipos]
    target_time = tt_ind[s_ipos]
    gap = target_value - projected
    d = d_ind[s_ipos]
    with np.errstate(invalid="ignore"):
        meets = np.where(d == 1, projected >= target_value, projected <= target_value)
    meets &= ~np.isnan(projected) & ~np.isnan(target_value)

    # output series: the series of each indicator asked for, in turn
    per_ind = np.bincount(s_ipos, minlength=n_ind)
    first_of_ind = np.r_[0, np.cumsum(per_ind)[:-1]].astype(np.intp)
    n_out = per_ind[wanted_pos]
    out_series = _ranges(first_of_ind[wanted_pos], n_out)

    n_pt = np.bincount(t_series, minlength=n_series)
    pt_order = np.argsort(t_series, kind="stable")  # period targets of each series, in order
    pt_start = np.r_[0, np.cumsum(n_pt)[:-1]].astype(np.intp)
    has_target = ~np.isnan(target_value)
    has_projection = ~np.isnan(projected)
    s = out_series
    parts = np.stack(
        [n_obs[s], has_base[s], has_target[s], has_projection[s], n_pt[s]], axis=1
    ).astype(np.intp)
    size = parts.sum(axis=1)
    start = np.r_[0, np.cumsum(size)[:-1]].astype(np.intp)
    offset = start[:, None] + np.cumsum(parts, axis=1) - parts  # where each kind starts
    n_rows = int(size.sum())

    series_of_row = np.repeat(s, size)
    kind = np.repeat(np.tile(np.arange(5, dtype=np.int32), len(s)), parts.ravel())
    time = np.empty(n_rows)
    val = np.empty(n_rows)
    fit_col = np.full(n_rows, np.nan)
    label_pool = list(rows["date_labels"])
    date_col = TextColumn(n_rows, tuple(label_pool))

    # observations
    at = _ranges(offset[:, 0], parts[:, 0])
    src = order[_ranges(obs_start[s], parts[:, 0])]
    time[at], val[at] = t[src], value[src]
    fit_col[at] = fitted[_ranges(obs_start[s], parts[:, 0])]
    date_col.codes[at] = date[src]
    # baseline, target, projection
    one = parts[:, 1] > 0
    at, ss = offset[one, 1], s[one]
    time[at], val[at] = base_time[ss], base_value[ss]
    _set_texts(date_col, at, base_date[ss])
    one = parts[:, 2] > 0
    at, ss = offset[one, 2], s[one]
    time[at], val[at] = target_time[ss], target_value[ss]
    _set_texts(date_col, at, td_ind[s_ipos[ss]])
    one = parts[:, 3] > 0
    at, ss = offset[one, 3], s[one]
    time[at], val[at] = target_time[ss], projected[ss]
    fit_col[at] = projected[ss]
    _set_texts(date_col, at, td_ind[s_ipos[ss]])
    # period targets
    if targets is not None and len(targets):
        at = _ranges(offset[:, 4], parts[:, 4])
        src = pt_order[_ranges(pt_start[s], parts[:, 4])]
        time[at] = targets["time"].to_numpy(dtype="float64")[src]
        val[at] = targets["value"].to_numpy(dtype="float64")[src]
        _set_texts(date_col, at, targets["date"].to_numpy(dtype=object)[src])

    ipos_of_row = s_ipos[series_of_row]
    kinds = TextColumn(0, ("observation", "baseline", "target", "projection", "period_target"))
    kinds.codes = kind

    def per_indicator(col: str) -> pd.Series:
        if col not in ind.columns:
            return pd.Series(pd.array([pd.NA] * n_rows, dtype="str"))
        pool = pd.array(ind[col].astype("str").array, dtype="str")
        return pd.Series(pool.take(ipos_of_row, allow_fill=True), dtype="str")

    def texts(values: np.ndarray, where: np.ndarray) -> pd.Series:
        col = TextColumn(len(values))
        present = ~np.equal(values, None)
        col.set_each(present, values[present])
        col.codes = col.codes[where]
        return col.series()

    uniq, inverse = np.unique(time, return_inverse=True)
    days = np.array([_time_to_timestamp(v) for v in uniq.tolist()], dtype="datetime64[ns]")
    cols = {
        "indicator_id": per_indicator("indicator_id"),
        "name": per_indicator("name"),
        "unit": per_indicator("unit"),
        "direction": per_indicator("direction"),
    }
    if by is not None:
        cols[by] = texts(s_group, series_of_row)
    cols.update(
        {
            "kind": kinds.series(),
            "date": date_col.series(),
            "time": time,
            "plot_date": days[inverse.reshape(-1)] if n_rows else days,
            "value": val,
            "fitted": fit_col,
            "slope_per_year": slope[series_of_row],
            "n_points": pd.Series(n_obs[series_of_row], dtype="Int64"),
            "base_time": base_time[series_of_row],
            "base_value": base_value[series_of_row],
            "target_date": texts(td_ind, ipos_of_row),
            "target_time": target_time[series_of_row],
            "target_value": target_value[series_of_row],
            "projected_value": projected[series_of_row],
            "gap_to_target": gap[series_of_row],
            "projected_to_meet_target": meets[series_of_row].astype(bool),
            "reason": texts(reason, series_of_row),
        }
    )
    return pd.DataFrame(cols, copy=False)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[k], starts[k] + 1, ..., starts[k] + lengths[k] - 1`` for every k, in turn."""
    starts = np.asarray(starts, dtype=np.intp)
    lengths = np.asarray(lengths, dtype=np.intp)
    before = np.cumsum(lengths) - lengths  # where run k begins in the result
    return np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()), dtype=np.intp)


def _set_texts(column: TextColumn, at: np.ndarray, texts: np.ndarray) -> None:
    """Texts (None = missing) at the increasing rows ``at`` of ``column``."""
    present = ~np.equal(texts, None)
    rows = np.zeros(len(column), dtype=bool)
    rows[at[present]] = True
    column.set_each(rows, texts[present])
