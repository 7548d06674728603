"""Stakeholder analysis: the power-interest matrix, movement, transitions and salience.

Every function takes a loaded :class:`~partner_analytics.Partnership` and returns one tidy
DataFrame with the counts behind each number (``n_raters``) and a ``suppressed`` flag for
cells rated by fewer than ``min_n`` raters. Rater ids never appear in the outputs.

The rules are those of methods.md, section 1: power and interest are means of the 1..5
ratings; a mean at or above the midpoint (default 3) counts as high; a stakeholder is
*contested* when the sd of power or of interest exceeds 1.0 or when fewer than 60 % of the
raters place it, with their own ratings, in the quadrant of the means.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from partner_analytics.analysis._common import select_waves, wave_order
from partner_analytics.analysis.small_cells import small_cells
from partner_analytics.data.periods import periods_end
from partner_analytics.errors import AnalysisInputError

__all__ = [
    "QUADRANTS",
    "SALIENCE_CLASSES",
    "power_interest",
    "quadrant_transitions",
    "salience",
    "stakeholder_movement",
]

#: The four quadrants of the power-interest grid, in reading order.
QUADRANTS: tuple[str, ...] = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")

#: The eight salience classes (Mitchell, Agle and Wood 1997).
SALIENCE_CLASSES: tuple[str, ...] = (
    "definitive",
    "dominant",
    "dangerous",
    "dependent",
    "dormant",
    "discretionary",
    "demanding",
    "non_stakeholder",
)

#: sd above which a stakeholder is contested (methods.md section 1).
SD_LIMIT = 1.0
#: Raters placing the stakeholder in the quadrant of the means: fewer than 3 in 5 is contested.
AGREEMENT_NUM, AGREEMENT_DEN = 3, 5

# Means are sums of ratings divided by n: a true mean of exactly the midpoint can come out a
# few ulps below it when ratings are decimals. This tolerance keeps such ties high.
_TIE_TOL = 1e-9

_SALIENCE = {
    (True, False, False): "dormant",
    (False, True, False): "discretionary",
    (False, False, True): "demanding",
    (True, True, False): "dominant",
    (True, False, True): "dangerous",
    (False, True, True): "dependent",
    (True, True, True): "definitive",
    (False, False, False): "non_stakeholder",
}


# --------------------------------------------------------------------------- helpers
def _high(values: pd.Series, midpoint: float) -> pd.Series:
    """True where a value is at or above the midpoint (NaN stays NA)."""
    out = (values >= midpoint - _TIE_TOL).astype("boolean")
    return out.mask(values.isna())


def _quadrant_of(power: pd.Series, interest: pd.Series, midpoint: float = 3.0) -> pd.Series:
    """The quadrant of each (power, interest) pair; >= midpoint counts as high.

    >>> _quadrant_of(pd.Series([3.0, 5.0, 1.0, 2.9]), pd.Series([3.0, 1.0, 4.0, 2.9])).tolist()
    ['manage_closely', 'keep_satisfied', 'keep_informed', 'monitor']
    """
    hp = np.asarray(power, dtype="float64") >= midpoint - _TIE_TOL
    hi = np.asarray(interest, dtype="float64") >= midpoint - _TIE_TOL
    q = np.where(
        hp & hi,
        "manage_closely",
        np.where(hp, "keep_satisfied", np.where(hi, "keep_informed", "monitor")),
    )
    out = pd.Series(q, index=power.index, dtype="str")
    missing = power.isna().to_numpy() | interest.isna().to_numpy()
    return out.mask(missing)


def _check_midpoint(midpoint: float) -> None:
    if not np.isfinite(midpoint) or not 1 <= midpoint <= 5:
        raise AnalysisInputError(f"midpoint must lie on the 1..5 rating scale; got {midpoint!r}")


def _stakeholder_names(p) -> pd.DataFrame:
    return p.stakeholders[["stakeholder_id", "name", "group"]].drop_duplicates("stakeholder_id")


# --------------------------------------------------------------------------- public API
@small_cells
def power_interest(p, *, wave=None, midpoint: float = 3.0, min_n: int | None = None) -> pd.DataFrame:
    """Power and interest of every stakeholder per wave, with its quadrant and stance.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``stakeholder_ratings`` table.
    wave : str or list of str, optional
        The wave(s) to keep (``"2026-Q1"``); None (default) keeps every wave.
    midpoint : float
        The rating counted as high: a mean ``>= midpoint`` is high (default 3 on 1..5).
    min_n : int, optional
        Cells rated by fewer than ``min_n`` distinct raters are flagged ``suppressed``;
        default: the partnership's setting ``p.min_n``.

    Returns
    -------
    pandas.DataFrame
        One row per wave and stakeholder, ordered by wave then stakeholder id:

        - ``stakeholder_id``, ``name``, ``group``: from the stakeholders table
        - ``wave``: the wave label
        - ``power``, ``interest``: mean ratings (1..5)
        - ``power_sd``, ``interest_sd``: sample sd (ddof = 1; NaN with one rater)
        - ``n_raters``: distinct raters
        - ``quadrant``: ``manage_closely``, ``keep_satisfied``, ``keep_informed`` or ``monitor``
        - ``contested``: ``contested_by_sd or contested_by_agreement``
        - ``suppressed``: ``n_raters < min_n``
        - ``support``: mean support (-2..+2) over the raters who gave one (NaN when none)
        - ``n_support``: raters who rated support
        - ``stance``: ``supportive`` (support >= 1), ``resistant`` (<= -1), ``neutral``
          otherwise; missing when support was not rated
        - ``n_in_quadrant``: raters whose own power and interest fall in ``quadrant``
        - ``share_in_quadrant``: ``n_in_quadrant / n_raters``
        - ``contested_by_sd``: ``power_sd > 1.0 or interest_sd > 1.0``
        - ``contested_by_agreement``: ``share_in_quadrant < 0.6``
        - ``wave_end``: the last day of the wave (for ordering)

    Notes
    -----
    Quadrants, with high meaning ``mean >= midpoint`` (a mean of exactly 3.0 is high):
    high power and interest ``manage_closely``; high power only ``keep_satisfied``; high
    interest only ``keep_informed``; neither ``monitor``. Each rater's own quadrant uses the
    same rule on that rater's power and interest. "Fewer than 60 %" is evaluated exactly
    as ``5 * n_in_quadrant < 3 * n_raters`` so that 3 of 5 raters is not contested.
    An sd of NaN (one rater) does not make a stakeholder contested.

    Suppressed rows stay in the frame with every value computed (quadrant and contested
    included): dashboards and reports apply the display rule and show "n < {min_n}" instead of
    the numbers; :func:`quadrant_transitions` leaves them out of its counts.

    References
    ----------
    .. [1] A. Mendelow, "Environmental scanning: the impact of the stakeholder concept",
       Proceedings of the Second International Conference on Information Systems, 1981.

    Examples
    --------
    >>> import pandas as pd
    >>> from partner_analytics import Partnership
    >>> p = Partnership.from_frames(
    ...     partners=pd.DataFrame({"partner_id": ["A"], "name": ["Council"], "sector": ["public"]}),
    ...     stakeholders=pd.DataFrame({"stakeholder_id": ["S1"], "name": ["Residents"]}),
    ...     stakeholder_ratings=pd.DataFrame({"wave": ["2024"] * 3, "rater_id": ["r1", "r2", "r3"],
    ...         "stakeholder_id": ["S1"] * 3, "power": [2, 3, 4], "interest": [5, 4, 3]}))
    >>> row = power_interest(p).iloc[0]
    >>> float(row["power"]), row["quadrant"], bool(row["contested"])
    (3.0, 'manage_closely', False)
    """
    p.require("stakeholder_ratings", by="power_interest")
    _check_midpoint(midpoint)
    r = select_waves(p.stakeholder_ratings, wave, by="power_interest")
    r = r[["wave", "rater_id", "stakeholder_id", "power", "interest", "support"]]
    g = r.groupby(["wave", "stakeholder_id"], observed=True, sort=False)
    out = g.agg(
        power=("power", "mean"),
        interest=("interest", "mean"),
        power_sd=("power", "std"),
        interest_sd=("interest", "std"),
        n_raters=("rater_id", "nunique"),
        support=("support", "mean"),
        n_support=("support", "count"),
    ).reset_index()
    out["quadrant"] = _quadrant_of(out["power"], out["interest"], midpoint)

    # each rater's own quadrant, compared with the quadrant of the means
    own = r.merge(out[["wave", "stakeholder_id", "quadrant"]], on=["wave", "stakeholder_id"])
    own["agrees"] = _quadrant_of(own["power"], own["interest"], midpoint) == own["quadrant"]
    agree = (
        own[own["agrees"]]
        .groupby(["wave", "stakeholder_id"], observed=True)["rater_id"]
        .nunique()
        .rename("n_in_quadrant")
    )
    out = out.merge(agree, on=["wave", "stakeholder_id"], how="left")
    out["n_in_quadrant"] = out["n_in_quadrant"].fillna(0).astype("int64")
    out["n_raters"] = out["n_raters"].astype("int64")
    out["n_support"] = out["n_support"].astype("int64")
    out["share_in_quadrant"] = out["n_in_quadrant"] / out["n_raters"]
    out["contested_by_sd"] = (out["power_sd"] > SD_LIMIT) | (out["interest_sd"] > SD_LIMIT)
    out["contested_by_agreement"] = (
        AGREEMENT_DEN * out["n_in_quadrant"] < AGREEMENT_NUM * out["n_raters"]
    )
    out["contested"] = out["contested_by_sd"] | out["contested_by_agreement"]
    out["suppressed"] = out["n_raters"] < min_n
    out["stance"] = _stance(out["support"])
    out["wave_end"] = periods_end(out["wave"])

    out = out.merge(_stakeholder_names(p), on="stakeholder_id", how="left")
    out = out.sort_values(["wave_end", "wave", "stakeholder_id"], ignore_index=True)
    return out[
        [
            "stakeholder_id",
            "name",
            "group",
            "wave",
            "power",
            "interest",
            "power_sd",
            "interest_sd",
            "n_raters",
            "quadrant",
            "contested",
            "suppressed",
            "support",
            "n_support",
            "stance",
            "n_in_quadrant",
            "share_in_quadrant",
            "contested_by_sd",
            "contested_by_agreement",
            "wave_end",
        ]
    ]


def _stance(support: pd.Series) -> pd.Series:
    s = np.asarray(support, dtype="float64")
    stance = np.where(s >= 1.0, "supportive", np.where(s <= -1.0, "resistant", "neutral"))
    return pd.Series(stance, index=support.index, dtype="str").mask(support.isna())


@small_cells
def stakeholder_movement(p, *, midpoint: float = 3.0, min_n: int | None = None) -> pd.DataFrame:
    """How each stakeholder moved on the grid between consecutive waves.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``stakeholder_ratings`` table.
    midpoint, min_n
        As in :func:`power_interest`.

    Returns
    -------
    pandas.DataFrame
        One row per pair of consecutive waves and stakeholder rated in either of them:

        - ``stakeholder_id``, ``name``, ``group``
        - ``from_wave``, ``to_wave``: the previous wave and the wave now
        - ``quadrant_before``, ``quadrant_after``: missing where not rated in that wave
        - ``power_before``, ``power_after``, ``power_change`` (after - before)
        - ``interest_before``, ``interest_after``, ``interest_change``
        - ``n_raters_before``, ``n_raters_after`` (0 where not rated)
        - ``moved``: rated in both waves and the quadrant changed
        - ``suppressed``: either wave has fewer than ``min_n`` raters, or is missing
        - ``to_wave_end``: the last day of ``to_wave``

    Notes
    -----
    Consecutive waves are the waves of the package in time order (by their last day); a
    stakeholder not rated in one of the two has missing values on that side and
    ``moved = False``. With a single wave the frame is empty.
    """
    pi = power_interest(p, midpoint=midpoint, min_n=min_n)
    waves = wave_order(pi)
    keep = ["stakeholder_id", "quadrant", "power", "interest", "n_raters", "suppressed"]
    frames = []
    for before, after in pairwise(waves):
        a = pi.loc[pi["wave"] == before, keep]
        b = pi.loc[pi["wave"] == after, keep]
        m = a.merge(b, on="stakeholder_id", how="outer", suffixes=("_before", "_after"))
        m.insert(1, "from_wave", before)
        m.insert(2, "to_wave", after)
        frames.append(m)
    cols = [
        "stakeholder_id",
        "name",
        "group",
        "from_wave",
        "to_wave",
        "quadrant_before",
        "quadrant_after",
        "power_before",
        "power_after",
        "power_change",
        "interest_before",
        "interest_after",
        "interest_change",
        "n_raters_before",
        "n_raters_after",
        "moved",
        "suppressed",
        "to_wave_end",
    ]
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        return empty
    m = pd.concat(frames, ignore_index=True)
    m["power_change"] = m["power_after"] - m["power_before"]
    m["interest_change"] = m["interest_after"] - m["interest_before"]
    for side in ("before", "after"):
        m[f"n_raters_{side}"] = m[f"n_raters_{side}"].fillna(0).astype("int64")
    both = m["quadrant_before"].notna() & m["quadrant_after"].notna()
    m["moved"] = both & (m["quadrant_before"] != m["quadrant_after"])
    m["suppressed"] = (
        m["suppressed_before"].astype("boolean").fillna(True)
        | m["suppressed_after"].astype("boolean").fillna(True)
    ).astype("bool")
    m["moved"] = m["moved"].astype("bool")
    m["to_wave_end"] = periods_end(m["to_wave"])
    m = m.merge(_stakeholder_names(p), on="stakeholder_id", how="left")
    m = m.sort_values(["to_wave_end", "to_wave", "stakeholder_id"], ignore_index=True)
    return m[cols]


@small_cells
def quadrant_transitions(p, *, midpoint: float = 3.0, min_n: int | None = None) -> pd.DataFrame:
    """Quadrant-by-quadrant counts of stakeholders between consecutive waves (for a Sankey).

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``stakeholder_ratings`` table.
    midpoint, min_n
        As in :func:`power_interest`.

    Returns
    -------
    pandas.DataFrame
        The 4 x 4 matrix in long form, 16 rows per pair of consecutive waves (zeros kept):

        - ``from_wave``, ``to_wave``
        - ``from_quadrant``, ``to_quadrant``: in the order of :data:`QUADRANTS`
        - ``n_stakeholders``: stakeholders in ``from_quadrant`` then ``to_quadrant``
        - ``n_left_out``: stakeholders rated in both waves but left out of this pair of
          waves because one side is suppressed (same value on the 16 rows)

    Notes
    -----
    Only stakeholders rated in both waves with at least ``min_n`` raters in each are
    counted, so that a small cell cannot be read off the matrix. The wide matrix of one
    pair of waves is ``frame.pivot(index="from_quadrant", columns="to_quadrant",
    values="n_stakeholders")``.
    """
    mv = stakeholder_movement(p, midpoint=midpoint, min_n=min_n)
    cols = ["from_wave", "to_wave", "from_quadrant", "to_quadrant", "n_stakeholders", "n_left_out"]
    if mv.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    rated_both = mv["quadrant_before"].notna() & mv["quadrant_after"].notna()
    frames = []
    for (fw, tw), g in mv[rated_both].groupby(["from_wave", "to_wave"], observed=True, sort=False):
        counted = g[~g["suppressed"]]
        grid = pd.MultiIndex.from_product(
            [QUADRANTS, QUADRANTS], names=["from_quadrant", "to_quadrant"]
        )
        n = (
            counted.groupby(["quadrant_before", "quadrant_after"], observed=True)
            .size()
            .rename_axis(["from_quadrant", "to_quadrant"])
            .reindex(grid, fill_value=0)
            .rename("n_stakeholders")
            .reset_index()
        )
        n.insert(0, "from_wave", fw)
        n.insert(1, "to_wave", tw)
        n["n_left_out"] = int(g["suppressed"].sum())
        frames.append(n)
    # pairs of waves with no stakeholder rated in both still get their (zero) matrix
    pairs = mv[["from_wave", "to_wave", "to_wave_end"]].drop_duplicates()
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    missing = pairs[~pairs["to_wave"].isin(out["to_wave"])]
    for rec in missing.itertuples(index=False):
        grid = pd.DataFrame(
            [(rec.from_wave, rec.to_wave, a, b, 0, 0) for a in QUADRANTS for b in QUADRANTS],
            columns=cols,
        )
        out = pd.concat([out, grid], ignore_index=True)
    order = {w: i for i, w in enumerate(pairs.sort_values("to_wave_end")["to_wave"])}
    qpos = {q: i for i, q in enumerate(QUADRANTS)}
    out = out.assign(
        _w=out["to_wave"].map(order),
        _a=out["from_quadrant"].map(qpos),
        _b=out["to_quadrant"].map(qpos),
    ).sort_values(["_w", "_a", "_b"], ignore_index=True)
    out["n_stakeholders"] = out["n_stakeholders"].astype("int64")
    out["n_left_out"] = out["n_left_out"].astype("int64")
    return out[cols]


@small_cells
def salience(p, *, wave=None, midpoint: float = 3.0, min_n: int | None = None) -> pd.DataFrame:
    """Stakeholder salience: power, legitimacy and urgency held, and the salience class.

    Parameters
    ----------
    p : Partnership
        A loaded package whose ``stakeholder_ratings`` rate ``legitimacy`` and ``urgency``.
    wave : str or list of str, optional
        The wave(s) to keep; None (default) keeps every wave.
    midpoint : float
        An attribute is held where its mean is ``>= midpoint`` (default 3).
    min_n : int, optional
        (default: ``p.min_n``) Rows where power, legitimacy or urgency has fewer than
        ``min_n`` raters are
        flagged ``suppressed``.

    Returns
    -------
    pandas.DataFrame
        One row per wave and stakeholder:

        - ``stakeholder_id``, ``name``, ``group``, ``wave``
        - ``power``, ``legitimacy``, ``urgency``: mean ratings over the raters who gave one
        - ``n_raters``: distinct raters of the stakeholder in the wave
        - ``n_legitimacy``, ``n_urgency``: raters who rated legitimacy, urgency
        - ``has_power``, ``has_legitimacy``, ``has_urgency``: mean ``>= midpoint``
        - ``salience_class``: ``dormant`` (P), ``discretionary`` (L), ``demanding`` (U),
          ``dominant`` (P+L), ``dangerous`` (P+U), ``dependent`` (L+U), ``definitive``
          (P+L+U), ``non_stakeholder`` (none); missing where legitimacy or urgency was
          not rated for the stakeholder in that wave
        - ``n_attributes``: attributes held (0..3)
        - ``suppressed``: ``min(n_raters, n_legitimacy, n_urgency) < min_n``
        - ``wave_end``

    Raises
    ------
    AnalysisInputError
        When no rating in the selected waves has legitimacy and urgency.

    Notes
    -----
    Suppressed rows keep their values and class (the display rule hides them).

    References
    ----------
    .. [1] R. K. Mitchell, B. R. Agle and D. J. Wood, "Toward a theory of stakeholder
       identification and salience", Academy of Management Review 22(4), 853-886, 1997.
       https://doi.org/10.5465/amr.1997.9711022105
    """
    p.require("stakeholder_ratings", by="salience")
    _check_midpoint(midpoint)
    r = select_waves(p.stakeholder_ratings, wave, by="salience")
    if r["legitimacy"].notna().sum() == 0 or r["urgency"].notna().sum() == 0:
        raise AnalysisInputError(
            "salience needs legitimacy and urgency ratings (columns 'legitimacy' and 'urgency' "
            "of stakeholder_ratings); the selected ratings have "
            f"{int(r['legitimacy'].notna().sum())} legitimacy and "
            f"{int(r['urgency'].notna().sum())} urgency values"
        )
    g = r.groupby(["wave", "stakeholder_id"], observed=True, sort=False)
    out = g.agg(
        power=("power", "mean"),
        legitimacy=("legitimacy", "mean"),
        urgency=("urgency", "mean"),
        n_raters=("rater_id", "nunique"),
        n_legitimacy=("legitimacy", "count"),
        n_urgency=("urgency", "count"),
    ).reset_index()
    for c in ("n_raters", "n_legitimacy", "n_urgency"):
        out[c] = out[c].astype("int64")
    for attr in ("power", "legitimacy", "urgency"):
        out[f"has_{attr}"] = _high(out[attr], midpoint)
    known = out[["has_power", "has_legitimacy", "has_urgency"]].notna().all(axis=1)
    keys = zip(out["has_power"], out["has_legitimacy"], out["has_urgency"])
    out["salience_class"] = pd.Series(
        [
            _SALIENCE[(bool(a), bool(b), bool(c))] if k else None
            for (a, b, c), k in zip(keys, known)
        ],
        index=out.index,
        dtype="str",
    )
    out["n_attributes"] = (
        out[["has_power", "has_legitimacy", "has_urgency"]].astype("Int64").sum(axis=1, min_count=3)
    ).astype("Int64")
    out["suppressed"] = out[["n_raters", "n_legitimacy", "n_urgency"]].min(axis=1) < min_n
    out["wave_end"] = periods_end(out["wave"])
    out = out.merge(_stakeholder_names(p), on="stakeholder_id", how="left")
    out = out.sort_values(["wave_end", "wave", "stakeholder_id"], ignore_index=True)
    return out[
        [
            "stakeholder_id",
            "name",
            "group",
            "wave",
            "power",
            "legitimacy",
            "urgency",
            "n_raters",
            "n_legitimacy",
            "n_urgency",
            "has_power",
            "has_legitimacy",
            "has_urgency",
            "salience_class",
            "n_attributes",
            "suppressed",
            "wave_end",
        ]
    ]
