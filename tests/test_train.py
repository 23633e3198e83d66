"""Tests of kg.learn.split and kg.train: leakage, reproducibility, result object and files."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from _toy_kg import toy_kg

from kg.learn.fitting import RankingProbe, link_loss, probe_mrr, ranking_probe
from kg.learn.nn import LinkModel
from kg.learn.predictor import LinkPredictor
from kg.learn.pyg import to_link_graph
from kg.learn.split import link_split, supervision_split, train_negatives
from kg.learn.training import MINIBATCH_LOSS, fit_link_model, train
from kg.suggest.scoring import score_pairs

FAST = {"epochs": 15, "hidden": 16, "progress": False}


def _pairset(ei: torch.Tensor) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for a, b in ei.t().tolist()}


@pytest.fixture(scope="module")
def split():
    lg = to_link_graph(toy_kg(), dim=8)
    return lg, link_split(lg.target, lg.context, lg.num_nodes, seed=3, node_type=lg.node_type)


def test_held_out_edges_never_pass_messages(split) -> None:
    lg, s = split
    val, test = _pairset(s.val_pos), _pairset(s.test_pos)
    assert val and test and not (val & test)
    assert not (_pairset(s.train_mp) & (val | test))
    assert not (_pairset(s.test_mp) & test)
    assert val <= _pairset(s.test_mp)
    assert _pairset(s.full_mp) == _pairset(lg.target) | _pairset(lg.context)
    # message passing is undirected: each pair in both directions
    assert s.train_mp.size(1) == 2 * len(_pairset(s.train_mp))
    assert _pairset(lg.context) <= _pairset(s.train_mp)


def test_fixed_negatives_are_typed_and_never_known(split) -> None:
    lg, s = split
    known = _pairset(lg.target)
    for pos, neg in ((s.val_pos, s.val_neg), (s.test_pos, s.test_neg)):
        assert not (_pairset(neg) & known)
        for (a, b), (c, d) in zip(pos.t().tolist(), neg.t().tolist(), strict=True):
            assert sorted([lg.types[a], lg.types[b]]) == sorted([lg.types[c], lg.types[d]])
            assert c != d


def test_supervision_edges_are_out_of_message_passing(split) -> None:
    _, s = split
    gen = torch.Generator().manual_seed(0)
    sup, mp = supervision_split(s, 0.3, gen)
    assert sup.size(1) == round(0.3 * s.train_pos.size(1))
    assert not (_pairset(sup) & _pairset(mp))
    assert _pairset(sup) | _pairset(mp) >= _pairset(s.train_pos)
    neg = train_negatives(s, gen, sup)
    assert neg.shape == sup.shape


def test_same_seed_same_embeddings_and_ranking() -> None:
    kg = toy_kg()
    a, b = train(kg, seed=5, **FAST), train(kg, seed=5, **FAST)
    assert np.array_equal(a.z, b.z)
    query = a.ids.index("paper:x0-0-0")
    rank_a = np.argsort(
        -score_pairs(a.z, np.array([[query] * len(a.ids), range(len(a.ids))]), a.decoder)
    )
    rank_b = np.argsort(
        -score_pairs(b.z, np.array([[query] * len(b.ids), range(len(b.ids))]), b.decoder)
    )
    assert rank_a.tolist() == rank_b.tolist()
    c = train(kg, seed=6, **FAST)
    assert not np.array_equal(a.z, c.z)


def test_train_learns_something_on_the_toy_graph() -> None:
    p = train(toy_kg(posts=6), seed=0, epochs=150, hidden=32, progress=False)
    assert p.metrics["val"]["auc"] > 0.75
    assert 1 <= p.config["best_epoch"] <= p.config["epochs_trained"] <= 150


def test_result_object_and_files_round_trip(tmp_path) -> None:
    kg = toy_kg()
    p = train(kg, seed=0, encoder="gcn", decoder="mlp", **FAST)
    assert p.config["graph_fingerprint"] == kg.fingerprint()
    assert p.config["split"] == {
        k: int(v.shape[1])
        for k, v in {
            "train": p.split["train_pos"],
            "val": p.split["val_pos"],
            "test": p.split["test_pos"],
        }.items()
    }
    assert set(p.timings) >= {"features", "split", "train", "embed", "total", "epoch_ms"}
    p.save(tmp_path)
    assert sorted(f.name for f in tmp_path.iterdir()) == [
        "embeddings.npz",
        "model.json",
        "model.pt",
        "split.npz",
    ]
    meta = json.loads((tmp_path / "model.json").read_text())
    for key in (
        "encoder",
        "decoder",
        "hidden",
        "layers",
        "features",
        "seed",
        "epochs_trained",
        "best_epoch",
        "graph_fingerprint",
        "metrics",
        "timings",
        "kg_version",
    ):
        assert key in meta
    with np.load(tmp_path / "embeddings.npz") as npz:
        assert npz["z"].dtype == np.float32 and npz["z"].shape == (len(p.ids), 16)
        assert str(npz["decoder"]) == "mlp" and "dec_w1" in npz.files
        assert npz["ids"].tolist() == p.ids
    q = LinkPredictor.load(tmp_path)
    assert q.state_dict is None
    assert np.array_equal(q.z, p.z) and np.array_equal(q.z_eval, p.z_eval)
    assert q.score([("paper:x0-0-0", "topic:sub0-0")]) == pytest.approx(
        p.score([("paper:x0-0-0", "topic:sub0-0")])
    )
    # the state dict loads with weights_only=True and reproduces the saved embeddings
    state = torch.load(tmp_path / "model.pt", weights_only=True)
    c = meta
    model = LinkModel(
        c["in_channels"],
        c["hidden"],
        c["layers"],
        c["encoder"],
        c["decoder"],
        c["degree"],
        num_nodes=len(p.ids),
        node_dim=c["node_dim"],
    )
    model.load_state_dict(state)
    lg = to_link_graph(kg, c["features"], seed=c["seed"])
    full = torch.cat([lg.target, lg.context, lg.target.flip(0), lg.context.flip(0)], dim=1)
    with torch.no_grad():
        z = model.eval().encode(lg.x, full).numpy()
    np.testing.assert_allclose(z, p.z, rtol=1e-4, atol=1e-5)


def test_type_features_option_for_structure_only_models() -> None:
    p = train(toy_kg(), features="type", **FAST)
    assert p.config["features"] == "type" and p.config["in_channels"] == 5


def test_too_few_target_edges_is_a_clear_error() -> None:
    kg = toy_kg(posts=1, papers_per_topic=1)  # 2 part_of + 2 published_at + 2 subtopic_of
    with pytest.raises(ValueError, match="6 target edges"):
        train(kg, **FAST)


def test_progress_bar_runs(capsys) -> None:
    p = train(toy_kg(), epochs=3, hidden=8, progress=True)
    assert p.config["epochs_trained"] == 3


def test_ranking_probe_candidates_are_typed_and_filtered(split) -> None:
    lg, s = split
    known = torch.cat([s.train_pos, s.val_pos], dim=1)
    p = ranking_probe(s.val_pos, s.node_type, known, s.num_nodes, candidates=40, seed=1)
    k = s.val_pos.size(1)
    assert p.heads.tolist() == s.val_pos[0].tolist() + s.val_pos[1].tolist()  # both ways
    assert p.trues.tolist() == s.val_pos[1].tolist() + s.val_pos[0].tolist()
    assert p.candidates.shape == (2 * k, 40)
    pairs = _pairset(known)
    for h, t, cands, ok, scale in zip(p.heads.tolist(), p.trues.tolist(), p.candidates.tolist(),
                                      p.valid.tolist(), p.scale.tolist(), strict=True):  # fmt: skip
        assert {lg.types[c] for c in cands} == {lg.types[t]}
        for c, v in zip(cands, ok, strict=True):
            assert v == (c != h and (min(h, c), max(h, c)) not in pairs)
        assert scale == pytest.approx(lg.types.count(lg.types[t]) / max(1, sum(ok)))
    # a seed draws the same probe; at most max_queries queries
    again = ranking_probe(s.val_pos, s.node_type, known, s.num_nodes, candidates=40, seed=1)
    assert torch.equal(again.candidates, p.candidates)
    assert ranking_probe(s.val_pos, s.node_type, known, s.num_nodes, max_queries=3).heads.numel() == 3


def test_probe_mrr_counts_each_better_candidate_as_scale_ranks() -> None:
    model = LinkModel(2, hidden=2, layers=1, decoder="dot", degree=False)
    z = torch.tensor([[1.0, 0.0], [3.0, 0.0], [2.0, 0.0], [5.0, 0.0], [0.0, 0.0]])
    probe = RankingProbe(
        heads=torch.tensor([0, 0]),
        trues=torch.tensor([1, 2]),
        candidates=torch.tensor([[2, 4, 3], [1, 4, 4]]),
        valid=torch.tensor([[True, True, False], [True, True, True]]),  # node 3 is known
        scale=torch.tensor([2.0, 1.0]),
    )
    # query 1: candidate 2 (score 2) < true 1 (score 3), 3 masked -> rank 1
    # query 2: candidate 1 (score 3) beats true 2 (score 2) -> rank 1 + 1 * 1
    assert probe_mrr(model, z, probe) == pytest.approx((1.0 + 0.5) / 2)
    probe.valid[0, 2] = True  # node 3 (score 5) beats node 1: rank 1 + 1 * 2
    assert probe_mrr(model, z, probe) == pytest.approx((1 / 3 + 0.5) / 2)


def test_softmax_loss_ranks_within_each_group_and_bce_scores_each_pair() -> None:
    pos = torch.tensor([2.0, -1.0], requires_grad=True)
    neg = torch.tensor([0.0, 1.0, -3.0, 0.5])  # negatives 0 and 2 belong to positive 0
    shifted = torch.tensor([5.0, -1.0]), torch.tensor([3.0, 1.0, 0.0, 0.5])  # group 0 shifted by 3
    assert link_loss(*shifted, "softmax") == pytest.approx(float(link_loss(pos.detach(), neg, "softmax")))
    assert link_loss(*shifted, "bce") != pytest.approx(float(link_loss(pos.detach(), neg, "bce")))
    link_loss(pos, neg, "softmax").backward()
    assert (pos.grad < 0).all()  # descending raises every positive
    # the mixed loss adds a balanced BCE: the same as "bce" when there is one negative each
    one = torch.tensor([0.5, -2.0])
    both = link_loss(pos.detach(), one, "bce+softmax")
    assert float(both) == pytest.approx(
        float(link_loss(pos.detach(), one, "softmax") + link_loss(pos.detach(), one, "bce")))
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        link_loss(pos, neg, "hinge")


def test_selecting_on_validation_mrr_keeps_the_best_probe_epoch(split) -> None:
    lg, s = split
    fit = fit_link_model(lg.x, s, hidden=16, epochs=25, patience=25, seed=0, select="mrr",
                         neg_ratio=3, loss="softmax")  # fmt: skip
    mrrs = [row["val_mrr"] for row in fit.history]
    assert len(mrrs) == 25 and fit.best_epoch == 1 + int(np.argmax(mrrs))
    assert fit.val["mrr"] == max(mrrs) and {"auc", "ap"} <= set(fit.val)
    with pytest.raises(ValueError, match="unknown select"):
        fit_link_model(lg.x, s, epochs=1, select="loss")
    with pytest.raises(ValueError, match="neg_ratio must be >= 1"):
        fit_link_model(lg.x, s, epochs=1, neg_ratio=0)


def test_training_options_are_recorded_and_mini_batches_say_what_they_used() -> None:
    kg = toy_kg()
    p = train(kg, seed=0, **FAST)
    assert {k: p.config[k] for k in ("neg_ratio", "loss", "select")} == {
        "neg_ratio": 1, "loss": "bce", "select": "auc"}  # fmt: skip
    q = train(kg, seed=0, loss="softmax", neg_ratio=4, select="mrr", **FAST)
    assert (q.config["loss"], q.config["neg_ratio"], q.config["select"]) == ("softmax", 4, "mrr")
    assert not np.array_equal(p.z, q.z)
    m = train(kg, seed=0, batch_size=16, **FAST)
    assert m.config["mode"] == "minibatch"
    assert {k: m.config[k] for k in ("neg_ratio", "loss", "select")} == MINIBATCH_LOSS
