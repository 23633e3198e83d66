"""Link-prediction metrics in NumPy: AUC, average precision, filtered ranks, MRR, Hits@k.

Ties count half (AUC is the Mann-Whitney statistic; a rank is ``1 + #better + #tied / 2``),
so a method that gives every candidate the same score is not rewarded for it.

Example
-------
>>> auc_score([0.9, 0.8], [0.1, 0.85])
0.75
>>> round(average_precision([0.9, 0.8], [0.1, 0.85]), 4)
0.8333
>>> rank_of(np.array([0.5, 0.9, 0.5, 0.1]), 0)
2.5
>>> ranking_summary([1.0, 2.0, 20.0])
{'mrr': 0.5166666666666667, 'hits@1': 0.3333333333333333, 'hits@10': 0.6666666666666666}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import rankdata

__all__ = ["auc_score", "average_precision", "rank_of", "ranking_summary"]


def auc_score(pos: Sequence[float] | np.ndarray, neg: Sequence[float] | np.ndarray) -> float:
    """Area under the ROC curve of positive vs negative scores (ties count half)."""
    pos, neg = np.asarray(pos, dtype=np.float64), np.asarray(neg, dtype=np.float64)
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([pos, neg]))
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2.0
    return float(u / (len(pos) * len(neg)))


def average_precision(
    pos: Sequence[float] | np.ndarray, neg: Sequence[float] | np.ndarray
) -> float:
    """Average precision of positives among positives + negatives (ties broken pessimistically)."""
    pos, neg = np.asarray(pos, dtype=np.float64), np.asarray(neg, dtype=np.float64)
    if len(pos) == 0:
        return float("nan")
    scores = np.concatenate([pos, neg])
    labels = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    # sort descending; among equal scores put negatives first (pessimistic, deterministic)
    order = np.lexsort((labels, -scores))
    labels = labels[order]
    hits = np.cumsum(labels)
    precision = hits / np.arange(1, len(labels) + 1)
    return float((precision * labels).sum() / len(pos))


def rank_of(scores: np.ndarray, target: int, mask: np.ndarray | None = None) -> float:
    """Rank of ``scores[target]`` among the candidates ``mask`` (all when ``None``); ties half."""
    s = scores if mask is None else scores[mask | (np.arange(len(scores)) == target)]
    t = scores[target]
    better = float(np.count_nonzero(s > t))
    tied = float(np.count_nonzero(s == t)) - 1.0
    return 1.0 + better + tied / 2.0


def ranking_summary(ranks: Sequence[float] | np.ndarray) -> dict[str, float]:
    """MRR, Hits@1 and Hits@10 of a list of ranks."""
    r = np.asarray(ranks, dtype=np.float64)
    if len(r) == 0:
        return {"mrr": float("nan"), "hits@1": float("nan"), "hits@10": float("nan")}
    return {
        "mrr": float(np.mean(1.0 / r)),
        "hits@1": float(np.mean(r <= 1.0)),
        "hits@10": float(np.mean(r <= 10.0)),
    }
