"""Whole-process latency of ``kg suggest`` with a cached model, against ``import networkx``.

Runs, alternately and ``--repeat`` times each, the real command a user types::

    kg suggest "Pruning from Scratch" --out DIR        # the installed console script

and ``python -c "import networkx"`` as the yardstick, and prints both medians and their
ratio. One more run under ``python -X importtime`` lists every imported module and checks
that none is ``torch`` (or ``torch_geometric``). The targets: median at most 1.0 s and at
most 3x the networkx import.

Without ``--out`` it first builds the seed notes (``seeds/``) and trains the default model
into a temporary folder (set-up, not timed; needs torch).

Usage::

    python benchmarks/suggest_latency.py                      # seed graph, trains first
    python benchmarks/suggest_latency.py --out kg-out --query "Pruning from Scratch"
    python benchmarks/suggest_latency.py --json
    python benchmarks/suggest_latency.py --out kg-out --cold  # without the suggest cache

``--json`` prints ``{"suggest_s", "networkx_s", "ratio", "torch_imported", "runs", ...}``.
Timings on a shared machine are noisy; the medians of alternating runs keep the ratio fair.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["prepare_seed_model", "suggest_command", "time_command", "imported_modules", "main"]


def prepare_seed_model(out: Path, seed: int = 0) -> Path:
    """Build ``seeds/`` and train the default model into ``out`` (the timed runs reuse it)."""
    code = (
        "import torch; torch.set_num_threads(1)\n"
        "from kg.pipeline import build\n"
        "from kg.learn.training import train\n"
        f"kg = build([{str(ROOT / 'seeds')!r}])\n"
        f"kg.save({str(out)!r})\n"
        f"train(kg, seed={seed}, progress=False).save({str(out)!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return out


def suggest_command(out: Path, query: str) -> list[str]:
    """The command line timed: the ``kg`` console script when installed, else its twin."""
    exe = shutil.which("kg")
    args = ["suggest", query, "--out", str(out)]
    if exe:
        return [exe, *args]
    return [sys.executable, "-c", "import sys; from kg.cli import cli; sys.exit(cli())", *args]


def time_command(cmd: list[str], remove: Path | None = None) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of ``cmd`` (must succeed).

    ``remove``: a file deleted just before the run (not timed), e.g. the suggest cache. CPU
    time is the steadier figure on a busy machine: waiting for a core does not count.
    """
    if remove is not None:
        remove.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def imported_modules(cmd: list[str]) -> list[str]:
    """Modules imported by ``cmd`` as reported by ``python -X importtime``."""
    if cmd[0] != sys.executable:  # the console script: run its code under -X importtime
        cmd = [sys.executable, "-X", "importtime", "-c",
               "import sys; from kg.cli import cli; sys.exit(cli())", *cmd[1:]]
    else:
        cmd = [cmd[0], "-X", "importtime", *cmd[1:]]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return [ln.split("|")[-1].strip() for ln in proc.stderr.splitlines() if ln.startswith("import time:")][1:]


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Run the benchmark and print the figures (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="folder with graph.json + a trained model")
    ap.add_argument("--query", default="Pruning from Scratch")
    ap.add_argument("--repeat", type=int, default=11, help="runs of each command (default 11)")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="delete the suggest index before every run (as if kg build had not written it)",
    )
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args(argv)

    tmp = None
    out = args.out
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="kg-suggest-bench-")
        out = prepare_seed_model(Path(tmp.name))
    try:
        sug_cmd = suggest_command(out, args.query)
        nx_cmd = [sys.executable, "-c", "import networkx"]
        cache = out / "suggest-index.npz" if args.cold else None
        time_command(sug_cmd)  # warm the file cache once, not counted
        time_command(nx_cmd)
        sug, nx, sug_cpu, nx_cpu = [], [], [], []
        for _ in range(args.repeat):  # alternate so that load on the machine hits both alike
            wall, cpu = time_command(sug_cmd, remove=cache)
            sug.append(wall)
            sug_cpu.append(cpu)
            wall, cpu = time_command(nx_cmd)
            nx.append(wall)
            nx_cpu.append(cpu)
        modules = imported_modules(sug_cmd)
        torch_mods = sorted(m for m in modules if m.split(".")[0] in ("torch", "torch_geometric"))
        graph_nodes = len(json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"])
        result: dict[str, object] = {
            "suggest_s": round(statistics.median(sug), 4),
            "networkx_s": round(statistics.median(nx), 4),
            "ratio": round(statistics.median(sug) / statistics.median(nx), 3),
            "suggest_cpu_s": round(statistics.median(sug_cpu), 4),
            "networkx_cpu_s": round(statistics.median(nx_cpu), 4),
            "cpu_ratio": round(statistics.median(sug_cpu) / statistics.median(nx_cpu), 3),
            "torch_imported": bool(torch_mods),
            "modules_imported": len(modules),
            "graph_nodes": graph_nodes,
            "cold": bool(args.cold),
            "runs": args.repeat,
            "suggest_runs_s": [round(x, 4) for x in sug],
            "networkx_runs_s": [round(x, 4) for x in nx],
            "command": " ".join(sug_cmd),
        }
    finally:
        if tmp is not None:
            tmp.cleanup()

    ok_abs = result["suggest_s"] <= 1.0  # type: ignore[operator]
    ok_rel = result["ratio"] <= 3.0  # type: ignore[operator]
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"command:                 {result['command']}")
        print(f"graph nodes:             {graph_nodes}"
              f"{'  (cold: the suggest index deleted before every run)' if args.cold else ''}")
        print(f"kg suggest (median of {args.repeat}): {result['suggest_s']:.3f} s  "
              f"[{'ok' if ok_abs else 'OVER'} <= 1.0 s]")
        print(f"import networkx (median): {result['networkx_s']:.3f} s")
        print(f"ratio:                   {result['ratio']:.2f}x  [{'ok' if ok_rel else 'OVER'} <= 3x]")
        print(f"CPU time (user+sys, medians): kg suggest {result['suggest_cpu_s']:.3f} s, "
              f"import networkx {result['networkx_cpu_s']:.3f} s, ratio {result['cpu_ratio']:.2f}x")
        print(f"torch imported (-X importtime): {'YES: ' + ', '.join(torch_mods) if torch_mods else 'no'}"
              f"  ({len(modules)} modules in all)")
    return result


if __name__ == "__main__":
    main()
