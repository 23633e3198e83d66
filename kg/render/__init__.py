"""Render a knowledge graph as one self-contained, offline, interactive HTML page.

The page inlines vis-network's JS and CSS (from the pyvis package data, without importing
``pyvis.network``), its own script and style sheet, and the graph as JSON escaped for
``<script>``; it makes no network request. It has a legend that toggles each node type, a
search box (label or alias), a details panel, dashed suggested links with scores, colour by
type or symmetry class, neighbourhood highlight and node size by degree. Graphs above
:data:`MAP_ABOVE` nodes open as a map of communities (:mod:`kg.render.communities`) with
focus, year, suggestion filters, related works and orbit-mates; graphs above
:data:`LAYOUT_THRESHOLD` nodes (and every map) get a layout computed in Python, physics off.

Example
-------
>>> import networkx as nx, tempfile, os
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> g = nx.MultiDiGraph()
>>> g.add_node("topic:gnn", type="topic", label="<b>GNN</b>", aliases=[], sources=[], notes=[])
>>> html = render_html(KnowledgeGraph(g), title="demo")
>>> "<b>GNN</b>" in html, "\\\\u003cb\\\\u003eGNN" in html
(False, True)
>>> path = write_html(KnowledgeGraph(g), os.path.join(tempfile.mkdtemp(), "graph.html"))
>>> path.name
'graph.html'
"""

from __future__ import annotations

import html as _html
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.graph.knowledge_graph import KnowledgeGraph
from kg.io import GRAPH_HTML, atomic_write_text
from kg.render.assets import load_assets, script_json
from kg.render.communities import MAP_ABOVE, community_map
from kg.render.layout import LAYOUT_THRESHOLD, layout_xy, needs_layout
from kg.render.payload import MAX_SUGGESTIONS, build_payload, orbit_payload

__all__ = [
    "render_html",
    "page_placement",
    "write_html",
    "open_in_browser",
    "BrowserUnavailable",
    "LAYOUT_THRESHOLD",
    "MAP_ABOVE",
    "LARGE_SUGGESTIONS",
    "HTML_NAME",
]

#: File name of the page inside an output folder (``kg build`` writes ``kg-out/graph.html``).
HTML_NAME = GRAPH_HTML

#: Suggestions kept per node on pages with a Python layout (keeps them under 1 KB a node).
LARGE_SUGGESTIONS = 5

_SLOT = re.compile(r"\{\{(\w+)\}\}")

Suggestions = Mapping[str, Sequence[Mapping[str, Any]]]


def render_html(
    kg: KnowledgeGraph,
    *,
    suggestions: Suggestions | None = None,
    symmetry: Mapping[str, int] | None = None,
    title: str | None = None,
    layout: bool | None = None,
    threshold: int = LAYOUT_THRESHOLD,
    seed: int = 0,
    colour_by: str = "type",
    view: str = "auto",
    symmetry_report: Mapping[str, Any] | None = None,
    placement: Mapping[str, Any] | None = None,
) -> str:
    """The page for ``kg`` as a string.

    Args:
        kg: a :class:`~kg.graph.knowledge_graph.KnowledgeGraph` (wrap a networkx ``MultiDiGraph``
            in one first: ``KnowledgeGraph(g)``).
        suggestions: node id -> list of ``{"id","label","type","score","reasons"}`` (best first).
        symmetry: node id -> symmetry class id (adds the "colour by symmetry class" toggle).
        title: page title (default ``"Knowledge graph"``).
        layout: force (``True``) or skip (``False``) the Python layout; by default it is used
            above ``threshold`` nodes.
        threshold: node count above which the layout is computed in Python, physics off.
        seed: layout seed.
        colour_by: ``"type"`` or ``"symmetry"``: the colouring the page opens with (the
            toggle switches between them when ``symmetry`` is given).
        view: ``"map"`` (open as a map of communities, see :mod:`kg.render.communities`),
            ``"full"`` (every node at once) or ``"auto"`` (a map above :data:`MAP_ABOVE` nodes).
        symmetry_report: the data of ``symmetry.json`` (``kg symmetry``): selecting a node with
            orbit-mates highlights them and says why a GNN cannot tell them apart.
        placement: :func:`page_placement` of ``kg`` with the same ``layout``, ``threshold``,
            ``seed`` and ``view``, when the caller made it already (it depends on the graph
            alone and is most of the work on a large graph).
    """
    title = title or "Knowledge graph"
    _check_view(kg, colour_by, view)
    n = len(kg)
    as_map, large = _page_kind(n, view, layout, threshold)
    data = build_payload(
        kg,
        suggestions=suggestions,
        symmetry=symmetry,
        title=title,
        max_suggestions=LARGE_SUGGESTIONS if large else MAX_SUGGESTIONS,
        colour_by=colour_by,
    )
    data["map"] = data["orbit"] = data["orbitNote"] = None
    if placement is None:
        placement = _placement(data, as_map, large, seed)
    elif placement.get("xy") is not None and len(placement["xy"]) != 2 * n:
        raise ValueError(f"placement: {len(placement['xy'])} coordinates for {n} nodes")
    if placement.get("xy") is not None:
        data["xy"], data["map"] = list(placement["xy"]), placement.get("map")
    if symmetry_report:
        nodes = data["nodes"]
        data.update(orbit_payload(symmetry_report, nodes["id"], nodes["type"]) or {})
    assets = load_assets()
    slots = {
        "title": _html.escape(title),
        "vis_css": assets["vis_css"],
        "page_css": assets["page_css"],
        "data": script_json(data),
        "vis_js": assets["vis_js"],
        "page_js": assets["page_js"],
    }
    return _SLOT.sub(lambda m: slots[m.group(1)], assets["template"])


def page_placement(
    kg: KnowledgeGraph,
    *,
    layout: bool | None = None,
    threshold: int = LAYOUT_THRESHOLD,
    seed: int = 0,
    view: str = "auto",
) -> dict[str, Any]:
    """Where :func:`render_html` draws the nodes of ``kg``: ``{"xy": [x0, y0, ...] or None,
    "map": the map of communities or None}`` (``None``: the page lays itself out). It
    depends on the graph alone, so a caller can make it before the page's suggestions exist
    and pass it as ``render_html(..., placement=...)``; the page is the same.

    >>> import networkx as nx
    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> page_placement(KnowledgeGraph(nx.path_graph(3, create_using=nx.MultiDiGraph)))
    {'xy': None, 'map': None}
    """
    _check_view(kg, "type", view)
    as_map, large = _page_kind(len(kg), view, layout, threshold)
    if not large:
        return {"xy": None, "map": None}
    return _placement(build_payload(kg), as_map, large, seed)


def _check_view(kg: Any, colour_by: str, view: str) -> None:
    if colour_by not in ("type", "symmetry"):
        raise ValueError(f"colour_by={colour_by!r}: expected 'type' or 'symmetry'")
    if view not in ("auto", "map", "full"):
        raise ValueError(f"view={view!r}: expected 'auto', 'map' or 'full'")
    if not isinstance(kg, KnowledgeGraph):
        raise TypeError(
            f"render_html takes a KnowledgeGraph, not {type(kg).__name__}; "
            "wrap a networkx graph first: KnowledgeGraph(g)"
        )


def _page_kind(n: int, view: str, layout: bool | None, threshold: int) -> tuple[bool, bool]:
    """``(as_map, large)``: whether the page opens as a map, and whether it is laid out here."""
    as_map = n > 1 and (view == "map" or (view == "auto" and n > MAP_ABOVE))
    return as_map, as_map or (needs_layout(n, threshold) if layout is None else layout)


def _placement(data: Mapping[str, Any], as_map: bool, large: bool, seed: int) -> dict[str, Any]:
    """:func:`page_placement` from the page data (:func:`build_payload`) of the graph."""
    n, e = len(data["nodes"]["id"]), data["edges"]
    if as_map:
        names = data["types"]
        found = community_map(
            n, list(zip(e[0::3], e[1::3], strict=True)),
            [names[t] for t in data["nodes"]["type"]], data["nodes"]["label"], seed=seed,
        )
        return {"xy": [round(c) for c in found.pop("xy")], "map": found}
    if large:
        return {"xy": [round(c) for c in layout_xy(n, zip(e[0::3], e[1::3], strict=True), seed=seed)],
                "map": None}  # fmt: skip
    return {"xy": None, "map": None}


def write_html(
    kg: KnowledgeGraph,
    path: str | os.PathLike[str],
    *,
    suggestions: Suggestions | None = None,
    symmetry: Mapping[str, int] | None = None,
    title: str | None = None,
    **options: Any,
) -> Path:
    """Write the page for ``kg`` to ``path`` (UTF-8, atomically) and return the path.

    ``options`` are passed to :func:`render_html` (``layout``, ``threshold``, ``seed``,
    ``colour_by``, ``view``, ``symmetry_report``, ``placement``).
    """
    text = render_html(kg, suggestions=suggestions, symmetry=symmetry, title=title, **options)
    return atomic_write_text(path, text)


def open_in_browser(
    path: str | os.PathLike[str], *, opener: Callable[[str], Any] | None = None
) -> str:
    """Open the page at ``path`` (a file, or a folder holding ``graph.html``) in a browser.

    Args:
        path: the HTML file or the output folder.
        opener: called with the ``file://`` URL; default :func:`webbrowser.open`.

    Returns:
        The URL that was opened.

    Raises:
        FileNotFoundError: when there is no page at ``path``.
        BrowserUnavailable: the opener returned ``False`` (as :func:`webbrowser.open` does
            when no browser can be started, say on a machine without a display).
    """
    target = Path(path)
    if target.is_dir() or target.suffix.lower() not in (".html", ".htm"):
        target = target / HTML_NAME
    if not target.is_file():
        raise FileNotFoundError(f"{target}: no such page; run `kg build` first")
    url = target.resolve().as_uri()
    if opener is None:
        import webbrowser

        opener = webbrowser.open
    if opener(url) is False:
        raise BrowserUnavailable(
            f"no web browser could be started here (no display?); open {target.resolve()} "
            "yourself, or copy it to a machine with a browser"
        )
    return url


class BrowserUnavailable(RuntimeError):
    """No browser could be started to show a page (see :func:`open_in_browser`)."""
