"""Does depth help? Validation MRR and embedding smoothness of the link predictor per depth.

For each depth ``L`` the project's link predictor (:func:`kg.learn.training.fit_link_model`, same
split, same seed, full features) is trained with ``L`` layers and measured on the validation
links:

* ``val_mrr`` / ``val_hits@10``: each validation link ``(u, v)`` ranks ``v`` among all nodes of
  ``v``'s type for the query ``u`` (and ``u`` for ``v``), known links filtered out, ties
  counted half (:mod:`kg.learn.metrics`);
* ``val_auc``: against the fixed validation negatives;
* ``cosine``: mean pairwise cosine similarity of the embeddings (1.0 = all parallel);
* ``dirichlet``: normalised Dirichlet energy ``sum_(i,j) |z_i - z_j|^2 / sum_i |z_i|^2`` over
  the message-passing edges (small = smooth, over-smoothed).

Example
-------
>>> import networkx as nx
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> for i in range(20):
...     g.add_node(f"paper:p{i}", type="paper", label=f"p{i}")
...     g.add_node(f"topic:t{i % 4}", type="topic", label=f"t{i % 4}")
...     _ = g.add_edge(f"paper:p{i}", f"topic:t{i % 4}", key="part_of", relation="part_of")
>>> rows = depth_study(KnowledgeGraph(g), depths=[1, 2], epochs=3, hidden=8, device="cpu")
>>> [r["layers"] for r in rows], sorted(rows[0])
([1, 2], ['cosine', 'dirichlet', 'layers', 'seconds', 'val_auc', 'val_hits@10', 'val_mrr'])
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["smoothness", "validation_ranks", "depth_study"]


def smoothness(z: np.ndarray, edges: np.ndarray, *, sample: int = 2000, seed: int = 0) -> dict[str, float]:
    """Mean pairwise cosine similarity and normalised Dirichlet energy of embeddings ``z``.

    >>> z = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> smoothness(z, np.array([[0, 1], [1, 2]]))
    {'cosine': 0.3333333333333333, 'dirichlet': 0.6666666666666666}
    """
    z = np.asarray(z, dtype=np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(z), size=sample, replace=False) if len(z) > sample else np.arange(len(z))
    zs = z[idx]
    norms = np.linalg.norm(zs, axis=1, keepdims=True)
    unit = np.divide(zs, norms, out=np.zeros_like(zs), where=norms > 0)
    sim = unit @ unit.T
    k = len(zs)
    cosine = float((sim.sum() - np.trace(sim)) / (k * (k - 1))) if k > 1 else float("nan")
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    energy = float(((z[e[:, 0]] - z[e[:, 1]]) ** 2).sum())
    total = float((z**2).sum())
    return {"cosine": cosine, "dirichlet": energy / total if total > 0 else float("nan")}


def validation_ranks(
    score_all: Any, pairs: np.ndarray, node_type: np.ndarray, known: set[tuple[int, int]]
) -> np.ndarray:
    """Filtered ranks of both ends of every pair among same-type candidates.

    ``score_all(q)`` returns the scores of query ``q`` against every node.
    """
    from kg.learn.metrics import rank_of

    neighbours: dict[int, list[int]] = {}
    for a, b in known:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    ranks = []
    for a, b in np.asarray(pairs, dtype=np.int64):
        for q, t in ((int(a), int(b)), (int(b), int(a))):
            scores = score_all(q)
            mask = node_type == node_type[t]
            mask[q] = False
            mask[neighbours.get(q, [])] = False
            mask[t] = True
            ranks.append(rank_of(scores, t, mask))
    return np.asarray(ranks, dtype=np.float64)


def depth_study(
    kg: Any,
    *,
    depths: Sequence[int] = tuple(range(1, 17)),
    epochs: int = 100,
    hidden: int = 64,
    features: str = "full",
    encoder: str = "sage",
    seed: int = 0,
    device: str = "auto",
    progress: bool = False,
) -> list[dict[str, float]]:
    """Train the link predictor at each depth and measure validation ranking and smoothness.

    Returns one row per depth: ``layers``, ``val_mrr``, ``val_hits@10``, ``val_auc``,
    ``cosine``, ``dirichlet``, ``seconds``.
    """
    import torch

    from kg.learn.device import choose_device
    from kg.learn.metrics import ranking_summary
    from kg.learn.pyg import to_link_graph
    from kg.learn.training import fit_link_model, training_split

    dev = choose_device(device)
    lg = to_link_graph(kg, features, seed=seed)
    split = training_split(lg, seed)
    node_type = lg.node_type.numpy()
    mp = split.train_mp.t().numpy()
    known = {(int(min(a, b)), int(max(a, b))) for a, b in mp}
    known |= {(int(min(a, b)), int(max(a, b))) for a, b in split.val_pos.t().numpy()}
    mp_once = mp[mp[:, 0] < mp[:, 1]]
    rows = []
    for layers in depths:
        t = time.perf_counter()
        fit = fit_link_model(
            lg.x, split, hidden=hidden, layers=int(layers), encoder=encoder, epochs=epochs,
            patience=max(10, epochs // 4), seed=seed, device=dev,
        )
        model = fit.model.to("cpu").eval()
        with torch.no_grad():
            z = model.encode(lg.x, split.train_mp)
            n = z.size(0)

            def score_all(q: int, z: torch.Tensor = z, n: int = n, model: Any = model) -> np.ndarray:
                pairs = torch.stack([torch.full((n,), q, dtype=torch.long), torch.arange(n)])
                return model.decode(z, pairs).numpy()

            ranks = validation_ranks(score_all, split.val_pos.t().numpy(), node_type, known)
        summary = ranking_summary(ranks)
        row = {
            "layers": int(layers),
            "val_mrr": summary["mrr"],
            "val_hits@10": summary["hits@10"],
            "val_auc": float(fit.val["auc"]),
            **smoothness(z.numpy(), mp_once, seed=seed),
            "seconds": time.perf_counter() - t,
        }
        rows.append(row)
        if progress:
            print(
                f"depth {layers:2d}: val MRR {row['val_mrr']:.3f}  cosine {row['cosine']:.3f}  "
                f"dirichlet {row['dirichlet']:.3f}", flush=True,
            )
    return rows
