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
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.io import atomic_write_text

if TYPE_CHECKING:  # pragma: no cover
    from kg.graph.knowledge_graph import KnowledgeGraph

__all__ = ["FORMATS", "export_graph", "default_destination", "graphml_text"]

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


# -- GraphML -------------------------------------------------------------------------------
_GRAPHML_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)



_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_ATTR_SPECIAL = re.compile('[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _xml_text(text: str) -> str:
    """Escape ``&<>`` and drop the control characters XML forbids (fast when there are none)."""
    if _XML_SPECIAL.search(text) is None:
        return text
    text = _XML_BAD.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    if _XML_ATTR_SPECIAL.search(text) is None:
        return text
    text = _xml_text(text).replace('"', "&quot;")
    return text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def _graphml_value(value: Any) -> tuple[str, str] | None:
    """``(GraphML type, text)`` of an attribute value; ``None`` values are left out."""
    if value is None:
        return None
    if isinstance(value, str):
        return "string", _xml_text(value)
    if isinstance(value, bool):
        return "boolean", "true" if value else "false"
    if isinstance(value, int):
        return "long", str(value)
    if isinstance(value, float):
        return "double", repr(value)
    if isinstance(value, list) and not value:
        return "string", "[]"
    return "string", _xml_text(_ENCODER.encode(value))


def graphml_text(kg: KnowledgeGraph) -> str:
    """GraphML for Gephi and ``networkx.read_graphml``.

    Lists and dicts become JSON strings and ``None`` values are left out; an attribute that
    holds values of several kinds is declared as a string.

    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.from_records({"venue:icml": {"type": "venue", "label": "ICML"}}, [])
    >>> "ICML</data>" in graphml_text(kg)
    True
    """
    declared: dict[tuple[str, str], tuple[str, set[str]]] = {}

    def data(domain: str, attrs: dict[str, Any], indent: str) -> list[str]:
        out = []
        for name, value in attrs.items():
            got = _graphml_value(value)
            if got is None:
                continue
            slot = declared.get((domain, name))
            if slot is None:
                slot = declared[(domain, name)] = (f"{domain[0]}{len(declared)}", set())
            slot[1].add(got[0])
            out.append(f'{indent}<data key="{slot[0]}">{got[1]}</data>\n')
        return out

    body: list[str] = ['  <graph edgedefault="directed">\n']
    body += data("graph", kg.meta(), "    ")
    for n, attrs in kg.iter_nodes():
        body.append(f'    <node id="{_xml_attr(n)}">\n')
        body += data("node", attrs, "      ")
        body.append("    </node>\n")
    for u, v, key, attrs in kg.iter_edges():
        body.append(
            f'    <edge source="{_xml_attr(u)}" target="{_xml_attr(v)}" id="{_xml_attr(key)}">\n'
        )
        body += data("edge", attrs, "      ")
        body.append("    </edge>\n")
    body.append("  </graph>\n</graphml>\n")
    keys = []
    for (domain, name), (kid, kinds) in declared.items():
        kind = next(iter(kinds)) if len(kinds) == 1 else "string"
        keys.append(
            f'  <key id="{kid}" for="{domain}" attr.name="{_xml_attr(name)}"'
            f' attr.type="{kind}" />\n'
        )
    return "".join([_GRAPHML_HEAD, *keys, *body])
