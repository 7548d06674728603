"""Collaboration health: factor scores, the health index, perception gaps, reliability.

Any instrument given as a ``factors`` table (optionally with an ``items`` table) is scored
the same way; without one, the packaged mutuality factor set (601..616) is used. The
definitions are those of methods.md section 3:

- a respondent's factor score is the answer to the factor, or, with an ``items`` table,
  the mean of the respondent's answers to the factor's items (reverse items flipped to
  ``6 - score`` first);
- the factor mean is the mean over respondents; a factor mean over fewer than ``min_n``
  respondents is kept with ``suppressed = True`` (shown as "n < {min_n}", never as a number);
- band: mean >= 4.0 ``strength``, 3.0 <= mean < 4.0 ``borderline``, mean < 3.0 ``concern``;
- index = sum(weight * (mean - 1) / 4) / sum(weight) * 100 over the factors that are not
  suppressed;
- perception gap = max - min of the group means over the groups shown (>= ``min_n``
  respondents, and not hidden beside a small group: the groups of a wave and factor are
  parts of its total, so a small group's complement is suppressed too, see
  :func:`~partner_analytics.analysis.small_cells.complementary_suppression`); gaps >= 1.0
  are flagged;
- 95 % percentile-bootstrap intervals (respondents resampled, 2000 resamples, fixed seed);
- change against the previous wave with the Wilcoxon signed-rank test on respondents
  present in both waves when there are >= 5 of them, else the Mann-Whitney U test.

Respondent ids never appear in any output.

The respondents' factor scores and the wave x factor cells are computed once per Partnership
and shared by :func:`factor_scores`, :func:`health_index` and :func:`perception_gaps` (the
report and the dashboards call the three on the same object); the intervals of all cells are
drawn in one pass, each cell from its own generator. The numbers are those of the statement
cell by cell, to the bit (tests/analysis/test_health_vectorised.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from partner_analytics.analysis._bootstrap import (
    cell_rng,
    mean_intervals,
    percentile_interval,
    resampled_column_means,
)
from partner_analytics.analysis._common import numpy_sums
from partner_analytics.analysis.small_cells import (
    check_min_n,
    complementary_suppression,
    small_cells,
)
from partner_analytics.data.periods import normalize_period
from partner_analytics.errors import AnalysisInputError

__all__ = [
    "FACTOR_BAND_LIMITS",
    "INDEX_BAND_LIMITS",
    "factor_comments",
    "factor_reliability",
    "factor_scores",
    "health_index",
    "item_missingness",
    "perception_gaps",
]

#: Lower limits of the ``borderline`` and ``strength`` bands of a factor mean (1..5 scale).
FACTOR_BAND_LIMITS = (3.0, 4.0)
#: The same limits on the 0..100 index scale: 100 * (limit - 1) / 4.
INDEX_BAND_LIMITS = tuple(100.0 * (x - 1.0) / 4.0 for x in FACTOR_BAND_LIMITS)

# Means are compared with the band limits and the gap threshold after rounding away
# floating-point noise (a mean of item means can come out as 3.9999999999999996).
_EPS = 1e-9


# --------------------------------------------------------------------------- helpers


def _check_common(
    min_n: int, confidence: float | None = None, n_boot: int | None = None, seed: object = 0
) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise AnalysisInputError(f"seed must be a whole number, got {seed!r}")
    check_min_n(min_n)
    if confidence is not None and not (0.0 < float(confidence) < 1.0):
        raise AnalysisInputError(f"confidence must lie between 0 and 1, got {confidence!r}")
    if n_boot is not None and (
        isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1
    ):
        raise AnalysisInputError(f"n_boot must be a whole number >= 1, got {n_boot!r}")


def _instrument(p) -> pd.DataFrame:
    """factor_code, factor, group, weight and the instrument's order of the factors."""
    f = p.factors[["factor_code", "factor", "group", "weight"]].reset_index(drop=True)
    return f.assign(_order=np.arange(len(f)))


def _item_rows(p) -> pd.DataFrame:
    """One row per answer: wave, wave_end, respondent_id, partner_id, factor_code, item,
    item_code, score (reverse items flipped), comment."""
    a = p.assessments[
        [
            "wave",
            "wave_end",
            "respondent_id",
            "partner_id",
            "factor_code",
            "item_code",
            "score",
            "comment",
        ]
    ].reset_index(drop=True)
    has_item = a["item_code"].notna()
    if has_item.any():
        items = p.items[["item_code", "factor_code", "reverse"]].rename(
            columns={"factor_code": "_item_factor", "reverse": "_reverse"}
        )
        a = a.merge(items, on="item_code", how="left")
        unknown = has_item & a["_item_factor"].isna()
        if unknown.any():
            codes = ", ".join(sorted(a.loc[unknown, "item_code"].unique()))
            raise AnalysisInputError(
                f"assessments refer to item_code(s) {codes} that the items table does not have"
            )
        reverse = has_item & a["_reverse"].fillna(False).astype(bool)
        a["factor_code"] = a["factor_code"].where(~has_item, a["_item_factor"])
        a["score"] = a["score"].where(~reverse, 6.0 - a["score"])
        a = a.drop(columns=["_item_factor", "_reverse"])
    # the key of an answer within its factor: the item, or the factor itself (single item)
    a["item"] = a["item_code"].fillna(a["factor_code"])
    known = set(p.factors["factor_code"])
    bad = ~a["factor_code"].isin(known)
    if bad.any():
        codes = ", ".join(sorted(a.loc[bad, "factor_code"].dropna().unique()))
        raise AnalysisInputError(
            f"assessments refer to factor_code(s) {codes} not in the instrument"
        )
    return a


def _respondent_scores(p) -> pd.DataFrame:
    """One row per wave, respondent and factor: the respondent's factor score."""
    a = _item_rows(p)
    return (
        a.groupby(["wave", "respondent_id", "factor_code"], observed=True, sort=False)
        .agg(
            wave_end=("wave_end", "first"),
            partner_id=("partner_id", "first"),
            score=("score", "mean"),
            n_items=("score", "size"),
        )
        .reset_index()
    )


def _waves(frame: pd.DataFrame) -> pd.DataFrame:
    """The waves in order (by last day, then label) with the previous wave of each."""
    w = (
        frame[["wave", "wave_end"]]
        .drop_duplicates("wave")
        .sort_values(["wave_end", "wave"], kind="stable")
        .reset_index(drop=True)
    )
    w["previous_wave"] = w["wave"].shift(1)
    return w


def _band(mean: pd.Series) -> pd.Series:
    m = mean.round(9)
    band = np.select(
        [m >= FACTOR_BAND_LIMITS[1], m >= FACTOR_BAND_LIMITS[0], m < FACTOR_BAND_LIMITS[0]],
        ["strength", "borderline", "concern"],
        default="",
    )
    return pd.Series(band, index=mean.index, dtype="str").replace("", pd.NA)


def _index_band(index: pd.Series) -> pd.Series:
    m = index.round(7)
    band = np.select(
        [m >= INDEX_BAND_LIMITS[1], m >= INDEX_BAND_LIMITS[0], m < INDEX_BAND_LIMITS[0]],
        ["strength", "borderline", "concern"],
        default="",
    )
    return pd.Series(band, index=index.index, dtype="str").replace("", pd.NA)


# --------------------------------------------------------------------------- shared work
#
# factor_scores, health_index and perception_gaps all start from the respondents' factor
# scores and from the same wave x factor cells. That work is done once per Partnership
# (_survey) and kept while the Partnership lives: the report and the dashboards call the
# three analyses on the same object. The cached numbers are computed as the per-cell
# statements (pandas' grouped mean, Series.std) compute them, so the outputs are the same
# whether or not they come from the cache.


@dataclass(frozen=True, eq=False)
class _Survey:
    """The respondent-level work every collaboration-health analysis starts from.

    ``resp`` is :func:`_respondent_scores`; ``cells`` the grid of waves (time order) x
    factors answered in some wave (instrument order) with ``mean``, ``sd`` and
    ``n_respondents``; cell ``k`` is wave ``k // n_factors`` and factor ``k % n_factors``.
    The arrays are per row of ``resp``: ``wave_pos`` and ``factor_pos`` (the cell's
    coordinates), ``respondent`` (the respondent's rank in text order) and ``score``;
    ``rows`` lists the rows of ``resp`` cell after cell (rows of one cell in ``resp``
    order), cell ``k`` being ``rows[bounds[k]:bounds[k + 1]]``.
    """

    resp: pd.DataFrame
    factors: pd.DataFrame
    waves: pd.DataFrame
    cells: pd.DataFrame
    wave_pos: np.ndarray
    factor_pos: np.ndarray
    respondent: np.ndarray
    score: np.ndarray
    rows: np.ndarray
    bounds: np.ndarray

    @property
    def n_factors(self) -> int:
        return len(self.cells) // max(1, len(self.waves))

    def cell(self, k: int) -> slice:
        return slice(int(self.bounds[k]), int(self.bounds[k + 1]))


_SURVEY_TABLES = ("assessments", "items", "factors")
#: The key of the survey in the partnership's cache (``p.cache``).
SURVEY_CACHE_KEY = "health.survey"


def _survey(p) -> _Survey:
    """The :class:`_Survey` of ``p``, computed once per Partnership and kept in ``p.cache``.

    The entry lives and dies with ``p``; it is not used when a table it was computed from
    has been replaced (``p.tables[...] = ...``). Tables are taken as they were loaded: a
    table changed in place is not noticed. An object without a ``cache`` is not cached.
    """
    tables = tuple(p.tables.get(name) for name in _SURVEY_TABLES)
    cache = getattr(p, "cache", None)
    hit = cache.get(SURVEY_CACHE_KEY) if cache is not None else None
    if hit is not None and all(a is b for a, b in zip(hit[0], tables, strict=True)):
        return hit[1]
    survey = _build_survey(p)
    if cache is not None:
        cache[SURVEY_CACHE_KEY] = (tables, survey)
    return survey


def _build_survey(p) -> _Survey:
    resp = _respondent_scores(p)
    factors = _instrument(p)
    waves = _waves(resp)
    answered = factors[factors["factor_code"].isin(pd.unique(resp["factor_code"]))]
    grid = waves[["wave", "wave_end", "previous_wave"]].merge(answered, how="cross")
    n_f = len(answered)
    n_cells = len(waves) * n_f

    wave_pos = pd.Index(waves["wave"]).get_indexer(resp["wave"]).astype(np.intp)
    factor_pos = pd.Index(answered["factor_code"]).get_indexer(resp["factor_code"])
    factor_pos = factor_pos.astype(np.intp)
    cell = wave_pos * n_f + factor_pos
    score = resp["score"].to_numpy(dtype="float64")
    rows = np.argsort(cell, kind="stable")
    n = np.bincount(cell, minlength=n_cells)
    bounds = np.r_[0, np.cumsum(n)].astype(np.intp)

    # mean: pandas' grouped mean (as resp.groupby(["wave", "factor_code"])["score"].mean())
    mean = np.full(n_cells, np.nan)
    if len(score):
        grouped = pd.Series(score).groupby(cell, sort=True).mean()
        mean[grouped.index.to_numpy()] = grouped.to_numpy(dtype="float64")
    sd = _segment_sd(score[rows], n)

    cells = grid.copy()
    cells["mean"] = mean
    cells["sd"] = sd
    cells["n_respondents"] = pd.array(n, dtype="Int64")

    codes, uniques = pd.factorize(resp["respondent_id"])
    order = np.argsort(np.asarray(uniques, dtype=object), kind="stable")  # text order
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return _Survey(
        resp=resp,
        factors=factors,
        waves=waves,
        cells=cells,
        wave_pos=wave_pos,
        factor_pos=factor_pos,
        respondent=rank[codes],
        score=score,
        rows=rows,
        bounds=bounds,
    )


def _segment_sd(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sample sd (ddof 1) of each consecutive segment of ``x``, as ``Series.std`` of each.

    pandas' two passes: avg = sum(x) / n, then sqrt(sum((avg - x)^2) / (n - 1)), with numpy's
    sums (:func:`numpy_sums` gives their bits); NaN for segments of fewer than 2 values.
    """
    lengths = np.asarray(lengths, dtype=np.intp)
    with np.errstate(all="ignore"):
        avg = numpy_sums(x, lengths) / lengths
        dev = (np.repeat(avg, lengths) - x) ** 2
        sd = np.sqrt(numpy_sums(dev, lengths) / (lengths - 1))
    sd[lengths < 2] = np.nan
    return sd


def _factor_table(survey: _Survey, min_n: int) -> pd.DataFrame:
    """Every wave x factor answered in some wave: mean, sd, n_respondents, suppressed."""
    t = survey.cells.copy()
    t["suppressed"] = (t["n_respondents"] < min_n).astype(bool)
    return t


def _weighted_index(means: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index of the last axis of ``means`` (NaN = factor left out): sum(w (m-1)/4)/sum(w)*100."""
    ok = ~np.isnan(means)
    w = np.where(ok, weights, 0.0)
    num = (w * np.where(ok, (means - 1.0) / 4.0, 0.0)).sum(axis=-1)
    den = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan) * 100.0


def _change_test(
    current: np.ndarray,
    current_ids: np.ndarray,
    previous: np.ndarray | None,
    previous_ids: np.ndarray | None,
    min_matched: int,
    position: np.ndarray,
):
    """(test, p_value, n_matched) comparing a factor's scores in two waves.

    ``current`` and ``previous`` are the scores of the two cells with the respondents'
    codes; ``previous`` None means there is no previous wave. ``position`` is a scratch
    array of -1 as long as the respondent codes (left as it was found).
    """
    if previous is None:
        return (None, np.nan, 0)
    position[previous_ids] = np.arange(len(previous_ids))
    at = position[current_ids]
    position[previous_ids] = -1
    matched = at >= 0
    n_matched = int(np.count_nonzero(matched))
    if len(current) == 0 or len(previous) == 0:
        return (None, np.nan, n_matched)
    if n_matched >= min_matched:
        # paired differences in the order of the current wave's respondents
        d = current[matched] - previous[at[matched]]
        if np.all(d == 0):
            return ("wilcoxon", 1.0, n_matched)  # no respondent changed: no evidence
        return ("wilcoxon", _signed_rank_p(d), n_matched)
    res = stats.mannwhitneyu(current, previous, alternative="two-sided")
    return ("mannwhitneyu", float(res.pvalue), n_matched)


#: Largest sample that scipy's signed-rank test enumerates exactly (2^13 <= 9999 sign flips).
_ENUMERATED = 13


def _signed_rank_p(d: np.ndarray) -> float:
    """``scipy.stats.wilcoxon(d).pvalue`` (two-sided, zero differences dropped).

    With ties or zero differences in 13 or fewer pairs scipy enumerates the 2^n sign flips of
    the differences (a permutation test), which takes seconds at n = 12 or 13: a small
    partnership's every factor and wave. The same count is made here from the ranks: the
    null statistic of a flip is the sum of the ranks flipped positive, so the number of
    flips at or below (at or above) the observed sum is a count of subset sums of the ranks
    (ranks are multiples of 1/2: twice them are whole numbers), times 2 for each zero
    difference. p = 2 min(P(R+ <= r+), P(R+ >= r+)), at most 1, as scipy computes it (the
    sums are multiples of 1/2, so the relative tolerance of scipy's comparison, about
    1e-14 r+, changes no count). Otherwise (no ties and no zeros, or more than 13 pairs)
    scipy is called.
    """
    d = np.asarray(d, dtype="float64")
    n = len(d)
    nonzero = d[d != 0]
    size = np.abs(nonzero)
    order = np.argsort(size, kind="stable")
    ordered = size[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]  # first of each run of equal sizes
    if n > _ENUMERATED or (first.all() and len(nonzero) == n):
        return float(stats.wilcoxon(d).pvalue)
    # average ranks 1..m of the sizes, doubled: first + last rank of the run of equal sizes
    starts = np.flatnonzero(first)
    runs = np.diff(np.r_[starts, len(ordered)])
    twice = np.empty(len(ordered), dtype=np.int64)
    twice[order] = np.repeat(2 * starts + runs + 1, runs)
    observed = int(twice[nonzero > 0].sum())
    ways = np.zeros(int(twice.sum()) + 1, dtype=np.int64)  # ways[s]: flips with sum s
    ways[0] = 1
    for r in twice.tolist():  # every rank r >= 2: add the flips that make it positive
        ways[r:] += ways[:-r].copy()
    ways *= 2 ** (n - len(nonzero))
    total = 2**n
    p_less = float(ways[: observed + 1].sum()) / total
    p_greater = float(ways[observed:].sum()) / total
    return float(min(max(min(p_less, p_greater) * 2, 0.0), 1.0))


# --------------------------------------------------------------------------- public API


@small_cells
def factor_scores(
    p,
    *,
    min_n: int | None = None,
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    min_matched: int = 5,
) -> pd.DataFrame:
    """Mean score per wave and factor, with its band, bootstrap interval and change.

    Parameters
    ----------
    p : Partnership
        A loaded package with an ``assessments`` table (and optionally ``factors`` and
        ``items``; without ``factors`` the packaged mutuality set is the instrument).
    min_n : int, optional
        The small-cell threshold; default: the partnership's setting ``p.min_n`` (3 unless
        package.yml says otherwise).
        A factor mean over fewer respondents is marked ``suppressed``.
    confidence : float, default 0.95
        Coverage of the percentile-bootstrap interval.
    n_boot : int, default 2000
        Bootstrap resamples of respondents.
    seed : int, default 0
        Seed of the bootstrap (the same seed gives the same intervals).
    min_matched : int, default 5
        Respondents present in both waves needed for the signed-rank test.

    Returns
    -------
    pandas.DataFrame
        One row per wave (in time order) and factor (in the instrument's order) of every
        factor answered in at least one wave:

        - ``wave``, ``wave_end``: the wave label and its last day
        - ``factor_code``, ``factor``, ``group``, ``weight``: from the instrument
        - ``mean``, ``sd``: mean and sample sd (ddof 1) of the respondents' factor scores
        - ``n_respondents``: respondents with a score for the factor in the wave (0 when
          nobody answered it: mean NaN)
        - ``ci_low``, ``ci_high``: percentile-bootstrap interval of the mean
        - ``band``: ``strength`` / ``borderline`` / ``concern`` (NA without a mean)
        - ``suppressed``: n_respondents < min_n
        - ``previous_wave``, ``previous_mean``, ``change`` (mean - previous_mean)
        - ``test``: ``"wilcoxon"``, ``"mannwhitneyu"`` or NA (no previous wave, or no
          answers in one of the two waves); ``p_value``; ``n_matched``: respondents with a
          score for the factor in both waves
        - ``previous_mean``, ``change``, ``test`` and ``p_value`` are missing where the
          previous wave's mean is suppressed: beside a mean that is shown they would give
          it

    Notes
    -----
    mean = sum(x_r) / n over respondents r, x_r the respondent's factor score (the mean of
    the respondent's items of the factor when items are used, reverse items as 6 - score).
    Band: mean >= 4.0 strength, 3.0 <= mean < 4.0 borderline, mean < 3.0 concern; means
    are rounded to 9 decimals before the comparison so that floating-point noise cannot
    move a mean of exactly 4.0 out of ``strength``.

    Interval: respondents of the cell are resampled with replacement ``n_boot`` times and
    the 2.5th and 97.5th percentiles (numpy's linear quantile) of the resampled means
    are reported (Efron & Tibshirani 1993). Each cell has its own generator seeded from
    ``seed``, the wave and the factor code, so an interval does not depend on the other
    cells of the package and two runs give identical numbers.

    Change: against the wave immediately before in the assessments. When at least
    ``min_matched`` respondents have a score for the factor in both waves, the Wilcoxon
    signed-rank test (scipy defaults: zero differences dropped, two-sided) on their paired
    scores; when every paired difference is 0 the p-value is reported as 1.0 (scipy's
    statistic is undefined there; with ties or zeros among 13 or fewer pairs scipy's exact
    enumeration of the sign flips is reproduced by counting, which gives its p-value to the
    bit in a fraction of the time). Otherwise the two-sided Mann-Whitney U test on all the
    scores of the two waves. Tests are computed for suppressed rows too: the numbers stay
    in the frame and ``suppressed`` says they must not be shown.

    A factor answered in some wave appears in every wave, so a factor left out of one wave
    is visible (n_respondents 0, suppressed) rather than silently missing; factors of the
    instrument that nobody ever answered (a package using part of an instrument) are left
    out.

    References
    ----------
    .. [1] B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*, Chapman &
       Hall, 1993. doi:10.1201/9780429246593
    .. [2] F. Wilcoxon, "Individual comparisons by ranking methods", Biometrics Bulletin
       1(6), 1945, 80-83. doi:10.2307/3001968
    .. [3] H. B. Mann and D. R. Whitney, "On a test of whether one of two random variables
       is stochastically larger than the other", Ann. Math. Statist. 18(1), 1947, 50-60.
       doi:10.1214/aoms/1177730491

    Examples
    --------
    >>> import pandas as pd
    >>> from partner_analytics import Partnership
    >>> p = Partnership.from_frames(
    ...     partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
    ...     assessments=pd.DataFrame({"wave": "2026-Q1", "respondent_id": ["r1", "r2", "r3"],
    ...                               "partner_id": "a", "factor_code": "601",
    ...                               "score": [3, 4, 5]}))
    >>> s = factor_scores(p, n_boot=200)
    >>> row = s.iloc[0]
    >>> row["factor_code"], float(row["mean"]), row["band"], bool(row["suppressed"])
    ('601', 4.0, 'strength', False)
    """
    p.require("assessments", by="factor_scores")
    _check_common(min_n, confidence, n_boot, seed)
    survey = _survey(p)
    t = _factor_table(survey, min_n)
    t["band"] = _band(t["mean"])

    # every cell's interval at once: the scores cell after cell, one generator per cell
    rngs = [
        cell_rng(seed, "factor", wave, code)
        for wave, code in zip(t["wave"], t["factor_code"], strict=True)
    ]
    ci_low, ci_high = mean_intervals(
        survey.score[survey.rows],
        survey.bounds,
        rngs,
        n_boot=n_boot,
        confidence=confidence,
    )

    n_f = survey.n_factors
    position = np.full(len(survey.respondent), -1, dtype=np.intp)
    tests, pvals, matched, prev_means = [], [], [], []
    for k in range(len(t)):
        rows = survey.rows[survey.cell(k)]
        x, ids = survey.score[rows], survey.respondent[rows]
        prev = prev_ids = None
        if k >= n_f:  # the same factor in the wave before
            prev_rows = survey.rows[survey.cell(k - n_f)]
            prev, prev_ids = survey.score[prev_rows], survey.respondent[prev_rows]
        # the mean of the previous wave's scores as Series.mean() gives it (numpy's sum / n)
        prev_means.append(np.nan if prev is None or not len(prev) else prev.sum() / len(prev))
        test, pv, nm = _change_test(x, ids, prev, prev_ids, min_matched, position)
        tests.append(test)
        pvals.append(pv)
        matched.append(nm)
    # a comparison with a suppressed previous cell is not made: the change (or the test) of
    # a mean that is shown would give the suppressed one
    supp = t["suppressed"].to_numpy(dtype=bool)
    prev_hidden = np.r_[np.zeros(min(n_f, len(t)), dtype=bool), supp[: max(0, len(t) - n_f)]]
    tests = [None if h else x for x, h in zip(tests, prev_hidden, strict=True)]
    t["ci_low"] = np.asarray(ci_low, dtype="float64")
    t["ci_high"] = np.asarray(ci_high, dtype="float64")
    t["previous_mean"] = np.where(prev_hidden, np.nan, np.asarray(prev_means, dtype="float64"))
    t["change"] = t["mean"] - t["previous_mean"]
    t["test"] = pd.Series(tests, index=t.index, dtype="str")
    t["p_value"] = np.where(prev_hidden, np.nan, np.asarray(pvals, dtype="float64"))
    t["n_matched"] = pd.array(matched, dtype="Int64")
    cols = [
        "wave", "wave_end", "factor_code", "factor", "group", "weight", "mean", "sd",
        "n_respondents", "ci_low", "ci_high", "band", "suppressed", "previous_wave",
        "previous_mean", "change", "test", "p_value", "n_matched",
    ]  # fmt: skip
    return t[cols].reset_index(drop=True)


@small_cells
def health_index(
    p,
    *,
    min_n: int | None = None,
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """The weighted collaboration-health index (0..100) per wave, with a bootstrap interval.

    Parameters
    ----------
    p : Partnership
        A loaded package with an ``assessments`` table.
    min_n : int, optional
        The small-cell threshold; default: the partnership's setting ``p.min_n`` (3 unless
        package.yml says otherwise).
        Factors with fewer respondents are left out of the index.
    confidence, n_boot, seed
        The percentile-bootstrap interval (as in :func:`factor_scores`).

    Returns
    -------
    pandas.DataFrame
        One row per wave, in time order:

        - ``wave``, ``wave_end``
        - ``index``: the index, NaN when no factor can be used
        - ``n_factors``: factors used (not suppressed); ``n_factors_suppressed``: factors
          answered by someone but left out; ``weight_used``: sum of the weights used
        - ``n_respondents``: distinct respondents in the wave
        - ``ci_low``, ``ci_high``: percentile-bootstrap interval of the index
        - ``band``: the factor bands on the index scale (>= 75 strength, 50..<75
          borderline, < 50 concern)
        - ``suppressed``: True when no factor could be used
        - ``previous_wave``, ``previous_index``, ``change`` (index - previous_index)

    Notes
    -----
    index = sum_f(w_f * (mean_f - 1) / 4) / sum_f(w_f) * 100 over the factors f that are
    not suppressed (methods.md section 3). The bands of the factor means (3.0 and 4.0)
    become 50 and 75 on the index scale, because (3 - 1) / 4 * 100 = 50 and
    (4 - 1) / 4 * 100 = 75.

    Interval: the respondents of the wave are resampled with replacement (whole
    respondents, with all their answers), every factor mean is recomputed from the
    resample, and the index is recomputed over the factors used in the wave; a factor that
    no resampled respondent answered drops out of that resample's index (its weight too).
    The 2.5th and 97.5th percentiles of the ``n_boot`` indices are reported. The generator
    is seeded from ``seed`` and the wave.

    References
    ----------
    .. [1] A. Perrin, K. Farquharson and S. Wilson, "Sector Relationships Evolution",
       Strategic Theme #5, Proving Services Ltd for the FHRC, 2018, Figure 2.
    .. [2] B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*, 1993.
       doi:10.1201/9780429246593
    """
    p.require("assessments", by="health_index")
    _check_common(min_n, confidence, n_boot, seed)
    survey = _survey(p)
    t = _factor_table(survey, min_n)
    used = (~t["suppressed"] & t["mean"].notna() & t["weight"].notna()).to_numpy()
    n_f = survey.n_factors

    rows = []
    for i, w in enumerate(survey.waves.itertuples(index=False)):
        tw = t.iloc[i * n_f : (i + 1) * n_f]
        use = used[i * n_f : (i + 1) * n_f]
        uw = tw[use]
        means = uw["mean"].to_numpy(dtype="float64")
        weights = uw["weight"].to_numpy(dtype="float64")
        index = float(_weighted_index(means, weights)) if len(uw) else np.nan
        in_wave = np.flatnonzero(survey.wave_pos == i)
        # the wave's respondents in text order (rows of the resampled matrix)
        respondents, row = np.unique(survey.respondent[in_wave], return_inverse=True)
        lo = hi = np.nan
        if len(uw):
            column = np.full(n_f, -1, dtype=np.intp)
            column[use] = np.arange(len(uw))
            col = column[survey.factor_pos[in_wave]]
            keep = col >= 0
            matrix = np.full((len(respondents), len(uw)), np.nan)
            matrix[row[keep], col[keep]] = survey.score[in_wave[keep]]
            boot_means = resampled_column_means(
                matrix, n_boot=n_boot, rng=cell_rng(seed, "index", w.wave)
            )
            lo, hi = percentile_interval(_weighted_index(boot_means, weights), confidence)
        rows.append(
            {
                "wave": w.wave,
                "wave_end": w.wave_end,
                "index": index,
                "n_factors": len(uw),
                "n_factors_suppressed": int((tw["suppressed"] & (tw["n_respondents"] > 0)).sum()),
                "weight_used": float(weights.sum()),
                "n_respondents": len(respondents),
                "ci_low": lo,
                "ci_high": hi,
                "previous_wave": w.previous_wave,
            }
        )
    out = pd.DataFrame(rows)
    out["wave"] = out["wave"].astype("str")
    out["previous_wave"] = out["previous_wave"].astype("str")
    out["index"] = out["index"].astype("float64")
    for c in ("n_factors", "n_factors_suppressed", "n_respondents"):
        out[c] = out[c].astype("Int64")
    out["band"] = _index_band(out["index"])
    out["suppressed"] = (out["n_factors"] == 0).astype(bool)
    out["previous_index"] = out["index"].shift(1)
    out["change"] = out["index"] - out["previous_index"]
    cols = [
        "wave", "wave_end", "index", "n_factors", "n_factors_suppressed", "weight_used",
        "n_respondents", "ci_low", "ci_high", "band", "suppressed", "previous_wave",
        "previous_index", "change",
    ]  # fmt: skip
    return out[cols]


@small_cells
def perception_gaps(
    p, *, by: str = "sector", min_n: int | None = None, threshold: float = 1.0
) -> pd.DataFrame:
    """How differently groups of partners see each factor: group means and the gap.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``assessments`` (the respondent's ``partner_id`` gives the
        group).
    by : {"sector", "partner"}, default "sector"
        Group respondents by the sector of their organisation, or by the organisation.
    min_n : int, optional
        The small-cell threshold; default: the partnership's setting ``p.min_n`` (3 unless
        package.yml says otherwise).
        Groups with fewer respondents are suppressed and left out of the gap.
    threshold : float, default 1.0
        Gaps at or above it are flagged.

    Returns
    -------
    pandas.DataFrame
        One row per wave, factor and group that answered the factor:

        - ``wave``, ``wave_end``, ``factor_code``, ``factor``
        - ``by``: "sector" or "partner"; ``group``: the sector or partner_id;
          ``group_name``: the sector code or the partner's name
        - ``mean``, ``sd``, ``n_respondents``, ``suppressed``: n_respondents < min_n, or
          hidden beside such a group (below)
        - per wave and factor (repeated on its rows): ``n_groups_compared`` (groups not
          suppressed), ``gap`` (NaN when fewer than two groups compare),
          ``highest_group``, ``lowest_group``, ``flagged`` (gap >= threshold)

    Notes
    -----
    gap = max_g(mean_g) - min_g(mean_g) over the groups g shown (methods.md section 3).
    The gap is rounded to 9 decimals before the comparison with the threshold, so a gap of
    exactly 1.0 is flagged despite floating-point noise. Respondents are grouped by the
    partner_id on their first answer in the wave.

    Complementary suppression (methods.md, "Small cells"): the groups of a wave and factor
    are the parts of its total, the factor mean of :func:`factor_scores` with its n, shown
    beside them in reports and dashboards. Their total minus the groups shown gives the
    groups not shown, together; so where they hold 1 to ``min_n - 1`` respondents (one
    small group, or respondents in no group) the next-smallest group is suppressed too
    (:func:`~partner_analytics.analysis.small_cells.complementary_suppression`). The gap,
    the highest and the lowest group are taken over the groups shown only, so that they
    give nothing of a group suppressed either way. By partner, partners nest in sectors: a
    partner of a sector suppressed by sector is suppressed, and the partners of a sector
    shown are the parts of that sector's total, so that both tables side by side show no
    fewer than ``min_n`` respondents in whatever they leave out.
    """
    p.require("assessments", by="perception_gaps")
    _check_common(min_n)
    if by not in ("sector", "partner"):
        raise AnalysisInputError(f"by must be 'sector' or 'partner', got {by!r}")
    survey = _survey(p)
    partners = p.partners[["partner_id", "name", "sector"]]
    r = (
        survey.resp[["partner_id"]]
        .assign(_resp_row=np.arange(len(survey.resp)))
        .merge(partners, on="partner_id", how="left")
    )
    if by == "sector":
        group, group_name = r["sector"], r["sector"]
    else:
        group, group_name = r["partner_id"], r["name"].fillna(r["partner_id"])

    # groups: one per wave, factor and group value, in the order of the output (waves in
    # time order, factors in the instrument's order, group values in text order); rows
    # without a group value are left out, as a groupby leaves them out
    codes, values = pd.factorize(group)
    values = np.asarray(values, dtype=object)
    text_order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.intp)
    rank[text_order] = np.arange(len(values))
    has_group = codes >= 0
    src = r["_resp_row"].to_numpy()[has_group]
    n_f, n_v = survey.n_factors, max(1, len(values))
    cell = survey.wave_pos[src] * n_f + survey.factor_pos[src]
    keys, gid = np.unique(cell * n_v + rank[codes[has_group]], return_inverse=True)
    n_groups = len(keys)
    n = np.bincount(gid, minlength=n_groups)
    score = survey.score[src]
    mean = np.full(n_groups, np.nan)
    if n_groups:
        mean[:] = pd.Series(score).groupby(gid, sort=True).mean().to_numpy(dtype="float64")
    sd = _segment_sd(score[np.argsort(gid, kind="stable")], n)
    # group_name: the first one given in the group (as groupby's "first")
    named = np.flatnonzero(group_name.notna().to_numpy()[has_group])
    first_named = np.full(n_groups, -1, dtype=np.intp)
    with_name, at = np.unique(gid[named], return_index=True)
    first_named[with_name] = named[at]
    names = group_name.to_numpy(dtype=object)[has_group]
    group_names = np.where(first_named >= 0, names[first_named], None)

    # small groups, and their complements (the rule of small_cells): the groups of a wave
    # and factor are the parts of its total (factor_scores), shown beside it
    g_cell = keys // n_v
    n_cells = len(survey.cells)
    group_value = values[text_order[keys % n_v]] if n_groups else values[:0]
    outside = survey.cells["n_respondents"].to_numpy(dtype=np.int64) - np.bincount(
        g_cell, weights=n, minlength=n_cells
    ).astype(np.int64)  # respondents of the cell in no group
    if by == "sector":
        suppressed = complementary_suppression(
            g_cell, n, n < min_n, min_n=min_n, residual=dict(enumerate(outside))
        )
    else:
        sector_of = partners.drop_duplicates("partner_id").set_index("partner_id")["sector"]
        sectors = pd.Series(group_value, dtype=object).map(sector_of).to_numpy(dtype=object)
        suppressed = _partners_suppressed(g_cell, n, sectors, outside, min_n)
    ok = np.flatnonzero(~suppressed)
    compared = np.bincount(g_cell[ok], minlength=n_cells)
    highest = _first_extreme(g_cell[ok], mean[ok], n_cells, largest=True)
    lowest = _first_extreme(g_cell[ok], mean[ok], n_cells, largest=False)
    gap = np.full(n_cells, np.nan)
    high_group = np.full(n_cells, None, dtype=object)
    low_group = np.full(n_cells, None, dtype=object)
    two = np.flatnonzero(compared >= 2)
    gap[two] = mean[ok[highest[two]]] - mean[ok[lowest[two]]]
    high_group[two] = group_value[ok[highest[two]]]
    low_group[two] = group_value[ok[lowest[two]]]

    wave_of = g_cell // max(1, n_f)
    factor_of = g_cell % max(1, n_f)
    waves, cells = survey.waves, survey.cells
    gap_g = gap[g_cell]
    out = pd.DataFrame(
        {
            "wave": waves["wave"].to_numpy(dtype=object)[wave_of],
            "wave_end": waves["wave_end"].to_numpy()[wave_of],
            "factor_code": cells["factor_code"].to_numpy(dtype=object)[factor_of],
            "factor": cells["factor"].to_numpy(dtype=object)[factor_of],
            "by": np.full(n_groups, by, dtype=object),
            "group": group_value,
            "group_name": group_names,
            "mean": mean,
            "sd": sd,
            "n_respondents": pd.array(n, dtype="Int64"),
            "suppressed": suppressed,
            "n_groups_compared": pd.array(compared[g_cell], dtype="Int64"),
            "gap": gap_g,
            "highest_group": high_group[g_cell],
            "lowest_group": low_group[g_cell],
            "flagged": (pd.Series(gap_g).round(9) >= threshold).to_numpy(dtype=bool),
        }
    )
    for c in (
        "wave",
        "factor_code",
        "factor",
        "by",
        "group",
        "group_name",
        "highest_group",
        "lowest_group",
    ):
        out[c] = out[c].astype("str")
    return out


def _partners_suppressed(cell, n, sectors, outside, min_n: int) -> np.ndarray:
    """Which partner groups are suppressed: partners nest in sectors, so the rule of
    :func:`complementary_suppression` holds at both levels at once.

    First the sectors, as :func:`perception_gaps` by sector suppresses them (parts of the
    wave and factor's total; respondents of a partner without a sector, and of no
    partner, count as not shown). A partner of a suppressed sector, or of no sector, is
    suppressed: were its partners shown, a suppressed sector would be their sum. Then the
    partners of each sector shown are the parts of that sector's total: small ones and
    their complements are suppressed. Whatever is not shown of a total is then, at each
    level, nobody or at least ``min_n`` respondents, whether the two tables are read alone
    or side by side.
    """
    known = pd.notna(sectors)
    # each partner's sector as its rank in text order; len(names) for no sector
    names = np.asarray(sorted({str(x) for x in sectors[known]}), dtype=object)
    rank = np.full(len(cell), len(names), dtype=np.int64)
    rank[known] = np.searchsorted(names, sectors[known].astype(str))
    key = cell * (len(names) + 1) + rank  # a wave, factor and sector
    # the sectors of each wave and factor (in text order, as perception_gaps by sector)
    s_key, s_of = np.unique(key[known], return_inverse=True)
    s_n = np.bincount(s_of, weights=n[known], minlength=len(s_key)).astype(np.int64)
    no_sector = np.bincount(cell[~known], weights=n[~known], minlength=len(outside))
    residual = dict(enumerate((outside + no_sector).astype(np.int64)))
    s_hidden = complementary_suppression(
        s_key // (len(names) + 1), s_n, s_n < min_n, min_n=min_n, residual=residual
    )
    by_sector = ~known | np.isin(key, s_key[s_hidden])
    # partners within each sector shown: the sector's total and its parts
    return complementary_suppression(key, n, (n < min_n) | by_sector, min_n=min_n)


def _first_extreme(cell: np.ndarray, values: np.ndarray, n_cells: int, *, largest: bool):
    """Per cell, the position (in ``values``) of its first largest (smallest) value; -1 if
    the cell has none. Positions are taken in order, as ``Series.idxmax`` takes them."""
    best = np.full(n_cells, -np.inf if largest else np.inf)
    (np.maximum if largest else np.minimum).at(best, cell, values)
    hits = np.flatnonzero(values == best[cell])
    first = np.full(n_cells, -1, dtype=np.intp)
    cells, at = np.unique(cell[hits], return_index=True)
    first[cells] = hits[at]
    return first


def _expected_items(p, a: pd.DataFrame) -> pd.DataFrame:
    """factor_code, item, item_code: the items each factor should have been answered on."""
    listed = p.items[["item_code", "factor_code"]].assign(item=lambda d: d["item_code"])
    answered = a[["factor_code", "item", "item_code"]].drop_duplicates()
    return (
        pd.concat([listed[["factor_code", "item", "item_code"]], answered], ignore_index=True)
        .drop_duplicates(["factor_code", "item"])
        .reset_index(drop=True)
    )


def item_missingness(p) -> pd.DataFrame:
    """How often each item of the instrument was left unanswered, per wave.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``assessments``.

    Returns
    -------
    pandas.DataFrame
        One row per wave, factor and item:

        - ``wave``, ``wave_end``, ``factor_code``, ``factor``
        - ``item_code``: the item (NA for a factor answered directly, without items)
        - ``n_respondents``: respondents who answered at least one item of the factor in
          the wave
        - ``n_answered``, ``n_missing`` (= n_respondents - n_answered),
          ``missing_share`` (= n_missing / n_respondents)

    Notes
    -----
    The items of a factor are those of the ``items`` table plus any answered item code;
    a respondent "should" answer every item of a factor once they answered one of them.
    """
    p.require("assessments", by="item_missingness")
    a = _item_rows(p)
    waves = _waves(a)
    factors = _instrument(p)
    expected = _expected_items(p, a)
    resp_f = (
        a.groupby(["wave", "factor_code"], observed=True)["respondent_id"]
        .nunique()
        .rename("n_respondents")
        .reset_index()
    )
    answered = (
        a.groupby(["wave", "factor_code", "item"], observed=True)["respondent_id"]
        .nunique()
        .rename("n_answered")
        .reset_index()
    )
    t = resp_f.merge(expected, on="factor_code", how="left")
    t = t.merge(answered, on=["wave", "factor_code", "item"], how="left")
    t["n_respondents"] = t["n_respondents"].astype("Int64")
    t["n_answered"] = t["n_answered"].fillna(0).astype("Int64")
    t["n_missing"] = t["n_respondents"] - t["n_answered"]
    t["missing_share"] = (t["n_missing"] / t["n_respondents"]).astype("float64")
    t = t.merge(factors[["factor_code", "factor", "_order"]], on="factor_code", how="left")
    t = t.merge(waves[["wave", "wave_end"]], on="wave", how="left")
    t = t.sort_values(["wave_end", "wave", "_order", "item"], kind="stable")
    cols = [
        "wave", "wave_end", "factor_code", "factor", "item_code", "n_respondents",
        "n_answered", "n_missing", "missing_share",
    ]  # fmt: skip
    return t[cols].reset_index(drop=True)


def _cronbach_alpha(matrix: np.ndarray) -> float:
    """alpha = k / (k - 1) * (1 - sum(var items) / var(total)), sample variances."""
    n, k = matrix.shape
    if k < 2 or n < 2:
        return np.nan
    item_var = matrix.var(axis=0, ddof=1).sum()
    total_var = matrix.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return np.nan
    return float(k / (k - 1) * (1.0 - item_var / total_var))


@small_cells
def factor_reliability(p, *, min_n: int | None = None) -> pd.DataFrame:
    """Cronbach's alpha and item missingness per factor and wave.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``assessments`` (and an ``items`` table for multi-item
        factors).
    min_n : int, optional
        The small-cell threshold; default: the partnership's setting ``p.min_n`` (3 unless
        package.yml says otherwise).
        Alpha over fewer complete respondents is marked ``suppressed``.

    Returns
    -------
    pandas.DataFrame
        One row per wave and factor answered in the wave:

        - ``wave``, ``wave_end``, ``factor_code``, ``factor``
        - ``n_items``: the factor's items (1 for a factor answered directly)
        - ``n_respondents``: respondents who answered at least one item of the factor
        - ``n_complete``: respondents who answered every item (the rows alpha uses)
        - ``alpha``: Cronbach's alpha (NaN with fewer than 2 items, fewer than 2 complete
          respondents, or a total score without variance)
        - ``suppressed``: n_complete < min_n
        - ``missing_share``: unanswered item cells / (n_respondents * n_items)
        - ``max_item_missing_share``: the largest missing share of a single item (see
          :func:`item_missingness` for each item)

    Notes
    -----
    alpha = k / (k - 1) * (1 - sum_i s_i^2 / s_T^2), with k items, s_i^2 the sample variance
    (ddof 1) of item i and s_T^2 that of the respondents' total score, over respondents who
    answered all k items (listwise deletion, as pingouin's ``cronbach_alpha`` with
    ``nan_policy="listwise"``). Reverse items are flipped (6 - score) first. methods.md
    reports alpha for factors with >= 2 items and >= min_n complete respondents; below
    min_n the value stays in the frame with ``suppressed = True``.

    References
    ----------
    .. [1] L. J. Cronbach, "Coefficient alpha and the internal structure of tests",
       Psychometrika 16(3), 1951, 297-334. doi:10.1007/BF02310555
    """
    p.require("assessments", by="factor_reliability")
    _check_common(min_n)
    a = _item_rows(p)
    waves = _waves(a)
    factors = _instrument(p)
    miss = item_missingness(p)
    rows = []
    for (wave, code), cell in a.groupby(["wave", "factor_code"], observed=True):
        items = miss.loc[(miss["wave"] == wave) & (miss["factor_code"] == code)]
        item_keys = items["item_code"].fillna(code).tolist()
        wide = cell.pivot_table(
            index="respondent_id", columns="item", values="score", aggfunc="first"
        )
        wide = wide.reindex(columns=item_keys)
        complete = wide.dropna()
        n_resp = len(wide)
        rows.append(
            {
                "wave": wave,
                "factor_code": code,
                "n_items": len(item_keys),
                "n_respondents": n_resp,
                "n_complete": len(complete),
                "alpha": _cronbach_alpha(complete.to_numpy(dtype="float64")),
                "missing_share": float(wide.isna().to_numpy().sum() / (n_resp * len(item_keys))),
                "max_item_missing_share": float(items["missing_share"].max()),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "wave", "factor_code", "n_items", "n_respondents", "n_complete", "alpha",
            "missing_share", "max_item_missing_share",
        ],
    )  # fmt: skip
    for c in ("n_items", "n_respondents", "n_complete"):
        out[c] = out[c].astype("Int64")
    out["alpha"] = out["alpha"].astype("float64")
    out["suppressed"] = (out["n_complete"] < min_n).astype(bool)
    out = out.merge(factors[["factor_code", "factor", "_order"]], on="factor_code", how="left")
    out = out.merge(waves[["wave", "wave_end"]], on="wave", how="left")
    out["wave"] = out["wave"].astype("str")
    out["factor_code"] = out["factor_code"].astype("str")
    out = out.sort_values(["wave_end", "wave", "_order"], kind="stable")
    cols = [
        "wave", "wave_end", "factor_code", "factor", "n_items", "n_respondents", "n_complete",
        "alpha", "suppressed", "missing_share", "max_item_missing_share",
    ]  # fmt: skip
    return out[cols].reset_index(drop=True)


@small_cells
def factor_comments(p, *, wave: str | None = None, min_n: int | None = None) -> pd.DataFrame:
    """The free-text comments per factor and wave, without respondent ids.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``assessments``.
    wave : str, optional
        Only this wave (any accepted period spelling, e.g. "2026-q1").
    min_n : int, optional
        The small-cell threshold; default: the partnership's setting ``p.min_n``.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty comment: ``wave``, ``wave_end``, ``factor_code``, ``factor``,
        ``item_code`` (NA for a factor answered directly), ``sector`` (of the respondent's
        organisation; NA where that sector's mean is suppressed in :func:`perception_gaps`
        by sector), ``score`` (the answer, reverse items flipped; NaN where the factor's
        mean of the wave is suppressed), ``comment``.

    Notes
    -----
    Neither the respondent nor the respondent's organisation is given: in a small
    partnership an organisation can identify a person, so only its sector is kept, and only
    where the sector's mean is shown for the factor and wave (at least ``min_n``
    respondents, and not hidden beside them: :func:`complementary_suppression`). A sector
    of one respondent would name the person, and with the score give the answer that
    suppression hides. Where the factor's mean itself is suppressed the scores are not
    given either: the scores of the comments are the answers the mean is made of. Rows
    are sorted by wave, factor (instrument order) and comment text, so the order does not
    reveal who answered first.
    """
    p.require("assessments", by="factor_comments")
    survey = _survey(p)
    gaps = perception_gaps(p, by="sector", min_n=min_n)
    shown = gaps.loc[~gaps["suppressed"], ["wave", "factor_code", "group"]]
    shown_sector = set(zip(shown["wave"], shown["factor_code"], shown["group"], strict=True))
    cells = survey.cells
    small = cells["n_respondents"].to_numpy(dtype=np.int64) < min_n
    hidden_cell = set(zip(cells.loc[small, "wave"], cells.loc[small, "factor_code"], strict=True))
    a = _item_rows(p)
    if wave is not None:
        label = normalize_period(wave)
        if label is None or label not in set(a["wave"]):
            have = ", ".join(_waves(a)["wave"])
            raise AnalysisInputError(
                f"wave {wave!r} is not in the assessments; the waves are: {have}"
            )
        a = a[a["wave"] == label]
    text = a["comment"].str.strip()
    a = a.assign(comment=text)[text.notna() & (text != "")]
    factors = _instrument(p)
    a = a.merge(p.partners[["partner_id", "sector"]], on="partner_id", how="left")
    a = a.merge(factors[["factor_code", "factor", "_order"]], on="factor_code", how="left")
    keys = list(zip(a["wave"], a["factor_code"], a["sector"], strict=True))
    a["sector"] = a["sector"].where([k in shown_sector for k in keys])
    a["score"] = a["score"].where([k[:2] not in hidden_cell for k in keys])
    a = a.sort_values(["wave_end", "wave", "_order", "comment"], kind="stable")
    cols = ["wave", "wave_end", "factor_code", "factor", "item_code", "sector", "score", "comment"]
    return a[cols].reset_index(drop=True)
