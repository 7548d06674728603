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
parent), ``parent_name`` its display name. In ``observations`` a ``value_type`` column with
the text ``target`` marks per-period targets (written by the IATI importer); those rows are
disaggregated, so never part of the headline series, and :func:`indicator_trend` shows them.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from partner_analytics.analysis._opensdg import STATUSES, series_progress, status_from_score
from partner_analytics.data.periods import normalize_period, period_end
from partner_analytics.errors import AnalysisInputError

__all__ = [
    "ON_TRACK_STATUSES",
    "STATUSES",
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
    if as_of is None:
        return None
    if isinstance(as_of, str):
        canonical = normalize_period(as_of)
        if canonical is not None:
            return period_end(canonical)
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError(
            f"as_of must be a date or a period label (YYYY-MM-DD, YYYY, YYYY-Qn), got {as_of!r}"
        ) from exc
    return ts.normalize()


# --- selecting series ----------------------------------------------------------------------


def _disaggregations(obs: pd.DataFrame) -> list[str]:
    return [c for c in obs.columns if c not in _BASE_COLUMNS]


def _observations(p, *, as_of_end, by: str | None, value_type: str | None = None):
    """Observations of the series asked for, with their time; and the disaggregations."""
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
    obs, _ = _observations(p, as_of_end=as_of_end, by=by)
    keys = ["indicator_id", *([by] if by else [])]
    groups = {}
    for key, g in obs.groupby(keys, sort=False) if len(obs) else ():
        key = key if isinstance(key, tuple) else (key,)
        groups[key if by else key[0]] = g

    rows = []
    for rec in ind.to_dict("records"):
        iid = rec["indicator_id"]
        if by is None:
            series_list = [(None, groups.get(iid, obs.iloc[0:0]))]
        else:
            series_list = sorted(
                ((k[1], g) for k, g in groups.items() if k[0] == iid), key=lambda kg: str(kg[0])
            )
        for group_value, series in series_list:
            rows.append(
                _progress_row(rec, series, method, by, group_value, as_of_end, group_targets)
            )
    columns = PROGRESS_COLUMNS.copy()
    if by:
        columns.insert(columns.index("method"), by)
    frame = pd.DataFrame(rows, columns=columns)
    return _typed(frame, by)


def _progress_row(rec, series, method, by, group_value, as_of_end, group_targets) -> dict:
    d = 1 if rec["direction"] == "increase" else -1
    target_value = _num(rec.get("target_value")) if by is None or group_targets else math.nan
    target_date = _text(rec.get("target_date"))
    warnings: list[str] = []
    if target_date is None:
        target_date = DEFAULT_TARGET_DATE
        if not math.isnan(target_value):
            warnings.append("target date missing: 2030 used")
    target_time = period_time(target_date)
    limit = _num(rec.get("limit"))
    base, latest, why = _series_points(rec, series, grouped=by is not None)
    res = series_progress(
        d=d,
        base_time=base[1] if base else None,
        base_value=base[2] if base else None,
        latest_time=latest[1] if latest else None,
        latest_value=latest[2] if latest else None,
        target_value=target_value,
        target_time=target_time,
        limit=limit,
        method=method,
    )
    if why:  # the selection's own reason is more precise than "no base value"
        res.reason = why
    warnings.extend(res.warnings)
    progress_to_target = math.nan
    if base and latest and not math.isnan(target_value) and target_value != base[2]:
        progress_to_target = (latest[2] - base[2]) / (target_value - base[2])
    row = {
        "indicator_id": rec["indicator_id"],
        "name": rec["name"],
        "unit": rec["unit"],
        "pillar": rec.get("pillar"),
        "direction": rec["direction"],
        "parent_id": _text(rec.get("parent_id")) or rec["indicator_id"],
        "group": _text(rec.get("group")),
        "method": method,
        "as_of": as_of_end,
        "n_observations": len(series),
        "base_date": base[0] if base else None,
        "base_time": base[1] if base else math.nan,
        "base_value": base[2] if base else math.nan,
        "latest_date": latest[0] if latest else None,
        "latest_time": latest[1] if latest else math.nan,
        "latest_value": latest[2] if latest else math.nan,
        "target_date": target_date,
        "target_time": target_time,
        "target_value": target_value,
        "limit": limit,
        "d": d,
        "s": res.s,
        "progress_to_target": progress_to_target,
        "cagr": res.cagr,
        "cagr_target": res.cagr_target,
        "progress_value": res.progress_value,
        "threshold_high": res.threshold_high,
        "threshold_med": res.threshold_med,
        "threshold_low": res.threshold_low,
        "scale_c": res.scale_c,
        "target_achieved": res.target_achieved,
        "status": res.status,
        "score": res.score,
        "reason": res.reason or None,
        "warnings": "; ".join(warnings) or None,
    }
    if by:
        row[by] = group_value
    return row


def _typed(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    text = ["indicator_id", "name", "unit", "pillar", "direction", "parent_id", "group",
            "method", "base_date", "latest_date", "target_date", "status", "reason",
            "warnings", *([by] if by else [])]  # fmt: skip
    out = frame.copy()
    for c in out.columns:
        if c in text:
            out[c] = out[c].astype("str")
        elif c == "as_of":
            out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
        elif c in ("n_observations", "d"):
            out[c] = out[c].astype("Int64")
        elif c == "target_achieved":
            out[c] = out[c].astype("bool")
        else:
            out[c] = out[c].astype("float64")
    return out


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
    count as one unit; the indicator score is the mean of the units' scores. Status:
    ``target_achieved`` when every scored series achieved its target, else by the score:
    [2.5, 5] substantial_progress, [0, 2.5) moderate_progress, [-2.5, 0) limited_progress,
    [-5, -2.5) deterioration; no score at all: not_available. A group achieves its target
    when every scored series in it does.

    References
    ----------
    Open SDG, progress measurement (sdg-build 2.4, ``IndicatorProgress``).
    """
    progress = indicator_progress(p, as_of=as_of, by=by, group_targets=group_targets)
    ind = _indicators(p).set_index("indicator_id")
    keys = ["parent_id", *([by] if by else [])]
    rows = []
    for key, g in progress.groupby(keys, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        parent = key[0]
        unit_key = g["group"].where(g["group"].notna(), "series:" + g["indicator_id"])
        unit_scores, unit_targets = [], []
        for _, u in g.groupby(unit_key, sort=False):
            scored = u[u["score"].notna()]
            if len(scored):
                unit_scores.append(float(np.mean(scored["score"].to_numpy())))
                unit_targets.append(bool(scored["target_achieved"].all()))
        score = float(np.mean(unit_scores)) if unit_scores else math.nan
        achieved = bool(unit_targets) and all(unit_targets)
        names = ind.loc[g["indicator_id"], "parent_name"].dropna()
        if len(names):
            name = names.iloc[0]
        elif len(g) == 1:
            name = g["name"].iloc[0]
        else:
            name = parent
        pillars = g["pillar"].dropna()
        row = {
            "parent_id": parent,
            "name": name,
            "pillar": pillars.mode().iloc[0] if len(pillars) else None,
            "n_series": len(g),
            "n_scored_series": int(g["score"].notna().sum()),
            "n_units": int(unit_key.nunique()),
            "n_scored_units": len(unit_scores),
            "score": score,
            "target_achieved": achieved,
            "status": status_from_score(score, achieved),
            "series_ids": "; ".join(g["indicator_id"]),
            "reason": None if unit_scores else "no series could be scored",
        }
        if by:
            row[by] = key[1]
        rows.append(row)
    columns = SCORE_COLUMNS.copy()
    if by:
        columns.insert(columns.index("n_series"), by)
    out = pd.DataFrame(rows, columns=columns)
    for c in out.columns:
        if c in ("n_series", "n_scored_series", "n_units", "n_scored_units"):
            out[c] = out[c].astype("Int64")
        elif c == "score":
            out[c] = out[c].astype("float64")
        elif c == "target_achieved":
            out[c] = out[c].astype("bool")
        else:
            out[c] = out[c].astype("str")
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

    References
    ----------
    UN ESCAP, Asia and the Pacific SDG Progress Report, technical notes (anticipated
    progress).
    """
    p.require("indicators", by="indicator_trend")
    as_of_end = _as_of_end(as_of)
    ind = _indicators(p)
    if indicator_id is not None:
        wanted = [indicator_id] if isinstance(indicator_id, str) else list(indicator_id)
        unknown = [i for i in wanted if i not in set(ind["indicator_id"])]
        if unknown:
            raise AnalysisInputError(
                f"unknown indicator_id {', '.join(map(repr, unknown))}; the package has: "
                + ", ".join(ind["indicator_id"].head(20))
            )
        ind = ind.set_index("indicator_id").loc[wanted].reset_index()
    obs, disagg = _observations(p, as_of_end=as_of_end, by=by)
    targets = None
    if "value_type" in disagg and by != "value_type":
        targets, _ = _observations(p, as_of_end=as_of_end, by=by, value_type="target")
    keys = ["indicator_id", *([by] if by else [])]
    groups = dict(tuple(obs.groupby(keys, sort=False))) if len(obs) else {}
    tgroups = {}
    if targets is not None and len(targets):
        tgroups = dict(tuple(targets.groupby(keys, sort=False)))

    def _k(key):
        return key if isinstance(key, tuple) else (key,)

    groups = {_k(k): g for k, g in groups.items()}
    tgroups = {_k(k): g for k, g in tgroups.items()}
    rows: list[dict] = []
    for rec in ind.to_dict("records"):
        iid = rec["indicator_id"]
        if by is None:
            series_keys = [(iid,)]
        else:
            series_keys = sorted(
                {k for k in [*groups, *tgroups] if k[0] == iid}, key=lambda k: str(k[1])
            )
        for key in series_keys:
            series = groups.get(key, obs.iloc[0:0])
            group = key[1] if by else None
            rows.extend(_trend_rows(rec, series, tgroups.get(key), by, group, group_targets))
    columns = TREND_COLUMNS.copy()
    if by:
        columns.insert(columns.index("kind"), by)
    out = pd.DataFrame(rows, columns=columns)
    days = {t: _time_to_timestamp(t) for t in pd.unique(out["time"])}
    out["plot_date"] = out["time"].map(days)
    return _typed_trend(out, by)


def _trend_rows(rec, series, period_targets, by, group_value, group_targets) -> list[dict]:
    d = 1 if rec["direction"] == "increase" else -1
    target_value = _num(rec.get("target_value")) if by is None or group_targets else math.nan
    target_date = _text(rec.get("target_date")) or DEFAULT_TARGET_DATE
    target_time = period_time(target_date)
    base, _, why = _series_points(rec, series, grouped=by is not None)
    t = series["time"].to_numpy(dtype="float64")
    y = series["value"].to_numpy(dtype="float64")
    slope = projected = math.nan
    reason = why or None
    fitted = np.full(len(t), np.nan)
    if len(np.unique(t)) >= 2:
        t_mean, y_mean = t.mean(), y.mean()
        slope = float(np.sum((t - t_mean) * (y - y_mean)) / np.sum((t - t_mean) ** 2))
        fitted = y_mean + slope * (t - t_mean)
        projected = float(y_mean + slope * (target_time - t_mean))
    elif not reason:
        reason = "a trend needs observations at two distinct times"
    gap = target_value - projected
    meets = bool(
        not math.isnan(projected)
        and not math.isnan(target_value)
        and (projected >= target_value if d == 1 else projected <= target_value)
    )
    rows = [
        {"kind": "observation", "date": dd, "time": tt, "value": yy, "fitted": ff}
        for dd, tt, yy, ff in zip(series["date"], t, y, fitted, strict=True)
    ]
    if base is not None:
        rows.append({"kind": "baseline", "date": base[0], "time": base[1], "value": base[2]})
    if not math.isnan(target_value):
        rows.append(
            {"kind": "target", "date": target_date, "time": target_time, "value": target_value}
        )
    if not math.isnan(projected):
        rows.append(
            {
                "kind": "projection",
                "date": target_date,
                "time": target_time,
                "value": projected,
                "fitted": projected,
            }
        )
    if period_targets is not None:
        rows.extend(
            {"kind": "period_target", "date": dd, "time": tt, "value": yy}
            for dd, tt, yy in zip(
                period_targets["date"], period_targets["time"], period_targets["value"], strict=True
            )
        )
    const = {
        "indicator_id": rec["indicator_id"],
        "name": rec["name"],
        "unit": rec["unit"],
        "direction": rec["direction"],
        "slope_per_year": slope,
        "n_points": len(t),
        "base_time": base[1] if base else math.nan,
        "base_value": base[2] if base else math.nan,
        "target_date": target_date,
        "target_time": target_time,
        "target_value": target_value,
        "projected_value": projected,
        "gap_to_target": gap,
        "projected_to_meet_target": meets,
        "reason": reason,
    }
    if by:
        const[by] = group_value
    return [{**const, **row} for row in rows]


def _typed_trend(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    text = ["indicator_id", "name", "unit", "direction", "kind", "date", "target_date",
            "reason", *([by] if by else [])]  # fmt: skip
    out = frame.copy()
    for c in out.columns:
        if c in text:
            out[c] = out[c].astype("str")
        elif c == "plot_date":
            out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
        elif c == "n_points":
            out[c] = out[c].astype("Int64")
        elif c == "projected_to_meet_target":
            out[c] = out[c].astype("bool")
        else:
            out[c] = out[c].astype("float64")
    return out
