"""Export the graph for other tools: GraphML, GEXF (Gephi), CSV (spreadsheets), JSON.

:func:`export_graph` writes one format; ``kg export --format FORMAT`` is its command-line
twin. Attribute values that the format cannot hold (lists such as ``aliases`` or
``sources``, dicts) are written as JSON text, and ``None`` values are left out.

* ``graphml``: one file, as ``kg build`` writes (``networkx.read_graphml`` reads it).
* ``gexf``: one file for Gephi, nodes coloured by type as on the page
  (``networkx.read_gexf`` reads it).
* ``csv``: a folder with ``nodes.csv`` (``id``, ``type``, ``label``, then every other
  attribute) and ``edges.csv`` (``source``, ``target``, ``relation``, then the rest), UTF-8.
* ``json``: networkx node-link JSON, the same as ``graph.json``.

Example
-------
>>> import tempfile, csv
>>> from pathlib import Path
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_records(
...     {"paper:a": {"type": "paper", "label": "A", "aliases": ["AA"]},
...      "venue:v": {"type": "venue", "label": "V"}},
...     [("paper:a", "venue:v", "published_at", {"year": 2020})])
>>> d = Path(tempfile.mkdtemp())
>>> [p.name for p in export_graph(kg, d, "csv")]
['nodes.csv', 'edges.csv']
>>> list(csv.DictReader((d / "edges.csv").open(encoding="utf-8")))
[{'source': 'paper:a', 'target': 'venue:v', 'relation': 'published_at', 'year': '2020'}]
>>> export_graph(kg, d / "g.gexf", "gexf")[0].name
'g.gexf'
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.graph.knowledge_graph import graphml_text
from kg.io import atomic_write_text

if TYPE_CHECKING:  # pragma: no cover
    from kg.graph.knowledge_graph import KnowledgeGraph

__all__ = ["FORMATS", "export_graph", "default_destination"]

#: Formats :func:`export_graph` writes, with the file name each writes by default.
FORMATS: dict[str, str] = {
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
    "csv": ".",
    "json": "graph.json",
}

NODE_FIRST = ("id", "type", "label")
EDGE_FIRST = ("source", "target", "relation")


def default_destination(out: str | os.PathLike[str], format: str) -> Path:  # noqa: A002
    """Where ``kg export --format FORMAT`` writes inside the output folder ``out``.

    >>> default_destination("kg-out", "gexf").as_posix()
    'kg-out/graph.gexf'
    """
    return Path(out) / FORMATS[_check(format)]


def export_graph(
    kg: KnowledgeGraph,
    dest: str | os.PathLike[str],
    format: str | None = None,  # noqa: A002
) -> list[Path]:
    """Write ``kg`` in ``format`` to ``dest`` and return the files written.

    Args:
        kg: the graph.
        dest: the file to write (``graphml``, ``gexf``, ``json``), or the folder that gets
            ``nodes.csv`` and ``edges.csv`` (``csv``).
        format: one of :data:`FORMATS`; ``None`` takes it from ``dest``'s suffix.

    Raises:
        ValueError: an unknown format, or none given and ``dest`` has no known suffix.
    """
    dest = Path(dest)
    if format is None:
        format = dest.suffix.lstrip(".").lower()  # noqa: A001
        if format not in FORMATS:
            raise ValueError(
                f"{dest}: cannot tell the format from the name; give one of {', '.join(FORMATS)}"
            )
    format = _check(format)  # noqa: A001
    if format == "csv":
        dest.mkdir(parents=True, exist_ok=True)
        nodes = [{"id": n, **attrs} for n, attrs in kg.iter_nodes()]
        edges = [
            {"source": u, "target": v, **attrs, "relation": attrs.get("relation") or key}
            for u, v, key, attrs in kg.iter_edges()
        ]
        return [
            atomic_write_text(dest / "nodes.csv", _csv_text(nodes, NODE_FIRST)),
            atomic_write_text(dest / "edges.csv", _csv_text(edges, EDGE_FIRST)),
        ]
    dest.parent.mkdir(parents=True, exist_ok=True)
    if format == "graphml":
        text = graphml_text(kg)
    elif format == "json":
        text = kg.to_json_text()
    else:
        text = _gexf_text(kg)
    return [atomic_write_text(dest, text)]


def _check(format: str) -> str:  # noqa: A002
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")
    return format


def _flat(value: Any) -> Any:
    """A value a CSV cell or a GEXF attribute can hold: scalars as they are, the rest JSON."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _csv_text(rows: list[dict[str, Any]], first: tuple[str, ...]) -> str:
    rest = sorted({k for row in rows for k in row} - set(first) - {"key"})
    columns = [*first, *rest]
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if (v := _flat(row.get(k))) is None else v) for k in columns})
    return buf.getvalue()


def _gexf_text(kg: KnowledgeGraph) -> str:
    import networkx as nx

    from kg.graph.schema import type_colour

    g = nx.MultiDiGraph()
    types: list[str] = []
    for n, attrs in kg.iter_nodes():
        data = {k: _flat(v) for k, v in attrs.items() if v is not None}
        data["label"] = str(attrs.get("label") or n)
        # GEXF reserves "type" for its own use on edges only; on nodes it is a plain attribute
        t = str(attrs.get("type") or "")
        if t not in types:
            types.append(t)
        r, gr, b = _rgb(type_colour(t, types.index(t)))
        data["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}}
        g.add_node(n, **data)
    for u, v, key, attrs in kg.iter_edges():
        data = {k: _flat(v) for k, v in attrs.items() if v is not None and k != "type"}
        data.setdefault("relation", key)
        data["label"] = str(data["relation"])
        g.add_edge(u, v, **data)
    buf = io.BytesIO()
    nx.write_gexf(g, buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
