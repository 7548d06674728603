"""Findings: what stands out as of a day, item by item, ranked for a steering group.

A finding is one thing a rule picks out: an indicator that moved to deterioration, a
partner with overdue commitments, a contested stakeholder, a factor that sectors see
differently, a headline figure that moved... :func:`findings` returns them all as one frame,
each with the item it is about (``source_kind``, ``source_id``), its severity and the size
of its change, ranked; the report's executive summary shows the first ones, and
:mod:`partner_analytics.present.highlights` words them (the sentences of the report and the
dashboards' alerts). Every value is a headline figure or a row of a comparison of
:mod:`partner_analytics.analysis.headlines`, never recomputed here.

The rules (docs/reports.md lists them with their sentences), and what a row is about:

========================  =========  ===========  =================================================
rule                      severity   source_kind  applies when
========================  =========  ===========  =================================================
indicators_deteriorated   alert      indicator    deteriorating now, not before (or not scored)
overdue_by_partner        alert      partner      the partner has overdue commitments
contested_stakeholders    alert      stakeholder  contested in the latest wave (not suppressed)
perception_gaps           alert      factor       a sector gap of 1.0 or more, latest wave
indicators_still_bad      watch      indicator    deteriorating now and before
indicators_fell_back      watch      indicator    on track before, neither on track nor
                                                  deteriorating now
follow_through            watch/...  headline     commitments are due: watch when the rate fell by
                                                  5 points or more, good when it rose by 5 or more
concern_factors           watch      factor       a mean below 3.0 in the latest wave (shown)
health_index              good/...   headline     a wave of assessments: good when up by 1 point or
                                                  more (and at least 50), watch when down by 1 or
                                                  more or below 50
stakeholders_moved        watch      stakeholder  changed quadrant in a wave newer than the
                                                  previous period's latest
fulfilment                watch/info headline     pledges: watch when the share fell by 5 points
lowest_fulfilment         watch      partner      the smallest delivered share, below 75 %
public_private_only       watch      partnership  no active civil-society partner
single_points_of_failure  watch      area         an objective area covered by one sector only
readiness                 watch/good review       the latest review: watch while elements are missing
indicators_on_track       good/info  headline     indicators: good when more are on track
indicators_improved       good       indicator    on track now, scored before and not on track
partners                  info       headline     always: active partners
upcoming_commitments      info       commitment   falling due in the next 30 days
best_candidate            info       candidate    the best candidate raises the alignment index
========================  =========  ===========  =================================================

**Size of change** (``size``, 0 and up, comparable across rules): the change of the value
the finding rests on since the previous period, as a share of the scale of that value:
indicator scores over 10 (the -5..5 scale), factor means, gaps and stakeholder positions
over 4 (the 1..5 scale), percentages and indexes over 100, counts over their whole (the
commitments due, the indicators, the objectives). Where there is nothing to compare with,
``size`` is 0. ``level`` is the value itself on the same footing (how far past its
threshold it lies), used to order findings whose changes are equal.

**Rank**: severity (alert, watch, good, info), then ``size``, then ``level``, then the rule
order above, then the item's name.
"""

from __future__ import annotations

import math

import pandas as pd

from partner_analytics.analysis import headlines as H
from partner_analytics.analysis.snapshot import Snapshot, snapshot
from partner_analytics.data.periods import previous_day

__all__ = [
    "CONCERN_MEAN",
    "FINDING_COLUMNS",
    "INDEX_STEP",
    "INDEX_WATCH",
    "LOW_FULFILMENT",
    "RATE_STEP",
    "RULES",
    "SEVERITIES",
    "findings",
    "top_findings",
]

FINDING_COLUMNS = [
    "rank",
    "rule",
    "section",
    "severity",
    "source_kind",
    "source_id",
    "name",
    "value",
    "previous_value",
    "change",
    "size",
    "level",
    "period",
]
SEVERITIES = ("alert", "watch", "good", "info")

#: Change in percentage points of follow-through or fulfilment that is worth a word.
RATE_STEP = 5.0
#: Change in index points of the health index that is worth a word.
INDEX_STEP = 1.0
#: An index below this is watched.
INDEX_WATCH = 50.0
#: A partner delivering less than this share of its pledges is named.
LOW_FULFILMENT = 0.75
#: A factor mean below this is a concern (the band of health.factor_scores).
CONCERN_MEAN = 3.0

#: rule -> report section, in the order rules are reported
RULES: dict[str, str] = {
    "indicators_deteriorated": "indicators",
    "overdue_by_partner": "commitments",
    "contested_stakeholders": "stakeholders",
    "perception_gaps": "health",
    "indicators_still_bad": "indicators",
    "indicators_fell_back": "indicators",
    "follow_through": "commitments",
    "concern_factors": "health",
    "health_index": "health",
    "stakeholders_moved": "stakeholders",
    "fulfilment": "contributions",
    "lowest_fulfilment": "contributions",
    "public_private_only": "composition",
    "single_points_of_failure": "competencies",
    "readiness": "readiness",
    "indicators_on_track": "indicators",
    "indicators_improved": "indicators",
    "partners": "composition",
    "upcoming_commitments": "commitments",
    "best_candidate": "competencies",
}

# scales of the values findings rest on
_SCORE, _RATING, _PERCENT = 10.0, 4.0, 100.0


def _num(v) -> float:
    return float(v) if v is not None and not pd.isna(v) else math.nan


def _share(v: float, whole: float) -> float:
    """``v`` over ``whole`` (0 when either is missing or the whole is 0)."""
    v, whole = _num(v), _num(whole)
    if math.isnan(v) or math.isnan(whole) or whole == 0:
        return 0.0
    return abs(v) / whole


class _Rows(list):
    def add(
        self,
        rule,
        severity,
        source_kind,
        source_id,
        name,
        value=math.nan,
        previous_value=math.nan,
        *,
        scale=1.0,
        level=math.nan,
        period=None,
    ) -> None:
        value, previous_value = _num(value), _num(previous_value)
        change = value - previous_value
        self.append(
            {
                "rule": rule,
                "section": RULES[rule],
                "severity": severity,
                "source_kind": source_kind,
                "source_id": str(source_id),
                "name": str(name),
                "value": value,
                "previous_value": previous_value,
                "change": change,
                "size": 0.0 if math.isnan(change) else abs(change) / scale,
                "level": 0.0 if math.isnan(_num(level)) else abs(_num(level)),
                "period": period,
            }
        )

    def headline(self, rule, severity, row: pd.Series, *, period, previous=None, **size) -> None:
        """A finding about a headline figure (``row`` of headline_figures, indexed by
        figure): its label, now and (unless given) previous value; ``size``: scale, level."""
        before = row["previous"] if previous is None else previous
        self.add(rule, severity, "headline", row.name, row["label"], row["now"], before,
                 period=period, **size)  # fmt: skip


def _percent_level(row: pd.Series) -> dict:
    """The scale and level of a percentage that should be 100 (follow-through, fulfilment)."""
    return {"scale": _PERCENT, "level": (100.0 - row["now"]) / _PERCENT}


# --------------------------------------------------------------------------- rules


def _indicators(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    a, b = now.get("indicator_scores"), prev.get("indicator_scores")
    if a is None or not len(a):
        return
    ch = H.indicator_status_changes(a, b)
    before = dict(zip(b["parent_id"], b["score"], strict=True)) if b is not None else {}
    for rule, flag, severity in (
        ("indicators_deteriorated", "deteriorated", "alert"),
        ("indicators_still_bad", "still_deteriorating", "watch"),
        ("indicators_fell_back", "fell_back", "watch"),
        ("indicators_improved", "moved_on_track", "good"),
    ):
        for r in ch[ch[flag]].itertuples(index=False):
            out.add(
                rule,
                severity,
                "indicator",
                r.parent_id,
                r.name,
                r.score,
                before.get(r.parent_id),
                scale=_SCORE,
                level=_num(r.score) / _SCORE,
                period=now.label,
            )
    on = head.loc["on_track"]
    good = b is not None and on["change"] > 0
    before = on["previous"] if b is not None else math.nan
    scale = max(_num(on["now_total"]), 1.0)
    out.headline("indicators_on_track", "good" if good else "info", on, period=now.label,
                 previous=before, scale=scale)  # fmt: skip


def _commitments(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    if now.get("follow_through") is None:
        return
    ft = head.loc["follow_through"]
    due = max(_num(ft["now_total"]), 1.0) if not pd.isna(ft["now_total"]) else 1.0
    per = H.overdue_by_partner(now.get("overdue_commitments"), prev.get("overdue_commitments"))
    for r in per.itertuples(index=False):
        out.add(
            "overdue_by_partner",
            "alert",
            "partner",
            r.partner_id,
            r.partner,
            r.n,
            r.n_before,
            scale=due,
            level=_share(r.n, due),
            period=now.label,
        )
    if not pd.isna(ft["now"]):
        severity = "info"
        if not pd.isna(ft["previous"]):
            if ft["change"] <= -RATE_STEP:
                severity = "watch"
            elif ft["change"] >= RATE_STEP:
                severity = "good"
        out.headline("follow_through", severity, ft, period=now.label, **_percent_level(ft))
    up = now.get("upcoming_commitments")
    if up is not None and len(up):
        for r in up.itertuples(index=False):
            out.add(
                "upcoming_commitments",
                "info",
                "commitment",
                r.commitment_id,
                r.description,
                r.days_until_due,
                period=now.label,
            )


def _stakeholders(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    pi = now.get("power_interest")
    wave = H.latest_wave(pi)
    if wave is None:
        return
    ppi = prev.get("power_interest")
    pwave = H.latest_wave(ppi)
    agreed_before = {}
    if pwave is not None and pwave != wave:
        rows = H.wave_rows(ppi, pwave)
        agreed_before = dict(zip(rows["stakeholder_id"], rows["share_in_quadrant"], strict=True))
    for r in H.contested_stakeholders(pi, wave).itertuples(index=False):
        # how far the raters disagree: the share of raters who do not put the stakeholder
        # in the quadrant of its means
        apart = 1.0 - _num(r.share_in_quadrant)
        before = agreed_before.get(r.stakeholder_id)
        out.add(
            "contested_stakeholders",
            "alert",
            "stakeholder",
            r.stakeholder_id,
            r.name,
            apart,
            1.0 - _num(before) if before is not None else math.nan,
            scale=1.0,
            level=apart,
            period=wave,
        )
    moved = H.stakeholders_moved_since(now.get("stakeholder_movement"), ppi)
    if moved is not None:
        for r in moved.itertuples(index=False):
            step = math.hypot(_num(r.power_change), _num(r.interest_change))
            out.add(
                "stakeholders_moved",
                "watch",
                "stakeholder",
                r.stakeholder_id,
                r.name,
                step,
                0.0,
                scale=_RATING,
                level=step / _RATING,
                period=r.to_wave,
            )


def _health(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    hi = head.loc["health_index"]
    if isinstance(hi["period_now"], str) and hi["period_now"] not in ("None", "nan"):
        wave = hi["period_now"]
        if bool(hi["suppressed_now"]) or pd.isna(hi["now"]):
            out.headline("health_index", "info", hi, period=wave, previous=math.nan)
        else:
            idx = hi["now"]
            severity = "watch" if idx < INDEX_WATCH else "info"
            pidx = math.nan
            if hi["period_previous"] != wave and not pd.isna(hi["change"]):
                pidx, change = hi["previous"], hi["change"]
                if change >= INDEX_STEP and idx >= INDEX_WATCH:
                    severity = "good"
                elif change <= -INDEX_STEP:
                    severity = "watch"
            level = max(INDEX_WATCH - idx, 0.0) / _PERCENT
            out.headline("health_index", severity, hi, period=wave, previous=pidx,
                         scale=_PERCENT, level=level)  # fmt: skip
    fs = now.get("factor_scores")
    if fs is not None and len(fs):
        for r in H.concern_factors(fs).itertuples(index=False):
            out.add(
                "concern_factors",
                "watch",
                "factor",
                r.factor_code,
                r.factor,
                r.mean,
                r.previous_mean,
                scale=_RATING,
                level=(CONCERN_MEAN - r.mean) / _RATING,
                period=r.wave,
            )
    pg = now.get("perception_gaps")
    if pg is not None and len(pg):
        ppg = prev.get("perception_gaps")
        before = {}
        pwave = H.latest_wave(ppg)
        flagged = H.flagged_gaps(pg)
        if pwave is not None and len(flagged) and pwave != flagged["wave"].iloc[0]:
            per = H.wave_rows(ppg, pwave).drop_duplicates("factor_code")
            before = dict(zip(per["factor_code"], per["gap"], strict=True))
        for r in flagged.itertuples(index=False):
            out.add(
                "perception_gaps",
                "alert",
                "factor",
                r.factor_code,
                r.factor,
                r.gap,
                before.get(r.factor_code),
                scale=_RATING,
                level=r.gap / _RATING,
                period=r.wave,
            )


def _contributions(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    s = head.loc["fulfilment"]
    if pd.isna(s["now"]):
        return  # no contributions table, or nothing pledged yet
    severity = "info"
    if not pd.isna(s["previous"]) and s["change"] <= -RATE_STEP:
        severity = "watch"
    out.headline("fulfilment", severity, s, period=now.label, **_percent_level(s))
    low = H.lowest_fulfilment(now.get("contribution_by_partner"))
    if low is not None and float(low["fulfilment"]) < LOW_FULFILMENT:
        name = low["partner"] if isinstance(low["partner"], str) else low["partner_id"]
        share = 100.0 * float(low["fulfilment"])
        before = H.lowest_fulfilment(prev.get("contribution_by_partner"))
        pshare = math.nan
        if before is not None and before["partner_id"] == low["partner_id"]:
            pshare = 100.0 * float(before["fulfilment"])
        out.add(
            "lowest_fulfilment",
            "watch",
            "partner",
            low["partner_id"],
            name,
            share,
            pshare,
            scale=_PERCENT,
            level=(100.0 * LOW_FULFILMENT - share) / _PERCENT,
            period=now.label,
        )


def _composition(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    div = now.get("sector_diversity")
    if div is None:
        return
    a = head.loc["active_partners"]
    out.headline("partners", "info", a, period=now.label, scale=max(_num(a["now"]), 1.0))
    if H.composition_counts(div)["public_private_only"]:
        out.add(
            "public_private_only",
            "watch",
            "partnership",
            "civil_society",
            "No civil-society partner",
            0,
            level=1.0,
            period=now.label,
        )


def _competencies(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    spof = now.get("single_points_of_failure")
    if spof is not None and len(spof):
        al = now.get("competency_alignment")
        n_obj = max(len(al), 1) if al is not None else 1
        for r in spof.itertuples(index=False):
            out.add(
                "single_points_of_failure",
                "watch",
                "area",
                r.area,
                r.area,
                r.n_objectives,
                scale=n_obj,
                level=_share(r.n_objectives, n_obj),
                period=now.label,
            )
    fit = now.get("candidate_fit")
    if fit is not None and len(fit):
        best = fit.iloc[0]  # ranked: the best first
        if float(best["gain"]) > 0:
            out.add(
                "best_candidate",
                "info",
                "candidate",
                best["partner_id"],
                best["name"],
                best["gain"],
                scale=_PERCENT,
                level=best["gain"] / _PERCENT,
                period=now.label,
            )


def _readiness(now: Snapshot, prev: Snapshot, head: pd.DataFrame, out: _Rows) -> None:
    rd = now.get("readiness")
    if rd is None or not len(rd):
        return
    row = rd.iloc[-1]  # the latest review
    missing = row["missing_elements"]
    severity = "watch" if isinstance(missing, str) and missing else "good"
    day = pd.Timestamp(row["review_date"]).date().isoformat()
    out.add(
        "readiness",
        severity,
        "review",
        day,
        f"Readiness review of {day}",
        row["score"],
        row["previous_score"],
        scale=_PERCENT,
        level=(100.0 - row["score"]) / _PERCENT,
        period=day,
    )


_BUILDERS = (
    _indicators,
    _commitments,
    _stakeholders,
    _health,
    _contributions,
    _composition,
    _competencies,
    _readiness,
)


# --------------------------------------------------------------------------- public API


def findings(p, *, as_of, previous=None, min_n: int | None = None) -> pd.DataFrame:
    """Every finding as of a day, item by item, ranked (see the module docstring).

    Parameters
    ----------
    p : Partnership
        A loaded package; rules whose tables are missing give no finding.
    as_of : date or period label
        The report day ("2026-09-30" or "2026-Q3").
    previous : date or period label, optional
        The day to compare with (default: the end of the period before).
    min_n : int, optional
        The small-cell threshold (default: ``p.min_n``): a suppressed cell is never a
        finding.

    Returns
    -------
    pandas.DataFrame
        One row per finding, first the most pressing:

        - ``rank``: 1, 2, ...; ``rule`` (see the table above); ``section``: the report
          section that shows it; ``severity``: alert, watch, good or info
        - ``source_kind``: indicator, partner, stakeholder, factor, area, commitment,
          candidate, review, headline (a headline figure of
          :func:`~partner_analytics.analysis.headlines.headline_figures`) or partnership;
          ``source_id``: the item's id (indicator, partner, stakeholder id, factor code,
          area, commitment id, review date, headline figure key); ``name``: its name
        - ``value``: the number the finding rests on (an indicator's score, overdue
          commitments, the share of raters who place a stakeholder elsewhere, a gap, a
          factor mean, a percentage, an index, a distance moved on the grid, days to go);
          ``previous_value``: the same number in the previous period (NaN when there is
          none); ``change``: value - previous_value
        - ``size``: the size of the change (see above); ``level``: the value's own size
        - ``period``: the wave, period or review day the value comes from
    """
    prev_day = previous_day(as_of, previous)
    now = snapshot(p, as_of, min_n=min_n)
    prev = snapshot(p, prev_day, min_n=min_n)
    key = (now.as_of, prev.as_of, now.min_n)
    done = p.cache.setdefault("findings", {})
    if key not in done:
        head = H.headline_figures(p, as_of=as_of, previous=prev_day, min_n=min_n)
        rows = _Rows()
        for build in _BUILDERS:
            build(now, prev, head.set_index("figure"), rows)
        done[key] = _ranked(rows)
    return done[key].copy()


def _ranked(rows: list[dict]) -> pd.DataFrame:
    cols = FINDING_COLUMNS[1:]
    out = pd.DataFrame(rows, columns=cols)
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    order = {r: i for i, r in enumerate(RULES)}
    out = (
        out.assign(_s=out["severity"].map(sev), _r=out["rule"].map(order), _i=range(len(out)))
        .sort_values(
            ["_s", "size", "level", "_r", "_i"],
            ascending=[True, False, False, True, True],
            kind="stable",
        )
        .drop(columns=["_s", "_r", "_i"])
        .reset_index(drop=True)
    )
    out.insert(0, "rank", pd.array(range(1, len(out) + 1), dtype="int64"))
    for c in ("rule", "section", "severity", "source_kind", "source_id", "name", "period"):
        out[c] = out[c].astype("str")
    for c in ("value", "previous_value", "change", "size", "level"):
        out[c] = out[c].astype("float64")
    return out


def top_findings(frame: pd.DataFrame, *, most: int = 5, least: int = 3) -> pd.DataFrame:
    """The findings an executive summary leads with: the first of each rule, in rank order.

    Up to ``most`` findings among the alerts and watches; when they are fewer than
    ``least``, good news and then information fill up to ``least``. One finding per rule,
    so that one kind of finding (two partners with overdue commitments) does not crowd out
    the others.
    """
    first = frame.drop_duplicates("rule")
    pressing = first[first["severity"].isin(("alert", "watch"))].head(most)
    if len(pressing) >= least:
        return pressing.reset_index(drop=True)
    rest = first[~first["severity"].isin(("alert", "watch"))].head(least - len(pressing))
    return pd.concat([pressing, rest]).reset_index(drop=True)
