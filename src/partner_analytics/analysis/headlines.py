"""Headline figures and comparisons: every number a summary, a highlight or a card shows.

The report's headline table and sections, its highlight sentences and the dashboards'
cards read these frames; none of them counts or compares anything itself, so a number
means the same wherever it is shown. Each function takes analysis frames (or a
partnership, for :func:`headline_figures`) and returns a frame or a record:

- waves: :func:`latest_wave`, :func:`wave_rows`, :func:`waves_in_order`, :func:`wave_end`;
- stakeholders: :func:`stakeholder_counts` (rated, to manage closely, contested, moved,
  resistant, per wave and group), :func:`contested_stakeholders`,
  :func:`stakeholders_moved`, :func:`stakeholders_moved_since`;
- collaboration health: :func:`factor_counts` (factors shown, of concern, the strongest and
  weakest), :func:`concern_factors`, :func:`gap_counts`, :func:`flagged_gaps`;
- commitments and contributions: :func:`follow_through_total`, :func:`overdue_by_partner`,
  :func:`lowest_fulfilment`;
- indicators: :func:`indicator_status_counts` (on track = target achieved or substantial
  progress, counted once), :func:`indicator_status_changes`;
- composition: :func:`composition_counts`;
- :func:`headline_figures`: every headline figure as of a day, in the previous period
  (default: :func:`~partner_analytics.data.periods.previous_day`) and the change.

Counts of stakeholders and factors leave out suppressed cells (fewer than ``min_n`` raters
or respondents): a count never rests on a cell that is not shown.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from partner_analytics.analysis.indicators import ON_TRACK_STATUSES as ON_TRACK
from partner_analytics.analysis.snapshot import Snapshot, snapshot
from partner_analytics.data.periods import previous_day

__all__ = [
    "ALL",
    "HEADLINE_COLUMNS",
    "HEADLINE_LABELS",
    "ON_TRACK",
    "composition_counts",
    "concern_factors",
    "contested_stakeholders",
    "factor_counts",
    "flagged_gaps",
    "follow_through_total",
    "gap_counts",
    "headline_figures",
    "indicator_status_changes",
    "indicator_status_counts",
    "latest_wave",
    "lowest_fulfilment",
    "overdue_by_partner",
    "stakeholder_counts",
    "stakeholders_moved",
    "stakeholders_moved_since",
    "wave_end",
    "wave_rows",
    "waves_in_order",
]

#: The group, pillar or partner of a row that stands for all of them.
ALL = "(all)"
#: The status of a deteriorating indicator.
DETERIORATION = "deterioration"


# --------------------------------------------------------------------------- waves


def _end_column(frame: pd.DataFrame, column: str) -> str:
    return f"{column}_end" if f"{column}_end" in frame else "wave_end"


def waves_in_order(frame: pd.DataFrame | None, column: str = "wave") -> list[str]:
    """The waves of a frame in time order (by the wave's last day, then its label)."""
    if frame is None or not len(frame):
        return []
    codes, labels = pd.factorize(frame[column])
    if not len(labels):
        return []
    _, first = np.unique(codes[codes >= 0], return_index=True)
    ends = frame[_end_column(frame, column)].to_numpy()[codes >= 0][first]
    labels = [str(x) for x in labels]
    return [labels[i] for i in sorted(range(len(labels)), key=lambda i: (ends[i], labels[i]))]


def latest_wave(frame: pd.DataFrame | None, column: str = "wave") -> str | None:
    """The latest wave of a frame (by its last day, then its label); None when empty."""
    waves = waves_in_order(frame, column)
    return waves[-1] if waves else None


def wave_rows(frame: pd.DataFrame, wave: str | None = None, column: str = "wave") -> pd.DataFrame:
    """The rows of one wave (default: the latest); no rows when the frame has none."""
    if wave is None:
        wave = latest_wave(frame, column)
    return frame[frame[column] == wave] if wave is not None else frame.iloc[0:0]


def wave_end(frame: pd.DataFrame, wave: str, column: str = "wave") -> pd.Timestamp | None:
    """The last day of a wave of a frame (None when the frame does not have the wave)."""
    ends = frame.loc[frame[column] == wave, _end_column(frame, column)]
    return pd.Timestamp(ends.iloc[0]) if len(ends) else None


# --------------------------------------------------------------------------- stakeholders


def _shown_mask(rows: pd.DataFrame) -> pd.Series:
    """Rows that are not suppressed."""
    return ~rows["suppressed"].astype(bool)


def _contested_mask(rows: pd.DataFrame) -> pd.Series:
    """Stakeholders shown and contested."""
    return _shown_mask(rows) & rows["contested"].astype(bool)


def _moved_mask(movement: pd.DataFrame) -> pd.Series:
    """Moves between quadrants that rest on no suppressed cell."""
    return movement["moved"].astype("boolean").fillna(False).astype(bool) & _shown_mask(movement)


def _contested(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[_contested_mask(rows)]


def _moved(movement: pd.DataFrame) -> pd.DataFrame:
    return movement[_moved_mask(movement)]


STAKEHOLDER_COUNT_COLUMNS = [
    "wave", "wave_end", "group", "rated", "not_shown", "manage_closely", "contested", "moved",
    "resistant",
]  # fmt: skip


def _tally(flags: pd.DataFrame, waves: list[str], groups: list[str]) -> dict[str, np.ndarray]:
    """The true flags counted per wave, for every group (:data:`ALL`) then per group: one
    array per flag, wave after wave (0 where a wave has nobody of a group)."""
    w = pd.Index(waves).get_indexer(flags["wave"])
    g = pd.Index(groups).get_indexer(
        flags["group"].astype("object").where(flags["group"].notna(), None)
    )
    cell = w * len(groups) + g
    out = {}
    for col in flags.columns.drop(["wave", "group"]):
        v = flags[col].to_numpy(dtype="int64")
        every = np.bincount(w, weights=v, minlength=len(waves))
        per = np.bincount(cell[g >= 0], weights=v[g >= 0], minlength=len(waves) * len(groups))
        out[col] = np.column_stack([every, per.reshape(len(waves), len(groups))]).ravel()
    return out


def stakeholder_counts(
    power_interest: pd.DataFrame, movement: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How many stakeholders are rated, to manage closely, contested, moved and resistant.

    Parameters
    ----------
    power_interest : DataFrame
        :func:`~partner_analytics.analysis.stakeholders.power_interest`.
    movement : DataFrame, optional
        :func:`~partner_analytics.analysis.stakeholders.stakeholder_movement` (for ``moved``).

    Returns
    -------
    DataFrame
        One row per wave and group, the group :data:`ALL` first (every stakeholder of the
        wave), then each stakeholder group in order of name: ``wave``, ``wave_end``,
        ``group``, ``rated`` (stakeholders shown: not suppressed), ``not_shown`` (suppressed:
        fewer than min_n raters), ``manage_closely`` (shown, quadrant ``manage_closely``),
        ``contested`` (shown and contested), ``moved`` (moved quadrant into this wave, not
        suppressed in either wave), ``resistant`` (shown, stance ``resistant``).
    """
    pi = power_interest
    shown = _shown_mask(pi)
    flags = pd.DataFrame(
        {
            "wave": pi["wave"].astype(str),
            "group": pi["group"],
            "rated": shown,
            "not_shown": ~shown,
            "manage_closely": shown & (pi["quadrant"] == "manage_closely"),
            "contested": _contested_mask(pi),
            "resistant": shown & (pi["stance"] == "resistant").fillna(False),
        }
    )
    moved = None
    if movement is not None and len(movement):
        moved = pd.DataFrame(
            {
                "wave": movement["to_wave"].astype(str),
                "group": movement["group"],
                "moved": _moved_mask(movement),
            }
        )
    waves = waves_in_order(pi)
    groups = sorted({str(g) for g in pi["group"].dropna()})
    ends = dict(zip(pi["wave"].astype(str), pi["wave_end"], strict=False))
    out = pd.DataFrame(
        {
            "wave": pd.array([w for w in waves for _ in range(len(groups) + 1)], dtype="str"),
            "wave_end": pd.to_datetime(
                [ends[w] for w in waves for _ in range(len(groups) + 1)]
            ).astype("datetime64[ns]"),
            "group": pd.array([g for _ in waves for g in (ALL, *groups)], dtype="str"),
            **_tally(flags, waves, groups),
        }
    )
    out["moved"] = _tally(moved, waves, groups)["moved"] if moved is not None else 0
    for c in STAKEHOLDER_COUNT_COLUMNS[3:]:
        out[c] = out[c].astype("int64")
    return out[STAKEHOLDER_COUNT_COLUMNS]


def contested_stakeholders(power_interest: pd.DataFrame, wave: str | None = None) -> pd.DataFrame:
    """The contested stakeholders of a wave (default: the latest), suppressed ones left out."""
    return _contested(wave_rows(power_interest, wave))


def stakeholders_moved(
    movement: pd.DataFrame | None, wave: str | None = None
) -> pd.DataFrame | None:
    """Stakeholders who changed quadrant into ``wave`` (default: any wave), moves resting on
    a suppressed cell left out. Rows of ``movement``; None when there is no movement frame."""
    if movement is None:
        return None
    moved = _moved(movement)
    return moved if wave is None else moved[moved["to_wave"] == wave]


def stakeholders_moved_since(
    movement: pd.DataFrame | None, before: pd.DataFrame | None
) -> pd.DataFrame | None:
    """Stakeholders who changed quadrant in a wave newer than the latest wave of ``before``.

    ``before`` is :func:`power_interest` of the previous period (None or empty: every wave
    counts). Moves resting on a suppressed cell (fewer than min_n raters in either wave)
    are left out. Rows of ``movement``; None when there is no movement frame.
    """
    if movement is None:
        return None
    moved = _moved(movement)
    last = latest_wave(before) if before is not None else None
    if last is not None:
        moved = moved[moved["to_wave_end"] > wave_end(before, last)]
    return moved


# --------------------------------------------------------------------------- collaboration health

FACTOR_COUNT_COLUMNS = [
    "wave", "wave_end", "shown", "concern",
    "strongest_factor", "strongest_mean", "strongest_band",
    "weakest_factor", "weakest_mean", "weakest_band",
]  # fmt: skip


def _concern(shown: pd.DataFrame) -> pd.DataFrame:
    """Shown factors in band ``concern`` (mean below 3.0)."""
    return shown[shown["band"] == "concern"]


def _shown_factors(scores: pd.DataFrame) -> pd.DataFrame:
    """Factors with a mean that is not suppressed."""
    return scores[~scores["suppressed"].astype(bool) & scores["mean"].notna()]


def factor_counts(factor_scores: pd.DataFrame) -> pd.DataFrame:
    """Per wave: the factors shown, those of concern, the strongest and the weakest.

    Returns
    -------
    DataFrame
        One row per wave of :func:`~partner_analytics.analysis.health.factor_scores`:
        ``wave``, ``wave_end``, ``shown`` (factors with a mean that is not suppressed),
        ``concern`` (shown, band ``concern``: mean below 3.0), ``strongest_factor``,
        ``strongest_mean``, ``strongest_band`` (the highest shown mean; the first in the
        instrument's order on a tie) and the same for the weakest (NA without a shown factor).
    """
    rows = []
    for w in waves_in_order(factor_scores):
        cur = factor_scores[factor_scores["wave"] == w]
        shown = _shown_factors(cur)
        row = {"wave": w, "wave_end": cur["wave_end"].iloc[0], "shown": len(shown),
               "concern": len(_concern(shown))}  # fmt: skip
        for side, at in (("strongest", "idxmax"), ("weakest", "idxmin")):
            pick = shown.loc[getattr(shown["mean"], at)()] if len(shown) else None
            row[f"{side}_factor"] = pick["factor"] if pick is not None else pd.NA
            row[f"{side}_mean"] = float(pick["mean"]) if pick is not None else math.nan
            row[f"{side}_band"] = pick["band"] if pick is not None else pd.NA
        rows.append(row)
    out = pd.DataFrame(rows, columns=FACTOR_COUNT_COLUMNS)
    for c in ("shown", "concern"):
        out[c] = out[c].astype("int64")
    for c in ("strongest_mean", "weakest_mean"):
        out[c] = out[c].astype("float64")
    return out


def concern_factors(factor_scores: pd.DataFrame, wave: str | None = None) -> pd.DataFrame:
    """The factors of concern of a wave (default: the latest), the lowest mean first;
    suppressed factors left out."""
    shown = _shown_factors(wave_rows(factor_scores, wave))
    return _concern(shown).sort_values("mean", kind="stable")


def _per_factor(gaps: pd.DataFrame) -> pd.DataFrame:
    """One row per wave and factor (the gap is the same on every group's row)."""
    return gaps.drop_duplicates(["wave", "factor_code"])


def _flagged(per_factor: pd.DataFrame) -> pd.DataFrame:
    """Factors whose gap is flagged (1.0 or more)."""
    return per_factor[per_factor["flagged"].astype("boolean").fillna(False)]


def gap_counts(perception_gaps: pd.DataFrame) -> pd.DataFrame:
    """Per wave: the factors compared between groups and those flagged (gap >= 1.0).

    Returns
    -------
    DataFrame
        ``wave``, ``wave_end``, ``compared`` (factors with a gap: two groups or more not
        suppressed), ``flagged``.
    """
    per = _per_factor(perception_gaps)
    rows = []
    for w in waves_in_order(per):
        cur = per[per["wave"] == w]
        compared = cur[cur["gap"].notna()]
        rows.append({"wave": w, "wave_end": cur["wave_end"].iloc[0], "compared": len(compared),
                     "flagged": len(_flagged(compared))})  # fmt: skip
    out = pd.DataFrame(rows, columns=["wave", "wave_end", "compared", "flagged"])
    for c in ("compared", "flagged"):
        out[c] = out[c].astype("int64")
    return out


def flagged_gaps(perception_gaps: pd.DataFrame, wave: str | None = None) -> pd.DataFrame:
    """The flagged factors of a wave (default: the latest), one row each, largest gap first."""
    per = _per_factor(wave_rows(perception_gaps, wave))
    return _flagged(per).sort_values("gap", ascending=False, kind="stable")


# --------------------------------------------------------------------------- commitments


def follow_through_total(follow_through: pd.DataFrame | None) -> pd.Series | None:
    """The row of all partners of :func:`~partner_analytics.analysis.delivery.follow_through`
    (None without one)."""
    if follow_through is None:
        return None
    from partner_analytics.analysis.delivery import OVERALL_ID

    overall = follow_through[follow_through["partner_id"] == OVERALL_ID]
    return overall.iloc[0] if len(overall) else None


def overdue_by_partner(overdue: pd.DataFrame, before: pd.DataFrame | None = None) -> pd.DataFrame:
    """Overdue commitments per partner: how many, the oldest, and how many before.

    Parameters
    ----------
    overdue, before : DataFrame
        :func:`~partner_analytics.analysis.delivery.overdue_commitments` now and (optional)
        as of the previous period.

    Returns
    -------
    DataFrame
        ``partner_id``, ``partner`` (the name, else the id), ``n``, ``oldest_days``,
        ``n_before`` (0 without a previous frame), the most overdue commitments first, then
        by name.
    """
    cols = ["partner_id", "partner", "n", "oldest_days", "n_before"]
    if overdue is None or not len(overdue):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    per = (
        overdue.groupby(["partner_id", "partner"], dropna=False)
        .agg(n=("commitment_id", "size"), oldest_days=("days_overdue", "max"))
        .reset_index()
        .sort_values(["n", "partner"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    per["partner"] = per["partner"].where(per["partner"].notna(), per["partner_id"])
    counts = before.groupby("partner_id").size() if before is not None and len(before) else None
    per["n_before"] = (
        per["partner_id"].map(counts).fillna(0).astype("int64") if counts is not None else 0
    )
    per["n"] = per["n"].astype("int64")
    per["oldest_days"] = per["oldest_days"].astype("int64")
    return per[cols]


# --------------------------------------------------------------------------- contributions


def lowest_fulfilment(by_partner: pd.DataFrame | None) -> pd.Series | None:
    """The partner that has delivered the smallest share of its pledges (ties by name), from
    ``contribution_summary(p, by=("partner_id",))``; None when nobody pledged anything."""
    if by_partner is None or not len(by_partner):
        return None
    pledged = by_partner[by_partner["pledged"] > 0]
    if not len(pledged):
        return None
    return pledged.sort_values(["fulfilment", "partner"], kind="stable").iloc[0]


# --------------------------------------------------------------------------- indicators

STATUS_COUNT_COLUMNS = [
    "pillar", "n", "on_track", "target_achieved", "substantial_progress", "moderate_progress",
    "limited_progress", "moderate_or_limited", "deterioration", "not_available",
]  # fmt: skip


def indicator_status_counts(scores: pd.DataFrame) -> pd.DataFrame:
    """How many indicators have each status, for all pillars and per pillar.

    Parameters
    ----------
    scores : DataFrame
        :func:`~partner_analytics.analysis.indicators.indicator_scores`.

    Returns
    -------
    DataFrame
        One row for all indicators (pillar :data:`ALL`), then one per pillar present:
        ``n`` (indicators), ``on_track`` (target achieved or substantial progress: the one
        definition of "on track"; target achieved is not counted again beside it), one
        column per status, and ``moderate_or_limited``. The status columns add up to ``n``.
    """
    pillars = [str(x) for x in dict.fromkeys(scores["pillar"].dropna())]
    statuses = ["target_achieved", "substantial_progress", "moderate_progress",
                "limited_progress", DETERIORATION, "not_available"]  # fmt: skip
    flags = pd.DataFrame({s: (scores["status"] == s).fillna(False) for s in statuses})
    flags["n"] = True
    flags["on_track"] = scores["status"].isin(ON_TRACK)
    flags["wave"] = "now"  # one "wave": the indicators as scored
    flags["group"] = scores["pillar"]
    counts = _tally(flags, ["now"], pillars)
    out = pd.DataFrame({"pillar": pd.array([ALL, *pillars], dtype="str"), **counts})
    out["moderate_or_limited"] = out["moderate_progress"] + out["limited_progress"]
    for c in STATUS_COUNT_COLUMNS[1:]:
        out[c] = out[c].astype("int64")
    return out[STATUS_COUNT_COLUMNS]


def indicator_status_changes(
    scores: pd.DataFrame, before: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each indicator's status now and in the previous period, and how it changed.

    Parameters
    ----------
    scores, before : DataFrame
        :func:`~partner_analytics.analysis.indicators.indicator_scores` now and (optional)
        as of the previous period.

    Returns
    -------
    DataFrame
        One row per indicator of ``scores``, in its order: ``parent_id``, ``name``,
        ``pillar``, ``status``, ``score``, ``status_before`` (NA when not scored before) and
        flags: ``changed`` (scored before with another status), ``deteriorated``
        (deteriorating now and not before, or new), ``still_deteriorating``, ``fell_back``
        (on track before, neither on track nor deteriorating now), ``moved_on_track`` (on
        track now, scored before and not on track).
    """
    out = scores[["parent_id", "name", "pillar", "status", "score"]].reset_index(drop=True)
    was = (
        dict(zip(before["parent_id"], before["status"], strict=True)) if before is not None else {}
    )
    out["status_before"] = pd.array([was.get(i, pd.NA) for i in out["parent_id"]], dtype="str")
    now, prev = out["status"], out["status_before"]
    known = prev.notna()
    det_now, det_before = now == DETERIORATION, (prev == DETERIORATION).fillna(False)
    on_now, on_before = now.isin(ON_TRACK), prev.isin(ON_TRACK)
    out["changed"] = (known & (prev != now)).fillna(False).astype(bool)
    out["deteriorated"] = (det_now & ~det_before).astype(bool)
    out["still_deteriorating"] = (det_now & det_before).astype(bool)
    out["fell_back"] = (on_before & ~on_now & ~det_now).astype(bool)
    out["moved_on_track"] = (on_now & known & ~on_before).astype(bool)
    return out


# --------------------------------------------------------------------------- composition


def composition_counts(sector_diversity: pd.DataFrame) -> pd.Series:
    """Active partners, sectors represented and the public-private-only flag, from
    :func:`~partner_analytics.analysis.competencies.sector_diversity`."""
    n = sector_diversity["n_partners"]
    return pd.Series(
        {
            "active_partners": int(n.sum()),
            "sectors": int((n > 0).sum()),
            "sectors_listed": len(sector_diversity),
            "public_private_only": bool(
                len(sector_diversity) and sector_diversity["public_private_only"].iloc[0]
            ),
        },
        dtype="object",
    )


# --------------------------------------------------------------------------- headline figures

HEADLINE_COLUMNS = [
    "figure", "label", "section", "unit", "currency", "better",
    "now", "now_total", "period_now", "suppressed_now",
    "previous", "previous_total", "period_previous", "suppressed_previous",
    "change", "note",
]  # fmt: skip

# figure, label, section, unit, better ("higher", "lower" or None)
_HEADLINES = [
    ("active_partners", "Active partners", "composition", "count", None),
    ("sectors", "Sectors represented", "composition", "count", "higher"),
    ("manage_closely", "Stakeholders to manage closely", "stakeholders", "count", None),
    ("contested", "Contested stakeholders", "stakeholders", "count", "lower"),
    ("health_index", "Collaboration health index (0-100)", "health", "points", "higher"),
    ("concern_factors", "Factors of concern (mean below 3.0)", "health", "count", "lower"),
    ("perception_gaps", "Factors seen differently by sectors (gap of 1.0 or more)", "health", "count", "lower"),
    ("follow_through", "Commitments kept on time (% of those due)", "commitments", "percent", "higher"),
    ("overdue", "Overdue commitments", "commitments", "count", "lower"),
    ("delivered", "Contributions delivered (to date)", "contributions", "money", "higher"),
    ("fulfilment", "Pledged value delivered (%)", "contributions", "percent", "higher"),
    ("on_track", "Indicators on track or target achieved", "indicators", "count", "higher"),
    ("deteriorating", "Indicators deteriorating", "indicators", "count", "lower"),
    ("alignment_index", "Competency alignment index (0-100)", "competencies", "points", "higher"),
    ("readiness", "Readiness score (%)", "readiness", "percent", "higher"),
]  # fmt: skip

#: section -> the labels of its headline figures, in report order
HEADLINE_LABELS: dict[str, tuple[str, ...]] = {
    sec: tuple(lab for _, lab, s, _, _ in _HEADLINES if s == sec)
    for sec in dict.fromkeys(s for _, _, s, _, _ in _HEADLINES)
}


class _Figures(dict):
    """The headline figures of one snapshot: key -> value, total, period, suppressed, note."""

    def put(self, key, value=math.nan, *, total=math.nan, period=None, suppressed=False,
            note=None, currency=None) -> None:  # fmt: skip
        self[key] = {
            "value": float(value) if value is not None else math.nan,
            "total": float(total) if total is not None else math.nan,
            "period": period,
            "suppressed": bool(suppressed),
            "note": note,
            "currency": currency,
        }


def _latest_counts(frame: pd.DataFrame, counts) -> pd.Series:
    """The counts of the latest wave of ``frame`` (all groups): ``counts`` of its rows."""
    out = counts(wave_rows(frame))
    return out[out["group"] == ALL].iloc[0] if "group" in out else out.iloc[0]


def _composition(s: Snapshot, out: _Figures) -> None:
    div = s.get("sector_diversity")
    if div is None:
        out.put("active_partners", note=s.problem("sector_diversity"))
        out.put("sectors", note=s.problem("sector_diversity"))
        return
    c = composition_counts(div)
    out.put("active_partners", c["active_partners"], period=s.label)
    out.put("sectors", c["sectors"], total=c["sectors_listed"], period=s.label)


def _stakeholders(s: Snapshot, out: _Figures) -> None:
    pi = s.get("power_interest")
    if pi is None or not len(pi):
        note = s.problem("power_interest") or f"no stakeholder ratings on or before {s.label}"
        out.put("manage_closely", note=note)
        out.put("contested", note=note)
        return
    row = _latest_counts(pi, stakeholder_counts)
    out.put("manage_closely", row["manage_closely"], total=row["rated"], period=row["wave"])
    out.put("contested", row["contested"], total=row["rated"], period=row["wave"])


def _health(s: Snapshot, out: _Figures) -> None:
    def missing(key, name):
        out.put(key, note=s.problem(name) or f"no assessments on or before {s.label}")

    hi = s.get("health_index")
    if hi is None or not len(hi):
        missing("health_index", "health_index")
    else:
        last = wave_rows(hi).iloc[0]
        out.put("health_index", last["index"], period=last["wave"],
                suppressed=bool(last["suppressed"]))  # fmt: skip
    fs = s.get("factor_scores")
    if fs is None or not len(fs):
        missing("concern_factors", "factor_scores")
    else:
        row = _latest_counts(fs, factor_counts)
        out.put("concern_factors", row["concern"], total=row["shown"], period=row["wave"])
    pg = s.get("perception_gaps")
    if pg is None or not len(pg):
        missing("perception_gaps", "perception_gaps")
    else:
        row = _latest_counts(pg, gap_counts)
        out.put("perception_gaps", row["flagged"], total=row["compared"], period=row["wave"])


def _commitments(s: Snapshot, out: _Figures) -> None:
    ft = s.get("follow_through")
    if ft is None:
        out.put("follow_through", note=s.problem("follow_through"))
        out.put("overdue", note=s.problem("follow_through"))
        return
    row = follow_through_total(ft)
    due = int(row["due"])
    out.put("follow_through", 100.0 * row["rate"] if due else math.nan, total=due, period=s.label,
            note=None if due else f"no commitment was due by {s.label}")  # fmt: skip
    out.put("overdue", row["overdue"], total=due, period=s.label)


def _contributions(s: Snapshot, out: _Figures) -> None:
    ct = s.get("contribution_total")
    if ct is None:
        out.put("delivered", note=s.problem("contribution_total"))
        out.put("fulfilment", note=s.problem("contribution_total"))
    elif not len(ct) or float(ct["pledged"].iloc[0]) == 0:
        out.put(
            "delivered", 0.0, period=s.label, note=f"no contribution dated on or before {s.label}"
        )
        out.put("fulfilment", note=f"nothing pledged on or before {s.label}")
    else:
        row = ct.iloc[0]
        cur = row["currency"] if isinstance(row["currency"], str) else None
        out.put("delivered", row["delivered"], total=row["pledged"], period=s.label, currency=cur)
        out.put("fulfilment", 100.0 * row["fulfilment"], period=s.label)


def _indicators(s: Snapshot, out: _Figures) -> None:
    sc = s.get("indicator_scores")
    if sc is None:
        out.put("on_track", note=s.problem("indicator_scores"))
        out.put("deteriorating", note=s.problem("indicator_scores"))
        return
    row = indicator_status_counts(sc).iloc[0]
    out.put("on_track", row["on_track"], total=row["n"], period=s.label)
    out.put("deteriorating", row[DETERIORATION], total=row["n"], period=s.label)


def _competencies(s: Snapshot, out: _Figures) -> None:
    ai = s.get("alignment_index")
    if ai is None:
        out.put("alignment_index", note=s.problem("alignment_index"))
    else:
        out.put("alignment_index", ai, period=s.label)


def _readiness(s: Snapshot, out: _Figures) -> None:
    rd = s.get("readiness")
    if rd is None or not len(rd):
        out.put("readiness",
                note=s.problem("readiness") or f"no readiness review on or before {s.label}")  # fmt: skip
        return
    row = rd.iloc[-1]
    out.put("readiness", row["score"], total=row["elements"],
            period=pd.Timestamp(row["review_date"]).date().isoformat())  # fmt: skip


_SECTIONS = (_composition, _stakeholders, _health, _commitments, _contributions, _indicators,
             _competencies, _readiness)  # fmt: skip


def _figure_values(s: Snapshot) -> dict[str, dict]:
    """Every headline figure of one snapshot: value, total, period, suppressed, note (kept
    with the partnership: the day before of one report is the day of the next)."""
    done = s.source.cache.setdefault("headline_values", {})
    key = (s.as_of, s.min_n)
    if key not in done:
        out = _Figures()
        for section in _SECTIONS:
            section(s, out)
        done[key] = out
    return done[key]


def headline_figures(p, *, as_of, previous=None, min_n: int | None = None) -> pd.DataFrame:
    """Every headline figure of a report as of a day, in the previous period, and the change.

    Parameters
    ----------
    p : Partnership
        A loaded package (any tables; a figure whose table is missing says so in ``note``).
    as_of : date or period label
        The day of the report ("2026-09-30" or "2026-Q3", which stands for its last day).
    previous : date or period label, optional
        The day to compare with; default: the end of the period before (see
        :func:`~partner_analytics.data.periods.previous_day`).
    min_n : int, optional
        The small-cell threshold passed to the analyses (default: ``p.min_n``).

    Returns
    -------
    pandas.DataFrame
        One row per figure, in report order:

        - ``figure``: key (``health_index``, ``overdue``, ...); ``label``: plain words;
          ``section``: the report section; ``unit``: count, points, percent or money;
          ``currency``: for money; ``better``: "higher", "lower" or NA (neither)
        - ``now``, ``now_total`` (the denominator or the whole a count is out of: rated
          stakeholders, scored factors, indicators, commitments due, value pledged,
          elements reviewed; NaN when none applies), ``period_now`` (the wave, review date
          or period the value comes from), ``suppressed_now`` (the value rests on fewer
          than min_n people: show "n < {min_n}")
        - ``previous``, ``previous_total``, ``period_previous``, ``suppressed_previous``
        - ``change``: now - previous (NaN when either is missing or suppressed)
        - ``note``: why a value is missing (the missing table, no data yet)

    Notes
    -----
    Every value is read from an analysis frame of the view as of the day (see
    :func:`~partner_analytics.analysis.snapshot.as_of_view` and
    :class:`~partner_analytics.analysis.snapshot.Snapshot`) through the counts of this
    module, never recomputed:

    - wave-based figures (stakeholders, health) use the latest wave ending on or before
      the day; when no new wave came in between the two days, both sides show the same
      wave and the change is 0;
    - counts of stakeholders and factors exclude suppressed cells (fewer than min_n
      raters or respondents), and ``now_total`` counts only the cells shown
      (:func:`stakeholder_counts`, :func:`factor_counts`, :func:`gap_counts`);
    - follow-through and overdue use the overall row of ``follow_through`` (percent =
      100 * on_time / due); delivered and fulfilment the total of
      ``contribution_summary(by=())``; indicators :func:`indicator_status_counts` (on
      track = target achieved or substantial progress); the alignment index
      ``alignment_index``; readiness the latest review's ``score``.
    """
    now_snap = snapshot(p, as_of, min_n=min_n)
    prev_snap = snapshot(p, previous_day(as_of, previous), min_n=min_n)
    # kept with the partnership, like its snapshots: a report's summary, its highlights and
    # its sections ask for the same figures
    key = (now_snap.as_of, prev_snap.as_of, now_snap.min_n)
    done = p.cache.setdefault("headline_figures", {})
    if key not in done:
        done[key] = _headline_frame(now_snap, prev_snap)
    return done[key].copy()


def _headline_frame(now_snap: Snapshot, prev_snap: Snapshot) -> pd.DataFrame:
    now, prev = _figure_values(now_snap), _figure_values(prev_snap)
    rows = []
    for key, label, section, unit, better in _HEADLINES:
        a, b = now[key], prev[key]
        usable = not (a["suppressed"] or b["suppressed"])
        rows.append(
            {
                "figure": key,
                "label": label,
                "section": section,
                "unit": unit,
                "currency": a["currency"] or b["currency"],
                "better": better,
                "now": a["value"],
                "now_total": a["total"],
                "period_now": a["period"],
                "suppressed_now": a["suppressed"],
                "previous": b["value"],
                "previous_total": b["total"],
                "period_previous": b["period"],
                "suppressed_previous": b["suppressed"],
                "change": a["value"] - b["value"] if usable else math.nan,
                "note": a["note"] or (f"previous period: {b['note']}" if b["note"] else None),
            }
        )
    out = pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
    for c in ("figure", "label", "section", "unit", "currency", "better", "period_now",
              "period_previous", "note"):  # fmt: skip
        out[c] = out[c].astype("str")
    for c in ("now", "now_total", "previous", "previous_total", "change"):
        out[c] = out[c].astype("float64")
    for c in ("suppressed_now", "suppressed_previous"):
        out[c] = out[c].astype("bool")
    out.attrs["min_n"] = now_snap.min_n
    return out
