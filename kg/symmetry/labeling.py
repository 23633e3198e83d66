"""The labeling trick for link prediction: SEAL-style enclosing subgraphs with node labels.

A node-level GNN scores ``(u, v)`` from ``h_u`` and ``h_v`` computed independently, so two
candidates ``v, v'`` in one orbit get the same score for every query ``u`` even when
``(u, v)`` and ``(u, v')`` are different links (one closes a triangle, the other does not).
The labeling trick (Zhang et al., NeurIPS 2021; SEAL, Zhang & Chen 2018) fixes this: for each
target pair it extracts the ``num_hops`` enclosing subgraph around ``u`` and ``v`` (the
target edge itself removed), labels every node by its relation to the pair, and runs the GNN
on the labelled subgraph. Labels (``label=``):

* ``"drnl"`` — double-radius node labelling: ``1`` for ``u`` and ``v``, then
  ``1 + min(du, dv) + (d // 2) * (d // 2 + d % 2 - 1)`` with ``d = du + dv``, where ``du`` is
  the distance to ``u`` with ``v`` removed (and vice versa); ``0`` when unreachable.
* ``"zero_one"`` — ``1`` on ``u`` and ``v``, ``0`` elsewhere (the minimal labeling trick).
* ``"de"`` — distance encoding: the pair ``(min(du, D), min(dv, D))`` as one label, ``D = 3``.

The network embeds the label, adds a projection of the node's input features, runs the
project's :class:`kg.learn.nn.Encoder` (GCN by default) and reads out ``[h_u * h_v | mean(h)]``
through a small MLP to one logit.

Example
-------
>>> import numpy as np
>>> path = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
>>> ex = SubgraphExtractor(6, path, num_hops=2, label="drnl")
>>> g = ex.extract(0, 2)            # u=0, v=2: 1 is the common neighbour
>>> g.nodes.tolist(), g.z.tolist()
([0, 2, 1, 3, 4], [1, 1, 2, 0, 0])
>>> ex.extract(0, 3).z.tolist()[:2]
[1, 1]
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from kg.symmetry.ceiling import pair_metrics
from kg.symmetry.structure import adjacency

__all__ = [
    "LABELS",
    "drnl",
    "Subgraph",
    "SubgraphExtractor",
    "LabelingTrickModel",
    "train_labeling_trick",
]

#: Accepted ``label=`` values.
LABELS: tuple[str, ...] = ("drnl", "zero_one", "de")

_DE_MAX = 3


def drnl(du: np.ndarray, dv: np.ndarray) -> np.ndarray:
    """Double-radius node labels from distances to ``u`` and ``v`` (``inf`` = unreachable).

    >>> drnl(np.array([0, 2, 1, 1, np.inf]), np.array([2, 0, 1, 2, 1])).tolist()
    [1, 1, 2, 3, 0]
    """
    du = np.asarray(du, dtype=np.float64)
    dv = np.asarray(dv, dtype=np.float64)
    reach = np.isfinite(du) & np.isfinite(dv)
    out = np.zeros(len(du), dtype=np.int64)
    a, b = du[reach].astype(np.int64), dv[reach].astype(np.int64)
    d = a + b
    half, odd = d // 2, d % 2
    out[reach] = 1 + np.minimum(a, b) + half * (half + odd - 1)
    out[(du == 0) | (dv == 0)] = 1
    return out


def _distances(k: int, rows: np.ndarray, cols: np.ndarray, src: int, blocked: int) -> np.ndarray:
    """Hop distances from ``src`` in a ``k``-node graph with node ``blocked`` removed."""
    dist = np.full(k, np.inf)
    dist[src] = 0
    if k > 2000:  # large subgraphs: sparse BFS
        mask = (rows != blocked) & (cols != blocked)
        a = sp.csr_matrix((np.ones(int(mask.sum())), (rows[mask], cols[mask])), shape=(k, k))
        out = shortest_path(a, unweighted=True, directed=False, indices=src)
        out[blocked] = np.inf
        return out
    a = np.zeros((k, k), dtype=bool)
    a[rows, cols] = True
    a[blocked, :] = False
    a[:, blocked] = False
    visited = np.zeros(k, dtype=bool)
    visited[src] = True
    frontier = visited.copy()
    d = 0
    while True:
        d += 1
        nxt = a[frontier].any(axis=0) & ~visited
        if not nxt.any():
            return dist
        dist[nxt] = d
        visited |= nxt
        frontier = nxt


@dataclass
class Subgraph:
    """One enclosing subgraph: global ``nodes`` (``u`` first, ``v`` second), local
    ``edge_index`` (``[2, e]``, both directions, target edge removed) and labels ``z``."""

    nodes: np.ndarray
    edge_index: np.ndarray
    z: np.ndarray


class SubgraphExtractor:
    """Extract labelled enclosing subgraphs of node pairs from one undirected graph.

    Args:
        n: number of nodes.
        edges: ``(m, 2)`` undirected message-passing edges.
        num_hops: radius of the enclosing subgraph around ``u`` and ``v`` (1 default).
        label: ``"drnl"``, ``"zero_one"`` or ``"de"``.
        max_nodes_per_hop: sample at most this many new nodes per hop (``None``: all); the
            sample is seeded per pair so extraction is reproducible.
        seed: seed of that sampling.
    """

    def __init__(
        self,
        n: int,
        edges: np.ndarray,
        *,
        num_hops: int = 1,
        label: str = "drnl",
        max_nodes_per_hop: int | None = None,
        seed: int = 0,
    ) -> None:
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
        self.n = n
        self.adj: sp.csr_matrix = adjacency(n, edges)
        self.indptr, self.indices = self.adj.indptr, self.adj.indices
        self.num_hops = num_hops
        self.label = label
        self.max_nodes_per_hop = max_nodes_per_hop
        self.seed = seed
        self._pos = np.full(n, -1, dtype=np.int64)

    @property
    def num_labels(self) -> int:
        """Size of the label vocabulary (labels above it are clipped to the last one)."""
        if self.label == "zero_one":
            return 2
        if self.label == "de":
            return (_DE_MAX + 2) ** 2
        return 2 + (2 * self.num_hops + 2) ** 2  # covers distances up to the subgraph size

    def _rows(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owner position, neighbour) for every adjacency entry of ``nodes`` (vectorised)."""
        starts = self.indptr[nodes]
        lens = self.indptr[nodes + 1] - starts
        total = int(lens.sum())
        owner = np.repeat(np.arange(len(nodes)), lens)
        idx = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(starts, lens)
        return owner, self.indices[idx].astype(np.int64)

    def extract(self, u: int, v: int) -> Subgraph:
        """The labelled enclosing subgraph of ``(u, v)``."""
        u, v = int(u), int(v)
        rng = None
        nodes = [np.array([u, v], dtype=np.int64)]
        seen = {u, v}
        frontier = nodes[0]
        for _ in range(self.num_hops):
            nb = np.unique(self._rows(frontier)[1])
            nb = nb[~np.isin(nb, np.fromiter(seen, dtype=np.int64, count=len(seen)))]
            if self.max_nodes_per_hop is not None and len(nb) > self.max_nodes_per_hop:
                if rng is None:
                    rng = np.random.default_rng([self.seed, min(u, v), max(u, v)])
                nb = np.sort(rng.choice(nb, self.max_nodes_per_hop, replace=False))
            if len(nb) == 0:
                break
            nodes.append(nb.astype(np.int64))
            seen.update(nb.tolist())
            frontier = nb
        sub_nodes = np.concatenate(nodes)
        owner, nb = self._rows(sub_nodes)
        pos = self._pos
        pos[sub_nodes] = np.arange(len(sub_nodes))
        cols = pos[nb]
        pos[sub_nodes] = -1
        keep = (cols >= 0) & ~(((owner == 0) & (cols == 1)) | ((owner == 1) & (cols == 0)))
        rows, cols = owner[keep], cols[keep]
        z = self._labels(len(sub_nodes), rows, cols)
        return Subgraph(sub_nodes, np.stack([rows, cols]), z)

    def _labels(self, k: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if self.label == "zero_one":
            z = np.zeros(k, dtype=np.int64)
            z[:2] = 1
            return z
        du = _distances(k, rows, cols, 0, 1)
        dv = _distances(k, rows, cols, 1, 0)
        if self.label == "drnl":
            return np.minimum(drnl(du, dv), self.num_labels - 1)
        cap = _DE_MAX + 1  # unreachable / far
        iu = np.where(np.isfinite(du), np.minimum(du, _DE_MAX), cap).astype(np.int64)
        iv = np.where(np.isfinite(dv), np.minimum(dv, _DE_MAX), cap).astype(np.int64)
        return iu * (_DE_MAX + 2) + iv

    def extract_many(self, pairs: np.ndarray) -> list[Subgraph]:
        """Subgraphs of every row of a ``(k, 2)`` pair array."""
        return [self.extract(u, v) for u, v in np.asarray(pairs, dtype=np.int64).reshape(-1, 2)]


def _collate(subgraphs: Sequence[Subgraph], features: np.ndarray | None):  # noqa: ANN202
    """Concatenate subgraphs into one disjoint batch of tensors."""
    import torch

    sizes = np.array([len(s.nodes) for s in subgraphs], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    nodes = np.concatenate([s.nodes for s in subgraphs])
    edge_index = np.concatenate(
        [s.edge_index + off for s, off in zip(subgraphs, offsets, strict=True)], axis=1
    )
    z = np.concatenate([s.z for s in subgraphs])
    batch = np.repeat(np.arange(len(subgraphs)), sizes)
    centers = np.stack([offsets, offsets + 1])
    x = None if features is None else torch.from_numpy(np.ascontiguousarray(features[nodes]))
    return (
        torch.from_numpy(z),
        x,
        torch.from_numpy(edge_index),
        torch.from_numpy(batch),
        torch.from_numpy(centers),
    )


def _network(num_labels: int, in_channels: int, hidden: int, layers: int, conv: str, dropout: float):  # noqa: ANN202
    import torch
    from torch import nn
    from torch_geometric.nn import global_mean_pool

    from kg.learn.nn import Encoder

    class LabelingTrickNet(nn.Module):
        """Label embedding + feature projection -> Encoder -> [h_u*h_v | mean] -> MLP."""

        def __init__(self) -> None:
            super().__init__()
            self.z_emb = nn.Embedding(num_labels, hidden)
            self.x_lin = nn.Linear(in_channels, hidden) if in_channels else None
            self.encoder = Encoder(hidden, hidden, layers, conv, dropout)
            self.mlp = nn.Sequential(
                nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 1)
            )

        def forward(self, z, x, edge_index, batch, centers):  # noqa: ANN001, ANN202
            h = self.z_emb(z)
            if self.x_lin is not None and x is not None:
                h = h + self.x_lin(x)
            h = torch.relu(self.encoder(h, edge_index))
            pooled = global_mean_pool(h, batch)
            pair = h[centers[0]] * h[centers[1]]
            return self.mlp(torch.cat([pair, pooled], dim=-1)).squeeze(-1)

    return LabelingTrickNet()


@dataclass
class LabelingTrickModel:
    """A trained labeling-trick link predictor (a result object).

    Attributes:
        net: the torch module (on ``device``).
        extractor: the :class:`SubgraphExtractor` of the message-passing graph.
        features: node input features (``float32 [n, f]``) or ``None``.
        config: the training configuration.
        history: per-epoch ``{"epoch", "loss", "val_auc"}``.
        metrics: validation metrics at the best epoch.
        timings: seconds spent extracting, training and in total.
    """

    net: Any
    extractor: SubgraphExtractor
    features: np.ndarray | None
    config: dict[str, Any]
    history: list[dict[str, float]] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    device: str = "cpu"

    def on_graph(self, edges: np.ndarray) -> LabelingTrickModel:
        """The same model extracting its subgraphs from another graph (e.g. with validation
        links added for testing)."""
        ex = self.extractor
        other = SubgraphExtractor(
            ex.n, edges, num_hops=ex.num_hops, label=ex.label,
            max_nodes_per_hop=ex.max_nodes_per_hop, seed=ex.seed,
        )
        return replace(self, extractor=other)

    def score(self, pairs: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
        """Logits (higher = more likely a link) of the ``(k, 2)`` pairs."""
        return _predict(self.net, self.extractor.extract_many(pairs), self.features, batch_size, self.device)

    def evaluate(self, pairs: np.ndarray, labels: np.ndarray) -> dict[str, float]:
        """Best-threshold accuracy and AUC on labelled pairs (see :mod:`kg.symmetry.ceiling`)."""
        return pair_metrics(labels, self.score(pairs))


def _predict(net: Any, subgraphs: list[Subgraph], features: np.ndarray | None, batch_size: int, device: str) -> np.ndarray:
    import torch

    net.eval()
    dtype = next(net.parameters()).dtype  # float64 after net.double(): ties stay exact
    out = []
    with torch.no_grad():
        for i in range(0, len(subgraphs), batch_size):
            parts = _collate(subgraphs[i : i + batch_size], features)
            parts = tuple(
                None if p is None else p.to(device, dtype) if p.is_floating_point() else p.to(device)
                for p in parts
            )
            out.append(net(*parts).to(dtype).cpu().numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def _negatives(
    pos: np.ndarray, n: int, known: set[int], types: np.ndarray | None, rng: np.random.Generator
) -> np.ndarray:
    """One negative per positive: keep one end, replace the other by a random node (of the
    same type as the replaced end when ``types`` is given) that is not linked to the kept end."""
    out = pos.copy()
    side = rng.integers(0, 2, size=len(pos))
    by_type = None
    if types is not None:
        by_type = {t: np.flatnonzero(types == t) for t in np.unique(types)}
    for i, (a, b) in enumerate(pos):
        keep, drop = (a, b) if side[i] == 0 else (b, a)
        pool = by_type[types[drop]] if by_type is not None else None
        for _ in range(20):
            c = int(pool[rng.integers(len(pool))]) if pool is not None else int(rng.integers(n))
            if c != keep and min(keep, c) * n + max(keep, c) not in known:
                break
        out[i] = (keep, c)
    return out


def train_labeling_trick(
    n: int,
    edges: np.ndarray,
    train_pos: np.ndarray,
    *,
    features: np.ndarray | None = None,
    types: np.ndarray | None = None,
    train_neg: np.ndarray | None = None,
    val_pairs: np.ndarray | None = None,
    val_labels: np.ndarray | None = None,
    label: str = "drnl",
    num_hops: int = 1,
    max_nodes_per_hop: int | None = None,
    hidden: int = 32,
    layers: int = 3,
    conv: str = "gcn",
    dropout: float = 0.0,
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 1e-3,
    max_train: int | None = None,
    seed: int = 0,
    device: str = "auto",
    progress: bool = False,
) -> LabelingTrickModel:
    """Train a labeling-trick link predictor on one graph.

    Args:
        n: number of nodes.
        edges: ``(m, 2)`` message-passing edges (held-out links must not be in it).
        train_pos: ``(p, 2)`` positive training pairs (usually edges of ``edges``; each is
            removed from its own subgraph).
        features: optional ``float32 [n, f]`` node inputs added to the label embedding.
        types: optional node type ids; negatives then keep the replaced end's type.
        train_neg: fixed negative training pairs (default: fresh ones drawn every epoch).
        val_pairs, val_labels: labelled validation pairs; the epoch with the best validation
            AUC is kept (the last epoch when absent).
        label: ``"drnl"`` (default), ``"zero_one"`` or ``"de"``.
        num_hops: enclosing-subgraph radius (1).
        max_nodes_per_hop: cap on new nodes per hop (``None``: no cap).
        hidden, layers, conv, dropout: network size (:class:`kg.learn.nn.Encoder` kinds).
        epochs, batch_size, lr: optimisation (Adam, binary cross-entropy).
        max_train: train on a seeded random subset of at most this many positives.
        seed: seeds Python, NumPy and torch, the subset and the negatives.
        device: ``auto`` (CUDA when available), ``cpu`` or ``cuda``.
        progress: print one line per epoch.

    Returns:
        A :class:`LabelingTrickModel`.

    Example:
        >>> import numpy as np
        >>> cycle = np.array([[i, (i + 1) % 8] for i in range(8)])
        >>> m = train_labeling_trick(8, cycle, cycle, epochs=2, hidden=8, layers=1, device="cpu")
        >>> m.score(np.array([[0, 2], [0, 4]])).shape
        (2,)
    """

    import torch

    from kg.learn.device import choose_device
    from kg.learn.training import seed_all

    t0 = time.perf_counter()
    seed_all(seed)
    dev = choose_device(device)
    rng = np.random.default_rng(seed)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    pos = np.asarray(train_pos, dtype=np.int64).reshape(-1, 2)
    if max_train is not None and len(pos) > max_train:
        pos = pos[np.sort(rng.choice(len(pos), max_train, replace=False))]
    extractor = SubgraphExtractor(
        n, edges, num_hops=num_hops, label=label, max_nodes_per_hop=max_nodes_per_hop, seed=seed
    )
    known = set((np.minimum(edges[:, 0], edges[:, 1]) * n + np.maximum(edges[:, 0], edges[:, 1])).tolist())
    pos_graphs = extractor.extract_many(pos)
    val_graphs = extractor.extract_many(val_pairs) if val_pairs is not None else None
    t_extract = time.perf_counter() - t0
    in_channels = 0 if features is None else int(features.shape[1])
    feats = None if features is None else np.ascontiguousarray(features, dtype=np.float32)
    net = _network(extractor.num_labels, in_channels, hidden, layers, conv, dropout).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    history: list[dict[str, float]] = []
    best: tuple[float, int, dict[str, Any]] | None = None
    t_neg = 0.0
    fixed_neg: list[Subgraph] = []
    t1 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        tn = time.perf_counter()
        if train_neg is not None:
            neg_graphs = fixed_neg if epoch > 1 else extractor.extract_many(train_neg)
            fixed_neg = neg_graphs
        else:
            neg_graphs = extractor.extract_many(_negatives(pos, n, known, types, rng))
        t_neg += time.perf_counter() - tn
        graphs = pos_graphs + neg_graphs
        y = np.r_[np.ones(len(pos_graphs)), np.zeros(len(neg_graphs))].astype(np.float32)
        order = rng.permutation(len(graphs))
        net.train()
        total = 0.0
        for i in range(0, len(order), batch_size):
            idx = order[i : i + batch_size]
            parts = _collate([graphs[j] for j in idx], feats)
            parts = tuple(None if p is None else p.to(dev) for p in parts)
            opt.zero_grad()
            loss = loss_fn(net(*parts), torch.from_numpy(y[idx]).to(dev))
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        row = {"epoch": epoch, "loss": total / len(order)}
        if val_graphs is not None:
            row["val_auc"] = pair_metrics(val_labels, _predict(net, val_graphs, feats, 256, dev))["auc"]
            if best is None or row["val_auc"] > best[0]:
                best = (row["val_auc"], epoch, copy.deepcopy(net.state_dict()))
        history.append(row)
        if progress:
            print(f"epoch {epoch:3d}  loss {row['loss']:.4f}  val_auc {row.get('val_auc', float('nan')):.4f}", flush=True)
    if best is not None:
        net.load_state_dict(best[2])
    metrics: dict[str, float] = {}
    if best is not None:
        metrics = {"val_auc": best[0], "best_epoch": best[1]}
    config = {
        "label": label, "num_hops": num_hops, "max_nodes_per_hop": max_nodes_per_hop,
        "hidden": hidden, "layers": layers, "conv": conv, "dropout": dropout, "epochs": epochs,
        "batch_size": batch_size, "lr": lr, "train_pairs": int(len(pos)), "seed": seed,
    }
    timings = {
        "extract_s": t_extract + t_neg,
        "train_s": time.perf_counter() - t1 - t_neg,
        "total_s": time.perf_counter() - t0,
    }
    return LabelingTrickModel(net, extractor, feats, config, history, metrics, timings, str(dev))
