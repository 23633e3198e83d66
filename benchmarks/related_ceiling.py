"""What any weighting of the ranker's features could reach on the related-works protocol.

The shipped ranker is a weighted sum of the features of :data:`kg.suggest.related.FEATURES`.
This runs the leave-one-list-out protocol (:mod:`kg.related_eval`, the same folders and
cache as ``benchmarks/related_works.py``), keeps every query's feature rows, and then
*fits the weights to the protocol's own answers*: a seeded search over weight vectors for
the highest mean MRR over the held-out lists, the highest P@5, and the best share of both
floors at once (the metric itself as the objective). That is no ranker one may ship: it has
seen the answers. It is a bound, found by search, for every ranker of the same form on these
queries, to set beside the issue's floor (1.3x the best classic heuristic: common
neighbours, Adamic–Adar, resource allocation).

Two bounds are printed: weights at or above zero (each feature is evidence *for*
relatedness, as the ranker has it: sharing a section in one's notes never counts against
two papers) and weights of any sign. Standardised features, so weights compare.

Usage::

    python benchmarks/related_ceiling.py --cache /tmp/related-cache          # table
    python benchmarks/related_ceiling.py --cache /tmp/related-cache --json

Example (the search, on two queries of three candidates):

>>> qs = [{"rows": [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], "relevant": [False, True, False]},
...       {"rows": [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]], "relevant": [True, False, False]}]
>>> w, got = fit_to_answers({"a": qs}, "mrr", nonnegative=True, tries=50, seed=0)
>>> got, bool(w[1] > w[0])
(1.0, True)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.related_works import add_protocol_arguments, protocol_notes, timing  # noqa: E402
from kg.related_eval import _query_metrics, evaluate_related  # noqa: E402

#: The classic heuristics the floor is set against, and the floor's factor.
HEURISTICS = ("common_neighbors", "adamic_adar", "resource_allocation")
FLOOR = 1.3
#: Weight vectors tried per search: a third drawn at random, the rest near the best so far.
TRIES = 10000


def _means(lists: Mapping[str, Sequence[dict[str, Any]]], w: np.ndarray) -> dict[str, float]:
    """Mean over lists of the mean over their queries of MRR and P@5 for scores ``rows @ w``."""
    per = [[_query_metrics(np.asarray(q["rows"]) @ w, np.asarray(q["relevant"])) for q in qs]
           for qs in lists.values() if qs]
    return {m: float(np.mean([np.mean([r[m] for r in rs]) for rs in per])) for m in ("mrr", "p@5")}


def objective(means: Mapping[str, float], target: str, floor: Mapping[str, float] | None = None) -> float:
    """What a search maximises: ``"mrr"``, ``"p@5"``, or ``"both"``, the lesser of the two
    as a share of its ``floor`` (1.0: both floors met).

    >>> objective({"mrr": 0.8, "p@5": 0.45}, "both", {"mrr": 0.8, "p@5": 0.5})
    0.9
    """
    if target == "both":
        assert floor is not None
        return min(means["mrr"] / floor["mrr"], means["p@5"] / floor["p@5"])
    return means[target]


def fit_to_answers(
    lists: Mapping[str, Sequence[dict[str, Any]]],
    target: str,
    *,
    nonnegative: bool,
    floor: Mapping[str, float] | None = None,
    tries: int = TRIES,
    seed: int = 0,
) -> tuple[np.ndarray, float]:
    """The weights with the highest :func:`objective` found by a seeded random search, and
    that value. Starts from each feature alone; a third of the tries are fresh random
    directions, the rest steps of random size around the best so far."""
    d = len(next(q for qs in lists.values() for q in qs)["rows"][0])
    rng = np.random.default_rng(seed)
    fix = np.abs if nonnegative else (lambda v: v)
    best_w, best = np.eye(d)[0], -np.inf
    for i in range(d + tries):
        if i < d:
            w = np.eye(d)[i]
        elif i < d + tries // 3:
            w = fix(rng.normal(size=d))
        else:
            w = fix(best_w + rng.normal(size=d) * rng.random())
        got = objective(_means(lists, w), target, floor)
        if got > best:
            best_w, best = w, got
    return best_w / (np.abs(best_w).max() or 1.0), best


def standardised(result: dict[str, Any]) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    """Feature names and ``{list: queries}`` with every column standardised over all pairs."""
    used = {k: v["features"] for k, v in result["lists"].items() if v["queries"]}
    names = next(iter(used.values()))["names"]
    allrows = np.vstack([np.asarray(q["rows"]) for f in used.values() for q in f["queries"]])
    mean, scale = allrows.mean(axis=0), allrows.std(axis=0)
    scale[scale == 0] = 1.0
    lists = {
        k: [{"rows": ((np.asarray(q["rows"]) - mean) / scale).tolist(), "relevant": q["relevant"]}
            for q in f["queries"]]
        for k, f in used.items()
    }
    return names, lists


def ceiling(result: dict[str, Any], *, tries: int = TRIES, seed: int = 0) -> dict[str, Any]:
    """The bounds for a :func:`kg.related_eval.evaluate_related` result run with
    ``keep_features=True``, beside the shipped ranker and the floor."""
    names, lists = standardised(result)
    mean = result["mean"]
    floor = {m: FLOOR * max(mean[h][m] for h in HEURISTICS) for m in ("mrr", "p@5")}
    rows: dict[str, Any] = {"shipped ranker": {m: mean["ranker"][m] for m in ("mrr", "p@5")}}
    for sign, nonneg in (("weights >= 0", True), ("any sign", False)):
        for target in ("both", "mrr", "p@5"):
            w, _ = fit_to_answers(lists, target, nonnegative=nonneg, floor=floor, tries=tries, seed=seed)
            rows[f"fitted to the answers for {target.upper()}, {sign}"] = {
                **_means(lists, w), "weights": {n: round(float(v), 3) for n, v in zip(names, w, strict=True)},
            }
    return {"floor": floor, "rows": rows, "queries": result["queries"],
            "lists": sorted(lists), "tries": tries, "seed": seed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_protocol_arguments(parser)
    parser.add_argument("--tries", type=int, default=TRIES, help="weight vectors per search")
    parser.add_argument("--seed", type=int, default=0, help="the search's seed")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if not Path(args.notes).exists():
        print(f"{args.notes}: no such folder", file=sys.stderr)
        return 1
    options = {"epochs": args.epochs} if args.epochs else {}
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = evaluate_related(protocol_notes(args), args.lists, cache_dir=args.cache,
                              keep_features=True, **options)
    out = ceiling(result, tries=args.tries, seed=args.seed)
    out["timing"] = timing(t0, cpu0)
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    f = out["floor"]
    print(f"{out['queries']} queries over {len(out['lists'])} lists; floor MRR {f['mrr']:.3f}, "
          f"P@5 {f['p@5']:.3f} ({FLOOR}x the best of {', '.join(HEURISTICS)})")
    for name, row in out["rows"].items():
        print(f"  {name:48s} MRR {row['mrr']:.3f}  P@5 {row['p@5']:.3f}")
        if "weights" in row:
            print("      " + ", ".join(f"{k} {v:g}" for k, v in row["weights"].items() if v))
    t = out["timing"]
    print(f"\n{t['wall_s']} s wall, {t['cpu_s']} s CPU; load average {t['load_average']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
