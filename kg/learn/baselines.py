"""Classic link-prediction heuristics, vectorised with ``scipy.sparse``.

These are the baselines ``kg eval`` puts beside the GNN, on the same split. Structural scores
work on the *undirected simple view* of a networkx graph (edge directions, relations, parallel
edges and self-loops dropped), which should hold only the training edges:

* ``common_neighbors``: :math:`|N(u) \\cap N(v)|`
* ``adamic_adar``: :math:`\\sum_{w \\in N(u) \\cap N(v)} 1 / \\log |N(w)|`
* ``resource_allocation``: :math:`\\sum_{w \\in N(u) \\cap N(v)} 1 / |N(w)|`
* ``text_similarity``: cosine of TF-IDF weighted character n-grams of each node's ``label``
  and ``aliases`` (2- and 3-grams, plus single characters outside ASCII so that Chinese
  words of one or two characters still match); offline and language-agnostic.

The structural scores equal networkx's ``common_neighbors``, ``adamic_adar_index`` and
``resource_allocation_index`` but score thousands of pairs, or every candidate of many
queries, with a few sparse products.

Example
-------
>>> import networkx as nx
>>> g = nx.star_graph(3)  # centre 0, leaves 1..3
>>> score_pairs(g, [(1, 2), (0, 1)], "common_neighbors").tolist()
[1.0, 0.0]
>>> round(float(score_pairs(g, [(1, 2)], "adamic_adar")[0]), 4)  # 1 / log(3)
0.9102
>>> score_pairs(g, [(1, 2)], "resource_allocation").round(4).tolist()
[0.3333]
>>> t = nx.Graph()
>>> t.add_node("a", label="Graph Attention Networks")
>>> t.add_node("b", label="graph attention network", aliases=["GAT"])
>>> t.add_node("c", label="剪枝")
>>> s = score_pairs(t, [("a", "b"), ("a", "c")], "text_similarity")
>>> bool(s[0] > 0.5), float(s[1])
(True, 0.0)
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "METHODS",
    "STRUCTURAL_METHODS",
    "HeuristicScorer",
    "score_pairs",
    "score_all",
    "char_ngrams",
]

#: Structural heuristics (depend on the graph's edges only).
STRUCTURAL_METHODS: tuple[str, ...] = ("common_neighbors", "adamic_adar", "resource_allocation")

#: Every method :func:`score_pairs` accepts.
METHODS: tuple[str, ...] = (*STRUCTURAL_METHODS, "text_similarity")

_SPACES = re.compile(r"\s+")


def char_ngrams(text: str, sizes: Sequence[int] = (2, 3)) -> list[str]:
    """Character n-grams of ``text`` after NFKC, case folding and space collapsing.

    The text is padded with one space on each side so that word starts and ends count.
    Characters outside ASCII (Chinese, Japanese...) are also kept as single-character grams.

    >>> char_ngrams("GAT")
    [' g', 'ga', 'at', 't ', ' ga', 'gat', 'at ']
    >>> char_ngrams("剪枝")
    ['剪', '枝', ' 剪', '剪枝', '枝 ', ' 剪枝', '剪枝 ']
    """
    norm = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    if not norm:
        return []
    grams = [ch for ch in norm if ord(ch) > 127 and not ch.isspace()]
    padded = f" {norm} "
    for n in sizes:
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def _node_text(attrs: dict[str, Any], node: Hashable) -> list[str]:
    label = attrs.get("label")
    texts = [str(label) if label is not None else str(node)]
    texts.extend(str(a) for a in attrs.get("aliases") or [])
    return texts


class HeuristicScorer:
    """Precomputed matrices for scoring many pairs of one graph.

    Args:
        graph: a networkx graph (any kind; a :class:`kg.graph.knowledge_graph.KnowledgeGraph`
            passes its ``.graph``). Only its undirected simple view is used: directions, relations, parallel edges and
            self-loops are dropped.
        nodelist: the node order that integer pairs index into and that the columns of
            :meth:`all` follow. Defaults to ``list(graph)``.

    Example:
        >>> import networkx as nx
        >>> s = HeuristicScorer(nx.path_graph(4))  # 0 - 1 - 2 - 3
        >>> s.all([1], "common_neighbors").tolist()  # a node's score with itself is its degree
        [[0.0, 2.0, 0.0, 1.0]]
    """

    def __init__(self, graph: nx.Graph, nodelist: Sequence[Hashable] | None = None) -> None:
        import networkx as nx

        if not isinstance(graph, nx.Graph):
            raise TypeError(f"HeuristicScorer takes a networkx graph, not {type(graph).__name__}")
        self.graph = graph
        self.nodelist: list[Hashable] = list(graph) if nodelist is None else list(nodelist)
        self.index: dict[Hashable, int] = {n: i for i, n in enumerate(self.nodelist)}
        if len(self.index) != len(self.nodelist):
            raise ValueError("nodelist holds a node twice")
        n = len(self.nodelist)
        rows, cols = [], []
        for u, v in graph.edges():
            if u == v:
                continue
            i, j = self.index.get(u), self.index.get(v)
            if i is None or j is None:
                continue
            rows.append(i)
            cols.append(j)
        ones = np.ones(len(rows), dtype=np.float64)
        a = sp.coo_matrix((ones, (rows, cols)), shape=(n, n)).tocsr()
        a = a + a.T
        a.data[:] = 1.0  # simple graph: parallel and reverse edges collapse to one
        a.eliminate_zeros()
        self.adjacency: sp.csr_matrix = a.tocsr()
        self.degree: np.ndarray = np.asarray(self.adjacency.sum(axis=1)).ravel()
        self._weights: dict[str, np.ndarray] = {}
        self._text: sp.csr_matrix | None = None

    # -- per-method neighbour weights ---------------------------------------------------
    def _weight(self, method: str) -> np.ndarray:
        if method not in self._weights:
            deg = self.degree
            with np.errstate(divide="ignore"):
                if method == "common_neighbors":
                    w = np.ones_like(deg)
                elif method == "adamic_adar":
                    w = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2.0)), 0.0)
                elif method == "resource_allocation":
                    w = np.where(deg > 0, 1.0 / np.maximum(deg, 1.0), 0.0)
                else:  # pragma: no cover - guarded by _check
                    raise ValueError(method)
            self._weights[method] = w
        return self._weights[method]

    def text_matrix(self) -> sp.csr_matrix:
        """Row-normalised TF-IDF matrix of character n-grams (one row per node)."""
        if self._text is None:
            vocab: dict[str, int] = {}
            indptr, indices, data = [0], [], []
            attrs = self.graph.nodes
            for node in self.nodelist:
                counts: dict[int, int] = {}
                node_attrs = attrs.get(node, {})
                for text in _node_text(node_attrs, node):
                    for g in char_ngrams(text):
                        j = vocab.setdefault(g, len(vocab))
                        counts[j] = counts.get(j, 0) + 1
                indices.extend(counts)
                data.extend(1.0 + math.log(c) for c in counts.values())
                indptr.append(len(indices))
            n = len(self.nodelist)
            x = sp.csr_matrix(
                (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
                shape=(n, len(vocab)),
            )
            df = np.bincount(x.indices, minlength=len(vocab)).astype(np.float64)
            idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
            x = x @ sp.diags(idf)
            norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            self._text = sp.csr_matrix(sp.diags(1.0 / norms) @ x)
        return self._text

    # -- scoring ------------------------------------------------------------------------
    def _indices(self, nodes: Iterable[Any]) -> np.ndarray:
        """Positions of ``nodes``: an integer ndarray is taken as positions already."""
        if isinstance(nodes, np.ndarray) and np.issubdtype(nodes.dtype, np.integer):
            return nodes.astype(np.int64).ravel()
        nodes = list(nodes)
        try:
            return np.fromiter((self.index[n] for n in nodes), np.int64, count=len(nodes))
        except KeyError as exc:
            raise KeyError(f"node {exc.args[0]!r} is not in the graph") from None

    def pairs(self, pairs: Any, method: str) -> np.ndarray:
        """Scores of ``pairs`` (``(u, v)`` node pairs, or an int array ``[m, 2]`` of indices)."""
        _check(method)
        if isinstance(pairs, np.ndarray) and np.issubdtype(pairs.dtype, np.integer):
            idx = pairs.reshape(-1, 2).astype(np.int64)
            us, vs = idx[:, 0], idx[:, 1]
        else:
            plist = list(pairs)
            if not plist:
                return np.zeros(0, dtype=np.float64)
            us = self._indices([p[0] for p in plist])
            vs = self._indices([p[1] for p in plist])
        if method == "text_similarity":
            x = self.text_matrix()
            left, right = x[us], x[vs]
        else:
            a = self.adjacency
            left, right = a[us] @ sp.diags(self._weight(method)), a[vs]
        return np.asarray(left.multiply(right).sum(axis=1), dtype=np.float64).ravel()

    def all(self, sources: Iterable[Any], method: str) -> np.ndarray:
        """Dense ``[len(sources), n]`` scores of each source against every node of ``nodelist``.

        ``sources`` are nodes, or an integer ndarray of positions in ``nodelist``.
        """
        _check(method)
        src = self._indices(sources)
        if method == "text_similarity":
            x = self.text_matrix()
            out = x[src] @ x.T
        else:
            a = self.adjacency
            out = (a[src] @ sp.diags(self._weight(method))) @ a
        return np.asarray(out.toarray(), dtype=np.float64)


def _check(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown heuristic {method!r}; expected one of {', '.join(METHODS)}")


def score_pairs(
    graph: nx.Graph, pairs: Any, method: str, *, nodelist: Sequence[Hashable] | None = None
) -> np.ndarray:
    """Score node pairs with one heuristic (a float64 array, one score per pair).

    Args:
        graph: a networkx graph holding only the edges the scores may see (training edges).
        pairs: ``(u, v)`` node pairs, or an integer array ``[m, 2]`` of positions in
            ``nodelist``.
        method: one of :data:`METHODS`.
        nodelist: node order for integer pairs (default ``list(graph)``).

    Raises:
        ValueError: unknown ``method``.
        KeyError: a pair names a node that is not in the graph.

    >>> import networkx as nx
    >>> score_pairs(nx.complete_graph(4), [(0, 1)], "common_neighbors").tolist()
    [2.0]
    """
    return HeuristicScorer(graph, nodelist).pairs(pairs, method)


def score_all(
    graph: nx.Graph, sources: Iterable[Any], method: str, *, nodelist: Sequence[Hashable] | None = None
) -> np.ndarray:
    """Scores of each source node against every node (``[len(sources), n]``, ``nodelist`` order).

    >>> import networkx as nx
    >>> score_all(nx.cycle_graph(4), [0], "common_neighbors").tolist()
    [[2.0, 0.0, 2.0, 0.0]]
    """
    return HeuristicScorer(graph, nodelist).all(sources, method)
