"""The relatedness head and whole-note holdout: real torch-geometric training on small graphs."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from _handmade import write_model_dir

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.io import SUGGEST_CACHE
from kg.learn.training import _encoder_without, fit_relatedness_head, train
from kg.suggest.related import (
    FEATURES,
    Ranker,
    cross_fit_head,
    note_holdout,
    note_pair_rows,
    unit_rows,
    without,
)
from kg.suggest.suggester import Suggester

SECTIONS = ("Graph networks", "Few-shot", "Pruning")


def _lists_graph() -> KnowledgeGraph:
    """Two curated lists of three sections of five papers each, every paper also named by a
    blog post, filed under a method of its section and published at a venue."""
    g = nx.MultiDiGraph()
    venues = ["venue:nips", "venue:iclr", "venue:cvpr"]
    for v in venues:
        g.add_node(v, type="venue", label=v.split(":")[1].upper())
    for j, sec in enumerate(SECTIONS):
        g.add_node(f"method:m{j}", type="method", label=f"{sec} method")
    for lst in range(2):
        post = f"post:list{lst}"
        g.add_node(post, type="post", label=f"Reading list {lst}")
        blog = f"post:blog{lst}"
        g.add_node(blog, type="post", label=f"Blog {lst}")
        for j, sec in enumerate(SECTIONS):
            for k in range(5):
                p = f"paper:l{lst}-s{j}-{k}"
                g.add_node(p, type="paper", label=f"{sec} paper {lst} {k}")
                g.add_edge(post, p, key="mentions", relation="mentions", section=sec)
                g.add_edge(blog, p, key="mentions", relation="mentions")
                g.add_edge(p, f"method:m{j}", key="part_of", relation="part_of")
                g.add_edge(p, venues[(j + k) % 3], key="published_at", relation="published_at")
    return KnowledgeGraph(g)


@pytest.fixture(scope="module")
def trained() -> tuple:
    kg = _lists_graph()
    return kg, train(kg, epochs=30, hidden=16, progress=False, seed=0)


def test_whole_notes_are_held_out_one_at_a_time() -> None:
    kg = _lists_graph()
    held = note_holdout(kg)
    # the blogs list nothing under a section: only the two lists are held out
    assert [post for post, _, _ in held] == ["post:list0", "post:list1"]
    post, papers, hidden = held[0]
    assert papers["paper:l0-s1-3"] == "Few-shot" and len(papers) == 15
    assert {(u, v) for u, v in hidden if post in (u, v)} == {
        (post, p) for p in kg.graph.successors(post)}
    # the list's papers keep what the blog says about them, and nothing of the list
    seen = without(kg, hidden)
    assert post not in seen.neighbors("paper:l0-s1-3")
    assert "post:blog0" in seen.neighbors("paper:l0-s1-3")


def test_note_pairs_see_embeddings_without_the_note(trained) -> None:
    import torch

    from kg.learn.nn import LinkModel
    from kg.learn.pyg import to_link_graph
    from kg.suggest.related import TextIndex

    kg, p = trained
    c = p.config
    model = LinkModel(c["in_channels"], c["hidden"], c["layers"], c["encoder"], c["decoder"],
                      c["degree"], num_nodes=len(p.ids), node_dim=c["node_dim"])
    model.load_state_dict(p.state_dict)
    model.eval()
    lg = to_link_graph(kg, c["features"], seed=c["seed"])
    full = torch.cat([lg.target, lg.context, lg.target.flip(0), lg.context.flip(0)], dim=1)
    encode = _encoder_without(p.ids, model, lg.x, full)
    np.testing.assert_allclose(encode([]), p.z, rtol=1e-4, atol=1e-5)
    _, papers, hidden = note_holdout(kg)[0]
    without_note = encode(hidden)
    assert not np.allclose(without_note, p.z)  # the note no longer passes messages
    few = sorted(papers)[:5] + [p.ids[0]]  # a few nodes: their receptive field only, same rows
    np.testing.assert_allclose(encode(hidden, few), without_note[[p.ids.index(v) for v in few]],
                               rtol=1e-5, atol=1e-6)
    X, y, queries, zq, zc = note_pair_rows(
        kg, TextIndex(without(kg, [])), p.ids, encode, p.decoder)
    # two notes of 15 papers, each ranked against the 14 others: 4 related each
    assert X.shape == (2 * 15 * 14, len(FEATURES)) and int(y.sum()) == 2 * 15 * 4
    assert len(set(queries)) == 30 and zq.shape == zc.shape == (len(y), 16)
    # the list is out of the evidence; the blog naming its papers remains
    assert np.all(X[:, FEATURES.index("shared_notes")][y == 1] > 0)
    assert X[:, FEATURES.index("gnn_cosine")].std() > 0


def _auc(s: np.ndarray, y: np.ndarray) -> float:
    pos, neg = s[y == 1], s[y == 0]
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def test_head_learns_relatedness_on_real_embeddings(trained) -> None:
    kg, p = trained
    row = {n: i for i, n in enumerate(p.ids)}
    papers = sorted(n for n in p.ids if n.startswith("paper:"))
    pairs = [(a, b) for i, a in enumerate(papers) for b in papers[i + 1:]]
    # related: same section, whichever list; method and venue edges pass messages anyway,
    # so compare against what the plain cosine already gets
    y = np.array([a.split("-")[1] == b.split("-")[1] for a, b in pairs], dtype=np.float64)
    zq = p.z[[row[a] for a, _ in pairs]].astype(np.float64)
    zc = p.z[[row[b] for _, b in pairs]].astype(np.float64)
    plain = (unit_rows(zq) * unit_rows(zc)).sum(axis=1)
    W = fit_relatedness_head(zq, zc, y)
    head = (unit_rows(zq @ W) * unit_rows(zc @ W)).sum(axis=1)
    assert W.shape == (16, 16)
    assert _auc(head, y) >= _auc(plain, y)
    # a strong pull towards the identity leaves the plain cosine
    np.testing.assert_allclose(fit_relatedness_head(zq, zc, y, l2=1e6), np.eye(16), atol=1e-3)
    # cross-fitted: the column for each fold comes from the other fold's head
    queries = [a for a, _ in pairs]
    col, shipped, how = cross_fit_head(zq, zc, y, queries, fit_relatedness_head)
    assert col.shape == y.shape and shipped.shape == (16, 16)
    assert set(how["tried"]) == {"0.1", "1.0"} and how["l2"] in (0.1, 1.0)
    chosen = how["tried"][str(how["l2"])]
    assert all(chosen["mrr"] + chosen["auc"] >= v["mrr"] + v["auc"] for v in how["tried"].values())
    assert not np.allclose(col, (unit_rows(zq @ shipped) * unit_rows(zc @ shipped)).sum(axis=1))


def test_train_fits_the_ranker_on_whole_notes_too(trained) -> None:
    _, p = trained
    r = p.config["ranker"]
    # 120 protocol-shaped positives from the two lists, plus the held-out edges' own
    assert r["pairs"]["positive"] >= 120
    assert "gnn_related" in r["validation"] and r["validation"]["head"]["l2"] in (0.1, 1.0)
    assert r["features"] == list(FEATURES)


def test_head_round_trips_through_the_command_cache(tmp_path: Path) -> None:
    d = write_model_dir(tmp_path)
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("gnn_related")] = 2.0
    weights[FEATURES.index("text")] = 1.0
    head = np.random.default_rng(0).normal(size=(3, 3)).round(6).tolist()
    r = Ranker("learned", weights, -0.5, head=head)
    meta = json.loads((d / "model.json").read_text(encoding="utf-8"))
    meta["ranker"] = r.to_json()
    (d / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    cold = Suggester.load(d)
    warm = Suggester.load(d)  # from the suggest index
    assert (d / SUGGEST_CACHE).exists()
    assert warm.ranker.head == cold.ranker.head == head
    q = "paper:pfs"
    cands = [n for n in cold.scorer.ids if n != q]
    a, b = cold.related_scores(q, cands), warm.related_scores(q, cands)
    np.testing.assert_array_equal(a["ranker"], b["ranker"])
    z = unit_rows(cold.scorer.z @ np.asarray(head))
    rows = [cold.scorer.row[c] for c in cands]
    np.testing.assert_allclose(a["gnn_related"], z[rows] @ z[cold.scorer.row[q]])
    assert [s.id for s in cold.suggest(q, k=5)] == [s.id for s in warm.suggest(q, k=5)]
    # a model saved before the head existed reads with zero weight on it
    n = FEATURES.index("gnn_related")
    old = {**r.to_json(), "features": list(FEATURES[:n]), "weights": weights[:n],
           "mean": [0.0] * n, "scale": [1.0] * n}
    back = Ranker.from_json(old)
    assert back.kind == "learned" and back.weights[n:] == [0.0] * (len(FEATURES) - n)
    assert len(back.weights) == len(FEATURES)
