"""The frame-level (vectorised) indicator trend agrees with the per-series statement.

:func:`indicator_trend` computes every series at once: the observations are selected and coded
once (as for :func:`indicator_progress`), the base points come from the array path, and each
series' means and sums are numpy's own to the bit. The statement series by series is written
here as the reference (the loop :func:`indicator_trend` used to be: :func:`_observations`,
:func:`_series_points` and a least-squares fit per series, one dict per output row). The tests
check, on hand-made packages, random packages and Statistics Canada's published series, that
both give the same frame to the last bit; the hand-made expectations of the method itself are
in test_indicators.py.
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from partner_analytics import Partnership
from partner_analytics.analysis import indicators as ind_mod
from partner_analytics.analysis.indicators import (
    DEFAULT_TARGET_DATE,
    TREND_COLUMNS,
    _as_of_end,
    _indicators,
    _observations,
    _series_points,
    _text,
    _time_to_timestamp,
    indicator_trend,
    period_time,
)
from partner_analytics.errors import AnalysisInputError

TODAY = datetime.date(2031, 1, 1)
PARTNERS = pd.DataFrame(
    {"partner_id": ["a", "B", "c"], "name": ["A", "Bee", "C"], "sector": ["public"] * 3}
)
LABELS = ["2014", "2015", "2015-Q3", "2016", "2016-06", "2017", "2018-H1", "2019", "2020",
          "2020-01-01", "2021-Q1", "2022", "2023-12-31"]  # fmt: skip
CANADA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "canada-sdg"


# --- the per-series statement ------------------------------------------------------------------


def _num(v) -> float:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return math.nan
    return float(v)


def reference_trend(p, indicator_id=None, *, by=None, as_of=None, group_targets=True):
    """indicator_trend as a loop over series, one dict per output row."""
    as_of_end = _as_of_end(as_of)
    ind = _indicators(p)
    if indicator_id is not None:
        wanted = [indicator_id] if isinstance(indicator_id, str) else list(indicator_id)
        unknown = [i for i in wanted if i not in set(ind["indicator_id"])]
        if unknown:
            raise AnalysisInputError(
                f"unknown indicator_id {', '.join(map(repr, unknown))}; the package has: "
                + ", ".join(ind["indicator_id"].head(20))
            )
        ind = ind.set_index("indicator_id").loc[wanted].reset_index()
    obs, disagg = _observations(p, as_of_end=as_of_end, by=by)
    targets = None
    if "value_type" in disagg and by != "value_type":
        targets, _ = _observations(p, as_of_end=as_of_end, by=by, value_type="target")
    keys = ["indicator_id", *([by] if by else [])]

    def split(frame):
        if frame is None or not len(frame):
            return {}
        return {
            (k if isinstance(k, tuple) else (k,)): g for k, g in frame.groupby(keys, sort=False)
        }

    groups, tgroups = split(obs), split(targets)
    rows = []
    for rec in ind.to_dict("records"):
        iid = rec["indicator_id"]
        series_keys = [(iid,)]
        if by is not None:
            series_keys = sorted(
                {k for k in [*groups, *tgroups] if k[0] == iid}, key=lambda k: str(k[1])
            )
        for key in series_keys:
            series = groups.get(key, obs.iloc[0:0])
            group = key[1] if by else None
            rows.extend(_rows(rec, series, tgroups.get(key), by, group, group_targets))
    columns = TREND_COLUMNS.copy()
    if by:
        columns.insert(columns.index("kind"), by)
    out = pd.DataFrame(rows, columns=columns)
    days = {t: _time_to_timestamp(t) for t in pd.unique(out["time"])}
    out["plot_date"] = out["time"].map(days)
    text = ["indicator_id", "name", "unit", "direction", "kind", "date", "target_date",
            "reason", *([by] if by else [])]  # fmt: skip
    for c in out.columns:
        if c in text:
            out[c] = out[c].astype("str")
        elif c == "plot_date":
            out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
        elif c == "n_points":
            out[c] = out[c].astype("Int64")
        elif c == "projected_to_meet_target":
            out[c] = out[c].astype("bool")
        else:
            out[c] = out[c].astype("float64")
    return out


def _rows(rec, series, period_targets, by, group_value, group_targets) -> list[dict]:
    d = 1 if rec["direction"] == "increase" else -1
    target_value = _num(rec.get("target_value")) if by is None or group_targets else math.nan
    target_date = _text(rec.get("target_date")) or DEFAULT_TARGET_DATE
    target_time = period_time(target_date)
    base, _, why = _series_points(rec, series, grouped=by is not None)
    t = series["time"].to_numpy(dtype="float64")
    y = series["value"].to_numpy(dtype="float64")
    slope = projected = math.nan
    reason = why or None
    fitted = np.full(len(t), np.nan)
    if len(np.unique(t)) >= 2:
        t_mean, y_mean = t.mean(), y.mean()
        slope = float(np.sum((t - t_mean) * (y - y_mean)) / np.sum((t - t_mean) ** 2))
        fitted = y_mean + slope * (t - t_mean)
        projected = float(y_mean + slope * (target_time - t_mean))
    elif not reason:
        reason = "a trend needs observations at two distinct times"
    meets = bool(
        not math.isnan(projected)
        and not math.isnan(target_value)
        and (projected >= target_value if d == 1 else projected <= target_value)
    )
    rows = [
        {"kind": "observation", "date": dd, "time": tt, "value": yy, "fitted": ff}
        for dd, tt, yy, ff in zip(series["date"], t, y, fitted, strict=True)
    ]
    if base is not None:
        rows.append({"kind": "baseline", "date": base[0], "time": base[1], "value": base[2]})
    if not math.isnan(target_value):
        rows.append(
            {"kind": "target", "date": target_date, "time": target_time, "value": target_value}
        )
    if not math.isnan(projected):
        rows.append({"kind": "projection", "date": target_date, "time": target_time,
                     "value": projected, "fitted": projected})  # fmt: skip
    if period_targets is not None:
        rows.extend(
            {"kind": "period_target", "date": dd, "time": tt, "value": yy}
            for dd, tt, yy in zip(
                period_targets["date"], period_targets["time"], period_targets["value"], strict=True
            )
        )
    const = {
        "indicator_id": rec["indicator_id"], "name": rec["name"], "unit": rec["unit"],
        "direction": rec["direction"], "slope_per_year": slope, "n_points": len(t),
        "base_time": base[1] if base else math.nan, "base_value": base[2] if base else math.nan,
        "target_date": target_date, "target_time": target_time, "target_value": target_value,
        "projected_value": projected, "gap_to_target": target_value - projected,
        "projected_to_meet_target": meets, "reason": reason,
    }  # fmt: skip
    if by:
        const[by] = group_value
    return [{**const, **row} for row in rows]


def assert_same_trend(p, **kw) -> None:
    """The same frame to the bit, or the same error (e.g. ``by`` without such a column)."""
    try:
        want = reference_trend(p, **kw)
    except Exception as exc:  # noqa: BLE001 - the reference's error is the expectation
        with pytest.raises(type(exc), match=re.escape(str(exc))):
            indicator_trend(p, **kw)
        return
    assert_frame_equal(indicator_trend(p, **kw), want, check_exact=True)


# --- hand-made packages ------------------------------------------------------------------------


def package(indicators: list[dict], observations: list[tuple], value_type=None) -> Partnership:
    """Observations as (id, date, value, partner_id); value_type per observation if given."""
    base = {"unit": "%", "direction": "increase"}
    ind = pd.DataFrame([{**base, "name": d["indicator_id"].upper(), **d} for d in indicators])
    obs = pd.DataFrame(observations, columns=["indicator_id", "date", "value", "partner_id"])
    if value_type is not None:
        obs["value_type"] = value_type
    return Partnership.from_frames(partners=PARTNERS, indicators=ind, observations=obs, today=TODAY)


def test_series_rows_come_in_group_text_order_with_their_kinds_in_turn():
    p = package(
        [{"indicator_id": "x", "target_value": 10, "target_date": "2030"}],
        [
            ("x", "2016", 2, "a"),
            ("x", "2015", 1, "a"),
            ("x", "2015", 5, "B"),
            ("x", "2020", 3, "c"),
        ],
        value_type=[None, None, None, "target"],
    )
    t = indicator_trend(p, by="partner_id")
    # "B" < "a" < "c" in code point order; c has only a period target: no observations
    assert t["partner_id"].tolist() == ["B"] * 3 + ["a"] * 5 + ["c"] * 2
    assert t["kind"].tolist() == [
        "observation", "baseline", "target",
        "observation", "observation", "baseline", "target", "projection",
        "target", "period_target",
    ]  # fmt: skip
    a = t[t["partner_id"] == "a"]
    # a: (2015, 1), (2016, 2): t_mean 2015.5, y_mean 1.5, slope 0.5 / 0.5 = 1;
    # fitted 1.5 -/+ 0.5; projection 1.5 + 1 * (2030 - 2015.5) = 16 >= 10, gap 10 - 16
    assert a["value"].tolist() == [1.0, 2.0, 1.0, 10.0, 16.0]
    assert a["fitted"].tolist()[:2] == [1.0, 2.0]
    assert set(a["slope_per_year"]) == {1.0} and set(a["gap_to_target"]) == {-6.0}
    assert a["projected_to_meet_target"].all()
    reasons = t.drop_duplicates("partner_id").set_index("partner_id")["reason"]
    assert reasons["B"] == "a trend needs observations at two distinct times"
    assert reasons["c"] == "no observations" and pd.isna(reasons["a"])
    assert t.loc[t["partner_id"] == "c", "n_points"].tolist() == [0, 0]
    assert_same_trend(p, by="partner_id")


CASES = [
    # observations at one time twice (2020 and 2020-01-01), a baseline date after them all,
    # a single observation, an indicator without observations, a negative direction
    (
        [{"indicator_id": "x", "target_value": 40, "target_date": "2028-Q4"},
         {"indicator_id": "y", "direction": "decrease", "baseline_date": "2025"},
         {"indicator_id": "z", "baseline_value": 3, "baseline_date": "2015"},
         {"indicator_id": "w"}],
        [("x", "2015", 10, None), ("x", "2020", 20, None), ("x", "2020-01-01", 21, None),
         ("x", "2022", 25, None), ("y", "2016", 5, None), ("y", "2019", 4, None),
         ("z", "2018-H1", 7, None), ("x", "2015", 1, "a"), ("x", "2017", 3, "a"),
         ("x", "2016-06", 2, "B"), ("y", "2019", 9, "c"), ("y", "2019-01-01", 8, "c")],
        None,
    ),
    # per-period targets, headline and by partner, and a series with targets only
    (
        [{"indicator_id": "x", "target_value": 0}, {"indicator_id": "y", "target_value": 5}],
        [("x", "2015", 4, None), ("x", "2016", 3, None), ("x", "2016", 3.5, None),
         ("x", "2017", 2, "a"), ("y", "2015-Q3", 1, "B"), ("y", "2021-Q1", 4, "B"),
         ("y", "2020", 4, "c"), ("x", "2014", 9, None)],
        [None, None, "target", "target", None, None, "target", None],
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize(
    "kw",
    [{}, {"by": "partner_id"}, {"as_of": "2019-12-31"}, {"indicator_id": ["y", "x", "y"]},
     {"indicator_id": "x", "by": "partner_id", "group_targets": False}, {"by": "value_type"},
     {"by": "region"}, {"indicator_id": "nope"}],
)  # fmt: skip
def test_hand_made_packages_give_the_per_series_frame(case, kw):
    indicators, observations, value_type = CASES[case]
    assert_same_trend(package(indicators, observations, value_type), **kw)


# --- random packages ------------------------------------------------------------------------


def random_package(seed: int) -> Partnership:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 5))
    specs = []
    for i in range(k):
        s = {"indicator_id": f"i{i}", "name": f"I{i}", "unit": "%",
             "direction": str(rng.choice(["increase", "decrease"]))}  # fmt: skip
        if rng.random() < 0.5:
            s["baseline_value"] = float(rng.choice([0.0, -3.0, 10.0, 40.0]))
        if rng.random() < 0.5:
            s["baseline_date"] = str(rng.choice(["2015", "2016-Q2", "2019", "2025"]))
        if rng.random() < 0.6:
            s["target_value"] = float(rng.choice([0.0, -1.0, 20.0, 40.0, 100.0]))
        if rng.random() < 0.6:
            s["target_date"] = str(rng.choice(["2030", "2028-Q4"]))
        specs.append(s)
    with_types = rng.random() < 0.5
    rows = []
    for _ in range(int(rng.integers(0, 40))):
        row = {
            "indicator_id": f"i{int(rng.integers(0, k))}",
            "date": str(rng.choice(LABELS)),
            "value": float(rng.choice([0.0, -2.0, 10.0, 100.0, round(rng.uniform(-50, 150), 2)])),
            "partner_id": rng.choice([None, None, "a", "B", "c"]),
            "district": rng.choice([None, None, None, "north", "South", "ést"]),
        }
        if with_types:
            row["value_type"] = rng.choice([None, None, None, "target", "other"])
        rows.append(row)
    keys = ["indicator_id", "date", "partner_id", "district", *(["value_type"] * with_types)]
    obs = pd.DataFrame(rows, columns=[*keys[:2], "value", *keys[2:]]).drop_duplicates(keys)
    return Partnership.from_frames(
        partners=PARTNERS, indicators=pd.DataFrame(specs), observations=obs, today=TODAY
    )


@pytest.mark.parametrize("seed", range(30))
def test_random_packages_give_the_per_series_frame(seed):
    p = random_package(seed)
    for kw in (
        {},
        {"by": "partner_id"},
        {"by": "district", "as_of": "2019-12-31"},
        {"by": "partner_id", "group_targets": False, "as_of": "2021-Q1"},
        {"indicator_id": ["i0"], "by": "district"},
    ):
        assert_same_trend(p, **kw)


def test_long_series_are_summed_as_numpy_sums_them():
    # 9 and 300 monthly observations: numpy adds more than 8 values in interleaved partial
    # sums (and halves beyond 128), so the means and slopes differ in the last bits from a
    # left-to-right sum; the frame must have numpy's
    rng = np.random.default_rng(4)
    months = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(300)]
    observations = [("x", d, float(v), None) for d, v in zip(months, rng.normal(50, 9, 300))]
    observations += [("y", d, float(v), "a") for d, v in zip(months[:9], rng.normal(3, 1, 9))]
    p = package(
        [{"indicator_id": "x", "target_value": 60}, {"indicator_id": "y", "target_value": 1}],
        [(i, d, round(v, 3), g) for i, d, v, g in observations],
    )
    assert_same_trend(p)
    assert_same_trend(p, by="partner_id")


def test_the_trend_never_splits_the_observations_into_series(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("called per series")

    monkeypatch.setattr(ind_mod, "_series_points", refuse)
    p = package([{"indicator_id": "x"}], [("x", "2015", 1, "a"), ("x", "2020", 2, "a")])
    # two observations, the baseline, the projection (no target value: no target row)
    assert indicator_trend(p, by="partner_id")["kind"].tolist() == [
        "observation",
        "observation",
        "baseline",
        "projection",
    ]


# --- Statistics Canada's published series ------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.skipif(not CANADA.is_dir(), reason=f"real public data not found at {CANADA}")
def test_statistics_canadas_series_give_the_per_series_frame():
    from partner_analytics.importers.open_sdg import read_open_sdg

    ids = ["17-2-1", "14-4-1", "7-3-1", "3-1-2", "6-4-2", "16-6-1", "9-c-1", "1-3-1", "9-1-2",
           "8-8-1"]  # fmt: skip
    p = read_open_sdg(
        [CANADA / "data" / f"indicator_{i}.csv" for i in ids],
        [CANADA / "indicator-config" / f"{i}.yml" for i in ids],
    )
    dims = [
        c for c in p.table("observations").columns if c not in ("indicator_id", "date", "value")
    ]
    assert dims  # the published series are disaggregated
    assert_same_trend(p)
    assert_same_trend(p, as_of="2018")
    for by in dims:
        assert_same_trend(p, by=by)
