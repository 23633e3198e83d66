"""Node positions computed in Python for graphs too large for in-browser physics.

Above :data:`LAYOUT_THRESHOLD` nodes the page draws a fixed layout with physics off, so a
10,000-node graph appears in a few seconds instead of minutes (networkx's ``spring_layout``
alone took minutes on such a graph). Each connected component is laid out on its own with
igraph's Fruchterman-Reingold (C code; grid-accelerated above :data:`GRID_ABOVE` nodes; tiny
components get fixed shapes), scaled so that a typical node's nearest neighbour sits
:data:`SPACING_PX` pixels away, and the components are packed in rows, largest first, so
they never overlap. Everything is seeded: the same graph and seed give the same layout.

Example
-------
>>> xy = layout_xy(4, [(0, 1), (1, 2), (2, 0)], seed=1)   # a triangle and a lone node
>>> len(xy), xy == layout_xy(4, [(0, 1), (1, 2), (2, 0)], seed=1)
(8, True)
>>> import math
>>> round(min(math.dist(xy[2 * a : 2 * a + 2], xy[2 * b : 2 * b + 2])
...           for a in range(4) for b in range(a + 1, 4)))
32
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

__all__ = ["LAYOUT_THRESHOLD", "SPACING_PX", "GRID_ABOVE", "needs_layout", "layout_xy"]

#: Graphs with more nodes than this get a Python layout and no physics in the page.
LAYOUT_THRESHOLD = 500

#: Median distance, in page pixels, from a node to its nearest neighbour.
SPACING_PX = 32.0

#: Components larger than this use the grid variant of Fruchterman-Reingold (O(n) a step).
GRID_ABOVE = 1000

_GAP = 3.0  # space between packed components, in spacing units


def needs_layout(n_nodes: int, threshold: int = LAYOUT_THRESHOLD) -> bool:
    """Whether a graph of ``n_nodes`` nodes gets a precomputed layout.

    >>> needs_layout(500), needs_layout(501)
    (False, True)
    """
    return n_nodes > threshold


def _median_nn(pts: list[tuple[float, float]], sample: int = 400) -> float:
    """Median nearest-neighbour distance, over an evenly spaced sample of ``sample`` points.

    Grid hashing in pure Python: O(n) to index, about O(1) per sampled point.
    """
    k = len(pts)
    if k < 2:
        return 1.0
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    area = max(max(xs) - min(xs), 1e-9) * max(max(ys) - min(ys), 1e-9)
    cell = math.sqrt(area / k) or 1.0
    grid: dict[tuple[int, int], list[int]] = {}
    keys = [(int(x // cell), int(y // cell)) for x, y in pts]
    for i, key in enumerate(keys):
        grid.setdefault(key, []).append(i)
    dists = []
    for i in range(0, k, max(1, k // sample)):
        gx, gy = keys[i]
        x, y = pts[i]
        best = math.inf
        r = 1
        while True:
            if (2 * r + 1) ** 2 > 4 * len(grid):  # a ring wider than the occupied cells
                best = min(
                    (p[0] - x) ** 2 + (p[1] - y) ** 2 for j, p in enumerate(pts) if j != i
                )
                break
            for cx in range(gx - r, gx + r + 1):
                for cy in range(gy - r, gy + r + 1):
                    for j in grid.get((cx, cy), ()):
                        if j != i:
                            d = (pts[j][0] - x) ** 2 + (pts[j][1] - y) ** 2
                            if d < best:
                                best = d
            if best < math.inf and math.sqrt(best) <= r * cell:
                break
            r *= 2
        dists.append(math.sqrt(best))
    dists.sort()
    return dists[len(dists) // 2] or 1.0


def _small(k: int) -> list[tuple[float, float]]:
    """Fixed shapes for components of 1 to 3 nodes (unit spacing)."""
    if k == 1:
        return [(0.0, 0.0)]
    if k == 2:
        return [(-0.5, 0.0), (0.5, 0.0)]
    return [(-0.5, 0.29), (0.5, 0.29), (0.0, -0.58)]


def _component(
    g, members: list[int], rng: random.Random, iterations: int
) -> list[tuple[float, float]]:  # noqa: ANN001
    """Positions of one component, scaled to unit nearest-neighbour spacing."""
    k = len(members)
    if k <= 3:
        return _small(k)
    sub = g.induced_subgraph(members)  # keeps the members' (ascending) order
    side = math.sqrt(k)
    start = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in range(k)]
    grid = "grid" if k > GRID_ABOVE else "nogrid"
    niter = iterations if k > GRID_ABOVE else max(iterations, 300)
    coords = sub.layout_fruchterman_reingold(seed=start, niter=niter, grid=grid).coords
    unit = _median_nn(coords)
    return [(x / unit, y / unit) for x, y in coords]


def layout_xy(
    n: int, edges: Iterable[tuple[int, int]], *, seed: int = 0, iterations: int = 60
) -> list[float]:
    """Positions ``[x0, y0, x1, y1, ...]`` in page pixels for nodes ``0..n-1``.

    Args:
        n: number of nodes.
        edges: ``(a, b)`` node index pairs (direction, loops and repeats are ignored).
        seed: seed of the initial positions and of igraph's random draws.
        iterations: Fruchterman-Reingold iterations for components above
            :data:`GRID_ABOVE` nodes (smaller ones get at least 300).
    """
    if n == 0:
        return []
    import igraph as ig

    pairs = sorted({(a, b) if a < b else (b, a) for a, b in edges if a != b})
    g = ig.Graph(n=n, edges=pairs)
    comps: dict[int, list[int]] = {}
    for v, c in enumerate(g.connected_components().membership):
        comps.setdefault(c, []).append(v)
    pieces = sorted(comps.values(), key=lambda m: (-len(m), m[0]))
    rng = random.Random(seed)
    ig.set_random_number_generator(random.Random(seed))  # igraph's own draws, seeded too
    try:
        shapes = [_component(g, m, rng, iterations) for m in pieces]
    finally:
        ig.set_random_number_generator(random)

    # shelf packing: rows of components, largest first, each centred in its box
    boxes = []
    for pts in shapes:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        boxes.append((min(xs), min(ys), max(xs) - min(xs) + _GAP, max(ys) - min(ys) + _GAP))
    total = sum(w * h for _, _, w, h in boxes)
    row_width = max(max(b[2] for b in boxes), 1.2 * math.sqrt(total))
    out = [0.0] * (2 * n)
    x = y = row_h = 0.0
    for members, pts, (x0, y0, w, h) in zip(pieces, shapes, boxes, strict=True):
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        dx, dy = x - x0 + _GAP / 2, y - y0 + _GAP / 2
        for v, (px, py) in zip(members, pts, strict=True):
            out[2 * v] = (px + dx) * SPACING_PX
            out[2 * v + 1] = (py + dy) * SPACING_PX
        x += w
        row_h = max(row_h, h)
    cx = sum(out[0::2]) / n
    cy = sum(out[1::2]) / n
    for i in range(n):
        out[2 * i] -= cx
        out[2 * i + 1] -= cy
    return out
