"""Why two nodes may be related: shared neighbours, a short path, and where the notes say so.

The reasons are plain sentences built from the graph alone (not from the model): the
neighbours the two nodes share, a shortest path between them when they share none, and the
posts and lines (from the nodes' ``sources``) where they appear. They work on a
:class:`GraphIndex`, a light adjacency index that reads ``graph.json`` without networkx so
that ``kg suggest`` starts fast (:mod:`kg.graph.adjacency`).

Example
-------
>>> data = {"nodes": [
...     {"id": "post:a", "type": "post", "label": "Notes A", "path": "a.md"},
...     {"id": "topic:pruning", "type": "topic", "label": "Pruning",
...      "sources": [{"path": "a.md", "line": 3}]},
...     {"id": "paper:x", "type": "paper", "label": "X", "sources": [{"path": "a.md", "line": 4}]},
...     {"id": "paper:y", "type": "paper", "label": "Y", "sources": [{"path": "a.md", "line": 9}]},
...  ], "links": [
...     {"source": "post:a", "target": "paper:x", "relation": "mentions"},
...     {"source": "post:a", "target": "paper:y", "relation": "mentions"},
...     {"source": "paper:x", "target": "topic:pruning", "relation": "part_of"},
...     {"source": "paper:y", "target": "topic:pruning", "relation": "part_of"},
... ]}
>>> index = GraphIndex.from_node_link(data)
>>> for line in explain(index, "paper:x", "paper:y"):
...     print(line)
both listed under Pruning (topic)
both in post Notes A (a.md lines 4, 9)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kg.graph.adjacency import COMPACT_ATTRS, GraphIndex
from kg.suggest.related import Evidence, TextIndex

__all__ = [
    "GraphIndex",
    "COMPACT_ATTRS",
    "MAX_REASONS",
    "MEANING_REASON",
    "PATH_SKIP",
    "explain",
    "shared_neighbors",
    "short_path",
    "format_path",
    "format_sources",
]


#: Labels longer than this are shortened with "…" inside reasons.
MAX_LABEL = 60
#: Relations a path shown as a reason never steps along: a front-matter tag or a venue
#: joins notes and papers that have nothing else in common.
PATH_SKIP: frozenset[str] = frozenset({"tagged", "published_at"})


def _short(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    >>> _short("a" * 70)[-3:], len(_short("a" * 70))
    ('aa…', 60)
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shared_neighbors(index: GraphIndex, u: str, v: str) -> list[str]:
    """Neighbours of both ``u`` and ``v``, the most telling (lowest degree) first.

    >>> idx = GraphIndex.from_node_link({"nodes": [{"id": i} for i in "abch"],
    ...     "links": [{"source": "a", "target": "h"}, {"source": "b", "target": "h"},
    ...               {"source": "a", "target": "c"}, {"source": "b", "target": "c"},
    ...               {"source": "c", "target": "h"}]})
    >>> shared_neighbors(idx, "a", "b")
    ['c', 'h']
    """
    nu, nv = index.neighbors(u), index.neighbors(v)
    if len(nu) > len(nv):
        nu, nv = nv, nu
    common = [w for w in nu if w in nv and w not in (u, v)]
    return sorted(common, key=lambda w: (index.degree(w), index.label(w), w))


def short_path(
    index: GraphIndex,
    u: str,
    v: str,
    max_len: int = 4,
    max_visits: int = 20_000,
    avoid: Any = None,
    skip: Iterable[str] = (),
) -> list[str] | None:
    """A shortest undirected path ``[u, ..., v]`` of at most ``max_len`` edges, or ``None``.

    Bidirectional breadth-first search that always grows the smaller frontier; it gives up
    after ``max_visits`` node visits so a query near a huge hub stays fast. Among equally
    short paths it prefers steps through entities over steps through posts, then node ids,
    so the same graph always gives the same path. ``avoid(node) -> bool`` names nodes the
    path may not pass through (the ends excepted), such as hubs; a step is taken only along
    an edge with a relation outside ``skip``.

    >>> idx = GraphIndex.from_node_link({"nodes": [{"id": i} for i in "abcd"],
    ...     "links": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"},
    ...               {"source": "c", "target": "d", "relation": "tagged"}]})
    >>> short_path(idx, "a", "d")
    ['a', 'b', 'c', 'd']
    >>> short_path(idx, "a", "d", max_len=2) is None
    True
    >>> short_path(idx, "a", "d", skip={"tagged"}) is None
    True
    """
    skip = frozenset(skip)
    if u == v:
        return [u]
    parents: tuple[dict[str, str | None], dict[str, str | None]] = ({u: None}, {v: None})
    frontiers: tuple[list[str], list[str]] = ([u], [v])
    depth = visits = 0
    while frontiers[0] and frontiers[1] and depth < max_len:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        mine, other = parents[side], parents[1 - side]
        nxt: list[str] = []
        meet: str | None = None
        for node in frontiers[side]:
            rels = index.neighbors(node)
            for nb in index.search_order(node):
                if nb in mine or (avoid is not None and nb not in (u, v) and avoid(nb)):
                    continue
                if skip and all(r in skip for r, _ in rels[nb]):
                    continue
                mine[nb] = node
                visits += 1
                if nb in other:
                    meet = nb
                    break
                nxt.append(nb)
            if meet is not None or visits > max_visits:
                break
        depth += 1
        if meet is not None:
            left: list[str] = []
            n: str | None = meet
            while n is not None:
                left.append(n)
                n = parents[0][n]
            right: list[str] = []
            n = parents[1][meet]
            while n is not None:
                right.append(n)
                n = parents[1][n]
            return left[::-1] + right
        if visits > max_visits:
            return None
        frontiers = (nxt, frontiers[1]) if side == 0 else (frontiers[0], nxt)
    return None


def format_path(index: GraphIndex, path: list[str]) -> str:
    """Render a path with labels and the relation (and its direction) of each step.

    >>> idx = GraphIndex.from_node_link({"nodes": [
    ...     {"id": "paper:x", "label": "X"}, {"id": "topic:t", "label": "T"},
    ...     {"id": "paper:y", "label": "Y"}], "links": [
    ...     {"source": "paper:x", "target": "topic:t", "relation": "part_of"},
    ...     {"source": "paper:y", "target": "topic:t", "relation": "part_of"}]})
    >>> format_path(idx, ["paper:x", "topic:t", "paper:y"])
    'X -part_of-> T <-part_of- Y'
    """
    out = [_short(index.label(path[0]))]
    for a, b in zip(path, path[1:], strict=False):
        rels = sorted(index.neighbors(a).get(b, []))
        rel, outgoing = rels[0] if rels else ("", True)
        out.append(f"-{rel}->" if outgoing else f"<-{rel}-")
        out.append(_short(index.label(b)))
    return " ".join(out)


def format_sources(
    sources: Iterable[Mapping[str, Any]], limit: int = 3, max_lines: int = 5
) -> str:
    """Group ``{path, line}`` records by file: ``a.md:3, 9; b.md:1``.

    At most ``limit`` files and ``max_lines`` lines per file are listed; the rest are counted.

    >>> format_sources([{"path": "a.md", "line": 9}, {"path": "b.md", "line": 1},
    ...                 {"path": "a.md", "line": 3}])
    'a.md:3, 9; b.md:1'
    >>> format_sources([{"path": "a.md", "line": i} for i in range(1, 9)], max_lines=3)
    'a.md:1, 2, 3 (+5 lines)'
    """
    by_path: dict[str, set[int]] = {}
    for s in sources:
        path = s.get("path")
        if path is None:
            continue
        line = s.get("line")
        by_path.setdefault(str(path), set()).update([int(line)] if line is not None else [])
    parts = []
    for path in sorted(by_path)[:limit]:
        lines = sorted(by_path[path])
        shown = ", ".join(map(str, lines[:max_lines]))
        extra = f" (+{len(lines) - max_lines} lines)" if len(lines) > max_lines else ""
        parts.append(f"{path}:{shown}{extra}" if lines else path)
    more = len(by_path) - limit
    return "; ".join(parts) + (f" (+{more} more files)" if more > 0 else "")


def _lines_in(index: GraphIndex, nid: str, path: str) -> set[int]:
    return {
        int(s["line"])
        for s in index.nodes.get(nid, {}).get("sources") or []
        if s.get("path") == path and s.get("line") is not None
    }


#: Reasons shown per suggestion (the page keeps as many, so it shows what the CLI prints).
MAX_REASONS = 3
#: The title-vector cosine from which two titles are called close in meaning: on the
#: shared corpus 1 % of random pairs of papers reach 0.62, and half of the papers have
#: five others at 0.64 or more.
MEANING_REASON = 0.6
#: Longest reason, in characters (the page keeps up to 200).
MAX_REASON_CHARS = 200


def _lines_text(index: GraphIndex, post: str, ids: Iterable[str]) -> str:
    path = index.nodes.get(post, {}).get("path")
    if not path:
        return ""
    lines = sorted(set().union(*(_lines_in(index, n, path) for n in ids)))
    shown = ", ".join(map(str, lines[:6])) + (f" (+{len(lines) - 6})" if len(lines) > 6 else "")
    return f" ({path} lines {shown})" if lines else f" ({path})"


def _names(index: GraphIndex, nodes: list[str], limit: int) -> str:
    names = ", ".join(f"{_short(index.label(w))} ({index.type(w)})" for w in nodes[:limit])
    more = len(nodes) - limit
    return names + (f" and {more} more" if more > 0 else "")


def _context_reason(index: GraphIndex, context: Any, query: str, candidate: str) -> list[str]:
    """``both filed under W: 'H1' in A, 'H2' in B`` for the rarest word or concept the
    headings of both share (nothing when none does)."""
    for word, hq, hc in context.shared(query, candidate):
        if not hq or not hc:
            continue

        def where(node: str, heading: str) -> str:
            notes = [p for h, p, _ in context.headings_of(node) if h == heading and p]
            return f" in {_short(index.label(notes[0]), 40)}" if notes else ""

        return [f"both filed under {word}: '{_short(hq[0], 50)}'{where(query, hq[0])}, "
                f"'{_short(hc[0], 50)}'{where(candidate, hc[0])}"]
    return []


def _filed_under(index: GraphIndex, node: str, group: str) -> bool:
    return any(r in ("part_of", "subtopic_of") and out for r, out in index.neighbors(node).get(group, []))


def _score_source(model: bool, meaning: float | None) -> str:
    """What a score with no evidence in the notes comes from.

    >>> _score_source(True, None), _score_source(False, 0.31)
    ('the score comes from the model alone', 'the score comes from how alike the titles read (0.31)')
    """
    if meaning is not None:
        alike = f"how alike the titles read ({meaning:.2f})"
        return f"the score comes from the model and {alike}" if model else f"the score comes from {alike}"
    return "the score comes from the model alone" if model else "nothing in the notes ties them"


def explain(
    index: GraphIndex,
    query: str,
    candidate: str,
    *,
    max_shared: int = 3,
    max_path: int = 4,
    evidence: Any = None,
    text: Any = None,
    context: Any = None,
    meaning: float | None = None,
    model: bool = True,
) -> list[str]:
    """Research reasons why ``candidate`` may relate to ``query``, most telling first (at
    most :data:`MAX_REASONS`, each at most :data:`MAX_REASON_CHARS` characters).

    Venues, front-matter tags, housekeeping headings and hubs are never reasons (see
    :class:`kg.suggest.related.Evidence`):

    * ``both listed under SECTION in TITLE (PATH lines ...)`` — the headings a note lists
      both under (a section counts even when its heading is not a topic);
    * ``both listed under X (topic)`` — sections, methods or topics both are filed under;
      ``both linked to X`` for a shared grouping one of them files instead;
    * ``both filed under W: 'H1' in A, 'H2' in B`` — headings of different notes sharing a
      word or a glossary concept (``context``, a :class:`kg.suggest.related.ContextIndex`), when no
      one section lists both;
    * ``both in post TITLE (PATH lines ...)`` — a note that names both, with the lines;
    * ``similar titles: w1, w2`` — the rarest words both labels share;
    * ``titles close in meaning (0.68)`` — ``meaning``, the cosine of the two title vectors
      (:mod:`kg.learn.titles`), when it reaches :data:`MEANING_REASON` and no word is shared;
    * ``path: A -rel-> B <-rel- C`` — a shortest path avoiding hubs, tags and venues, when
      nothing above holds;
    * ``noted at PATH:LINE`` — where the candidate appears, when no post names both;
    * ``no shared section, note or title words`` — then what the score comes from: the
      model (``model``: the ranking uses the GNN) and how alike the titles read
      (``meaning``), or nothing in the notes.
    """
    ev = evidence if evidence is not None else Evidence(index)
    reasons: list[str] = []
    shared = ev.shared(query, candidate)
    groups = [w for w in shared if index.type(w) != "post"]
    posts = [w for w in shared if index.type(w) == "post"]
    under = [w for w in groups if _filed_under(index, query, w) and _filed_under(index, candidate, w)]
    linked = [w for w in groups if w not in under]
    listed = ev.shared_sections(query, candidate) if hasattr(ev, "shared_sections") else []
    for post, section in listed[:1]:  # a section of one note, topic or not
        reasons.append(f"both listed under {_short(section)} in {_short(index.label(post))}"
                       f"{_lines_text(index, post, (query, candidate))}")
    if under:
        reasons.append(f"both listed under {_names(index, under, max_shared)}")
    if linked:
        reasons.append(f"both linked to {_names(index, linked, max_shared)}")
    if context is not None and not listed and not under:
        reasons.extend(_context_reason(index, context, query, candidate)[:1])
    named = [p for p in posts if p not in {q for q, _ in listed[:1]}]
    for post in named[:max_shared]:
        reasons.append(
            f"both in post {_short(index.label(post))}{_lines_text(index, post, (query, candidate))}"
        )
    if len(named) > max_shared:
        reasons.append(f"and {len(named) - max_shared} more posts mention both")
    tx = text if text is not None else TextIndex(index)
    words = tx.shared_words(query, candidate)
    close = meaning is not None and meaning >= MEANING_REASON
    if words:
        reasons.append("similar titles: " + ", ".join(words[:4]))
    elif close:
        reasons.append(f"titles close in meaning ({meaning:.2f})")
    if not shared and not listed:  # (a note listing both may be a hub: no shared node then)
        path_nodes = short_path(index, query, candidate, max_len=max_path, avoid=ev.blocked,
                                skip=PATH_SKIP)
        if path_nodes is not None:
            reasons.append(f"path: {format_path(index, path_nodes)}")
        elif not words and not close:
            reasons.append(
                f"no shared section, note or title words (no path within {max_path} steps "
                f"past hubs): {_score_source(model, meaning)}"
            )
    if not posts:
        sources = index.nodes.get(candidate, {}).get("sources") or []
        if sources:
            reasons.append(f"noted at {format_sources(sources)}")
    return [_short(r, MAX_REASON_CHARS) for r in reasons[:MAX_REASONS]]
