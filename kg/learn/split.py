"""The honest link split: held-out edges never take part in message passing.

:func:`link_split` runs torch-geometric's ``RandomLinkSplit`` over the **target** edges only
(undirected, ``is_undirected=True`` so an edge and its reverse always fall on the same side),
then adds the **context** edges (always known, never predicted) to every message-passing graph:

* training and validation embeddings use ``train_mp`` = context + training targets;
* test embeddings use ``test_mp`` = context + training + validation targets (as in
  torch-geometric's ``examples/link_pred.py``);
* the final embeddings saved for suggestions use ``full_mp`` = everything.

Evaluation negatives are drawn once and fixed. With ``node_type`` given they are **typed**:
each positive ``(u, v)`` is corrupted on one side by a random node of the same type as the side
replaced, never forming a known target edge (this is what ranking against "all candidates of
the right type" measures). Without ``node_type`` (one node type, e.g. Planetoid) they are
``RandomLinkSplit``'s uniform negatives, the GAE protocol. :func:`train_negatives` draws
fresh training negatives each epoch the same way.

Example
-------
>>> import torch
>>> target = torch.tensor([[0, 0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 9]])
>>> s = link_split(target, torch.empty(2, 0, dtype=torch.long), 10, val=0.1, test=0.2, seed=0)
>>> s.train_pos.size(1), s.val_pos.size(1), s.test_pos.size(1)
(7, 1, 2)
>>> held = {tuple(p) for p in s.test_pos.t().tolist()}
>>> any(tuple(p) in held or tuple(p[::-1]) in held for p in s.train_mp.t().tolist())
False
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch_geometric.utils import negative_sampling, to_undirected

__all__ = [
    "LinkSplit",
    "link_split",
    "split_from_parts",
    "supervision_split",
    "train_negatives",
    "typed_corruption",
]


@dataclass
class LinkSplit:
    """Index-space edges of one split (pairs ``[2, k]``; ``*_mp`` hold both directions)."""

    num_nodes: int
    train_pos: torch.Tensor
    val_pos: torch.Tensor
    val_neg: torch.Tensor
    test_pos: torch.Tensor
    test_neg: torch.Tensor
    train_mp: torch.Tensor
    test_mp: torch.Tensor
    full_mp: torch.Tensor
    context: torch.Tensor | None = None
    node_type: torch.Tensor | None = None

    @property
    def negatives(self) -> str:
        """``"typed"`` or ``"uniform"``."""
        return "uniform" if self.node_type is None else "typed"

    def sizes(self) -> dict[str, int]:
        """Number of positive pairs per part."""
        return {
            "train": int(self.train_pos.size(1)),
            "val": int(self.val_pos.size(1)),
            "test": int(self.test_pos.size(1)),
        }

    def to(self, device: torch.device) -> LinkSplit:
        """A copy with every tensor on ``device``."""
        moved = {
            k: (v.to(device) if isinstance(v, torch.Tensor) else v) for k, v in vars(self).items()
        }
        return LinkSplit(**moved)

    def arrays(self) -> dict[str, np.ndarray]:
        """The pairs as NumPy int64 arrays (for saving next to a model)."""
        return {
            k: getattr(self, k).cpu().numpy().astype(np.int64)
            for k in ("train_pos", "val_pos", "val_neg", "test_pos", "test_neg")
        }


def _by_type(node_type: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    order = torch.argsort(node_type, stable=True)
    counts = torch.bincount(node_type, minlength=int(node_type.max()) + 1)
    starts = torch.cumsum(counts, 0) - counts
    return order, counts, starts


def typed_corruption(
    pos: torch.Tensor, node_type: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """One negative per positive: one side (chosen at random) replaced by a same-type node.

    >>> pos = torch.tensor([[0], [1]]); nt = torch.tensor([0, 1, 1, 1])
    >>> neg = typed_corruption(pos, nt, torch.Generator().manual_seed(0))
    >>> int(nt[neg[0, 0]]) == 0 and int(nt[neg[1, 0]]) == 1
    True
    """
    order, counts, starts = _by_type(node_type.cpu())
    pos_cpu = pos.cpu()
    k = pos_cpu.size(1)
    side = torch.randint(0, 2, (k,), generator=generator)
    old = pos_cpu[side, torch.arange(k)]
    t = node_type.cpu()[old]
    r = torch.rand(k, generator=generator)
    new = order[starts[t] + (r * counts[t]).long().clamp(max=counts[t] - 1)]
    neg = pos_cpu.clone()
    neg[side, torch.arange(k)] = new
    return neg.to(pos.device)


def _fixed_typed_negatives(
    pos: torch.Tensor, node_type: torch.Tensor, known: set[tuple[int, int]], seed: int
) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    neg = typed_corruption(pos, node_type, gen)
    for _ in range(20):  # re-draw the few that hit a known edge or a self-loop
        bad = [
            i
            for i, (a, b) in enumerate(neg.t().tolist())
            if a == b or (min(a, b), max(a, b)) in known
        ]
        if not bad:
            break
        neg[:, bad] = typed_corruption(pos[:, bad], node_type, gen)
    return neg


def link_split(
    target: torch.Tensor,
    context: torch.Tensor,
    num_nodes: int,
    *,
    val: float = 0.05,
    test: float = 0.10,
    seed: int = 0,
    node_type: torch.Tensor | None = None,
) -> LinkSplit:
    """Split undirected ``target`` pairs into train/val/test (see the module docstring).

    Args:
        target: ``[2, m]`` undirected target pairs, each once.
        context: ``[2, c]`` undirected context pairs (message passing only), each once.
        num_nodes: number of nodes.
        val: fraction of target edges for validation.
        test: fraction of target edges for test.
        seed: seeds ``RandomLinkSplit`` and the negatives.
        node_type: per-node type index for typed negatives, or ``None`` for uniform ones.
    """
    from torch_geometric.data import Data
    from torch_geometric.transforms import RandomLinkSplit

    torch.manual_seed(seed)
    np.random.seed(seed)
    data = Data(edge_index=to_undirected(target, num_nodes=num_nodes), num_nodes=num_nodes)
    splitter = RandomLinkSplit(
        num_val=val,
        num_test=test,
        is_undirected=True,
        add_negative_train_samples=False,
        split_labels=True,
    )
    tr, va, te = splitter(data)
    train_pos = tr.pos_edge_label_index
    val_pos, test_pos = va.pos_edge_label_index, te.pos_edge_label_index
    if node_type is None:
        empty = torch.empty((2, 0), dtype=torch.long)
        val_neg = getattr(va, "neg_edge_label_index", empty)
        test_neg = getattr(te, "neg_edge_label_index", empty)
    else:
        known = {(min(a, b), max(a, b)) for a, b in target.t().tolist()}
        val_neg = _fixed_typed_negatives(val_pos, node_type, known, seed + 1)
        test_neg = _fixed_typed_negatives(test_pos, node_type, known, seed + 2)
    return split_from_parts(
        num_nodes, train_pos, val_pos, val_neg, test_pos, test_neg, context, node_type
    )


def split_from_parts(
    num_nodes: int,
    train_pos: torch.Tensor,
    val_pos: torch.Tensor,
    val_neg: torch.Tensor,
    test_pos: torch.Tensor,
    test_neg: torch.Tensor,
    context: torch.Tensor,
    node_type: torch.Tensor | None,
) -> LinkSplit:
    """A :class:`LinkSplit` from its parts, with the message-passing edges derived from them:
    training passes messages over train + context, testing adds validation, the full graph
    adds test (both directions each)."""

    def mp(*parts: torch.Tensor) -> torch.Tensor:
        return to_undirected(torch.cat([*parts, context], dim=1), num_nodes=num_nodes)

    return LinkSplit(
        num_nodes=num_nodes,
        train_pos=train_pos,
        val_pos=val_pos,
        val_neg=val_neg,
        test_pos=test_pos,
        test_neg=test_neg,
        train_mp=mp(train_pos),
        test_mp=mp(train_pos, val_pos),
        full_mp=mp(train_pos, val_pos, test_pos),
        context=context,
        node_type=node_type,
    )


def train_negatives(
    split: LinkSplit, generator: torch.Generator | None = None, pos: torch.Tensor | None = None
) -> torch.Tensor:
    """Fresh training negatives, one per positive of ``pos`` (default all training positives).

    Typed corruptions when the split has node types, else uniform pairs that are not training
    edges (``negative_sampling``).
    """
    pos = split.train_pos if pos is None else pos
    if split.node_type is not None:
        return typed_corruption(pos, split.node_type, generator)
    # train_mp holds every training edge in both directions (plus context edges, which are
    # not targets either), so no training edge is drawn as a negative
    return negative_sampling(split.train_mp, num_nodes=split.num_nodes, num_neg_samples=pos.size(1))


def supervision_split(
    split: LinkSplit, ratio: float, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-epoch disjoint split of the training targets: ``(supervision pairs, message passing)``.

    A fraction ``ratio`` of the training positives is supervised and left *out* of message
    passing for this epoch (the rest plus the context edges pass messages), so the model
    cannot learn the shortcut "an edge exists when it is already in the graph", which never
    holds for held-out edges. ``ratio=0`` supervises all training edges with all of them in
    message passing (the GAE protocol).

    >>> import torch
    >>> t = torch.tensor([[0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8]])
    >>> s = link_split(t, torch.empty(2, 0, dtype=torch.long), 9, val=0.125, test=0.125)
    >>> sup, mp = supervision_split(s, 0.5, torch.Generator().manual_seed(0))
    >>> sup.size(1), mp.size(1)
    (3, 6)
    """
    if ratio <= 0:
        return split.train_pos, split.train_mp
    pos = split.train_pos
    k = pos.size(1)
    n_sup = max(1, int(round(ratio * k)))
    perm = torch.randperm(k, generator=generator).to(pos.device)
    sup, rest = pos[:, perm[:n_sup]], pos[:, perm[n_sup:]]
    parts = [rest] if split.context is None else [rest, split.context]
    mp = to_undirected(torch.cat(parts, dim=1), num_nodes=split.num_nodes)
    return sup, mp
