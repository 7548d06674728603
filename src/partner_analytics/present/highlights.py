"""Highlights: plain sentences written by rules, each backed by a number of the report.

:func:`highlights` words what the analyses say about a partnership as of a day and the
period before: every number comes from the headline figures and comparisons of
:mod:`partner_analytics.analysis.headlines` (the same ones the report's tables and the
dashboards' cards show) and this module only chooses the words. One sentence per rule that
applies, with the number it rests on (``value``) and that number in the previous period
(``previous_value``). :func:`alerts` keeps the alerts: indicators that moved to
deterioration, partners with overdue commitments, contested stakeholders and factors that
sectors see very differently. The alerts (and the indicators still deteriorating) are worded
from :func:`~partner_analytics.analysis.alerts.alert_sources`, which lists their sources
(what an action names); an alert's ``alert`` column is its key in that frame.

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

Which rules apply and with what severity is decided by the findings of the day
(:func:`partner_analytics.analysis.findings.findings`, which holds the thresholds); this
module writes their sentences and, for the executive summary, the title of each finding
(:func:`finding_title`).

Counts of stakeholders and factors leave out suppressed cells (fewer than ``min_n`` raters
or respondents); a suppressed number is never written into a sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from partner_analytics.analysis import headlines as H
from partner_analytics.analysis.alerts import alert_sources
from partner_analytics.analysis.delivery import UPCOMING_DAYS
from partner_analytics.analysis.findings import RULES, SEVERITIES, findings
from partner_analytics.analysis.snapshot import Snapshot, snapshot
from partner_analytics.data.periods import previous_day
from partner_analytics.present.formats import fmt_money, fmt_number, label

__all__ = ["HIGHLIGHT_COLUMNS", "SEVERITIES", "alerts", "finding_title", "highlights"]

HIGHLIGHT_COLUMNS = ["topic", "severity", "sentence", "value", "previous_value", "rule", "alert"]

#: Names listed in a sentence before "and k more".
MAX_NAMES = 5


# --------------------------------------------------------------------------- helpers


def _names(names) -> str:
    names = [str(n) for n in names]
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    return ", ".join(names[:MAX_NAMES]) + f" and {len(names) - MAX_NAMES} more"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _pct(v: float, digits: int = 0) -> str:
    return fmt_number(v, digits) + " %"


def _day(s: Snapshot) -> str:
    return s.as_of.date().isoformat()


def _known(v) -> bool:
    return v is not None and not pd.isna(v)


@dataclass
class _Facts:
    """What the rules read: the two snapshots and the headline figures of the day."""

    now: Snapshot
    prev: Snapshot
    head: pd.DataFrame  # headline_figures indexed by figure
    found: pd.DataFrame  # findings of the day
    sources: pd.DataFrame  # alert_sources of the two days
    rows: list

    def figure(self, key: str) -> pd.Series:
        return self.head.loc[key]

    def severity(self, rule: str) -> str | None:
        """The severity of a rule's findings (None: the rule found nothing)."""
        sev = self.found.loc[self.found["rule"] == rule, "severity"]
        return str(sev.iloc[0]) if len(sev) else None

    def alert_rows(self, rule: str) -> pd.DataFrame:
        """The sources of a rule's alerts (alert_sources), in the order they are named."""
        return self.sources[self.sources["rule"] == rule]

    def add(self, rule, topic, severity, sentence, value=math.nan, previous_value=math.nan,
            alert=None):  # fmt: skip
        self.rows.append(
            {
                "topic": topic,
                "severity": severity,
                "sentence": sentence,
                "value": float(value) if value is not None else math.nan,
                "previous_value": float(previous_value) if previous_value is not None else math.nan,
                "rule": rule,
                "alert": alert,
            }
        )


# --------------------------------------------------------------------------- rules


def _indicators(f: _Facts) -> None:
    a, b = f.now.get("indicator_scores"), f.prev.get("indicator_scores")
    if a is None or not len(a):
        return
    on = f.figure("on_track")
    n = int(on["now_total"])
    since = f.prev.label
    ch = H.indicator_status_changes(a, b)
    moved = f.alert_rows("indicators_deteriorated")
    if len(moved):
        if b is not None:
            f.add(
                "indicators_deteriorated", "indicators", "alert",
                f"{len(moved)} of {n} indicators moved to deterioration since {since}: "
                f"{_names(moved['source'])}.",
                len(moved), moved["n_before"].iloc[0], alert="indicators_deteriorated",
            )  # fmt: skip
        else:  # no previous period to compare with: every deteriorating indicator is news
            f.add(
                "indicators_deteriorated", "indicators", "alert",
                f"{len(moved)} of {n} indicators are deteriorating: {_names(moved['source'])}.",
                len(moved), alert="indicators_deteriorated",
            )  # fmt: skip
    still = f.alert_rows("indicators_still_bad")
    if len(still):
        f.add(
            "indicators_still_bad", "indicators", "watch",
            f"{len(still)} of {n} indicators are still deteriorating: {_names(still['source'])}.",
            len(still), still["n_before"].iloc[0],
        )  # fmt: skip
    fell = ch[ch["fell_back"]]
    if len(fell):
        f.add(
            "indicators_fell_back", "indicators", "watch",
            f"{len(fell)} of {n} indicators fell back from on track since {since}: "
            + _names(f"{r.name} (now {label(r.status).lower()})" for r in fell.itertuples()) + ".",
            len(fell),
        )  # fmt: skip
    on_now, on_before = int(on["now"]), on["previous"] if b is not None else math.nan
    sentence = f"{on_now} of {n} indicators are on track or have achieved their target"
    sentence += f" ({int(on_before)} in {since})." if b is not None else "."
    f.add(
        "indicators_on_track", "indicators", f.severity("indicators_on_track"), sentence, on_now,
        on_before,
    )  # fmt: skip
    improved = ch[ch["moved_on_track"]]
    if len(improved):
        f.add(
            "indicators_improved", "indicators", "good",
            f"{len(improved)} of {n} indicators moved on track since {since}: "
            + _names(f"{r.name} ({label(r.status).lower()})" for r in improved.itertuples()) + ".",
            len(improved),
        )  # fmt: skip


def _commitments(f: _Facts) -> None:
    if f.now.get("follow_through") is None:
        return
    overdue = f.alert_rows("overdue_by_partner")
    for key in dict.fromkeys(overdue["alert"]):  # one alert per partner, in order
        r = overdue[overdue["alert"] == key].iloc[0]  # its oldest commitment
        f.add(
            "overdue_by_partner", "commitments", "alert",
            f"{r['partner']} has {_plural(int(r['n']), 'overdue commitment')}; the oldest is "
            f"{_plural(int(r['days_overdue']), 'day')} overdue.",
            int(r["n"]), r["n_before"], alert=key,
        )  # fmt: skip
    ft = f.figure("follow_through")
    if _known(ft["now"]):
        rate, prate = ft["now"], ft["previous"]
        sentence = (
            f"{_pct(rate)} of the {int(ft['now_total'])} commitments due by {_day(f.now)} "
            "were kept on time"
        )
        if _known(prate):
            sentence += f" ({_pct(prate)} at {_day(f.prev)})"
        severity = f.severity("follow_through")
        f.add("follow_through", "commitments", severity, sentence + ".", rate, prate)
    up = f.now.get("upcoming_commitments")
    if up is not None and len(up):
        f.add(
            "upcoming_commitments", "commitments", "info",
            f"{_plural(len(up), 'commitment')} fall{'s' if len(up) == 1 else ''} due in the next "
            f"{UPCOMING_DAYS} days.",
            len(up),
        )  # fmt: skip


def _stakeholders(f: _Facts) -> None:
    pi = f.now.get("power_interest")
    wave = H.latest_wave(pi)
    if wave is None:
        return
    ppi = f.prev.get("power_interest")
    contested = f.alert_rows("contested_stakeholders")
    if len(contested):
        c = contested.iloc[0]
        f.add(
            "contested_stakeholders", "stakeholders", "alert",
            f"{_plural(int(c['n']), 'stakeholder is', 'stakeholders are')} contested in "
            f"{c['wave']} (raters disagree on where they stand): {_names(contested['source'])}.",
            c["n"], c["n_before"], alert="contested_stakeholders",
        )  # fmt: skip
    moved = H.stakeholders_moved_since(f.now.get("stakeholder_movement"), ppi)
    if moved is not None and len(moved):
        items = [
            f"{r.name} ({label(r.quadrant_before).lower()} → {label(r.quadrant_after).lower()}, {r.to_wave})"
            for r in moved.itertuples(index=False)
        ]
        f.add(
            "stakeholders_moved", "stakeholders", "watch",
            f"{_plural(len(moved), 'stakeholder')} changed quadrant since "
            f"{H.latest_wave(ppi) or f.prev.label}: {_names(items)}.",
            len(moved),
        )  # fmt: skip


def _health_index(f: _Facts) -> None:
    hi = f.figure("health_index")
    if not isinstance(hi["period_now"], str) or hi["period_now"] in ("None", "nan"):
        return  # no wave of assessments yet
    wave = hi["period_now"]
    if bool(hi["suppressed_now"]) or not _known(hi["now"]):
        f.add(
            "health_index", "health", "info",
            f"The collaboration health index of {wave} is not shown: every factor was answered "
            f"by fewer than {f.now.min_n} respondents.",
        )  # fmt: skip
        return
    idx, pwave = hi["now"], hi["period_previous"]
    sentence = f"The collaboration health index is {fmt_number(idx)} (of 100) in {wave}"
    severity = f.severity("health_index")
    pidx = math.nan
    if pwave == wave:
        sentence += f" (no new wave since {f.prev.label})"
    elif _known(hi["change"]):
        pidx, change = hi["previous"], hi["change"]
        if change == 0:
            sentence += f", unchanged from {pwave}"
        else:
            word = "up" if change > 0 else "down"
            sentence += (
                f", {word} {fmt_number(abs(change))} points from {fmt_number(pidx)} in {pwave}"
            )
    f.add("health_index", "health", severity, sentence + ".", idx, pidx)


def _concern_factors(f: _Facts) -> None:
    fs = f.now.get("factor_scores")
    if fs is None or not len(fs):
        return
    concern = H.concern_factors(fs)
    if not len(concern):
        return
    c = f.figure("concern_factors")
    wave = c["period_now"]
    items = [f"{r.factor} ({fmt_number(r.mean, 2)})" for r in concern.itertuples(index=False)]
    sentence = (
        f"{int(c['now'])} of {int(c['now_total'])} factors are a concern in {wave} "
        f"(mean below 3.0): {_names(items)}"
    )
    pfs = f.prev.get("factor_scores")
    if pfs is not None and len(pfs) and c["period_previous"] != wave:
        before = set(H.concern_factors(pfs)["factor_code"])
        new = [r.factor for r in concern.itertuples(index=False) if r.factor_code not in before]
        if new:
            sentence += f"; new since {c['period_previous']}: {_names(new)}"
    f.add("concern_factors", "health", "watch", sentence + ".", c["now"], c["previous"])


def _perception_gaps(f: _Facts) -> None:
    flagged = f.alert_rows("perception_gaps")
    if not len(flagged):
        return
    g = flagged.iloc[0]
    items = [
        f"{r.source} (gap {fmt_number(r.gap, 1)}, {label(r.highest_group).lower()} "
        f"highest, {label(r.lowest_group).lower()} lowest)"
        for r in flagged.itertuples(index=False)
    ]
    f.add(
        "perception_gaps", "health", "alert",
        f"Sectors see {_plural(int(g['n']), 'factor')} very differently in {g['wave']} "
        f"(gap of 1.0 or more): {_names(items)}.",
        g["n"], g["n_before"], alert="perception_gaps",
    )  # fmt: skip


def _contributions(f: _Facts) -> None:
    d, s = f.figure("delivered"), f.figure("fulfilment")
    if not _known(s["now"]):
        return  # no contributions table, or nothing pledged yet
    cur = d["currency"] if d["currency"] not in ("None", "nan") else ""
    sentence = (
        f"Partners have delivered {fmt_money(d['now'], cur)} of the "
        f"{fmt_money(d['now_total'], cur)} they pledged ({_pct(s['now'])}) by {_day(f.now)}"
    )
    if _known(s["previous"]):
        sentence += f", against {_pct(s['previous'])} at {_day(f.prev)}"
    f.add("fulfilment", "contributions", f.severity("fulfilment"), sentence + ".", s["now"],
          s["previous"])  # fmt: skip
    low = H.lowest_fulfilment(f.now.get("contribution_by_partner"))
    if f.severity("lowest_fulfilment") is not None:
        name = low["partner"] if isinstance(low["partner"], str) else low["partner_id"]
        share = 100.0 * float(low["fulfilment"])
        f.add(
            "lowest_fulfilment", "contributions", "watch",
            f"{name} has delivered {_pct(share)} of what it pledged, the smallest share of all partners.",
            share,
        )  # fmt: skip


def _composition(f: _Facts) -> None:
    div = f.now.get("sector_diversity")
    if div is None:
        return
    a, k = f.figure("active_partners"), f.figure("sectors")
    n, pn = int(a["now"]), a["previous"]
    sentence = f"The partnership has {_plural(n, 'active partner')} from {_plural(int(k['now']), 'sector')}"
    if _known(pn) and pn != n:
        sentence += f" ({int(pn)} at {_day(f.prev)})"
    f.add("partners", "composition", "info", sentence + ".", n, pn)
    if H.composition_counts(div)["public_private_only"]:
        f.add(
            "public_private_only", "composition", "watch",
            "The partnership has no active civil-society partner: it is public-private only.",
            0,
        )  # fmt: skip


def _competencies(f: _Facts) -> None:
    spof = f.now.get("single_points_of_failure")
    if spof is not None and len(spof):
        items = [
            f"{label(r.area).lower()} ({label(r.sector).lower()})"
            for r in spof.itertuples(index=False)
        ]
        f.add(
            "single_points_of_failure", "competencies", "watch",
            f"{_plural(len(spof), 'area rests', 'areas rest')} on partners of one sector only: {_names(items)}.",
            len(spof),
        )  # fmt: skip
    fit = f.now.get("candidate_fit")
    if fit is not None and len(fit):
        best = fit.iloc[0]  # ranked: the best first
        if float(best["gain"]) > 0:
            f.add(
                "best_candidate", "competencies", "info",
                f"The candidate {best['name']} would raise the competency alignment index by "
                f"{fmt_number(best['gain'])} points (from {fmt_number(best['index_without'])} to "
                f"{fmt_number(best['index_with'])}).",
                float(best["gain"]),
            )  # fmt: skip


def _readiness(f: _Facts) -> None:
    rd = f.now.get("readiness")
    if rd is None or not len(rd):
        return
    row = rd.iloc[-1]  # the latest review
    score = float(row["score"])
    sentence = f"Readiness is {_pct(score)} at the review of {pd.Timestamp(row['review_date']).date().isoformat()}"
    pscore = math.nan
    if pd.notna(row["previous_score"]):
        pscore = float(row["previous_score"])
        pday = pd.Timestamp(row["previous_review_date"]).date().isoformat()
        sentence += f" ({_pct(pscore)} on {pday})"
    missing = row["missing_elements"]
    if isinstance(missing, str) and missing:
        sentence += f"; still missing: {missing.replace('; ', ', ')}"
    f.add("readiness", "readiness", f.severity("readiness"), sentence + ".", score, pscore)


_RULES = (
    _indicators,
    _commitments,
    _stakeholders,
    _health_index,
    _concern_factors,
    _perception_gaps,
    _contributions,
    _composition,
    _competencies,
    _readiness,
)
_RULE_ORDER = list(RULES)  # the findings' order


# --------------------------------------------------------------------------- finding titles

# rule -> (title for one item, title for several: {n} items, the first named {name}),
# by severity where the rule has several
_TITLES = {
    "indicators_deteriorated": (
        "{name} moved to deterioration",
        "{n} indicators moved to deterioration, among them {name}",
    ),
    "overdue_by_partner": (
        "{name} has overdue commitments",
        "{n} partners have overdue commitments, {name} the most",
    ),
    "contested_stakeholders": (
        "Raters disagree on where {name} stands",
        "Raters disagree on {n} stakeholders, among them {name}",
    ),
    "perception_gaps": (
        "Sectors see {name} very differently",
        "Sectors see {n} factors very differently, {name} the most",
    ),
    "indicators_still_bad": (
        "{name} is still deteriorating",
        "{n} indicators are still deteriorating",
    ),
    "indicators_fell_back": (
        "{name} is no longer on track",
        "{n} indicators are no longer on track",
    ),
    "concern_factors": (
        "{name} is a concern for the partners",
        "{n} factors of the collaboration are a concern",
    ),
    "stakeholders_moved": ("{name} changed quadrant", "{n} stakeholders changed quadrant"),
    "lowest_fulfilment": ("{name} has delivered the least of its pledges",) * 2,
    "public_private_only": ("No civil-society partner",) * 2,
    "single_points_of_failure": (
        "An objective area rests on one sector",
        "{n} objective areas rest on one sector",
    ),
    "indicators_improved": ("{name} moved on track", "{n} indicators moved on track"),
    "upcoming_commitments": ("A commitment falls due soon", "{n} commitments fall due soon"),
    "best_candidate": ("{name} would strengthen the partnership",) * 2,
    "partners": ("Active partners",) * 2,
}
_HEADLINE_TITLES = {
    ("follow_through", "watch"): "Fewer commitments kept on time",
    ("follow_through", "good"): "More commitments kept on time",
    ("follow_through", "info"): "Commitments kept on time",
    ("health_index", "watch"): "Collaboration health needs attention",
    ("health_index", "good"): "Collaboration health improved",
    ("health_index", "info"): "Collaboration health",
    ("fulfilment", "watch"): "Less of the pledged value delivered",
    ("fulfilment", "info"): "Pledged value delivered",
    ("readiness", "watch"): "Readiness: elements still missing",
    ("readiness", "good"): "Readiness: every element in place",
    ("indicators_on_track", "good"): "More indicators on track",
    ("indicators_on_track", "info"): "Indicators on track",
}


def finding_title(finding, n: int = 1) -> str:
    """A short title for a finding of :func:`~partner_analytics.analysis.findings.findings`
    (a row, as a record): what it is about in a few words, for the executive summary.

    ``n``: how many findings its rule has (the title of several names the first).
    """
    rule, severity = finding.rule, finding.severity
    if (rule, severity) in _HEADLINE_TITLES:
        return _HEADLINE_TITLES[(rule, severity)]
    one, many = _TITLES.get(rule, ("{name}", "{name}"))
    name = label(finding.name) if finding.source_kind == "area" else finding.name
    return (one if n == 1 else many).format(name=name, n=n)


# --------------------------------------------------------------------------- public API


def highlights(p, *, as_of, previous=None, min_n: int | None = None) -> pd.DataFrame:
    """Plain sentences on what stands out as of a day, each backed by a number.

    Parameters
    ----------
    p : Partnership
        A loaded package; rules whose tables are missing are skipped.
    as_of : date or period label
        The day of the report ("2026-09-30" or "2026-Q3", which stands for its last day).
    previous : date or period label, optional
        The day to compare with; default: the end of the period before (the quarter before,
        or the month or year before when ``as_of`` is written as one).
    min_n : int, optional
        The small-cell threshold (default: ``p.min_n``): suppressed cells are never counted
        or cited.

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
        - ``alert``: for an alert, its key in
          :func:`~partner_analytics.analysis.alerts.alert_sources` (the sources it names,
          and so the actions that answer it); NA for other sentences

    Notes
    -----
    Counts, rates and changes are the headline figures
    (:func:`~partner_analytics.analysis.headlines.headline_figures`) of the day and the day
    compared with; the indicators, partners, stakeholders and factors named come from the
    comparisons of :mod:`partner_analytics.analysis.headlines` (status changes, overdue
    commitments per partner, contested and moved stakeholders, factors of concern, flagged
    perception gaps) and from ``single_points_of_failure``, ``candidate_fit`` and
    ``readiness``. Wave-based rules compare the latest wave on or before ``as_of`` with the
    latest on or before ``previous``.
    """
    prev_day = previous_day(as_of, previous)
    facts = _Facts(
        now=snapshot(p, as_of, min_n=min_n),
        prev=snapshot(p, prev_day, min_n=min_n),
        head=H.headline_figures(p, as_of=as_of, previous=prev_day, min_n=min_n).set_index("figure"),
        found=findings(p, as_of=as_of, previous=prev_day, min_n=min_n),
        sources=alert_sources(p, as_of=as_of, previous=prev_day, min_n=min_n),
        rows=[],
    )
    for rule in _RULES:
        rule(facts)
    out = pd.DataFrame(facts.rows, columns=HIGHLIGHT_COLUMNS)
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    order = {r: i for i, r in enumerate(_RULE_ORDER)}
    out = (
        out.assign(_s=out["severity"].map(sev), _r=out["rule"].map(order), _i=range(len(out)))
        .sort_values(["_s", "_r", "_i"], kind="stable")
        .drop(columns=["_s", "_r", "_i"])
        .reset_index(drop=True)
    )
    for c in ("topic", "severity", "sentence", "rule", "alert"):
        out[c] = out[c].astype("str")
    for c in ("value", "previous_value"):
        out[c] = out[c].astype("float64")
    return out


def alerts(p, *, as_of, min_n: int | None = None) -> pd.DataFrame:
    """The alerts among :func:`highlights` (previous period: the quarter before).

    Indicators that moved to deterioration, partners with overdue commitments, contested
    stakeholders and factors that sectors see very differently (gap >= 1.0). Same columns
    as :func:`highlights`; empty when nothing calls for attention.
    """
    h = highlights(p, as_of=as_of, min_n=min_n)
    return h[h["severity"] == "alert"].reset_index(drop=True)
