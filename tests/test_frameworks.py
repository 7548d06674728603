"""Tests of the packaged reference frameworks (partner_analytics.frameworks).

Expected values are transcribed from the sources named in data/frameworks/SOURCES.md.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pandas as pd
import pytest

from partner_analytics import frameworks
from partner_analytics.errors import AnalysisInputError, PartnerAnalyticsError

AREAS = ["economic", "financial", "political", "physical_environmental", "social", "institutional"]
SECTORS = ["public", "private", "civil_society"]
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

LOADERS = {
    "mutuality_factors": ["factor_code", "factor", "weight", "group"],
    "wilder_factors": ["factor_code", "factor", "weight", "group"],
    "sector_competencies": ["sector", "area", "competency"],
    "readiness_checklist": ["element_id", "element", "kind", "description", "source"],
    "example_drivers": ["driver_id", "name", "weight"],
    "example_driver_alignment": ["option_id", "driver_id", "alignment"],
    "stakeholder_groups": ["group_id", "group", "description"],
}


# --- the public module --------------------------------------------------------------


def test_frameworks_module_exports_exactly_the_loaders():
    assert sorted(frameworks.__all__) == sorted(
        [*LOADERS, "attribution", "factor_set", "FACTOR_SETS"]
    )
    for name in frameworks.__all__:
        assert hasattr(frameworks, name)


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_each_loader_returns_its_columns_with_text_as_str_and_weight_as_float(loader):
    frame = getattr(frameworks, loader)()
    assert list(frame.columns) == LOADERS[loader]
    assert len(frame) > 0
    for column in frame.columns:
        if column == "weight":
            assert frame[column].dtype == "float64"
        else:
            assert pd.api.types.is_string_dtype(frame[column].dtype), column
            assert frame[column].dtype == "str", column
        assert frame[column].notna().all(), column
        if column != "weight":
            assert (frame[column].str.strip() != "").all(), column
            assert (frame[column] == frame[column].str.strip()).all(), column


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_each_loader_returns_a_fresh_frame_that_callers_may_change(loader):
    first = getattr(frameworks, loader)()
    first.iloc[0, 0] = "changed"
    first["extra"] = "x"
    second = getattr(frameworks, loader)()
    assert second.iloc[0, 0] != "changed"
    assert "extra" not in second.columns


def test_every_packaged_csv_has_a_loader_and_is_utf8_with_a_header_row():
    folder = files("partner_analytics.data.frameworks")
    csvs = sorted(p.name for p in folder.iterdir() if p.name.endswith(".csv"))
    assert csvs == sorted(f"{name}.csv" for name in LOADERS)
    for name in csvs:
        text = folder.joinpath(name).read_bytes().decode("utf-8")
        assert not text.startswith("\ufeff")
        header = text.splitlines()[0].split(",")
        assert header == LOADERS[name.removesuffix(".csv")]


# --- mutuality factor set ---------------------------------------------------------------


def test_mutuality_factors_are_601_to_616_without_the_600_index():
    f = frameworks.mutuality_factors()
    assert f["factor_code"].tolist() == [str(c) for c in range(601, 617)]
    assert "600" not in set(f["factor_code"])
    assert "Mutuality (Effective Collaboration)" not in set(f["factor"])
    assert set(f["group"]) == {"Mutuality"}


def test_mutuality_weights_are_75_for_606_607_609_612_614_and_100_otherwise():
    f = frameworks.mutuality_factors().set_index("factor_code")["weight"]
    seventy_five = {"606", "607", "609", "612", "614"}
    assert set(f[f == 75.0].index) == seventy_five
    assert set(f[f == 100.0].index) == {str(c) for c in range(601, 617)} - seventy_five
    assert f.sum() == 11 * 100.0 + 5 * 75.0


def test_mutuality_factor_names_are_as_printed_in_figure_2():
    f = frameworks.mutuality_factors().set_index("factor_code")["factor"]
    assert f["601"] == "Joint Governance Structure"
    assert f["604"] == "Operational Leadership"
    assert f["611"] == "Identification of Improvements and Setting of Targets"
    assert f["614"] == "Monitoring of Behaviours and Trust Indicators"
    assert f["616"] == "Joint Relationship Management Plan"
    assert f.is_unique


# --- Wilder factor template ---------------------------------------------------------------


def test_wilder_factors_are_20_in_6_categories_with_equal_weight():
    f = frameworks.wilder_factors()
    assert f["factor_code"].tolist() == [f"W{i:02d}" for i in range(1, 21)]
    assert (f["weight"] == 1.0).all()
    assert f["factor"].is_unique
    counts = f.groupby("group", sort=False).size().to_dict()
    assert counts == {
        "Environment": 3,
        "Membership characteristics": 4,
        "Process and structure": 6,
        "Communication": 2,
        "Purpose": 3,
        "Resources": 2,
    }


def test_wilder_factors_include_known_factor_names_and_no_item_texts():
    f = frameworks.wilder_factors()
    names = set(f["factor"])
    assert {
        "History of collaboration or cooperation in the community",
        "Mutual respect, understanding, and trust",
        "Open and frequent communication",
        "Shared vision",
        "Skilled leadership",
    } <= names
    assert "item_code" not in f.columns and "text" not in f.columns


def test_factor_set_returns_the_named_set():
    pd.testing.assert_frame_equal(
        frameworks.factor_set("mutuality"), frameworks.mutuality_factors()
    )
    pd.testing.assert_frame_equal(frameworks.factor_set(" Wilder "), frameworks.wilder_factors())
    assert frameworks.FACTOR_SETS == ("mutuality", "wilder")


def test_factor_set_rejects_an_unknown_name_with_the_valid_names():
    with pytest.raises(AnalysisInputError) as info:
        frameworks.factor_set("bs11000")
    assert str(info.value) == "unknown factor set 'bs11000'; expected one of: mutuality, wilder"
    assert isinstance(info.value, PartnerAnalyticsError)
    assert isinstance(info.value, ValueError)


# --- sector competencies (Box 6.25) ----------------------------------------------------------


def test_sector_competencies_use_only_the_contract_sectors_and_areas():
    c = frameworks.sector_competencies()
    assert set(c["sector"]) == set(SECTORS)
    assert set(c["area"]) == set(AREAS)
    assert not c.duplicated().any()


def test_every_area_has_competencies_for_each_of_the_three_sectors():
    c = frameworks.sector_competencies()
    cells = c.groupby(["sector", "area"]).size()
    for sector in SECTORS:
        for area in AREAS:
            assert cells.get((sector, area), 0) >= 1, (sector, area)


def test_sector_competency_counts_match_the_cells_of_box_6_25():
    c = frameworks.sector_competencies()
    counts = c.groupby(["area", "sector"]).size().unstack()[SECTORS].loc[AREAS]
    expected = pd.DataFrame(
        [[2, 4, 1], [4, 4, 4], [2, 1, 1], [3, 2, 6], [3, 1, 6], [1, 2, 1]],
        index=pd.Index(AREAS, name="area"),
        columns=pd.Index(SECTORS, name="sector"),
    )
    pd.testing.assert_frame_equal(counts, expected, check_dtype=False)
    assert len(c) == 48


def test_sector_competencies_place_known_entries_in_their_cells():
    c = frameworks.sector_competencies()
    cell = {(r.sector, r.area, r.competency) for r in c.itertuples(index=False)}
    assert ("public", "political", "Can lead stakeholder consultation") in cell
    assert ("private", "financial", "Capital mobilisation") in cell
    assert ("private", "economic", "Programme-focused") in cell
    assert ("civil_society", "political", "Able to build trust in poor communities") in cell
    assert ("civil_society", "institutional", "Mobilisation of community organisations") in cell
    assert ("public", "physical_environmental", "Control land tenure arrangements") in cell
    assert ("public", "social", "Control land tenure arrangements") in cell


# --- readiness checklist ---------------------------------------------------------------------

KEY_ELEMENTS = [
    "enabling_environment",
    "early_stakeholder_engagement",
    "high_level_champion",
    "agreed_objectives",
    "monitoring_and_evaluation",
    "resourcing_framework",
    "ethical_framework",
    "management_office",
]
DESIGN_ELEMENTS = [
    "shared_vision",
    "resources",
    "open_communication",
    "common_fact_base",
    "indicators",
    "data_sharing",
    "decision_authority",
    "governance",
    "manager",
    "understanding_of_contributions",
    "follow_through",
    "communicating_progress",
    "sponsors_and_champions",
    "evaluation_purpose",
    "documenting_outcomes",
]


def test_readiness_checklist_has_8_key_elements_and_15_design_elements():
    r = frameworks.readiness_checklist()
    assert r.loc[r["kind"] == "key_element", "element_id"].tolist() == KEY_ELEMENTS
    assert r.loc[r["kind"] == "design_element", "element_id"].tolist() == DESIGN_ELEMENTS
    assert set(r["kind"]) == {"key_element", "design_element"}
    assert len(r) == 23


def test_readiness_element_ids_are_unique_snake_case():
    ids = frameworks.readiness_checklist()["element_id"]
    assert ids.is_unique
    assert all(SNAKE.match(i) for i in ids), [i for i in ids if not SNAKE.match(i)]


def test_readiness_descriptions_are_one_short_sentence_and_sources_name_the_origin():
    r = frameworks.readiness_checklist()
    for d in r["description"]:
        assert len(d) <= 160, d
        assert d.endswith("."), d
        assert d[:-1].count(". ") == 0, d
    assert r.loc[r["kind"] == "key_element", "source"].str.contains("CTO").all()
    design = r.loc[r["kind"] == "design_element", "source"]
    assert design.str.contains("Circular Oslo").all()
    assert design.str.contains("CC BY-NC-SA 4.0").all()


# --- drivers and stakeholder groups --------------------------------------------------------------


def test_example_drivers_have_the_weights_of_figure_3():
    d = frameworks.example_drivers().set_index("driver_id")["weight"]
    assert d.to_dict() == {
        "network_availability": 100.0,
        "affordable_sustainable_services": 100.0,
        "inward_investment": 80.0,
        "value_for_money_assurance": 90.0,
        "service_improvements": 100.0,
        "services_asset_plan": 80.0,
        "environment_protection": 70.0,
        "public_security_safety": 100.0,
    }
    assert d.between(0, 100).all()
    names = frameworks.example_drivers()["name"]
    assert "Services & Asset Plan Aligned with Customer Needs & Political Priorities" in set(names)


def test_example_driver_alignment_gives_one_option_an_h_m_l_per_driver():
    a = frameworks.example_driver_alignment()
    assert set(a["option_id"]) == {"mutuality"}
    assert a["driver_id"].tolist() == frameworks.example_drivers()["driver_id"].tolist()
    assert a.set_index("driver_id")["alignment"].to_dict() == {
        "network_availability": "H",
        "affordable_sustainable_services": "H",
        "inward_investment": "H",
        "value_for_money_assurance": "H",
        "service_improvements": "H",
        "services_asset_plan": "M",
        "environment_protection": "L",
        "public_security_safety": "M",
    }


def test_stakeholder_groups_are_the_eleven_of_schedule_5():
    g = frameworks.stakeholder_groups()
    assert g["group"].tolist() == [
        "Politicians",
        "Other Councils",
        "Districts",
        "Parishes and Town Councils",
        "Neighbouring Authorities",
        "Officers",
        "Partners (Delivery / Value Chain)",
        "Public / Asset & Service Users",
        "Regulators & Other Agencies",
        "Blue Light Services",
        "Special Interest Groups",
    ]
    assert g["group_id"].is_unique
    assert all(SNAKE.match(i) for i in g["group_id"])


# --- attribution -----------------------------------------------------------------------------------


def test_attribution_names_each_file_and_each_source():
    text = frameworks.attribution()
    for name in LOADERS:
        assert f"{name}.csv" in text, name
    for needle in [
        "Sector Relationships Evolution",
        "Strategic Theme #5",
        "Figure 2",
        "Figure 3",
        "Schedule 5",
        "Proving Services",
        "FHRC Members Only",
        "600",
        "Mattessich",
        "Collaboration: What Makes It Work",
        "2nd edition",
        "Amherst H. Wilder Foundation",
        "Box 6.25",
        "Aligning Sectoral Competencies with Municipal Objectives",
        "Plummer",
        "Focusing Partnerships",
        "CTO",
        "Circular Oslo",
        "Intersector",
        "CC BY-NC-SA 4.0",
        "paraphrase",
    ]:
        assert needle in text, needle


def test_attribution_is_the_packaged_sources_file():
    packaged = files("partner_analytics.data.frameworks").joinpath("SOURCES.md")
    assert frameworks.attribution() == packaged.read_text(encoding="utf-8")
