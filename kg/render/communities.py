"""The first view of a large page: communities as labelled bubbles, hubs set aside.

A graph of more than :data:`MAP_ABOVE` nodes opens as a map: its communities (Leiden,
modularity, from igraph) each drawn as one bubble, named by its most central topics and sized
by its papers, with related communities (many links between them) placed close together.

Hubs, nodes that link everything (every ``venue``, and any node of high degree whose links
spread over many communities, such as a housekeeping tag or a "What's next" heading shared by
every post), are left out of the community detection and of the layout; the page lists them
and can show them again.

At most :data:`MAX_BUBBLES` bubbles are drawn: the largest communities keep a bubble of their
own; a smaller one joins the kept community it has the most links to, and what is linked to
none of them (separate small pieces) shares one last bubble.

Every node also gets a position: its community's members are laid out around the bubble (by
:func:`kg.render.layout.layout_xy`), so opening a community shows its nodes where it was.

Example
-------
>>> edges = [(a, b) for a in range(4) for b in range(a + 1, 4)]            # clique 0-3
>>> edges += [(a, b) for a in range(4, 8) for b in range(a + 1, 8)]        # clique 4-7
>>> edges += [(3, 4), (8, 0), (8, 5), (8, 2), (8, 6)]                      # 8 links both
>>> types = ["topic"] * 8 + ["venue"]
>>> m = community_map(9, edges, types, [f"T{i}" for i in range(9)])
>>> m["comm"]
[0, 0, 0, 0, 1, 1, 1, 1, -1]
>>> m["hubs"], [b["n"] for b in m["bubbles"]], m["links"]
([8], [4, 4], [0, 1, 1])
>>> m["bubbles"][0]["label"]
['T0', 'T1', '4 nodes']
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence

from kg.render.layout import layout_xy

__all__ = [
    "MAP_ABOVE",
    "MAX_BUBBLES",
    "HUB_TYPES",
    "NOT_HUB_TYPES",
    "HUB_MIN_DEGREE",
    "HUB_SPREAD",
    "NAME_TYPES",
    "community_map",
    "label_width",
]

#: Graphs with more nodes than this open as a map of communities.
MAP_ABOVE = 60

#: At most this many community bubbles in the first view.
MAX_BUBBLES = 24

#: Node types that are always hubs (a venue links papers of every subject).
HUB_TYPES = ("venue",)

#: Node types that are never hubs: posts are the notes themselves, the map is of them.
NOT_HUB_TYPES = ("post",)

#: A node is a hub when its degree is at least this, at least :data:`HUB_DEGREE_FACTOR`
#: times the mean degree, and its links spread over communities (see :data:`HUB_SPREAD`).
HUB_MIN_DEGREE = 12
HUB_DEGREE_FACTOR = 6.0
#: Participation coefficient ``1 - sum((k_c / k)^2)`` over the communities of a node's
#: neighbours, at or above which a high-degree node counts as a hub.
HUB_SPREAD = 0.6
_STEPS, _MIN_STEPS, _STEP_NODES = 60, 12, 5000  # layout steps: full up to 5,000 members
_LEIDEN_ROUNDS = 3  # Leiden iterations (each refines the last; -1 would run to a fixed point)
_HUB_GROUP = 3  # communities smaller than this (once hubs are out) do not count for the spread

#: Types preferred when naming a community (its topics); other types name it when it has none.
NAME_TYPES = ("topic", "method")

_NAMES = 2            # names per bubble label, one a line
_NAME_PX = 150        # widest name on a bubble, in pixels at the label font size
_FONT_PX = 14         # bubble label font size (the page uses the same)
_LINE_PX = 17         # height of one label line
_MAX_RADIUS = 28      # largest bubble radius
_PAD = 10             # free space around each bubble's box, in page pixels
_WIDE = 1.6           # overlaps are rather resolved sideways: screens are wider than tall


def label_width(text: str, font_px: float = _FONT_PX) -> float:
    """Estimated width in pixels of ``text`` drawn in a sans-serif font of ``font_px``.

    Wide (CJK) characters count one em, others about 0.56 em.

    >>> label_width("abcd", 10), label_width("图神经", 10)
    (22.4, 30.0)
    """
    em = 0.0
    for ch in text:
        em += 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56
    return round(em * font_px, 2)


def _clip(text: str, limit: float = _NAME_PX) -> str:
    """``text`` on one line, shortened with an ellipsis to at most ``limit`` pixels wide."""
    text = " ".join(text.split())
    if label_width(text) <= limit:
        return text
    while text and label_width(text + "…") > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def _leiden(n: int, pairs: list[tuple[int, int]], seed: int) -> list[int]:
    import igraph as ig

    g = ig.Graph(n=n, edges=pairs)
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = g.community_leiden(objective_function="modularity", n_iterations=_LEIDEN_ROUNDS)
    finally:
        ig.set_random_number_generator(random)
    return list(parts.membership)


def _find_hubs(
    n: int, adj: list[list[int]], types: Sequence[str], seed: int
) -> tuple[set[int], list[int] | None]:
    """The hubs, and the communities found without them when that took a Leiden run.

    Candidates that turn out not to be hubs join the community most of their neighbours are
    in, so the communities need no second run.
    """
    hubs = {i for i in range(n) if types[i] in HUB_TYPES}
    deg = [len(a) for a in adj]
    mean = sum(deg) / max(1, sum(1 for d in deg if d))
    cut = max(HUB_MIN_DEGREE, HUB_DEGREE_FACTOR * mean)
    big = [i for i in range(n) if deg[i] >= cut and i not in hubs and types[i] not in NOT_HUB_TYPES]
    if not big:
        return hubs, None
    # communities without any candidate: a hub's own pull must not shape them
    out = hubs | set(big)
    pairs = [(a, b) for a in range(n) if a not in out for b in adj[a] if a < b and b not in out]
    member = _leiden(n, pairs, seed)
    size: dict[int, int] = {}
    for i, c in enumerate(member):
        if i not in out:
            size[c] = size.get(c, 0) + 1
    for i in big:
        counts: dict[int, int] = {}
        for j in adj[i]:  # neighbours left alone by the removal (its leaves) do not count
            if j not in out and size[member[j]] >= _HUB_GROUP:
                counts[member[j]] = counts.get(member[j], 0) + 1
        k = sum(counts.values())
        if k and 1.0 - sum((c / k) ** 2 for c in counts.values()) >= HUB_SPREAD:
            hubs.add(i)
    for i in big:
        if i in hubs:
            continue
        counts = {}
        for j in adj[i]:
            if j not in out:
                counts[member[j]] = counts.get(member[j], 0) + 1
        # most neighbours' community; alone (its own leftover label) when it has none
        member[i] = min(counts, key=lambda c: (-counts[c], c)) if counts else member[i]
    return hubs, member


def _merge_small(
    member: list[int], pairs: list[tuple[int, int]], keep: int
) -> tuple[list[int], int]:
    """Communities renumbered by size, at most ``keep`` of them, the last for the unlinked.

    Returns the new membership (``-1`` stays ``-1``) and how many communities linked to no
    kept one were pooled into the last (0: none).
    """
    sizes: dict[int, int] = {}
    for c in member:
        if c >= 0:
            sizes[c] = sizes.get(c, 0) + 1
    order = sorted(sizes, key=lambda c: (-sizes[c], c))
    rank = {c: r for r, c in enumerate(order)}
    member = [rank[c] if c >= 0 else -1 for c in member]
    if len(order) <= keep:
        return member, 0
    kept = keep - 1
    for _ in range(20):  # small communities join their most linked kept one, repeatedly
        links: dict[int, dict[int, int]] = {}
        for a, b in pairs:
            ca, cb = member[a], member[b]
            if ca < 0 or cb < 0 or ca == cb:
                continue
            if ca >= kept and cb < kept:
                links.setdefault(ca, {}).setdefault(cb, 0)
                links[ca][cb] += 1
            elif cb >= kept and ca < kept:
                links.setdefault(cb, {}).setdefault(ca, 0)
                links[cb][ca] += 1
        if not links:
            break
        target = {c: min(d, key=lambda t: (-d[t], t)) for c, d in links.items()}
        member = [target.get(c, c) for c in member]
    pooled = set()
    for i, c in enumerate(member):
        if c >= kept:
            member[i] = kept
            pooled.add(c)
    return member, len(pooled)


def _separate(
    xy: list[list[float]], boxes: list[tuple[float, float]], rounds: int = 300
) -> None:
    """Move boxes (centred at ``xy``, sized ``boxes``) apart until none overlap, in place.

    Each round pushes overlapping pairs apart along the axis of least overlap and pulls
    everything a little towards the centre, so the map stays compact.
    """
    k = len(xy)
    for r in range(rounds):
        moved = _push_apart(xy, boxes)
        if not moved:
            if r > rounds // 2:
                return
            pull = 0.04
        else:
            pull = 0.01
        if r >= rounds - 20:  # the last rounds only separate
            continue
        cx = sum(p[0] for p in xy) / k
        cy = sum(p[1] for p in xy) / k
        for p in xy:
            p[0] -= (p[0] - cx) * pull
            p[1] -= (p[1] - cy) * pull * 1.8  # wider than tall, like a screen
    # anything left overlapping: a final pass with no pull
    for _ in range(200):
        if not _push_apart(xy, boxes):
            return


def _push_apart(xy: list[list[float]], boxes: list[tuple[float, float]]) -> bool:
    """One pass over every pair: push each overlapping pair apart along the axis of least
    overlap (sideways by preference, :data:`_WIDE`), in place; ``True`` when any moved."""
    moved = False
    for a in range(len(xy)):
        for b in range(a + 1, len(xy)):
            dx = xy[b][0] - xy[a][0]
            dy = xy[b][1] - xy[a][1]
            ox = (boxes[a][0] + boxes[b][0]) / 2 - abs(dx)
            oy = (boxes[a][1] + boxes[b][1]) / 2 - abs(dy)
            if ox <= 0 or oy <= 0:
                continue
            moved = True
            if ox / (boxes[a][0] + boxes[b][0]) < _WIDE * oy / (boxes[a][1] + boxes[b][1]):
                s = ox / 2 + 0.5 if dx >= 0 else -(ox / 2 + 0.5)
                xy[a][0] -= s
                xy[b][0] += s
            else:
                s = oy / 2 + 0.5 if dy >= 0 else -(oy / 2 + 0.5)
                xy[a][1] -= s
                xy[b][1] += s
    return moved


def community_map(
    n: int,
    edges: Sequence[tuple[int, int]],
    types: Sequence[str],
    labels: Sequence[str],
    *,
    seed: int = 0,
    max_bubbles: int = MAX_BUBBLES,
) -> dict:
    """Communities, hubs, bubbles and node positions for the map view of a page.

    Args:
        n: number of nodes (indices ``0..n-1``).
        edges: ``(a, b)`` index pairs (direction, loops and repeats are ignored).
        types: node type names, by index.
        labels: node labels, by index.
        seed: seed of Leiden and of the layouts.
        max_bubbles: most bubbles drawn.

    Returns:
        ``{"comm": community of each node (-1: hub), "hubs": hub indices by degree,
        "bubbles": [{"label": lines, "n": members, "papers", "x", "y", "size",
        "top": central member indices, "separate": whether it holds the separate pieces}], "links": [c1, c2, links, ...] between communities,
        "xy": [x0, y0, ...] positions of all nodes}``.
    """
    adj: list[list[int]] = [[] for _ in range(n)]
    seen: set[tuple[int, int]] = set()
    for a, b in edges:
        if a == b:
            continue
        p = (a, b) if a < b else (b, a)
        if p not in seen:
            seen.add(p)
            adj[a].append(b)
            adj[b].append(a)
    hubs, member = _find_hubs(n, adj, types, seed)
    pairs = sorted(p for p in seen if p[0] not in hubs and p[1] not in hubs)
    if member is None:
        member = _leiden(n, pairs, seed) if n else []
    for h in hubs:
        member[h] = -1
    member, other = _merge_small(member, pairs, max_bubbles)
    k = max(member, default=-1) + 1

    groups: list[list[int]] = [[] for _ in range(k)]
    for i, c in enumerate(member):
        if c >= 0:
            groups[c].append(i)
    inner = [0] * n
    between: dict[tuple[int, int], int] = {}
    for a, b in pairs:
        ca, cb = member[a], member[b]
        if ca == cb:
            inner[a] += 1
            inner[b] += 1
        else:
            key = (ca, cb) if ca < cb else (cb, ca)
            between[key] = between.get(key, 0) + 1

    bubbles = []
    for c, members in enumerate(groups):
        central = sorted(members, key=lambda i: (-inner[i], labels[i], i))
        named = [i for i in central if types[i] in NAME_TYPES] or central
        names = []
        for i in named:
            name = _clip(labels[i])
            if name not in names:
                names.append(name)
            if len(names) == _NAMES:
                break
        papers = sum(1 for i in members if types[i] == "paper")
        count = f"{papers} paper{'s' * (papers != 1)}" if papers else (
            f"{len(members)} node{'s' * (len(members) != 1)}"
        )
        if other and c == k - 1:
            count += f" · {other} separate groups"
        lines = [*names, count]
        size = 8 + 2.4 * math.sqrt(papers or len(members))
        bubbles.append(
            {"label": lines, "n": len(members), "papers": papers,
             "size": round(min(size, _MAX_RADIUS), 1), "top": central[:8],
             "separate": bool(other and c == k - 1)}
        )

    # related communities close: a weighted layout of the community graph, then no overlaps
    import igraph as ig

    if k:
        cg = ig.Graph(n=k, edges=list(between))
        w = [math.log1p(v) for v in between.values()]
        rng = random.Random(seed)
        start = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(k)]
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = cg.layout_fruchterman_reingold(
                weights=w or None, seed=start, niter=500
            ).coords if k > 1 else [[0.0, 0.0]]
        finally:
            ig.set_random_number_generator(random)
        sizes = []
        for b in bubbles:
            wide = max(label_width(t) for t in b["label"])
            sizes.append(
                (max(wide, 2 * b["size"]) + 2 * _PAD,
                 2 * b["size"] + len(b["label"]) * _LINE_PX + 6 + 2 * _PAD)
            )
        span = math.sqrt(sum(a * b for a, b in sizes))
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        ext = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        # start wider than tall, as a screen is, then separate
        xy = [[(x - min(xs)) / ext * span * 1.3, (y - min(ys)) / ext * span * 0.75]
              for x, y in coords]
        _separate(xy, sizes)
        cx = sum(p[0] for p in xy) / k
        cy = sum(p[1] for p in xy) / k
        for b, (x, y), box in zip(bubbles, xy, sizes, strict=True):
            # the label sits under the dot: centre the dot in the upper part of its box
            b["x"] = round(x - cx, 1)
            b["y"] = round(y - cy - box[1] / 2 + _PAD + b["size"], 1)

    # every node's position: its community's own layout, around the bubble
    out = [0.0] * (2 * n)
    for c, members in enumerate(groups):
        local = {v: i for i, v in enumerate(members)}
        sub = [(local[a], local[b]) for a in members for b in adj[a] if b in local and a < b]
        # huge communities get fewer force steps: time stays near-linear in the graph
        steps = max(_MIN_STEPS, min(_STEPS, _STEPS * _STEP_NODES // max(1, len(members))))
        pos = layout_xy(len(members), sub, seed=seed, iterations=steps)
        bx, by = bubbles[c]["x"], bubbles[c]["y"]
        for v, i in local.items():
            out[2 * v] = pos[2 * i] + bx
            out[2 * v + 1] = pos[2 * i + 1] + by
    for h in hubs:  # a hub sits among its neighbours
        near = [j for j in adj[h] if j not in hubs] or list(range(min(n, 1)))
        out[2 * h] = sum(out[2 * j] for j in near) / len(near) + 16
        out[2 * h + 1] = sum(out[2 * j + 1] for j in near) / len(near) - 16
    links: list[int] = []
    for (a, b), v in sorted(between.items()):
        links += (a, b, v)
    hub_list = sorted(hubs, key=lambda i: (-len(adj[i]), labels[i], i))
    return {"comm": member, "hubs": hub_list, "bubbles": bubbles, "links": links, "xy": out}
