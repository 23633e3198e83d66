"""The structure the symmetry analysis works on: node types plus an undirected simple graph.

A message-passing GNN over the knowledge graph sees node types (as features) and who is
linked to whom; it does not see edge direction or multiplicity once the graph is made
undirected. :class:`Structure` is exactly that view, as NumPy arrays, so that colour
refinement, automorphism orbits and subgraph extraction all agree on one graph.

Example
-------
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("topic:a", type="topic"); g.add_node("paper:b", type="paper")
>>> g.add_edge("paper:b", "topic:a", key="part_of", relation="part_of")
'part_of'
>>> s = structure_of(g)
>>> s.nodes, s.type_names, s.edges.tolist()
(['paper:b', 'topic:a'], ('paper', 'topic'), [[0, 1]])
>>> s.types.tolist()
[0, 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["Structure", "structure_of", "simple_edges"]


def simple_edges(edges: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
    """Undirected simple edge list: ``u < v``, no self loops, no duplicates, sorted.

    >>> simple_edges([[1, 0], [0, 1], [2, 2], [1, 2]]).tolist()
    [[0, 1], [1, 2]]
    """
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    e = np.sort(e, axis=1)
    e = e[e[:, 0] != e[:, 1]]
    if len(e) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(e, axis=0)


@dataclass
class Structure:
    """Node ids, integer node types and an undirected simple edge list.

    Attributes:
        nodes: node ids in index order (sorted, so the order is reproducible).
        types: ``int64`` array, the index of each node's type in ``type_names``.
        type_names: the distinct node types, sorted.
        edges: ``(m, 2)`` ``int64`` array of undirected edges with ``u < v``.
        labels: display label per node (the node id when the graph has none).
    """

    nodes: list[str]
    types: np.ndarray
    type_names: tuple[str, ...]
    edges: np.ndarray
    labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.edges = simple_edges(self.edges)
        if not self.labels:
            self.labels = list(self.nodes)
        self._index: dict[str, int] | None = None

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    def index(self) -> dict[str, int]:
        """Node id -> index."""
        if self._index is None:
            self._index = {n: i for i, n in enumerate(self.nodes)}
        return self._index

    def adjacency(self) -> sp.csr_matrix:
        """Symmetric 0/1 adjacency in CSR form (sorted indices)."""
        return adjacency(self.n, self.edges)

    def without(self, pairs: np.ndarray | Iterable[Sequence[int]]) -> Structure:
        """A copy with the undirected edges in ``pairs`` removed (held-out links)."""
        drop = simple_edges(np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2))
        if len(drop) == 0 or len(self.edges) == 0:
            return Structure(self.nodes, self.types, self.type_names, self.edges, self.labels)
        key = self.edges[:, 0] * self.n + self.edges[:, 1]
        keep = ~np.isin(key, drop[:, 0] * self.n + drop[:, 1])
        return Structure(self.nodes, self.types, self.type_names, self.edges[keep], self.labels)


def adjacency(n: int, edges: np.ndarray) -> sp.csr_matrix:
    """Symmetric CSR adjacency of an undirected simple edge list on ``n`` nodes.

    >>> adjacency(3, np.array([[0, 1]])).toarray().tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    rows = np.concatenate([e[:, 0], e[:, 1]])
    cols = np.concatenate([e[:, 1], e[:, 0]])
    a = sp.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    a.sum_duplicates()
    a.data[:] = 1
    a.sort_indices()
    return a


def structure_of(graph: Any) -> Structure:
    """The :class:`Structure` of a :class:`kg.graph.knowledge_graph.KnowledgeGraph` or networkx graph.

    Node types come from the ``type`` attribute (``""`` when missing); edges lose direction,
    relation and multiplicity.
    """
    g: nx.Graph = graph if isinstance(graph, nx.Graph) else graph.graph
    nodes = sorted(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    raw_types = [str(g.nodes[n].get("type", "")) for n in nodes]
    type_names = tuple(sorted(set(raw_types)))
    tindex = {t: i for i, t in enumerate(type_names)}
    types = np.array([tindex[t] for t in raw_types], dtype=np.int64)
    edges = np.array([(index[u], index[v]) for u, v in g.edges()], dtype=np.int64).reshape(-1, 2)
    labels = [str(g.nodes[n].get("label", n)) for n in nodes]
    return Structure(nodes, types, type_names, edges, labels)
