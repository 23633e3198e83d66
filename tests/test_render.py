"""kg.render: the self-contained page (escaping, payload, layout, writing, opening, CLI)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph.knowledge_graph import KnowledgeGraph
from kg.render import (
    HTML_NAME,
    LARGE_SUGGESTIONS,
    LAYOUT_THRESHOLD,
    MAP_ABOVE,
    open_in_browser,
    page_placement,
    render_html,
    write_html,
)
from kg.render.assets import inline_safe, load_assets, script_json
from kg.render.layout import SPACING_PX, layout_xy, needs_layout
from kg.render.payload import (
    MAX_NOTE_CHARS,
    MAX_NOTES,
    MAX_REASON_CHARS,
    MAX_SUGGESTIONS,
    build_payload,
    safe_url,
)

EVIL = [
    "</script><script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 2">',
    "javascript:window.__xss = 3",
    "\u2028line & <b>bold</b>\u2029",
]


def page_data(html: str) -> dict:
    """The JSON payload embedded in a page."""
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "page has no data element"
    return json.loads(m.group(1))


def small_kg(n_papers: int = 3) -> KnowledgeGraph:
    nodes = {
        "post:a": {
            "type": "post",
            "label": "Notes A",
            "path": "notes/a.md",
            "date": "2020-04-20",
            "sources": [{"path": "notes/a.md", "line": 1}],
        },
        "topic:gnn": {
            "type": "topic",
            "label": "图神经网络",
            "aliases": ["GNN"],
            "sources": [{"path": "notes/a.md", "line": 3}],
            "notes": ["置换不变性"],
        },
        "venue:iclr": {"type": "venue", "label": "ICLR"},
    }
    edges = [
        ("post:a", "topic:gnn", "mentions", {"relation": "mentions"}),
        ("post:a", "topic:gnn", "tagged", {"relation": "tagged"}),
    ]
    for i in range(n_papers):
        pid = f"paper:p{i}"
        nodes[pid] = {
            "type": "paper",
            "label": f"Paper {i}",
            "venue": "ICLR",
            "year": 2017 + i,
            "url": f"https://arxiv.org/abs/1609.0290{i}",
            "ids": {"arxiv": f"1609.0290{i}"},
            "authors": ["T. Kipf"],
            "sources": [{"path": "notes/a.md", "line": 5 + i}],
        }
        edges += [
            (pid, "topic:gnn", "part_of", {"relation": "part_of"}),
            (pid, "venue:iclr", "published_at", {"relation": "published_at", "year": 2017}),
        ]
    return KnowledgeGraph.from_records(nodes, edges)


# ---- escaping ---------------------------------------------------------------------------------
def test_script_json_escapes_markup_and_line_separators_and_round_trips():
    text = script_json({"x": EVIL})
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == {"x": EVIL}


def test_inline_safe_breaks_closing_tags_only():
    assert inline_safe("a</ScRiPt >b<script>", "script") == "a<\\/ScRiPt >b<script>"
    assert "</style" not in inline_safe("x</style>", "style")


def test_evil_text_in_every_field_stays_data():
    bad = EVIL[0] + EVIL[1]
    nodes = {
        "post:x": {
            "type": "post",
            "label": bad,
            "path": bad,
            "date": bad,
            "sources": [{"path": bad, "line": 1}],
            "notes": EVIL,
            "aliases": EVIL,
        },
        "paper:y": {"type": "paper", "label": bad, "url": EVIL[2], "venue": bad, "authors": EVIL},
    }
    kg = KnowledgeGraph.from_records(nodes, [("post:x", "paper:y", "mentions", {"relation": bad})])
    html = render_html(
        kg,
        title=bad,
        suggestions={
            "post:x": [{"id": "paper:z", "label": bad, "type": bad, "score": 0.5, "reasons": EVIL}]
        },
    )
    benign = render_html(small_kg())
    # no element is added by the text: same number of script/img tags as a benign page
    for tag in ("<script", "<img", "<b>"):
        assert html.lower().count(tag) == benign.lower().count(tag), tag
    assert "<img src=x" not in html and "</script><script>window" not in html
    data = page_data(html)
    assert data["nodes"]["label"] == [bad, bad]
    assert data["info"][0]["n"] == EVIL and data["info"][0]["a"] == EVIL
    assert "u" not in data["info"][1] and data["info"][1]["ut"] == EVIL[2]  # never a link
    assert "&lt;/script&gt;" in html.split("<style>")[0]  # the <title> is HTML-escaped


def test_safe_url_only_http():
    assert safe_url("https://openreview.net/forum?id=1") == "https://openreview.net/forum?id=1"
    assert safe_url("HTTP://x.org") == "HTTP://x.org"
    for bad in (
        "javascript:alert(1)",
        " JAVASCRIPT:x",
        "data:text/html,<b>",
        "//x.org",
        "vbscript:x",
        "https://x.org/a b",
        None,
        3,
    ):
        assert safe_url(bad) is None, bad


# ---- self-contained ---------------------------------------------------------------------------
def test_page_is_one_self_contained_file():
    html = render_html(small_kg())
    assets = load_assets()
    assert "vis-network" in html and "@version 9.1.2" in html
    assert (
        html.count("<script")
        - assets["vis_js"].count("<script")
        - assets["page_js"].count("<script")
        == 3
    )
    # every element that could load something points nowhere but data:
    refs = re.findall(
        r"<(?:script|link|img|iframe|source|object|embed)\b[^>]*\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]*)",
        html,
        re.I,
    )
    assert refs == ["data:,"]
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    for word in (
        "bootstrap",
        "cdn.jsdelivr",
        "cdnjs",
        "unpkg.com",
        "tom-select",
        "sourceMappingURL",
    ):
        assert word not in html, word
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html


# ---- payload ----------------------------------------------------------------------------------
def test_payload_columns_degree_relations_paths():
    p = build_payload(small_kg(2))
    ids = p["nodes"]["id"]
    assert ids == ["post:a", "topic:gnn", "venue:iclr", "paper:p0", "paper:p1"]
    assert [p["types"][t] for t in p["nodes"]["type"]] == [
        "post",
        "topic",
        "venue",
        "paper",
        "paper",
    ]
    # parallel mentions+tagged edges are drawn once with both relations
    edges = [tuple(p["edges"][i : i + 3]) for i in range(0, len(p["edges"]), 3)]
    assert (0, 1, p["relations"].index("mentions, tagged")) in edges
    assert len(edges) == 5
    assert p["nodes"]["deg"] == [1, 3, 2, 2, 2]
    assert p["paths"] == ["notes/a.md"]
    paper = p["info"][3]
    assert paper["v"] == "ICLR" and paper["y"] == 2017 and paper["u"].startswith("https://")
    assert paper["i"] == {"arxiv": "1609.02900"} and paper["au"] == ["T. Kipf"]
    assert p["info"][0]["p"] == "notes/a.md" and p["info"][0]["d"] == "2020-04-20"
    assert p["sym"] is None and p["xy"] is None and p["suggest"] == {}


def test_payload_shortens_long_notes_and_says_how_many_are_left():
    notes = [f"note {i} " + "x" * 1000 for i in range(MAX_NOTES + 3)]
    kg = KnowledgeGraph.from_records(
        {"topic:t": {"type": "topic", "label": "T", "notes": notes}}, []
    )
    info = build_payload(kg)["info"][0]
    assert len(info["n"]) == MAX_NOTES and info["nm"] == 3
    assert all(len(n) <= MAX_NOTE_CHARS and n.endswith("…") for n in info["n"])


def test_payload_suggestions_and_symmetry():
    sugg = {
        "paper:p0": [
            {
                "id": "paper:p1",
                "label": "Paper 1",
                "type": "paper",
                "score": 0.91234567,
                "reasons": ["shares a topic"],
            },
            {
                "id": "paper:elsewhere",
                "label": "Far Paper",
                "type": "paper",
                "score": float("nan"),
                "reasons": "one reason",
            },
        ],
        "paper:unknown": [{"id": "paper:p1", "score": 1.0}],
    }
    p = build_payload(small_kg(2), suggestions=sugg, symmetry={"paper:p0": 7, "paper:p1": 7})
    assert p["suggest"] == {"3": [[4, 0.912346, [0]], [-1, 0.0, [1], "Far Paper", "paper"]]}
    assert p["reasons"] == ["shares a topic", "one reason"]
    assert p["sym"] == [-1, -1, -1, 7, 7] and p["colour"] == "type"
    assert (
        build_payload(small_kg(2), symmetry={"paper:p0": 1}, colour_by="symmetry")["colour"]
        == "symmetry"
    )
    assert (
        build_payload(small_kg(2), colour_by="symmetry")["colour"] == "type"
    )  # nothing to colour by
    with pytest.raises(ValueError, match="colour_by"):
        render_html(small_kg(), colour_by="rainbow")


def test_suggestion_reasons_are_stored_once_and_capped():
    long = "both in post " + "长" * 500
    rows = [
        {"id": f"paper:p{i % 2}", "score": 1 - i / 100, "reasons": ["same", long, "c", "d"]}
        for i in range(30)
    ]
    kg = small_kg(2)
    p = build_payload(kg, suggestions={"topic:gnn": rows})
    assert len(p["suggest"]["1"]) == MAX_SUGGESTIONS
    assert all(r[2] == [0, 1, 2] for r in p["suggest"]["1"])  # 3 reasons kept, stored once
    assert p["reasons"][0] == "same" and len(p["reasons"][1]) == MAX_REASON_CHARS
    big = page_data(render_html(kg, suggestions={"topic:gnn": rows}, layout=True))
    assert len(big["suggest"]["1"]) == LARGE_SUGGESTIONS


def test_reasons_quoting_source_paths_refer_to_the_path_table():
    reason = "both in post Notes A (notes/a.md lines 1, 5); noted at notes/a.md:3"
    sugg = {"paper:p0": [{"id": "paper:p1", "score": 0.5, "reasons": [reason, "no path here"]}]}
    p = build_payload(small_kg(2), suggestions=sugg)
    parts = p["reasons"][0]
    assert parts == ["both in post Notes A (", 0, " lines 1, 5); noted at ", 0, ":3"]
    assert "".join(p["paths"][x] if isinstance(x, int) else x for x in parts) == reason
    assert p["reasons"][1] == "no path here"


# ---- layout -----------------------------------------------------------------------------------
def test_threshold_switches_to_python_layout_and_keeps_physics_below():
    kg = small_kg(30)  # 33 nodes
    assert page_data(render_html(kg))["xy"] is None  # physics in the page
    data = page_data(render_html(kg, threshold=20))
    assert len(data["xy"]) == 2 * len(kg) and all(isinstance(c, int) for c in data["xy"])
    assert (
        page_data(render_html(kg, threshold=20, seed=3))["xy"]
        == page_data(render_html(kg, threshold=20, seed=3))["xy"]
    )
    assert page_data(render_html(small_kg(), layout=True))["xy"] is not None
    assert needs_layout(LAYOUT_THRESHOLD + 1) and not needs_layout(LAYOUT_THRESHOLD)


def test_a_placement_made_ahead_gives_the_same_page():
    """page_placement depends on the graph alone: made before the suggestions exist and
    passed in, the page is the one render_html makes by itself (map, layout, physics)."""
    for kg, options in ((small_kg(100), {}), (small_kg(30), {"threshold": 20}), (small_kg(30), {})):
        placement = page_placement(kg, **options)
        assert (placement["xy"] is None) == (len(kg) <= options.get("threshold", LAYOUT_THRESHOLD)
                                             and len(kg) <= MAP_ABOVE)
        assert render_html(kg, title="t", placement=placement, **options) == render_html(kg, title="t", **options)
    with pytest.raises(ValueError, match="coordinates for"):
        render_html(small_kg(30), placement=page_placement(small_kg(100)))


def test_layout_xy_spacing_components_apart_and_seeded():
    import math

    # a 200-node cycle with chords, and 50 separate triangles
    edges = [(i, (i * 7 + 3) % 200) for i in range(200)] + [(i, (i + 1) % 200) for i in range(200)]
    edges += [
        (200 + 3 * t + a, 200 + 3 * t + b) for t in range(50) for a, b in ((0, 1), (1, 2), (2, 0))
    ]
    n = 350
    xy = layout_xy(n, edges, seed=1)
    pts = [(xy[2 * i], xy[2 * i + 1]) for i in range(n)]
    nn = sorted(
        min(math.dist(p, q) for j, q in enumerate(pts) if j != i) for i, p in enumerate(pts)
    )
    assert nn[n // 2] == pytest.approx(SPACING_PX, rel=0.25)
    assert nn[0] > 0.2 * SPACING_PX  # nothing on top of anything
    # each triangle keeps its own place: its nodes are nearer to each other than to others
    for t in range(50):
        tri = [pts[200 + 3 * t + k] for k in range(3)]
        inner = max(math.dist(a, b) for a in tri for b in tri)
        outer = min(
            math.dist(a, q)
            for a in tri
            for j, q in enumerate(pts)
            if not 200 + 3 * t <= j < 203 + 3 * t
        )
        assert inner < outer
    assert xy == layout_xy(n, edges, seed=1) and xy != layout_xy(n, edges, seed=2)
    assert layout_xy(0, []) == [] and layout_xy(1, []) == [0.0, 0.0]


# ---- writing and opening ------------------------------------------------------------------------
def test_write_html_utf8_atomic_and_overwrites(tmp_path):
    path = tmp_path / "out" / "graph.html"
    assert write_html(small_kg(), path, title="图 · graph") == path
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # UTF-8 whatever the platform encoding
    assert "<title>图 · graph</title>" in text and "图神经网络" in text
    write_html(small_kg(1), path)
    assert len(page_data(path.read_text(encoding="utf-8"))["nodes"]["id"]) == 4
    assert sorted(p.name for p in path.parent.iterdir()) == ["graph.html"]  # no temp files left


def test_render_takes_a_knowledge_graph_and_a_networkx_graph_wrapped_in_one():
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node("topic:a", type="topic", label="A")
    g.add_node("topic:b", type="topic", label="B")
    g.add_edge("topic:a", "topic:b", key="subtopic_of", relation="subtopic_of")
    with pytest.raises(TypeError, match="wrap a networkx graph first"):
        render_html(g)
    assert page_data(render_html(KnowledgeGraph(g)))["relations"] == ["subtopic_of"]


def test_open_in_browser_resolves_folder_and_file_and_errors_when_missing(tmp_path):
    opened: list[str] = []
    with pytest.raises(FileNotFoundError, match=r"graph\.html: no such page"):
        open_in_browser(tmp_path, opener=opened.append)
    page = write_html(small_kg(), tmp_path / HTML_NAME)
    url = open_in_browser(tmp_path, opener=opened.append)
    assert url == page.resolve().as_uri() and opened == [url]
    assert open_in_browser(page, opener=opened.append) == url


def test_cli_view(tmp_path):
    opened: list[str] = []
    runner = CliRunner()
    missing = runner.invoke(
        cli, ["view", "--out", str(tmp_path / "nope")], obj={"opener": opened.append}
    )
    assert missing.exit_code == 1 and "graph.html: no such page" in missing.output and not opened
    write_html(small_kg(), tmp_path / HTML_NAME)
    ok = runner.invoke(cli, ["view", "--out", str(tmp_path)], obj={"opener": opened.append})
    assert ok.exit_code == 0, ok.output
    assert opened == [(tmp_path / HTML_NAME).resolve().as_uri()] and opened[0] in ok.output


def test_cli_view_without_a_browser_says_so_and_fails(tmp_path):
    page = write_html(small_kg(), tmp_path / HTML_NAME)
    tried: list[str] = []

    def no_browser(url: str) -> bool:  # what webbrowser.open returns on a machine without one
        tried.append(url)
        return False

    res = CliRunner().invoke(cli, ["view", "--out", str(tmp_path)], obj={"opener": no_browser})
    assert res.exit_code == 1 and tried == [page.resolve().as_uri()]
    assert "no web browser could be started" in res.output and str(page.resolve()) in res.output
    assert "opened" not in res.output


# ---- build path -------------------------------------------------------------------------------
def test_rendering_imports_neither_torch_nor_pyvis_network(tmp_path):
    code = (
        "import sys\n"
        "from kg.graph.knowledge_graph import KnowledgeGraph\n"
        "from kg.render import write_html\n"
        "kg = KnowledgeGraph.from_records({f'topic:{i}': {'type': 'topic', 'label': str(i)} for i in range(1200)}, "
        "[(f'topic:{i}', f'topic:{i+1}', 'subtopic_of', {}) for i in range(1199)])\n"
        f"write_html(kg, {str(tmp_path / 'g.html')!r})\n"
        "bad = [m for m in ('torch', 'pyvis.network', 'IPython', 'networkx') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_page_bytes_per_node_stays_under_one_kilobyte():
    n = 3000
    nodes = {
        f"paper:p{i}": {
            "type": "paper",
            "label": f"A fairly long paper title number {i}",
            "venue": "NeurIPS",
            "year": 2020,
            "url": f"https://arxiv.org/abs/2001.{i:05d}",
            "sources": [{"path": f"_posts/2020-01-01-note-{i % 50}.md", "line": i}],
            "aliases": [f"P{i}"],
        }
        for i in range(n)
    }
    edges = [(f"paper:p{i}", f"paper:p{(i * 13 + 1) % n}", "part_of", {}) for i in range(n)]
    html = render_html(KnowledgeGraph.from_records(nodes, edges))
    assert len(html.encode("utf-8")) / n < 1024


def test_render_seed_post(seed_post):
    from kg.pipeline import build

    kg = build([seed_post])
    data = page_data(render_html(kg, title="VALSE 2020"))
    assert "模型压缩" in data["nodes"]["label"]
    assert data["xy"] is None and len(data["nodes"]["id"]) == len(kg)
    assert any(info.get("s") for info in data["info"])  # sources travel with the nodes
    assert data["paths"] and all(p.endswith("valse2020-apr.md") for p in data["paths"])


@pytest.mark.corpus
def test_corpus_page_is_laid_out_in_python_and_small(corpus_dir):
    from kg.pipeline import build

    kg = build([corpus_dir])
    assert len(kg) > LAYOUT_THRESHOLD
    html = render_html(kg)
    data = page_data(html)
    assert data["xy"] is not None and len(data["xy"]) == 2 * len(kg)
    assert len(html.encode("utf-8")) / len(kg) < 1024
