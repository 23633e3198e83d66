"""Heuristic baselines on tiny graphs whose answers are known by hand, and against networkx."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.learn.baselines import METHODS, HeuristicScorer, char_ngrams, score_all, score_pairs

NX_FUNCS = {
    "common_neighbors": lambda g, u, v: len(list(nx.common_neighbors(g, u, v))),
    "adamic_adar": lambda g, u, v: next(iter(nx.adamic_adar_index(g, [(u, v)])))[2],
    "resource_allocation": lambda g, u, v: next(iter(nx.resource_allocation_index(g, [(u, v)])))[2],
}


def test_star_by_hand() -> None:
    g = nx.star_graph(4)  # centre 0 with degree 4, leaves 1..4
    pairs = [(1, 2), (3, 4), (0, 1)]
    assert score_pairs(g, pairs, "common_neighbors").tolist() == [1.0, 1.0, 0.0]
    assert score_pairs(g, pairs, "adamic_adar") == pytest.approx([1 / math.log(4)] * 2 + [0.0])
    assert score_pairs(g, pairs, "resource_allocation") == pytest.approx([0.25, 0.25, 0.0])


def test_path_and_complete_by_hand() -> None:
    path = nx.path_graph(5)  # 0-1-2-3-4
    assert score_pairs(path, [(0, 2), (0, 3), (1, 3)], "common_neighbors").tolist() == [1, 0, 1]
    assert score_pairs(path, [(1, 3)], "resource_allocation").tolist() == [0.5]
    k5 = nx.complete_graph(5)  # every pair shares the 3 other nodes, each of degree 4
    assert score_pairs(k5, [(0, 1)], "common_neighbors").tolist() == [3.0]
    assert score_pairs(k5, [(0, 1)], "adamic_adar") == pytest.approx([3 / math.log(4)])
    assert score_pairs(k5, [(0, 1)], "resource_allocation") == pytest.approx([0.75])


@pytest.mark.parametrize("method", ["common_neighbors", "adamic_adar", "resource_allocation"])
def test_agrees_with_networkx(method: str) -> None:
    g = nx.karate_club_graph()
    pairs = [(u, v) for u in g for v in g if u < v]
    ours = score_pairs(g, pairs, method)
    theirs = np.array([NX_FUNCS[method](g, u, v) for u, v in pairs])
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    # the all-candidates matrix holds the same numbers
    full = score_all(g, list(g), method)
    idx = {n: i for i, n in enumerate(g)}
    np.testing.assert_allclose([full[idx[u], idx[v]] for u, v in pairs], theirs, atol=1e-12)


def test_directed_multigraph_uses_the_undirected_simple_view() -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a", "hub", key="mentions")
    g.add_edge("hub", "a", key="part_of")  # reverse + parallel: still one undirected edge
    g.add_edge("b", "hub", key="mentions")
    g.add_edge("b", "b", key="mentions")  # self-loop dropped
    g.add_edge("c", "hub", key="tagged")
    simple = nx.Graph([("a", "hub"), ("b", "hub"), ("c", "hub")])
    for method in ("common_neighbors", "adamic_adar", "resource_allocation"):
        got = score_pairs(g, [("a", "b"), ("a", "c")], method)
        want = [NX_FUNCS[method](simple, "a", "b"), NX_FUNCS[method](simple, "a", "c")]
        np.testing.assert_allclose(got, want)


def test_integer_pairs_with_nodelist_and_one_input_type() -> None:
    g = nx.MultiDiGraph()
    for n in ("x", "y", "z", "w"):
        g.add_node(n, label=n)
    g.add_edge("x", "w", key="mentions")
    g.add_edge("y", "w", key="mentions")
    order = ["w", "z", "y", "x"]
    got = score_pairs(g, np.array([[3, 2], [3, 1]]), "common_neighbors", nodelist=order)
    assert got.tolist() == [1.0, 0.0]
    with pytest.raises(TypeError, match="takes a networkx graph, not KnowledgeGraph"):
        HeuristicScorer(KnowledgeGraph(g))
    assert score_pairs(KnowledgeGraph(g).graph, [("x", "y")], "common_neighbors").tolist() == [1.0]


def test_text_similarity_chinese_english_aliases() -> None:
    g = nx.Graph()
    g.add_node("p1", label="Graph Attention Networks")
    g.add_node("p2", label="graph attention networks.")
    g.add_node("p3", label="Lottery Ticket Hypothesis")
    g.add_node("m1", label="GAT")
    g.add_node("m2", label="注意力机制", aliases=["GAT"])
    g.add_node("t1", label="模型剪枝")
    g.add_node("t2", label="剪枝")
    pairs = [("p1", "p2"), ("p1", "p3"), ("m1", "m2"), ("t1", "t2"), ("t2", "p3")]
    s = score_pairs(g, pairs, "text_similarity")
    assert s[0] > 0.9  # case and punctuation differences only
    assert s[0] > s[1]
    assert s[2] > 0.3  # the alias matches
    assert s[3] > 0.3  # Chinese: shared word 剪枝
    assert s[4] == 0.0
    assert np.all((s >= 0) & (s <= 1 + 1e-12))
    full = score_all(g, ["t2"], "text_similarity")
    assert full[0, list(g).index("t2")] == pytest.approx(1.0)


def test_char_ngrams_normalises() -> None:
    assert char_ngrams("ＧＡＴ") == char_ngrams("gat")
    assert char_ngrams("   ") == []


def test_errors_are_clear() -> None:
    g = nx.path_graph(3)
    with pytest.raises(ValueError, match="unknown heuristic 'katz'"):
        score_pairs(g, [(0, 1)], "katz")
    with pytest.raises(KeyError, match="node 9 is not in the graph"):
        score_pairs(g, [(0, 9)], "common_neighbors")
    assert score_pairs(g, [], "adamic_adar").shape == (0,)


def test_all_candidates_on_a_few_thousand_nodes_is_vectorised() -> None:
    g = nx.gnm_random_graph(3000, 12000, seed=1)
    nx.set_node_attributes(g, {n: f"node {n}" for n in g}, "label")
    scorer = HeuristicScorer(g)
    for method in METHODS:
        out = scorer.all(range(0, 3000, 6), method)
        assert out.shape == (500, 3000)
    # spot-check a row against networkx
    row = scorer.all([7], "resource_allocation")[0]
    for v in (1, 2, 3, 100):
        assert row[v] == pytest.approx(NX_FUNCS["resource_allocation"](g, 7, v))


def test_docstring_examples_run() -> None:
    import doctest

    import kg.learn.baselines

    result = doctest.testmod(kg.learn.baselines, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
