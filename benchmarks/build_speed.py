"""Build speed: ``kg build --no-train`` against obsidiantools on the same folder.

Both are timed as whole processes, start-up and imports included:

* ``kg``: ``python -m kg build --no-train FOLDER --out TMP`` (graph.json, graph.graphml,
  graph.html and the summary table all written), ``--repeat`` runs, median wall time;
* ``obsidiantools``: ``Vault(Path(FOLDER)).connect().gather()`` in a fresh
  ``python -c`` process, ``--obsidian-repeat`` runs, median wall time.

The ratio is obsidiantools' median over kg's (the target is at least 20). Before timing,
the ``kg`` package is byte-compiled once (as ``pip install`` does for a regular install;
this machine sets ``PYTHONDONTWRITEBYTECODE``, so an editable install would otherwise
recompile every module on every run); ``--no-compile`` skips that. One warm-up run of
kg fills the operating system's file cache (obsidiantools reads the same files after it). CPU time (user + system) of each child
is reported too: on a shared machine it is less disturbed by other load than wall time.

Example::

    python benchmarks/build_speed.py                    # text
    python benchmarks/build_speed.py --json             # {"kg_s":..., "obsidiantools_s":..., "ratio":...}
    python benchmarks/build_speed.py --repeat 3 --obsidian-repeat 1
    python benchmarks/build_speed.py --no-obsidian --stages   # where kg's time goes
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOG = ROOT.parent / "shared" / "corpus" / "blog-smartadpole-zh"

# One fresh process that runs the build's stages one by one and prints each one's CPU time.
STAGES = """
import io, json, sys, time
T = time.process_time
out = {}
t = T(); import kg.cli; out["import kg.cli + click"] = T() - t
t = T(); import kg.pipeline, kg.notes.extraction; out["import build + extract"] = T() - t
t = T(); import rich.console, rich.table; out["import rich"] = T() - t
from kg.pipeline import assemble, discover, extract_all
from kg.graph.export import graphml_text
from kg.graph.resolution import resolve
t = T(); files, _ = discover([sys.argv[1]]); out["discover"] = T() - t
t = T(); res, _ = extract_all(files, jobs=1); out["extract (1 process)"] = T() - t
exts = [r for r in res if hasattr(r, "mentions")]
t = T(); r = resolve(exts); out["resolve"] = T() - t
t = T(); g = assemble(exts, r); out["assemble"] = T() - t
t = T(); g.to_json_text(); out["graph.json text"] = T() - t
t = T(); graphml_text(g); out["graph.graphml text"] = T() - t
t = T(); from kg.render import render_html; render_html(g); out["graph.html (render + import)"] = T() - t
t = T(); from kg.graph.summary import print_summary; print_summary(g, file=io.StringIO()); out["summary"] = T() - t
out["mentions"] = sum(len(e.mentions) for e in exts)
out["nodes"] = len(g)
print(json.dumps(out))
"""

OBSIDIAN = (
    "import sys\n"
    "from pathlib import Path\n"
    "from obsidiantools.api import Vault\n"
    "Vault(Path(sys.argv[1])).connect().gather()\n"
)


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, CPU seconds of the child). Raises on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(cmd: list[str], repeat: int, warmup: bool = True) -> dict[str, float | list[float]]:
    if warmup:
        timed(cmd)  # file cache, byte-code
    runs = [timed(cmd) for _ in range(repeat)]
    walls = [w for w, _ in runs]
    cpus = [c for _, c in runs]
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "cpu_median_s": statistics.median(cpus),
        "runs_s": [round(w, 3) for w in walls],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", default=str(BLOG), help="notes folder (default: the blog)")
    ap.add_argument("--repeat", type=int, default=7, help="kg runs (median)")
    ap.add_argument("--obsidian-repeat", type=int, default=3, help="obsidiantools runs (median)")
    ap.add_argument("--no-obsidian", action="store_true", help="time kg only")
    ap.add_argument("--no-compile", action="store_true", help="do not byte-compile kg first")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--stages", action="store_true", help="also print CPU seconds per stage")
    ap.add_argument("--jobs", type=int, help="pass --jobs N to kg build (default: its own rule)")
    args = ap.parse_args(argv)

    folder = Path(args.folder)
    if not folder.is_dir():
        raise SystemExit(f"{folder}: no such folder (the corpora live in ../shared)")
    if not args.no_compile:
        compileall.compile_dir(ROOT / "kg", quiet=1)

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        kg_cmd = [sys.executable, "-m", "kg", "build", "--no-train", str(folder), "--out", tmp]
        if args.jobs:
            kg_cmd += ["--jobs", str(args.jobs)]
        kg = measure(kg_cmd, args.repeat)
        outputs = sorted(p.name for p in Path(tmp).iterdir())
    result: dict[str, object] = {"kg_s": round(float(kg["median_s"]), 3)}
    obs = None
    if not args.no_obsidian:
        obs_cmd = [sys.executable, "-c", OBSIDIAN, str(folder)]
        obs = measure(obs_cmd, args.obsidian_repeat, warmup=False)  # kg's runs warmed the files
        result["obsidiantools_s"] = round(float(obs["median_s"]), 3)
        result["ratio"] = round(float(obs["median_s"]) / float(kg["median_s"]), 1)
        # CPU seconds: a second view, less disturbed when other processes share the cores
        result["kg_cpu_s"] = round(float(kg["cpu_median_s"]), 3)
        result["obsidiantools_cpu_s"] = round(float(obs["cpu_median_s"]), 3)
        result["cpu_ratio"] = round(float(obs["cpu_median_s"]) / float(kg["cpu_median_s"]), 1)
    result["load_average"] = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    if args.stages:
        proc = subprocess.run(
            [sys.executable, "-c", STAGES, str(folder)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        result["stages_cpu_s"] = {
            k: round(v, 3) if isinstance(v, float) else v
            for k, v in json.loads(proc.stdout).items()
        }
    if args.json:
        print(json.dumps(result))
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"folder: {folder}  (load average {load:.2f}, {os.cpu_count()} CPUs)")
    print(
        f"kg build --no-train: median {kg['median_s']:.3f} s, min {kg['min_s']:.3f} s, "
        f"CPU {kg['cpu_median_s']:.3f} s  runs {kg['runs_s']}  wrote {', '.join(outputs)}"
    )
    if obs is not None:
        print(
            f"obsidiantools Vault.connect().gather(): median {obs['median_s']:.3f} s, "
            f"CPU {obs['cpu_median_s']:.3f} s  runs {obs['runs_s']}"
        )
        print(f"ratio: {result['ratio']}x wall, {result['cpu_ratio']}x CPU (target >= 20x)")
    for stage, value in dict(result.get("stages_cpu_s", {})).items():
        print(f"  {stage:30s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
