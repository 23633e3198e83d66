"""The data a page needs, as compact JSON-ready columns.

One job: turn a :class:`~kg.graph.knowledge_graph.KnowledgeGraph` (plus optional suggestions, symmetry classes
and positions) into the dict that the page script reads. Nodes are columns indexed by
position; edges and suggestions refer to nodes by that index; source paths are interned. This
keeps a 10,000-node page well under 1 KB per node.

Long notes are shortened for the page (the full text stays in ``graph.json``): at most
:data:`MAX_NOTES` notes of :data:`MAX_NOTE_CHARS` characters and :data:`MAX_SOURCES` sources per
node are kept, with the number left out.

Example
-------
>>> import networkx as nx
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> g.add_node("topic:gnn", type="topic", label="GNN", aliases=["图神经网络"],
...            sources=[{"path": "a.md", "line": 3}], notes=[])
>>> g.add_node("paper:gcn", type="paper", label="GCN", aliases=[], sources=[], notes=[],
...            venue="ICLR", year=2017, url="https://arxiv.org/abs/1609.02907", ids={}, authors=[])
>>> _ = g.add_edge("paper:gcn", "topic:gnn", key="part_of", relation="part_of")
>>> p = build_payload(KnowledgeGraph(g))
>>> p["nodes"]["id"], p["nodes"]["deg"]
(['topic:gnn', 'paper:gcn'], [1, 1])
>>> p["nodes"]["label"], p["edges"], p["relations"]
(['GNN', 'GCN'], [1, 0, 0], ['part_of'])
>>> p["info"][1]["v"], p["info"][1]["y"], p["info"][0]["s"], p["paths"]
('ICLR', 2017, [[0, 3]], ['a.md'])
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.graph.schema import NODE_TYPES
from kg.io import SYMMETRY_JSON

__all__ = [
    "build_payload",
    "orbit_payload",
    "read_report_data",
    "SYMMETRY_JSON",
    "safe_url",
    "MAX_NOTES",
    "MAX_NOTE_CHARS",
    "MAX_SOURCES",
    "MAX_SUGGESTIONS",
    "MAX_REASONS",
    "MAX_REASON_CHARS",
]

MAX_NOTES = 8
#: Reasons kept per suggestion, and their length (suggestions repeat them a lot, so each
#: distinct reason is stored once in ``reasons`` and rows refer to it by index).
MAX_REASONS = 3
MAX_REASON_CHARS = 200
MAX_NOTE_CHARS = 400
MAX_SOURCES = 12
#: Suggestions kept per node in the details panel.
MAX_SUGGESTIONS = 10


#: The file ``kg symmetry`` writes into an output folder (the pages read its orbits).

_SPACE = re.compile(r"\s")


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) link, else ``None`` (``javascript:`` never becomes a link).

    >>> safe_url("https://arxiv.org/abs/1"), safe_url(" JavaScript:alert(1)"), safe_url(None)
    ('https://arxiv.org/abs/1', None, None)
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    low = url.lower()
    if (low.startswith("http://") or low.startswith("https://")) and not _SPACE.search(url):
        return url
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _strings(values: Any) -> list[str]:
    if not values:
        return []
    if isinstance(values, str):
        return [values]
    if isinstance(values, list) and all(type(v) is str and v for v in values):
        return values  # the common case: already a clean list of strings
    return [t for t in (_text(v) for v in values if v is not None) if t]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _year(value: Any) -> int | None:
    if value is None or type(value) is int:
        return value
    try:
        return int(str(value).strip()) if str(value).strip() else None
    except (TypeError, ValueError):
        return None


def _info(attrs: dict[str, Any], paths: dict[str, int]) -> dict[str, Any]:
    """Details of one node, with short keys and empty fields left out."""
    out: dict[str, Any] = {}
    get = attrs.get
    value = get("aliases")
    if value:
        aliases = _strings(value)
        if aliases:
            out["a"] = aliases
    value = get("notes")
    if value:
        notes = _strings(value)
        if notes:
            out["n"] = [_clip(n, MAX_NOTE_CHARS) for n in notes[:MAX_NOTES]]
            if len(notes) > MAX_NOTES:
                out["nm"] = len(notes) - MAX_NOTES
    sources = get("sources")
    if sources and isinstance(sources, (list, tuple)):
        rows = []
        for src in sources[:MAX_SOURCES]:
            if isinstance(src, dict):
                path, line = src.get("path"), src.get("line")
                if type(path) is not str:
                    path = _text(path)
            else:
                path, line = _text(src), None
            idx = paths.get(path)
            if idx is None:
                idx = paths[path] = len(paths)
            rows.append([idx, line if type(line) is int else None])
        out["s"] = rows
        if len(sources) > MAX_SOURCES:
            out["sm"] = len(sources) - MAX_SOURCES
    for key, short in _SCALARS:
        value = get(key)
        if value:
            out[short] = value if type(value) is str else _text(value)
    year = _year(get("year"))
    if year is not None:
        out["y"] = year
    url = get("url")
    if url:
        link = safe_url(url)
        if link:
            out["u"] = link
        else:
            out["ut"] = _text(url)  # shown as text, never as a link
    ids = get("ids")
    if ids and isinstance(ids, dict):
        out["i"] = {_text(k): _text(v) for k, v in ids.items()}
    value = get("authors")
    if value:
        authors = _strings(value)
        if authors:
            out["au"] = authors
    return out


_SCALARS = (("venue", "v"), ("date", "d"), ("path", "p"))
# a token with a folder separator: a candidate source path inside a reason
_PATHISH = re.compile(r"[^\s()\[\],;:]*[/\\][^\s()\[\],;:]*")


def _intern_paths(texts: list[str], paths: dict[str, int]) -> list[str | list[str | int]]:
    """Texts with the source paths they quote replaced by indices into ``paths``.

    Suggestion reasons quote file paths ("both in post X (notes/a.md lines 3, 9)"); a text
    that quotes one becomes a list of parts, strings and path indices, which the page joins
    again.

    >>> paths = {"notes/a.md": 0}
    >>> _intern_paths(["both in (notes/a.md lines 3, 9)", "plain"], paths)
    [['both in (', 0, ' lines 3, 9)'], 'plain']
    """
    if not paths or not texts:
        return list(texts)
    out: list[str | list[str | int]] = []
    for text in texts:
        parts: list[str | int] = []
        last = 0
        if "/" in text or "\\" in text:
            for m in _PATHISH.finditer(text):
                idx = paths.get(m.group(0))
                if idx is None:
                    continue
                if m.start() > last:
                    parts.append(text[last : m.start()])
                parts.append(idx)
                last = m.end()
        if not parts:
            out.append(text)
            continue
        if last < len(text):
            parts.append(text[last:])
        out.append(parts)
    return out


def _suggestion_rows(
    items: Sequence[Mapping[str, Any]] | None,
    index: dict[str, int],
    reasons: dict[str, int],
    limit: int,
) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for item in list(items or [])[:limit]:
        if type(item) is not dict and not isinstance(item, Mapping):
            continue
        target = _text(item.get("id"))
        try:
            score = float(item.get("score", 0.0))
        except (TypeError, ValueError):
            score = 0.0
        if score != score or score in (float("inf"), float("-inf")):
            score = 0.0
        refs = []
        for reason in _strings(item.get("reasons"))[:MAX_REASONS]:
            reason = _clip(reason, MAX_REASON_CHARS)
            k = reasons.get(reason)
            if k is None:
                k = reasons[reason] = len(reasons)
            refs.append(k)
        row: list[Any] = [index.get(target, -1), round(score, 6), refs]
        if row[0] < 0:  # not in the graph: keep what the panel needs to show it
            row += [_text(item.get("label")) or target, _text(item.get("type"))]
        rows.append(row)
    return rows


def build_payload(
    kg: Any,
    *,
    suggestions: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    symmetry: Mapping[str, int] | None = None,
    positions: Sequence[float] | None = None,
    title: str = "Knowledge graph",
    max_suggestions: int = MAX_SUGGESTIONS,
    colour_by: str = "type",
) -> dict[str, Any]:
    """The page data for ``kg``.

    Args:
        kg: a :class:`~kg.graph.knowledge_graph.KnowledgeGraph` (read through ``iter_nodes``/``iter_edges``,
            so a graph from the build never has to become a networkx graph).
        suggestions: node id -> list of ``{"id","label","type","score","reasons"}``.
        symmetry: node id -> symmetry class id.
        positions: ``[x0, y0, x1, y1, ...]`` in page pixels, in node order (as from
            :func:`kg.render.layout.layout_xy`); when given, physics is off.
        title: page title.
        max_suggestions: suggestions kept per node.
        colour_by: the colouring the page opens with, ``"type"`` or ``"symmetry"`` (the
            latter only when ``symmetry`` is given).

    Returns:
        A JSON-ready dict; see ``page.js`` for how each key is read.
    """
    node_records = list(kg.iter_nodes())
    ids = [n for n, _ in node_records]
    index = {n: i for i, n in enumerate(ids)}
    types = list(NODE_TYPES)
    type_index = {t: i for i, t in enumerate(types)}
    paths: dict[str, int] = {}
    labels, tcol, info = [], [], []
    for n, attrs in node_records:
        t = attrs.get("type")
        if not t or type(t) is not str:
            t = _text(t) or n.partition(":")[0] or "node"
        ti = type_index.get(t)
        if ti is None:
            ti = type_index[t] = len(types)
            types.append(t)
        tcol.append(ti)
        label = attrs.get("label")
        labels.append(label if label and type(label) is str else (_text(label) or n))
        info.append(_info(attrs, paths))
    for attrs_info in info:  # post paths are quoted by suggestion reasons too
        p = attrs_info.get("p")
        if p and p not in paths:
            paths[p] = len(paths)

    # one drawn edge per node pair and direction; the relations of parallel edges are merged
    pair_rels: dict[tuple[int, int], list[str]] = {}
    for u, v, key, data in kg.iter_edges():
        rel = data.get("relation") or key
        if type(rel) is not str:
            rel = _text(rel) or "related"
        pair = (index[u], index[v])
        rels = pair_rels.get(pair)
        if rels is None:
            pair_rels[pair] = [rel]
        elif rel not in rels:
            rels.append(rel)
    relations: list[str] = []
    rel_index: dict[str, int] = {}
    edges: list[int] = []
    degree = [0] * len(ids)
    for (a, b), rels in pair_rels.items():
        rel = ", ".join(rels)
        ri = rel_index.get(rel)
        if ri is None:
            ri = rel_index[rel] = len(relations)
            relations.append(rel)
        edges += (a, b, ri)
        if a != b and (a > b or (b, a) not in pair_rels):
            degree[a] += 1
            degree[b] += 1

    suggest: dict[str, list[list[Any]]] = {}
    reasons: dict[str, int] = {}
    for n, items in (suggestions or {}).items():
        if n in index:
            rows = _suggestion_rows(items, index, reasons, max_suggestions)
            if rows:
                suggest[str(index[n])] = rows

    sym = None
    if symmetry:
        sym = []
        for n in ids:
            c = symmetry.get(n)
            sym.append(int(c) if c is not None else -1)

    payload: dict[str, Any] = {
        "title": title,
        "types": types,
        "relations": relations,
        "nodes": {"id": ids, "label": labels, "type": tcol, "deg": degree},
        "info": info,
        "paths": list(paths),
        "edges": edges,
        "suggest": suggest,
        "reasons": _intern_paths(list(reasons), paths),
        "sym": sym,
        "colour": "symmetry" if colour_by == "symmetry" and sym is not None else "type",
        "xy": None,
    }
    if positions is not None:
        if len(positions) != 2 * len(ids):
            raise ValueError(f"positions: {len(positions)} numbers for {len(ids)} nodes")
        payload["xy"] = [round(float(c)) for c in positions]
    return payload


def _auc(table: Mapping[str, Any], row: str) -> float | None:
    value = (table.get(row) or {}).get("auc") if isinstance(table, Mapping) else None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if value == value else None


def orbit_payload(
    report: Mapping[str, Any], ids: Sequence[str], types: Sequence[int] | None = None
) -> dict[str, Any] | None:
    """The orbits of a ``kg symmetry`` report (``symmetry.json``) for the page, or ``None``.

    Returns ``{"orbit": orbit index of each node in ``ids`` order (-1: alone in its orbit),
    "orbitNote": {"why": ..., "score": ...}}``: the sentences the page shows when a node with
    orbit-mates is selected. Orbits naming nodes that are not in ``ids`` (a report of another
    graph), or whose members differ in ``types`` when given, are skipped; a report counting
    another number of nodes is ignored as stale. ``None`` when no orbit is left.

    >>> rep = {"orbit_ids": [["a", "b"], ["x", "y"]],
    ...        "table": {"plain_gnn": {"auc": 0.5}, "labeling_trick": {"auc": 0.91}}}
    >>> out = orbit_payload(rep, ["a", "b", "c"])
    >>> out["orbit"]
    [0, 0, -1]
    >>> print(out["orbitNote"]["score"])
    The labeling trick marks the query node before message passing, so its orbit-mates no longer look alike: on held-out links it scores AUC 0.910, the plain GNN 0.500.
    """
    counted = (report.get("counts") or {}).get("nodes")
    if isinstance(counted, int) and counted != len(ids):
        return None
    index = {n: i for i, n in enumerate(ids)}
    orbit = [-1] * len(ids)
    k = 0
    for group in report.get("orbit_ids") or []:
        if not isinstance(group, list) or len(group) < 2:
            continue
        if not all(isinstance(n, str) and n in index for n in group):
            continue
        if types is not None and len({types[index[n]] for n in group}) > 1:
            continue
        for n in group:
            orbit[index[n]] = k
        k += 1
    if not k:
        return None
    why = (
        "Same orbit: an automorphism of the graph maps this node onto each of its orbit-mates, "
        "so a message-passing GNN computes the same embedding for all of them and cannot tell "
        "them apart."
    )
    table = report.get("table") or {}
    lt, plain = _auc(table, "labeling_trick"), _auc(table, "plain_gnn")
    score = ""
    if lt is not None:
        score = (
            "The labeling trick marks the query node before message passing, so its orbit-"
            f"mates no longer look alike: on held-out links it scores AUC {lt:.3f}"
            + (f", the plain GNN {plain:.3f}." if plain is not None else ".")
        )
    return {"orbit": orbit, "orbitNote": {"why": why, "score": score}}


def read_report_data(out: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The data of ``out/symmetry.json`` (``kg symmetry``) as a dict, or ``None`` when absent.

    The graph pages read it to explain orbits; a file that cannot be read or parsed is
    treated as absent (the page is still written). Imports neither numpy nor networkx.

    >>> import tempfile
    >>> read_report_data(tempfile.mkdtemp()) is None
    True
    """
    path = Path(out) / SYMMETRY_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
