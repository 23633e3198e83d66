"""Print and save a :class:`~kg.symmetry.report.SymmetryReport` (``kg symmetry``'s output).

:func:`format_report` gives the text report (counts, the largest classes with example labels,
WL classes coarser than orbits, the embedding checks, the table, the depth rows);
:func:`write_report` writes ``DIR/symmetry.json`` and ``DIR/symmetry.html`` (the graph page
coloured by orbit, through :func:`kg.render.write_html`), both atomically, and rewrites
``DIR/graph.html`` when there is one so that its selected nodes show their orbit-mates.

Example
-------
>>> from kg.symmetry.report import SymmetryReport
>>> r = SymmetryReport(
...     orbits=[["A", "B"]], wl_classes=[["A", "B"]], orbit_ids=[["paper:a", "paper:b"]],
...     wl_ids=[["paper:a", "paper:b"]], wl_coarser=[], counts={"nodes": 3, "orbits": 2},
...     embedding_max_within_orbit=0.0, embedding_min_across_wl=0.5, wl_pairs_separated=1.0,
...     ties={"queries": 1, "max_spread": 0.0, "example": None},
...     table={"plain_gnn": {"accuracy": 0.5, "auc": 0.5}}, ceilings={})
>>> print(format_report(r).splitlines()[0])
Symmetry: 3 nodes, 2 orbits
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

from kg.io import SYMMETRY_HTML, SYMMETRY_MIRROR_JSON, atomic_write_text
from kg.render.payload import SYMMETRY_JSON, read_report_data
from kg.symmetry.report import SymmetryReport

__all__ = [
    "JSON_NAME",
    "MIRROR_JSON_NAME",
    "HTML_NAME",
    "format_report",
    "write_report",
    "read_report_data",
    "refresh_graph_page",
]

JSON_NAME = SYMMETRY_JSON
#: The report of a ``mirror=True`` analysis (kept beside, not over, the plain one).
MIRROR_JSON_NAME = SYMMETRY_MIRROR_JSON
HTML_NAME = SYMMETRY_HTML

_ROW_NAMES = {
    "plain_gnn": "plain GNN (type features)",
    "ceiling": "ceiling (L-round 1-WL)",
    "ceiling_stable": "ceiling (stable 1-WL)",
    "ceiling_orbit": "ceiling (orbits)",
    "labeling_trick": "labeling trick",
    "random_features": "random features",
    "text_features": "text features",
}


_TABLE_PAIRS = {
    "typed_negatives": "Held-out links and their typed negatives",
    "mirror": "Mirrored graph: held-out links and their mirror negatives",
}


def _short(labels: list[str], k: int = 4) -> str:
    shown = ", ".join(labels[:k])
    return shown + (f", ... (+{len(labels) - k})" if len(labels) > k else "")


def format_report(report: SymmetryReport, *, top: int = 10) -> str:
    """The human-readable report (plain text, one screen for the largest ``top`` classes)."""
    c = report.counts
    lines = [f"Symmetry: {c.get('nodes', '?')} nodes, {c.get('orbits', '?')} orbits"]
    if "wl_colors" in c:
        lines.append(
            f"  1-WL colours: {c['wl_colors']} (types as initial colours), "
            f"{c.get('wl_colors_structure_only', '?')} (structure only)"
        )
    if "automorphisms_log10" in c:
        lines.append(f"  automorphism group: about 10^{c['automorphisms_log10']:.1f} elements")
    lines.append(f"\nNon-trivial orbits: {len(report.orbits)} (largest first)")
    for labels in report.orbits[:top]:
        lines.append(f"  [{len(labels)}] {_short(labels)}")
    lines.append(f"\nWL classes strictly coarser than orbits: {len(report.wl_coarser)}")
    for item in report.wl_coarser[:top]:
        parts = " | ".join(_short(o, 2) for o in item["orbits"])
        lines.append(f"  [{len(item['wl_class'])} nodes, {len(item['orbits'])} orbits] {parts}")
    lines.append("\nStructure-only GNN embeddings:")
    lines.append(f"  max distance within an orbit: {report.embedding_max_within_orbit:.2e}")
    lines.append(f"  min distance across 1-WL classes: {report.embedding_min_across_wl:.3g}")
    lines.append(f"  WL-class pairs separated (> 1e-4): {report.wl_pairs_separated:.1%}")
    ex = report.ties.get("example")
    lines.append(
        f"  largest score spread inside a candidate orbit over {report.ties.get('queries', 0)} "
        f"queries: {report.ties.get('max_spread', 0.0):.2e}"
    )
    if ex:
        lines.append(f"  e.g. query {ex['query']!r}: tied candidates {_short(ex['candidates'], 3)}")
    n_table = c.get("table_pairs", c.get("test_pairs", "?"))
    what = _TABLE_PAIRS.get(report.config.get("table_pairs", ""), _TABLE_PAIRS["typed_negatives"])
    lines.append(f"\n{what} ({n_table} pairs): accuracy (best threshold) and AUC")
    lines.append(f"  {'model':30s} {'accuracy':>9s} {'AUC':>7s}")
    for key, row in report.table.items():
        lines.append(f"  {_ROW_NAMES.get(key, key):30s} {row['accuracy']:9.3f} {row['auc']:7.3f}")
    w = report.ceilings.get("wl_rounds")
    if w:
        lines.append(
            f"  L-round ceiling: {w['rounds']} rounds of 1-WL from {w['initial']} "
            f"({w['colors']} colours; the plain GNN's layers and inputs)"
        )
    if "plain_gnn_within_ceiling" in report.checks:
        ok = report.checks["plain_gnn_within_ceiling"]
        lines.append(f"  plain GNN at or under the L-round ceiling on every pair set: {ok}")
    ceiling = report.table.get("ceiling", {})
    if not report.config.get("mirror") and min(ceiling.get("accuracy", 0), ceiling.get("auc", 0)) >= 0.99:
        lines.append(
            "  (nearly every pair has classes of its own here, so the ceiling is about 1 and\n"
            "   nothing can pass it; `kg symmetry --mirror` shows the case the labeling trick is for)"
        )
    rows = [*report.table, "ceiling_orbit"]
    for name, sub in report.table_by_pairs.items():
        if name == report.config.get("table_pairs", "typed_negatives") or "ceiling" not in sub:
            continue
        lines.append(f"\n  on {name} ({sub['pairs']} pairs, {sub['positives']} positive):")
        for key in rows:
            if key in sub:
                row = sub[key]
                lines.append(f"  {_ROW_NAMES.get(key, key):30s} {row['accuracy']:9.3f} {row['auc']:7.3f}")
        if "separable_by_individualised_wl" in sub:
            lines.append(
                f"  orbit-mate negatives 1-WL tells apart once the query is marked: "
                f"{sub['separable_by_individualised_wl']}"
            )
    if report.depth:
        lines.append("\nDepth: validation MRR and smoothness")
        lines.append(f"  {'layers':>6s} {'val MRR':>8s} {'hits@10':>8s} {'cosine':>7s} {'dirichlet':>9s}")
        for r in report.depth:
            lines.append(
                f"  {r['layers']:6d} {r['val_mrr']:8.3f} {r['val_hits@10']:8.3f} "
                f"{r['cosine']:7.3f} {r['dirichlet']:9.3f}"
            )
    return "\n".join(lines)


def write_report(report: SymmetryReport, out: str | os.PathLike[str], kg: Any = None) -> dict[str, Path]:
    """Write ``out/symmetry.json`` and, when ``kg`` is given, ``out/symmetry.html``.

    A mirrored report (``report.config["mirror"]``) goes to ``out/symmetry-mirror.json``.

    The page is the graph page with every node's orbit id as its symmetry class (classes of
    two or more nodes get a colour, singletons stay grey).
    """
    out = Path(out)
    name = MIRROR_JSON_NAME if report.config.get("mirror") else JSON_NAME
    files = {"json": atomic_write_text(out / name, report.to_json())}
    if kg is not None:
        from kg.render import write_html
        from kg.symmetry.orbits import orbit_of

        data = report.to_dict()
        files["html"] = write_html(
            kg, out / HTML_NAME, symmetry=orbit_of(kg), title="Symmetry classes (orbits)",
            colour_by="symmetry", symmetry_report=data,
        )
        page = refresh_graph_page(out, kg, data)
        if page is not None:
            files["page"] = page
    return files


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def refresh_graph_page(out: str | os.PathLike[str], kg: Any, data: dict[str, Any]) -> Path | None:
    """Rewrite ``out/graph.html``, when it exists, with the orbits of report ``data``.

    The page keeps its title and gets its suggestions again from the model in ``out`` (none
    when there is no model or it is stale). Returns the page's path, or ``None`` when there
    is no page to refresh.
    """
    from kg.render import HTML_NAME as PAGE_NAME
    from kg.render import write_html

    page = Path(out) / PAGE_NAME
    if not page.is_file():
        return None
    suggestions = None
    try:
        from kg.suggest.suggester import Suggester

        suggester = Suggester.load(out)
        if not suggester.stale:
            suggestions = suggester.suggestions_for_all(k=5)
    except (FileNotFoundError, ValueError):
        pass
    found = _TITLE.search(page.read_text(encoding="utf-8", errors="replace")[:4000])
    title = html.unescape(found.group(1)) if found else None
    return write_html(kg, page, suggestions=suggestions, symmetry_report=data, title=title)
