"""Automorphism orbits: hand-made graphs, an exact oracle, the seed graph and CiteSeer."""

from __future__ import annotations

import igraph
import networkx as nx
import numpy as np
import pytest

from kg.symmetry.orbits import (
    automorphism_count,
    automorphism_orbits,
    classes,
    orbit_of,
    wl_coarser,
)
from kg.symmetry.wl import wl_refine


def _same_orbit(n: int, edges: np.ndarray, colors: np.ndarray, u: int, v: int) -> bool:
    """Oracle: u and v are in one orbit iff individualising u or v gives isomorphic graphs."""
    g = igraph.Graph(n=n, edges=edges.tolist())
    top = int(colors.max()) + 1
    cu, cv = colors.copy(), colors.copy()
    cu[u], cv[v] = top, top
    return bool(g.isomorphic_bliss(g, color1=cu.tolist(), color2=cv.tolist()))


def test_star_leaves_are_automorphic() -> None:
    star = np.array([[0, 1], [0, 2], [0, 3], [0, 4]])
    assert automorphism_orbits(5, star).tolist() == [0, 1, 1, 1, 1]
    assert automorphism_count(5, star) == 24
    types = np.array([0, 1, 1, 1, 2])  # the centre's type differs; one leaf is a venue
    assert automorphism_orbits(5, star, types).tolist() == [0, 1, 1, 1, 2]
    assert automorphism_count(5, star, types) == 6


def test_path_ends_are_symmetric() -> None:
    path = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    assert automorphism_orbits(5, path).tolist() == [0, 1, 2, 1, 0]
    assert automorphism_count(5, path) == 2


def test_labeling_trick_example() -> None:
    # v1 - a - v2 - v3 - b - c: reversing the path maps v2 <-> v3, so they share an orbit,
    # yet the links (v1, v2) (distance 2) and (v1, v3) (distance 3) are different links.
    path6 = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
    orbits = automorphism_orbits(6, path6)
    assert orbits[2] == orbits[3]
    assert [c.tolist() for c in classes(orbits)] == [[0, 5], [1, 4], [2, 3]]


def test_wl_is_strictly_coarser_on_cycle_and_triangles() -> None:
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 0], [6, 7], [7, 8], [8, 6]])
    wl = wl_refine(9, edges)
    orbits = automorphism_orbits(9, edges)
    found = wl_coarser(wl, orbits)
    assert len(found) == 1
    members, parts = found[0]
    assert members.tolist() == list(range(9))
    assert [p.tolist() for p in parts] == [[0, 1, 2, 3, 4, 5], [6, 7, 8]]


@pytest.mark.parametrize("seed", range(6))
def test_orbits_match_the_isomorphism_oracle(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # sparse random graphs with many leaves and twins, like knowledge graphs
    tree = nx.random_labeled_tree(25, seed=seed) if hasattr(nx, "random_labeled_tree") else nx.random_tree(25, seed=seed)
    extra = rng.integers(0, 25, size=(4, 2))
    edges = np.array([*tree.edges(), *[tuple(e) for e in extra if e[0] != e[1]]])
    colors = rng.integers(0, 2, 25)
    orbits = automorphism_orbits(25, edges, colors)
    for u in range(25):
        for v in range(u + 1, 25):
            assert (orbits[u] == orbits[v]) == _same_orbit(25, np.unique(np.sort(edges, 1), axis=0), colors, u, v)


def test_orbits_refine_wl() -> None:
    g = nx.barabasi_albert_graph(300, 1, seed=3)
    edges = np.array(list(g.edges()))
    wl = wl_refine(300, edges)
    orbits = automorphism_orbits(300, edges)
    for members in classes(orbits):
        assert len(set(wl[members].tolist())) == 1


def test_seed_graph_pruning_papers_share_an_orbit(seed_post) -> None:
    from kg.pipeline import build

    kg = build(seed_post)
    orbit = orbit_of(kg)
    a = kg.find("Lottery Ticket Hypothesis")[0].id
    b = kg.find("Rethinking the Value of Network Pruning")[0].id
    assert orbit[a] == orbit[b]
    assert orbit[a] != orbit[kg.find("Pruning from Scratch")[0].id]


def test_citeseer_orbits_are_finer_than_wl(planetoid_dir) -> None:
    from torch_geometric.io import read_planetoid_data

    data = read_planetoid_data(str(planetoid_dir), "CiteSeer")
    edges = data.edge_index.t().numpy()
    wl = wl_refine(data.num_nodes, edges)
    orbits = automorphism_orbits(data.num_nodes, edges)
    assert (int(wl.max()) + 1, int(orbits.max()) + 1) == (2090, 2091)
    assert len(wl_coarser(wl, orbits)) == 1
