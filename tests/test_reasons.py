"""kg.suggest.reasons: shared neighbours, shortest paths and source lines, on small hand-made graphs."""

from __future__ import annotations

import json

import networkx as nx
from _handmade import handmade_graph

from kg.graph.adjacency import GraphIndex
from kg.suggest.reasons import explain, format_path, format_sources, shared_neighbors, short_path


def _index(tmp_path) -> GraphIndex:  # noqa: ANN001
    kg = handmade_graph()
    kg.save(tmp_path)
    return GraphIndex.from_node_link(json.loads((tmp_path / "graph.json").read_text("utf-8")))


def test_node_link_and_networkx_views_agree(tmp_path) -> None:  # noqa: ANN001
    a = _index(tmp_path)
    b = GraphIndex.from_graph(handmade_graph().graph)
    assert a.nodes.keys() == b.nodes.keys()
    assert {n: sorted(a.adj[n].items()) for n in a.adj} == {n: sorted(b.adj[n].items()) for n in b.adj}
    assert a.adj["topic:pruning"]["paper:pfs"] == [("part_of", False)]
    assert a.adj["paper:pfs"]["topic:pruning"] == [("part_of", True)]


def test_undirected_networkx_graph_and_self_loops() -> None:
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "c")])
    idx = GraphIndex.from_graph(g)
    assert set(idx.neighbors("b")) == {"a", "c"}
    assert "c" not in idx.neighbors("c")
    assert idx.label("a") == "a" and idx.degree("b") == 2


def test_shared_neighbors_rarest_first(tmp_path) -> None:  # noqa: ANN001
    idx = _index(tmp_path)
    # LTH and PFS share the topic (degree 4) and the post (degree 6)
    assert shared_neighbors(idx, "paper:pfs", "paper:lth") == ["topic:pruning", "post:valse"]
    assert shared_neighbors(idx, "paper:pfs", "paper:twin-a") == []


def test_short_path_is_shortest_deterministic_and_bounded() -> None:
    star = nx.star_graph(5)
    cycle = nx.cycle_graph(8)
    idx = GraphIndex.from_graph(cycle)
    assert short_path(idx, "0", "4") == ["0", "1", "2", "3", "4"]  # two shortest: lowest ids
    assert short_path(idx, "0", "3") == ["0", "1", "2", "3"]
    assert short_path(idx, "0", "5") == ["0", "7", "6", "5"]
    assert short_path(idx, "0", "4", max_len=3) is None
    assert short_path(idx, "2", "2") == ["2"]
    s = GraphIndex.from_graph(star)
    assert short_path(s, "1", "2") == ["1", "0", "2"]
    assert short_path(s, "1", "2", max_visits=0) is None
    assert short_path(s, "1", "missing") is None


def test_paths_prefer_entities_over_posts(tmp_path) -> None:  # noqa: ANN001
    idx = _index(tmp_path)
    path = short_path(idx, "paper:pfs", "paper:twin-a")
    assert path is not None and len(path) == 5
    assert "post:valse" not in path
    assert format_path(idx, path) == (
        "Pruning from Scratch -part_of-> 模型剪枝 <-part_of- The Lottery Ticket Hypothesis "
        "-published_at-> ICLR <-published_at- Twin A"
    )


def test_format_sources() -> None:
    src = [{"path": f"f{i}.md", "line": i} for i in range(5)] + [{"path": "f0.md", "line": 9}]
    assert format_sources(src) == "f0.md:0, 9; f1.md:1; f2.md:2 (+2 more files)"
    assert format_sources([{"path": "a.md", "line": None}, {"line": 3}]) == "a.md"


def test_explain_sentences(tmp_path) -> None:  # noqa: ANN001
    idx = _index(tmp_path)
    assert explain(idx, "paper:pfs", "paper:lth") == [
        "both listed under 模型剪枝 (topic)",
        "both in post VALSE 2020 notes (notes/valse.md lines 5, 7)",
    ]
    # Twin A is reached only through a venue: a venue is never a reason, nor a path through it
    twin = explain(idx, "paper:pfs", "paper:twin-a")
    assert twin == [
        "no shared section, note or title words (no path within 4 steps past hubs): "
        "the score comes from the model alone",
        "noted at other/b.md:1",
    ]
    assert not any("ICLR" in r or "AAAI" in r for r in twin)
    # a path through a note and a section is kept
    idx.nodes["paper:far"] = {"type": "paper", "label": "Far"}
    idx.add_edge("paper:far", "topic:nas", "part_of")
    far = explain(idx, "paper:pfs", "paper:far")
    assert far[0] == "path: Pruning from Scratch <-mentions- VALSE 2020 notes -mentions-> NAS <-part_of- Far"
    assert explain(idx, "paper:pfs", "paper:far", max_path=2)[0].startswith("no shared section")


def test_paths_never_step_along_a_tag() -> None:
    # two notes share only the front-matter category "AI" (a topic with few evidence edges,
    # so no hub): the paper of one is no path away from the other note
    data = {
        "nodes": [{"id": "post:slam", "type": "post", "label": "SLAM notes"},
                  {"id": "post:traffic", "type": "post", "label": "Traffic notes"},
                  {"id": "topic:ai", "type": "topic", "label": "AI"},
                  {"id": "paper:yolo", "type": "paper", "label": "YOLO for traffic signs"}],
        "links": [{"source": "post:slam", "target": "topic:ai", "relation": "tagged"},
                  {"source": "post:traffic", "target": "topic:ai", "relation": "tagged"},
                  {"source": "post:traffic", "target": "paper:yolo", "relation": "mentions"}],
    }
    idx = GraphIndex.from_node_link(data)
    assert short_path(idx, "post:slam", "paper:yolo") == [
        "post:slam", "topic:ai", "post:traffic", "paper:yolo"]
    assert explain(idx, "post:slam", "paper:yolo")[0].startswith("no shared section")
    # named in both notes' text, the same topic is a research link
    idx.add_edge("post:slam", "topic:ai", "mentions")
    idx.add_edge("post:traffic", "topic:ai", "mentions")
    assert explain(idx, "post:slam", "paper:yolo")[0].startswith("path: SLAM notes -mentions-> AI")


def test_explain_skips_housekeeping_headings_and_names_shared_title_words() -> None:
    data = {
        "nodes": [{"id": "paper:a", "type": "paper", "label": "Graph attention networks"},
                  {"id": "paper:b", "type": "paper", "label": "Graph attention for molecules"},
                  {"id": "topic:contents", "type": "topic", "label": "Table of Contents"}],
        "links": [{"source": p, "target": "topic:contents", "relation": "part_of"}
                  for p in ("paper:a", "paper:b")],
    }
    reasons = explain(GraphIndex.from_node_link(data), "paper:a", "paper:b")
    assert reasons == ["similar titles: attention, graph"]


def test_titles_close_in_meaning_are_a_reason_when_no_word_is_shared() -> None:
    data = {
        "nodes": [{"id": "paper:a", "type": "paper", "label": "Matching networks for one shot learning"},
                  {"id": "paper:b", "type": "paper", "label": "Prototypical nets for low-data classification"},
                  {"id": "paper:c", "type": "paper", "label": "Graph attention for molecules"}],
        "links": [],
    }
    idx = GraphIndex.from_node_link(data)
    assert explain(idx, "paper:a", "paper:b", meaning=0.71) == ["titles close in meaning (0.71)"]
    # below the bar, or without title vectors: no reason of its own, but the score's source
    assert explain(idx, "paper:a", "paper:c", meaning=0.3)[0].endswith(
        "the score comes from the model and how alike the titles read (0.30)")
    assert explain(idx, "paper:a", "paper:c", meaning=0.3, model=False)[0].endswith(
        "the score comes from how alike the titles read (0.30)")
    assert explain(idx, "paper:a", "paper:c")[0].endswith("the score comes from the model alone")
    assert explain(idx, "paper:a", "paper:c", model=False)[0].endswith("nothing in the notes ties them")
    # shared words are named instead (they say more than a number)
    idx2 = GraphIndex.from_node_link({**data, "nodes": [*data["nodes"][:1], {
        "id": "paper:d", "type": "paper", "label": "Matching networks revisited"}]})
    assert explain(idx2, "paper:a", "paper:d", meaning=0.9) == ["similar titles: matching"]


def test_a_section_of_a_long_list_is_a_reason_and_not_followed_by_no_shared_section() -> None:
    # a note listing 150 papers is a hub (no shared node through it), but its sections group
    nodes = [{"id": "post:list", "type": "post", "label": "A long list"}] + [
        {"id": f"paper:{i}", "type": "paper", "label": f"Zeta{i} qux{i}"} for i in range(150)]
    links = [{"source": "post:list", "target": f"paper:{i}", "relation": "mentions",
              "section": "Models > Analysis" if i < 3 else f"Other {i}"} for i in range(150)]
    reasons = explain(GraphIndex.from_node_link({"nodes": nodes, "links": links}), "paper:0", "paper:1")
    assert reasons == ["both listed under Models > Analysis in A long list"]


def test_explain_limits_long_lists() -> None:
    data = {
        "nodes": [{"id": "paper:a", "label": "A"}, {"id": "paper:b", "label": "B"}]
        + [{"id": f"topic:t{i}", "type": "topic", "label": f"T{i}"} for i in range(5)],
        "links": [{"source": p, "target": f"topic:t{i}", "relation": "part_of"}
                  for p in ("paper:a", "paper:b") for i in range(5)],
    }
    idx = GraphIndex.from_node_link(data)
    assert explain(idx, "paper:a", "paper:b", max_shared=2) == [
        "both listed under T0 (topic), T1 (topic) and 3 more"
    ]


def test_docstring_examples_run() -> None:
    import doctest

    import kg.suggest.reasons

    result = doctest.testmod(kg.suggest.reasons, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
