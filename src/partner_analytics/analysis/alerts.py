"""The alert conditions as of a day: what raises an alert, one row per source.

An alert of the report and the overview is one sentence (worded by
:mod:`partner_analytics.present.highlights`) that rests on one or more *sources*: the
indicators that moved to deterioration, each overdue commitment of a partner, each contested
stakeholder, each factor that sectors see very differently. :func:`alert_sources` lists
them with the ``source_kind`` and ``source_id`` an action names (table ``actions``), so that
alerts and actions join on these two columns
(:func:`~partner_analytics.analysis.actions.alert_actions`).

==========================  =========  ============  ==========================================
rule                        severity   source_kind   sources
==========================  =========  ============  ==========================================
indicators_deteriorated     alert      indicator     status deterioration now and not in the
                                                     previous period (every deteriorating
                                                     indicator when there is none to compare)
overdue_by_partner          alert      commitment    every overdue commitment; one alert per
                                                     partner
contested_stakeholders      alert      stakeholder   contested in the latest wave (suppressed
                                                     stakeholders left out)
perception_gaps             alert      factor        a gap of 1.0 or more between sectors in
                                                     the latest wave
indicators_still_bad        watch      indicator     deteriorating now and before: the alert
                                                     was raised in an earlier period and the
                                                     indicator has not recovered
==========================  =========  ============  ==========================================

The counts and comparisons come from :mod:`partner_analytics.analysis.headlines` (status
changes, overdue commitments per partner, contested stakeholders, flagged gaps, and the
headline figures for the counts of the previous period), of the snapshots of the two days.
"""

from __future__ import annotations

import math

import pandas as pd

from partner_analytics.analysis import headlines as H
from partner_analytics.analysis.snapshot import Snapshot, snapshot
from partner_analytics.data.periods import previous_day

__all__ = ["ALERT_COLUMNS", "ALERT_RULES", "alert_sources"]

#: The rules that raise an alert, in the order alerts are reported.
ALERT_RULES = (
    "indicators_deteriorated", "overdue_by_partner", "contested_stakeholders", "perception_gaps"
)  # fmt: skip
#: A condition still holding that raised an alert before (severity watch).
STILL_BAD = "indicators_still_bad"

ALERT_COLUMNS = [
    "alert", "rule", "severity", "source_kind", "source_id", "source", "partner_id", "partner",
    "wave", "n", "n_before", "days_overdue", "gap", "highest_group", "lowest_group",
]  # fmt: skip
_TEXT = ["alert", "rule", "severity", "source_kind", "source_id", "source", "partner_id",
         "partner", "wave", "highest_group", "lowest_group"]  # fmt: skip


def _names(p, ids: pd.Series) -> list:
    """The names of partners (NA where there is no partner or it is not in the table)."""
    names = dict(zip(p.partners["partner_id"], p.partners["name"], strict=True))
    return [names.get(i, pd.NA) if isinstance(i, str) else pd.NA for i in ids]


def _rows(alert: str, rule: str, severity: str, kind: str, ids, sources, **columns) -> pd.DataFrame:
    n = len(ids)
    frame = pd.DataFrame(
        {"alert": alert, "rule": rule, "severity": severity, "source_kind": kind,
         "source_id": list(ids), "source": list(sources)},
        index=range(n),
    )  # fmt: skip
    for c, v in columns.items():
        frame[c] = list(v) if isinstance(v, (list, pd.Series, pd.Index)) else v
    frame["n"] = n
    return frame


def _previous(head: pd.DataFrame, figure: str) -> float:
    v = head.loc[figure, "previous"]
    return float(v) if not pd.isna(v) else math.nan


def _indicators(now: Snapshot, prev: Snapshot, head: pd.DataFrame) -> list[pd.DataFrame]:
    a = now.get("indicator_scores")
    if a is None or not len(a):
        return []
    ch = H.indicator_status_changes(a, prev.get("indicator_scores"))
    ind = now.view.indicators
    owner = dict(zip(ind["indicator_id"], ind["owner_partner_id"], strict=True))
    before = _previous(head, "deteriorating")
    out = []
    for rule, severity, flag in (
        ("indicators_deteriorated", "alert", "deteriorated"),
        (STILL_BAD, "watch", "still_deteriorating"),
    ):
        rows = ch[ch[flag]]
        if len(rows):
            owners = pd.Series([owner.get(i, pd.NA) for i in rows["parent_id"]], dtype="str")
            frame = _rows(
                rule, rule, severity, "indicator", rows["parent_id"], rows["name"],
                partner_id=owners, partner=_names(now.view, owners), n_before=before,
            )  # fmt: skip
            out.append(frame)
    return out


def _commitments(now: Snapshot, prev: Snapshot) -> list[pd.DataFrame]:
    od = now.get("overdue_commitments")
    if od is None or not len(od):
        return []
    per = H.overdue_by_partner(od, prev.get("overdue_commitments"))
    out = []
    for r in per.itertuples(index=False):
        mine = od[od["partner_id"] == r.partner_id]  # the oldest first
        frame = _rows(
            f"overdue_by_partner:{r.partner_id}", "overdue_by_partner", "alert", "commitment",
            mine["commitment_id"], mine["description"], partner_id=r.partner_id,
            partner=r.partner, n_before=float(r.n_before), days_overdue=mine["days_overdue"],
        )  # fmt: skip
        out.append(frame)
    return out


def _stakeholders(now: Snapshot, head: pd.DataFrame) -> list[pd.DataFrame]:
    pi = now.get("power_interest")
    wave = H.latest_wave(pi)
    if wave is None:
        return []
    contested = H.contested_stakeholders(pi, wave)
    if not len(contested):
        return []
    st = now.view.stakeholders
    partner = dict(zip(st["stakeholder_id"], st["partner_id"], strict=True))
    ids = pd.Series([partner.get(s, pd.NA) for s in contested["stakeholder_id"]], dtype="str")
    rule = "contested_stakeholders"
    frame = _rows(
        rule, rule, "alert", "stakeholder", contested["stakeholder_id"], contested["name"],
        partner_id=ids, partner=_names(now.view, ids), wave=wave,
        n_before=_previous(head, "contested"),
    )  # fmt: skip
    return [frame]


def _gaps(now: Snapshot, head: pd.DataFrame) -> list[pd.DataFrame]:
    pg = now.get("perception_gaps")
    if pg is None or not len(pg):
        return []
    flagged = H.flagged_gaps(pg)  # the latest wave, the largest gap first
    if not len(flagged):
        return []
    rule = "perception_gaps"
    frame = _rows(
        rule, rule, "alert", "factor", flagged["factor_code"], flagged["factor"],
        wave=H.latest_wave(pg), gap=flagged["gap"], highest_group=flagged["highest_group"],
        lowest_group=flagged["lowest_group"], n_before=_previous(head, "perception_gaps"),
    )  # fmt: skip
    return [frame]


def _frame(now: Snapshot, prev: Snapshot, head: pd.DataFrame) -> pd.DataFrame:
    parts = [
        *_indicators(now, prev, head),
        *_commitments(now, prev),
        *_stakeholders(now, head),
        *_gaps(now, head),
    ]
    parts = [f.reindex(columns=ALERT_COLUMNS) for f in parts]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ALERT_COLUMNS)
    # alerts in the order they are reported, the watch conditions last
    order = {r: i for i, r in enumerate((*ALERT_RULES, STILL_BAD))}
    out = (
        out.assign(_o=out["rule"].map(order), _i=range(len(out)))
        .sort_values(["_o", "_i"], kind="stable")
        .drop(columns=["_o", "_i"])
        .reset_index(drop=True)
    )
    for c in _TEXT:
        out[c] = out[c].astype("str")
    out["n"] = out["n"].astype("int64")
    for c in ("n_before", "gap"):
        out[c] = out[c].astype("float64")
    out["days_overdue"] = out["days_overdue"].astype("Int64")
    out.attrs["as_of"] = now.as_of
    out.attrs["previous"] = prev.as_of
    return out


def alert_sources(p, *, as_of, previous=None, min_n: int | None = None) -> pd.DataFrame:
    """The sources of every alert as of a day, one row each (and of the conditions that
    still hold since an earlier alert).

    Parameters
    ----------
    p : Partnership
        A loaded package; rules whose tables are missing raise nothing.
    as_of : date or period label
        The day ("2026-09-30" or "2026-Q3", which stands for its last day).
    previous : date or period label, optional
        The day compared with (default: the end of the period before).
    min_n : int, optional
        The small-cell threshold (default: ``p.min_n``): suppressed stakeholders and
        factors never raise an alert.

    Returns
    -------
    pandas.DataFrame
        One row per source, alerts first (in the order of :data:`ALERT_RULES`), then the
        watch conditions; within an alert in the order its sentence names them
        (commitments the oldest first, factors the largest gap first):

        - ``alert``: the alert (one sentence) the row belongs to: the rule, and for
          overdue commitments ``overdue_by_partner:<partner_id>`` (one alert per partner)
        - ``rule``, ``severity`` (``alert``, or ``watch`` for indicators still
          deteriorating)
        - ``source_kind`` (indicator, commitment, stakeholder, factor) and ``source_id``
          (indicator_id, commitment_id, stakeholder_id, factor_code): what an action names
        - ``source``: its name (the commitment's description)
        - ``partner_id``, ``partner``: the partner the source belongs to (the commitment's
          partner, the indicator's owner, the stakeholder's partner organisation; NA for
          factors and where none is given)
        - ``wave``: the wave of a contested stakeholder or a flagged gap
        - ``n``: the sources of the alert; ``n_before``: the same count in the previous
          period (deteriorating indicators, overdue commitments of the partner, contested
          stakeholders, flagged gaps; NaN when the previous period has none to count)
        - ``days_overdue`` (commitments), ``gap``, ``highest_group``, ``lowest_group``
          (factors)

    Notes
    -----
    The frame of a day is kept with the partnership (``p.cache``): the report's summary,
    its actions section and the overview ask for the same one.
    """
    now = snapshot(p, as_of, min_n=min_n)
    prev = snapshot(p, previous_day(as_of, previous), min_n=min_n)
    key = (now.as_of, prev.as_of, now.min_n)
    done = p.cache.setdefault("alert_sources", {})
    if key not in done:
        head = H.headline_figures(p, as_of=now.as_of, previous=prev.as_of, min_n=now.min_n)
        done[key] = _frame(now, prev, head.set_index("figure"))
    return done[key].copy()
