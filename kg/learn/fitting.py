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

__all__ = ["FitResult", "held_out_scores", "seed_all"]


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
