"""1-WL colour refinement on graphs whose stable colours are known by hand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from kg.symmetry.wl import canonical_labels, wl_colors, wl_refine


def _reference_wl(n: int, edges: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """Plain-Python 1-WL with exact multisets (the slow definition)."""
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        if u != v:
            nbrs[u].append(v)
            nbrs[v].append(u)
    nbrs = [sorted(set(x)) for x in nbrs]
    colors = list(canonical_labels(initial))
    while True:
        sig = [(colors[i], tuple(sorted(colors[j] for j in nbrs[i]))) for i in range(n)]
        table: dict = {}
        new = [table.setdefault(s, len(table)) for s in sig]
        if len(set(new)) == len(set(colors)):
            return canonical_labels(np.array(new))
        colors = new


def test_star_leaves_share_a_colour() -> None:
    star = np.array([[0, 1], [0, 2], [0, 3], [0, 4]])
    assert wl_refine(5, star).tolist() == [0, 1, 1, 1, 1]
    # types as initial colours: a leaf of another type is told apart
    assert wl_refine(5, star, initial=np.array([0, 1, 1, 1, 2])).tolist() == [0, 1, 1, 1, 2]


def test_path_ends_are_symmetric() -> None:
    path = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    assert wl_refine(5, path).tolist() == [0, 1, 2, 1, 0]


def test_regular_graphs_are_one_class() -> None:
    # a 6-cycle and two triangles: 1-WL cannot tell them (or any of their nodes) apart
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 0], [6, 7], [7, 8], [8, 6]])
    assert set(wl_refine(9, edges).tolist()) == {0}


def test_isolated_nodes_and_empty_graph() -> None:
    assert wl_refine(3, np.zeros((0, 2), dtype=int)).tolist() == [0, 0, 0]
    assert wl_refine(0, np.zeros((0, 2), dtype=int)).tolist() == []


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_definition_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    g = nx.gnm_random_graph(n, 80, seed=seed)
    edges = np.array(list(g.edges()))
    initial = rng.integers(0, 3, n)
    expected = _reference_wl(n, edges, initial)
    assert wl_refine(n, edges, initial).tolist() == expected.tolist()
    # the hash seed does not change the partition
    assert wl_refine(n, edges, initial, seed=99).tolist() == expected.tolist()


def test_wl_colors_on_a_typed_networkx_graph() -> None:
    g = nx.MultiDiGraph()
    for nid, t in [("method:m", "method"), ("paper:a", "paper"), ("paper:b", "paper"), ("topic:t", "topic")]:
        g.add_node(nid, type=t)
    g.add_edge("paper:a", "method:m", key="part_of", relation="part_of")
    g.add_edge("paper:b", "method:m", key="part_of", relation="part_of")
    g.add_edge("method:m", "topic:t", key="part_of", relation="part_of")
    typed = wl_colors(g)
    assert typed["paper:a"] == typed["paper:b"]
    assert len({typed["method:m"], typed["topic:t"], typed["paper:a"]}) == 3


def test_cora_and_citeseer_colour_counts(planetoid_dir) -> None:
    from torch_geometric.io import read_planetoid_data

    data = read_planetoid_data(str(planetoid_dir), "CiteSeer")
    colors = wl_refine(data.num_nodes, data.edge_index.t().numpy())
    assert int(colors.max()) + 1 == 2090
