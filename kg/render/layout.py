"""Node positions computed in Python for graphs too large for in-browser physics.

Above :data:`LAYOUT_THRESHOLD` nodes the page draws a fixed layout with physics off, so a
10,000-node graph appears in a few seconds instead of minutes. The layout is igraph's
grid-accelerated Fruchterman-Reingold (C code), seeded for reproducibility, scaled to page
pixels so that an average edge is about :data:`EDGE_PX` pixels long.

Example
-------
>>> import networkx as nx
>>> pos = layout_positions(nx.path_graph(["a", "b", "c"]), seed=1)
>>> sorted(pos), all(len(p) == 2 for p in pos.values())
(['a', 'b', 'c'], True)
>>> layout_positions(nx.path_graph(["a", "b"]), seed=1) == layout_positions(nx.path_graph(["a", "b"]), seed=1)
True
"""

from __future__ import annotations

import math
import random
from typing import Any

__all__ = ["LAYOUT_THRESHOLD", "EDGE_PX", "needs_layout", "layout_positions"]

#: Graphs with more nodes than this get a Python layout and no physics in the page.
LAYOUT_THRESHOLD = 1000

#: Target average edge length in page pixels.
EDGE_PX = 60.0


def needs_layout(n_nodes: int, threshold: int = LAYOUT_THRESHOLD) -> bool:
    """Whether a graph of ``n_nodes`` nodes gets a precomputed layout.

    >>> needs_layout(999), needs_layout(1001)
    (False, True)
    """
    return n_nodes > threshold


def layout_positions(
    graph: Any, *, seed: int = 0, iterations: int = 60
) -> dict[Any, tuple[float, float]]:
    """Positions ``{node: (x, y)}`` in page pixels for a networkx graph.

    Args:
        graph: any networkx graph (direction and parallel edges are ignored).
        seed: seed of the initial random positions (same seed, same layout).
        iterations: Fruchterman-Reingold iterations.
    """
    import igraph as ig

    nodes = list(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = {
        (a, b) if a < b else (b, a)
        for a, b in ((index[u], index[v]) for u, v in graph.edges())
        if a != b
    }
    g = ig.Graph(n=n, edges=sorted(pairs))
    rng = random.Random(seed)
    side = math.sqrt(n)
    seed_xy = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in range(n)]
    ig.set_random_number_generator(random.Random(seed))  # igraph's own draws, seeded too
    try:
        lay = g.layout_fruchterman_reingold(seed=seed_xy, niter=iterations, grid="grid")
    finally:
        ig.set_random_number_generator(random)
    coords = lay.coords
    # scale so that the mean edge length is EDGE_PX (or nodes sit EDGE_PX apart on average)
    total = sum(math.dist(coords[a], coords[b]) for a, b in pairs)
    mean = total / len(pairs) if pairs else 1.0
    scale = EDGE_PX / mean if mean > 0 else 1.0
    cx = sum(c[0] for c in coords) / n
    cy = sum(c[1] for c in coords) / n
    return {
        v: ((coords[i][0] - cx) * scale, (coords[i][1] - cy) * scale) for i, v in enumerate(nodes)
    }
