"""How fast the HTML page is written and opened, and how big it is, at 10,000 nodes (or more).

The graph is the public corpus in ``../shared/corpus`` built with :func:`kg.pipeline.build`
and then repeated under different names (every node id and label gets a copy suffix) until
it has at least ``--nodes`` nodes; without the corpus a synthetic graph with the same schema
and a similar degree distribution is used (``--synthetic`` forces it).

It reports:

* ``render_s``: wall time of :func:`kg.render.render_html` (layout included; best of
  ``--repeat``), and ``render_cpu_s`` (process CPU time, less disturbed by other load);
* ``bytes`` and ``bytes_per_node`` of the page (assets included);
* in headless Chromium (network blocked), medians of ``--loads`` page loads:
  ``first_draw_ms``, milliseconds from navigation start to vis-network's first complete
  draw (its first ``afterDrawing`` event); ``goto_to_draw_ms``, the same seen from the
  driving script; ``renderer_cpu_s``, CPU seconds the renderer processes used for it (with
  psutil; steadier than wall time on a shared machine); ``click_to_panel_ms``, from a click on a node to its details panel being
  shown; ``console_errors`` and ``external_requests`` over all loads (both should be 0);
  on a map page (the default above 60 nodes) also ``bubbles`` (elements in the first view)
  and ``click_to_open_ms``, from a click on the largest community bubble to its nodes drawn;
* ``load_avg``: the 1-minute load average when the run ended (the figures are wall times on
  a machine that may be shared; a load above the core count inflates them).

``--view full`` measures the page that draws every node at once (as before the map view).

Example::

    python benchmarks/render_speed.py            # text
    python benchmarks/render_speed.py --json     # one JSON object
    python benchmarks/render_speed.py --nodes 100000 --synthetic --repeat 1 --loads 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for benchmarks.headless
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_graph(nodes: int, out: Path | None = None) -> tuple[Any, str, Any]:
    """The corpus graph repeated under new names up to exactly ``nodes`` nodes.

    With ``out`` (a ``kg build`` output folder of the corpus, link predictor included) the
    graph is read from there and the predictor's suggestions for every node (top 5) are
    repeated with it. Returns ``(graph, source, suggestions or None)``.
    """
    from kg.graph.knowledge_graph import KnowledgeGraph
    from kg.pipeline import build

    base_sugg = None
    if out is not None:
        from kg.suggest.suggester import Suggester

        base = KnowledgeGraph.load(out)
        base_sugg = Suggester.load(out).suggestions_for_all(k=5)
    else:
        base = build([CORPUS])
    base_nodes = list(base.iter_nodes())
    base_edges = list(base.iter_edges())
    copies = max(1, -(-nodes // len(base_nodes)))
    out_nodes: dict[str, dict[str, Any]] = {}
    out_edges = []
    sugg: dict[str, list[dict[str, Any]]] | None = None if base_sugg is None else {}
    for c in range(copies):
        tag = "" if c == 0 else f"-copy{c}"
        for n, attrs in base_nodes:
            if len(out_nodes) >= nodes:  # the last copy is partial: exactly `nodes` nodes
                break
            a = dict(attrs)
            if c:
                a["label"] = f"{attrs.get('label', n)} (copy {c})"
            out_nodes[n + tag] = a
        for u, v, k, attrs in base_edges:
            if u + tag in out_nodes and v + tag in out_nodes:
                out_edges.append((u + tag, v + tag, k, dict(attrs)))
        if sugg is not None:
            for n, rows in base_sugg.items():
                if n + tag in out_nodes:
                    sugg[n + tag] = [{**r, "id": r["id"] + tag} for r in rows]
    source = f"corpus repeated {copies}x under new names" + (" with suggestions" if sugg else "")
    return KnowledgeGraph.from_records(out_nodes, out_edges), source, sugg


def synthetic_graph(nodes: int, seed: int = 0) -> tuple[Any, str, None]:
    """A schema-following graph: posts mention entities, papers sit under topics and venues."""
    from kg.graph.knowledge_graph import KnowledgeGraph

    rng = random.Random(seed)
    counts = {"post": 0.06, "topic": 0.25, "method": 0.07, "paper": 0.6, "venue": 0.02}
    ids: dict[str, list[str]] = {}
    recs: dict[str, dict[str, Any]] = {}
    for t, share in counts.items():
        ids[t] = []
        for i in range(max(1, int(nodes * share))):
            nid = f"{t}:{t}-{i}"
            ids[t].append(nid)
            a: dict[str, Any] = {
                "type": t,
                "label": f"{t.title()} {i} 名称",
                "aliases": [],
                "sources": [
                    {
                        "path": f"_posts/2020-01-{i % 28 + 1:02d}-note-{i % 300}.md",
                        "line": i % 200 + 1,
                    }
                ],
                "notes": [],
            }
            if t == "paper":
                a.update(
                    venue="NeurIPS", year=2015 + i % 8, url=f"https://arxiv.org/abs/2001.{i:05d}"
                )
            recs[nid] = a
    edges = []
    for p in ids["paper"]:
        edges.append((p, rng.choice(ids["topic"]), "part_of", {"relation": "part_of"}))
        edges.append((p, rng.choice(ids["venue"]), "published_at", {"relation": "published_at"}))
    for t in ids["topic"][1:]:
        edges.append((t, rng.choice(ids["topic"]), "subtopic_of", {"relation": "subtopic_of"}))
    for post in ids["post"]:
        for e in rng.sample(ids["paper"] + ids["method"] + ids["topic"], 15):
            edges.append((post, e, "mentions", {"relation": "mentions"}))
    return KnowledgeGraph.from_records(recs, edges), "synthetic", None


def _renderer_cpu() -> float:
    """CPU seconds used so far by this script's Chromium renderer processes (0 without psutil).

    CPU time is much less inflated than wall time when other jobs share the machine.
    """
    try:
        import psutil
    except ImportError:
        return 0.0
    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        try:
            if "--type=renderer" in proc.cmdline():
                t = proc.cpu_times()
                total += t.user + t.system
        except psutil.Error:
            pass
    return total


def browser_figures(path: Path, probe_id: str, loads: int = 3) -> dict[str, Any]:
    """Open the page ``loads`` times in headless Chromium (network blocked); medians."""
    from playwright.sync_api import sync_playwright

    from benchmarks.headless import launch

    errors: list[str] = []
    external: list[str] = []
    draws, walls, clicks, cpus, opens, bubbles = [], [], [], [], [], []
    with sync_playwright() as pw:
        browser = launch(pw)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1280, "height": 800})

            def route(r: Any) -> None:
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto("about:blank")
            c0 = _renderer_cpu()
            t0 = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append(_renderer_cpu() - c0)
            draws.append(page.evaluate("window.kgFirstDrawMs"))
            # zoom to a node, then a real click on it, timed in the page until the panel shows
            page.wait_for_selector("body[data-stable='1']", state="attached", timeout=60_000)
            if page.evaluate("kg.data.map !== null"):
                bubbles.append(len(page.evaluate("kg.bubbleIds()")))
                big = page.evaluate(
                    "() => { const b = kg.data.map.bubbles; let k = 0;"
                    " b.forEach((x, i) => { if (x.n > b[k].n) k = i; }); return k; }"
                )
                page.evaluate(
                    "c => { const t0 = performance.now(); network.once('afterDrawing',"
                    " () => { window.__open = performance.now() - t0; }); kg.openCommunity(c); }",
                    big,
                )
                page.wait_for_function("() => window.__open !== undefined", timeout=60_000)
                opens.append(page.evaluate("window.__open"))
                page.evaluate(
                    "id => { const c = kg.communityOf(id);"
                    " if (c >= 0) kg.openCommunity(c); else kg.setHubs(true); kg.clearSelection(); }",
                    probe_id,
                )
            page.evaluate(
                "id => network.moveTo({position: network.getPositions([id])[id], scale: 1.0})",
                probe_id,
            )
            page.wait_for_timeout(300)
            box = page.locator("#kg-network").bounding_box()
            page.evaluate(
                "() => { window.__t = performance.now(); new MutationObserver((m, o) => {"
                " if (!document.getElementById('kg-panel').hidden) {"
                " window.__panel = performance.now() - window.__t; o.disconnect(); } })"
                ".observe(document.getElementById('kg-panel'), {attributes: true}); }"
            )
            xy = page.evaluate(
                "id => network.canvasToDOM(network.getPositions([id])[id])", probe_id
            )
            page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
            page.wait_for_function("() => window.__panel !== undefined", timeout=30_000)
            clicks.append(page.evaluate("window.__panel"))
            page.close()
        browser.close()
    extra: dict[str, Any] = {}
    if opens:
        extra = {"bubbles": max(bubbles), "click_to_open_ms": round(statistics.median(opens))}
    return {
        **extra,
        "first_draw_ms": round(statistics.median(draws)),
        "first_draw_ms_all": [round(d) for d in draws],
        "goto_to_draw_ms": round(statistics.median(walls)),
        "renderer_cpu_s": round(statistics.median(cpus), 2),
        "click_to_panel_ms": round(statistics.median(clicks)),
        "console_errors": len(errors),
        "external_requests": len(external),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=10_000, help="at least this many nodes")
    ap.add_argument("--synthetic", action="store_true", help="use a synthetic graph")
    ap.add_argument(
        "--suggestions",
        type=Path,
        metavar="OUT",
        help="a `kg build ../shared/corpus --out OUT` folder: use its graph and its predictor's"
        " suggestions (top 5 a node)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="render this many times, keep the best")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")
    ap.add_argument("--loads", type=int, default=3, help="page loads in Chromium (medians)")
    ap.add_argument("--keep", type=Path, help="also copy the page here")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument(
        "--view", choices=["auto", "map", "full"], default="auto", help="the page's first view"
    )
    args = ap.parse_args(argv)

    from kg.render import render_html
    from kg.render.assets import load_assets

    if args.synthetic or (not CORPUS.exists() and args.suggestions is None):
        kg, source, sugg = synthetic_graph(args.nodes)
    else:
        kg, source, sugg = corpus_graph(args.nodes, args.suggestions)
    load_assets()  # read once per process, as in `kg build`
    best_wall, best_cpu, html = float("inf"), float("inf"), ""
    for _ in range(args.repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        html = render_html(
            kg, suggestions=sugg, title=f"render benchmark ({source})", view=args.view
        )
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    size = len(html.encode("utf-8"))
    n = len(kg)
    result: dict[str, Any] = {
        "source": source,
        "nodes": n,
        "edges": kg.number_of_edges(),
        "nodes_with_suggestions": len(sugg or {}),
        "render_s": round(best_wall, 3),
        "render_cpu_s": round(best_cpu, 3),
        "bytes": size,
        "bytes_per_node": round(size / n, 1),
    }
    if not args.no_browser:
        with tempfile.TemporaryDirectory() as tmp:
            page = Path(tmp) / "graph.html"
            page.write_text(html, encoding="utf-8")
            if args.keep:
                args.keep.write_text(html, encoding="utf-8")
            probe = max(kg.iter_nodes(), key=lambda r: r[0])[0]
            result.update(browser_figures(page, probe, args.loads))
    result["load_avg"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>18}: {v}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
