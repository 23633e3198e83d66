"""``analyze_symmetry``: who a GNN cannot tell apart, what it costs, and the remedy working.

Steps (all on one seeded split of the graph's target links, see :mod:`kg.learn.split`):

1. **Classes** on the full graph: stable 1-WL colours (types as initial colours, and structure
   only) and exact automorphism orbits (types as vertex colours); WL classes strictly coarser
   than orbits.
2. **Proof by measurement**: the project's link predictor (:func:`kg.learn.training.fit_link_model`)
   trained with structure-only inputs (``features="type"``); its final embeddings are compared
   within every orbit (max distance) and across WL classes, and for sample queries the scores of
   candidates of one orbit are compared (exact ties).
3. **The ceilings** on the held-out labelled pairs: the test positives, their fixed same-type
   negatives, and *orbit-mate* negatives (for a positive ``(u, v)``, a non-link ``(u, w)`` with
   ``w`` in ``v``'s orbit: the pairs a node-level model must tie with the positive). Classes
   are computed on the graph the pairs are scored on (``test_mp``); a ceiling is the best
   accuracy/AUC of any scorer that depends only on the (unordered) class pair. ``ceiling``
   uses the classes of the model actually trained: ``layers`` rounds of 1-WL started from
   (type, degree), the inputs the plain GNN gets (:func:`kg.symmetry.wl.gnn_colors`);
   ``ceiling_stable`` uses the stable 1-WL classes and bounds message-passing GNNs of every
   depth; ``ceilings["orbit"]`` bounds every permutation-equivariant node-level model.
4. **The table**: plain GNN (type features), both ceilings, the labeling trick
   (:mod:`kg.symmetry.labeling`), random features, text features, on the held-out links and
   their typed negatives (the pairs ``kg eval`` scores); :attr:`SymmetryReport.table_by_pairs`
   has every row on all pairs and on the orbit-mate pairs too. Accuracy is at the best
   threshold (the rule the ceilings use); scores are computed in float64 so that exact ties
   stay ties.
5. Optionally **depth** (:mod:`kg.symmetry.depth`).

Example
-------
>>> import networkx as nx
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> for m in range(4):
...     g.add_node(f"method:m{m}", type="method", label=f"M{m}")
...     for p in range(4):
...         g.add_node(f"paper:p{m}{p}", type="paper", label=f"P{m}{p}")
...         _ = g.add_edge(f"paper:p{m}{p}", f"method:m{m}", key="part_of", relation="part_of")
>>> r = analyze_symmetry(KnowledgeGraph(g), epochs=5, hidden=8, labeling={"epochs": 1}, device="cpu")
>>> [len(o) for o in r.orbits], r.embedding_max_within_orbit <= 1e-5
([16, 4], True)
>>> sorted(r.table)
['ceiling', 'ceiling_stable', 'labeling_trick', 'plain_gnn', 'random_features', 'text_features']
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from kg.symmetry.ceiling import expressivity_ceiling, pair_metrics
from kg.symmetry.orbits import automorphism_count, automorphism_orbits, classes, wl_coarser
from kg.symmetry.structure import structure_of
from kg.symmetry.wl import gnn_colors, wl_refine

if TYPE_CHECKING:  # pragma: no cover
    from kg.graph.knowledge_graph import KnowledgeGraph

__all__ = [
    "SymmetryReport",
    "analyze_symmetry",
    "orbit_mate_negatives",
    "LABELING_DEFAULTS",
    "TABLE_ROWS",
]

#: Rows of the table, in order.
TABLE_ROWS: tuple[str, ...] = (
    "plain_gnn",
    "ceiling",
    "ceiling_stable",
    "labeling_trick",
    "random_features",
    "text_features",
)

#: Labeling-trick settings for knowledge graphs: whole 1-hop subgraphs (no hub sampling, so
#: automorphic pairs get exactly equal scores, as the theory says they must).
LABELING_DEFAULTS: dict[str, Any] = {
    "label": "drnl",
    "num_hops": 1,
    "max_nodes_per_hop": None,
    "hidden": 32,
    "layers": 3,
    "conv": "gcn",
    "epochs": 20,
    "batch_size": 64,
    "lr": 1e-3,
    "max_train": 3000,
}


@dataclass
class SymmetryReport:
    """What :func:`analyze_symmetry` found (see the module docstring).

    Attributes:
        orbits: non-trivial automorphism orbits (types as colours), node labels, largest first.
        wl_classes: non-trivial stable 1-WL classes (types as initial colours), node labels.
        orbit_ids / wl_ids: the same classes as node ids.
        wl_coarser: WL classes holding several orbits: ``{"wl_class": [...], "orbits": [[...]]}``.
        counts: nodes, edges, orbits, WL colours (typed and structure only), group size.
        embedding_max_within_orbit: max L2 distance between final embeddings of one orbit.
        embedding_min_across_wl: min L2 distance between embeddings of different WL classes.
        wl_pairs_separated: share of WL-class pairs whose embeddings differ by more than 1e-4.
        ties: per sample query, the largest score spread inside one candidate orbit, and an
            example of a tied orbit.
        table: ``{row: {"accuracy", "auc"}}`` for :data:`TABLE_ROWS`, on the held-out links
            and their typed negatives. ``ceiling`` is the ``layers``-round 1-WL ceiling (the
            bound of the plain GNN as trained), ``ceiling_stable`` the stable 1-WL one.
        ceilings: the ``layers``-round (``wl_rounds``), stable 1-WL (``wl``) and orbit
            ceilings on the table's pairs, with their group counts.
        table_by_pairs: the table on each set of pairs: ``all``, ``typed_negatives``
            (positives and their fixed same-type corruptions; the set of :attr:`table`),
            ``orbit_mates`` (positives that have orbit mates and those mates as negatives,
            with ``separable_by_individualised_wl``).
        checks: ``plain_gnn_within_ceiling``: on every set of pairs, the plain GNN is at or
            under the ``layers``-round ceiling (it must be; ``False`` means a broken model).
        depth: per-depth rows (validation MRR, smoothness) when requested.
        config, timings: settings and seconds per step.
    """

    orbits: list[list[str]]
    wl_classes: list[list[str]]
    orbit_ids: list[list[str]]
    wl_ids: list[list[str]]
    wl_coarser: list[dict[str, Any]]
    counts: dict[str, Any]
    embedding_max_within_orbit: float
    embedding_min_across_wl: float
    wl_pairs_separated: float
    ties: dict[str, Any]
    table: dict[str, dict[str, float]]
    ceilings: dict[str, Any]
    table_by_pairs: dict[str, dict[str, Any]] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    depth: list[dict[str, float]] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-ready data."""
        return asdict(self)

    def to_json(self, *, indent: int | None = 1) -> str:
        """The JSON of ``kg symmetry --json``: the issue's keys first, then the details."""
        head = {
            "orbits": self.orbits,
            "wl_classes": self.wl_classes,
            "embedding_max_within_orbit": self.embedding_max_within_orbit,
            "table": self.table,
        }
        rest = {k: v for k, v in self.to_dict().items() if k not in head}
        return json.dumps({**head, **rest}, ensure_ascii=False, indent=indent, default=_jsonable)

    def orbit_of(self) -> dict[str, int]:
        """Node id -> orbit id for nodes in non-trivial orbits (for colouring the HTML)."""
        return {nid: i for i, ids in enumerate(self.orbit_ids) for nid in ids}


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _undirected(edge_index: Any) -> np.ndarray:
    e = edge_index.t().cpu().numpy().astype(np.int64)
    return e[e[:, 0] < e[:, 1]]


def _embedding_checks(z: np.ndarray, orbits: np.ndarray, wl: np.ndarray) -> tuple[float, float, float]:
    within = 0.0
    for members in classes(orbits):
        zz = z[members]
        within = max(within, float(np.linalg.norm(zz - zz[0], axis=1).max()))
    reps = np.stack([z[wl == c][0] for c in range(int(wl.max()) + 1)]) if len(z) else z
    k = len(reps)
    min_across, separated, total = float("inf"), 0, 0
    for i in range(0, k, 512):  # chunks keep memory small on large graphs
        d = np.linalg.norm(reps[i : i + 512, None, :] - reps[None, :, :], axis=-1)
        rows = np.arange(i, min(i + 512, k))[:, None]
        upper = rows < np.arange(k)[None, :]
        if upper.any():
            min_across = min(min_across, float(d[upper].min()))
            separated += int((d[upper] > 1e-4).sum())
            total += int(upper.sum())
    return within, (min_across if total else float("nan")), (separated / total if total else float("nan"))


def _ties(
    z: np.ndarray, decode: Any, orbits: np.ndarray, labels: Sequence[str], queries: int, seed: int
) -> dict[str, Any]:
    """Score spread inside candidate orbits for a few queries (0 = exact ties)."""
    groups = classes(orbits)
    if not groups:
        return {"queries": 0, "max_spread": 0.0, "example": None}
    rng = np.random.default_rng(seed)
    qs = rng.choice(len(z), size=min(queries, len(z)), replace=False)
    spread, example = 0.0, None
    for q in qs:
        scores = decode(np.full(len(z), q), np.arange(len(z)))
        for members in groups:
            s = scores[members]
            spread = max(spread, float(s.max() - s.min()))
            if example is None and q not in members:
                example = {
                    "query": labels[q],
                    "candidates": [labels[i] for i in members[:5]],
                    "scores": [float(x) for x in s[:5]],
                }
    return {"queries": len(qs), "max_spread": spread, "example": example}


def orbit_mate_negatives(
    pos: np.ndarray,
    n: int,
    edges: np.ndarray,
    types: np.ndarray,
    orbits: np.ndarray,
    *,
    per_positive: int = 1,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Hard negatives: for a positive ``(u, v)``, pairs ``(u, w)`` with ``w`` in ``v``'s orbit.

    ``w`` is not linked to ``u`` (nor ``u`` itself); both orientations are tried. A node-level
    model must give ``(u, w)`` exactly the score of ``(u, v)``. Returns ``(negatives,
    index of their positive, separable)`` where ``separable`` counts negatives that 1-WL with
    ``u`` individualised tells apart from ``v`` (only those can a labeling-trick model
    separate; the others are, as far as 1-WL sees, the same link).

    >>> star = np.array([[0, 1], [0, 2], [0, 3], [3, 4]])  # leaves 1, 2 twins; 3 holds 4
    >>> orb = automorphism_orbits(5, star)
    >>> neg, of, sep = orbit_mate_negatives(np.array([[4, 1]]), 5, star, np.zeros(5, int), orb)
    >>> neg.tolist(), of.tolist(), sep
    ([[4, 2]], [0], 0)
    """
    from kg.symmetry.structure import adjacency

    rng = np.random.default_rng(seed)
    a = adjacency(n, edges)
    members = {int(o): np.flatnonzero(orbits == o) for o in np.unique(orbits)}
    out, owner, separable = [], [], 0
    cache: dict[int, np.ndarray] = {}
    for i, (u, v) in enumerate(np.asarray(pos, dtype=np.int64)):
        for q, t in ((int(u), int(v)), (int(v), int(u))):
            linked = set(a.indices[a.indptr[q] : a.indptr[q + 1]].tolist()) | {q, t}
            mates = [int(w) for w in members[int(orbits[t])] if int(w) not in linked]
            if not mates:
                continue
            chosen = rng.choice(mates, size=min(per_positive, len(mates)), replace=False)
            if q not in cache:
                cache[q] = wl_refine(n, edges, types * 2 + (np.arange(n) == q))
            for w in chosen:
                out.append((q, int(w)))
                owner.append(i)
                separable += int(cache[q][w] != cache[q][t])
            break
    neg = np.array(out, dtype=np.int64).reshape(-1, 2)
    return neg, np.array(owner, dtype=np.int64), separable


@dataclass
class _Classes:
    """Step 1: the graph's structure, its automorphism orbits and its 1-WL classes."""

    s: Any  # kg.symmetry.structure.Structure
    orb: np.ndarray
    wl: np.ndarray
    wl_plain: np.ndarray
    group: float


def _classes_of(kg: Any, timings: dict[str, float]) -> _Classes:
    t = time.perf_counter()
    s = structure_of(kg)
    wl = wl_refine(s.n, s.edges, s.types)
    wl_plain = wl_refine(s.n, s.edges, None)
    timings["wl"] = time.perf_counter() - t
    t = time.perf_counter()
    orb = automorphism_orbits(s.n, s.edges, s.types)
    group = automorphism_count(s.n, s.edges, s.types)
    timings["orbits"] = time.perf_counter() - t
    return _Classes(s, orb, wl, wl_plain, group)


@dataclass
class _HeldOut:
    """Step 2: one split and the labelled pairs every row of the table is scored on."""

    lg: Any  # kg.learn.pyg.LinkGraph
    split: Any  # kg.learn.split.LinkSplit
    pos: np.ndarray
    neg: np.ndarray
    mates: np.ndarray
    mirrored: np.ndarray
    separable: int
    pairs: np.ndarray
    y: np.ndarray
    subsets: dict[str, np.ndarray]
    table_pairs: str
    test_edges: np.ndarray
    orb_eval: np.ndarray
    wl_eval: np.ndarray

    @property
    def headline(self) -> np.ndarray:
        return self.subsets[self.table_pairs]


def _held_out_pairs(
    kg: Any, base: Any, c: _Classes, *, seed: int, mirror: bool, mates_per_positive: int
) -> _HeldOut:
    """The split, and positives with typed, orbit-mate and (``mirror``) mirror negatives."""
    from kg.learn.pyg import to_link_graph
    from kg.learn.training import seed_all, training_split

    s = c.s
    seed_all(seed)
    lg = to_link_graph(kg, "type", seed=seed)
    if lg.ids != s.nodes:
        raise ValueError("node order of the link graph and the structure differ")
    if lg.target.size(1) < 10:
        raise ValueError(f"the graph has {lg.target.size(1)} target edges; at least 10 are needed")
    if mirror:  # the same links held out in both copies; each has a mirror negative
        from kg.symmetry.mirror import mirror_index, mirror_negatives, mirror_split

        lg0 = to_link_graph(base, "type", seed=seed)
        own, twin = mirror_index(lg0.ids, lg.ids)
        split = mirror_split(training_split(lg0, seed), own, twin, lg.node_type)
    else:
        split = training_split(lg, seed)
    pos, neg = split.test_pos.t().numpy(), split.test_neg.t().numpy()
    test_edges = _undirected(split.test_mp)
    orb_eval = automorphism_orbits(s.n, test_edges, s.types)
    wl_eval = wl_refine(s.n, test_edges, s.types)
    mates, mate_of, separable = orbit_mate_negatives(
        pos, s.n, test_edges, s.types, orb_eval, per_positive=mates_per_positive, seed=seed
    )
    mirrored = mirror_negatives(pos, own, twin) if mirror else np.empty((0, 2), dtype=np.int64)
    # labelled pairs: positives, their typed negatives, orbit-mate and mirror negatives
    pairs = np.concatenate([pos, neg, mates, mirrored]).astype(np.int64)
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg) + len(mates) + len(mirrored))].astype(np.int64)
    kind = np.r_[np.zeros(len(pos)), np.ones(len(neg)), np.full(len(mates), 2), np.full(len(mirrored), 3)]
    with_mates = np.zeros(len(pairs), dtype=bool)
    with_mates[np.unique(mate_of)] = True
    subsets = {
        "all": np.ones(len(pairs), dtype=bool),
        "typed_negatives": kind < 2,
        "orbit_mates": with_mates | (kind == 2),
    }
    if mirror:
        subsets["mirror"] = (kind == 0) | (kind == 3)
    return _HeldOut(
        lg, split, pos, neg, mates, mirrored, separable, pairs, y, subsets,
        "mirror" if mirror else "typed_negatives", test_edges, orb_eval, wl_eval,
    )


def _node_level_rows(
    kg: Any, h: _HeldOut, *, seed: int, epochs: int, hidden: int, layers: int, encoder: str,
    decoder: str, dev: Any, timings: dict[str, float], say: Any,
) -> tuple[dict[str, dict[str, float]], dict[str, np.ndarray], Any]:
    """Step 3: the node-level GNN with type, random and text inputs, scored on the pairs.

    Returns the table rows, every row's scores on all pairs, and the plain GNN's fit and input.
    """
    import torch

    from kg.learn.pyg import to_link_graph
    from kg.learn.training import fit_link_model

    table: dict[str, dict[str, float]] = {}
    scores_by_row: dict[str, np.ndarray] = {}
    plain = None
    inputs = {"plain_gnn": "type", "random_features": "random", "text_features": "text"}
    for row, kind in inputs.items():
        t = time.perf_counter()
        x = h.lg.x if kind == "type" else to_link_graph(kg, kind, seed=seed).x
        fit = fit_link_model(
            x, h.split, hidden=hidden, layers=layers, encoder=encoder, decoder=decoder,
            epochs=epochs, patience=max(10, epochs // 4), seed=seed, device=dev,
        )
        model = fit.model.to("cpu").double()
        with torch.no_grad():
            z64 = model.encode(x.double(), h.split.test_mp.cpu())
            scores = model.decode(z64, torch.from_numpy(h.pairs.T)).numpy()
        scores_by_row[row] = np.round(scores, 9)
        table[row] = pair_metrics(h.y[h.headline], scores_by_row[row][h.headline])
        if row == "plain_gnn":
            plain = (fit, x)
        timings[row] = time.perf_counter() - t
        say(f"{row}: accuracy {table[row]['accuracy']:.3f}  AUC {table[row]['auc']:.3f}")
    return table, scores_by_row, plain


def _blindness(
    plain: Any, h: _HeldOut, c: _Classes, *, queries: int, seed: int
) -> tuple[float, float, float, dict[str, Any]]:
    """Step 4, the proof by measurement: on the plain GNN's final embeddings, orbit-mates
    share one embedding, and their scores tie for sample queries."""
    import torch

    fit, x = plain
    model = fit.model.to("cpu").float()
    with torch.no_grad():
        z = model.encode(x.float(), h.split.full_mp.cpu()).numpy()
    within, across, separated = _embedding_checks(z, c.orb, c.wl)
    zt = torch.from_numpy(z)

    def decode(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model.decode(zt, torch.from_numpy(np.stack([u, v]))).numpy()

    return within, across, separated, _ties(z, decode, c.orb, c.s.labels, queries, seed)


def _labeling_trick_scores(
    h: _HeldOut, c: _Classes, opts: dict[str, Any], *, seed: int, device: str
) -> np.ndarray:
    """Step 5: the labeling trick trained on the same split, scored on the same pairs."""
    from kg.symmetry.labeling import train_labeling_trick

    split = h.split
    vp = np.concatenate([split.val_pos.t().numpy(), split.val_neg.t().numpy()])
    vy = np.r_[np.ones(split.val_pos.size(1)), np.zeros(split.val_neg.size(1))]
    lt = train_labeling_trick(
        c.s.n, _undirected(split.train_mp), split.train_pos.t().numpy(),
        features=h.lg.x.numpy(), types=h.lg.node_type.numpy(), val_pairs=vp, val_labels=vy,
        seed=seed, device=device, **opts,
    )
    # scored in float64 on the CPU and rounded like the node-level rows, so that pairs with
    # isomorphic enclosing subgraphs tie exactly instead of by float32 summation order
    lt_eval = replace(lt.on_graph(h.test_edges), device="cpu")
    lt_eval.net.to("cpu").double()
    return np.round(lt_eval.score(h.pairs), 9)


def _table_by_pairs(
    h: _HeldOut, scores_by_row: dict[str, np.ndarray], class_sets: dict[str, np.ndarray]
) -> tuple[dict[str, dict[str, Any]], bool]:
    """Step 6: every row and ceiling on each subset of pairs, and whether the plain GNN
    stays within its ceiling on all of them."""
    by_pairs: dict[str, dict[str, Any]] = {}
    under = True
    for name, mask in h.subsets.items():
        sub = {"pairs": int(mask.sum()), "positives": int(h.y[mask].sum())}
        if mask.any() and 0 < h.y[mask].sum() < mask.sum():
            sub.update({row: pair_metrics(h.y[mask], sc[mask]) for row, sc in scores_by_row.items()})
            for key, cls in class_sets.items():
                cm = expressivity_ceiling(h.pairs[mask], h.y[mask], cls, ordered=False)
                sub[key] = {"accuracy": cm.accuracy, "auc": cm.auc}
            under &= all(
                sub["plain_gnn"][m] <= sub["ceiling"][m] + 1e-9 for m in ("accuracy", "auc")
            )
        by_pairs[name] = sub
    by_pairs["orbit_mates"]["separable_by_individualised_wl"] = h.separable
    return by_pairs, under


def analyze_symmetry(
    kg: KnowledgeGraph,
    *,
    seed: int = 0,
    epochs: int = 200,
    hidden: int = 64,
    layers: int = 2,
    encoder: str = "sage",
    decoder: str = "mlp",
    labeling: dict[str, Any] | None = None,
    depth: bool | Sequence[int] = False,
    depth_epochs: int = 100,
    queries: int = 20,
    mates_per_positive: int = 1,
    mirror: bool = False,
    device: str = "auto",
    progress: bool = False,
) -> SymmetryReport:
    """Analyse where the link predictor is blind on ``kg`` and how the labeling trick helps.

    The steps: (1) orbits and 1-WL classes of the graph; (2) one split and its labelled
    pairs; (3) the node-level GNN with type, random and text inputs; (4) the proof by
    measurement on its embeddings; (5) the labeling trick on the same pairs; (6) every row
    and ceiling on each subset of pairs; (7) optionally, the depth study.

    Args:
        kg: the graph (a networkx graph: wrap it in ``KnowledgeGraph`` first).
        seed: seeds the split, the models and the samples.
        epochs, hidden, layers, encoder, decoder: the plain GNN (and the random/text rows),
            trained with :func:`kg.learn.training.fit_link_model` (early stopping on validation AUC).
        labeling: overrides of :data:`LABELING_DEFAULTS` for the labeling-trick model.
        depth: ``True`` for depths 1..16, or a list of depths, to add the depth study.
        depth_epochs: maximum epochs per depth.
        queries: sample queries for the tie check.
        mates_per_positive: orbit-mate negatives per held-out positive (see
            :func:`orbit_mate_negatives`).
        mirror: analyse two disjoint copies of ``kg`` with the same links held out in both
            (:mod:`kg.symmetry.mirror`); the table is then on the held-out links and their
            mirror negatives, the pairs every node-level model must tie with the true link.
        device: ``auto`` (CUDA when available), ``cpu`` or ``cuda``.
        progress: print a line per step.

    Returns:
        A :class:`SymmetryReport`.
    """
    from kg.learn.device import choose_device

    def say(msg: str) -> None:
        if progress:
            print(msg, flush=True)

    timings: dict[str, float] = {}
    base = kg
    if mirror:
        from kg.symmetry.mirror import mirror_graph

        kg = mirror_graph(kg)
    c = _classes_of(kg, timings)  # 1
    s, orb, wl = c.s, c.orb, c.wl
    say(f"classes: {int(orb.max()) + 1 if s.n else 0} orbits, {int(wl.max()) + 1 if s.n else 0} WL colours")

    def named(groups: list[np.ndarray], what: list[str]) -> list[list[str]]:
        return [[what[i] for i in g] for g in groups]

    orbit_groups, wl_groups = classes(orb), classes(wl)
    coarser = [
        {"wl_class": [s.labels[i] for i in members], "orbits": named(parts, s.labels)}
        for members, parts in wl_coarser(wl, orb)
    ]

    dev = choose_device(device)
    h = _held_out_pairs(kg, base, c, seed=seed, mirror=mirror,
                        mates_per_positive=mates_per_positive)  # 2
    # the classes of the plain GNN as trained: its inputs are the type one-hot and the
    # degree on the graph it is evaluated on (LinkModel(degree=True)), then `layers` rounds
    test_deg = np.bincount(h.split.test_mp[0].numpy(), minlength=s.n)
    wl_rounds = gnn_colors(s.n, h.test_edges, s.types, layers, degree=test_deg)
    class_sets = {"ceiling": wl_rounds, "ceiling_stable": h.wl_eval, "ceiling_orbit": h.orb_eval}
    ceil = {
        key: expressivity_ceiling(h.pairs[h.headline], h.y[h.headline], cls, ordered=False)
        for key, cls in class_sets.items()
    }
    table, scores_by_row, plain = _node_level_rows(  # 3
        kg, h, seed=seed, epochs=epochs, hidden=hidden, layers=layers, encoder=encoder,
        decoder=decoder, dev=dev, timings=timings, say=say,
    )
    within, across, separated, ties = _blindness(plain, h, c, queries=queries, seed=seed)  # 4

    t = time.perf_counter()  # 5
    opts = {**LABELING_DEFAULTS, **(labeling or {})}
    lt_scores = _labeling_trick_scores(h, c, opts, seed=seed, device=device)
    scores_by_row["labeling_trick"] = lt_scores
    table["labeling_trick"] = pair_metrics(h.y[h.headline], lt_scores[h.headline])
    timings["labeling_trick"] = time.perf_counter() - t
    say(f"labeling_trick: accuracy {table['labeling_trick']['accuracy']:.3f}  AUC {table['labeling_trick']['auc']:.3f}")

    for key in ("ceiling", "ceiling_stable"):
        table[key] = {"accuracy": ceil[key].accuracy, "auc": ceil[key].auc}
    by_pairs, under = _table_by_pairs(h, scores_by_row, class_sets)  # 6

    depth_rows = None
    if depth:  # 7
        from kg.symmetry.depth import depth_study

        t = time.perf_counter()
        depths = list(range(1, 17)) if depth is True else list(depth)
        depth_rows = depth_study(  # on the graph as given, mirrored or not
            base, depths=depths, epochs=depth_epochs, hidden=hidden, seed=seed, device=device,
            progress=progress,
        )
        timings["depth"] = time.perf_counter() - t

    return SymmetryReport(
        orbits=named(orbit_groups, s.labels),
        wl_classes=named(wl_groups, s.labels),
        orbit_ids=named(orbit_groups, s.nodes),
        wl_ids=named(wl_groups, s.nodes),
        wl_coarser=coarser,
        counts={
            "nodes": s.n,
            "edges": int(len(s.edges)),
            "orbits": int(orb.max()) + 1 if s.n else 0,
            "wl_colors": int(wl.max()) + 1 if s.n else 0,
            "wl_colors_structure_only": int(c.wl_plain.max()) + 1 if s.n else 0,
            "automorphisms_log10": math.log10(c.group),
            "test_pairs": int(len(h.y)),
            "table_pairs": int(h.headline.sum()),
            "test_positives": int(len(h.pos)),
            "typed_negatives": int(len(h.neg)),
            "orbit_mate_negatives": int(len(h.mates)),
            "mirror_negatives": int(len(h.mirrored)),
        },
        embedding_max_within_orbit=within,
        embedding_min_across_wl=across,
        wl_pairs_separated=separated,
        ties=ties,
        table={k: table[k] for k in TABLE_ROWS},
        ceilings={
            "wl_rounds": {
                **ceil["ceiling"].to_dict(), "rounds": layers, "initial": "type + degree",
                "colors": int(wl_rounds.max()) + 1 if s.n else 0,
            },
            "wl": {**ceil["ceiling_stable"].to_dict(), "colors": int(h.wl_eval.max()) + 1 if s.n else 0},
            "orbit": {**ceil["ceiling_orbit"].to_dict(), "colors": int(h.orb_eval.max()) + 1 if s.n else 0},
        },
        table_by_pairs=by_pairs,
        checks={"plain_gnn_within_ceiling": bool(under)},
        depth=depth_rows,
        config={
            "seed": seed, "epochs": epochs, "hidden": hidden, "layers": layers,
            "encoder": encoder, "decoder": decoder, "labeling": opts, "device": dev.type,
            "split": h.split.sizes(), "accuracy": "best threshold", "ceiling_pairs": "unordered",
            "table_pairs": h.table_pairs, "mirror": mirror,
            "ceiling": f"{layers}-round 1-WL from type + degree (the plain GNN as trained)",
            "ceiling_stable": "stable 1-WL from type (message-passing GNNs of any depth)",
        },
        timings=timings,
    )
