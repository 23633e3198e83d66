"""Exact automorphism orbits (node types as vertex colours) via igraph's bliss backend.

Two nodes in one orbit are exchanged by a symmetry of the graph that keeps every node's
type: no permutation-invariant model can ever tell them apart. 1-WL colours are always a
coarsening of orbits (an automorphism keeps WL colours); :func:`wl_coarser` lists where the
coarsening is strict, i.e. where a GNN is blinder than the symmetry forces.

The orbits are computed from the generators of the automorphism group
(``igraph.Graph.automorphism_group``, bliss) merged with a union-find; bliss is started from
the stable 1-WL partition's refinement of the types, which is equivalent and faster.

Example
-------
>>> import numpy as np
>>> star = np.array([[0, 1], [0, 2], [0, 3]])
>>> automorphism_orbits(4, star).tolist()
[0, 1, 1, 1]
>>> automorphism_count(4, star)
6
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kg.symmetry.structure import adjacency, simple_edges, structure_of
from kg.symmetry.wl import canonical_labels, wl_refine

__all__ = [
    "automorphism_orbits",
    "automorphism_count",
    "orbit_of",
    "classes",
    "wl_coarser",
]


def _igraph(n: int, edges: np.ndarray):  # noqa: ANN202 - igraph.Graph
    import igraph

    return igraph.Graph(n=n, edges=simple_edges(edges).tolist(), directed=False)


def _start_colors(n: int, edges: np.ndarray, colors: np.ndarray | None) -> list[int]:
    # Automorphisms preserve stable WL colours, so colouring by them changes no orbit and
    # saves bliss the refinement work.
    return wl_refine(n, edges, colors).tolist()


def _twin_reduction(n: int, edges: np.ndarray, colors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Collapse false twins (same colour, same open neighbourhood) to one representative.

    Swapping twins is an automorphism, and every automorphism maps twin classes onto twin
    classes of the same size, so the orbits of the graph are the orbits of the reduced graph
    (representatives coloured by colour and class size) spread over each class. Returns
    ``(twin class per node, representative node per class, reduced edges, reduced colours)``.
    """
    a = adjacency(n, edges)
    key: dict[tuple[int, bytes], int] = {}
    twin = np.empty(n, dtype=np.int64)
    for i in range(n):
        k = (int(colors[i]), a.indices[a.indptr[i] : a.indptr[i + 1]].tobytes())
        twin[i] = key.setdefault(k, len(key))
    reps = np.full(len(key), -1, dtype=np.int64)
    reps[twin[::-1]] = np.arange(n - 1, -1, -1)  # first member of each class
    sizes = np.bincount(twin)
    keep = np.zeros(n, dtype=bool)
    keep[reps] = True
    e = simple_edges(edges)
    e = e[keep[e[:, 0]] & keep[e[:, 1]]]
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[reps] = np.arange(len(reps))
    red_colors = canonical_labels(colors[reps] * (int(sizes.max()) + 1) + sizes)
    return twin, reps, new_index[e], red_colors


def _orbits_from_generators(k: int, generators: list[list[int]]) -> np.ndarray:
    """Connected components of ``i -- g(i)`` over all generators (orbit labels)."""
    if not generators:
        return np.arange(k, dtype=np.int64)
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    perms = np.asarray(generators, dtype=np.int64)
    src = np.tile(np.arange(k, dtype=np.int64), len(perms))
    dst = perms.reshape(-1)
    moved = src != dst
    g = sp.csr_matrix((np.ones(int(moved.sum())), (src[moved], dst[moved])), shape=(k, k))
    return connected_components(g, directed=True, connection="weak")[1].astype(np.int64)


def automorphism_orbits(n: int, edges: np.ndarray, colors: np.ndarray | None = None) -> np.ndarray:
    """Orbit id of every node under the colour-preserving automorphism group.

    Parameters
    ----------
    n : number of nodes.
    edges : ``(m, 2)`` undirected edges (direction, duplicates and self loops ignored).
    colors : optional vertex colour per node (node types); automorphisms keep colours.

    Returns
    -------
    ``int64`` orbit ids numbered by first appearance.

    Notes
    -----
    False twins are collapsed first (see :func:`_twin_reduction`), which removes most of the
    group of a knowledge graph (leaf papers of one method...) before bliss runs.

    Examples
    --------
    >>> path = np.array([[0, 1], [1, 2], [2, 3]])
    >>> automorphism_orbits(4, path).tolist()
    [0, 1, 1, 0]
    >>> automorphism_orbits(4, path, colors=np.array([0, 0, 0, 1])).tolist()
    [0, 1, 2, 3]
    >>> automorphism_orbits(5, np.array([[0, 1], [0, 2], [3, 4]])).tolist()
    [0, 1, 1, 2, 2]
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    edges = simple_edges(edges)
    start = wl_refine(n, edges, colors)
    twin, reps, red_edges, red_colors = _twin_reduction(n, edges, start)
    k = len(reps)
    g = _igraph(k, red_edges)
    generators = g.automorphism_group(sh="fl", color=_start_colors(k, red_edges, red_colors))
    red_orbits = _orbits_from_generators(k, generators)
    return canonical_labels(red_orbits[twin])


def automorphism_count(n: int, edges: np.ndarray, colors: np.ndarray | None = None) -> int:
    """Size of the colour-preserving automorphism group (an exact Python ``int``).

    >>> automorphism_count(3, np.array([[0, 1], [1, 2]]))
    2
    """
    if n == 0:
        return 1
    return int(_igraph(n, edges).count_automorphisms(sh="fl", color=_start_colors(n, edges, colors)))


def orbit_of(graph: Any, *, types: bool = True) -> dict[str, int]:
    """Orbit id of every node of a knowledge graph (or networkx graph), types as colours.

    Nodes with equal ids are interchangeable: a GNN gives them equal embeddings, so as
    candidates for one query they get exactly tied scores.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> for n, t in [("m", "method"), ("p1", "paper"), ("p2", "paper"), ("t", "topic")]:
    ...     g.add_node(n, type=t)
    >>> g.add_edges_from([("p1", "m"), ("p2", "m"), ("t", "m")])
    [0, 0, 0]
    >>> o = orbit_of(g)
    >>> o["p1"] == o["p2"] != o["t"]
    True
    """
    s = structure_of(graph)
    orbits = automorphism_orbits(s.n, s.edges, s.types if types else None)
    return dict(zip(s.nodes, orbits.tolist(), strict=True))


def classes(labels: np.ndarray, *, min_size: int = 2) -> list[np.ndarray]:
    """The node indices of each class with at least ``min_size`` members, largest first.

    Ties in size are ordered by smallest member, so the order is reproducible.

    >>> [c.tolist() for c in classes(np.array([0, 1, 1, 2, 2, 2]))]
    [[3, 4, 5], [1, 2]]
    """
    labels = np.asarray(labels)
    order = np.argsort(labels, kind="stable")
    _, starts, counts = np.unique(labels[order], return_index=True, return_counts=True)
    out = [order[s : s + c] for s, c in zip(starts, counts, strict=True) if c >= min_size]
    out.sort(key=lambda idx: (-len(idx), int(idx.min())))
    return out


def wl_coarser(wl: np.ndarray, orbits: np.ndarray) -> list[tuple[np.ndarray, list[np.ndarray]]]:
    """WL classes that hold more than one orbit: ``[(class members, [orbit members...])]``.

    Each WL class is a union of orbits; these are the classes where 1-WL is strictly
    coarser, i.e. nodes no symmetry exchanges but a GNN still cannot separate.

    >>> wl = np.array([0, 0, 0, 0, 0, 0])      # a 6-cycle and two triangles look alike
    >>> orb = np.array([0, 0, 0, 0, 0, 0])
    >>> wl_coarser(wl, orb)
    []
    >>> [(c.tolist(), [o.tolist() for o in os]) for c, os in wl_coarser(wl, np.array([0, 0, 0, 1, 1, 1]))]
    [([0, 1, 2, 3, 4, 5], [[0, 1, 2], [3, 4, 5]])]
    """
    wl, orbits = np.asarray(wl), np.asarray(orbits)
    out = []
    for members in classes(wl, min_size=2):
        inner = orbits[members]
        if len(np.unique(inner)) > 1:
            parts = [members[inner == o] for o in np.unique(inner)]
            parts.sort(key=lambda p: (-len(p), int(p.min())))
            out.append((members, parts))
    return out
