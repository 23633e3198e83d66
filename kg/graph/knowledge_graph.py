"""The knowledge graph container: a networkx ``MultiDiGraph`` plus load/save.

Node ids are ``type:slug`` (see :mod:`kg.graph.schema`). Node attributes: ``type``, ``label``,
``aliases`` (list), ``sources`` (list of ``{path, line}``), ``notes`` (list); papers also
``venue``, ``year``, ``url``, ``ids``, ``authors``. Edges carry ``relation`` (and ``year``
on ``published_at``); the multigraph edge key is the relation, so there is at most one edge
of each relation between two nodes.

networkx takes a quarter of a second to import, so a graph made by :func:`kg.pipeline.build`
(or read by :meth:`KnowledgeGraph.load`) keeps plain node and edge records until
``.graph`` is first asked for; everything the build path needs (counts, nodes, edges,
JSON, GraphML) works on those records. Once ``.graph`` has been built it is the one
source of truth, so code that edits ``kg.graph`` sees its edits everywhere.

Example
-------
>>> import networkx as nx, tempfile
>>> g = nx.MultiDiGraph()
>>> g.add_node("topic:gnn", type="topic", label="GNN", aliases=[], sources=[], notes=[])
>>> kg = KnowledgeGraph(g)
>>> [n["id"] for n in kg.nodes(type="topic")]
['topic:gnn']
>>> d = tempfile.mkdtemp()
>>> _ = kg.save(d)
>>> KnowledgeGraph.load(d).fingerprint() == kg.fingerprint()
True
>>> lazy = KnowledgeGraph.from_records(
...     {"topic:a": {"type": "topic", "label": "A"}, "topic:b": {"type": "topic", "label": "B"}},
...     [("topic:a", "topic:b", "subtopic_of", {"relation": "subtopic_of"})],
... )
>>> lazy.counts(), lazy.graph.number_of_edges()
({'topic': 2}, 1)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.graph.export import export_graph, graphml_text
from kg.graph.schema import SCHEMA_VERSION
from kg.io import GRAPH_GRAPHML, GRAPH_JSON, atomic_write_bytes, atomic_write_text, fingerprint

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from kg.graph.lookup import Match

__all__ = [
    "KnowledgeGraph",
    "atomic_write_bytes",
    "atomic_write_text",
    "graphml_text",
    "GRAPH_JSON",
    "GRAPH_GRAPHML",
]

#: ``(source, target, key, attributes)``; ``key`` is the relation.
EdgeRecord = tuple[str, str, str, dict[str, Any]]


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


class KnowledgeGraph:
    """A typed knowledge graph of posts, topics, methods, papers and venues.

    Args:
        graph: a ``networkx.MultiDiGraph`` following :mod:`kg.graph.schema`.
        report: optional build report (files parsed and skipped), kept for summaries.
    """

    def __init__(self, graph: nx.MultiDiGraph, report: Any = None) -> None:
        graph.graph.setdefault("schema_version", SCHEMA_VERSION)
        self._graph: nx.MultiDiGraph | None = graph
        self._nodes: dict[str, dict[str, Any]] = {}
        self._edges: list[EdgeRecord] = []
        self._meta: dict[str, Any] = {}
        self.report = report

    @classmethod
    def from_records(
        cls,
        nodes: dict[str, dict[str, Any]],
        edges: Iterable[EdgeRecord],
        *,
        meta: dict[str, Any] | None = None,
        report: Any = None,
    ) -> KnowledgeGraph:
        """A graph from plain records, without importing networkx until ``.graph`` is used.

        Args:
            nodes: node id -> attributes (must include ``type`` and ``label``).
            edges: ``(source, target, relation, attributes)``; a repeated
                ``(source, target, relation)`` updates the earlier edge, as in networkx.
            meta: graph attributes (``schema_version`` is added).
            report: the build report.

        >>> kg = KnowledgeGraph.from_records({"venue:icml": {"type": "venue", "label": "ICML"}}, [])
        >>> kg.nodes()[0]["label"]
        'ICML'
        """
        self = cls.__new__(cls)
        self._graph = None
        self._nodes = dict(nodes)
        merged: dict[tuple[str, str, str], dict[str, Any]] = {}
        for u, v, k, attrs in edges:
            if u not in self._nodes or v not in self._nodes:
                raise ValueError(f"edge {u} -> {v} ({k}) names a node that is not in the graph")
            merged.setdefault((u, v, k), {}).update(attrs)
        self._edges = [(u, v, k, attrs) for (u, v, k), attrs in merged.items()]
        self._meta = {**(meta or {}), "schema_version": SCHEMA_VERSION}
        self.report = report
        return self

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx ``MultiDiGraph`` (built from the records on first use)."""
        if self._graph is None:
            import networkx as nx

            g = nx.MultiDiGraph(**self._meta)
            g.add_nodes_from(self._nodes.items())
            for u, v, k, attrs in self._edges:
                g.add_edge(u, v, key=k, **attrs)
            self._graph, self._nodes, self._edges, self._meta = g, {}, [], {}
        return self._graph

    def __repr__(self) -> str:
        counts = ", ".join(f"{t}={n}" for t, n in sorted(self.counts().items()))
        return f"KnowledgeGraph({counts}, edges={self.number_of_edges()})"

    def __len__(self) -> int:
        return len(self._graph) if self._graph is not None else len(self._nodes)

    def __contains__(self, nid: object) -> bool:
        return nid in (self._graph if self._graph is not None else self._nodes)

    # -- raw iteration (records or networkx, whichever is current) ----------------------
    def iter_nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, attributes)`` for every node (the attribute dicts are live, not copies)."""
        if self._graph is not None:
            return iter(self._graph.nodes(data=True))
        return iter(self._nodes.items())

    def iter_edges(self) -> Iterator[EdgeRecord]:
        """``(source, target, relation, attributes)`` for every edge."""
        if self._graph is not None:
            return iter(self._graph.edges(keys=True, data=True))
        return iter(self._edges)

    def number_of_edges(self) -> int:
        """How many edges the graph has."""
        if self._graph is not None:
            return self._graph.number_of_edges()
        return len(self._edges)

    def meta(self) -> dict[str, Any]:
        """The graph attributes (``schema_version`` and whatever the build recorded)."""
        return self._graph.graph if self._graph is not None else self._meta

    # -- queries -----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Number of nodes per type."""
        out: dict[str, int] = {}
        for _, attrs in self.iter_nodes():
            t = attrs.get("type")
            out[t] = out.get(t, 0) + 1
        return out

    def nodes(self, type: str | Iterable[str] | None = None) -> list[dict[str, Any]]:  # noqa: A002
        """Nodes as dicts (``id`` plus attributes), optionally of one or several types."""
        types = {type} if isinstance(type, str) else (set(type) if type is not None else None)
        return [
            {"id": n, **attrs}
            for n, attrs in self.iter_nodes()
            if types is None or attrs.get("type") in types
        ]

    def node(self, nid: str) -> dict[str, Any]:
        """One node as a dict (``id`` plus attributes); ``KeyError`` when absent."""
        attrs = self._graph.nodes[nid] if self._graph is not None else self._nodes[nid]
        return {"id": nid, **attrs}

    def edges(self, relation: str | None = None) -> list[dict[str, Any]]:
        """Edges as dicts (``source``, ``target`` plus attributes), optionally of one relation."""
        return [
            {"source": u, "target": v, **attrs}
            for u, v, k, attrs in self.iter_edges()
            if relation is None or k == relation
        ]

    def label(self, nid: str) -> str:
        """The display label of node ``nid``."""
        return self.node(nid).get("label", nid)

    def find(self, text: str, type: str | None = None, limit: int = 10) -> list[Match]:  # noqa: A002
        """Nodes matching ``text``: exact label, then alias, then fuzzy (best first)."""
        from kg.graph.lookup import find

        return find(self, text, type=type, limit=limit)

    def export(self, dest: str | os.PathLike[str], format: str | None = None) -> list[Path]:  # noqa: A002
        """Write the graph as ``graphml``, ``gexf``, ``csv`` or ``json``; see :mod:`kg.graph.export`."""
        return export_graph(self, dest, format)

    # -- persistence -------------------------------------------------------------------
    def to_json_data(self) -> dict[str, Any]:
        """networkx node-link data with ``schema_version`` in the graph attributes.

        The same layout as ``networkx.node_link_data(G, edges="links")``, so
        ``networkx.node_link_graph(data, edges="links")`` reads it back.
        """
        meta = self.meta()
        meta["schema_version"] = SCHEMA_VERSION
        return {
            "directed": True,
            "multigraph": True,
            "graph": meta,
            "nodes": [{**attrs, "id": n} for n, attrs in self.iter_nodes()],
            "links": [
                {**attrs, "source": u, "target": v, "key": k}
                for u, v, k, attrs in self.iter_edges()
            ],
        }

    def to_json_text(self) -> str:
        """The text of ``graph.json``: node-link JSON with one node or edge per line.

        Each record is encoded by the C JSON encoder (an ``indent`` would switch to the
        much slower pure-Python one), so large graphs are written quickly.
        """
        enc = _ENCODER.encode
        meta = self.meta()
        meta["schema_version"] = SCHEMA_VERSION
        nodes = ",\n".join(["  " + enc({**a, "id": n}) for n, a in self.iter_nodes()])
        links = ",\n".join(
            [
                "  " + enc({**a, "source": u, "target": v, "key": k})
                for u, v, k, a in self.iter_edges()
            ]
        )
        return (
            f'{{"directed": true, "multigraph": true, "graph": {enc(meta)},\n'
            f' "nodes": [\n{nodes}\n ],\n "links": [\n{links}\n ]}}\n'
        )

    def fingerprint(self) -> str:
        """A SHA-256 of the graph's canonical JSON: :func:`kg.io.fingerprint` of its data."""
        return fingerprint(self.to_json_data())

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``graph.json`` and ``graph.graphml`` into ``directory`` (atomically)."""
        directory = Path(directory)
        atomic_write_text(directory / GRAPH_JSON, self.to_json_text())
        atomic_write_text(directory / GRAPH_GRAPHML, graphml_text(self))
        return directory

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> KnowledgeGraph:
        """Read a graph written by :meth:`save` (``directory/graph.json``)."""
        path = Path(directory) / GRAPH_JSON
        if not path.exists():
            raise FileNotFoundError(f"{path}: no graph here; run `kg build` first")
        again = f"run `kg build NOTES --out {directory}` to write it again"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); {again}") from None
        except (UnicodeDecodeError, RecursionError) as exc:
            raise ValueError(f"{path}: not a kg graph ({type(exc).__name__}); {again}") from None
        if not isinstance(data, dict) or not isinstance(data.get("graph", {}), dict):
            raise ValueError(f"{path}: not a kg graph (no node-link object); {again}")
        version = data.get("graph", {}).get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"{path}: schema_version {version!r}, this kg reads {SCHEMA_VERSION}; rebuild it"
            )
        nodes = {}
        edges = []
        try:
            for rec in data["nodes"]:
                attrs = dict(rec)
                nodes[attrs.pop("id")] = attrs
            for rec in data["links"]:
                attrs = dict(rec)
                u, v, k = attrs.pop("source"), attrs.pop("target"), attrs.pop("key")
                edges.append((u, v, k, attrs))
        except (KeyError, TypeError, ValueError) as exc:
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())
            raise ValueError(f"{path}: not a kg graph ({reason}); {again}") from None
        return cls.from_records(nodes, edges, meta=dict(data.get("graph", {})))
