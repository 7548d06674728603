"""A partnership as of a day: the cut-off view, the analyses of that view, the days to show.

Reports and dashboards look at a partnership *as of* a day D (the end of a quarter, usually)
and compare it with the period before:

- :func:`as_of_view`: the Partnership restricted to what was known on D (waves ending on or
  before D, observations of periods ending on or before D, contributions and reviews dated
  on or before D, completions after D undone, partners who joined after D left out);
- :func:`partners_view`: the Partnership with the commitments and contributions of some
  partners only (a dashboard's sector or partner filter);
- :func:`respondents_view`: the Partnership with the survey answers of the respondents of
  some partners only (how one sector sees the collaboration);
- :func:`stakeholder_group_view`: the Partnership with the ratings of one group of
  stakeholders only (a dashboard's group filter);
- :class:`Snapshot` / :func:`snapshot`: the analyses of the view as of D, each computed once
  and kept in the partnership's own cache (``p.cache``);
- :func:`latest_day` and :func:`quarter_ends`: the days a package has data for (the
  choices of a dashboard's "as of" selector).

Headline figures and comparisons built on snapshots are in
:mod:`partner_analytics.analysis.headlines`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable

import pandas as pd

from partner_analytics.analysis.small_cells import resolve_min_n
from partner_analytics.data.periods import parse_as_of, period_label, periods_end
from partner_analytics.errors import AnalysisInputError, MissingTableError

__all__ = [
    "EXPECTED_ERRORS",
    "Snapshot",
    "as_of_view",
    "latest_day",
    "partners_view",
    "quarter_ends",
    "respondents_view",
    "snapshot",
    "stakeholder_group_view",
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
        - ``actions``: actions raised on or before as_of; one done or dropped after as_of
          was open on that day (its completion removed, its status ``open``);
        - ``partners``: partners who joined after as_of are left out, with their rows in
          competencies, contributions, commitments, assessments, relationships,
          observations and actions (those they own); stakeholders and indicators that
          name them keep their rows without the link. Candidates (no joining date) and
          partners who left are kept (the analyses treat them as such).

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
    act = t["actions"]
    if len(act):
        act = act[act["raised"] <= d]
        later = act["completed_date"].notna() & (act["completed_date"] > d)
        if later.any():
            act = act.copy()
            act["completed_date"] = act["completed_date"].mask(later)
            act["status"] = act["status"].mask(later & act["status"].isin(["done", "dropped"]), "open")
        t["actions"] = act.reset_index(drop=True)

    partners = t["partners"]
    joined_later = partners["joined"].notna() & (partners["joined"] > d)
    if joined_later.any():
        gone = set(partners.loc[joined_later, "partner_id"])
        t["partners"] = partners[~joined_later].reset_index(drop=True)
        for name in _PARTNER_CHILDREN:
            f = t[name]
            if len(f):
                t[name] = f[~f["partner_id"].isin(gone)].reset_index(drop=True)
        act = t["actions"]
        if len(act):
            t["actions"] = act[~act["owner_partner_id"].isin(gone)].reset_index(drop=True)
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
    # a view has a cache of its own: the frames of the whole package are not its frames
    return dataclasses.replace(p, tables=t, cache={})


def partners_view(p, partner_ids):
    """The partnership with the commitments and contributions of ``partner_ids`` only.

    ``None`` keeps every partner (``p`` itself is returned). Other tables are kept whole.
    The view has a cache of its own.
    """
    if partner_ids is None:
        return p
    keep = set(partner_ids)
    t = dict(p.tables)
    for name in ("contributions", "commitments"):
        f = t[name]
        if len(f):
            t[name] = f[f["partner_id"].isin(keep)].reset_index(drop=True)
    return dataclasses.replace(p, tables=t, cache={})


def respondents_view(p, partner_ids):
    """The partnership with the answers (``assessments``) of the respondents of
    ``partner_ids`` only: the collaboration as one sector's respondents see it.

    ``None`` keeps every respondent (``p`` itself is returned). Other tables are kept
    whole; the view has a cache of its own, and the analyses of it suppress small cells
    with the partnership's ``min_n`` (a sector of two respondents reads "n < {min_n}").
    """
    if partner_ids is None:
        return p
    keep = set(partner_ids)
    t = dict(p.tables)
    f = t["assessments"]
    if len(f):
        t["assessments"] = f[f["partner_id"].isin(keep)].reset_index(drop=True)
    return dataclasses.replace(p, tables=t, cache={})


def stakeholder_group_view(p, group):
    """The partnership with the ratings of the stakeholders of ``group`` only (the
    ``group`` column of ``stakeholders``); ``None`` keeps every stakeholder.

    Each stakeholder's analyses are the same as in the whole package (a stakeholder's
    numbers rest on its own raters); what changes is who is counted, e.g. in the movement
    between quadrants of one group.
    """
    if group is None:
        return p
    st = p.tables["stakeholders"]
    ids = set(st.loc[st["group"] == group, "stakeholder_id"]) if "group" in st else set()
    t = dict(p.tables)
    r = t["stakeholder_ratings"]
    if len(r):
        t["stakeholder_ratings"] = r[r["stakeholder_id"].isin(ids)].reset_index(drop=True)
    return dataclasses.replace(p, tables=t, cache={})


# --------------------------------------------------------------------------- the days with data


def _dated(p) -> list[pd.Series]:
    """The dates of what happened: wave ends, observation periods, contributions, reviews,
    completed commitments, actions raised and closed (due dates are left out: they lie
    ahead)."""
    out = []
    for name in _WAVE_TABLES:
        if p.has(name):
            out.append(p.tables[name]["wave_end"])
    if p.has("observations"):
        out.append(periods_end(p.observations["date"]))
    if p.has("contributions"):
        out.append(p.contributions["date"])
    if p.has("readiness"):
        out.append(p.readiness["review_date"])
    if p.has("commitments"):
        out.append(p.commitments["completed_date"])
    if p.has("actions"):
        out += [p.actions["raised"], p.actions["completed_date"]]
    return [s.dropna() for s in out if s.notna().any()]


def latest_day(p) -> pd.Timestamp | None:
    """The last day the package has data for; None when it has no dated row."""
    dated = _dated(p)
    return max(pd.Timestamp(s.max()) for s in dated) if dated else None


def quarter_ends(p, *, n: int = 12) -> list[pd.Timestamp]:
    """Quarter ends from the first quarter with data (at most ``n`` of them) to the quarter
    holding :func:`latest_day`, in order."""
    dated = _dated(p)
    if not dated:
        return []
    last = pd.Period(max(pd.Timestamp(s.max()) for s in dated), freq="Q")
    first = pd.Period(min(pd.Timestamp(s.min()) for s in dated), freq="Q")
    k = min(n, (last - first).n + 1)
    return [(last - i).end_time.normalize() for i in range(k - 1, -1, -1)]


# --------------------------------------------------------------------------- snapshot


@functools.cache
def _analyses() -> dict[str, Callable]:
    """The analyses a snapshot knows, by name (imported on first use)."""
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

    def __init__(self, p, as_of, *, min_n: int | None = None, base: Snapshot | None = None):
        self.source = p
        self.as_of = parse_as_of(as_of)
        self.label = period_label(self.as_of)
        self.min_n = resolve_min_n(p, min_n)
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
        return list(_analyses())

    def frame(self, name: str):
        analyses = _analyses()
        if name not in analyses:
            raise KeyError(f"unknown analysis {name!r}; known: {', '.join(analyses)}")
        if name not in self._done:
            try:
                self._done[name] = self._from_base(name)
                if self._done[name] is None:
                    self._done[name] = analyses[name](self)
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


# per-wave analyses and the column holding the last day of the wave a row belongs to
_WAVE_FRAMES = {
    "network_summary": "wave_end",
    "power_interest": "wave_end",
    "stakeholder_movement": "to_wave_end",
    "factor_scores": "wave_end",
    "health_index": "wave_end",
    "perception_gaps": "wave_end",
}


def snapshot(p, as_of, *, min_n: int | None = None) -> Snapshot:
    """The :class:`Snapshot` of ``p`` as of a day, kept in the partnership's cache.

    The same partnership object, day and ``min_n`` (default: ``p.min_n``) give the same
    Snapshot, so a report that asks for highlights, headline figures and section tables
    computes each analysis once; the snapshots live and die with ``p`` (``p.cache``), and
    :func:`as_of_view` gives every view a cache of its own. When a snapshot of a later day
    exists, the per-wave frames of an earlier one are its rows up to the earlier day (see
    ``Snapshot._from_base``), so asking for the later day first saves recomputing them.
    """
    d = parse_as_of(as_of)
    m = resolve_min_n(p, min_n)
    snaps = p.cache.setdefault("snapshots", {})
    if (d, m) not in snaps:
        later = sorted(k for k in snaps if k[1] == m and k[0] > d)
        base = snaps[later[0]] if later else None
        snaps[(d, m)] = Snapshot(p, d, min_n=m, base=base)
    return snaps[(d, m)]
