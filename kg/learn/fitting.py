"""What every training loop shares: seeding, the result of a fit, held-out scores.

Full-batch training (:mod:`kg.learn.training`) and mini-batch training
(:mod:`kg.learn.minibatch`) both return a :class:`FitResult` and score held-out pairs
with :func:`held_out_scores`; keeping these here lets each loop import the other's
helpers without an import circle.

>>> import random
>>> seed_all(3); a = random.random(); seed_all(3); a == random.random()
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch

from kg.learn.metrics import auc_score, average_precision

if TYPE_CHECKING:  # pragma: no cover
    from kg.learn.nn import LinkModel

__all__ = [
    "LOSSES",
    "FitResult",
    "RankingProbe",
    "held_out_scores",
    "link_loss",
    "probe_mrr",
    "ranking_probe",
    "seed_all",
]

#: Accepted ``loss=`` values of :func:`link_loss`.
LOSSES: tuple[str, ...] = ("bce", "softmax", "bce+softmax", "balanced")


def seed_all(seed: int) -> None:
    """Seed Python's ``random``, NumPy and torch (CPU and CUDA)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():  # pragma: no cover - no GPU in CI
        torch.cuda.manual_seed_all(seed)


@dataclass
class FitResult:
    """What :func:`fit_link_model` returns."""

    model: LinkModel
    best_epoch: int
    epochs_trained: int
    val: dict[str, float]
    test: dict[str, float]
    history: list[dict[str, float]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@torch.no_grad()
def held_out_scores(
    model: LinkModel, z: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor
) -> dict[str, float]:
    """AUC and average precision of the decoded positive and negative pairs."""
    p = model.decode(z, pos).cpu().numpy()
    n = model.decode(z, neg).cpu().numpy()
    return {"auc": auc_score(p, n), "ap": average_precision(p, n)}


@dataclass
class RankingProbe:
    """Fixed validation queries for a sampled, filtered MRR (see :func:`ranking_probe`)."""

    heads: torch.Tensor
    trues: torch.Tensor
    candidates: torch.Tensor
    valid: torch.Tensor
    scale: torch.Tensor

    def to(self, device: torch.device | str) -> RankingProbe:
        """A copy on ``device``."""
        return RankingProbe(*(t.to(device) for t in vars(self).values()))


def ranking_probe(
    pos: torch.Tensor,
    node_type: torch.Tensor | None,
    known: torch.Tensor,
    num_nodes: int,
    *,
    candidates: int = 100,
    max_queries: int = 500,
    seed: int = 0,
) -> RankingProbe:
    """Queries of the ranking ``kg eval`` reports, on ``pos`` (validation) pairs, drawn once.

    Every pair is asked both ways, ``(u, ?)`` and ``(v, ?)`` (at most ``max_queries``, a
    seeded sample); each query gets ``candidates`` random nodes of the answer's type
    (all nodes without types). Candidates that are the head or a ``known`` partner of it
    are masked out, so the rank is filtered as in :mod:`kg.learn.evaluation`. ``scale``
    turns a count of better candidates into an estimate of the rank among *all* nodes of
    that type (``type size / valid candidates``).

    >>> pos = torch.tensor([[0, 1], [2, 3]]); nt = torch.tensor([0, 0, 1, 1, 1, 1])
    >>> p = ranking_probe(pos, nt, pos, 6, candidates=8)
    >>> p.heads.tolist(), p.candidates.shape
    ([0, 1, 2, 3], torch.Size([4, 8]))
    >>> bool((nt[p.candidates[:2]] == 1).all() and (nt[p.candidates[2:]] == 0).all())
    True
    """
    gen = torch.Generator().manual_seed(seed)
    q = torch.cat([pos, pos.flip(0)], dim=1).cpu()
    if q.size(1) > max_queries:
        q = q[:, torch.randperm(q.size(1), generator=gen)[:max_queries].sort().values]
    heads, trues = q[0], q[1]
    nt = torch.zeros(num_nodes, dtype=torch.long) if node_type is None else node_type.cpu()
    order = torch.argsort(nt, stable=True)
    counts = torch.bincount(nt, minlength=int(nt.max()) + 1)
    starts = torch.cumsum(counts, 0) - counts
    t = nt[trues]
    r = torch.rand((q.size(1), candidates), generator=gen)
    pick = (r * counts[t, None]).long().clamp(max=(counts[t] - 1)[:, None])
    cand = order[starts[t, None] + pick]
    k = known.cpu()
    codes = torch.cat([k[0] * num_nodes + k[1], k[1] * num_nodes + k[0]])
    valid = (cand != heads[:, None]) & ~torch.isin(heads[:, None] * num_nodes + cand, codes)
    scale = counts[t].to(torch.float32) / valid.sum(dim=1).clamp(min=1).to(torch.float32)
    return RankingProbe(heads, trues, cand, valid, scale)


@torch.no_grad()
def probe_mrr(model: LinkModel, z: torch.Tensor, probe: RankingProbe) -> float:
    """Estimated filtered MRR of ``probe``'s queries: each better candidate counts ``scale``
    ranks, a tie half of that."""
    q, c = probe.candidates.shape
    if q == 0:
        return float("nan")
    true = model.decode(z, torch.stack([probe.heads, probe.trues]))
    other = model.decode(
        z, torch.stack([probe.heads.repeat_interleave(c), probe.candidates.reshape(-1)])
    ).view(q, c)
    better = ((other > true[:, None]).float() + 0.5 * (other == true[:, None]).float())
    rank = 1.0 + (better * probe.valid).sum(dim=1) * probe.scale
    return float((1.0 / rank).mean())


def link_loss(pos: torch.Tensor, neg: torch.Tensor, kind: str = "bce") -> torch.Tensor:
    """The training loss of positive logits ``pos`` (``[k]``) and negative logits ``neg``
    (``[r * k]``: ``r`` negatives per positive, the ``i``-th of each block of ``k`` drawn for
    the ``i``-th positive).

    ``"bce"``: binary cross-entropy, every pair on its own. ``"softmax"``: each positive
    against its own ``r`` negatives, cross-entropy of picking the positive among them (a
    ranking loss: only the order within a group counts, as in the filtered ranking that
    ``kg eval`` reports). ``"balanced"``: binary cross-entropy averaged over positives and
    over negatives separately, each half of the loss, so their ratio does not shift
    ``sigmoid(logit)`` (what mini-batch training uses). ``"bce+softmax"``: ``"softmax"``
    plus ``"balanced"``.

    >>> pos = torch.tensor([3.0, 0.0]); neg = torch.tensor([0.0, 0.0, 0.0, 0.0])
    >>> round(float(link_loss(pos, neg, "softmax")), 4)  # (log(1+2e-3) + log 3) / 2
    0.5968
    >>> round(float(link_loss(pos, neg, "bce")), 4)
    0.5857
    >>> round(float(link_loss(pos, neg, "balanced")), 4)  # (log(1+e^-3) + log 2) / 4 + log 2 / 2
    0.532
    """
    if kind not in LOSSES:
        raise ValueError(f"unknown loss {kind!r}; expected one of {', '.join(LOSSES)}")
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    if kind == "bce":
        logits = torch.cat([pos, neg])
        return bce(logits, torch.cat([torch.ones_like(pos), torch.zeros_like(neg)]))
    # positives and negatives weigh the same whatever their ratio: sigmoid(logit) keeps
    # the meaning it has under "bce" (one negative per positive)
    balanced = 0.5 * (bce(pos, torch.ones_like(pos)) + bce(neg, torch.zeros_like(neg)))
    if kind == "balanced":
        return balanced
    k = pos.size(0)
    grid = torch.cat([pos[:, None], neg.view(-1, k).t()], dim=1)
    rank = torch.nn.functional.cross_entropy(grid, torch.zeros(k, dtype=torch.long, device=pos.device))
    return rank if kind == "softmax" else rank + balanced
