"""How much room a graph leaves the labeling trick above the plain GNN's ceiling.

A node-level GNN must give ``(u, v)`` and ``(u, w)`` the same score when ``v`` and ``w`` share
its classes (``L`` rounds of 1-WL from type + degree, :func:`kg.symmetry.wl.gnn_colors`). A
pair model such as the labeling trick can score them apart only if the two pairs differ once
``u`` is marked (1-WL with ``u`` individualised gives ``v`` and ``w`` different colours). For
each graph this prints:

* non-trivial automorphism orbits (types as colours) and how many are **false-twin** orbits
  (all members have the same neighbours: swapping two of them fixes every other node, so
  ``(u, v)`` and ``(u, w)`` are the same link up to isomorphism for every ``u``);
* leave-one-out over target links (all of them, or a seeded sample of ``--sample``): remove
  ``(u, v)``, then count links where ``v`` (or ``u``) has a **tied candidate** — a node of its
  class not linked to the other end — and links where some tied candidate is **separable**
  with the query marked. Only separable ones leave the labeling trick room above the ceiling.

Usage::

    python benchmarks/symmetry_room.py [--seeds seeds] [--corpus ../shared/corpus] [--sample 400] [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from kg.symmetry.orbits import automorphism_orbits
from kg.symmetry.structure import adjacency, structure_of
from kg.symmetry.wl import gnn_colors, wl_refine

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def room(kg, *, sample: int | None = None, layers: int = 2, seed: int = 0) -> dict[str, int]:
    """The counts described in the module docstring for one knowledge graph."""
    from kg.learn.pyg import to_link_graph

    s = structure_of(kg)
    n, edges = s.n, s.edges
    orb = automorphism_orbits(n, edges, s.types)
    a = adjacency(n, edges)
    neighbours = [frozenset(a.indices[a.indptr[i] : a.indptr[i + 1]].tolist()) for i in range(n)]
    sizes = np.bincount(orb)
    nontrivial = [o for o in range(len(sizes)) if sizes[o] > 1]
    twins = sum(len({neighbours[i] for i in np.flatnonzero(orb == o)}) == 1 for o in nontrivial)

    target = to_link_graph(kg, "type").target.t().numpy()
    order = np.random.default_rng(seed).permutation(len(target))
    if sample is not None:
        order = order[:sample]
    tied = separable = 0
    for k in order:
        u, v = target[k]
        keep = ~(((edges[:, 0] == u) & (edges[:, 1] == v)) | ((edges[:, 0] == v) & (edges[:, 1] == u)))
        e = edges[keep]
        deg = np.bincount(e.ravel(), minlength=n)
        classes = gnn_colors(n, e, s.types, layers, degree=deg)
        ak = adjacency(n, e)
        has_tie = has_sep = False
        for q, t in ((u, v), (v, u)):
            linked = set(ak.indices[ak.indptr[q] : ak.indptr[q + 1]].tolist()) | {q, t}
            mates = [w for w in np.flatnonzero(classes == classes[t]) if w not in linked]
            if not mates:
                continue
            has_tie = True
            marked = wl_refine(n, e, s.types * 2 + (np.arange(n) == q))
            has_sep |= any(marked[w] != marked[t] for w in mates)
        tied += has_tie
        separable += has_sep
    return {
        "nodes": n,
        "target_links": int(len(target)),
        "nontrivial_orbits": len(nontrivial),
        "twin_orbits": int(twins),
        "links_tested": int(len(order)),
        "links_with_tied_candidate": int(tied),
        "links_with_separable_tied_candidate": int(separable),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--sample", type=int, default=400, help="links tested on the corpus graph")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from kg.pipeline import build

    res = {"seed": room(build(args.seeds))}
    if Path(args.corpus).exists():
        res["corpus"] = room(build(args.corpus), sample=args.sample)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    for name, r in res.items():
        print(
            f"{name}: {r['nodes']:,} nodes, {r['nontrivial_orbits']} non-trivial orbits "
            f"({r['twin_orbits']} false-twin orbits); of {r['links_tested']} held-out links "
            f"(of {r['target_links']:,}), {r['links_with_tied_candidate']} have a candidate the "
            f"plain GNN must tie with the true one, {r['links_with_separable_tied_candidate']} one "
            "the labeling trick could tell apart"
        )


if __name__ == "__main__":
    main()
