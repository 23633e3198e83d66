"""Node positions computed in Python for graphs too large for in-browser physics.

Above :data:`LAYOUT_THRESHOLD` nodes the page draws a fixed layout with physics off, so a
10,000-node graph appears in a few seconds instead of minutes. The layout is igraph's
grid-accelerated Fruchterman-Reingold (C code; about 0.1 s for 10,000 nodes), seeded for
reproducibility and scaled to page pixels so that an average edge is about
:data:`EDGE_PX` pixels long. networkx's ``spring_layout`` took minutes on the same graph.

Example
-------
>>> xy = layout_xy(3, [(0, 1), (1, 2)], seed=1)
>>> len(xy), xy == layout_xy(3, [(0, 1), (1, 2)], seed=1)
(6, True)
>>> round(abs(complex(xy[0] - xy[2], xy[1] - xy[3])) + abs(complex(xy[2] - xy[4], xy[3] - xy[5])))
120
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

__all__ = ["LAYOUT_THRESHOLD", "EDGE_PX", "needs_layout", "layout_xy"]

#: Graphs with more nodes than this get a Python layout and no physics in the page.
LAYOUT_THRESHOLD = 1000

#: Target average edge length in page pixels.
EDGE_PX = 60.0


def needs_layout(n_nodes: int, threshold: int = LAYOUT_THRESHOLD) -> bool:
    """Whether a graph of ``n_nodes`` nodes gets a precomputed layout.

    >>> needs_layout(1000), needs_layout(1001)
    (False, True)
    """
    return n_nodes > threshold


def layout_xy(
    n: int, edges: Iterable[tuple[int, int]], *, seed: int = 0, iterations: int = 60
) -> list[float]:
    """Positions ``[x0, y0, x1, y1, ...]`` in page pixels for nodes ``0..n-1``.

    Args:
        n: number of nodes.
        edges: ``(a, b)`` node index pairs (direction, loops and repeats are ignored).
        seed: seed of the initial positions and of igraph's random draws (same seed, same
            layout).
        iterations: Fruchterman-Reingold iterations.
    """
    if n == 0:
        return []
    import igraph as ig

    pairs = sorted({(a, b) if a < b else (b, a) for a, b in edges if a != b})
    g = ig.Graph(n=n, edges=pairs)
    rng = random.Random(seed)
    side = math.sqrt(n)
    start = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in range(n)]
    ig.set_random_number_generator(random.Random(seed))  # igraph's own draws, seeded too
    try:
        coords = g.layout_fruchterman_reingold(seed=start, niter=iterations, grid="grid").coords
    finally:
        ig.set_random_number_generator(random)
    # scale so that the mean edge length is EDGE_PX
    total = sum(math.dist(coords[a], coords[b]) for a, b in pairs)
    mean = total / len(pairs) if pairs else 1.0
    scale = EDGE_PX / mean if mean > 0 else 1.0
    cx = sum(c[0] for c in coords) / n
    cy = sum(c[1] for c in coords) / n
    out: list[float] = []
    for x, y in coords:
        out += ((x - cx) * scale, (y - cy) * scale)
    return out
