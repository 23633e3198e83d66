"""Permutation invariance on the knowledge graph: who a GNN cannot tell apart, and the remedy.

* :mod:`kg.symmetry.wl` — 1-WL colour refinement (vectorised NumPy): stable, and the
  ``L``-round classes of an ``L``-layer GNN (:func:`gnn_colors`).
* :mod:`kg.symmetry.orbits` — exact automorphism orbits (igraph / bliss), :func:`orbit_of`.
* :mod:`kg.symmetry.ceiling` — the best accuracy/AUC of any class-pair scorer (the ceilings).
* :mod:`kg.symmetry.labeling` — the labeling trick (SEAL-style labelled subgraphs).
* :mod:`kg.symmetry.mirror` — two copies of a graph, where node-level ties are not pair ties.
* :mod:`kg.symmetry.depth` — validation MRR and over-smoothing against depth.
* :mod:`kg.symmetry.report` — :func:`analyze_symmetry` tying them together.

Importing this package does not import torch; only training does.

Example
-------
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> for n, t in [("method:m", "method"), ("paper:a", "paper"), ("paper:b", "paper")]:
...     g.add_node(n, type=t)
>>> g.add_edges_from([("paper:a", "method:m"), ("paper:b", "method:m")])
[0, 0]
>>> o = orbit_of(g)
>>> o["paper:a"] == o["paper:b"] != o["method:m"]
True
"""

from __future__ import annotations

from kg.symmetry.ceiling import Ceiling, expressivity_ceiling
from kg.symmetry.orbits import automorphism_count, automorphism_orbits, orbit_of
from kg.symmetry.report import SymmetryReport, analyze_symmetry
from kg.symmetry.wl import gnn_colors, wl_colors, wl_refine

__all__ = [
    "analyze_symmetry",
    "SymmetryReport",
    "orbit_of",
    "wl_colors",
    "wl_refine",
    "gnn_colors",
    "automorphism_orbits",
    "automorphism_count",
    "expressivity_ceiling",
    "Ceiling",
]
