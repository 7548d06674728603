"""Competency alignment and partner selection; sector profile and sector diversity.

The rules are those of methods.md, section 2 (competency alignment, single points of
failure, candidate fit, sector profile) and section 7 (sector diversity). *Active* partners
are the partners whose role is not ``candidate``; candidates are counted only by
:func:`candidate_fit` and, when asked, :func:`competency_levels`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partner_analytics.data.periods import parse_as_of
from partner_analytics.data.schemas import AREAS, SECTORS

__all__ = [
    "LEVELS",
    "alignment_index",
    "candidate_fit",
    "competency_alignment",
    "competency_levels",
    "sector_diversity",
    "sector_profile",
    "single_points_of_failure",
]

#: Competency levels 0..3 and their names.
LEVELS: dict[int, str] = {0: "none", 1: "basic", 2: "strong", 3: "leading"}
#: Level from which a partner counts towards depth, sectors and single points of failure.
STRONG = 2
MAX_LEVEL = 3


# --------------------------------------------------------------------------- helpers
def _active_mask(partners: pd.DataFrame, as_of) -> pd.Series:
    """Partners that count: not candidates, and (with as_of) not left on or before as_of."""
    active = partners["role"].fillna("member") != "candidate"
    if as_of is not None:
        day = parse_as_of(as_of)
        active &= ~(partners["left"].notna() & (partners["left"] <= day))
    return active.astype("bool")


def _check_as_of(as_of) -> None:
    """A date or a period label (standing for its last day), or None."""
    if as_of is not None:
        parse_as_of(as_of)


def _partner_levels(competencies: pd.DataFrame) -> pd.DataFrame:
    """One row per partner and area with the partner's highest level there."""
    c = competencies[["partner_id", "area", "level"]].dropna(subset=["level"])
    out = c.groupby(["partner_id", "area"], observed=True, as_index=False)["level"].max()
    out["level"] = out["level"].astype("int64")
    return out


def _coverage(levels: pd.DataFrame, partners: pd.DataFrame) -> pd.DataFrame:
    """Per area (all six): coverage, depth, sectors at level >= 2 among the given partners."""
    lv = levels.merge(partners[["partner_id", "sector"]], on="partner_id", how="inner")
    strong = lv[lv["level"] >= STRONG]
    cov = lv.groupby("area", observed=True)["level"].max().reindex(list(AREAS), fill_value=0)
    depth = strong.groupby("area", observed=True)["partner_id"].nunique()
    sectors = strong.groupby("area", observed=True)["sector"].nunique()
    listing = strong.groupby("area", observed=True)["sector"].agg(
        lambda s: "; ".join(sorted(set(s)))
    )
    out = pd.DataFrame({"area": list(AREAS)})
    out["coverage"] = out["area"].map(cov).fillna(0).astype("int64")
    out["depth"] = out["area"].map(depth).fillna(0).astype("int64")
    out["sectors"] = out["area"].map(sectors).fillna(0).astype("int64")
    out["sector_list"] = out["area"].map(listing).fillna("").astype("str")
    return out


def _alignment_frame(objectives: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Objectives with coverage, alignment and gap (the rows of competency_alignment)."""
    out = objectives.merge(coverage, on="area", how="left")
    out["alignment"] = out["coverage"] / MAX_LEVEL
    out["priority_share"] = out["priority"] / 5
    out["gap"] = out["priority_share"] * (1 - out["alignment"])
    out["weighted_coverage"] = out["priority"] * out["alignment"]
    return out


def _index(frame: pd.DataFrame) -> float:
    """sum(priority * coverage / 3) / sum(priority) * 100 over an alignment frame."""
    total = frame["priority"].sum()
    return float(frame["weighted_coverage"].sum() / total * 100) if total > 0 else float("nan")


def _objectives(p) -> pd.DataFrame:
    o = p.objectives[["objective_id", "name", "area", "priority"]].copy()
    o["priority"] = o["priority"].fillna(3.0)
    return o


# --------------------------------------------------------------------------- public API
def competency_levels(p, *, include_candidates: bool = False, as_of=None) -> pd.DataFrame:
    """Every partner's level in every area: the cells of the partner x area heatmap.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``competencies`` table.
    include_candidates : bool
        Also list the candidate partners (default False: active partners only).
    as_of : date, optional
        Leave out partners whose ``left`` date is on or before this day.

    Returns
    -------
    pandas.DataFrame
        One row per partner and area (the six areas, in contract order):

        - ``partner_id``, ``name``, ``sector``, ``role``
        - ``candidate``: the partner is a candidate
        - ``area``
        - ``level``: highest level the partner gave for the area; 0 where it listed none
        - ``level_name``: ``none``, ``basic``, ``strong``, ``leading``
        - ``listed``: the partner has a row for the area in ``competencies``
        - ``n_competencies``: rows of the partner for the area
        - ``competencies``: their ``competency`` texts joined with "; "

    Notes
    -----
    A partner that gives several rows for one area (one per competency) is placed at the
    highest of their levels.
    """
    p.require("competencies", by="competency_levels")
    _check_as_of(as_of)
    partners = p.partners
    mask = _active_mask(partners, as_of)
    if include_candidates:
        mask |= partners["role"].fillna("member") == "candidate"
    partners = partners.loc[mask, ["partner_id", "name", "sector", "role"]]
    c = p.competencies[["partner_id", "area", "level", "competency"]]
    grid = pd.MultiIndex.from_product(
        [partners["partner_id"].tolist(), list(AREAS)], names=["partner_id", "area"]
    ).to_frame(index=False)
    grid["partner_id"] = grid["partner_id"].astype("str")
    grid["area"] = grid["area"].astype("str")
    agg = (
        c.groupby(["partner_id", "area"], observed=True)
        .agg(
            level=("level", "max"),
            n_competencies=("area", "size"),
            competencies=("competency", lambda s: "; ".join(str(x) for x in s.dropna())),
        )
        .reset_index()
    )
    out = grid.merge(agg, on=["partner_id", "area"], how="left")
    out["listed"] = out["n_competencies"].notna()
    out["level"] = out["level"].fillna(0).astype("int64")
    out["n_competencies"] = out["n_competencies"].fillna(0).astype("int64")
    out["competencies"] = out["competencies"].fillna("").astype("str")
    out["level_name"] = out["level"].map(LEVELS).astype("str")
    out = out.merge(partners, on="partner_id", how="left")
    out["candidate"] = (out["role"] == "candidate").astype("bool")
    return out[
        [
            "partner_id",
            "name",
            "sector",
            "role",
            "candidate",
            "area",
            "level",
            "level_name",
            "listed",
            "n_competencies",
            "competencies",
        ]
    ]


def competency_alignment(p, *, as_of=None) -> pd.DataFrame:
    """How well the active partners' competencies cover each objective.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``objectives`` and ``competencies``.
    as_of : date, optional
        Leave out partners whose ``left`` date is on or before this day (default: partners
        with a ``left`` date still count, as the contract defines active partners by role).

    Returns
    -------
    pandas.DataFrame
        One row per objective, in the order of the objectives table:

        - ``objective_id``, ``name``, ``area``, ``priority`` (1..5; 3 where not given)
        - ``coverage``: highest level (0..3) in the area among active partners
        - ``depth``: active partners at level >= 2 in the area
        - ``sectors``: distinct sectors of those partners
        - ``sector_list``: those sectors, "; "-joined
        - ``alignment``: ``coverage / 3``
        - ``priority_share``: ``priority / 5``
        - ``gap``: ``priority_share * (1 - alignment)``
        - ``weighted_coverage``: ``priority * coverage / 3`` (the objective's term in
          :func:`alignment_index`)

    Notes
    -----
    alignment = coverage / 3; gap = (priority / 5) * (1 - alignment) (methods.md, section 2).
    An area no active partner lists has coverage 0.
    """
    p.require("objectives", "competencies", by="competency_alignment")
    _check_as_of(as_of)
    active = p.partners[_active_mask(p.partners, as_of)]
    cov = _coverage(_partner_levels(p.competencies), active)
    out = _alignment_frame(_objectives(p), cov)
    return out[
        [
            "objective_id",
            "name",
            "area",
            "priority",
            "coverage",
            "depth",
            "sectors",
            "sector_list",
            "alignment",
            "priority_share",
            "gap",
            "weighted_coverage",
        ]
    ]


def alignment_index(p, *, as_of=None) -> float:
    """The partnership's competency alignment index, 0..100.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``objectives`` and ``competencies``.
    as_of : date, optional
        As in :func:`competency_alignment`.

    Returns
    -------
    float
        ``sum(priority * coverage / 3) / sum(priority) * 100`` over the objectives.

    Examples
    --------
    >>> import pandas as pd
    >>> from partner_analytics import Partnership
    >>> p = Partnership.from_frames(
    ...     partners=pd.DataFrame({"partner_id": ["A"], "name": ["Council"], "sector": ["public"]}),
    ...     objectives=pd.DataFrame({"objective_id": ["O1", "O2"], "name": ["Jobs", "Homes"],
    ...         "area": ["economic", "social"], "priority": [4, 2]}),
    ...     competencies=pd.DataFrame({"partner_id": ["A"], "area": ["economic"], "level": [3]}))
    >>> round(alignment_index(p), 4)  # (4 * 3/3 + 2 * 0/3) / 6 * 100
    66.6667
    """
    return _index(competency_alignment(p, as_of=as_of))


def single_points_of_failure(p, *, as_of=None) -> pd.DataFrame:
    """Areas that only one sector covers at level >= 2 (methods.md, section 2).

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``competencies`` table (``objectives`` optional).
    as_of : date, optional
        As in :func:`competency_alignment`.

    Returns
    -------
    pandas.DataFrame
        One row per flagged area, most needed first (highest priority, then area order):

        - ``area``
        - ``sector``: the one sector that covers it at level >= 2
        - ``depth``: active partners of that sector at level >= 2
        - ``partners``: their names, "; "-joined
        - ``coverage``: highest level in the area
        - ``n_objectives``: objectives in the area (0 without an objectives table)
        - ``max_priority``: highest priority among them (NaN when none)

    Notes
    -----
    Areas covered by no sector at level >= 2 are gaps, not single points of failure: they
    appear in :func:`competency_alignment` with a coverage below 2.
    """
    p.require("competencies", by="single_points_of_failure")
    _check_as_of(as_of)
    active = p.partners[_active_mask(p.partners, as_of)]
    levels = _partner_levels(p.competencies)
    cov = _coverage(levels, active)
    flagged = cov[cov["sectors"] == 1].copy()
    strong = levels[levels["level"] >= STRONG].merge(
        active[["partner_id", "name", "sector"]], on="partner_id"
    )
    names = strong.groupby("area", observed=True)["name"].agg(lambda s: "; ".join(sorted(s)))
    flagged["sector"] = flagged["sector_list"]
    flagged["partners"] = flagged["area"].map(names).astype("str")
    if p.has("objectives"):
        o = _objectives(p).groupby("area", observed=True)["priority"].agg(["size", "max"])
    else:
        o = pd.DataFrame(columns=["size", "max"], dtype="float64")
    flagged["n_objectives"] = flagged["area"].map(o["size"]).fillna(0).astype("int64")
    flagged["max_priority"] = flagged["area"].map(o["max"]).astype("float64")
    flagged["_order"] = flagged["area"].map({a: i for i, a in enumerate(AREAS)})
    flagged = flagged.sort_values(
        ["max_priority", "_order"], ascending=[False, True], na_position="last", ignore_index=True
    )
    return flagged[
        ["area", "sector", "depth", "partners", "coverage", "n_objectives", "max_priority"]
    ]


def candidate_fit(p, *, as_of=None) -> pd.DataFrame:
    """Candidate partners ranked by how much they would raise the alignment index.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``objectives``, ``competencies`` and partners of role
        ``candidate``.
    as_of : date, optional
        As in :func:`competency_alignment` (applies to the active partners).

    Returns
    -------
    pandas.DataFrame
        One row per candidate, best first (empty when the package has no candidate):

        - ``rank``: 1 = best
        - ``partner_id``, ``name``, ``sector``
        - ``index_without``: alignment index of the active partners
        - ``index_with``: alignment index with this candidate added
        - ``gain``: ``index_with - index_without`` (index points)
        - ``adds_sector``: no active partner is of the candidate's sector
        - ``sector_added``: the candidate's sector where ``adds_sector``, else missing
        - ``areas_improved``: objective areas whose coverage the candidate raises, "; "-joined
        - ``n_areas_improved``

    Notes
    -----
    Rank: by gain (descending), then candidates that add a sector first, then by name, so
    that ties are broken the same way every time. Each candidate is evaluated alone (the
    gain of adding two candidates is not the sum of their gains).
    """
    p.require("objectives", "competencies", by="candidate_fit")
    _check_as_of(as_of)
    partners = p.partners
    active = partners[_active_mask(partners, as_of)]
    candidates = partners[partners["role"].fillna("member") == "candidate"]
    levels = _partner_levels(p.competencies)
    objectives = _objectives(p)
    base_cov = _coverage(levels, active)
    base = _index(_alignment_frame(objectives, base_cov))
    have = set(active["sector"])
    needed = list(dict.fromkeys(objectives["area"]))
    rows = []
    for cand in candidates.itertuples(index=False):
        with_cand = pd.concat([active, partners[partners["partner_id"] == cand.partner_id]])
        cov = _coverage(levels, with_cand)
        after = _index(_alignment_frame(objectives, cov))
        raised = cov.set_index("area")["coverage"] > base_cov.set_index("area")["coverage"]
        improved = [a for a in needed if raised.get(a, False)]
        adds = cand.sector not in have
        rows.append(
            {
                "partner_id": cand.partner_id,
                "name": cand.name,
                "sector": cand.sector,
                "index_without": base,
                "index_with": after,
                "gain": after - base,
                "adds_sector": adds,
                "sector_added": cand.sector if adds else None,
                "areas_improved": "; ".join(improved),
                "n_areas_improved": len(improved),
            }
        )
    cols = [
        "rank",
        "partner_id",
        "name",
        "sector",
        "index_without",
        "index_with",
        "gain",
        "adds_sector",
        "sector_added",
        "areas_improved",
        "n_areas_improved",
    ]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    out = pd.DataFrame(rows)
    out["sector_added"] = out["sector_added"].astype("str")
    out = out.sort_values(
        ["gain", "adds_sector", "name"], ascending=[False, False, True], ignore_index=True
    )
    out["rank"] = np.arange(1, len(out) + 1, dtype="int64")
    out["adds_sector"] = out["adds_sector"].astype("bool")
    out["n_areas_improved"] = out["n_areas_improved"].astype("int64")
    return out[cols]


def sector_profile(p, *, as_of=None) -> pd.DataFrame:
    """What each sector present typically brings (Box 6.25), against the areas needed.

    Parameters
    ----------
    p : Partnership
        A loaded package (``objectives`` optional: without it no area is needed).
    as_of : date, optional
        As in :func:`competency_alignment`.

    Returns
    -------
    pandas.DataFrame
        One row per packaged competency of a sector that active partners belong to:

        - ``sector``, ``area``, ``competency``: from the packaged sector competency box
        - ``n_partners``: active partners of the sector
        - ``needed``: an objective of the partnership is in the area
        - ``n_objectives``, ``max_priority``: objectives in the area and their top priority
        - ``coverage``: the partnership's coverage of the area (0..3; NaN without a
          competencies table)

    Notes
    -----
    The box covers public (municipal), private and civil-society partners; sectors outside
    it (academic, funder, other) have no rows. Rows are in box order.

    References
    ----------
    .. [1] Box 6.25, "Aligning Sectoral Competencies with Municipal Objectives" (see
       ``partner_analytics.frameworks.attribution()``).
    """
    from partner_analytics import frameworks

    p.require("partners", by="sector_profile")
    _check_as_of(as_of)
    active = p.partners[_active_mask(p.partners, as_of)]
    box = frameworks.sector_competencies()
    counts = active.groupby("sector", observed=True)["partner_id"].nunique()
    out = box[box["sector"].isin(counts.index)].reset_index(drop=True)
    out["n_partners"] = out["sector"].map(counts).astype("int64")
    if p.has("objectives"):
        o = _objectives(p).groupby("area", observed=True)["priority"].agg(["size", "max"])
    else:
        o = pd.DataFrame(columns=["size", "max"], dtype="float64")
    out["needed"] = out["area"].isin(o.index).astype("bool")
    out["n_objectives"] = out["area"].map(o["size"]).fillna(0).astype("int64")
    out["max_priority"] = out["area"].map(o["max"]).astype("float64")
    if p.has("competencies"):
        cov = _coverage(_partner_levels(p.competencies), active).set_index("area")["coverage"]
        out["coverage"] = out["area"].map(cov).astype("float64")
    else:
        out["coverage"] = np.nan
    return out[
        [
            "sector",
            "area",
            "competency",
            "n_partners",
            "needed",
            "n_objectives",
            "max_priority",
            "coverage",
        ]
    ]


def sector_diversity(p, *, as_of=None) -> pd.DataFrame:
    """Partners per sector, and whether the partnership is public-private only.

    Parameters
    ----------
    p : Partnership
        A loaded package.
    as_of : date, optional
        As in :func:`competency_alignment`.

    Returns
    -------
    pandas.DataFrame
        One row per sector of the contract (public, private, civil_society, academic,
        funder, other), zeros kept:

        - ``sector``
        - ``n_partners``: active partners of the sector
        - ``share``: ``n_partners`` / active partners (NaN with no active partner)
        - ``n_candidates``: candidate partners of the sector (not counted in n_partners)
        - ``public_private_only``: the partnership has no active civil_society partner
          (same value on every row; methods.md, section 7)

    Notes
    -----
    Candidates are prospective partners and do not make a partnership diverse; they are
    counted apart so that an evaluator can see which candidate would add civil society.
    """
    p.require("partners", by="sector_diversity")
    _check_as_of(as_of)
    partners = p.partners
    active = partners[_active_mask(partners, as_of)]
    cands = partners[partners["role"].fillna("member") == "candidate"]
    n = active.groupby("sector", observed=True)["partner_id"].nunique()
    nc = cands.groupby("sector", observed=True)["partner_id"].nunique()
    out = pd.DataFrame({"sector": pd.Series(SECTORS, dtype="str")})
    out["n_partners"] = out["sector"].map(n).fillna(0).astype("int64")
    total = out["n_partners"].sum()
    out["share"] = out["n_partners"] / total if total else np.nan
    out["n_candidates"] = out["sector"].map(nc).fillna(0).astype("int64")
    out["public_private_only"] = bool(n.get("civil_society", 0) == 0)
    return out
