"""Screenshot of the real seed page (``docs/seed-graph.png``) taken in headless Chromium.

Builds ``seeds/`` exactly as ``kg build seeds/`` does (graph, link predictor, suggestions,
``graph.html``) into a temporary folder, opens the page with the network blocked, waits for
the layout to settle, clicks the paper with the most suggestions so that its details panel
and dashed suggested links show, and saves the picture.

Example::

    python benchmarks/screenshot.py                    # writes docs/seed-graph.png
    python benchmarks/screenshot.py --no-train --out /tmp/seed.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def shoot(html: Path, png: Path, *, width: int = 1280, height: int = 760) -> dict[str, Any]:
    """Open ``html``, select its best-suggested node and save a screenshot to ``png``."""
    from playwright.sync_api import sync_playwright

    from kg.render.headless import launch

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "seed-graph.png")
    ap.add_argument("--no-train", action="store_true", help="no link predictor (no suggestions)")
    args = ap.parse_args(argv)

    from kg.build import build_to

    with tempfile.TemporaryDirectory() as tmp:
        result = build_to([args.seeds], tmp, train=not args.no_train, seed=0)
        if result.train_error:
            print(f"training: {result.train_error}", file=sys.stderr)
        info = shoot(Path(result.files["html"]), args.out)
    print(f"wrote {args.out} (selected {info['selected']})")
    for p in info["problems"]:
        print(f"problem: {p}", file=sys.stderr)
    return 1 if info["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
