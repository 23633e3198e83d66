"""Learning after an edit: fine-tune the previous model instead of training from scratch.

When a rebuild changes a small part of the graph (one note edited: a few nodes and edges
added or removed), the previous model's weights are a good start: :func:`kg.learn.training.train`
with ``init=previous`` then

1. **carries the split over** (:func:`carried_split`): a target pair that existed before
   keeps its part (training, validation or test), so no pair the previous model was trained
   on is tested now (which would flatter the figures); new pairs are assigned at random in
   the usual proportions, and the evaluation negatives are drawn afresh for the new graph;
2. **starts from the previous weights** (:func:`warm_start`) when the model would have the
   same shape: the same encoder, decoder, width, depth, feature kind and feature width (the
   features themselves are computed from the names, so an unchanged node gets the same
   input); a learnable per-node embedding (``node_dim``) ties the weights to the node list,
   so it never warm-starts;
3. trains :data:`FINETUNE_EPOCHS` epochs (mini-batch: :data:`FINETUNE_MINIBATCH_EPOCHS`)
   at a tenth of the usual learning rate (:data:`FINETUNE_LR`; a fresh Adam's first steps
   at full rate throw a trained model off) with a short patience, keeping the best
   validation epoch, the starting weights included (epoch 0);
4. keeps the previous related-works ranker (:func:`kept_ranker`): its choice, weights and
   relatedness head were fitted on embeddings the fine-tune starts from and barely moves,
   so only the glossary concepts of the graph's headings are read again; fitting it anew
   (held-out re-encodings, the head's cross-fit) would cost more than the fine-tune. After
   :data:`RANKER_KEEP_MAX` such builds in a row the next one fits it afresh.

:func:`graph_change` measures how much changed; ``kg build`` fine-tunes when it is at most
:data:`SMALL_CHANGE` and a previous model sits in the output folder, and trains a fresh model
otherwise or with ``--retrain``.

Example
-------
>>> round(graph_change(["a", "b", "c"], [(0, 1)], ["a", "b", "c", "d"], [(0, 1), (2, 3)]), 3)
0.333
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

__all__ = [
    "SMALL_CHANGE",
    "FINETUNE_EPOCHS",
    "FINETUNE_MINIBATCH_EPOCHS",
    "RANKER_KEEP_MAX",
    "WarmStart",
    "graph_change",
    "warm_start",
    "carried_split",
    "previous_model",
    "kept_ranker",
]

#: Largest changed share of nodes plus edges for which ``kg build`` fine-tunes.
SMALL_CHANGE = 0.1
#: Full-batch epochs of a fine-tune (unless ``epochs`` is given), and its patience.
FINETUNE_EPOCHS = 30
FINETUNE_PATIENCE = 10
#: Adam learning rate of a fine-tune.
FINETUNE_LR = 0.001
#: Mini-batch epochs of a fine-tune, and its patience.
FINETUNE_MINIBATCH_EPOCHS = 3
FINETUNE_MINIBATCH_PATIENCE = 1

#: Builds in a row that may keep the related-works ranker; the next fits it afresh (edits add
#: up, and so does the drift between the ranker and the model it ranks with).
RANKER_KEEP_MAX = 5

#: Settings that must be equal for the previous weights to fit the new model.
_SAME = ("encoder", "decoder", "hidden", "layers", "features", "degree", "in_channels")


@dataclass
class WarmStart:
    """Where a fine-tune starts: the previous torch weights, and how long to train."""

    state: dict[str, torch.Tensor]
    epochs: int
    patience: int
    lr: float = 0.001


def graph_change(
    old_ids: Sequence[str],
    old_pairs: Sequence[tuple[int, int]],
    new_ids: Sequence[str],
    new_pairs: Sequence[tuple[int, int]],
) -> float:
    """Share of nodes and undirected edges added or removed between two graphs (0 to 1).

    ``(added + removed) / (size of the union)``, over nodes and edges together; pairs are
    index pairs into their graph's ids.
    """
    a = {str(i) for i in old_ids}
    b = {str(i) for i in new_ids}
    ea = {tuple(sorted((old_ids[u], old_ids[v]))) for u, v in old_pairs}
    eb = {tuple(sorted((new_ids[u], new_ids[v]))) for u, v in new_pairs}
    union = len(a | b) + len(ea | eb)
    return 0.0 if union == 0 else (len(a ^ b) + len(ea ^ eb)) / union


def warm_start(
    previous: Any,
    lg: Any,
    *,
    encoder: str,
    decoder: str,
    degree: bool,
    cfg: dict[str, Any],
) -> WarmStart | None:
    """The previous model's weights when they fit the model about to be trained, else ``None``.

    Args:
        previous: a :class:`kg.learn.predictor.LinkPredictor` (with ``model.pt``), or ``None``.
        lg: the :class:`kg.learn.pyg.LinkGraph` about to be trained on.
        encoder, decoder, degree: the new model's settings.
        cfg: the resolved numeric settings (``hidden``, ``layers``, ``node_dim``, ...).
    """
    if previous is None or int(cfg.get("node_dim", 0)) > 0 or encoder == "hetero":
        return None
    old = previous.config
    new = {
        "encoder": encoder,
        "decoder": decoder,
        "hidden": int(cfg["hidden"]),
        "layers": int(cfg["layers"]),
        "features": lg.features,
        "degree": degree,
        "in_channels": int(lg.x.size(1)),
    }
    if any(old.get(k) != v for k, v in new.items()) or int(old.get("node_dim", 0)) > 0:
        return None
    try:
        state = previous.torch_state_dict()
    except (FileNotFoundError, OSError, RuntimeError):
        return None
    minibatch = old.get("mode") == "minibatch"
    return WarmStart(
        state={k: v.clone() for k, v in state.items()},
        epochs=FINETUNE_MINIBATCH_EPOCHS if minibatch else FINETUNE_EPOCHS,
        patience=FINETUNE_MINIBATCH_PATIENCE if minibatch else FINETUNE_PATIENCE,
        lr=FINETUNE_LR,
    )


def _named_pairs(previous: Any, key: str) -> set[tuple[str, str]]:
    ids = previous.ids
    arr = np.asarray(previous.split.get(key, np.empty((2, 0), dtype=np.int64)))
    return {tuple(sorted((ids[u], ids[v]))) for u, v in arr.T.tolist()}


def carried_split(previous: Any, lg: Any, *, val: float, test: float, seed: int = 0) -> Any:
    """The split of ``lg`` that keeps every old target pair in its old part.

    Pairs new to the graph go to validation and test with probabilities ``val`` and
    ``test`` (seeded), the rest to training. Negatives and message-passing graphs are
    built as :func:`kg.learn.split.link_split` builds them.

    Raises:
        ValueError: the previous predictor has no saved split.
    """
    from kg.learn.split import _fixed_typed_negatives, split_from_parts

    if "train_pos" not in previous.split:
        raise ValueError("the previous model has no saved split")
    parts = {k: _named_pairs(previous, f"{k}_pos") for k in ("train", "val", "test")}
    ids = lg.ids
    rng = np.random.default_rng(seed)
    chosen: dict[str, list[tuple[int, int]]] = {"train": [], "val": [], "test": []}
    for a, b in lg.target.t().tolist():
        key = tuple(sorted((ids[a], ids[b])))
        part = next((k for k, s in parts.items() if key in s), None)
        if part is None:
            r = rng.random()
            part = "val" if r < val else "test" if r < val + test else "train"
        chosen[part].append((a, b))

    def tensor(pairs: list[tuple[int, int]]) -> torch.Tensor:
        if not pairs:
            return torch.empty((2, 0), dtype=torch.long)
        return torch.tensor(pairs, dtype=torch.long).t().contiguous()

    train_pos, val_pos, test_pos = (tensor(chosen[k]) for k in ("train", "val", "test"))
    n = lg.num_nodes
    known = {(min(a, b), max(a, b)) for a, b in lg.target.t().tolist()}
    val_neg = _fixed_typed_negatives(val_pos, lg.node_type, known, seed + 1)
    test_neg = _fixed_typed_negatives(test_pos, lg.node_type, known, seed + 2)
    return split_from_parts(
        n, train_pos, val_pos, val_neg, test_pos, test_neg, lg.context, lg.node_type
    )


def previous_model(out: Any, kg: Any, *, seed: int = 0, max_change: float = SMALL_CHANGE) -> Any:
    """The model a previous build left in ``out``, when it can seed training on ``kg``.

    ``None`` when there is none (or it cannot be read), it was trained with another seed
    or without a saved split, or more than ``max_change`` of the graph changed
    (:func:`graph_change` over nodes and target pairs).
    """
    from pathlib import Path

    from kg.io import MODEL_PT
    from kg.learn.predictor import LinkPredictor

    folder = Path(out)
    if not (folder / MODEL_PT).exists():
        return None
    try:
        previous = LinkPredictor.load(folder)
    except (OSError, ValueError, KeyError):
        return None
    if previous.config.get("seed") != seed or "train_pos" not in previous.split:
        return None
    targets = set(previous.config.get("target_relations", ()))
    old_pairs = [
        (int(u), int(v))
        for key in ("train_pos", "val_pos", "test_pos")
        for u, v in np.asarray(previous.split[key]).T.tolist()
    ]
    new_ids = sorted(kg.graph.nodes)
    index = {n: i for i, n in enumerate(new_ids)}
    new_pairs = {
        (min(index[u], index[v]), max(index[u], index[v]))
        for u, v, rel in kg.graph.edges(data="relation")
        if rel in targets and u != v
    }
    change = graph_change(previous.ids, old_pairs, new_ids, sorted(new_pairs))
    return previous if change <= max_change else None


def kept_ranker(previous: Any, kg: Any) -> Any:
    """The previous model's related-works ranker for a model fine-tuned from it, with the
    heading concepts of ``kg`` (``None`` when it has none, one over other features, or one
    already kept :data:`RANKER_KEEP_MAX` builds in a row: then the ranker is fitted afresh).
    The model's ``config["ranker_kept"]`` counts the builds in a row that kept it.

    The ranker's kind, weights, standardisation and relatedness head are kept as they
    were validated; the glossary concepts of the headings (:func:`kg.suggest.related.heading_concepts`)
    follow the edited notes, as a fresh fit would take them.
    """
    from dataclasses import replace

    from kg.graph.adjacency import GraphIndex
    from kg.suggest.related import FEATURES, Ranker, context_headings, heading_concepts

    config = getattr(previous, "config", None) or {}
    data = config.get("ranker")
    if not data or list(data.get("features", [])) != list(FEATURES):
        return None
    if int(config.get("ranker_kept", 0)) >= RANKER_KEEP_MAX:
        return None
    full = GraphIndex.from_graph(kg.graph)
    concepts = heading_concepts(h for heads in context_headings(full).values() for h, _, _ in heads)
    return replace(Ranker.from_json(data), concepts=concepts)
