"""The related-works protocol on the shared corpora: leave one curated paper list out.

Each paper list found in the first notes folder (default ``../shared/corpus``: its
sub-folders that read as paper lists) is held out in turn; the graph of all the other notes
(the rest of that folder plus ``--extra`` folders, by default the English blog and the vault
in ``../shared/corpus-extra``) is built and trained, and the list's papers it still holds
are ranked for each other, papers under one section counting as related. Prints the table
(or ``--json``) with the time taken and the load average.

Usage::

    python benchmarks/related_works.py                         # ../shared/corpus + extras
    python benchmarks/related_works.py --json --cache /tmp/related-cache
    python benchmarks/related_works.py NOTES --extra MORE --list NOTES/some-list
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.related_eval import evaluate_related, format_related  # noqa: E402

SHARED = ROOT.parent / "shared"


def add_protocol_arguments(parser: argparse.ArgumentParser) -> None:
    """The protocol's arguments (notes, ``--extra``, ``--list``, ``--cache``, ``--epochs``),
    shared with ``benchmarks/related_ceiling.py``."""
    parser.add_argument("notes", nargs="?", default=str(SHARED / "corpus"),
                        help="folder whose sub-folders hold the paper lists (and other notes)")
    parser.add_argument("--extra", action="append", default=None,
                        help="more notes, never held out (default: the blog and vault in "
                        "../shared/corpus-extra)")
    parser.add_argument("--list", action="append", default=None, dest="lists",
                        help="a paper list to hold out (default: every one found)")
    parser.add_argument("--cache", default="/tmp/kg-related-cache",
                        help="extraction and model cache (reruns are quick)")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default kg's)")


def protocol_notes(args: argparse.Namespace) -> list[str]:
    """The notes the protocol builds from: ``args.notes`` and the ``--extra`` folders that
    exist (by default the English blog and the vault in ``../shared/corpus-extra``)."""
    extra = args.extra if args.extra is not None else [
        str(SHARED / "corpus-extra" / "blog-bair-en"),
        str(SHARED / "corpus-extra" / "vault-ericwiener-en"),
    ]
    return [args.notes, *[e for e in extra if Path(e).exists()]]


def timing(t0: float, cpu0: float) -> dict[str, Any]:
    """Wall and CPU seconds since ``t0`` / ``cpu0`` and the load average now."""
    return {
        "wall_s": round(time.perf_counter() - t0, 1),
        "cpu_s": round(time.process_time() - cpu0, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_protocol_arguments(parser)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if not Path(args.notes).exists():
        print(f"{args.notes}: no such folder", file=sys.stderr)
        return 1
    options = {"epochs": args.epochs} if args.epochs else {}
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    result = evaluate_related(protocol_notes(args), args.lists, seed=args.seed, cache_dir=args.cache,
                              **options)
    result["timing"] = timing(t0, cpu0)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(format_related(result))
        t = result["timing"]
        print(f"\n{t['wall_s']} s wall, {t['cpu_s']} s CPU; load average {t['load_average']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
