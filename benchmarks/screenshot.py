"""Screenshots of real pages for the README and docs, taken in headless Chromium.

Builds ``seeds/`` exactly as ``kg build seeds/`` does (graph, link predictor, suggestions,
``graph.html``) into a temporary folder, opens the page with the network blocked, waits for
the layout to settle, clicks the paper with the most suggestions so that its details panel
and dashed suggested links show, and saves ``docs/seed-graph.png``.

With ``--map`` (default on) it also makes the pictures of the map view, at 1400x900:

* ``docs/map-first-view.png``: the first view of a corpus graph (``--corpus``, by default
  ``../shared/corpus-extra/blog-bair-en``): its communities as labelled bubbles;
* ``docs/map-focus.png``: one community opened and a node's neighbourhood in focus;
* ``docs/map-related.png``: the related-works mode for the paper with the most suggestions;
* ``docs/map-orbit.png``: the seed graph after ``kg symmetry``: a node with orbit-mates
  selected, the mates ringed and the panel saying why a GNN cannot tell them apart.

PNGs are reduced to a 256-colour palette when Pillow is installed (a few hundred KB each).

Example::

    python benchmarks/screenshot.py                    # writes the pictures under docs/
    python benchmarks/screenshot.py --no-train --no-map --out /tmp/seed.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for benchmarks.headless


def shoot(html: Path, png: Path, *, width: int = 1280, height: int = 760) -> dict[str, Any]:
    """Open ``html``, select its best-suggested node and save a screenshot to ``png``."""
    from playwright.sync_api import sync_playwright

    from benchmarks.headless import launch

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)

        def route(r: Any) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                problems.append(f"request {r.request.url}")
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(html.resolve().as_uri())
        page.wait_for_selector("body[data-stable='1']", state="attached", timeout=60_000)
        best = page.evaluate(
            """() => {
                const s = kg.data.suggest, ids = kg.data.nodes.id, t = kg.data.nodes.type;
                let best = null, n = -1;
                for (const k of Object.keys(s)) {
                    if (kg.data.types[t[k]] === 'paper' && s[k].length > n) { best = ids[k]; n = s[k].length; }
                }
                return best || ids[0];
            }"""
        )
        page.evaluate("network.fit({animation: false})")
        xy = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", best)
        box = page.locator("#kg-network").bounding_box()
        page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
        page.wait_for_selector("#kg-panel:not([hidden])")
        page.mouse.move(box["x"] + 5, box["y"] + 5)  # no tooltip in the picture
        page.wait_for_timeout(600)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    return {"selected": best, "problems": problems}


MAP_SIZE = (1400, 900)


def optimise(png: Path) -> None:
    """Rewrite ``png`` with a 256-colour palette (no-op without Pillow)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=0)
    small.save(png, optimize=True)


class MapShots:
    """One headless browser, one page at a time, network blocked, problems recorded."""

    def __init__(self, pw: Any) -> None:
        from benchmarks.headless import launch

        self.browser = launch(pw)
        self.problems: list[str] = []
        self.page: Any = None

    def open(self, html: Path) -> Any:
        if self.page is not None:
            self.page.close()
        w, h = MAP_SIZE
        self.page = self.browser.new_page(viewport={"width": w, "height": h}, device_scale_factor=1)

        def route(r: Any) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.problems.append(f"request {r.request.url}")
                r.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.goto(html.resolve().as_uri())
        self.page.wait_for_selector("body[data-stable='1']", state="attached", timeout=60_000)
        return self.page

    def save(self, png: Path) -> None:
        self.page.mouse.move(2, MAP_SIZE[1] - 2)  # no tooltip in the picture
        self.page.wait_for_timeout(500)
        png.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(png))
        optimise(png)
        print(f"wrote {png}")

    def click(self, nid: Any) -> None:
        p = self.page
        xy = p.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", nid)
        box = p.locator("#kg-network").bounding_box()
        p.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
        p.wait_for_timeout(300)


def corpus_shots(shots: MapShots, html: Path, docs: Path) -> None:
    """First view, a focused neighbourhood and the related-works mode of a corpus page."""
    page = shots.open(html)
    shots.save(docs / "map-first-view.png")
    # the largest community (not the one of separate pieces), opened with a click; then its
    # most central topic selected and its neighbourhood in focus
    big = page.evaluate(
        "() => { const b = kg.data.map.bubbles; let k = -1;"
        " b.forEach((x, i) => { if (!x.separate &&"
        " (k < 0 || x.n > b[k].n)) k = i; }); return Math.max(k, 0); }"
    )
    shots.click(-1 - big)
    top = page.evaluate(
        "c => { const d = kg.data, b = d.map.bubbles[c].top;"
        " const t = b.find(j => d.types[d.nodes.type[j]] === 'topic'); "
        " return d.nodes.id[t === undefined ? b[0] : t]; }",
        big,
    )
    page.evaluate("id => kg.focusNode(id)", top)
    page.select_option("#kg-depth", "1")
    page.wait_for_timeout(300)
    shots.save(docs / "map-focus.png")
    # related works of the paper with the most suggestions that lie in the graph
    page.evaluate("kg.showMap()")
    best = page.evaluate(
        """() => { const d = kg.data; let best = null, n = -1;
            for (const k of Object.keys(d.suggest)) {
                const inside = d.suggest[k].filter(r => r[0] >= 0).length;
                if (d.types[d.nodes.type[k]] === 'paper' && inside > n) { best = d.nodes.id[k]; n = inside; }
            }
            return best; }"""
    )
    if best is None:
        print("no suggestions in the corpus page: no related-works picture", file=sys.stderr)
        return
    page.check("#kg-related")
    page.evaluate("id => kg.focusNode(id)", best)
    page.wait_for_timeout(300)
    shots.save(docs / "map-related.png")


def orbit_shot(shots: MapShots, html: Path, docs: Path) -> None:
    """A node with the most orbit-mates selected on a page that read ``symmetry.json``."""
    page = shots.open(html)
    nid = page.evaluate(
        """() => { const o = kg.data.orbit, d = kg.data; if (!o) return null;
            const size = {}; o.forEach(c => { if (c >= 0) size[c] = (size[c] || 0) + 1; });
            let best = -1;
            o.forEach((c, j) => { if (c >= 0 && (best < 0 || size[c] > size[o[best]] ||
                (size[c] === size[o[best]] && d.nodes.deg[j] > d.nodes.deg[best]))) best = j; });
            return best < 0 ? null : d.nodes.id[best]; }"""
    )
    if nid is None:
        print("no orbit with two or more nodes: no orbit picture", file=sys.stderr)
        return
    page.evaluate("network.fit({animation: false})")
    page.wait_for_timeout(300)
    shots.click(nid)
    shots.save(docs / "map-orbit.png")


def map_pictures(seeds: Path, corpus: Path, docs: Path, *, train: bool = True) -> list[str]:
    """Make the four map pictures; returns the problems seen (requests, console errors)."""
    from playwright.sync_api import sync_playwright

    from kg.pipeline import build_to
    from kg.render import write_html
    from kg.symmetry import analyze_symmetry
    from kg.symmetry.output import write_report

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        shots = MapShots(pw)
        out = Path(tmp) / "corpus"
        result = build_to([corpus], out, train=train, seed=0)
        if result.train_error:
            print(f"training: {result.train_error}", file=sys.stderr)
        corpus_shots(shots, Path(result.files["html"]), docs)
        # the seed graph after `kg symmetry`: the rebuilt page reads symmetry.json
        out = Path(tmp) / "seeds"
        result = build_to([seeds], out, train=False, seed=0)
        report = analyze_symmetry(result.kg, seed=0, labeling={"epochs": 20})
        write_report(report, out)
        page = write_html(
            result.kg, out / "orbits.html", symmetry_report=report.to_dict(),
            title=f"Knowledge graph: {seeds.name}",
        )
        orbit_shot(shots, page, docs)
        shots.browser.close()
    return shots.problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "seed-graph.png")
    ap.add_argument("--no-train", action="store_true", help="no link predictor (no suggestions)")
    ap.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpus-extra" / "blog-bair-en",
        help="notes for the map pictures",
    )
    ap.add_argument("--docs", type=Path, default=ROOT / "docs", help="folder of the map pictures")
    ap.add_argument("--no-map", action="store_true", help="only the seed picture")
    args = ap.parse_args(argv)

    from kg.pipeline import build_to

    with tempfile.TemporaryDirectory() as tmp:
        result = build_to([args.seeds], Path(tmp) / "out", train=not args.no_train, seed=0)
        if result.train_error:
            print(f"training: {result.train_error}", file=sys.stderr)
        info = shoot(Path(result.files["html"]), args.out)
    print(f"wrote {args.out} (selected {info['selected']})")
    problems = list(info["problems"])
    if not args.no_map:
        problems += map_pictures(args.seeds, args.corpus, args.docs, train=not args.no_train)
    for p in problems:
        print(f"problem: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
