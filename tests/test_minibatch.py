"""Tests of kg.learn.minibatch: the neighbour sampler, linear-time negatives, mini-batch training."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _toy_kg import toy_kg

from kg.learn.metrics import rank_of
from kg.learn.minibatch import (
    MINIBATCH_MIN_NODES,
    NegativeSampler,
    Neighbourhood,
    RankingProbe,
    fit_link_model_minibatch,
    use_minibatch,
)
from kg.learn.pyg import to_link_graph
from kg.learn.training import train, training_split


def _undirected(pairs: list[tuple[int, int]]) -> torch.Tensor:
    both = pairs + [(b, a) for a, b in pairs]
    return torch.tensor(both, dtype=torch.long).t()


def test_small_fanout_takes_every_neighbour_and_seeds_come_first() -> None:
    star = _undirected([(0, i) for i in range(1, 6)])  # centre 0, leaves 1..5
    nb = Neighbourhood(star, 6)
    n_id, ei = nb.sample(torch.tensor([3, 0]), (10, 10), torch.Generator().manual_seed(0))
    assert n_id[:2].tolist() == [0, 3]  # unique seeds, sorted, first
    assert sorted(n_id.tolist()) == list(range(6))
    edges = {(int(n_id[a]), int(n_id[b])) for a, b in ei.t().tolist()}
    assert {(i, 0) for i in range(1, 6)} <= edges  # every in-edge of the centre
    assert all((a, b) in {(0, i) for i in range(1, 6)} | {(i, 0) for i in range(1, 6)} for a, b in edges)


def test_fanout_bounds_the_in_edges_per_node() -> None:
    star = _undirected([(0, i) for i in range(1, 101)])
    nb = Neighbourhood(star, 101)
    n_id, ei = nb.sample(torch.tensor([0]), (7,), torch.Generator().manual_seed(1))
    into_centre = (n_id[ei[1]] == 0).sum().item()
    assert 1 <= into_centre <= 7
    assert n_id.numel() == 1 + into_centre  # one hop: the seed and its sampled neighbours


def test_sampling_is_reproducible_with_a_seeded_generator() -> None:
    ring = _undirected([(i, (i + 1) % 50) for i in range(50)] + [(i, (i + 7) % 50) for i in range(50)])
    nb = Neighbourhood(ring, 50)
    a = nb.sample(torch.tensor([1, 2]), (2, 2), torch.Generator().manual_seed(5))
    b = nb.sample(torch.tensor([1, 2]), (2, 2), torch.Generator().manual_seed(5))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_typed_negatives_keep_the_type_of_the_side_replaced() -> None:
    node_type = torch.tensor([0] * 10 + [1] * 5 + [2] * 3)
    pos = torch.tensor([[0, 1, 2, 3] * 50, [10, 11, 15, 16] * 50])
    neg = NegativeSampler(node_type, 18).draw(pos, torch.Generator().manual_seed(0))
    assert torch.equal(node_type[neg], node_type[pos])
    changed = (neg != pos).any(dim=0)
    assert changed.float().mean() > 0.5  # most are real corruptions


def test_size_rule_and_forcing() -> None:
    assert not use_minibatch(MINIBATCH_MIN_NODES - 1, None)
    assert use_minibatch(MINIBATCH_MIN_NODES, None)
    assert use_minibatch(10, 64) and not use_minibatch(10**6, 0)


def test_minibatch_training_learns_the_toy_graph() -> None:
    lg = to_link_graph(toy_kg(posts=8), dim=16)
    split = training_split(lg, seed=0)
    fit = fit_link_model_minibatch(
        lg.x, split, hidden=16, epochs=30, patience=30, batch_size=8, fanouts=(5, 5)
    )
    losses = [row["loss"] for row in fit.history]
    assert np.mean(losses[-5:]) < np.mean(losses[:5])
    assert fit.test["auc"] > 0.5


def test_train_batch_size_selects_the_mode_and_records_it() -> None:
    kg = toy_kg()
    mb = train(kg, hidden=8, epochs=2, progress=False, batch_size=16)
    full = train(kg, hidden=8, epochs=2, progress=False, batch_size=0)
    assert mb.config["mode"] == "minibatch" and mb.config["batch_size"] == 16
    assert full.config["mode"] == "full"
    assert mb.z.shape == full.z.shape


def _exact_mrr(scores: np.ndarray, heads, answers, node_type, known: set[tuple[int, int]]) -> float:
    """Filtered MRR the way kg eval computes it: all nodes of the answer's type."""
    recip = []
    for h, a in zip(heads, answers, strict=True):
        mask = node_type == node_type[a]
        mask[h] = False
        for other in range(len(node_type)):
            if (h, other) in known and other != a:
                mask[other] = False
        recip.append(1.0 / rank_of(scores[h], a, mask))
    return float(np.mean(recip))


def test_ranking_probe_with_whole_pools_is_the_filtered_mrr() -> None:
    rng = np.random.default_rng(3)
    n = 40
    node_type = torch.from_numpy(rng.integers(0, 3, size=n))
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, size=(60, 2)) if a != b}
    pairs = sorted({(min(p), max(p)) for p in pairs})
    val = torch.tensor(pairs[:12]).t()
    train_pos = torch.tensor(pairs[12:]).t()
    scores = np.round(rng.normal(size=(n, n)), 1).astype(np.float32)  # ties happen
    table = torch.from_numpy(scores)
    probe = RankingProbe(val, train_pos, node_type, n, queries=1000, pool=n)
    got = probe.mrr(lambda p: table[p[0], p[1]], torch.arange(n))
    known = {(a, b) for a, b in pairs} | {(b, a) for a, b in pairs}
    want = _exact_mrr(scores, probe.heads.tolist(), probe.answers.tolist(), node_type.numpy(), known)
    assert probe.heads.numel() == 24  # every validation pair asked both ways
    assert abs(got - want) < 1e-9


def test_ranking_probe_samples_are_fixed_and_bounded() -> None:
    node_type = torch.tensor([0] * 500 + [1] * 20)
    val = torch.stack([torch.arange(0, 300), 500 + torch.arange(300) % 20])
    none = torch.empty(2, 0, dtype=torch.long)
    a = RankingProbe(val, none, node_type, 520, queries=100, pool=50, seed=4)
    b = RankingProbe(val, none, node_type, 520, queries=100, pool=50, seed=4)
    assert a.heads.numel() == 100 and torch.equal(a.heads, b.heads)
    assert [p.numel() for p in a.pools] == [50, 20]
    assert all(torch.equal(p, q) for p, q in zip(a.pools, b.pools, strict=True))
    assert bool((node_type[a.pools[0]] == 0).all())


def test_minibatch_selects_the_epoch_of_best_validation_mrr() -> None:
    lg = to_link_graph(toy_kg(posts=8), dim=16)
    split = training_split(lg, seed=0)
    fit = fit_link_model_minibatch(
        lg.x, split, hidden=16, epochs=12, patience=12, batch_size=8, fanouts=(5, 5),
        negatives=3, lr_final=0.1,
    )
    mrr = [row["val_mrr"] for row in fit.history]
    assert fit.best_epoch == 1 + int(np.argmax(mrr))
    assert 0.0 < max(mrr) <= 1.0
    lrs = [row["lr"] for row in fit.history]
    assert lrs[0] == 0.01 and abs(lrs[-1] - 0.001) < 1e-9 and lrs == sorted(lrs, reverse=True)


def test_minibatch_can_still_select_by_sampled_auc() -> None:
    lg = to_link_graph(toy_kg(posts=8), dim=16)
    split = training_split(lg, seed=0)
    fit = fit_link_model_minibatch(lg.x, split, hidden=16, epochs=3, batch_size=8, select="auc")
    assert "val_auc" in fit.history[0] and "val_mrr" not in fit.history[0]
    with pytest.raises(ValueError, match="select"):
        fit_link_model_minibatch(lg.x, split, hidden=16, epochs=1, batch_size=8, select="ap")


def test_early_stopping_waits_for_min_epochs() -> None:
    lg = to_link_graph(toy_kg(posts=8), dim=16)
    split = training_split(lg, seed=0)
    frozen = {"hidden": 16, "epochs": 12, "patience": 1, "batch_size": 8, "lr": 0.0}
    fit = fit_link_model_minibatch(lg.x, split, **frozen)  # nothing improves after epoch 1
    assert fit.best_epoch == 1 and fit.epochs_trained == 9  # three quarters by default
    assert fit_link_model_minibatch(lg.x, split, min_epochs=0, **frozen).epochs_trained == 2
