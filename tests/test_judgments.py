"""The hand judgments in tests/data/judgments/ and the benchmark that reads them."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUDGMENTS = sorted((ROOT / "tests" / "data" / "judgments" / "refs").glob("*.csv"))
#: the per-type samples of benchmarks/extraction_quality.py (methods, topics, papers, venues)
TYPED = sorted((ROOT / "tests" / "data" / "judgments").glob("*-seed*.csv"))
TYPED_FIELDS = ["corpus", "type", "node_id", "label", "path", "line", "source", "verdict"]
SHARED = ROOT.parent / "shared"


def _benchmark():
    spec = importlib.util.spec_from_file_location("extraction_refs", ROOT / "benchmarks" / "extraction_refs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", JUDGMENTS, ids=lambda p: p.name)
def test_judgment_files_are_well_formed(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and list(rows[0]) == ["corpus", "node_id", "label", "source", "verdict"]
    assert {r["verdict"] for r in rows} <= {"correct", "borderline", "junk"}
    assert len({(r["corpus"], r["node_id"]) for r in rows}) == len(rows)
    for r in rows:
        assert r["node_id"].split(":", 1)[0] in ("paper", "venue")
        file, _, line = r["source"].rpartition(":")
        assert file and line.isdigit(), r


@pytest.mark.parametrize("path", TYPED, ids=lambda p: p.name)
def test_typed_judgment_files_are_well_formed(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and list(rows[0]) == TYPED_FIELDS
    assert {r["verdict"] for r in rows} <= {"correct", "borderline", "junk"}
    assert len({(r["corpus"], r["node_id"]) for r in rows}) == len(rows)
    for r in rows:
        assert r["type"] in ("method", "topic", "paper", "venue"), r
        assert r["node_id"].split(":", 1)[0] == r["type"], r
        assert r["path"] and r["line"].isdigit(), r


def test_judged_sources_exist_in_the_corpora() -> None:
    if not SHARED.exists():
        pytest.skip("../shared not present")
    folders = _benchmark().CORPORA
    for path in JUDGMENTS:
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                file, _, line = r["source"].rpartition(":")
                rel = file.split("/", 1)[1]
                text = (SHARED / folders[r["corpus"]] / rel).read_text(encoding="utf-8")
                assert 1 <= int(line) <= text.count("\n") + 1, r


def test_wilson_interval_and_precision_table() -> None:
    bench = _benchmark()
    lo, hi = bench.wilson(40, 40)
    assert hi == 1.0 and 0.91 < lo < 0.92
    lo, hi = bench.wilson(20, 40)
    assert lo < 0.5 < hi and abs((lo + hi) / 2 - 0.5) < 1e-9
    rows = [
        {"file": "f.csv", "corpus": "c", "node_id": "paper:a", "verdict": "correct"},
        {"file": "f.csv", "corpus": "c", "node_id": "paper:b", "verdict": "borderline"},
        {"file": "f.csv", "corpus": "c", "node_id": "paper:c", "verdict": "junk"},
        {"file": "f.csv", "corpus": "c", "node_id": "venue:v", "verdict": "correct"},
    ]
    table = {r["type"]: r for r in bench.precision_table(rows)}
    assert table["paper"]["strict"] == 0.333 and table["paper"]["lenient"] == 0.667
    assert table["venue"]["strict"] == 1.0 and table["venue"]["judged"] == 1
