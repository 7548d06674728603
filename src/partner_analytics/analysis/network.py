"""The relationship network: who works with whom, trust and value received, centralization.

Directed ratings (methods.md, section 9): the respondent organisation i rates partner j on
the Levels of Collaboration scale (0 none .. 5 collaboration) and on three trust and three
value items (1..4). An edge i -> j exists where the level is >= 2 (cooperation or more).
Graphs are built with networkx; Freeman's in-degree centralization, which networkx does not
provide, is implemented here.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from partner_analytics.analysis._common import select_waves
from partner_analytics.analysis.small_cells import complementary_suppression, small_cells
from partner_analytics.data.periods import periods_end

__all__ = [
    "EDGE_LEVEL",
    "TRUST_ITEMS",
    "VALUE_ITEMS",
    "in_degree_centralization",
    "network_edges",
    "network_graph",
    "network_metrics",
    "network_summary",
    "relationship_asymmetry",
]

TRUST_ITEMS = ("trust_openness", "trust_reliability", "trust_mission")
VALUE_ITEMS = ("value_power", "value_resources", "value_involvement")
#: Level from which a rating is an edge (2 = cooperation).
EDGE_LEVEL = 2
#: Maximum of the trust and value items (a great deal).
ITEM_MAX = 4.0
#: Level differences from which an asymmetric pair is flagged for discussion.
ASYMMETRY_FLAG = 2


def in_degree_centralization(graph: nx.DiGraph) -> float:
    """Freeman's in-degree centralization of a directed graph, 0..1.

    Parameters
    ----------
    graph : networkx.DiGraph

    Returns
    -------
    float
        ``sum(max(c) - c_v) / (n - 1) ** 2`` with ``c_v`` the raw in-degree of node v and
        n the number of nodes; NaN with fewer than two nodes.

    Notes
    -----
    ``(n - 1) ** 2`` is the largest possible sum for a directed graph without self-loops:
    a star whose n - 1 edges all point in to the centre (centre in-degree n - 1, every
    other node 0), which therefore scores 1. A graph in which every node has the same
    in-degree (a ring, a complete graph, no edges) scores 0.

    References
    ----------
    .. [1] L. C. Freeman, "Centrality in social networks: conceptual clarification",
       Social Networks 1(3), 215-239, 1978. https://doi.org/10.1016/0378-8733(78)90021-7

    Examples
    --------
    >>> star = nx.DiGraph([(leaf, "hub") for leaf in "abcd"])
    >>> in_degree_centralization(star)  # (4 * (4 - 0) + 0) / 4 ** 2
    1.0
    """
    n = graph.number_of_nodes()
    if n < 2:
        return float("nan")
    degrees = np.array([d for _, d in graph.in_degree()], dtype="float64")
    return float((degrees.max() - degrees).sum() / (n - 1) ** 2)


def _mean_if_complete(frame: pd.DataFrame, items: tuple[str, ...]) -> pd.Series:
    """Row mean of the items where all of them are present, else NaN."""
    values = frame[list(items)]
    return values.mean(axis=1).where(values.notna().all(axis=1))


def network_edges(p, *, wave=None) -> pd.DataFrame:
    """Every rated dyad (i rates j) per wave, with its level, trust and value.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``relationships`` table.
    wave : str or list of str, optional
        The wave(s) to keep; None (default) keeps every wave.

    Returns
    -------
    pandas.DataFrame
        One row per wave and ordered pair (rater i, rated j), self-ratings left out:

        - ``wave``
        - ``from_partner_id``, ``from_name``, ``from_sector``: the rating organisation i
        - ``to_partner_id``, ``to_name``, ``to_sector``: the rated partner j
        - ``level``: 0..5 (none, networking, cooperation, coordination, coalition,
          collaboration)
        - ``edge``: ``level >= 2``
        - ``trust``: mean of the three trust items (1..4), only where all three are given
        - ``value``: mean of the three value items, likewise
        - ``wave_end``
    """
    p.require("relationships", by="network_edges")
    r = select_waves(p.relationships, wave, by="network_edges")
    r = r[r["respondent_partner_id"] != r["partner_id"]]
    out = pd.DataFrame(
        {
            "wave": r["wave"],
            "from_partner_id": r["respondent_partner_id"],
            "to_partner_id": r["partner_id"],
            "level": r["level"],
            "edge": (r["level"] >= EDGE_LEVEL).astype("bool"),
            "trust": _mean_if_complete(r, TRUST_ITEMS),
            "value": _mean_if_complete(r, VALUE_ITEMS),
            "wave_end": r["wave_end"],
        }
    )
    names = p.partners[["partner_id", "name", "sector"]]
    for side in ("from", "to"):
        out = out.merge(
            names.rename(
                columns={
                    "partner_id": f"{side}_partner_id",
                    "name": f"{side}_name",
                    "sector": f"{side}_sector",
                }
            ),
            on=f"{side}_partner_id",
            how="left",
        )
    out = out.sort_values(
        ["wave_end", "wave", "from_partner_id", "to_partner_id"], ignore_index=True
    )
    return out[
        [
            "wave",
            "from_partner_id",
            "from_name",
            "from_sector",
            "to_partner_id",
            "to_name",
            "to_sector",
            "level",
            "edge",
            "trust",
            "value",
            "wave_end",
        ]
    ]


def _graphs(edges: pd.DataFrame) -> dict[str, nx.DiGraph]:
    """One DiGraph per wave: nodes are the partners in the wave's ratings, edges level >= 2."""
    graphs = {}
    for w, g in edges.groupby("wave", observed=True, sort=False):
        graph = nx.DiGraph()
        graph.add_nodes_from(sorted(set(g["from_partner_id"]) | set(g["to_partner_id"])))
        e = g[g["edge"]]
        graph.add_edges_from(
            (a, b, {"level": lv})
            for a, b, lv in zip(e["from_partner_id"], e["to_partner_id"], e["level"])
        )
        graphs[w] = graph
    return graphs


def network_graph(p, *, wave: str) -> nx.DiGraph:
    """The networkx DiGraph of one wave (edges where level >= 2, attribute ``level``).

    Nodes are the partners that rate or are rated in the wave, with attributes ``name``
    and ``sector``.
    """
    edges = network_edges(p, wave=wave)
    graph = _graphs(edges).get(edges["wave"].iloc[0] if len(edges) else wave, nx.DiGraph())
    attrs = p.partners.set_index("partner_id")[["name", "sector"]].to_dict("index")
    nx.set_node_attributes(graph, {n: attrs.get(n, {}) for n in graph.nodes})
    return graph


@small_cells
def network_metrics(p, *, wave=None, min_n: int | None = None) -> pd.DataFrame:
    """Per wave and partner: degrees, degree centrality, trust and value received.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``relationships`` table.
    wave : str or list of str, optional
        The wave(s) to keep; None (default) keeps every wave.
    min_n : int, optional
        (default: ``p.min_n``) Partners rated by fewer than ``min_n`` organisations, or
        given trust (value) items by 1 to ``min_n - 1`` of them, are flagged
        ``suppressed`` (their trust and value received are shown as "n < {min_n}"), and so
        are their complements beside the wave's mean (see Notes).

    Returns
    -------
    pandas.DataFrame
        One row per wave and partner in that wave's network:

        - ``wave``, ``partner_id``, ``name``, ``sector``
        - ``in_degree``: organisations rating the partner at level >= 2
        - ``out_degree``: partners this organisation rates at level >= 2
        - ``degree_centrality``: ``(in_degree + out_degree) / (n - 1)`` (networkx's
          definition for directed graphs: 0..2, 2 for a partner linked both ways with all)
        - ``in_degree_centrality``: ``in_degree / (n - 1)``
        - ``out_degree_centrality``: ``out_degree / (n - 1)``
        - ``n_raters``: organisations that rated the partner (at any level)
        - ``trust_received``: mean over raters i of trust_ij (1..4)
        - ``trust_received_pct``: ``100 * trust_received / 4``
        - ``n_trust``: raters with all three trust items
        - ``value_received``, ``value_received_pct``, ``n_value``: likewise for value
        - ``suppressed``: ``n_raters < min_n``, ``0 < n_trust < min_n`` or
          ``0 < n_value < min_n``, or hidden beside such a partner
        - ``n_nodes``: partners in the wave's network
        - ``wave_end``

    Notes
    -----
    The network of a wave holds every partner that rates or is rated in that wave; a
    rating below cooperation (level 0 or 1) keeps both partners in the network without an
    edge. Trust and value received are averaged over every rating of the partner,
    whatever its level. Self-ratings are left out. With n = 1 centralities are NaN.

    The partners rated in a wave are the parts of the wave's mean trust and value
    (:func:`network_summary`, over every rated pair, with the number of pairs): that mean
    minus the partners shown gives the partners not shown, together. So more partners are
    suppressed (the next-smallest first) until the trust items given to the partners not
    shown come from no organisation or from at least ``min_n`` distinct ones, and the value
    items likewise (:func:`~partner_analytics.analysis.small_cells.complementary_suppression`).
    """
    p.require("relationships", by="network_metrics")
    edges = network_edges(p, wave=wave)
    frames = []
    for w, graph in _graphs(edges).items():
        n = graph.number_of_nodes()
        nodes = sorted(graph.nodes)
        if n > 1:
            dc = nx.degree_centrality(graph)
            ic = nx.in_degree_centrality(graph)
            oc = nx.out_degree_centrality(graph)
        else:
            dc = ic = oc = dict.fromkeys(nodes, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "wave": w,
                    "partner_id": pd.Series(nodes, dtype="str"),
                    "in_degree": [graph.in_degree(v) for v in nodes],
                    "out_degree": [graph.out_degree(v) for v in nodes],
                    "degree_centrality": [dc[v] for v in nodes],
                    "in_degree_centrality": [ic[v] for v in nodes],
                    "out_degree_centrality": [oc[v] for v in nodes],
                    "n_nodes": n,
                }
            )
        )
    cols = [
        "wave",
        "partner_id",
        "name",
        "sector",
        "in_degree",
        "out_degree",
        "degree_centrality",
        "in_degree_centrality",
        "out_degree_centrality",
        "n_raters",
        "trust_received",
        "trust_received_pct",
        "n_trust",
        "value_received",
        "value_received_pct",
        "n_value",
        "suppressed",
        "n_nodes",
        "wave_end",
    ]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    out = pd.concat(frames, ignore_index=True)
    received = (
        edges.groupby(["wave", "to_partner_id"], observed=True)
        .agg(
            n_raters=("from_partner_id", "nunique"),
            trust_received=("trust", "mean"),
            n_trust=("trust", "count"),
            value_received=("value", "mean"),
            n_value=("value", "count"),
        )
        .reset_index()
        .rename(columns={"to_partner_id": "partner_id"})
    )
    out = out.merge(received, on=["wave", "partner_id"], how="left")
    for c in ("n_raters", "n_trust", "n_value", "in_degree", "out_degree", "n_nodes"):
        out[c] = out[c].fillna(0).astype("int64")
    out["trust_received_pct"] = 100 * out["trust_received"] / ITEM_MAX
    out["value_received_pct"] = 100 * out["value_received"] / ITEM_MAX
    out["suppressed"] = _suppressed(out, edges, min_n)
    out["wave_end"] = periods_end(out["wave"])
    out = out.merge(p.partners[["partner_id", "name", "sector"]], on="partner_id", how="left")
    out = out.sort_values(["wave_end", "wave", "partner_id"], ignore_index=True)
    return out[cols]


def _suppressed(out: pd.DataFrame, edges: pd.DataFrame, min_n: int) -> np.ndarray:
    """The partners whose trust and value received are not shown.

    A partner rated by fewer than ``min_n`` organisations, or whose trust (value) received
    is the mean of 1 to ``min_n - 1`` organisations' items, is suppressed. The partners
    rated in a wave are the parts of the wave's mean trust and value (network_summary's,
    over every rated pair): so, by :func:`complementary_suppression`, more partners are
    suppressed until the trust items given to the partners not shown come from no
    organisation or from at least ``min_n`` (distinct organisations: one organisation rates
    several partners), and the value items likewise. Levels are not averaged: degrees and
    edges are counts of ties, shown for every partner.
    """
    small = (
        (out["n_raters"] < min_n)
        | out["n_trust"].between(1, min_n - 1)
        | out["n_value"].between(1, min_n - 1)
    ).to_numpy(dtype=bool)
    keys = list(zip(out["wave"], out["partner_id"], strict=True))

    def raters(mask: pd.Series) -> list[frozenset]:
        e = edges[mask.to_numpy(dtype=bool)]
        who = e.groupby(["wave", "to_partner_id"], observed=True)["from_partner_id"].agg(frozenset)
        return [who.get(k, frozenset()) for k in keys]

    families = [raters(edges["trust"].notna()), raters(edges["value"].notna())]
    return complementary_suppression(
        out["wave"].to_numpy(), out["n_raters"].to_numpy(), small, min_n=min_n,
        units=families, order=out["partner_id"].to_numpy(),
    )  # fmt: skip


def network_summary(p, *, wave=None) -> pd.DataFrame:
    """Per wave: size, density, mean trust and value, and in-degree centralization.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``relationships`` table.
    wave : str or list of str, optional
        The wave(s) to keep; None (default) keeps every wave.

    Returns
    -------
    pandas.DataFrame
        One row per wave, in time order:

        - ``wave``
        - ``nodes``: partners that rate or are rated in the wave
        - ``edges``: ratings at level >= 2
        - ``density``: ``edges / (nodes * (nodes - 1))`` (NaN with fewer than 2 nodes)
        - ``mean_trust``, ``n_trust_dyads``: mean of trust_ij over dyads with all three
          trust items, and the number of such dyads
        - ``mean_value``, ``n_value_dyads``: likewise for value
        - ``n_dyads``: rated pairs (any level)
        - ``n_respondents``: organisations that gave ratings
        - ``max_in_degree``
        - ``in_degree_centralization``: Freeman, ``sum(max - c_v) / (n - 1) ** 2``
        - ``wave_end``

    Notes
    -----
    Density and centralization use the directed graph of the wave (see
    :func:`network_metrics` for its nodes). Mean trust and value are over dyads, not over
    partners, as methods.md section 9 specifies.
    """
    p.require("relationships", by="network_summary")
    edges = network_edges(p, wave=wave)
    rows = []
    for w, graph in _graphs(edges).items():
        e = edges[edges["wave"] == w]
        n = graph.number_of_nodes()
        rows.append(
            {
                "wave": w,
                "nodes": n,
                "edges": graph.number_of_edges(),
                "density": nx.density(graph) if n > 1 else np.nan,
                "mean_trust": e["trust"].mean(),
                "n_trust_dyads": int(e["trust"].count()),
                "mean_value": e["value"].mean(),
                "n_value_dyads": int(e["value"].count()),
                "n_dyads": len(e),
                "n_respondents": int(e["from_partner_id"].nunique()),
                "max_in_degree": max((d for _, d in graph.in_degree()), default=0),
                "in_degree_centralization": in_degree_centralization(graph),
            }
        )
    cols = [
        "wave",
        "nodes",
        "edges",
        "density",
        "mean_trust",
        "n_trust_dyads",
        "mean_value",
        "n_value_dyads",
        "n_dyads",
        "n_respondents",
        "max_in_degree",
        "in_degree_centralization",
        "wave_end",
    ]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    out = pd.DataFrame(rows)
    out["wave"] = out["wave"].astype("str")
    for c in (
        "nodes",
        "edges",
        "n_trust_dyads",
        "n_value_dyads",
        "n_dyads",
        "n_respondents",
        "max_in_degree",
    ):
        out[c] = out[c].astype("int64")
    out["density"] = out["density"].astype("float64")
    out["wave_end"] = periods_end(out["wave"])
    return out.sort_values(["wave_end", "wave"], ignore_index=True)[cols]


def relationship_asymmetry(p, *, wave=None) -> pd.DataFrame:
    """Pairs of partners who rate each other differently.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``relationships`` table.
    wave : str or list of str, optional
        The wave(s) to keep; None (default) keeps every wave.

    Returns
    -------
    pandas.DataFrame
        One row per wave and unordered pair rated both ways, largest asymmetry first
        within a wave:

        - ``wave``
        - ``partner_id_a``, ``name_a``, ``partner_id_b``, ``name_b`` (a < b by id)
        - ``level_ab``: how a rates b; ``level_ba``: how b rates a
        - ``asymmetry``: ``|level_ab - level_ba|``
        - ``flagged``: ``asymmetry >= 2`` (to discuss with both partners)
        - ``wave_end``
    """
    p.require("relationships", by="relationship_asymmetry")
    e = network_edges(p, wave=wave)
    ab = e[e["from_partner_id"] < e["to_partner_id"]]
    ba = e[e["from_partner_id"] > e["to_partner_id"]]
    m = ab.merge(
        ba[["wave", "from_partner_id", "to_partner_id", "level"]],
        left_on=["wave", "from_partner_id", "to_partner_id"],
        right_on=["wave", "to_partner_id", "from_partner_id"],
        suffixes=("_ab", "_ba"),
    )
    out = pd.DataFrame(
        {
            "wave": m["wave"],
            "partner_id_a": m["from_partner_id_ab"],
            "name_a": m["from_name"],
            "partner_id_b": m["to_partner_id_ab"],
            "name_b": m["to_name"],
            "level_ab": m["level_ab"],
            "level_ba": m["level_ba"],
        }
    )
    out["asymmetry"] = (out["level_ab"] - out["level_ba"]).abs()
    out["flagged"] = (out["asymmetry"] >= ASYMMETRY_FLAG).astype("bool")
    out["wave_end"] = periods_end(out["wave"].astype("str"))
    return out.sort_values(
        ["wave_end", "asymmetry", "partner_id_a", "partner_id_b"],
        ascending=[True, False, True, True],
        ignore_index=True,
    )
