"""The knowledge graph container: a networkx ``MultiDiGraph`` plus load/save.

Node ids are ``type:slug`` (see :mod:`kg.schema`). Node attributes: ``type``, ``label``,
``aliases`` (list), ``sources`` (list of ``{path, line}``), ``notes`` (list); papers also
``venue``, ``year``, ``url``, ``ids``, ``authors``. Edges carry ``relation`` (and ``year``
on ``published_at``).

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
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.schema import SCHEMA_VERSION

if TYPE_CHECKING:  # pragma: no cover
    from kg.lookup import Match

__all__ = ["KnowledgeGraph", "atomic_write_text", "GRAPH_JSON", "GRAPH_GRAPHML"]

GRAPH_JSON = "graph.json"
GRAPH_GRAPHML = "graph.graphml"


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (temp file in the same folder + rename).

    A reader never sees a half-written file, and an interrupted write leaves the old file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class KnowledgeGraph:
    """A typed knowledge graph of posts, topics, methods, papers and venues.

    Args:
        graph: a ``networkx.MultiDiGraph`` following :mod:`kg.schema`.
        report: optional build report (files parsed and skipped), kept for summaries.
    """

    def __init__(self, graph: nx.MultiDiGraph, report: Any = None) -> None:
        self.graph = graph
        self.graph.graph.setdefault("schema_version", SCHEMA_VERSION)
        self.report = report

    def __repr__(self) -> str:
        counts = ", ".join(f"{t}={n}" for t, n in sorted(self.counts().items()))
        return f"KnowledgeGraph({counts}, edges={self.graph.number_of_edges()})"

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    # -- queries -----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Number of nodes per type."""
        out: dict[str, int] = {}
        for _, t in self.graph.nodes(data="type"):
            out[t] = out.get(t, 0) + 1
        return out

    def nodes(self, type: str | Iterable[str] | None = None) -> list[dict[str, Any]]:  # noqa: A002
        """Nodes as dicts (``id`` plus attributes), optionally of one or several types."""
        types = {type} if isinstance(type, str) else (set(type) if type is not None else None)
        return [
            {"id": n, **attrs}
            for n, attrs in self.graph.nodes(data=True)
            if types is None or attrs.get("type") in types
        ]

    def label(self, nid: str) -> str:
        """The display label of node ``nid``."""
        return self.graph.nodes[nid].get("label", nid)

    def find(self, text: str, type: str | None = None, limit: int = 10) -> list[Match]:  # noqa: A002
        """Nodes matching ``text``: exact label, then alias, then fuzzy (best first)."""
        from kg.lookup import find

        return find(self, text, type=type, limit=limit)

    def to_pyg(self):  # noqa: ANN201 - torch types are imported lazily
        """The graph as a torch-geometric ``HeteroData`` (imports torch only here)."""
        from kg.pyg import to_hetero_data

        return to_hetero_data(self)

    # -- persistence -------------------------------------------------------------------
    def to_json_data(self) -> dict[str, Any]:
        """networkx node-link data with ``schema_version`` in the graph attributes."""
        self.graph.graph["schema_version"] = SCHEMA_VERSION
        return nx.node_link_data(self.graph, edges="links")

    def fingerprint(self) -> str:
        """A SHA-256 of the graph's canonical JSON (nodes, edges and attributes, sorted)."""
        data = self.to_json_data()
        nodes = sorted(data["nodes"], key=lambda n: n["id"])
        links = sorted(
            data["links"],
            key=lambda e: (e["source"], e["target"], json.dumps(e, sort_keys=True, default=str)),
        )
        canon = json.dumps([nodes, links], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``graph.json`` and ``graph.graphml`` into ``directory`` (atomically)."""
        directory = Path(directory)
        text = json.dumps(self.to_json_data(), ensure_ascii=False, indent=1, default=str)
        atomic_write_text(directory / GRAPH_JSON, text)
        atomic_write_text(directory / GRAPH_GRAPHML, _graphml_text(self.graph))
        return directory

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> KnowledgeGraph:
        """Read a graph written by :meth:`save` (``directory/graph.json``)."""
        path = Path(directory) / GRAPH_JSON
        if not path.exists():
            raise FileNotFoundError(f"{path}: no graph here; run `kg build` first")
        data = json.loads(path.read_text(encoding="utf-8"))
        version = data.get("graph", {}).get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"{path}: schema_version {version!r}, this kg reads {SCHEMA_VERSION}; rebuild it"
            )
        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
        return cls(graph)


def _graphml_text(graph: nx.MultiDiGraph) -> str:
    """GraphML for Gephi: list/dict attributes become JSON strings, ``None`` is dropped."""
    flat = nx.MultiDiGraph()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for n, attrs in graph.nodes(data=True):
        flat.add_node(n, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for u, v, k, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=k, **{a: _scalar(b) for a, b in attrs.items() if b is not None})
    return "\n".join(nx.generate_graphml(flat, encoding="utf-8", prettyprint=True))


def _scalar(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
