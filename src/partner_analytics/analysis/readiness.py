"""Partnership readiness (the packaged checklist) and strategic driver alignment.

Definitions of methods.md sections 7 and 8:

- readiness per review date = (in_place + 0.5 * partial) / elements * 100, with the
  missing elements listed by name;
- driver alignment: H = 1, M = 0.5, L = 0; score per option =
  sum(weight * value) / sum(weight) * 100.

Sector diversity (also section 7) lives in :mod:`partner_analytics.analysis.competencies`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partner_analytics import frameworks

__all__ = [
    "ALIGNMENT_VALUES",
    "READINESS_VALUES",
    "driver_alignment",
    "driver_alignment_detail",
    "readiness",
    "readiness_elements",
]

#: Points of each readiness status.
READINESS_VALUES = {"in_place": 1.0, "partial": 0.5, "missing": 0.0}
#: Points of each alignment rating.
ALIGNMENT_VALUES = {"H": 1.0, "M": 0.5, "L": 0.0}

_SEP = "; "


def _checklist() -> pd.DataFrame:
    c = frameworks.readiness_checklist()[["element_id", "element", "kind"]]
    return c.assign(_order=np.arange(len(c)))


def readiness_elements(p) -> pd.DataFrame:
    """The status of every checklist element at every review date.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``readiness`` table.

    Returns
    -------
    pandas.DataFrame
        One row per review date and element of the packaged checklist (in checklist
        order): ``review_date``, ``element_id``, ``element`` (name), ``kind``
        (``key_element`` or ``design_element``), ``status`` (``in_place``, ``partial``,
        ``missing``, or ``not_reviewed`` when the review did not cover the element),
        ``value`` (1, 0.5, 0; NaN when not reviewed) and ``note``.

    Notes
    -----
    The checklist is :func:`partner_analytics.frameworks.readiness_checklist`: the eight
    key elements of multi-stakeholder partnership delivery and the collaboration design
    elements.
    """
    p.require("readiness", by="readiness_elements")
    checklist = _checklist()
    r = p.readiness[["review_date", "element_id", "status", "note"]]
    dates = pd.DataFrame({"review_date": sorted(r["review_date"].unique())})
    grid = dates.merge(checklist, how="cross")
    out = grid.merge(r, on=["review_date", "element_id"], how="left")
    out["status"] = out["status"].fillna("not_reviewed").astype("str")
    out["value"] = out["status"].map(READINESS_VALUES).astype("float64")
    out = out.sort_values(["review_date", "_order"], kind="stable")
    cols = ["review_date", "element_id", "element", "kind", "status", "value", "note"]
    return out[cols].reset_index(drop=True)


def readiness(p) -> pd.DataFrame:
    """The readiness score of the partnership at each review date.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``readiness`` table.

    Returns
    -------
    pandas.DataFrame
        One row per review date, oldest first:

        - ``review_date``
        - ``elements``: the checklist elements assessed in that review
        - ``in_place``, ``partial``, ``missing``: counts of each status
        - ``not_reviewed``: checklist elements the review did not cover
        - ``score``: (in_place + 0.5 * partial) / elements * 100
        - ``missing_elements``, ``partial_elements``, ``not_reviewed_elements``: the
          element names, in checklist order, joined by "; " (empty text when none)
        - ``previous_review_date``, ``previous_score``, ``change``

    Notes
    -----
    readiness = (in_place + 0.5 * partial) / elements * 100 (methods.md section 7).
    The denominator is the number of elements assessed in the review, not the whole
    checklist: an element left out of a review is unknown, not missing, so it neither
    lowers nor raises the score; ``not_reviewed`` and ``not_reviewed_elements`` make the
    gap visible. A review that covers the whole checklist therefore scores against all
    of it.

    Examples
    --------
    >>> import pandas as pd
    >>> from partner_analytics import Partnership
    >>> p = Partnership.from_frames(
    ...     partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
    ...     readiness=pd.DataFrame({"review_date": "2026-01-15",
    ...                             "element_id": ["shared_vision", "resources"],
    ...                             "status": ["in_place", "partial"]}))
    >>> float(readiness(p).loc[0, "score"])
    75.0
    """
    p.require("readiness", by="readiness")
    e = readiness_elements(p)
    rows = []
    for date, g in e.groupby("review_date", sort=True):
        reviewed = g[g["status"] != "not_reviewed"]
        counts = reviewed["status"].value_counts()
        n = len(reviewed)
        in_place, partial, missing = (
            int(counts.get(k, 0)) for k in ("in_place", "partial", "missing")
        )
        rows.append(
            {
                "review_date": date,
                "elements": n,
                "in_place": in_place,
                "partial": partial,
                "missing": missing,
                "not_reviewed": len(g) - n,
                "score": (in_place + 0.5 * partial) / n * 100.0 if n else np.nan,
                "missing_elements": _SEP.join(g.loc[g["status"] == "missing", "element"]),
                "partial_elements": _SEP.join(g.loc[g["status"] == "partial", "element"]),
                "not_reviewed_elements": _SEP.join(g.loc[g["status"] == "not_reviewed", "element"]),
            }
        )
    out = pd.DataFrame(rows)
    for c in ("elements", "in_place", "partial", "missing", "not_reviewed"):
        out[c] = out[c].astype("Int64")
    for c in ("missing_elements", "partial_elements", "not_reviewed_elements"):
        out[c] = out[c].astype("str")
    out["score"] = out["score"].astype("float64")
    out["previous_review_date"] = out["review_date"].shift(1)
    out["previous_score"] = out["score"].shift(1)
    out["change"] = out["score"] - out["previous_score"]
    return out


def driver_alignment_detail(p) -> pd.DataFrame:
    """Each option's rating on each strategic driver, with the points it earns.

    Parameters
    ----------
    p : Partnership
        A loaded package with ``drivers`` and ``driver_alignment`` tables.

    Returns
    -------
    pandas.DataFrame
        One row per option and rated driver (options in order of appearance, drivers in
        the order of the drivers table): ``option_id``, ``driver_id``, ``driver`` (name),
        ``weight``, ``alignment`` (H / M / L), ``value`` (1 / 0.5 / 0), ``points``
        (weight * value) and ``contribution`` (points / the option's sum of weights *
        100: the driver's part of the option's score; the contributions add up to it).
    """
    p.require("drivers", "driver_alignment", by="driver_alignment_detail")
    drivers = p.drivers[["driver_id", "name", "weight"]].rename(columns={"name": "driver"})
    drivers = drivers.assign(_order=np.arange(len(drivers)))
    a = p.driver_alignment[["option_id", "driver_id", "alignment"]]
    options = {o: i for i, o in enumerate(pd.unique(a["option_id"]))}
    d = a.merge(drivers, on="driver_id", how="inner")
    d["value"] = d["alignment"].map(ALIGNMENT_VALUES).astype("float64")
    d["points"] = d["weight"] * d["value"]
    total = d.groupby("option_id")["weight"].transform("sum")
    d["contribution"] = (d["points"] / total.where(total > 0) * 100.0).astype("float64")
    d["_opt"] = d["option_id"].map(options)
    d = d.sort_values(["_opt", "_order"], kind="stable")
    cols = [
        "option_id",
        "driver_id",
        "driver",
        "weight",
        "alignment",
        "value",
        "points",
        "contribution",
    ]
    return d[cols].reset_index(drop=True)


def driver_alignment(p) -> pd.DataFrame:
    """How well each option serves the weighted strategic drivers (0..100).

    Parameters
    ----------
    p : Partnership
        A loaded package with ``drivers`` and ``driver_alignment`` tables.

    Returns
    -------
    pandas.DataFrame
        One row per option, in order of appearance: ``option_id``, ``score``,
        ``n_drivers`` (drivers rated for the option), ``n_unrated`` (drivers of the
        drivers table without a rating for it), ``n_high``, ``n_medium``, ``n_low``,
        ``points`` (sum of weight * value) and ``weight_total`` (sum of the weights of
        the rated drivers).

    Notes
    -----
    H = 1, M = 0.5, L = 0; score = sum(weight * value) / sum(weight) * 100 over the
    drivers rated for the option (methods.md section 8). A driver the option was not rated
    on is left out of both sums (not counted as L) and reported in ``n_unrated``. The
    score is NaN when the rated drivers' weights sum to 0.

    Examples
    --------
    With the packaged example (weights of Figure 3, H on 470 points of weight, M on 180,
    L on 70): (470 + 0.5 * 180) / 720 * 100 = 77.78.
    """
    p.require("drivers", "driver_alignment", by="driver_alignment")
    d = driver_alignment_detail(p)
    n_all = p.drivers["driver_id"].nunique()
    rows = []
    for option, g in d.groupby("option_id", sort=False):
        w = float(g["weight"].sum())
        pts = float(g["points"].sum())
        rows.append(
            {
                "option_id": option,
                "score": pts / w * 100.0 if w > 0 else np.nan,
                "n_drivers": len(g),
                "n_unrated": n_all - g["driver_id"].nunique(),
                "n_high": int((g["alignment"] == "H").sum()),
                "n_medium": int((g["alignment"] == "M").sum()),
                "n_low": int((g["alignment"] == "L").sum()),
                "points": pts,
                "weight_total": w,
            }
        )
    out = pd.DataFrame(rows)
    out["option_id"] = out["option_id"].astype("str")
    for c in ("n_drivers", "n_unrated", "n_high", "n_medium", "n_low"):
        out[c] = out[c].astype("Int64")
    return out
