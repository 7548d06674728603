"""Readiness (methods.md section 7) and driver alignment (section 8), by hand."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from partner_analytics import MissingTableError, Partnership, frameworks
from partner_analytics.analysis.readiness import (
    driver_alignment,
    driver_alignment_detail,
    readiness,
    readiness_elements,
)

TODAY = datetime.date(2030, 1, 1)
PARTNERS = pd.DataFrame({"partner_id": ["city"], "name": ["City Council"], "sector": ["public"]})


def package(**tables) -> Partnership:
    return Partnership.from_frames(partners=PARTNERS, today=TODAY, **tables)


REVIEWS = pd.DataFrame(
    [
        ("2026-01-15", "shared_vision", "in_place", None),
        ("2026-01-15", "resources", "in_place", None),
        ("2026-01-15", "manager", "partial", "Interim manager only"),
        ("2026-01-15", "data_sharing", "missing", None),
        ("2026-06-30", "shared_vision", "in_place", None),
        ("2026-06-30", "manager", "in_place", None),
    ],
    columns=["review_date", "element_id", "status", "note"],
)


def test_readiness_counts_a_partial_element_as_half():
    r = readiness(package(readiness=REVIEWS))
    first = r.iloc[0]
    # (2 in place + 0.5 * 1 partial) / 4 reviewed * 100 = 62.5
    assert first["score"] == pytest.approx(62.5)
    assert (first["elements"], first["in_place"], first["partial"], first["missing"]) == (
        4,
        2,
        1,
        1,
    )
    assert first["missing_elements"] == "Data sharing"
    assert first["partial_elements"] == "Manager"


def test_elements_left_out_of_a_review_do_not_count_and_are_reported():
    r = readiness(package(readiness=REVIEWS))
    second = r.iloc[1]
    n_checklist = len(frameworks.readiness_checklist())
    # 2 reviewed, both in place: 2 / 2 * 100 = 100
    assert second["score"] == 100.0
    assert second["elements"] == 2 and second["not_reviewed"] == n_checklist - 2
    assert second["missing_elements"] == ""
    assert "Data sharing" in second["not_reviewed_elements"].split("; ")
    assert second["change"] == pytest.approx(37.5)
    assert second["previous_review_date"] == pd.Timestamp("2026-01-15")


def test_missing_elements_are_named_in_checklist_order():
    rows = pd.DataFrame(
        {
            "review_date": "2026-01-15",
            "element_id": ["manager", "shared_vision", "enabling_environment"],
            "status": "missing",
        }
    )
    r = readiness(package(readiness=rows))
    assert r.loc[0, "score"] == 0.0
    assert r.loc[0, "missing_elements"] == (
        "Enabling political and infrastructural environment; Shared vision; Manager"
    )


def test_readiness_elements_give_every_checklist_element_a_status():
    e = readiness_elements(package(readiness=REVIEWS))
    n_checklist = len(frameworks.readiness_checklist())
    assert len(e) == 2 * n_checklist
    first = e[e["review_date"] == pd.Timestamp("2026-01-15")].set_index("element_id")
    assert first.loc["manager", "status"] == "partial" and first.loc["manager", "value"] == 0.5
    assert first.loc["manager", "note"] == "Interim manager only"
    assert first.loc["governance", "status"] == "not_reviewed"
    assert np.isnan(first.loc["governance", "value"])


def test_readiness_without_the_table_names_it():
    with pytest.raises(MissingTableError, match="readiness needs table 'readiness'"):
        readiness(package())


DRIVERS = pd.DataFrame(
    {
        "driver_id": ["d1", "d2", "d3"],
        "name": ["Reliable network", "Low cost", "Safety"],
        "weight": [100, 50, 50],
    }
)
ALIGNMENT = pd.DataFrame(
    {
        "option_id": [
            "joint_venture",
            "joint_venture",
            "joint_venture",
            "outsourcing",
            "outsourcing",
        ],
        "driver_id": ["d1", "d2", "d3", "d1", "d3"],
        "alignment": ["H", "M", "L", "L", "H"],
    }
)


def test_driver_alignment_scores_high_medium_and_low_as_one_half_and_zero():
    a = driver_alignment(package(drivers=DRIVERS, driver_alignment=ALIGNMENT))
    jv = a[a["option_id"] == "joint_venture"].iloc[0]
    # (100 * 1 + 50 * 0.5 + 50 * 0) / (100 + 50 + 50) * 100 = 125 / 200 * 100 = 62.5
    assert jv["score"] == pytest.approx(62.5)
    assert (jv["n_high"], jv["n_medium"], jv["n_low"], jv["n_unrated"]) == (1, 1, 1, 0)
    out = a[a["option_id"] == "outsourcing"].iloc[0]
    # d2 not rated: left out; (100 * 0 + 50 * 1) / (100 + 50) * 100 = 33.33
    assert out["score"] == pytest.approx(100 / 3)
    assert out["n_unrated"] == 1 and out["weight_total"] == 150.0


def test_driver_contributions_add_up_to_the_score():
    p = package(drivers=DRIVERS, driver_alignment=ALIGNMENT)
    d = driver_alignment_detail(p)
    jv = d[d["option_id"] == "joint_venture"]
    # d1: 100 * 1 / 200 * 100 = 50; d2: 50 * 0.5 / 200 * 100 = 12.5; d3: 0
    assert jv["contribution"].tolist() == pytest.approx([50.0, 12.5, 0.0])
    assert jv["contribution"].sum() == pytest.approx(driver_alignment(p).loc[0, "score"])


def test_the_packaged_example_drivers_give_77_78():
    p = package(
        drivers=frameworks.example_drivers(), driver_alignment=frameworks.example_driver_alignment()
    )
    a = driver_alignment(p)
    # H: 100+100+80+90+100 = 470; M: 80+100 = 180; L: 70; (470 + 0.5 * 180) / 720 * 100
    assert a.loc[0, "score"] == pytest.approx(560 / 720 * 100)


def test_driver_alignment_without_drivers_names_the_missing_table():
    with pytest.raises(MissingTableError, match="driver_alignment needs table 'drivers'"):
        driver_alignment(package())
