"""The labeling-trick link predictor on Planetoid (Cora, CiteSeer) under the GAE protocol.

Same data and split as the GAE benchmark (``benchmarks/linkpred_planetoid.py``):
:func:`benchmarks.planetoid.load_planetoid` (row-normalised features) and :func:`kg.learn.split.link_split`
with 85/5/10 train/validation/test edges (validation and test edges out of message passing,
fixed uniform negatives), seeded per run. The model is trained on (a seeded subsample of) the
training edges with fresh negatives every epoch, the epoch with the best validation AUC is
kept, and test AUC and AP are reported at that epoch.

Example
-------
>>> from pathlib import Path
>>> root = Path("/work/shared/data/planetoid")
>>> if root.exists():  # doctest: +SKIP
...     run_labeling_trick_planetoid("Cora", seeds=1, root=root, epochs=1, max_train=200)["auc"][0] > 0.5
True
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from kg.symmetry.labeling import train_labeling_trick

__all__ = [
    "PLANETOID_DEFAULTS",
    "PLANETOID_CPU",
    "labeling_trick_on_split",
    "labeling_trick_split_run",
    "run_labeling_trick_planetoid",
]

#: Settings chosen by mean validation AUC among six on a GPU (3 seeds each; see the README):
#: uncapped 3-hop DRNL subgraphs (SEAL's radius for Cora), width 128, 8 epochs at
#: learning rate 5e-4, all training links; the best validation epoch is kept. About two
#: minutes a seed on an H100 machine, much longer on a CPU (:data:`PLANETOID_CPU`).
PLANETOID_DEFAULTS: dict[str, Any] = {
    "label": "drnl",
    "num_hops": 3,
    "max_nodes_per_hop": None,
    "hidden": 128,
    "layers": 3,
    "conv": "gcn",
    "epochs": 8,
    "batch_size": 64,
    "lr": 5e-4,
    "max_train": None,
}

#: Overrides for a small CPU budget: 2-hop subgraphs with at most 40 new nodes per hop,
#: width 32, 6 epochs at 1e-3 (about 1.5 points lower AUC on Cora).
PLANETOID_CPU: dict[str, Any] = {
    "num_hops": 2,
    "max_nodes_per_hop": 40,
    "hidden": 32,
    "epochs": 6,
    "lr": 1e-3,
}


def labeling_trick_on_split(data: Any, split: Any, seed: int, **options: Any) -> dict[str, Any]:
    """Train on a :class:`kg.learn.split.LinkSplit` of ``data`` and return test AUC/AP at the best
    validation epoch, with seconds and epochs (a row of ``benchmarks/linkpred_planetoid.py``).
    """
    import torch

    from kg.learn.metrics import auc_score, average_precision

    mp = split.train_mp.t().cpu().numpy()
    mp = mp[mp[:, 0] < mp[:, 1]]
    vp = torch.cat([split.val_pos, split.val_neg], 1).t().cpu().numpy()
    vy = np.r_[np.ones(split.val_pos.size(1)), np.zeros(split.val_neg.size(1))]
    opts = {**PLANETOID_DEFAULTS, **options}
    t0 = time.perf_counter()
    model = train_labeling_trick(
        data.num_nodes, mp, split.train_pos.t().cpu().numpy(),
        features=data.x.cpu().numpy().astype(np.float32), val_pairs=vp, val_labels=vy,
        seed=seed, **opts,
    )
    # test links are scored on the graph with validation links known (as the GAE rows)
    test_mp = split.test_mp.t().cpu().numpy()
    model = model.on_graph(test_mp[test_mp[:, 0] < test_mp[:, 1]])
    pos = model.score(split.test_pos.t().cpu().numpy())
    neg = model.score(split.test_neg.t().cpu().numpy())
    return {
        "auc": auc_score(pos, neg),
        "ap": average_precision(pos, neg),
        "val_auc": float(model.metrics.get("val_auc", float("nan"))),
        "seconds": time.perf_counter() - t0,
        "epochs": int(opts["epochs"]),
    }


def labeling_trick_split_run(data: Any, seed: int, **options: Any) -> dict[str, Any]:
    """Split ``data`` (a PyG ``Data``) with ``seed`` exactly as the GAE benchmark does
    (:func:`kg.learn.split.link_split`, uniform negatives) and run :func:`labeling_trick_on_split`."""
    import torch

    from benchmarks.planetoid import undirected_pairs
    from kg.learn.split import link_split

    split = link_split(
        undirected_pairs(data.edge_index), torch.empty(2, 0, dtype=torch.long), data.num_nodes,
        val=0.05, test=0.10, seed=seed,
    )
    return labeling_trick_on_split(data, split, seed, **options)


def run_labeling_trick_planetoid(
    name: str,
    seeds: int = 10,
    *,
    root: str | Path = "../shared/data/planetoid",
    **options: Any,
) -> dict[str, Any]:
    """Labeling-trick test AUC and AP on a Planetoid graph, mean and std over ``seeds`` runs.

    Args:
        name: ``"Cora"``, ``"CiteSeer"`` or ``"PubMed"`` (raw ``ind.<name>.*`` files in ``root``).
        seeds: number of seeded splits (seeds ``0..seeds-1``).
        root: folder of the raw Planetoid files.
        **options: overrides of :data:`PLANETOID_DEFAULTS` (``epochs``, ``max_train``...).

    Returns:
        ``{"auc": [mean, std], "ap": [mean, std], "seconds": [mean, std], "runs": [...],
        "config": {...}}``.
    """
    from benchmarks.planetoid import load_planetoid

    data = load_planetoid(name, root)
    runs = [labeling_trick_split_run(data, seed, **options) for seed in range(seeds)]

    def stat(key: str) -> list[float]:
        v = np.array([r[key] for r in runs])
        return [float(v.mean()), float(v.std())]

    return {
        "auc": stat("auc"), "ap": stat("ap"), "seconds": stat("seconds"), "runs": runs,
        "config": {**PLANETOID_DEFAULTS, **options},
    }
