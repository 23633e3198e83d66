"""Extraction quality: strict precision per node type per corpus, from hand judgments.

For each corpus the graph is built (``kg.build``, no training) and a fixed-seed sample of at
most ``--per-type`` nodes of each type (method, topic, paper, venue) is drawn. Each sampled
node was judged by hand from its source line (``tests/data/judgments/<corpus>-seed<N>.csv``,
one row per node: corpus, type, node id, label, path, line, the source line, verdict
``correct`` / ``borderline`` / ``junk``). Strict precision is correct / judged, with a 95%
Wilson interval; ``lenient`` counts borderline as correct. A sampled node without a
judgment (the extraction changed since) is reported as unjudged, never guessed.

``--as-judged`` reports each judgment file as it was judged (the sample drawn by the code of
that day), without rebuilding: the numbers to quote for a past sample, since later changes
to extraction redraw the samples and leave some nodes of old ones unjudged.

The list checks of ``tests/test_corpora_extract.py`` (title + venue + year of every entry of
the two shared paper lists) are printed after the table.

Example::

    python benchmarks/extraction_quality.py                   # every judged seed
    python benchmarks/extraction_quality.py --seed 2          # one seed
    python benchmarks/extraction_quality.py --as-judged       # every judgment file as judged
    python benchmarks/extraction_quality.py --dump 3 > new.csv  # a sample to judge (verdicts empty)
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
JUDGMENTS = ROOT / "tests" / "data" / "judgments"
CORPORA: dict[str, Path] = {
    "shared-corpus": SHARED / "corpus",
    "bair-blog": SHARED / "corpus-extra" / "blog-bair-en",
    "vault": SHARED / "corpus-extra" / "vault-ericwiener-en",
}
TYPES = ("method", "topic", "paper", "venue")
FIELDS = ["corpus", "type", "node_id", "label", "path", "line", "source", "verdict"]
VERDICTS = ("correct", "borderline", "junk")


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of ``k`` successes in ``n`` trials.

    >>> [round(x, 3) for x in wilson(38, 40)]
    [0.835, 0.986]
    >>> wilson(0, 0)
    (0.0, 1.0)
    """
    if n == 0:
        return 0.0, 1.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def sample(kg, node_type: str, n: int, seed: int, corpus: str) -> list[dict]:
    """A fixed-seed sample of at most ``n`` nodes of ``node_type`` (by sorted id)."""
    nodes = sorted(kg.nodes(node_type), key=lambda d: d["id"])
    rng = random.Random(f"{seed}:{corpus}:{node_type}")
    return rng.sample(nodes, min(n, len(nodes)))


def _root_of(corpus: str) -> Path:
    return CORPORA[corpus].parent


def source_line(corpus: str, src: dict) -> str:
    """The text of a node's first source line (the note line it was read from)."""
    path = _root_of(corpus) / src["path"]
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    i = src["line"] - 1
    return " ".join(lines[i].split())[:300] if 0 <= i < len(lines) else ""


def rows_for(corpus: str, seed: int, per_type: int) -> list[dict]:
    from kg.pipeline import build

    kg = build([CORPORA[corpus]])
    rows = []
    for t in TYPES:
        for node in sample(kg, t, per_type, seed, corpus):
            src = node["sources"][0] if node["sources"] else {"path": "", "line": 0}
            rows.append(
                {
                    "corpus": corpus,
                    "type": t,
                    "node_id": node["id"],
                    "label": node["label"],
                    "path": src["path"],
                    "line": src["line"],
                    "source": source_line(corpus, src) if src["path"] else "",
                    "verdict": "",
                }
            )
    return rows


def load_judgments(seed: int) -> dict[tuple[str, str, str], str]:
    """(corpus, node id, label) -> verdict from every judgment file of ``seed``."""
    out: dict[tuple[str, str, str], str] = {}
    for f in sorted(JUDGMENTS.glob(f"*-seed{seed}.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                verdict = row["verdict"].strip()
                if verdict not in VERDICTS:
                    raise SystemExit(f"{f}: line {i}: verdict {verdict!r} not one of {VERDICTS}")
                out[(row["corpus"], row["node_id"], row["label"])] = verdict
    return out


def judged_seeds() -> list[int]:
    seeds = set()
    for f in JUDGMENTS.glob("*-seed*.csv"):
        seeds.add(int(f.stem.rsplit("-seed", 1)[1]))
    return sorted(seeds)


def precision_table(seed: int, per_type: int) -> list[dict]:
    judged = load_judgments(seed)
    table = []
    for corpus, path in CORPORA.items():
        if not path.is_dir():
            continue
        rows = rows_for(corpus, seed, per_type)
        for t in TYPES:
            verdicts = [judged.get((corpus, r["node_id"], r["label"])) for r in rows if r["type"] == t]
            n = sum(v is not None for v in verdicts)
            k = sum(v == "correct" for v in verdicts)
            kb = sum(v in ("correct", "borderline") for v in verdicts)
            lo, hi = wilson(k, n)
            table.append(
                {"seed": seed, "corpus": corpus, "type": t, "judged": n, "correct": k,
                 "strict": k / n if n else float("nan"), "lo": lo, "hi": hi,
                 "lenient": kb / n if n else float("nan"),
                 "unjudged": len(verdicts) - n}  # fmt: skip
            )
    return table


def as_judged_table() -> list[dict]:
    """Precision of every judgment file as judged: no rebuild, no redraw."""
    table = []
    for seed in judged_seeds():
        for f in sorted(JUDGMENTS.glob(f"*-seed{seed}.csv")):
            with f.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            corpus = rows[0]["corpus"] if rows else f.stem.rsplit("-seed", 1)[0]
            for t in TYPES:
                verdicts = [r["verdict"] for r in rows if r["type"] == t]
                n, k = len(verdicts), verdicts.count("correct")
                kb = k + verdicts.count("borderline")
                lo, hi = wilson(k, n)
                table.append(
                    {"seed": seed, "corpus": corpus, "type": t, "judged": n, "correct": k,
                     "strict": k / n if n else float("nan"), "lo": lo, "hi": hi,
                     "lenient": kb / n if n else float("nan"), "unjudged": 0}  # fmt: skip
                )
    return table


def list_checks() -> list[str]:
    """Run the shared-list checks of tests/test_corpora_extract.py and return their lines."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import test_corpora_extract as t
    except ImportError:
        return ["(tests/test_corpora_extract.py not found)"]
    out = []
    for fn, folder in (
        (t.test_gnn_list_papers_with_venue_and_year, "awesome-gnn-thunlp"),
        (t.test_fewshot_list_papers_with_venue_and_year, "awesome-fewshot-duanjm"),
    ):
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                fn(SHARED / "corpus" / folder)
            status = "floor met"
        except AssertionError:
            status = "BELOW FLOOR"
        out.append(f"{buf.getvalue().strip()}  ({status}; entries with title, venue and year right)")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, action="append", help="judged seed(s) to report")
    ap.add_argument("--per-type", type=int, default=40, help="sample size per type (default 40)")
    ap.add_argument("--dump", type=int, metavar="SEED", help="print a sample to judge as CSV")
    ap.add_argument("--corpus", choices=sorted(CORPORA), action="append")
    ap.add_argument("--no-lists", action="store_true", help="skip the shared-list checks")
    ap.add_argument("--as-judged", action="store_true", help="judgment files as judged, no rebuild")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.dump is not None:
        w = csv.DictWriter(sys.stdout, FIELDS)
        w.writeheader()
        for corpus in args.corpus or CORPORA:
            for row in rows_for(corpus, args.dump, args.per_type):
                w.writerow(row)
        return
    print(f"{'seed':>4} {'corpus':<14} {'type':<7} {'judged':>6} {'strict':>7} "
          f"{'95% Wilson':>15} {'lenient':>7} {'unjudged':>8}")  # fmt: skip
    tables = (
        [as_judged_table()]
        if args.as_judged
        else [precision_table(seed, args.per_type) for seed in args.seed or judged_seeds()]
    )
    for table in tables:
        for r in table:
            if (args.corpus and r["corpus"] not in args.corpus) or not r["judged"] + r["unjudged"]:
                continue
            print(f"{r['seed']:>4} {r['corpus']:<14} {r['type']:<7} {r['judged']:>6} "
                  f"{r['strict']:>7.2f} [{r['lo']:.2f}, {r['hi']:.2f}] {r['lenient']:>9.2f} "
                  f"{r['unjudged']:>8}")  # fmt: skip
    if not args.no_lists:
        for line in list_checks():
            print(line)


if __name__ == "__main__":
    main()
