"""The mirrored graph: two identical copies of the notes, where node-level blindness bites.

On graphs built from notes, the nodes a GNN cannot tell apart are almost all **false twins**
(papers hanging off the same topic: equal neighbourhoods). Swapping two twins is an
automorphism that fixes every other node, so for any query ``u`` the pairs ``(u, v)`` and
``(u, w)`` are the *same link up to isomorphism*: no model of the graph's structure, the
labeling trick included, can score them apart. The labeling trick helps where two candidates
are isomorphic as nodes but not as pairs with the query — the labeling-trick paper's case of a
node near the query and its symmetric copy far away. :func:`mirror_graph` makes that case out
of the user's own graph: two disjoint copies (say, two people's identical note folders).
:func:`mirror_split` holds out the same links in both copies, so each held-out endpoint ``v``
and its copy ``v'`` stay in one orbit. For a held-out link ``(u, v)`` the **mirror negative**
``(u, v')`` is then a pair that every node-level model must tie with the true link, while a
pair model sees that ``v`` is near ``u`` and ``v'`` is not even connected to it.

Example
-------
>>> import networkx as nx
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> g.add_node("topic:t", type="topic", label="T"); g.add_node("paper:p", type="paper", label="P")
>>> _ = g.add_edge("paper:p", "topic:t", key="about", relation="about")
>>> m = mirror_graph(KnowledgeGraph(g))
>>> sorted(m.graph.nodes), m.graph.number_of_edges()
(['paper:p', 'paper:p~mirror', 'topic:t', 'topic:t~mirror'], 2)
>>> mirror_negatives(np.array([[0, 1]]), own=np.array([0, 1]), twin=np.array([2, 3])).tolist()
[[0, 3], [2, 1]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MIRROR_SUFFIX", "mirror_graph", "mirror_index", "mirror_split", "mirror_negatives"]

#: Appended to every node id of the second copy.
MIRROR_SUFFIX = "~mirror"


def mirror_graph(kg: Any) -> Any:
    """Two disjoint copies of ``kg`` (ids of the second end in :data:`MIRROR_SUFFIX`).

    Labels and every other attribute are copied unchanged (so text features tie too); the
    second copy's nodes get ``mirror=True``.
    """
    import networkx as nx

    from kg.graph.knowledge_graph import KnowledgeGraph

    g = kg.graph
    out = nx.MultiDiGraph()
    out.graph.update(g.graph)
    for suffix, flag in (("", False), (MIRROR_SUFFIX, True)):
        out.add_nodes_from((f"{n}{suffix}", {**a, "mirror": flag}) for n, a in g.nodes(data=True))
        out.add_edges_from(
            (f"{u}{suffix}", f"{v}{suffix}", k, dict(a)) for u, v, k, a in g.edges(keys=True, data=True)
        )
    return KnowledgeGraph(out)


def mirror_index(ids: list[str], mirrored_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For rows of the original graph (``ids``): their row in the mirrored graph and their copy's.

    >>> own, twin = mirror_index(["a", "b"], ["a", "a~mirror", "b", "b~mirror"])
    >>> own.tolist(), twin.tolist()
    ([0, 2], [1, 3])
    """
    where = {nid: i for i, nid in enumerate(mirrored_ids)}
    own = np.array([where[i] for i in ids], dtype=np.int64)
    twin = np.array([where[i + MIRROR_SUFFIX] for i in ids], dtype=np.int64)
    return own, twin


def mirror_split(split: Any, own: np.ndarray, twin: np.ndarray, node_type: Any = None) -> Any:
    """The split of the original graph, held out identically in both copies.

    Every pair tensor of :class:`kg.learn.split.LinkSplit` becomes its first-copy rows followed by
    the second copy's, so a link held out (or used for validation, or training) in one copy
    is held out (used) in the other too.
    """
    import torch

    from kg.learn.split import LinkSplit

    a, b = torch.from_numpy(own), torch.from_numpy(twin)

    def both(t: torch.Tensor | None) -> torch.Tensor | None:
        if t is None:
            return None
        t = t.cpu()
        return torch.cat([a[t], b[t]], dim=1)

    pairs = ("train_pos", "val_pos", "val_neg", "test_pos", "test_neg", "train_mp", "test_mp", "full_mp", "context")
    return LinkSplit(
        num_nodes=2 * split.num_nodes,
        node_type=node_type,
        **{k: both(getattr(split, k)) for k in pairs},
    )


def mirror_negatives(pos: np.ndarray, own: np.ndarray, twin: np.ndarray) -> np.ndarray:
    """For each first-copy positive ``(u, v)``: ``(u, v')`` and ``(u', v)``.

    ``own`` and ``twin`` are the rows of each original node and of its copy (as
    :func:`mirror_index` gives them). Positives in the second copy are skipped: their mirror
    negatives are the same pairs.
    """
    pos = np.asarray(pos, dtype=np.int64).reshape(-1, 2)
    partner = np.empty(len(own) + len(twin), dtype=np.int64)
    partner[own], partner[twin] = twin, own
    first = pos[np.isin(pos[:, 0], own)]
    u, v = first[:, 0], first[:, 1]
    return np.stack([np.c_[u, partner[v]], np.c_[partner[u], v]], axis=1).reshape(-1, 2)
