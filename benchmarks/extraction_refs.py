"""Extraction quality of papers and venues, judged by hand, plus list recall and venue accuracy.

Three jobs, one script:

* ``--sample SEED``: build each corpus, draw a fixed-seed sample of ``--per`` paper and venue
  nodes per corpus (all of them when there are fewer) and write it as a judgment CSV with an
  empty ``verdict`` column and the source line's text (``--out``), for a person to fill in;
* ``--judged FILE...`` (default: every CSV in ``tests/data/judgments/refs/``): read judged rows
  (``corpus,node_id,label,source,verdict`` with ``verdict`` one of ``correct``, ``borderline``,
  ``junk``) and print strict precision (correct / judged) and lenient precision ((correct +
  borderline) / judged) per corpus and node type, with 95% Wilson intervals;
* always: paper recall and venue+year accuracy on the two shared paper lists, against
  (title, venue, year) triples read from the raw list files with plain regular expressions
  (independent of ``kg.papers`` / ``kg.venues``).

Example::

    python benchmarks/extraction_refs.py                       # judged CSVs + list figures
    python benchmarks/extraction_refs.py --sample 7 --out /tmp/sample-7.csv
    python benchmarks/extraction_refs.py --judged tests/data/judgments/refs/refs-seed1.csv --json
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
JUDGMENTS = ROOT / "tests" / "data" / "judgments" / "refs"

#: corpus name -> folder (relative to ../shared)
CORPORA: dict[str, str] = {
    "awesome-gnn-thunlp": "corpus/awesome-gnn-thunlp",
    "awesome-fewshot-duanjm": "corpus/awesome-fewshot-duanjm",
    "blog-smartadpole-zh": "corpus/blog-smartadpole-zh",
    "blog-bair-en": "corpus-extra/blog-bair-en",
    "vault-ericwiener-en": "corpus-extra/vault-ericwiener-en",
}
TYPES = ("paper", "venue")
FIELDS = ("corpus", "node_id", "label", "source", "verdict")
VERDICTS = ("correct", "borderline", "junk")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extraction_quality import wilson  # noqa: E402  (one interval for both benchmarks)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.md") if p.name not in ("SOURCE.md",))


def _source_text(folder: Path, source: dict) -> str:
    root_name = folder.name
    rel = source["path"].split("/", 1)[1] if source["path"].startswith(root_name + "/") else source["path"]
    try:
        lines = (folder / rel).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    n = source["line"]
    return " ".join(lines[n - 1].split())[:300] if 0 < n <= len(lines) else ""


def sample(seed: int, per: int) -> list[dict[str, str]]:
    """Fixed-seed sample of paper and venue nodes of every corpus present, as CSV rows."""
    from kg.pipeline import build

    rows: list[dict[str, str]] = []
    for corpus, rel in CORPORA.items():
        folder = SHARED / rel
        if not folder.exists():
            continue
        kg = build([folder])
        for type_ in TYPES:
            nodes = sorted(n["id"] for n in kg.nodes(type_))
            rng = random.Random(f"{seed}:{corpus}:{type_}")
            chosen = sorted(rng.sample(nodes, min(per, len(nodes))))
            for nid in chosen:
                node = kg.node(nid)
                src = node["sources"][0] if node["sources"] else {"path": "", "line": 0}
                rows.append({
                    "corpus": corpus,
                    "node_id": nid,
                    "label": node["label"],
                    "source": f"{src['path']}:{src['line']}",
                    "verdict": "",
                    "year": str(node.get("year") or ""),
                    "venue": str(node.get("venue") or ""),
                    "text": _source_text(folder, src),
                })  # fmt: skip
    return rows


# --------------------------------------------------------------------------- judged figures


def read_judged(paths: list[Path]) -> list[dict[str, str]]:
    """Judged rows of ``paths``; a bad verdict is an error naming the file and line."""
    rows = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                verdict = (row.get("verdict") or "").strip()
                if verdict not in VERDICTS:
                    raise SystemExit(f"{path}:{i}: verdict {verdict!r} is not one of {VERDICTS}")
                rows.append({**row, "verdict": verdict, "file": path.name})
    return rows


def precision_table(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """Strict and lenient precision with Wilson intervals per judgment file, corpus and type."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        type_ = r["node_id"].split(":", 1)[0]
        groups[(r["file"], r["corpus"], type_)].append(r["verdict"])
    out = []
    for (file, corpus, type_), verdicts in sorted(groups.items()):
        n = len(verdicts)
        correct = verdicts.count("correct")
        lenient = correct + verdicts.count("borderline")
        lo, hi = wilson(correct, n)
        out.append({
            "file": file, "corpus": corpus, "type": type_, "judged": n, "correct": correct,
            "borderline": verdicts.count("borderline"), "junk": verdicts.count("junk"),
            "strict": round(correct / n, 3), "strict_lo": round(lo, 3), "strict_hi": round(hi, 3),
            "lenient": round(lenient / n, 3),
        })  # fmt: skip
    return out


# --------------------------------------------------------------------------- list figures

_SAME = {"nips": "neurips", "mm": "acmmm", "tpmai": "tpami", "emnlpijcnlp": "emnlp"}
_GNN = re.compile(r"^1\. \*\*(?P<title>.+?)\*\* (?P<venue>.+?) (?P<year>\d{4})\. \[")
_FEWSHOT = re.compile(
    r"^\s*[-*] (?:\[[ xX]\] )?\[(?P<venue>[^\]\d]*?)\s*'?(?P<year>(?:19|20)\d{2})[^\]]*\]\s*(?P<rest>.+)$"
)


def _vkey(text: str | None) -> str:
    t = re.sub(r"^(?:ieee|acm)\s+", "", (text or "").lower().strip())
    t = re.sub(r"[^0-9a-z]+", "", re.sub(r"\bworkshop\b", "", t))
    return _SAME.get(t, t)


def _tkey(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def list_figures() -> list[dict[str, object]]:
    """Paper recall and venue+year accuracy on the shared lists (regex ground truth)."""
    from kg.notes.extraction import extract_file

    out = []
    for corpus, pattern in (("awesome-gnn-thunlp", _GNN), ("awesome-fewshot-duanjm", _FEWSHOT)):
        folder = SHARED / CORPORA[corpus]
        if not folder.exists():
            continue
        expected = []
        by_line: dict[tuple[str, int], list] = {}
        for p in _files(folder):
            rel = p.relative_to(folder).as_posix()
            for i, raw in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
                m = pattern.match(raw)
                if not m or "Dolphin Dataset" in m["venue"]:
                    continue
                if "rest" in m.groupdict():
                    title = re.sub(r"^\((?:[^()]|\([^()]*\))*\)\s*", "", m["rest"].strip())
                    title = re.sub(r"^\(\s*[A-Z!]+\s*\)\s*", "", title)
                    title = re.sub(r"\[[^\]]*\]\([^)]*\)", "", title).strip()
                else:
                    title = m["title"].rstrip(".")
                if title:
                    expected.append((rel, i, title, m["venue"].rstrip(","), int(m["year"])))
            ex = extract_file(p, rel)
            for mention in getattr(ex, "mentions", []):
                if mention.type == "paper":
                    by_line.setdefault((rel, mention.line), []).append(mention)
        found = right = 0
        for rel, line, title, venue, year in expected:
            cands = [
                m for m in by_line.get((rel, line), [])
                if _tkey(m.label) in _tkey(title) and len(_tkey(m.label)) >= 0.6 * len(_tkey(title))
            ]  # fmt: skip
            if cands:
                found += 1
                right += any(m.year == year and _vkey(m.venue) == _vkey(venue) for m in cands)
        out.append({
            "corpus": corpus, "expected": len(expected), "recall": round(found / len(expected), 4),
            "venue_year_accuracy": round(right / max(found, 1), 4),
        })  # fmt: skip
    return out


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, metavar="SEED", help="write a sample to judge")
    ap.add_argument("--per", type=int, default=40, help="nodes per type and corpus (40)")
    ap.add_argument("--out", type=Path, help="CSV file for --sample (default: stdout)")
    ap.add_argument("--judged", type=Path, nargs="*", help="judged CSV files")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args(argv)
    if args.sample is not None:
        rows = sample(args.sample, args.per)
        fh = args.out.open("w", encoding="utf-8", newline="") if args.out else sys.stdout
        writer = csv.DictWriter(fh, fieldnames=[*FIELDS, "venue", "year", "text"])
        writer.writeheader()
        writer.writerows(rows)
        if args.out:
            fh.close()
        return 0
    files = args.judged if args.judged else sorted(JUDGMENTS.glob("*.csv"))
    table = precision_table(read_judged(files)) if files else []
    lists = list_figures()
    if args.json:
        print(json.dumps({"precision": table, "lists": lists}, indent=1))
        return 0
    print(f"{'judgments':<24} {'corpus':<24} {'type':<6} {'n':>3} {'strict':>6} "
          f"{'95% Wilson':>14} {'lenient':>7}")  # fmt: skip
    for r in table:
        print(f"{r['file']:<24} {r['corpus']:<24} {r['type']:<6} {r['judged']:>3} "
              f"{r['strict']:>6.3f} [{r['strict_lo']:.3f}, {r['strict_hi']:.3f}] "
              f"{r['lenient']:>7.3f}")  # fmt: skip
    for r in lists:
        print(f"{r['corpus']}: recall {r['recall']:.1%} of {r['expected']} entries, "
              f"venue+year accuracy {r['venue_year_accuracy']:.1%} of those found")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
