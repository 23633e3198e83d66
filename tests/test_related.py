"""kg.suggest.related: hub-aware evidence, title text, relatedness pairs and the learned ranker."""

from __future__ import annotations

import numpy as np
import pytest

from kg.graph.adjacency import GraphIndex
from kg.suggest.related import (
    COMBINATIONS,
    EVIDENCE_RANKER,
    FEATURES,
    FUSION,
    Evidence,
    Ranker,
    TextIndex,
    _fusion,
    _fusion_ranker,
    fit_ranker,
    is_housekeeping,
    pair_features,
    query_folds,
    relatedness_pairs,
)


def _index(nodes: dict[str, dict], links: list[tuple[str, str, str]]) -> GraphIndex:
    return GraphIndex.from_node_link({
        "nodes": [{"id": n, **a} for n, a in nodes.items()],
        "links": [{"source": u, "target": v, "relation": r} for u, v, r in links],
    })


def _star(n_papers: int) -> GraphIndex:
    """A section S of four papers, a venue V shared by p0 and p9, a housekeeping heading."""
    nodes = {f"paper:p{i}": {"type": "paper", "label": f"Paper {i}"} for i in range(n_papers)}
    nodes.update({
        "topic:s": {"type": "topic", "label": "Meta-learning"},
        "topic:c": {"type": "topic", "label": "Contents"},
        "venue:v": {"type": "venue", "label": "NeurIPS"},
        "post:n": {"type": "post", "label": "Notes", "path": "n.md"},
    })
    links = [(f"paper:p{i}", "topic:s", "part_of") for i in range(4)]
    links += [("paper:p0", "venue:v", "published_at"), ("paper:p9", "venue:v", "published_at")]
    links += [("paper:p0", "topic:c", "part_of"), ("paper:p8", "topic:c", "part_of")]
    links += [("post:n", "paper:p0", "mentions"), ("post:n", "paper:p5", "mentions")]
    return _index(nodes, links)


def test_venues_and_housekeeping_headings_are_no_evidence() -> None:
    ev = Evidence(_star(10))
    got = ev.scores("paper:p0")
    assert set(got) == {"paper:p1", "paper:p2", "paper:p3", "paper:p5"}  # not p8 (Contents), p9 (venue)
    assert ev.blocked("venue:v") and ev.blocked("topic:c") and not ev.blocked("topic:s")
    # a section of four papers: 1/4 each, counted as a grouping; the note counts as a note
    assert got["paper:p1"][0] == pytest.approx(0.25) and got["paper:p1"][1] == 0.0
    assert got["paper:p5"][1] == pytest.approx(0.5) and got["paper:p5"][0] == 0.0
    assert ev.shared("paper:p0", "paper:p9") == []


def test_hubs_are_no_evidence() -> None:
    nodes = {f"paper:p{i}": {"type": "paper"} for i in range(30)}
    nodes["topic:big"] = {"type": "topic", "label": "Deep learning"}
    links = [(f"paper:p{i}", "topic:big", "part_of") for i in range(30)]
    idx = _index(nodes, links)
    assert len(Evidence(idx).scores("paper:p0")) == 29
    assert Evidence(idx, hub_degree=20).scores("paper:p0") == {}


def test_wider_groups_reach_neighbouring_sections() -> None:
    nodes = {n: {"type": t} for n, t in [("paper:a", "paper"), ("paper:b", "paper"),
                                          ("topic:x", "topic"), ("topic:y", "topic"),
                                          ("topic:top", "topic")]}
    links = [("paper:a", "topic:x", "part_of"), ("paper:b", "topic:y", "part_of"),
             ("topic:x", "topic:top", "subtopic_of"), ("topic:y", "topic:top", "subtopic_of")]
    got = Evidence(_index(nodes, links)).scores("paper:a")
    assert "paper:b" not in got  # four steps away
    # the neighbouring section y (a - x - top - y) is reached by the wider feature only
    assert got["topic:y"][0] == 0 and got["topic:y"][4] > 0
    links.append(("paper:c", "topic:x", "part_of"))
    nodes["paper:c"] = {"type": "paper"}
    got = Evidence(_index(nodes, links)).scores("paper:c")
    assert got["paper:a"][0] > 0


def test_housekeeping_words() -> None:
    assert is_housekeeping("Contents") and is_housekeeping("参考文献") and is_housekeeping("Papers")
    assert not is_housekeeping("Few-shot learning") and not is_housekeeping("Pruning")


def test_text_index_matches_words_not_stop_words() -> None:
    idx = _index({"a": {"label": "Prototypical Networks for Few-shot Learning"},
                  "b": {"label": "Meta-learning for few-shot classification"},
                  "c": {"label": "Networks for learning"},
                  "d": {"label": "图神经网络综述"}, "e": {"label": "图神经网络"}}, [])
    t = TextIndex(idx)
    assert set(t.scores("a")) == {"b"}  # "networks", "for", "learning" are stop words
    assert t.shared_words("a", "b") == ["few", "shot"]
    assert t.scores("d")["e"] > 0.4  # through 图神: 神经, 经网 and 网络 are stop words
    assert t.shared_words("d", "e") == ["图神"]


def test_text_index_leaves_out_numbers_and_chinese_stop_words() -> None:
    # a post's slug kept as an alias (dates), and 网络 ("network", an English stop word)
    idx = _index({"a": {"label": "K-Search: kernel generation", "aliases": ["2026-07-29-k-search"]},
                  "b": {"label": "ABBEL: belief states", "aliases": ["2026-07-26-abbel"]},
                  "c": {"label": "DQN", "aliases": ["深度Q网络"]},
                  "d": {"label": "Region proposal network", "aliases": ["区域建议网络"]},
                  "e": {"label": "区域生成"}}, [])
    t = TextIndex(idx)
    assert "b" not in t.scores("a") and "d" not in t.scores("c")
    assert t.shared_words("d", "e") == ["区域"]


def test_pair_features_columns_and_the_evidence_ranker() -> None:
    idx = _star(10)
    X = pair_features(Evidence(idx), TextIndex(idx), "paper:p0",
                      ["paper:p1", "paper:p5", "paper:p9"], gnn=np.array([1.0, 2.0, 3.0]))
    assert X.shape == (3, len(FEATURES))
    assert X[0, 0] > 0 and X[1, 1] > 0 and not X[2, :5].any()
    assert X[:, FEATURES.index("gnn")].tolist() == [1.0, 2.0, 3.0]
    p = EVIDENCE_RANKER.probabilities(X)
    assert p[0] > p[1] > p[2]  # a shared section beats a shared note beats a shared venue
    assert not EVIDENCE_RANKER.uses_gnn and EVIDENCE_RANKER.note


def test_relatedness_pairs_from_held_out_groupings() -> None:
    idx = _star(10)
    pairs = relatedness_pairs(idx, [("paper:p0", "topic:s")], negatives=4, seed=1)
    pos = {(q, c) for q, c, y in pairs if y == 1}
    assert pos == {("paper:p0", "topic:s"), ("paper:p0", "paper:p1"), ("paper:p0", "paper:p2"),
                   ("paper:p0", "paper:p3")}
    neg = {c for q, c, y in pairs if y == 0}
    assert neg and not neg & {"paper:p1", "paper:p2", "paper:p3", "paper:p0"}
    assert "paper:p9" in neg  # shares only the venue: a hard negative
    # a held-out edge that is not a grouping gives nothing
    assert relatedness_pairs(idx, [("paper:p0", "venue:v")]) == []
    assert relatedness_pairs(idx, [("paper:p0", "topic:s")], seed=1) == relatedness_pairs(
        idx, [("paper:p0", "topic:s")], seed=1)


def test_ranker_kept_only_when_it_beats_every_feature() -> None:
    rng = np.random.default_rng(0)
    y = np.tile([1, 0, 0, 0, 0], 60)
    q = [f"q{i // 5}" for i in range(300)]
    X = rng.normal(size=(300, len(FEATURES)))
    X[:, 2] += 1.5 * y
    X[:, 6] += 1.5 * y  # two complementary signals the fixed weights ignore: a fit wins
    r = fit_ranker(X, y, q)
    assert r.kind == "learned"
    assert r.validation["ranker"]["mrr"] > max(
        r.validation[f]["mrr"] for f in FEATURES if f in r.validation)
    assert r.validation["chosen"]["combination"] in ("learned", "learned_on_prior")
    # signals the fixed evidence weights already use: within one standard error of the
    # best fit, the simplest winner (the fixed weights themselves) is kept
    X1 = np.random.default_rng(0).normal(size=(300, len(FEATURES)))
    X1[:, 0] += 1.5 * y
    X1[:, 5] += 1.5 * y
    X1[:, FEATURES.index("semantic")] += 1.5 * y
    r1 = fit_ranker(X1, y, q)
    v = r1.validation
    best = max(v[c]["mrr"] for c in COMBINATIONS)
    assert v["chosen"]["combination"] == "prior" and v["prior"]["mrr"] >= best - v["prior"]["mrr_se"]
    # one perfect feature: nothing beats it, so it ranks alone
    X2 = rng.normal(size=(300, len(FEATURES)))
    X2[:, 5] = y + 0.01 * rng.normal(size=300)
    r2 = fit_ranker(X2, y, q)
    assert r2.kind == "component" and np.count_nonzero(r2.weights) == 1 and r2.weights[5] > 0
    # too few pairs: the evidence ranker, with its note
    r3 = fit_ranker(X[:20], y[:20], q[:20])
    assert r3.kind == "evidence" and r3.note


def test_ranker_json_round_trip() -> None:
    r = fit_ranker(np.random.default_rng(1).normal(size=(200, len(FEATURES))) + np.tile(
        [[1.0] * len(FEATURES), [0.0] * len(FEATURES)], (100, 1)), np.tile([1, 0], 100),
        [f"q{i // 4}" for i in range(200)])
    back = Ranker.from_json(r.to_json())
    X = np.ones((3, len(FEATURES)))
    np.testing.assert_allclose(back.logits(X), r.logits(X))
    assert Ranker.from_json(None) is EVIDENCE_RANKER
    assert Ranker.from_json({"features": ["old"], "weights": [1.0]}) is EVIDENCE_RANKER


def test_docstring_examples_run() -> None:
    import doctest

    import kg.suggest.related

    result = doctest.testmod(kg.suggest.related)
    assert result.attempted > 0 and result.failed == 0


LISTED = """# Reading list

## Basic models

1. **Semi-Supervised Classification with Graph Convolutional Networks.** ICLR 2017.
1. **Graph Attention Networks.** ICLR 2018.
1. **Inductive Representation Learning on Large Graphs.** NeurIPS 2017.

## Papers

1. **Matching Networks for One Shot Learning.** NeurIPS 2016.
1. **Prototypical Networks for Few-shot Learning.** NeurIPS 2017.
"""


def _listed(tmp_path) -> tuple:
    from kg.pipeline import build

    (tmp_path / "list.md").write_text(LISTED, encoding="utf-8")
    (tmp_path / "other.md").write_text(
        "# Other\n\n- **Graph Attention Networks.** ICLR 2018.\n"
        "- **Semi-Supervised Classification with Graph Convolutional Networks.** ICLR 2017.\n",
        encoding="utf-8")
    kg = build([tmp_path / "list.md", tmp_path / "other.md"], jobs=1)
    posts = {a["label"]: n for n, a in kg.graph.nodes(data=True) if a.get("type") == "post"}
    return kg, GraphIndex.from_graph(kg.graph), posts["Reading list"]


def test_a_section_groups_its_papers_without_a_topic_node(tmp_path) -> None:
    kg, idx, post = _listed(tmp_path)
    gat, gcn = "paper:graph-attention-networks", (
        "paper:semi-supervised-classification-with-graph-convolutional-networks")
    # "Basic models" names no research entity: no topic node, yet a grouping
    assert not any(a.get("label") == "Basic models" for a in idx.nodes.values())
    assert idx.sections[gat] == {post: "Basic models"}
    ev = Evidence(idx)
    assert [s for _, s, _ in ev.sections(gat)] == ["Basic models"]
    assert ev.shared_sections(gat, gcn) == [(post, "Basic models")]
    got = ev.scores(gat)
    assert got[gcn][0] == pytest.approx(1 / 3)  # one section of three papers
    # a housekeeping section groups nothing: the two few-shot papers share only the note
    proto, match = "paper:prototypical-networks-for-few-shot-learning", (
        "paper:matching-networks-for-one-shot-learning")
    assert ev.sections(proto) == [] and Evidence(idx).scores(proto)[match][0] == 0.0
    # the compact form keeps the sections
    assert GraphIndex.from_compact(idx.to_compact()).filed(post) == idx.filed(post)
    from kg.suggest.reasons import explain

    assert explain(idx, gat, gcn, evidence=ev)[0].startswith(
        "both listed under Basic models in Reading list (")


def test_sections_give_training_pairs(tmp_path) -> None:
    from kg.suggest.related import section_holdout

    kg, idx, post = _listed(tmp_path)
    gat, gcn = "paper:graph-attention-networks", (
        "paper:semi-supervised-classification-with-graph-convolutional-networks")
    # one paper of the one real section, among those another note names too
    ((query, where),) = section_holdout(kg, seed=0)
    assert where == post and query in (gat, gcn)
    pairs = relatedness_pairs(idx, [(query, post)], negatives=2, seed=0)
    # positives: the section's other papers that other notes name (not GraphSAGE)
    assert {c for q, c, y in pairs if y == 1} == {gat, gcn} - {query}
    neg = {c for q, c, y in pairs if y == 0}
    assert neg and not neg & {gat, gcn}


def test_the_page_and_the_command_see_the_same_sections(tmp_path) -> None:
    """A suggester made from the graph in memory (the page's) and one made from its
    node-link data (the command's cache) hold the same sections."""
    import networkx as nx

    from kg.suggest.suggester import Suggester

    kg, idx, post = _listed(tmp_path)
    ids = sorted(idx.nodes)
    types = [idx.type(n) for n in ids]
    z = np.ones((len(ids), 2), dtype=np.float32)
    memory = Suggester.from_arrays(kg, ids, types, z)
    data = Suggester.from_arrays(nx.node_link_data(kg.graph, edges="links"), ids, types, z)
    assert memory.index.sections == data.index.sections == idx.sections
    assert idx.sections


BILINGUAL = {
    "zh.md": "# 小样本学习笔记\n\n## 度量学习\n\n"
             "- **Prototypical Networks for Few-shot Learning.** NeurIPS 2017.\n"
             "- **Matching Networks for One Shot Learning.** NeurIPS 2016.\n",
    "en.md": "# Reading list\n\n## Metric learning approaches\n\n"
             "- **Learning to Compare: Relation Network for Few-Shot Learning.** CVPR 2018.\n\n"
             "## Data augmentation\n\n"
             "- **Low-Shot Visual Recognition by Shrinking and Hallucinating Features.** ICCV 2017.\n",
}


def test_headings_of_different_notes_relate_their_papers_across_languages(tmp_path) -> None:
    """Papers filed under ``度量学习`` in one note and ``Metric learning approaches`` in
    another (no shared topic node, no shared word) are related through the glossary concept
    both headings name, and the reason says where."""
    from kg.pipeline import build
    from kg.suggest.reasons import explain
    from kg.suggest.related import ContextIndex, context_headings, heading_concepts

    for name, text in BILINGUAL.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    idx = GraphIndex.from_graph(build([tmp_path], jobs=1).graph)
    proto = "paper:prototypical-networks-for-few-shot-learning"
    rel = "paper:learning-to-compare-relation-network-for-few-shot-learning"
    aug = "paper:low-shot-visual-recognition-by-shrinking-and-hallucinating-features"
    assert {proto, rel, aug} <= set(idx.nodes)
    heads = context_headings(idx)
    concepts = heading_concepts(h for hs in heads.values() for h, _, _ in hs)
    assert concepts["度量学习"] == concepts["Metric learning approaches"] == ["metric learning"]
    with_glossary = ContextIndex(idx, concepts)
    got = with_glossary.scores(proto)
    assert got[rel] > 0 and aug not in got
    assert "=metric learning" in with_glossary.bags[proto]
    assert rel not in ContextIndex(idx).scores(proto)  # no word in common without it
    # as a feature: the context column, zero without the index
    X = pair_features(Evidence(idx), TextIndex(idx), proto, [rel, aug], context=with_glossary)
    j = FEATURES.index("context")
    assert X[0, j] == pytest.approx(got[rel]) and X[1, j] == 0.0
    assert pair_features(Evidence(idx), TextIndex(idx), proto, [rel, aug])[:, j].tolist() == [0, 0]
    reasons = explain(idx, proto, rel, evidence=Evidence(idx), context=with_glossary)
    assert reasons[0] == ("both filed under metric learning: '度量学习' in 小样本学习笔记, "
                          "'Metric learning approaches' in Reading list")


def test_context_weighs_the_innermost_heading_most(tmp_path) -> None:
    from kg.pipeline import build
    from kg.suggest.related import OUTER_HEADING, ContextIndex

    (tmp_path / "a.md").write_text(
        "# A\n\n## Vision\n\n### Detection\n\n- **Focal Loss for Dense Object Detection.** ICCV 2017.\n"
        "\n### Segmentation\n\n- **Fully Convolutional Networks for Semantic Segmentation.** CVPR 2015.\n",
        encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "# B\n\n## Detection\n\n- **Rich Feature Hierarchies for Accurate Object Detection.** CVPR 2014.\n",
        encoding="utf-8")
    idx = GraphIndex.from_graph(build([tmp_path], jobs=1).graph)
    ctx = ContextIndex(idx)
    focal = "paper:focal-loss-for-dense-object-detection"
    weights = {h: w for h, _, w in ctx.headings_of(focal)}
    assert weights == {"Vision": OUTER_HEADING, "Detection": 1.0}
    got = ctx.scores(focal)
    assert got["paper:rich-feature-hierarchies-for-accurate-object-detection"] > got.get(
        "paper:fully-convolutional-networks-for-semantic-segmentation", 0.0)


def test_ranker_keeps_the_heading_concepts() -> None:
    r = Ranker("learned", [1.0] * len(FEATURES), concepts={"度量学习": ["metric learning"]})
    assert Ranker.from_json(r.to_json()).concepts == {"度量学习": ["metric learning"]}
    assert EVIDENCE_RANKER.weights[FEATURES.index("context")] > 0


def test_the_command_cache_and_the_page_rank_by_the_same_context(tmp_path) -> None:
    """``kg suggest`` (reading the suggest cache, written on the first load) and the page
    (the graph in memory) see the same context column, with the model's heading concepts."""
    import json

    from kg.io import SUGGEST_CACHE
    from kg.pipeline import build
    from kg.suggest.related import ContextIndex, context_headings, heading_concepts
    from kg.suggest.store import read_index
    from kg.suggest.suggester import Suggester

    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in BILINGUAL.items():
        (notes / name).write_text(text, encoding="utf-8")
    kg = build([notes], jobs=1)
    out = tmp_path / "out"
    kg.save(out)
    idx = GraphIndex.from_graph(kg.graph)
    concepts = heading_concepts(h for hs in context_headings(idx).values() for h, _, _ in hs)
    ranker = Ranker(**{**EVIDENCE_RANKER.__dict__, "concepts": concepts})
    (out / "model.json").write_text(json.dumps(
        {"graph_fingerprint": kg.fingerprint(), "decoder": "dot", "ranker": ranker.to_json()}),
        encoding="utf-8")
    ids = sorted(idx.nodes)
    z = np.eye(len(ids), 4, dtype=np.float32)
    np.savez(out / "embeddings.npz", ids=np.array(ids), types=np.array([idx.type(n) for n in ids]),
             z=z, decoder=np.array("dot"))
    proto = "paper:prototypical-networks-for-few-shot-learning"
    cands = sorted(n for n in ids if idx.type(n) == "paper" and n != proto)
    cold = Suggester.load(out)  # writes the cache
    assert read_index(out / SUGGEST_CACHE)["context"] is not None
    warm = Suggester.load(out)  # reads it
    page = Suggester.from_arrays(kg, ids, [idx.type(n) for n in ids], z)
    page.ranker = ranker
    fresh = ContextIndex(idx, concepts).scores(proto)
    want = [fresh.get(c, 0.0) for c in cands]
    assert max(want) > 0
    for sg in (cold, warm, page):
        got = sg.related_scores(proto, cands)["context"]
        assert got.tolist() == pytest.approx(want)
    assert [s.id for s in warm.suggest(proto, k=3)] == [s.id for s in page.suggest(proto, k=3)]


def test_a_fit_on_top_of_the_evidence_prior_folds_into_one_logistic_model() -> None:
    """``learned_on_prior``: the shipped weights give exactly the prior's logit plus the
    correction fitted with it as an offset."""
    from kg.suggest.related import _logistic

    rng = np.random.default_rng(1)
    y = np.tile([1, 0, 0, 0, 0], 60)
    X = rng.normal(size=(300, len(FEATURES)))
    X[:, 0] += 1.5 * y
    X[:, 2] += 1.5 * y
    r = fit_ranker(X, y, [f"q{i // 5}" for i in range(300)])
    assert r.validation["chosen"] == {"combination": "learned_on_prior"}
    mean, scale = X.mean(axis=0), X.std(axis=0)
    prior = EVIDENCE_RANKER.logits(X)
    w, b = _logistic((X - mean) / scale, y.astype(float), offset=prior)
    assert r.logits(X) == pytest.approx((X - mean) / scale @ w + b + prior)
    # every combination was validated against every feature
    assert {"learned", "prior", "learned_on_prior", *FEATURES} <= set(r.validation)


def test_fusion_is_one_linear_ranker_with_the_votes_it_was_validated_with() -> None:
    """``fusion``: the evidence ranker's logit and each FUSION column, standardised, one
    vote each, calibrated; shipped as plain weights it scores exactly as validated."""
    rng = np.random.default_rng(3)
    y = np.tile([1.0, 0, 0, 0], 50)
    X = rng.normal(size=(200, len(FEATURES)))
    X[:, FEATURES.index("gnn_cosine")] += y
    votes = np.column_stack([EVIDENCE_RANKER.logits(X)] + [X[:, FEATURES.index(f)] for f in FUSION])
    r = _fusion_ranker(votes, y, np.ones(len(FEATURES), dtype=bool), {}, {"positive": 50})
    np.testing.assert_allclose(r.logits(X), _fusion(votes, y)(votes), atol=1e-9)
    assert r.validation["chosen"] == {"combination": "fusion"}
    # the votes are equal: a GNN column's weight is the calibration slope over its spread
    slopes = [r.weights[FEATURES.index(f)] * X[:, FEATURES.index(f)].std() for f in ("gnn_cosine", "gnn_related")]
    assert max(slopes) == pytest.approx(min(slopes)) and slopes[0] > 0


def test_a_held_out_notes_queries_are_validated_together() -> None:
    """Queries of one held-out note (``note|paper``) share a fold: a fit never sees the
    note it is validated on (another of its papers would tell it the note's grouping)."""
    qs = [f"post:n{i % 7}|paper:p{i}" for i in range(70)] + [f"paper:q{i}" for i in range(30)]
    folds = query_folds(qs)
    for n in range(7):
        assert len({int(f) for q, f in zip(qs, folds, strict=True) if q.startswith(f"post:n{n}|")}) == 1
    assert len(set(folds[70:].tolist())) > 1


def test_the_logistic_fit_stays_finite_when_the_offset_already_separates_the_pairs() -> None:
    """A prior that all but separates the pairs left Newton's full step on the unpenalised
    bias overshooting without end (a bias of -1e11); halved steps keep the loss going down."""
    from kg.suggest.related import _logistic

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (rng.random(200) < 0.3).astype(float)
    off = np.where(y == 1, 30.0, -30.0)
    off[:3] *= -1  # three pairs the prior gets wrong
    w, b = _logistic(X, y, offset=off)
    assert np.isfinite(b) and abs(b) < 50 and np.abs(w).max() < 50

    def loss(w: np.ndarray, b: float) -> float:
        t = X @ w + b + off
        n, pos = len(y), y.sum()
        sw = np.where(y == 1, n / (2 * pos), n / (2 * (n - pos)))
        return float(sw @ (np.logaddexp(0, t) - y * t) + 0.5 * w @ w)

    assert loss(w, b) <= loss(np.zeros(2), 0.0)


def test_the_listwise_fit_ranks_within_each_query_and_ignores_what_a_query_shares() -> None:
    """``_listwise``: a column that is the same for every candidate of a query (telling
    queries apart, not candidates) gets no weight; the column that orders candidates
    within their query does, and the ranker built from it is calibrated by one more fit."""
    from kg.suggest.related import _listwise

    rng = np.random.default_rng(2)
    nq, per = 80, 6
    q = np.repeat([f"q{i}" for i in range(nq)], per)
    y = np.tile([1.0, 0, 0, 0, 0, 0], nq)
    level = np.repeat(rng.normal(size=nq), per)
    Z = np.column_stack([level, y + 0.7 * rng.normal(size=nq * per), rng.normal(size=nq * per)])
    w = _listwise(Z, y, q)
    assert abs(w[0]) < 1e-6 and w[1] > 0.5 and abs(w[2]) < w[1] / 3
    # shuffling the rows changes nothing: the fit goes by query, not by row order
    perm = rng.permutation(len(y))
    np.testing.assert_allclose(_listwise(Z[perm], y[perm], q[perm]), w, atol=1e-8)


def test_learned_weights_are_never_negative() -> None:
    """Every feature means "closer" as it grows: two copies of one signal (Adamic–Adar and
    common neighbours on a small graph) must not cancel into a large positive and a
    negative weight; the column a fit would weigh below zero is dropped and the rest
    refitted."""
    from kg.suggest.related import _logistic, _logistic_weights, _nonnegative

    rng = np.random.default_rng(4)
    y = np.tile([1.0, 0, 0, 0, 0], 80)
    base = y + rng.normal(size=400)
    Z = np.column_stack([base, base + 0.05 * rng.normal(size=400) - 0.3 * y, rng.normal(size=400)])
    assert _logistic(Z, y)[0].min() < 0  # unconstrained, one copy goes negative
    w = _nonnegative(_logistic_weights, Z, y)
    assert w.min() >= 0 and w[0] > 0 and np.count_nonzero(w) < 3
    # both fitted combinations are validated against the features, like the others
    X = rng.normal(size=(400, len(FEATURES)))
    X[:, 2] += 1.5 * y
    X[:, 6] += 1.5 * y
    v = fit_ranker(X, y, [f"q{i // 5}" for i in range(400)]).validation
    assert min(v["learned"]["mrr"], v["listwise"]["mrr"]) > max(v["adamic_adar"]["mrr"], v["gnn"]["mrr"])
