"""kg.render.pyvis_net: the page's look as a pyvis Network, with nothing fetched from the web."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.graph.schema import EXTRA_COLOURS, TYPE_COLOURS
from kg.render.pyvis_net import SUGGEST_COLOUR, to_pyvis

PAGE_JS = Path(__file__).resolve().parent.parent / "kg" / "render" / "page.js"


def small() -> KnowledgeGraph:
    return KnowledgeGraph.from_records(
        {
            "paper:a": {"type": "paper", "label": "A paper whose title is much longer than forty characters"},
            "venue:v": {"type": "venue", "label": "V"},
            "topic:t": {"type": "topic", "label": "T"},
            "dataset:d": {"type": "dataset", "label": "D"},
        },
        [
            ("paper:a", "venue:v", "published_at", {}),
            ("paper:a", "topic:t", "part_of", {}),
            ("paper:a", "topic:t", "mentions", {}),
        ],
    )


def test_colours_are_the_pages() -> None:
    js = PAGE_JS.read_text(encoding="utf-8")
    for name, colour in TYPE_COLOURS.items():
        assert re.search(rf'{name}: "{colour}"', js), name
    assert all(c in js for c in EXTRA_COLOURS) and f'SUGGEST_COLOUR = "{SUGGEST_COLOUR}"' in js


def test_nodes_edges_and_suggestions_as_on_the_page() -> None:
    net = to_pyvis(
        small(),
        suggestions={
            "venue:v": [{"id": "topic:t", "score": 0.8, "reasons": ["shares paper:a"]}],
            "topic:t": [{"id": "venue:v", "score": 0.6}],  # the same pair: the better one is drawn
        },
    )
    nodes = {n["id"]: n for n in net.nodes}
    assert nodes["paper:a"]["label"].endswith("…") and len(nodes["paper:a"]["label"]) == 40
    assert nodes["paper:a"]["title"].startswith("A paper whose title is much longer") and "(paper)" in nodes["paper:a"]["title"]
    assert nodes["dataset:d"]["color"] == EXTRA_COLOURS[0]  # the first type the page does not know
    assert nodes["paper:a"]["size"] > nodes["venue:v"]["size"] > nodes["dataset:d"]["size"]
    plain = [e for e in net.edges if not e.get("dashes")]
    assert sorted((e["from"], e["to"], e["title"]) for e in plain) == [
        ("paper:a", "topic:t", "part_of, mentions"),
        ("paper:a", "venue:v", "published_at"),
    ]
    (dashed,) = [e for e in net.edges if e.get("dashes")]
    assert dashed["label"] == "0.80" and dashed["title"] == "suggested link, score 0.800\nshares paper:a"


def test_saved_page_loads_nothing_from_the_web(tmp_path) -> None:
    net = to_pyvis(small(), title="<b>mine</b>", select_menu=True, filter_menu=True)
    path = tmp_path / "net.html"
    net.write_html(str(path))
    html = path.read_text(encoding="utf-8")
    assert re.search(r'(src|href)="https?:', html) is None
    assert "vis.DataSet" in html and "&lt;b&gt;mine&lt;/b&gt;" in html
    notebook = to_pyvis(small(), notebook=True).generate_html(notebook=True)
    assert re.search(r'(src|href)="https?:', notebook) is None and "tom-select" not in notebook


def test_remote_resources_are_refused() -> None:
    with pytest.raises(ValueError, match="loads files from the internet"):
        to_pyvis(small(), cdn_resources="remote")
