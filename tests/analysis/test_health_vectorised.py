"""Collaboration health computed cell-at-once agrees with the per-cell statement, to the bit.

:func:`factor_scores`, :func:`health_index` and :func:`perception_gaps` compute every wave x
factor cell (and every group) at once, and share the respondents' factor scores through a
cache kept per Partnership. Here the same definitions (methods.md section 3) are written cell
by cell, as plain loops: pandas' grouped mean and ``Series.std`` per cell, one bootstrap per
cell with :func:`mean_interval`, the respondents' matrix of a wave gathered row by row, scipy's
test per cell. On random packages and hand-picked cases both give the same frames to the last
bit. The hand-made expectations of the method itself are in test_health.py.
"""

from __future__ import annotations

import datetime
import gc
import math
import weakref

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from pandas.testing import assert_frame_equal
from scipy import stats

from partner_analytics import Partnership
from partner_analytics.analysis import _bootstrap
from partner_analytics.analysis import health as H
from partner_analytics.analysis._bootstrap import (
    cell_rng,
    mean_interval,
    mean_intervals,
    percentile_interval,
    resampled_column_means,
)
from partner_analytics.analysis.health import factor_scores, health_index, perception_gaps

TODAY = datetime.date(2030, 1, 1)
WAVES = ["2024-Q4", "2025-Q1", "2025-Q2", "2025", "2025-Q3"]
SECTORS = ["public", "private", "civil_society", "academic", "funder"]


# --------------------------------------------------------------------------- random packages


def random_package(seed: int) -> Partnership:
    """A package of 1..4 waves: single-item or multi-item factors (reverse items too), panel
    or changing respondents, factors skipped at random, rows in shuffled file order."""
    rng = np.random.default_rng(seed)
    n_p = int(rng.integers(2, 7))
    partners = pd.DataFrame(
        {
            "partner_id": [f"p{i}" for i in range(n_p)],
            "name": [f"Partner {i}" for i in range(n_p)],
            "sector": [SECTORS[int(rng.integers(0, len(SECTORS)))] for _ in range(n_p)],
        }
    )
    k = int(rng.integers(1, 5))
    codes = [f"F{i}" for i in rng.permutation(k)]
    factors = pd.DataFrame(
        {
            "factor_code": codes,
            "factor": [f"Factor {c}" for c in codes],
            "weight": [float(rng.choice([100, 75, 12.5, 33.3])) for _ in codes],
        }
    )
    items = None
    if rng.random() < 0.5:
        items = pd.DataFrame(
            [
                {"item_code": f"{c}.{j}", "factor_code": c, "reverse": bool(rng.random() < 0.3)}
                for c in codes
                for j in range(int(rng.integers(1, 4)))
            ]
        )
    waves = sorted(rng.choice(WAVES, size=int(rng.integers(1, 5)), replace=False).tolist())
    # 7 or 9 respondents (few pairs: scipy enumerates their sign flips) or 24 and more
    pool = [f"r{i}" for i in range(int(rng.choice([3, 5, 20, 30, 45])))]
    pool += ["Zed", "ärger", "a_1", "A2"]
    partner_of = {r: f"p{int(rng.integers(0, n_p))}" for r in pool}
    panel = rng.random() < 0.6
    rows = []
    for w in waves:
        if panel:  # most respondents answer every wave: paired tests
            who = [r for r in pool if rng.random() < 0.9]
        else:
            who = rng.choice(pool, size=int(rng.integers(1, len(pool) + 1)), replace=False)
        for r in who:
            for c in codes:
                if rng.random() < 0.25:
                    continue
                base = {"wave": w, "respondent_id": r, "partner_id": partner_of[r]}
                if items is None:
                    top = 6 if rng.random() < 0.7 else 3  # few values: ties, zero changes
                    rows.append({**base, "factor_code": c, "score": int(rng.integers(1, top))})
                    continue
                for item in items.loc[items["factor_code"] == c, "item_code"]:
                    if rng.random() >= 0.15:
                        rows.append({**base, "item_code": item, "score": int(rng.integers(1, 6))})
    if not rows:
        key = {"factor_code": codes[0]} if items is None else {"item_code": f"{codes[0]}.0"}
        rows.append(
            {"wave": waves[0], "respondent_id": "r0", "partner_id": "p0", **key, "score": 3}
        )
    a = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return Partnership.from_frames(
        partners=partners, factors=factors, items=items, assessments=a, today=TODAY
    )


# --------------------------------------------------------------------------- per-cell statement


def _reference_table(resp, factors, waves, min_n):
    factors = factors[factors["factor_code"].isin(set(resp["factor_code"]))]
    grid = waves[["wave", "wave_end", "previous_wave"]].merge(factors, how="cross")
    agg = (
        resp.groupby(["wave", "factor_code"], observed=True)["score"]
        .agg(mean="mean", sd=lambda s: s.std(ddof=1), n_respondents="size")
        .reset_index()
    )
    t = grid.merge(agg, on=["wave", "factor_code"], how="left")
    t["n_respondents"] = t["n_respondents"].fillna(0).astype("Int64")
    t["mean"] = t["mean"].astype("float64")
    t["sd"] = t["sd"].astype("float64")
    t["suppressed"] = (t["n_respondents"] < min_n).astype(bool)
    return t


def _reference_change(current: pd.Series, previous: pd.Series | None, min_matched: int):
    if previous is None:
        return (None, np.nan, 0)
    matched = current.index.intersection(previous.index)
    if len(current) == 0 or len(previous) == 0:
        return (None, np.nan, len(matched))
    if len(matched) >= min_matched:
        d = (current.loc[matched] - previous.loc[matched]).to_numpy(dtype="float64")
        if np.all(d == 0):
            return ("wilcoxon", 1.0, len(matched))
        return ("wilcoxon", float(stats.wilcoxon(d).pvalue), len(matched))
    res = stats.mannwhitneyu(
        current.to_numpy(dtype="float64"),
        previous.to_numpy(dtype="float64"),
        alternative="two-sided",
    )
    return ("mannwhitneyu", float(res.pvalue), len(matched))


def reference_factor_scores(p, *, min_n=3, confidence=0.95, n_boot=2000, seed=0, min_matched=5):
    resp = H._respondent_scores(p)
    waves = H._waves(resp)
    t = _reference_table(resp, H._instrument(p), waves, min_n)
    t["band"] = H._band(t["mean"])
    by_cell = {
        key: g.set_index("respondent_id")["score"]
        for key, g in resp.groupby(["wave", "factor_code"], observed=True)
    }
    empty = pd.Series(dtype="float64")
    hidden = set(
        zip(t.loc[t["suppressed"], "wave"], t.loc[t["suppressed"], "factor_code"], strict=True)
    )
    out = {"ci_low": [], "ci_high": [], "test": [], "p_value": [], "n_matched": [], "prev": []}
    for rec in t[["wave", "factor_code", "previous_wave"]].itertuples(index=False):
        x = by_cell.get((rec.wave, rec.factor_code), empty)
        lo, hi = mean_interval(
            x.to_numpy(),
            n_boot=n_boot,
            confidence=confidence,
            rng=cell_rng(seed, "factor", rec.wave, rec.factor_code),
        )
        prev = None
        if not pd.isna(rec.previous_wave):
            prev = by_cell.get((rec.previous_wave, rec.factor_code), empty)
        test, pv, nm = _reference_change(x, prev, min_matched)
        if (rec.previous_wave, rec.factor_code) in hidden:  # no comparison with a hidden mean
            test, pv, prev = None, np.nan, None
        for k, v in zip(out, (lo, hi, test, pv, nm), strict=False):
            out[k].append(v)
        out["prev"].append(np.nan if prev is None or prev.empty else float(prev.mean()))
    t["ci_low"] = np.asarray(out["ci_low"], dtype="float64")
    t["ci_high"] = np.asarray(out["ci_high"], dtype="float64")
    t["previous_mean"] = np.asarray(out["prev"], dtype="float64")
    t["change"] = t["mean"] - t["previous_mean"]
    t["test"] = pd.Series(out["test"], index=t.index, dtype="str")
    t["p_value"] = np.asarray(out["p_value"], dtype="float64")
    t["n_matched"] = pd.array(out["n_matched"], dtype="Int64")
    cols = [
        "wave", "wave_end", "factor_code", "factor", "group", "weight", "mean", "sd",
        "n_respondents", "ci_low", "ci_high", "band", "suppressed", "previous_wave",
        "previous_mean", "change", "test", "p_value", "n_matched",
    ]  # fmt: skip
    return t[cols].reset_index(drop=True)


def gathered_column_means(matrix: np.ndarray, *, n_boot: int, rng) -> np.ndarray:
    """Column means per resample, the drawn rows gathered and added one by one."""
    n_rows, n_cols = matrix.shape
    out = np.full((n_boot, n_cols), np.nan)
    if n_rows == 0 or n_cols == 0:
        return out
    answered = ~np.isnan(matrix)
    values = np.where(answered, matrix, 0.0)
    step = max(1, _bootstrap._CHUNK_CELLS // max(1, n_rows * n_cols))
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        idx = rng.integers(0, n_rows, size=(stop - start, n_rows))
        sums, counts = values[idx].sum(axis=1), answered[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:stop] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return out


def reference_health_index(p, *, min_n=3, confidence=0.95, n_boot=2000, seed=0):
    resp = H._respondent_scores(p)
    waves = H._waves(resp)
    t = _reference_table(resp, H._instrument(p), waves, min_n)
    used = ~t["suppressed"] & t["mean"].notna() & t["weight"].notna()
    rows = []
    for w in waves.itertuples(index=False):
        tw = t[t["wave"] == w.wave]
        uw = tw[used.loc[tw.index]]
        weights = uw["weight"].to_numpy(dtype="float64")
        means = uw["mean"].to_numpy(dtype="float64")
        index = float(H._weighted_index(means, weights)) if len(uw) else np.nan
        rw = resp[resp["wave"] == w.wave]
        lo = hi = np.nan
        if len(uw):
            matrix = rw.pivot_table(
                index="respondent_id", columns="factor_code", values="score", aggfunc="first"
            ).reindex(columns=uw["factor_code"].tolist())
            boot = gathered_column_means(
                matrix.to_numpy(dtype="float64"), n_boot=n_boot, rng=cell_rng(seed, "index", w.wave)
            )
            lo, hi = percentile_interval(H._weighted_index(boot, weights), confidence)
        rows.append(
            {
                "wave": w.wave, "wave_end": w.wave_end, "index": index, "n_factors": len(uw),
                "n_factors_suppressed": int((tw["suppressed"] & (tw["n_respondents"] > 0)).sum()),
                "weight_used": float(weights.sum()),
                "n_respondents": rw["respondent_id"].nunique(), "ci_low": lo, "ci_high": hi,
                "previous_wave": w.previous_wave,
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    out["wave"] = out["wave"].astype("str")
    out["previous_wave"] = out["previous_wave"].astype("str")
    out["index"] = out["index"].astype("float64")
    for c in ("n_factors", "n_factors_suppressed", "n_respondents"):
        out[c] = out[c].astype("Int64")
    out["band"] = H._index_band(out["index"])
    out["suppressed"] = (out["n_factors"] == 0).astype(bool)
    out["previous_index"] = out["index"].shift(1)
    out["change"] = out["index"] - out["previous_index"]
    cols = [
        "wave", "wave_end", "index", "n_factors", "n_factors_suppressed", "weight_used",
        "n_respondents", "ci_low", "ci_high", "band", "suppressed", "previous_wave",
        "previous_index", "change",
    ]  # fmt: skip
    return out[cols]


def _complete(n: dict, hidden: set, outside: int, min_n: int) -> set:
    """Complementary suppression in one total, as methods.md states it: while the parts not
    shown hold 1 to min_n - 1 respondents, the smallest part shown (then the first in text
    order) is not shown either. ``n``: part -> respondents; ``outside``: respondents of the
    total in no part."""
    hidden = set(hidden)
    for part in sorted(set(n) - hidden, key=lambda k: (n[k], k)):
        if not 0 < outside + sum(n[k] for k in hidden) < min_n:
            break
        hidden.add(part)
    return hidden


def _reference_suppressed(r, g, by, min_n) -> list[bool]:
    """The groups of ``g`` not shown: fewer than min_n respondents, and their complements;
    partners within their sector, whose sector is suppressed as by="sector" suppresses it."""
    hidden = set()
    for (wave, code), cell in r.groupby(["wave", "factor_code"], observed=True):
        sectors = cell.groupby("sector")["respondent_id"].size().to_dict()
        small = {k for k, v in sectors.items() if v < min_n}
        out = len(cell) - sum(sectors.values())
        shut = _complete(sectors, small, out, min_n)
        if by == "sector":
            hidden |= {(wave, code, k) for k in shut}
            continue
        for sector, part in cell.groupby("sector"):
            partners = part.groupby("partner_id")["respondent_id"].size().to_dict()
            small = {k for k, v in partners.items() if v < min_n or sector in shut}
            hidden |= {(wave, code, k) for k in _complete(partners, small, 0, min_n)}
    keys = zip(g["wave"], g["factor_code"], g["group"], strict=True)
    return [k in hidden for k in keys]


def reference_perception_gaps(p, *, by="sector", min_n=3, threshold=1.0):
    resp = H._respondent_scores(p)
    factors = H._instrument(p)
    waves = H._waves(resp)
    r = resp.merge(p.partners[["partner_id", "name", "sector"]], on="partner_id", how="left")
    if by == "sector":
        r["group"], r["group_name"] = r["sector"], r["sector"]
    else:
        r["group"], r["group_name"] = r["partner_id"], r["name"].fillna(r["partner_id"])
    g = (
        r.groupby(["wave", "factor_code", "group"], observed=True)
        .agg(
            group_name=("group_name", "first"),
            mean=("score", "mean"),
            sd=("score", lambda s: s.std(ddof=1)),
            n_respondents=("score", "size"),
        )
        .reset_index()
    )
    g["n_respondents"] = g["n_respondents"].astype("Int64")
    g["suppressed"] = _reference_suppressed(r, g, by, min_n)
    summary = []
    for (wave, code), cell in g[~g["suppressed"]].groupby(["wave", "factor_code"], observed=True):
        hi, lo = cell.loc[cell["mean"].idxmax()], cell.loc[cell["mean"].idxmin()]
        two = len(cell) >= 2
        summary.append(
            {
                "wave": wave, "factor_code": code, "n_groups_compared": len(cell),
                "gap": float(hi["mean"] - lo["mean"]) if two else np.nan,
                "highest_group": hi["group"] if two else pd.NA,
                "lowest_group": lo["group"] if two else pd.NA,
            }
        )  # fmt: skip
    s = pd.DataFrame(
        summary,
        columns=[
            "wave",
            "factor_code",
            "n_groups_compared",
            "gap",
            "highest_group",
            "lowest_group",
        ],
    )
    out = g.merge(s, on=["wave", "factor_code"], how="left")
    out["n_groups_compared"] = out["n_groups_compared"].fillna(0).astype("Int64")
    out["gap"] = out["gap"].astype("float64")
    out["flagged"] = (out["gap"].round(9) >= threshold).fillna(False).astype(bool)
    out = out.merge(factors[["factor_code", "factor", "_order"]], on="factor_code", how="left")
    out = out.merge(waves[["wave", "wave_end"]], on="wave", how="left")
    out["by"] = by
    for c in ("wave", "factor_code", "factor", "by", "group", "group_name", "highest_group",
              "lowest_group"):  # fmt: skip
        out[c] = out[c].astype("str")
    out = out.sort_values(["wave_end", "wave", "_order", "group"], kind="stable")
    cols = [
        "wave", "wave_end", "factor_code", "factor", "by", "group", "group_name", "mean", "sd",
        "n_respondents", "suppressed", "n_groups_compared", "gap", "highest_group",
        "lowest_group", "flagged",
    ]  # fmt: skip
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- frames


@pytest.mark.parametrize("seed", range(16))
def test_the_three_analyses_equal_the_per_cell_statement_on_random_packages(seed):
    p = random_package(seed)
    kw = {"n_boot": 60, "seed": seed, "min_n": 1 + seed % 4, "confidence": (0.95, 0.8)[seed % 2]}
    assert_frame_equal(
        factor_scores(p, **kw, min_matched=2 + seed % 5),
        reference_factor_scores(p, **kw, min_matched=2 + seed % 5),
        check_exact=True,
    )
    assert_frame_equal(health_index(p, **kw), reference_health_index(p, **kw), check_exact=True)
    for by in ("sector", "partner"):
        gaps = {"by": by, "min_n": kw["min_n"], "threshold": (1.0, 0.5)[seed % 2]}
        assert_frame_equal(
            perception_gaps(p, **gaps), reference_perception_gaps(p, **gaps), check_exact=True
        )


@pytest.mark.parametrize("seed", [3, 7])
def test_the_default_bootstrap_equals_the_per_cell_statement(seed):
    p = random_package(seed)
    assert_frame_equal(factor_scores(p), reference_factor_scores(p), check_exact=True)
    assert_frame_equal(health_index(p), reference_health_index(p), check_exact=True)


def test_tied_group_means_name_the_first_group_in_text_order():
    rows = [
        {"wave": "2026-Q1", "respondent_id": f"r{i}", "partner_id": pid, "factor_code": "F1",
         "score": s}
        for i, (pid, s) in enumerate(
            [("corp", 4), ("corp", 4), ("corp", 4), ("city", 2), ("city", 4), ("city", 5),
             ("ngo", 2), ("ngo", 2), ("ngo", 2), ("port", 2), ("port", 2), ("port", 2)]
        )
    ]  # fmt: skip
    partners = pd.DataFrame(
        {
            "partner_id": ["city", "port", "corp", "ngo"],
            "name": ["City", "Port", "Acme", "Friends"],
            "sector": ["public", "public", "private", "civil_society"],
        }
    )
    p = Partnership.from_frames(
        partners=partners,
        factors=pd.DataFrame({"factor_code": ["F1"], "factor": ["Trust"], "weight": [1]}),
        assessments=pd.DataFrame(rows),
        today=TODAY,
    )
    g = perception_gaps(p, by="partner")
    # corp (4, 4, 4) = 4 ties with nobody; city (2, 4, 5) = 11/3; ngo and port both 2:
    # highest corp, lowest the first of "ngo" < "port" in text order; gap 4 - 2 = 2
    assert g["group"].tolist() == ["city", "corp", "ngo", "port"]
    assert g["mean"].tolist()[1:] == [4.0, 2.0, 2.0]
    assert set(g["highest_group"]) == {"corp"} and set(g["lowest_group"]) == {"ngo"}
    assert set(g["gap"]) == {2.0} and g["flagged"].all()
    assert_frame_equal(g, reference_perception_gaps(p, by="partner"), check_exact=True)


def test_the_counted_signed_rank_p_value_is_scipys_on_small_samples():
    # with ties or zeros in <= 13 pairs scipy enumerates the 2^n sign flips; the count from
    # the ranks' subset sums must give its p-value to the bit (larger samples call scipy)
    rng = np.random.default_rng(21)
    cases = [np.array([1.0, 1.0, 2.0, -1.0, 0.0]), np.array([0.0, 0.0, 3.0]), np.ones(12)]
    for k in range(120):
        n = int(rng.integers(1, 10)) if k < 118 else int(rng.integers(10, 13))
        d = (rng.integers(-6, 7, n) / (1.0, 3.0)[k % 2]) if k % 3 else rng.normal(size=n).round(1)
        cases.append(d if np.any(d != 0) else np.r_[d, 1.0])
    for d in cases:
        assert H._signed_rank_p(d) == float(stats.wilcoxon(d).pvalue), d.tolist()


def test_the_signed_rank_p_value_of_tied_and_zero_differences_by_hand():
    # differences +1, +1, +2, -1, 0: the zero is dropped, |d| = 1, 1, 2, 1 get the average
    # ranks 2, 2, 4, 2 and r+ = 2 + 2 + 4 = 8. Of the 2^4 sign flips of the four ranks
    # (each counted twice, for the zero's sign), r+ >= 8 in 4 (2+2+4, 2+2+4, 2+2+4,
    # 2+2+2+4) and r+ <= 8 in 15: p = 2 * min(8/32, 30/32) = 0.5
    q1 = [2, 3, 3, 2, 4]
    q2 = [3, 4, 5, 1, 4]
    rows = [
        {"wave": w, "respondent_id": f"r{i}", "partner_id": "a", "factor_code": "F1", "score": s}
        for w, scores in (("2026-Q1", q1), ("2026-Q2", q2))
        for i, s in enumerate(scores)
    ]
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
        factors=pd.DataFrame({"factor_code": ["F1"], "factor": ["Trust"], "weight": [1]}),
        assessments=pd.DataFrame(rows),
        today=TODAY,
    )
    q = factor_scores(p, n_boot=20)
    q2_row = q[q["wave"] == "2026-Q2"].iloc[0]
    assert (q2_row["test"], q2_row["n_matched"], q2_row["p_value"]) == ("wilcoxon", 5, 0.5)


# --------------------------------------------------------------------------- the shared work


def _small_package(scores: list[int]) -> Partnership:
    rows = [
        {"wave": "2026-Q1", "respondent_id": f"r{i}", "partner_id": "a", "factor_code": "F1",
         "score": s}
        for i, s in enumerate(scores)
    ]  # fmt: skip
    return Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
        factors=pd.DataFrame({"factor_code": ["F1"], "factor": ["Trust"], "weight": [1]}),
        assessments=pd.DataFrame(rows),
        today=TODAY,
    )


def test_the_respondent_scores_of_a_partnership_are_computed_once(monkeypatch):
    built = []
    real = H._build_survey
    monkeypatch.setattr(H, "_build_survey", lambda p: built.append(id(p)) or real(p))
    p = _small_package([3, 4, 5])
    cold = [perception_gaps(p), health_index(p, n_boot=50), factor_scores(p, n_boot=50)]
    warm = [perception_gaps(p), health_index(p, n_boot=50), factor_scores(p, n_boot=50)]
    assert built == [id(p)]
    for a, b in zip(cold, warm, strict=True):
        assert_frame_equal(a, b, check_exact=True)
    assert warm[2].loc[0, "mean"] == 4.0  # (3 + 4 + 5) / 3


def test_a_replaced_assessments_table_is_not_served_from_the_cache():
    p = _small_package([3, 4, 5])
    assert factor_scores(p, n_boot=50).loc[0, "mean"] == 4.0
    p.tables["assessments"] = _small_package([1, 1, 2, 4]).tables["assessments"]
    s = factor_scores(p, n_boot=50).loc[0]
    assert (s["mean"], s["n_respondents"]) == (2.0, 4)  # (1 + 1 + 2 + 4) / 4
    assert perception_gaps(p).loc[0, "n_respondents"] == 4


def test_the_respondent_scores_live_in_the_partnerships_own_cache():
    p = _small_package([3, 4, 5])
    assert p.cache == {}
    factor_scores(p, n_boot=20)
    assert list(p.cache) == [H.SURVEY_CACHE_KEY]
    # nothing outside the partnership holds it: it goes with the partnership
    ref = weakref.ref(p)
    del p
    gc.collect()
    assert ref() is None


# --------------------------------------------------------------------------- bootstrap pieces


def test_many_cells_at_once_give_the_intervals_of_each_cell_alone(monkeypatch):
    # small chunks and blocks: several draws per cell and several blocks of cells
    monkeypatch.setattr(_bootstrap, "_CHUNK_CELLS", 50)
    monkeypatch.setattr(_bootstrap, "_BLOCK_STATS", 300)
    rng = np.random.default_rng(11)
    cells = [rng.integers(1, 6, size=n).astype(float) / rng.integers(1, 4) for n in
             (1, 0, 7, 23, 2, 0, 60, 5, 3, 31)]  # fmt: skip
    cells[3][[2, 5]] = np.nan  # unanswered values are left out, as mean_interval leaves them
    bounds = np.r_[0, np.cumsum([len(c) for c in cells])]
    values = np.concatenate(cells)
    for n_boot, confidence in ((100, 0.95), (37, 0.8)):
        low, high = mean_intervals(
            values,
            bounds,
            [cell_rng(5, "cell", k) for k in range(len(cells))],
            n_boot=n_boot,
            confidence=confidence,
        )
        for k, x in enumerate(cells):
            want = mean_interval(
                x, n_boot=n_boot, confidence=confidence, rng=cell_rng(5, "cell", k)
            )
            got = (float(low[k]), float(high[k]))
            assert np.array_equal(got, want, equal_nan=True), (k, got, want)
        assert math.isnan(low[1]) and math.isnan(high[5])


@pytest.mark.parametrize("chunk", [4_000_000, 200])
@pytest.mark.parametrize("whole", [True, False])
def test_counting_draws_gives_the_column_means_of_gathering_them(monkeypatch, chunk, whole):
    monkeypatch.setattr(_bootstrap, "_CHUNK_CELLS", chunk)
    rng = np.random.default_rng(3)
    m = rng.integers(1, 6, size=(41, 5)).astype(float)
    if not whole:
        m[:, 1] /= 3.0  # item means such as 11/3: the drawn rows are added one by one
    m[rng.random(m.shape) < 0.2] = np.nan
    m[:, 4] = np.nan
    m[7, 4] = 2.0  # a column answered once: no answer in many resamples
    got = resampled_column_means(m, n_boot=150, rng=np.random.default_rng(9))
    want = gathered_column_means(m, n_boot=150, rng=np.random.default_rng(9))
    assert np.array_equal(got, want, equal_nan=True)
    assert np.isnan(got[:, 4]).any() and not np.isnan(got[:, 0]).any()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=200), min_size=1, max_size=15)
)
def test_segment_sd_equals_series_std_of_each_segment_to_the_bit(groups):
    x = np.array([v for g in groups for v in g], dtype="float64")
    got = H._segment_sd(x, np.array([len(g) for g in groups]))
    for k, g in enumerate(groups):
        want = float(pd.Series(g, dtype="float64").std(ddof=1))
        assert np.array_equal(got[k], want, equal_nan=True), (g, got[k], want)
