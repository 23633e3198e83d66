"""1-WL colour refinement to the stable partition, vectorised with NumPy.

Two nodes with the same stable colour cannot be told apart by any message-passing GNN
(1-WL bounds their expressive power), whatever the weights. Initial colours are the node
types (what a GNN with type one-hot features sees) or all equal (structure only).

Each round gives every node the pair (own colour, multiset of neighbour colours); the
multiset is hashed as a sum of independent random 64-bit words per colour (two sums, so a
collision needs two simultaneous 64-bit coincidences), and the triples are renumbered after
one ``np.lexsort``. Refinement stops when a round adds no colour: that partition is stable.

Example
-------
>>> import numpy as np
>>> path = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
>>> wl_refine(5, path).tolist()           # ends, next-to-ends, middle
[0, 1, 2, 1, 0]
>>> star = np.array([[0, 1], [0, 2], [0, 3]])
>>> wl_refine(4, star).tolist()
[0, 1, 1, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kg.symmetry.structure import adjacency, structure_of

__all__ = ["wl_refine", "wl_colors", "gnn_colors", "canonical_labels"]


def canonical_labels(colors: np.ndarray) -> np.ndarray:
    """Renumber ``colors`` 0, 1, 2... in order of first appearance.

    >>> canonical_labels(np.array([7, 3, 7, 9])).tolist()
    [0, 1, 0, 2]
    """
    colors = np.asarray(colors)
    if colors.size == 0:
        return np.zeros(0, dtype=np.int64)
    _, first, inverse = np.unique(colors, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.reshape(-1)]


def _segment_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Per-row sums (wrapping ``uint64``) of CSR-ordered ``values``; empty rows give 0."""
    n = len(indptr) - 1
    out = np.zeros(n, dtype=np.uint64)
    nonempty = indptr[1:] > indptr[:-1]
    if values.size:
        out[nonempty] = np.add.reduceat(values, indptr[:-1][nonempty])
    return out


def wl_refine(
    n: int,
    edges: np.ndarray,
    initial: np.ndarray | None = None,
    *,
    max_iter: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Stable 1-WL colours of an undirected graph.

    Parameters
    ----------
    n : number of nodes.
    edges : ``(m, 2)`` integer array of undirected edges (either direction, duplicates ok).
    initial : optional initial colour per node (e.g. node types); all equal when ``None``.
    max_iter : stop after this many rounds even if not yet stable (default: until stable).
    seed : seed of the random hash words (the result does not depend on it, barring a
        64-bit collision).

    Returns
    -------
    ``int64`` array of colours, numbered by first appearance (so equal inputs give equal
    outputs).

    Examples
    --------
    >>> wl_refine(3, np.array([[0, 1], [1, 2]]), initial=np.array([5, 5, 6])).tolist()
    [0, 1, 2]
    """
    colors = canonical_labels(np.zeros(n, dtype=np.int64) if initial is None else initial)
    if n == 0:
        return colors
    a = adjacency(n, np.asarray(edges, dtype=np.int64).reshape(-1, 2))
    indptr, indices = a.indptr.astype(np.int64), a.indices.astype(np.int64)
    rng = np.random.default_rng(seed)
    k = int(colors.max()) + 1
    rounds = 0
    while max_iter is None or rounds < max_iter:
        rounds += 1
        w1 = rng.integers(1, np.iinfo(np.int64).max, size=k, dtype=np.int64).astype(np.uint64)
        w2 = rng.integers(1, np.iinfo(np.int64).max, size=k, dtype=np.int64).astype(np.uint64)
        neigh = colors[indices]
        h1 = _segment_sums(w1[neigh], indptr)
        h2 = _segment_sums(w2[neigh], indptr)
        order = np.lexsort((h2, h1, colors))
        c, a, b = colors[order], h1[order], h2[order]
        step = np.r_[True, (c[1:] != c[:-1]) | (a[1:] != a[:-1]) | (b[1:] != b[:-1])]
        new = np.empty(n, dtype=np.int64)
        new[order] = np.cumsum(step) - 1
        k_new = int(step.sum())
        if k_new == k:
            break
        colors, k = new, k_new
    return canonical_labels(colors)


def gnn_colors(
    n: int,
    edges: np.ndarray,
    types: np.ndarray | None,
    layers: int,
    *,
    degree: np.ndarray | None = None,
    seed: int = 0,
) -> np.ndarray:
    """The classes an ``layers``-layer message-passing GNN cannot split: ``layers``-round 1-WL.

    A GNN whose input is the node type (one-hot) and, optionally, the node degree computes
    after ``L`` layers a function of the colour that ``L`` rounds of 1-WL give when started
    from (type, degree): layer 0 is a function of the initial colour, and each layer combines
    a node's own value with an aggregate (mean, sum or attention) of its neighbours' values,
    which is a function of the multiset that one WL round hashes. So these colours bound the
    model actually trained, whereas the stable colours (:func:`wl_refine` to convergence)
    bound message-passing GNNs of every depth. They are never finer than the stable ones.

    Parameters
    ----------
    n, edges : the undirected graph the GNN passes messages on.
    types : initial colour per node (``None``: all equal).
    layers : number of message-passing layers (0 gives the initial colours).
    degree : the degree column the model appends to its input (``None``: no such column).

    Examples
    --------
    A path ``0-1-2-3-4-5``: one round without degrees merges the inner nodes 1..4; with the
    degree as input, one layer already tells 1 and 4 from 2 and 3 (the stable partition).

    >>> path = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
    >>> gnn_colors(6, path, None, 1).tolist()
    [0, 1, 1, 1, 1, 0]
    >>> gnn_colors(6, path, None, 1, degree=np.array([1, 2, 2, 2, 2, 1])).tolist()
    [0, 1, 2, 2, 1, 0]
    """
    base = np.zeros(n, dtype=np.int64) if types is None else canonical_labels(types)
    if degree is not None:
        deg = canonical_labels(np.asarray(degree).reshape(-1))
        base = canonical_labels(base * (int(deg.max(initial=0)) + 1) + deg)
    if layers <= 0:
        return base
    return wl_refine(n, edges, base, max_iter=layers, seed=seed)


def wl_colors(graph: Any, *, types: bool = True) -> dict[str, int]:
    """Stable 1-WL colour of every node of a knowledge graph (or networkx graph).

    ``types=True`` starts from node types (what a GNN with type features sees);
    ``types=False`` from one colour (structure only).

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> for n, t in [("m", "method"), ("p1", "paper"), ("p2", "paper"), ("t", "topic")]:
    ...     g.add_node(n, type=t)
    >>> g.add_edges_from([("p1", "m"), ("p2", "m"), ("t", "m")])
    [0, 0, 0]
    >>> c = wl_colors(g)
    >>> c["p1"] == c["p2"] != c["t"]
    True
    >>> c = wl_colors(g, types=False)
    >>> c["p1"] == c["p2"] == c["t"]
    True
    """
    s = structure_of(graph)
    colors = wl_refine(s.n, s.edges, s.types if types else None)
    return dict(zip(s.nodes, colors.tolist(), strict=True))
