"""Mini-batch against full-batch training on one graph: the same split, the same test queries.

Loads ``OUT/graph.json`` (a ``kg build`` output), builds the link graph and split exactly as
:func:`kg.learn.training.train` does (seed 0), fits the GNN with
:func:`kg.learn.minibatch.fit_link_model_minibatch` (or, with ``--full``,
:func:`kg.learn.training.fit_link_model`) and ranks a seeded sample of test queries the way
``kg eval`` does (its default 1,000, filtered, against every node of the answer's type), and
as many validation queries the same way, which is the figure to choose settings by. The
related-works ranker that ``train`` also fits is left out: only the link model is measured.

Prints one JSON row: fit seconds, epochs, validation and test MRR / AUC, load average.

Example::

    python benchmarks/minibatch_gap.py OUT                        # mini-batch, defaults
    python benchmarks/minibatch_gap.py OUT --full                 # full batch (slow on 50k)
    python benchmarks/minibatch_gap.py OUT --set negatives=1 --set lr_final=1.0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _prepare(out: Path) -> dict:
    import numpy as np

    from kg.graph.knowledge_graph import KnowledgeGraph
    from kg.learn.evaluation import _pairs_by_role, known_targets
    from kg.learn.pyg import to_link_graph
    from kg.learn.training import training_split

    kg = KnowledgeGraph.load(out)
    lg = to_link_graph(kg, "full", seed=0)
    index = {n: i for i, n in enumerate(lg.ids)}
    tgt, _ = _pairs_by_role(kg, index, list(lg.relations))
    known = known_targets(tgt)
    names = sorted(set(lg.types))
    codes = np.array([names.index(t) for t in lg.types])
    return {"x": lg.x, "split": training_split(lg, 0), "known": known, "codes": codes}


def _mrr(model, data: dict, mp, pos, queries: int) -> dict[str, float]:
    """Filtered ranking of ``queries`` seeded queries of ``pos`` (``kg eval``'s code)."""
    import numpy as np
    import torch

    from kg.learn.evaluation import _queries, _ranks
    from kg.learn.metrics import ranking_summary
    from kg.learn.nn import decoder_arrays
    from kg.suggest.scoring import score_matrix

    with torch.no_grad():
        z = model.encode(data["x"], mp).cpu().numpy().astype(np.float32)
    dec = decoder_arrays(model)
    q = _queries(pos.cpu().numpy(), queries, 0)
    ranks = _ranks(lambda h: score_matrix(z, h, dec, logits=True), q, data["codes"], data["known"])
    return ranking_summary(ranks)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="a kg build output folder (graph.json)")
    ap.add_argument("--full", action="store_true", help="full-batch training (300 epochs, patience 50)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="an option of the fit (JSON value), e.g. negatives=1")
    ap.add_argument("--queries", type=int, default=1000, help="test and validation queries ranked")
    args = ap.parse_args(argv)
    from kg.learn.device import choose_device

    device = choose_device("cpu")
    data = _prepare(args.out)
    options = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    if args.full:
        from kg.learn.training import fit_link_model

        fit = fit_link_model(data["x"], data["split"], supervision=0.3, device=device, **options)
    else:
        from kg.learn.minibatch import fit_link_model_minibatch

        fit = fit_link_model_minibatch(data["x"], data["split"], device=device, **options)
    wall = time.perf_counter() - t0
    split = data["split"]
    test = _mrr(fit.model, data, split.test_mp, split.test_pos, args.queries)
    val = _mrr(fit.model, data, split.train_mp, split.val_pos, args.queries)
    row = {
        "mode": "full" if args.full else "minibatch",
        "options": options,
        "fit_s": round(wall, 1),
        "epochs": fit.epochs_trained,
        "best_epoch": fit.best_epoch,
        "val_mrr": round(val["mrr"], 4),
        "test_mrr": round(test["mrr"], 4),
        "test_hits@10": round(test["hits@10"], 4),
        "val_auc": round(fit.val["auc"], 4),
        "test_auc": round(fit.test["auc"], 4),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
