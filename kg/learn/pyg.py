"""The knowledge graph as torch-geometric tensors (imports torch; never on the build path).

Two views:

* :func:`to_hetero_data` — a ``HeteroData`` with one node store per type (``x`` from
  :func:`kg.learn.features.node_features`, ``ids`` the node ids in row order) and one edge store per
  ``(source type, relation, target type)`` triple, in the direction the schema stores it
  (apply ``torch_geometric.transforms.ToUndirected`` to add reverse edges).
  It imports torch; the graph itself (``kg/graph/``) never does.
* :func:`to_link_graph` — the homogeneous view the link predictor trains on: all nodes in one
  index space (sorted ids), static features, and the undirected edges split into
  **targets** (:data:`TARGET_RELATIONS`, the related-work structure between entities, which
  are held out and predicted) and **context** (:data:`CONTEXT_RELATIONS`, post -> entity
  edges, which are always in message passing and never predicted).

Why ``mentions``/``tagged`` are context only: they record which note names which entity. They
carry the co-occurrence signal that makes suggestions useful, but predicting "post P mentions
paper X" is not a related-work suggestion, and they make up most of the edges, so as targets
they would swamp the metrics.

Example
-------
>>> import networkx as nx
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> for nid, t in [("post:a", "post"), ("topic:gnn", "topic"), ("paper:gcn", "paper")]:
...     g.add_node(nid, type=t, label=nid.split(":")[1], aliases=[], notes=[], sources=[])
>>> _ = g.add_edge("post:a", "paper:gcn", key="mentions", relation="mentions")
>>> _ = g.add_edge("paper:gcn", "topic:gnn", key="part_of", relation="part_of")
>>> data = to_hetero_data(KnowledgeGraph(g), dim=8)
>>> data["paper"].ids, data["paper", "part_of", "topic"].edge_index.tolist()
(['paper:gcn'], [[0], [0]])
>>> lg = to_link_graph(KnowledgeGraph(g), dim=8)
>>> lg.ids, lg.target.tolist(), lg.context.tolist()
(['paper:gcn', 'post:a', 'topic:gnn'], [[0], [2]], [[0], [1]])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.graph.schema import NODE_TYPES
from kg.learn.features import TEXT_DIM, node_features

__all__ = [
    "TARGET_RELATIONS",
    "CONTEXT_RELATIONS",
    "LinkGraph",
    "to_link_graph",
    "to_hetero_data",
]

#: Relations whose edges are held out and predicted ("related work" links between entities).
TARGET_RELATIONS: tuple[str, ...] = ("subtopic_of", "part_of", "published_at")

#: Relations used only for message passing (post -> entity).
CONTEXT_RELATIONS: tuple[str, ...] = ("mentions", "tagged", "about", "links_to")


@dataclass
class LinkGraph:
    """The homogeneous link-prediction view of a knowledge graph.

    Attributes:
        ids: node ids, sorted; row ``i`` of every tensor is node ``ids[i]``.
        types: node type per row.
        x: ``float32 [n, f]`` static features.
        target: ``long [2, m]`` undirected target pairs, each once (``target[0] < target[1]``).
        context: ``long [2, c]`` undirected context pairs, each once (same convention).
        node_type: ``long [n]`` index into :data:`kg.graph.schema.NODE_TYPES`.
        features: the feature kind used for ``x``.
    """

    ids: list[str]
    types: list[str]
    x: torch.Tensor
    target: torch.Tensor
    context: torch.Tensor
    node_type: torch.Tensor
    features: str = "full"
    relations: tuple[str, ...] = field(default=TARGET_RELATIONS)

    @property
    def num_nodes(self) -> int:
        return len(self.ids)


def _pairs(pairs: set[tuple[int, int]]) -> torch.Tensor:
    if not pairs:
        return torch.empty((2, 0), dtype=torch.long)
    return torch.tensor(sorted(pairs), dtype=torch.long).t().contiguous()


def to_link_graph(
    kg: KnowledgeGraph,
    features: str = "full",
    *,
    dim: int = TEXT_DIM,
    seed: int = 0,
    targets: tuple[str, ...] = TARGET_RELATIONS,
) -> LinkGraph:
    """Build the :class:`LinkGraph` of ``kg`` (see the module docstring for target/context).

    Self-loops and parallel edges collapse; a pair linked by both a target and a context
    relation counts as a target.
    """
    ids = sorted(kg.graph.nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    attrs = [kg.graph.nodes[n] for n in ids]
    types = [a.get("type", "") for a in attrs]
    x = node_features(attrs, features, dim=dim, seed=seed)
    tgt: set[tuple[int, int]] = set()
    ctx: set[tuple[int, int]] = set()
    for u, v, rel in kg.graph.edges(data="relation"):
        a, b = index[u], index[v]
        if a == b:
            continue
        pair = (min(a, b), max(a, b))
        (tgt if rel in targets else ctx).add(pair)
    ctx -= tgt
    type_index = {t: i for i, t in enumerate(NODE_TYPES)}
    return LinkGraph(
        ids=ids,
        types=types,
        x=torch.from_numpy(np.ascontiguousarray(x)),
        target=_pairs(tgt),
        context=_pairs(ctx),
        node_type=torch.tensor([type_index[t] for t in types], dtype=torch.long),
        features=features,
        relations=tuple(targets),
    )


def to_hetero_data(
    kg: KnowledgeGraph, features: str = "full", *, dim: int = TEXT_DIM, seed: int = 0
):  # noqa: ANN201
    """The graph as a ``torch_geometric.data.HeteroData`` (one store per node and edge type).

    Node stores hold ``x`` and ``ids``; edge stores ``edge_index`` (schema direction, parallel
    edges of one relation collapsed).
    """
    from torch_geometric.data import HeteroData

    data = HeteroData()
    local: dict[str, int] = {}
    by_type: dict[str, list[str]] = {}
    for nid in sorted(kg.graph.nodes):
        t = kg.graph.nodes[nid].get("type", "")
        by_type.setdefault(t, []).append(nid)
    for t in NODE_TYPES:
        if t not in by_type:
            continue
        nids = by_type[t]
        local.update({nid: i for i, nid in enumerate(nids)})
        attrs = [kg.graph.nodes[n] for n in nids]
        data[t].x = torch.from_numpy(
            np.ascontiguousarray(node_features(attrs, features, dim=dim, seed=seed))
        )
        data[t].ids = nids
        data[t].num_nodes = len(nids)
    edges: dict[tuple[str, str, str], set[tuple[int, int]]] = {}
    for u, v, rel in kg.graph.edges(data="relation"):
        key = (kg.graph.nodes[u]["type"], rel, kg.graph.nodes[v]["type"])
        edges.setdefault(key, set()).add((local[u], local[v]))
    for key in sorted(edges):
        data[key].edge_index = _pairs(edges[key])
    return data
