"""Open SDG import: tidy CSV + indicator config -> indicators (one per progress option)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from partner_analytics import load_partnership
from partner_analytics.analysis.indicators import indicator_progress, indicator_scores
from partner_analytics.importers.open_sdg import import_open_sdg, read_open_sdg

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
CANADA = REALDATA / "canada-sdg"
needs_realdata = pytest.mark.skipif(
    not CANADA.is_dir(), reason=f"real public data not found at {CANADA} (see SOURCES.md)"
)


def write(tmp_path: Path, inid: str, csv: str, config: str) -> tuple[Path, Path]:
    data = tmp_path / f"indicator_{inid}.csv"
    data.write_text(csv, encoding="utf-8")
    cfg = tmp_path / f"{inid}.yml"
    cfg.write_text(config, encoding="utf-8")
    return data, cfg


SERIES_CSV = """Year,Series,Units,Sex,GeoCode,Value
2015,Coverage,Percentage (%),,,80
2020,Coverage,Percentage (%),,,90
2015,Coverage,Percentage (%),Female,,78
2020,Coverage,Percentage (%),Female,,91
2016,Reach,Percentage (%),,,50
2021,Reach,Percentage (%),,,60
2016,Speed,Percentage (%),,,10
2021,Speed,Percentage (%),,,9
"""

SERIES_CONFIG = """auto_progress_calculation: true
indicator_number: 9.c.1
graph_titles:
  - series: Coverage
    title: Share of people covered
progress_calculation_options:
- series: Coverage
  direction: positive
  limit: 100
- group:
  - series: Reach
    direction: positive
  - series: Speed
    direction: positive
"""


def test_each_progress_option_becomes_one_indicator_named_as_open_sdg_names_series(tmp_path):
    p = read_open_sdg(*write(tmp_path, "9-c-1", SERIES_CSV, SERIES_CONFIG))
    ind = p.indicators.set_index("indicator_id")
    assert list(ind.index) == ["9-c-1 / Coverage", "9-c-1 / Reach", "9-c-1 / Speed"]
    cov = ind.loc["9-c-1 / Coverage"]
    assert cov["name"] == "Share of people covered"
    assert (cov["unit"], cov["direction"], cov["limit"]) == ("Percentage (%)", "increase", 100.0)
    # defaults: base year 2015, target year 2030, no target
    assert (cov["baseline_date"], cov["target_date"]) == ("2015", "2030")
    assert pd.isna(cov["target_value"]) and pd.isna(cov["baseline_value"])
    assert (cov["parent_id"], cov["pillar"]) == ("9-c-1", "economic")
    # the two members of the group share a group label; the lone series has none
    assert ind.loc["9-c-1 / Reach", "group"] == ind.loc["9-c-1 / Speed", "group"] == "9-c-1 group 2"
    assert pd.isna(cov["group"])


def test_headline_rows_are_the_series_and_disaggregated_rows_are_kept_with_their_column(tmp_path):
    p = read_open_sdg(*write(tmp_path, "9-c-1", SERIES_CSV, SERIES_CONFIG))
    obs = p.observations
    cov = obs[obs["indicator_id"] == "9-c-1 / Coverage"]
    headline = cov[cov["sex"].isna()]
    assert headline[["date", "value"]].values.tolist() == [["2015", 80.0], ["2020", 90.0]]
    assert cov.loc[cov["sex"] == "Female", "value"].tolist() == [78.0, 91.0]
    assert "geocode" not in obs.columns  # GeoCode is not a disaggregation for Open SDG
    by_sex = indicator_progress(p, by="sex")
    assert by_sex["indicator_id"].tolist() == ["9-c-1 / Coverage"]


def test_a_group_is_averaged_before_the_indicator_score(tmp_path):
    p = read_open_sdg(*write(tmp_path, "9-c-1", SERIES_CSV, SERIES_CONFIG))
    scores = indicator_scores(p).iloc[0]
    # Coverage: C = 1 - 0.8^4.44 = 0.628; v = (90/80)^(1/5) - 1 = 0.02383 >= 0.015 C: score 5
    # Reach: v = 1.2^(1/5) - 1 = 0.03714: 5; Speed: v = 0.9^(1/5) - 1 < 0: max(125 v - 2.5, -5)
    speed = max(125 * (0.9**0.2 - 1) - 2.5, -5)
    assert scores["score"] == pytest.approx((5 + (5 + speed) / 2) / 2)
    assert scores["n_units"] == 2


def test_the_progress_column_replaces_value_and_year_ranges_count_as_their_first_year(tmp_path):
    csv = "Year,Progress,Value\n2014-15,101.8,98.2\n2015-16,100.1,99.9\n2023-24,109.7,109.7\n"
    cfg = "auto_progress_calculation: true\nprogress_calculation_options:\n- direction: negative\n  target: 100\n"
    p = read_open_sdg(*write(tmp_path, "16-6-1", csv, cfg))
    obs = p.observations
    assert obs["date"].tolist() == ["2014", "2015", "2023"]
    assert obs["value"].tolist() == [101.8, 100.1, 109.7]
    assert p.indicators["value_source"].tolist() == ["Progress"]
    warnings = p.problems[p.problems["column"] == "Year"]["message"].tolist()
    assert warnings == [
        "year '2014-15' read as 2014", "year '2015-16' read as 2015", "year '2023-24' read as 2023",
    ]  # fmt: skip
    r = indicator_progress(p).iloc[0]
    assert (r["base_date"], r["base_value"]) == ("2015", 100.1)


def test_bom_prefixed_config_keys_are_read_and_a_clean_key_wins(tmp_path):
    csv = "Year,Value\n2015,10\n2020,8\n"
    cfg = (
        '"\\xEF\\xBB\\xBFauto_progress_calculation": true\n'
        '"\\uFEFFprogress_calculation_options":\n- direction: negative\n  target: 5\n'
        "progress_calculation_options:\n- direction: positive\n"
    )
    p = read_open_sdg(*write(tmp_path, "1-1-1", csv, cfg))
    ind = p.indicators.iloc[0]
    assert ind["direction"] == "increase"  # the clean key's option
    assert not (p.problems["column"] == "auto_progress_calculation").any()


def test_a_disaggregation_filter_selects_the_series_and_names_it(tmp_path):
    csv = (
        "Year,Units,Recipient country,Value\n2015,Share,Total,0.27\n2023,Share,Total,0.38\n"
        "2019,Share,LDC,0.09\n2022,Share,LDC,0.1\n"
    )
    cfg = """auto_progress_calculation: true
progress_calculation_options:
- direction: positive
  target: 0.2
  unit: Share
  base_year: 2016
  target_year: 2035
  disaggregation:
  - field: Recipient country
    value: LDC
"""
    p = read_open_sdg(*write(tmp_path, "17-2-1", csv, cfg))
    ind = p.indicators.iloc[0]
    assert ind["indicator_id"] == "17-2-1 / Share / LDC"
    assert (ind["baseline_date"], ind["target_date"], ind["target_value"]) == ("2016", "2035", 0.2)
    assert p.observations["value"].tolist() == [0.09, 0.1]
    assert p.observations["date"].tolist() == ["2019", "2022"]


def test_a_filter_that_matches_nothing_is_reported_and_a_mixed_selection_keeps_no_data(tmp_path):
    csv = "Year,Series,Value\n2015,A,1\n2020,A,2\n2015,B,3\n2020,B,4\n"
    cfg = "auto_progress_calculation: true\nprogress_calculation_options:\n- series: C\n"
    p = read_open_sdg(*write(tmp_path, "2-2-2", csv, cfg))
    messages = p.problems["message"].tolist()
    assert "2-2-2 / C: 'C' not found in column 'Series'; not filtered" in messages
    assert any("several sub-series (Series)" in m for m in messages)
    assert len(p.observations) == 0
    assert indicator_progress(p).iloc[0]["status"] == "not_available"


def test_a_value_that_is_not_a_number_is_reported_not_dropped_silently(tmp_path):
    csv = "Year,Value\n2015,10\n2020,n/a\n2021,12\n"
    cfg = "auto_progress_calculation: true\n"
    p = read_open_sdg(*write(tmp_path, "3-3-3", csv, cfg))
    bad = p.problems[p.problems["column"] == "Value"].iloc[0]
    assert (bad["row"], bad["value"]) == (3, "n/a")
    assert bad["message"] == "3-3-3: value 'n/a' is not a number and was not used"
    assert p.observations["date"].tolist() == ["2015", "2021"]
    # no options: one headline series, Open SDG's defaults (direction negative)
    assert p.indicators["direction"].tolist() == ["decrease"]


def test_progress_off_in_the_config_is_reported(tmp_path):
    p = read_open_sdg(
        *write(tmp_path, "4-4-4", "Year,Value\n2015,1\n", "auto_progress_calculation: false\n")
    )
    assert p.problems["column"].tolist() == ["auto_progress_calculation"]


def test_the_publisher_is_the_one_partner_and_owns_every_indicator(tmp_path):
    p = read_open_sdg(
        *write(tmp_path, "9-c-1", SERIES_CSV, SERIES_CONFIG), publisher="Statistics Canada"
    )
    assert p.partners[["partner_id", "name", "sector"]].values.tolist() == [
        ["open-sdg-publisher", "Statistics Canada", "public"]
    ]
    assert set(p.indicators["owner_partner_id"]) == {"open-sdg-publisher"}


def test_import_open_sdg_writes_a_package_that_loads_back(tmp_path):
    data, cfg = write(tmp_path, "9-c-1", SERIES_CSV, SERIES_CONFIG)
    out = import_open_sdg(data, cfg, tmp_path / "pkg")
    assert (out / "indicators.csv").is_file()
    q = load_partnership(out)
    assert len(q.indicators) == 3
    assert set(q.indicators["parent_id"]) == {"9-c-1"}
    assert indicator_progress(q)["status"].tolist() == (
        indicator_progress(read_open_sdg(data, cfg))["status"].tolist()
    )


@pytest.mark.realdata
@needs_realdata
@pytest.mark.parametrize(
    "inid",
    ["17-2-1", "14-4-1", "7-3-1", "3-1-2", "6-4-2", "16-6-1", "9-c-1", "1-3-1", "9-1-2", "8-8-1"],
)
def test_every_canadian_indicator_imports_one_indicator_per_progress_option(inid):
    import yaml

    cfg = CANADA / "indicator-config" / f"{inid}.yml"
    p = read_open_sdg(CANADA / "data" / f"indicator_{inid}.csv", cfg)
    options = yaml.safe_load(cfg.read_text(encoding="utf-8"))["progress_calculation_options"]
    n = sum(len(o["group"]) if "group" in o else 1 for o in options)
    assert len(p.indicators) == n
    assert set(p.indicators["parent_id"]) == {inid}


# --- configuration shapes (methods.md 6: groups nest, a listing twice counts twice) --------

# Three series, no target, direction positive, base 2015, latest 2020 (5 years):
# A 100 -> 110: v = 1.1^(1/5) - 1 = 0.0192449 >= 0.015: score min(500 v - 5, 5) = 4.622438
# B 100 -> 95:  v = 0.95^(1/5) - 1 = -0.0102062 < 0: score max(125 v - 2.5, -5) = -3.775777
# C 100 -> 101: v = 1.01^(1/5) - 1 = 0.0019920 in [0, 0.005): score 500 v - 2.5 = -1.503976
SHAPES_CSV = """Year,Series,Value
2015,A,100
2020,A,110
2015,B,100
2020,B,95
2015,C,100
2020,C,101
"""
S_A = min(500 * (1.1**0.2 - 1) - 5, 5)
S_B = max(125 * (0.95**0.2 - 1) - 2.5, -5)
S_C = 500 * (1.01**0.2 - 1) - 2.5


def shapes(tmp_path: Path, options: str):
    cfg = "auto_progress_calculation: true\nprogress_calculation_options:\n" + options
    return read_open_sdg(*write(tmp_path, "1-1-1", SHAPES_CSV, cfg))


def test_series_scores_of_the_shapes_fixture_are_the_hand_computed_ones(tmp_path):
    p = shapes(tmp_path, "".join(f"- series: {s}\n  direction: positive\n" for s in "ABC"))
    scores = indicator_progress(p).set_index("indicator_id")["score"]
    assert scores.to_dict() == {"1-1-1 / A": S_A, "1-1-1 / B": S_B, "1-1-1 / C": S_C}
    assert (round(S_A, 6), round(S_B, 6), round(S_C, 6)) == (4.622438, -3.775777, -1.503976)


def test_a_series_listed_twice_inside_a_group_counts_twice(tmp_path):
    p = shapes(
        tmp_path,
        """- group:
  - series: A
    direction: positive
  - series: B
    direction: positive
  - series: B
    direction: positive
""",
    )
    # one series B, listed twice: no duplicate indicator_id, and the group is mean(A, B, B)
    assert p.indicators["indicator_id"].tolist() == ["1-1-1 / A", "1-1-1 / B"]
    assert p.indicators["option_path"].tolist() == ["1.1", "1.2; 1.3"]
    row = indicator_scores(p).iloc[0]
    assert row["score"] == pytest.approx((S_A + S_B + S_B) / 3, rel=1e-15)
    assert round(row["score"], 6) == -0.976372
    assert (row["n_series"], row["n_units"], row["status"]) == (2, 1, "limited_progress")


def test_the_same_option_listed_twice_at_the_top_level_counts_twice(tmp_path):
    option_a = "- series: A\n  direction: positive\n"
    p = shapes(tmp_path, option_a + option_a + "- series: B\n  direction: positive\n")
    assert p.indicators["indicator_id"].tolist() == ["1-1-1 / A", "1-1-1 / B"]
    row = indicator_scores(p).iloc[0]
    # mean(A, A, B) = (4.622438 + 4.622438 - 3.775777) / 3 = 1.823033
    assert row["score"] == pytest.approx((S_A + S_A + S_B) / 3, rel=1e-15)
    assert round(row["score"], 6) == 1.823033
    assert (row["n_units"], row["status"]) == (3, "moderate_progress")


# A, then a group of B and a group of (C, A)
NESTED = """- series: A
  direction: positive
- group:
  - series: B
    direction: positive
  - group:
    - series: C
      direction: positive
    - series: A
      direction: positive
"""


def test_nested_groups_are_averaged_innermost_first(tmp_path):
    p = shapes(tmp_path, NESTED)
    # no inner group becomes an unfiltered series named after the indicator
    assert p.indicators["indicator_id"].tolist() == ["1-1-1 / A", "1-1-1 / B", "1-1-1 / C"]
    assert p.indicators["option_path"].tolist() == ["1; 2.2.2", "2.1", "2.2.1"]
    # inner = mean(C, A) = 1.559231; middle = mean(B, inner) = -1.108273;
    # indicator = mean(A, middle) = 1.757083 (flattened, mean(A, B, C, A) would be 0.991281)
    inner = (S_C + S_A) / 2
    middle = (S_B + inner) / 2
    row = indicator_scores(p).iloc[0]
    assert row["score"] == pytest.approx((S_A + middle) / 2, rel=1e-15)
    assert round(row["score"], 6) == 1.757083
    assert (row["n_units"], row["status"]) == (2, "moderate_progress")


def test_the_same_name_with_other_parameters_is_a_second_series(tmp_path):
    p = shapes(
        tmp_path,
        "- series: A\n  direction: positive\n- series: A\n  direction: negative\n",
    )
    ind = p.indicators.set_index("indicator_id")
    assert list(ind.index) == ["1-1-1 / A", "1-1-1 / A (option 2)"]
    assert ind["direction"].tolist() == ["increase", "decrease"]
    # decrease desired: v = -0.0192449 < 0: max(125 v - 2.5, -5) = -4.905561
    scores = indicator_progress(p).set_index("indicator_id")["score"]
    assert scores["1-1-1 / A (option 2)"] == max(125 * -(1.1**0.2 - 1) - 2.5, -5)


def test_nested_groups_and_listings_survive_writing_and_loading_the_package(tmp_path):
    cfg = "auto_progress_calculation: true\nprogress_calculation_options:\n" + NESTED
    data, config = write(tmp_path, "1-1-1", SHAPES_CSV, cfg)
    out = import_open_sdg(data, config, tmp_path / "pkg")
    q = load_partnership(out)
    assert (
        indicator_scores(q)["score"].tolist()
        == indicator_scores(read_open_sdg(data, config))["score"].tolist()
    )


# --- selection rules of sdg-build 2.4.0 -------------------------------------------------------


def filtered(field: str, value: str, extra: str = "") -> str:
    """A config with one option filtering ``field = value`` (``extra``: more option keys)."""
    return (
        "auto_progress_calculation: true\nprogress_calculation_options:\n"
        f"- disaggregation:\n  - field: {field}\n    value: {value}\n{extra}"
    )


def test_a_disaggregation_filter_whose_value_does_not_occur_is_not_available(tmp_path):
    # Only Ontario rows; the option asks for Yukon. Ignoring the filter (as before) would give
    # Ontario 10 -> 4 against a target of 5, decrease: target_achieved, score 5.
    csv = "Year,Geography,Value\n2015,Ontario,10\n2020,Ontario,4\n"
    cfg = filtered("Geography", "Yukon", "  target: 5\n")
    p = read_open_sdg(*write(tmp_path, "3-3-3", csv, cfg))
    r = indicator_progress(p).iloc[0]
    assert r["indicator_id"] == "3-3-3 / Yukon"
    assert r["status"] == "not_available"
    assert pd.isna(r["base_value"]) and pd.isna(r["score"])
    reason = "the configured disaggregation Geography = Yukon does not occur in the data"
    assert r["reason"] == reason
    assert f"3-3-3 / Yukon: {reason}; the series is not available" in p.problems["message"].tolist()
    assert indicator_scores(p).iloc[0]["status"] == "not_available"


def test_a_filter_on_a_column_the_data_lacks_is_not_available(tmp_path):
    csv = "Year,Value\n2015,10\n2020,4\n"
    cfg = filtered("Sex", "Female")
    r = indicator_progress(read_open_sdg(*write(tmp_path, "3-3-3", csv, cfg))).iloc[0]
    assert r["status"] == "not_available"
    assert r["reason"] == (
        "the configured disaggregation Sex = Female does not occur in the data (no column Sex)"
    )


OTHER_COLUMNS_CSV = """Year,Geography,Sex,Value
2015,,,45
2020,,,47
2015,Ontario,,50
2020,Ontario,,52
2015,Ontario,Female,40
2020,Ontario,Female,70
"""


def test_other_disaggregations_that_still_vary_are_taken_where_they_are_empty(tmp_path):
    cfg = filtered("Geography", "Ontario", "  direction: positive\n")
    p = read_open_sdg(*write(tmp_path, "5-5-5", OTHER_COLUMNS_CSV, cfg))
    r = indicator_progress(p).iloc[0]
    # after Geography = Ontario, Sex still varies ('' and Female): the rows with Sex empty,
    # 50 -> 52: v = 1.04^(1/5) - 1 = 0.00787499 in [0.005, 0.015): 250 v - 1.25 = 0.718747
    assert (r["base_value"], r["latest_value"]) == (50.0, 52.0)
    assert r["status"] == "moderate_progress"
    assert r["score"] == 250 * (1.04**0.2 - 1) - 1.25
    assert round(r["score"], 6) == 0.718747
    assert len(p.problems) == 0


def test_other_disaggregations_that_vary_and_are_never_empty_leave_no_series(tmp_path):
    csv = "Year,Geography,Sex,Value\n2015,Ontario,Male,1\n2020,Ontario,Male,2\n" \
          "2015,Ontario,Female,3\n2020,Ontario,Female,4\n"  # fmt: skip
    cfg = filtered("Geography", "Ontario")
    r = indicator_progress(read_open_sdg(*write(tmp_path, "5-5-5", csv, cfg))).iloc[0]
    assert r["status"] == "not_available"
    assert r["reason"] == (
        "after the configured disaggregation, Sex still vary and no row leaves them empty"
    )


def test_a_constant_other_disaggregation_is_kept(tmp_path):
    # Age is 15+ on every Ontario row: it does not vary, so those rows are the series
    csv = "Year,Geography,Age,Value\n2015,Ontario,15+,100\n2020,Ontario,15+,110\n" \
          "2015,Quebec,15+,7\n"  # fmt: skip
    cfg = filtered("Geography", "Ontario", "  direction: positive\n")
    r = indicator_progress(read_open_sdg(*write(tmp_path, "5-5-5", csv, cfg))).iloc[0]
    assert (r["base_value"], r["latest_value"], r["score"]) == (100.0, 110.0, S_A)
