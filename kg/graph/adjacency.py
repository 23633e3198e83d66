"""A light adjacency index of the graph, read from ``graph.json`` without networkx.

:class:`GraphIndex` is what reasons, related works and ``kg suggest`` walk: node attributes
and an undirected adjacency that remembers each edge's relation and direction, built from
node-link data, a networkx graph or a :class:`kg.graph.knowledge_graph.KnowledgeGraph`, and
saved compactly beside a model so that ``kg suggest`` starts fast.

>>> index = GraphIndex.from_node_link({"nodes": [{"id": "a", "type": "paper"}, {"id": "b"}],
...                                    "links": [{"source": "a", "target": "b", "relation": "cites"}]})
>>> index.neighbors("a"), index.type("b")
({'b': [('cites', True)]}, 'b')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["COMPACT_ATTRS", "GraphIndex"]


#: Node attributes kept by :meth:`GraphIndex.to_compact` (all that reasons and suggestions use).
COMPACT_ATTRS: tuple[str, ...] = ("type", "label", "aliases", "sources", "path")


@dataclass
class GraphIndex:
    """Node attributes and an undirected adjacency that remembers relations and directions.

    Attributes:
        nodes: node id -> attribute dict (``type``, ``label``, ``sources``...).
        adj: node id -> {neighbour id -> list of ``(relation, outgoing)``}; ``outgoing`` is
            True when the edge goes from the node to the neighbour.
        sections: paper id -> {post id -> the ``section`` of the post's ``mentions`` edge}
            (the headings the paper is listed under in that post).
    """

    nodes: dict[str, dict[str, Any]]
    adj: dict[str, dict[str, list[tuple[str, bool]]]] = field(default_factory=dict)
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    # post id -> {section -> papers listed under it}, built on demand from ``sections``
    _filed: dict[str, dict[str, list[str]]] | None = field(default=None, repr=False, compare=False)
    # set by from_compact: (ids, relations, indptr, nbr, code) and id -> position
    _csr: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)
    _pos: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    # neighbour lists in search order (entities before posts, then by id), built on demand
    _search_order: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_node_link(cls, data: Mapping[str, Any]) -> GraphIndex:
        """Index networkx node-link data (the parsed ``graph.json``).

        >>> GraphIndex.from_node_link({"nodes": [{"id": "a"}], "links": []}).nodes
        {'a': {}}
        """
        nodes: dict[str, dict[str, Any]] = {}
        for n in data["nodes"]:
            attrs = dict(n)
            nodes[str(attrs.pop("id"))] = attrs
        links = data.get("links", data.get("edges", []))
        index = cls(nodes, {nid: {} for nid in nodes})
        for e in links:
            index.add_edge(str(e["source"]), str(e["target"]), str(e.get("relation", e.get("key", ""))))
            if e.get("section"):
                index.sections.setdefault(str(e["target"]), {})[str(e["source"])] = str(e["section"])
        return index

    @classmethod
    def from_graph(cls, graph: nx.Graph) -> GraphIndex:
        """Index a networkx graph (for a :class:`kg.graph.knowledge_graph.KnowledgeGraph`
        ``kg``, pass ``kg.graph``; node-link data goes to :meth:`from_node_link`).

        >>> import networkx as nx
        >>> g = nx.MultiDiGraph()
        >>> _ = g.add_edge("a", "b", key="mentions", relation="mentions")
        >>> GraphIndex.from_graph(g).adj["b"]
        {'a': [('mentions', False)]}
        """
        g = graph
        index = cls({str(n): dict(a) for n, a in g.nodes(data=True)}, {str(n): {} for n in g})
        if g.is_multigraph():
            edges: Iterable[tuple[Any, Any, Any, Any]] = (
                (u, v, d.get("relation", k), d) for u, v, k, d in g.edges(keys=True, data=True)
            )
        else:
            edges = ((u, v, d.get("relation", ""), d) for u, v, d in g.edges(data=True))
        for u, v, rel, d in edges:
            index.add_edge(str(u), str(v), str(rel))
            if d.get("section"):
                index.sections.setdefault(str(v), {})[str(u)] = str(d["section"])
        return index

    def to_compact(self) -> dict[str, Any]:
        """A JSON-ready compact form: the attributes reasons need and a CSR adjacency.

        :meth:`from_compact` reads it back; neighbour lists are then expanded only for the
        nodes asked about, so loading a large graph costs little.

        >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "a", "label": "A", "notes": ["x"]},
        ...     {"id": "b"}], "links": [{"source": "a", "target": "b", "relation": "r"}]})
        >>> c = idx.to_compact()
        >>> c["nodes"], c["indptr"], c["nbr"], c["code"]
        ([{'label': 'A'}, {}], [0, 1, 2], [1, 0], [1, 0])
        >>> GraphIndex.from_compact(c).neighbors("b")
        {'a': [('r', False)]}
        """
        ids = list(self.nodes)
        pos = {n: i for i, n in enumerate(ids)}
        rels = sorted({r for nbs in self.adj.values() for lst in nbs.values() for r, _ in lst})
        rcode = {r: i for i, r in enumerate(rels)}
        indptr, nbr, code = [0], [], []
        for n in ids:
            for v, lst in self.neighbors(n).items():
                for r, out in lst:
                    nbr.append(pos[v])
                    code.append(2 * rcode[r] + int(out))
            indptr.append(len(nbr))
        nodes = [{k: a[k] for k in COMPACT_ATTRS if k in a} for a in self.nodes.values()]
        sections = [[pos[p], pos[q], sec] for p, by in self.sections.items() for q, sec in by.items()]
        return {"ids": ids, "nodes": nodes, "relations": rels, "indptr": indptr, "nbr": nbr,
                "code": code, "sections": sections}  # fmt: skip

    @classmethod
    def from_compact(cls, data: Mapping[str, Any]) -> GraphIndex:
        """Read :meth:`to_compact` output (neighbour lists are expanded lazily)."""
        ids = data["ids"]
        index = cls(dict(zip(ids, data["nodes"], strict=True)), {})
        index._csr = (ids, data["relations"], data["indptr"], data["nbr"], data["code"])
        index._pos = {n: i for i, n in enumerate(ids)}
        for p, q, sec in data.get("sections", ()):
            index.sections.setdefault(ids[p], {})[ids[q]] = sec
        return index

    def filed(self, post: str) -> dict[str, list[str]]:
        """``{section: papers}`` of one post: the papers it lists under each heading path.

        >>> idx = GraphIndex.from_node_link({"nodes": [{"id": i} for i in ("p", "a", "b")],
        ...     "links": [{"source": "p", "target": t, "relation": "mentions",
        ...                "section": "Basic models"} for t in "ab"]})
        >>> idx.filed("p"), idx.sections["a"]
        ({'Basic models': ['a', 'b']}, {'p': 'Basic models'})
        """
        if self._filed is None:
            self._filed = {}
            for paper, by in self.sections.items():
                for q, sec in by.items():
                    self._filed.setdefault(q, {}).setdefault(sec, []).append(paper)
        return self._filed.get(post, {})

    def add_edge(self, u: str, v: str, relation: str) -> None:
        """Record the edge ``u -relation-> v`` in both nodes' adjacency (self-loops are skipped)."""
        if u == v:
            return
        if self._csr is not None:
            self.neighbors(u), self.neighbors(v)  # expand before editing
        self._search_order.pop(u, None)
        self._search_order.pop(v, None)
        self.adj.setdefault(u, {}).setdefault(v, []).append((relation, True))
        self.adj.setdefault(v, {}).setdefault(u, []).append((relation, False))

    def neighbors(self, nid: str) -> dict[str, list[tuple[str, bool]]]:
        """Neighbours of ``nid`` in either direction, with the relations to each."""
        got = self.adj.get(nid)
        if got is None:
            if self._csr is None or nid not in self._pos:
                return {}
            ids, rels, indptr, nbr, code = self._csr
            i = self._pos[nid]
            got = {}
            for j in range(indptr[i], indptr[i + 1]):
                c = code[j]
                got.setdefault(ids[nbr[j]], []).append((rels[c >> 1], bool(c & 1)))
            self.adj[nid] = got
        return got

    def search_order(self, nid: str) -> list[str]:
        """Neighbours of ``nid`` in the order paths are searched: entities first, then posts,
        each by id (cached)."""
        got = self._search_order.get(nid)
        if got is None:
            nbs = self.neighbors(nid)
            got = sorted(nbs, key=lambda n: (self.type(n) == "post", n))
            self._search_order[nid] = got
        return got

    def label(self, nid: str) -> str:
        """The node's label (its id when it has none)."""
        return str(self.nodes.get(nid, {}).get("label") or nid)

    def type(self, nid: str) -> str:  # noqa: A003 - mirrors the node attribute
        """The node's type (the part of the id before ``:`` when the attribute is missing)."""
        return str(self.nodes.get(nid, {}).get("type") or nid.partition(":")[0])

    def degree(self, nid: str) -> int:
        """Number of distinct neighbours."""
        return len(self.neighbors(nid))
