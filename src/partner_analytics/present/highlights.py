"""Highlights: plain sentences written by rules, each backed by a number of the report.

:func:`highlights` reads the analyses of a partnership as of a day and of the period before
(:mod:`partner_analytics.analysis.snapshot`) and writes one sentence per rule that applies, with
the number it rests on (``value``) and that number in the previous period
(``previous_value``). :func:`alerts` keeps the alerts: indicators that moved to
deterioration, partners with overdue commitments, contested stakeholders and factors that
sectors see very differently.

The rules (docs/reports.md lists them too), in the order they are reported:

========================  =========  ==========================================================
rule                      severity   applies when
========================  =========  ==========================================================
indicators_deteriorated   alert      an indicator's status is deterioration now, not before
overdue_by_partner        alert      a partner has overdue commitments (one sentence each)
contested_stakeholders    alert      stakeholders (not suppressed) are contested, latest wave
perception_gaps           alert      factors with a sector gap >= 1.0, latest wave
indicators_still_bad      watch      indicators deteriorating now and before
indicators_fell_back      watch      indicators on track before and no longer (not deteriorating)
follow_through            watch/...  always with commitments due: watch when the rate fell by 5
                                     points or more, good when it rose by 5 or more, else info
concern_factors           watch      factors (not suppressed) with a mean below 3.0, latest wave
health_index              good/...   always with a usable index: good when it rose by 1 point
                                     or more, watch when it fell by 1 or more or is below 50
stakeholders_moved        watch      stakeholders (not suppressed) changed quadrant in a wave
                                     newer than the previous period's
fulfilment                watch/info always with pledges: watch when the share delivered fell
                                     by 5 points or more
lowest_fulfilment         watch      the partner with the lowest delivered share is below 75 %
public_private_only       watch      no active civil-society partner
single_points_of_failure  watch      objective areas covered (level >= 2) by one sector only
readiness                 watch/good the latest review: watch while elements are missing
indicators_on_track       good/info  always with indicators: good when more are on track than
                                     before
indicators_improved       good       indicators on track now that were not before
partners                  info       always: active partners and sectors
upcoming_commitments      info       commitments fall due in the next 30 days
best_candidate            info       a candidate would raise the alignment index
========================  =========  ==========================================================

Counts of stakeholders and factors leave out suppressed cells (fewer than ``min_n`` raters
or respondents); a suppressed number is never written into a sentence.
"""

from __future__ import annotations

import math

import pandas as pd

from partner_analytics.analysis.snapshot import (
    Snapshot,
    snapshot,
)
from partner_analytics.data.periods import previous_day
from partner_analytics.present.formats import fmt_money, fmt_number, label

__all__ = ["HIGHLIGHT_COLUMNS", "SEVERITIES", "alerts", "highlights"]

HIGHLIGHT_COLUMNS = ["topic", "severity", "sentence", "value", "previous_value", "rule"]
SEVERITIES = ("alert", "watch", "good", "info")

ON_TRACK = ("target_achieved", "substantial_progress")
#: Change in percentage points of follow-through or fulfilment that is worth a word.
RATE_STEP = 5.0
#: Change in index points of the health index that is worth a word.
INDEX_STEP = 1.0
#: A partner delivering less than this share of its pledges is named.
LOW_FULFILMENT = 0.75
#: Names listed in a sentence before "and k more".
MAX_NAMES = 5


# --------------------------------------------------------------------------- helpers


def _names(names: list[str]) -> str:
    names = [str(n) for n in names]
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    return ", ".join(names[:MAX_NAMES]) + f" and {len(names) - MAX_NAMES} more"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _pct(v: float, digits: int = 0) -> str:
    return fmt_number(v, digits) + " %"


def _latest_wave(frame: pd.DataFrame | None, col: str = "wave", end: str = "wave_end"):
    if frame is None or not len(frame):
        return None
    return frame.sort_values(end, kind="stable")[col].iloc[-1]


def _rows_of(frame: pd.DataFrame | None, wave, col: str = "wave") -> pd.DataFrame | None:
    if frame is None or wave is None:
        return None
    return frame[frame[col] == wave]


class _Writer:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, rule, topic, severity, sentence, value=math.nan, previous_value=math.nan):
        self.rows.append(
            {
                "topic": topic,
                "severity": severity,
                "sentence": sentence,
                "value": float(value) if value is not None else math.nan,
                "previous_value": float(previous_value) if previous_value is not None else math.nan,
                "rule": rule,
            }
        )


# --------------------------------------------------------------------------- rules


def _indicators(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    a, b = now.get("indicator_scores"), prev.get("indicator_scores")
    if a is None or not len(a):
        return
    n = len(a)
    status_now = dict(zip(a["parent_id"], a["status"], strict=True))
    names = dict(zip(a["parent_id"], a["name"], strict=True))
    status_before = dict(zip(b["parent_id"], b["status"], strict=True)) if b is not None else {}
    since = prev.label
    bad_before = sum(1 for s in status_before.values() if s == "deterioration")

    moved = [
        i
        for i, s in status_now.items()
        if s == "deterioration" and status_before.get(i) != "deterioration"
    ]
    if moved and b is not None:
        w.add(
            "indicators_deteriorated", "indicators", "alert",
            f"{len(moved)} of {n} indicators moved to deterioration since {since}: "
            f"{_names([names[i] for i in moved])}.",
            len(moved), bad_before,
        )  # fmt: skip
    still = [
        i
        for i, s in status_now.items()
        if s == "deterioration" and status_before.get(i) == "deterioration"
    ]
    if still:
        w.add(
            "indicators_still_bad", "indicators", "watch",
            f"{len(still)} of {n} indicators are still deteriorating: {_names([names[i] for i in still])}.",
            len(still), bad_before,
        )  # fmt: skip
    if b is None:
        # no previous period to compare with: every deteriorating indicator is news
        bad = [i for i, s in status_now.items() if s == "deterioration"]
        if bad:
            w.add(
                "indicators_deteriorated", "indicators", "alert",
                f"{len(bad)} of {n} indicators are deteriorating: {_names([names[i] for i in bad])}.",
                len(bad),
            )  # fmt: skip
    fell = [
        i for i, s in status_now.items()
        if status_before.get(i) in ON_TRACK and s not in ON_TRACK and s != "deterioration"
    ]  # fmt: skip
    if fell:
        w.add(
            "indicators_fell_back", "indicators", "watch",
            f"{len(fell)} of {n} indicators fell back from on track since {since}: "
            + _names([f"{names[i]} (now {label(status_now[i]).lower()})" for i in fell]) + ".",
            len(fell),
        )  # fmt: skip
    on_now = sum(1 for s in status_now.values() if s in ON_TRACK)
    on_before = (
        sum(1 for s in status_before.values() if s in ON_TRACK) if b is not None else math.nan
    )
    sentence = f"{on_now} of {n} indicators are on track or have achieved their target"
    if b is not None:
        sentence += f" ({on_before} in {since})."
    else:
        sentence += "."
    good = b is not None and on_now > on_before
    w.add(
        "indicators_on_track", "indicators", "good" if good else "info", sentence, on_now, on_before
    )
    improved = [
        i
        for i, s in status_now.items()
        if s in ON_TRACK and i in status_before and status_before[i] not in ON_TRACK
    ]
    if improved:
        w.add(
            "indicators_improved", "indicators", "good",
            f"{len(improved)} of {n} indicators moved on track since {since}: "
            + _names([f"{names[i]} ({label(status_now[i]).lower()})" for i in improved]) + ".",
            len(improved),
        )  # fmt: skip


def _commitments(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    ft = now.get("follow_through")
    if ft is None:
        return
    od = now.get("overdue_commitments")
    od_prev = prev.get("overdue_commitments")
    before = od_prev.groupby("partner_id").size().to_dict() if od_prev is not None else {}
    if od is not None and len(od):
        per = (
            od.groupby(["partner_id", "partner"], dropna=False)
            .agg(n=("commitment_id", "size"), oldest=("days_overdue", "max"))
            .reset_index()
            .sort_values(["n", "partner"], ascending=[False, True], kind="stable")
        )
        for r in per.itertuples(index=False):
            name = r.partner if isinstance(r.partner, str) else r.partner_id
            w.add(
                "overdue_by_partner", "commitments", "alert",
                f"{name} has {_plural(int(r.n), 'overdue commitment')}; the oldest is "
                f"{_plural(int(r.oldest), 'day')} overdue.",
                int(r.n), before.get(r.partner_id, 0),
            )  # fmt: skip
    overall = ft.iloc[-1]
    due = int(overall["due"])
    if due:
        rate = 100.0 * float(overall["rate"])
        ftp = prev.get("follow_through")
        prate = math.nan
        if ftp is not None and int(ftp.iloc[-1]["due"]):
            prate = 100.0 * float(ftp.iloc[-1]["rate"])
        sentence = (
            f"{_pct(rate)} of the {due} commitments due by {now.as_of.date().isoformat()} "
            "were kept on time"
        )
        severity = "info"
        if not math.isnan(prate):
            sentence += f" ({_pct(prate)} at {prev.as_of.date().isoformat()})"
            if rate - prate <= -RATE_STEP:
                severity = "watch"
            elif rate - prate >= RATE_STEP:
                severity = "good"
        w.add("follow_through", "commitments", severity, sentence + ".", rate, prate)
    up = now.get("upcoming_commitments")
    if up is not None and len(up):
        w.add(
            "upcoming_commitments", "commitments", "info",
            f"{_plural(len(up), 'commitment')} fall{'s' if len(up) == 1 else ''} due in the next 30 days.",
            len(up),
        )  # fmt: skip


def _stakeholders(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    pi = now.get("power_interest")
    wave = _latest_wave(pi)
    if wave is None:
        return
    cur = _rows_of(pi, wave)
    cur = cur[~cur["suppressed"]]
    ppi = prev.get("power_interest")
    pwave = _latest_wave(ppi)
    contested = cur[cur["contested"]]
    if len(contested):
        pc = math.nan
        if pwave is not None:
            pr = _rows_of(ppi, pwave)
            pc = int((pr["contested"] & ~pr["suppressed"]).sum())
        w.add(
            "contested_stakeholders", "stakeholders", "alert",
            f"{_plural(len(contested), 'stakeholder is', 'stakeholders are')} contested in {wave} "
            f"(raters disagree on where they stand): {_names(list(contested['name']))}.",
            len(contested), pc,
        )  # fmt: skip
    mv = now.get("stakeholder_movement")
    if mv is not None and len(mv) and wave != pwave:
        # moves into the waves that came in after the previous period's latest wave
        new = mv
        if pwave is not None:
            pend = ppi.loc[ppi["wave"] == pwave, "wave_end"].iloc[0]
            new = mv[mv["to_wave_end"] > pend]
        moved = new[new["moved"] & ~new["suppressed"]]
        if len(moved):
            items = [
                f"{r.name} ({label(r.quadrant_before).lower()} → {label(r.quadrant_after).lower()}, {r.to_wave})"
                for r in moved.itertuples(index=False)
            ]
            w.add(
                "stakeholders_moved", "stakeholders", "watch",
                f"{_plural(len(moved), 'stakeholder')} changed quadrant since {pwave or prev.label}: "
                f"{_names(items)}.",
                len(moved),
            )  # fmt: skip


def _health(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    hi = now.get("health_index")
    wave = _latest_wave(hi)
    if wave is None:
        return
    phi = prev.get("health_index")
    pwave = _latest_wave(phi)
    row = _rows_of(hi, wave).iloc[0]
    if bool(row["suppressed"]) or pd.isna(row["index"]):
        w.add(
            "health_index", "health", "info",
            f"The collaboration health index of {wave} is not shown: every factor was answered "
            f"by fewer than {now.min_n} respondents.",
        )  # fmt: skip
    else:
        idx = float(row["index"])
        prow = _rows_of(phi, pwave).iloc[0] if pwave is not None and pwave != wave else None
        sentence = f"The collaboration health index is {fmt_number(idx)} (of 100) in {wave}"
        severity = "watch" if idx < 50 else "info"
        pidx = math.nan
        if prow is not None and not bool(prow["suppressed"]) and pd.notna(prow["index"]):
            pidx = float(prow["index"])
            change = idx - pidx
            word = "up" if change > 0 else ("down" if change < 0 else "unchanged")
            if word == "unchanged":
                sentence += f", unchanged from {pwave}"
            else:
                sentence += (
                    f", {word} {fmt_number(abs(change))} points from {fmt_number(pidx)} in {pwave}"
                )
            if change >= INDEX_STEP and idx >= 50:
                severity = "good"
            elif change <= -INDEX_STEP:
                severity = "watch"
        elif pwave == wave:
            sentence += f" (no new wave since {prev.label})"
        w.add("health_index", "health", severity, sentence + ".", idx, pidx)

    fs = now.get("factor_scores")
    if fs is not None and len(fs):
        cur = _rows_of(fs, _latest_wave(fs))
        shown = cur[~cur["suppressed"] & cur["mean"].notna()]
        concern = shown[shown["band"] == "concern"].sort_values("mean", kind="stable")
        pfs = prev.get("factor_scores")
        pc = math.nan
        pconcern: set = set()
        if pfs is not None and len(pfs):
            pcur = _rows_of(pfs, _latest_wave(pfs))
            pshown = pcur[~pcur["suppressed"] & pcur["mean"].notna()]
            pconcern = set(pshown.loc[pshown["band"] == "concern", "factor_code"])
            pc = len(pconcern)
        if len(concern):
            items = [
                f"{r.factor} ({fmt_number(r.mean, 2)})" for r in concern.itertuples(index=False)
            ]
            sentence = (
                f"{len(concern)} of {len(shown)} factors are a concern in {_latest_wave(fs)} "
                f"(mean below 3.0): {_names(items)}"
            )
            new = [
                r.factor for r in concern.itertuples(index=False) if r.factor_code not in pconcern
            ]
            if new and pfs is not None and _latest_wave(pfs) != _latest_wave(fs):
                sentence += f"; new since {_latest_wave(pfs)}: {_names(new)}"
            w.add("concern_factors", "health", "watch", sentence + ".", len(concern), pc)

    pg = now.get("perception_gaps")
    if pg is not None and len(pg):
        gw = _latest_wave(pg)
        per = _rows_of(pg, gw).drop_duplicates("factor_code")
        flagged = per[per["flagged"].astype(bool)].sort_values(
            "gap", ascending=False, kind="stable"
        )
        if len(flagged):
            ppg = prev.get("perception_gaps")
            pf = math.nan
            if ppg is not None and len(ppg):
                pper = _rows_of(ppg, _latest_wave(ppg)).drop_duplicates("factor_code")
                pf = int(pper["flagged"].astype(bool).sum())
            items = [
                f"{r.factor} (gap {fmt_number(r.gap, 1)}, {label(r.highest_group).lower()} "
                f"highest, {label(r.lowest_group).lower()} lowest)"
                for r in flagged.itertuples(index=False)
            ]
            w.add(
                "perception_gaps", "health", "alert",
                f"Sectors see {_plural(len(flagged), 'factor')} very differently in {gw} "
                f"(gap of 1.0 or more): {_names(items)}.",
                len(flagged), pf,
            )  # fmt: skip


def _contributions(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    ct = now.get("contribution_total")
    if ct is None or not len(ct) or float(ct["pledged"].iloc[0]) == 0:
        return
    row = ct.iloc[0]
    cur = row["currency"] if isinstance(row["currency"], str) else ""
    share = 100.0 * float(row["fulfilment"])
    pct = prev.get("contribution_total")
    pshare = math.nan
    if pct is not None and len(pct) and float(pct["pledged"].iloc[0]) > 0:
        pshare = 100.0 * float(pct["fulfilment"].iloc[0])
    sentence = (
        f"Partners have delivered {fmt_money(row['delivered'], cur)} of the "
        f"{fmt_money(row['pledged'], cur)} they pledged ({_pct(share)}) by {now.as_of.date().isoformat()}"
    )
    severity = "info"
    if not math.isnan(pshare):
        sentence += f", against {_pct(pshare)} at {prev.as_of.date().isoformat()}"
        if share - pshare <= -RATE_STEP:
            severity = "watch"
    w.add("fulfilment", "contributions", severity, sentence + ".", share, pshare)
    bp = now.get("contribution_by_partner")
    if bp is not None and len(bp):
        ok = bp[bp["pledged"] > 0].sort_values(["fulfilment", "partner"], kind="stable")
        if len(ok) and float(ok["fulfilment"].iloc[0]) < LOW_FULFILMENT:
            low = ok.iloc[0]
            name = low["partner"] if isinstance(low["partner"], str) else low["partner_id"]
            w.add(
                "lowest_fulfilment", "contributions", "watch",
                f"{name} has delivered {_pct(100.0 * float(low['fulfilment']))} of what it pledged, "
                "the smallest share of all partners.",
                100.0 * float(low["fulfilment"]),
            )  # fmt: skip


def _composition(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    div = now.get("sector_diversity")
    if div is None:
        return
    n = int(div["n_partners"].sum())
    k = int((div["n_partners"] > 0).sum())
    pdiv = prev.get("sector_diversity")
    pn = int(pdiv["n_partners"].sum()) if pdiv is not None else math.nan
    sentence = f"The partnership has {_plural(n, 'active partner')} from {_plural(k, 'sector')}"
    if pdiv is not None and pn != n:
        sentence += f" ({pn} at {prev.as_of.date().isoformat()})"
    w.add("partners", "composition", "info", sentence + ".", n, pn)
    if len(div) and bool(div["public_private_only"].iloc[0]):
        w.add(
            "public_private_only", "composition", "watch",
            "The partnership has no active civil-society partner: it is public-private only.",
            0,
        )  # fmt: skip


def _competencies(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    spof = now.get("single_points_of_failure")
    if spof is not None and len(spof):
        items = [
            f"{label(r.area).lower()} ({label(r.sector).lower()})"
            for r in spof.itertuples(index=False)
        ]
        w.add(
            "single_points_of_failure", "competencies", "watch",
            f"{_plural(len(spof), 'area rests', 'areas rest')} on partners of one sector only: {_names(items)}.",
            len(spof),
        )  # fmt: skip
    fit = now.get("candidate_fit")
    if fit is not None and len(fit):
        best = fit.sort_values("rank", kind="stable").iloc[0]
        if float(best["gain"]) > 0:
            w.add(
                "best_candidate", "competencies", "info",
                f"The candidate {best['name']} would raise the competency alignment index by "
                f"{fmt_number(best['gain'])} points (from {fmt_number(best['index_without'])} to "
                f"{fmt_number(best['index_with'])}).",
                float(best["gain"]),
            )  # fmt: skip


def _readiness(w: _Writer, now: Snapshot, prev: Snapshot) -> None:
    rd = now.get("readiness")
    if rd is None or not len(rd):
        return
    row = rd.iloc[-1]
    score = float(row["score"])
    day = pd.Timestamp(row["review_date"]).date().isoformat()
    sentence = f"Readiness is {_pct(score)} at the review of {day}"
    pscore = math.nan
    if pd.notna(row["previous_score"]):
        pscore = float(row["previous_score"])
        pday = pd.Timestamp(row["previous_review_date"]).date().isoformat()
        sentence += f" ({_pct(pscore)} on {pday})"
    missing = row["missing_elements"]
    if isinstance(missing, str) and missing:
        sentence += f"; still missing: {missing.replace('; ', ', ')}"
        severity = "watch"
    else:
        severity = "good"
    w.add("readiness", "readiness", severity, sentence + ".", score, pscore)


_RULES = (
    _indicators,
    _commitments,
    _stakeholders,
    _health,
    _contributions,
    _composition,
    _competencies,
    _readiness,
)
_RULE_ORDER = [
    "indicators_deteriorated", "overdue_by_partner", "contested_stakeholders", "perception_gaps",
    "indicators_still_bad", "indicators_fell_back", "follow_through", "concern_factors",
    "health_index", "stakeholders_moved", "fulfilment", "lowest_fulfilment", "public_private_only",
    "single_points_of_failure", "readiness", "indicators_on_track", "indicators_improved",
    "partners", "upcoming_commitments", "best_candidate",
]  # fmt: skip


# --------------------------------------------------------------------------- public API


def highlights(p, *, as_of, previous=None, min_n: int = 3) -> pd.DataFrame:
    """Plain sentences on what stands out as of a day, each backed by a number.

    Parameters
    ----------
    p : Partnership
        A loaded package; rules whose tables are missing are skipped.
    as_of : date or period label
        The day of the report ("2026-09-30" or "2026-Q3").
    previous : date or period label, optional
        The day to compare with; default: the end of the period before (the quarter before,
        or the month or year before when ``as_of`` is written as one).
    min_n : int, default 3
        The small-cell threshold: suppressed cells are never counted or cited.

    Returns
    -------
    pandas.DataFrame
        One row per sentence, by severity (alert, watch, good, info) then rule order:

        - ``topic``: indicators, commitments, stakeholders, health, contributions,
          composition, competencies or readiness
        - ``severity``: ``alert``, ``watch``, ``good`` or ``info``
        - ``sentence``: the sentence, naming its number
        - ``value``: that number (a count, a percent, index points)
        - ``previous_value``: the same number in the previous period (NaN where the rule
          has none or the previous period has no data)
        - ``rule``: the rule that wrote the sentence (see the module docstring)

    Notes
    -----
    Every number comes from an analysis frame of the partnership as of the day (see
    :func:`partner_analytics.analysis.snapshot.as_of_view`): statuses from ``indicator_scores``,
    overdue commitments from ``overdue_commitments``, follow-through from the overall row of
    ``follow_through``, stakeholders from the latest wave of ``power_interest`` and
    ``stakeholder_movement``, the index and factors from ``health_index``,
    ``factor_scores`` and ``perception_gaps`` (latest wave), contributions from
    ``contribution_summary``, the rest from ``sector_diversity``,
    ``single_points_of_failure``, ``candidate_fit`` and ``readiness``. Wave-based rules
    compare the latest wave on or before ``as_of`` with the latest on or before
    ``previous``.
    """
    now = snapshot(p, as_of, min_n=min_n)
    prev_day = previous_day(as_of, previous)
    prev = snapshot(p, prev_day, min_n=min_n)
    w = _Writer()
    for rule in _RULES:
        rule(w, now, prev)
    out = pd.DataFrame(w.rows, columns=HIGHLIGHT_COLUMNS)
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    order = {r: i for i, r in enumerate(_RULE_ORDER)}
    out = (
        out.assign(_s=out["severity"].map(sev), _r=out["rule"].map(order), _i=range(len(out)))
        .sort_values(["_s", "_r", "_i"], kind="stable")
        .drop(columns=["_s", "_r", "_i"])
        .reset_index(drop=True)
    )
    for c in ("topic", "severity", "sentence", "rule"):
        out[c] = out[c].astype("str")
    for c in ("value", "previous_value"):
        out[c] = out[c].astype("float64")
    return out


def alerts(p, *, as_of, min_n: int = 3) -> pd.DataFrame:
    """The alerts among :func:`highlights` (previous period: the quarter before).

    Indicators that moved to deterioration, partners with overdue commitments, contested
    stakeholders and factors that sectors see very differently (gap >= 1.0). Same columns
    as :func:`highlights`; empty when nothing calls for attention.
    """
    h = highlights(p, as_of=as_of, min_n=min_n)
    return h[h["severity"] == "alert"].reset_index(drop=True)
