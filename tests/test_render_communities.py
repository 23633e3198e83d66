"""kg.render.communities: the map's communities, hubs, bubbles and positions."""

from __future__ import annotations

import json
import random

import pytest

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.render import render_html, write_html
from kg.render.communities import MAX_BUBBLES, community_map, label_width
from kg.render.payload import orbit_payload


def cliques(k: int, size: int, bridges: bool = True) -> list[tuple[int, int]]:
    """``k`` cliques of ``size`` nodes, clique i joined to clique i+1 by one link."""
    edges = []
    for c in range(k):
        base = c * size
        edges += [(base + a, base + b) for a in range(size) for b in range(a + 1, size)]
        if bridges and c:
            edges.append((base, base - 1))
    return edges


def test_cliques_are_the_communities_and_a_venue_is_a_hub():
    edges = cliques(5, 6)
    venue = 30
    edges += [(venue, c * 6 + 2) for c in range(5)]
    types = ["topic"] * 30 + ["venue"]
    m = community_map(31, edges, types, [f"n{i}" for i in range(31)])
    assert m["hubs"] == [venue] and m["comm"][venue] == -1
    groups = {m["comm"][c * 6 + i] for c in range(5) for i in range(6)}
    assert len(groups) == 5
    for c in range(5):
        assert len({m["comm"][c * 6 + i] for i in range(6)}) == 1
    # neighbouring cliques are linked on the map: 4 bridges
    links = m["links"]
    assert sorted(links[2::3]) == [1, 1, 1, 1]


def test_a_high_degree_node_spread_over_communities_is_a_hub_but_a_post_is_not():
    # ten notes-like groups (a topic and its six papers); a tag and a post touch them all
    edges, types = [], []
    for g in range(10):
        base = 7 * g
        edges += [(base, base + k) for k in range(1, 7)]
        types += ["topic"] + ["paper"] * 6
    tag, post = 70, 71
    types += ["topic", "post"]
    edges += [(tag, 7 * g + 1) for g in range(10)] + [(tag, 7 * g + 2) for g in range(10)]
    edges += [(post, 7 * g + 3) for g in range(10)] + [(post, 7 * g + 4) for g in range(10)]
    m = community_map(72, edges, types, [f"n{i}" for i in range(72)])
    assert tag in m["hubs"]  # a housekeeping tag on every group
    assert post not in m["hubs"] and m["comm"][post] >= 0
    assert len({m["comm"][7 * g] for g in range(10)}) >= 5  # the groups stay apart


def test_at_most_max_bubbles_and_separate_groups_pooled():
    k = MAX_BUBBLES + 10
    edges = cliques(k, 4, bridges=False)  # k separate groups
    n = 4 * k
    m = community_map(n, edges, ["paper"] * n, [f"p{i}" for i in range(n)])
    assert len(m["bubbles"]) == MAX_BUBBLES
    last = m["bubbles"][-1]
    assert last["separate"] and last["n"] == 4 * (k - MAX_BUBBLES + 1)
    assert last["label"][-1].endswith(f"{k - MAX_BUBBLES + 1} separate groups")
    assert all(not b["separate"] for b in m["bubbles"][:-1])
    assert sum(b["n"] for b in m["bubbles"]) == n


def test_bubbles_named_by_central_topics_and_sized_by_papers():
    # two groups: a topic with 5 papers (and a minor topic), a method with 3 posts
    edges = [(0, p) for p in range(2, 7)] + [(1, 2), (1, 3), (0, 1)]
    edges += [(7, 8), (7, 9), (7, 10), (8, 9), (6, 7)]
    types = ["topic", "topic"] + ["paper"] * 5 + ["method"] + ["post"] * 3
    labels = ["Graph learning", "Pooling", "A", "B", "C", "D", "E", "GCN", "P1", "P2", "P3"]
    m = community_map(11, edges, types, labels)
    b = m["bubbles"][m["comm"][0]]
    assert b["label"][0] == "Graph learning"
    papers = sum(1 for i in range(2, 7) if m["comm"][i] == m["comm"][0])
    assert b["papers"] == papers >= 3 and b["label"][-1] == f"{papers} papers"
    other = m["bubbles"][m["comm"][8]]
    assert other["label"][0] == "GCN"  # no topic there: the method names it
    k = sum(1 for i in range(2, 7) if m["comm"][i] == m["comm"][8])
    n = sum(1 for c in m["comm"] if c == m["comm"][8])
    assert other["label"][-1] == (f"{k} paper{'s' * (k != 1)}" if k else f"{n} nodes")
    assert other["size"] < b["size"]  # fewer papers, a smaller bubble


def test_bubble_boxes_do_not_overlap_and_layout_is_seeded():
    rng = random.Random(3)
    edges = cliques(20, 5)
    edges += [(rng.randrange(100), rng.randrange(100)) for _ in range(30)]
    labels = [f"a rather long topic name {i}" for i in range(100)]
    one = community_map(100, edges, ["topic"] * 100, labels, seed=1)
    assert one == community_map(100, edges, ["topic"] * 100, labels, seed=1)
    bs = one["bubbles"]
    for i, a in enumerate(bs):
        wa = max(label_width(t) for t in a["label"])
        for b in bs[i + 1 :]:
            wb = max(label_width(t) for t in b["label"])
            # label boxes below each dot, 17 px a line: apart in x or in y
            apart_x = abs(a["x"] - b["x"]) >= (wa + wb) / 2
            ya, yb = a["y"] + a["size"], b["y"] + b["size"]
            apart_y = abs(ya - yb) >= 17 * 3
            assert apart_x or apart_y, (a, b)
    # every node is placed near its bubble
    for v in range(100):
        c = one["comm"][v]
        if c >= 0:
            assert abs(one["xy"][2 * v] - bs[c]["x"]) < 2000


def test_label_width_counts_wide_characters():
    assert label_width("ab") < label_width("图神")


def test_render_opens_as_a_map_above_60_nodes_and_view_can_be_forced():
    nodes = {f"topic:t{i}": {"type": "topic", "label": f"T{i}"} for i in range(70)}
    edges = [(f"topic:t{i}", f"topic:t{(i + 1) % 70}", "related", {}) for i in range(70)]
    kg = KnowledgeGraph.from_records(nodes, edges)

    def data(html: str) -> dict:
        start = html.index('<script id="kg-data" type="application/json">')
        body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
        return json.loads(body)

    on_map = data(render_html(kg))
    assert on_map["map"] is not None and len(on_map["xy"]) == 140
    full = data(render_html(kg, view="full"))
    assert full["map"] is None and full["xy"] is None  # 70 nodes: physics, every node
    small = KnowledgeGraph.from_records(dict(list(nodes.items())[:10]), [])
    assert data(render_html(small))["map"] is None
    with pytest.raises(ValueError, match="view='wide'"):
        render_html(kg, view="wide")


def test_orbit_payload_ignores_a_report_of_another_graph():
    rep = {"orbit_ids": [["a", "b"]], "counts": {"nodes": 3}, "table": {}}
    assert orbit_payload(rep, ["a", "b", "c"])["orbit"] == [0, 0, -1]
    assert orbit_payload(rep, ["a", "b", "c", "d"]) is None  # stale: another node count
    assert orbit_payload({"orbit_ids": [["a", "x"]]}, ["a", "b"]) is None  # unknown node
    assert orbit_payload({"orbit_ids": [["a", "b"]]}, ["a", "b"], [0, 1]) is None  # types differ
    assert orbit_payload(rep, ["a", "b", "c"])["orbitNote"]["score"] == ""  # no table: no score


def test_build_reads_symmetry_json_from_the_output_folder(tmp_path, seed_post):
    from kg.pipeline import build_to
    from kg.symmetry.orbits import orbit_of

    out = tmp_path / "out"
    result = build_to([seed_post], out, train=False)
    assert '"orbit":null' in (out / "graph.html").read_text(encoding="utf-8")
    groups: dict[int, list[str]] = {}
    for n, o in orbit_of(result.kg).items():
        groups.setdefault(o, []).append(n)
    report = {
        "orbit_ids": [m for m in groups.values() if len(m) > 1],
        "counts": {"nodes": len(result.kg)},
        "table": {"plain_gnn": {"auc": 0.5}, "labeling_trick": {"auc": 0.75}},
    }
    assert report["orbit_ids"]
    (out / "symmetry.json").write_text(json.dumps(report), encoding="utf-8")
    build_to([seed_post], out, train=False)
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert '"orbit":[' in html and "AUC 0.750" in html
    page = write_html(result.kg, tmp_path / "plain.html")
    assert '"orbit":null' in page.read_text(encoding="utf-8")


def test_symmetry_output_refreshes_an_existing_graph_page(tmp_path, seed_post):
    from kg.pipeline import build_to
    from kg.symmetry.output import refresh_graph_page

    out = tmp_path / "out"
    result = build_to([seed_post], out, train=False)
    before = (out / "graph.html").read_text(encoding="utf-8")
    title = before.split("<title>", 1)[1].split("</title>", 1)[0]
    ids = sorted(n for n in result.kg.graph if n.startswith("paper:"))[:2]
    data = {"orbit_ids": [ids], "counts": {"nodes": len(result.kg)}, "table": {}}
    assert refresh_graph_page(out, result.kg, data) == out / "graph.html"
    after = (out / "graph.html").read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in after and '"orbit":[' in after
    assert refresh_graph_page(tmp_path / "nothing", result.kg, data) is None
