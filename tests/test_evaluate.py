"""Tests of kg.learn.metrics and kg.evaluate: metric values, result shape, honesty checks."""

from __future__ import annotations

import os

import numpy as np
import pytest
from _toy_kg import toy_kg

from kg.learn.evaluation import BASELINES, METRICS, _queries, evaluate, format_table, seen_graph
from kg.learn.metrics import auc_score, average_precision, rank_of, ranking_summary
from kg.learn.predictor import LinkPredictor
from kg.learn.training import train


def test_auc_and_ap_known_values() -> None:
    assert auc_score([1, 2, 3], [0, 0]) == 1.0
    assert auc_score([0, 0], [1, 2]) == 0.0
    assert auc_score([1, 1], [1, 1]) == 0.5  # all ties: chance
    assert average_precision([3, 2], [1, 0]) == 1.0
    assert average_precision([1], [2, 3]) == pytest.approx(1 / 3)
    assert average_precision([1, 1], [1, 1]) == pytest.approx((1 / 3 + 2 / 4) / 2)


def test_rank_with_ties_and_mask() -> None:
    s = np.array([0.0, 0.0, 0.0, 0.0])
    assert rank_of(s, 0) == 2.5  # a constant scorer gets the middle rank, not the first
    s = np.array([0.9, 0.1, 0.5, 0.7])
    assert rank_of(s, 2) == 3.0
    assert rank_of(s, 2, mask=np.array([False, True, True, True])) == 2.0
    assert ranking_summary([1, 4, 20]) == {
        "mrr": pytest.approx((1 + 0.25 + 0.05) / 3),
        "hits@1": pytest.approx(1 / 3),
        "hits@10": pytest.approx(2 / 3),
    }


def test_queries_ask_each_test_edge_both_ways() -> None:
    q = _queries(np.array([[1, 2], [5, 6]]), None, 0)
    assert sorted(map(tuple, q.tolist())) == [(1, 5), (2, 6), (5, 1), (6, 2)]
    assert len(_queries(np.array([[1, 2], [5, 6]]), 3, 0)) == 3


@pytest.fixture(scope="module")
def trained():
    kg = toy_kg(posts=6)
    return kg, train(kg, seed=0, epochs=60, hidden=32, progress=False)


def test_result_shape_matches_the_cli_contract(trained) -> None:
    kg, p = trained
    r = evaluate(kg, p)
    assert set(r) == {"results", "split"}
    assert list(r["results"]) == ["gnn", *BASELINES]
    for row in r["results"].values():
        assert set(row) == set(METRICS)
        assert all(0.0 <= v <= 1.0 for v in row.values())
    s = r["split"]
    assert (s["train"], s["val"], s["test"]) == tuple(
        p.split[k].shape[1] for k in ("train_pos", "val_pos", "test_pos")
    )
    assert s["queries"] == 2 * s["test"]
    assert "gnn" in format_table(r)


def test_saved_and_loaded_predictor_evaluates_the_same(trained, tmp_path) -> None:
    kg, p = trained
    p.save(tmp_path)
    assert evaluate(kg, LinkPredictor.load(tmp_path)) == evaluate(kg, p)


def test_model_of_another_graph_is_refused(trained) -> None:
    _, p = trained
    with pytest.raises(ValueError, match="different graph"):
        evaluate(toy_kg(posts=5), p)


def test_without_the_check_and_the_heuristics_the_gnn_row_is_the_same(trained) -> None:
    """What `kg build` prints: the GNN's row alone, the fingerprint not recomputed."""
    kg, p = trained
    full = evaluate(kg, p)
    alone = evaluate(kg, p, baselines=(), check=False)
    assert list(alone["results"]) == ["gnn"]
    assert alone["results"]["gnn"] == full["results"]["gnn"] and alone["split"] == full["split"]


def test_heuristics_do_not_see_test_edges(trained) -> None:
    kg, p = trained
    seen = seen_graph(kg, p)
    ids = p.ids
    assert not any(seen.has_edge(ids[a], ids[b]) for a, b in p.split["test_pos"].T)
    assert all(seen.has_edge(ids[a], ids[b]) for a, b in p.split["train_pos"].T)
    assert all(seen.has_edge(ids[a], ids[b]) for a, b in p.split["val_pos"].T)
    assert seen.has_edge("post:p0", "paper:x0-0-0")  # context edges are always there


@pytest.mark.skipif(
    not os.environ.get("KG_SLOW"), reason="set KG_SLOW=1 (trains on the corpus, minutes)"
)
def test_gnn_beats_every_baseline_on_the_corpus(corpus_dir) -> None:
    from kg.pipeline import build

    kg = build([str(corpus_dir)])
    r = evaluate(kg, seed=0)
    gnn = r["results"]["gnn"]["mrr"]
    assert all(gnn > r["results"][b]["mrr"] for b in BASELINES), format_table(r)


def test_table_columns_line_up_for_every_method_name() -> None:
    import re

    r = {"results": {name: dict.fromkeys(METRICS, 0.5) for name in ("gnn", *BASELINES)}}
    lines = format_table(r).splitlines()
    header = [m.end() for m in re.finditer(r"\S+", lines[0])][1:]
    for line in lines[1:]:  # each value ends under its column name
        assert [m.end() for m in re.finditer(r"\d\.\d{4}", line)] == header, format_table(r)


def test_ranks_scoring_only_the_answer_type_equal_ranks_against_every_node() -> None:
    from kg.learn.evaluation import _ranks
    from kg.suggest.scoring import score_matrix

    rng = np.random.default_rng(0)
    n, d = 300, 8
    z = rng.normal(size=(n, d)).astype(np.float32)
    dec = {"decoder": "mlp", "dec_w0": rng.normal(size=(d, d)), "dec_b0": rng.normal(size=d),
           "dec_w1": rng.normal(size=(d, 1)), "dec_b1": np.zeros(1)}  # fmt: skip
    types = rng.choice(3, size=n, p=[0.8, 0.15, 0.05])
    pairs = rng.integers(0, n, size=(2, 120))
    queries = _queries(pairs, None, 0)
    known: dict[int, set[int]] = {}
    for a, b in pairs.T:
        known.setdefault(int(a), set()).add(int(b))
        known.setdefault(int(b), set()).add(int(a))
    full = score_matrix(z, np.arange(n), dec, logits=True)
    want = []
    for head, true in queries:  # every node scored, then the other types masked out
        mask = types == types[true]
        mask[head] = False
        mask[[m for m in known.get(int(head), ()) if m != true]] = False
        want.append(rank_of(full[head], int(true), mask))
    got = _ranks(lambda h, c: score_matrix(z, h, dec, logits=True, candidates=c), queries, types, known,
                 chunk=16)  # fmt: skip
    np.testing.assert_allclose(got, want)
