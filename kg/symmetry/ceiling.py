"""The expressivity ceiling of node-level models on labelled pairs, and the metrics used.

A link predictor that scores a pair ``(u, v)`` from node embeddings ``h_u, h_v`` of a
permutation-invariant encoder gives every pair in the same *class pair*
``(class(u), class(v))`` the same score (classes: automorphism orbits, or 1-WL colours for a
message-passing GNN). On a set of labelled pairs, the best such model predicts the majority
label of each class pair (best accuracy) and ranks class pairs by their share of positives
(best AUC, ties counted one half). :func:`expressivity_ceiling` computes both; no model of
that family can pass them on these pairs.

Example
-------
>>> import numpy as np
>>> pairs = np.array([[0, 1], [0, 2], [0, 3]])    # node 1 and 2 are in one class
>>> y = np.array([1, 0, 0])
>>> c = expressivity_ceiling(pairs, y, np.array([0, 1, 1, 2]))
>>> c.accuracy, c.auc                                # (0,1) vs (0,2): one of them is wrong
(0.6666666666666666, 0.75)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["Ceiling", "expressivity_ceiling", "roc_auc", "best_accuracy", "pair_metrics"]


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve with ties counted one half (Mann-Whitney U).

    >>> roc_auc(np.array([1, 0, 1, 0]), np.array([0.9, 0.1, 0.5, 0.5]))
    0.875
    """
    from kg.learn.metrics import auc_score

    y = np.asarray(labels).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    return auc_score(s[y], s[~y])


def best_accuracy(labels: np.ndarray, scores: np.ndarray) -> float:
    """Accuracy of the best single threshold on ``scores`` (predict 1 above it).

    This is the accuracy a score can reach with an ideally chosen cut; the ceiling uses the
    same rule, so models and ceiling are compared on equal terms.

    >>> best_accuracy(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(labels).astype(np.int64)
    s = np.asarray(scores, dtype=np.float64)
    if len(y) == 0:
        return float("nan")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    # cut after each distinct score: predict 1 for the first k
    last = np.r_[s_sorted[1:] != s_sorted[:-1], True]
    tp = np.cumsum(y_sorted)[last]
    k = np.arange(1, len(y) + 1)[last]
    fp = k - tp
    n_neg = len(y) - int(y.sum())
    correct = np.r_[n_neg, tp + (n_neg - fp)]  # includes "predict all 0"
    return float(correct.max() / len(y))


def pair_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """``{"accuracy": best-threshold accuracy, "auc": ROC AUC}`` of ``scores``.

    >>> pair_metrics(np.array([0, 1]), np.array([0.2, 0.7]))
    {'accuracy': 1.0, 'auc': 1.0}
    """
    return {"accuracy": best_accuracy(labels, scores), "auc": roc_auc(labels, scores)}


@dataclass(frozen=True)
class Ceiling:
    """The best accuracy and AUC of any model whose pair score depends only on the classes.

    Attributes:
        accuracy: majority label per class pair, counted over all pairs.
        auc: AUC when class pairs are ranked by their positive rate.
        pairs: number of labelled pairs.
        groups: number of distinct class pairs among them.
        mixed_groups: class pairs holding both positives and negatives (where it errs).
        mixed_pairs: pairs in those mixed class pairs.
    """

    accuracy: float
    auc: float
    pairs: int
    groups: int
    mixed_groups: int
    mixed_pairs: int

    def to_dict(self) -> dict[str, float | int]:
        """Plain dict for JSON."""
        return asdict(self)


def expressivity_ceiling(
    pairs: np.ndarray, labels: np.ndarray, classes: np.ndarray, *, ordered: bool = True
) -> Ceiling:
    """Best accuracy and AUC reachable by scoring each pair from its class pair alone.

    Parameters
    ----------
    pairs : ``(k, 2)`` node indices (query, candidate).
    labels : ``(k,)`` 1 for a true link, 0 for a non-link.
    classes : class id per node (orbits or WL colours).
    ordered : treat ``(a, b)`` and ``(b, a)`` as different class pairs (a decoder need not be
        symmetric). ``False`` gives the (lower) ceiling of symmetric decoders.

    Examples
    --------
    >>> expressivity_ceiling(np.array([[0, 1], [0, 2]]), np.array([1, 0]), np.array([0, 1, 2])).accuracy
    1.0
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    y = np.asarray(labels).astype(np.int64)
    c = np.asarray(classes, dtype=np.int64)
    a, b = c[pairs[:, 0]], c[pairs[:, 1]]
    if not ordered:
        a, b = np.minimum(a, b), np.maximum(a, b)
    _, group = np.unique(np.stack([a, b], axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    n_groups = int(group.max()) + 1 if len(group) else 0
    pos = np.bincount(group, weights=y, minlength=n_groups)
    tot = np.bincount(group, minlength=n_groups).astype(np.float64)
    rate = pos / np.maximum(tot, 1)
    mixed = (pos > 0) & (pos < tot)
    return Ceiling(
        accuracy=float(np.maximum(pos, tot - pos).sum() / max(len(y), 1)),
        auc=roc_auc(y, rate[group]),
        pairs=len(y),
        groups=n_groups,
        mixed_groups=int(mixed.sum()),
        mixed_pairs=int(tot[mixed].sum()),
    )
