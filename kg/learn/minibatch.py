"""Mini-batch training with neighbour sampling, for graphs too large for full-batch epochs.

Full-batch training (:func:`kg.learn.training.fit_link_model`) makes one parameter update per epoch
and encodes the whole graph for it, plus once more for validation. On a graph of 50,000
nodes that is a few seconds per update, and a few hundred updates. Here every epoch makes
one update per batch of ``batch_size`` supervised pairs, and each update encodes only the
sampled neighbourhood of the batch's nodes (as torch-geometric's ``LinkNeighborLoader``
does):

1. **Per epoch**, as in full-batch training, a fraction ``supervision`` of the training
   pairs is supervised and left out of message passing (:func:`kg.learn.split.supervision_split`);
   the rest and the context pairs form the epoch's message-passing graph, held as a CSR
   (:class:`Neighbourhood`: ``rowptr``/``col`` of the incoming edges of every node).
2. **Per batch**, each of the batch's positives gets ``negatives`` negatives from
   :class:`NegativeSampler` (typed corruptions drawn from per-type tables built once: time
   linear in the batch); positives and negatives weigh half each in the loss.
   :meth:`Neighbourhood.sample` draws, hop by hop, at most ``fanouts[h]`` incoming
   neighbours of every node reached so far (all of them when a node has fewer; uniformly
   with replacement otherwise, duplicates dropped) and returns the subgraph relabelled
   ``0..k-1`` with the batch's nodes first. The encoder runs on that subgraph only; the
   log-degree input is the node's degree in the whole message-passing graph, never the
   sampled one, so the model trained here is the same function as a full-batch one and
   :meth:`kg.learn.nn.LinkModel.encode` runs it on the whole graph afterwards.
3. **The learning rate** falls from ``lr`` to ``lr * lr_final`` along a cosine over
   ``epochs`` (noisy mini-batch updates settle instead of oscillating around the optimum).
4. **Early stopping** follows a ranking figure, the one ``kg eval`` reports: the filtered
   MRR of a fixed sample of validation queries against fixed per-type candidate pools
   (:class:`RankingProbe`), scored once per epoch on one neighbourhood sampled with a fixed
   seed, so it compares across epochs and costs about one batch. Training stops
   ``patience`` epochs after the best one and restores its weights (``select="auc"``: the
   sampled AUC of validation pairs against their fixed negatives instead).

Memory is bounded by the sampled subgraph (at most
``batch_size * (1 + negatives) * 2 * prod(1 + fanouts)``
nodes), not by the graph. The sampler is written with torch tensor operations (no
``pyg-lib`` or ``torch-sparse``, which torch-geometric's own loaders need and which are not
published for every torch version).

Example
-------
>>> import torch
>>> nb = Neighbourhood(torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]), 4)
>>> n_id, edge_index = nb.sample(torch.tensor([0]), (2, 2), torch.Generator().manual_seed(0))
>>> n_id.tolist(), edge_index.tolist()
([0, 1, 2], [[1, 0, 2], [0, 1, 1]])
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch_geometric.utils import degree as node_degree

from kg.learn.metrics import auc_score, average_precision
from kg.learn.nn import LinkModel
from kg.learn.split import LinkSplit, supervision_split

__all__ = [
    "MINIBATCH_MIN_NODES",
    "MINIBATCH_DEFAULTS",
    "MINIBATCH_LOSS",
    "UPDATES_PER_EPOCH",
    "auto_batch_size",
    "Neighbourhood",
    "NegativeSampler",
    "use_minibatch",
    "fit_link_model_minibatch",
]

#: Graphs with at least this many nodes train in mini-batches unless ``batch_size`` says
#: otherwise (below it a full-batch epoch is cheap and converges in fewer seconds).
MINIBATCH_MIN_NODES = 20_000

#: Defaults of :func:`fit_link_model_minibatch` (an epoch here is many updates, so far
#: fewer epochs and a shorter patience than full-batch training needs).
#: Defaults; ``batch_size`` ``None`` means :func:`auto_batch_size`. Measured (two shared
#: cores, same split and queries per graph): on 9,078 nodes 1024 pairs per batch (4 updates
#: per epoch) reached test AUC 0.89 / MRR 0.105, 128 pairs 0.975 / 0.212, full batch
#: 0.978 / 0.220; on 48,884 nodes 1024 pairs (16 updates per epoch, 38 epochs) reached MRR
#: 0.171, 128 pairs 0.127 in 22 epochs and 0.145 in 60. What counts is enough updates per
#: epoch with batches as large as that allows. On 51,559 nodes (497 pairs per batch, the
#: same split and 1,000 test queries; docs/benchmarks-learning.md) full batch reached test
#: MRR 0.2297; one negative, constant rate, epoch chosen by sampled AUC 0.1684; chosen by
#: the sampled validation MRR 0.1899; with the cosine decay 0.1904; with three negatives
#: per positive too 0.2202.
MINIBATCH_DEFAULTS: dict[str, Any] = {
    "batch_size": None,
    "fanouts": (10, 5),
    "epochs": 30,
    "patience": 5,
    "min_epochs": None,
    "val_sample": 2000,
    "select": "mrr",
    "val_queries": 300,
    "pool": 300,
    "lr_final": 0.05,
    "negatives": 3,
}

#: The loss settings :func:`fit_link_model_minibatch` trains with by default, named as
#: :func:`kg.learn.training.fit_link_model` names its own (recorded in ``model.json``).
MINIBATCH_LOSS: dict[str, Any] = {
    "neg_ratio": MINIBATCH_DEFAULTS["negatives"],
    "loss": "balanced",
    "select": MINIBATCH_DEFAULTS["select"],
}


#: Updates per epoch :func:`auto_batch_size` aims at.
UPDATES_PER_EPOCH = 16


def auto_batch_size(supervised: int) -> int:
    """Pairs per batch for ``supervised`` pairs per epoch: about :data:`UPDATES_PER_EPOCH`
    updates, between 128 and 1024 pairs.

    >>> auto_batch_size(3_300), auto_batch_size(15_700), auto_batch_size(500)
    (206, 981, 128)
    """
    return int(min(1024, max(128, round(supervised / UPDATES_PER_EPOCH))))


def use_minibatch(num_nodes: int, batch_size: int | None) -> bool:
    """Whether to train in mini-batches: ``batch_size`` 0 forces full batch, a positive
    one forces mini-batches, ``None`` decides by size (:data:`MINIBATCH_MIN_NODES`).

    >>> use_minibatch(5_000, None), use_minibatch(50_000, None), use_minibatch(50_000, 0)
    (False, True, False)
    """
    if batch_size is None:
        return num_nodes >= MINIBATCH_MIN_NODES
    return batch_size > 0


class Neighbourhood:
    """The incoming edges of every node of a message-passing graph, as a CSR.

    Args:
        edge_index: ``[2, e]`` edges ``source -> target`` (both directions present for an
            undirected graph).
        num_nodes: number of nodes.
    """

    def __init__(self, edge_index: torch.Tensor, num_nodes: int) -> None:
        src, dst = edge_index[0].cpu(), edge_index[1].cpu()
        order = torch.argsort(dst, stable=True)
        self.col = src[order].contiguous()
        counts = torch.bincount(dst, minlength=num_nodes)
        self.rowptr = torch.zeros(num_nodes + 1, dtype=torch.long)
        torch.cumsum(counts, 0, out=self.rowptr[1:])
        self.num_nodes = num_nodes
        self.degree = counts

    def sample(
        self,
        seeds: torch.Tensor,
        fanouts: Sequence[int],
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The sampled subgraph around ``seeds``: ``(n_id, edge_index)``.

        ``n_id`` lists the global node of each local row: the unique seeds first (in
        ascending order), then the nodes each hop reached. ``edge_index`` holds the sampled
        edges in local numbering (``source -> target``), each once.
        """
        seeds = torch.unique(seeds.cpu())
        n_id = [seeds]
        local = torch.full((self.num_nodes,), -1, dtype=torch.long)
        local[seeds] = torch.arange(seeds.numel())
        count = seeds.numel()
        frontier = seeds
        srcs, dsts = [], []
        for fanout in fanouts:
            if frontier.numel() == 0:
                break
            deg = self.degree[frontier]
            take = deg.clamp(max=int(fanout))
            rep = torch.repeat_interleave(torch.arange(frontier.numel()), take)
            if rep.numel() == 0:
                break
            starts = torch.cumsum(take, 0) - take
            j = torch.arange(rep.numel()) - starts[rep]
            d = deg[rep]
            rand = (torch.rand(rep.numel(), generator=generator) * d).long().clamp(max=d - 1)
            pos = torch.where(d <= fanout, j, rand)
            nbr = self.col[self.rowptr[frontier[rep]] + pos]
            dst = frontier[rep]
            new = torch.unique(nbr[local[nbr] < 0])
            local[new] = torch.arange(count, count + new.numel())
            count += new.numel()
            n_id.append(new)
            srcs.append(local[nbr])
            dsts.append(local[dst])
            frontier = new
        nodes = torch.cat(n_id)
        if not srcs:
            return nodes, torch.empty((2, 0), dtype=torch.long)
        src, dst = torch.cat(srcs), torch.cat(dsts)
        key = torch.unique(dst * count + src)  # drop duplicates drawn with replacement
        return nodes, torch.stack([key % count, key // count])


class NegativeSampler:
    """One negative per positive, in time linear in the batch.

    With ``node_type``: a typed corruption (one side, chosen at random, replaced by a random
    node of the same type), from per-type tables built once; without: a uniformly random
    second node. The same distribution as :func:`kg.learn.split.train_negatives`.

    >>> s = NegativeSampler(torch.tensor([0, 1, 1, 1]), 4)
    >>> neg = s.draw(torch.tensor([[0], [1]]), torch.Generator().manual_seed(0))
    >>> int(s.node_type[neg[0, 0]]), int(s.node_type[neg[1, 0]])
    (0, 1)
    """

    def __init__(self, node_type: torch.Tensor | None, num_nodes: int) -> None:
        self.num_nodes = num_nodes
        self.node_type = None if node_type is None else node_type.cpu()
        if self.node_type is not None:
            self.order = torch.argsort(self.node_type, stable=True)
            self.counts = torch.bincount(self.node_type)
            self.starts = torch.cumsum(self.counts, 0) - self.counts

    def draw(self, pos: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """``[2, k]`` negatives for the ``[2, k]`` positives ``pos``."""
        pos = pos.cpu()
        k = pos.size(1)
        cols = torch.arange(k)
        neg = pos.clone()
        if self.node_type is None:
            neg[1] = torch.randint(0, self.num_nodes, (k,), generator=generator)
            return neg
        side = torch.randint(0, 2, (k,), generator=generator)
        t = self.node_type[pos[side, cols]]
        r = torch.rand(k, generator=generator)
        pick = (r * self.counts[t]).long().clamp(max=self.counts[t] - 1)
        neg[side, cols] = self.order[self.starts[t] + pick]
        return neg


class RankingProbe:
    """A fixed, seeded sample of validation queries ranked against fixed candidate pools: the
    validation figure that early stopping follows (the filtered MRR of ``kg eval``, sampled).

    Each validation pair ``(u, v)`` gives two queries, ``(u, ?)`` answered by ``v`` and
    ``(v, ?)`` answered by ``u``; at most ``queries`` of them are kept. The answer of a
    query is ranked against a pool of at most ``pool`` nodes of its type (drawn once per
    type), less the query node and its other known training and validation partners; ties
    count half. With a pool smaller than the type the figure is an estimate of the full
    MRR, on the same scale for every epoch, which is all a choice of epoch needs.

    >>> import torch
    >>> nt = torch.tensor([0, 0, 0, 1, 1, 1])
    >>> probe = RankingProbe(torch.tensor([[0], [3]]), torch.empty(2, 0, dtype=torch.long), nt, 6)
    >>> probe.heads.tolist(), probe.answers.tolist(), [p.tolist() for p in probe.pools]
    ([0, 3], [3, 0], [[0, 1, 2], [3, 4, 5]])
    >>> z = torch.eye(6)  # a dot-product score: each node ranks itself first
    >>> probe.mrr(lambda pairs: (z[pairs[0]] * z[pairs[1]]).sum(-1), torch.arange(6))
    0.5
    """

    def __init__(
        self,
        val_pos: torch.Tensor,
        known: torch.Tensor,
        node_type: torch.Tensor | None,
        num_nodes: int,
        *,
        queries: int = 500,
        pool: int = 1000,
        seed: int = 0,
    ) -> None:
        rng = np.random.default_rng(seed)
        val_pos = val_pos.cpu()
        heads = torch.cat([val_pos[0], val_pos[1]])
        answers = torch.cat([val_pos[1], val_pos[0]])
        keep = torch.from_numpy(np.sort(rng.permutation(heads.numel())[: min(heads.numel(), queries)]))
        self.heads, self.answers = heads[keep], answers[keep]
        types = torch.zeros(num_nodes, dtype=torch.long) if node_type is None else node_type.cpu()
        self.query_type = types[self.answers]
        self.pools: list[torch.Tensor] = []
        for t in range(int(types.max()) + 1 if num_nodes else 0):
            members = torch.nonzero(types == t).flatten()
            if members.numel() > pool:
                members = torch.sort(members[torch.from_numpy(rng.permutation(members.numel())[:pool])]).values
            self.pools.append(members)
        self.num_nodes = num_nodes
        pairs = torch.cat([known.cpu(), val_pos, known.cpu().flip(0), val_pos.flip(0)], dim=1)
        self.known = torch.unique(pairs[0] * num_nodes + pairs[1])  # sorted codes u * n + v
        self.nodes = torch.unique(torch.cat([self.heads, self.answers, *self.pools]))

    def mrr(self, score: Callable[[torch.Tensor], torch.Tensor], local: torch.Tensor) -> float:
        """Sampled filtered MRR; ``score`` gives logits of ``[2, k]`` rows of ``local`` (the
        row of every global node, ``-1`` where absent)."""
        if self.heads.numel() == 0:
            return float("nan")
        recip = []
        for t in torch.unique(self.query_type).tolist():
            sel = torch.nonzero(self.query_type == t).flatten()
            cand = self.pools[t]
            h, a = self.heads[sel], self.answers[sel]
            grid_h = h.repeat_interleave(cand.numel())
            grid_c = cand.repeat(h.numel())
            s = score(local[torch.stack([grid_h, grid_c])].to(torch.long)).reshape(h.numel(), -1).cpu()
            true = score(local[torch.stack([h, a])]).cpu()
            codes = grid_h * self.num_nodes + grid_c
            pos = torch.searchsorted(self.known, codes).clamp(max=max(self.known.numel() - 1, 0))
            hit = (self.known[pos] == codes) if self.known.numel() else torch.zeros_like(codes, dtype=torch.bool)
            out = (hit | (grid_c == grid_h) | (grid_c == a.repeat_interleave(cand.numel()))).reshape(h.numel(), -1)
            better = ((s > true[:, None]) & ~out).sum(1).double()
            tied = ((s == true[:, None]) & ~out).sum(1).double()
            recip.append(1.0 / (1.0 + better + tied / 2.0))
        return float(torch.cat(recip).mean())


def _inputs(model: LinkModel, x: torch.Tensor, mp: torch.Tensor) -> torch.Tensor:
    """``x`` with the columns :meth:`LinkModel.encode` adds from the whole graph (log degree)."""
    if model.degree:
        deg = node_degree(mp[0], x.size(0), dtype=x.dtype)
        x = torch.cat([x, torch.log1p(deg).unsqueeze(-1)], dim=-1)
    return x


def _encode_sub(
    model: LinkModel, xin: torch.Tensor, n_id: torch.Tensor, edge_index: torch.Tensor
) -> torch.Tensor:
    """Embeddings of the subgraph's nodes (rows follow ``n_id``)."""
    h = xin[n_id]
    if model.node_emb is not None:
        h = torch.cat([h, model.node_emb.weight[n_id]], dim=-1)
    return model.encoder(h, edge_index)


def _batch_logits(
    model: LinkModel,
    xin: torch.Tensor,
    nb: Neighbourhood,
    pairs: torch.Tensor,
    fanouts: Sequence[int],
    gen: torch.Generator,
    device: torch.device,
) -> torch.Tensor:
    n_id, edge_index = nb.sample(pairs.reshape(-1), fanouts, gen)
    z = _encode_sub(model, xin, n_id.to(device), edge_index.to(device))
    seeds = n_id[: torch.unique(pairs).numel()]  # the unique pair nodes, sorted, come first
    pos_of = torch.searchsorted(seeds, pairs.cpu().contiguous())
    return model.decode(z, pos_of.to(device))


@torch.no_grad()
def _sampled_scores(
    model: LinkModel,
    xin: torch.Tensor,
    nb: Neighbourhood,
    pos: torch.Tensor,
    neg: torch.Tensor,
    fanouts: Sequence[int],
    batch_size: int,
    seed: int,
    device: torch.device,
) -> dict[str, float]:
    """AUC/AP of ``pos`` against ``neg`` on neighbourhoods sampled with a fixed seed."""
    gen = torch.Generator().manual_seed(seed)
    model.eval()
    out = []
    for part in (pos, neg):
        chunks = [
            _batch_logits(model, xin, nb, part[:, s : s + batch_size], fanouts, gen, device)
            for s in range(0, part.size(1), batch_size)
        ]
        out.append(torch.cat(chunks).cpu().numpy() if chunks else np.empty(0))
    return {"auc": auc_score(out[0], out[1]), "ap": average_precision(out[0], out[1])}


@torch.no_grad()
def _probe_mrr(
    model: LinkModel,
    xin: torch.Tensor,
    nb: Neighbourhood,
    probe: RankingProbe,
    fanouts: Sequence[int],
    seed: int,
    device: torch.device,
) -> float:
    """:meth:`RankingProbe.mrr` on embeddings of one neighbourhood sampled with a fixed seed."""
    model.eval()
    n_id, edge_index = nb.sample(probe.nodes, fanouts, torch.Generator().manual_seed(seed))
    z = _encode_sub(model, xin, n_id.to(device), edge_index.to(device))
    local = torch.full((nb.num_nodes,), -1, dtype=torch.long)
    local[n_id] = torch.arange(n_id.numel())
    return probe.mrr(lambda pairs: model.decode(z, pairs.to(device)), local)


def fit_link_model_minibatch(
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
    supervision: float = 0.3,
    epochs: int = MINIBATCH_DEFAULTS["epochs"],
    lr: float = 0.01,
    patience: int = MINIBATCH_DEFAULTS["patience"],
    min_epochs: int | None = MINIBATCH_DEFAULTS["min_epochs"],
    seed: int = 0,
    device: torch.device | str = "cpu",
    batch_size: int | None = None,
    fanouts: Sequence[int] | None = None,
    val_sample: int = MINIBATCH_DEFAULTS["val_sample"],
    select: str = MINIBATCH_DEFAULTS["select"],
    val_queries: int = MINIBATCH_DEFAULTS["val_queries"],
    pool: int = MINIBATCH_DEFAULTS["pool"],
    lr_final: float = MINIBATCH_DEFAULTS["lr_final"],
    negatives: int = MINIBATCH_DEFAULTS["negatives"],
    init_state: dict[str, torch.Tensor] | None = None,
    on_epoch: Callable[[dict[str, float]], None] | None = None,
) -> Any:
    """Train a :class:`kg.learn.nn.LinkModel` on ``split`` in sampled mini-batches.

    Same arguments and result (:class:`kg.learn.training.FitResult`) as
    :func:`kg.learn.training.fit_link_model`, plus:

    Args:
        batch_size: supervised positive pairs per update (each with one negative); default
            :func:`auto_batch_size`.
        fanouts: neighbours sampled per node and hop (default ``(10, 5)``, one per layer;
            a shorter tuple is padded with its last value).
        val_sample: validation pairs (and as many negatives) scored per epoch when
            ``select`` is ``"auc"``.
        select: the validation figure that picks the epoch: ``"mrr"`` (default, sampled
            filtered MRR of :class:`RankingProbe`) or ``"auc"``.
        val_queries: validation queries of the :class:`RankingProbe`.
        pool: candidates per node type of the :class:`RankingProbe`.
        lr_final: the learning rate of the last epoch, as a fraction of ``lr`` (cosine
            decay; ``1.0`` keeps it constant).
        negatives: typed negatives per supervised positive.
        min_epochs: epochs trained before early stopping may end training (default three
            quarters of ``epochs``, none when fine-tuning from ``init_state``: before the
            learning rate has come down the validation figure of a fresh model swings too
            much to judge by, and the best epochs come late).
        init_state: weights to start from (fine-tuning) instead of a fresh model.

    The validation and test figures of the result are exact (whole-graph encoding at the
    best epoch), not sampled.
    """
    from kg.learn.fitting import FitResult, link_loss, seed_all
    from kg.learn.fitting import held_out_scores as _scores

    if encoder == "hetero":
        raise ValueError("encoder 'hetero' trains full batch only; use --batch-size 0")
    device = torch.device(device)
    seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    fan = list(fanouts or MINIBATCH_DEFAULTS["fanouts"])
    fan = (fan + [fan[-1]] * layers)[:layers]
    model = LinkModel(
        x.size(1), hidden, layers, encoder, decoder, degree, dropout, x.size(0), node_dim,
        split.node_type,
    ).to(device)
    if init_state is not None:
        model.load_state_dict(init_state)
    x = x.to(device)
    cpu_split = split.to(torch.device("cpu"))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    negs = NegativeSampler(cpu_split.node_type, split.num_nodes)
    if not batch_size:
        batch_size = auto_batch_size(round(supervision * split.train_pos.size(1)))
    val_gen = np.random.default_rng(seed)
    k_val = split.val_pos.size(1)
    pick = torch.from_numpy(np.sort(val_gen.permutation(k_val)[: min(k_val, val_sample)]))
    val_pos, val_neg = cpu_split.val_pos[:, pick], cpu_split.val_neg[:, pick]
    val_nb = Neighbourhood(cpu_split.train_mp, split.num_nodes)
    val_x = _inputs(model, x, cpu_split.train_mp.to(device))
    if select not in ("mrr", "auc"):
        raise ValueError(f"select must be 'mrr' or 'auc', not {select!r}")
    probe = RankingProbe(
        cpu_split.val_pos, cpu_split.train_pos, cpu_split.node_type, split.num_nodes,
        queries=val_queries, pool=pool, seed=seed,
    ) if select == "mrr" else None

    def validate() -> dict[str, float]:
        if probe is not None:
            return {"mrr": _probe_mrr(model, val_x, val_nb, probe, fan, seed + 7, device)}
        return _sampled_scores(model, val_x, val_nb, val_pos, val_neg, fan, batch_size, seed + 7, device)

    best: dict[str, float] = {"auc": float("nan"), "ap": float("nan")}
    best_key, best_epoch, epoch = -1.0, 0, 0
    best_state = copy.deepcopy(model.state_dict())
    if init_state is not None:  # the starting weights are kept unless an epoch beats them
        start = validate()[select]
        best_key = start if start == start else 0.0
    if min_epochs is None:  # a fine-tune starts from trained weights: no swings to wait out
        min_epochs = 0 if init_state is not None else 3 * epochs // 4
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(epochs - 1, 1), eta_min=lr * lr_final)
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        sup, mp = supervision_split(cpu_split, supervision, gen)
        nb = Neighbourhood(mp, split.num_nodes)
        xin = _inputs(model, x, mp.to(device))
        order = torch.randperm(sup.size(1), generator=gen)
        total, steps = 0.0, 0
        for s in range(0, order.numel(), batch_size):
            pos = sup[:, order[s : s + batch_size]]
            neg = negs.draw(pos.repeat(1, negatives), gen)
            pairs = torch.cat([pos, neg], dim=1)
            opt.zero_grad()
            logits = _batch_logits(model, xin, nb, pairs, fan, gen, device)
            k = pos.size(1)  # positives and negatives weigh half each, however many negatives
            loss = link_loss(logits[:k], logits[k:], MINIBATCH_LOSS["loss"])
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        row = {"epoch": epoch, "loss": total / max(steps, 1), "lr": opt.param_groups[0]["lr"]}
        sched.step()
        val = validate()
        row.update({f"val_{name}": v for name, v in val.items()})
        history.append(row)
        if on_epoch is not None:
            on_epoch(row)
        key = val[select] if val[select] == val[select] else 0.0
        if key > best_key:
            best_key, best_epoch = key, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience and epoch >= min_epochs:
            break
    train_s = time.perf_counter() - t0
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        dev_split = split.to(device)
        best = _scores(model, model.encode(x, dev_split.train_mp), dev_split.val_pos, dev_split.val_neg)
        test = _scores(model, model.encode(x, dev_split.test_mp), dev_split.test_pos, dev_split.test_neg)
    return FitResult(
        model=model,
        best_epoch=best_epoch,
        epochs_trained=epoch,
        val=best,
        test=test,
        history=history,
        timings={"train": train_s, "epoch_ms": 1000.0 * train_s / max(epoch, 1)},
    )
