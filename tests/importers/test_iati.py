"""IATI results import: result/indicator -> indicators, actuals and period targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from partner_analytics import load_partnership
from partner_analytics.analysis.indicators import indicator_progress, indicator_trend
from partner_analytics.importers.iati import import_iati, parse_number, read_iati

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
IATI = REALDATA / "iati"
needs_realdata = pytest.mark.skipif(
    not IATI.is_dir(), reason=f"real public data not found at {IATI} (see SOURCES.md)"
)

XML = """<?xml version="1.0"?>
<iati-activities version="2.03">
 <iati-activity>
  <iati-identifier>XM-1-A</iati-identifier>
  <reporting-org ref="XM-1" type="21"><narrative xml:lang="fr">ONG</narrative><narrative xml:lang="en">An NGO</narrative></reporting-org>
  <title><narrative>Clean water</narrative></title>
  <result type="2">
   <title><narrative>Water</narrative></title>
   <indicator measure="1" ascending="0">
    <title><narrative>Households without water</narrative></title>
    <reference vocabulary="1" code="3429"/>
    <reference vocabulary="99" code="B1" indicator-uri="http://example.com/i"/>
    <baseline year="2019" iso-date="2019-01-01" value="1,200"/>
    <period><period-start iso-date="2019-01-01"/><period-end iso-date="2019-12-31"/>
     <target value="1,000"/><actual value="1,100"/></period>
    <period><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
     <target value="800"/><actual value="700"/></period>
   </indicator>
   <indicator measure="5">
    <title><narrative>Policy adopted</narrative></title>
    <baseline year="2019" value="No policy"/>
    <period><period-start iso-date="2019-01-01"/><period-end iso-date="2020-12-31"/>
     <target value="Policy adopted"/><actual value="As at Appraisal"/></period>
   </indicator>
  </result>
 </iati-activity>
 <iati-activity>
  <iati-identifier>XM-1-B</iati-identifier>
  <reporting-org ref="XM-1" type="21"><narrative>An NGO</narrative></reporting-org>
  <result type="1">
   <indicator measure="3">
    <title><narrative>Funds raised</narrative></title>
    <baseline year="2019" value="0"/>
    <period><period-start iso-date="2019-04-01"/><period-end iso-date="2020-03-31"/>
     <target value="£3,500,000"/><actual value="£4,721,182"/></period>
    <period><period-start iso-date="2020-04-01"/><period-end iso-date="2021-03-31"/>
     <target value="£5,600,000"/>
     <actual value="10">
      <dimension name="sex" value="female"/>
     </actual>
     <actual value="12">
      <dimension name="sex" value="male"/>
     </actual>
    </period>
   </indicator>
  </result>
 </iati-activity>
</iati-activities>
"""


@pytest.fixture
def xml(tmp_path) -> Path:
    path = tmp_path / "activity.xml"
    path.write_text(XML, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£3,500,000", (3500000.0, "£")),
        ("12.00", (12.0, None)),
        ("8.5 %", (8.5, None)),
        ("-3", (-3.0, None)),
        ("USD 1,250.5", (1250.5, "USD")),
        ("As at Appraisal", (None, None)),
        ("$0 savings in compliance costs", (None, None)),
        ("25% verifiable achievement", (None, None)),
    ],
)
def test_numbers_written_as_text_are_read_and_sentences_are_not(text, expected):
    assert parse_number(text) == expected


def test_every_indicator_of_every_activity_becomes_one_package_indicator(xml):
    p = read_iati(xml)
    ind = p.indicators.set_index("indicator_id")
    assert list(ind.index) == ["XM-1-A:1.1", "XM-1-A:1.2", "XM-1-B:1.1"]
    water = ind.loc["XM-1-A:1.1"]
    assert water["name"] == "Households without water"
    assert (water["unit"], water["direction"]) == ("unit", "decrease")  # ascending="0"
    assert (water["baseline_value"], water["baseline_date"]) == (1200.0, "2019-01-01")
    # the final target is the target of the period that ends last
    assert (water["target_value"], water["target_date"]) == (800.0, "2020-12-31")
    assert water["references"] == "1:3429; 99:B1 (http://example.com/i)"
    assert (water["activity_id"], water["result_type"], water["result_title"]) == (
        "XM-1-A", "outcome", "Water",
    )  # fmt: skip
    assert ind.loc["XM-1-B:1.1", "unit"] == "nominal (£)"
    assert ind.loc["XM-1-A:1.2", "unit"] == "qualitative"


def test_actuals_are_observations_at_period_end_and_targets_are_marked(xml):
    p = read_iati(xml)
    obs = p.observations
    water = obs[obs["indicator_id"] == "XM-1-A:1.1"]
    actual = water[water["value_type"].isna()]
    assert actual[["date", "value"]].values.tolist() == [
        ["2019-12-31", 1100.0],
        ["2020-12-31", 700.0],
    ]
    target = water[water["value_type"] == "target"]
    assert target["value"].tolist() == [1000.0, 800.0]


def test_values_that_are_not_numbers_are_warnings_with_line_and_text(xml):
    p = read_iati(xml)
    w = p.problems[p.problems["severity"] == "warning"]
    policy = w[w["message"].str.startswith("XM-1-A:1.2")]
    assert policy["value"].tolist() == ["No policy", "Policy adopted", "As at Appraisal"]
    assert policy["column"].tolist() == ["baseline_value", "value", "value"]
    assert policy["message"].iloc[2] == (
        "XM-1-A:1.2: actual for the period ending 2020-12-31 value 'As at Appraisal' "
        "is not a number and was not used"
    )
    assert policy["row"].notna().all()  # the XML line
    assert policy["file"].iloc[0].endswith("activity.xml")
    assert indicator_progress(p).set_index("indicator_id").loc["XM-1-A:1.2", "status"] == (
        "not_available"
    )


def test_the_reporting_org_is_one_partner_with_its_sector_from_its_type(xml):
    p = read_iati(xml)
    assert p.partners[["partner_id", "name", "sector"]].values.tolist() == [
        ["XM-1", "An NGO", "civil_society"]
    ]
    assert set(p.indicators["owner_partner_id"]) == {"XM-1"}


def test_dimensions_that_vary_become_disaggregation_columns(xml):
    p = read_iati(xml)
    obs = p.observations
    funds = obs[(obs["indicator_id"] == "XM-1-B:1.1") & obs["value_type"].isna()]
    assert funds["dim_sex"].tolist()[1:] == ["female", "male"]
    headline = funds[funds["dim_sex"].isna()]
    assert headline["value"].tolist() == [4721182.0]
    by_sex = indicator_progress(p, by="dim_sex")
    assert by_sex["dim_sex"].tolist() == ["female", "male"]


def test_the_trend_shows_period_targets_next_to_actuals(xml):
    t = indicator_trend(read_iati(xml), "XM-1-A:1.1")
    assert t.loc[t["kind"] == "period_target", "value"].tolist() == [1000.0, 800.0]


def test_import_iati_writes_a_package_and_keeps_the_warnings_beside_it(xml, tmp_path):
    out = import_iati(xml, tmp_path / "pkg")
    q = load_partnership(out)
    assert len(q.indicators) == 3
    assert (out / "_import_problems.csv").is_file()
    assert "As at Appraisal" in (out / "_import_problems.csv").read_text(encoding="utf-8")


# --- real publisher files ------------------------------------------------------------


@pytest.mark.realdata
@needs_realdata
def test_gdihub_gives_12_indicators_and_34_periods_of_target_and_actual():
    p = read_iati(IATI / "gdihub-activity.xml")
    assert len(p.indicators) == 12
    obs = p.observations
    assert (obs["value_type"] == "target").sum() == 34
    assert obs["value_type"].isna().sum() == 34
    assert p.partners["partner_id"].tolist() == ["GB-COH-11126312"]
    assert p.indicators["activity_id"].nunique() == 4
    # the nominal indicator's £ values are read as numbers
    funds = p.indicators.set_index("indicator_id").loc["GB-COH-11126312-Cluster4:1.4"]
    assert (funds["unit"], funds["target_value"]) == ("nominal (£)", 13000000.0)
    assert len(p.problems) == 0


@pytest.mark.realdata
@needs_realdata
def test_worldbank_qualitative_indicators_are_reported_not_crashed_on():
    p = read_iati(IATI / "worldbank-activity.xml")
    assert len(p.indicators) == 14
    assert p.partners[["partner_id", "sector"]].values.tolist() == [["44000", "funder"]]
    qualitative = p.indicators[p.indicators["unit"] == "qualitative"]
    assert len(qualitative) == 10
    warned = p.problems["message"].str.extract(r"^(\S+):\s", expand=False)
    # every qualitative indicator's baseline, target and actual text is reported
    assert sorted(set(warned)) == sorted(qualitative["indicator_id"])
    assert len(p.problems) == 30
    prog = indicator_progress(p).set_index("indicator_id")
    assert (prog.loc[qualitative["indicator_id"], "status"] == "not_available").all()
    share = prog.loc["44000-P175662:9.1"]
    assert (share["base_value"], share["latest_value"], share["target_value"]) == (8.9, 8.9, 12.0)


@pytest.mark.realdata
@needs_realdata
def test_the_annotated_standard_example_keeps_references_dimensions_and_locations():
    p = read_iati(IATI / "activity-standard-example-annotated.xml")
    ind = p.indicators.iloc[0]
    assert ind["references"] == "1:3429; 7:861; 99:B1 (http://example.com/indicators.html)"
    assert ind["dimensions"] == "age=adult; sex=female"
    assert ind["locations"] == "AF-KAN,KH-PNH"
    assert p.observations["value"].tolist() == [10.0, 11.0]
