"""The relationship network (methods.md section 9) on graphs small enough to count by hand."""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
import pandas as pd
import pytest

from partner_analytics import Partnership
from partner_analytics.analysis.network import (
    in_degree_centralization,
    network_edges,
    network_graph,
    network_metrics,
    network_summary,
    relationship_asymmetry,
)
from partner_analytics.errors import AnalysisInputError, MissingTableError

TODAY = dt.date(2030, 1, 1)
IDS = ["A", "B", "C", "D", "E"]


def make(ratings: list[dict]) -> Partnership:
    partners = pd.DataFrame(
        {
            "partner_id": IDS,
            "name": ["Council", "Builder", "Bank", "Tenants' Union", "University"],
            "sector": ["public", "private", "private", "civil_society", "academic"],
        }
    )
    return Partnership.from_frames(
        partners=partners, relationships=pd.DataFrame(ratings), today=TODAY
    )


def rel(i: str, j: str, level, wave: str = "2026", trust=None, value=None) -> dict:
    row = {"wave": wave, "respondent_partner_id": i, "partner_id": j, "level": level}
    for name, items in (("trust", trust), ("value", value)):
        keys = (
            ("trust_openness", "trust_reliability", "trust_mission")
            if name == "trust"
            else ("value_power", "value_resources", "value_involvement")
        )
        for k, v in zip(keys, items or (None, None, None)):
            row[k] = v
    return row


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for k, v in where.items():
        mask &= frame[k] == v
    assert mask.sum() == 1
    return frame[mask].iloc[0]


# ----------------------------------------------------------------- centralization, by hand
def test_in_star_has_centralization_one():
    # n = 5, every leaf points in to A: in-degrees A 4, others 0.
    # sum(max - c) = 0 + 4 * (4 - 0) = 16; (n - 1)^2 = 16; 16 / 16 = 1.0
    g = nx.DiGraph([(leaf, "A") for leaf in "BCDE"])
    assert in_degree_centralization(g) == 1.0


def test_out_star_has_centralization_one_sixteenth():
    # A points out to every leaf: in-degrees A 0, leaves 1. max 1;
    # sum(max - c) = (1 - 0) + 4 * (1 - 1) = 1; / (5 - 1)^2 = 1 / 16 = 0.0625
    g = nx.DiGraph([("A", leaf) for leaf in "BCDE"])
    assert in_degree_centralization(g) == pytest.approx(1 / 16)


def test_ring_and_complete_graph_have_centralization_zero():
    ring = nx.DiGraph([("A", "B"), ("B", "C"), ("C", "D"), ("D", "A")])  # all in-degree 1
    complete = nx.complete_graph(4, create_using=nx.DiGraph)  # all in-degree 3
    assert in_degree_centralization(ring) == 0.0
    assert in_degree_centralization(complete) == 0.0


def test_centralization_of_a_graph_with_one_node_is_undefined():
    g = nx.DiGraph()
    g.add_node("A")
    assert math.isnan(in_degree_centralization(g))


# ----------------------------------------------------------------- summary on packages
def test_star_network_summary():
    # B, C, D, E rate A at coordination (3): 4 edges among 5 nodes
    p = make([rel(x, "A", 3) for x in "BCDE"])
    s = network_summary(p).iloc[0]
    assert (s["nodes"], s["edges"]) == (5, 4)
    assert s["density"] == pytest.approx(4 / (5 * 4))  # 0.2
    assert s["in_degree_centralization"] == 1.0
    assert s["max_in_degree"] == 4 and s["n_respondents"] == 4


def test_ring_network_summary():
    # A -> B -> C -> D -> A at cooperation (2): 4 edges, 4 nodes; density 4 / 12
    p = make([rel("A", "B", 2), rel("B", "C", 2), rel("C", "D", 2), rel("D", "A", 2)])
    s = network_summary(p).iloc[0]
    assert (s["nodes"], s["edges"]) == (4, 4)
    assert s["density"] == pytest.approx(1 / 3)
    assert s["in_degree_centralization"] == 0.0


def test_complete_network_summary():
    # every ordered pair of A, B, C at collaboration (5): 6 edges of 3 * 2 possible
    p = make([rel(i, j, 5) for i in "ABC" for j in "ABC" if i != j])
    s = network_summary(p).iloc[0]
    assert (s["nodes"], s["edges"], s["density"]) == (3, 6, 1.0)
    assert s["in_degree_centralization"] == 0.0


def test_ratings_below_cooperation_keep_the_partner_in_the_network_without_an_edge():
    # A -> B cooperation (edge); A -> C networking (1, no edge); B -> C none (0, no edge).
    # nodes A, B, C; 1 edge of 6 possible
    p = make([rel("A", "B", 2), rel("A", "C", "networking"), rel("B", "C", "none")])
    s = network_summary(p).iloc[0]
    assert (s["nodes"], s["edges"], s["n_dyads"]) == (3, 1, 3)
    assert s["density"] == pytest.approx(1 / 6)
    e = network_edges(p)
    assert e["edge"].tolist() == [True, False, False]


def test_self_ratings_are_left_out():
    p = make([rel("A", "A", 5), rel("A", "B", 3)])
    e = network_edges(p)
    assert list(zip(e["from_partner_id"], e["to_partner_id"])) == [("A", "B")]


def test_summary_is_one_row_per_wave_in_time_order():
    p = make(
        [
            rel("A", "B", 3, wave="2026-H2"),
            rel("A", "B", 3, wave="2026-Q1"),
            rel("B", "A", 3, wave="2026-Q1"),
        ]
    )
    s = network_summary(p)
    assert s["wave"].tolist() == ["2026-Q1", "2026-H2"]
    assert s["edges"].tolist() == [2, 1]
    assert network_summary(p, wave="2026-H2")["wave"].tolist() == ["2026-H2"]


# ----------------------------------------------------------------- per partner
def test_degrees_and_degree_centrality_in_a_star():
    p = make([rel(x, "A", 3) for x in "BCDE"])
    m = network_metrics(p)
    a = row(m, partner_id="A")
    # A: in 4, out 0; degree centrality (4 + 0) / (5 - 1) = 1.0
    assert (a["in_degree"], a["out_degree"]) == (4, 0)
    assert a["degree_centrality"] == 1.0 and a["in_degree_centrality"] == 1.0
    b = row(m, partner_id="B")
    # B: in 0, out 1; (0 + 1) / 4 = 0.25
    assert (b["in_degree"], b["out_degree"], b["degree_centrality"]) == (0, 1, 0.25)
    assert a["name"] == "Council" and a["sector"] == "public"


def test_trust_and_value_received_are_means_of_dyad_means():
    # raters of A:
    #   B: trust 4, 4, 4 -> 4.0; value 2, 3, 4 -> 3.0
    #   C: trust 3, 2, 1 -> 2.0; value 1, 1, 1 -> 1.0
    #   D: trust 4, None, 4 -> incomplete, left out; value 4, 4, 4 -> 4.0
    # trust received = (4 + 2) / 2 = 3.0 -> 75 % of 4; value = (3 + 1 + 4) / 3 = 8/3 -> 66.7 %
    p = make(
        [
            rel("B", "A", 3, trust=(4, 4, 4), value=(2, 3, 4)),
            rel("C", "A", 1, trust=(3, 2, 1), value=(1, 1, 1)),
            rel("D", "A", 4, trust=(4, None, 4), value=(4, 4, 4)),
        ]
    )
    # min_n 2: trust received is the mean of 2 organisations' items (see the next test)
    a = row(network_metrics(p, min_n=2), partner_id="A")
    assert a["trust_received"] == pytest.approx(3.0) and a["trust_received_pct"] == pytest.approx(
        75.0
    )
    assert a["value_received"] == pytest.approx(8 / 3)
    assert a["value_received_pct"] == pytest.approx(100 * 8 / 3 / 4)
    assert (a["n_raters"], a["n_trust"], a["n_value"]) == (3, 2, 3)
    assert not bool(a["suppressed"])
    # the level-1 rating by C counts for trust received but is no edge: in-degree 2
    assert a["in_degree"] == 2
    s = network_summary(p).iloc[0]
    # over dyads: trust (4 + 2) / 2 = 3.0 (2 dyads); value (3 + 1 + 4) / 3
    assert s["mean_trust"] == pytest.approx(3.0) and s["n_trust_dyads"] == 2
    assert s["mean_value"] == pytest.approx(8 / 3)


def test_partners_rated_by_fewer_than_min_n_are_suppressed():
    p = make([rel("B", "A", 3, trust=(4, 4, 4)), rel("C", "A", 3, trust=(4, 4, 4))])
    a = row(network_metrics(p), partner_id="A")
    assert a["n_raters"] == 2 and bool(a["suppressed"])
    assert not bool(row(network_metrics(p, min_n=2), partner_id="A")["suppressed"])


def test_trust_received_from_fewer_than_min_n_organisations_is_suppressed():
    # A is rated by B, C and D, but only B and C give the three trust items: trust received
    # is the mean of 2 organisations' trust
    p = make(
        [
            rel("B", "A", 3, trust=(4, 4, 4), value=(2, 3, 4)),
            rel("C", "A", 1, trust=(3, 2, 1), value=(1, 1, 1)),
            rel("D", "A", 4, trust=(4, None, 4), value=(4, 4, 4)),
        ]
    )
    a = row(network_metrics(p), partner_id="A")
    assert (a["n_raters"], a["n_trust"]) == (3, 2) and bool(a["suppressed"])


def test_a_partner_rated_by_one_organisation_hides_the_next_smallest_beside_the_wave_mean():
    # B is rated by A only (trust 1); C by A, D, E (trust 4 each); D by A, B, C, E (trust 3).
    # Shown beside the wave's mean trust over every pair, (1 + 3 * 4 + 4 * 3) / 8, with its
    # 8 pairs, C and D alone would give B's trust: 25 - 12 - 12 = 1. So C, the smallest
    # partner shown (3 raters), is suppressed too: the pairs not shown come from A, D, E.
    t1, t4, t3 = (1, 1, 1), (4, 4, 4), (3, 3, 3)
    p = make(
        [rel("A", "B", 3, trust=t1)]
        + [rel(x, "C", 3, trust=t4) for x in "ADE"]
        + [rel(x, "D", 3, trust=t3) for x in "ABCE"]
    )
    m = network_metrics(p).set_index("partner_id")
    assert m.loc["B", "suppressed"] and m.loc["C", "suppressed"]
    assert not m.loc["D", "suppressed"]
    s = network_summary(p).iloc[0]
    assert s["mean_trust"] * s["n_trust_dyads"] == pytest.approx(25.0)
    shown = m[~m["suppressed"] & (m["n_trust"] > 0)]
    rest = s["n_trust_dyads"] - shown["n_trust"].sum()
    assert rest == 4  # the pairs to B and C: four organisations' trust together


def test_network_graph_of_one_wave():
    p = make([rel(x, "A", 3) for x in "BC"] + [rel("A", "B", 1)])
    g = network_graph(p, wave="2026")
    assert sorted(g.edges) == [("B", "A"), ("C", "A")]
    assert g.nodes["A"]["name"] == "Council" and g.nodes["A"]["sector"] == "public"
    assert g.edges["B", "A"]["level"] == 3


# ----------------------------------------------------------------- asymmetry
def test_asymmetry_of_pairs_rated_both_ways():
    # A -> B 4, B -> A 1: |4 - 1| = 3, flagged; A -> C 3, C -> A 2: 1, not flagged;
    # A -> D 5 with no rating back: not a pair; B -> C 2, C -> B 4: 2, flagged (>= 2)
    p = make(
        [
            rel("A", "B", 4), rel("B", "A", 1),
            rel("A", "C", 3), rel("C", "A", 2),
            rel("A", "D", 5),
            rel("B", "C", 2), rel("C", "B", 4),
        ]
    )  # fmt: skip
    asym = relationship_asymmetry(p)
    assert len(asym) == 3
    ab = row(asym, partner_id_a="A", partner_id_b="B")
    assert (ab["level_ab"], ab["level_ba"], ab["asymmetry"]) == (4.0, 1.0, 3.0)
    assert bool(ab["flagged"]) and ab["name_a"] == "Council" and ab["name_b"] == "Builder"
    assert not bool(row(asym, partner_id_a="A", partner_id_b="C")["flagged"])
    bc = row(asym, partner_id_a="B", partner_id_b="C")
    assert bc["asymmetry"] == 2.0 and bool(bc["flagged"])
    assert asym["asymmetry"].tolist() == [3.0, 2.0, 1.0]  # largest first


def test_network_needs_relationships():
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A"], "name": ["Council"], "sector": ["public"]})
    )
    with pytest.raises(MissingTableError, match="network_metrics needs table 'relationships'"):
        network_metrics(p)


def test_min_n_below_one_raises():
    p = make([rel("B", "A", 3)])
    with pytest.raises(
        AnalysisInputError, match="min_n must be a whole number of at least 1; got 0"
    ):
        network_metrics(p, min_n=0)
