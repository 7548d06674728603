"""Statistics Canada's Open SDG indicators: our statuses, progress values and scores.

The ten indicators of ../shared/realdata/canada-sdg (see SOURCES.md there) are read in place
with :func:`read_open_sdg` and measured with :func:`indicator_progress`. The expected numbers
are derived by hand from the published data and configs with the method of sdg-build 2.4
(methods.md section 6): the raw values are typed in from the CSV files, and each expectation
is the formula written out. Because the formulas are the build's operations in the build's
order on the same float64 numbers, the three named series must agree to the last bit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partner_analytics.analysis.indicators import indicator_progress, indicator_scores
from partner_analytics.importers.open_sdg import read_open_sdg

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
CANADA = REALDATA / "canada-sdg"
IDS = ["17-2-1", "14-4-1", "7-3-1", "3-1-2", "6-4-2", "16-6-1", "9-c-1", "1-3-1", "9-1-2", "8-8-1"]

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not CANADA.is_dir(),
        reason=f"real public data not found at {CANADA} (see shared/realdata/SOURCES.md)",
    ),
]


def growth(a, b, ta, tb):
    return ((a / b) ** (1 / (ta - tb))) - 1


@pytest.fixture(scope="module")
def progress():
    p = read_open_sdg(
        [CANADA / "data" / f"indicator_{i}.csv" for i in IDS],
        [CANADA / "indicator-config" / f"{i}.yml" for i in IDS],
    )
    return p, indicator_progress(p).set_index("indicator_id")


def test_9_c_1_hspa_is_scaled_by_its_limit_of_100(progress):
    _, frame = progress
    r = frame.loc["9-c-1 / Evolved High-Speed Packet Access (HSPA+)"]
    # No target, limit 100, positive. Data 2016..2022: base year 2015 has no data, so the
    # base is 2016 = 99.47; latest 2022 = 99.57.
    # C = 1 - (99.47 / 100)^4.44 = 0.0233184 (b <= L)
    c = 1 - (99.47 / 100) ** 4.44
    # v = s * d * growth = 1 * 1 * ((99.57 / 99.47)^(1/6) - 1) = 0.000167485
    v = 1 * 1 * growth(99.57, 99.47, 2022, 2016)
    # thresholds: high 0.015 C = 0.000349776, med 0.005 C = 0.000116592: med <= v < high
    # score = 250 v / C - 1.25 = 0.545626
    assert (r["base_date"], r["base_value"], r["latest_date"], r["latest_value"]) == (
        "2016", 99.47, "2022", 99.57,
    )  # fmt: skip
    assert r["scale_c"] == c
    assert r["progress_value"] == v
    assert r["threshold_med"] == 0.005 * c
    assert r["status"] == "moderate_progress"
    assert r["score"] == 250 * v / c - 1.25
    assert round(r["score"], 6) == 0.545626


def test_16_6_1_base_close_to_target_gives_a_huge_ratio_and_deterioration(progress):
    _, frame = progress
    r = frame.loc["16-6-1"]
    # Negative direction, target 100, on the Progress column (it replaces Value).
    # base 2015 = 100.1 (Progress), latest 2023 = 109.7 (Progress); 109.7 > 100: not achieved
    # cagr = (109.7 / 100.1)^(1/8) - 1 = 0.0115106
    # cagr_target = (100 / 100.1)^(1/15) - 1 = -0.0000666178 (the base is 0.1 from the target)
    # R = s * d * cagr / |cagr_target| = 1 * -1 * 0.0115106 / 0.0000666178 = -172.790587
    cagr = growth(109.7, 100.1, 2023, 2015)
    cagr_t = growth(100, 100.1, 2030, 2015)
    ratio = 1 * -1 * cagr / abs(cagr_t)
    assert (r["base_value"], r["latest_value"]) == (100.1, 109.7)
    assert r["cagr"] == cagr
    assert r["cagr_target"] == cagr_t
    assert r["progress_value"] == ratio
    assert round(r["progress_value"], 6) == -172.790587
    assert r["status"] == "deterioration"
    # max(4.1667 R - 2.5, -5) = max(-722.5, -5)
    assert r["score"] == -5.0


def test_6_4_2_target_achieved_while_the_trend_is_adverse(progress):
    _, frame = progress
    r = frame.loc["6-4-2"]
    # Negative direction, target 25; data 2000..2022, base 2015 = 3.68, latest 2022 = 3.72.
    # 3.72 <= 25: target achieved -> status target_achieved, score 5.
    # The value rose (adverse): R = 1 * -1 * ((3.72/3.68)^(1/7) - 1) / |(25/3.68)^(1/15) - 1|
    #   = -0.00154566 / 0.136254 = -0.0113442
    ratio = 1 * -1 * growth(3.72, 3.68, 2022, 2015) / abs(growth(25, 3.68, 2030, 2015))
    assert (r["base_date"], r["base_value"], r["latest_value"]) == ("2015", 3.68, 3.72)
    assert r["progress_value"] == ratio
    assert round(r["progress_value"], 6) == -0.011344
    assert r["target_achieved"]
    assert r["status"] == "target_achieved"
    assert r["score"] == 5.0


# Every series: (status, progress value, score), derived by hand with the same formulas.
# t: target; L: limit; years are Open SDG years.
SERIES = {
    # t 0.7, +: R = growth(0.38, 0.27, 2023, 2015) / growth(0.7, 0.27, 2030, 2015)
    "17-2-1 / ODA as a share of GNI (%) / Total":
        ("moderate_progress", growth(0.38, 0.27, 2023, 2015) / growth(0.7, 0.27, 2030, 2015),
         7.1429 * (growth(0.38, 0.27, 2023, 2015) / growth(0.7, 0.27, 2030, 2015)) - 4.2857),
    # t 0.2, +, LDC data start 2019 (base moves to 2019)
    "17-2-1 / ODA as a share of GNI (%) / Least developed countries":
        ("limited_progress", growth(0.1, 0.09, 2022, 2019) / growth(0.2, 0.09, 2030, 2019),
         4.1667 * (growth(0.1, 0.09, 2022, 2019) / growth(0.2, 0.09, 2030, 2019)) - 2.5),
    # t 100, +, base 2015 although data start 2011
    "14-4-1":
        ("moderate_progress",
         growth(97.4874371859297, 95.5974842767296, 2023, 2015)
         / growth(100, 95.5974842767296, 2030, 2015),
         7.1429 * (growth(97.4874371859297, 95.5974842767296, 2023, 2015)
                   / growth(100, 95.5974842767296, 2030, 2015)) - 4.2857),
    # t 1.99, -, headline = Geography empty
    "7-3-1":
        ("limited_progress", -growth(3.46, 3.98, 2024, 2015) / abs(growth(1.99, 3.98, 2030, 2015)),
         4.1667 * (-growth(3.46, 3.98, 2024, 2015) / abs(growth(1.99, 3.98, 2030, 2015))) - 2.5),
    # t 100, +, 97.8 -> 97.5
    "3-1-2":
        ("deterioration", growth(97.5, 97.8, 2024, 2015) / growth(100, 97.8, 2030, 2015),
         4.1667 * (growth(97.5, 97.8, 2024, 2015) / growth(100, 97.8, 2030, 2015)) - 2.5),
    "6-4-2":
        ("target_achieved", -growth(3.72, 3.68, 2022, 2015) / abs(growth(25, 3.68, 2030, 2015)),
         5.0),
    "16-6-1":
        ("deterioration", -growth(109.7, 100.1, 2023, 2015) / abs(growth(100, 100.1, 2030, 2015)),
         -5.0),
    # no target, L 100, +: v vs thresholds x C
    "9-c-1 / Evolved High-Speed Packet Access (HSPA+)":
        ("moderate_progress", growth(99.57, 99.47, 2022, 2016),
         250 * growth(99.57, 99.47, 2022, 2016) / (1 - 0.9947**4.44) - 1.25),
    # v = 0.00154988 >= 0.015 C = 0.000941898: min(500 v / C - 5, 5) = 5
    "9-c-1 / Long-Term Evolution (LTE)":
        ("substantial_progress", growth(99.47, 98.55, 2022, 2016), 5.0),
    "9-c-1 / Long-Term Evolution - A (LTE-A)":
        ("substantial_progress", growth(97.80, 83.35, 2022, 2016), 5.0),
    # 5G data start 2020: base 2020 = 53.27
    "9-c-1 / 5G": ("substantial_progress", growth(91.40, 53.27, 2022, 2020), 5.0),
    # 1-3-1: four series hold one year only -> not available
    "1-3-1 / Proportion of population covered by at least one social protection cash benefit":
        ("not_available", None, None),
    "1-3-1 / Proportion of children covered by social protection benefits":
        ("substantial_progress", growth(93.2, 90, 2021, 2015),
         min(500 * growth(93.2, 90, 2021, 2015) / (1 - 0.9**4.44) - 5, 5)),
    "1-3-1 / Proportion of persons with disabilities receiving benefits":
        ("not_available", None, None),
    "1-3-1 / Proportion of workers covered in case of employment injury":
        ("deterioration", growth(83.42, 85.07, 2022, 2015),
         125 * growth(83.42, 85.07, 2022, 2015) - 2.5),
    # data 2017, 2018, 2021: base 2017
    "1-3-1 / Proportion of older persons receiving a pension":
        ("deterioration", growth(92.7, 93.4, 2021, 2017), 125 * growth(92.7, 93.4, 2021, 2017) - 2.5),
    "1-3-1 / Proportion of vulnerable persons receiving benefits": ("not_available", None, None),
    "1-3-1 / Proportion of poor population receiving social assistance cash benefit":
        ("not_available", None, None),
    # 9-1-2: no target, no limit, +
    "9-1-2 / Air freight volume":
        ("substantial_progress", growth(1578894.4, 1172780.8, 2024, 2015), 5.0),
    "9-1-2 / Air passengers":
        ("substantial_progress", growth(156722185, 133426703, 2024, 2015),
         500 * growth(156722185, 133426703, 2024, 2015) - 5),
    "9-1-2 / Rail freight volume":
        ("moderate_progress", growth(325563272, 304908351, 2023, 2015),
         250 * growth(325563272, 304908351, 2023, 2015) - 1.25),
    "9-1-2 / Rail passengers":
        ("moderate_progress", growth(4187000, 3921000, 2023, 2015),
         250 * growth(4187000, 3921000, 2023, 2015) - 1.25),
    # road freight ends 2018
    "9-1-2 / Road freight volume":
        ("moderate_progress", growth(753715221.437, 729215433.594, 2018, 2015),
         250 * growth(753715221.437, 729215433.594, 2018, 2015) - 1.25),
    # 8-8-1: no target, -, headline = Sex empty; claims rose: v < 0, 125 v - 2.5 < -5
    "8-8-1 / Fatality claims": ("deterioration", -growth(993, 851, 2022, 2015), -5.0),
    "8-8-1 / Lost time claims": ("deterioration", -growth(348747, 232629, 2022, 2015), -5.0),
}  # fmt: skip


def test_every_series_gets_the_hand_derived_status_progress_value_and_score(progress):
    _, frame = progress
    assert sorted(frame.index) == sorted(SERIES)
    for tag, (status, value, score) in SERIES.items():
        r = frame.loc[tag]
        assert r["status"] == status, tag
        if value is None:
            assert r["reason"] == "fewer than one year between base and latest observation", tag
            continue
        assert r["progress_value"] == pytest.approx(value, rel=1e-12), tag
        assert r["score"] == pytest.approx(score, rel=1e-12), tag


# Indicator level: mean of the series (group) scores.
INDICATORS = {
    "17-2-1": ("limited_progress", -0.026614),  # mean(0.468653, -0.521880)
    "14-4-1": ("moderate_progress", 1.536148),
    "7-3-1": ("limited_progress", -1.075684),
    "3-1-2": ("deterioration", -3.458186),
    "6-4-2": ("target_achieved", 5.0),
    "16-6-1": ("deterioration", -5.0),
    # HSPA+ 0.545626; group (LTE 5, LTE-A 5) = 5; 5G 5: mean = 3.515209
    "9-c-1": ("substantial_progress", 3.515209),
    # children 2.815387, workers -2.849268, pensions -2.734869: mean = -0.922917
    "1-3-1": ("limited_progress", -0.922917),
    # mean(5, 4.020540, 0.806714, 0.809618, 1.519006) = 2.431175
    "9-1-2": ("moderate_progress", 2.431175),
    "8-8-1": ("deterioration", -5.0),
}


def test_every_indicator_gets_the_status_of_its_mean_score(progress):
    p, _ = progress
    scores = indicator_scores(p).set_index("parent_id")
    assert sorted(scores.index) == sorted(INDICATORS)
    for inid, (status, score) in INDICATORS.items():
        assert scores.loc[inid, "status"] == status, inid
        assert round(scores.loc[inid, "score"], 6) == score, inid
    # the 4G group counts once
    assert scores.loc["9-c-1", "n_units"] == 3


def test_the_published_configs_need_no_warning_to_be_read(progress):
    p, _ = progress
    assert len(p.problems) == 0
