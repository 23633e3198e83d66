"""Train the GNN link predictor on a knowledge graph (torch-geometric's honest recipe).

Recipe (as in torch-geometric's ``examples/link_pred.py``):

1. Seed Python, NumPy and torch (:func:`seed_all`).
2. Build the homogeneous view (:func:`kg.learn.pyg.to_link_graph`): features of ``features=`` kind,
   **target** edges (``subtopic_of``, ``part_of``, ``published_at``) to predict, **context**
   edges (``mentions``, ``tagged``) for message passing only.
3. Split the target edges 85/5/10 with ``RandomLinkSplit`` (:func:`kg.learn.split.link_split`):
   validation and test edges are out of message passing, an edge and its reverse stay together,
   evaluation negatives are fixed (typed: same-type corruptions).
4. Full-batch training with binary cross-entropy (or a ranking loss over several negatives,
   :func:`kg.learn.fitting.link_loss`), **fresh negatives every epoch**, Adam;
   validation AUC every epoch, **early stopping** after ``patience`` epochs without a better
   one, and the weights of the best validation epoch restored; **test reported at that epoch**.
5. Final embeddings with all edges in message passing for suggestions.

Model choice (measured on the graph of all of ``../shared/corpus``, see the README): a
homogeneous 2-layer GraphSAGE over type one-hot + hashed text features + log degree with an
MLP decoder.

:func:`fit_link_model` is the model-agnostic core (features ``x`` + a
:class:`kg.learn.split.LinkSplit`); the Planetoid benchmark calls it directly.

Example
-------
>>> import networkx as nx
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> for i in range(12):
...     g.add_node(f"paper:p{i}", type="paper", label=f"paper {i}", aliases=[], notes=[])
...     g.add_node(f"topic:t{i % 3}", type="topic", label=f"topic {i % 3}", aliases=[], notes=[])
...     _ = g.add_edge(f"paper:p{i}", f"topic:t{i % 3}", key="part_of", relation="part_of")
>>> p = train(KnowledgeGraph(g), epochs=5, hidden=8, progress=False)
>>> p.z.shape, p.config["best_epoch"] >= 1
((15, 8), True)
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.learn.device import choose_device
from kg.learn.fitting import LOSSES, FitResult, link_loss, probe_mrr, ranking_probe, seed_all
from kg.learn.fitting import held_out_scores as _scores
from kg.learn.minibatch import MINIBATCH_LOSS
from kg.learn.nn import LinkModel, decoder_arrays
from kg.learn.predictor import LinkPredictor
from kg.learn.split import LinkSplit, link_split, supervision_split, train_negatives
from kg.learn.titles import title_keys, title_vectors
from kg.suggest.related import fit_relatedness, section_holdout

__all__ = [
    "DEFAULTS",
    "seed_all",
    "training_split",
    "FitResult",
    "fit_link_model",
    "fit_relatedness_head",
    "train",
]

#: Defaults of :func:`train` (``None`` arguments take these).
DEFAULTS: dict[str, Any] = {
    "epochs": 300,
    "hidden": 128,
    "layers": 2,
    "lr": 0.01,
    "patience": 100,
    "dropout": 0.0,
    "node_dim": 0,
    "supervision": 0.3,
    "neg_ratio": 1,
    "loss": "bce",
    "select": "auc",
    "val": 0.05,
    "test": 0.10,
}



def training_split(lg: Any, seed: int = 0) -> LinkSplit:
    """The split :func:`train` makes of a :class:`kg.learn.pyg.LinkGraph`: its target pairs with
    ``DEFAULTS["val"]``/``DEFAULTS["test"]`` held out, context always in message passing,
    typed negatives. Analyses that must score the pairs ``kg eval`` scores use this.

    >>> from kg.learn.pyg import to_link_graph
    >>> import networkx as nx
    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("method:m", type="method", label="M")
    >>> for i in range(40):
    ...     g.add_node(f"paper:p{i}", type="paper", label=f"P{i}")
    ...     _ = g.add_edge(f"paper:p{i}", "method:m", key="part_of", relation="part_of")
    >>> training_split(to_link_graph(KnowledgeGraph(g), "type")).sizes()
    {'train': 34, 'val': 2, 'test': 4}
    """
    return link_split(
        lg.target,
        lg.context,
        lg.num_nodes,
        val=DEFAULTS["val"],
        test=DEFAULTS["test"],
        seed=seed,
        node_type=lg.node_type,
    )


@torch.no_grad()
def _relatedness_embeddings(
    kg: KnowledgeGraph,
    ids: list[str],
    model: Any,
    x: torch.Tensor,
    split: LinkSplit,
    test_pos: np.ndarray,
) -> np.ndarray:
    """Embeddings whose message passing saw neither the test edges nor the mentions that
    filed their children (:func:`kg.suggest.related.defining_mentions`): the GNN feature of the
    related-works ranker's training pairs."""
    from kg.suggest.related import defining_mentions

    row = {n: i for i, n in enumerate(ids)}
    held = [(ids[a], ids[b]) for a, b in test_pos.T]
    hidden = defining_mentions(kg, held) + held  # held-out mentions pass messages otherwise
    mp = split.test_mp.to(x.device)
    if hidden:
        n = len(ids)
        codes = torch.tensor(
            [row[u] * n + row[v] for u, v in hidden] + [row[v] * n + row[u] for u, v in hidden],
            device=mp.device,
        )
        mp = mp[:, ~torch.isin(mp[0] * n + mp[1], codes)]
    return model.encode(x, mp).cpu().numpy().astype(np.float32)


#: Training of the relatedness head (:func:`fit_relatedness_head`).
HEAD_DEFAULTS: dict[str, Any] = {"steps": 200, "lr": 0.01, "l2": 1.0}


def fit_relatedness_head(
    zq: np.ndarray,
    zc: np.ndarray,
    labels: np.ndarray,
    *,
    steps: int | None = None,
    lr: float | None = None,
    l2: float | None = None,
) -> np.ndarray:
    """A linear map ``W`` (``[d, d]``) of the GNN's embeddings under which related pairs are
    close: the score of a pair is ``t * cos(zq W, zc W) + b``, fitted with class-balanced
    binary cross-entropy on relatedness pairs (:func:`kg.suggest.related.relatedness_pairs`).

    ``W`` starts at the identity (the plain embedding cosine) and an L2 penalty
    ``l2 * ||W - I||^2 / d`` keeps it near there: a few hundred pairs adjust which of the
    link predictor's directions count for relatedness rather than learn a new space.
    Full batch from a fixed start: the same pairs give the same ``W``.

    >>> rng = np.random.default_rng(0)
    >>> zq = rng.normal(size=(200, 4)); zc = rng.normal(size=(200, 4))
    >>> y = np.tile([1.0, 0.0], 100); zc[y == 1, 0] = zq[y == 1, 0] * 5  # related: axis 0 agrees
    >>> W = fit_relatedness_head(zq, zc, y)
    >>> W.shape, bool(abs(W[0, 0]) > abs(W[3, 3]))
    ((4, 4), True)
    """
    steps = int(HEAD_DEFAULTS["steps"] if steps is None else steps)
    lr = float(HEAD_DEFAULTS["lr"] if lr is None else lr)
    l2 = float(HEAD_DEFAULTS["l2"] if l2 is None else l2)
    # pairs share their nodes: project each distinct embedding once per step
    both = np.vstack([np.asarray(zq, dtype=np.float32), np.asarray(zc, dtype=np.float32)])
    uniq, inv = np.unique(both, axis=0, return_inverse=True)
    inv = torch.as_tensor(inv.reshape(-1), dtype=torch.long)
    iq, ic = inv[: len(zq)], inv[len(zq) :]
    u = torch.as_tensor(uniq)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.float32)
    d = u.size(1)
    eye = torch.eye(d)
    W = eye.clone().requires_grad_(True)
    t = torch.tensor(5.0, requires_grad=True)
    bias = torch.tensor(0.0, requires_grad=True)
    npos = max(1.0, float(y.sum()))
    nneg = max(1.0, float(len(y)) - npos)
    weight = torch.where(y > 0, len(y) / (2 * npos), len(y) / (2 * nneg))
    opt = torch.optim.Adam([W, t, bias], lr=lr)
    with torch.enable_grad():
        for _ in range(steps):
            opt.zero_grad()
            p = torch.nn.functional.normalize(u @ W, dim=1, eps=1e-9)
            cos = (p[iq] * p[ic]).sum(dim=1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                t * cos + bias, y, weight=weight)
            loss = loss + l2 * ((W - eye) ** 2).sum() / d
            loss.backward()
            opt.step()
    return W.detach().numpy().astype(np.float64)


def _encoder_without(ids: list[str], model: Any, x: torch.Tensor, mp: torch.Tensor) -> Callable[
        ..., np.ndarray]:  # fmt: skip
    """``encode(pairs, nodes=None)``: the embeddings with the edges between those node pairs
    (either way) out of ``mp``, the message passing of the final embeddings: of every node,
    or (``nodes``) of those only, in their order (:meth:`LinkModel.encode_nodes`)."""
    row = {n: i for i, n in enumerate(ids)}
    n = len(ids)

    @torch.no_grad()
    def encode(pairs: list[tuple[str, str]], nodes: Sequence[str] | None = None) -> np.ndarray:
        keep = mp
        if pairs:
            codes = torch.tensor([row[u] * n + row[v] for u, v in pairs if u in row and v in row]
                                 + [row[v] * n + row[u] for u, v in pairs if u in row and v in row],
                                 device=mp.device)  # fmt: skip
            keep = mp[:, ~torch.isin(mp[0] * n + mp[1], codes)]
        if nodes is None:
            z = model.encode(x, keep)
        else:
            at = torch.tensor([row[v] for v in nodes], dtype=torch.long, device=mp.device)
            z = model.encode_nodes(x, keep, at)
        return z.cpu().numpy().astype(np.float32)

    return encode


#: Accepted ``select=`` values of :func:`fit_link_model`: the validation figure that picks the
#: best epoch (``"mrr"``: :func:`kg.learn.fitting.probe_mrr`, the ranking ``kg eval`` reports).
SELECTIONS: tuple[str, ...] = ("auc", "mrr")


def fit_link_model(
    x: torch.Tensor,
    split: LinkSplit,
    *,
    hidden: int = 128,
    layers: int = 2,
    encoder: str = "sage",
    decoder: str = "mlp",
    degree: bool = True,
    dropout: float = 0.0,
    node_dim: int = 0,
    supervision: float = 0.0,
    epochs: int = 300,
    lr: float = 0.01,
    patience: int = 50,
    seed: int = 0,
    device: torch.device | str = "cpu",
    init_state: dict[str, torch.Tensor] | None = None,
    on_epoch: Callable[[dict[str, float]], None] | None = None,
    neg_ratio: int = 1,
    loss: str = "bce",
    select: str = "auc",
) -> FitResult:
    """Train a :class:`kg.learn.nn.LinkModel` on ``split`` (steps 4 of the module docstring).

    Returns the model with the weights of the best validation epoch, and validation and test
    AUC/AP at that epoch (test embeddings use ``split.test_mp``). ``init_state``: weights
    to start from instead of a fresh model. ``neg_ratio``: typed negatives per supervised
    positive each epoch; ``loss``: one of :data:`kg.learn.fitting.LOSSES` (see
    :func:`kg.learn.fitting.link_loss`); ``select``: the validation figure that picks the
    best epoch, ``"auc"`` or ``"mrr"`` (:func:`kg.learn.fitting.probe_mrr`, then also in
    ``val`` and in each history row as ``val_mrr``).
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)}")
    if select not in SELECTIONS:
        raise ValueError(f"unknown select {select!r}; expected one of {', '.join(SELECTIONS)}")
    if neg_ratio < 1:
        raise ValueError(f"neg_ratio must be >= 1, got {neg_ratio}")
    device = torch.device(device)
    seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    model = LinkModel(
        x.size(1),
        hidden,
        layers,
        encoder,
        decoder,
        degree,
        dropout,
        x.size(0),
        node_dim,
        split.node_type,
    ).to(device)
    if init_state is not None:  # fine-tuning a previous model
        model.load_state_dict(init_state)
    x = x.to(device)
    split = split.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    probe = None
    if select == "mrr":  # the validation pairs asked as kg eval asks the test pairs
        known = torch.cat([split.train_pos, split.val_pos], dim=1)
        probe = ranking_probe(split.val_pos, split.node_type, known, split.num_nodes, seed=seed)
        probe = probe.to(device)

    @torch.no_grad()
    def validate() -> tuple[dict[str, float], float]:
        z = model.encode(x, split.train_mp)
        val = _scores(model, z, split.val_pos, split.val_neg)
        if probe is not None:
            val["mrr"] = probe_mrr(model, z, probe)
        key = val[select]
        return val, key if key == key else 0.0  # NaN (no val edges) -> 0

    best: dict[str, float] = {"auc": float("nan"), "ap": float("nan")}
    best_key = -1.0
    best_state: dict[str, torch.Tensor] = {}
    best_epoch = 0
    if init_state is not None:  # the starting weights are kept unless an epoch beats them
        model.eval()
        best, best_key = validate()
        best_state = copy.deepcopy(model.state_dict())
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    epoch = 0
    for epoch in range(1, epochs + 1):
        model.train()
        opt.zero_grad()
        pos, mp = supervision_split(split, supervision, gen)
        z = model.encode(x, mp)
        neg = train_negatives(split, gen, pos.repeat(1, neg_ratio)).to(device)
        logits = model.decode(z, torch.cat([pos, neg], dim=1))
        loss_t = link_loss(logits[: pos.size(1)], logits[pos.size(1) :], loss)
        loss_t.backward()
        opt.step()
        model.eval()
        val, key = validate()
        row = {"epoch": epoch, "loss": loss_t.item(), "val_auc": val["auc"], "val_ap": val["ap"]}
        if probe is not None:
            row["val_mrr"] = val["mrr"]
        history.append(row)
        if on_epoch is not None:
            on_epoch(row)
        if key > best_key:
            best, best_key, best_epoch = val, key, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    train_s = time.perf_counter() - t0
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        test = _scores(model, model.encode(x, split.test_mp), split.test_pos, split.test_neg)
    return FitResult(
        model=model,
        best_epoch=best_epoch,
        epochs_trained=epoch,
        val=best,
        test=test,
        history=history,
        timings={"train": train_s, "epoch_ms": 1000.0 * train_s / max(epoch, 1)},
    )


class _Progress:
    """A rich progress bar showing epoch, loss and validation AUC (or nothing)."""

    def __init__(self, enabled: bool, epochs: int) -> None:
        self.enabled = enabled
        self.epochs = epochs
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("training"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("loss {task.fields[loss]:.4f}  val {task.fields[val]:.4f}"),
                transient=True,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task(
                "train", total=self.epochs, loss=float("nan"), val=float("nan")
            )
        return self

    def update(self, row: dict[str, float]) -> None:
        if self.bar is not None:
            val = row.get("val_auc", row.get("val_mrr", float("nan")))  # mini-batch: sampled MRR
            self.bar.update(self.task, completed=row["epoch"], loss=row["loss"], val=val)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def train(
    kg: KnowledgeGraph,
    *,
    epochs: int | None = None,
    hidden: int | None = None,
    layers: int | None = None,
    encoder: str = "sage",
    decoder: str = "mlp",
    features: str = "full",
    degree: bool = True,
    seed: int = 0,
    device: str = "auto",
    progress: bool = True,
    lr: float | None = None,
    patience: int | None = None,
    dropout: float | None = None,
    node_dim: int | None = None,
    supervision: float | None = None,
    threads: int | None = None,
    batch_size: int | None = None,
    init: LinkPredictor | None = None,
    warm: bool = True,
    neg_ratio: int | None = None,
    loss: str | None = None,
    select: str | None = None,
    on_fit: Callable[[], Any] | None = None,
) -> LinkPredictor:
    """Train a link predictor on ``kg`` and return it as a :class:`kg.learn.predictor.LinkPredictor`.

    Args:
        kg: the knowledge graph.
        epochs: maximum epochs (default 300; early stopping usually ends sooner).
        hidden: embedding width (default 128).
        layers: encoder depth (default 2).
        encoder: ``"sage"`` (GraphSAGE, default), ``"gcn"`` or ``"gat"``.
        decoder: ``"mlp"`` (default) or ``"dot"``.
        features: ``"full"`` (type one-hot + hashed text, default), ``"text"``, ``"type"``
            (structure only, for symmetry analysis) or ``"random"``; see :mod:`kg.learn.features`.
        degree: append log degree of the message-passing graph to the features.
        seed: seeds Python, NumPy and torch; the same seed gives the same embeddings.
        device: ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
        progress: show a rich progress bar (epoch, loss, validation AUC).
        lr: Adam learning rate (default 0.01).
        patience: early-stopping patience in epochs (default 100: validation AUC levels off
            while the ranking ``kg eval`` reports still improves).
        dropout: encoder dropout (default 0.0).
        node_dim: width of a learnable per-node embedding added to the features (see
            :class:`kg.learn.nn.LinkModel`).
        supervision: fraction of training edges supervised and held out of message passing
            each epoch (default 0.3; see :func:`kg.learn.split.supervision_split`).
        threads: CPU threads (default :data:`kg.learn.device.DEFAULT_CPU_THREADS`).
        batch_size: ``None`` (default) trains full batch below
            :data:`kg.learn.minibatch.MINIBATCH_MIN_NODES` nodes and in sampled mini-batches of
            about 16 updates per epoch above (128 to 1024 pairs); ``0`` forces full batch, a positive number mini-batches of
            that size (see :mod:`kg.learn.minibatch`).
        init: the previous predictor of this graph before an edit (see
            :mod:`kg.learn.incremental`): its split is carried over (old pairs keep their part)
            and, with ``warm``, its weights are the starting point when its settings and
            feature width match; training then runs
            :data:`kg.learn.incremental.FINETUNE_EPOCHS` epochs unless ``epochs`` is given,
            and ``init``'s related-works ranker is kept (:func:`kg.learn.incremental.kept_ranker`).
        warm: start from ``init``'s weights (``False``: a fresh model on the carried split).
        neg_ratio: typed negatives per supervised positive (default 1; full batch only).
        loss: ``"bce"`` (default), ``"softmax"`` (each positive against its own negatives, a
            ranking loss) or ``"bce+softmax"``; full batch only (see
            :func:`kg.learn.fitting.link_loss`).
        select: the validation figure that picks the best epoch: ``"auc"`` (default) or
            ``"mrr"`` (:func:`kg.learn.fitting.probe_mrr`; full batch only).
        on_fit: called once when the fitting starts (features and split made): ``kg build``
            starts the outputs that need no model then, on the core the fit leaves free.

    Raises:
        ValueError: a graph without target edges to learn from, or a bad option.
    """
    from kg import __version__
    from kg.learn.pyg import to_link_graph

    t_start = time.perf_counter()
    opts = {
        "epochs": epochs,
        "hidden": hidden,
        "layers": layers,
        "lr": lr,
        "patience": patience,
        "dropout": dropout,
        "node_dim": node_dim,
        "supervision": supervision,
        "neg_ratio": neg_ratio,
        "loss": loss,
        "select": select,
    }
    cfg = {k: (DEFAULTS[k] if v is None else v) for k, v in opts.items()}
    dev = choose_device(device, threads=threads)
    seed_all(seed)
    lg = to_link_graph(kg, features, seed=seed)
    t_feat = time.perf_counter()
    if lg.target.size(1) < 10:
        raise ValueError(
            f"the graph has {lg.target.size(1)} target edges "
            f"({', '.join(lg.relations)}); at least 10 are needed to train"
        )
    if init is not None:
        from kg.learn.incremental import carried_split

        split = carried_split(init, lg, val=DEFAULTS["val"], test=DEFAULTS["test"], seed=seed)
    else:
        split = training_split(lg, seed)
    t_split = time.perf_counter()
    from kg.learn.incremental import warm_start
    from kg.learn.minibatch import (
        MINIBATCH_DEFAULTS,
        auto_batch_size,
        fit_link_model_minibatch,
        use_minibatch,
    )

    minibatch = use_minibatch(lg.num_nodes, batch_size) and encoder != "hetero"
    mode = {"mode": "minibatch" if minibatch else "full"}
    if minibatch:
        sup = round(float(cfg["supervision"]) * split.train_pos.size(1))
        mode["batch_size"] = int(batch_size or auto_batch_size(sup))
        mode["fanouts"] = list(MINIBATCH_DEFAULTS["fanouts"])
        for k in ("epochs", "patience"):
            if opts[k] is None:
                cfg[k] = MINIBATCH_DEFAULTS[k]
        cfg.update(MINIBATCH_LOSS)  # what the sampled loop trains with
    start = None
    if warm:
        start = warm_start(init, lg, encoder=encoder, decoder=decoder, degree=degree, cfg=cfg)
    if start is not None:
        mode["warm_start"] = True
        if opts["epochs"] is None:
            cfg["epochs"] = start.epochs
        if opts["lr"] is None:
            cfg["lr"] = start.lr
        cfg["patience"] = min(int(cfg["patience"]), start.patience)
    common = {
        "hidden": int(cfg["hidden"]),
        "layers": int(cfg["layers"]),
        "encoder": encoder,
        "decoder": decoder,
        "degree": degree,
        "dropout": float(cfg["dropout"]),
        "node_dim": int(cfg["node_dim"]),
        "supervision": float(cfg["supervision"]),
        "epochs": int(cfg["epochs"]),
        "lr": float(cfg["lr"]),
        "patience": int(cfg["patience"]),
        "seed": seed,
        "device": dev,
    }
    if on_fit is not None:
        on_fit()
    with _Progress(progress, int(cfg["epochs"])) as bar:
        if minibatch:
            fit = fit_link_model_minibatch(
                lg.x,
                split,
                batch_size=mode["batch_size"],
                init_state=None if start is None else start.state,
                on_epoch=bar.update,
                **common,
            )
        else:
            fit = fit_link_model(
                lg.x,
                split,
                init_state=None if start is None else start.state,
                on_epoch=bar.update,
                neg_ratio=int(cfg["neg_ratio"]),
                loss=str(cfg["loss"]),
                select=str(cfg["select"]),
                **common,
            )
    t_embed = time.perf_counter()
    model = fit.model
    with torch.no_grad():
        x = lg.x.to(dev)
        z = model.encode(x, split.full_mp.to(dev)).cpu().numpy().astype(np.float32)
        z_eval = model.encode(x, split.test_mp.to(dev)).cpu().numpy().astype(np.float32)
    dec = decoder_arrays(model)
    t_titles = time.perf_counter()
    labels = [kg.graph.nodes[n].get("label") if n in kg.graph else None for n in lg.ids]
    known = None  # the previous build's title vectors: only new titles are encoded
    if init is not None and init.titles is not None and init.title_keys is not None:
        known = {bytes(k): v for k, v in zip(init.title_keys, init.titles, strict=True) if k}
    title_info: dict[str, Any] = {}
    titles = title_vectors(lg.ids, lg.types, labels, device=dev.type, known=known,
                           report=title_info)
    t_titles = time.perf_counter() - t_titles
    from kg.learn.incremental import kept_ranker

    ranker = kept_ranker(init, kg) if start is not None else None  # fine-tuned: keep it
    if ranker is not None:  # how many builds in a row kept it
        mode["ranker_kept"] = int(init.config.get("ranker_kept", 0)) + 1  # type: ignore[union-attr]
    else:
        test_pos = split.arrays()["test_pos"]
        rows = {n: i for i, n in enumerate(lg.ids)}  # sections teach the ranker too
        extra = [(rows[a], rows[b]) for a, b in section_holdout(kg, seed=seed) if a in rows and b in rows]
        held = np.hstack([test_pos, np.asarray(extra, dtype=np.int64).reshape(-1, 2).T])
        ranker = fit_relatedness(
            kg, lg.ids, held, _relatedness_embeddings(kg, lg.ids, model, x, split, held),
            dec, seed=seed, fit_head=fit_relatedness_head,
            encode_without=_encoder_without(lg.ids, model, x, split.full_mp.to(dev)),
            titles=titles,
        )
    t_end = time.perf_counter()
    config = {
        "kg_version": __version__,
        "encoder": encoder,
        "decoder": decoder,
        "features": features,
        "degree": degree,
        "in_channels": int(lg.x.size(1)),
        "seed": seed,
        "device": dev.type,
        **cfg,
        **mode,
        "epochs_trained": fit.epochs_trained,
        "best_epoch": fit.best_epoch,
        "target_relations": list(lg.relations),
        "negatives": split.negatives,
        "graph_fingerprint": kg.fingerprint(),
        "split": split.sizes(),
        "ranker": ranker.to_json(),
        "titles": title_info,
    }
    timings = {
        "features": t_feat - t_start,
        "split": t_split - t_feat,
        "train": fit.timings["train"],
        "epoch_ms": fit.timings["epoch_ms"],
        "embed": t_end - t_embed,
        "titles": t_titles,
        "total": t_end - t_start,
    }
    return LinkPredictor(
        config=config,
        metrics={"val": fit.val, "test": fit.test},
        timings=timings,
        ids=lg.ids,
        types=lg.types,
        z=z,
        decoder=dec,
        split=split.arrays(),
        z_eval=z_eval,
        titles=titles,
        title_keys=title_keys(lg.types, labels) if titles is not None else None,
        state_dict={k: v.detach().cpu() for k, v in model.state_dict().items()},
    )
