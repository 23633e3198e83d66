"""Evaluate the link predictor against the classic heuristics on the same held-out split.

For the test edges of the predictor's split (never in message passing, see :mod:`kg.learn.split`):

* **AUC** and **AP**: test positives against the fixed typed test negatives.
* **MRR**, **Hits@1**, **Hits@10**: every test edge ``(u, v)`` is asked both ways; for the query
  ``(u, ?)`` the true ``v`` is ranked against **all** nodes of ``v``'s type except ``u``, with
  the other known target edges of ``u`` (training, validation and test) filtered out. Ties
  count half (:mod:`kg.learn.metrics`).

The GNN scores with ``z_eval`` (embeddings whose message passing saw only training and
validation edges); the heuristics of :mod:`kg.learn.baselines` (Common Neighbours, Adamic-Adar,
Resource Allocation, label-text similarity) score on a graph of exactly the same edges
(context + training + validation targets). Everything here is NumPy/SciPy: evaluating a saved
model does not import torch (training one does).

Result shape (also what ``kg eval --json`` prints)::

    {"results": {"gnn": {"auc", "ap", "mrr", "hits@1", "hits@10"},
                 "common_neighbors": {...}, "adamic_adar": {...},
                 "resource_allocation": {...}, "text_similarity": {...}},
     "split": {"train", "val", "test", "queries", "relations", "negatives", "seed", ...}}

Example
-------
>>> import networkx as nx
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> for i in range(30):
...     g.add_node(f"paper:p{i}", type="paper", label=f"paper {i}", aliases=[], notes=[])
...     g.add_node(f"topic:t{i % 5}", type="topic", label=f"topic {i % 5}", aliases=[], notes=[])
...     _ = g.add_edge(f"paper:p{i}", f"topic:t{i % 5}", key="part_of", relation="part_of")
>>> r = evaluate(KnowledgeGraph(g), epochs=5, hidden=8)
>>> sorted(r["results"]), sorted(r["results"]["gnn"])
(['adamic_adar', 'common_neighbors', 'gnn', 'resource_allocation', 'text_similarity'], ['ap', 'auc', 'hits@1', 'hits@10', 'mrr'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.learn.baselines import HeuristicScorer
from kg.learn.metrics import auc_score, average_precision, rank_of, ranking_summary
from kg.learn.predictor import LinkPredictor
from kg.suggest.scoring import score_matrix, score_pairs

__all__ = ["BASELINES", "METRICS", "DEFAULT_QUERIES", "evaluate", "known_targets", "seen_graph", "format_table"]

#: Heuristics compared with the GNN (names of :data:`kg.learn.baselines.METHODS`).
BASELINES: tuple[str, ...] = (
    "common_neighbors",
    "adamic_adar",
    "resource_allocation",
    "text_similarity",
)

#: Metric keys of every result row.
METRICS: tuple[str, ...] = ("auc", "ap", "mrr", "hits@1", "hits@10")

#: Test queries ``kg eval`` ranks by default: a fixed sample (seeded by the model's seed), so
#: the figures are stable and the time bounded on any graph (``--all`` ranks every one).
DEFAULT_QUERIES = 1000


def _pairs_by_role(
    kg: KnowledgeGraph, index: dict[str, int], targets: Sequence[str]
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Undirected target and context index pairs (the same rule as :func:`kg.learn.pyg.to_link_graph`)."""
    tgt: set[tuple[int, int]] = set()
    ctx: set[tuple[int, int]] = set()
    for u, v, rel in kg.graph.edges(data="relation"):
        a, b = index[u], index[v]
        if a != b:
            (tgt if rel in targets else ctx).add((min(a, b), max(a, b)))
    return tgt, ctx - tgt


def known_targets(pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Each node's partners in the target ``pairs``, both ways: the answers a filtered ranking
    leaves out of a query's candidates (all but the one asked).

    >>> known_targets([(0, 1), (0, 2)])
    {0: {1, 2}, 1: {0}, 2: {0}}
    """
    known: dict[int, set[int]] = {}
    for a, b in pairs:
        known.setdefault(a, set()).add(b)
        known.setdefault(b, set()).add(a)
    return known


def seen_graph(kg: KnowledgeGraph, predictor: LinkPredictor) -> nx.Graph:
    """The graph the heuristics score on: context + training + validation target edges.

    Exactly the GNN's test-time message passing; the test edges are not in it. Nodes carry
    ``label`` and ``aliases`` for the text similarity.
    """
    ids = predictor.ids
    index = {nid: i for i, nid in enumerate(ids)}
    targets = predictor.config.get("target_relations", ["subtopic_of", "part_of", "published_at"])
    _, ctx = _pairs_by_role(kg, index, targets)
    seen = nx.Graph()
    for nid in ids:
        attrs = kg.graph.nodes[nid]
        seen.add_node(nid, label=attrs.get("label", nid), aliases=attrs.get("aliases") or [])
    split = predictor.split
    mp = (
        list(ctx)
        + [tuple(p) for p in split["train_pos"].T]
        + [tuple(p) for p in split["val_pos"].T]
    )
    seen.add_edges_from((ids[a], ids[b]) for a, b in mp)
    return seen


def _queries(test_pos: np.ndarray, max_queries: int | None, seed: int) -> np.ndarray:
    """``[q, 2]`` (head, true) queries: each test edge both ways, optionally subsampled."""
    q = np.concatenate([test_pos.T, test_pos[::-1].T], axis=0)
    if max_queries is not None and len(q) > max_queries:
        rng = np.random.default_rng(seed)
        q = q[np.sort(rng.choice(len(q), size=max_queries, replace=False))]
    return q


def _ranks(
    rows_for: Any,
    queries: np.ndarray,
    type_codes: np.ndarray,
    known: dict[int, set[int]],
    chunk: int = 128,
) -> np.ndarray:
    """Filtered rank of each query's true node among the nodes of its type;
    ``rows_for(heads, columns)`` gives the dense score rows of ``heads`` against the nodes
    ``columns`` (only the true node's type is scored: on a graph of papers and a few
    groupings, a query for a grouping scores the groupings, not every paper)."""
    ranks = np.empty(len(queries), dtype=np.float64)
    order = np.argsort(queries[:, 0], kind="stable")
    true_type = type_codes[queries[:, 1]]
    columns = {int(t): np.flatnonzero(type_codes == t) for t in np.unique(true_type)}
    for start in range(0, len(order), chunk):
        sel = order[start : start + chunk]
        for t in np.unique(true_type[sel]):
            part, cols = sel[true_type[sel] == t], columns[int(t)]
            at = np.full(len(type_codes), -1, dtype=np.int64)
            at[cols] = np.arange(cols.size)
            uniq, inv = np.unique(queries[part, 0], return_inverse=True)
            rows = rows_for(uniq, cols)
            for k, qi in enumerate(part):
                head, true = queries[qi]
                mask = np.ones(cols.size, dtype=bool)
                others = [at[n] for n in (head, *known.get(int(head), ())) if n != true and at[n] >= 0]
                mask[others] = False
                ranks[qi] = rank_of(rows[inv[k]], int(at[true]), mask)
    return ranks


def evaluate(
    kg: KnowledgeGraph,
    predictor: LinkPredictor | None = None,
    *,
    baselines: Sequence[str] = BASELINES,
    max_queries: int | None = None,
    seed: int = 0,
    progress: bool = False,
    check: bool = True,
    **train_options: Any,
) -> dict[str, Any]:
    """Held-out metrics of the GNN and the heuristics on the same split (see module docstring).

    Args:
        kg: the knowledge graph the predictor was trained on.
        predictor: a trained predictor; ``None`` trains one with ``seed`` and ``train_options``.
        baselines: heuristics to compare.
        max_queries: rank at most this many queries (a seeded sample); ``None`` ranks all.
        seed: training seed (when training) and query-sample seed.
        progress: show the training progress bar (when training).
        check: compare the graph's fingerprint with the one the predictor was trained on
            (seconds on a large graph; ``kg build`` skips it for the model it just trained).
        **train_options: passed to :func:`kg.learn.training.train`.

    Raises:
        ValueError: the predictor was trained on another graph, or has no saved split.
    """
    if predictor is None:
        from kg.learn.training import train

        predictor = train(kg, seed=seed, progress=progress, **train_options)
    if check and predictor.config.get("graph_fingerprint") != kg.fingerprint():
        raise ValueError(
            "the model was trained on a different graph (fingerprint mismatch); run `kg train`"
        )
    if predictor.z_eval is None or "test_pos" not in predictor.split:
        raise ValueError("the predictor has no held-out split to evaluate; run `kg train`")
    ids = predictor.ids
    index = {nid: i for i, nid in enumerate(ids)}
    targets = predictor.config.get("target_relations", ["subtopic_of", "part_of", "published_at"])
    tgt, _ = _pairs_by_role(kg, index, targets)
    split = predictor.split
    test_pos, test_neg = split["test_pos"], split["test_neg"]

    # the heuristics' graph only when one is compared (seconds on a large graph)
    scorer = HeuristicScorer(seen_graph(kg, predictor), nodelist=ids) if baselines else None

    known = known_targets(tgt)
    type_names = sorted(set(predictor.types))
    type_codes = np.array([type_names.index(t) for t in predictor.types])
    queries = _queries(test_pos, max_queries, seed)

    z = predictor.z_eval
    dec = predictor.decoder
    results: dict[str, dict[str, float]] = {}
    row_fns: dict[str, Any] = {"gnn": lambda h, c: score_matrix(z, h, dec, logits=True, candidates=c)}
    pair_fns: dict[str, Any] = {"gnn": lambda p: score_pairs(z, p, dec, logits=True)}
    for m in baselines:  # scorer is made whenever there is a baseline
        row_fns[m] = lambda h, c, m=m: scorer.all(h, m)[:, c]
        pair_fns[m] = lambda p, m=m: scorer.pairs(np.asarray(p).T.astype(np.int64), m)
    for name, pair_fn in pair_fns.items():
        pos, neg = pair_fn(test_pos), pair_fn(test_neg)
        row = {"auc": auc_score(pos, neg), "ap": average_precision(pos, neg)}
        row.update(ranking_summary(_ranks(row_fns[name], queries, type_codes, known)))
        results[name] = row
    return {
        "results": results,
        "split": {
            "train": int(split["train_pos"].shape[1]),
            "val": int(split["val_pos"].shape[1]),
            "test": int(test_pos.shape[1]),
            "queries": int(len(queries)),
            "relations": list(targets),
            "negatives": predictor.config.get("negatives", "typed"),
            "candidates": "all nodes of the answer's type, known target edges filtered",
            "seed": int(predictor.config.get("seed", seed)),
            "graph_fingerprint": predictor.config.get("graph_fingerprint"),
        },
    }


def format_table(result: dict[str, Any]) -> str:
    """The results as a fixed-width text table (best value of each column marked ``*``).

    >>> r = {"results": {"gnn": dict.fromkeys(METRICS, 0.9), "common_neighbors": dict.fromkeys(METRICS, 0.5)}}
    >>> print(format_table(r))
    method                 auc       ap      mrr   hits@1  hits@10
    gnn                 0.9000*  0.9000*  0.9000*  0.9000*  0.9000*
    common_neighbors    0.5000   0.5000   0.5000   0.5000   0.5000
    >>> r["results"]["resource_allocation"] = dict.fromkeys(METRICS, 0.25)
    >>> print(format_table(r))
    method                   auc       ap      mrr   hits@1  hits@10
    gnn                   0.9000*  0.9000*  0.9000*  0.9000*  0.9000*
    common_neighbors      0.5000   0.5000   0.5000   0.5000   0.5000
    resource_allocation   0.2500   0.2500   0.2500   0.2500   0.2500
    """
    rows = result["results"]
    best = {m: max(r[m] for r in rows.values()) for m in METRICS}
    width = max(18, *(len(name) + 1 for name in rows))  # resource_allocation is 19 long
    lines = [(f"{'method':<{width}}" + "".join(f"{m:>8} " for m in METRICS)).rstrip()]
    for name, r in rows.items():
        cells = "".join(f"{r[m]:>8.4f}{'*' if r[m] == best[m] else ' '}" for m in METRICS)
        lines.append(f"{name:<{width}}{cells}".rstrip())
    return "\n".join(lines)
