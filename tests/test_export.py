"""kg.graph.export and `kg export`: GraphML, GEXF, CSV and JSON that other tools read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph.export import FORMATS, export_graph
from kg.graph.knowledge_graph import KnowledgeGraph
from kg.pipeline import build


@pytest.fixture(scope="module")
def seed_kg(seed_post: Path) -> KnowledgeGraph:
    return build([seed_post.parent])


def test_csv_has_every_node_and_edge_with_attributes(seed_kg, tmp_path) -> None:
    nodes_csv, edges_csv = export_graph(seed_kg, tmp_path, "csv")
    nodes = list(csv.DictReader(nodes_csv.open(encoding="utf-8", newline="")))
    edges = list(csv.DictReader(edges_csv.open(encoding="utf-8", newline="")))
    assert list(nodes[0])[:3] == ["id", "type", "label"]
    assert list(edges[0])[:3] == ["source", "target", "relation"]
    assert {n["id"] for n in nodes} == {n for n, _ in seed_kg.iter_nodes()}
    assert len(edges) == seed_kg.number_of_edges()
    by_id = {n["id"]: n for n in nodes}
    for nid, attrs in seed_kg.iter_nodes():
        assert by_id[nid]["label"] == attrs["label"]
        assert json.loads(by_id[nid]["aliases"] or "[]") == (attrs.get("aliases") or [])
    got = sorted((e["source"], e["target"], e["relation"]) for e in edges)
    assert got == sorted((u, v, a.get("relation") or k) for u, v, k, a in seed_kg.iter_edges())


def test_gexf_and_graphml_and_json_read_back_with_networkx(seed_kg, tmp_path) -> None:
    (gexf,) = export_graph(seed_kg, tmp_path / "g.gexf")  # format from the suffix
    g = nx.read_gexf(gexf)
    assert set(g) == {n for n, _ in seed_kg.iter_nodes()}
    assert g.number_of_edges() == seed_kg.number_of_edges()
    paper = next(n for n, a in seed_kg.iter_nodes() if a["type"] == "paper")
    assert g.nodes[paper]["label"] == seed_kg.label(paper)
    assert g.nodes[paper]["type"] == "paper"
    assert g.nodes[paper]["viz"]["color"] == {"r": 0xE1, "g": 0x57, "b": 0x59, "a": 1.0}
    (graphml,) = export_graph(seed_kg, tmp_path / "g.graphml", "graphml")
    assert nx.read_graphml(graphml).number_of_edges() == seed_kg.number_of_edges()
    (js,) = export_graph(seed_kg, tmp_path / "g.json", "json")
    back = nx.node_link_graph(json.loads(js.read_text(encoding="utf-8")), edges="links")
    assert KnowledgeGraph(back).fingerprint() == seed_kg.fingerprint()


def test_unknown_format_is_a_clear_error(seed_kg, tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'dot'"):
        export_graph(seed_kg, tmp_path / "g.dot", "dot")
    with pytest.raises(ValueError, match="cannot tell the format from the name"):
        export_graph(seed_kg, tmp_path / "g.txt")
    assert seed_kg.export(tmp_path / "m.gexf")[0].exists()  # the method twin


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_cli_export_every_format(seed_kg, tmp_path, fmt) -> None:
    seed_kg.save(tmp_path)
    res = CliRunner().invoke(cli, ["export", "--format", fmt, "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    written = res.output.strip().removeprefix("wrote ").split(", ")
    assert written and all(Path(p).is_file() and Path(p).stat().st_size > 0 for p in written)
    if fmt == "csv":
        assert sorted(Path(p).name for p in written) == ["edges.csv", "nodes.csv"]
    dest = tmp_path / "elsewhere" / f"x.{fmt}"
    res = CliRunner().invoke(cli, ["export", str(dest), "--format", fmt, "--out", str(tmp_path)])
    assert res.exit_code == 0 and (dest / "nodes.csv" if fmt == "csv" else dest).exists()


def test_cli_export_without_graph_is_one_line(tmp_path) -> None:
    res = CliRunner().invoke(cli, ["export", "--format", "gexf", "--out", str(tmp_path / "no")])
    assert res.exit_code == 1 and res.output.count("\n") == 1 and "graph.json" in res.output
