"""KnowledgeGraph: records and networkx agree, save/load round trip, GraphML, JSON layout."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest

from kg.graph.export import graphml_text
from kg.graph.knowledge_graph import KnowledgeGraph
from kg.graph.schema import SCHEMA_VERSION
from kg.io import atomic_write_text


def small() -> KnowledgeGraph:
    nodes = {
        "post:a": {
            "type": "post",
            "label": 'A <post> & "quotes"',
            "aliases": [],
            "sources": [{"path": "a.md", "line": 1}],
            "notes": [],
            "path": "a.md",
            "date": None,
        },
        "paper:x": {
            "type": "paper",
            "label": "X: a paper",
            "aliases": ["x"],
            "sources": [{"path": "a.md", "line": 3}],
            "notes": ["GAN 生成训练样本"],
            "venue": "ICCV",
            "year": 2019,
            "url": "https://arxiv.org/abs/1904.01186",
            "ids": {"arxiv": "1904.01186"},
            "authors": [],
        },
        "venue:iccv": {"type": "venue", "label": "ICCV", "aliases": [], "sources": [], "notes": []},
        "topic:模型压缩": {
            "type": "topic",
            "label": "模型压缩",
            "aliases": [],
            "sources": [],
            "notes": [],
        },
    }
    edges = [
        ("post:a", "paper:x", "mentions", {"relation": "mentions", "line": 3}),
        ("paper:x", "venue:iccv", "published_at", {"relation": "published_at", "year": 2019}),
        ("paper:x", "topic:模型压缩", "part_of", {"relation": "part_of"}),
        ("post:a", "topic:模型压缩", "mentions", {"relation": "mentions", "line": 2}),
    ]
    return KnowledgeGraph.from_records(nodes, edges)


def test_records_and_networkx_views_agree() -> None:
    lazy = small()
    before = (lazy.counts(), lazy.nodes("paper"), lazy.edges(), lazy.fingerprint())
    g = lazy.graph  # materialise
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == 4 and g.number_of_edges() == 4
    assert g.edges["paper:x", "venue:iccv", "published_at"]["year"] == 2019
    after = (lazy.counts(), lazy.nodes("paper"), lazy.edges(), lazy.fingerprint())
    assert before[0] == after[0] and before[1] == after[1] and before[3] == after[3]
    assert sorted(map(str, before[2])) == sorted(map(str, after[2]))
    # once materialised, edits through networkx are seen by the API
    g.add_node("topic:new", type="topic", label="New")
    assert lazy.counts()["topic"] == 2
    assert "topic:new" in lazy


def test_edge_to_missing_node_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in the graph"):
        KnowledgeGraph.from_records({"a:x": {"type": "topic"}}, [("a:x", "b:y", "part_of", {})])


def test_repeated_edge_updates_like_networkx() -> None:
    kg = KnowledgeGraph.from_records(
        {"topic:a": {"type": "topic"}, "topic:b": {"type": "topic"}},
        [
            ("topic:a", "topic:b", "subtopic_of", {"relation": "subtopic_of", "x": 1}),
            ("topic:a", "topic:b", "subtopic_of", {"x": 2}),
        ],
    )
    assert kg.edges() == [
        {"source": "topic:a", "target": "topic:b", "relation": "subtopic_of", "x": 2}
    ]


def test_save_load_round_trip(tmp_path) -> None:
    kg = small()
    kg.save(tmp_path)
    back = KnowledgeGraph.load(tmp_path)
    assert back.fingerprint() == kg.fingerprint()
    assert back.node("paper:x")["ids"] == {"arxiv": "1904.01186"}
    data = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    assert data["graph"]["schema_version"] == SCHEMA_VERSION
    # the file is networkx node-link JSON
    g = nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
    assert g.edges["paper:x", "venue:iccv", "published_at"]["year"] == 2019
    assert KnowledgeGraph(g).fingerprint() == kg.fingerprint()


def test_load_errors_are_one_line(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="run `kg build` first"):
        KnowledgeGraph.load(tmp_path)
    (tmp_path / "graph.json").write_text('{"graph": {"schema_version": 0}}', encoding="utf-8")
    with pytest.raises(ValueError, match="schema_version 0"):
        KnowledgeGraph.load(tmp_path)
    (tmp_path / "graph.json").write_text('{"graph": \n nope', encoding="utf-8")
    with pytest.raises(ValueError, match=r"graph.json:2: not valid JSON"):
        KnowledgeGraph.load(tmp_path)


def test_graphml_is_read_by_networkx(tmp_path) -> None:
    kg = small()
    kg.save(tmp_path)
    g = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    assert set(g.nodes) == {"post:a", "paper:x", "venue:iccv", "topic:模型压缩"}
    assert g.nodes["paper:x"]["year"] == 2019  # ints stay ints
    assert json.loads(g.nodes["paper:x"]["notes"]) == ["GAN 生成训练样本"]
    assert g.nodes["post:a"]["label"] == 'A <post> & "quotes"'
    assert "date" not in g.nodes["post:a"]  # None is left out
    rels = sorted(d["relation"] for *_, d in g.edges(data=True))
    assert rels == ["mentions", "mentions", "part_of", "published_at"]
    assert int(g.graph["schema_version"]) == SCHEMA_VERSION


def test_graphml_mixed_types_become_strings() -> None:
    kg = KnowledgeGraph.from_records(
        {"paper:a": {"type": "paper", "year": 2019}, "paper:b": {"type": "paper", "year": "2019?"}},
        [],
    )
    text = graphml_text(kg)
    assert 'attr.name="year" attr.type="string"' in text
    assert "\x01" not in graphml_text(
        KnowledgeGraph.from_records({"topic:a": {"type": "topic", "label": "bad\x01char"}}, [])
    )


def test_existing_networkx_constructor_still_works() -> None:
    g = nx.MultiDiGraph()
    g.add_node("topic:gnn", type="topic", label="GNN", aliases=[], sources=[], notes=[])
    kg = KnowledgeGraph(g)
    assert kg.graph is g
    assert g.graph["schema_version"] == SCHEMA_VERSION
    assert kg.label("topic:gnn") == "GNN"
    assert repr(kg) == "KnowledgeGraph(topic=1, edges=0)"


def test_atomic_write_leaves_no_temp_files(tmp_path) -> None:
    atomic_write_text(tmp_path / "x.txt", "one")
    atomic_write_text(tmp_path / "x.txt", "two")
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]
    assert (tmp_path / "x.txt").read_text() == "two"


def test_records_path_does_not_import_networkx(tmp_path) -> None:
    code = (
        "import sys\n"
        "from kg.graph.knowledge_graph import KnowledgeGraph\n"
        "kg = KnowledgeGraph.from_records({'topic:a': {'type': 'topic', 'label': 'A'}}, [])\n"
        f"kg.save({str(tmp_path)!r})\n"
        f"KnowledgeGraph.load({str(tmp_path)!r}).counts()\n"
        "print('networkx' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
