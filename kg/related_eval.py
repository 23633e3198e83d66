"""The related-works protocol: leave one curated paper list out, rank its papers for each other.

A curated paper list (an *awesome* list) files papers under sections; papers under the same
section are related — the gold grouping. For each list:

1. the graph is built from **all the other notes** (the list's own files left out) and its
   link predictor trained there (cached by the graph's fingerprint, the options and the
   training code);
2. the list's papers that this graph still holds are kept, matched by resolved title
   (:func:`kg.graph.resolution.match_key` of labels and aliases, one graph node per key);
3. each kept paper with at least one kept paper under one of its sections is a query; the
   other kept papers are its candidates, the ones sharing a section its answers;
4. every scorer ranks the candidates: the shipped ranker (:class:`kg.suggest.related.Ranker`), the
   GNN alone (its decoder's logit, and the cosine of the two embeddings), the classic heuristics on the whole remaining graph (common neighbours,
   Adamic-Adar, resource allocation, label-text similarity, as in ``kg eval``), the
   hub-aware evidence ranker used on small graphs, and random.

Metrics per query, then averaged over queries of a list, then over lists: **MRR** (rank of
the first answer), **P@5** (answers among the first five, over five) and **AUC** (answers
against the other candidates). Ties are broken at random *in expectation* (exact expected
values, no sampling), so a scorer that ties everything scores exactly like ``random``.

A list whose papers the other notes barely hold still counts: it reports how many papers it
has, how many were kept and how many queries they make (zero queries: no metrics, and it
is left out of the averages, which say how many lists they cover).

Example
-------
>>> r = _query_metrics(np.array([3.0, 1.0, 1.0, 0.0]), np.array([False, True, False, True]))
>>> {k: round(v, 4) for k, v in r.items()}
{'mrr': 0.4167, 'p@5': 0.4, 'auc': 0.125}
>>> _query_metrics(np.zeros(4), np.array([True, False, False, False]))["mrr"]
0.5208333333333333
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SCORERS", "evaluate_related", "find_lists", "format_related", "gold_groups"]

#: Rows of the result, in table order.
SCORERS: tuple[str, ...] = (
    "ranker",
    "gnn",
    "gnn_cosine",
    "gnn_related",
    "semantic",
    "common_neighbors",
    "adamic_adar",
    "resource_allocation",
    "text_similarity",
    "evidence",
    "random",
)
METRICS: tuple[str, ...] = ("mrr", "p@5", "auc")
#: A folder is taken for a paper list when it yields at least this many papers...
MIN_LIST_PAPERS = 20
#: ... papers make at least this share of its entities, and this share sits under a section.
MIN_PAPER_SHARE = 0.5
MIN_FILED_SHARE = 0.6
#: ... and its notes are dense: this many papers per note on average (a blog is not a list).
MIN_PAPERS_PER_NOTE = 15


def _query_metrics(scores: np.ndarray, relevant: np.ndarray, k: int = 5) -> dict[str, float]:
    """Expected MRR, P@k and AUC of one ranking under random tie-breaking."""
    scores = np.asarray(scores, dtype=np.float64)
    relevant = np.asarray(relevant, dtype=bool)
    vals = np.unique(scores)[::-1]
    before = 0
    mrr = None
    hits = 0.0
    for v in vals:
        grp = scores == v
        m, r = int(grp.sum()), int(relevant[grp].sum())
        if mrr is None and r > 0:
            total = math.comb(m, r)
            mrr = sum(
                math.comb(m - j, r - 1) / total / (before + j) for j in range(1, m - r + 2)
            )
        if before < k:
            hits += r * min(m, k - before) / m
        before += m
    pos, neg = scores[relevant], scores[~relevant]
    if pos.size and neg.size:
        auc = float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())
    else:
        auc = float("nan")
    return {"mrr": float(mrr or 0.0), "p@5": hits / k, "auc": auc}


def _is_list(graph: Any) -> bool:
    papers = [n for n, t in graph.graph.nodes(data="type") if t == "paper"]
    entities = [n for n, t in graph.graph.nodes(data="type") if t not in ("post", "venue")]
    notes = sum(1 for _, t in graph.graph.nodes(data="type") if t == "post")
    if len(papers) < MIN_LIST_PAPERS or len(papers) < MIN_PAPER_SHARE * len(entities):
        return False
    if len(papers) < MIN_PAPERS_PER_NOTE * max(1, notes):
        return False
    # a list's headings list things; a blog's are mostly prose
    topics = [n for n in entities if graph.graph.nodes[n].get("type") == "topic"]
    full = sum(1 for n in topics if any(
        r in ("part_of", "subtopic_of") for _, _, r in graph.graph.in_edges(n, data="relation")))
    if topics and full < MIN_FILED_SHARE * len(topics):
        return False
    return len(gold_groups(graph)) >= MIN_FILED_SHARE * len(papers)


def find_lists(roots: Sequence[str | Path], *, cache_dir: Path | None = None) -> list[Path]:
    """The paper lists among the immediate sub-folders of ``roots``: folders whose notes
    yield at least :data:`MIN_LIST_PAPERS` papers, papers are at least half of the topics,
    methods and papers, most papers and most topics with something filed under them (a
    blog's headings are mostly prose), and there are at least
    :data:`MIN_PAPERS_PER_NOTE` papers per note (a blog that lists papers is no list)."""
    from kg.pipeline import build

    out = []
    for root in map(Path, roots):
        for child in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if _is_list(build([child], jobs=1, cache_dir=cache_dir)):
                out.append(child)
    return out


def gold_groups(graph: Any) -> dict[str, set[str]]:
    """``{paper id: the sections it is listed under}``: ``post > heading path`` of each
    note's ``mentions`` edge (a section counts whether or not its heading became a topic);
    a paper listed outside any heading keeps the methods/topics it is filed under (direct
    ``part_of``). Housekeeping headings (*Papers*, *Unsorted*, ...) group nothing.

    >>> import networkx as nx
    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("post:l", type="post")
    >>> for p, sec in [("paper:a", "Basic models"), ("paper:b", "Basic models"),
    ...                ("paper:c", "Unsorted")]:
    ...     _ = g.add_edge("post:l", p, key="mentions", relation="mentions", section=sec)
    >>> gold_groups(KnowledgeGraph(g))
    {'paper:a': {'post:l > Basic models'}, 'paper:b': {'post:l > Basic models'}}
    """
    from kg.notes.records import SECTION_SEP
    from kg.suggest.related import is_housekeeping

    out: dict[str, set[str]] = {}
    nodes = graph.graph.nodes
    filed: dict[str, set[str]] = {}
    for u, v, attrs in graph.graph.edges(data=True):
        rel = attrs.get("relation")
        if nodes[u].get("type") == "post" and rel == "mentions" and attrs.get("section"):
            heads = [h for h in str(attrs["section"]).split(SECTION_SEP) if not is_housekeeping(h)]
            if heads:
                out.setdefault(v, set()).add(SECTION_SEP.join([u, *heads]))
        elif (
            rel == "part_of"
            and nodes[u].get("type") == "paper"
            and not is_housekeeping(str(nodes[v].get("label") or v))
        ):
            filed.setdefault(u, set()).add(v)
    for paper, groups in filed.items():
        out.setdefault(paper, groups)
    return out


def _keys(attrs: dict[str, Any], nid: str) -> set[str]:
    """The resolver's keys of a paper's names: the title without a leading article, and the
    title after a one-word name (``MAML: Model-Agnostic …``), as :mod:`kg.graph.resolution` merges."""
    from kg.notes.names import acronym_tail, title_key

    names = [str(n) for n in (attrs.get("label") or nid, *(attrs.get("aliases") or []))]
    keys = {title_key(n) for n in names} | {acronym_tail(n) for n in names}
    return {k for k in keys if k}


def _match(list_graph: Any, rest: Any) -> dict[str, str]:
    """List paper id -> the remaining graph's paper with one of its keys (unambiguous only)."""
    by_key: dict[str, set[str]] = {}
    for nid, attrs in rest.graph.nodes(data=True):
        if attrs.get("type") == "paper":
            for key in _keys(attrs, nid):
                by_key.setdefault(key, set()).add(nid)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for nid, attrs in sorted(list_graph.graph.nodes(data=True)):
        if attrs.get("type") != "paper":
            continue
        hits = set().union(*(by_key.get(k, set()) for k in _keys(attrs, nid)))
        if len(hits) == 1:
            (hit,) = hits
            if hit not in taken:
                out[nid] = hit
                taken.add(hit)
    return out


def _rest_paths(roots: Sequence[Path], held: Path) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        if held.resolve() == root.resolve():
            continue
        try:
            held.resolve().relative_to(root.resolve())
        except ValueError:
            out.append(root)
            continue
        # the list lies inside this root: take the root's other entries, descending to it
        def walk(folder: Path) -> None:
            for p in sorted(folder.iterdir()):
                if p.resolve() == held.resolve() or p.name.startswith("."):
                    continue
                try:
                    held.resolve().relative_to(p.resolve())
                except ValueError:
                    out.append(p)
                else:
                    walk(p)

        walk(root)
    return out


def _trained(graph: Any, cache_dir: Path | None, seed: int, train_options: dict[str, Any], progress: bool) -> Any:
    import kg.learn.nn as kg_nn
    import kg.learn.titles as kg_titles
    import kg.learn.training as kg_train
    import kg.suggest.related as kg_related
    from kg.learn.predictor import LinkPredictor
    from kg.learn.training import train

    # the code that trains enters the key: a changed model or ranker is trained afresh
    code = [hashlib.sha256(
        Path(m.__file__).read_bytes()).hexdigest() for m in (kg_nn, kg_related, kg_train, kg_titles)]
    key = hashlib.sha256(
        json.dumps([graph.fingerprint(), seed, train_options, code], sort_keys=True).encode()
    ).hexdigest()[:20]
    folder = cache_dir / "models" / key if cache_dir is not None else None
    if folder is not None and (folder / "model.json").exists():
        return LinkPredictor.load(folder)
    predictor = train(graph, seed=seed, progress=progress, **train_options)
    if folder is not None:
        predictor.save(folder)
    return predictor


def evaluate_related(
    notes: Sequence[str | Path],
    lists: Sequence[str | Path] | None = None,
    *,
    seed: int = 0,
    cache_dir: str | Path | None = None,
    progress: bool = False,
    keep_features: bool = False,
    **train_options: Any,
) -> dict[str, Any]:
    """Run the leave-one-list-out protocol (module docstring) and return its results.

    Args:
        notes: the note folders and files (the lists among them or beside them).
        lists: the paper lists to hold out in turn; default :func:`find_lists` over ``notes``.
        seed: training seed.
        cache_dir: keeps the extraction cache and the trained models (one per held-out list,
            keyed by the graph's fingerprint, the seed and the options), so reruns are quick.
        progress: show training progress.
        keep_features: also return each query's ranker feature rows and answers, under
            ``"features"`` of its list: ``{"names": FEATURES, "queries": [{"rows": [[...]],
            "relevant": [...]}]}`` (rows follow the candidates, columns ``names``), for
            analyses of what any weighting of the features could reach.
        **train_options: passed to :func:`kg.learn.training.train` (``epochs=``...).

    Returns:
        ``{"lists": {name: {"papers", "kept", "queries", "candidates", "results":
        {scorer: {"mrr", "p@5", "auc"}}, "ranker": {...}, "seconds": ...}}, "mean": {scorer:
        {...}}, "lists_averaged": n, "queries": total}``.

    Raises:
        ValueError: no paper list found or given.
    """
    from kg.learn.baselines import HeuristicScorer
    from kg.pipeline import build
    from kg.suggest.related import FEATURES
    from kg.suggest.suggester import Suggester

    roots = [Path(p) for p in notes]
    cache = Path(cache_dir) if cache_dir is not None else None
    extract_cache = cache / "extract" if cache is not None else None
    held_lists = [Path(p) for p in lists] if lists else find_lists(roots, cache_dir=extract_cache)
    if not held_lists:
        raise ValueError("no paper list found among the notes; name them with --list")
    out: dict[str, Any] = {"lists": {}}
    for held in held_lists:
        t0 = time.perf_counter()
        list_graph = build([held], cache_dir=extract_cache)
        rest = build(_rest_paths(roots, held), cache_dir=extract_cache)
        predictor = _trained(rest, cache, seed, train_options, progress)
        sg = Suggester.from_predictor(predictor, graph=rest)
        gold = gold_groups(list_graph)
        matched = {p: r for p, r in _match(list_graph, rest).items() if p in gold}
        kept = sorted(matched)
        heur = HeuristicScorer(rest.graph)
        rows: dict[str, list[dict[str, float]]] = {s: [] for s in SCORERS}
        n_cands = []
        kept_rows: list[dict[str, list[Any]]] = []
        for q in kept:
            cands = [c for c in kept if c != q]
            rel = np.array([bool(gold[q] & gold[c]) for c in cands])
            if not rel.any():
                continue
            qr, cr = matched[q], [matched[c] for c in cands]
            scores = sg.related_scores(qr, cr)
            pairs = [(qr, c) for c in cr]
            by = {
                "ranker": scores["ranker"],
                "gnn": scores["gnn"],
                "gnn_cosine": scores["gnn_cosine"],
                "gnn_related": scores["gnn_related"],
                "semantic": scores["semantic"],
                "evidence": scores["evidence"],
                "random": np.zeros(len(cands)),
            }
            for m in ("common_neighbors", "adamic_adar", "resource_allocation", "text_similarity"):
                by[m] = heur.pairs(pairs, m)
            for name in SCORERS:
                rows[name].append(_query_metrics(by[name], rel))
            n_cands.append(len(cands))
            if keep_features:
                X = np.column_stack([scores[f] for f in FEATURES])
                kept_rows.append({"rows": X.tolist(), "relevant": rel.tolist()})
        results = {
            name: {m: float(np.nanmean([r[m] for r in rs])) if rs else float("nan") for m in METRICS}
            for name, rs in rows.items()
        }
        out["lists"][held.name] = {
            "papers": len(gold),
            "kept": len(kept),
            "queries": len(rows["ranker"]),
            "candidates": float(np.mean(n_cands)) if n_cands else 0.0,
            "graph": {"nodes": rest.graph.number_of_nodes(), "edges": rest.graph.number_of_edges()},
            "ranker": {k: v for k, v in (predictor.config.get("ranker") or {}).items()
                       if k not in ("mean", "scale", "head")},
            "results": results,
            "seconds": time.perf_counter() - t0,
        }
        if keep_features:
            out["lists"][held.name]["features"] = {"names": list(FEATURES), "queries": kept_rows}
    used = [v for v in out["lists"].values() if v["queries"] > 0]
    out["mean"] = {
        name: {m: float(np.mean([v["results"][name][m] for v in used])) if used else float("nan")
               for m in METRICS}
        for name in SCORERS
    }
    out["lists_averaged"] = len(used)
    out["queries"] = sum(v["queries"] for v in used)
    return out


def format_related(result: dict[str, Any]) -> str:
    """The results as text: one block per list and the mean, best value per column ``*``.

    >>> r = {"lists": {}, "mean": {"ranker": {"mrr": 0.5, "p@5": 0.4, "auc": 0.7},
    ...      "random": {"mrr": 0.3, "p@5": 0.2, "auc": 0.5}}, "lists_averaged": 0, "queries": 0}
    >>> print(format_related(r))
    mean over 0 lists (0 queries)
    method                   mrr      p@5      auc
    ranker                0.5000*  0.4000*  0.7000*
    random                0.3000   0.2000   0.5000
    """

    def table(rows: dict[str, dict[str, float]]) -> list[str]:
        best = {m: np.nanmax([r[m] for r in rows.values()]) for m in METRICS}
        lines = [(f"{'method':<20}" + "".join(f"{m:>8} " for m in METRICS)).rstrip()]
        for name, r in rows.items():
            cells = "".join(
                f"{r[m]:>8.4f}{'*' if r[m] == best[m] else ' '}" for m in METRICS
            )
            lines.append(f"{name:<20}{cells}".rstrip())
        return lines

    lines: list[str] = []
    for name, v in result["lists"].items():
        lines.append(
            f"held out {name}: {v['papers']} listed papers, {v['kept']} kept in the other "
            f"notes' graph, {v['queries']} queries, {v['candidates']:.1f} candidates each; "
            f"ranker {v['ranker'].get('kind', '?')}"
        )
        if v["queries"]:
            lines.extend(table(v["results"]))
        lines.append("")
    lines.append(f"mean over {result['lists_averaged']} lists ({result['queries']} queries)")
    lines.extend(table(result["mean"]))
    return "\n".join(lines)
