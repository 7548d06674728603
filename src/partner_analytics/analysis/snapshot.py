"""A partnership as of a date: the cut-off view, the analyses at that date, headline figures.

Reports and dashboards look at a partnership *as of* a day D (the end of a quarter, usually)
and compare it with the period before. Three pieces, used by both:

- :func:`as_of_view`: the Partnership restricted to what was known on D (waves ending on or
  before D, observations of periods ending on or before D, contributions and reviews dated
  on or before D, completions after D undone, partners who joined after D left out);
- :class:`Snapshot` / :func:`snapshot`: the analyses of that view, each computed once;
- :func:`headline_figures`: every headline figure now, in the previous period and the
  change between them.

Period helpers: :func:`parse_as_of` ("2026-Q3" -> 2026-09-30), :func:`period_label`,
:func:`previous_period_end` (the end of the quarter before) and :func:`period_range`
("2025-Q1:2026-Q3" -> the quarters in between).
"""

from __future__ import annotations

import dataclasses
import math
import re
import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd

from partner_analytics.data.periods import parse_as_of, period_label, periods_end, previous_day
from partner_analytics.errors import AnalysisInputError, MissingTableError

__all__ = [
    "HEADLINE_COLUMNS",
    "Snapshot",
    "as_of_view",
    "headline_figures",
    "snapshot",
]

#: Errors that mean "this part cannot be computed from this package" (shown as a sentence,
#: never as a crash).
EXPECTED_ERRORS = (MissingTableError, AnalysisInputError)

_WAVE_TABLES = ("stakeholder_ratings", "assessments", "relationships")
# tables whose partner_id must refer to a partner of the view
_PARTNER_CHILDREN = ("competencies", "contributions", "commitments", "assessments")


# --------------------------------------------------------------------------- the view


def as_of_view(p, as_of):
    """The partnership as it was known on ``as_of``: every dated row after it left out.

    Parameters
    ----------
    p : Partnership
        A loaded package.
    as_of : date or period label
        The cut-off day ("2026-09-30" or "2026-Q3", which stands for its last day).

    Returns
    -------
    Partnership
        A new Partnership (the input is not changed) with the same problems, rejected rows,
        ledger, files and name, and these tables cut:

        - ``stakeholder_ratings``, ``assessments``, ``relationships``: waves whose last day
          is on or before as_of;
        - ``observations``: periods whose last day is on or before as_of;
        - ``contributions``: dated on or before as_of;
        - ``readiness``: reviews on or before as_of;
        - ``commitments``: every commitment is kept (its due date may lie ahead), but a
          completion dated after as_of is removed and a ``done`` status without a
          completion by as_of becomes ``open``: the commitment was open on that day;
        - ``partners``: partners who joined after as_of are left out, with their rows in
          competencies, contributions, commitments, assessments, relationships and
          observations; stakeholders and indicators that name them keep their rows
          without the link. Candidates (no joining date) and partners who left are kept
          (the analyses treat them as such).

        Tables without dates (objectives, factors, items, indicators, drivers, ...) are
        kept whole.

    Notes
    -----
    Waves, observation periods and review dates compare by their last day (a wave
    "2026-Q3" ends on 2026-09-30, so it belongs to a view as of 2026-09-30 but not to one
    as of 2026-09-29). Applying the view twice changes nothing.
    """
    d = parse_as_of(as_of)
    t = dict(p.tables)
    for name in _WAVE_TABLES:
        f = t[name]
        if len(f):
            t[name] = f[f["wave_end"] <= d].reset_index(drop=True)
    obs = t["observations"]
    if len(obs):
        t["observations"] = obs[periods_end(obs["date"]) <= d].reset_index(drop=True)
    con = t["contributions"]
    if len(con):
        t["contributions"] = con[con["date"] <= d].reset_index(drop=True)
    rev = t["readiness"]
    if len(rev):
        t["readiness"] = rev[rev["review_date"] <= d].reset_index(drop=True)
    com = t["commitments"]
    if len(com):
        later = com["completed_date"].notna() & (com["completed_date"] > d)
        if later.any():
            com = com.copy()
            com["completed_date"] = com["completed_date"].mask(later)
            com["status"] = com["status"].mask(later & (com["status"] == "done"), "open")
            t["commitments"] = com

    partners = t["partners"]
    joined_later = partners["joined"].notna() & (partners["joined"] > d)
    if joined_later.any():
        gone = set(partners.loc[joined_later, "partner_id"])
        t["partners"] = partners[~joined_later].reset_index(drop=True)
        for name in _PARTNER_CHILDREN:
            f = t[name]
            if len(f):
                t[name] = f[~f["partner_id"].isin(gone)].reset_index(drop=True)
        rel = t["relationships"]
        if len(rel):
            keep = ~rel["partner_id"].isin(gone) & ~rel["respondent_partner_id"].isin(gone)
            t["relationships"] = rel[keep].reset_index(drop=True)
        obs = t["observations"]
        if len(obs) and "partner_id" in obs:
            t["observations"] = obs[~obs["partner_id"].isin(gone)].reset_index(drop=True)
        for name, col in (("stakeholders", "partner_id"), ("indicators", "owner_partner_id")):
            f = t[name]
            if len(f) and f[col].isin(gone).any():
                f = f.copy()
                f[col] = f[col].mask(f[col].isin(gone))
                t[name] = f
    return dataclasses.replace(p, tables=t)


# --------------------------------------------------------------------------- snapshot


def _analyses() -> dict[str, Callable]:
    from partner_analytics.analysis import competencies as C
    from partner_analytics.analysis import delivery as D
    from partner_analytics.analysis import health as H
    from partner_analytics.analysis import indicators as I
    from partner_analytics.analysis import network as N
    from partner_analytics.analysis import readiness as R
    from partner_analytics.analysis import stakeholders as S

    return {
        # composition
        "sector_diversity": lambda s: C.sector_diversity(s.view, as_of=s.as_of),
        "network_summary": lambda s: N.network_summary(s.view),
        # stakeholders
        "power_interest": lambda s: S.power_interest(s.view, min_n=s.min_n),
        "stakeholder_movement": lambda s: S.stakeholder_movement(s.view, min_n=s.min_n),
        # health
        "factor_scores": lambda s: H.factor_scores(s.view, min_n=s.min_n),
        "health_index": lambda s: H.health_index(s.view, min_n=s.min_n),
        "perception_gaps": lambda s: H.perception_gaps(s.view, min_n=s.min_n),
        # commitments
        "follow_through": lambda s: D.follow_through(s.view, as_of=s.as_of),
        "overdue_commitments": lambda s: D.overdue_commitments(s.view, as_of=s.as_of),
        "upcoming_commitments": lambda s: D.upcoming_commitments(s.view, as_of=s.as_of),
        # contributions
        "contribution_total": lambda s: D.contribution_summary(s.view, by=()),
        "contribution_by_partner": lambda s: D.contribution_summary(s.view, by=("partner_id",)),
        "sector_shares": lambda s: D.sector_shares(s.view),
        "contribution_flows": lambda s: D.contribution_flows(s.view),
        "contributions_over_time": lambda s: D.contributions_over_time(s.view),
        # indicators
        "indicator_scores": lambda s: I.indicator_scores(s.view, as_of=s.as_of),
        # competencies
        "competency_alignment": lambda s: C.competency_alignment(s.view, as_of=s.as_of),
        "alignment_index": lambda s: C.alignment_index(s.view, as_of=s.as_of),
        "single_points_of_failure": lambda s: C.single_points_of_failure(s.view, as_of=s.as_of),
        "candidate_fit": lambda s: C.candidate_fit(s.view, as_of=s.as_of),
        "competency_levels": lambda s: C.competency_levels(
            s.view, include_candidates=True, as_of=s.as_of
        ),
        # readiness
        "readiness": lambda s: R.readiness(s.view),
        "readiness_elements": lambda s: R.readiness_elements(s.view),
        "driver_alignment": lambda s: R.driver_alignment(s.view),
    }


class Snapshot:
    """The analyses of a partnership as of one day, each computed once.

    ``snap.frame("health_index")`` returns the analysis frame of the view as of
    ``snap.as_of`` (see :func:`as_of_view`), or raises the analysis' own
    :class:`~partner_analytics.errors.MissingTableError` / ``AnalysisInputError``;
    ``snap.get(name)`` returns None instead and ``snap.problem(name)`` the message.
    Names: see ``Snapshot.names()``.
    """

    def __init__(self, p, as_of, *, min_n: int = 3, base: Snapshot | None = None):
        if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
            raise AnalysisInputError(f"min_n must be a whole number >= 1, got {min_n!r}")
        self.source = p
        self.as_of = parse_as_of(as_of)
        self.label = period_label(self.as_of)
        self.min_n = int(min_n)
        self.view = as_of_view(p, self.as_of)
        if base is not None and (
            base.source is not p or base.min_n != self.min_n or base.as_of < self.as_of
        ):
            raise AnalysisInputError(
                "base must be a snapshot of the same partnership, min_n and a later day"
            )
        self.base = base
        self._done: dict[str, object] = {}

    @staticmethod
    def names() -> list[str]:
        return list(_ANALYSES)

    def frame(self, name: str):
        if name not in _ANALYSES:
            raise KeyError(f"unknown analysis {name!r}; known: {', '.join(_ANALYSES)}")
        if name not in self._done:
            try:
                self._done[name] = self._from_base(name)
                if self._done[name] is None:
                    self._done[name] = _ANALYSES[name](self)
            except EXPECTED_ERRORS as exc:
                self._done[name] = exc
        out = self._done[name]
        if isinstance(out, BaseException):
            raise out
        return out

    def _from_base(self, name: str):
        """A per-wave frame read off the later snapshot ``base``: its waves up to as_of.

        Per-wave analyses compute each wave from that wave's rows only (the bootstrap of a
        cell is seeded by wave and factor), so the rows of the waves ending on or before
        as_of are the frame the view would give. None when there is no base, the analysis
        is not per wave, or nothing is left (then the analysis runs, and says why).
        """
        col = _WAVE_FRAMES.get(name)
        if self.base is None or col is None:
            return None
        frame = self.base.frame(name)
        cut = frame[frame[col] <= self.as_of].reset_index(drop=True)
        return cut if len(cut) else None

    def get(self, name: str):
        try:
            return self.frame(name)
        except EXPECTED_ERRORS:
            return None

    def problem(self, name: str) -> str | None:
        """Why ``name`` cannot be computed (None when it can).

        A table the package has but whose rows all lie after as_of is reported as
        "no rows of 'assessments' on or before 2026-06-30", not as a missing table.
        """
        try:
            self.frame(name)
        except EXPECTED_ERRORS as exc:
            text = str(exc.args[0]) if exc.args else str(exc)
            m = re.search(r"needs table '(\w+)'", text)
            if isinstance(exc, MissingTableError) and m and self.source.has(m.group(1)):
                return (
                    f"no rows of '{m.group(1)}' dated on or before {self.as_of.date().isoformat()}"
                )
            return text
        return None

    def __repr__(self) -> str:
        return f"<Snapshot {self.label} of {self.source.name!r}, min_n={self.min_n}>"


class _Registry(dict):
    """The analyses by name, imported on first use (the report's parent process only
    needs the period helpers of this module, not scipy and networkx)."""

    def _fill(self) -> None:
        if not dict.__len__(self):
            self.update(_analyses())

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def __contains__(self, key) -> bool:
        self._fill()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._fill()
        return dict.__len__(self)


_ANALYSES = _Registry()
# per-wave analyses and the column holding the last day of the wave a row belongs to
_WAVE_FRAMES = {
    "network_summary": "wave_end",
    "power_interest": "wave_end",
    "stakeholder_movement": "to_wave_end",
    "factor_scores": "wave_end",
    "health_index": "wave_end",
    "perception_gaps": "wave_end",
}
_CACHE: dict[int, tuple[weakref.ref, dict]] = {}


def snapshot(p, as_of, *, min_n: int = 3) -> Snapshot:
    """The :class:`Snapshot` of ``p`` as of a day, shared by every caller in the process.

    The same partnership object, day and ``min_n`` give the same Snapshot, so a report
    that asks for highlights, headline figures and section tables computes each analysis
    once. A Partnership is not changed after loading; a cache entry dies with its object.
    When a snapshot of a later day exists, the per-wave frames of an earlier one are its
    rows up to the earlier day (see ``Snapshot._from_base``), so asking for the later day
    first saves recomputing them.
    """
    key = id(p)
    entry = _CACHE.get(key)
    if entry is None or entry[0]() is not p:
        # the dict is bound here: at interpreter exit the module global may already be None
        ref = weakref.ref(p, lambda _r, k=key, cache=_CACHE: cache.pop(k, None))
        entry = (ref, {})
        _CACHE[key] = entry
    d = parse_as_of(as_of)
    skey = (d, int(min_n))
    snaps = entry[1]
    if skey not in snaps:
        later = sorted(k for k in snaps if k[1] == int(min_n) and k[0] > d)
        base = snaps[later[0]] if later else None
        snaps[skey] = Snapshot(p, d, min_n=min_n, base=base)
    return snaps[skey]


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


def _latest(frame: pd.DataFrame, col: str = "wave") -> pd.DataFrame:
    """Rows of the latest wave (by wave_end) of a frame."""
    if frame is None or not len(frame):
        return frame.iloc[0:0] if frame is not None else None
    last = frame.sort_values("wave_end", kind="stable")[col].iloc[-1]
    return frame[frame[col] == last]


def _figure_values(s: Snapshot) -> dict[str, dict]:
    """Every headline figure of one snapshot: value, total, period, suppressed, note."""
    out: dict[str, dict] = {}

    def put(
        key,
        value=math.nan,
        *,
        total=math.nan,
        period=None,
        suppressed=False,
        note=None,
        currency=None,
    ):
        out[key] = {
            "value": float(value) if value is not None else math.nan,
            "total": float(total) if total is not None else math.nan,
            "period": period,
            "suppressed": bool(suppressed),
            "note": note,
            "currency": currency,
        }

    def missing(key, name):
        put(key, note=s.problem(name))

    div = s.get("sector_diversity")
    if div is None:
        missing("active_partners", "sector_diversity")
        missing("sectors", "sector_diversity")
    else:
        put("active_partners", div["n_partners"].sum(), period=s.label)
        put("sectors", (div["n_partners"] > 0).sum(), total=len(div), period=s.label)

    pi = s.get("power_interest")
    if pi is None or not len(pi):
        note = s.problem("power_interest") or f"no stakeholder ratings on or before {s.label}"
        put("manage_closely", note=note)
        put("contested", note=note)
    else:
        last = _latest(pi)
        shown = last[~last["suppressed"]]
        wave = last["wave"].iloc[0]
        put(
            "manage_closely",
            (shown["quadrant"] == "manage_closely").sum(),
            total=len(shown),
            period=wave,
        )
        put("contested", shown["contested"].sum(), total=len(shown), period=wave)

    hi = s.get("health_index")
    if hi is None or not len(hi):
        put(
            "health_index",
            note=s.problem("health_index") or f"no assessments on or before {s.label}",
        )
    else:
        last = _latest(hi)
        put(
            "health_index",
            last["index"].iloc[0],
            period=last["wave"].iloc[0],
            suppressed=bool(last["suppressed"].iloc[0]),
        )
    fs = s.get("factor_scores")
    if fs is None or not len(fs):
        put(
            "concern_factors",
            note=s.problem("factor_scores") or f"no assessments on or before {s.label}",
        )
    else:
        last = _latest(fs)
        shown = last[~last["suppressed"] & last["mean"].notna()]
        put(
            "concern_factors",
            (shown["band"] == "concern").sum(),
            total=len(shown),
            period=last["wave"].iloc[0],
        )
    pg = s.get("perception_gaps")
    if pg is None or not len(pg):
        put(
            "perception_gaps",
            note=s.problem("perception_gaps") or f"no assessments on or before {s.label}",
        )
    else:
        last = _latest(pg)
        per_factor = last.drop_duplicates("factor_code")
        compared = per_factor[per_factor["gap"].notna()]
        put(
            "perception_gaps",
            compared["flagged"].sum(),
            total=len(compared),
            period=last["wave"].iloc[0],
        )

    ft = s.get("follow_through")
    if ft is None:
        missing("follow_through", "follow_through")
        missing("overdue", "follow_through")
    else:
        row = ft.iloc[-1]
        due = int(row["due"])
        put("follow_through", 100.0 * row["rate"] if due else math.nan, total=due, period=s.label,
            note=None if due else f"no commitment was due by {s.label}")  # fmt: skip
        put("overdue", row["overdue"], total=due, period=s.label)

    ct = s.get("contribution_total")
    if ct is None:
        missing("delivered", "contribution_total")
        missing("fulfilment", "contribution_total")
    elif not len(ct) or ct["pledged"].sum() == 0:
        put("delivered", 0.0, period=s.label, note=f"no contribution dated on or before {s.label}")
        put("fulfilment", note=f"nothing pledged on or before {s.label}")
    else:
        row = ct.iloc[0]
        cur = row["currency"] if isinstance(row["currency"], str) else None
        put("delivered", row["delivered"], total=row["pledged"], period=s.label, currency=cur)
        put("fulfilment", 100.0 * row["fulfilment"], period=s.label)

    sc = s.get("indicator_scores")
    if sc is None:
        missing("on_track", "indicator_scores")
        missing("deteriorating", "indicator_scores")
    else:
        from partner_analytics.analysis.indicators import ON_TRACK_STATUSES

        put("on_track", sc["status"].isin(ON_TRACK_STATUSES).sum(), total=len(sc), period=s.label)
        put("deteriorating", (sc["status"] == "deterioration").sum(), total=len(sc), period=s.label)

    ai = s.get("alignment_index")
    if ai is None:
        missing("alignment_index", "alignment_index")
    else:
        put("alignment_index", ai, period=s.label)

    rd = s.get("readiness")
    if rd is None or not len(rd):
        put(
            "readiness",
            note=s.problem("readiness") or f"no readiness review on or before {s.label}",
        )
    else:
        row = rd.iloc[-1]
        put(
            "readiness",
            row["score"],
            total=row["elements"],
            period=pd.Timestamp(row["review_date"]).date().isoformat(),
        )
    return out


def headline_figures(p, *, as_of, previous=None, min_n: int = 3) -> pd.DataFrame:
    """Every headline figure of a report as of a day, in the previous period, and the change.

    Parameters
    ----------
    p : Partnership
        A loaded package (any tables; a figure whose table is missing says so in ``note``).
    as_of : date or period label
        The day of the report ("2026-09-30" or "2026-Q3").
    previous : date or period label, optional
        The day to compare with; default: the end of the quarter before (see
        :func:`previous_period_end`).
    min_n : int, default 3
        The small-cell threshold passed to the analyses.

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
          than min_n people: show "n < 3")
        - ``previous``, ``previous_total``, ``period_previous``, ``suppressed_previous``
        - ``change``: now - previous (NaN when either is missing or suppressed)
        - ``note``: why a value is missing (the missing table, no data yet)

    Notes
    -----
    Every value is read from an analysis frame of the view as of the day (see
    :func:`as_of_view` and :class:`Snapshot`), never recomputed:

    - wave-based figures (stakeholders, health) use the latest wave ending on or before
      the day; when no new wave came in between the two days, both sides show the same
      wave and the change is 0;
    - counts of stakeholders and factors exclude suppressed cells (fewer than min_n
      raters or respondents), and ``now_total`` counts only the cells shown;
    - follow-through and overdue use the overall row of ``follow_through`` (percent =
      100 * on_time / due); delivered and fulfilment the total of
      ``contribution_summary(by=())``; indicators the statuses of ``indicator_scores``
      (on track = target achieved or substantial progress); the alignment index
      ``alignment_index``; readiness the latest review's ``score``.
    """
    now_snap = snapshot(p, as_of, min_n=min_n)
    prev_day = previous_day(as_of, previous)
    prev_snap = snapshot(p, prev_day, min_n=min_n)
    now, prev = _figure_values(now_snap), _figure_values(prev_snap)
    rows = []
    for key, label, section, unit, better in _HEADLINES:
        a, b = now[key], prev[key]
        usable = not (a["suppressed"] or b["suppressed"])
        change = a["value"] - b["value"] if usable else math.nan
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
                "change": change,
                "note": a["note"] or (f"previous period: {b['note']}" if b["note"] else None),
            }
        )
    out = pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
    for c in (
        "figure",
        "label",
        "section",
        "unit",
        "currency",
        "better",
        "period_now",
        "period_previous",
        "note",
    ):
        out[c] = out[c].astype("str")
    for c in ("now", "now_total", "previous", "previous_total", "change"):
        out[c] = out[c].astype("float64")
    for c in ("suppressed_now", "suppressed_previous"):
        out[c] = out[c].astype("bool")
    return out
