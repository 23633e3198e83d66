"""The graph as a ``pyvis.network.Network``, for those who know pyvis, saved offline.

:func:`to_pyvis` gives the nodes, links and
suggested links the colours, labels, sizes and tooltips of ``graph.html``; the caller can
then use the whole pyvis API (``add_node``, ``show_buttons``, ``toggle_physics``, ...) and
save it with ``net.write_html(path)`` or ``net.save_graph(path)``.

pyvis's own modes all fetch files from the internet (``remote`` and ``local`` load
vis-network from a CDN, and every mode loads Bootstrap from one). The network returned here
renders with pyvis's template stripped of every ``http(s)`` load and vis-network's JS and
CSS inlined from pyvis's package data, so the saved file opens with no network at all.

Example
-------
>>> import re
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_records(
...     {"paper:a": {"type": "paper", "label": "A"}, "venue:v": {"type": "venue", "label": "V"}},
...     [("paper:a", "venue:v", "published_at", {})])
>>> net = to_pyvis(kg, suggestions={"paper:a": [{"id": "venue:v", "score": 0.9}]})
>>> [(n["id"], n["color"]) for n in net.nodes]
[('paper:a', '#e15759'), ('venue:v', '#b07aa1')]
>>> [(e["title"], e.get("dashes", False)) for e in net.edges]
[('published_at', False), ('suggested link, score 0.900', [6, 5])]
>>> re.search(r'(src|href)="https?:', net.generate_html()) is None  # nothing to fetch
True
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kg.graph.schema import EXTRA_COLOURS, TYPE_COLOURS, type_colour
from kg.render.assets import vis_dir

if TYPE_CHECKING:  # pragma: no cover
    from pyvis.network import Network

    from kg.graph.knowledge_graph import KnowledgeGraph

__all__ = ["to_pyvis", "type_colour", "TYPE_COLOURS", "EXTRA_COLOURS", "SUGGEST_COLOUR"]

#: Colour of the dashed suggested links.
SUGGEST_COLOUR = "#d97706"
EDGE_COLOUR = "#b9c0c8"
LABEL_CHARS = 40
_OFFLINE_TEMPLATE = "kg-offline-template.html"
_REMOTE = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^>]*>|<script\b[^>]*\bsrc=\"https?://[^>]*>\s*</script>",
    re.IGNORECASE,
)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def to_pyvis(
    kg: KnowledgeGraph,
    *,
    suggestions: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    title: str | None = None,
    **options: Any,
) -> Network:
    """A ``pyvis.network.Network`` of ``kg`` drawn as the page draws it, savable offline.

    Args:
        kg: the graph.
        suggestions: node id -> ``[{"id", "score", "reasons"}, ...]`` best first (as
            ``LinkPredictor.suggestions_for_all`` gives); each node's best is drawn as a
            dashed link labelled with its score, as on the page.
        title: a heading shown above the graph (plain text).
        **options: passed to ``pyvis.network.Network`` (``height``, ``width``, ``notebook``,
            ``select_menu``, ``filter_menu``, ``neighborhood_highlight``, ``bgcolor``, ...).
            ``directed`` defaults to ``True``; ``cdn_resources`` may only be ``"in_line"``.

    Raises:
        ValueError: ``cdn_resources`` other than ``"in_line"`` (the others fetch files).
    """
    from pyvis.network import Network

    cdn = options.pop("cdn_resources", "in_line")
    if cdn != "in_line":
        raise ValueError(
            f"cdn_resources={cdn!r} loads files from the internet; to_pyvis inlines them"
        )
    options.setdefault("directed", True)
    options.setdefault("height", "750px")
    options.setdefault("width", "100%")
    net = Network(cdn_resources="in_line", heading=html.escape(title or ""), **options)
    _offline(net)

    records = list(kg.iter_nodes())
    index = {n: i for i, (n, _) in enumerate(records)}
    # one drawn link per node pair and direction, parallel relations merged (as the page)
    pair_rels: dict[tuple[str, str], list[str]] = {}
    for u, v, key, data in kg.iter_edges():
        rel = str(data.get("relation") or key)
        rels = pair_rels.setdefault((u, v), [])
        if rel not in rels:
            rels.append(rel)
    neighbours: dict[str, set[str]] = {n: set() for n in index}
    for u, v in pair_rels:
        if u != v:
            neighbours[u].add(v)
            neighbours[v].add(u)

    unknown: list[str] = []
    for n, attrs in records:
        t = str(attrs.get("type") or n.partition(":")[0] or "node")
        if t not in TYPE_COLOURS and t not in unknown:
            unknown.append(t)
        label = str(attrs.get("label") or n)
        net.add_node(
            n,
            label=_short(label),
            title=f"{label}\n({t})",
            color=type_colour(t, len(TYPE_COLOURS) + unknown.index(t) if unknown else 0),
            size=6 + 3 * math.sqrt(len(neighbours[n])),
            shape="dot",
            type=t,  # not a vis-network option: for filter_menu and scripts
        )
    for (u, v), rels in pair_rels.items():
        net.add_edge(u, v, title=", ".join(rels), color=EDGE_COLOUR, width=1)

    best: dict[tuple[str, str], tuple[float, str, str, list[str]]] = {}
    for a, items in (suggestions or {}).items():
        if a not in index or not items:
            continue
        item = items[0]
        b = str(item.get("id"))
        if b not in index or b == a:
            continue
        score = float(item.get("score", 0.0))
        pair = (a, b) if index[a] < index[b] else (b, a)
        if pair not in best or best[pair][0] < score:
            best[pair] = (score, a, b, [str(r) for r in item.get("reasons") or []])
    for score, a, b, reasons in best.values():
        why = "".join(f"\n{r}" for r in reasons)
        net.add_edge(
            a,
            b,
            label=f"{score:.2f}",
            title=f"suggested link, score {score:.3f}{why}",
            dashes=[6, 5],
            width=1.5,
            physics=False,
            arrows={"to": {"enabled": False}},
            color=SUGGEST_COLOUR,
            font={"size": 11, "color": SUGGEST_COLOUR, "strokeWidth": 3, "align": "top"},
        )
    return net


def _offline(net: Network) -> None:
    """Render ``net`` with pyvis's template minus its remote loads, assets inlined."""
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader

    templates = vis_dir().parent.parent  # pyvis/templates (lib/vis-9.1.2 lies under it)
    text = (templates / "template.html").read_text(encoding="utf-8")
    text = _REMOTE.sub("", text)
    net.templateEnv = Environment(
        loader=ChoiceLoader(
            [DictLoader({_OFFLINE_TEMPLATE: text}), FileSystemLoader(str(templates))]
        )
    )
    net.path = _OFFLINE_TEMPLATE
    net.template = net.templateEnv.get_template(_OFFLINE_TEMPLATE)  # used when notebook=True
