"""Learning at scale: ``kg build`` with training on graphs of about 5k, 25k and 50k nodes.

The graphs are copies of the shared corpus (``../shared/corpus``) written into a temporary
folder (never into the repository). Copy 0 is the corpus as it is; in copy ``i`` every name
is made distinct so that the graph really grows instead of merging into one: each Latin word
of four or more letters has its lower-case letters rotated by ``i`` places (``Graph`` ->
``Gsbqi``) and each Chinese character is moved ``i`` places along the CJK block. Words the
extractor treats specially stay as they are: known venue names (``NeurIPS``, ``arxiv``),
generic headings (``Introduction``, ``参考文献``), the front matter keys, link targets and
URLs. Numbers and capitals stay, so a title keeps its digits and acronyms.

For each size, in a fresh process each (start-up and imports included):

* ``kg build COPIES --out DIR`` with training (the default); wall time and peak resident
  memory of the process and its children (``ru_maxrss`` of ``RUSAGE_CHILDREN``);
* the test MRR of the model it trained (``kg eval --json``, whose own time is also recorded),
  and the first ``kg suggest`` (its index is written by ``kg build``).

It prints one row per size and the growth ratio of the largest over the smallest; ``--json``
prints the rows as JSON. Record the load average next to the figures (printed here too): on
a shared machine other work slows every step.

Usage::

    python benchmarks/learn_scale.py                       # 1, 5, 11 copies (~5k, 25k, 50k)
    python benchmarks/learn_scale.py --copies 1 2 --json   # quick check
    python benchmarks/learn_scale.py --copies 11 --batch-size 0   # full batch for comparison
    python benchmarks/learn_scale.py --edit                # edit one note, rebuild, compare
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("KG_CORPUS", ROOT.parent / "shared" / "corpus"))

sys.path.insert(0, str(ROOT))

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
# spans left alone: link targets, URLs, kramdown attributes, inline code
_KEEP = re.compile(r"\]\([^)\n]*\)|https?://\S+|\{:[^}\n]*\}|`[^`\n]*`|<[^>\n]*>")
_WORD = re.compile(r"[A-Za-z]{4,}|[\u4e00-\u9fff]")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")


def _protected_words() -> frozenset[str]:
    from kg.notes.extraction import GENERIC_HEADINGS

    return frozenset(GENERIC_HEADINGS)


def _rotate_word(word: str, shift: int, keep: frozenset[str]) -> str:
    from kg.notes.venues import lookup_venue

    if len(word) == 1:  # one CJK character
        code = ord(word) - 0x4E00
        return chr(0x4E00 + (code + 97 * shift) % (0x9FFF - 0x4E00))
    if word.casefold() in keep or lookup_venue(word) is not None or not any(c.islower() for c in word):
        return word
    return "".join(
        chr(ord("a") + (ord(c) - ord("a") + shift) % 26) if "a" <= c <= "z" else c for c in word
    )


def distinct_copy(text: str, shift: int, keep: frozenset[str] | None = None) -> str:
    """``text`` with its names made distinct for copy number ``shift`` (0: unchanged).

    >>> distinct_copy("# Graph Networks\\n- [ICLR 2021] Provably Powerful GNN", 1)
    '# Gsbqi Nfuxpslt\\n- [ICLR 2021] Pspwbcmz Ppxfsgvm GNN'
    >>> distinct_copy("## References\\n", 3)
    '## References\\n'
    """
    if shift == 0:
        return text
    keep = _protected_words() if keep is None else keep
    front = _FRONT.match(text)
    head, body = (front.group(0), text[front.end():]) if front else ("", text)
    head = re.sub(
        r"^(title:\s*)(.*)$",
        lambda m: m.group(1) + _rotate_span(m.group(2), shift, keep),
        head,
        flags=re.M,
    )
    lines = []
    for line in body.split("\n"):
        h = _HEADING.match(line)
        if h and h.group(1).strip().casefold() in keep:
            lines.append(line)
        else:
            lines.append(_rotate_span(line, shift, keep))
    return head + "\n".join(lines)


def _rotate_span(text: str, shift: int, keep: frozenset[str]) -> str:
    out, pos = [], 0
    for m in _KEEP.finditer(text):
        out.append(_WORD.sub(lambda w: _rotate_word(w.group(0), shift, keep), text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_WORD.sub(lambda w: _rotate_word(w.group(0), shift, keep), text[pos:]))
    return "".join(out)


def write_copies(copies: int, dest: Path, source: Path = CORPUS) -> Path:
    """Write ``copies`` distinct copies of ``source``'s notes under ``dest`` (replaced)."""
    if dest.exists():
        shutil.rmtree(dest)
    keep = _protected_words()
    files = sorted(source.rglob("*.md"))
    for i in range(copies):
        for p in files:
            q = dest / f"copy{i:02d}" / p.relative_to(source)
            q.parent.mkdir(parents=True, exist_ok=True)
            q.write_text(distinct_copy(p.read_text(encoding="utf-8"), i, keep), encoding="utf-8")
    return dest


#: CPU seconds (user + system) of the last command run by :func:`_run`
LAST_CPU = [0.0]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (GB) of the children so far, stdout of ``cmd`` run in a child
    (its CPU seconds go to :data:`LAST_CPU`: on a shared machine they move less than wall time)."""
    t0, c0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    LAST_CPU[0] = _children_cpu() - c0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20  # KiB -> GiB
    return wall, peak, proc.stdout


def _kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def _measure_build(notes: Path, out: Path, extra: list[str]) -> dict[str, object]:
    """One ``kg build`` with training in a child that reports its own peak memory."""
    code = (
        "import resource, sys, time\n"
        "from kg.cli import cli\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    cli.main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "    print('PEAK', max(r, c) / 2**20, time.perf_counter() - t)\n"
    )
    load = os.getloadavg()[0]
    wall, _, stdout = _run([sys.executable, "-c", code, "build", str(notes), "--out", str(out), *extra])
    peak = float(stdout.rsplit("PEAK", 1)[1].split()[0])
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    # the first "model:" line says how it trained (fresh or fine-tuned, mode); the second, its shape
    trained = [line for line in stdout.splitlines() if line.startswith("model:")]
    return {
        "build_s": round(wall, 1),
        "build_cpu_s": round(LAST_CPU[0], 1),
        "peak_gb": round(peak, 2),
        "load_before": round(load, 2),
        "mode": model.get("mode", "full"),
        "train_s": round(float(model["timings"]["total"]), 1),
        "epochs": model.get("epochs_trained"),
        "model_line": trained[0] if trained else "",
        # what became of the title vectors (none past kg.learn.titles.TITLE_LIMIT titles)
        "titles_line": next((line for line in stdout.splitlines() if line.startswith("titles:")), ""),
    }


def measure(notes: Path, out: Path, extra: list[str], query: str | None) -> dict[str, object]:
    """Build with training, then eval (default sample) and a first suggest, each timed."""
    from kg.graph.knowledge_graph import KnowledgeGraph

    row = _measure_build(notes, out, extra)
    kg = KnowledgeGraph.load(out)
    row["nodes"] = len(kg.graph)
    row["edges"] = kg.graph.number_of_edges()
    t0 = time.perf_counter()
    _, _, stdout = _run(_kg("eval", "--out", str(out), "--json"))
    row["eval_s"] = round(time.perf_counter() - t0, 1)
    row["eval_cpu_s"] = round(LAST_CPU[0], 1)
    res = json.loads(stdout)
    row["test_mrr"] = round(res["results"]["gnn"]["mrr"], 4)
    row["test_auc"] = round(res["results"]["gnn"]["auc"], 4)
    row["queries"] = res["split"]["queries"]
    if query is None:
        emb = json.loads((out / "model.json").read_text(encoding="utf-8"))
        del emb
        query = next(n for n, a in kg.graph.nodes(data=True) if a.get("type") == "method")
    t0 = time.perf_counter()
    _run(_kg("suggest", query, "--out", str(out), "-k", "10"))
    row["suggest_s"] = round(time.perf_counter() - t0, 2)
    row["suggest_cpu_s"] = round(LAST_CPU[0], 2)
    row["load_after"] = round(os.getloadavg()[0], 2)
    return row


EDITED_NOTE = "blog-smartadpole-zh"
EDIT = "\n\n## Edited section\n\n- Graph Attention Networks (ICLR 2018)\n- A Newly Added Paper On Sparse Training (NeurIPS 2023)\n"

COMPARE = """
import json, sys
from kg.learn.evaluation import evaluate
from kg.graph.knowledge_graph import KnowledgeGraph
from kg.learn.predictor import LinkPredictor
from kg.learn.training import train
kg = KnowledgeGraph.load(sys.argv[1])
tuned = LinkPredictor.load(sys.argv[1])
before = LinkPredictor.load(sys.argv[2])
fresh = train(kg, init=before, warm=False, progress=False)
# the same fine-tune with its related-works ranker fitted afresh (what a build did before
# the ranker was kept): how far the kept ranker's suggestions are from a refitted one's
import random
import kg.learn.incremental as inc
kept_ranker, inc.kept_ranker = inc.kept_ranker, lambda previous, graph: None
refit = train(kg, init=before, progress=False)
inc.kept_ranker = kept_ranker
out = {}
for name, p in (("fine_tuned", tuned), ("fresh_same_split", fresh), ("fine_tuned_ranker_refit", refit)):
    r = evaluate(kg, p, max_queries=2000, baselines=())["results"]["gnn"]
    rk = p.config.get("ranker") or {}
    val = (rk.get("validation") or {}).get("ranker") or {}
    out[name] = {"mrr": round(r["mrr"], 4), "auc": round(r["auc"], 4), "hits@10": round(r["hits@10"], 4),
                 "train_s": round(p.timings["total"], 1), "epochs": p.config["epochs_trained"],
                 "ranker_kind": rk.get("kind"), "ranker_kept": bool(p.config.get("ranker_kept")),
                 "ranker_val_mrr": round(val.get("mrr", float("nan")), 4),
                 "ranker_val_auc": round(val.get("auc", float("nan")), 4)}
from kg.suggest.suggester import Suggester
papers = sorted(n for n, a in kg.graph.nodes(data=True) if a.get("type") == "paper")
queries = random.Random(0).sample(papers, min(200, len(papers)))
def top10(p):
    s = Suggester.from_predictor(p, kg, check=False)
    return {q: {x.id for x in s.suggest(q, k=10, reasons=False)} for q in queries}
a, b, c = top10(tuned), top10(refit), top10(fresh)
def overlap(x, y):
    return round(sum(len(x[q] & y[q]) / max(1, len(x[q] | y[q])) for q in queries) / len(queries), 4)
out["top10_jaccard"] = {"kept_vs_refit": overlap(a, b), "refit_vs_fresh": overlap(b, c),
                        "kept_vs_fresh": overlap(a, c), "queries": len(queries)}
print(json.dumps(out))
"""


def edit_run(tmp: Path) -> dict[str, object]:
    """Fresh build of one copy, edit one note, rebuild (fine-tunes), compare with a fresh model.

    Both builds use an extraction cache (``--cache``), as a user who rebuilds after edits
    would; the first build fills it.
    """
    notes = write_copies(1, tmp / "notes-edit")
    out, cache = tmp / "out-edit", tmp / "cache-edit"
    fresh = _measure_build(notes, out, ["--cache", str(cache)])
    shutil.copytree(out, tmp / "out-before")
    # a post of the blog (its SOURCE.md describes the corpus and is no note)
    target = sorted((notes / "copy00" / EDITED_NOTE / "_posts").rglob("*.md"))[0]
    target.write_text(target.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    edited = _measure_build(notes, out, ["--cache", str(cache)])
    _, _, stdout = _run([sys.executable, "-c", COMPARE, str(out), str(tmp / "out-before")])
    return {
        "fresh_build": fresh,
        "edited_note": str(target.relative_to(notes)),
        "rebuild_after_edit": edited,
        "ratio": round(float(edited["build_s"]) / float(fresh["build_s"]), 3),
        "cpu_ratio": round(float(edited["build_cpu_s"]) / float(fresh["build_cpu_s"]), 3),
        "quality": json.loads(stdout.strip().splitlines()[-1]),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 5, 11], help="corpus copies per size")
    ap.add_argument("--batch-size", type=int, help="pass --batch-size N to kg build (0: full batch)")
    ap.add_argument("--keep", type=Path, help="keep the notes and outputs in this folder")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    ap.add_argument("--edit", action="store_true", help="only the edit-one-note measurement")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS}: no such folder (the corpora live in ../shared)")
    extra = [] if args.batch_size is None else ["--batch-size", str(args.batch_size)]
    tmp = Path(tempfile.mkdtemp(prefix="kg-learn-")) if args.keep is None else args.keep
    rows = []
    if args.edit:
        try:
            print(json.dumps(edit_run(tmp)))
        finally:
            if args.keep is None:
                shutil.rmtree(tmp, ignore_errors=True)
        return 0
    try:
        for copies in args.copies:
            notes = write_copies(copies, tmp / f"notes-{copies}")
            row = {"copies": copies, **measure(notes, tmp / f"out-{copies}", extra, None)}
            rows.append(row)
            if not args.json:
                print(json.dumps(row), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        ratio = {
            "nodes": round(last["nodes"] / first["nodes"], 2),
            "build_s": round(last["build_s"] / first["build_s"], 2),
        }
    else:
        ratio = {}
    if args.json:
        print(json.dumps({"rows": rows, "growth": ratio}))
    else:
        print(f"growth, largest over smallest: {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
