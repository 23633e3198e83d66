"""Speed of the symmetry analysis: stable 1-WL on 100,000 nodes, orbits of the corpus graph.

Prints (median of ``--repeat`` runs, after one warm-up):

* stable 1-WL colour refinement (types as initial colours) on a seeded random typed graph of
  100,000 nodes and 300,000 edges with a heavy-tailed degree distribution (target: <= 5 s);
* exact automorphism orbits (types as colours) of the graph built from all of
  ``../shared/corpus`` (target: <= 10 s), with its colour and orbit counts;
* 1-WL colours against orbits on Cora and CiteSeer (CiteSeer: 2090 colours, 2091 orbits).

Usage::

    python benchmarks/symmetry_speed.py [--corpus ../shared/corpus] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from kg.symmetry.orbits import automorphism_orbits
from kg.symmetry.structure import structure_of
from kg.symmetry.wl import wl_refine

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def random_typed_graph(n: int = 100_000, m: int = 300_000, types: int = 5, seed: int = 0):
    """Seeded heavy-tailed random graph: one endpoint by Pareto weight, the other uniform."""
    rng = np.random.default_rng(seed)
    w = rng.pareto(2.0, n) + 1.0
    edges = np.stack([rng.choice(n, m, p=w / w.sum()), rng.integers(0, n, m)], axis=1)
    return edges, rng.integers(0, types, n)


def timed(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm-up
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--planetoid", default=str(SHARED / "data" / "planetoid"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res: dict[str, dict] = {}

    edges, types = random_typed_graph()
    secs, colors = timed(lambda: wl_refine(100_000, edges, types), args.repeat)
    res["wl_100k"] = {"nodes": 100_000, "edges": int(len(edges)), "seconds": secs,
                      "colors": int(colors.max()) + 1, "limit_s": 5.0}

    if Path(args.corpus).exists():
        from kg.pipeline import build

        s = structure_of(build(args.corpus))
        secs, orbits = timed(lambda: automorphism_orbits(s.n, s.edges, s.types), args.repeat)
        wl = wl_refine(s.n, s.edges, s.types)
        res["orbits_corpus"] = {"nodes": s.n, "edges": int(len(s.edges)), "seconds": secs,
                                "orbits": int(orbits.max()) + 1, "wl_colors": int(wl.max()) + 1,
                                "limit_s": 10.0}
    if Path(args.planetoid).exists():
        from torch_geometric.io import read_planetoid_data

        for name in ("Cora", "CiteSeer"):
            d = read_planetoid_data(args.planetoid, name)
            e = d.edge_index.t().numpy()
            secs, orbits = timed(lambda e=e, n=d.num_nodes: automorphism_orbits(n, e), args.repeat)
            wl = wl_refine(d.num_nodes, e)
            res[name] = {"nodes": d.num_nodes, "wl_colors": int(wl.max()) + 1,
                         "orbits": int(orbits.max()) + 1, "orbit_seconds": secs}

    if args.json:
        print(json.dumps(res, indent=1))
        return
    w = res["wl_100k"]
    print(f"stable 1-WL, {w['nodes']:,} nodes / {w['edges']:,} edges: {w['seconds']:.2f} s "
          f"({w['colors']:,} colours; limit {w['limit_s']:.0f} s)")
    if "orbits_corpus" in res:
        o = res["orbits_corpus"]
        print(f"orbits, all-corpus graph ({o['nodes']:,} nodes / {o['edges']:,} edges): "
              f"{o['seconds']:.2f} s ({o['orbits']:,} orbits, {o['wl_colors']:,} 1-WL colours; "
              f"limit {o['limit_s']:.0f} s)")
    for name in ("Cora", "CiteSeer"):
        if name in res:
            r = res[name]
            print(f"{name}: {r['wl_colors']:,} 1-WL colours, {r['orbits']:,} orbits "
                  f"({r['orbit_seconds']:.2f} s)")


if __name__ == "__main__":
    main()
