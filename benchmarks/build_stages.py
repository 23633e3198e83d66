"""Where the time of one ``kg build`` goes: wall and CPU seconds of each pipeline stage.

Wraps the pipeline's stage functions with timers (nothing else changes) and runs ``kg build``
with the given arguments in this process; each stage prints one line on stderr when it
ends, with the seconds since start. The CPU seconds are this process's (all its threads,
not its child processes). Torch is imported up front (the wrappers need its modules), so
the start-up differs from a plain ``kg build`` by about two seconds.

Usage::

    python benchmarks/build_stages.py build NOTES --out OUT [kg build options]
"""

from __future__ import annotations

import functools
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START = time.perf_counter()

#: (module, function) of each stage, in pipeline order.
STAGES = [
    ("kg.pipeline", "extract_all"),
    ("kg.pipeline", "build"),
    ("kg.learn.features", "node_features"),
    ("kg.learn.minibatch", "fit_link_model_minibatch"),
    ("kg.learn.training", "fit_link_model"),
    ("kg.suggest.related", "note_pair_rows"),
    ("kg.suggest.related", "cross_fit_head"),
    ("kg.suggest.related", "learn_ranker"),
    ("kg.suggest.related", "fit_relatedness"),
    ("kg.learn.training", "train"),
    ("kg.suggest.index", "page_suggestions"),
    ("kg.pipeline", "_train_step"),
    ("kg.render", "write_html"),
    ("kg.pipeline", "write_outputs"),
    ("kg.suggest.index", "write_suggest_index"),
    ("kg.pipeline", "_write_step"),
]


def _timed(name: str, fn):  # noqa: ANN001, ANN202 - any callable
    @functools.wraps(fn)
    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            now = time.perf_counter()
            print(f"[stage] {name}: {now - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU "
                  f"(ends at {now - START:.1f} s)", file=sys.stderr, flush=True)

    return run


def main(argv: list[str]) -> int:
    originals = {}
    for mod_name, fn_name in STAGES:
        mod = importlib.import_module(mod_name)
        originals[(mod_name, fn_name)] = getattr(mod, fn_name)
        setattr(mod, fn_name, _timed(f"{mod_name}.{fn_name}", getattr(mod, fn_name)))
    # names imported into other modules before the wrapping point at the wrapper too
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("kg"):
            for (mod_name, fn_name), fn in originals.items():
                if getattr(module, fn_name, None) is fn:
                    setattr(module, fn_name, getattr(sys.modules[mod_name], fn_name))
    from kg.cli import cli

    try:
        cli.main(argv, standalone_mode=False)
    finally:
        print(f"[stage] total: {time.perf_counter() - START:.1f} s wall, "
              f"{time.process_time():.1f} s CPU", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
