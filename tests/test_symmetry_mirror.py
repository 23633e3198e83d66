"""The mirrored graph (kg.symmetry.mirror): where node-level ties are not pair ties."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.learn.pyg import to_link_graph
from kg.learn.split import link_split
from kg.symmetry import analyze_symmetry, orbit_of
from kg.symmetry.mirror import (
    MIRROR_SUFFIX,
    mirror_graph,
    mirror_index,
    mirror_negatives,
    mirror_split,
)


def venues(methods: int = 6, papers: int = 3) -> KnowledgeGraph:
    """Papers under methods; the papers of method ``m`` all appear at venue ``V{m % 3}``.

    Every link lies on a 4-cycle (method - paper - venue - sibling paper), so a held-out end
    stays three hops from the other, inside the 1-hop enclosing subgraph.
    """
    g = nx.MultiDiGraph()

    def node(nid: str, t: str) -> None:
        g.add_node(nid, type=t, label=nid.split(":")[1], aliases=[], sources=[], notes=[])

    for v in range(3):
        node(f"venue:V{v}", "venue")
    for m in range(methods):
        node(f"method:m{m}", "method")
        for p in range(papers):
            node(f"paper:m{m}p{p}", "paper")
            g.add_edge(f"paper:m{m}p{p}", f"method:m{m}", key="part_of", relation="part_of")
            g.add_edge(f"paper:m{m}p{p}", f"venue:V{m % 3}", key="published_at", relation="published_at")
    return KnowledgeGraph(g)


def test_mirror_graph_doubles_and_pairs_every_node_with_its_copy() -> None:
    kg = venues()
    m = mirror_graph(kg)
    g, h = kg.graph, m.graph
    assert h.number_of_nodes() == 2 * g.number_of_nodes()
    assert h.number_of_edges() == 2 * g.number_of_edges()
    assert h.nodes["paper:m0p0" + MIRROR_SUFFIX]["label"] == g.nodes["paper:m0p0"]["label"]
    assert h.nodes["paper:m0p0" + MIRROR_SUFFIX]["mirror"] is True
    assert not h.has_edge("paper:m0p0", "method:m0" + MIRROR_SUFFIX)
    orb = orbit_of(m)
    assert all(orb[n] == orb[n + MIRROR_SUFFIX] for n in g.nodes)


def test_mirror_split_holds_out_the_same_links_in_both_copies() -> None:
    kg = venues()
    lg0, lg = to_link_graph(kg, "type"), to_link_graph(mirror_graph(kg), "type")
    split0 = link_split(lg0.target, lg0.context, lg0.num_nodes, seed=1, node_type=lg0.node_type)
    own, twin = mirror_index(lg0.ids, lg.ids)
    split = mirror_split(split0, own, twin, lg.node_type)
    assert split.num_nodes == lg.num_nodes == 2 * lg0.num_nodes
    assert split.sizes() == {k: 2 * v for k, v in split0.sizes().items()}
    k = split0.test_pos.size(1)
    assert torch.equal(split.test_pos[:, :k], torch.from_numpy(own)[split0.test_pos])
    assert torch.equal(split.test_pos[:, k:], torch.from_numpy(twin)[split0.test_pos])
    mp = {tuple(e) for e in split.test_mp.t().tolist()}
    for u, v in split.test_pos.t().tolist():
        assert (u, v) not in mp and (v, u) not in mp
    # both copies see the same message-passing graph
    half = split.test_mp.size(1) // 2
    ids = np.array(lg.ids)
    first = sorted(map(tuple, ids[split.test_mp[:, :half].t().numpy()].tolist()))
    second = sorted(
        (a.removesuffix(MIRROR_SUFFIX), b.removesuffix(MIRROR_SUFFIX))
        for a, b in ids[split.test_mp[:, half:].t().numpy()].tolist()
    )
    assert first == second


def test_mirror_negatives_swap_one_end_for_its_copy() -> None:
    own, twin = np.array([0, 1, 2]), np.array([3, 4, 5])
    pos = np.array([[0, 1], [1, 2], [3, 4]])  # the last one is second-copy: skipped
    assert mirror_negatives(pos, own, twin).tolist() == [[0, 4], [3, 1], [1, 5], [4, 2]]


@pytest.fixture(scope="module")
def mirrored():
    return analyze_symmetry(
        venues(), mirror=True, epochs=30, hidden=16, labeling={"epochs": 10, "hidden": 16},
        device="cpu", seed=0,
    )


def test_plain_gnn_ties_every_link_with_its_mirror(mirrored) -> None:
    r = mirrored
    assert r.config["table_pairs"] == "mirror" and r.config["mirror"] is True
    assert r.counts["mirror_negatives"] == r.counts["test_positives"] > 0
    assert r.counts["table_pairs"] == 2 * r.counts["test_positives"]
    for row in ("plain_gnn", "ceiling", "ceiling_stable", "text_features"):
        assert r.table[row] == {"accuracy": 0.5, "auc": 0.5}, row
    assert r.embedding_max_within_orbit <= 1e-5
    assert r.checks["plain_gnn_within_ceiling"] is True


def test_labeling_trick_passes_the_ceiling_on_the_mirror_pairs(mirrored) -> None:
    t = mirrored.table
    assert t["labeling_trick"]["accuracy"] >= 0.9
    assert t["labeling_trick"]["auc"] >= 0.9
    assert t["labeling_trick"]["accuracy"] > t["ceiling"]["accuracy"]


def test_cli_mirror_writes_its_own_json(tmp_path) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    venues().save(tmp_path)
    args = ["symmetry", "--out", str(tmp_path), "--mirror", "--epochs", "5", "--lt-epochs", "1", "--device", "cpu"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Mirrored graph: held-out links and their mirror negatives" in result.output
    assert "`kg symmetry --mirror` shows the case" not in result.output
    assert (tmp_path / "symmetry-mirror.json").exists()
    assert not (tmp_path / "symmetry.json").exists() and not (tmp_path / "symmetry.html").exists()
