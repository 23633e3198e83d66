"""kg.render in a real headless Chromium: offline, safe with hostile text, and usable.

One browser for the whole module; every test gets a fresh context whose network is blocked
(every request that is not ``file:`` is aborted and recorded). Each page is watched for
console errors, page errors, failed requests and dialogs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.headless import CHROMIUM, launch
from kg.graph.knowledge_graph import KnowledgeGraph
from kg.render import write_html

pytestmark = pytest.mark.browser


EVIL_POST = """---
title: "<script>window.__xss = 'title'; alert('title')</script> evil notes"
categories: ["<img src=x onerror=\\"window.__xss='cat'\\">"]
---

# <script>window.__xss = 'h1'; alert('h1')</script> Heading

## <img src=x onerror="window.__xss='img'; alert('img')"> Images

- [Click me](javascript:window.__xss='link';alert('link')) (NeurIPS2020)
- <img src=x onerror="window.__xss='li'"> list item paper (ICML2019)
- Paper with a &lt;b&gt; tag <b>bold</b> and </script> inside (CVPR2021)
  - <svg onload="window.__xss='svg'">note</svg>
"""


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (.ci/run does)")
    with sync_api.sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


class Watched:
    """A page with its console errors, page errors, failed/external requests and dialogs."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
        self.page.wait_for_selector("body[data-stable='1']", state="attached", timeout=30_000)
        return self.page

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.external == [], self.external
        assert self.failed == [], self.failed
        assert self.dialogs == [], self.dialogs

    def click_node(self, nid: str) -> None:
        xy = self.page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", nid)
        box = self.page.locator("#kg-network").bounding_box()
        self.page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])

    def pixel(self, nid: str) -> list[int]:
        """RGBA of the canvas pixel at the centre of node ``nid``."""
        return self.page.evaluate(
            """id => {
                const c = document.querySelector('#kg-network canvas');
                const p = network.canvasToDOM(network.getPositions([id])[id]);
                const r = window.devicePixelRatio || 1;
                return Array.from(c.getContext('2d').getImageData(
                    Math.round(p.x * r), Math.round(p.y * r), 1, 1).data);
            }""",
            nid,
        )


@pytest.fixture()
def watched(browser):
    w = Watched(browser)
    yield w
    w.context.close()


def suggestions_for(kg: KnowledgeGraph, k: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Adamic-Adar suggestions for the papers (a real heuristic ranking, not the GNN)."""
    import networkx as nx

    from kg.learn.baselines import score_all

    g = nx.Graph(kg.graph.to_undirected())
    nodes = list(g)
    papers = [n for n in nodes if g.nodes[n].get("type") == "paper"]
    scores = score_all(g, papers, "adamic_adar", nodelist=nodes)
    out: dict[str, list[dict[str, Any]]] = {}
    for row, p in zip(scores, papers, strict=True):
        ranked = [
            (float(s), n)
            for s, n in zip(row, nodes, strict=True)
            if n != p and not g.has_edge(p, n)
        ]
        ranked.sort(key=lambda t: (-t[0], t[1]))
        out[p] = [
            {
                "id": n,
                "label": g.nodes[n]["label"],
                "type": g.nodes[n]["type"],
                "score": s,
                "reasons": ["shares neighbours (Adamic-Adar)"],
            }
            for s, n in ranked[:k]
            if s > 0
        ]
    return out


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory, seed_post) -> tuple[Path, KnowledgeGraph, dict, dict]:
    from kg.pipeline import build
    from kg.symmetry.orbits import orbit_of

    kg = build([seed_post])
    sugg = suggestions_for(kg)
    sym = orbit_of(kg)
    path = write_html(
        kg,
        tmp_path_factory.mktemp("seed") / "graph.html",
        suggestions=sugg,
        symmetry=sym,
        title="VALSE 2020",
    )
    return path, kg, sugg, sym


@pytest.fixture(scope="module")
def evil_page(tmp_path_factory) -> tuple[Path, KnowledgeGraph]:
    from kg.pipeline import build

    d = tmp_path_factory.mktemp("evil")
    (d / "evil.md").write_text(EVIL_POST, encoding="utf-8")
    kg = build([d])
    # and one node with hostile text in every field, whatever the extractor keeps
    kg.graph.add_node(
        "paper:hostile",
        type="paper",
        label="<img src=x onerror=\"window.__xss='direct'\">",
        aliases=["</script><script>window.__xss='alias'</script>"],
        notes=["<svg onload=\"window.__xss='note'\">"],
        sources=[{"path": "<b>x</b>.md", "line": 1}],
        url="javascript:window.__xss='url'",
        venue="<i>v</i>",
    )
    return write_html(kg, d / "graph.html", title=kg.nodes("post")[0]["label"]), kg


# ---- offline and error-free ---------------------------------------------------------------------
def test_seed_page_offline_no_requests_no_console_errors(watched, seed_page):
    page = watched.open(seed_page[0])
    assert page.evaluate("typeof window.network.getPositions") == "function"
    assert page.evaluate("Object.keys(network.getPositions()).length") == len(seed_page[1])
    watched.assert_clean()


# ---- hostile text -----------------------------------------------------------------------------------
def test_hostile_post_renders_as_text_and_runs_nothing(watched, evil_page):
    path, kg = evil_page
    page = watched.open(path)
    labels = [n["label"] for n in kg.nodes()]
    texts = labels + [a for n in kg.nodes() for a in n.get("aliases", [])]
    assert any("<script>" in t for t in texts), texts  # the hostile text is there
    assert any("<img src=x" in t for t in texts), texts
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('svg, iframe, object, embed').length") == 0
    assert page.title() == kg.nodes("post")[0]["label"]
    # search for every hostile node and open its panel: its label is shown as text
    for node in kg.nodes():
        page.fill("#kg-search", node["label"])
        page.keyboard.press("Enter")
        page.wait_for_selector("#kg-panel:not([hidden])")
        assert node["label"] in page.inner_text("#kg-panel h2")
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert page.evaluate("window.__xss") is None and page.evaluate("document.images.length") == 0
    watched.assert_clean()


# ---- what users expect ----------------------------------------------------------------------------
def test_click_node_opens_details_panel(watched, seed_page):
    path, kg, sugg, _ = seed_page
    page = watched.open(path)
    nid = max(sugg, key=lambda n: len(sugg[n]))  # a paper with suggestions
    node = kg.graph.nodes[nid]
    assert page.is_hidden("#kg-panel")
    watched.click_node(nid)
    page.wait_for_selector("#kg-panel:not([hidden])")
    text = page.inner_text("#kg-panel")
    assert node["label"] in text and nid in text
    if node.get("venue"):
        assert f"venue: {node['venue']}" in text
    if node.get("year"):
        assert f"year: {node['year']}" in text
    src = node["sources"][0]
    assert f"{src['path']}:{src['line']}" in text
    top = sugg[nid][0]
    assert f"{round(top['score'], 6):.3f}" in text and top["label"] in text
    assert page.evaluate("network.getSelectedNodes()") == [nid]
    page.keyboard.press("Escape")  # closes the panel
    page.wait_for_selector("#kg-panel", state="hidden")
    watched.click_node(nid)
    page.wait_for_selector("#kg-panel:not([hidden])")
    for nb in set(kg.graph.successors(nid)) | set(kg.graph.predecessors(nid)):
        assert kg.graph.nodes[nb]["label"] in text  # the panel lists the links
    watched.assert_clean()


def test_search_by_label_and_alias_focuses_node(watched, browser, seed_page):
    path, kg, _, _ = seed_page
    page = watched.open(path)
    topic = next(n for n in kg.nodes("topic") if n["label"] == "模型压缩")
    page.fill("#kg-search", "模型压")
    page.wait_for_selector("#kg-results li[data-id]")
    assert topic["id"] in page.eval_on_selector_all(
        "#kg-results li[data-id]", "els => els.map(e => e.dataset.id)"
    )
    page.fill("#kg-search", "模型压缩")
    page.keyboard.press("Enter")
    assert page.evaluate("network.getSelectedNodes()") == [topic["id"]]
    # the view ends centred on the node (after the focus animation)
    page.wait_for_function(
        """id => { const v = network.getViewPosition(), p = network.getPositions([id])[id];
                   return Math.abs(v.x - p.x) < 5 && Math.abs(v.y - p.y) < 5; }""",
        arg=topic["id"],
        timeout=10_000,
    )
    assert "模型压缩" in page.inner_text("#kg-panel h2")
    aliased = [n for n in kg.nodes() if n.get("aliases")]
    for node in aliased[:2]:
        page.fill("#kg-search", node["aliases"][0])
        page.keyboard.press("Enter")
        page.wait_for_timeout(400)
        selected = page.evaluate("network.getSelectedNodes()")[0]
        chosen = kg.graph.nodes[selected]
        assert node["aliases"][0].lower() in [
            a.lower() for a in [chosen["label"], *chosen.get("aliases", [])]
        ]
    watched.assert_clean()


def test_legend_toggles_a_type(watched, seed_page):
    path, kg, _, _ = seed_page
    page = watched.open(path)
    papers = [n["id"] for n in kg.nodes("paper")]
    button = "#kg-legend button[data-type-name='paper']"
    assert page.get_attribute(button, "aria-pressed") == "true"
    hidden = "ids => ids.map(id => network.body.nodes[id].options.hidden === true)"
    assert not any(page.evaluate(hidden, papers))
    page.click(button)
    assert page.get_attribute(button, "aria-pressed") == "false"
    assert all(page.evaluate(hidden, papers))
    others = [n["id"] for n in kg.nodes("topic")]
    assert not any(page.evaluate(hidden, others))
    page.click(button)
    assert not any(page.evaluate(hidden, papers))
    watched.assert_clean()


def test_suggested_links_dashed_with_scores_on_a_toggle(watched, seed_page):
    path, _, sugg, _ = seed_page
    page = watched.open(path)
    dashed = "() => kg.edges.get({filter: e => !!e.dashes}).map(e => [e.from, e.to, e.label])"
    assert page.is_checked("#kg-suggest")
    edges = page.evaluate(dashed)
    assert edges
    best: dict[tuple[str, ...], float] = {}
    for p, rows in sugg.items():
        for s in rows[:1]:  # each node's best suggestion is drawn
            key = tuple(sorted((p, s["id"])))
            best[key] = max(best.get(key, 0.0), round(s["score"], 6))
    for a, b, label in edges:
        assert label == f"{best[tuple(sorted((a, b)))]:.2f}"
    page.uncheck("#kg-suggest")
    assert page.evaluate(dashed) == []
    page.check("#kg-suggest")
    assert len(page.evaluate(dashed)) == len(edges)
    watched.assert_clean()


def test_colour_by_symmetry_class(watched, seed_page):
    path, _, _, sym = seed_page
    page = watched.open(path)
    colour = "ids => ids.map(id => network.body.nodes[id].options.color.background)"
    by_class: dict[int, list[str]] = {}
    for n, c in sym.items():
        by_class.setdefault(c, []).append(n)
    shared = [ids for ids in by_class.values() if len(ids) > 1]
    assert len(shared) >= 2
    page.select_option("#kg-colour", "symmetry")
    firsts = []
    for ids in shared:
        colours = page.evaluate(colour, ids)
        assert len(set(colours)) == 1, colours  # a class has one colour
        firsts.append(colours[0])
    assert len(set(firsts)) == len(firsts)  # classes differ
    page.select_option("#kg-colour", "type")
    assert len(set(page.evaluate(colour, shared[0] + shared[1]))) <= 2
    # a page can open coloured by class (as the symmetry page does)
    kg = seed_page[1]
    by_class = write_html(kg, path.parent / "by-class.html", symmetry=sym, colour_by="symmetry")
    page = watched.open(by_class)
    assert page.input_value("#kg-colour") == "symmetry"
    assert page.evaluate(colour, shared[0])[0] == firsts[0]
    assert "symmetry class" in page.inner_text("#kg-legend")
    watched.assert_clean()


def test_neighbourhood_highlight_empty_click_and_size_by_degree(watched, seed_page):
    path, kg, _, _ = seed_page
    page = watched.open(path)
    g = kg.graph.to_undirected()
    hub = max((n for n in g if not n.startswith("post:")), key=g.degree)
    far = max((n for n in g if n != hub and not g.has_edge(hub, n)), key=g.degree)
    near = next(iter(g[hub]))
    sizes = page.evaluate("ids => ids.map(id => network.body.nodes[id].options.size)", [hub, far])
    assert sizes[0] > sizes[1]
    before_far, before_near = watched.pixel(far), watched.pixel(near)
    watched.click_node(hub)
    page.wait_for_selector("#kg-panel:not([hidden])")
    page.wait_for_timeout(100)
    after_far, after_near = watched.pixel(far), watched.pixel(near)
    assert sum(after_far[:3]) > sum(before_far[:3]) + 100  # veiled: much lighter
    assert abs(sum(after_near[:3]) - sum(before_near[:3])) < 60  # neighbour keeps its colour
    # a click on empty canvas clears the highlight and the panel, without errors
    box = page.locator("#kg-network").bounding_box()
    for _ in range(2):
        page.mouse.click(box["x"] + 3, box["y"] + box["height"] - 3)
    page.wait_for_selector("#kg-panel", state="hidden")
    page.wait_for_timeout(100)
    assert abs(sum(watched.pixel(far)[:3]) - sum(before_far[:3])) < 60
    watched.assert_clean()


def test_large_graph_uses_python_layout_without_physics(watched, tmp_path):
    n = 400
    nodes = {f"topic:t{i}": {"type": "topic", "label": f"Topic {i}"} for i in range(n)}
    edges = [(f"topic:t{i}", f"topic:t{(i * 7 + 1) % n}", "subtopic_of", {}) for i in range(n)]
    kg = KnowledgeGraph.from_records(nodes, edges)
    path = write_html(kg, tmp_path / "graph.html", threshold=100, view="full")
    page = watched.open(path)
    assert page.evaluate("network.physics.options.enabled") is False
    # the page draws the links itself (no vis-network edge objects) and knows the neighbours
    assert page.evaluate("kg.edges.length") == 0
    assert page.evaluate("kg.drawnLinks") == len(edges)
    assert sorted(page.evaluate("kg.neighbours('topic:t5')")) == sorted(
        {f"topic:t{(5 * 7 + 1) % n}", *(f"topic:t{i}" for i in range(n) if (i * 7 + 1) % n == 5)}
        - {"topic:t5"}
    )
    xy = page.evaluate("kg.data.xy")
    pos = page.evaluate("network.getPositions(['topic:t5'])['topic:t5']")
    assert (pos["x"], pos["y"]) == (xy[10], xy[11])
    # zoomed in, a click on a node opens its panel (whichever node vis-network hit-tests there)
    page.evaluate(
        "network.moveTo({position: network.getPositions(['topic:t5'])['topic:t5'], scale: 1.5})"
    )
    hit = page.evaluate(
        "network.getNodeAt(network.canvasToDOM(network.getPositions(['topic:t5'])['topic:t5']))"
    )
    assert hit is not None
    watched.click_node("topic:t5")
    page.wait_for_selector("#kg-panel:not([hidden])")
    assert page.inner_text("#kg-panel .kg-id") == hit
    watched.assert_clean()


def test_empty_and_single_node_pages_load_cleanly(watched, tmp_path):
    empty = write_html(KnowledgeGraph.from_records({}, []), tmp_path / "empty.html")
    page = watched.open(empty)
    assert page.inner_text("#kg-status") == "empty graph: no notes were parsed"
    page.fill("#kg-search", "anything")
    page.keyboard.press("Enter")
    one = KnowledgeGraph.from_records({"topic:a": {"type": "topic", "label": "A"}}, [])
    page = watched.open(write_html(one, tmp_path / "one.html"))
    assert page.inner_text("#kg-status").startswith("1 node · 0 links")
    watched.click_node("topic:a")
    page.wait_for_selector("#kg-panel:not([hidden])")
    watched.assert_clean()


# ---- to_pyvis: the pyvis page, saved offline ---------------------------------------------------
def test_to_pyvis_page_offline_draws_every_node(watched, seed_post, tmp_path):
    from kg.graph.schema import type_colour
    from kg.pipeline import build
    from kg.render.pyvis_net import SUGGEST_COLOUR, to_pyvis

    kg = build([seed_post.parent])
    suggestions = suggestions_for(kg)
    net = to_pyvis(kg, suggestions=suggestions, title="Seed notes")
    path = tmp_path / "pyvis.html"
    net.write_html(str(path))
    page = watched.page
    page.goto(path.resolve().as_uri())
    page.wait_for_function("typeof network !== 'undefined' && network.body !== undefined", timeout=30_000)
    page.evaluate("network.stopSimulation(); network.fit({animation: false}); network.redraw()")
    page.wait_for_timeout(200)
    drawn = page.evaluate(
        """() => {
            const c = document.querySelector('#mynetwork canvas');
            const ctx = c.getContext('2d');
            const r = window.devicePixelRatio || 1;
            const pos = network.getPositions();
            const out = {};
            for (const id of network.body.nodeIndices) {
                const p = network.canvasToDOM(pos[id]);
                const inside = p.x >= 0 && p.y >= 0 && p.x <= c.clientWidth && p.y <= c.clientHeight;
                const px = ctx.getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data;
                out[id] = {inside: inside, rgb: Array.from(px).slice(0, 3),
                           colour: network.body.data.nodes.get(id).color};
            }
            return out;
        }"""
    )
    watched.assert_clean()  # no request left the machine, no console error
    ids = [n for n, _ in kg.iter_nodes()]
    assert sorted(drawn) == sorted(ids)
    for nid, d in drawn.items():
        assert d["inside"], nid
        assert d["rgb"] != [255, 255, 255], f"{nid}: nothing drawn at its centre"
        assert d["colour"] == type_colour(kg.node(nid)["type"])
    # most centres show the node's own colour (a few may lie under a neighbour or a label)
    own = sum(d["rgb"] == [int(d["colour"][i : i + 2], 16) for i in (1, 3, 5)] for d in drawn.values())
    assert own >= 0.8 * len(drawn), own
    dashed = page.evaluate("network.body.data.edges.get().filter(e => e.dashes).map(e => e.color)")
    assert dashed and set(dashed) == {SUGGEST_COLOUR}
    assert len(dashed) == len({tuple(sorted((p, s[0]["id"]))) for p, s in suggestions.items() if s})


# ---- the map: communities, hubs, focus, filters, related works, orbits ----------------------
def clustered_graph(groups: int = 6) -> KnowledgeGraph:
    """Notes-like clusters (a post, its topics and papers), one venue linking every paper,
    a few links between neighbouring clusters, and in each cluster two twin papers."""
    nodes: dict[str, dict[str, Any]] = {"venue:v": {"type": "venue", "label": "Venue V"}}
    edges = []
    for g in range(groups):
        post = f"post:p{g}"
        nodes[post] = {"type": "post", "label": f"Post {g}", "date": f"{2015 + g}-03-01"}
        topics = [f"topic:g{g}t{k}" for k in range(3)]
        for k, t in enumerate(topics):
            nodes[t] = {"type": "topic", "label": f"Subject {g}-{k}"}
            edges.append((post, t, "mentions", {}))
            if k:
                edges.append((t, topics[0], "subtopic_of", {}))
        for k in range(8):
            p = f"paper:g{g}p{k}"
            nodes[p] = {"type": "paper", "label": f"Paper {g}-{k}", "year": 2015 + g}
            edges.append((post, p, "mentions", {}))
            edges.append((p, "venue:v", "published_at", {}))
            if k < 6:  # papers 6 and 7 are twins: same post, same venue, same topic
                edges.append((p, topics[k % 3], "part_of", {}))
                edges.append((p, f"paper:g{g}p{(k + 1) % 6}", "cites", {}))
            else:
                edges.append((p, topics[2], "part_of", {}))
        if g:
            edges.append((topics[1], f"topic:g{g - 1}t2", "related_to", {}))
    return KnowledgeGraph.from_records(nodes, edges)


@pytest.fixture(scope="module")
def map_page(tmp_path_factory) -> tuple[Path, KnowledgeGraph, dict, dict]:
    from kg.symmetry.orbits import orbit_of

    kg = clustered_graph()
    sugg = suggestions_for(kg)
    groups: dict[int, list[str]] = {}
    for n, o in orbit_of(kg).items():
        groups.setdefault(o, []).append(n)
    report = {
        "orbit_ids": [sorted(m) for m in groups.values() if len(m) > 1],
        "counts": {"nodes": len(kg)},
        "table": {"plain_gnn": {"accuracy": 0.5, "auc": 0.612}, "labeling_trick": {"auc": 0.934}},
    }
    path = write_html(
        kg, tmp_path_factory.mktemp("map") / "graph.html", suggestions=sugg,
        symmetry_report=report, title="Clusters",
    )
    return path, kg, sugg, report


def visible_ids(page: Any) -> set[str]:
    return set(page.evaluate("kg.visibleIds()"))


LABEL_BOXES = """() => {
    const out = [], r = window.devicePixelRatio || 1;
    for (const id of network.body.nodeIndices) {
        const n = network.body.nodes[id];
        if (n.options.hidden) continue;
        const s = n.labelModule.size, text = n.options.label || '';
        const a = network.canvasToDOM({x: s.left, y: s.top});
        const b = network.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
        out.push({id: String(id), text: text, x0: a.x, y0: a.y, x1: b.x, y1: b.y,
                  font: n.options.font.size * network.getScale()});
    }
    return out;
}"""


def assert_legible(page: Any, width: int, height: int) -> list[dict[str, Any]]:
    """Every drawn element labelled, in view, at least 10 px high, no two labels overlapping by
    more than half their height; returns the label boxes (page coordinates of the canvas)."""
    boxes = page.evaluate(LABEL_BOXES)
    assert boxes
    for b in boxes:
        assert b["text"].strip(), b
        assert b["font"] >= 10, b
        assert b["x0"] >= 0 and b["y0"] >= 0 and b["x1"] <= width and b["y1"] <= height, b
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            ox = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            oy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if ox > 0:
                line = min(a["y1"] - a["y0"], b["y1"] - b["y0"]) / max(
                    1, min(a["text"].count("\n"), b["text"].count("\n")) + 1
                )
                assert oy <= line / 2, (a, b)
    return boxes


def test_map_first_view_is_labelled_bubbles_with_hubs_aside(watched, map_page):
    path, kg, _, _ = map_page
    page = watched.open(path)
    bubbles = page.evaluate("kg.bubbleIds()")
    assert 2 <= len(bubbles) <= 60
    assert visible_ids(page) == set()  # no node yet: only community bubbles
    box = page.locator("#kg-network").bounding_box()
    labels = assert_legible(page, box["width"], box["height"])
    assert len(labels) == len(bubbles)
    # every cluster's papers share one community (the clusters are what the notes are about)
    comm = {n: page.evaluate("id => kg.communityOf(id)", n) for n in kg.graph}
    for g in range(6):
        assert len({comm[f"paper:g{g}p{k}"] for k in range(8)}) == 1
    assert comm["venue:v"] == -1  # the venue links every paper: a hub, set aside
    assert page.is_visible("#kg-hubs")
    page.click("#kg-hubs summary")
    assert "Venue V" in page.inner_text("#kg-hubs-list")
    page.check("#kg-hubs-show")
    assert "venue:v" in visible_ids(page)
    page.uncheck("#kg-hubs-show")
    assert "venue:v" not in visible_ids(page)
    watched.assert_clean()


def test_click_opens_a_community_second_click_a_node_and_it_closes(watched, map_page):
    path, kg, _, _ = map_page
    page = watched.open(path)
    c = page.evaluate("kg.communityOf('paper:g2p0')")
    members = {n for n in kg.graph if page.evaluate("id => kg.communityOf(id)", n) == c}
    watched.click_node(-1 - c)
    page.wait_for_function("c => kg.isOpen(c)", arg=c)
    assert visible_ids(page) == members
    assert -1 - c not in page.evaluate("kg.bubbleIds()")
    assert page.locator(f"#kg-open button[data-community='{c}']").is_visible()
    watched.click_node("paper:g2p0")
    page.wait_for_selector("#kg-panel .kg-id")
    assert page.inner_text("#kg-panel h2").endswith("Paper 2-0")
    page.click(f"#kg-open button[data-community='{c}']")
    assert visible_ids(page) == set() and -1 - c in page.evaluate("kg.bubbleIds()")
    watched.assert_clean()


def test_focus_shows_the_neighbourhood_up_to_the_chosen_depth(watched, map_page):
    import networkx as nx

    path, kg, _, _ = map_page
    page = watched.open(path)
    g = nx.Graph(kg.graph.to_undirected())
    g.remove_node("venue:v")  # hubs are not walked through while they are set aside
    page.evaluate("kg.focusNode('topic:g3t0')")
    for depth in (1, 2, 3):
        page.select_option("#kg-depth", str(depth))
        want = set(nx.single_source_shortest_path_length(g, "topic:g3t0", cutoff=depth))
        assert visible_ids(page) == want, depth
        assert page.evaluate("kg.bubbleIds()") == []
    page.select_option("#kg-depth", "0")
    assert "topic:g3t0" in visible_ids(page)
    assert len(visible_ids(page)) < len(g) and page.evaluate("kg.bubbleIds()")
    watched.assert_clean()


def test_year_slider_hides_papers_and_posts_outside_the_range(watched, map_page):
    path, kg, _, _ = map_page
    page = watched.open(path)
    page.evaluate("kg.showAll()")
    assert len(visible_ids(page)) == len(kg)
    page.evaluate(
        """() => { const r = document.getElementById('kg-year-lo'); r.value = '2017';
                   r.dispatchEvent(new Event('input')); }"""
    )
    assert page.inner_text("#kg-year-text") == "2017–2020"
    shown = visible_ids(page)
    for n, a in kg.graph.nodes(data=True):
        year = a.get("year") or (int(a["date"][:4]) if a.get("date") else None)
        assert (n in shown) == (year is None or year >= 2017), n
    hidden = "ids => ids.map(id => network.body.nodes[id].options.hidden === true)"
    assert all(page.evaluate(hidden, ["paper:g0p0", "post:p1"]))
    watched.assert_clean()


def test_related_works_mode_lists_and_highlights_the_suggestions(watched, map_page):
    path, kg, sugg, _ = map_page
    page = watched.open(path)
    nid = max(sugg, key=lambda n: (len(sugg[n]), n))
    page.evaluate("id => kg.focusNode(id)", nid)
    page.check("#kg-related")
    items = page.locator("#kg-related-list li")
    assert items.count() == len(sugg[nid])
    for li, s in zip(items.all_inner_texts(), sugg[nid], strict=True):
        assert f"{s['score']:.4f}" in li and s["label"] in li  # as `kg suggest` prints
        assert all(r in li for r in s["reasons"])
    assert visible_ids(page) == {nid, *(s["id"] for s in sugg[nid])}
    # the suggested nodes are ringed in the suggestion colour on the canvas
    target = sugg[nid][0]["id"]
    ring = page.evaluate(
        """id => { const n = network.body.nodes[id], p = network.canvasToDOM({x: n.x, y: n.y});
                   const s = network.getScale(), r = (n.options.size + 5 / s) * s;
                   const c = document.querySelector('#kg-network canvas').getContext('2d');
                   const k = window.devicePixelRatio || 1;
                   return Array.from(c.getImageData(Math.round((p.x + r) * k), Math.round(p.y * k), 1, 1).data); }""",
        target,
    )
    assert ring[0] > 150 and ring[2] < 100, ring  # orange (#d97706), not grey or white
    page.uncheck("#kg-related")
    assert page.locator("#kg-related-list").count() == 0
    watched.assert_clean()


def test_orbit_highlight_names_the_mates_and_says_why(watched, map_page):
    path, kg, _, report = map_page
    page = watched.open(path)
    orbit = next(o for o in report["orbit_ids"] if "paper:g1p6" in o)
    assert set(orbit) >= {"paper:g1p6", "paper:g1p7"}
    page.evaluate("kg.focusNode('paper:g1p6')")
    note = page.inner_text("#kg-orbit-note")
    assert "automorphism" in note and "cannot tell them apart" in note
    assert "0.934" in note and "0.612" in note
    for mate in orbit:
        if mate != "paper:g1p6":
            assert kg.graph.nodes[mate]["label"] in note
            assert mate in visible_ids(page)
    page.evaluate("kg.focusNode('topic:g1t0')")  # no orbit-mates: no note
    assert page.locator("#kg-orbit-note").count() == 0
    watched.assert_clean()


def test_search_reveals_nodes_inside_collapsed_communities(watched, map_page):
    path, _, _, _ = map_page
    page = watched.open(path)
    assert visible_ids(page) == set()
    page.fill("#kg-search", "Paper 4-3")
    page.keyboard.press("Enter")
    assert page.evaluate("network.getSelectedNodes()") == ["paper:g4p3"]
    assert "paper:g4p3" in visible_ids(page)
    assert page.evaluate("kg.isOpen(kg.communityOf('paper:g4p3'))")
    page.fill("#kg-search", "Venue V")  # a hub, set aside from the map, is found too
    page.keyboard.press("Enter")
    assert page.evaluate("network.getSelectedNodes()") == ["venue:v"]
    watched.assert_clean()


@pytest.mark.parametrize("which", ["corpus_dir", "english_blog"])
def test_first_view_of_a_corpus_is_at_most_60_legible_labels(browser, request, which, tmp_path):
    from kg.pipeline import build

    kg = build([request.getfixturevalue(which)])
    path = write_html(kg, tmp_path / "graph.html")
    w = Watched(browser)
    try:
        w.context.close()
        w.context = browser.new_context(viewport={"width": 1400, "height": 900})
        w.page = w.context.new_page()
        w.context.route("**/*", w._route)
        w.page.on("console", lambda m: m.type == "error" and w.errors.append(m.text))
        w.page.on("pageerror", lambda e: w.errors.append(f"pageerror: {e}"))
        page = w.open(path)
        box = page.locator("#kg-network").bounding_box()
        labels = assert_legible(page, box["width"], box["height"])
        assert 2 <= len(labels) <= 60
        assert page.evaluate("kg.visibleIds().length") == 0
        w.assert_clean()
    finally:
        w.context.close()
